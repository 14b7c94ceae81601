use super::*;

fn def(t: &str, options: &[&str]) -> FieldDef {
    FieldDefDraft {
        label: Some("Campo".into()),
        field_type: Some(t.into()),
        options: Some(options.iter().map(|o| o.to_string()).collect()),
        ..FieldDefDraft::default()
    }
    .validate()
    .expect("valid definition")
}

#[test]
fn a_key_is_made_from_the_label_without_accents() {
    assert_eq!(
        key_from_label("Valor del contrato (€)"),
        "valor_del_contrato_eur"
    );
    assert_eq!(key_from_label("¿Cliente VIP?"), "cliente_vip");
    assert_eq!(key_from_label("2º contacto"), "f_2o_contacto");
}

#[test]
fn a_definition_reports_every_problem() {
    let issues = FieldDefDraft {
        key: Some("Bad Key".into()),
        field_type: Some("colour".into()),
        currency: Some("EUR".into()),
        ..FieldDefDraft::default()
    }
    .validate()
    .expect_err("invalid");
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, vec!["label", "key", "field_type", "currency"]);
    let no_options = FieldDefDraft {
        label: Some("Plan".into()),
        field_type: Some("select".into()),
        ..FieldDefDraft::default()
    }
    .validate()
    .expect_err("a select needs options");
    assert_eq!(no_options[0].field, "options");
    let repeated = check_options(&["Oro".into(), " oro ".into()]).expect_err("repeated");
    assert_eq!(repeated.field, "options[1]");
}

#[test]
fn numbers_and_money_read_the_way_spreadsheets_write_them() {
    for (typed, n) in [
        ("1250.5", 1250.5),
        ("1.250,50", 1250.5),
        ("1,250.50", 1250.5),
        ("1 250,5 €", 1250.5),
        ("EUR 12", 12.0),
        ("-3,5", -3.5),
        ("1.250.000", 1_250_000.0),
        ("1,250", 1250.0),
        ("12,5", 12.5),
    ] {
        assert_eq!(read_number(typed), Some(n), "{typed}");
    }
    for bad in ["", "abc", "12abc", "2026-01-31", "--"] {
        assert_eq!(read_number(bad), None, "{bad}");
    }
    let money = def("money", &[]);
    assert_eq!(money.currency.as_deref(), Some("EUR"));
    let v = money.read_text("1.250,50 €").expect("ok").expect("some");
    assert_eq!(v, FieldValue::Money(125_050));
    assert_eq!(money.to_text(&v), "1250.50");
    assert_eq!(
        money.to_json(&v),
        json!({"amount": 125050, "currency": "EUR"})
    );
    assert_eq!(
        money.read(&json!({"amount": 5, "currency": "EUR"})),
        Ok(Some(FieldValue::Money(5)))
    );
    assert!(money
        .read(&json!({"amount": 5, "currency": "USD"}))
        .is_err());
    assert_eq!(money.read(&json!(-0.5)), Ok(Some(FieldValue::Money(-50))));
    assert_eq!(money.to_text(&FieldValue::Money(-50)), "-0.50");
}

#[test]
fn every_type_reads_back_what_it_writes() {
    let cases: [(&str, &[&str], &str); 8] = [
        ("text", &[], "Cliente desde 2019"),
        ("number", &[], "42.5"),
        ("money", &[], "99.90"),
        ("date", &[], "2026-01-31"),
        ("boolean", &[], "yes"),
        ("select", &["Oro", "Plata"], "Plata"),
        (
            "multi_select",
            &["Web", "Tienda", "Teléfono"],
            "Web; Teléfono",
        ),
        ("url", &[], "https://acme.es/x"),
    ];
    for (t, options, text) in cases {
        let d = def(t, options);
        let v = d.read_text(text).expect("reads").expect("some");
        assert_eq!(d.to_text(&v), text, "{t}");
        assert_eq!(d.read(&d.to_json(&v)), Ok(Some(v)), "{t} through JSON");
    }
}

#[test]
fn forgiving_spellings_land_on_the_canonical_value() {
    let date = def("date", &[]);
    assert_eq!(
        date.read_text("31/01/2026"),
        Ok(Some(FieldValue::Date(time::macros::date!(2026 - 01 - 31))))
    );
    assert!(date.read_text("31/02/2026").is_err());
    let b = def("boolean", &[]);
    assert_eq!(b.read_text("Sí"), Ok(Some(FieldValue::Boolean(true))));
    assert_eq!(b.read_text("no"), Ok(Some(FieldValue::Boolean(false))));
    assert!(b.read_text("quizás").is_err());
    let s = def("select", &["Oro", "Plata"]);
    assert_eq!(
        s.read_text(" oro "),
        Ok(Some(FieldValue::Select("Oro".into())))
    );
    let err = s.read_text("Bronce").expect_err("not an option");
    assert!(err.to_string().contains("Oro, Plata"), "{err}");
    assert_eq!(err.code(), "not_a_choice");
    let m = def("multi_select", &["Web", "Tienda"]);
    assert_eq!(
        m.read(&json!(["tienda", "Web", "web"])),
        Ok(Some(FieldValue::Multi(vec!["Web".into(), "Tienda".into()]))),
        "in the field's order, once each"
    );
    let u = def("url", &[]);
    assert_eq!(
        u.read_text("acme.es"),
        Ok(Some(FieldValue::Url("https://acme.es".into())))
    );
    assert!(u.read_text("javascript:alert(1)").is_err());
    assert!(u.read_text("not a url").is_err());
    assert_eq!(u.read(&json!("")), Ok(None), "blank clears");
    assert!(def("number", &[]).read(&json!(true)).is_err());
}

#[test]
fn filters_read_their_value_as_the_field_does() {
    let money = def("money", &[]);
    let q = FieldQuery::parse("cf.campo.min", "1000").expect("a field query");
    assert_eq!(q.op, QueryOp::Min);
    assert_eq!(q.condition(&money), Ok(Condition::NumberMin(100_000.0)));
    let m = def("multi_select", &["Web", "Tienda"]);
    let q = FieldQuery::parse("cf.campo", "TIENDA").expect("query");
    assert_eq!(q.condition(&m), Ok(Condition::Has("tienda".into())));
    let q = FieldQuery::parse("cf.campo.empty", "true").expect("query");
    assert_eq!(q.condition(&m), Ok(Condition::Empty(true)));
    assert!(FieldQuery::parse("stage", "x").is_none());
    let idx = m.index(&FieldValue::Multi(vec!["Web".into(), "Tienda".into()]));
    assert_eq!(idx.folded.as_deref(), Some("|web|tienda|"));
}
