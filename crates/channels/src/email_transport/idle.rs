//! Waiting for new mail in the open folder: IDLE when the server has it (mail shows up within
//! a second), otherwise a plain wait followed by NOOP, which is polling.

use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::types::UnsolicitedResponse;

use super::error::timed;
use super::imap::{map_imap, ImapSession};
use super::TransportError;

/// Why [`wait_for_mail`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wakeup {
    /// The server reported a change in the folder, usually new mail.
    Changed,
    /// `timeout` passed without news (always the case when polling without IDLE).
    TimedOut,
}

/// Waits up to `timeout` for the folder last opened with [`super::fetch_new`] to change.
///
/// Takes the session and gives it back because IDLE holds the connection for itself. Either
/// way, fetch afterwards: a wakeup may be a flag change rather than mail, and a timeout is the
/// poll. Keep `timeout` under 29 minutes with IDLE (RFC 2177: servers may drop longer idlers).
pub async fn wait_for_mail(
    session: ImapSession,
    timeout: Duration,
) -> Result<(ImapSession, Wakeup), TransportError> {
    let mut session = session;
    // Mail that arrived while the last commands ran was announced in their replies (EXISTS)
    // and would not be announced again during IDLE.
    if pending_news(&session) {
        return Ok((session, Wakeup::Changed));
    }
    if !session.idle {
        tokio::time::sleep(timeout).await;
        let t = session.timeout;
        timed(t, "polling", async {
            session.inner.noop().await.map_err(map_imap)
        })
        .await?;
        let wakeup = if pending_news(&session) {
            Wakeup::Changed
        } else {
            Wakeup::TimedOut
        };
        return Ok((session, wakeup));
    }

    let ImapSession {
        inner,
        idle,
        uidplus,
        timeout: t,
    } = session;
    let mut handle = inner.idle();
    timed(t, "starting IDLE", async {
        handle.init().await.map_err(map_imap)
    })
    .await?;
    let outcome = {
        let (wait, _stop) = handle.wait_with_timeout(timeout);
        // The handle's own timeout restarts on every keep-alive (`* OK Still here`); this one
        // bounds the whole wait.
        tokio::time::timeout(timeout, wait).await
    };
    let wakeup = match outcome {
        Ok(Ok(IdleResponse::NewData(_) | IdleResponse::ManualInterrupt)) => Wakeup::Changed,
        Ok(Ok(IdleResponse::Timeout)) | Err(_) => Wakeup::TimedOut,
        Ok(Err(e)) => return Err(map_imap(e)),
    };
    let inner = timed(t, "ending IDLE", async {
        handle.done().await.map_err(map_imap)
    })
    .await?;
    Ok((
        ImapSession {
            inner,
            idle,
            uidplus,
            timeout: t,
        },
        wakeup,
    ))
}

/// Drains the announcements queued so far; true if any could mean new mail.
fn pending_news(session: &ImapSession) -> bool {
    let mut news = false;
    while let Ok(response) = session.inner.unsolicited_responses.try_recv() {
        if matches!(
            response,
            UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
        ) {
            news = true;
        }
    }
    news
}
