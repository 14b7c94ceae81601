//! API tokens: shown once, stored hashed, last use recorded.
use crate::json;
use rstest::rstest;
use serde_json::json;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_and_records_its_last_use(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let admin = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let r = admin
        .post(t.url("/api/v1/tokens"))
        .json(&json!({"name": "erp-sync", "scopes": "customers:write, sales:read"}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 201);
    let created = json(r).await;
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("vnc_"));
    assert_eq!(created["scopes"], "customers:write sales:read");
    assert!(secret.starts_with(created["prefix"].as_str().expect("prefix")));
    let list = admin
        .get(t.url("/api/v1/tokens"))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("body");
    assert!(!list.contains(&secret), "the secret is never listed");
    let stored: Vec<Vec<u8>> = {
        let mut conn = t.db.conn().await.expect("conn");
        let stmt = sea_query_like_select();
        conn.fetch_all::<(Vec<u8>,), _>(&stmt)
            .await
            .expect("hashes")
            .into_iter()
            .map(|(h,)| h)
            .collect()
    };
    assert!(
        stored.iter().all(|h| h.len() == 32
            && !secret
                .as_bytes()
                .windows(8)
                .any(|w| h.windows(8).any(|x| x == w))),
        "only hashes are stored"
    );
    let entry = listed(&t, &admin, "erp-sync").await;
    assert!(entry["last_used_at"].is_null());
    assert_eq!(
        t.bearer(&secret)
            .get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        200
    );
    let entry = listed(&t, &admin, "erp-sync").await;
    assert!(
        entry["last_used_at"].is_string(),
        "last use is visible: {entry}"
    );
    let bad = admin
        .post(t.url("/api/v1/tokens"))
        .json(&json!({"name": "x", "scopes": "root"}))
        .send()
        .await
        .expect("bad");
    assert_eq!(bad.status(), 422);
    assert_eq!(json(bad).await["errors"][0]["field"], "scopes");
    let dup = admin
        .post(t.url("/api/v1/tokens"))
        .json(&json!({"name": "erp-sync", "scopes": "read"}))
        .send()
        .await
        .expect("dup");
    assert_eq!(dup.status(), 409);
}

/// The token named `name` as the token list shows it.
async fn listed(t: &TestApp, admin: &reqwest::Client, name: &str) -> serde_json::Value {
    let list = json(
        admin
            .get(t.url("/api/v1/tokens"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    list.as_array()
        .expect("list")
        .iter()
        .find(|x| x["name"] == name)
        .expect("listed")
        .clone()
}

fn sea_query_like_select() -> sea_query::SelectStatement {
    sea_query::Query::select()
        .column(sea_query::Alias::new("token_hash"))
        .from(sea_query::Alias::new("api_tokens"))
        .to_owned()
}
