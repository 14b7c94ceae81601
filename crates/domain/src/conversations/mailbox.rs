//! A mailbox to connect, as an admin types it: where its IMAP and SMTP servers are, how to
//! log in, and what to read. Checked field by field before anything is stored or dialled.
use crate::customers::{FieldIssue, Problem};
use crate::identity::IdentityKey;
use serde::Deserialize;

/// How the connection to a mail server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// A plain connection upgraded with STARTTLS (IMAP 143, submission 587).
    StartTls,
    /// No encryption: only to this machine (a local relay or test server), where nothing
    /// crosses a network to be read.
    None,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Security> {
        match s {
            "tls" => Some(Security::Tls),
            "starttls" => Some(Security::StartTls),
            "none" => Some(Security::None),
            _ => None,
        }
    }
}

/// One server of a mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    /// `None` on an update: keep the stored one.
    pub password: Option<String>,
}

/// A checked mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    /// Normalised (lower case); what customers write to.
    pub address: String,
    pub imap: Server,
    pub folder: String,
    pub smtp: Server,
    pub tls_ca_pem: Option<String>,
    pub delete_after_fetch: bool,
    pub signature: Option<String>,
    pub enabled: bool,
}

/// One server as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerDraft {
    pub host: Option<String>,
    pub port: Option<serde_json::Value>,
    pub security: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// A mailbox as typed (the API's body; the settings form fills the same).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxDraft {
    pub name: Option<String>,
    pub address: Option<String>,
    #[serde(default)]
    pub imap: ServerDraft,
    pub folder: Option<String>,
    #[serde(default)]
    pub smtp: ServerDraft,
    pub tls_ca_pem: Option<String>,
    pub delete_after_fetch: Option<bool>,
    pub signature: Option<String>,
    pub enabled: Option<bool>,
}

const MAX_NAME: usize = 100;
const MAX_HOST: usize = 253;
const MAX_SIGNATURE: usize = 2_000;
const MAX_PEM: usize = 64 * 1024;

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A host name (letters, digits, dots, hyphens) or an IP address.
fn host_ok(h: &str) -> bool {
    h.parse::<std::net::IpAddr>().is_ok()
        || (h.len() <= MAX_HOST
            && h.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            }))
}

/// Whether a host is this machine.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn server(
    prefix: &str,
    d: &ServerDraft,
    default_port: (u16, u16),
    need_password: bool,
    issues: &mut Vec<FieldIssue>,
) -> Option<Server> {
    let at = |f: &str| format!("{prefix}.{f}");
    let host = match trimmed(&d.host) {
        None => {
            issues.push(FieldIssue::new(at("host"), Problem::Missing));
            None
        }
        Some(h) if !host_ok(&h) => {
            issues.push(FieldIssue::new(at("host"), Problem::NotAHost(h)));
            None
        }
        Some(h) => Some(h.to_ascii_lowercase()),
    };
    let security = match trimmed(&d.security) {
        None => Some(Security::Tls),
        Some(s) => match Security::parse(&s.to_ascii_lowercase()) {
            Some(sec) => Some(sec),
            None => {
                issues.push(FieldIssue::new(
                    at("security"),
                    Problem::NotOneOf("tls, starttls, none".into()),
                ));
                None
            }
        },
    };
    if let (Some(h), Some(Security::None)) = (&host, security) {
        if !is_loopback(h) {
            issues.push(FieldIssue::new(at("security"), Problem::PlainOffLoopback));
        }
    }
    let port = match &d.port {
        None | Some(serde_json::Value::Null) => Some(match security {
            Some(Security::Tls) => default_port.0,
            _ => default_port.1,
        }),
        Some(v) => {
            let text = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            match text.trim().parse::<u16>() {
                Ok(p) if p > 0 => Some(p),
                _ => {
                    issues.push(FieldIssue::new(at("port"), Problem::NotAPort(text)));
                    None
                }
            }
        }
    };
    let username = trimmed(&d.username);
    if username.is_none() {
        issues.push(FieldIssue::new(at("username"), Problem::Missing));
    }
    let password = d.password.clone().filter(|p| !p.is_empty());
    if need_password && password.is_none() {
        issues.push(FieldIssue::new(at("password"), Problem::Missing));
    }
    Some(Server {
        host: host?,
        port: port?,
        security: security?,
        username: username?,
        password,
    })
}

impl MailboxDraft {
    /// Checks the draft; `new` requires the passwords (an update may keep the stored ones).
    pub fn validate(&self, new: bool) -> Result<Mailbox, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let name = trimmed(&self.name);
        match &name {
            None => issues.push(FieldIssue::new("name", Problem::Missing)),
            Some(n) if n.chars().count() > MAX_NAME => {
                issues.push(FieldIssue::new("name", Problem::TooLong { max: MAX_NAME }))
            }
            _ => {}
        }
        let address = match trimmed(&self.address) {
            None => {
                issues.push(FieldIssue::new("address", Problem::Missing));
                None
            }
            Some(a) => match IdentityKey::email(&a) {
                Ok(k) => Some(k.value),
                Err(e) => {
                    issues.push(FieldIssue::new("address", Problem::Key(e)));
                    None
                }
            },
        };
        let imap = server("imap", &self.imap, (993, 143), new, &mut issues);
        let smtp = server("smtp", &self.smtp, (465, 587), new, &mut issues);
        let folder = trimmed(&self.folder).unwrap_or_else(|| "INBOX".into());
        if folder.len() > 200 || folder.contains(['\r', '\n']) {
            issues.push(FieldIssue::new("folder", Problem::TooLong { max: 200 }));
        }
        let tls_ca_pem = trimmed(&self.tls_ca_pem);
        if let Some(pem) = &tls_ca_pem {
            if pem.len() > MAX_PEM {
                issues.push(FieldIssue::new(
                    "tls_ca_pem",
                    Problem::TooBig { max: MAX_PEM },
                ));
            } else if !pem.contains("-----BEGIN CERTIFICATE-----") {
                issues.push(FieldIssue::new("tls_ca_pem", Problem::NotACertificate));
            }
        }
        let signature = trimmed(&self.signature);
        if signature
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_SIGNATURE)
        {
            issues.push(FieldIssue::new(
                "signature",
                Problem::TooLong { max: MAX_SIGNATURE },
            ));
        }
        match (name, address, imap, smtp) {
            (Some(name), Some(address), Some(imap), Some(smtp)) if issues.is_empty() => {
                Ok(Mailbox {
                    name,
                    address,
                    imap,
                    folder,
                    smtp,
                    tls_ca_pem,
                    delete_after_fetch: self.delete_after_fetch.unwrap_or(false),
                    signature,
                    enabled: self.enabled.unwrap_or(true),
                })
            }
            _ => Err(issues),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(v: serde_json::Value) -> MailboxDraft {
        serde_json::from_value(v).expect("draft")
    }

    #[test]
    fn a_mailbox_gets_the_usual_ports_and_tls_unless_told_otherwise() {
        let m = draft(json!({
            "name": "Soporte", "address": " Soporte@Acme.ES ",
            "imap": {"host": "imap.acme.es", "username": "soporte", "password": "x"},
            "smtp": {"host": "smtp.acme.es", "security": "starttls", "username": "soporte", "password": "x"}
        }))
        .validate(true)
        .expect("valid");
        assert_eq!(m.address, "soporte@acme.es");
        assert_eq!((m.imap.port, m.imap.security), (993, Security::Tls));
        assert_eq!((m.smtp.port, m.smtp.security), (587, Security::StartTls));
        assert_eq!(m.folder, "INBOX");
        assert!(!m.delete_after_fetch);
    }

    #[test]
    fn each_bad_field_is_named() {
        let issues = draft(json!({
            "address": "not-an-address",
            "imap": {"host": "imap acme", "port": 70000, "security": "ssl"},
            "smtp": {"host": "mail.acme.es", "security": "none", "username": "u"},
            "tls_ca_pem": "hello"
        }))
        .validate(true)
        .expect_err("invalid");
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        for f in [
            "name",
            "address",
            "imap.host",
            "imap.security",
            "imap.port",
            "imap.username",
            "imap.password",
            "smtp.security",
            "smtp.password",
            "tls_ca_pem",
        ] {
            assert!(fields.contains(&f), "{f} not in {fields:?}");
        }
    }

    #[test]
    fn plain_connections_only_to_this_machine_and_updates_may_keep_passwords() {
        let m = draft(json!({
            "name": "Pruebas", "address": "test@vinculo.test",
            "imap": {"host": "127.0.0.1", "port": "10143", "security": "none", "username": "t"},
            "smtp": {"host": "localhost", "port": 10025, "security": "none", "username": "t"}
        }))
        .validate(false)
        .expect("valid");
        assert_eq!(m.imap.port, 10143);
        assert_eq!(m.imap.password, None);
        assert!(is_loopback("::1") && is_loopback("[::1]") && !is_loopback("10.0.0.1"));
    }
}
