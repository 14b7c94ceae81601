//! Waiting for mail (IDLE) and the Watcher loop: new mail wakes a waiting session within a
//! second, the watcher hands over every message at least once and survives a failed store.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vinculo_channels::email_transport::imap::connect;
use vinculo_channels::email_transport::{
    fetch_new, wait_for_mail, Batch, Wakeup, WatchOptions, Watcher,
};

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

fn fast() -> WatchOptions {
    WatchOptions {
        batch_size: 2,
        idle_timeout: Duration::from_secs(20),
        poll_interval: Duration::from_millis(200),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
        delete_after_fetch: false,
    }
}

/// Waits until `seen` holds `n` Message-IDs, or panics after 10 s.
async fn until(seen: &Arc<Mutex<Vec<String>>>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.lock().expect("lock").len() < n {
        assert!(
            Instant::now() < deadline,
            "only {:?}",
            seen.lock().expect("lock")
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn ids(batch: &Batch) -> Vec<String> {
    batch
        .messages
        .iter()
        .map(|m| {
            let raw = String::from_utf8_lossy(&m.raw);
            let start = raw.find("Message-ID: <").expect("id") + 13;
            raw[start..start + raw[start..].find('@').expect("@")].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_watcher_delivers_backlog_and_new_mail_and_redelivers_after_a_failed_store() {
    let Some(s) = servers("watcher") else { return };
    let mut config = s.imap.clone();
    let mut admin = fresh_folder(&mut config, "watch").await;
    let folder = config.folder.clone();
    for i in 0..3 {
        admin
            .append(&folder, &message(&format!("w{i}"), "backlog"))
            .await
            .expect("APPEND");
    }

    let seen = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(Mutex::new(0));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut watcher = Watcher::new(config.clone(), fast(), None);
    let task = {
        let (seen, calls) = (seen.clone(), calls.clone());
        tokio::spawn(async move {
            watcher
                .run(
                    move |batch: Batch| {
                        let (seen, calls) = (seen.clone(), calls.clone());
                        async move {
                            let mut calls = calls.lock().expect("lock");
                            *calls += 1;
                            // The first store fails: the same mail must come again.
                            if *calls == 1 {
                                return Err("database unavailable");
                            }
                            seen.lock().expect("lock").extend(ids(&batch));
                            Ok(())
                        }
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await;
            watcher
        })
    };

    until(&seen, 3).await;
    admin
        .append(&folder, &message("w3", "nuevo"))
        .await
        .expect("APPEND");
    until(&seen, 4).await;
    stop.send(()).expect("stop");
    let watcher = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("stops")
        .expect("task");

    assert_eq!(*seen.lock().expect("lock"), vec!["w0", "w1", "w2", "w3"]);
    let last = fetch_new(&mut admin, &folder, None, 10)
        .await
        .expect("fetch");
    assert_eq!(watcher.cursor(), Some(last.cursor));
    admin.delete_folder(&folder).await.expect("DELETE");
}

#[tokio::test]
async fn the_watcher_deletes_stored_mail_only_when_asked() {
    let Some(s) = servers("watcher_delete") else {
        return;
    };
    let mut config = s.imaps.clone();
    let mut admin = fresh_folder(&mut config, "wdel").await;
    let folder = config.folder.clone();
    for i in 0..3 {
        admin
            .append(&folder, &message(&format!("x{i}"), "borrar"))
            .await
            .expect("APPEND");
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = WatchOptions {
        delete_after_fetch: true,
        ..fast()
    };
    let mut watcher = Watcher::new(config.clone(), options, None);
    let task = {
        let seen = seen.clone();
        tokio::spawn(async move {
            watcher
                .run(
                    move |batch: Batch| {
                        let seen = seen.clone();
                        async move {
                            seen.lock().expect("lock").extend(ids(&batch));
                            Ok::<(), String>(())
                        }
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await;
        })
    };
    until(&seen, 3).await;
    // The deletion follows the store; give it the moment it takes.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = fetch_new(&mut admin, &folder, None, 10)
            .await
            .expect("fetch");
        if left.messages.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "{} left", left.messages.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(()).expect("stop");
    task.await.expect("task");
    admin.delete_folder(&folder).await.expect("DELETE");
}
