//! Reaching a mail server: name resolution and TCP connect with deadlines, the loopback-only
//! rule for unencrypted connections, the rustls client configuration (public roots plus an
//! optional in-house CA) and [`MailStream`], one stream type for plain and TLS connections.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::error::{describe_tls, find_rustls_error, timed};
use super::{Security, TransportError};

/// A connection to a mail server, before or after TLS.
pub enum MailStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl std::fmt::Debug for MailStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Plain(_) => "MailStream::Plain",
            Self::Tls(_) => "MailStream::Tls",
        })
    }
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Resolves `host`, refusing [`Security::None`] unless every address is loopback (see
/// [`Security::None`] for why).
pub(crate) async fn resolve(
    host: &str,
    port: u16,
    security: Security,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, TransportError> {
    let addrs: Vec<SocketAddr> = timed(timeout, "looking up the host name", async {
        tokio::net::lookup_host((host, port))
            .await
            .map(|addrs| addrs.collect())
            .map_err(|e| TransportError::Resolve {
                host: host.into(),
                reason: e.to_string(),
            })
    })
    .await?;
    if addrs.is_empty() {
        return Err(TransportError::Resolve {
            host: host.into(),
            reason: "no address".into(),
        });
    }
    if security == Security::None && !addrs.iter().all(|a| a.ip().is_loopback()) {
        return Err(TransportError::Config(format!(
            "an unencrypted connection is allowed only to this machine (localhost); use TLS or \
             STARTTLS for {host}"
        )));
    }
    Ok(addrs)
}

/// Opens a TCP connection to the first of `host`'s addresses that answers.
pub(crate) async fn connect_tcp(
    host: &str,
    port: u16,
    security: Security,
    timeout: Duration,
) -> Result<TcpStream, TransportError> {
    let mut last = None;
    for addr in resolve(host, port, security, timeout).await? {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last = Some(e.to_string()),
            Err(_) => last = Some(format!("no answer within {} s", timeout.as_secs())),
        }
    }
    Err(TransportError::Connect {
        host: host.into(),
        port,
        reason: last.unwrap_or_default(),
    })
}

/// The CA certificates in a PEM text (an in-house or self-signed server's).
pub(crate) fn parse_ca_pem(pem: &str) -> Result<Vec<CertificateDer<'static>>, TransportError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TransportError::Config(format!("the CA certificate is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(TransportError::Config(
            "the CA certificate text holds no PEM certificate".into(),
        ));
    }
    Ok(certs)
}

/// Trusts Mozilla's public roots plus `extra_ca_pem`. ring is named explicitly rather than
/// left to rustls's process-wide default, which panics when two providers are compiled in.
pub(crate) fn client_config(
    extra_ca_pem: Option<&str>,
) -> Result<Arc<ClientConfig>, TransportError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_ca_pem {
        for cert in parse_ca_pem(pem)? {
            roots.add(cert).map_err(|e| {
                TransportError::Config(format!("the CA certificate cannot be used: {e}"))
            })?;
        }
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| TransportError::Config(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The TLS handshake over an open connection, checking the certificate against `host`.
pub(crate) async fn handshake(
    tcp: TcpStream,
    host: &str,
    config: Arc<ClientConfig>,
    timeout: Duration,
) -> Result<MailStream, TransportError> {
    // An IP literal is checked against the certificate's IP addresses, a name against its DNS
    // names.
    let name = match host.parse::<IpAddr>() {
        Ok(ip) => ServerName::from(ip),
        Err(_) => ServerName::try_from(host.to_owned())
            .map_err(|_| TransportError::Config(format!("\"{host}\" is not a valid host name")))?,
    };
    let stream = timed(timeout, "negotiating TLS", async {
        TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| tls_error(host, &e))
    })
    .await?;
    Ok(MailStream::Tls(Box::new(stream)))
}

fn tls_error(host: &str, e: &io::Error) -> TransportError {
    let reason = match find_rustls_error(e) {
        Some(tls) => describe_tls(tls),
        None => e.to_string(),
    };
    TransportError::Tls {
        host: host.into(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn plain_text_is_refused_for_a_host_off_this_machine() {
        let err = resolve("192.0.2.1", 143, Security::None, Duration::from_secs(1))
            .await
            .expect_err("refused");
        assert_eq!(err.code(), "invalid_config");
        assert!(
            resolve("127.0.0.1", 143, Security::None, Duration::from_secs(1))
                .await
                .is_ok()
        );
    }

    #[test]
    fn a_ca_text_without_a_certificate_is_a_clear_settings_error() {
        let err = client_config(Some("hello")).expect_err("no PEM");
        assert_eq!(err.code(), "invalid_config");
        assert!(err.to_string().contains("no PEM certificate"), "{err}");
    }
}
