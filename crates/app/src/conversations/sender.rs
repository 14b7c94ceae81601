//! The outbox's sender: hands queued replies to their mailbox's SMTP server.
//!
//! Each due reply is claimed (`sending`, committed) before the SMTP conversation starts and
//! marked `sent` after the server took it. A process that stops in between leaves the reply
//! `sending`; the next start makes it `in_doubt` ([`vinculo_store::outbox::doubt_interrupted`])
//! and it is never sent again without an agent's say: the customer gets a reply at most once,
//! and never loses it silently. A refusal that may pass (server down, 4xx) is retried with a
//! growing delay; a permanent one (5xx, unknown recipient) makes the reply undeliverable.
use super::mailboxes::passwords;
use super::reader::security;
use crate::{now, App, AppError};
use secrecy::SecretString;
use std::time::Duration;
use vinculo_channels::email_transport::{send, SendError, SmtpConfig};
use vinculo_domain::conversations::Delivery;
use vinculo_store::mail_channels::MailChannelRecord;
use vinculo_store::outbox::{self, Claimed};

/// How long after each failed attempt the next one comes; after the last, the reply is
/// undeliverable (about 15 hours of trying in all).
const BACKOFF: [Duration; 8] = [
    Duration::from_secs(30),
    Duration::from_secs(2 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(60 * 60),
    Duration::from_secs(2 * 60 * 60),
    Duration::from_secs(4 * 60 * 60),
    Duration::from_secs(8 * 60 * 60),
];
/// Replies claimed at once.
const CLAIM: u64 = 20;
/// How often the outbox is looked at when nothing wakes the sender (retries fall due).
const POLL: Duration = Duration::from_secs(5);

/// A fault for the crash test: with `VINCULO_FAULT=exit-after-smtp`, the process ends the
/// moment the SMTP server has taken a reply, before that is recorded.
const FAULT_ENV: &str = "VINCULO_FAULT";

/// The SMTP settings of a stored mailbox, its password opened.
pub fn smtp_config(app: &App, m: &MailChannelRecord) -> Result<SmtpConfig, AppError> {
    let (_, password) = passwords(app, m)?;
    let mut c = SmtpConfig::new(&m.smtp.host, &m.smtp.username, SecretString::from(password));
    c.port = m.smtp.port;
    c.security = security(m.smtp.security);
    c.extra_ca_pem = m.tls_ca_pem.clone();
    Ok(c)
}

/// Starts the sender: first the replies a stopped process left half-sent are put in doubt,
/// then the outbox is worked whenever a reply is queued, and every few seconds for retries.
pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        match doubt_interrupted(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                replies = n,
                "replies were being sent when the server stopped: marked in doubt for an agent to check"
            ),
            Err(e) => tracing::error!(error = %e, "cannot check the outbox for interrupted sends"),
        }
        loop {
            if let Err(e) = send_due(&app).await {
                tracing::warn!(error = %e, "the outbox could not be worked; trying again shortly");
            }
            tokio::select! {
                _ = app.outbox_wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    })
}

/// Marks the replies left `sending` by a stopped process `in_doubt`; how many.
pub async fn doubt_interrupted(app: &App) -> Result<u64, AppError> {
    let mut tx = app.db.begin().await?;
    let n = outbox::doubt_interrupted(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}

/// Sends every reply due now; how many were handed over. Runs until the outbox has nothing
/// due, so a burst of replies goes out in one wake.
pub async fn send_due(app: &App) -> Result<usize, AppError> {
    let mut sent = 0;
    loop {
        let claimed = {
            let mut tx = app.db.begin().await?;
            let c = outbox::claim_due(&mut tx, now(), CLAIM).await?;
            tx.commit().await?;
            c
        };
        if claimed.is_empty() {
            return Ok(sent);
        }
        for c in &claimed {
            if deliver(app, c).await? == Delivery::Sent {
                sent += 1;
            }
        }
    }
}

/// One attempt at one reply, and its outcome recorded.
async fn deliver(app: &App, c: &Claimed) -> Result<Delivery, AppError> {
    let outcome = match config_for(app, c).await {
        Ok(config) => send(&config, &c.envelope_from, &c.recipients, &c.message).await,
        Err(e) => Err(SendError::Transient(
            vinculo_channels::email_transport::TransportError::Config(e.to_string()),
        )),
    };
    if outcome.is_ok() && std::env::var(FAULT_ENV).as_deref() == Ok("exit-after-smtp") {
        tracing::error!("{FAULT_ENV}: stopping after the SMTP server took a reply");
        std::process::exit(86);
    }
    let at = now();
    let (delivery, error, retry_at) = match &outcome {
        Ok(()) => (Delivery::Sent, None, None),
        Err(SendError::Permanent(e)) => (Delivery::Undeliverable, Some(e.to_string()), None),
        Err(SendError::Transient(e)) => match BACKOFF.get(c.attempts as usize) {
            Some(wait) => (
                Delivery::Failed,
                Some(e.to_string()),
                Some(at + time::Duration::try_from(*wait).unwrap_or(time::Duration::HOUR)),
            ),
            None => (
                Delivery::Undeliverable,
                Some(format!(
                    "gave up after {} attempts; the last: {e}",
                    c.attempts + 1
                )),
                None,
            ),
        },
    };
    let mut tx = app.db.begin().await?;
    outbox::finish(
        &mut tx,
        c.workspace_id,
        c,
        delivery,
        error.as_deref(),
        retry_at,
        at,
    )
    .await?;
    let conversation = vinculo_store::conversations::entry(&mut tx, c.workspace_id, c.entry_id)
        .await?
        .map(|e| e.conversation_id);
    tx.commit().await?;
    if let Some(id) = conversation {
        super::changed(app, c.workspace_id, id);
    }
    Ok(delivery)
}

async fn config_for(app: &App, c: &Claimed) -> Result<SmtpConfig, AppError> {
    let mut conn = app.db.conn().await?;
    let m = vinculo_store::mail_channels::get(&mut conn, c.workspace_id, c.mail_channel_id)
        .await?
        .ok_or(AppError::NotFound("mailbox"))?;
    smtp_config(app, &m)
}
