//! An IMAP mailbox's settings and a logged-in session ([`connect`]), with
//! [`test_connection`] for the admin's "test the connection" button.

use std::time::Duration;

use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use secrecy::{ExposeSecret, SecretString};

use super::error::timed;
use super::tls::{client_config, connect_tcp, handshake, MailStream};
use super::{Security, TransportError, DEFAULT_TIMEOUT};

/// A connected mailbox. `Debug` shows `password` as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: SecretString,
    /// The folder Vinculo reads, `INBOX` unless the admin picked another.
    pub folder: String,
    /// PEM of a CA to trust besides the public roots: a self-signed or in-house server.
    pub extra_ca_pem: Option<String>,
    /// Deadline for each network step (connect, handshake, one command).
    pub timeout: Duration,
}

impl ImapConfig {
    /// IMAPS on 993, `INBOX`, public roots only, [`DEFAULT_TIMEOUT`].
    pub fn new(host: &str, username: &str, password: SecretString) -> Self {
        Self {
            host: host.into(),
            port: 993,
            security: Security::Tls,
            username: username.into(),
            password,
            folder: "INBOX".into(),
            extra_ca_pem: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// What the "test the connection" button reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapCheck {
    /// Every folder, as the server names it (modified UTF-7 for non-ASCII names), so a name
    /// picked from this list can be stored as [`ImapConfig::folder`] unchanged.
    pub folders: Vec<String>,
    /// New mail arrives within seconds (IDLE); otherwise it is polled.
    pub supports_idle: bool,
    /// Delete-after-fetch is possible (UID EXPUNGE removes only the given messages).
    pub supports_uidplus: bool,
    /// The configured folder's UIDVALIDITY and message count.
    pub uidvalidity: u32,
    pub messages: u32,
}

/// A logged-in IMAP connection and what its server can do.
#[derive(Debug)]
pub struct ImapSession {
    pub(crate) inner: Session<MailStream>,
    pub(crate) idle: bool,
    pub(crate) uidplus: bool,
    pub(crate) timeout: Duration,
}

impl ImapSession {
    pub fn supports_idle(&self) -> bool {
        self.idle
    }

    pub fn supports_uidplus(&self) -> bool {
        self.uidplus
    }

    /// Polls instead of IDLE from now on, for a server whose IDLE misbehaves (some drop idle
    /// connections silently).
    pub fn disable_idle(&mut self) {
        self.idle = false;
    }

    /// Every folder's name.
    pub async fn folders(&mut self) -> Result<Vec<String>, TransportError> {
        timed(self.timeout, "listing folders", async {
            let names: Vec<_> = self
                .inner
                .list(Some(""), Some("*"))
                .await
                .map_err(map_imap)?
                .try_collect()
                .await
                .map_err(map_imap)?;
            Ok(names.iter().map(|n| n.name().to_owned()).collect())
        })
        .await
    }

    /// Creates a folder (CREATE).
    pub async fn create_folder(&mut self, folder: &str) -> Result<(), TransportError> {
        timed(self.timeout, "creating a folder", async {
            self.inner.create(folder).await.map_err(map_imap)
        })
        .await
    }

    /// Deletes a folder and everything in it (DELETE).
    pub async fn delete_folder(&mut self, folder: &str) -> Result<(), TransportError> {
        timed(self.timeout, "deleting a folder", async {
            // A selected folder cannot always be deleted from the same connection.
            let _ = self.inner.close().await;
            self.inner.delete(folder).await.map_err(map_imap)
        })
        .await
    }

    /// Stores a message in a folder (APPEND), e.g. a copy of a sent reply in "Sent".
    pub async fn append(&mut self, folder: &str, raw: &[u8]) -> Result<(), TransportError> {
        timed(self.timeout, "storing a message", async {
            self.inner
                .append(folder, None, None, raw)
                .await
                .map_err(map_imap)
        })
        .await
    }

    /// Says goodbye; errors are ignored, the connection is closed either way.
    pub async fn logout(mut self) {
        let _ = tokio::time::timeout(self.timeout, self.inner.logout()).await;
    }
}

/// Connects, upgrades to TLS as configured, and logs in.
pub async fn connect(config: &ImapConfig) -> Result<ImapSession, TransportError> {
    let t = config.timeout;
    let tcp = connect_tcp(&config.host, config.port, config.security, t).await?;
    let client = match config.security {
        Security::Tls => {
            let tls = client_config(config.extra_ca_pem.as_deref())?;
            let mut client = Client::new(handshake(tcp, &config.host, tls, t).await?);
            greeting(&mut client, t).await?;
            client
        }
        Security::StartTls => {
            let tls = client_config(config.extra_ca_pem.as_deref())?;
            let mut client = Client::new(MailStream::Plain(tcp));
            greeting(&mut client, t).await?;
            timed(t, "asking for STARTTLS", async {
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| TransportError::Tls {
                        host: config.host.clone(),
                        reason: format!("the server refused STARTTLS ({e})"),
                    })
            })
            .await?;
            let MailStream::Plain(tcp) = client.into_inner() else {
                return Err(TransportError::Protocol("STARTTLS on a TLS stream".into()));
            };
            // No second greeting after STARTTLS (RFC 3501 6.2.1).
            Client::new(handshake(tcp, &config.host, tls, t).await?)
        }
        Security::None => {
            let mut client = Client::new(MailStream::Plain(tcp));
            greeting(&mut client, t).await?;
            client
        }
    };
    let mut inner = timed(t, "logging in", async {
        client
            .login(&config.username, config.password.expose_secret())
            .await
            .map_err(|(e, _)| match e {
                async_imap::error::Error::No(text) | async_imap::error::Error::Bad(text) => {
                    TransportError::AuthFailed { server_says: text }
                }
                other => map_imap(other),
            })
    })
    .await?;
    // Asked after login: servers advertise more (IDLE, UIDPLUS) to a logged-in user.
    let caps = timed(t, "reading capabilities", async {
        inner.capabilities().await.map_err(map_imap)
    })
    .await?;
    Ok(ImapSession {
        idle: caps.has_str("IDLE"),
        uidplus: caps.has_str("UIDPLUS"),
        inner,
        timeout: t,
    })
}

/// The admin's button: logs in, lists folders, opens the configured folder read-only.
pub async fn test_connection(config: &ImapConfig) -> Result<ImapCheck, TransportError> {
    let mut session = connect(config).await?;
    let folders = session.folders().await?;
    let mailbox = examine(&mut session, &config.folder).await?;
    let check = ImapCheck {
        folders,
        supports_idle: session.idle,
        supports_uidplus: session.uidplus,
        uidvalidity: mailbox.uid_validity.unwrap_or_default(),
        messages: mailbox.exists,
    };
    session.logout().await;
    Ok(check)
}

/// Opens `folder` read-only (EXAMINE): nothing done through it can change flags.
pub(crate) async fn examine(
    session: &mut ImapSession,
    folder: &str,
) -> Result<async_imap::types::Mailbox, TransportError> {
    timed(session.timeout, "opening the folder", async {
        session
            .inner
            .examine(folder)
            .await
            .map_err(|e| folder_error(folder, e))
    })
    .await
}

/// A NO to SELECT/EXAMINE: the folder is missing (or not selectable, which is the same to
/// the admin).
pub(crate) fn folder_error(folder: &str, e: async_imap::error::Error) -> TransportError {
    match e {
        async_imap::error::Error::No(text) => TransportError::FolderNotFound {
            folder: folder.into(),
            server_says: text,
        },
        other => map_imap(other),
    }
}

async fn greeting(client: &mut Client<MailStream>, t: Duration) -> Result<(), TransportError> {
    timed(t, "waiting for the server's greeting", async {
        match client.read_response().await {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(TransportError::ConnectionLost {
                reason: "closed before its greeting".into(),
            }),
            Err(e) => Err(TransportError::ConnectionLost {
                reason: e.to_string(),
            }),
        }
    })
    .await
}

/// async-imap's errors, classified.
pub(crate) fn map_imap(e: async_imap::error::Error) -> TransportError {
    use async_imap::error::Error as E;
    match e {
        E::Io(io) => TransportError::ConnectionLost {
            reason: io.to_string(),
        },
        E::ConnectionLost => TransportError::ConnectionLost {
            reason: "closed by the server".into(),
        },
        E::Validate(v) => {
            TransportError::Config(format!("a name holds a character IMAP cannot carry: {v}"))
        }
        E::No(text) => TransportError::Protocol(format!("the server said NO: {text}")),
        E::Bad(text) => TransportError::Protocol(format!("the server said BAD: {text}")),
        other => TransportError::Protocol(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let config = ImapConfig::new("imap.example.com", "ana", "hunter2-secret".into());
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("REDACTED"), "{shown}");
    }
}
