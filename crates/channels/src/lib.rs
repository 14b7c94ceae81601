//! Adapters to the outside world: each reads what a provider sends (a telephony system's call
//! events, a raw e-mail; SMS and social webhooks later) into Vinculo's own types, so the rest
//! of Vinculo never sees a provider's field names, and speaks the protocols Vinculo dials out
//! with (IMAP to read a mailbox, SMTP to send). The readers are pure; the transports do the
//! network I/O and nothing else: what to store and when is the app's.
#![forbid(unsafe_code)]

/// E-mail: a raw RFC 5322 message read into a [`email::Message`] (headers, sanitised HTML,
/// the reply apart from its quoted history, attachments, auto-reply/bounce/list kind).
pub mod email;
/// Call events from PBXs and telephony providers.
pub mod telephony;

/// IMAP (read a mailbox from a cursor, wait with IDLE) and SMTP (send built replies), over
/// TLS or STARTTLS.
pub mod email_transport;
