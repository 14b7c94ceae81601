//! IMAP against dovecot: connection test, STARTTLS and implicit TLS, error codes, fetching
//! since a cursor in batches, and delete-after-fetch.

use vinculo_channels::email_transport::imap::connect;
use vinculo_channels::email_transport::{delete_stored, fetch_new, test_imap, Cursor, Security};

use crate::{fresh_folder, message, servers};

#[tokio::test]
async fn the_connection_test_lists_folders_idle_support_and_the_message_count() {
    let Some(s) = servers("connection_test") else {
        return;
    };
    let mut config = s.imap.clone();
    let mut session = fresh_folder(&mut config, "conn").await;
    session
        .append(&config.folder, &message("c1", "uno"))
        .await
        .expect("APPEND");
    session
        .append(&config.folder, &message("c2", "dos"))
        .await
        .expect("APPEND");

    let check = test_imap(&config).await.expect("connection test");
    assert!(
        check.folders.iter().any(|f| f == "INBOX"),
        "{:?}",
        check.folders
    );
    assert!(
        check.folders.contains(&config.folder),
        "{:?}",
        check.folders
    );
    assert!(check.supports_idle);
    assert!(check.supports_uidplus);
    assert_eq!(check.messages, 2);
    assert_ne!(check.uidvalidity, 0);
    session.delete_folder(&config.folder).await.expect("DELETE");
}

#[tokio::test]
async fn implicit_tls_starttls_and_plain_loopback_all_log_in() {
    let Some(s) = servers("security_modes") else {
        return;
    };
    for config in [s.imaps.clone(), s.imap.clone()] {
        let check = test_imap(&config).await.expect("logs in");
        assert!(check.folders.iter().any(|f| f == "INBOX"));
    }
    // Loopback is the one place an unencrypted connection is allowed.
    let mut plain = s.imap.clone();
    plain.security = Security::None;
    plain.extra_ca_pem = None;
    test_imap(&plain).await.expect("plain text on loopback");
}

#[tokio::test]
async fn a_wrong_password_is_reported_as_auth_failed() {
    let Some(s) = servers("wrong_password") else {
        return;
    };
    for mut config in [s.imap.clone(), s.imaps.clone()] {
        config.password = "not-the-password".into();
        let err = test_imap(&config).await.expect_err("refused");
        assert_eq!(err.code(), "auth_failed", "{err}");
    }
}

#[tokio::test]
async fn an_untrusted_certificate_is_reported_as_a_tls_failure() {
    let Some(s) = servers("untrusted_cert") else {
        return;
    };
    for mut config in [s.imap.clone(), s.imaps.clone()] {
        config.extra_ca_pem = None;
        let err = test_imap(&config).await.expect_err("untrusted");
        assert_eq!(err.code(), "tls_failed", "{err}");
        assert!(err.to_string().contains("CA certificate"), "{err}");
    }
    // The certificate names both localhost and 127.0.0.1.
    let mut config = s.imaps.clone();
    config.host = "localhost".into();
    test_imap(&config)
        .await
        .expect("localhost is in the certificate");
}

#[tokio::test]
async fn a_missing_folder_is_reported_as_folder_not_found() {
    let Some(s) = servers("missing_folder") else {
        return;
    };
    let mut config = s.imap.clone();
    config.folder = crate::unique("missing");
    let err = test_imap(&config).await.expect_err("no such folder");
    assert_eq!(err.code(), "folder_not_found", "{err}");
}

#[tokio::test]
async fn fetching_from_a_cursor_returns_only_newer_mail_and_then_nothing() {
    let Some(s) = servers("fetch_cursor") else {
        return;
    };
    let mut config = s.imap.clone();
    let mut session = fresh_folder(&mut config, "fetch").await;
    let folder = config.folder.clone();
    for i in 0..3 {
        session
            .append(&folder, &message(&format!("f{i}"), "old"))
            .await
            .expect("APPEND");
    }

    let all = fetch_new(&mut session, &folder, None, 100)
        .await
        .expect("fetch");
    assert_eq!(all.messages.len(), 3);
    assert!(!all.more && !all.uidvalidity_changed);
    assert!(String::from_utf8_lossy(&all.messages[0].raw).contains("Message-ID: <f0@example.com>"));
    assert!(all.messages.iter().all(|m| m.internal_date.is_some()));
    assert_eq!(all.cursor.last_uid, all.messages[2].uid);

    session
        .append(&folder, &message("f3", "new"))
        .await
        .expect("APPEND");
    let newer = fetch_new(&mut session, &folder, Some(all.cursor), 100)
        .await
        .expect("fetch");
    assert_eq!(newer.messages.len(), 1);
    assert!(String::from_utf8_lossy(&newer.messages[0].raw).contains("<f3@example.com>"));

    // `n:*` would return the last message again; nothing new must mean nothing.
    let none = fetch_new(&mut session, &folder, Some(newer.cursor), 100)
        .await
        .expect("fetch");
    assert!(none.messages.is_empty());
    assert_eq!(none.cursor, newer.cursor);
    let beyond = Cursor {
        last_uid: newer.cursor.last_uid + 50,
        ..newer.cursor
    };
    let none = fetch_new(&mut session, &folder, Some(beyond), 100)
        .await
        .expect("fetch");
    assert!(none.messages.is_empty());

    // Fetching never marked anything read: still 4 messages, all unseen to other clients.
    let check = test_imap(&config).await.expect("check");
    assert_eq!(check.messages, 4);
    session.delete_folder(&folder).await.expect("DELETE");
}

#[tokio::test]
async fn max_splits_a_large_backlog_into_batches() {
    let Some(s) = servers("fetch_max") else {
        return;
    };
    let mut config = s.imaps.clone();
    let mut session = fresh_folder(&mut config, "chunk").await;
    let folder = config.folder.clone();
    for i in 0..5 {
        session
            .append(&folder, &message(&format!("m{i}"), "lote"))
            .await
            .expect("APPEND");
    }
    let mut cursor = None;
    let mut sizes = Vec::new();
    let mut uids = Vec::new();
    loop {
        let batch = fetch_new(&mut session, &folder, cursor, 2)
            .await
            .expect("fetch");
        sizes.push(batch.messages.len());
        uids.extend(batch.messages.iter().map(|m| m.uid));
        cursor = Some(batch.cursor);
        if !batch.more {
            break;
        }
    }
    assert_eq!(sizes, vec![2, 2, 1]);
    assert!(uids.windows(2).all(|w| w[0] < w[1]), "{uids:?}");
    session.delete_folder(&folder).await.expect("DELETE");
}

#[tokio::test]
async fn a_changed_uidvalidity_voids_the_cursor_and_starts_over() {
    let Some(s) = servers("uidvalidity") else {
        return;
    };
    let mut config = s.imap.clone();
    let mut session = fresh_folder(&mut config, "uidv").await;
    let folder = config.folder.clone();
    session
        .append(&folder, &message("u1", "uno"))
        .await
        .expect("APPEND");
    let first = fetch_new(&mut session, &folder, None, 10)
        .await
        .expect("fetch");
    let stale = Cursor {
        uidvalidity: first.uidvalidity.wrapping_add(1),
        last_uid: first.cursor.last_uid,
    };
    let again = fetch_new(&mut session, &folder, Some(stale), 10)
        .await
        .expect("fetch");
    assert!(again.uidvalidity_changed);
    assert_eq!(again.messages.len(), 1);
    assert_eq!(again.cursor, first.cursor);
    session.delete_folder(&folder).await.expect("DELETE");
}

#[tokio::test]
async fn only_confirmed_uids_are_deleted_and_only_under_the_same_uidvalidity() {
    let Some(s) = servers("delete") else { return };
    let mut config = s.imap.clone();
    let mut session = fresh_folder(&mut config, "del").await;
    let folder = config.folder.clone();
    for i in 0..3 {
        session
            .append(&folder, &message(&format!("d{i}"), "borrar"))
            .await
            .expect("APPEND");
    }
    let batch = fetch_new(&mut session, &folder, None, 10)
        .await
        .expect("fetch");
    let stored: Vec<u32> = batch.messages[..2].iter().map(|m| m.uid).collect();

    let other_epoch = batch.uidvalidity.wrapping_add(1);
    let removed = delete_stored(&mut session, &folder, other_epoch, &stored)
        .await
        .expect("noop");
    assert_eq!(removed, 0);
    let removed = delete_stored(&mut session, &folder, batch.uidvalidity, &stored)
        .await
        .expect("delete");
    assert_eq!(removed, 2);

    let left = fetch_new(&mut session, &folder, None, 10)
        .await
        .expect("fetch");
    assert_eq!(left.messages.len(), 1);
    assert_eq!(left.messages[0].uid, batch.messages[2].uid);
    session.delete_folder(&folder).await.expect("DELETE");
}

#[tokio::test]
async fn a_session_logs_out_cleanly() {
    let Some(s) = servers("logout") else { return };
    let session = connect(&s.imaps).await.expect("connect");
    assert!(session.supports_idle());
    session.logout().await;
}
