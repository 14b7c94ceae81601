//! A form as an admin sends it, checked part by part into a [`Form`]: each problem names
//! where it is (`fields[2].maps_to`, `allowed_origins[1]`, `consent.channel`).
use super::{
    Attribute, ConsentBox, Form, FormField, Outcome, Target, LANGUAGES, MAX_FIELDS, MAX_ORIGINS,
};
use crate::customers::consent::{Channel, Purpose};
use crate::customers::custom::{key_from_label, FieldDef};
use crate::customers::{FieldIssue, Kind, Problem};
use crate::ids::{MailChannelId, TeamId};
use serde::Deserialize;

const MAX_NAME: usize = 100;
const MAX_LABEL: usize = 200;
const MAX_TEXT: usize = 2_000;
const MAX_SLUG: usize = 60;
/// One field as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDraft {
    pub maps_to: Option<String>,
    pub label: Option<String>,
    pub required: Option<bool>,
}

/// The consent box as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentDraft {
    pub text: Option<String>,
    pub channel: Option<String>,
    pub purpose: Option<String>,
}

/// A form as sent (the API's body; the settings page fills the same).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDraft {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldDraft>,
    pub consent: Option<ConsentDraft>,
    /// `record` (the default), `lead` or `conversation`.
    pub outcome: Option<String>,
    pub team_id: Option<uuid::Uuid>,
    pub mail_channel_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    pub thank_you: Option<String>,
    pub redirect_url: Option<String>,
    pub enabled: Option<bool>,
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A slug from a name: "Contacto — Web" → `contacto-web`.
pub fn slug_from_name(name: &str) -> String {
    key_from_label(name)
        .replace('_', "-")
        .chars()
        .take(MAX_SLUG)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

fn valid_slug(s: &str) -> bool {
    (2..=MAX_SLUG).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// An origin as browsers send it (`https://example.com`, `http://localhost:8080`): scheme,
/// host and port, nothing else. A path, a query or a `*` is refused: it would not match.
pub fn origin(raw: &str) -> Option<String> {
    let raw = raw.trim().trim_end_matches('/');
    let u = url::Url::parse(raw).ok()?;
    let plain = matches!(u.scheme(), "http" | "https")
        && u.username().is_empty()
        && u.password().is_none()
        && u.query().is_none()
        && u.fragment().is_none()
        && matches!(u.path(), "" | "/")
        && !raw.contains('*');
    let host = u.host_str().filter(|h| !h.is_empty())?;
    plain.then(|| match u.port() {
        Some(p) => format!("{}://{host}:{p}", u.scheme()),
        None => format!("{}://{host}", u.scheme()),
    })
}

/// The origin of an absolute http(s) address (`https://example.com/gracias` →
/// `https://example.com`).
pub fn origin_of_url(raw: &str) -> Option<String> {
    let u = url::Url::parse(raw).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.origin().ascii_serialization())
}

/// An absolute http(s) address to send the browser to after a submission.
fn web_address(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    })
}

/// The thank-you text when the admin gives none.
pub fn default_thank_you(language: &str) -> &'static str {
    match language {
        "en" => "Thank you: we have received your message and will be in touch soon.",
        _ => "Gracias: hemos recibido tu mensaje y te responderemos pronto.",
    }
}

struct Check {
    issues: Vec<FieldIssue>,
}

impl Check {
    fn fail(&mut self, field: impl Into<String>, p: Problem) {
        self.issues.push(FieldIssue::new(field, p));
    }

    /// A required text of at most `max` characters.
    fn required(&mut self, field: &str, v: &Option<String>, max: usize) -> Option<String> {
        match trimmed(v) {
            None => {
                self.fail(field, Problem::Missing);
                None
            }
            t => self.bounded(field, t, max),
        }
    }

    fn bounded(&mut self, field: &str, v: Option<String>, max: usize) -> Option<String> {
        let t = v?;
        if t.chars().count() > max {
            self.fail(field, Problem::TooLong { max });
            return None;
        }
        Some(t)
    }
}

impl FormDraft {
    /// Checks every field; custom fields must be among the workspace's `defs` (for people).
    /// Whether the team and the mailbox exist is the use case's question.
    pub fn validate(&self, defs: &[FieldDef]) -> Result<Form, Vec<FieldIssue>> {
        let mut c = Check { issues: Vec::new() };
        let name = c.required("name", &self.name, MAX_NAME);
        let slug = match trimmed(&self.slug) {
            Some(s) => Some(s.to_ascii_lowercase()),
            None => name.as_deref().map(slug_from_name),
        };
        let slug = match slug {
            Some(s) if valid_slug(&s) => Some(s),
            Some(s) => {
                c.fail("slug", Problem::BadSlug(s));
                None
            }
            None => None,
        };
        let language = trimmed(&self.language)
            .map(|l| l.to_ascii_lowercase())
            .unwrap_or_else(|| "es".into());
        if !LANGUAGES.contains(&language.as_str()) {
            c.fail("language", Problem::NotOneOf(LANGUAGES.join(", ")));
        }
        let description = c.bounded("description", trimmed(&self.description), MAX_TEXT);
        let fields = fields(&mut c, &self.fields, defs);
        let consent = self.consent.as_ref().and_then(|d| consent(&mut c, d));
        let outcome = match trimmed(&self.outcome).as_deref() {
            None | Some("record") => Outcome::Record,
            Some("lead") => Outcome::Lead,
            Some("conversation") => Outcome::Conversation {
                team: self.team_id.map(TeamId),
                mailbox: self.mail_channel_id.map(MailChannelId),
            },
            Some(_) => {
                c.fail(
                    "outcome",
                    Problem::NotOneOf("record, lead, conversation".into()),
                );
                Outcome::Record
            }
        };
        let allowed_origins = origins(&mut c, &self.allowed_origins);
        let thank_you = c
            .bounded("thank_you", trimmed(&self.thank_you), MAX_TEXT)
            .unwrap_or_else(|| default_thank_you(&language).to_owned());
        let redirect_url = trimmed(&self.redirect_url);
        if let Some(r) = &redirect_url {
            if !web_address(r) || r.len() > MAX_TEXT {
                c.fail("redirect_url", Problem::NotAWebAddress(r.clone()));
            }
        }
        match (name, slug) {
            (Some(name), Some(slug)) if c.issues.is_empty() => Ok(Form {
                name,
                slug,
                language,
                description,
                fields,
                consent,
                outcome,
                allowed_origins,
                thank_you,
                redirect_url,
                enabled: self.enabled.unwrap_or(true),
            }),
            _ => Err(c.issues),
        }
    }
}

fn fields(c: &mut Check, drafts: &[FieldDraft], defs: &[FieldDef]) -> Vec<FormField> {
    if drafts.len() > MAX_FIELDS {
        c.fail("fields", Problem::TooMany { max: MAX_FIELDS });
        return Vec::new();
    }
    let mut out: Vec<FormField> = Vec::new();
    let mut seen: Vec<Target> = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        let at = |f: &str| format!("fields[{i}].{f}");
        let target = match trimmed(&d.maps_to) {
            None => {
                c.fail(at("maps_to"), Problem::Missing);
                None
            }
            Some(raw) => match Target::parse(&raw) {
                None => {
                    c.fail(at("maps_to"), Problem::NotATarget(raw));
                    None
                }
                Some(Target::Custom(k)) => match defs.iter().find(|d| d.key == k) {
                    None => {
                        c.fail(at("maps_to"), Problem::NoFieldWithKey(k));
                        None
                    }
                    Some(def) if !def.applies_to.includes(Kind::Person) => {
                        c.fail(at("maps_to"), Problem::NotForPeople);
                        None
                    }
                    Some(_) => Some(Target::Custom(k)),
                },
                Some(t) => Some(t),
            },
        };
        let target = match target {
            Some(t) if seen.contains(&t) => {
                c.fail(at("maps_to"), Problem::Repeated);
                None
            }
            Some(t) => {
                seen.push(t.clone());
                Some(t)
            }
            None => None,
        };
        let label = c.required(&at("label"), &d.label, MAX_LABEL);
        if let (Some(target), Some(label)) = (target, label) {
            out.push(FormField {
                target,
                label,
                required: d.required.unwrap_or(false),
            });
        }
    }
    // Asked of what was typed, so a contact field refused for its label does not also
    // count as missing.
    let has_contact = drafts.iter().any(|d| {
        matches!(
            d.maps_to.as_deref().and_then(Target::parse),
            Some(Target::Attribute(Attribute::Email | Attribute::Phone))
        )
    });
    if !has_contact {
        c.fail("fields", Problem::NoContactField);
    }
    out
}

fn consent(c: &mut Check, d: &ConsentDraft) -> Option<ConsentBox> {
    // A box with no text is no box: the admin left the consent part empty.
    if trimmed(&d.text).is_none() && trimmed(&d.channel).is_none() && trimmed(&d.purpose).is_none()
    {
        return None;
    }
    let text = c.required("consent.text", &d.text, MAX_TEXT);
    let channel = Channel::parse(d.channel.as_deref().unwrap_or("email"));
    if channel.is_none() {
        c.fail("consent.channel", Problem::NotOneOf(Channel::expected()));
    }
    let purpose = Purpose::parse(d.purpose.as_deref().unwrap_or("marketing"));
    if purpose.is_none() {
        c.fail("consent.purpose", Problem::NotOneOf(Purpose::expected()));
    }
    Some(ConsentBox {
        text: text?,
        channel: channel?,
        purpose: purpose?,
    })
}

fn origins(c: &mut Check, raw: &[String]) -> Vec<String> {
    if raw.len() > MAX_ORIGINS {
        c.fail("allowed_origins", Problem::TooMany { max: MAX_ORIGINS });
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (i, o) in raw.iter().enumerate() {
        if o.trim().is_empty() {
            continue;
        }
        match origin(o) {
            Some(o) if !out.contains(&o) => out.push(o),
            Some(_) => {}
            None => c.fail(
                format!("allowed_origins[{i}]"),
                Problem::NotAnOrigin(o.trim().to_owned()),
            ),
        }
    }
    out
}
