//! Users (global identities that log in) and memberships (a user's role in a workspace).
//! Reads of people inside a workspace always go through the membership row.
use crate::page::{Cursor, Page};
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query, SelectStatement};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::auth::Role;
use vinculo_domain::ids::{UserId, WorkspaceId};

#[derive(Iden)]
pub(crate) enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Locale,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
pub(crate) enum Memberships {
    Table,
    WorkspaceId,
    UserId,
    Role,
    Disabled,
    CreatedAt,
    Extension,
}

/// A user with the secret hash, for authentication only.
#[derive(Clone, Debug)]
pub struct UserCredentials {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub locale: Option<String>,
}

/// A user as a workspace sees them.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub locale: Option<String>,
    pub role: Role,
    pub disabled: bool,
    pub joined_at: OffsetDateTime,
    /// The telephone extension they answer calls on here (screen pops go to it).
    pub extension: Option<String>,
}

/// A new user to insert.
pub struct NewUser<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub locale: Option<&'a str>,
    pub at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct CredRow {
    id: Uuid,
    email: String,
    name: String,
    password_hash: String,
    locale: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: Uuid,
    email: String,
    name: String,
    locale: Option<String>,
    role: String,
    disabled: bool,
    created_at: OffsetDateTime,
    extension: Option<String>,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Self, StoreError> {
        Ok(Member {
            id: UserId(r.id),
            email: r.email,
            name: r.name,
            locale: r.locale,
            role: r
                .role
                .parse()
                .map_err(|e: vinculo_domain::auth::RoleError| StoreError::Corrupt(e.to_string()))?,
            disabled: r.disabled,
            joined_at: r.created_at,
            extension: r.extension,
        })
    }
}

pub async fn insert(conn: &mut Conn, u: &NewUser<'_>) -> Result<(), StoreError> {
    let stmt = Query::insert()
        .into_table(Users::Table)
        .columns([
            Users::Id,
            Users::Email,
            Users::Name,
            Users::PasswordHash,
            Users::Locale,
            Users::CreatedAt,
            Users::UpdatedAt,
        ])
        .values_panic([
            u.id.uuid().into(),
            u.email.into(),
            u.name.into(),
            u.password_hash.into(),
            u.locale.map(str::to_owned).into(),
            u.at.into(),
            u.at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

fn credentials() -> SelectStatement {
    Query::select()
        .columns([
            Users::Id,
            Users::Email,
            Users::Name,
            Users::PasswordHash,
            Users::Locale,
        ])
        .from(Users::Table)
        .to_owned()
}

fn cred(r: CredRow) -> UserCredentials {
    UserCredentials {
        id: UserId(r.id),
        email: r.email,
        name: r.name,
        password_hash: r.password_hash,
        locale: r.locale,
    }
}

/// Looks a user up by normalised e-mail, across workspaces: logging in precedes choosing one.
pub async fn credentials_by_email(
    conn: &mut Conn,
    email: &str,
) -> Result<Option<UserCredentials>, StoreError> {
    let stmt = credentials()
        .and_where(Expr::col(Users::Email).eq(email))
        .to_owned();
    Ok(conn.fetch_optional::<CredRow, _>(&stmt).await?.map(cred))
}

pub async fn credentials_by_id(
    conn: &mut Conn,
    id: UserId,
) -> Result<Option<UserCredentials>, StoreError> {
    let stmt = credentials()
        .and_where(Expr::col(Users::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.fetch_optional::<CredRow, _>(&stmt).await?.map(cred))
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    let stmt = Query::select()
        .expr(Expr::col(Users::Id).count())
        .from(Users::Table)
        .to_owned();
    let (n,): (i64,) = conn.fetch_one(&stmt).await?;
    Ok(n)
}

pub async fn set_password(
    conn: &mut Conn,
    id: UserId,
    hash: &str,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(Users::Table)
        .values([
            (Users::PasswordHash, hash.into()),
            (Users::UpdatedAt, at.into()),
        ])
        .and_where(Expr::col(Users::Id).eq(id.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

pub async fn set_profile(
    conn: &mut Conn,
    id: UserId,
    name: &str,
    locale: Option<&str>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(Users::Table)
        .values([
            (Users::Name, name.into()),
            (Users::Locale, locale.map(str::to_owned).into()),
            (Users::UpdatedAt, at.into()),
        ])
        .and_where(Expr::col(Users::Id).eq(id.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

pub async fn insert_membership(
    conn: &mut Conn,
    ws: WorkspaceId,
    user: UserId,
    role: Role,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let stmt = Query::insert()
        .into_table(Memberships::Table)
        .columns([
            Memberships::WorkspaceId,
            Memberships::UserId,
            Memberships::Role,
            Memberships::Disabled,
            Memberships::CreatedAt,
        ])
        .values_panic([
            ws.uuid().into(),
            user.uuid().into(),
            role.as_str().into(),
            false.into(),
            at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

fn members(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns([
            (Users::Table, Users::Id),
            (Users::Table, Users::Email),
            (Users::Table, Users::Name),
            (Users::Table, Users::Locale),
        ])
        .columns([
            (Memberships::Table, Memberships::Role),
            (Memberships::Table, Memberships::Disabled),
            (Memberships::Table, Memberships::CreatedAt),
            (Memberships::Table, Memberships::Extension),
        ])
        .from(Memberships::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((Memberships::Table, Memberships::UserId)),
        )
        .and_where(Expr::col((Memberships::Table, Memberships::WorkspaceId)).eq(ws.uuid()))
        .to_owned()
}

/// A user's membership in a workspace, `None` when they are not a member.
pub async fn member(
    conn: &mut Conn,
    ws: WorkspaceId,
    user: UserId,
) -> Result<Option<Member>, StoreError> {
    let stmt = members(ws)
        .and_where(Expr::col((Users::Table, Users::Id)).eq(user.uuid()))
        .to_owned();
    conn.fetch_optional::<MemberRow, _>(&stmt)
        .await?
        .map(Member::try_from)
        .transpose()
}

pub async fn member_by_email(
    conn: &mut Conn,
    ws: WorkspaceId,
    email: &str,
) -> Result<Option<Member>, StoreError> {
    let stmt = members(ws)
        .and_where(Expr::col((Users::Table, Users::Email)).eq(email))
        .to_owned();
    conn.fetch_optional::<MemberRow, _>(&stmt)
        .await?
        .map(Member::try_from)
        .transpose()
}

/// Members of a workspace in id order (oldest account first), one page at a time.
pub async fn list_members(
    conn: &mut Conn,
    ws: WorkspaceId,
    role: Option<Role>,
    after: Option<Cursor>,
    limit: u64,
) -> Result<Page<Member>, StoreError> {
    let mut stmt = members(ws);
    if let Some(role) = role {
        stmt.and_where(Expr::col((Memberships::Table, Memberships::Role)).eq(role.as_str()));
    }
    if let Some(c) = after {
        stmt.and_where(Expr::col((Users::Table, Users::Id)).gt(c.0));
    }
    stmt.order_by((Users::Table, Users::Id), Order::Asc)
        .limit(limit + 1);
    let rows = conn.fetch_all::<MemberRow, _>(&stmt).await?;
    let members = rows
        .into_iter()
        .map(Member::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(members, limit, |m| m.id.uuid()))
}

/// Changes a member's role and/or disabled flag; returns whether the member existed.
pub async fn update_membership(
    conn: &mut Conn,
    ws: WorkspaceId,
    user: UserId,
    role: Role,
    disabled: bool,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(Memberships::Table)
        .values([
            (Memberships::Role, role.as_str().into()),
            (Memberships::Disabled, disabled.into()),
        ])
        .and_where(Expr::col(Memberships::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Memberships::UserId).eq(user.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// How many active admins a workspace has (the last one may not be demoted or disabled).
pub async fn count_active_admins(conn: &mut Conn, ws: WorkspaceId) -> Result<i64, StoreError> {
    let stmt = Query::select()
        .expr(Expr::col(Memberships::UserId).count())
        .from(Memberships::Table)
        .and_where(Expr::col(Memberships::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Memberships::Role).eq(Role::Admin.as_str()))
        .and_where(Expr::col(Memberships::Disabled).eq(false))
        .to_owned();
    let (n,): (i64,) = conn.fetch_one(&stmt).await?;
    Ok(n)
}
