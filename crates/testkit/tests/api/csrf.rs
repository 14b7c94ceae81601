//! Every state-changing request authenticated by a cookie needs a CSRF token.
use rstest::rstest;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn forms_without_a_valid_token_or_from_another_origin_are_refused(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("acme", "eve@acme.test", Role::Admin).await;
    let (ana, ana_csrf) = t.login("ana@acme.test").await;
    let (_, eve_csrf) = t.login("eve@acme.test").await;
    let post = |csrf: Option<&str>, origin: Option<&str>| {
        let mut form = vec![("name", "cli".to_owned()), ("scopes", "read".to_owned())];
        if let Some(c) = csrf {
            form.push(("_csrf", c.to_owned()));
        }
        let mut req = ana.post(t.url("/settings/tokens")).form(&form);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    assert_eq!(
        post(None, None).await.expect("send").status(),
        403,
        "no token"
    );
    assert_eq!(
        post(Some("forged"), None).await.expect("send").status(),
        403,
        "forged token"
    );
    assert_eq!(
        post(Some(&eve_csrf), None).await.expect("send").status(),
        403,
        "another session's token"
    );
    assert_eq!(
        post(Some(&ana_csrf), Some("https://evil.example"))
            .await
            .expect("send")
            .status(),
        403,
        "foreign origin"
    );
    assert_eq!(
        post(Some(&ana_csrf), Some(&t.base))
            .await
            .expect("send")
            .status(),
        200,
        "right token, own origin"
    );
    // The API accepts the session cookie for writes only with the header.
    let r = ana
        .post(t.url("/api/v1/teams"))
        .json(&serde_json::json!({"name": "Ventas"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
    let r = ana
        .post(t.url("/api/v1/teams"))
        .header("x-csrf-token", &ana_csrf)
        .json(&serde_json::json!({"name": "Ventas"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
}

#[tokio::test]
async fn the_login_form_itself_is_protected() {
    let Some(t) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let c = t.browser();
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("email", "ana@acme.test"),
            ("password", vinculo_testkit::PASSWORD),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(
        r.status(),
        403,
        "login CSRF: a form without the anonymous token is refused"
    );
}
