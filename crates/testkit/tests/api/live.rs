//! One live stream per page (`GET /live`): the screen pop, a customer's timeline and the
//! inbox on a single connection, each topic checked as its own stream checks it.
use crate::interactions::{admin, post};
use crate::telephony::{event, hear, EVENTS};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

async fn open(page: &reqwest::Client, t: &TestApp, query: &str) -> reqwest::Response {
    page.get(t.url(&format!("/live{query}")))
        .send()
        .await
        .expect("live")
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn one_stream_carries_the_screen_pop_the_timeline_and_the_inbox(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let call = |phone: &str| -> Value {
        json!({"channel": "phone", "type": "call", "subject": "Llamada",
            "customer": {"phone": phone, "name": "Rosa Díaz"}})
    };
    let (s, first) = post(&t, &c, "/api/v1/interactions", call("612 34 56 78")).await;
    assert_eq!(s, 201, "{first}");
    let customer = first["customer_id"].as_str().unwrap_or_default().to_owned();
    let luis = t.user("acme", "luis@acme.test", Role::Agent).await;
    let r = c
        .patch(t.url(&format!("/api/v1/users/{luis}")))
        .json(&json!({"extension": "201"}))
        .send()
        .await
        .expect("extension");
    assert_eq!(r.status(), 200);
    let (page, _) = t.login("luis@acme.test").await;

    let mut live = open(&page, &t, &format!("?pops=1&customer={customer}&inbox=1")).await;
    assert_eq!(live.status(), 200);
    assert!(live.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/event-stream"));
    // The inbox's unread count comes at once: a page shown again catches up with it.
    let heard = hear(&mut live, "event: unread").await;
    assert!(heard.contains("data: 0"), "{heard}");

    let (s, out) = post(&t, &c, EVENTS, event("ringing", "c-1", "612345678", "201")).await;
    assert_eq!(
        (s, out["agents_notified"].as_u64()),
        (200, Some(1)),
        "{out}"
    );
    let card = hear(&mut live, "event: card").await;
    assert!(card.contains("Rosa Díaz"), "{card}");

    let (s, second) = post(&t, &c, "/api/v1/interactions", call("612 34 56 78")).await;
    assert_eq!(s, 201, "{second}");
    let heard = hear(&mut live, "event: interaction").await;
    let id = second["id"].as_str().unwrap_or_default();
    assert!(heard.contains(&format!("data: {id}")), "{heard}");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_stream_refuses_no_topics_and_any_topic_the_user_may_not_follow(
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
        json!({"channel": "phone", "type": "call", "customer": {"phone": "612 34 56 78"}}),
    )
    .await;
    assert_eq!(s, 201, "{first}");
    let customer = first["customer_id"].as_str().unwrap_or_default().to_owned();
    t.user("acme", "luis@acme.test", Role::Agent).await;
    let (luis, _) = t.login("luis@acme.test").await;
    assert_eq!(open(&luis, &t, "").await.status(), 400);

    // A marketer does not serve the inbox: asking for it refuses the whole stream.
    t.user("acme", "mar@acme.test", Role::Marketer).await;
    let (mar, _) = t.login("mar@acme.test").await;
    assert_eq!(
        open(&mar, &t, &format!("?customer={customer}"))
            .await
            .status(),
        200
    );
    assert_eq!(
        open(&mar, &t, &format!("?customer={customer}&inbox=1"))
            .await
            .status(),
        403
    );

    // Another workspace's user finds no such customer, nor conversation.
    t.user("other", "eve@other.test", Role::Admin).await;
    let (eve, _) = t.login("eve@other.test").await;
    assert_eq!(
        open(&eve, &t, &format!("?customer={customer}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        open(&eve, &t, &format!("?conversation={customer}"))
            .await
            .status(),
        404
    );
    // Logged out: the login page's answer, never a stream.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = open(&anonymous, &t, "?inbox=1").await;
    assert_ne!(r.status(), 200);
}
