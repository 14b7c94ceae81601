//! Field checks shared by people and organisations. A [`Checker`] collects every problem of a
//! draft instead of stopping at the first, so one answer lists them all with their positions.
use super::{ContactPoint, FieldIssue, LabelledKey, Problem};
use crate::identity::{IdentityKey, KeyError, KeyKind};
use crate::ownership::Owner;

pub(super) const MAX_NAME: usize = 200;
pub(super) const MAX_NOTES: usize = 20_000;
const MAX_TAG: usize = 50;
pub(super) const MAX_LIST: usize = 50;

#[derive(Default)]
pub(super) struct Checker {
    pub issues: Vec<FieldIssue>,
    pub keys: Vec<LabelledKey>,
}

impl Checker {
    pub fn issue(&mut self, field: impl Into<String>, problem: Problem) {
        self.issues.push(FieldIssue::new(field, problem));
    }

    /// Trimmed text, `None` when blank; too long is an issue.
    pub fn text(&mut self, field: &str, v: &Option<String>, max: usize) -> Option<String> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        if s.chars().count() > max {
            self.issue(field, Problem::TooLong { max });
            return None;
        }
        Some(s.to_owned())
    }

    /// Adds a parsed key; a repeated key (same kind and normalised value) is dropped.
    pub fn key(
        &mut self,
        field: String,
        parsed: Result<IdentityKey, KeyError>,
        label: Option<String>,
        primary: bool,
    ) {
        match parsed {
            Ok(key)
                if self
                    .keys
                    .iter()
                    .any(|k| k.key.kind == key.kind && k.key.value == key.value) => {}
            Ok(key) => self.keys.push(LabelledKey {
                key,
                label,
                primary,
            }),
            Err(e) => self.issue(field, Problem::Key(e)),
        }
    }

    /// A list of e-mails or phones (`name` is the field: `emails` or `phones`).
    pub fn contacts(
        &mut self,
        name: &str,
        list: &[ContactPoint],
        parse: impl Fn(&str) -> Result<IdentityKey, KeyError>,
    ) {
        if list.len() > MAX_LIST {
            self.issue(name, Problem::TooMany { max: MAX_LIST });
            return;
        }
        for (i, c) in list.iter().enumerate() {
            let field = format!("{name}[{i}]");
            let label = self.text(&format!("{field}.label"), &c.label, 40);
            self.key(field, parse(&c.value), label, c.primary);
        }
    }

    /// Plain keys without labels (external ids, domains).
    pub fn plain_keys(
        &mut self,
        name: &str,
        list: &[String],
        parse: impl Fn(&str) -> Result<IdentityKey, KeyError>,
    ) {
        if list.len() > MAX_LIST {
            self.issue(name, Problem::TooMany { max: MAX_LIST });
            return;
        }
        for (i, x) in list.iter().enumerate() {
            self.key(format!("{name}[{i}]"), parse(x), None, false);
        }
    }

    /// The stage, lowercased; the first of `stages` when none is given.
    pub fn stage(&mut self, v: &Option<String>, stages: &[&str]) -> String {
        match v
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
        {
            None => stages.first().map(|s| (*s).to_owned()).unwrap_or_default(),
            Some(s) if stages.contains(&s.as_str()) => s,
            Some(s) => {
                self.issue(
                    "lifecycle_stage",
                    Problem::UnknownStage {
                        value: s,
                        stages: stages.iter().map(|s| (*s).to_owned()).collect(),
                    },
                );
                String::new()
            }
        }
    }

    pub fn owner(&mut self, v: &Option<String>) -> Option<Owner> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match s.parse::<Owner>() {
            Ok(o) => Some(o),
            Err(e) => {
                self.issue("owner", Problem::Owner(e));
                None
            }
        }
    }

    /// Tags, trimmed, without case-insensitive repeats.
    pub fn tags(&mut self, list: &[String]) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for (i, t) in list.iter().enumerate() {
            let t = t.trim();
            if t.is_empty() || t.chars().count() > MAX_TAG {
                self.issue(format!("tags[{i}]"), Problem::TagLength { max: MAX_TAG });
            } else if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                tags.push(t.to_owned());
            }
        }
        tags
    }

    /// Marks the first key of a kind primary when none was, and keeps one primary per kind.
    pub fn ensure_one_primary(&mut self) {
        for kind in [KeyKind::Email, KeyKind::Phone] {
            let mut seen = false;
            for k in self.keys.iter_mut().filter(|k| k.key.kind == kind) {
                if k.primary && seen {
                    k.primary = false;
                }
                seen |= k.primary;
            }
            if !seen {
                if let Some(first) = self.keys.iter_mut().find(|k| k.key.kind == kind) {
                    first.primary = true;
                }
            }
        }
    }
}
