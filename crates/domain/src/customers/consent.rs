//! The consent ledger: every change of consent is an entry (channel, purpose, state, source,
//! who, when); the current state of each channel and purpose is the latest entry. Nothing is
//! overwritten, so "who opted this person in to SMS marketing, and when" always has an answer.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

macro_rules! words {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s.trim().to_ascii_lowercase().as_str() { $($text => Some($name::$variant),)* _ => None }
            }
            /// The accepted values, for error messages.
            pub fn expected() -> String {
                [$($text),*].join(", ")
            }
        }
    };
}

words!(
    /// How the company may reach the person.
    Channel { Email = "email", Sms = "sms", Whatsapp = "whatsapp", Phone = "phone", Post = "post" }
);
words!(
    /// What for.
    Purpose { Marketing = "marketing", Surveys = "surveys", Service = "service" }
);
words!(
    /// The person's answer.
    ConsentState { OptedIn = "opted_in", OptedOut = "opted_out", Unknown = "unknown" }
);
words!(
    /// Where the answer came from.
    ConsentSource { Form = "form", Import = "import", Agent = "agent", Api = "api", Unsubscribe = "unsubscribe", Merge = "merge" }
);

/// One entry of the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentEntry {
    pub channel: Channel,
    pub purpose: Purpose,
    pub state: ConsentState,
    pub source: ConsentSource,
    /// Who recorded it, as the audit log names actors.
    pub actor: String,
    pub note: Option<String>,
    pub at: OffsetDateTime,
}

/// The current state of one channel and purpose, and the entry that set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentConsent {
    pub state: ConsentState,
    pub source: ConsentSource,
    pub since: OffsetDateTime,
}

/// The latest entry per (channel, purpose); entries at the same instant keep ledger order.
pub fn current(ledger: &[ConsentEntry]) -> BTreeMap<(Channel, Purpose), CurrentConsent> {
    let mut out: BTreeMap<(Channel, Purpose), CurrentConsent> = BTreeMap::new();
    for e in ledger {
        let newer = out
            .get(&(e.channel, e.purpose))
            .is_none_or(|c| e.at >= c.since);
        if newer {
            out.insert(
                (e.channel, e.purpose),
                CurrentConsent {
                    state: e.state,
                    source: e.source,
                    since: e.at,
                },
            );
        }
    }
    out
}

/// Whether the person may be contacted on `channel` for `purpose`: only an explicit opt-in
/// allows it (an unknown state does not).
pub fn allows(ledger: &[ConsentEntry], channel: Channel, purpose: Purpose) -> bool {
    current(ledger)
        .get(&(channel, purpose))
        .is_some_and(|c| c.state == ConsentState::OptedIn)
}

/// The (channel, purpose) pairs that one of `sides` (the ledgers of customers merged into
/// one) had opted out of, but that the `merged` ledger (all their entries together) no longer
/// says opted out: a later opt-in of another side would win. A merge appends an opt-out for
/// each, so merging never turns a "no" into a "yes": the person said no under one of their
/// records, and a wrong "yes" costs more (a complaint, a fine) than a missed message.
pub fn opt_outs_to_keep(
    sides: &[&[ConsentEntry]],
    merged: &[ConsentEntry],
) -> Vec<(Channel, Purpose)> {
    let now = current(merged);
    let mut out: Vec<(Channel, Purpose)> = sides
        .iter()
        .flat_map(|side| current(side).into_iter())
        .filter(|(_, c)| c.state == ConsentState::OptedOut)
        .map(|(k, _)| k)
        .filter(|k| now.get(k).is_none_or(|c| c.state != ConsentState::OptedOut))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn entry(channel: Channel, state: ConsentState, at: OffsetDateTime) -> ConsentEntry {
        ConsentEntry {
            channel,
            purpose: Purpose::Marketing,
            state,
            source: ConsentSource::Form,
            actor: "web".into(),
            note: None,
            at,
        }
    }

    #[test]
    fn the_latest_entry_of_each_channel_wins_whatever_the_order_given() {
        let ledger = vec![
            entry(
                Channel::Email,
                ConsentState::OptedOut,
                datetime!(2026-03-01 10:00 UTC),
            ),
            entry(
                Channel::Email,
                ConsentState::OptedIn,
                datetime!(2026-01-01 10:00 UTC),
            ),
            entry(
                Channel::Sms,
                ConsentState::OptedIn,
                datetime!(2026-02-01 10:00 UTC),
            ),
        ];
        assert!(!allows(&ledger, Channel::Email, Purpose::Marketing));
        assert!(allows(&ledger, Channel::Sms, Purpose::Marketing));
        assert!(
            !allows(&ledger, Channel::Sms, Purpose::Surveys),
            "no answer is not consent"
        );
        let now = current(&ledger);
        assert_eq!(
            now[&(Channel::Email, Purpose::Marketing)].since,
            datetime!(2026-03-01 10:00 UTC)
        );
    }

    #[test]
    fn an_opt_out_of_either_merged_side_still_holds_after_a_later_opt_in_of_the_other() {
        let survivor = vec![entry(
            Channel::Email,
            ConsentState::OptedOut,
            datetime!(2026-01-01 10:00 UTC),
        )];
        let loser = vec![
            entry(
                Channel::Email,
                ConsentState::OptedIn,
                datetime!(2026-02-01 10:00 UTC),
            ),
            entry(
                Channel::Sms,
                ConsentState::OptedOut,
                datetime!(2026-02-01 10:00 UTC),
            ),
        ];
        let merged: Vec<ConsentEntry> = survivor.iter().chain(&loser).cloned().collect();
        assert_eq!(
            opt_outs_to_keep(&[&survivor, &loser], &merged),
            vec![(Channel::Email, Purpose::Marketing)],
            "the SMS opt-out is still the latest; the e-mail one was overtaken"
        );
        let only_ins = vec![entry(
            Channel::Email,
            ConsentState::OptedIn,
            datetime!(2026-03-01 10:00 UTC),
        )];
        assert!(opt_outs_to_keep(&[&only_ins, &[]], &only_ins).is_empty());
    }

    #[test]
    fn words_parse_and_print_alike() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
        }
        assert_eq!(
            ConsentState::parse(" Opted_In "),
            Some(ConsentState::OptedIn)
        );
        assert_eq!(Purpose::parse("newsletter"), None);
        assert!(ConsentSource::expected().contains("unsubscribe"));
    }
}
