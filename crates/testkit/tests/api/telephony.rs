//! Telephony: call events pop the caller's card on the right agents' open pages, and the
//! call is logged on the timeline with its duration, from generic, Asterisk and Twilio
//! payloads, on both backends.
use crate::interactions::{admin, get, post};
use crate::json;
use rstest::rstest;
use serde_json::{json, Value};
use std::time::Duration;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

pub(crate) const EVENTS: &str = "/api/v1/telephony/events";

/// A logged-in agent answering on `ext`, and their open screen-pop stream.
pub(crate) async fn agent(
    t: &TestApp,
    admin: &reqwest::Client,
    email: &str,
    ext: &str,
) -> reqwest::Response {
    let id = t.user("acme", email, Role::Agent).await;
    let (s, u) = patch(
        t,
        admin,
        &format!("/api/v1/users/{id}"),
        json!({"extension": ext}),
    )
    .await;
    assert_eq!((s, u["extension"].as_str()), (200, Some(ext)), "{u}");
    let (page, _) = t.login(email).await;
    let live = page
        .get(t.url("/screen-pop/live"))
        .send()
        .await
        .expect("live");
    assert_eq!(live.status(), 200);
    live
}

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

/// Reads the stream until it has said `until`, within two seconds.
pub(crate) async fn hear(live: &mut reqwest::Response, until: &str) -> String {
    let mut heard = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while !heard.contains(until) {
        match tokio::time::timeout_at(deadline, live.chunk()).await {
            Ok(Ok(Some(bytes))) => heard.push_str(&String::from_utf8_lossy(&bytes)),
            other => panic!("{until:?} not heard within 2 s ({other:?}); heard {heard:?}"),
        }
    }
    heard
}

pub(crate) fn event(state: &str, call: &str, from: &str, ext: &str) -> Value {
    json!({"event": state, "call_id": call, "from": from, "to": "910 000 000", "extension": ext})
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_ringing_call_pops_the_callers_card_on_its_extension_and_its_end_logs_the_call(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let complaint = json!({"channel": "web_form", "type": "complaint", "subject": "Cobro doble",
        "customer": {"phone": "612 34 56 78", "name": "Rosa Díaz"}});
    let (s, first) = post(&t, &c, "/api/v1/interactions", complaint).await;
    assert_eq!(s, 201, "{first}");
    let customer = first["customer_id"].as_str().unwrap_or_default().to_owned();
    let mut luis = agent(&t, &c, "luis@acme.test", "201").await;
    let mut marta = agent(&t, &c, "marta@acme.test", "202").await;

    let (s, out) = post(
        &t,
        &c,
        EVENTS,
        event("ringing", "c-1", "+34 612-345-678", "201"),
    )
    .await;
    assert_eq!(s, 200, "{out}");
    assert_eq!(out["status"], "ringing");
    assert_eq!(out["customer_id"], customer.as_str());
    assert_eq!(out["agents_notified"], 1);
    let card = hear(&mut luis, "event: card").await;
    assert!(card.contains("Rosa Díaz"), "{card}");
    assert!(card.contains(&format!("/customers/{customer}")), "{card}");
    assert!(
        card.contains("Cobro doble"),
        "the complaint is on the card: {card}"
    );
    assert!(
        card.contains("do not cross-sell") || card.contains("no ofrecer ventas cruzadas"),
        "{card}"
    );

    let (s, out) = post(&t, &c, EVENTS, event("answered", "c-1", "612345678", "201")).await;
    assert_eq!(
        (s, out["agents_notified"].as_u64()),
        (200, Some(1)),
        "{out}"
    );
    let update = hear(&mut luis, "event: call").await;
    assert!(update.contains(r#""state":"answered""#), "{update}");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (s, out) = post(&t, &c, EVENTS, event("ended", "c-1", "612345678", "201")).await;
    assert_eq!(s, 200, "{out}");
    assert_eq!(out["customer_id"], customer.as_str());
    let id = out["interaction_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (s, call) = get(&t, &c, &format!("/api/v1/interactions/{id}")).await;
    assert_eq!(s, 200, "{call}");
    assert_eq!(
        (call["channel"].as_str(), call["type"].as_str()),
        (Some("phone"), Some("call"))
    );
    assert_eq!(call["customer_id"], customer.as_str());
    assert_eq!(call["attributes"]["answered"], true);
    assert!(
        call["attributes"]["duration_seconds"].as_u64() >= Some(1),
        "{call}"
    );
    assert_eq!(call["attributes"]["extension"], "201");
    assert_eq!(call["agent"], "luis");
    assert_eq!(
        (call["source"].as_str(), call["source_event_id"].as_str()),
        (Some("telephony"), Some("c-1"))
    );
    let ended = hear(&mut luis, r#""state":"ended""#).await;
    assert!(ended.contains("c-1"), "{ended}");

    // A second hangup of the same call is the same interaction.
    let (_, again) = post(&t, &c, EVENTS, event("ended", "c-1", "612345678", "201")).await;
    assert_eq!(again["interaction_id"], id.as_str(), "{again}");
    let (_, timeline) = get(
        &t,
        &c,
        &format!("/api/v1/customers/{customer}/interactions?type=call"),
    )
    .await;
    assert_eq!(
        timeline["data"].as_array().map(Vec::len),
        Some(1),
        "{timeline}"
    );

    // Marta, on 202, heard nothing of it: the first thing she hears is her own call.
    post(
        &t,
        &c,
        EVENTS,
        event("ringing", "c-2", "699 00 00 00", "202"),
    )
    .await;
    let heard = hear(&mut marta, "event: card").await;
    assert!(heard.contains("c-2") && !heard.contains("c-1"), "{heard}");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_unknown_number_pops_a_new_caller_card_and_its_call_makes_a_prospect(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let mut luis = agent(&t, &c, "luis@acme.test", "201").await;
    let (_, out) = post(
        &t,
        &c,
        EVENTS,
        event("ringing", "n-1", "699 11 22 33", "201"),
    )
    .await;
    assert_eq!(
        (out["customer_id"].clone(), out["agents_notified"].as_u64()),
        (Value::Null, Some(1))
    );
    let card = hear(&mut luis, "event: card").await;
    assert!(
        card.contains("/customers/new?phone=%2B34699112233"),
        "{card}"
    );
    // Missed: it rang and ended unanswered.
    let (s, out) = post(&t, &c, EVENTS, event("ended", "n-1", "699 11 22 33", "201")).await;
    assert_eq!(s, 200, "{out}");
    let customer = out["customer_id"].as_str().unwrap_or_default().to_owned();
    let (_, person) = get(&t, &c, &format!("/api/v1/customers/{customer}")).await;
    assert_eq!(person["lifecycle_stage"], "prospect", "{person}");
    assert_eq!(
        person["phones"][0]["normalized"], "+34699112233",
        "{person}"
    );
    let id = out["interaction_id"].as_str().unwrap_or_default();
    let (_, call) = get(&t, &c, &format!("/api/v1/interactions/{id}")).await;
    assert_eq!(call["attributes"]["answered"], false, "{call}");
    assert_eq!(call["attributes"]["duration_seconds"], 0);
    let missed = hear(&mut luis, r#""state":"ended""#).await;
    assert!(
        missed.contains("Perdida") || missed.contains("Missed"),
        "{missed}"
    );

    // The new caller form is filled with the number.
    let (page, _) = t.login("luis@acme.test").await;
    let html = page
        .get(t.url("/customers/new?phone=%2B34699112233"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("html");
    assert!(html.contains("+34699112233"), "the phone is prefilled");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn asterisk_and_twilio_payloads_drive_the_same_calls(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let mut luis = agent(&t, &c, "luis@acme.test", "201").await;
    let ami = |text: &str| {
        c.post(t.url(EVENTS))
            .header("content-type", "text/plain")
            .body(text.replace('\n', "\r\n"))
            .send()
    };
    let r = ami("Event: DialBegin\nLinkedid: 1732271400.42\nCallerIDNum: 612345678\nExten: 910000000\nDestChannel: PJSIP/201-0000002a\n\n").await.expect("ami");
    let out = json(r).await;
    assert_eq!(
        (out["status"].as_str(), out["agents_notified"].as_u64()),
        (Some("ringing"), Some(1)),
        "{out}"
    );
    hear(&mut luis, "1732271400.42").await;
    let r = ami("Event: Newexten\nLinkedid: 1732271400.42\nCallerIDNum: 612345678\n")
        .await
        .expect("ami");
    assert_eq!(json(r).await["status"], "ignored");
    ami("Event: DialEnd\nLinkedid: 1732271400.42\nCallerIDNum: 612345678\nDestChannel: PJSIP/201-0000002a\nDialStatus: ANSWER\n").await.expect("ami");
    let r = ami(
        "Event: Hangup\nLinkedid: 1732271400.42\nUniqueid: 1732271400.43\nCallerIDNum: 612345678\n",
    )
    .await
    .expect("ami");
    let out = json(r).await;
    let id = out["interaction_id"].as_str().unwrap_or_default();
    let (_, call) = get(&t, &c, &format!("/api/v1/interactions/{id}")).await;
    assert_eq!(
        (
            call["source"].as_str(),
            call["attributes"]["answered"].as_bool()
        ),
        (Some("asterisk"), Some(true)),
        "{call}"
    );

    // Twilio: a form post, the token as the HTTP Basic password, the queue in the URL.
    let (s, team) = post(
        &t,
        &c,
        "/api/v1/teams",
        json!({"name": "Ventas", "members": []}),
    )
    .await;
    assert_eq!(s, 201, "{team}");
    let (_, users) = get(&t, &c, "/api/v1/users?role=agent").await;
    let luis_id = users["data"][0]["id"].clone();
    let team_path = format!("/api/v1/teams/{}", team["id"].as_str().unwrap_or_default());
    patch(&t, &c, &team_path, json!({"members": [luis_id]})).await;
    let token = t.token("acme", "ana@acme.test", "interactions:write").await;
    let twilio = |form: &'static str| {
        reqwest::Client::new()
            .post(t.url(&format!("{EVENTS}?queue=ventas")))
            .basic_auth("AC0001", Some(&token))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
    };
    let r = twilio(
        "CallSid=CA1&From=%2B34612345678&To=%2B34910000000&CallStatus=ringing&Direction=inbound",
    )
    .await
    .expect("twilio");
    let out = json(r).await;
    assert_eq!(out["agents_notified"], 1, "the queue's agent: {out}");
    hear(&mut luis, "CA1").await;
    let r = twilio("CallSid=CA1&From=%2B34612345678&To=%2B34910000000&CallStatus=completed&CallDuration=73&Direction=inbound").await.expect("twilio");
    let out = json(r).await;
    let id = out["interaction_id"].as_str().unwrap_or_default();
    let (_, call) = get(&t, &c, &format!("/api/v1/interactions/{id}")).await;
    assert_eq!(call["attributes"]["duration_seconds"], 73, "{call}");
    assert_eq!(call["attributes"]["queue"], "ventas");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bad_call_events_and_extensions_get_clear_errors(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (s, p) = post(
        &t,
        &c,
        &format!("{EVENTS}?format=avaya"),
        event("ringing", "x", "1", "2"),
    )
    .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("format")),
        "{p}"
    );
    let (s, p) = post(
        &t,
        &c,
        EVENTS,
        json!({"event": "ringing", "from": "612345678"}),
    )
    .await;
    assert_eq!(s, 422, "{p}");
    assert!(
        p["detail"].as_str().unwrap_or_default().contains("call_id"),
        "{p}"
    );
    let (s, p) = post(
        &t,
        &c,
        EVENTS,
        json!({"event": "exploded", "call_id": "x", "from": "1"}),
    )
    .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("event")),
        "{p}"
    );
    let r = c
        .post(t.url(EVENTS))
        .header("content-type", "text/plain")
        .body("DialBegin")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    assert!(json(r).await["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("line 1"));
    let r = c
        .post(t.url(EVENTS))
        .header("content-type", "application/xml")
        .body("<call/>")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 415);
    let r = c
        .post(t.url(EVENTS))
        .json(&"x".repeat(70_000))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 413);
    let r = reqwest::Client::new()
        .post(t.url(EVENTS))
        .json(&event("ringing", "x", "1", "2"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 401);
    let reader = t.bearer(&t.token("acme", "ana@acme.test", "customers:read").await);
    let (s, _) = post(&t, &reader, EVENTS, event("ringing", "x", "1", "2")).await;
    assert_eq!(s, 403);
    // A withheld number pops, and is not logged against anyone.
    let (s, out) = post(&t, &c, EVENTS, event("ended", "w-1", "anonymous", "201")).await;
    assert_eq!(
        (s, out["interaction_id"].clone()),
        (200, Value::Null),
        "{out}"
    );
    assert!(
        out["not_logged"]
            .as_str()
            .unwrap_or_default()
            .contains("withheld"),
        "{out}"
    );

    // Extensions: an agent sets their own, not a colleague's; odd ones are refused.
    let luis = t.user("acme", "luis@acme.test", Role::Agent).await;
    let marta = t.user("acme", "marta@acme.test", Role::Agent).await;
    let own = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    let (s, u) = patch(
        &t,
        &own,
        &format!("/api/v1/users/{luis}"),
        json!({"extension": "305"}),
    )
    .await;
    assert_eq!((s, u["extension"].as_str()), (200, Some("305")), "{u}");
    let (s, _) = patch(
        &t,
        &own,
        &format!("/api/v1/users/{marta}"),
        json!({"extension": "306"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, p) = patch(
        &t,
        &own,
        &format!("/api/v1/users/{luis}"),
        json!({"extension": "30 5"}),
    )
    .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("extension")),
        "{p}"
    );
    let (s, u) = patch(
        &t,
        &own,
        &format!("/api/v1/users/{luis}"),
        json!({"extension": ""}),
    )
    .await;
    assert_eq!((s, u["extension"].clone()), (200, Value::Null), "{u}");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn only_pages_of_users_calls_can_ring_for_open_a_screen_pop_stream(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let luis = t.user("acme", "luis@acme.test", Role::Agent).await;
    let (page, _) = t.login("luis@acme.test").await;
    let home = |page: reqwest::Client| {
        let url = t.url("/app");
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
    // No extension and no team: no stream, so tabs do not use up the browser's connections.
    assert!(!home(page.clone()).await.contains("id=\"screenpop\""));
    patch(
        &t,
        &c,
        &format!("/api/v1/users/{luis}"),
        json!({"extension": "201"}),
    )
    .await;
    assert!(home(page.clone()).await.contains("id=\"screenpop\""));
    patch(
        &t,
        &c,
        &format!("/api/v1/users/{luis}"),
        json!({"extension": ""}),
    )
    .await;
    assert!(!home(page.clone()).await.contains("id=\"screenpop\""));
    // A queue's team member listens without an extension.
    post(
        &t,
        &c,
        "/api/v1/teams",
        json!({"name": "Ventas", "members": [luis.to_string()]}),
    )
    .await;
    assert!(home(page).await.contains("id=\"screenpop\""));
}
