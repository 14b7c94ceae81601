//! Every write through the API and the pages leaves its audit entry: canned responses,
//! mailboxes (never their passwords), teams, a conversation's change, internal notes (API and
//! page), a reply and its resend (never their text), saved views and a mailbox's "read now".
//! The log, filtered by entity type, says who, what, and each field before and after. No mail
//! server is needed: the mailbox points at a closed port on this machine, so the reply fails
//! to send and can be sent again. On both backends.
use crate::inbox_pages::form;
use crate::replies::{message, take};
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_app::conversations::sender;
use vinculo_domain::auth::Role;
use vinculo_domain::ids::MailChannelId;
use vinculo_testkit::{Backend, TestApp};

const IMAP_SECRET: &str = "imap-Secret-4711";
const SMTP_SECRET: &str = "smtp-Secret-4712";
const SMTP_SECRET_NEW: &str = "smtp-Secret-4713";
const NOTE: &str = "Llamar al almacén: clave de la puerta 0042";
const REPLY: &str = "Hola Lucía: le enviamos otro pedido hoy mismo.";

/// The admin's API, and the log read through it.
struct Admin<'a> {
    t: &'a TestApp,
    c: reqwest::Client,
}

impl Admin<'_> {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .c
            .request(method, self.t.url(&format!("/api/v1{path}")));
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Sends and checks the status; the JSON answer.
    async fn ok(&self, method: reqwest::Method, path: &str, body: Value, want: u16) -> Value {
        let (s, v) = self.send(method.clone(), path, Some(body)).await;
        assert_eq!(s, want, "{method} {path}: {v}");
        v
    }

    /// The entries of one entity type, newest first.
    async fn log(&self, entity_type: &str) -> Vec<Value> {
        let path = format!("/audit-log?entity_type={entity_type}&limit=200");
        let (_, v) = self.send(reqwest::Method::GET, &path, None).await;
        let entries = v["data"].as_array().expect("data").clone();
        assert!(
            entries.iter().all(|e| e["entity_type"] == entity_type),
            "the filter keeps one type: {v}"
        );
        entries
    }
}

/// The one entry with `action` on entity `id`.
fn one<'v>(entries: &'v [Value], action: &str, id: &str) -> &'v Value {
    let found: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == action && e["entity_id"] == id)
        .collect();
    assert_eq!(found.len(), 1, "one {action} of {id} in {entries:?}");
    found[0]
}

/// `{"before": …, "after": …}` of one field.
fn change(e: &Value, field: &str) -> Value {
    e["changes"][field].clone()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_write_is_in_the_audit_log_with_who_what_and_before_after(#[case] backend: Backend) {
    use reqwest::Method as M;
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let ana = t
        .user("acme", "ana@acme.test", Role::Admin)
        .await
        .to_string();
    let a = Admin {
        t: &t,
        c: t.bearer(&t.token("acme", "ana@acme.test", "read,write").await),
    };

    // Canned response: created, changed, deleted.
    let canned = json!({"name": "Saludo", "body": "Hola", "shared": true});
    let cr = id_of(&a.ok(M::POST, "/canned-responses", canned, 201).await);
    let changed = json!({"name": "Saludo", "body": "Hola de nuevo", "shared": true});
    a.ok(M::PUT, &format!("/canned-responses/{cr}"), changed, 200)
        .await;
    assert_eq!(
        a.send(M::DELETE, &format!("/canned-responses/{cr}"), None)
            .await
            .0,
        204
    );
    let log = a.log("canned_response").await;
    assert_eq!(
        change(one(&log, "create", &cr), "name"),
        json!({"before": null, "after": "Saludo"})
    );
    let update = one(&log, "update", &cr);
    assert_eq!(
        change(update, "body"),
        json!({"before": "Hola", "after": "Hola de nuevo"})
    );
    assert!(update["changes"].get("name").is_none(), "{update}");
    assert_eq!(
        change(one(&log, "delete", &cr), "body")["after"],
        Value::Null
    );
    for e in &log {
        assert_eq!(e["actor_user_id"], ana.as_str(), "{e}");
        assert!(e["actor_token_id"].is_string(), "{e}");
        assert!(e["at"].as_str().is_some_and(|at| at.ends_with('Z')), "{e}");
    }

    // Mailbox: on a closed port of this machine, so nothing is ever reached.
    let server = |password: &str| {
        json!({"host": "127.0.0.1", "port": 9, "security": "none",
                                         "username": "soporte", "password": password})
    };
    let mut mailbox = json!({"name": "Soporte", "address": "soporte@acme.test", "folder": "INBOX",
        "imap": server(IMAP_SECRET), "smtp": server(SMTP_SECRET), "signature": "Ana", "enabled": false});
    let mb = id_of(&a.ok(M::POST, "/mail-channels", mailbox.clone(), 201).await);
    mailbox["name"] = json!("Soporte Acme");
    mailbox["imap"]["password"] = json!("");
    mailbox["smtp"]["password"] = json!(SMTP_SECRET_NEW);
    a.ok(M::PUT, &format!("/mail-channels/{mb}"), mailbox, 200)
        .await;
    let (s, v) = a
        .send(
            M::POST,
            &format!("/mail-channels/{mb}/read"),
            Some(json!({})),
        )
        .await;
    assert_eq!(s, 502, "the closed port fails the read: {v}");

    // Team: created, renamed, deleted.
    let team = id_of(
        &a.ok(M::POST, "/teams", json!({"name": "Ventas"}), 201)
            .await,
    );
    a.ok(
        M::PATCH,
        &format!("/teams/{team}"),
        json!({"name": "Ventas Norte"}),
        200,
    )
    .await;
    assert_eq!(
        a.send(M::DELETE, &format!("/teams/{team}"), None).await.0,
        204
    );
    let log = a.log("team").await;
    assert_eq!(
        change(one(&log, "create", &team), "name")["after"],
        "Ventas"
    );
    assert_eq!(
        change(one(&log, "update", &team), "name"),
        json!({"before": "Ventas", "after": "Ventas Norte"})
    );
    assert_eq!(
        change(one(&log, "delete", &team), "name")["before"],
        "Ventas Norte"
    );

    // A conversation: changed, two notes (the API's and the page's), a reply sent again.
    let mailbox = MailChannelId(mb.parse().expect("uuid"));
    let msg = message(
        mailbox,
        "lucia@cliente.test",
        Some("Lucía Pérez"),
        "PED-7",
        "Roto.",
    );
    let conv = take(&t, &msg).await.to_string();
    let patch = json!({"status": "pending", "labels": ["Urgente"]});
    a.ok(M::PATCH, &format!("/conversations/{conv}"), patch, 200)
        .await;
    let note = id_of(
        &a.ok(
            M::POST,
            &format!("/conversations/{conv}/notes"),
            json!({"body": NOTE}),
            201,
        )
        .await,
    );
    let (browser, csrf) = t.login("ana@acme.test").await;
    let (s, to) = form(
        &t,
        &browser,
        &format!("/inbox/{conv}/notes"),
        &[("_csrf", &csrf), ("body", NOTE)],
    )
    .await;
    assert_eq!(s, 303, "{to}");
    let page_note = to
        .rsplit("#e-")
        .next()
        .expect("the note's anchor")
        .to_owned();
    let reply = json!({"body": REPLY, "cc": ["almacen@acme.test"], "status": "resolved"});
    let sent = a
        .ok(
            M::POST,
            &format!("/conversations/{conv}/replies"),
            reply,
            201,
        )
        .await;
    let entry = id_of(&sent);
    assert_eq!(
        sender::send_due(&t.app).await.expect("send"),
        0,
        "the port is closed"
    );
    let resend = format!("/conversations/{conv}/replies/{entry}/resend");
    assert_eq!(a.send(M::POST, &resend, None).await.0, 204);

    let log = a.log("conversation").await;
    let updates: Vec<&Value> = log
        .iter()
        .filter(|e| e["entity_id"] == conv.as_str())
        .collect();
    assert_eq!(
        updates.len(),
        2,
        "the agent's change, and the reply's: {log:?}"
    );
    let (by_reply, by_patch) = (updates[0], updates[1]);
    assert_eq!(
        change(by_patch, "status"),
        json!({"before": "open", "after": "pending"})
    );
    assert_eq!(
        change(by_patch, "labels"),
        json!({"before": [], "after": ["urgente"]})
    );
    assert_eq!(
        change(by_reply, "status"),
        json!({"before": "pending", "after": "resolved"})
    );

    let log = a.log("conversation_note").await;
    assert_eq!(log.len(), 2, "{log:?}");
    let length = NOTE.chars().count();
    for (id, by_token) in [(&note, true), (&page_note, false)] {
        let e = one(&log, "create", id);
        assert_eq!(
            e["changes"]["conversation_id"]["after"],
            conv.as_str(),
            "{e}"
        );
        assert_eq!(e["changes"]["length"]["after"], length, "{e}");
        assert_eq!(e["actor_user_id"], ana.as_str(), "{e}");
        assert_eq!(
            e["actor_token_id"].is_string(),
            by_token,
            "the page acts as the session: {e}"
        );
    }

    let log = a.log("conversation_reply").await;
    let created = one(&log, "create", &entry);
    for (field, value) in [
        ("conversation_id", json!(conv)),
        ("mail_channel_id", json!(mb)),
        ("from", json!("soporte@acme.test")),
        ("to", json!("\"Lucía Pérez\" <lucia@cliente.test>")),
        ("cc", json!(["almacen@acme.test"])),
        ("length", json!(REPLY.chars().count())),
        ("attachments", json!(0)),
        ("message_id", sent["message_id"].clone()),
    ] {
        assert_eq!(
            change(created, field),
            json!({"before": null, "after": value}),
            "{field}"
        );
    }
    let again = one(&log, "update", &entry);
    assert_eq!(change(again, "delivery")["after"], "queued");
    assert!(
        ["failed", "undeliverable"]
            .contains(&change(again, "delivery")["before"].as_str().unwrap_or("")),
        "{again}"
    );

    // Saved view: created and deleted.
    let view = json!({"name": "VIP", "query": "tag=vip&sort=name", "shared": true});
    let v = id_of(&a.ok(M::POST, "/views", view, 201).await);
    assert_eq!(a.send(M::DELETE, &format!("/views/{v}"), None).await.0, 204);
    let log = a.log("saved_view").await;
    let created = one(&log, "create", &v);
    assert_eq!(change(created, "query")["after"], "tag=vip&sort=name");
    assert_eq!(change(created, "shared")["after"], true);
    assert_eq!(
        change(one(&log, "delete", &v), "name"),
        json!({"before": "VIP", "after": null})
    );

    // The mailbox, last (the reply went out from it): its passwords only said to have changed.
    assert_eq!(
        a.send(M::DELETE, &format!("/mail-channels/{mb}"), None)
            .await
            .0,
        204
    );
    let log = a.log("mail_channel").await;
    assert_eq!(
        change(one(&log, "create", &mb), "address")["after"],
        "soporte@acme.test"
    );
    let updates: Vec<&Value> = log.iter().filter(|e| e["action"] == "update").collect();
    assert_eq!(updates.len(), 2, "the edit and the read: {log:?}");
    let (read, edit) = (updates[0], updates[1]);
    assert_eq!(
        change(edit, "name"),
        json!({"before": "Soporte", "after": "Soporte Acme"})
    );
    assert_eq!(
        change(edit, "smtp_password"),
        json!({"before": "[redacted]", "after": "[redacted, changed]"})
    );
    assert!(
        edit["changes"].get("imap_password").is_none(),
        "kept: {edit}"
    );
    assert!(change(read, "last_error")["after"].is_string(), "{read}");
    assert!(
        read["changes"].get("messages_read").is_none(),
        "none read: {read}"
    );
    assert_eq!(
        change(one(&log, "delete", &mb), "name")["before"],
        "Soporte Acme"
    );

    // Neither secrets nor what was written are copied into the log.
    let everything =
        a.c.get(t.url("/api/v1/audit-log?limit=200"))
            .send()
            .await
            .expect("log")
            .text()
            .await
            .expect("body");
    for secret in [
        IMAP_SECRET,
        SMTP_SECRET,
        SMTP_SECRET_NEW,
        NOTE,
        REPLY,
        "sealed",
    ] {
        assert!(!everything.contains(secret), "{secret} is in the audit log");
    }

    // The page names the new entity types.
    let html = browser
        .get(t.url("/settings/audit?entity_type=conversation_note"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("created internal note"), "{html}");
    for label in ["saved view", "reply", "canned response", "mailbox"] {
        assert!(
            html.contains(&format!(">{label}</option>")),
            "{label} in the filter"
        );
    }
}
