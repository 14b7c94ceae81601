//! Passwords Vinculo must hand to other servers (a mailbox's IMAP and SMTP logins) are kept
//! sealed: ChaCha20-Poly1305 under the instance's credentials key, with the row and field they
//! belong to as associated data, so a sealed value copied onto another row does not open.
//!
//! The key lives outside the database (`<data dir>/credentials.key`, created on first start
//! with mode 0600, or `VINCULO_CREDENTIALS_KEY`): a leaked database dump or backup alone
//! does not reveal the passwords. Losing the key means typing the passwords again, nothing
//! else; the operator's guide says to back it up beside the database.
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use std::path::Path;

/// The first byte of a sealed value: the scheme, so the key or cipher can change later.
const V1: u8 = 1;

/// The instance's credentials key.
#[derive(Clone)]
pub struct CredentialsKey(Key);

impl std::fmt::Debug for CredentialsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialsKey(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} does not hold a credentials key (32 bytes, base64)")]
    Malformed(String),
}

/// A sealed value did not open: another key, or it was altered or moved.
#[derive(Debug, thiserror::Error)]
#[error("the stored password cannot be read with this instance's credentials key; type it again")]
pub struct OpenError;

impl CredentialsKey {
    /// The key in base64 (`VINCULO_CREDENTIALS_KEY`).
    pub fn from_base64(text: &str, what: &str) -> Result<Self, KeyError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::Malformed(what.to_owned()))?;
        if bytes.len() != 32 {
            return Err(KeyError::Malformed(what.to_owned()));
        }
        Ok(CredentialsKey(*Key::from_slice(&bytes)))
    }

    /// The key kept in `path`, created (mode 0600) when there is none.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_base64(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                write_private(path, &text).map_err(io)?;
                Ok(CredentialsKey(*Key::from_slice(&bytes)))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// A fresh random key (tests, and `vinculo` commands that never open a password).
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        CredentialsKey(*Key::from_slice(&bytes))
    }

    /// Seals `secret` for the place `context` names (e.g. `mail_channel:<id>:imap`).
    pub fn seal(&self, context: &str, secret: &str) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = ChaCha20Poly1305::new(&self.0);
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: context.as_bytes(),
        };
        // Encryption with a valid key and nonce cannot fail; an empty result would not open.
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + 12 + sealed.len());
        out.push(V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens what [`seal`](Self::seal) made for the same `context`.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<String, OpenError> {
        let (Some(&V1), Some(nonce), Some(body)) =
            (sealed.first(), sealed.get(1..13), sealed.get(13..))
        else {
            return Err(OpenError);
        };
        let cipher = ChaCha20Poly1305::new(&self.0);
        let plain = cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| OpenError)?;
        String::from_utf8(plain).map_err(|_| OpenError)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_password_opens_only_with_its_key_and_in_its_place() {
        let key = CredentialsKey::random();
        let sealed = key.seal("mail_channel:1:imap", "s3cret ñ");
        assert!(!sealed.windows(6).any(|w| w == b"s3cret"));
        assert_eq!(
            key.open("mail_channel:1:imap", &sealed).expect("open"),
            "s3cret ñ"
        );
        assert!(key.open("mail_channel:2:imap", &sealed).is_err());
        assert!(CredentialsKey::random()
            .open("mail_channel:1:imap", &sealed)
            .is_err());
        let mut altered = sealed.clone();
        if let Some(b) = altered.last_mut() {
            *b ^= 1;
        }
        assert!(key.open("mail_channel:1:imap", &altered).is_err());
        assert!(key.open("mail_channel:1:imap", &[]).is_err());
    }

    #[test]
    fn the_key_file_is_created_once_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!("vinculo-key-{}", uuid::Uuid::now_v7()));
        let path = dir.join("credentials.key");
        let key = CredentialsKey::load_or_create(&path).expect("create");
        let sealed = key.seal("x", "pw");
        let again = CredentialsKey::load_or_create(&path).expect("read");
        assert_eq!(again.open("x", &sealed).expect("open"), "pw");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").expect("write");
        assert!(CredentialsKey::load_or_create(&path).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
