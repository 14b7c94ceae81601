//! Members, invitations and pagination.
use crate::json;
use rstest::rstest;
use serde_json::json;
use std::collections::HashSet;
use vinculo_domain::auth::Role;
use vinculo_testkit::{extract_csrf, Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_invited_person_joins_with_the_role_and_the_link_works_once(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let admin = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let r = admin
        .post(t.url("/api/v1/invites"))
        .json(&json!({"email": "Luis@Acme.test", "role": "sales"}))
        .send()
        .await
        .expect("invite");
    assert_eq!(r.status(), 201);
    let invite = json(r).await;
    assert_eq!(invite["email"], "luis@acme.test");
    assert_eq!(invite["status"], "pending");
    let link = invite["accept_url"].as_str().expect("link").to_owned();
    let path = link
        .strip_prefix(&t.base)
        .expect("link on this server")
        .to_owned();
    let listed = json(
        admin
            .get(t.url("/api/v1/invites"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert!(
        listed[0].get("accept_url").is_none(),
        "the secret link is only in the creation answer"
    );

    let c = t.browser();
    let page = c
        .get(t.url(&path))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    let csrf = extract_csrf(&page).expect("csrf");
    let r = c
        .post(t.url(&path))
        .form(&[
            ("name", "Luis Gómez"),
            ("password", "short"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .expect("accept");
    assert_eq!(r.status(), 422, "the password policy applies");
    let r = c
        .post(t.url(&path))
        .form(&[
            ("name", "Luis Gómez"),
            ("password", "luis's long password"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .expect("accept");
    assert_eq!(r.status(), 303);
    let me = json(c.get(t.url("/api/v1/me")).send().await.expect("me")).await;
    assert_eq!(me["name"], "Luis Gómez");
    assert_eq!(me["role"], "sales");
    assert_eq!(me["workspace"]["slug"], "acme");
    assert_eq!(
        t.browser()
            .get(t.url(&path))
            .send()
            .await
            .expect("again")
            .status(),
        404,
        "the link works once"
    );
    let listed = json(
        admin
            .get(t.url("/api/v1/invites"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(listed[0]["status"], "accepted");
    let again = admin
        .post(t.url("/api/v1/invites"))
        .json(&json!({"email": "luis@acme.test", "role": "sales"}))
        .send()
        .await
        .expect("invite");
    assert_eq!(again.status(), 409, "a member cannot be invited twice");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_existing_account_joins_a_second_workspace_with_its_password(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("globex", "bob@globex.test", Role::Admin).await;
    let globex = t.bearer(&t.token("globex", "bob@globex.test", "write").await);
    let invite = json(
        globex
            .post(t.url("/api/v1/invites"))
            .json(&json!({"email": "ana@acme.test", "role": "analyst"}))
            .send()
            .await
            .expect("invite"),
    )
    .await;
    let path = invite["accept_url"]
        .as_str()
        .expect("link")
        .strip_prefix(&t.base)
        .expect("local")
        .to_owned();
    let c = t.browser();
    let page = c
        .get(t.url(&path))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(
        !page.contains("name=\"name\""),
        "an existing account is not asked for a new name"
    );
    let csrf = extract_csrf(&page).expect("csrf");
    let r = c
        .post(t.url(&path))
        .form(&[("password", "not her password"), ("_csrf", &csrf)])
        .send()
        .await
        .expect("accept");
    assert_eq!(r.status(), 422);
    let r = c
        .post(t.url(&path))
        .form(&[("password", vinculo_testkit::PASSWORD), ("_csrf", &csrf)])
        .send()
        .await
        .expect("accept");
    assert_eq!(r.status(), 303);
    let me = json(c.get(t.url("/api/v1/me")).send().await.expect("me")).await;
    assert_eq!(me["workspace"]["slug"], "globex");
    assert_eq!(me["role"], "analyst");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_withdrawn_invitation_no_longer_opens(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let admin = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let invite = json(
        admin
            .post(t.url("/api/v1/invites"))
            .json(&json!({"email": "x@acme.test", "role": "agent"}))
            .send()
            .await
            .expect("invite"),
    )
    .await;
    let id = invite["id"].as_str().expect("id");
    assert_eq!(
        admin
            .delete(t.url(&format!("/api/v1/invites/{id}")))
            .send()
            .await
            .expect("revoke")
            .status(),
        204
    );
    assert_eq!(
        admin
            .delete(t.url(&format!("/api/v1/invites/{id}")))
            .send()
            .await
            .expect("revoke")
            .status(),
        404
    );
    let path = invite["accept_url"]
        .as_str()
        .expect("link")
        .strip_prefix(&t.base)
        .expect("local")
        .to_owned();
    assert_eq!(
        t.browser()
            .get(t.url(&path))
            .send()
            .await
            .expect("page")
            .status(),
        404
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_disabled(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let ana = t.user("acme", "ana@acme.test", Role::Admin).await;
    let admin = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    for body in [json!({"role": "manager"}), json!({"disabled": true})] {
        let r = admin
            .patch(t.url(&format!("/api/v1/users/{ana}")))
            .json(&body)
            .send()
            .await
            .expect("patch");
        assert_eq!(r.status(), 409);
        assert_eq!(json(r).await["code"], "invalid_state");
    }
    let luis = t.user("acme", "luis@acme.test", Role::Agent).await;
    let r = admin
        .patch(t.url(&format!("/api/v1/users/{luis}")))
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(json(r).await["role"], "admin");
    let r = admin
        .patch(t.url(&format!("/api/v1/users/{ana}")))
        .json(&json!({"role": "manager"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(
        r.status(),
        200,
        "with another admin, the first may step down"
    );
    let r = admin
        .patch(t.url(&format!("/api/v1/users/{luis}")))
        .json(&json!({"role": "agent"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(
        r.status(),
        403,
        "ana's token acts as ana, who is a manager now"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn members_page_through_with_cursors_without_gaps_or_repeats(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    for i in 0..7 {
        t.user(
            "acme",
            &format!("u{i}@acme.test"),
            if i % 2 == 0 { Role::Agent } else { Role::Sales },
        )
        .await;
    }
    let c = t.bearer(&t.token("acme", "ana@acme.test", "read").await);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = match &cursor {
            Some(cur) => t.url(&format!("/api/v1/users?limit=3&cursor={cur}")),
            None => t.url("/api/v1/users?limit=3"),
        };
        let page = json(c.get(url).send().await.expect("page")).await;
        pages += 1;
        for u in page["data"].as_array().expect("data") {
            seen.push(u["email"].as_str().expect("email").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 8);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 8);
    let sales = json(
        c.get(t.url("/api/v1/users?role=sales"))
            .send()
            .await
            .expect("filter"),
    )
    .await;
    assert_eq!(sales["data"].as_array().map(Vec::len), Some(3));
    let r = c
        .get(t.url("/api/v1/users?role=chief"))
        .send()
        .await
        .expect("filter");
    assert_eq!(r.status(), 422);
}
