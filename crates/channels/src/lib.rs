//! Adapters to the outside world: each reads what a provider sends (a telephony system's call
//! events today; mail, SMS and social webhooks later) into the domain's events, so the rest of
//! Vinculo never sees a provider's field names. Pure: the web layer brings the bytes in, the
//! app acts on the events.
#![forbid(unsafe_code)]

pub mod telephony;

pub mod email_transport;
