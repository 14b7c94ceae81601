//! From raw bytes to a [`Message`]: mail-parser does the MIME and charset work (RFC 2045–2047,
//! 2231, the ISO-8859 and Windows code pages and the multi-byte ones); this file picks what
//! Vinculo keeps and puts it in its own types.
use mail_parser::{Address, HeaderValue, MessageParser, PartType};
use time::OffsetDateTime;

use super::{
    classify, parts, quote, sanitize, text, token, Defect, Limits, Mailbox, Message, ParseError,
};

/// Reads one message. Fails only when it is over `limits.max_message_bytes` or has no header at
/// all; anything else missing or broken is noted in [`Message::defects`] and the rest is kept.
pub fn parse(raw: &[u8], limits: &Limits) -> Result<Message, ParseError> {
    if raw.len() > limits.max_message_bytes {
        return Err(ParseError::TooLarge {
            size: raw.len(),
            limit: limits.max_message_bytes,
        });
    }
    let msg = MessageParser::default()
        .parse(raw)
        .filter(|m| !m.headers().is_empty())
        .ok_or(ParseError::NotAMessage)?;

    let from = first(msg.from()).or_else(|| first(msg.sender()));
    let subject = msg.subject().map(str::trim).unwrap_or_default().to_string();
    let html = html_body(&msg);
    let body_text = plain_text(&msg, html.as_deref());
    let split = quote::split_reply(&body_text);
    let mut defects = Vec::new();

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
    defects.extend(
        msg.parts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_encoding_problem)
            .map(|(index, _)| Defect::BrokenPart { index }),
    );

    Ok(Message {
        kind: classify::classify(&msg, from.as_ref(), &subject),
        conversation_token: token::find_token(&subject),
        to: mailboxes(msg.to()),
        cc: mailboxes(msg.cc()),
        reply_to: mailboxes(msg.reply_to()),
        date,
        message_id,
        in_reply_to: ids(msg.in_reply_to()),
        references: ids(msg.references()),
        attachments: parts::attachments(&msg, limits),
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
fn html_body(msg: &mail_parser::Message<'_>) -> Option<String> {
    let html: Vec<&str> = msg
        .html_body
        .iter()
        .filter_map(|&id| match &msg.parts.get(id as usize)?.body {
            PartType::Html(html) => Some(html.as_ref()),
            _ => None,
        })
        .collect();
    if html.is_empty() {
        return None;
    }
    let clean = sanitize::sanitize_html(&html.join("\n"), sanitize::RemoteImages::Block);
    (!clean.trim().is_empty()).then_some(clean)
}

/// The text/plain parts joined (Apple Mail cuts the text around inline images); an HTML part
/// standing in for a missing one is rendered from its sanitised form.
fn plain_text(msg: &mail_parser::Message<'_>, clean_html: Option<&str>) -> String {
    let mut pieces = Vec::new();
    let mut html_rendered = false;
    for &id in &msg.text_body {
        match msg.parts.get(id as usize).map(|p| &p.body) {
            Some(PartType::Text(t)) => pieces.push(text::tidy(t)),
            Some(PartType::Html(_)) if !html_rendered => {
                html_rendered = true;
                pieces.extend(clean_html.map(text::html_to_text));
            }
            _ => {}
        }
    }
    pieces.retain(|p| !p.is_empty());
    pieces.join("\n\n")
}
