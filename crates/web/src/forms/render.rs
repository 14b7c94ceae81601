//! A form's HTML: the same markup on the hosted page, in the embed snippet and in the
//! builder's preview. A plain `<form method=post>` that works without any script, with a
//! honeypot field people never see; `data-vinculo-form` lets `forms.js` send it in place.
use super::texts::{public, Public};
use maud::{html, Markup};
use vinculo_domain::customers::custom::{FieldDef, FieldType};
use vinculo_domain::forms::submission::{ticked, Values};
use vinculo_domain::forms::{Attribute, Form, FormField, Target, CONSENT, HONEYPOT, SUBMISSION_ID};

/// Languages offered by a language field, by their own names.
const LANGUAGES: [(&str, &str); 7] = [
    ("es", "Español"),
    ("en", "English"),
    ("pt", "Português"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("ca", "Català"),
];

/// What to draw the form with.
pub struct Drawing<'a> {
    pub form: &'a Form,
    pub defs: &'a [FieldDef],
    /// Where it posts: `https://crm.example.com/f/contact`.
    pub action: &'a str,
    /// What was typed (a refused submission drawn again).
    pub values: Option<&'a Values>,
    /// Each refused field's message, by input name.
    pub errors: &'a [(String, String)],
    /// A fresh id that makes a repeated post of this page one submission.
    pub submission_id: Option<&'a str>,
    /// For another site's page: the honeypot hidden by an inline style (that site has no
    /// `forms.css`).
    pub embed: bool,
}

impl Drawing<'_> {
    fn value(&self, name: &str) -> &str {
        self.values
            .and_then(|v| v.get(name))
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.values
            .and_then(|v| v.get(name))
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.as_str())
    }

    fn id(&self, name: &str) -> String {
        format!("vf-{}-{}", self.form.slug, name.replace(['.', '_'], "-"))
    }
}

/// The `<form>` element.
pub fn form(d: &Drawing<'_>) -> Markup {
    let p = public(&d.form.language);
    html! {
        form class="vf-form" method="post" action=(d.action) accept-charset="utf-8" data-vinculo-form data-check=(p.check) data-failed=(p.failed) novalidate[!d.embed] {
            @if let Some(desc) = &d.form.description { p class="vf-description" { (desc) } }
            @if !d.errors.is_empty() { p class="vf-alert" role="alert" { (p.check) } }
            @for f in &d.form.fields { (field(d, p, f)) }
            @if let Some(c) = &d.form.consent {
                p class="vf-field vf-consent" {
                    label {
                        input type="checkbox" name=(CONSENT) value="on" checked[ticked(d.value(CONSENT))];
                        " " (c.text)
                    }
                }
            }
            @if d.embed {
                div class="vf-hp" aria-hidden="true" style="position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden" {
                    label { (p.honeypot) " " input type="text" name=(HONEYPOT) tabindex="-1" autocomplete="off"; }
                }
            } @else {
                div class="vf-hp" aria-hidden="true" {
                    label { (p.honeypot) " " input type="text" name=(HONEYPOT) tabindex="-1" autocomplete="off"; }
                }
            }
            @if let Some(id) = d.submission_id { input type="hidden" name=(SUBMISSION_ID) value=(id); }
            p class="vf-actions" { button type="submit" { (p.send) } }
        }
    }
}

fn field(d: &Drawing<'_>, p: &Public, f: &FormField) -> Markup {
    let name = f.target.name();
    let id = d.id(&name);
    let err = d.error(&name);
    let described = err.map(|_| format!("{id}-err"));
    let def = match &f.target {
        Target::Custom(k) => match d.defs.iter().find(|x| &x.key == k) {
            Some(def) => Some(def),
            // A custom field deleted since the form was built: nothing to fill.
            None => return html! {},
        },
        _ => None,
    };
    let label = html! {
        (f.label)
        @if f.required { " " abbr class="vf-req" title=(p.required_mark) { "*" } }
    };
    let problem = html! {
        @if let Some(e) = err { span class="vf-error" id={ (id) "-err" } { (e) } }
    };
    // Boxes (a yes/no field, several choices) are labelled by their group.
    if let Some(def) =
        def.filter(|d| matches!(d.field_type, FieldType::Boolean | FieldType::MultiSelect))
    {
        let chosen = d.all(&name);
        return html! {
            fieldset class="vf-field vf-choices" aria-describedby=[described.as_deref()] {
                legend { (label) }
                @if def.field_type == FieldType::Boolean {
                    label { input type="checkbox" name=(name) value="on" checked[chosen.iter().any(|v| ticked(v))]; " " (p.yes) }
                } @else {
                    @for o in &def.options {
                        label { input type="checkbox" name=(name) value=(o) checked[chosen.contains(&o.as_str())]; " " (o) }
                    }
                }
                (problem)
            }
        };
    }
    let value = d.value(&name);
    let input = match (&f.target, def) {
        (Target::Attribute(Attribute::Message), _) | (Target::Question(_), _) => html! {
            textarea id=(id) name=(name) rows=(if f.target.name() == "message" { 5 } else { 3 }) required[f.required]
                aria-invalid=[err.map(|_| "true")] aria-describedby=[described.as_deref()] { (value) }
        },
        (Target::Attribute(Attribute::Language), _) => html! {
            select id=(id) name=(name) aria-invalid=[err.map(|_| "true")] aria-describedby=[described.as_deref()] {
                option value="" { (p.choose) }
                @for (code, native) in LANGUAGES { option value=(code) selected[value == code] lang=(code) { (native) } }
            }
        },
        (_, Some(def)) if def.field_type == FieldType::Select => html! {
            select id=(id) name=(name) aria-invalid=[err.map(|_| "true")] aria-describedby=[described.as_deref()] {
                option value="" { (p.choose) }
                @for o in &def.options { option value=(o) selected[value == o] { (o) } }
            }
        },
        (target, def) => {
            let (kind, auto, mode) = input_kind(target, def);
            html! {
                input id=(id) type=(kind) name=(name) value=(value) autocomplete=[auto] inputmode=[mode]
                    required[f.required] aria-invalid=[err.map(|_| "true")] aria-describedby=[described.as_deref()];
            }
        }
    };
    html! {
        p class="vf-field" {
            label for=(id) { (label) }
            (input)
            (problem)
        }
    }
}

/// An input's type, autocomplete hint and input mode.
fn input_kind(
    target: &Target,
    def: Option<&FieldDef>,
) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    match (target, def.map(|d| d.field_type)) {
        (Target::Attribute(Attribute::Email), _) => ("email", Some("email"), None),
        (Target::Attribute(Attribute::Phone), _) => ("tel", Some("tel"), None),
        (Target::Attribute(Attribute::GivenName), _) => ("text", Some("given-name"), None),
        (Target::Attribute(Attribute::FamilyName), _) => ("text", Some("family-name"), None),
        (Target::Attribute(Attribute::Organization), _) => ("text", Some("organization"), None),
        // Decimal commas are common: a text input that brings up the number pad.
        (_, Some(FieldType::Number | FieldType::Money)) => ("text", None, Some("decimal")),
        (_, Some(FieldType::Date)) => ("date", None, None),
        (_, Some(FieldType::Url)) => ("url", Some("url"), None),
        _ => ("text", None, None),
    }
}

/// The snippet to paste on another site: the form, then the optional script.
pub fn snippet(form: &Form, defs: &[FieldDef], base: &str) -> String {
    let action = format!("{base}/f/{}", form.slug);
    let markup = self::form(&Drawing {
        form,
        defs,
        action: &action,
        values: None,
        errors: &[],
        submission_id: None,
        embed: true,
    })
    .into_string();
    // One element per line: readable when pasted.
    let mut out = String::new();
    for (i, part) in markup.split("<p ").enumerate() {
        if i > 0 {
            out.push_str("\n  <p ");
        }
        out.push_str(part);
    }
    let out = out
        .replace("<div class=\"vf-hp\"", "\n  <div class=\"vf-hp\"")
        .replace("<input type=\"hidden\"", "\n  <input type=\"hidden\"")
        .replace("</form>", "\n</form>");
    format!(
        "{out}\n<script src=\"{base}/assets/forms.js?v={}\" defer></script>",
        crate::pages::ASSET_VERSION
    )
}
