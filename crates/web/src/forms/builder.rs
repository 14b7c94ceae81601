//! The form builder as the browser sends it: the form's settings and its field rows
//! (`f3_maps_to`, `f3_label`, `f3_required`, `f3_pos`), turned into the use case's draft;
//! drawn again with each refused part's message beside it. Without JavaScript rows are
//! ordered by their number and removed by choosing no field; `form-builder.js` adds rows
//! and moves them.
use super::texts::{attribute_label, Texts};
use crate::pages::{csrf_field, Ctx};
use crate::problems::problem_text;
use maud::{html, Markup};
use std::collections::BTreeMap;
use vinculo_app::AppError;
use vinculo_domain::customers::consent::{Channel, Purpose};
use vinculo_domain::customers::custom::{key_from_label, FieldDef};
use vinculo_domain::customers::Kind;
use vinculo_domain::forms::{
    Attribute, ConsentDraft, FieldDraft, Form, FormDraft, Outcome, Target,
};
use vinculo_store::mail_channels::MailChannelRecord;
use vinculo_store::teams::Team;

/// Empty rows offered below the fields, for a browser without JavaScript.
const SPARE_ROWS: usize = 2;

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

    fn on(&self, name: &str) -> Option<String> {
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

fn problem(errors: &Errors, name: &str) -> Markup {
    html! { @if let Some(e) = errors.on(name) { span class="field-error" id={ "err-" (name) } { (e) } } }
}

fn invalid(errors: &Errors, name: &str) -> (Option<&'static str>, Option<String>) {
    match errors.on(name) {
        Some(_) => (Some("true"), Some(format!("err-{name}"))),
        None => (None, None),
    }
}

fn text_input(
    errors: &Errors,
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    required: bool,
) -> Markup {
    let (bad, described) = invalid(errors, name);
    html! {
        label { (label)
            input type="text" name=(name) value=(value) required[required] aria-invalid=[bad] aria-describedby=[described];
            @if let Some(h) = hint { span class="hint" { (h) } }
            (problem(errors, name))
        }
    }
}

/// The choices of a row's "fills" select: attributes, custom fields for people, a question.
fn targets(ctx: &Ctx, t: &Texts, defs: &[FieldDef]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![(String::new(), t.unused.to_owned())];
    for a in Attribute::ALL {
        out.push((
            a.as_str().into(),
            attribute_label(ctx.lang, a.as_str()).into(),
        ));
    }
    for d in defs.iter().filter(|d| d.applies_to.includes(Kind::Person)) {
        out.push((
            format!("custom_fields.{}", d.key),
            format!("{} ({})", d.label, d.field_type),
        ));
    }
    out.push(("question".into(), t.question.to_owned()));
    out
}

fn row(
    ctx: &Ctx,
    t: &Texts,
    errors: &Errors,
    choices: &[(String, String)],
    i: usize,
    r: &Row,
) -> Markup {
    let n = |part: &str| format!("f{i}_{part}");
    let (bad_target, target_described) = invalid(errors, &n("maps_to"));
    let (bad_label, label_described) = invalid(errors, &n("label"));
    let _ = ctx;
    html! {
        div class="builder-row" data-row {
            label { (t.maps_to)
                select name=(n("maps_to")) aria-invalid=[bad_target] aria-describedby=[target_described] {
                    @for (value, label) in choices { option value=(value) selected[r.maps_to == *value] { (label) } }
                }
                (problem(errors, &n("maps_to")))
            }
            label { (t.label)
                input type="text" name=(n("label")) value=(r.label) aria-invalid=[bad_label] aria-describedby=[label_described];
                (problem(errors, &n("label")))
            }
            label class="check" { input type="checkbox" name=(n("required")) value="on" checked[r.required]; (t.required) }
            div class="row-tools" {
                label class="pos" { span class="visually-hidden" { (t.position) } input type="number" name=(n("pos")) value=(i + 1) min="1" class="pos-input" size="3"; }
                button type="button" class="secondary" data-move="up" title=(t.up) aria-label=(t.up) hidden { "↑" }
                button type="button" class="secondary" data-move="down" title=(t.down) aria-label=(t.down) hidden { "↓" }
                button type="button" class="secondary" data-remove title=(t.remove) aria-label=(t.remove) hidden { "✕" }
            }
        }
    }
}

/// What the builder draws with.
pub struct Page<'a> {
    pub defs: &'a [FieldDef],
    pub teams: &'a [Team],
    pub mailboxes: &'a [MailChannelRecord],
    pub action: &'a str,
    pub editing: bool,
}

/// The whole builder, posting to `action`.
pub fn render(ctx: &Ctx, t: &Texts, b: &Builder, errors: &Errors, page: &Page<'_>) -> Markup {
    let choices = targets(ctx, t, page.defs);
    let spare = b.rows.len();
    let language = if b.language.is_empty() {
        "es"
    } else {
        b.language.as_str()
    };
    let outcome = if b.outcome.is_empty() {
        "record"
    } else {
        b.outcome.as_str()
    };
    let (bad_origins, origins_described) = invalid(errors, "origins");
    html! {
        form class="stack form-builder" method="post" action=(page.action) novalidate {
            (csrf_field(&ctx.csrf))
            @if let Some(e) = &errors.form { div class="flash err" role="alert" { (e) } }
            div class="row" {
                (text_input(errors, "name", t.name, &b.name, Some(t.name_hint), true))
                (text_input(errors, "slug", t.slug, &b.slug, Some(t.slug_hint), false))
                label { (t.language)
                    select name="language" {
                        option value="es" selected[language == "es"] lang="es" { "Español" }
                        option value="en" selected[language == "en"] lang="en" { "English" }
                    }
                    (problem(errors, "language"))
                }
            }
            label { (t.description)
                textarea name="description" rows="2" { (b.description) }
                (problem(errors, "description"))
            }
            fieldset class="card" id="builder-fields" {
                legend { (t.fields) }
                p class="hint" { (t.fields_hint) }
                (problem(errors, "fields"))
                div data-rows {
                    @for (i, r) in b.rows.iter().enumerate() { (row(ctx, t, errors, &choices, i, r)) }
                    @for i in spare..spare + SPARE_ROWS { (row(ctx, t, errors, &choices, i, &Row::default())) }
                }
                template id="row-template" { (row(ctx, t, &Errors::default(), &choices, 9999, &Row::default())) }
                button type="button" class="secondary" data-add-row hidden { "+ " (t.add_field) }
            }
            fieldset class="card" {
                legend { (t.consent) }
                label { (t.consent_text)
                    textarea name="consent_text" rows="2" { (b.consent_text) }
                    span class="hint" { (t.consent_hint) }
                    (problem(errors, "consent_text"))
                }
                div class="row" {
                    label { (t.consent_channel)
                        select name="consent_channel" {
                            @for c in Channel::ALL { option value=(c.as_str()) selected[b.consent_channel == c.as_str()] { (c.as_str()) } }
                        }
                        (problem(errors, "consent_channel"))
                    }
                    label { (t.consent_purpose)
                        select name="consent_purpose" {
                            @for p in Purpose::ALL { option value=(p.as_str()) selected[b.consent_purpose == p.as_str()] { (p.as_str()) } }
                        }
                        (problem(errors, "consent_purpose"))
                    }
                }
            }
            fieldset class="card" {
                legend { (t.outcome) }
                @for (value, label) in [("conversation", t.outcome_conversation), ("lead", t.outcome_lead), ("record", t.outcome_record)] {
                    label class="check" { input type="radio" name="outcome" value=(value) checked[outcome == value]; (label) }
                }
                (problem(errors, "outcome"))
                div class="row" {
                    label { (t.team)
                        select name="team" {
                            option value="" { (t.no_team) }
                            @for team in page.teams { option value=(team.id) selected[b.team == team.id.to_string()] { (team.name) } }
                        }
                        (problem(errors, "team"))
                    }
                    label { (t.mailbox)
                        select name="mailbox" {
                            option value="" { (t.no_mailbox) }
                            @for m in page.mailboxes { option value=(m.id) selected[b.mailbox == m.id.to_string()] { (m.name) " <" (m.address) ">" } }
                        }
                        (problem(errors, "mailbox"))
                    }
                }
            }
            label { (t.origins)
                textarea name="origins" rows="3" spellcheck="false" placeholder="https://www.example.com" aria-invalid=[bad_origins] aria-describedby=[origins_described] { (b.origins) }
                span class="hint" { (t.origins_hint) }
                (problem(errors, "origins"))
            }
            label { (t.thank_you)
                textarea name="thank_you" rows="2" { (b.thank_you) }
                (problem(errors, "thank_you"))
            }
            (text_input(errors, "redirect_url", t.redirect, &b.redirect_url, None, false))
            label class="check" { input type="checkbox" name="enabled" value="on" checked[b.enabled]; (t.enabled) }
            div { button type="submit" { (if page.editing { t.save } else { t.create }) } }
        }
        script src={ "/assets/form-builder.js?v=" (crate::pages::ASSET_VERSION) } defer {}
    }
}
