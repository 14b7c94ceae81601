//! Value tiers: by spend (purchases of the last twelve months against the workspace's
//! thresholds) and by a single-select field; the settings' validation; the tier in the 360
//! view, on the customer's page and on the screen pop's card; on both backends.
use crate::interactions::{admin, get, post};
use crate::json;
use crate::telephony::{agent, event, hear, EVENTS};
use rstest::rstest;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use vinculo_testkit::{Backend, TestApp};

const SETTINGS: &str = "/api/v1/settings/customers";

async fn patch(t: &TestApp, c: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
    let r = c
        .patch(t.url(path))
        .json(&body)
        .send()
        .await
        .expect("patch");
    let status = r.status().as_u16();
    (status, json(r).await)
}

/// Now minus `days`, as RFC 3339.
fn ago(days: i64) -> String {
    (OffsetDateTime::now_utc() - Duration::days(days))
        .format(&Rfc3339)
        .expect("time")
}

fn purchase(email: &str, days_ago: i64, attributes: Value) -> Value {
    json!({"channel": "point_of_sale", "type": "purchase", "occurred_at": ago(days_ago),
           "attributes": attributes, "customer": {"email": email}})
}

fn eur(cents: i64) -> Value {
    json!({"total_cents": cents, "currency": "EUR"})
}

/// The customers of a batch, by the e-mail they were ingested with.
async fn ingest(t: &TestApp, c: &reqwest::Client, interactions: Vec<Value>) -> Vec<String> {
    let emails: Vec<String> = interactions
        .iter()
        .map(|i| {
            i["customer"]["email"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let (s, out) = post(
        t,
        c,
        "/api/v1/interactions:batch",
        json!({"interactions": interactions}),
    )
    .await;
    assert_eq!((s, out["rejected"].as_u64()), (200, Some(0)), "{out}");
    let mut ids: Vec<(String, String)> = Vec::new();
    for (e, r) in emails
        .iter()
        .zip(out["results"].as_array().into_iter().flatten())
    {
        let id = r["customer_id"].as_str().unwrap_or_default().to_owned();
        if !ids.iter().any(|(x, _)| x == e) {
            ids.push((e.clone(), id));
        }
    }
    ids.into_iter().map(|(_, id)| id).collect()
}

async fn tier(t: &TestApp, c: &reqwest::Client, id: &str) -> Value {
    let (s, v) = get(t, c, &format!("/api/v1/customers/{id}/360")).await;
    assert_eq!(s, 200, "{v}");
    v["value_tier"].clone()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_tier_by_spend_is_reached_at_its_minimum_and_counts_only_the_last_twelve_months(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, set) = patch(
        &t,
        &c,
        SETTINGS,
        json!({"value_tiers": [{"name": "Oro", "min_spend_cents": 100_000},
                               {"name": "Plata", "min_spend_cents": 30_000}]}),
    )
    .await;
    assert_eq!(s, 200, "{set}");
    assert_eq!(
        set["value_tier_basis"], "spend",
        "spend is the default basis"
    );
    assert_eq!(set["currency"], "EUR");
    assert_eq!(set["value_tiers"][1]["name"], "Plata");

    let ids = ingest(
        &t,
        &c,
        vec![
            // Exactly Oro's minimum, in two purchases (one eleven months ago).
            purchase("oro@example.es", 2, eur(60_000)),
            purchase("oro@example.es", 335, eur(40_000)),
            // A cent short of Oro.
            purchase("plata@example.es", 10, eur(99_999)),
            // A cent short of Plata: no tier.
            purchase("nada@example.es", 10, eur(29_999)),
            // Thirteen months ago does not count, nor another currency, nor a total as text
            // or with decimals, nor a return: only the 30,000 of this year, with no currency
            // (the workspace's).
            purchase("antes@example.es", 395, eur(500_000)),
            purchase("antes@example.es", 30, json!({"total_cents": 30_000})),
            purchase(
                "antes@example.es",
                30,
                json!({"total_cents": 90_000, "currency": "USD"}),
            ),
            purchase(
                "antes@example.es",
                30,
                json!({"total_cents": "90000", "currency": "EUR"}),
            ),
            purchase("antes@example.es", 30, json!({"total_cents": 900.5})),
            json!({"channel": "point_of_sale", "type": "return", "occurred_at": ago(20),
                   "attributes": eur(90_000), "customer": {"email": "antes@example.es"}}),
        ],
    )
    .await;
    let [oro, plata, nada, antes] = ids.as_slice() else {
        panic!("four customers: {ids:?}");
    };
    let v = tier(&t, &c, oro).await;
    assert_eq!(
        v,
        json!({"name": "Oro", "basis": "spend", "spend_12m_cents": 100_000, "currency": "EUR"})
    );
    let v = tier(&t, &c, plata).await;
    assert_eq!(
        (v["name"].as_str(), v["spend_12m_cents"].as_i64()),
        (Some("Plata"), Some(99_999))
    );
    let v = tier(&t, &c, nada).await;
    assert_eq!(v["name"], Value::Null, "below every minimum: {v}");
    assert_eq!(v["spend_12m_cents"], 29_999);
    let v = tier(&t, &c, antes).await;
    assert_eq!(
        (v["name"].as_str(), v["spend_12m_cents"].as_i64()),
        (Some("Plata"), Some(30_000)),
        "{v}"
    );

    // Thresholds change what is shown at once: nothing is stored per customer.
    let (s, _) = patch(
        &t,
        &c,
        SETTINGS,
        json!({"value_tiers": [{"name": "Platino", "min_spend_cents": 25_000}]}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(tier(&t, &c, nada).await["name"], "Platino");
    // In another currency, the euro purchases count no more (the one in dollars does).
    let (s, _) = patch(&t, &c, SETTINGS, json!({"currency": "usd"})).await;
    assert_eq!(s, 200);
    let v = tier(&t, &c, antes).await;
    assert_eq!(
        (v["spend_12m_cents"].as_i64(), v["currency"].as_str()),
        (Some(120_000), Some("USD")),
        "{v}"
    );
    assert_eq!(tier(&t, &c, oro).await["spend_12m_cents"], 0);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_tier_by_field_is_the_select_value_on_the_360_the_page_and_the_screen_pop(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, plan) = post(
        &t,
        &c,
        "/api/v1/settings/custom-fields",
        json!({"label": "Plan", "key": "plan", "field_type": "select", "applies_to": "both",
               "options": ["Oro", "Plata", "Bronce"]}),
    )
    .await;
    assert_eq!(s, 201, "{plan}");
    let (s, rosa) = post(
        &t,
        &c,
        "/api/v1/customers",
        json!({"given_name": "Rosa", "family_name": "Díaz", "phones": [{"value": "612 34 56 78"}],
               "custom_fields": {"plan": "Oro"}}),
    )
    .await;
    assert_eq!(s, 201, "{rosa}");
    let rosa = rosa["id"].as_str().unwrap_or_default().to_owned();
    let (_, luis) = post(
        &t,
        &c,
        "/api/v1/customers",
        json!({"given_name": "Luis", "family_name": "Gil"}),
    )
    .await;
    let luis = luis["id"].as_str().unwrap_or_default().to_owned();
    // Spend does not make the tier by field, but it is still given.
    let bought = json!({"channel": "web", "type": "purchase", "occurred_at": ago(3),
                        "attributes": eur(1_234), "customer": {"phone": "+34612345678"}});
    let (s, out) = post(&t, &c, "/api/v1/interactions", bought).await;
    assert_eq!(
        (s, out["customer_id"].as_str()),
        (201, Some(rosa.as_str())),
        "{out}"
    );

    let (s, set) = patch(
        &t,
        &c,
        SETTINGS,
        json!({"value_tier_basis": "field", "value_tier_field": "plan"}),
    )
    .await;
    assert_eq!(s, 200, "{set}");
    assert_eq!(
        (
            set["value_tier_basis"].as_str(),
            set["value_tier_field"].as_str()
        ),
        (Some("field"), Some("plan"))
    );
    let v = tier(&t, &c, &rosa).await;
    assert_eq!(
        v,
        json!({"name": "Oro", "basis": "field", "spend_12m_cents": 1_234, "currency": "EUR"})
    );
    assert_eq!(tier(&t, &c, &luis).await["name"], Value::Null);

    // The customer's page shows it next to the stage; one without a plan shows none.
    let (page, _) = t.login("ana@acme.test").await;
    let html = |id: String| {
        let page = page.clone();
        let url = t.url(&format!("/customers/{id}"));
        async move {
            page.get(url)
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html")
        }
    };
    let shown = html(rosa.clone()).await;
    assert!(
        shown.contains(r#"class="badge tier""#) && shown.contains(r#"data-tier="Oro""#),
        "{shown}"
    );
    assert!(
        shown.contains("<span class=\"visually-hidden\">Value tier: </span>Oro"),
        "a screen reader hears what it is: {shown}"
    );
    assert!(!html(luis.clone()).await.contains("badge tier"));

    // The screen pop's card too.
    let mut agent = agent(&t, &c, "marta@acme.test", "201").await;
    let (s, out) = post(&t, &c, EVENTS, event("ringing", "t-1", "612345678", "201")).await;
    assert_eq!(
        (s, out["customer_id"].as_str()),
        (200, Some(rosa.as_str())),
        "{out}"
    );
    let card = hear(&mut agent, "event: card").await;
    assert!(card.contains(r#"data-tier="Oro""#), "{card}");

    // The field cannot go while the tiers are read from it.
    let plan_id = plan["id"].as_str().unwrap_or_default();
    let r = c
        .delete(t.url(&format!("/api/v1/settings/custom-fields/{plan_id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 422);
    let problem = json(r).await;
    assert_eq!(problem["errors"][0]["code"], "field_in_use", "{problem}");
    assert_eq!(tier(&t, &c, &rosa).await["name"], "Oro");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bad_tier_settings_are_named_field_by_field_and_change_nothing(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    post(
        &t,
        &c,
        "/api/v1/settings/custom-fields",
        json!({"label": "Notas", "key": "notas", "field_type": "text"}),
    )
    .await;
    let (_, before) = get(&t, &c, SETTINGS).await;
    let cases = [
        (
            json!({"value_tiers": [{"name": "Oro", "min_spend_cents": 50_000},
                                   {"name": "Plata", "min_spend_cents": 50_000}]}),
            vec![("value_tiers[1].min_spend_cents", "tiers_not_decreasing")],
        ),
        (
            json!({"value_tiers": [{"name": "Oro", "min_spend_cents": 50_000},
                                   {"name": " oro", "min_spend_cents": 100}]}),
            vec![("value_tiers[1].name", "repeated_option")],
        ),
        (
            json!({"value_tiers": [{"name": " ", "min_spend_cents": 0}]}),
            vec![
                ("value_tiers[0].name", "required"),
                ("value_tiers[0].min_spend_cents", "not_positive"),
            ],
        ),
        (
            json!({"value_tier_basis": "vip"}),
            vec![("value_tier_basis", "not_one_of")],
        ),
        (
            json!({"value_tier_basis": "field"}),
            vec![("value_tier_field", "required")],
        ),
        (
            json!({"value_tier_basis": "field", "value_tier_field": "plan"}),
            vec![("value_tier_field", "unknown_field")],
        ),
        (
            json!({"value_tier_field": "notas"}),
            vec![("value_tier_field", "not_a_select")],
        ),
        (
            json!({"currency": "EURO"}),
            vec![("currency", "invalid_currency")],
        ),
    ];
    for (body, want) in cases {
        let (s, p) = patch(&t, &c, SETTINGS, body.clone()).await;
        assert_eq!(s, 422, "{body} → {p}");
        let got: Vec<(String, String)> = p["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
                (s("field"), s("code"))
            })
            .collect();
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(f, c)| (f.to_owned(), c.to_owned()))
            .collect();
        assert_eq!(got, want, "{body} → {p}");
    }
    let (s, p) = patch(
        &t,
        &c,
        SETTINGS,
        json!({"value_tiers": [{"name": "Oro", "minimum": 5}]}),
    )
    .await;
    assert_eq!(s, 422, "an unknown key is refused by name: {p}");
    let (_, after) = get(&t, &c, SETTINGS).await;
    assert_eq!(after, before, "nothing changed");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn the_settings_page_sets_tiers_in_major_units_and_says_what_is_wrong_in_each_language(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (ui, csrf) = t.login("ana@acme.test").await;
    let page = ui
        .get(t.url("/settings/customers"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains(r#"name="tier_name_0""#), "{page}");
    assert!(
        page.contains(r#"name="value_tier_basis" value="spend""#),
        "{page}"
    );
    let send = |rows: [(&'static str, &'static str); 4]| {
        let mut form = vec![
            ("_csrf", csrf.as_str()),
            ("stages", "prospect\nlead\ncustomer\ninactive\nchurned"),
            ("default_country", "ES"),
            ("attach_new_keys", "true"),
            ("auto_merge_above", ""),
            ("value_tier_basis", "spend"),
            ("value_tier_field", ""),
            ("currency", "EUR"),
        ];
        form.extend(rows);
        ui.post(t.url("/settings/customers")).form(&form).send()
    };
    let r = send([
        ("tier_name_0", "Oro"),
        ("tier_min_0", "1000"),
        ("tier_name_1", "Plata"),
        ("tier_min_1", "300,50"),
    ])
    .await
    .expect("form");
    assert_eq!(r.status(), 303);
    let (_, s) = get(&t, &c, SETTINGS).await;
    assert_eq!(
        s["value_tiers"],
        json!([{"name": "Oro", "min_spend_cents": 100_000},
               {"name": "Plata", "min_spend_cents": 30_050}])
    );
    let page = ui
        .get(t.url("/settings/customers"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains(r#"value="300.50""#),
        "read back as typed: {page}"
    );

    let r = send([
        ("tier_name_0", "Oro"),
        ("tier_min_0", "100"),
        ("tier_name_1", "Plata"),
        ("tier_min_1", "mucho"),
    ])
    .await
    .expect("form");
    assert_eq!(r.status(), 422);
    let body = r.text().await.expect("body");
    assert!(
        body.contains("Tier 2, minimum spend: &quot;mucho&quot; is not an amount"),
        "{body}"
    );
    let r = ui
        .post(t.url("/account/language"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("locale", "es"),
            ("next", "/settings/customers"),
        ])
        .send()
        .await
        .expect("language");
    assert_eq!(r.status(), 303);
    let r = send([
        ("tier_name_0", "Oro"),
        ("tier_min_0", "100"),
        ("tier_name_1", "Plata"),
        ("tier_min_1", "200"),
    ])
    .await
    .expect("form");
    assert_eq!(r.status(), 422);
    let body = r.text().await.expect("body");
    assert!(
        body.contains("Nivel 2, gasto mínimo: debe ser menor que el mínimo de «Oro»"),
        "{body}"
    );
    assert!(
        body.contains(r#"value="200""#),
        "the form keeps what was typed"
    );
    let (_, same) = get(&t, &c, SETTINGS).await;
    assert_eq!(same["value_tiers"], s["value_tiers"], "nothing changed");
}

#[tokio::test]
async fn the_openapi_document_describes_the_value_tier_and_its_settings() {
    let Some(t) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let doc = json(
        reqwest::get(t.url("/api/v1/openapi.json"))
            .await
            .expect("openapi"),
    )
    .await;
    let schemas = &doc["components"]["schemas"];
    let props = |name: &str| schemas[name]["properties"].clone();
    assert!(
        props("ValueTierOut")["spend_12m_cents"].is_object(),
        "{schemas}"
    );
    assert!(props("Customer360Out")["value_tier"].is_object());
    for field in [
        "value_tier_basis",
        "value_tiers",
        "value_tier_field",
        "currency",
    ] {
        assert!(props("CustomerSettingsIn")[field].is_object(), "{field}");
        assert!(props("CustomerSettingsOut")[field].is_object(), "{field}");
    }
    assert!(props("TierThresholdIn")["min_spend_cents"].is_object());
}
