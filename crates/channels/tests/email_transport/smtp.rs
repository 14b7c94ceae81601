//! SMTP against the aiosmtpd sink: a built reply arrives intact (threading headers, body,
//! attachment), injection is refused before sending, failures are classified.

use std::path::Path;
use std::time::{Duration, Instant};

use vinculo_channels::email_transport::reply::message_id;
use vinculo_channels::email_transport::{
    build_reply, send, test_smtp, Attachment, ReplyDraft, Security, SendError,
};

use crate::servers;

fn draft(to: &str) -> ReplyDraft {
    ReplyDraft {
        from: "Soporte Vinculo <soporte@vinculo.test>".into(),
        to: vec![format!("Ana Ruiz <{to}>")],
        cc: vec!["jefa@example.com".into()],
        subject: "Re: Mi pedido no llegó".into(),
        text: "Hola Ana,\n\nSu pedido sale hoy.\n".into(),
        html: Some("<p>Hola Ana,</p><p>Su pedido sale <b>hoy</b>.</p>".into()),
        in_reply_to: Some("<pregunta-1@example.com>".into()),
        references: vec![
            "<hilo-0@example.com>".into(),
            "<pregunta-1@example.com>".into(),
        ],
        message_id: message_id("vinculo.test"),
        attachments: vec![Attachment {
            filename: "factura 1234.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: (0..=255u8).cycle().take(3000).collect(),
        }],
    }
}

/// The spooled message whose bytes contain `needle`, with its envelope, waiting up to 5 s.
fn spooled(spool: &Path, needle: &str) -> (String, serde_json::Value) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        for entry in std::fs::read_dir(spool).expect("spool") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let eml = std::fs::read(path.with_extension("eml")).expect("eml");
                let eml = String::from_utf8_lossy(&eml).into_owned();
                if eml.contains(needle) {
                    let meta = std::fs::read_to_string(&path).expect("json");
                    return (eml, serde_json::from_str(&meta).expect("envelope"));
                }
            }
        }
        assert!(
            Instant::now() < deadline,
            "{needle} never reached the spool"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn a_built_reply_arrives_intact_over_starttls_and_implicit_tls() {
    let Some(s) = servers("smtp_send") else {
        return;
    };
    for config in [&s.smtp, &s.smtps] {
        test_smtp(config).await.expect("connection test");
        let d = draft("ana@example.com");
        let raw = build_reply(&d).expect("built");
        let recipients = d.recipients().expect("recipients");
        send(config, "rebotes@vinculo.test", &recipients, &raw)
            .await
            .expect("sent");

        let (eml, envelope) = spooled(&s.spool, &d.message_id);
        assert_eq!(envelope["mail_from"], "rebotes@vinculo.test");
        assert_eq!(
            envelope["rcpt_tos"],
            serde_json::json!(["ana@example.com", "jefa@example.com"])
        );
        assert_eq!(envelope["auth_user"], "test@vinculo.test");
        assert_eq!(envelope["tls"], true);
        assert!(
            eml.contains(&format!("Message-ID: {}", d.message_id)),
            "{eml}"
        );
        assert!(
            eml.contains("In-Reply-To: <pregunta-1@example.com>"),
            "{eml}"
        );
        assert!(
            eml.contains("References: <hilo-0@example.com> <pregunta-1@example.com>"),
            "{eml}"
        );
        assert!(eml.contains("Su pedido sale hoy."), "{eml}");
        assert!(eml.contains("text/html"), "{eml}");
        assert!(eml.contains("application/pdf"), "{eml}");
        assert!(eml.contains("factura 1234.pdf"), "{eml}");
        assert_eq!(attachment(&eml), d.attachments[0].bytes);
        // What arrived is what was built (lettre ends DATA with one more CRLF): a retry
        // sends the same message.
        assert!(eml.trim_end().as_bytes() == String::from_utf8_lossy(&raw).trim_end().as_bytes());
    }
}

#[tokio::test]
async fn a_subject_with_a_line_break_is_refused_before_anything_is_sent() {
    let Some(s) = servers("smtp_injection") else {
        return;
    };
    let mut d = draft("ana@example.com");
    d.subject = "Hola\r\nBcc: victima@example.com".into();
    let err = build_reply(&d).expect_err("refused");
    assert_eq!(err.code(), "header_line_break");
    assert!(std::fs::read_dir(&s.spool)
        .expect("spool")
        .filter_map(|e| std::fs::read(e.expect("entry").path()).ok())
        .all(|b| !String::from_utf8_lossy(&b).contains(&d.message_id)));
}

#[tokio::test]
async fn a_wrong_password_is_a_permanent_auth_failure() {
    let Some(s) = servers("smtp_wrong_password") else {
        return;
    };
    for config in [&s.smtp, &s.smtps] {
        let mut config = config.clone();
        config.password = "not-the-password".into();
        let err = test_smtp(&config).await.expect_err("refused");
        assert_eq!(err.code(), "auth_failed", "{err}");
        let d = draft("ana@example.com");
        let raw = build_reply(&d).expect("built");
        let err = send(
            &config,
            "rebotes@vinculo.test",
            &d.recipients().expect("rcpt"),
            &raw,
        )
        .await
        .expect_err("refused");
        assert!(matches!(&err, SendError::Permanent(_)), "{err:?}");
        assert_eq!(err.code(), "auth_failed");
    }
}

#[tokio::test]
async fn a_refused_recipient_is_permanent_and_a_deferral_transient() {
    let Some(s) = servers("smtp_classify") else {
        return;
    };
    let d = draft("nadie@reject.vinculo.test");
    let raw = build_reply(&d).expect("built");
    let err = send(
        &s.smtp,
        "rebotes@vinculo.test",
        &d.recipients().expect("rcpt"),
        &raw,
    )
    .await
    .expect_err("rejected");
    assert!(matches!(&err, SendError::Permanent(_)), "{err:?}");
    assert_eq!(err.code(), "rejected");
    assert!(err.to_string().contains("550"), "{err}");

    let d = draft("luego@defer.vinculo.test");
    let raw = build_reply(&d).expect("built");
    let err = send(
        &s.smtp,
        "rebotes@vinculo.test",
        &d.recipients().expect("rcpt"),
        &raw,
    )
    .await
    .expect_err("deferred");
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), "deferred");
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_failure_and_plain_loopback_works() {
    let Some(s) = servers("smtp_tls") else { return };
    for config in [&s.smtp, &s.smtps] {
        let mut config = config.clone();
        config.extra_ca_pem = None;
        let err = test_smtp(&config).await.expect_err("untrusted");
        assert_eq!(err.code(), "tls_failed", "{err}");
    }
    let mut plain = s.smtp.clone();
    plain.security = Security::None;
    let d = draft("ana@example.com");
    let raw = build_reply(&d).expect("built");
    send(
        &plain,
        "rebotes@vinculo.test",
        &d.recipients().expect("rcpt"),
        &raw,
    )
    .await
    .expect("plain text on loopback");
    let (_, envelope) = spooled(&s.spool, &d.message_id);
    assert_eq!(envelope["tls"], false);
}

/// The base64 body of the message's one application/pdf part, decoded.
fn attachment(eml: &str) -> Vec<u8> {
    let eml = eml.replace("\r\n", "\n");
    let part = &eml[eml.find("Content-Type: application/pdf").expect("pdf part")..];
    let body = &part[part.find("\n\n").expect("part body") + 2..];
    let body = &body[..body.find("\n--").expect("boundary")];
    base64_decode(&body.replace('\n', ""))
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().take_while(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
