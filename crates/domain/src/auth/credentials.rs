//! The credentials people log in with: a normalised e-mail, a password that meets the
//! policy, and a display name. Parsed once at the edge, trusted afterwards.
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CredentialError {
    #[error("{0:?} is not an e-mail address")]
    InvalidEmail(String),
    #[error("the password must be at least {min} characters")]
    PasswordTooShort { min: usize },
    #[error("the password must be at most {max} characters")]
    PasswordTooLong { max: usize },
    #[error("the name must not be empty")]
    EmptyName,
    #[error("the name is longer than {max} characters")]
    NameTooLong { max: usize },
}

/// A login e-mail, trimmed and lowercased so `Ana@Example.COM ` and `ana@example.com` are one
/// account. The check is deliberately structural (one `@`, a dotted domain, no spaces or
/// control characters): the only proof an address works is a message that arrives.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, CredentialError> {
        let s = raw.trim().to_lowercase();
        let bad = || CredentialError::InvalidEmail(raw.trim().to_owned());
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain
                .split('.')
                .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(bad());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = CredentialError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

/// A new password that meets the policy: 10 to 256 characters, as NIST SP 800-63B advises
/// (length over composition rules). Its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 10;
    pub const MAX: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, CredentialError> {
        let n = raw.chars().count();
        if n < Self::MIN {
            return Err(CredentialError::PasswordTooShort { min: Self::MIN });
        }
        if n > Self::MAX {
            return Err(CredentialError::PasswordTooLong { max: Self::MAX });
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A person's display name: trimmed, 1 to 120 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, CredentialError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(CredentialError::EmptyName);
        }
        if s.chars().count() > 120 {
            return Err(CredentialError::NameTooLong { max: 120 });
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = CredentialError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> Self {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse(" Ana.Pérez@Example.COM ").map(|e| e.0),
            Ok("ana.pérez@example.com".into())
        );
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.com",
            "ana@localhost",
            "a b@x.com",
            "ana@x..com",
            "a@b@c.com",
            "ana@-x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords_follow_the_length_policy_and_hide_in_debug() {
        assert!(Password::parse("short").is_err());
        let p = Password::parse("correct horse battery").expect("long enough");
        assert_eq!(format!("{p:?}"), "Password(***)");
        assert!(Password::parse(&"x".repeat(300)).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parsed_emails_are_stable(local in "[a-zA-Z0-9._%+-]{1,20}", domain in "[a-z0-9]{1,10}\\.[a-z]{2,6}") {
            let e = Email::parse(&format!("{local}@{domain}")).expect("valid");
            proptest::prop_assert_eq!(Email::parse(e.as_str()).expect("re-parse"), e);
        }
    }
}
