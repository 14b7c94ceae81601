//! Minimal blocking HTTP/1.1 GET over loopback for readiness polling and probes (no pool, no retries).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result};

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// One `GET path` with `Connection: close`; the body is returned raw (possibly chunk-framed).
pub fn get(
    addr: SocketAddr,
    path: &str,
    bearer: Option<&str>,
    timeout: Duration,
) -> Result<Response> {
    let mut stream =
        TcpStream::connect_timeout(&addr, timeout).with_context(|| format!("connect {addr}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .context("set read timeout")?;
    stream
        .set_write_timeout(Some(timeout))
        .context("set write timeout")?;
    stream.set_nodelay(true).context("set TCP_NODELAY")?;
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .with_context(|| format!("send GET {path}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .with_context(|| format!("read response to GET {path}"))?;
    parse(&raw).with_context(|| format!("parse response to GET {path}"))
}

fn parse(raw: &[u8]) -> Result<Response> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status_line = head.lines().next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("malformed status line {status_line:?}"))?;
    Ok(Response {
        status,
        body: body.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_and_body() -> Result<()> {
        let r = parse(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")?;
        assert_eq!((r.status, r.body.as_str()), (200, "ok"));
        assert!(parse(b"garbage").is_err());
        Ok(())
    }
}
