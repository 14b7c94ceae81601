//! Workspaces: created at setup or by `vinculo user create`, listed per user for the switcher.
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::auth::Role;
use vinculo_domain::ids::{UserId, WorkspaceId};

#[derive(Iden)]
pub(crate) enum Workspaces {
    Table,
    Id,
    Slug,
    Name,
    DefaultLocale,
    CreatedAt,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub slug: String,
    pub name: String,
    pub default_locale: String,
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct WorkspaceRow {
    id: Uuid,
    slug: String,
    name: String,
    default_locale: String,
    created_at: OffsetDateTime,
    #[sqlx(default)]
    role: Option<String>,
}

impl From<WorkspaceRow> for Workspace {
    fn from(r: WorkspaceRow) -> Self {
        Self {
            id: WorkspaceId(r.id),
            slug: r.slug,
            name: r.name,
            default_locale: r.default_locale,
            created_at: r.created_at,
        }
    }
}

fn select() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            (Workspaces::Table, Workspaces::Id),
            (Workspaces::Table, Workspaces::Slug),
            (Workspaces::Table, Workspaces::Name),
            (Workspaces::Table, Workspaces::DefaultLocale),
            (Workspaces::Table, Workspaces::CreatedAt),
        ])
        .from(Workspaces::Table)
        .to_owned()
}

pub async fn insert(conn: &mut Conn, w: &Workspace) -> Result<(), StoreError> {
    let stmt = Query::insert()
        .into_table(Workspaces::Table)
        .columns([
            Workspaces::Id,
            Workspaces::Slug,
            Workspaces::Name,
            Workspaces::DefaultLocale,
            Workspaces::CreatedAt,
        ])
        .values_panic([
            w.id.uuid().into(),
            w.slug.clone().into(),
            w.name.clone().into(),
            w.default_locale.clone().into(),
            w.created_at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

pub async fn by_slug(conn: &mut Conn, slug: &str) -> Result<Option<Workspace>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(Workspaces::Slug).eq(slug))
        .to_owned();
    Ok(conn
        .fetch_optional::<WorkspaceRow, _>(&stmt)
        .await?
        .map(Into::into))
}

pub async fn by_id(conn: &mut Conn, id: WorkspaceId) -> Result<Option<Workspace>, StoreError> {
    let stmt = select()
        .and_where(Expr::col((Workspaces::Table, Workspaces::Id)).eq(id.uuid()))
        .to_owned();
    Ok(conn
        .fetch_optional::<WorkspaceRow, _>(&stmt)
        .await?
        .map(Into::into))
}

/// The workspaces a user may enter, with their role in each, oldest first.
pub async fn for_user(conn: &mut Conn, user: UserId) -> Result<Vec<(Workspace, Role)>, StoreError> {
    use crate::users::Memberships;
    let stmt = select()
        .column((Memberships::Table, Memberships::Role))
        .inner_join(
            Memberships::Table,
            Expr::col((Memberships::Table, Memberships::WorkspaceId))
                .equals((Workspaces::Table, Workspaces::Id)),
        )
        .and_where(Expr::col((Memberships::Table, Memberships::UserId)).eq(user.uuid()))
        .and_where(Expr::col((Memberships::Table, Memberships::Disabled)).eq(false))
        .order_by((Workspaces::Table, Workspaces::CreatedAt), Order::Asc)
        .to_owned();
    let rows = conn.fetch_all::<WorkspaceRow, _>(&stmt).await?;
    rows.into_iter()
        .map(|mut r| {
            let role = r.role.take().unwrap_or_default();
            let role = role
                .parse::<Role>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok((Workspace::from(r), role))
        })
        .collect()
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    let stmt = Query::select()
        .expr(Expr::col(Workspaces::Id).count())
        .from(Workspaces::Table)
        .to_owned();
    let (n,): (i64,) = conn.fetch_one(&stmt).await?;
    Ok(n)
}

/// Every workspace, oldest first (operator commands; never exposed to tenants).
pub async fn all(conn: &mut Conn) -> Result<Vec<Workspace>, StoreError> {
    let stmt = select()
        .order_by((Workspaces::Table, Workspaces::CreatedAt), Order::Asc)
        .to_owned();
    Ok(conn
        .fetch_all::<WorkspaceRow, _>(&stmt)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
