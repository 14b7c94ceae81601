//! Mailboxes: where their servers are, how to log in (passwords sealed by the app, stored
//! as bytes here), and where reading stopped.
use crate::interactions::time_value;
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query, SimpleExpr};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::conversations::mailbox::{Mailbox, Security};
use vinculo_domain::ids::{MailChannelId, TeamId, WorkspaceId};

#[derive(Iden, Clone, Copy)]
enum MailChannels {
    Table,
    Id,
    WorkspaceId,
    Name,
    Address,
    ImapHost,
    ImapPort,
    ImapSecurity,
    ImapUsername,
    ImapPassword,
    ImapFolder,
    SmtpHost,
    SmtpPort,
    SmtpSecurity,
    SmtpUsername,
    SmtpPassword,
    TlsCaPem,
    DeleteAfterFetch,
    TeamId,
    Signature,
    Enabled,
    Uidvalidity,
    LastUid,
    LastFetchAt,
    LastError,
    CreatedAt,
}

const COLUMNS: [MailChannels; 25] = [
    MailChannels::Id,
    MailChannels::WorkspaceId,
    MailChannels::Name,
    MailChannels::Address,
    MailChannels::ImapHost,
    MailChannels::ImapPort,
    MailChannels::ImapSecurity,
    MailChannels::ImapUsername,
    MailChannels::ImapPassword,
    MailChannels::ImapFolder,
    MailChannels::SmtpHost,
    MailChannels::SmtpPort,
    MailChannels::SmtpSecurity,
    MailChannels::SmtpUsername,
    MailChannels::SmtpPassword,
    MailChannels::TlsCaPem,
    MailChannels::DeleteAfterFetch,
    MailChannels::TeamId,
    MailChannels::Signature,
    MailChannels::Enabled,
    MailChannels::Uidvalidity,
    MailChannels::LastUid,
    MailChannels::LastFetchAt,
    MailChannels::LastError,
    MailChannels::CreatedAt,
];

/// A server of a stored mailbox; the password sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub sealed_password: Vec<u8>,
}

/// A stored mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailChannelRecord {
    pub id: MailChannelId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub address: String,
    pub imap: StoredServer,
    pub folder: String,
    pub smtp: StoredServer,
    pub tls_ca_pem: Option<String>,
    pub delete_after_fetch: bool,
    pub team_id: Option<TeamId>,
    pub signature: Option<String>,
    pub enabled: bool,
    /// Where reading stopped: (UIDVALIDITY, last UID stored).
    pub cursor: Option<(u32, u32)>,
    pub last_fetch_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    workspace_id: Uuid,
    name: String,
    address: String,
    imap_host: String,
    imap_port: i32,
    imap_security: String,
    imap_username: String,
    imap_password: Vec<u8>,
    imap_folder: String,
    smtp_host: String,
    smtp_port: i32,
    smtp_security: String,
    smtp_username: String,
    smtp_password: Vec<u8>,
    tls_ca_pem: Option<String>,
    delete_after_fetch: bool,
    team_id: Option<Uuid>,
    signature: Option<String>,
    enabled: bool,
    uidvalidity: Option<i64>,
    last_uid: Option<i64>,
    last_fetch_at: Option<OffsetDateTime>,
    last_error: Option<String>,
    created_at: OffsetDateTime,
}

impl TryFrom<Row> for MailChannelRecord {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("mail channel {what}"));
        let security = |s: &str| Security::parse(s).ok_or_else(|| bad("security"));
        let port = |p: i32| u16::try_from(p).map_err(|_| bad("port"));
        let cursor = match (r.uidvalidity, r.last_uid) {
            (Some(v), Some(u)) => Some((
                u32::try_from(v).map_err(|_| bad("uidvalidity"))?,
                u32::try_from(u).map_err(|_| bad("last uid"))?,
            )),
            _ => None,
        };
        Ok(MailChannelRecord {
            id: MailChannelId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            name: r.name,
            address: r.address,
            imap: StoredServer {
                host: r.imap_host,
                port: port(r.imap_port)?,
                security: security(&r.imap_security)?,
                username: r.imap_username,
                sealed_password: r.imap_password,
            },
            folder: r.imap_folder,
            smtp: StoredServer {
                host: r.smtp_host,
                port: port(r.smtp_port)?,
                security: security(&r.smtp_security)?,
                username: r.smtp_username,
                sealed_password: r.smtp_password,
            },
            tls_ca_pem: r.tls_ca_pem,
            delete_after_fetch: r.delete_after_fetch,
            team_id: r.team_id.map(TeamId),
            signature: r.signature,
            enabled: r.enabled,
            cursor,
            last_fetch_at: r.last_fetch_at,
            last_error: r.last_error,
            created_at: r.created_at,
        })
    }
}

/// The values of a mailbox's settings columns (not its reading state).
fn settings(
    m: &Mailbox,
    imap_password: &[u8],
    smtp_password: &[u8],
    team: Option<TeamId>,
) -> Vec<(MailChannels, SimpleExpr)> {
    vec![
        (MailChannels::Name, m.name.as_str().into()),
        (MailChannels::Address, m.address.as_str().into()),
        (MailChannels::ImapHost, m.imap.host.as_str().into()),
        (MailChannels::ImapPort, i32::from(m.imap.port).into()),
        (MailChannels::ImapSecurity, m.imap.security.as_str().into()),
        (MailChannels::ImapUsername, m.imap.username.as_str().into()),
        (MailChannels::ImapPassword, imap_password.to_vec().into()),
        (MailChannels::ImapFolder, m.folder.as_str().into()),
        (MailChannels::SmtpHost, m.smtp.host.as_str().into()),
        (MailChannels::SmtpPort, i32::from(m.smtp.port).into()),
        (MailChannels::SmtpSecurity, m.smtp.security.as_str().into()),
        (MailChannels::SmtpUsername, m.smtp.username.as_str().into()),
        (MailChannels::SmtpPassword, smtp_password.to_vec().into()),
        (MailChannels::TlsCaPem, m.tls_ca_pem.clone().into()),
        (MailChannels::DeleteAfterFetch, m.delete_after_fetch.into()),
        (MailChannels::TeamId, team.map(|t| t.uuid()).into()),
        (MailChannels::Signature, m.signature.clone().into()),
        (MailChannels::Enabled, m.enabled.into()),
    ]
}

/// Stores a new mailbox with its sealed passwords. A second mailbox with the same address
/// is a `Conflict { constraint: "mail_channels.address" }`.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MailChannelId,
    m: &Mailbox,
    imap_password: &[u8],
    smtp_password: &[u8],
    team: Option<TeamId>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let mut cols = vec![
        MailChannels::Id,
        MailChannels::WorkspaceId,
        MailChannels::CreatedAt,
    ];
    let mut values: Vec<SimpleExpr> = vec![id.uuid().into(), ws.uuid().into(), time_value(b, at)];
    for (c, v) in settings(m, imap_password, smtp_password, team) {
        cols.push(c);
        values.push(v);
    }
    let stmt = Query::insert()
        .into_table(MailChannels::Table)
        .columns(cols)
        .values_panic(values)
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Replaces a mailbox's settings. Changing where or what it reads (host, user, folder)
/// forgets where reading stopped. False: no such mailbox.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MailChannelId,
    m: &Mailbox,
    imap_password: &[u8],
    smtp_password: &[u8],
    team: Option<TeamId>,
    reset_cursor: bool,
) -> Result<bool, StoreError> {
    let mut stmt = Query::update()
        .table(MailChannels::Table)
        .values(settings(m, imap_password, smtp_password, team))
        .and_where(Expr::col(MailChannels::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(MailChannels::Id).eq(id.uuid()))
        .to_owned();
    if reset_cursor {
        stmt.value(MailChannels::Uidvalidity, Option::<i64>::None)
            .value(MailChannels::LastUid, Option::<i64>::None);
    }
    Ok(conn.execute(&stmt).await? > 0)
}

/// One mailbox of the workspace.
pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MailChannelId,
) -> Result<Option<MailChannelRecord>, StoreError> {
    let stmt = Query::select()
        .columns(COLUMNS)
        .from(MailChannels::Table)
        .and_where(Expr::col(MailChannels::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(MailChannels::Id).eq(id.uuid()))
        .to_owned();
    conn.fetch_optional::<Row, _>(&stmt)
        .await?
        .map(MailChannelRecord::try_from)
        .transpose()
}

/// The workspace's mailboxes, by name.
pub async fn list(conn: &mut Conn, ws: WorkspaceId) -> Result<Vec<MailChannelRecord>, StoreError> {
    let stmt = Query::select()
        .columns(COLUMNS)
        .from(MailChannels::Table)
        .and_where(Expr::col(MailChannels::WorkspaceId).eq(ws.uuid()))
        .order_by(MailChannels::Name, Order::Asc)
        .to_owned();
    conn.fetch_all::<Row, _>(&stmt)
        .await?
        .into_iter()
        .map(MailChannelRecord::try_from)
        .collect()
}

/// Every enabled mailbox of every workspace: what the readers watch.
pub async fn enabled(conn: &mut Conn) -> Result<Vec<MailChannelRecord>, StoreError> {
    let stmt = Query::select()
        .columns(COLUMNS)
        .from(MailChannels::Table)
        .and_where(Expr::col(MailChannels::Enabled).eq(true))
        .order_by(MailChannels::Id, Order::Asc)
        .to_owned();
    conn.fetch_all::<Row, _>(&stmt)
        .await?
        .into_iter()
        .map(MailChannelRecord::try_from)
        .collect()
}

/// Removes a mailbox (its conversations stay, without it). False: no such mailbox.
pub async fn delete(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MailChannelId,
) -> Result<bool, StoreError> {
    let stmt = Query::delete()
        .from_table(MailChannels::Table)
        .and_where(Expr::col(MailChannels::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(MailChannels::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Records a read: where it stopped (when it got that far) and its error, if any. A read
/// that worked clears the error and is the new `last_fetch_at`; a failed one leaves
/// `last_fetch_at` at the last read that worked, so the settings page shows both.
pub async fn record_fetch(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MailChannelId,
    cursor: Option<(u32, u32)>,
    error: Option<&str>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let mut stmt = Query::update()
        .table(MailChannels::Table)
        .value(MailChannels::LastError, error)
        .and_where(Expr::col(MailChannels::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(MailChannels::Id).eq(id.uuid()))
        .to_owned();
    if error.is_none() {
        stmt.value(MailChannels::LastFetchAt, time_value(b, at));
    }
    if let Some((validity, uid)) = cursor {
        stmt.value(MailChannels::Uidvalidity, i64::from(validity))
            .value(MailChannels::LastUid, i64::from(uid));
    }
    conn.execute(&stmt).await.map(drop)
}
