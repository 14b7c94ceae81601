//! Reading interactions back: a customer's timeline and its filters and cursor, the 360
//! view, the live customer page, and the demo's history, on both backends.
use crate::interactions::{admin, call, get, post};
use rstest::rstest;
use serde_json::json;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_timeline_filters_by_channel_type_and_date_and_pages_without_gaps(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let mut items = Vec::new();
    for day in 1..=9 {
        let (channel, kind) = if day % 3 == 0 {
            ("email", "complaint")
        } else {
            ("phone", "call")
        };
        items.push(json!({"channel": channel, "type": kind, "occurred_at": format!("2026-10-0{day}T12:00:00Z"),
                          "customer": {"external_id": "erp:C-1"}}));
    }
    // Two at the very same instant: the id breaks the tie, and paging keeps both.
    items.push(json!({"channel": "sms", "type": "message", "occurred_at": "2026-10-05T12:00:00Z", "customer": {"external_id": "erp:C-1"}}));
    let (_, out) = post(
        &t,
        &c,
        "/api/v1/interactions:batch",
        json!({"interactions": items}),
    )
    .await;
    assert_eq!(out["created"], 10, "{out}");
    let customer = out["results"][0]["customer_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let base = format!("/api/v1/customers/{customer}/interactions");

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cur) => format!("{base}?limit=3&cursor={cur}"),
            None => format!("{base}?limit=3"),
        };
        let (s, page) = get(&t, &c, &path).await;
        assert_eq!(s, 200, "{page}");
        for i in page["data"].as_array().cloned().unwrap_or_default() {
            seen.push(i["occurred_at"].as_str().unwrap_or_default().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 10, "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {seen:?}"
    );

    let (_, emails) = get(&t, &c, &format!("{base}?channel=email")).await;
    assert_eq!(emails["data"].as_array().map(Vec::len), Some(3));
    let (_, complaints) = get(
        &t,
        &c,
        &format!("{base}?type=complaint,call&from=2026-10-04&until=2026-10-06"),
    )
    .await;
    // Days 4 to 6 (the until day included), calls and complaints: not the text message.
    assert_eq!(
        complaints["data"].as_array().map(Vec::len),
        Some(3),
        "{complaints}"
    );
    let (s, p) = get(&t, &c, &format!("{base}?channel=pigeon")).await;
    assert_eq!(s, 422, "{p}");
    // A cursor of another list (the customers', an id alone) is not this timeline's.
    let (_, people) = get(&t, &c, "/api/v1/customers?limit=1").await;
    let (s, p) = get(
        &t,
        &c,
        &format!(
            "{base}?cursor={}",
            people["next_cursor"]
                .as_str()
                .unwrap_or("AAAAAAAAAAAAAAAAAAAAAA")
        ),
    )
    .await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(p["errors"][0]["field"], "cursor");
    let (s, _) = get(
        &t,
        &c,
        "/api/v1/customers/0190a000-0000-7000-8000-000000000000/interactions",
    )
    .await;
    assert_eq!(s, 404);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_360_view_gathers_profile_consents_channels_complaints_and_timeline(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let recent = (time::OffsetDateTime::now_utc() - time::Duration::days(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    let key = json!({"email": "rosa@example.es", "name": "Rosa Díaz"});
    let batch = json!({"interactions": [
        {"channel": "phone", "type": "call", "occurred_at": "2026-01-10T10:00:00Z", "customer": key},
        {"channel": "phone", "type": "call", "occurred_at": "2026-02-10T10:00:00Z", "customer": key},
        {"channel": "web_form", "type": "complaint", "subject": "Cobro doble", "occurred_at": recent, "customer": key},
        {"channel": "email", "type": "complaint", "subject": "Antigua", "occurred_at": "2025-01-01T10:00:00Z", "customer": key},
        {"channel": "point_of_sale", "type": "purchase", "subject": "Sofá nórdico", "occurred_at": "2025-06-01T10:00:00Z", "customer": key},
    ]});
    let (_, out) = post(&t, &c, "/api/v1/interactions:batch", batch).await;
    let id = out["results"][0]["customer_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = c
        .post(t.url(&format!("/api/v1/customers/{id}/consents")))
        .json(&json!({"channel": "email", "purpose": "marketing", "state": "opted_out"}))
        .send()
        .await
        .expect("consent");
    assert_eq!(r.status(), 201);

    let (s, v) = get(&t, &c, &format!("/api/v1/customers/{id}/360")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["customer"]["display_name"], "Rosa Díaz");
    assert_eq!(v["customer"]["emails"][0]["normalized"], "rosa@example.es");
    assert_eq!(v["consents"]["current"][0]["state"], "opted_out");
    assert_eq!(v["channels"][0]["channel"], "phone");
    assert_eq!(v["channels"][0]["interactions"], 2);
    assert_eq!(v["channels"][0]["last_at"], "2026-02-10T10:00:00Z");
    assert_eq!(v["channels"].as_array().map(Vec::len), Some(4));
    assert_eq!(v["last_purchase"]["subject"], "Sofá nórdico", "{v}");
    let complaints = v["recent_complaints"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(complaints.len(), 1, "only the recent one: {complaints:?}");
    assert_eq!(complaints[0]["subject"], "Cobro doble");
    assert_eq!(v["timeline"]["data"].as_array().map(Vec::len), Some(5));

    // The customer page opens with the same at a glance.
    let (page, _) = t.login("ana@acme.test").await;
    let html = page
        .get(t.url(&format!("/customers/{id}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let glance = &html[html
        .find("class=\"card glance\"")
        .expect("the glance section")..];
    let glance = &glance[..glance.find("</section>").unwrap_or(glance.len())];
    assert!(
        glance.contains("Cobro doble") && !glance.contains("Antigua"),
        "{glance}"
    );
    assert!(glance.contains("Sofá nórdico"), "{glance}");
    assert_eq!(v["timeline"]["data"][0]["subject"], "Cobro doble");

    let reader = t.bearer(&t.token("acme", "ana@acme.test", "customers:read").await);
    let (s, _) = get(&t, &reader, &format!("/api/v1/customers/{id}/360")).await;
    assert_eq!(s, 403, "the timeline needs interactions:read too");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_open_customer_page_hears_of_each_new_interaction_of_that_customer_only(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (_, first) = post(
        &t,
        &c,
        "/api/v1/interactions",
        call("612 50 50 50", "2026-11-01T09:00:00Z"),
    )
    .await;
    let customer = first["customer_id"].as_str().unwrap_or_default().to_owned();
    let (page, _) = t.login("ana@acme.test").await;
    let mut live = page
        .get(t.url(&format!("/customers/{customer}/live")))
        .send()
        .await
        .expect("live");
    assert_eq!(live.status(), 200);
    assert!(live.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/event-stream"));
    // Another customer's call says nothing here; this customer's does.
    post(
        &t,
        &c,
        "/api/v1/interactions",
        call("612 60 60 60", "2026-11-01T09:00:00Z"),
    )
    .await;
    let (_, second) = post(
        &t,
        &c,
        "/api/v1/interactions",
        call("612 50 50 50", "2026-11-02T09:00:00Z"),
    )
    .await;
    let mut heard = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !heard.contains("event: interaction") {
        match tokio::time::timeout_at(deadline, live.chunk()).await {
            Ok(Ok(Some(bytes))) => heard.push_str(&String::from_utf8_lossy(&bytes)),
            other => panic!("no event within 5 s ({other:?}); heard {heard:?}"),
        }
    }
    let id = second["id"].as_str().unwrap_or_default();
    assert!(heard.contains(&format!("data: {id}")), "{heard}");
    assert_eq!(heard.matches("event: interaction").count(), 1, "{heard}");

    // What the page swaps in: the timeline section alone, newest first.
    let html = page
        .get(t.url(&format!("/customers/{customer}/timeline")))
        .send()
        .await
        .expect("fragment")
        .text()
        .await
        .expect("html");
    assert!(html.starts_with("<section"), "{html}");
    assert_eq!(html.matches("<li").count().min(2), 2, "{html}");

    // Another workspace's user finds no such customer.
    t.user("other", "eve@other.test", Role::Admin).await;
    let (eve, _) = t.login("eve@other.test").await;
    let r = eve
        .get(t.url(&format!("/customers/{customer}/live")))
        .send()
        .await
        .expect("live");
    assert_eq!(r.status(), 404);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_demo_workspace_shows_customers_with_a_history_on_every_channel(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let info = vinculo_app::demo::seed(&t.app).await.expect("demo");
    assert!(info.created);
    let demo = t.bearer(&t.token("demo", "ana@demo.vinculo.test", "read").await);
    let (_, people) = get(&t, &demo, "/api/v1/customers?limit=1").await;
    let newest = people["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (s, view) = get(&t, &demo, &format!("/api/v1/customers/{newest}/360")).await;
    assert_eq!(s, 200, "{view}");
    assert!(
        !view["timeline"]["data"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .is_empty(),
        "{view}"
    );
    // Its tiers come from the Plan field, as from the ERP its people were imported from.
    let (_, settings) = get(&t, &demo, "/api/v1/settings/customers").await;
    assert_eq!(
        (
            settings["value_tier_basis"].as_str(),
            settings["value_tier_field"].as_str()
        ),
        (Some("field"), Some("plan")),
        "{settings}"
    );
    assert_eq!(settings["value_tiers"][0]["name"], "Oro", "{settings}");
    let (_, many) = get(&t, &demo, "/api/v1/customers?limit=50").await;
    let paying = many["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["custom_fields"]["plan"].is_string())
        .cloned()
        .unwrap_or_default();
    let (_, v) = get(
        &t,
        &demo,
        &format!(
            "/api/v1/customers/{}/360",
            paying["id"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert_eq!(v["value_tier"]["basis"], "field", "{v}");
    assert_eq!(
        v["value_tier"]["name"], paying["custom_fields"]["plan"],
        "{v}"
    );
    // A second start leaves the demo as it is: the same history, nothing twice.
    let again = vinculo_app::demo::seed(&t.app).await.expect("demo again");
    assert!(!again.created);
    let (_, same) = get(&t, &demo, &format!("/api/v1/customers/{newest}/360")).await;
    assert_eq!(same["timeline"], view["timeline"]);
}
