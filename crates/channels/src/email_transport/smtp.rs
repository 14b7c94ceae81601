//! Sending over SMTP with lettre: settings, the admin's connection test, and [`send`] of bytes
//! the caller built (so it owns the Message-ID and a retried send is the same message),
//! with lettre's errors classified into [`SendError`]'s permanent / transient.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::error::{describe_tls, find_rustls_error, timed};
use super::tls::{parse_ca_pem, resolve};
use super::{Security, SendError, TransportError, DEFAULT_TIMEOUT};

/// The outgoing server. `Debug` shows `password` as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Empty: send without AUTH (a relay that trusts this machine's address).
    pub username: String,
    pub password: SecretString,
    /// PEM of a CA to trust besides the public roots: a self-signed or in-house server.
    pub extra_ca_pem: Option<String>,
    /// Deadline for each network step.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// Submission on 587 with STARTTLS, public roots only, [`DEFAULT_TIMEOUT`].
    pub fn new(host: &str, username: &str, password: SecretString) -> Self {
        Self {
            host: host.into(),
            port: 587,
            security: Security::StartTls,
            username: username.into(),
            password,
            extra_ca_pem: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// The admin's button: connects, negotiates TLS, logs in, says NOOP and QUIT.
pub async fn test_connection(config: &SmtpConfig) -> Result<(), TransportError> {
    let transport = transport(config).await?;
    let deadline = exchange_deadline(config, 0);
    timed(deadline, "testing the SMTP server", async {
        match transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(TransportError::Protocol(
                "the server did not answer NOOP".into(),
            )),
            Err(e) => Err(classify(config, &e)),
        }
    })
    .await
}

/// Hands `raw_message` (complete RFC 5322 bytes) to the server for `recipients`. Nothing is
/// added to the message; `envelope_from` is where bounces go. All or nothing: one refused
/// recipient fails the whole send.
pub async fn send(
    config: &SmtpConfig,
    envelope_from: &str,
    recipients: &[String],
    raw_message: &[u8],
) -> Result<(), SendError> {
    let envelope = envelope(envelope_from, recipients).map_err(SendError::Permanent)?;
    let transport = transport(config).await?;
    let deadline = exchange_deadline(config, raw_message.len());
    timed(deadline, "sending the message", async {
        transport
            .send_raw(&envelope, raw_message)
            .await
            .map(|_| ())
            .map_err(|e| classify(config, &e))
    })
    .await
    .map_err(SendError::from)
}

/// lettre's own timeout covers only the TCP connect, so the whole exchange gets a deadline:
/// `timeout` for each of its ~6 round trips (connect, greeting, TLS, EHLO, AUTH, DATA), plus
/// the message's bytes at a slow 100 kB/s.
fn exchange_deadline(config: &SmtpConfig, message_len: usize) -> Duration {
    config.timeout * 6 + Duration::from_millis(message_len as u64 / 100)
}

fn envelope(from: &str, recipients: &[String]) -> Result<Envelope, TransportError> {
    let address = |a: &str| {
        a.parse::<Address>()
            .map_err(|e| TransportError::Config(format!("\"{a}\" is not an e-mail address: {e}")))
    };
    let to = recipients
        .iter()
        .map(|r| address(r))
        .collect::<Result<Vec<_>, _>>()?;
    Envelope::new(Some(address(from)?), to)
        .map_err(|e| TransportError::Config(format!("no recipient: {e}")))
}

async fn transport(
    config: &SmtpConfig,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, TransportError> {
    // Resolved here first only to refuse plain text off loopback and to report a name that
    // does not resolve as such; lettre then connects by name itself.
    resolve(&config.host, config.port, config.security, config.timeout).await?;
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
        .port(config.port)
        .timeout(Some(config.timeout));
    if !config.username.is_empty() {
        builder = builder.credentials(Credentials::new(
            config.username.clone(),
            config.password.expose_secret().to_owned(),
        ));
    }
    let tls = match config.security {
        Security::None => Tls::None,
        Security::Tls => Tls::Wrapper(tls_parameters(config)?),
        // Required: a server that does not offer STARTTLS is an error, never plain text.
        Security::StartTls => Tls::Required(tls_parameters(config)?),
    };
    Ok(builder.tls(tls).build())
}

fn tls_parameters(config: &SmtpConfig) -> Result<TlsParameters, TransportError> {
    let mut builder = TlsParameters::builder(config.host.clone());
    if let Some(pem) = &config.extra_ca_pem {
        parse_ca_pem(pem)?;
        let cert = Certificate::from_pem(pem.as_bytes())
            .map_err(|e| TransportError::Config(format!("the CA certificate: {e}")))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build_rustls()
        .map_err(|e| TransportError::Config(format!("TLS settings: {e}")))
}

/// lettre's error, classified. Reply codes 530/534/535 are authentication refusals (RFC 4954).
fn classify(config: &SmtpConfig, e: &lettre::transport::smtp::Error) -> TransportError {
    if let Some(tls) = find_rustls_error(e) {
        return TransportError::Tls {
            host: config.host.clone(),
            reason: describe_tls(tls),
        };
    }
    if e.is_tls() {
        return TransportError::Tls {
            host: config.host.clone(),
            reason: chain(e),
        };
    }
    if e.is_timeout() {
        return TransportError::Timeout {
            during: "talking to the SMTP server",
            after: config.timeout,
        };
    }
    if let Some(code) = e.status() {
        let code = u16::from(code);
        // lettre keeps the server's reply text as the error's source.
        let server_says = std::error::Error::source(e)
            .map(|s| s.to_string())
            .unwrap_or_default();
        return match code {
            530 | 534 | 535 => TransportError::AuthFailed { server_says },
            500..=599 => TransportError::Rejected { code, server_says },
            _ => TransportError::Deferred { code, server_says },
        };
    }
    if e.is_client() && chain(e).contains("STARTTLS") {
        return TransportError::Tls {
            host: config.host.clone(),
            reason: "the server does not offer STARTTLS".into(),
        };
    }
    if e.is_client() || e.is_response() {
        return TransportError::Protocol(chain(e));
    }
    TransportError::Connect {
        host: config.host.clone(),
        port: config.port,
        reason: chain(e),
    }
}

/// An error and its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let config = SmtpConfig::new("smtp.example.com", "ana", "hunter2-secret".into());
        assert!(!format!("{config:?}").contains("hunter2-secret"));
    }

    #[test]
    fn a_bad_recipient_address_is_refused_before_connecting() {
        let err = envelope("a@example.com", &["not an address".into()]).expect_err("invalid");
        assert_eq!(err.code(), "invalid_config");
    }
}
