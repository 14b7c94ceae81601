//! The form builder as the browser sends it: the form's settings and its field rows
//! (`f3_maps_to`, `f3_label`, `f3_required`, `f3_pos`), turned into the use case's draft;
//! drawn again with each refused part's message beside it. Without JavaScript rows are
//! ordered by their number and removed by choosing no field; `form-builder.js` adds rows
//! and moves them. `builder_view` draws it.
use super::texts::{attribute_label, Texts};
use crate::pages::Ctx;
use crate::problems::problem_text;
use std::collections::BTreeMap;
use vinculo_app::AppError;
use vinculo_domain::customers::custom::key_from_label;
use vinculo_domain::forms::{ConsentDraft, FieldDraft, Form, FormDraft, Outcome, Target};

/// One field row as typed.
#[derive(Clone, Default)]
pub struct Row {
    /// An attribute, `custom_fields.<key>`, `question`, or empty (no field).
    pub maps_to: String,
    pub label: String,
    pub required: bool,
    pub pos: String,
}

/// The builder's fields as typed.
#[derive(Clone, Default)]
pub struct Builder {
    pub name: String,
    pub slug: String,
    pub language: String,
    pub description: String,
    pub rows: Vec<Row>,
    pub consent_text: String,
    pub consent_channel: String,
    pub consent_purpose: String,
    pub outcome: String,
    pub team: String,
    pub mailbox: String,
    pub origins: String,
    pub thank_you: String,
    pub redirect_url: String,
    pub enabled: bool,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl Builder {
    /// A new form's starting point: e-mail, name and message.
    pub fn starter(lang: crate::i18n::Lang) -> Builder {
        let row = |a: &str, required: bool| Row {
            maps_to: a.into(),
            label: attribute_label(lang, a).into(),
            required,
            pos: String::new(),
        };
        Builder {
            language: lang.code().into(),
            rows: vec![
                row("given_name", false),
                row("email", true),
                row("message", true),
            ],
            outcome: "conversation".into(),
            enabled: true,
            ..Builder::default()
        }
    }

    /// Reads the posted pairs.
    pub fn parse(pairs: &[(String, String)]) -> Builder {
        let mut b = Builder::default();
        let mut rows: BTreeMap<usize, Row> = BTreeMap::new();
        for (k, v) in pairs {
            if let Some((i, part)) = k
                .strip_prefix('f')
                .and_then(|r| r.split_once('_'))
                .and_then(|(i, part)| Some((i.parse::<usize>().ok()?, part)))
            {
                let r = rows.entry(i).or_default();
                match part {
                    "maps_to" => r.maps_to = v.clone(),
                    "label" => r.label = v.clone(),
                    "required" => r.required = true,
                    "pos" => r.pos = v.clone(),
                    _ => {}
                }
                continue;
            }
            let v = v.clone();
            match k.as_str() {
                "name" => b.name = v,
                "slug" => b.slug = v,
                "language" => b.language = v,
                "description" => b.description = v,
                "consent_text" => b.consent_text = v,
                "consent_channel" => b.consent_channel = v,
                "consent_purpose" => b.consent_purpose = v,
                "outcome" => b.outcome = v,
                "team" => b.team = v,
                "mailbox" => b.mailbox = v,
                "origins" => b.origins = v,
                "thank_you" => b.thank_you = v,
                "redirect_url" => b.redirect_url = v,
                "enabled" => b.enabled = true,
                _ => {}
            }
        }
        // In the order their numbers give (ties keep the page's order).
        let mut rows: Vec<(usize, Row)> = rows.into_iter().collect();
        rows.sort_by_key(|(i, r)| (r.pos.trim().parse::<i64>().unwrap_or(*i as i64 + 1), *i));
        b.rows = rows.into_iter().map(|(_, r)| r).collect();
        b
    }

    /// A stored form, to edit.
    pub fn of(f: &Form) -> Builder {
        let (team, mailbox) = match f.outcome {
            Outcome::Conversation { team, mailbox } => (team, mailbox),
            _ => (None, None),
        };
        Builder {
            name: f.name.clone(),
            slug: f.slug.clone(),
            language: f.language.clone(),
            description: f.description.clone().unwrap_or_default(),
            rows: f
                .fields
                .iter()
                .map(|x| Row {
                    maps_to: match &x.target {
                        Target::Question(_) => "question".into(),
                        t => t.name(),
                    },
                    label: x.label.clone(),
                    required: x.required,
                    pos: String::new(),
                })
                .collect(),
            consent_text: f
                .consent
                .as_ref()
                .map(|c| c.text.clone())
                .unwrap_or_default(),
            consent_channel: f
                .consent
                .as_ref()
                .map(|c| c.channel.as_str().into())
                .unwrap_or_default(),
            consent_purpose: f
                .consent
                .as_ref()
                .map(|c| c.purpose.as_str().into())
                .unwrap_or_default(),
            outcome: f.outcome.as_str().into(),
            team: team.map(|t| t.to_string()).unwrap_or_default(),
            mailbox: mailbox.map(|m| m.to_string()).unwrap_or_default(),
            origins: f.allowed_origins.join("\n"),
            thank_you: f.thank_you.clone(),
            redirect_url: f.redirect_url.clone().unwrap_or_default(),
            enabled: f.enabled,
        }
    }

    /// The used rows (a field chosen or a label typed), with their row numbers.
    fn used(&self) -> Vec<(usize, &Row)> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.maps_to.trim().is_empty() || !r.label.trim().is_empty())
            .collect()
    }

    /// The draft, and for each of its fields the row it came from.
    pub fn draft(&self) -> (FormDraft, Vec<usize>) {
        let used = self.used();
        let fields = used
            .iter()
            .map(|(i, r)| FieldDraft {
                maps_to: match r.maps_to.trim() {
                    // A question's key comes from its label (a row number while it has none).
                    "question" => Some(match key_from_label(&r.label) {
                        k if k.is_empty() => format!("question.q{}", i + 1),
                        k => format!("question.{k}"),
                    }),
                    m => some(m),
                },
                label: some(&r.label),
                required: Some(r.required),
            })
            .collect();
        let draft = FormDraft {
            name: some(&self.name),
            slug: some(&self.slug),
            language: some(&self.language),
            description: some(&self.description),
            fields,
            consent: Some(ConsentDraft {
                text: some(&self.consent_text),
                channel: some(&self.consent_channel)
                    .filter(|_| !self.consent_text.trim().is_empty()),
                purpose: some(&self.consent_purpose)
                    .filter(|_| !self.consent_text.trim().is_empty()),
            }),
            outcome: some(&self.outcome),
            team_id: self.team.trim().parse().ok(),
            mail_channel_id: self.mailbox.trim().parse().ok(),
            allowed_origins: self.origins.lines().map(str::to_owned).collect(),
            thank_you: some(&self.thank_you),
            redirect_url: some(&self.redirect_url),
            enabled: Some(self.enabled),
        };
        (draft, used.iter().map(|(i, _)| *i).collect())
    }
}

/// Each refused part's message, by the builder's input name; and one for the whole form.
#[derive(Default)]
pub struct Errors {
    fields: Vec<(String, String)>,
    pub form: Option<String>,
}

impl Errors {
    /// `rows` maps the draft's field positions to the builder's rows.
    pub fn of(ctx: &Ctx, t: &Texts, e: &AppError, rows: &[usize]) -> Errors {
        match e {
            AppError::InvalidFields(issues) => Errors {
                fields: issues
                    .iter()
                    .map(|i| (input_name(&i.field, rows), problem_text(ctx.m, &i.problem)))
                    .collect(),
                form: Some(t.check.to_owned()),
            },
            AppError::Conflict { .. } => Errors {
                fields: vec![("slug".into(), t.slug_taken.to_owned())],
                form: Some(t.check.to_owned()),
            },
            other => Errors {
                form: Some(crate::pages::form_error(ctx.m, other)),
                ..Errors::default()
            },
        }
    }

    pub(super) fn on(&self, name: &str) -> Option<String> {
        let all: Vec<&str> = self
            .fields
            .iter()
            .filter(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join("; "))
    }
}

/// The builder's input a draft's field path was typed in.
fn input_name(field: &str, rows: &[usize]) -> String {
    if let Some((i, part)) = field
        .strip_prefix("fields[")
        .and_then(|r| r.split_once("]."))
    {
        let row = i
            .parse::<usize>()
            .ok()
            .and_then(|i| rows.get(i).copied())
            .unwrap_or(0);
        return format!("f{row}_{part}");
    }
    if field.starts_with("allowed_origins") {
        return "origins".into();
    }
    match field {
        "team_id" => "team".into(),
        "mail_channel_id" => "mailbox".into(),
        other => other.replace('.', "_"),
    }
}
