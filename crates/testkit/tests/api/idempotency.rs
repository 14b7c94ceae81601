//! `Idempotency-Key`: a retried POST gets the first answer and changes nothing more.
use crate::json;
use rstest::rstest;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_retried_post_is_answered_once(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.bearer(&t.token("acme", "ana@acme.test", "write").await);
    let send = |key: &'static str, name: &'static str| {
        c.post(t.url("/api/v1/teams"))
            .header("idempotency-key", key)
            .json(&serde_json::json!({"name": name}))
            .send()
    };
    let first = send("k-1", "Ventas").await.expect("send");
    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()["idempotent-replayed"], "false");
    let first = json(first).await;
    let again = send("k-1", "Ventas").await.expect("send");
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(
        json(again).await,
        first,
        "the replay is the first answer, byte for byte"
    );
    let teams = json(c.get(t.url("/api/v1/teams")).send().await.expect("list")).await;
    assert_eq!(
        teams.as_array().map(Vec::len),
        Some(1),
        "only one team was created"
    );

    let reused = send("k-1", "Marketing").await.expect("send");
    assert_eq!(reused.status(), 422);
    assert_eq!(json(reused).await["code"], "idempotency_key_reused");
    assert_eq!(send("k-2", "Marketing").await.expect("send").status(), 201);

    // Keys belong to their caller: another token may use the same key for its own request.
    t.user("acme", "luis@acme.test", Role::Manager).await;
    let other = t.bearer(&t.token("acme", "luis@acme.test", "write").await);
    let r = other
        .post(t.url("/api/v1/teams"))
        .header("idempotency-key", "k-1")
        .json(&serde_json::json!({"name": "Soporte"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["idempotent-replayed"], "false");

    let r = c
        .post(t.url("/api/v1/teams"))
        .header("idempotency-key", "")
        .json(&serde_json::json!({"name": "X"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422, "an empty key is refused");
}
