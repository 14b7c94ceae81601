//! A reply is sent at most once and never lost (issue 5): the real `vinculo serve` stops
//! (a fault point, `VINCULO_FAULT=exit-after-smtp`) right after the SMTP server took a reply
//! and before that is recorded. The SMTP server then holds exactly one copy; started again,
//! the server marks the reply in doubt and does not send it again on its own, while the
//! replies after it go out; an agent's "send again" sends the same message (same
//! Message-ID). Against the real dovecot and SMTP sink of `.ci/start-mail.sh`; skipped
//! with a note when they are not configured.
mod common;

use common::server::{Server, Target};
use rstest::rstest;
use secrecy::SecretString;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vinculo_channels::email_transport::{imap, ImapConfig, Security};
use vinculo_testkit::Backend;

struct Mail {
    host: String,
    imap_port: u16,
    smtp_port: u16,
    user: String,
    password: String,
    ca: String,
    spool: PathBuf,
}

fn mail_servers() -> Option<Mail> {
    let (Ok(imap), Ok(smtp), Ok(ca), Ok(spool)) = (
        std::env::var("VINCULO_TEST_IMAP"),
        std::env::var("VINCULO_TEST_SMTP"),
        std::env::var("VINCULO_TEST_IMAP_CA"),
        std::env::var("VINCULO_TEST_SMTP_SPOOL"),
    ) else {
        eprintln!("VINCULO_TEST_IMAP/SMTP are not set: skipping (run .ci/start-mail.sh)");
        return None;
    };
    let imap = url::Url::parse(&imap).expect("VINCULO_TEST_IMAP is a URL");
    let smtp = url::Url::parse(&smtp).expect("VINCULO_TEST_SMTP is a URL");
    Some(Mail {
        host: imap.host_str().expect("host").to_owned(),
        imap_port: imap.port().expect("IMAP port"),
        smtp_port: smtp.port().expect("SMTP port"),
        user: url::form_urlencoded::parse(imap.username().as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default(),
        password: imap.password().unwrap_or_default().to_owned(),
        ca: std::fs::read_to_string(ca).expect("CA file"),
        spool: PathBuf::from(spool),
    })
}

/// The messages in the sink's spool with this Message-ID (without angle brackets).
fn copies(spool: &Path, message_id: &str) -> Vec<String> {
    let needle = format!("message-id: <{}>", message_id.to_lowercase());
    std::fs::read_dir(spool)
        .expect("spool")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter(|m| m.to_lowercase().contains(&needle))
        .collect()
}

fn client(token: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    reqwest::Client::builder()
        .default_headers(h)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// Asks `get` until `done` holds of its answer, for at most 30 s.
async fn until(c: &reqwest::Client, url: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        if let Ok(r) = c.get(url).send().await {
            if let Ok(v) = r.json::<Value>().await {
                if done(&v) {
                    return v;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "{what} did not happen in 30 s; last answer: {v}"
                );
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn delivery_of(thread: &Value, entry: &str) -> String {
    thread["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["id"] == entry)
        .and_then(|e| e["delivery"].as_str())
        .unwrap_or("none")
        .to_owned()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_interrupted_after_the_smtp_server_took_it_is_not_sent_twice(
    #[case] backend: Backend,
) {
    let Some(m) = mail_servers() else { return };
    let Some(t) = Target::fresh(backend).await else {
        return;
    };
    let token = t.token("read,write");
    let c = client(&token);

    // A customer's message waits in a folder of its own on the IMAP server.
    let folder = format!("vinculo-crash-{}", uuid::Uuid::new_v4().simple());
    let mut cfg = ImapConfig::new(&m.host, &m.user, SecretString::from(m.password.clone()));
    cfg.port = m.imap_port;
    cfg.security = Security::StartTls;
    cfg.extra_ca_pem = Some(m.ca.clone());
    let mut session = imap::connect(&cfg).await.expect("IMAP");
    session.create_folder(&folder).await.expect("folder");
    let first = format!("{folder}@cliente.test");
    let message = format!(
        "From: Lucía <lucia@cliente.test>\r\nTo: soporte@acme.test\r\nSubject: Pedido roto\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0100\r\nMessage-ID: <{first}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nLlegó roto.\r\n"
    );
    session
        .append(&folder, message.as_bytes())
        .await
        .expect("append");

    // The server that will stop mid-send reads it, and the agent answers.
    let mut server = Server::start_with(&t, 1, &[("VINCULO_FAULT", "exit-after-smtp")]).await;
    let base = server.base.clone();
    let smtp = json!({"host": m.host, "port": m.smtp_port, "security": "starttls",
                      "username": m.user, "password": m.password});
    let imap = json!({"host": m.host, "port": m.imap_port, "security": "starttls",
                      "username": m.user, "password": m.password});
    let r = c
        .post(format!("{base}/api/v1/mail-channels"))
        .json(
            &json!({"name": "Soporte", "address": "soporte@acme.test", "folder": folder,
                      "imap": imap, "smtp": smtp, "tls_ca_pem": m.ca}),
        )
        .send()
        .await
        .expect("create mailbox");
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
    let inbox = until(
        &c,
        &format!("{base}/api/v1/conversations"),
        "reading the mailbox",
        |v| v["data"].as_array().is_some_and(|a| a.len() == 1),
    )
    .await;
    let conv = inbox["data"][0]["id"].as_str().expect("id").to_owned();
    let thread_url = format!("{base}/api/v1/conversations/{conv}");
    let replies = format!("{thread_url}/replies");
    let r = c
        .post(&replies)
        .json(&json!({"body": "Le enviamos otro hoy mismo."}))
        .send()
        .await
        .expect("reply");
    assert_eq!(r.status(), 201);
    let reply: Value = r.json().await.expect("json");
    let entry = reply["id"].as_str().expect("entry id").to_owned();
    let message_id = reply["message_id"].as_str().expect("message id").to_owned();

    // The server stops the moment the SMTP server has the reply.
    let started = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the fault point never fired: {}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(86), "{}", server.log_text());
    assert_eq!(copies(&m.spool, &message_id).len(), 1);

    // Started again: in doubt, and not sent again on its own, while a later reply goes out.
    let server2 = Server::start(&t, 2).await;
    let base = server2.base.clone();
    let thread_url = format!("{base}/api/v1/conversations/{conv}");
    let replies = format!("{thread_url}/replies");
    let thread = until(&c, &thread_url, "marking the reply in doubt", |v| {
        delivery_of(v, &entry) == "in_doubt"
    })
    .await;
    assert!(
        thread.to_string().contains("may have been sent"),
        "{thread}"
    );
    let later: Value = c
        .post(&replies)
        .json(&json!({"body": "¿Le llegó el nuevo?"}))
        .send()
        .await
        .expect("second reply")
        .json()
        .await
        .expect("json");
    let later_entry = later["id"].as_str().expect("id").to_owned();
    until(&c, &thread_url, "sending the later reply", |v| {
        delivery_of(v, &later_entry) == "sent"
    })
    .await;
    let later_copies = copies(&m.spool, later["message_id"].as_str().expect("id"));
    assert_eq!(later_copies.len(), 1);
    assert!(
        later_copies[0].contains(&format!("<{message_id}>")),
        "the later reply refers to the one before it: {}",
        later_copies[0]
    );
    assert_eq!(copies(&m.spool, &message_id).len(), 1, "sent twice");

    // The agent decides to send it again: the same message goes.
    let r = c
        .post(format!("{replies}/{entry}/resend"))
        .send()
        .await
        .expect("resend");
    assert_eq!(r.status(), 204);
    until(&c, &thread_url, "sending it again", |v| {
        delivery_of(v, &entry) == "sent"
    })
    .await;
    assert_eq!(copies(&m.spool, &message_id).len(), 2);
    drop(server2);
    let _ = session.delete_folder(&folder).await;
}
