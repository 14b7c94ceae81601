//! Attachments and inline parts: what each is called and holds, and which are too large to keep.
use std::borrow::Cow;

use mail_parser::decoders::{base64::base64_decode, quoted_printable::quoted_printable_decode};
use mail_parser::{MessagePart, MimeHeaders, PartType};

use super::{Attachment, Content, Limits, Refusal};

/// Every part mail-parser did not take as a body (it lists inline images both ways), in
/// message order, but for the parts in `body` (broken text parts read as the body).
pub(crate) fn attachments(
    msg: &mail_parser::Message<'_>,
    body: &[u32],
    limits: &Limits,
) -> Vec<Attachment> {
    msg.attachments
        .iter()
        .filter(|id| !body.contains(id))
        .filter_map(|&id| msg.parts.get(id as usize))
        .map(|part| attachment(part, limits))
        .collect()
}

fn attachment(part: &MessagePart<'_>, limits: &Limits) -> Attachment {
    let bytes = if part.is_encoding_problem {
        salvage(part)
    } else {
        Cow::Borrowed(part.contents())
    };
    let size = bytes.len();
    let content = if size > limits.max_attachment_bytes {
        Content::Refused(Refusal::TooLarge {
            size,
            limit: limits.max_attachment_bytes,
        })
    } else {
        Content::Kept(bytes.into_owned())
    };
    let disposition = part.content_disposition();
    let inline = match disposition {
        Some(d) if d.is_attachment() => false,
        Some(d) if d.is_inline() => true,
        // No disposition: an image referred to by id is shown in the body.
        _ => matches!(part.body, PartType::InlineBinary(_)) || part.content_id().is_some(),
    };
    Attachment {
        filename: part.attachment_name().and_then(filename),
        content_type: content_type(part),
        size,
        content_id: part.content_id().and_then(bare_id),
        inline,
        broken: part.is_encoding_problem,
        content,
    }
}

/// A broken part's bytes decoded as far as they go: mail-parser keeps a part whose closing
/// boundary never came undecoded, and a cut-off base64 attachment is still, up to the cut, the
/// file that was sent.
fn salvage<'a>(part: &'a MessagePart<'_>) -> Cow<'a, [u8]> {
    let raw = part.contents();
    let encoding = part
        .content_transfer_encoding()
        .map(|e| e.trim().to_ascii_lowercase());
    let decoded = match encoding.as_deref() {
        Some("base64") => {
            let mut clean: Vec<u8> = raw
                .iter()
                .copied()
                .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                .collect();
            clean.truncate(clean.len() / 4 * 4);
            base64_decode(&clean)
        }
        Some("quoted-printable") => quoted_printable_decode(raw),
        _ => None,
    };
    decoded.map_or(Cow::Borrowed(raw), Cow::Owned)
}

/// `type/subtype` in lower case; `application/octet-stream` when the part does not say.
fn content_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None if matches!(part.body, PartType::Message(_)) => "message/rfc822".into(),
        None => "application/octet-stream".into(),
    }
}

/// The last segment of a name (`..\..\boot.ini` is `boot.ini`), without control characters:
/// the name will be offered back to a browser in `Content-Disposition`.
pub(crate) fn filename(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    (!clean.is_empty()).then(|| clean.to_string())
}

/// A message or content id without its angle brackets and spaces; `None` when nothing is left.
pub(crate) fn bare_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_their_path_and_control_characters() {
        assert_eq!(filename("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            filename("C:\\x\\fac\ttura.pdf").as_deref(),
            Some("factura.pdf")
        );
        assert_eq!(filename(".htaccess").as_deref(), Some("htaccess"));
        assert_eq!(filename("dir/"), None);
    }

    #[test]
    fn ids_lose_their_brackets() {
        assert_eq!(bare_id(" <a.b@x.es> ").as_deref(), Some("a.b@x.es"));
        assert_eq!(bare_id("<>"), None);
        assert_eq!(bare_id("a b"), None);
    }
}
