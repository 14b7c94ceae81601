use super::submission::Values;
use super::*;
use crate::customers::custom::{AppliesTo, FieldDef, FieldType};
use crate::customers::Problem;
use crate::identity::Region;
use serde_json::json;

fn draft(v: serde_json::Value) -> FormDraft {
    serde_json::from_value(v).expect("draft")
}

fn plan() -> FieldDef {
    FieldDef {
        id: uuid::Uuid::nil(),
        key: "plan".into(),
        label: "Plan".into(),
        field_type: FieldType::Select,
        applies_to: AppliesTo::Person,
        options: vec!["Básico".into(), "Pro".into()],
        currency: None,
    }
}

fn contact_form() -> Form {
    draft(json!({
        "name": "Contacto Web",
        "fields": [
            {"maps_to": "given_name", "label": "Nombre"},
            {"maps_to": "email", "label": "Correo", "required": true},
            {"maps_to": "phone", "label": "Teléfono"},
            {"maps_to": "custom_fields.plan", "label": "Plan"},
            {"maps_to": "question.budget", "label": "¿Presupuesto?"},
            {"maps_to": "message", "label": "Mensaje", "required": true}
        ],
        "consent": {"text": "Quiero recibir novedades", "channel": "email", "purpose": "marketing"},
        "outcome": "conversation",
        "allowed_origins": ["https://Acme.es/", "http://localhost:8080"]
    }))
    .validate(&[plan()])
    .expect("valid")
}

fn values(pairs: &[(&str, &str)]) -> Values {
    let mut v = Values::new();
    for (k, val) in pairs {
        v.entry((*k).to_owned())
            .or_default()
            .push((*val).to_owned());
    }
    v
}

#[test]
fn a_form_gets_a_slug_from_its_name_and_normalised_origins() {
    let f = contact_form();
    assert_eq!(f.slug, "contacto-web");
    assert_eq!(f.language, "es");
    assert_eq!(
        f.allowed_origins,
        vec!["https://acme.es", "http://localhost:8080"]
    );
    assert!(f.allows_origin("https://acme.es"));
    assert!(!f.allows_origin("https://evil.example"));
    assert!(f.thank_you.starts_with("Gracias"));
    assert!(matches!(f.outcome, Outcome::Conversation { .. }));
}

#[test]
fn each_bad_part_of_a_form_is_named() {
    let issues = draft(json!({
        "slug": "Not a slug!",
        "language": "fr",
        "fields": [
            {"maps_to": "shoe_size", "label": "Talla"},
            {"maps_to": "custom_fields.missing", "label": "X"},
            {"maps_to": "given_name"},
            {"maps_to": "given_name", "label": "Again"}
        ],
        "consent": {"text": "", "channel": "pigeon"},
        "outcome": "ticket",
        "allowed_origins": ["https://ok.example", "https://x.example/path", "*"],
        "redirect_url": "javascript:alert(1)"
    }))
    .validate(&[plan()])
    .expect_err("invalid");
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    for f in [
        "name",
        "slug",
        "language",
        "fields[0].maps_to",
        "fields[1].maps_to",
        "fields[2].label",
        "fields[3].maps_to",
        "consent.text",
        "consent.channel",
        "outcome",
        "allowed_origins[1]",
        "allowed_origins[2]",
        "redirect_url",
    ] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
}

#[test]
fn a_form_without_an_email_or_phone_field_is_refused() {
    let issues = draft(
        json!({"name": "Sin contacto", "fields": [{"maps_to": "message", "label": "Mensaje"}]}),
    )
    .validate(&[])
    .expect_err("invalid");
    assert_eq!(issues[0].field, "fields");
    assert_eq!(issues[0].problem, Problem::NoContactField);
}

#[test]
fn a_submission_is_checked_field_by_field() {
    let f = contact_form();
    let issues = f
        .check(
            &values(&[("email", "ana@"), ("custom_fields.plan", "Gold")]),
            &[plan()],
            Region::ES,
        )
        .expect_err("invalid");
    let named: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.field.as_str(), i.problem.code()))
        .collect();
    assert_eq!(
        named,
        vec![
            ("email", "invalid_email"),
            ("custom_fields.plan", "not_a_choice"),
            ("message", "required")
        ]
    );
}

#[test]
fn a_good_submission_gives_its_answers() {
    let f = contact_form();
    let a = f
        .check(
            &values(&[
                ("given_name", " Ana "),
                ("email", "Ana@Example.COM"),
                ("phone", "612 345 678"),
                ("custom_fields.plan", "pro"),
                ("question.budget", "5.000 €"),
                ("message", "Hola"),
                ("consent", "on"),
                ("utm_source", "ignored"),
            ]),
            &[plan()],
            Region::ES,
        )
        .expect("valid");
    assert_eq!(a.given_name.as_deref(), Some("Ana"));
    assert_eq!(a.email.as_deref(), Some("Ana@Example.COM"));
    assert_eq!(a.custom.get("plan"), Some(&json!("Pro")));
    assert_eq!(
        a.questions,
        vec![("budget".into(), "¿Presupuesto?".into(), "5.000 €".into())]
    );
    assert!(a.consent);
}

#[test]
fn a_form_with_only_optional_contact_fields_still_needs_one() {
    let f = draft(json!({"name": "Llamadme", "fields": [
        {"maps_to": "phone", "label": "Teléfono"}, {"maps_to": "email", "label": "Correo"}
    ]}))
    .validate(&[])
    .expect("valid");
    let issues = f.check(&values(&[]), &[], Region::ES).expect_err("nothing");
    assert_eq!(issues[0].field, "phone");
    assert_eq!(issues[0].problem, Problem::NoContact);
    assert!(f
        .check(&values(&[("phone", "+34 612 345 678")]), &[], Region::ES)
        .is_ok());
}
