//! New mail since a cursor (UIDVALIDITY + last UID seen), in batches of at most `max`, read
//! with BODY.PEEK from a folder opened read-only: fetching never marks mail read and never
//! deletes it. [`delete_stored`] is the separate, opt-in removal of mail already stored.

use futures_util::TryStreamExt;
use time::OffsetDateTime;

use super::error::timed;
use super::imap::{examine, folder_error, map_imap, ImapSession};
use super::TransportError;

/// Where reading a folder stopped. Only meaningful with the UIDVALIDITY it was taken under:
/// a server that renumbers a folder changes UIDVALIDITY, and old UIDs then mean nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    pub uidvalidity: u32,
    pub last_uid: u32,
}

/// One message as the server stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub uid: u32,
    /// The RFC 5322 bytes, unaltered.
    pub raw: Vec<u8>,
    /// When the server received it (INTERNALDATE), if it said.
    pub internal_date: Option<OffsetDateTime>,
}

/// What one [`fetch_new`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub uidvalidity: u32,
    /// The cursor given was from another UIDVALIDITY, so this batch starts over from UID 1:
    /// mail already stored will come again, and the caller dedupes it by Message-ID.
    pub uidvalidity_changed: bool,
    /// In UID order.
    pub messages: Vec<Fetched>,
    /// More new mail waits beyond `max`: call again with [`Batch::cursor`].
    pub more: bool,
    /// The cursor to store together with these messages, and to pass next time.
    pub cursor: Cursor,
}

/// Fetches up to `max` messages newer than `cursor` (all of them for `None`) from `folder`.
///
/// `max` bounds memory, so a 10,000-message mailbox streams in batches. Message UIDs are
/// listed first (UID SEARCH) and then fetched by exact UID, which also handles gaps left by
/// deleted messages. IMAP quirk: `n:*` always includes the highest UID even when it is below
/// `n`, so UIDs not above the cursor are filtered out.
pub async fn fetch_new(
    session: &mut ImapSession,
    folder: &str,
    cursor: Option<Cursor>,
    max: usize,
) -> Result<Batch, TransportError> {
    let max = max.max(1);
    let mailbox = examine(session, folder).await?;
    let uidvalidity = mailbox.uid_validity.ok_or_else(|| {
        TransportError::Protocol(format!("the folder \"{folder}\" has no UIDVALIDITY"))
    })?;
    let uidvalidity_changed = cursor.is_some_and(|c| c.uidvalidity != uidvalidity);
    let after = match cursor {
        Some(c) if c.uidvalidity == uidvalidity => c.last_uid,
        _ => 0,
    };
    let mut batch = Batch {
        uidvalidity,
        uidvalidity_changed,
        messages: Vec::new(),
        more: false,
        cursor: Cursor {
            uidvalidity,
            last_uid: after,
        },
    };
    // UIDNEXT, when given, says without another command that nothing is new.
    let nothing_new = mailbox.exists == 0
        || after == u32::MAX
        || mailbox.uid_next.is_some_and(|next| next <= after + 1);
    if nothing_new {
        return Ok(batch);
    }

    let t = session.timeout;
    let mut uids: Vec<u32> = timed(t, "listing new messages", async {
        let found = session
            .inner
            .uid_search(format!("UID {}:*", after + 1))
            .await
            .map_err(map_imap)?;
        Ok(found.into_iter().filter(|&uid| uid > after).collect())
    })
    .await?;
    uids.sort_unstable();
    batch.more = uids.len() > max;
    uids.truncate(max);
    let Some(&last) = uids.last() else {
        return Ok(batch);
    };

    let mut messages: Vec<Fetched> = timed(t, "fetching messages", async {
        let fetches: Vec<_> = session
            .inner
            .uid_fetch(uid_set(&uids), "(UID INTERNALDATE BODY.PEEK[])")
            .await
            .map_err(map_imap)?
            .try_collect()
            .await
            .map_err(map_imap)?;
        Ok(fetches
            .iter()
            .filter_map(|f| {
                // Unsolicited FETCH replies (another client changed a flag) carry no body.
                let uid = f.uid.filter(|uid| uids.binary_search(uid).is_ok())?;
                Some(Fetched {
                    uid,
                    raw: f.body()?.to_vec(),
                    internal_date: f
                        .internal_date()
                        .and_then(|d| OffsetDateTime::from_unix_timestamp(d.timestamp()).ok()),
                })
            })
            .collect())
    })
    .await?;
    messages.sort_by_key(|m| m.uid);
    messages.dedup_by_key(|m| m.uid);
    batch.messages = messages;
    // Past every UID listed, fetched or not: one deleted in between is gone for good.
    batch.cursor.last_uid = last;
    Ok(batch)
}

/// Deletes messages the caller has stored (\Deleted, then UID EXPUNGE of exactly those UIDs),
/// only when the folder still has `uidvalidity`: under another UIDVALIDITY the same numbers
/// name other messages. Needs UIDPLUS: a plain EXPUNGE would also remove messages another
/// client marked deleted. Returns how many the server removed.
pub async fn delete_stored(
    session: &mut ImapSession,
    folder: &str,
    uidvalidity: u32,
    uids: &[u32],
) -> Result<usize, TransportError> {
    if !session.uidplus {
        return Err(TransportError::Unsupported {
            what: "UIDPLUS (needed to delete fetched mail safely)",
        });
    }
    let mut uids = uids.to_vec();
    uids.sort_unstable();
    uids.dedup();
    if uids.is_empty() {
        return Ok(0);
    }
    let t = session.timeout;
    timed(t, "deleting stored messages", async {
        let mailbox = session
            .inner
            .select(folder)
            .await
            .map_err(|e| folder_error(folder, e))?;
        if mailbox.uid_validity != Some(uidvalidity) {
            return Ok(0);
        }
        let set = uid_set(&uids);
        let _: Vec<_> = session
            .inner
            .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
            .await
            .map_err(map_imap)?
            .try_collect()
            .await
            .map_err(map_imap)?;
        let removed: Vec<_> = session
            .inner
            .uid_expunge(&set)
            .await
            .map_err(map_imap)?
            .try_collect()
            .await
            .map_err(map_imap)?;
        Ok(removed.len())
    })
    .await
}

/// Sorted, deduplicated UIDs as an IMAP sequence set with runs collapsed: `1:3,7,9:10`.
pub(crate) fn uid_set(sorted: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uid_set;

    #[test]
    fn uid_sets_collapse_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[]), "");
    }
}
