//! Failures that need no mail server, so they run everywhere: nothing listening, a server that
//! never speaks, plain text off loopback.

use std::time::{Duration, Instant};

use vinculo_channels::email_transport::{
    send, test_imap, test_smtp, ImapConfig, Security, SmtpConfig,
};

fn imap_on(port: u16) -> ImapConfig {
    let mut config = ImapConfig::new("127.0.0.1", "ana", "secret".into());
    config.port = port;
    config.timeout = Duration::from_millis(300);
    config
}

#[tokio::test]
async fn nothing_listening_is_reported_as_cannot_connect() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let err = test_imap(&imap_on(port)).await.expect_err("refused");
    assert_eq!(err.code(), "cannot_connect", "{err}");

    let mut smtp = SmtpConfig::new("127.0.0.1", "ana", "secret".into());
    smtp.port = port;
    let err = test_smtp(&smtp).await.expect_err("refused");
    assert_eq!(err.code(), "cannot_connect", "{err}");
    let err = send(&smtp, "a@example.com", &["b@example.com".into()], b"x")
        .await
        .expect_err("refused");
    assert!(err.is_transient(), "{err}");
}

#[tokio::test]
async fn a_server_that_never_answers_is_reported_as_a_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    // Accepts and then says nothing, holding the connections open.
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    for security in [Security::Tls, Security::StartTls, Security::None] {
        let mut config = imap_on(port);
        config.security = security;
        let started = Instant::now();
        let err = test_imap(&config).await.expect_err("silent");
        assert_eq!(err.code(), "timeout", "{security:?}: {err}");
        assert!(started.elapsed() < Duration::from_secs(3));
    }
    let mut smtp = SmtpConfig::new("127.0.0.1", "ana", "secret".into());
    smtp.port = port;
    smtp.timeout = Duration::from_millis(300);
    let err = send(&smtp, "a@example.com", &["b@example.com".into()], b"x")
        .await
        .expect_err("silent");
    assert!(err.is_transient(), "{err}");
    assert_eq!(err.code(), "timeout", "{err}");
    silent.abort();
}

#[tokio::test]
async fn plain_text_to_another_machine_is_refused_before_connecting() {
    // 192.0.2.0/24 is reserved for documentation: nothing is sent, the rule refuses first.
    let mut config = ImapConfig::new("192.0.2.10", "ana", "secret".into());
    config.security = Security::None;
    config.port = 143;
    let err = test_imap(&config).await.expect_err("refused");
    assert_eq!(err.code(), "invalid_config", "{err}");
    let mut smtp = SmtpConfig::new("192.0.2.10", "ana", "secret".into());
    smtp.security = Security::None;
    let err = test_smtp(&smtp).await.expect_err("refused");
    assert_eq!(err.code(), "invalid_config", "{err}");
}
