//! Waiting for mail: IDLE wakes a waiting session within a second of new mail; without IDLE
//! a poll after the interval sees it.

use std::time::{Duration, Instant};

use vinculo_channels::email_transport::imap::connect;
use vinculo_channels::email_transport::{fetch_new, wait_for_mail, Wakeup};

use crate::{fresh_folder, message, servers};

#[tokio::test]
async fn idle_wakes_within_a_second_when_mail_arrives_from_another_connection() {
    let Some(s) = servers("idle_wakes") else {
        return;
    };
    let mut config = s.imap.clone();
    let mut other = fresh_folder(&mut config, "idle").await;
    let folder = config.folder.clone();
    let mut session = connect(&config).await.expect("connect");
    let first = fetch_new(&mut session, &folder, None, 10)
        .await
        .expect("fetch");
    assert!(first.messages.is_empty());

    let waiting = tokio::spawn(async move {
        let (session, wakeup) = wait_for_mail(session, Duration::from_secs(30))
            .await
            .expect("idle");
        (session, wakeup, Instant::now())
    });
    // Let IDLE begin, then deliver from the other connection.
    tokio::time::sleep(Duration::from_millis(300)).await;
    other
        .append(&folder, &message("i1", "despierta"))
        .await
        .expect("APPEND");
    let appended = Instant::now();

    let (mut session, wakeup, woke) = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("woke before 5 s")
        .expect("task");
    assert_eq!(wakeup, Wakeup::Changed);
    assert!(woke.saturating_duration_since(appended) < Duration::from_secs(1));
    let batch = fetch_new(&mut session, &folder, Some(first.cursor), 10)
        .await
        .expect("fetch");
    assert_eq!(batch.messages.len(), 1);
    other.delete_folder(&folder).await.expect("DELETE");
}

#[tokio::test]
async fn idle_returns_after_its_timeout_with_the_session_usable() {
    let Some(s) = servers("idle_timeout") else {
        return;
    };
    let mut config = s.imaps.clone();
    let mut admin = fresh_folder(&mut config, "idlet").await;
    let folder = config.folder.clone();
    let mut session = connect(&config).await.expect("connect");
    fetch_new(&mut session, &folder, None, 10)
        .await
        .expect("fetch");
    let started = Instant::now();
    let (mut session, wakeup) = wait_for_mail(session, Duration::from_millis(500))
        .await
        .expect("idle");
    assert_eq!(wakeup, Wakeup::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(3));
    fetch_new(&mut session, &folder, None, 10)
        .await
        .expect("still usable");
    admin.delete_folder(&folder).await.expect("DELETE");
}

#[tokio::test]
async fn without_idle_a_poll_after_the_interval_sees_new_mail() {
    let Some(s) = servers("poll") else { return };
    let mut config = s.imap.clone();
    let mut other = fresh_folder(&mut config, "poll").await;
    let folder = config.folder.clone();
    let mut session = connect(&config).await.expect("connect");
    session.disable_idle();
    fetch_new(&mut session, &folder, None, 10)
        .await
        .expect("fetch");
    let (session, wakeup) = wait_for_mail(session, Duration::from_millis(200))
        .await
        .expect("poll");
    assert_eq!(wakeup, Wakeup::TimedOut);

    other
        .append(&folder, &message("p1", "sondeo"))
        .await
        .expect("APPEND");
    let (mut session, wakeup) = wait_for_mail(session, Duration::from_millis(200))
        .await
        .expect("poll");
    assert_eq!(wakeup, Wakeup::Changed);
    let batch = fetch_new(&mut session, &folder, None, 10)
        .await
        .expect("fetch");
    assert_eq!(batch.messages.len(), 1);
    other.delete_folder(&folder).await.expect("DELETE");
}
