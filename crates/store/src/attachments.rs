//! Files that came with a message, kept with its interaction. A part refused for its size is
//! listed (name, type, size, why) without its bytes.
use crate::interactions::time_value;
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::ids::{AttachmentId, InteractionId, WorkspaceId};

#[derive(Iden, Clone, Copy)]
enum Attachments {
    Table,
    Id,
    WorkspaceId,
    InteractionId,
    Filename,
    ContentType,
    Size,
    ContentId,
    Inline,
    Data,
    Refused,
    CreatedAt,
}

/// A file to keep.
#[derive(Clone, Debug)]
pub struct NewAttachment<'a> {
    pub id: AttachmentId,
    pub interaction_id: InteractionId,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub content_id: Option<&'a str>,
    pub inline: bool,
    pub data: Option<&'a [u8]>,
    pub refused: Option<&'a str>,
    pub at: OffsetDateTime,
}

pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    a: &NewAttachment<'_>,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let stmt = Query::insert()
        .into_table(Attachments::Table)
        .columns([
            Attachments::Id,
            Attachments::WorkspaceId,
            Attachments::InteractionId,
            Attachments::Filename,
            Attachments::ContentType,
            Attachments::Size,
            Attachments::ContentId,
            Attachments::Inline,
            Attachments::Data,
            Attachments::Refused,
            Attachments::CreatedAt,
        ])
        .values_panic([
            a.id.uuid().into(),
            ws.uuid().into(),
            a.interaction_id.uuid().into(),
            a.filename.into(),
            a.content_type.into(),
            i64::try_from(a.size).unwrap_or(i64::MAX).into(),
            a.content_id.into(),
            a.inline.into(),
            a.data.map(<[u8]>::to_vec).into(),
            a.refused.into(),
            time_value(b, a.at),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// A kept file's description (its bytes are read on their own: [`data`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub id: AttachmentId,
    pub interaction_id: InteractionId,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub content_id: Option<String>,
    pub inline: bool,
    /// Why its bytes were not kept, if they were not.
    pub refused: Option<String>,
}

#[derive(sqlx::FromRow)]
struct InfoRow {
    id: Uuid,
    interaction_id: Uuid,
    filename: String,
    content_type: String,
    size: i64,
    content_id: Option<String>,
    inline: bool,
    refused: Option<String>,
}

impl From<InfoRow> for AttachmentInfo {
    fn from(r: InfoRow) -> Self {
        AttachmentInfo {
            id: AttachmentId(r.id),
            interaction_id: InteractionId(r.interaction_id),
            filename: r.filename,
            content_type: r.content_type,
            size: r.size.max(0) as u64,
            content_id: r.content_id,
            inline: r.inline,
            refused: r.refused,
        }
    }
}

/// The files of these interactions, in the order they came.
pub async fn of_interactions(
    conn: &mut Conn,
    ws: WorkspaceId,
    ids: &[InteractionId],
) -> Result<Vec<AttachmentInfo>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = Query::select()
        .columns([
            Attachments::Id,
            Attachments::InteractionId,
            Attachments::Filename,
            Attachments::ContentType,
            Attachments::Size,
            Attachments::ContentId,
            Attachments::Inline,
            Attachments::Refused,
        ])
        .from(Attachments::Table)
        .and_where(Expr::col(Attachments::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Attachments::InteractionId).is_in(ids.iter().map(|i| i.uuid())))
        .order_by(Attachments::Id, Order::Asc)
        .to_owned();
    let rows: Vec<InfoRow> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(AttachmentInfo::from).collect())
}

/// A file's description and bytes (`None` bytes: refused).
pub async fn data(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: AttachmentId,
) -> Result<Option<(AttachmentInfo, Option<Vec<u8>>)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct WithData {
        #[sqlx(flatten)]
        info: InfoRow,
        data: Option<Vec<u8>>,
    }
    let stmt = Query::select()
        .columns([
            Attachments::Id,
            Attachments::InteractionId,
            Attachments::Filename,
            Attachments::ContentType,
            Attachments::Size,
            Attachments::ContentId,
            Attachments::Inline,
            Attachments::Refused,
            Attachments::Data,
        ])
        .from(Attachments::Table)
        .and_where(Expr::col(Attachments::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Attachments::Id).eq(id.uuid()))
        .to_owned();
    let row: Option<WithData> = conn.fetch_optional(&stmt).await?;
    Ok(row.map(|r| (AttachmentInfo::from(r.info), r.data)))
}
