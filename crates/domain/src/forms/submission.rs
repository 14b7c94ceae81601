//! What a visitor sends to a form, checked against it: required fields given, e-mail and
//! phone readable, custom field values of their field's type, texts within bounds. Each
//! problem names the field's input (`email`, `custom_fields.plan`), so the page can put the
//! message beside it and a script can read it from the problem's `errors`.
use super::{Attribute, Form, Target, CONSENT};
use crate::customers::custom::{FieldDef, FieldType};
use crate::customers::{FieldIssue, Problem};
use crate::identity::{IdentityKey, Region};
use serde_json::Value;
use std::collections::BTreeMap;

const MAX_SHORT: usize = 200;
const MAX_LANGUAGE: usize = 35;
const MAX_MESSAGE: usize = 10_000;
const MAX_ANSWER: usize = 2_000;

/// The values sent, by input name; a name sent twice (a multi select) has several.
pub type Values = BTreeMap<String, Vec<String>>;

/// A submission that passed the form's checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answers {
    /// As typed (trimmed); readable as an e-mail address.
    pub email: Option<String>,
    /// As typed (trimmed); readable as a phone number in the workspace's country.
    pub phone: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub organization: Option<String>,
    pub language: Option<String>,
    pub message: Option<String>,
    /// Custom field values by key, in their canonical JSON.
    pub custom: BTreeMap<String, Value>,
    /// Free questions: (key, label, answer), in the form's order.
    pub questions: Vec<(String, String, String)>,
    /// The consent box was ticked.
    pub consent: bool,
}

impl Answers {
    /// "Given Family", for a new customer's name.
    pub fn full_name(&self) -> Option<String> {
        let joined = [self.given_name.as_deref(), self.family_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    }
}

/// The first non-blank value of `name`, trimmed.
fn first(values: &Values, name: &str) -> Option<String> {
    values
        .get(name)?
        .iter()
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Whether a checkbox's value means ticked (`on` is what browsers send).
pub fn ticked(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "on" | "true" | "1" | "yes" | "si" | "sí"
    )
}

impl Form {
    /// Checks what was sent; `defs` are the workspace's custom fields, `region` reads phones
    /// without a country code. Unknown names are ignored (a site may add its own).
    pub fn check(
        &self,
        values: &Values,
        defs: &[FieldDef],
        region: Region,
    ) -> Result<Answers, Vec<FieldIssue>> {
        let mut a = Answers {
            consent: self.consent.is_some()
                && values
                    .get(CONSENT)
                    .is_some_and(|v| v.iter().any(|v| ticked(v))),
            ..Answers::default()
        };
        let mut issues = Vec::new();
        for f in &self.fields {
            let name = f.target.name();
            let problem = match &f.target {
                Target::Custom(key) => {
                    match defs.iter().find(|d| &d.key == key) {
                        Some(def) => custom(def, values.get(&name), &mut a),
                        // The field was deleted since the form was built: nothing to fill.
                        None => Ok(false),
                    }
                }
                Target::Question(key) => match first(values, &name) {
                    Some(v) if v.chars().count() > MAX_ANSWER => {
                        Err(Problem::TooLong { max: MAX_ANSWER })
                    }
                    Some(v) => {
                        a.questions.push((key.clone(), f.label.clone(), v));
                        Ok(true)
                    }
                    None => Ok(false),
                },
                Target::Attribute(attr) => attribute(*attr, first(values, &name), region, &mut a),
            };
            match problem {
                Err(p) => issues.push(FieldIssue::new(name, p)),
                Ok(false) if f.required => issues.push(FieldIssue::new(name, Problem::Missing)),
                Ok(_) => {}
            }
        }
        if a.email.is_none() && a.phone.is_none() && issues.is_empty() {
            let field = self
                .fields
                .iter()
                .find(|f| {
                    matches!(
                        f.target,
                        Target::Attribute(Attribute::Email | Attribute::Phone)
                    )
                })
                .map_or_else(|| "email".to_owned(), |f| f.target.name());
            issues.push(FieldIssue::new(field, Problem::NoContact));
        }
        if issues.is_empty() {
            Ok(a)
        } else {
            Err(issues)
        }
    }
}

/// Reads one attribute's value into `a`: Ok(whether one was given).
fn attribute(
    attr: Attribute,
    v: Option<String>,
    region: Region,
    a: &mut Answers,
) -> Result<bool, Problem> {
    let Some(v) = v else { return Ok(false) };
    let bounded = |max: usize| {
        if v.chars().count() > max {
            Err(Problem::TooLong { max })
        } else {
            Ok(Some(v.clone()))
        }
    };
    match attr {
        Attribute::Email => {
            IdentityKey::email(&v)?;
            a.email = Some(v);
        }
        Attribute::Phone => {
            IdentityKey::phone(&v, region)?;
            a.phone = Some(v);
        }
        Attribute::GivenName => a.given_name = bounded(MAX_SHORT)?,
        Attribute::FamilyName => a.family_name = bounded(MAX_SHORT)?,
        Attribute::Organization => a.organization = bounded(MAX_SHORT)?,
        Attribute::Language => {
            let ok =
                v.len() <= MAX_LANGUAGE && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                return Err(Problem::NotOneOf("a language code like es or en".into()));
            }
            a.language = Some(v.to_ascii_lowercase());
        }
        Attribute::Message => a.message = bounded(MAX_MESSAGE)?,
    }
    Ok(true)
}

/// Reads a custom field's value(s) with its definition: Ok(whether one was given). A blank
/// value leaves the customer's stored one alone (a form never clears a field).
fn custom(def: &FieldDef, given: Option<&Vec<String>>, a: &mut Answers) -> Result<bool, Problem> {
    let given: Vec<&str> = given
        .map(|v| {
            v.iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let raw = match def.field_type {
        FieldType::MultiSelect => Value::from(given.clone()),
        // A ticked checkbox sends `on`.
        FieldType::Boolean => match given.first() {
            Some(v) if ticked(v) => Value::Bool(true),
            Some(v) => Value::String((*v).to_owned()),
            None => Value::Null,
        },
        _ => given
            .first()
            .map_or(Value::Null, |v| Value::String((*v).to_owned())),
    };
    match def.read(&raw)? {
        Some(v) => {
            a.custom.insert(def.key.clone(), def.to_json(&v));
            Ok(true)
        }
        None => Ok(false),
    }
}
