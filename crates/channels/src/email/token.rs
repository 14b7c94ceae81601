//! The conversation tag Vinculo puts in the subjects it sends, `[#VC-1A2B3C]`, and finds in the
//! subjects that come back: the threading fallback when a client drops `In-Reply-To` and
//! `References` (forwarders, some webmails, a customer who starts a new message and pastes the
//! subject). The format is defined here and nowhere else.
use std::fmt;

const PREFIX: &str = "[#VC-";
const SUFFIX: char = ']';
/// Crockford's base32: no I, L, O or U, so a customer who retypes a code cannot confuse 1/I/L
/// or 0/O.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Six symbols (a billion codes) at least; thirteen hold a whole `u64`.
const MIN_LEN: usize = 6;
const MAX_LEN: usize = 13;

/// A conversation's code, `1A2B3C`: upper-case Crockford base32, 6 to 13 symbols.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConversationToken(String);

impl ConversationToken {
    /// A code as written in a subject (any case).
    pub fn parse(code: &str) -> Option<ConversationToken> {
        let code = code.to_ascii_uppercase();
        let valid = (MIN_LEN..=MAX_LEN).contains(&code.len())
            && code.bytes().all(|b| ALPHABET.contains(&b));
        valid.then_some(ConversationToken(code))
    }

    /// The code for a number (a conversation's sequence number, or bits of its id), padded
    /// with zeros to six symbols.
    pub fn from_u64(mut n: u64) -> ConversationToken {
        let mut symbols = Vec::with_capacity(MAX_LEN);
        while n > 0 || symbols.len() < MIN_LEN {
            symbols.push(ALPHABET[(n % 32) as usize] as char);
            n /= 32;
        }
        ConversationToken(symbols.into_iter().rev().collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ConversationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The tag as it goes in a subject: `[#VC-1A2B3C]`.
pub fn render_token(token: &ConversationToken) -> String {
    format!("{PREFIX}{token}{SUFFIX}")
}

/// The first well-formed tag in a subject, in any case (`Re: [#vc-1a2b3c] …`).
pub fn find_token(subject: &str) -> Option<ConversationToken> {
    let upper = subject.to_ascii_uppercase();
    let mut rest = upper.as_str();
    while let Some(at) = rest.find(PREFIX) {
        let after = &rest[at + PREFIX.len()..];
        if let Some(end) = after.find(SUFFIX) {
            if let Some(token) = ConversationToken::parse(&after[..end]) {
                return Some(token);
            }
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_token_is_found_again() {
        let token = ConversationToken::from_u64(1_234_567);
        assert_eq!(token.as_str(), "015NM7");
        let subject = format!("RE: Pedido 42 {}", render_token(&token));
        assert_eq!(find_token(&subject), Some(token));
    }

    #[test]
    fn small_numbers_are_padded_and_large_ones_fit() {
        assert_eq!(ConversationToken::from_u64(0).as_str(), "000000");
        assert_eq!(ConversationToken::from_u64(u64::MAX).as_str().len(), 13);
    }

    #[test]
    fn a_lower_case_tag_is_read_and_malformed_ones_are_not() {
        assert_eq!(
            find_token("re: [#vc-1a2b3c] hola").map(|t| t.to_string()),
            Some("1A2B3C".into())
        );
        assert_eq!(find_token("[#VC-1A2] [#VC-ILOU00] [#VC-1A2B3C"), None);
        assert_eq!(
            find_token("[#VC-] Fwd: [#VC-ABCDEF]").map(|t| t.to_string()),
            Some("ABCDEF".into())
        );
    }
}
