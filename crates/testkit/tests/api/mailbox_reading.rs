//! Reading a real mailbox: messages APPENDed to a folder of the test IMAP server (dovecot,
//! started by `.ci/start-mail.sh`) become one conversation per thread, read once each, on
//! both backends. Skipped with a note when `VINCULO_TEST_IMAP` is not set.
use crate::interactions::{admin, post};
use rstest::rstest;
use secrecy::SecretString;
use serde_json::json;
use vinculo_channels::email_transport::{imap, ImapConfig, Security};
use vinculo_store::conversations::{self as store, InboxFilter};
use vinculo_testkit::{Backend, TestApp};

pub(crate) struct Server {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub ca: String,
}

pub(crate) fn server() -> Option<Server> {
    let Ok(raw) = std::env::var("VINCULO_TEST_IMAP") else {
        eprintln!("VINCULO_TEST_IMAP is not set: skipping (run .ci/start-mail.sh)");
        return None;
    };
    let url = url::Url::parse(&raw).expect("VINCULO_TEST_IMAP is a URL");
    let ca_path = std::env::var("VINCULO_TEST_IMAP_CA").expect("VINCULO_TEST_IMAP_CA");
    Some(Server {
        host: url.host_str().expect("host").to_owned(),
        port: url.port().expect("port"),
        user: url::form_urlencoded::parse(url.username().as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default(),
        password: url.password().unwrap_or_default().to_owned(),
        ca: std::fs::read_to_string(ca_path).expect("CA file"),
    })
}

/// A session on the test IMAP server (STARTTLS) with a new folder named `folder`.
pub(crate) async fn new_folder(srv: &Server, folder: &str) -> imap::ImapSession {
    let mut cfg = ImapConfig::new(
        &srv.host,
        &srv.user,
        SecretString::from(srv.password.clone()),
    );
    cfg.port = srv.port;
    cfg.security = Security::StartTls;
    cfg.extra_ca_pem = Some(srv.ca.clone());
    let mut session = imap::connect(&cfg)
        .await
        .expect("connect to the test IMAP server");
    session.create_folder(folder).await.expect("folder");
    session
}

fn message(id: &str, answers: Option<&str>, subject: &str, body: &str) -> Vec<u8> {
    let reply = answers
        .map(|a| format!("In-Reply-To: <{a}>\r\nReferences: <{a}>\r\n"))
        .unwrap_or_default();
    format!(
        "From: =?UTF-8?Q?Luc=C3=ADa_P=C3=A9rez?= <lucia@cliente.test>\r\nTo: soporte@acme.test\r\n\
         Subject: {subject}\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\nMessage-ID: <{id}>\r\n{reply}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_real_mailbox_is_read_once_into_threaded_conversations(#[case] backend: Backend) {
    let Some(srv) = server() else { return };
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let folder = format!("vinculo-read-{}", uuid::Uuid::new_v4().simple());
    let mut session = new_folder(&srv, &folder).await;
    let first = format!("{folder}-1@cliente.test");
    session
        .append(
            &folder,
            &message(&first, None, "Pedido sin llegar", "¿Dónde está mi pedido?"),
        )
        .await
        .expect("append 1");
    session
        .append(
            &folder,
            &message(
                &format!("{folder}-2@cliente.test"),
                Some(&first),
                "Re: Pedido sin llegar",
                "Sigo esperando.",
            ),
        )
        .await
        .expect("append 2");

    let (s, v) = post(
        &t,
        &c,
        "/api/v1/mail-channels",
        json!({"name": "Soporte", "address": "soporte@acme.test", "folder": folder,
               "imap": {"host": srv.host, "port": srv.port, "security": "starttls", "username": srv.user, "password": srv.password},
               "smtp": {"host": srv.host, "port": 10025, "security": "starttls", "username": srv.user, "password": srv.password},
               "tls_ca_pem": srv.ca}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().expect("id").parse().expect("uuid");
    let key = (actor.workspace_id, id);

    let read = vinculo_app::conversations::reader::read_once(&t.app, key)
        .await
        .expect("read");
    assert_eq!(read, 2);
    let mut conn = t.db.conn().await.expect("conn");
    let page = store::inbox(
        &mut conn,
        actor.workspace_id,
        actor.user_id,
        &InboxFilter::default(),
        None,
        10,
    )
    .await
    .expect("inbox");
    assert_eq!(
        page.items.len(),
        1,
        "the reply joined the first message's conversation"
    );
    assert_eq!(page.items[0].customer_name, "Lucía Pérez");
    let conv = page.items[0].conversation.id;
    assert_eq!(
        store::entries(&mut conn, actor.workspace_id, conv)
            .await
            .expect("entries")
            .len(),
        2
    );
    drop(conn);

    // Read again: nothing new. A third message: only it.
    assert_eq!(
        vinculo_app::conversations::reader::read_once(&t.app, key)
            .await
            .expect("again"),
        0
    );
    session
        .append(
            &folder,
            &message(
                &format!("{folder}-3@cliente.test"),
                Some(&first),
                "Re: Pedido sin llegar",
                "¿Alguna novedad?",
            ),
        )
        .await
        .expect("append 3");
    assert_eq!(
        vinculo_app::conversations::reader::read_once(&t.app, key)
            .await
            .expect("third"),
        1
    );
    let (_, v) = crate::interactions::get(&t, &c, &format!("/api/v1/mail-channels/{id}")).await;
    assert!(v["last_uid"].as_u64().is_some_and(|u| u >= 3), "{v}");
    assert!(v["last_error"].is_null(), "{v}");
    session.delete_folder(&folder).await.expect("cleanup");
    let _ = session.logout().await;

    // A wrong password is stored as the mailbox's last error, in words.
    let r = c
        .put(t.url(&format!("/api/v1/mail-channels/{id}")))
        .json(&json!({"name": "Soporte", "address": "soporte@acme.test", "folder": "INBOX",
               "imap": {"host": "127.0.0.1", "port": 10143, "security": "starttls", "username": "test@vinculo.test", "password": "wrong"},
               "smtp": {"host": "127.0.0.1", "port": 10025, "security": "starttls", "username": "test@vinculo.test"},
               "tls_ca_pem": srv.ca}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status().as_u16(), 200);
    assert!(vinculo_app::conversations::reader::read_once(&t.app, key)
        .await
        .is_err());
    let (_, v) = crate::interactions::get(&t, &c, &format!("/api/v1/mail-channels/{id}")).await;
    assert!(
        v["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{v}"
    );
}

/// A message with `attachment` bytes attached, base64, lines of 76.
fn with_attachment(id: &str, attachment: usize) -> Vec<u8> {
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD.encode(vec![b'x'; attachment]);
    let lines: Vec<&str> = data
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    format!(
        "From: Rosa <rosa@cliente.test>\r\nTo: soporte@acme.test\r\nSubject: Fotos del daño\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0100\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nAdjunto las fotos.\r\n--b1\r\n\
         Content-Type: image/jpeg; name=\"daño.jpg\"\r\nContent-Disposition: attachment; filename=\"daño.jpg\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        lines.join("\r\n")
    )
    .into_bytes()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn oversized_parts_and_messages_are_kept_with_a_note_not_dropped(#[case] backend: Backend) {
    let Some(srv) = server() else { return };
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let folder = format!("vinculo-big-{}", uuid::Uuid::new_v4().simple());
    let mut session = new_folder(&srv, &folder).await;
    // The test server keeps attachments up to 1 MiB and messages up to 2 MiB.
    let big_file = format!("{folder}-file@cliente.test");
    let big_message = format!("{folder}-all@cliente.test");
    session
        .append(&folder, &with_attachment(&big_file, 1_300_000))
        .await
        .expect("append");
    session
        .append(&folder, &with_attachment(&big_message, 2_000_000))
        .await
        .expect("append");
    let (s, v) = post(
        &t,
        &c,
        "/api/v1/mail-channels",
        json!({"name": "Soporte", "address": "soporte@acme.test", "folder": folder,
               "imap": {"host": srv.host, "port": srv.port, "security": "starttls", "username": srv.user, "password": srv.password},
               "smtp": {"host": srv.host, "port": 10025, "security": "starttls", "username": srv.user, "password": srv.password},
               "tls_ca_pem": srv.ca, "enabled": false}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().expect("id").parse().expect("uuid");
    let read = vinculo_app::conversations::reader::read_once(&t.app, (actor.workspace_id, id))
        .await
        .expect("read");
    assert_eq!(read, 2, "neither message is dropped");

    let mut conn = t.db.conn().await.expect("conn");
    let ws = actor.workspace_id;
    // The oversized file: listed, not kept, with why.
    let e = store::entry_by_message_id(&mut conn, ws, &big_file)
        .await
        .expect("entry")
        .expect("the message with the big file");
    let i = e.interaction_id.expect("interaction");
    let files = vinculo_store::attachments::of_interactions(&mut conn, ws, &[i])
        .await
        .expect("files");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "daño.jpg");
    assert_eq!(files[0].refused.as_deref(), Some("too_large:1048576"));
    let text = vinculo_store::interactions::get(&mut conn, ws, i)
        .await
        .expect("interaction")
        .and_then(|r| r.body)
        .unwrap_or_default();
    assert!(text.contains("Adjunto las fotos."), "{text}");
    // The oversized message: its sender and subject, and a note saying where the rest is.
    let e = store::entry_by_message_id(&mut conn, ws, &big_message)
        .await
        .expect("entry")
        .expect("the oversized message");
    let r = vinculo_store::interactions::get(&mut conn, ws, e.interaction_id.expect("interaction"))
        .await
        .expect("interaction")
        .expect("stored");
    assert_eq!(r.subject.as_deref(), Some("Fotos del daño"));
    let note = r.body.unwrap_or_default();
    assert!(note.contains("más que el límite de 2 MB"), "{note}");
    drop(conn);
    session.delete_folder(&folder).await.expect("cleanup");
    let _ = session.logout().await;
}
