//! Text sent without a usable charset — raw 8-bit header lines, `charset=x-whatever` — read as
//! Windows-1252, as Thunderbird and Outlook do by default in Western locales: it is what such
//! mail from Spanish-speaking senders is written in, and a superset of ISO-8859-1. Valid UTF-8
//! is never touched.
use std::borrow::Cow;

use mail_parser::decoders::{
    base64::base64_decode, charsets::map::charset_decoder,
    quoted_printable::quoted_printable_decode,
};
use mail_parser::{Encoding, MessagePart, MimeHeaders, PartType};

/// The message with each top-level header line that is not UTF-8 rewritten from
/// Windows-1252, so mail-parser reads `From: Begoña` (sent as raw Latin-1) as written.
pub(crate) fn headers_as_utf8(raw: &[u8]) -> Cow<'_, [u8]> {
    let end = header_end(raw);
    if std::str::from_utf8(&raw[..end]).is_ok() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 8);
    for line in raw[..end].split_inclusive(|&b| b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(_) => out.extend_from_slice(line),
            Err(_) => out.extend_from_slice(windows_1252(line).as_bytes()),
        }
    }
    out.extend_from_slice(&raw[end..]);
    Cow::Owned(out)
}

/// Where the header block ends (the blank line), or the whole input when there is none.
fn header_end(raw: &[u8]) -> usize {
    let mut at = 0;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if line == b"\n" || line == b"\r\n" {
            return at;
        }
        at += line.len();
    }
    raw.len()
}

/// A text part whose declared charset mail-parser does not know, decoded again from its raw
/// bytes as Windows-1252 when mail-parser's UTF-8 reading of it lost characters. Returns the
/// unknown charset's name with the text.
pub(crate) fn redecode(raw_message: &[u8], part: &MessagePart<'_>) -> Option<(String, String)> {
    let (PartType::Text(text) | PartType::Html(text)) = &part.body else {
        return None;
    };
    let charset = part.content_type()?.attribute("charset")?;
    if charset_decoder(charset.as_bytes()).is_some() || !text.contains('\u{FFFD}') {
        return None;
    }
    let raw = raw_message.get(part.offset_body as usize..part.offset_end as usize)?;
    let bytes = match part.encoding {
        Encoding::Base64 => base64_decode(raw)?,
        Encoding::QuotedPrintable => quoted_printable_decode(raw)?,
        Encoding::None => raw.to_vec(),
    };
    Some((charset.to_string(), windows_1252(&bytes)))
}

pub(crate) fn windows_1252(bytes: &[u8]) -> String {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_header_lines_that_are_not_utf8_are_rewritten() {
        let raw = b"From: Bego\xf1a <b@x.es>\r\nSubject: S\xc3\xad\r\n\r\nbody \xf1";
        assert_eq!(
            headers_as_utf8(raw).as_ref(),
            b"From: Bego\xc3\xb1a <b@x.es>\r\nSubject: S\xc3\xad\r\n\r\nbody \xf1"
        );
        let utf8 = "From: Begoña\n\n".as_bytes();
        assert!(matches!(headers_as_utf8(utf8), Cow::Borrowed(_)));
    }
}
