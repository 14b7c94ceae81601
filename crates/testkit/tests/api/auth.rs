//! Logging in and out, sessions, rate limits, password changes, workspace switching, setup.
use crate::json;
use rstest::rstest;
use vinculo_domain::auth::Role;
use vinculo_testkit::{extract_csrf, Backend, TestApp, PASSWORD};

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("vinculo_session="))
        .map(str::to_owned)
}

async fn try_login(
    t: &TestApp,
    c: &reqwest::Client,
    email: &str,
    password: &str,
    ip: &str,
) -> reqwest::Response {
    let csrf = t.csrf_of(c, "/login").await;
    c.post(t.url("/login"))
        .header("x-forwarded-for", ip)
        .form(&[("email", email), ("password", password), ("_csrf", &csrf)])
        .send()
        .await
        .expect("login")
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn login_sets_a_fresh_httponly_session_and_logout_ends_it(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.browser();
    // A session id planted before login (fixation) must not become valid.
    let planted = "vns_planted-by-an-attacker";
    let page = c
        .get(t.url("/login"))
        .header("cookie", format!("vinculo_session={planted}"))
        .send()
        .await
        .expect("get");
    assert_eq!(
        page.status(),
        200,
        "an unknown session cookie just shows the login page"
    );
    let csrf = t.csrf_of(&c, "/login").await;
    let res = c
        .post(t.url("/login"))
        .form(&[
            ("email", "ANA@acme.test "),
            ("password", PASSWORD),
            ("_csrf", &csrf),
            ("next", "/settings/users"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/settings/users");
    let cookie = session_cookie(&res).expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains(planted));
    let me = json(c.get(t.url("/api/v1/me")).send().await.expect("me")).await;
    assert_eq!(me["email"], "ana@acme.test");
    assert_eq!(me["auth"], "session");
    let r = reqwest::Client::new()
        .get(t.url("/api/v1/me"))
        .header("cookie", format!("vinculo_session={planted}"))
        .send()
        .await
        .expect("me");
    assert_eq!(r.status(), 401, "a planted session id is never accepted");

    let csrf = t.csrf_of(&c, "/app").await;
    let r = c
        .post(t.url("/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status(), 303);
    let raw = cookie.split(';').next().expect("pair").to_owned();
    let r = reqwest::Client::new()
        .get(t.url("/api/v1/me"))
        .header("cookie", raw)
        .send()
        .await
        .expect("me");
    assert_eq!(r.status(), 401, "the old session must be dead after logout");
    assert_eq!(
        c.get(t.url("/app")).send().await.expect("app").status(),
        303
    );
}

#[tokio::test]
async fn open_redirects_after_login_are_refused() {
    let Some(t) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.browser();
    let csrf = t.csrf_of(&c, "/login").await;
    let res = c
        .post(t.url("/login"))
        .form(&[
            ("email", "ana@acme.test"),
            ("password", PASSWORD),
            ("_csrf", &csrf),
            ("next", "//evil.example/x"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.headers()["location"], "/app");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_account_locks_after_five_wrong_passwords(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.browser();
    for i in 0..5 {
        let r = try_login(
            &t,
            &c,
            "ana@acme.test",
            "wrong password!",
            &format!("10.0.0.{i}"),
        )
        .await;
        assert_eq!(r.status(), 401);
    }
    let r = try_login(&t, &c, "ana@acme.test", PASSWORD, "10.0.1.1").await;
    assert_eq!(
        r.status(),
        429,
        "the right password is refused while the account is locked"
    );
    // Another account is unaffected.
    t.user("acme", "luis@acme.test", Role::Agent).await;
    assert_eq!(
        try_login(&t, &c, "luis@acme.test", PASSWORD, "10.0.1.2")
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn one_address_is_limited_across_accounts() {
    let Some(t) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.browser();
    for i in 0..30 {
        let r = try_login(
            &t,
            &c,
            &format!("nobody{i}@acme.test"),
            "whatever-1234",
            "203.0.113.9",
        )
        .await;
        assert_eq!(r.status(), 401, "attempt {i}");
    }
    assert_eq!(
        try_login(&t, &c, "ana@acme.test", PASSWORD, "203.0.113.9")
            .await
            .status(),
        429
    );
    assert_eq!(
        try_login(&t, &c, "ana@acme.test", PASSWORD, "203.0.113.10")
            .await
            .status(),
        303
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let (a, csrf_a) = t.login("ana@acme.test").await;
    let (b, _) = t.login("ana@acme.test").await;
    let r = a.post(t.url("/api/v1/me/password")).header("x-csrf-token", &csrf_a).json(&serde_json::json!({"current_password": "wrong one!!", "new_password": "a brand new secret"})).send().await.expect("send");
    assert_eq!(r.status(), 422);
    assert_eq!(json(r).await["errors"][0]["field"], "current_password");
    let r = a
        .post(t.url("/api/v1/me/password"))
        .header("x-csrf-token", &csrf_a)
        .json(&serde_json::json!({"current_password": PASSWORD, "new_password": "short"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    let r = a.post(t.url("/api/v1/me/password")).header("x-csrf-token", &csrf_a).json(&serde_json::json!({"current_password": PASSWORD, "new_password": "a brand new secret"})).send().await.expect("send");
    assert_eq!(r.status(), 204);
    assert_eq!(
        a.get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        200,
        "this session stays"
    );
    assert_eq!(
        b.get(t.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        401,
        "other sessions end"
    );
    let c = t.browser();
    assert_eq!(
        try_login(&t, &c, "ana@acme.test", "a brand new secret", "10.1.1.1")
            .await
            .status(),
        303
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_user_in_two_workspaces_can_switch(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("globex", "ana@acme.test", Role::Analyst).await;
    let (c, csrf) = t.login("ana@acme.test").await;
    let list = json(
        c.get(t.url("/api/v1/me/workspaces"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert_eq!(
        json(c.get(t.url("/api/v1/me")).send().await.expect("me")).await["workspace"]["slug"],
        "acme"
    );
    let r = c
        .post(t.url("/workspaces/switch"))
        .form(&[("slug", "globex"), ("_csrf", &csrf)])
        .send()
        .await
        .expect("switch");
    assert_eq!(r.status(), 303);
    let me = json(c.get(t.url("/api/v1/me")).send().await.expect("me")).await;
    assert_eq!(me["workspace"]["slug"], "globex");
    assert_eq!(me["role"], "analyst");
    let csrf = t.csrf_of(&c, "/app").await;
    let r = c
        .post(t.url("/workspaces/switch"))
        .form(&[("slug", "initech"), ("_csrf", &csrf)])
        .send()
        .await
        .expect("switch");
    assert_eq!(
        r.status(),
        404,
        "a workspace one is not a member of cannot be entered"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn first_run_setup_needs_the_printed_secret_and_works_once(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = t.browser();
    assert_eq!(
        c.get(t.url("/setup?token=guess"))
            .send()
            .await
            .expect("setup")
            .status(),
        403
    );
    let state_token = {
        // The secret is printed by `vinculo serve`; tests read it from the same place.
        let html = c
            .get(t.url("/setup"))
            .send()
            .await
            .expect("setup")
            .text()
            .await
            .expect("body");
        assert!(
            !html.contains("name=\"workspace_name\""),
            "no form without the secret"
        );
        t.setup_secret().await
    };
    let page = c
        .get(t.url(&format!("/setup?token={state_token}")))
        .send()
        .await
        .expect("setup")
        .text()
        .await
        .expect("body");
    let csrf = extract_csrf(&page).expect("csrf");
    let form = [
        ("token", state_token.as_str()),
        ("workspace_name", "Café Núñez"),
        ("name", "Ana Núñez"),
        ("email", "ana@cafe.test"),
        ("password", "short"),
        ("_csrf", &csrf),
    ];
    let r = c
        .post(t.url("/setup"))
        .form(&form)
        .send()
        .await
        .expect("setup");
    assert_eq!(
        r.status(),
        422,
        "a short password is refused and nothing is created"
    );
    let mut form = form;
    form[4].1 = PASSWORD;
    let r = c
        .post(t.url("/setup"))
        .form(&form)
        .send()
        .await
        .expect("setup");
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let me = json(c.get(t.url("/api/v1/me")).send().await.expect("me")).await;
    assert_eq!(me["role"], "admin");
    assert_eq!(me["workspace"]["slug"], "cafe-nunez");
    let r = reqwest::Client::new()
        .post(t.url("/setup"))
        .form(&form)
        .send()
        .await
        .expect("again");
    assert_eq!(r.status(), 403, "setup cannot run twice");
}
