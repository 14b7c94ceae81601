//! Teams: create, read, rename, staff, delete.
use crate::json;
use rstest::rstest;
use serde_json::json;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn teams_are_created_staffed_renamed_and_deleted(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let carmen = t
        .user("acme", "carmen@acme.test", Role::Agent)
        .await
        .to_string();
    let luis = t
        .user("acme", "luis@acme.test", Role::Manager)
        .await
        .to_string();
    let c = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    let r = c
        .post(t.url("/api/v1/teams"))
        .json(&json!({"name": "  Atención al cliente ", "members": [carmen, carmen]}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 201);
    let team = json(r).await;
    assert_eq!(team["name"], "Atención al cliente");
    assert_eq!(team["member_count"], 1);
    let id = team["id"].as_str().expect("id").to_owned();
    let dup = c
        .post(t.url("/api/v1/teams"))
        .json(&json!({"name": "Atención al cliente"}))
        .send()
        .await
        .expect("dup");
    assert_eq!(dup.status(), 409);
    assert_eq!(json(dup).await["errors"][0]["field"], "name");
    assert_eq!(
        c.post(t.url("/api/v1/teams"))
            .json(&json!({"name": " "}))
            .send()
            .await
            .expect("empty")
            .status(),
        422
    );
    let r = c
        .patch(t.url(&format!("/api/v1/teams/{id}")))
        .json(&json!({"name": "Soporte", "members": [carmen, luis]}))
        .send()
        .await
        .expect("patch");
    assert_eq!(json(r).await["member_count"], 2);
    let one = json(
        c.get(t.url(&format!("/api/v1/teams/{id}")))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(one["name"], "Soporte");
    assert_eq!(one["members"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        c.delete(t.url(&format!("/api/v1/teams/{id}")))
            .send()
            .await
            .expect("delete")
            .status(),
        204
    );
    assert_eq!(
        c.get(t.url(&format!("/api/v1/teams/{id}")))
            .send()
            .await
            .expect("get")
            .status(),
        404
    );
    let users = json(c.get(t.url("/api/v1/users")).send().await.expect("users")).await;
    assert_eq!(
        users["data"].as_array().map(Vec::len),
        Some(3),
        "deleting a team keeps its members in the workspace"
    );
}
