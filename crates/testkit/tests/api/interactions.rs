//! Interactions: ingest one or a batch, idempotency by source event, identity resolution
//! (new prospects, keys added, merge suggestions), roles and erasure, on both backends. The
//! reads (timeline, 360 view, live page, demo history) are in `timeline`.
use crate::json;
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

pub(crate) async fn admin(t: &TestApp) -> reqwest::Client {
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.bearer(&t.token("acme", "ana@acme.test", "read,write").await)
}

pub(crate) async fn post(
    t: &TestApp,
    c: &reqwest::Client,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = c.post(t.url(path)).json(&body).send().await.expect("post");
    let status = r.status().as_u16();
    (status, json(r).await)
}

pub(crate) async fn get(t: &TestApp, c: &reqwest::Client, path: &str) -> (u16, Value) {
    let r = c.get(t.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    (status, json(r).await)
}

pub(crate) fn call(phone: &str, at: &str) -> Value {
    json!({"channel": "phone", "type": "call", "direction": "inbound", "occurred_at": at,
           "subject": "Llamada", "customer": {"phone": phone, "name": " Lucía  Pérez Gil "}})
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_unknown_caller_becomes_a_prospect_and_every_spelling_of_the_number_finds_them(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, first) = post(
        &t,
        &c,
        "/api/v1/interactions",
        call("+34 612 34 56 78", "2026-11-01T09:00:00Z"),
    )
    .await;
    assert_eq!(s, 201, "{first}");
    assert_eq!(first["status"], "created");
    assert_eq!(first["new_customer"], true);
    let customer = first["customer_id"].as_str().expect("customer").to_owned();
    let (s, second) = post(
        &t,
        &c,
        "/api/v1/interactions",
        call("0034612345678", "2026-11-02T09:00:00.250Z"),
    )
    .await;
    assert_eq!(s, 201, "{second}");
    assert_eq!(second["customer_id"], customer.as_str());
    assert_eq!(second["new_customer"], false);

    let (s, person) = get(&t, &c, &format!("/api/v1/customers/{customer}")).await;
    assert_eq!(s, 200);
    assert_eq!(person["lifecycle_stage"], "prospect");
    assert_eq!(
        (person["given_name"].clone(), person["family_name"].clone()),
        (json!("Lucía"), json!("Pérez Gil"))
    );
    assert_eq!(person["phones"][0]["normalized"], "+34612345678");
    let audit_url = format!("/api/v1/audit-log?entity_type=customer&entity_id={customer}");
    let (_, audit) = get(&t, &c, &audit_url).await;
    assert_eq!(audit["data"].as_array().map(Vec::len), Some(1), "{audit}");
    assert_eq!(audit["data"][0]["action"], "create", "{audit}");

    let (s, tl) = get(
        &t,
        &c,
        &format!("/api/v1/customers/{customer}/interactions"),
    )
    .await;
    assert_eq!(s, 200, "{tl}");
    let items = tl["data"].as_array().expect("data");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], second["id"], "newest first");
    assert_eq!(items[0]["occurred_at"], "2026-11-02T09:00:00.25Z");
    assert_eq!(items[1]["keys"], json!(["phone:+34612345678"]));
    assert!(items[1]["recorded_by"]
        .as_str()
        .is_some_and(|r| r.starts_with("token:")));

    let (s, one) = get(
        &t,
        &c,
        &format!(
            "/api/v1/interactions/{}",
            first["id"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(one["channel"], "phone");
    assert_eq!(one["type"], "call");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_retried_delivery_is_answered_with_the_stored_interaction_never_a_second_one(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let mut body = call("612 00 00 01", "2026-11-01T09:00:00Z");
    body["source"] = json!("Asterisk");
    body["source_event_id"] = json!("call-77");
    let (s, a) = post(&t, &c, "/api/v1/interactions", body.clone()).await;
    assert_eq!(s, 201);
    let (s, b) = post(&t, &c, "/api/v1/interactions", body.clone()).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], "duplicate");
    assert_eq!(b["id"], a["id"]);
    // The same event twice in one batch, and once more: one interaction in all.
    let (s, batch) = post(
        &t,
        &c,
        "/api/v1/interactions:batch",
        json!({"interactions": [body, body]}),
    )
    .await;
    assert_eq!(s, 200, "{batch}");
    assert_eq!(batch["duplicates"], 2);
    let customer = a["customer_id"].as_str().unwrap_or_default();
    let (_, tl) = get(
        &t,
        &c,
        &format!("/api/v1/customers/{customer}/interactions"),
    )
    .await;
    assert_eq!(tl["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(tl["data"][0]["source"], "asterisk");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bad_interactions_are_refused_field_by_field_and_nothing_is_stored(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let cases = [
        (
            json!({"channel": "pigeon", "type": "call", "customer": {"email": "a@b.es"}}),
            "channel",
            "not_one_of",
        ),
        (
            json!({"channel": "phone", "type": "gossip", "customer": {"email": "a@b.es"}}),
            "type",
            "not_one_of",
        ),
        (
            json!({"channel": "phone", "type": "call", "customer": {}}),
            "customer",
            "no_identity",
        ),
        (
            json!({"channel": "phone", "type": "call", "customer": {"email": "ana@"}}),
            "customer.email",
            "invalid_email",
        ),
        (
            json!({"channel": "phone", "type": "call", "occurred_at": "2999-01-01T00:00:00Z", "customer": {"email": "a@b.es"}}),
            "occurred_at",
            "in_the_future",
        ),
        (
            json!({"channel": "phone", "type": "call", "occurred_at": "ayer", "customer": {"email": "a@b.es"}}),
            "occurred_at",
            "invalid_time",
        ),
        (
            json!({"channel": "phone", "type": "call", "attributes": [1], "customer": {"email": "a@b.es"}}),
            "attributes",
            "not_an_object",
        ),
        (
            json!({"channel": "phone", "type": "call", "customer": {"id": "0190a000-0000-7000-8000-000000000000"}}),
            "customer.id",
            "no_such_customer",
        ),
    ];
    for (body, field, code) in cases {
        let (s, p) = post(&t, &c, "/api/v1/interactions", body.clone()).await;
        assert_eq!(s, 422, "{body} → {p}");
        assert_eq!(p["errors"][0]["field"], field, "{p}");
        assert_eq!(p["errors"][0]["code"], code, "{p}");
    }
    let (s, p) = post(
        &t,
        &c,
        "/api/v1/interactions",
        json!({"chanel": "phone", "type": "call", "customer": {"email": "a@b.es"}}),
    )
    .await;
    assert_eq!(s, 422, "{p}");
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("chanel")),
        "{p}"
    );
    let (_, list) = get(&t, &c, "/api/v1/customers").await;
    assert_eq!(
        list["data"].as_array().map(Vec::len),
        Some(0),
        "no prospect left behind"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_batch_stores_the_good_ones_and_names_the_bad_ones_by_position(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let batch = json!({"interactions": [
        {"channel": "email", "type": "message", "subject": "Factura", "customer": {"email": "Luis@Example.es"}},
        {"channel": "email", "kind": "message", "customer": {"email": "luis@example.es"}},
        {"channel": "web", "type": "page_view", "customer": {"device_id": "c00k1e"}, "occurred_at": "mañana"},
        {"channel": "web", "type": "page_view", "customer": {"email": "luis@example.es", "device_id": "c00k1e"}},
    ]});
    let (s, out) = post(&t, &c, "/api/v1/interactions:batch", batch).await;
    assert_eq!(s, 200, "{out}");
    assert_eq!(
        (out["created"].clone(), out["rejected"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(out["results"][1]["errors"][0]["field"], "interactions[1]");
    assert_eq!(
        out["results"][2]["errors"][0]["field"],
        "interactions[2].occurred_at"
    );
    // The page view seen with Luis's e-mail gave him the cookie id.
    assert_eq!(
        out["results"][3]["customer_id"],
        out["results"][0]["customer_id"]
    );
    let id = out["results"][0]["customer_id"]
        .as_str()
        .unwrap_or_default();
    let (_, luis) = get(&t, &c, &format!("/api/v1/customers/{id}")).await;
    assert_eq!(luis["external_ids"], json!(["device:c00k1e"]));

    let many: Vec<Value> = (0..1001).map(|_| json!({})).collect();
    let (s, p) = post(
        &t,
        &c,
        "/api/v1/interactions:batch",
        json!({"interactions": many}),
    )
    .await;
    assert_eq!(s, 422, "{p}");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn keys_of_two_customers_go_to_the_stronger_match_and_raise_a_merge_suggestion(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (_, by_mail) = post(
        &t,
        &c,
        "/api/v1/customers",
        json!({"given_name": "Marta", "emails": [{"value": "marta@example.es"}]}),
    )
    .await;
    let (_, by_phone) = post(
        &t,
        &c,
        "/api/v1/customers",
        json!({"given_name": "M.", "phones": [{"value": "612 99 88 77"}]}),
    )
    .await;
    let body = json!({"channel": "chat", "type": "message", "customer": {"email": "marta@example.es", "phone": "612998877"}});
    let (s, out) = post(&t, &c, "/api/v1/interactions", body).await;
    assert_eq!(s, 201, "{out}");
    assert_eq!(
        out["customer_id"], by_mail["id"],
        "an e-mail outweighs a phone"
    );
    // The phone stays with its owner: a key belongs to one customer.
    let (_, phone_owner) = get(
        &t,
        &c,
        &format!(
            "/api/v1/customers/{}",
            by_phone["id"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert_eq!(phone_owner["phones"][0]["normalized"], "+34612998877");
    let (_, suggestions) = get(&t, &c, "/api/v1/merge-suggestions").await;
    let s0 = &suggestions["data"][0];
    let mut pair = [s0["customer_a"].clone(), s0["customer_b"].clone()];
    pair.sort_by_key(|v| v.to_string());
    let mut expected = [by_mail["id"].clone(), by_phone["id"].clone()];
    expected.sort_by_key(|v| v.to_string());
    assert_eq!(pair, expected, "{suggestions}");
    assert_eq!(s0["reason"], "shared_interaction");
    assert_eq!(
        s0["evidence"]["keys"],
        json!(["email:marta@example.es", "phone:+34612998877"])
    );
    let (_, marta) = get(
        &t,
        &c,
        &format!(
            "/api/v1/customers/{}",
            by_mail["id"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert_eq!(marta["phones"], json!([]));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn roles_and_scopes_limit_who_ingests_and_who_reads(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (_, made) = post(
        &t,
        &c,
        "/api/v1/interactions",
        call("612 00 00 09", "2026-11-01T09:00:00Z"),
    )
    .await;
    let customer = made["customer_id"].as_str().unwrap_or_default().to_owned();
    // A telephony integration's token needs nothing but interactions:write.
    let pbx = t.bearer(&t.token("acme", "ana@acme.test", "interactions:write").await);
    let (s, _) = post(
        &t,
        &pbx,
        "/api/v1/interactions",
        call("612 00 00 10", "2026-11-01T09:00:00Z"),
    )
    .await;
    assert_eq!(s, 201);
    let reader = t.bearer(&t.token("acme", "ana@acme.test", "customers:read").await);
    let (s, _) = post(
        &t,
        &reader,
        "/api/v1/interactions",
        call("612 00 00 11", "2026-11-01T09:00:00Z"),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = get(
        &t,
        &reader,
        &format!("/api/v1/customers/{customer}/interactions"),
    )
    .await;
    assert_eq!(s, 403);
    t.user("acme", "raul@acme.test", Role::Analyst).await;
    let analyst = t.bearer(&t.token("acme", "raul@acme.test", "read,write").await);
    let (s, _) = get(
        &t,
        &analyst,
        &format!("/api/v1/customers/{customer}/interactions"),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = post(
        &t,
        &analyst,
        "/api/v1/interactions",
        call("612 00 00 12", "2026-11-01T09:00:00Z"),
    )
    .await;
    assert_eq!(s, 403);
    // Another workspace sees none of it.
    t.user("other", "eve@other.test", Role::Admin).await;
    let eve = t.bearer(&t.token("other", "eve@other.test", "read,write").await);
    let (s, _) = get(
        &t,
        &eve,
        &format!("/api/v1/customers/{customer}/interactions"),
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = get(
        &t,
        &eve,
        &format!(
            "/api/v1/interactions/{}",
            made["id"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert_eq!(s, 404);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn erasing_a_customer_erases_their_interactions(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (_, made) = post(
        &t,
        &c,
        "/api/v1/interactions",
        call("612 00 00 13", "2026-11-01T09:00:00Z"),
    )
    .await;
    let customer = made["customer_id"].as_str().unwrap_or_default();
    let r = c
        .delete(t.url(&format!("/api/v1/customers/{customer}")))
        .send()
        .await
        .expect("erase");
    assert_eq!(r.status(), 204);
    let (s, _) = get(
        &t,
        &c,
        &format!(
            "/api/v1/interactions/{}",
            made["id"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert_eq!(s, 404);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn concurrent_calls_from_one_new_number_make_one_prospect_and_other_workspaces_stay_apart(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    t.user("other", "eve@other.test", Role::Admin).await;
    let eve = t.bearer(&t.token("other", "eve@other.test", "read,write").await);
    // Sent at once, these share transactions in the writer: a later one in a transaction
    // must find the prospect an earlier one created.
    let url = t.url("/api/v1/interactions");
    let mut sends = Vec::new();
    for i in 0..40 {
        let client = if i % 4 == 0 { eve.clone() } else { c.clone() };
        let (url, body) = (
            url.clone(),
            call("612 77 77 77", &format!("2026-11-01T09:00:{:02}Z", i % 60)),
        );
        sends.push(tokio::spawn(async move {
            let r = client.post(url).json(&body).send().await.expect("post");
            (r.status().as_u16(), json(r).await)
        }));
    }
    let mut answers = Vec::new();
    for s in sends {
        answers.push(s.await.expect("request task"));
    }
    let mut customers: Vec<(bool, String)> = answers
        .iter()
        .enumerate()
        .map(|(i, (s, a))| {
            assert_eq!(*s, 201, "{a}");
            (
                i % 4 == 0,
                a["customer_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    customers.sort();
    customers.dedup();
    assert_eq!(
        customers.len(),
        2,
        "one prospect per workspace: {customers:?}"
    );
    assert_eq!(
        answers
            .iter()
            .filter(|(_, a)| a["new_customer"] == true)
            .count(),
        2
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_new_default_country_reads_the_next_phones_at_once(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (_, es) = post(
        &t,
        &c,
        "/api/v1/interactions",
        call("612 34 56 78", "2026-11-01T09:00:00Z"),
    )
    .await;
    assert_eq!(es["status"], "created", "{es}");
    let r = c
        .patch(t.url("/api/v1/settings/customers"))
        .json(&json!({"default_country": "MX"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 200);
    let (_, mx) = post(
        &t,
        &c,
        "/api/v1/interactions",
        call("55 1234 5678", "2026-11-01T09:00:00Z"),
    )
    .await;
    let id = mx["customer_id"].as_str().unwrap_or_default();
    let (_, person) = get(&t, &c, &format!("/api/v1/customers/{id}")).await;
    assert_eq!(
        person["phones"][0]["normalized"], "+525512345678",
        "{person}"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn with_attach_new_keys_off_a_known_customer_gets_the_interaction_but_not_its_new_keys(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, carmen) = post(
        &t,
        &c,
        "/api/v1/customers",
        json!({"given_name": "Carmen", "emails": [{"value": "carmen@example.es"}]}),
    )
    .await;
    assert_eq!(s, 201, "{carmen}");
    let id = carmen["id"].as_str().unwrap_or_default().to_owned();
    let record = format!("/api/v1/customers/{id}");
    let chat = |phone: &str| {
        json!({"channel": "chat", "type": "message",
               "customer": {"email": "carmen@example.es", "phone": phone}})
    };
    let phones = |v: &Value| -> Vec<Value> {
        v["phones"]
            .as_array()
            .map(|ps| ps.iter().map(|p| p["normalized"].clone()).collect())
            .unwrap_or_default()
    };
    let (_, settings) = get(&t, &c, "/api/v1/settings/customers").await;
    assert_eq!(
        settings["attach_new_keys"], true,
        "on by default: {settings}"
    );

    let (s, on) = post(&t, &c, "/api/v1/interactions", chat("612 11 22 33")).await;
    assert_eq!(s, 201, "{on}");
    assert_eq!(on["customer_id"], id.as_str());
    let (_, after_on) = get(&t, &c, &record).await;
    assert_eq!(phones(&after_on), vec![json!("+34612112233")], "{after_on}");

    let r = c
        .patch(t.url("/api/v1/settings/customers"))
        .json(&json!({"attach_new_keys": false}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 200);
    let patched = crate::json(r).await;
    assert_eq!(patched["attach_new_keys"], false, "{patched}");
    assert_eq!(patched["default_country"], "ES", "absent fields stay");
    let (_, settings) = get(&t, &c, "/api/v1/settings/customers").await;
    assert_eq!(settings, patched);
    let (_, audit) = get(&t, &c, "/api/v1/audit-log?entity_type=workspace").await;
    assert_eq!(
        audit["data"][0]["changes"]["attach_new_keys"],
        json!({"before": true, "after": false}),
        "{audit}"
    );

    let (s, off) = post(&t, &c, "/api/v1/interactions", chat("612 44 55 66")).await;
    assert_eq!(s, 201, "{off}");
    assert_eq!(off["customer_id"], id.as_str());
    assert_eq!(off["new_customer"], false);
    // A key left out stays no one's, even in the same transaction: a call from that phone
    // alone is a new caller, as it would be in a request of its own.
    let batch = json!({"interactions": [
        chat("612 77 88 99"),
        {"channel": "phone", "type": "call", "customer": {"phone": "612778899"}},
    ]});
    let (s, out) = post(&t, &c, "/api/v1/interactions:batch", batch).await;
    assert_eq!(s, 200, "{out}");
    assert_eq!(out["results"][0]["customer_id"], id.as_str(), "{out}");
    assert_ne!(out["results"][1]["customer_id"], id.as_str(), "{out}");
    assert_eq!(out["results"][1]["new_customer"], true, "{out}");
    let (_, after_off) = get(&t, &c, &record).await;
    assert_eq!(phones(&after_off), phones(&after_on), "{after_off}");
    let (_, tl) = get(&t, &c, &format!("{record}/interactions")).await;
    assert_eq!(tl["data"].as_array().map(Vec::len), Some(3), "{tl}");

    // The settings page shows the box unticked, and ticking it turns attaching back on.
    let (ui, csrf) = t.login("ana@acme.test").await;
    let page = ui
        .get(t.url("/settings/customers"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    let checkbox = page
        .split("<input")
        .find(|tag| tag.contains(r#"name="attach_new_keys""#))
        .and_then(|tag| tag.split('>').next())
        .unwrap_or_default();
    assert!(!checkbox.is_empty(), "no checkbox: {page}");
    assert!(!checkbox.contains("checked"), "{checkbox}");
    let stages: Vec<&str> = settings["lifecycle_stages"]
        .as_array()
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let r = ui
        .post(t.url("/settings/customers"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("stages", stages.join("\n").as_str()),
            ("default_country", "ES"),
            ("attach_new_keys", "true"),
        ])
        .send()
        .await
        .expect("form");
    assert_eq!(r.status(), 303);
    let (_, settings) = get(&t, &c, "/api/v1/settings/customers").await;
    assert_eq!(settings["attach_new_keys"], true, "{settings}");
    let (_, again) = post(&t, &c, "/api/v1/interactions", chat("612 00 11 22")).await;
    assert_eq!(again["customer_id"], id.as_str(), "{again}");
    let (_, last) = get(&t, &c, &record).await;
    assert_eq!(
        phones(&last),
        vec![json!("+34612112233"), json!("+34612001122")],
        "{last}"
    );
}
