//! Saved views: a named query of a list (filters and sort, as the list page's query string),
//! kept for its author or shared with the workspace.
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::ids::{UserId, WorkspaceId};

#[derive(Iden, Clone, Copy)]
enum SavedViews {
    Table,
    Id,
    WorkspaceId,
    UserId,
    List,
    Name,
    Query,
    Shared,
    CreatedAt,
}

/// A saved view.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SavedView {
    pub id: Uuid,
    pub user_id: Uuid,
    /// Which list: `customers` or `organizations`.
    pub list: String,
    pub name: String,
    /// The list's query string, without `cursor`.
    pub query: String,
    pub shared: bool,
    pub created_at: OffsetDateTime,
}

fn select() -> sea_query::SelectStatement {
    use SavedViews as V;
    Query::select()
        .columns([
            V::Id,
            V::UserId,
            V::List,
            V::Name,
            V::Query,
            V::Shared,
            V::CreatedAt,
        ])
        .from(V::Table)
        .to_owned()
}

/// The views of `list` that `user` sees: their own and the shared ones, by name.
pub async fn views(
    conn: &mut Conn,
    ws: WorkspaceId,
    user: UserId,
    list: &str,
) -> Result<Vec<SavedView>, StoreError> {
    use SavedViews as V;
    let stmt = select()
        .and_where(Expr::col(V::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(V::List).eq(list))
        .and_where(
            Expr::col(V::UserId)
                .eq(user.0)
                .or(Expr::col(V::Shared).eq(true)),
        )
        .order_by(V::Name, Order::Asc)
        .order_by(V::Id, Order::Asc)
        .to_owned();
    conn.fetch_all(&stmt).await
}

pub async fn insert_view(
    conn: &mut Conn,
    ws: WorkspaceId,
    v: &SavedView,
) -> Result<(), StoreError> {
    use SavedViews as V;
    let stmt = Query::insert()
        .into_table(V::Table)
        .columns([
            V::Id,
            V::WorkspaceId,
            V::UserId,
            V::List,
            V::Name,
            V::Query,
            V::Shared,
            V::CreatedAt,
        ])
        .values_panic([
            v.id.into(),
            ws.uuid().into(),
            v.user_id.into(),
            v.list.clone().into(),
            v.name.clone().into(),
            v.query.clone().into(),
            v.shared.into(),
            v.created_at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// One view of the workspace (whoever owns it).
pub async fn view(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: Uuid,
) -> Result<Option<SavedView>, StoreError> {
    use SavedViews as V;
    let stmt = select()
        .and_where(Expr::col(V::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(V::Id).eq(id))
        .to_owned();
    conn.fetch_optional(&stmt).await
}

pub async fn delete_view(conn: &mut Conn, ws: WorkspaceId, id: Uuid) -> Result<bool, StoreError> {
    use SavedViews as V;
    let stmt = Query::delete()
        .from_table(V::Table)
        .and_where(Expr::col(V::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(V::Id).eq(id))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}
