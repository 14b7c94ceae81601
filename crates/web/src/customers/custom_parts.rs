//! Custom fields on the person and organisation pages: the inputs of each type, reading them
//! back from the submitted form, and showing the values. Inputs are named `cf.KEY`; a multi
//! select's checkboxes `cf.KEY[]`, with an empty hidden one so that unticking every box clears
//! the field. Every field the form shows is sent, so a blank input clears its field.
use crate::i18n::Msg;
use maud::{html, Markup};
use serde_json::Value;
use std::collections::BTreeMap;
use vinculo_domain::customers::custom::{FieldDef, FieldType};
use vinculo_domain::customers::Kind;
use vinculo_store::customers::CustomerRecord;

/// The custom inputs as submitted: key (with `[]` for multi selects) → the texts sent.
pub type CustomForm = BTreeMap<String, Vec<String>>;

/// The `cf.` pairs of a form body.
pub fn read_form(body: &[u8]) -> CustomForm {
    let mut out = CustomForm::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        if let Some(key) = k.strip_prefix("cf.") {
            out.entry(key.to_owned()).or_default().push(v.into_owned());
        }
    }
    out
}

/// The draft's `custom_fields` from what the form sent.
pub fn drafted(form: &CustomForm) -> BTreeMap<String, Value> {
    form.iter()
        .map(|(k, values)| match k.strip_suffix("[]") {
            Some(key) => (
                key.to_owned(),
                Value::Array(
                    values
                        .iter()
                        .filter(|v| !v.trim().is_empty())
                        .map(|v| Value::String(v.clone()))
                        .collect(),
                ),
            ),
            None => (
                k.clone(),
                Value::String(values.last().cloned().unwrap_or_default()),
            ),
        })
        .collect()
}

/// A stored customer's values as the form holds them.
pub fn form_of(defs: &[FieldDef], c: &CustomerRecord) -> CustomForm {
    let mut out = CustomForm::new();
    for d in defs {
        if let Some(v) = c.custom.get(&d.key) {
            let name = if d.field_type == FieldType::MultiSelect {
                format!("{}[]", d.key)
            } else {
                d.key.clone()
            };
            out.insert(name, d.texts(v));
        }
    }
    out
}

fn label(d: &FieldDef) -> String {
    match (&d.currency, d.field_type) {
        (Some(c), FieldType::Money) => format!("{} ({c})", d.label),
        _ => d.label.clone(),
    }
}

/// The inputs of the fields that apply to `kind`, filled from `form`.
pub fn inputs(m: &Msg, defs: &[FieldDef], kind: Kind, form: &CustomForm) -> Markup {
    let fields: Vec<&FieldDef> = defs
        .iter()
        .filter(|d| d.applies_to.includes(kind))
        .collect();
    if fields.is_empty() {
        return html! {};
    }
    let one = |d: &FieldDef| {
        form.get(&d.key)
            .and_then(|v| v.last())
            .cloned()
            .unwrap_or_default()
    };
    html! {
        fieldset class="custom-fields" {
            legend { (m.custom_fields) }
            div class="row wrap" {
                @for d in fields {
                    @let name = format!("cf.{}", d.key);
                    @match d.field_type {
                        FieldType::MultiSelect => {
                            @let ticked = form.get(&format!("{}[]", d.key)).cloned().unwrap_or_default();
                            fieldset class="choices" {
                                legend { (d.label) }
                                input type="hidden" name={ (name) "[]" } value="";
                                @for o in &d.options {
                                    label class="check" { input type="checkbox" name={ (name) "[]" } value=(o) checked[ticked.contains(o)]; (o) }
                                }
                            }
                        }
                        FieldType::Select => {
                            label { (d.label)
                                select name=(name) {
                                    option value="" { "—" }
                                    @for o in &d.options { option value=(o) selected[one(d) == *o] { (o) } }
                                }
                            }
                        }
                        FieldType::Boolean => {
                            label { (d.label)
                                select name=(name) {
                                    option value="" { "—" }
                                    option value="yes" selected[one(d) == "yes"] { (m.yes) }
                                    option value="no" selected[one(d) == "no"] { (m.no) }
                                }
                            }
                        }
                        FieldType::Date => {
                            label { (d.label) input type="date" name=(name) value=(one(d)); }
                        }
                        FieldType::Number | FieldType::Money => {
                            label { (label(d)) input type="text" inputmode="decimal" name=(name) value=(one(d)) size="12" autocomplete="off"; }
                        }
                        FieldType::Url => {
                            label { (d.label) input type="text" inputmode="url" name=(name) value=(one(d)) maxlength="2000" autocomplete="off" placeholder="https://"; }
                        }
                        FieldType::Text => {
                            label { (d.label) input type="text" name=(name) value=(one(d)) maxlength="2000" autocomplete="off"; }
                        }
                    }
                }
            }
        }
    }
}

/// A customer's value of one field as text (a list's cell).
pub fn value_text(d: &FieldDef, c: &CustomerRecord) -> String {
    c.custom
        .get(&d.key)
        .map(|v| d.texts(v).join(", "))
        .unwrap_or_default()
}

/// The values a customer has, for reading (`dt`/`dd` pairs).
pub fn shown(m: &Msg, defs: &[FieldDef], c: &CustomerRecord) -> Markup {
    html! {
        @for d in defs {
            @if let Some(v) = c.custom.get(&d.key) {
                dt { (label(d)) }
                dd {
                    @match (d.field_type, d.read(v)) {
                        (FieldType::Url, Ok(Some(value))) => {
                            @let url = d.to_text(&value);
                            a href=(url) rel="noopener noreferrer nofollow" target="_blank" { (url) }
                        }
                        (FieldType::Boolean, Ok(Some(vinculo_domain::customers::custom::FieldValue::Boolean(b)))) => {
                            (if b { m.yes } else { m.no })
                        }
                        _ => { (d.texts(v).join(", ")) }
                    }
                }
            }
        }
    }
}

/// A page form `T` with its custom field inputs: axum's `Form` reads each name once, and a
/// multi select sends its name once per ticked box.
pub struct WithCustom<T>(pub T, pub CustomForm);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S>
    for WithCustom<T>
{
    type Rejection = axum::response::Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let axum::extract::RawForm(body) = axum::extract::RawForm::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = serde_urlencoded::from_bytes::<T>(&body).map_err(|e| {
            (
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                format!("the form could not be read: {e}"),
            )
                .into_response()
        })?;
        Ok(WithCustom(form, read_form(&body)))
    }
}
