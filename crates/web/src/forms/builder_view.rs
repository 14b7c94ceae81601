//! The builder drawn: the form's settings and its field rows, each refused part's message
//! beside it (tied to it for screen readers), a template row for `form-builder.js`.
use super::builder::{Builder, Errors, Row};
use super::texts::{attribute_label, Texts};
use crate::pages::{csrf_field, Ctx};
use maud::{html, Markup};
use vinculo_domain::customers::consent::{Channel, Purpose};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::Kind;
use vinculo_domain::forms::Attribute;
use vinculo_store::mail_channels::MailChannelRecord;
use vinculo_store::teams::Team;

/// Empty rows offered below the fields, for a browser without JavaScript.
const SPARE_ROWS: usize = 2;

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

fn row(t: &Texts, errors: &Errors, choices: &[(String, String)], i: usize, r: &Row) -> Markup {
    let n = |part: &str| format!("f{i}_{part}");
    let (bad_target, target_described) = invalid(errors, &n("maps_to"));
    let (bad_label, label_described) = invalid(errors, &n("label"));
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
                    @for (i, r) in b.rows.iter().enumerate() { (row(t, errors, &choices, i, r)) }
                    @for i in spare..spare + SPARE_ROWS { (row(t, errors, &choices, i, &Row::default())) }
                }
                template id="row-template" { (row(t, &Errors::default(), &choices, 9999, &Row::default())) }
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
