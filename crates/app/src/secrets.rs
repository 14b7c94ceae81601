//! Secrets: 256-bit random tokens (sessions, API tokens, invitations) stored only as their
//! SHA-256, and passwords stored as argon2id PHC strings. A fast hash is right for random
//! tokens (nothing to brute-force); a slow, memory-hard one is right for passwords.
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random secret, URL-safe, prefixed so a leaked one is recognisable (`vnc_…`).
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

pub fn sha256(s: &str) -> Vec<u8> {
    Sha256::digest(s.as_bytes()).to_vec()
}

fn argon2(memory_kib: u32) -> Argon2<'static> {
    let params = Params::new(memory_kib.max(8), 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (CPU-heavy: call from a blocking thread).
pub fn hash_password(password: &str, memory_kib: u32) -> Result<String, String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2(memory_kib)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored PHC string; the parameters come from the string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery", 64).expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn secrets_are_unique_and_prefixed() {
        let a = new_secret("vnc_");
        assert!(a.starts_with("vnc_") && a.len() > 40);
        assert_ne!(a, new_secret("vnc_"));
        assert_eq!(sha256("x").len(), 32);
    }
}
