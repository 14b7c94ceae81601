//! From raw bytes to a [`Message`]: mail-parser does the MIME and charset work (RFC 2045–2047,
//! 2231, the ISO-8859 and Windows code pages and the multi-byte ones); this file picks what
//! Vinculo keeps and puts it in its own types.
use std::borrow::Cow;

use mail_parser::{Address, HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType};
use time::OffsetDateTime;

use super::{charset, classify, parts, quote, text, Defect, Limits, Mailbox, Message, ParseError};

/// Reads one message. Fails only when it is over `limits.max_message_bytes` or has no header at
/// all; anything else missing or broken is noted in [`Message::defects`] and the rest is kept.
pub fn parse(raw: &[u8], limits: &Limits) -> Result<Message, ParseError> {
    if raw.len() > limits.max_message_bytes {
        return Err(ParseError::TooLarge {
            size: raw.len(),
            limit: limits.max_message_bytes,
        });
    }
    let raw = charset::headers_as_utf8(raw);
    let msg = MessageParser::default()
        .parse(raw.as_ref())
        .filter(|m| !m.headers().is_empty())
        .ok_or(ParseError::NotAMessage)?;

    let mut defects = Vec::new();
    let from = first(msg.from()).or_else(|| first(msg.sender()));
    let subject = msg.subject().map(str::trim).unwrap_or_default().to_string();
    let html = html_body(&msg, &mut defects);
    let Body {
        text: body_text,
        parts: body_parts,
    } = plain_text(&msg, html.as_deref(), &mut defects);
    let split = quote::split_reply(&body_text);

    let message_id = msg.message_id().and_then(parts::bare_id);
    let date = msg
        .date()
        .filter(|d| d.is_valid())
        .and_then(|d| OffsetDateTime::from_unix_timestamp(d.to_timestamp()).ok());
    if from.is_none() {
        defects.push(Defect::MissingFrom);
    }
    if date.is_none() {
        defects.push(Defect::MissingDate);
    }
    if message_id.is_none() {
        defects.push(Defect::MissingMessageId);
    }
    if msg.parts.iter().any(|p| p.is_encoding_problem) {
        defects.push(Defect::BrokenMime);
    }

    Ok(Message {
        kind: classify::classify(&msg, from.as_ref(), &subject),
        conversation_token: vinculo_domain::conversations::find_token(&subject),
        to: mailboxes(msg.to()),
        cc: mailboxes(msg.cc()),
        reply_to: mailboxes(msg.reply_to()),
        date,
        message_id,
        in_reply_to: ids(msg.in_reply_to()),
        references: ids(msg.references()),
        attachments: parts::attachments(&msg, &body_parts, limits),
        from,
        subject,
        text: body_text,
        html,
        visible_text: split.visible_text,
        quoted_text: split.quoted_text,
        signature: split.signature,
        defects,
    })
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .filter_map(|a| {
            let email = a.address()?.trim();
            (!email.is_empty()).then(|| Mailbox {
                address: email.to_string(),
                name: a
                    .name()
                    .map(str::trim)
                    .filter(|n| !n.is_empty() && *n != email)
                    .map(str::to_string),
            })
        })
        .collect()
}

fn first(address: Option<&Address<'_>>) -> Option<Mailbox> {
    mailboxes(address).into_iter().next()
}

/// In-Reply-To and References as mail-parser reads them (one id or a list), brackets removed.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(list) => list.iter().map(|id| id.as_ref()).collect(),
        _ => Vec::new(),
    };
    raw.into_iter().filter_map(parts::bare_id).collect()
}

/// The HTML parts that are HTML (mail-parser also lists a text-only message's text here, to be
/// converted), joined and sanitised, remote images blocked.
fn html_body(msg: &mail_parser::Message<'_>, defects: &mut Vec<Defect>) -> Option<String> {
    let html: Vec<Cow<'_, str>> = msg
        .html_body
        .iter()
        .filter_map(|&id| {
            let part = msg.parts.get(id as usize)?;
            match &part.body {
                PartType::Html(html) => Some(decoded(msg, part, html, defects)),
                _ => None,
            }
        })
        .collect();
    if html.is_empty() {
        return None;
    }
    let clean = vinculo_domain::html::sanitize_html(
        &html.join("\n"),
        vinculo_domain::html::RemoteImages::Block,
    );
    let clean = clean.trim();
    (!clean.is_empty()).then(|| clean.to_string())
}

/// A body part's text, decoded again when its charset was unknown (see [`charset::redecode`]).
fn decoded<'a>(
    msg: &mail_parser::Message<'_>,
    part: &MessagePart<'_>,
    text: &'a str,
    defects: &mut Vec<Defect>,
) -> Cow<'a, str> {
    match charset::redecode(msg.raw_message(), part) {
        Some((name, text)) => {
            if !defects.contains(&Defect::UnknownCharset(name.clone())) {
                defects.push(Defect::UnknownCharset(name));
            }
            Cow::Owned(text)
        }
        None => Cow::Borrowed(text),
    }
}

struct Body {
    text: String,
    /// Parts read as the body that mail-parser listed as attachments.
    parts: Vec<u32>,
}

/// The text/plain parts joined (Apple Mail cuts the text around inline images); an HTML part
/// standing in for a missing one is rendered from its sanitised form. With neither, the text
/// parts whose boundary broke (mail-parser sets them aside as attachments) are the body.
fn plain_text(
    msg: &mail_parser::Message<'_>,
    clean_html: Option<&str>,
    defects: &mut Vec<Defect>,
) -> Body {
    let mut pieces = Vec::new();
    let mut html_rendered = false;
    for &id in &msg.text_body {
        let Some(part) = msg.parts.get(id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Text(t) => pieces.push(text::tidy(&decoded(msg, part, t, defects))),
            PartType::Html(_) if !html_rendered => {
                html_rendered = true;
                pieces.extend(clean_html.map(text::html_to_text));
            }
            _ => {}
        }
    }
    pieces.retain(|p| !p.is_empty());
    let mut parts = Vec::new();
    if pieces.is_empty() {
        for &id in &msg.attachments {
            let Some(part) = msg.parts.get(id as usize) else {
                continue;
            };
            if let (true, PartType::Text(t)) = (part.is_encoding_problem, &part.body) {
                if part.attachment_name().is_none() {
                    pieces.push(text::tidy(&decoded(msg, part, t, defects)));
                    parts.push(id);
                }
            }
        }
    }
    Body {
        text: pieces.join("\n\n"),
        parts,
    }
}
