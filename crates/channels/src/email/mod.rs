//! E-mail read into what Vinculo stores: one raw RFC 5322 message in, a [`Message`] out, with
//! no I/O. The IMAP poller (and a future SMTP or webhook intake) brings the bytes; the app
//! decides what a [`Kind`] means for the inbox.
//!
//! - [`parse`] — headers, bodies, attachments within [`Limits`], the reply split and the kind.
//! - [`sanitize_html`] — the HTML policy: ammonia's allow-list, links opened with no opener or
//!   referrer, remote images held back (their URL kept in `data-remote-src`).
//! - [`split_reply`] — the new text apart from the quoted history and the signature.
//! - [`header_value`], [`reply_ids`] — for building a reply's headers safely.
//!
//! The parse path has a fuzz target, `fuzz/fuzz_targets/email_parse.rs` under this crate; see
//! `docs/email-fuzzing.md` for how to run it.
mod charset;
mod classify;
mod dsn;
mod parse;
mod parts;
mod quote;
mod reply;
mod text;

pub use parse::parse;
pub use quote::{split_reply, Split};
pub use reply::{header_value, reply_ids, HeaderInjection, ReplyIds, MAX_REFERENCES};
pub use vinculo_domain::html::{sanitize_html, RemoteImages, REMOTE_SRC};

use time::OffsetDateTime;

/// How much of a message is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// A larger message is refused whole ([`ParseError::TooLarge`]).
    pub max_message_bytes: usize,
    /// A larger attachment (decoded) is listed but its bytes are not kept.
    pub max_attachment_bytes: usize,
}

impl Default for Limits {
    /// 35 MiB raw holds the 25 MiB most providers let a user attach once base64 has grown it by a
    /// third; one attachment up to 25 MiB is kept.
    fn default() -> Self {
        Limits {
            max_message_bytes: 35 * 1024 * 1024,
            max_attachment_bytes: 25 * 1024 * 1024,
        }
    }
}

/// An address with its display name, as written (not normalised: identity keys are the
/// domain's business).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub address: String,
    pub name: Option<String>,
}

/// One message, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// `From` (or `Sender` when `From` is missing).
    pub from: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    /// `Date` in UTC; `None` when missing or unreadable (the caller uses the time received).
    pub date: Option<OffsetDateTime>,
    /// Decoded (RFC 2047, any charset mail-parser knows); empty when there is none.
    pub subject: String,
    /// Message ids without angle brackets.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The plain text: the text/plain parts, or the HTML rendered as text when there are none.
    /// Line ends are `\n`.
    pub text: String,
    /// The HTML body after [`sanitize_html`] with remote images blocked.
    pub html: Option<String>,
    /// `text` without the quoted history and the signature: what the sender wrote now.
    pub visible_text: String,
    pub quoted_text: Option<String>,
    pub signature: Option<String>,
    /// Attachments and inline parts (images referenced by `cid:`), in message order.
    pub attachments: Vec<Attachment>,
    pub kind: Kind,
    /// The `[#VC-…]` tag found in the subject.
    pub conversation_token: Option<String>,
    /// What was wrong with the message but did not stop it being read.
    pub defects: Vec<Defect>,
}

/// An attachment or an inline part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Decoded, reduced to its last path segment, control characters removed.
    pub filename: Option<String>,
    /// `type/subtype`, lower case.
    pub content_type: String,
    /// Decoded size in bytes (also when the bytes were refused).
    pub size: usize,
    /// Without angle brackets: what an HTML body's `cid:` refers to.
    pub content_id: Option<String>,
    /// Meant to be shown in the body rather than offered as a download.
    pub inline: bool,
    /// The part's boundary or transfer encoding was broken (a cut-off message): `content`
    /// holds what could be decoded, or the raw bytes as they came.
    pub broken: bool,
    pub content: Content,
}

impl Attachment {
    /// The bytes, when they were kept.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.content {
            Content::Kept(bytes) => Some(bytes),
            Content::Refused(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Kept(Vec<u8>),
    Refused(Refusal),
}

/// Why an attachment's bytes were not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("refused: too large ({size} bytes, the limit is {limit})")]
    TooLarge { size: usize, limit: usize },
}

/// What kind of sender wrote the message: only [`Kind::Customer`] should open or reopen a
/// conversation, trigger an auto-acknowledgement or count as a customer contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Customer,
    /// An out-of-office or other automatic answer (RFC 3834 and the headers and subjects
    /// that predate it).
    AutoReply,
    /// A delivery failure (or delay) report.
    Bounce(Bounce),
    /// A mailing list or bulk sender.
    List,
}

/// What a delivery status notification (RFC 3464) says, when it says it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bounce {
    /// The address that failed (`Final-Recipient`, else `Original-Recipient`).
    pub recipient: Option<String>,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: Option<String>,
    /// The enhanced status code, `5.1.1`.
    pub status: Option<String>,
    /// The remote server's words, `smtp; 550 5.1.1 user unknown`.
    pub diagnostic: Option<String>,
}

/// Something missing or broken that the parse worked around.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Defect {
    MissingFrom,
    /// No `Date`, or one that could not be read.
    MissingDate,
    MissingMessageId,
    /// A MIME boundary or transfer encoding was broken; what could be read was kept (see
    /// [`Attachment::broken`]).
    BrokenMime,
    /// A text part named a charset no one knows; it was read as Windows-1252.
    UnknownCharset(String),
}

/// Why a message could not be read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the message is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("not an e-mail message: no header could be read")]
    NotAMessage,
}
