//! An interaction as it arrives (text fields, as a channel adapter or the API sends them), and
//! its validation into an [`Interaction`]: known channel, direction and type, a time not in
//! the future, bounded sizes, sanitised HTML, and at least one way to know the customer.
use super::{Channel, Direction, Identity, Interaction, InteractionType, Links};
use crate::customers::{FieldIssue, Problem};
use crate::identity::{IdentityKey, Region};
use crate::ids::CustomerId;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// How far ahead of the server's clock an interaction may be dated: the senders' clocks
/// drift, but a time further ahead is a wrong time zone or a wrong field.
pub const FUTURE_TOLERANCE_MINUTES: i64 = 5;

const MAX_SUBJECT: usize = 1_000;
const MAX_BODY: usize = 100_000;
const MAX_HTML_BYTES: usize = 512 * 1024;
const MAX_ATTRIBUTES_BYTES: usize = 32 * 1024;
const MAX_SHORT: usize = 200;

/// Who the interaction was with, as sent.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdentityDraft {
    /// The customer's id, when the sender knows it.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// As typed; read in the workspace's country when it has no country code.
    #[serde(default)]
    pub phone: Option<String>,
    /// `source:id`, e.g. `erp:C-0042`.
    #[serde(default)]
    pub external_id: Option<String>,
    /// A device or cookie id; kept as the external id `device:…`.
    #[serde(default)]
    pub device_id: Option<String>,
    /// The name to give a new customer, when the keys are unknown.
    #[serde(default)]
    pub name: Option<String>,
}

/// Records the interaction points to.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LinksDraft {
    #[serde(default)]
    pub ticket_id: Option<String>,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub campaign_id: Option<String>,
}

/// An interaction as sent.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InteractionDraft {
    #[serde(default)]
    pub channel: Option<String>,
    /// `inbound` (the default) or `outbound`.
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// RFC 3339; the time of receipt when missing.
    #[serde(default)]
    pub occurred_at: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub body_html: Option<String>,
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub links: Option<LinksDraft>,
    #[serde(default)]
    pub customer: Option<IdentityDraft>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub source_event_id: Option<String>,
}

/// A trimmed, non-empty text, or none.
fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

struct Check {
    issues: Vec<FieldIssue>,
}

impl Check {
    fn fail(&mut self, field: &str, p: Problem) {
        self.issues.push(FieldIssue::new(field, p));
    }

    /// The trimmed text of `v`, refused when longer than `max` characters.
    fn bounded(&mut self, field: &str, v: &Option<String>, max: usize) -> Option<String> {
        let t = text(v)?;
        if t.chars().count() > max {
            self.fail(field, Problem::TooLong { max });
            return None;
        }
        Some(t)
    }

    fn named<T>(
        &mut self,
        field: &str,
        v: &Option<String>,
        parse: fn(&str) -> Option<T>,
        names: fn() -> String,
    ) -> Option<T> {
        let Some(t) = text(v) else {
            self.fail(field, Problem::Missing);
            return None;
        };
        let found = parse(&t.to_ascii_lowercase());
        if found.is_none() {
            self.fail(field, Problem::NotOneOf(names()));
        }
        found
    }
}

impl InteractionDraft {
    /// Checks every field; `region` reads phones without a country code, `now` is the
    /// server's clock (the default time, and what "the future" is measured from).
    pub fn validate(
        &self,
        region: Region,
        now: OffsetDateTime,
    ) -> Result<Interaction, Vec<FieldIssue>> {
        let mut c = Check { issues: Vec::new() };
        let channel = c.named("channel", &self.channel, Channel::parse, Channel::names);
        let direction = match text(&self.direction) {
            None => Some(Direction::Inbound),
            Some(_) => c.named(
                "direction",
                &self.direction,
                Direction::parse,
                Direction::names,
            ),
        };
        let kind = c.named(
            "type",
            &self.kind,
            InteractionType::parse,
            InteractionType::names,
        );
        let occurred_at = match text(&self.occurred_at) {
            None => Some(now),
            Some(t) => match OffsetDateTime::parse(&t, &Rfc3339) {
                Ok(at) if at > now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) => {
                    c.fail(
                        "occurred_at",
                        Problem::InTheFuture {
                            minutes: FUTURE_TOLERANCE_MINUTES,
                        },
                    );
                    None
                }
                Ok(at) => Some(at.to_offset(time::UtcOffset::UTC)),
                Err(_) => {
                    c.fail("occurred_at", Problem::NotATime(t));
                    None
                }
            },
        };
        let subject = c.bounded("subject", &self.subject, MAX_SUBJECT);
        let body = c.bounded("body", &self.body, MAX_BODY);
        let body_html = match text(&self.body_html) {
            Some(h) if h.len() > MAX_HTML_BYTES => {
                c.fail(
                    "body_html",
                    Problem::TooBig {
                        max: MAX_HTML_BYTES,
                    },
                );
                None
            }
            Some(h) => Some(sanitize_html(&h)),
            None => None,
        };
        let attributes = match &self.attributes {
            None | Some(serde_json::Value::Null) => serde_json::Map::new(),
            Some(serde_json::Value::Object(m)) => {
                let size = serde_json::to_string(m)
                    .map(|s| s.len())
                    .unwrap_or(usize::MAX);
                if size > MAX_ATTRIBUTES_BYTES {
                    c.fail(
                        "attributes",
                        Problem::TooBig {
                            max: MAX_ATTRIBUTES_BYTES,
                        },
                    );
                }
                m.clone()
            }
            Some(_) => {
                c.fail("attributes", Problem::NotAnObject);
                serde_json::Map::new()
            }
        };
        let agent = c.bounded("agent", &self.agent, MAX_SHORT);
        let l = self.links.clone().unwrap_or_default();
        let links = Links {
            ticket_id: c.bounded("links.ticket_id", &l.ticket_id, MAX_SHORT),
            order_id: c.bounded("links.order_id", &l.order_id, MAX_SHORT),
            campaign_id: c.bounded("links.campaign_id", &l.campaign_id, MAX_SHORT),
        };
        let identity = identity(&mut c, self.customer.as_ref(), region);
        let source = c
            .bounded("source", &self.source, 64)
            .map(|s| s.to_lowercase())
            .unwrap_or_else(|| "api".to_owned());
        let source_event_id = c.bounded("source_event_id", &self.source_event_id, MAX_SHORT);
        match (channel, direction, kind, occurred_at) {
            (Some(channel), Some(direction), Some(kind), Some(occurred_at))
                if c.issues.is_empty() =>
            {
                Ok(Interaction {
                    channel,
                    direction,
                    kind,
                    occurred_at,
                    subject,
                    body,
                    body_html,
                    attributes,
                    agent,
                    links,
                    identity,
                    source,
                    source_event_id,
                })
            }
            _ => Err(c.issues),
        }
    }
}

/// The customer part: an id and/or keys, at least one of them.
fn identity(c: &mut Check, d: Option<&IdentityDraft>, region: Region) -> Identity {
    let d = d.cloned().unwrap_or_default();
    let mut out = Identity {
        name: c.bounded("customer.name", &d.name, MAX_SHORT),
        ..Identity::default()
    };
    let before = c.issues.len();
    if let Some(id) = text(&d.id) {
        match id.parse::<CustomerId>() {
            Ok(id) => out.customer_id = Some(id),
            Err(_) => c.fail("customer.id", Problem::NotACustomerId(id)),
        }
    }
    let device = c.bounded("customer.device_id", &d.device_id, MAX_SHORT);
    let found = [
        (
            "customer.email",
            text(&d.email).map(|v| IdentityKey::email(&v)),
        ),
        (
            "customer.phone",
            text(&d.phone).map(|v| IdentityKey::phone(&v, region)),
        ),
        (
            "customer.external_id",
            text(&d.external_id).map(|v| IdentityKey::external(&v)),
        ),
        (
            "customer.device_id",
            device.map(|v| IdentityKey::external(&format!("device:{v}"))),
        ),
    ];
    for (field, key) in found {
        match key {
            Some(Ok(k)) => out.keys.push(k),
            Some(Err(e)) => c.fail(field, Problem::Key(e)),
            None => {}
        }
    }
    if c.issues.len() == before && out.customer_id.is_none() && out.keys.is_empty() {
        c.fail("customer", Problem::NoIdentity);
    }
    out
}

/// Customer-authored HTML made safe to show: the policy of [`crate::html`] (no scripts,
/// styles that load anything, event handlers, forms or frames; links opened without a
/// referrer; images from other servers held back, since loading one tells the sender when and
/// where the message was read). Applied to HTML already sanitised by a channel too: the
/// policy leaves its own output as it is.
fn sanitize_html(html: &str) -> String {
    crate::html::sanitize_html(html, crate::html::RemoteImages::Block)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 10:00 UTC);

    fn call() -> InteractionDraft {
        InteractionDraft {
            channel: Some("phone".into()),
            kind: Some("call".into()),
            customer: Some(IdentityDraft {
                phone: Some("612 34 56 78".into()),
                ..IdentityDraft::default()
            }),
            ..InteractionDraft::default()
        }
    }

    fn fields(d: &InteractionDraft) -> Vec<(String, &'static str)> {
        d.validate(Region::ES, NOW)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| (i.field, i.problem.code()))
            .collect()
    }

    #[test]
    fn a_call_from_a_phone_number_is_normalised_and_dated_now() {
        let i = call().validate(Region::ES, NOW).expect("valid");
        assert_eq!(i.channel, Channel::Phone);
        assert_eq!(i.direction, Direction::Inbound);
        assert_eq!(i.kind, InteractionType::Call);
        assert_eq!(i.occurred_at, NOW);
        assert_eq!(i.identity.keys[0].value, "+34612345678");
        assert_eq!(i.source, "api");
    }

    #[test]
    fn unknown_channel_type_and_direction_name_the_accepted_values() {
        let mut d = call();
        d.channel = Some("pigeon".into());
        d.kind = Some("gossip".into());
        d.direction = Some("sideways".into());
        let issues = d.validate(Region::ES, NOW).expect_err("invalid");
        assert_eq!(issues.len(), 3);
        assert!(issues[0].message().contains("web_form"), "{issues:?}");
        assert_eq!(issues[1].field, "direction");
        assert_eq!(issues[2].field, "type");
    }

    #[test]
    fn no_identity_is_refused() {
        let mut d = call();
        d.customer = None;
        assert_eq!(fields(&d), vec![("customer".into(), "no_identity")]);
    }

    #[test]
    fn a_bad_key_is_named_and_does_not_also_say_no_identity() {
        let mut d = call();
        d.customer = Some(IdentityDraft {
            email: Some("ana@".into()),
            ..IdentityDraft::default()
        });
        assert_eq!(fields(&d), vec![("customer.email".into(), "invalid_email")]);
    }

    #[test]
    fn times_too_far_ahead_or_unreadable_are_refused() {
        let mut d = call();
        d.occurred_at = Some("2026-11-22T10:04:00Z".into());
        assert!(d.validate(Region::ES, NOW).is_ok());
        d.occurred_at = Some("2026-11-22T10:06:00Z".into());
        assert_eq!(fields(&d), vec![("occurred_at".into(), "in_the_future")]);
        d.occurred_at = Some("22/11/2026".into());
        assert_eq!(fields(&d), vec![("occurred_at".into(), "invalid_time")]);
    }

    #[test]
    fn times_with_an_offset_are_kept_in_utc() {
        let mut d = call();
        d.occurred_at = Some("2026-11-22T06:30:00-03:00".into());
        let i = d.validate(Region::ES, NOW).expect("valid");
        assert_eq!(i.occurred_at, datetime!(2026-11-22 9:30 UTC));
        assert_eq!(i.occurred_at.offset(), time::UtcOffset::UTC);
    }

    #[test]
    fn attributes_must_be_an_object_of_bounded_size() {
        let mut d = call();
        d.attributes = Some(serde_json::json!([1, 2]));
        assert_eq!(fields(&d), vec![("attributes".into(), "not_an_object")]);
        d.attributes = Some(serde_json::json!({"x": "y".repeat(40_000)}));
        assert_eq!(fields(&d), vec![("attributes".into(), "too_big")]);
    }

    #[test]
    fn html_loses_scripts_handlers_and_remote_images() {
        let mut d = call();
        d.body_html = Some(
            r#"<p onclick="x()">Hola <b>Ana</b></p><script>alert(1)</script><img src="https://t.example/p.gif"><a href="javascript:alert(1)">x</a>"#
                .into(),
        );
        let html = d
            .validate(Region::ES, NOW)
            .expect("valid")
            .body_html
            .expect("html");
        assert!(html.contains("<b>Ana</b>"), "{html}");
        for gone in ["script", "onclick", " src=", "javascript"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
        // The remote image is held back, its address kept for an agent who asks to see it.
        assert!(
            html.contains(r#"data-remote-src="https://t.example/p.gif""#),
            "{html}"
        );
    }

    #[test]
    fn device_ids_become_namespaced_external_keys() {
        let mut d = call();
        d.customer = Some(IdentityDraft {
            device_id: Some("c0ffee-42".into()),
            ..IdentityDraft::default()
        });
        let i = d.validate(Region::ES, NOW).expect("valid");
        assert_eq!(i.identity.keys[0].value, "device:c0ffee-42");
    }

    #[test]
    fn unknown_fields_are_refused_when_read() {
        let r: Result<InteractionDraft, _> =
            serde_json::from_str(r#"{"chanel": "phone", "type": "call"}"#);
        assert!(r.is_err());
    }
}
