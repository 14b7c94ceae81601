//! The reference a conversation carries in reply subjects, `[#VC-7K2M9XQ4TB]`: a reply whose
//! client dropped the In-Reply-To and References headers (some webmail, a forwarded message
//! answered later) still finds its conversation by it.
//!
//! Ten Crockford base-32 characters from the random part of the conversation's UUIDv7: 50
//! bits, so two conversations of one workspace share one with odds of about 1 in 2,000 at a
//! million conversations (the store's unique constraint catches it; a new id is drawn).
//! Crockford's alphabet has no I, L, O or U, so a token read aloud or retyped survives.
use crate::ids::ConversationId;

/// What every token starts with.
pub const TOKEN_PREFIX: &str = "VC-";

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LEN: usize = 10;

/// The token of a conversation (`VC-` and ten characters).
pub fn token_for(id: ConversationId) -> String {
    // The last 8 bytes of a UUIDv7 are random but for the 2 variant bits.
    let bytes = id.uuid().into_bytes();
    let mut bits = u64::from_be_bytes([
        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15],
    ]) & ((1 << 62) - 1);
    let mut out = String::with_capacity(TOKEN_PREFIX.len() + LEN);
    out.push_str(TOKEN_PREFIX);
    for _ in 0..LEN {
        out.push(ALPHABET[(bits & 31) as usize] as char);
        bits >>= 5;
    }
    out
}

/// The token in a subject, as `[#VC-…]` (any case), normalised to upper case.
pub fn find_token(subject: &str) -> Option<String> {
    let upper = subject.to_ascii_uppercase();
    let mut rest = upper.as_str();
    while let Some(at) = rest.find("[#VC-") {
        let candidate = &rest[at + 2..];
        let body = &candidate[TOKEN_PREFIX.len()..];
        let chars: Vec<u8> = body.bytes().take(LEN + 1).collect();
        if chars.len() == LEN + 1
            && chars[LEN] == b']'
            && chars[..LEN].iter().all(|c| ALPHABET.contains(c))
        {
            return Some(candidate[..TOKEN_PREFIX.len() + LEN].to_owned());
        }
        rest = &rest[at + 2..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_found_in_a_reply_subject_in_any_case() {
        let id = ConversationId::new();
        let token = token_for(id);
        assert_eq!(token.len(), 13);
        let subject = format!("RE: Fwd: Mi pedido no llega [#{}]", token.to_lowercase());
        assert_eq!(find_token(&subject), Some(token));
    }

    #[test]
    fn look_alikes_are_not_tokens() {
        assert_eq!(find_token("Pedido [#VC-123]"), None);
        assert_eq!(find_token("Pedido [#VC-ILOU000000]"), None);
        assert_eq!(find_token("Pedido #VC-0123456789"), None);
        assert_eq!(
            find_token("[#VC-[#VC-0123456789]"),
            Some("VC-0123456789".into())
        );
    }

    #[test]
    fn tokens_of_different_conversations_differ() {
        let tokens: std::collections::HashSet<String> = (0..10_000)
            .map(|_| token_for(ConversationId::new()))
            .collect();
        assert_eq!(tokens.len(), 10_000);
    }
}
