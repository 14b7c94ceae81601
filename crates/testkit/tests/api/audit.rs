//! The audit log records who changed what, field by field, and filters and pages.
use crate::json;
use rstest::rstest;
use serde_json::json;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn changes_are_recorded_with_actor_and_before_after(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let luis = t
        .user("acme", "luis@acme.test", Role::Agent)
        .await
        .to_string();
    let admin = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    admin
        .patch(t.url(&format!("/api/v1/users/{luis}")))
        .json(&json!({"role": "manager"}))
        .send()
        .await
        .expect("patch");
    admin
        .patch(t.url(&format!("/api/v1/users/{luis}")))
        .json(&json!({"role": "manager"}))
        .send()
        .await
        .expect("no-op patch");
    let team = json(
        admin
            .post(t.url("/api/v1/teams"))
            .json(&json!({"name": "Ventas"}))
            .send()
            .await
            .expect("team"),
    )
    .await;
    admin
        .delete(t.url(&format!(
            "/api/v1/teams/{}",
            team["id"].as_str().expect("id")
        )))
        .send()
        .await
        .expect("delete");

    let log = json(
        admin
            .get(t.url(&format!(
                "/api/v1/audit-log?entity_type=member&entity_id={luis}&action=update"
            )))
            .send()
            .await
            .expect("log"),
    )
    .await;
    let entries = log["data"].as_array().expect("data");
    assert_eq!(entries.len(), 1, "a no-op update records nothing: {log}");
    let e = &entries[0];
    assert_eq!(
        e["changes"]["role"],
        json!({"before": "agent", "after": "manager"})
    );
    assert!(
        e["changes"].get("disabled").is_none(),
        "unchanged fields are not listed"
    );
    assert!(e["actor"].as_str().expect("actor").contains("token"), "{e}");
    assert!(e["request_id"].as_str().is_some_and(|r| r.len() == 36));
    let deleted = json(
        admin
            .get(t.url("/api/v1/audit-log?entity_type=team&action=delete"))
            .send()
            .await
            .expect("log"),
    )
    .await;
    assert_eq!(
        deleted["data"][0]["changes"]["name"],
        json!({"before": "Ventas", "after": null})
    );

    let all = json(
        admin
            .get(t.url("/api/v1/audit-log?limit=2"))
            .send()
            .await
            .expect("log"),
    )
    .await;
    assert_eq!(all["data"].as_array().map(Vec::len), Some(2));
    let next = all["next_cursor"].as_str().expect("more pages");
    let older = json(
        admin
            .get(t.url(&format!("/api/v1/audit-log?limit=2&cursor={next}")))
            .send()
            .await
            .expect("log"),
    )
    .await;
    assert_ne!(older["data"][0]["id"], all["data"][0]["id"]);
    let r = admin
        .get(t.url("/api/v1/audit-log?since=yesterday"))
        .send()
        .await
        .expect("bad");
    assert_eq!(r.status(), 422);
    assert_eq!(json(r).await["errors"][0]["field"], "since");
    let none = json(
        admin
            .get(t.url("/api/v1/audit-log?since=2999-01-01"))
            .send()
            .await
            .expect("log"),
    )
    .await;
    assert_eq!(none["data"].as_array().map(Vec::len), Some(0));
    // Secrets never enter the log.
    let (c, csrf) = t.login("ana@acme.test").await;
    c.post(t.url("/api/v1/me/password")).header("x-csrf-token", &csrf).json(&json!({"current_password": vinculo_testkit::PASSWORD, "new_password": "another long secret"})).send().await.expect("pw");
    let body = admin
        .get(t.url("/api/v1/audit-log?limit=200"))
        .send()
        .await
        .expect("log")
        .text()
        .await
        .expect("body");
    assert!(
        !body.contains("another long secret") && !body.contains("$argon2"),
        "no secret in the audit log"
    );
}
