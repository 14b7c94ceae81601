//! What can go wrong talking to a mail server, in words an admin can act on, each with a
//! stable snake_case `code()` the UI translates; and the SMTP send's permanent / transient
//! split a durable outbox retries on.

use std::time::Duration;

/// One failure of an IMAP or SMTP exchange. `Display` is the English message; `code()` is
/// stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("cannot resolve the host name {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("cannot connect to {host}:{port}: {reason}")]
    Connect {
        host: String,
        port: u16,
        reason: String,
    },
    #[error("secure connection to {host} failed: {reason}")]
    Tls { host: String, reason: String },
    #[error("the server refused the user name or password ({server_says})")]
    AuthFailed { server_says: String },
    #[error("the folder \"{folder}\" does not exist ({server_says})")]
    FolderNotFound { folder: String, server_says: String },
    #[error("no answer from the server within {} s while {during}", .after.as_secs())]
    Timeout {
        during: &'static str,
        after: Duration,
    },
    #[error("the connection was lost: {reason}")]
    ConnectionLost { reason: String },
    /// An SMTP 5xx reply: the message or a recipient was refused for good.
    #[error("the server refused the message ({code}): {server_says}")]
    Rejected { code: u16, server_says: String },
    /// An SMTP 4xx reply: refused for now, worth trying again later.
    #[error("the server asked to try again later ({code}): {server_says}")]
    Deferred { code: u16, server_says: String },
    #[error("the server does not support {what}")]
    Unsupported { what: &'static str },
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    #[error("invalid mail settings: {0}")]
    Config(String),
}

impl TransportError {
    /// Stable identifier for the UI and the API (`problem+json` `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Resolve { .. } => "cannot_resolve",
            Self::Connect { .. } => "cannot_connect",
            Self::Tls { .. } => "tls_failed",
            Self::AuthFailed { .. } => "auth_failed",
            Self::FolderNotFound { .. } => "folder_not_found",
            Self::Timeout { .. } => "timeout",
            Self::ConnectionLost { .. } => "connection_lost",
            Self::Rejected { .. } => "rejected",
            Self::Deferred { .. } => "deferred",
            Self::Unsupported { .. } => "unsupported",
            Self::Protocol(_) => "protocol_error",
            Self::Config(_) => "invalid_config",
        }
    }

    /// Whether the same attempt may succeed later with nothing changed: the network or the
    /// server's temporary state, not the settings or the message.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Resolve { .. }
                | Self::Connect { .. }
                | Self::Timeout { .. }
                | Self::ConnectionLost { .. }
                | Self::Deferred { .. }
                | Self::Protocol(_)
        )
    }
}

/// Why [`crate::email_transport::smtp::send`] did not hand the message over.
///
/// `Permanent`: retrying the same message cannot succeed until someone acts — a 5xx reply
/// (bad recipient, message refused), and also a refused password, an untrusted certificate or
/// invalid settings. The inner `code()` tells the two apart: `rejected` is the message's
/// fault; `auth_failed`, `tls_failed`, `invalid_config` are the account's, so an outbox may
/// hold such messages until the admin fixes the settings. `Transient`: 4xx, connection
/// failures, timeouts — retry with backoff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("{0}")]
    Permanent(TransportError),
    #[error("{0} (will retry)")]
    Transient(TransportError),
}

impl SendError {
    pub fn code(&self) -> &'static str {
        self.error().code()
    }

    pub fn error(&self) -> &TransportError {
        match self {
            Self::Permanent(e) | Self::Transient(e) => e,
        }
    }

    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

impl From<TransportError> for SendError {
    fn from(e: TransportError) -> Self {
        if e.is_transient() {
            Self::Transient(e)
        } else {
            Self::Permanent(e)
        }
    }
}

/// Runs one network step under a deadline, turning the deadline into [`TransportError::Timeout`].
pub(crate) async fn timed<T>(
    after: Duration,
    during: &'static str,
    step: impl std::future::Future<Output = Result<T, TransportError>>,
) -> Result<T, TransportError> {
    match tokio::time::timeout(after, step).await {
        Ok(result) => result,
        Err(_) => Err(TransportError::Timeout { during, after }),
    }
}

/// The rustls error somewhere in an error's chain, looking inside `io::Error`s too (their
/// `source()` skips the error they wrap, which is where tokio-rustls puts the handshake's).
pub(crate) fn find_rustls_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if let Some(tls) = find_rustls_error(inner) {
                return Some(tls);
            }
        }
        next = e.source();
    }
    None
}

/// A handshake failure in words an admin can act on.
pub(crate) fn describe_tls(err: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "the server's certificate is not signed by a trusted authority; for a self-signed or \
             in-house certificate, add its CA certificate (PEM) to the settings"
                .into()
        }
        rustls::Error::InvalidCertificate(C::NotValidForName)
        | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            "the server's certificate is for another host name".into()
        }
        rustls::Error::InvalidCertificate(C::Expired)
        | rustls::Error::InvalidCertificate(C::ExpiredContext { .. }) => {
            "the server's certificate has expired".into()
        }
        rustls::Error::InvalidCertificate(other) => {
            format!("the server's certificate is not valid ({other:?})")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_that_need_a_person_are_permanent_sends() {
        let auth = SendError::from(TransportError::AuthFailed {
            server_says: "535".into(),
        });
        assert!(!auth.is_transient());
        assert_eq!(auth.code(), "auth_failed");
        let deferred = SendError::from(TransportError::Deferred {
            code: 451,
            server_says: "later".into(),
        });
        assert!(deferred.is_transient());
        let rejected = SendError::from(TransportError::Rejected {
            code: 550,
            server_says: "no such user".into(),
        });
        assert_eq!(rejected.code(), "rejected");
        assert!(!rejected.is_transient());
    }
}
