//! Attachments and inline parts: what each is called and holds, and which are too large to keep.
use mail_parser::{MessagePart, MimeHeaders, PartType};

use super::{Attachment, Content, Limits, Refusal};

/// Every part mail-parser did not take as a body (it lists inline images both ways), in
/// message order.
pub(crate) fn attachments(msg: &mail_parser::Message<'_>, limits: &Limits) -> Vec<Attachment> {
    msg.attachments()
        .map(|part| attachment(part, limits))
        .collect()
}

fn attachment(part: &MessagePart<'_>, limits: &Limits) -> Attachment {
    let bytes = part.contents();
    let size = bytes.len();
    let content = if size > limits.max_attachment_bytes {
        Content::Refused(Refusal::TooLarge {
            size,
            limit: limits.max_attachment_bytes,
        })
    } else {
        Content::Kept(bytes.to_vec())
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
        content,
    }
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
