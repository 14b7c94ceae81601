//! The workspace boundary on every route: an admin of workspace A naming workspace B's ids,
//! in a path (404, as if they did not exist) or in a body (422 on the field that names
//! them), and B's records the same afterwards.
use crate::inbox_pages::form;
use crate::json;
use crate::security_fixture::{fixture, mailbox_body, Fixture};
use crate::security_matrix::{body, call, Body, ROUTES};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

/// Two workspaces with one of everything each: A's admin, B's admin, A's and B's ids.
async fn two_workspaces(t: &TestApp) -> (reqwest::Client, reqwest::Client, Fixture, Fixture) {
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("globex", "bob@globex.test", Role::Admin).await;
    let a = t.bearer(&t.token("acme", "ana@acme.test", "read,write").await);
    let b = t.bearer(&t.token("globex", "bob@globex.test", "read,write").await);
    let fa = fixture(t, &a, "acme", "ana@acme.test", 0).await;
    let fb = fixture(t, &b, "globex", "bob@globex.test", 1).await;
    (a, b, fa, fb)
}

/// What B sees of its records: every GET that names one, and its lists.
async fn what_b_sees(t: &TestApp, b: &reqwest::Client, fb: &Fixture) -> Vec<(String, String)> {
    let lists = [
        "/customers",
        "/organizations",
        "/conversations",
        "/canned-responses",
        "/mail-channels",
        "/forms",
        "/settings/custom-fields",
        "/views",
        "/merge-suggestions",
        "/teams",
        "/invites",
    ];
    let named = ROUTES
        .iter()
        .filter(|(m, p, _)| *m == "GET" && p.contains('{'))
        .map(|(_, p, _)| fb.path(p));
    let mut seen = Vec::new();
    for path in lists.iter().map(|p| (*p).to_owned()).chain(named) {
        let r = call(b, t, "GET", &format!("/api/v1{path}"), &Body::None).await;
        let status = r.status();
        seen.push((path, format!("{status} {}", r.text().await.expect("body"))));
    }
    seen
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_route_answers_404_for_an_id_of_another_workspace_and_changes_nothing(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (a, b, fa, fb) = two_workspaces(&t).await;
    what_b_sees(&t, &b, &fb).await; // The first look opens B's conversation.
    let before = what_b_sees(&t, &b, &fb).await;

    let mut attempts: Vec<(&str, String, &str)> = ROUTES
        .iter()
        .filter(|(_, p, _)| p.contains('{'))
        .map(|(m, p, _)| (*m, fb.path(p), *p))
        .collect();
    // One id of each workspace in the same path.
    let (conv, canned, entry) = (fa.id("conversation"), fb.id("canned"), fb.id("entry"));
    attempts.push((
        "GET",
        format!("/conversations/{conv}/canned-responses/{canned}"),
        "",
    ));
    attempts.push((
        "POST",
        format!("/conversations/{conv}/replies/{entry}/resend"),
        "",
    ));
    let (conv, entry) = (fb.id("conversation"), fa.id("entry"));
    attempts.push((
        "POST",
        format!("/conversations/{conv}/replies/{entry}/resend"),
        "",
    ));
    for (method, path, template) in &attempts {
        let sent = body(method, template, &fa, "x");
        let r = call(&a, &t, method, &format!("/api/v1{path}"), &sent).await;
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert_eq!(status, 404, "A {method} {path} must not find B's: {text}");
    }

    // The pages too.
    let (c, _) = t.login("ana@acme.test").await;
    for path in [
        "/customers/{customer}",
        "/customers/{customer}/timeline",
        "/organizations/{organization}",
        "/inbox/{conversation}",
        "/inbox/messages/{interaction}/html",
        "/inbox/attachments/{attachment}",
        "/settings/teams/{team}",
        "/settings/mailboxes/{mailbox}",
        "/settings/canned-responses/{canned}",
        "/settings/forms/{form}",
        "/settings/custom-fields/{field}",
    ] {
        let r = c.get(t.url(&fb.path(path))).send().await.expect("page");
        assert_eq!(r.status(), 404, "A's page {path} shows B's");
    }
    assert_eq!(what_b_sees(&t, &b, &fb).await, before, "B was changed");
}

/// Sends `body` as A; the status and the fields the problem names.
async fn refused(
    t: &TestApp,
    a: &reqwest::Client,
    method: &str,
    path: &str,
    body: Value,
) -> (u16, Vec<String>) {
    let r = call(a, t, method, &format!("/api/v1{path}"), &Body::Json(body)).await;
    let status = r.status().as_u16();
    let v = json(r).await;
    let fields = v["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (status, fields)
}

async fn get(t: &TestApp, c: &reqwest::Client, path: &str) -> Value {
    json(call(c, t, "GET", &format!("/api/v1{path}"), &Body::None).await).await
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_id_of_another_workspace_in_a_body_is_refused_on_its_field_and_never_stored(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (a, _, fa, fb) = two_workspaces(&t).await;
    let (b_team, b_member) = (fb.id("team"), fb.id("member"));
    let nobody = uuid::Uuid::new_v4().to_string();
    let with_team = |team: &str| {
        let mut m = mailbox_body("Ventas", "ventas@acme.test");
        m["team_id"] = json!(team);
        m
    };
    let (conv, mailbox) = (fa.id("conversation"), fa.id("mailbox"));
    let (customer, org) = (fa.id("customer"), fa.id("organization"));
    let form = json!({"name": "F", "slug": "intrusa", "language": "en", "outcome": "conversation",
        "team_id": b_team, "mail_channel_id": fb.id("mailbox"),
        "fields": [{"maps_to": "email", "label": "E-mail", "required": true}]});
    let cases: Vec<(&str, String, Value, u16, &[&str])> = vec![
        (
            "POST",
            "/mail-channels".into(),
            with_team(b_team),
            422,
            &["team_id"],
        ),
        (
            "POST",
            "/mail-channels".into(),
            with_team(&nobody),
            422,
            &["team_id"],
        ),
        (
            "PUT",
            format!("/mail-channels/{mailbox}"),
            with_team(b_team),
            422,
            &["team_id"],
        ),
        (
            "POST",
            "/customers".into(),
            json!({"given_name": "Intruso", "owner": format!("team:{b_team}")}),
            422,
            &["owner"],
        ),
        (
            "POST",
            "/customers".into(),
            json!({"given_name": "Intruso", "owner": format!("user:{b_member}")}),
            422,
            &["owner"],
        ),
        (
            "POST",
            "/customers".into(),
            json!({"given_name": "Intruso", "owner": format!("user:{nobody}")}),
            422,
            &["owner"],
        ),
        (
            "PATCH",
            format!("/customers/{customer}"),
            json!({"owner": format!("team:{b_team}")}),
            422,
            &["owner"],
        ),
        (
            "PATCH",
            format!("/organizations/{org}"),
            json!({"owner": format!("user:{b_member}")}),
            422,
            &["owner"],
        ),
        (
            "POST",
            "/customers".into(),
            json!({"given_name": "Intruso", "organizations": [{"organization_id": fb.id("organization")}]}),
            422,
            &["organizations[0].organization_id"],
        ),
        (
            "PATCH",
            format!("/conversations/{conv}"),
            json!({"team_id": b_team}),
            422,
            &["team_id"],
        ),
        (
            "PATCH",
            format!("/conversations/{conv}"),
            json!({"assignee_id": b_member}),
            422,
            &["assignee_id"],
        ),
        (
            "PATCH",
            format!("/conversations/{conv}"),
            json!({"team_id": b_team, "assign_by_turn": true}),
            422,
            &["team_id"],
        ),
        (
            "POST",
            "/canned-responses".into(),
            json!({"name": "Intrusa", "body": "Hola", "team_id": b_team}),
            422,
            &["team_id"],
        ),
        (
            "POST",
            "/forms".into(),
            form,
            422,
            &["team_id", "mail_channel_id"],
        ),
        (
            "POST",
            "/teams".into(),
            json!({"name": "Intruso", "members": [b_member]}),
            422,
            &["members"],
        ),
        (
            "POST",
            "/tokens".into(),
            json!({"name": "intruso", "scopes": "read", "user_id": b_member}),
            422,
            &["user_id"],
        ),
        (
            "POST",
            "/interactions".into(),
            json!({"channel": "chat", "type": "message", "customer": {"id": fb.id("customer")}}),
            422,
            &["customer.id"],
        ),
        // A merge names its customers like a path does: not found, each by its place.
        (
            "POST",
            "/customers:merge".into(),
            json!({"survivor": fa.id("pair_a"), "merge": [fb.id("pair_b")]}),
            404,
            &["merge[0]"],
        ),
    ];
    for (method, path, sent, status, fields) in cases {
        let got = refused(&t, &a, method, &path, sent.clone()).await;
        assert_eq!(
            got,
            (status, fields.iter().map(|f| (*f).to_owned()).collect()),
            "A {method} {path} {sent}"
        );
    }

    // Nothing of it was stored.
    let mailboxes = get(&t, &a, "/mail-channels").await;
    assert_eq!(mailboxes.as_array().map(Vec::len), Some(1), "{mailboxes}");
    assert_eq!(mailboxes[0]["team_id"], Value::Null);
    assert_eq!(get(&t, &a, "/customers?q=Intruso").await["data"], json!([]));
    assert_eq!(
        get(&t, &a, &format!("/customers/{customer}")).await["owner"],
        Value::Null
    );
    assert_eq!(
        get(&t, &a, &format!("/organizations/{org}")).await["owner"],
        Value::Null
    );
    let thread = get(&t, &a, &format!("/conversations/{conv}")).await;
    assert_eq!(thread["conversation"]["team_id"], Value::Null, "{thread}");
    assert_eq!(
        thread["conversation"]["assignee_id"],
        Value::Null,
        "{thread}"
    );
    let canned = get(&t, &a, "/canned-responses").await;
    assert!(!canned.to_string().contains("Intrusa"), "{canned}");
    assert!(!get(&t, &a, "/forms").await.to_string().contains("intrusa"));

    // A's own members and teams may own A's customers.
    let (a_team, a_member) = (fa.id("team"), fa.id("member"));
    for owner in [format!("team:{a_team}"), format!("user:{a_member}")] {
        let r = call(
            &a,
            &t,
            "PATCH",
            &format!("/api/v1/customers/{customer}"),
            &Body::Json(json!({"owner": owner})),
        )
        .await;
        assert_eq!(r.status(), 200);
        assert_eq!(json(r).await["owner"], json!(owner));
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_mailbox_form_names_a_team_of_another_workspace_beside_the_team(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (a, _, fa, fb) = two_workspaces(&t).await;
    let (c, csrf) = t.login("ana@acme.test").await;
    let b_team = fb.id("team");
    let fields = [
        ("_csrf", csrf.as_str()),
        ("name", "Ventas"),
        ("address", "ventas@acme.test"),
        ("imap_host", "127.0.0.1"),
        ("imap_port", "1"),
        ("imap_security", "none"),
        ("imap_username", "u"),
        ("imap_password", "p"),
        ("smtp_host", "127.0.0.1"),
        ("smtp_port", "1"),
        ("smtp_security", "none"),
        ("smtp_username", "u"),
        ("smtp_password", "p"),
        ("team", b_team),
    ];
    let mailbox = fa.id("mailbox");
    for path in [
        "/settings/mailboxes".to_owned(),
        format!("/settings/mailboxes/{mailbox}"),
    ] {
        let (s, html) = form(&t, &c, &path, &fields).await;
        assert_eq!(s, 422, "{path}: {html}");
        let at = html
            .find("id=\"err-team\"")
            .unwrap_or_else(|| panic!("no error beside the team: {html}"));
        let said = &html[at..at + 200];
        assert!(
            said.contains(&format!("no team {b_team} in this workspace")),
            "{said}"
        );
    }
    let mailboxes = get(&t, &a, "/mail-channels").await;
    assert_eq!(mailboxes.as_array().map(Vec::len), Some(1), "{mailboxes}");
    assert_eq!(mailboxes[0]["team_id"], Value::Null);
    assert_eq!(mailboxes[0]["name"], "Soporte 0");
}
