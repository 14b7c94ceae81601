//! Token scopes, revocation, and the workspace boundary for members, teams, invites and
//! tokens. Every role against every route is in `security_matrix` and `security_pages`;
//! workspace B's ids in every other route in `security_tenants`.
use crate::json;
use crate::security_matrix::{call, Body};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn token_scopes_narrow_what_the_owner_may_do(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let users_only = t.bearer(&t.token("acme", "ana@acme.test", "users:read").await);
    assert_eq!(
        users_only
            .get(t.url("/api/v1/users"))
            .send()
            .await
            .expect("send")
            .status(),
        200
    );
    assert_eq!(
        users_only
            .get(t.url("/api/v1/teams"))
            .send()
            .await
            .expect("send")
            .status(),
        403
    );
    assert_eq!(
        users_only
            .post(t.url("/api/v1/invites"))
            .json(&json!({"email": "x@acme.test", "role": "agent"}))
            .send()
            .await
            .expect("send")
            .status(),
        403
    );
    let me = json(
        users_only
            .get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me"),
    )
    .await;
    assert_eq!(me["permissions"], json!(["users:read"]));
    let read = t.bearer(&t.token("acme", "ana@acme.test", "read").await);
    assert_eq!(
        read.post(t.url("/api/v1/teams"))
            .json(&json!({"name": "x"}))
            .send()
            .await
            .expect("send")
            .status(),
        403
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn revoked_tokens_and_disabled_members_lose_access_at_once(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let luis = t.user("acme", "luis@acme.test", Role::Manager).await;
    let admin = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let secret = t.token("acme", "luis@acme.test", "read").await;
    let c = t.bearer(&secret);
    assert_eq!(
        c.get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        200
    );
    let (session, _) = t.login("luis@acme.test").await;
    let r = admin
        .patch(t.url(&format!("/api/v1/users/{luis}")))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    assert_eq!(
        c.get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        401,
        "a disabled member's token stops working"
    );
    assert_eq!(
        session
            .get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        401,
        "and their sessions end"
    );
    admin
        .patch(t.url(&format!("/api/v1/users/{luis}")))
        .json(&json!({"disabled": false}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        c.get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        200
    );
    let tokens = json(
        admin
            .get(t.url("/api/v1/tokens"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    let id = tokens
        .as_array()
        .expect("list")
        .iter()
        .find(|tk| tk["user_id"] == luis.to_string())
        .expect("luis's token")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        admin
            .delete(t.url(&format!("/api/v1/tokens/{id}")))
            .send()
            .await
            .expect("revoke")
            .status(),
        204
    );
    assert_eq!(
        c.get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        401,
        "a revoked token stops working at once"
    );
    let r = reqwest::Client::new()
        .get(t.url("/api/v1/me"))
        .header("authorization", "Bearer vnc_not-a-real-token")
        .send()
        .await
        .expect("me");
    assert_eq!(r.status(), 401);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn workspace_a_can_never_read_or_change_workspace_b(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("globex", "bob@globex.test", Role::Admin).await;
    let a = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let b = t.bearer(&t.token("globex", "bob@globex.test", "read,write").await);
    let b_user = t
        .user("globex", "carl@globex.test", Role::Agent)
        .await
        .to_string();
    let b_team = json(
        b.post(t.url("/api/v1/teams"))
            .json(&json!({"name": "Secret team"}))
            .send()
            .await
            .expect("team"),
    )
    .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let b_invite = json(
        b.post(t.url("/api/v1/invites"))
            .json(&json!({"email": "dora@globex.test", "role": "agent"}))
            .send()
            .await
            .expect("invite"),
    )
    .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let b_token = json(
        b.post(t.url("/api/v1/tokens"))
            .json(&json!({"name": "b-tok", "scopes": "read"}))
            .send()
            .await
            .expect("token"),
    )
    .await;
    let b_token_id = b_token["id"].as_str().expect("id").to_owned();

    let attempts: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/api/v1/users/{b_user}"), None),
        (
            "PATCH",
            format!("/api/v1/users/{b_user}"),
            Some(json!({"role": "admin"})),
        ),
        ("GET", format!("/api/v1/teams/{b_team}"), None),
        (
            "PATCH",
            format!("/api/v1/teams/{b_team}"),
            Some(json!({"name": "hijacked"})),
        ),
        ("DELETE", format!("/api/v1/teams/{b_team}"), None),
        ("DELETE", format!("/api/v1/invites/{b_invite}"), None),
        ("DELETE", format!("/api/v1/tokens/{b_token_id}"), None),
    ];
    for (method, path, body) in attempts {
        let body = body.map_or(Body::None, Body::Json);
        let r = call(&a, &t, method, &path, &body).await;
        assert_eq!(
            r.status(),
            404,
            "A {method} {path} must look like it does not exist"
        );
    }
    let r = a
        .post(t.url("/api/v1/teams"))
        .json(&json!({"name": "Mixed", "members": [b_user]}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422, "B's user cannot join A's team");
    let r = a
        .post(t.url("/api/v1/tokens"))
        .json(&json!({"name": "as-carl", "scopes": "read", "user_id": b_user}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422, "A cannot mint a token acting as B's user");

    // Lists and the audit log of A show nothing of B.
    for path in [
        "/api/v1/users",
        "/api/v1/teams",
        "/api/v1/tokens",
        "/api/v1/invites",
        "/api/v1/audit-log",
    ] {
        let body = a
            .get(t.url(path))
            .send()
            .await
            .expect("list")
            .text()
            .await
            .expect("body");
        for id in [&b_user, &b_team, &b_invite, &b_token_id] {
            assert!(!body.contains(id.as_str()), "{path} of A shows B's {id}");
        }
        assert!(!body.contains("globex"), "{path} of A mentions B");
    }
    // And B is intact.
    let team = json(
        b.get(t.url(&format!("/api/v1/teams/{b_team}")))
            .send()
            .await
            .expect("team"),
    )
    .await;
    assert_eq!(team["name"], "Secret team");
    let user = json(
        b.get(t.url(&format!("/api/v1/users/{b_user}")))
            .send()
            .await
            .expect("user"),
    )
    .await;
    assert_eq!(user["role"], "agent");
    let b_secret = b_token["secret"].as_str().expect("secret");
    assert_eq!(
        t.bearer(b_secret)
            .get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        200
    );
}
