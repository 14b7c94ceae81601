//! A reply's RFC 5322 bytes built with lettre's message builder: plain text (and HTML when
//! given) with attachments, threaded with In-Reply-To / References, under the Message-ID the
//! caller chose so that a retried send is recognisably the same message. Line breaks in any
//! header value are refused outright (header injection), before anything is built or sent.

use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use rand::Rng;

/// A file attached to the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// A MIME type such as `application/pdf`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Everything a reply says. Addresses are `ana@example.com` or `Ana Ruiz <ana@example.com>`;
/// message ids are `<id@host>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyDraft {
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The Message-ID of the message answered.
    pub in_reply_to: Option<String>,
    /// The thread's ids, oldest first, ending with `in_reply_to` (RFC 5322 3.6.4).
    pub references: Vec<String>,
    /// This reply's own id, chosen and stored by the caller before sending (see [`message_id`]).
    pub message_id: String,
    pub attachments: Vec<Attachment>,
}

impl ReplyDraft {
    /// The bare addresses of `to` and `cc`: the recipients to give [`super::smtp::send`].
    pub fn recipients(&self) -> Result<Vec<String>, BuildError> {
        self.to
            .iter()
            .chain(&self.cc)
            .map(|a| mailbox("to", a).map(|m| m.email.to_string()))
            .collect()
    }
}

/// Why a draft could not become a message. `code()` is stable for the UI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("the {field} contains a line break, which could inject mail headers")]
    LineBreak { field: &'static str },
    #[error("the {field} \"{value}\" is not a valid e-mail address")]
    InvalidAddress { field: &'static str, value: String },
    #[error("the {field} \"{value}\" is not a message id like <id@host>")]
    InvalidMessageId { field: &'static str, value: String },
    #[error("the attachment type \"{0}\" is not a MIME type like application/pdf")]
    InvalidContentType(String),
    #[error("the reply has no recipient")]
    NoRecipient,
    #[error("the message could not be built: {0}")]
    Build(String),
}

impl BuildError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::LineBreak { .. } => "header_line_break",
            Self::InvalidAddress { .. } => "invalid_address",
            Self::InvalidMessageId { .. } => "invalid_message_id",
            Self::InvalidContentType(_) => "invalid_content_type",
            Self::NoRecipient => "no_recipient",
            Self::Build(_) => "build_failed",
        }
    }
}

/// A fresh `<random@domain>` id for a reply, to store with the outgoing message before the
/// first send attempt.
pub fn message_id(domain: &str) -> String {
    format!("<{:032x}@{domain}>", rand::thread_rng().gen::<u128>())
}

/// The reply's bytes, ready for [`super::smtp::send`].
pub fn build_reply(draft: &ReplyDraft) -> Result<Vec<u8>, BuildError> {
    no_line_break("subject", &draft.subject)?;
    if draft.to.is_empty() && draft.cc.is_empty() {
        return Err(BuildError::NoRecipient);
    }
    let mut builder = Message::builder()
        .from(mailbox("from", &draft.from)?)
        .subject(draft.subject.clone())
        .message_id(Some(msg_id("message id", &draft.message_id)?));
    for to in &draft.to {
        builder = builder.to(mailbox("to", to)?);
    }
    for cc in &draft.cc {
        builder = builder.cc(mailbox("cc", cc)?);
    }
    if let Some(id) = &draft.in_reply_to {
        builder = builder.in_reply_to(msg_id("In-Reply-To", id)?);
    }
    if !draft.references.is_empty() {
        let ids = draft
            .references
            .iter()
            .map(|id| msg_id("References", id))
            .collect::<Result<Vec<_>, _>>()?;
        builder = builder.references(ids.join(" "));
    }

    let text = SinglePart::plain(draft.text.clone());
    let alternative =
        |html: &String| MultiPart::alternative_plain_html(draft.text.clone(), html.clone());
    let message = match (&draft.html, draft.attachments.is_empty()) {
        (None, true) => builder.singlepart(text),
        (Some(html), true) => builder.multipart(alternative(html)),
        (html, false) => {
            let mut mixed = match html {
                Some(html) => MultiPart::mixed().multipart(alternative(html)),
                None => MultiPart::mixed().singlepart(text),
            };
            for a in &draft.attachments {
                mixed = mixed.singlepart(attachment(a)?);
            }
            builder.multipart(mixed)
        }
    };
    let message: Message = message.map_err(|e| BuildError::Build(e.to_string()))?;
    Ok(message.formatted())
}

fn attachment(a: &Attachment) -> Result<SinglePart, BuildError> {
    no_line_break("attachment file name", &a.filename)?;
    no_line_break("attachment type", &a.content_type)?;
    let content_type = ContentType::parse(&a.content_type)
        .map_err(|_| BuildError::InvalidContentType(a.content_type.clone()))?;
    Ok(LettreAttachment::new(a.filename.clone()).body(a.bytes.clone(), content_type))
}

fn no_line_break(field: &'static str, value: &str) -> Result<(), BuildError> {
    if value.contains(['\r', '\n']) {
        return Err(BuildError::LineBreak { field });
    }
    Ok(())
}

fn mailbox(field: &'static str, value: &str) -> Result<Mailbox, BuildError> {
    no_line_break(field, value)?;
    value.parse().map_err(|_| BuildError::InvalidAddress {
        field,
        value: value.into(),
    })
}

/// `<left@right>` with nothing that could end the header or start another id.
fn msg_id(field: &'static str, value: &str) -> Result<String, BuildError> {
    no_line_break(field, value)?;
    let inner = value.strip_prefix('<').and_then(|v| v.strip_suffix('>'));
    let valid = inner.is_some_and(|id| {
        id.split_once('@')
            .is_some_and(|(l, r)| !l.is_empty() && !r.is_empty())
            && !id.contains(|c: char| c.is_whitespace() || c.is_control() || "<>\"".contains(c))
    });
    if valid {
        Ok(value.to_owned())
    } else {
        Err(BuildError::InvalidMessageId {
            field,
            value: value.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ReplyDraft {
        ReplyDraft {
            from: "Soporte <soporte@vinculo.test>".into(),
            to: vec!["Ana Ruiz <ana@example.com>".into()],
            subject: "Re: Pedido 1234".into(),
            text: "Hola Ana".into(),
            in_reply_to: Some("<abc@example.com>".into()),
            references: vec!["<root@example.com>".into(), "<abc@example.com>".into()],
            message_id: message_id("vinculo.test"),
            ..ReplyDraft::default()
        }
    }

    #[test]
    fn a_reply_carries_its_threading_headers() {
        let d = draft();
        let raw = String::from_utf8(build_reply(&d).expect("built")).expect("ascii");
        assert!(
            raw.contains(&format!("Message-ID: {}", d.message_id)),
            "{raw}"
        );
        assert!(raw.contains("In-Reply-To: <abc@example.com>"), "{raw}");
        assert!(
            raw.contains("References: <root@example.com> <abc@example.com>"),
            "{raw}"
        );
        assert!(raw.contains("Hola Ana"), "{raw}");
        assert_eq!(
            d.recipients().expect("valid"),
            vec!["ana@example.com".to_owned()]
        );
    }

    #[test]
    fn line_breaks_in_headers_are_refused() {
        let mut d = draft();
        d.subject = "Hola\r\nBcc: victim@example.com".into();
        assert_eq!(
            build_reply(&d),
            Err(BuildError::LineBreak { field: "subject" })
        );
        let mut d = draft();
        d.to = vec!["ana@example.com\nBcc: x@example.com".into()];
        assert_eq!(
            build_reply(&d).map_err(|e| e.code()),
            Err("header_line_break")
        );
        let mut d = draft();
        d.attachments = vec![Attachment {
            filename: "a.pdf\r\nX: y".into(),
            content_type: "application/pdf".into(),
            bytes: vec![1],
        }];
        assert_eq!(
            build_reply(&d).map_err(|e| e.code()),
            Err("header_line_break")
        );
    }

    #[test]
    fn message_ids_must_look_like_message_ids() {
        for bad in [
            "abc@example.com",
            "<abc>",
            "<a b@example.com>",
            "<a@b> <c@d>",
        ] {
            let mut d = draft();
            d.in_reply_to = Some(bad.into());
            assert_eq!(
                build_reply(&d).map_err(|e| e.code()),
                Err("invalid_message_id"),
                "{bad}"
            );
        }
    }
}
