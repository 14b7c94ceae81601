//! The e-mail transport against real servers: dovecot (IMAP) and an aiosmtpd sink (SMTP),
//! started by `.ci/start-mail.sh`, whose `VINCULO_TEST_*` lines name them. Without those
//! variables each test prints a note and passes. Every IMAP test works in a folder of its own,
//! created and deleted by the test, so tests run in parallel without seeing each other's mail.

mod idle_watch;
mod imap;
mod offline;
mod smtp;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use vinculo_channels::email_transport::imap::connect;
use vinculo_channels::email_transport::{ImapConfig, ImapSession, Security, SmtpConfig};

/// The servers, as `.ci/start-mail.sh` described them.
pub struct Servers {
    /// IMAP with STARTTLS.
    pub imap: ImapConfig,
    /// IMAP over TLS from the first byte.
    pub imaps: ImapConfig,
    /// SMTP with STARTTLS.
    pub smtp: SmtpConfig,
    /// SMTP over TLS from the first byte.
    pub smtps: SmtpConfig,
    /// Where the SMTP sink saves what it accepts.
    pub spool: PathBuf,
}

/// The servers, or `None` (with a note) when the environment does not name them.
pub fn servers(test: &str) -> Option<Servers> {
    let vars = [
        "VINCULO_TEST_IMAP",
        "VINCULO_TEST_IMAPS",
        "VINCULO_TEST_IMAP_CA",
        "VINCULO_TEST_SMTP",
        "VINCULO_TEST_SMTPS",
        "VINCULO_TEST_SMTP_SPOOL",
    ];
    let values: Vec<String> = vars.iter().filter_map(|v| std::env::var(v).ok()).collect();
    if values.len() != vars.len() {
        eprintln!("{test}: VINCULO_TEST_IMAP… are not set (run .ci/start-mail.sh): skipping");
        return None;
    }
    let ca = std::fs::read_to_string(&values[2]).expect("read VINCULO_TEST_IMAP_CA");
    let (imap_host, imap_port, user, password) = parse(&values[0]);
    let (_, imaps_port, _, _) = parse(&values[1]);
    let (smtp_host, smtp_port, smtp_user, smtp_password) = parse(&values[3]);
    let (_, smtps_port, _, _) = parse(&values[4]);
    let mut imap = ImapConfig::new(&imap_host, &user, password.into());
    imap.port = imap_port;
    imap.security = Security::StartTls;
    imap.extra_ca_pem = Some(ca.clone());
    let mut imaps = imap.clone();
    imaps.port = imaps_port;
    imaps.security = Security::Tls;
    let mut smtp = SmtpConfig::new(&smtp_host, &smtp_user, smtp_password.into());
    smtp.port = smtp_port;
    smtp.extra_ca_pem = Some(ca);
    let mut smtps = smtp.clone();
    smtps.port = smtps_port;
    smtps.security = Security::Tls;
    Some(Servers {
        imap,
        imaps,
        smtp,
        smtps,
        spool: PathBuf::from(&values[5]),
    })
}

/// `scheme://user:password@host:port` → its parts, user and password percent-decoded.
fn parse(raw: &str) -> (String, u16, String, String) {
    let url = url::Url::parse(raw).expect("a mail server URL");
    (
        url.host_str().expect("host").to_owned(),
        url.port().expect("port"),
        percent_decode(url.username()),
        percent_decode(url.password().unwrap_or_default()),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// A name no other test (or earlier run) uses.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    format!(
        "{prefix}_{}_{nanos:x}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A logged-in session and a fresh folder of the test's own; `config.folder` is set to it.
pub async fn fresh_folder(config: &mut ImapConfig, test: &str) -> ImapSession {
    let folder = unique(test);
    let mut session = connect(config).await.expect("connect");
    session.create_folder(&folder).await.expect("CREATE");
    config.folder = folder;
    session
}

/// A small message with a known Message-ID.
pub fn message(id: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: Ana <ana@example.com>\r\nTo: soporte@vinculo.test\r\nSubject: {subject}\r\n\
         Message-ID: <{id}@example.com>\r\nDate: Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\n\
         Hola, {subject}.\r\n"
    )
    .into_bytes()
}
