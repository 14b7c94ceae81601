//! Replying from the inbox over the API: what the real SMTP server receives (threading
//! headers, subject with the conversation's reference, the signature, copies, attachments),
//! the outbound interaction on the customer's timeline, delivery failures (permanent and
//! passing) shown on the reply, header injection refused with nothing stored, and a reply
//! in doubt never sent again without an agent's say. Against the sink of `.ci/start-mail.sh`
//! (skipped with a note when `VINCULO_TEST_SMTP` is not set), on both backends.
use crate::interactions::{admin, get, post};
use base64::Engine;
use mail_parser::MimeHeaders as _;
use rstest::rstest;
use serde_json::{json, Value};
use std::path::PathBuf;
use vinculo_app::conversations::sender;
use vinculo_app::conversations::{receive, Classified, InboundMessage, Received};
use vinculo_domain::conversations::Channel;
use vinculo_domain::ids::ConversationId;
use vinculo_testkit::{Backend, TestApp};

struct Sink {
    host: String,
    port: u16,
    user: String,
    password: String,
    ca: String,
    spool: PathBuf,
}

fn sink() -> Option<Sink> {
    let (Ok(smtp), Ok(ca), Ok(spool)) = (
        std::env::var("VINCULO_TEST_SMTP"),
        std::env::var("VINCULO_TEST_IMAP_CA"),
        std::env::var("VINCULO_TEST_SMTP_SPOOL"),
    ) else {
        eprintln!("VINCULO_TEST_SMTP is not set: skipping (run .ci/start-mail.sh)");
        return None;
    };
    let url = url::Url::parse(&smtp).expect("VINCULO_TEST_SMTP is a URL");
    Some(Sink {
        host: url.host_str().expect("host").to_owned(),
        port: url.port().expect("port"),
        user: url::form_urlencoded::parse(url.username().as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default(),
        password: url.password().unwrap_or_default().to_owned(),
        ca: std::fs::read_to_string(ca).expect("CA file"),
        spool: PathBuf::from(spool),
    })
}

/// The message the sink holds with this Message-ID (without angle brackets), unfolded.
fn received(s: &Sink, message_id: &str) -> Vec<String> {
    let needle = format!("message-id: <{}>", message_id.to_lowercase());
    std::fs::read_dir(&s.spool)
        .expect("spool")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|m| m.replace("\r\n ", " ").replace("\r\n\t", " "))
        .filter(|m| m.to_lowercase().contains(&needle))
        .collect()
}

/// A workspace with a mailbox on the sink and one conversation from `from`; its id.
async fn conversation(t: &TestApp, c: &reqwest::Client, s: &Sink, from: &str) -> ConversationId {
    let server = json!({"host": s.host, "port": s.port, "security": "starttls",
                        "username": s.user, "password": s.password});
    let (status, v) = post(
        t,
        c,
        "/api/v1/mail-channels",
        json!({"name": "Soporte Acme, S.L.", "address": "soporte@acme.test",
               "folder": "INBOX", "imap": server, "smtp": server, "tls_ca_pem": s.ca,
               "signature": "Ana\nAtención al cliente", "enabled": false}),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let mailbox = v["id"].as_str().expect("id").parse().expect("uuid");
    let msg = message(
        mailbox,
        from,
        Some("Lucía Pérez"),
        "Pedido PED-7 roto",
        "Llegó roto.",
    );
    take(t, &msg).await
}

/// A customer's message arriving at `mailbox`.
pub(crate) fn message(
    mailbox: vinculo_domain::ids::MailChannelId,
    from: &str,
    name: Option<&str>,
    subject: &str,
    text: &str,
) -> InboundMessage {
    InboundMessage {
        channel: Channel::Email,
        mail_channel_id: Some(mailbox),
        message_id: format!("{}@cliente.test", uuid::Uuid::new_v4().simple()),
        answers: Vec::new(),
        from_address: from.to_owned(),
        from_name: name.map(str::to_owned),
        to: vec!["soporte@acme.test".into()],
        cc: Vec::new(),
        subject: subject.into(),
        date: None,
        text: Some(text.into()),
        html: None,
        class: Classified::Customer,
        attachments: Vec::new(),
    }
}

/// The conversation a message opened.
pub(crate) async fn take(t: &TestApp, msg: &InboundMessage) -> ConversationId {
    let actor = t.principal("acme", "ana@acme.test").await;
    match receive(&t.app, &actor, msg).await.expect("receive") {
        Received::Added {
            conversation_id, ..
        } => conversation_id,
        other => panic!("{other:?}"),
    }
}

fn entry<'a>(thread: &'a Value, id: &str) -> &'a Value {
    thread["entries"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["id"] == id))
        .unwrap_or_else(|| panic!("no entry {id} in {thread}"))
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_reply_reaches_the_smtp_server_threaded_signed_and_with_its_files(
    #[case] backend: Backend,
) {
    let Some(s) = sink() else { return };
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let conv = conversation(&t, &c, &s, "lucia@cliente.test").await;
    let (_, before) = get(&t, &c, &format!("/api/v1/conversations/{conv}")).await;
    let first_id = before["entries"][0]["interaction"]["attributes"]["message_id"]
        .as_str()
        .expect("first message id")
        .to_owned();
    let token = before["conversation"]["token"]
        .as_str()
        .expect("token")
        .to_owned();

    let pdf = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4 albaran");
    let (status, v) = post(
        &t,
        &c,
        &format!("/api/v1/conversations/{conv}/replies"),
        json!({"body": "Hola Lucía:\r\nle enviamos otro hoy mismo.",
               "cc": ["Almacén <almacen@acme.test>"],
               "status": "pending",
               "attachments": [{"filename": "albarán.pdf", "content_type": "application/pdf",
                                "content_base64": pdf}]}),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["delivery"], "queued");
    assert_eq!(v["to"], "\"Lucía Pérez\" <lucia@cliente.test>");
    let entry_id = v["id"].as_str().expect("id").to_owned();
    let message_id = v["message_id"].as_str().expect("message id").to_owned();

    // Recorded before anything is sent: queued on the conversation, which is now pending.
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{conv}")).await;
    assert_eq!(entry(&thread, &entry_id)["delivery"], "queued");
    assert_eq!(thread["conversation"]["status"], "pending");

    assert_eq!(sender::send_due(&t.app).await.expect("send"), 1);
    let got = received(&s, &message_id);
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert!(m.contains(&format!("In-Reply-To: <{first_id}>")), "{m}");
    assert!(m.contains(&format!("References: <{first_id}>")), "{m}");
    assert!(
        m.contains(&format!("Re: Pedido PED-7 roto [#{token}]")),
        "{m}"
    );
    let parsed = mail_parser::MessageParser::default()
        .parse(m.as_bytes())
        .expect("parse");
    let from = parsed.from().and_then(|f| f.first()).expect("from");
    assert_eq!(from.name(), Some("Soporte Acme, S.L."));
    assert_eq!(from.address(), Some("soporte@acme.test"));
    let to = parsed.to().and_then(|f| f.first()).expect("to");
    assert_eq!(
        (to.name(), to.address()),
        (Some("Lucía Pérez"), Some("lucia@cliente.test"))
    );
    let cc = parsed.cc().and_then(|f| f.first()).expect("cc");
    assert_eq!(
        (cc.name(), cc.address()),
        (Some("Almacén"), Some("almacen@acme.test"))
    );
    let file = parsed.attachment(0).expect("attachment");
    assert_eq!(file.attachment_name(), Some("albarán.pdf"));
    assert_eq!(file.contents(), b"%PDF-1.4 albaran");
    // The text, then the signature under "-- ".
    let text = parsed.body_text(0).expect("text").replace("\r\n", "\n");
    assert!(
        text.starts_with(
            "Hola Lucía:\nle enviamos otro hoy mismo.\n\n-- \nAna\nAtención al cliente"
        ),
        "{text:?}"
    );

    // Shown as sent, on the conversation and on the customer's timeline.
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{conv}")).await;
    let sent = entry(&thread, &entry_id);
    assert_eq!(sent["delivery"], "sent");
    assert_eq!(sent["kind"], "outbound");
    assert_eq!(sent["attachments"][0]["filename"], "albarán.pdf");
    let customer = thread["conversation"]["customer_id"]
        .as_str()
        .expect("customer");
    let (_, timeline) = get(
        &t,
        &c,
        &format!("/api/v1/customers/{customer}/interactions"),
    )
    .await;
    let outbound: Vec<&Value> = timeline["data"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["direction"] == "outbound")
        .collect();
    assert_eq!(outbound.len(), 1, "{timeline}");
    assert_eq!(outbound[0]["channel"], "email");
    assert_eq!(outbound[0]["source_event_id"], message_id.as_str());

    // Nothing left to send.
    assert_eq!(sender::send_due(&t.app).await.expect("send"), 0);
    assert_eq!(received(&s, &message_id).len(), 1);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn header_injection_and_bad_replies_are_refused_and_nothing_is_stored(
    #[case] backend: Backend,
) {
    let Some(s) = sink() else { return };
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let conv = conversation(&t, &c, &s, "lucia@cliente.test").await;
    let url = format!("/api/v1/conversations/{conv}/replies");
    for (body, field) in [
        (
            json!({"body": "hola", "subject": "Hola\r\nBcc: todos@victima.test"}),
            "subject",
        ),
        (
            json!({"body": "hola", "cc": ["x@y.test\r\nBcc: todos@victima.test"]}),
            "cc",
        ),
        (json!({"body": "hola", "cc": ["no es una dirección"]}), "cc"),
        (json!({"body": "   \n "}), "body"),
        (json!({"body": "hola", "status": "archivada"}), "status"),
        (
            json!({"body": "hola", "attachments": [{"filename": "a.pdf", "content_base64": "%%%"}]}),
            "attachments",
        ),
        (
            json!({"body": "hola", "attachments": [{"filename": "a\r\nX-Evil: 1", "content_base64": "aGk="}]}),
            "attachments",
        ),
    ] {
        let (status, v) = post(&t, &c, &url, body.clone()).await;
        assert_eq!(status, 422, "{body}: {v}");
        assert_eq!(v["errors"][0]["field"], field, "{body}: {v}");
    }
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{conv}")).await;
    assert_eq!(
        thread["entries"].as_array().map(Vec::len),
        Some(1),
        "{thread}"
    );
    assert_eq!(sender::send_due(&t.app).await.expect("send"), 0);

    // Someone who may only read cannot answer.
    t.user(
        "acme",
        "luis@acme.test",
        vinculo_domain::auth::Role::Analyst,
    )
    .await;
    let reader = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    let (status, _) = post(&t, &reader, &url, json!({"body": "hola"})).await;
    assert_eq!(status, 403);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_refused_reply_is_undeliverable_a_deferred_one_is_retried_later(
    #[case] backend: Backend,
) {
    let Some(s) = sink() else { return };
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let refused = conversation(&t, &c, &s, "nadie@reject.vinculo.test").await;
    let (_, v) = post(
        &t,
        &c,
        &format!("/api/v1/conversations/{refused}/replies"),
        json!({"body": "Hola"}),
    )
    .await;
    let refused_entry = v["id"].as_str().expect("id").to_owned();
    // A second conversation needs a second mailbox address: reuse the first mailbox.
    let actor = t.principal("acme", "ana@acme.test").await;
    let mut conn = t.db.conn().await.expect("conn");
    let mailbox = vinculo_store::mail_channels::list(&mut conn, actor.workspace_id)
        .await
        .expect("mailboxes")[0]
        .id;
    drop(conn);
    let deferred = take(
        &t,
        &message(
            mailbox,
            "luego@defer.vinculo.test",
            None,
            "Consulta",
            "¿Abren el sábado?",
        ),
    )
    .await;
    let (_, v) = post(
        &t,
        &c,
        &format!("/api/v1/conversations/{deferred}/replies"),
        json!({"body": "Sí, de 10 a 14."}),
    )
    .await;
    let deferred_entry = v["id"].as_str().expect("id").to_owned();

    assert_eq!(sender::send_due(&t.app).await.expect("send"), 0);
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{refused}")).await;
    let e = entry(&thread, &refused_entry);
    assert_eq!(e["delivery"], "undeliverable", "{e}");
    assert!(
        e["delivery_error"]
            .as_str()
            .is_some_and(|m| m.contains("550")),
        "{e}"
    );
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{deferred}")).await;
    let e = entry(&thread, &deferred_entry);
    assert_eq!(e["delivery"], "failed", "{e}");
    assert!(
        e["delivery_error"]
            .as_str()
            .is_some_and(|m| m.contains("451")),
        "{e}"
    );
    // The retry is scheduled for later, not hammered now.
    assert_eq!(sender::send_due(&t.app).await.expect("send"), 0);
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{deferred}")).await;
    assert_eq!(entry(&thread, &deferred_entry)["delivery"], "failed");

    // An agent sends the refused one again: queued, tried, refused again.
    let r = c
        .post(t.url(&format!(
            "/api/v1/conversations/{refused}/replies/{refused_entry}/resend"
        )))
        .send()
        .await
        .expect("resend");
    assert_eq!(r.status(), 204);
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{refused}")).await;
    assert_eq!(entry(&thread, &refused_entry)["delivery"], "queued");
    sender::send_due(&t.app).await.expect("send");
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{refused}")).await;
    assert_eq!(entry(&thread, &refused_entry)["delivery"], "undeliverable");
    // A reply that went fine cannot be "sent again", nor one of another conversation.
    let r = c
        .post(t.url(&format!(
            "/api/v1/conversations/{deferred}/replies/{refused_entry}/resend"
        )))
        .send()
        .await
        .expect("resend");
    assert_eq!(r.status(), 404);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_reply_left_sending_by_a_stop_is_in_doubt_and_waits_for_an_agent(
    #[case] backend: Backend,
) {
    let Some(s) = sink() else { return };
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let conv = conversation(&t, &c, &s, "lucia@cliente.test").await;
    let (_, v) = post(
        &t,
        &c,
        &format!("/api/v1/conversations/{conv}/replies"),
        json!({"body": "Enseguida."}),
    )
    .await;
    let entry_id = v["id"].as_str().expect("id").to_owned();
    let message_id = v["message_id"].as_str().expect("message id").to_owned();
    // A sender claims it and stops before the SMTP conversation ends (the process died).
    let mut tx = t.db.begin().await.expect("tx");
    let claimed = vinculo_store::outbox::claim_due(&mut tx, time::OffsetDateTime::now_utc(), 10)
        .await
        .expect("claim");
    tx.commit().await.expect("commit");
    assert_eq!(claimed.len(), 1);

    // The next start: in doubt, and the sender leaves it alone.
    assert_eq!(sender::doubt_interrupted(&t.app).await.expect("doubt"), 1);
    assert_eq!(sender::send_due(&t.app).await.expect("send"), 0);
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{conv}")).await;
    assert_eq!(entry(&thread, &entry_id)["delivery"], "in_doubt");
    assert!(received(&s, &message_id).is_empty());

    let r = c
        .post(t.url(&format!(
            "/api/v1/conversations/{conv}/replies/{entry_id}/resend"
        )))
        .send()
        .await
        .expect("resend");
    assert_eq!(r.status(), 204);
    assert_eq!(sender::send_due(&t.app).await.expect("send"), 1);
    assert_eq!(received(&s, &message_id).len(), 1);
    let (_, thread) = get(&t, &c, &format!("/api/v1/conversations/{conv}")).await;
    assert_eq!(entry(&thread, &entry_id)["delivery"], "sent");
}
