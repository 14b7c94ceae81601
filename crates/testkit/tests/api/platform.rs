//! Health, metrics, OpenAPI and the problem+json conventions.
use crate::json;
use rstest::rstest;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn health_readiness_and_metrics_answer(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = reqwest::Client::new();
    let r = c.get(t.url("/healthz")).send().await.expect("healthz");
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.expect("body"), "ok");
    assert_eq!(
        c.get(t.url("/readyz"))
            .send()
            .await
            .expect("readyz")
            .status(),
        200
    );
    c.get(t.url("/api/v1/me")).send().await.expect("me");
    let metrics = c
        .get(t.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("body");
    assert!(
        metrics.contains(
            r#"vinculo_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("vinculo_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    assert!(metrics.contains("vinculo_db_pool_connections"), "{metrics}");
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_describes_every_route() {
    let Some(t) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let doc = json(
        reqwest::get(t.url("/api/v1/openapi.json"))
            .await
            .expect("openapi"),
    )
    .await;
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/me",
        "/me/password",
        "/me/workspaces",
        "/users",
        "/users/{id}",
        "/invites",
        "/invites/{id}",
        "/teams",
        "/teams/{id}",
        "/tokens",
        "/tokens/{id}",
        "/audit-log",
        "/customers",
        "/customers/{id}",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Every paginated list has one envelope: `data` and `next_cursor` (the inbox's too).
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let pages: Vec<&String> = schemas
        .iter()
        .filter(|(_, s)| s["properties"]["next_cursor"].is_object())
        .map(|(name, _)| name)
        .collect();
    assert!(pages.iter().any(|n| *n == "InboxPage"), "{pages:?}");
    for name in pages {
        let props = &schemas[name]["properties"];
        assert!(props["data"].is_object(), "{name} has no `data`");
        assert!(props.get("items").is_none(), "{name} still has `items`");
    }
    let page = reqwest::get(t.url("/api/docs")).await.expect("docs");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(
        html.contains("/api/v1/teams/{id}") && html.contains("Idempotency-Key"),
        "docs page lacks operations"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bad_requests_get_problem_json_with_field_detail_and_request_id(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "admin@acme.test", Role::Admin).await;
    let c = t.bearer(&t.token("acme", "admin@acme.test", "read,write").await);

    let r = c.get(t.url("/api/v1/nope")).send().await.expect("send");
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p = json(r).await;
    assert_eq!(p["code"], "not_found");
    assert!(
        p["request_id"].as_str().is_some_and(|s| s.len() == 36),
        "{p}"
    );

    let r = c
        .post(t.url("/api/v1/teams"))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["code"], "malformed_request");

    let r = c
        .post(t.url("/api/v1/teams"))
        .json(&serde_json::json!({"name": 7}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    let p = json(r).await;
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("name")),
        "{p}"
    );

    let r = c
        .post(t.url("/api/v1/teams"))
        .json(&serde_json::json!({"name": "x", "colour": "red"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422, "unknown fields are refused, not ignored");

    let r = c
        .post(t.url("/api/v1/invites"))
        .json(&serde_json::json!({"email": "not-an-email", "role": "agent"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    let p = json(r).await;
    assert_eq!(p["code"], "validation_failed");
    assert_eq!(p["errors"][0]["field"], "email");

    let r = c
        .get(t.url("/api/v1/users/not-a-uuid"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    assert_eq!(json(r).await["code"], "not_found");

    let r = c
        .get(t.url("/api/v1/users?cursor=garbage"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    assert_eq!(json(r).await["errors"][0]["field"], "cursor");
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let Some(t) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let r = reqwest::get(t.url("/login")).await.expect("login");
    let h = r.headers();
    assert!(h["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
}
