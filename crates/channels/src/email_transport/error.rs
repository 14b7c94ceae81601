//! What can go wrong talking to a mail server, in words an admin can act on, each with a
//! stable snake_case `code()` the UI translates.

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
                | Self::Protocol(_)
        )
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
