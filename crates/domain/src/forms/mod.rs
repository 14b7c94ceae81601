//! Web forms: what an admin builds (fields mapped to customer attributes, custom fields or
//! free questions; a consent box; what a submission leads to; where it may be embedded),
//! checked field by field before it is stored. [`submission`] checks what a visitor sends.
mod draft;
pub mod submission;

pub use draft::{
    default_thank_you, origin, origin_of_url, slug_from_name, ConsentDraft, FieldDraft, FormDraft,
};

use crate::customers::consent::{Channel, Purpose};
use crate::ids::{MailChannelId, TeamId};

/// The hidden field bots fill and people never see: a submission with it is dropped.
pub const HONEYPOT: &str = "website";
/// The consent box's input name.
pub const CONSENT: &str = "consent";
/// An id the sender makes up for one submission: sending it again changes nothing.
pub const SUBMISSION_ID: &str = "submission_id";
/// Fields per form: a longer form is a survey, and nobody finishes it.
pub const MAX_FIELDS: usize = 30;
pub const MAX_ORIGINS: usize = 20;

/// A customer attribute a field can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attribute {
    GivenName,
    FamilyName,
    Email,
    Phone,
    /// The company the person writes for: kept with the submission.
    Organization,
    Language,
    /// What the person writes: the interaction's body (and the conversation's first message).
    Message,
}

impl Attribute {
    pub const ALL: [Attribute; 7] = [
        Attribute::GivenName,
        Attribute::FamilyName,
        Attribute::Email,
        Attribute::Phone,
        Attribute::Organization,
        Attribute::Language,
        Attribute::Message,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::GivenName => "given_name",
            Attribute::FamilyName => "family_name",
            Attribute::Email => "email",
            Attribute::Phone => "phone",
            Attribute::Organization => "organization",
            Attribute::Language => "language",
            Attribute::Message => "message",
        }
    }

    pub fn parse(s: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Where a field's answer goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Attribute(Attribute),
    /// A workspace custom field, by key.
    Custom(String),
    /// A free question, by key: its answer is kept on the interaction.
    Question(String),
}

impl Target {
    /// The field's name: its input's `name` and the key of its answer (`email`,
    /// `custom_fields.plan`, `question.budget`).
    pub fn name(&self) -> String {
        match self {
            Target::Attribute(a) => a.as_str().to_owned(),
            Target::Custom(k) => format!("custom_fields.{k}"),
            Target::Question(k) => format!("question.{k}"),
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        let s = s.trim();
        if let Some(k) = s.strip_prefix("custom_fields.") {
            return valid_key(k).then(|| Target::Custom(k.to_owned()));
        }
        if let Some(k) = s.strip_prefix("question.") {
            return valid_key(k).then(|| Target::Question(k.to_owned()));
        }
        Attribute::parse(s).map(Target::Attribute)
    }

    /// What [`Target::parse`] accepts, for error messages.
    pub fn expected() -> String {
        let mut all: Vec<&str> = Attribute::ALL.iter().map(|a| a.as_str()).collect();
        all.extend(["custom_fields.<key>", "question.<key>"]);
        all.join(", ")
    }
}

fn valid_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some('a'..='z'))
        && k.len() <= 40
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormField {
    pub target: Target,
    /// In the form's language.
    pub label: String,
    pub required: bool,
}

/// The consent box: its text, and the channel and purpose ticking it opts into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentBox {
    pub text: String,
    pub channel: Channel,
    pub purpose: Purpose,
}

/// What a submission leads to, besides the customer and the interaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Only recorded on the customer's timeline.
    Record,
    /// A prospect becomes a lead.
    Lead,
    /// A conversation opens in the shared inbox, for `team`; replies go out from `mailbox`.
    Conversation {
        team: Option<TeamId>,
        mailbox: Option<MailChannelId>,
    },
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Record => "record",
            Outcome::Lead => "lead",
            Outcome::Conversation { .. } => "conversation",
        }
    }
}

/// The languages a form's page can speak.
pub const LANGUAGES: [&str; 2] = ["es", "en"];

/// A checked form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// Its title on the page.
    pub name: String,
    /// Its address: `/f/{slug}`.
    pub slug: String,
    /// `es` or `en`: the page's language (labels are the admin's, in this language).
    pub language: String,
    pub description: Option<String>,
    pub fields: Vec<FormField>,
    pub consent: Option<ConsentBox>,
    pub outcome: Outcome,
    /// Sites that may post to it from their pages (`https://example.com`), normalised.
    pub allowed_origins: Vec<String>,
    /// Shown after a submission (unless `redirect_url` sends the browser elsewhere).
    pub thank_you: String,
    pub redirect_url: Option<String>,
    pub enabled: bool,
}

impl Form {
    /// Whether a page at `origin` (the browser's `Origin` header) may post to this form.
    pub fn allows_origin(&self, origin_header: &str) -> bool {
        origin(origin_header).is_some_and(|o| self.allowed_origins.contains(&o))
    }
}

#[cfg(test)]
mod tests;
