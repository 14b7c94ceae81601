//! The mailbox settings' "test the connection" and "read now" against the real test servers
//! (dovecot and the aiosmtpd sink from `.ci/start-mail.sh`): good settings work, a wrong
//! password, an untrusted certificate, a missing folder and a closed port are each told
//! apart; reading now takes in an APPENDed message. Skipped with a note when
//! `VINCULO_TEST_IMAP` is not set.
use crate::interactions::{admin, get, post};
use crate::mailbox_reading::{new_folder, server, Server};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_testkit::{Backend, TestApp};

/// A mailbox on the test servers (STARTTLS on both), reading `folder`.
fn settings(srv: &Server, folder: &str, imap_password: &str, ca: bool) -> Value {
    let mut v = json!({"name": "Soporte", "address": "soporte@acme.test", "folder": folder, "enabled": false,
        "imap": {"host": "127.0.0.1", "port": 10143, "security": "starttls", "username": srv.user, "password": imap_password},
        "smtp": {"host": "127.0.0.1", "port": 10025, "security": "starttls", "username": srv.user, "password": srv.password}});
    if ca {
        v["tls_ca_pem"] = json!(srv.ca);
    }
    v
}

fn message(id: &str) -> Vec<u8> {
    format!(
        "From: Lucía <lucia@cliente.test>\r\nTo: soporte@acme.test\r\nSubject: Prueba\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0100\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n¿Me leéis?\r\n"
    )
    .into_bytes()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_connection_test_tells_each_failure_apart_and_read_now_takes_new_mail(
    #[case] backend: Backend,
) {
    let Some(srv) = server() else { return };
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let folder = format!("vinculo-check-{}", uuid::Uuid::new_v4().simple());
    let mut session = new_folder(&srv, &folder).await;

    // Settings still being typed.
    let (s, v) = post(
        &t,
        &c,
        "/api/v1/mail-channels/test",
        settings(&srv, &folder, &srv.password, true),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["ok"].as_bool(),
            v["imap"]["ok"].as_bool(),
            v["smtp"]["ok"].as_bool()
        ),
        (Some(true), Some(true), Some(true)),
        "{v}"
    );
    assert_eq!(v["imap"]["messages"], 0);
    let (_, v) = post(
        &t,
        &c,
        "/api/v1/mail-channels/test",
        settings(&srv, &folder, "wrong", true),
    )
    .await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["imap"]["code"], "auth_failed", "{v}");
    assert_eq!(v["smtp"]["ok"], true, "{v}");
    let (_, v) = post(
        &t,
        &c,
        "/api/v1/mail-channels/test",
        settings(&srv, "no-such-folder-here", &srv.password, true),
    )
    .await;
    assert_eq!(v["imap"]["code"], "folder_not_found", "{v}");
    let (_, v) = post(
        &t,
        &c,
        "/api/v1/mail-channels/test",
        settings(&srv, &folder, &srv.password, false),
    )
    .await;
    assert_eq!(
        (v["imap"]["code"].as_str(), v["smtp"]["code"].as_str()),
        (Some("tls_failed"), Some("tls_failed")),
        "{v}"
    );
    let mut closed = settings(&srv, &folder, &srv.password, true);
    closed["imap"]["port"] = json!(1);
    let (_, v) = post(&t, &c, "/api/v1/mail-channels/test", closed).await;
    assert_eq!(v["imap"]["code"], "cannot_connect", "{v}");
    let (s, v) = post(&t, &c, "/api/v1/mail-channels/test", json!({"name": "x"})).await;
    assert_eq!(s, 422, "{v}");

    // A stored mailbox: tested with its stored passwords, then read now.
    let (s, mb) = post(
        &t,
        &c,
        "/api/v1/mail-channels",
        settings(&srv, &folder, &srv.password, true),
    )
    .await;
    assert_eq!(s, 201, "{mb}");
    let id = mb["id"].as_str().expect("id").to_owned();
    let (s, v) = post(
        &t,
        &c,
        &format!("/api/v1/mail-channels/{id}/test"),
        json!({}),
    )
    .await;
    assert_eq!((s, v["ok"].as_bool()), (200, Some(true)), "{v}");
    session
        .append(&folder, &message(&format!("{folder}@cliente.test")))
        .await
        .expect("append");
    let (s, v) = post(
        &t,
        &c,
        &format!("/api/v1/mail-channels/{id}/read"),
        json!({}),
    )
    .await;
    assert_eq!((s, v["messages"].as_u64()), (200, Some(1)), "{v}");
    let (_, v) = post(
        &t,
        &c,
        &format!("/api/v1/mail-channels/{id}/read"),
        json!({}),
    )
    .await;
    assert_eq!(v["messages"], 0, "{v}");
    let (_, inbox) = get(&t, &c, "/api/v1/conversations").await;
    assert_eq!(inbox["data"].as_array().map(Vec::len), Some(1), "{inbox}");
    let (_, v) = get(&t, &c, &format!("/api/v1/mail-channels/{id}")).await;
    let read_at = v["last_fetch_at"].as_str().expect("read").to_owned();
    assert!(v["last_error"].is_null(), "{v}");

    // The folder gone: the read fails in words, kept as the last error beside the last read
    // that worked.
    session.delete_folder(&folder).await.expect("cleanup");
    session.logout().await;
    let (s, v) = post(
        &t,
        &c,
        &format!("/api/v1/mail-channels/{id}/read"),
        json!({}),
    )
    .await;
    assert_eq!(s, 502, "{v}");
    let (_, v) = get(&t, &c, &format!("/api/v1/mail-channels/{id}")).await;
    assert!(
        v["last_error"]
            .as_str()
            .is_some_and(|e| e.contains(&folder)),
        "{v}"
    );
    assert_eq!(v["last_fetch_at"].as_str(), Some(read_at.as_str()), "{v}");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn the_settings_page_tests_typed_and_stored_settings_and_reads_now(#[case] backend: Backend) {
    let Some(srv) = server() else { return };
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let folder = format!("vinculo-page-{}", uuid::Uuid::new_v4().simple());
    let mut session = new_folder(&srv, &folder).await;
    session
        .append(&folder, &message(&format!("{folder}@cliente.test")))
        .await
        .expect("append");
    let (s, mb) = post(
        &t,
        &c,
        "/api/v1/mail-channels",
        settings(&srv, &folder, &srv.password, true),
    )
    .await;
    assert_eq!(s, 201, "{mb}");
    let id = mb["id"].as_str().expect("id").to_owned();
    let (browser, csrf) = t.login("ana@acme.test").await;

    let page = browser
        .get(t.url("/settings/mailboxes"))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains(&format!("/settings/mailboxes/{id}/test?stored=1")),
        "{page}"
    );
    assert!(
        page.contains(&format!("/settings/mailboxes/{id}/read")),
        "{page}"
    );

    // From the list: the stored settings work on both sides.
    let r = browser
        .post(t.url(&format!("/settings/mailboxes/{id}/test?stored=1")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("test");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("id=\"test-report\""), "{html}");
    assert_eq!(html.matches("class=\"badge ok\"").count(), 2, "{html}");

    // From the form: a wrong password typed is named in plain words, the form kept.
    let form = [
        ("_csrf", csrf.as_str()),
        ("name", "Soporte"),
        ("address", "soporte@acme.test"),
        ("imap_host", "127.0.0.1"),
        ("imap_port", "10143"),
        ("imap_security", "starttls"),
        ("imap_username", srv.user.as_str()),
        ("imap_password", "wrong"),
        ("folder", folder.as_str()),
        ("smtp_host", "127.0.0.1"),
        ("smtp_port", "10025"),
        ("smtp_security", "starttls"),
        ("smtp_username", srv.user.as_str()),
        ("tls_ca_pem", srv.ca.as_str()),
    ];
    let r = browser
        .post(t.url(&format!("/settings/mailboxes/{id}/test")))
        .form(&form)
        .send()
        .await
        .expect("test typed");
    let html = r.text().await.expect("html");
    assert!(
        html.contains("The server refused the user name or password."),
        "{html}"
    );
    assert!(html.contains("data-code=\"auth_failed\""), "{html}");
    assert!(
        html.contains("value=\"10143\""),
        "the typed form is kept: {html}"
    );

    // Read now, from the list: how many came in.
    let r = browser
        .post(t.url(&format!("/settings/mailboxes/{id}/read")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("read");
    let html = r.text().await.expect("html");
    assert!(html.contains("id=\"read-report\""), "{html}");
    assert!(html.contains("Read: 1 new messages."), "{html}");
    session.delete_folder(&folder).await.expect("cleanup");
    session.logout().await;
}
