//! Adapters to the outside world: each reads what a provider sends (a telephony system's call
//! events, a raw e-mail; SMS and social webhooks later) into Vinculo's own types, so the rest
//! of Vinculo never sees a provider's field names. Pure: the web layer brings the bytes in, the
//! app acts on the events.
#![forbid(unsafe_code)]

/// E-mail: a raw RFC 5322 message read into a [`email::Message`] (headers, sanitised HTML,
/// the reply apart from its quoted history, attachments, auto-reply/bounce/list kind).
pub mod email;
/// Call events from PBXs and telephony providers.
pub mod telephony;

pub mod email_transport;
