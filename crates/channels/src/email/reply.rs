//! What a reply's headers are built from: user-typed values checked for header injection, and
//! `In-Reply-To` / `References` derived from the parent's ids (RFC 5322 §3.6.4).

/// A value that would end its header line and start another (`Subject: hi\r\nBcc: x@y`).
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
#[error("a header value cannot contain a line break or a control character")]
pub struct HeaderInjection;

/// A subject, a display name or an address as typed by a user, refused when it holds CR, LF or
/// any other control character (tab aside): the SMTP layer folds long lines itself, so a line
/// break in a value can only be an attempt to add headers.
pub fn header_value(value: &str) -> Result<&str, HeaderInjection> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(HeaderInjection);
    }
    Ok(value)
}

/// Enough for any real thread's shape (root plus the recent messages) while keeping the header
/// far below the 998-character line limit that some servers enforce even on folded headers.
pub const MAX_REFERENCES: usize = 20;

/// A reply's threading headers, ids without angle brackets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplyIds {
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

impl ReplyIds {
    /// `<a@x>`, as the header's value.
    pub fn in_reply_to_header(&self) -> Option<String> {
        self.in_reply_to.as_ref().map(|id| format!("<{id}>"))
    }

    /// `<a@x> <b@x>`, as the header's value; `None` when there is nothing to refer to.
    pub fn references_header(&self) -> Option<String> {
        let ids: Vec<String> = self.references.iter().map(|id| format!("<{id}>")).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The ids for a reply to a message with these ids: `In-Reply-To` is the parent's Message-ID;
/// `References` is the parent's References (or, lacking them, its single In-Reply-To) followed
/// by the parent's Message-ID, repeats removed, capped at [`MAX_REFERENCES`] by keeping the
/// first (the thread's root) and the most recent. Ids that could not be written back safely
/// (empty, with spaces, angle brackets or control characters) are left out.
pub fn reply_ids(
    parent_message_id: Option<&str>,
    parent_references: &[String],
    parent_in_reply_to: &[String],
) -> ReplyIds {
    let parent = parent_message_id.filter(|id| is_safe_id(id));
    let mut chain: Vec<&str> = if !parent_references.is_empty() {
        parent_references.iter().map(String::as_str).collect()
    } else if parent_in_reply_to.len() == 1 {
        vec![parent_in_reply_to[0].as_str()]
    } else {
        Vec::new()
    };
    chain.extend(parent);

    let mut references: Vec<String> = Vec::with_capacity(chain.len());
    for id in chain.into_iter().filter(|id| is_safe_id(id)) {
        if !references.iter().any(|seen| seen == id) {
            references.push(id.to_string());
        }
    }
    if references.len() > MAX_REFERENCES {
        references.drain(1..references.len() - (MAX_REFERENCES - 1));
    }
    ReplyIds {
        in_reply_to: parent.map(str::to_string),
        references,
    }
}

fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 250
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_in_a_subject_or_address_are_refused() {
        assert_eq!(header_value("Pedido 42\ttardío"), Ok("Pedido 42\ttardío"));
        for bad in [
            "hola\r\nBcc: x@y.es",
            "a@b.es\n",
            "x\ry",
            "nul\0",
            "nel\u{85}",
        ] {
            assert_eq!(header_value(bad), Err(HeaderInjection), "{bad:?}");
        }
    }

    #[test]
    fn a_reply_refers_to_the_parent_after_its_references() {
        let ids = reply_ids(Some("c@x"), &["a@x".into(), "b@x".into()], &["b@x".into()]);
        assert_eq!(ids.in_reply_to_header().as_deref(), Some("<c@x>"));
        assert_eq!(
            ids.references_header().as_deref(),
            Some("<a@x> <b@x> <c@x>")
        );
    }

    #[test]
    fn without_references_a_single_in_reply_to_starts_the_chain() {
        let ids = reply_ids(Some("c@x"), &[], &["b@x".into()]);
        assert_eq!(ids.references, ["b@x", "c@x"]);
        let ambiguous = reply_ids(Some("c@x"), &[], &["a@x".into(), "b@x".into()]);
        assert_eq!(ambiguous.references, ["c@x"]);
    }

    #[test]
    fn a_long_chain_keeps_its_root_and_its_latest_ids() {
        let refs: Vec<String> = (0..50).map(|i| format!("{i}@x")).collect();
        let ids = reply_ids(Some("parent@x"), &refs, &[]);
        assert_eq!(ids.references.len(), MAX_REFERENCES);
        assert_eq!(ids.references[0], "0@x");
        assert_eq!(ids.references[1], "32@x");
        assert_eq!(ids.references.last().map(String::as_str), Some("parent@x"));
    }

    #[test]
    fn unsafe_or_repeated_ids_are_left_out() {
        let ids = reply_ids(
            Some("p@x\r\nBcc: y"),
            &["a@x".into(), "a@x".into(), "b c".into(), "<d>".into()],
            &[],
        );
        assert_eq!(ids.in_reply_to, None);
        assert_eq!(ids.references, ["a@x"]);
    }
}
