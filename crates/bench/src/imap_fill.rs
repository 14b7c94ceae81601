//! Fills an IMAP folder fast: MULTIAPPEND (RFC 3502) with non-synchronising literals
//! (LITERAL+, RFC 7888), so hundreds of messages go in one command with no round trip per
//! message. A plain APPEND waits for the server's `+` before each message's bytes. Written by
//! hand over a plain loopback connection: async-imap has no MULTIAPPEND, and the bench's
//! server (dovecot from `.ci/start-mail.sh`) treats loopback as secure for LOGIN.
use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Messages per MULTIAPPEND command: each command is one transaction in dovecot.
const PER_COMMAND: usize = 500;

/// A raw IMAP connection, logged in.
pub struct Raw {
    stream: BufReader<TcpStream>,
    tag: u32,
}

/// IMAP quoted string.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Raw {
    pub async fn login(host: &str, port: u16, user: &str, password: &str) -> Result<Raw> {
        let tcp = TcpStream::connect((host, port))
            .await
            .with_context(|| format!("connect to IMAP {host}:{port}"))?;
        let mut raw = Raw {
            stream: BufReader::new(tcp),
            tag: 0,
        };
        let mut greeting = String::new();
        raw.stream.read_line(&mut greeting).await?;
        if !greeting.starts_with("* OK") {
            bail!("IMAP greeting: {greeting}");
        }
        let caps = raw
            .command(format!("LOGIN {} {}", quoted(user), quoted(password)).as_bytes())
            .await?;
        let _ = caps;
        let caps = raw.command(b"CAPABILITY").await?;
        if !(caps.contains("MULTIAPPEND") && caps.contains("LITERAL+")) {
            bail!("the IMAP server lacks MULTIAPPEND or LITERAL+: {caps}");
        }
        Ok(raw)
    }

    /// Sends one command (bytes after the tag) and reads to its tagged answer, which must be OK.
    async fn command(&mut self, body: &[u8]) -> Result<String> {
        self.tag += 1;
        let tag = format!("b{}", self.tag);
        let mut line = Vec::with_capacity(body.len() + 16);
        line.extend_from_slice(tag.as_bytes());
        line.push(b' ');
        line.extend_from_slice(body);
        line.extend_from_slice(b"\r\n");
        self.stream.get_mut().write_all(&line).await?;
        let mut said = String::new();
        loop {
            let mut l = String::new();
            if self.stream.read_line(&mut l).await? == 0 {
                bail!("the IMAP server closed the connection");
            }
            if let Some(rest) = l.strip_prefix(&format!("{tag} ")) {
                if rest.starts_with("OK") {
                    return Ok(said);
                }
                bail!("IMAP: {rest}");
            }
            said.push_str(&l);
        }
    }

    pub async fn create(&mut self, folder: &str) -> Result<()> {
        self.command(format!("CREATE {}", quoted(folder)).as_bytes())
            .await
            .map(drop)
    }

    pub async fn delete(&mut self, folder: &str) -> Result<()> {
        self.command(format!("DELETE {}", quoted(folder)).as_bytes())
            .await
            .map(drop)
    }

    /// Appends every message, [`PER_COMMAND`] to a MULTIAPPEND, in order.
    pub async fn append_all(&mut self, folder: &str, messages: &[Vec<u8>]) -> Result<()> {
        for chunk in messages.chunks(PER_COMMAND) {
            let mut cmd = format!("APPEND {}", quoted(folder)).into_bytes();
            for m in chunk {
                cmd.extend_from_slice(format!(" {{{}+}}\r\n", m.len()).as_bytes());
                cmd.extend_from_slice(m);
            }
            self.command(&cmd).await.context("MULTIAPPEND")?;
        }
        Ok(())
    }

    pub async fn logout(mut self) {
        let _ = self.command(b"LOGOUT").await;
    }
}
