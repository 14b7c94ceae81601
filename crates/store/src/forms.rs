//! Web forms: their definitions (fields, consent box and allowed origins kept as JSON text,
//! the same on both backends) and the submissions whose consequences were written.
use crate::interactions::time_value;
use crate::{Conn, StoreError};
use sea_query::{Alias, Expr, Func, Iden, Order, Query, SimpleExpr};
use serde_json::{json, Value};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::customers::consent::{Channel, Purpose};
use vinculo_domain::forms::{ConsentBox, Form, FormField, Outcome, Target};
use vinculo_domain::ids::{
    ConversationId, FormId, InteractionId, MailChannelId, TeamId, WorkspaceId,
};

#[derive(Iden, Clone, Copy)]
enum WebForms {
    Table,
    Id,
    WorkspaceId,
    Name,
    Slug,
    Language,
    Description,
    Fields,
    Consent,
    Outcome,
    TeamId,
    MailChannelId,
    AllowedOrigins,
    ThankYou,
    RedirectUrl,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
enum WebFormSubmissions {
    Table,
    Id,
    WorkspaceId,
    FormId,
    InteractionId,
    ConversationId,
    CreatedAt,
}

const COLUMNS: [WebForms; 17] = [
    WebForms::Id,
    WebForms::WorkspaceId,
    WebForms::Name,
    WebForms::Slug,
    WebForms::Language,
    WebForms::Description,
    WebForms::Fields,
    WebForms::Consent,
    WebForms::Outcome,
    WebForms::TeamId,
    WebForms::MailChannelId,
    WebForms::AllowedOrigins,
    WebForms::ThankYou,
    WebForms::RedirectUrl,
    WebForms::Enabled,
    WebForms::CreatedAt,
    WebForms::UpdatedAt,
];

/// A stored form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormRecord {
    pub id: FormId,
    pub workspace_id: WorkspaceId,
    pub form: Form,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    workspace_id: Uuid,
    name: String,
    slug: String,
    language: String,
    description: Option<String>,
    fields: String,
    consent: Option<String>,
    outcome: String,
    team_id: Option<Uuid>,
    mail_channel_id: Option<Uuid>,
    allowed_origins: String,
    thank_you: String,
    redirect_url: Option<String>,
    enabled: bool,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

fn fields_json(fields: &[FormField]) -> String {
    Value::from(
        fields
            .iter()
            .map(|f| json!({"maps_to": f.target.name(), "label": f.label, "required": f.required}))
            .collect::<Vec<_>>(),
    )
    .to_string()
}

fn consent_json(c: &ConsentBox) -> String {
    json!({"text": c.text, "channel": c.channel.as_str(), "purpose": c.purpose.as_str()})
        .to_string()
}

fn read_fields(raw: &str) -> Option<Vec<FormField>> {
    let v: Vec<Value> = serde_json::from_str(raw).ok()?;
    v.iter()
        .map(|f| {
            Some(FormField {
                target: Target::parse(f.get("maps_to")?.as_str()?)?,
                label: f.get("label")?.as_str()?.to_owned(),
                required: f.get("required")?.as_bool()?,
            })
        })
        .collect()
}

fn read_consent(raw: &str) -> Option<ConsentBox> {
    let v: Value = serde_json::from_str(raw).ok()?;
    Some(ConsentBox {
        text: v.get("text")?.as_str()?.to_owned(),
        channel: Channel::parse(v.get("channel")?.as_str()?)?,
        purpose: Purpose::parse(v.get("purpose")?.as_str()?)?,
    })
}

impl TryFrom<Row> for FormRecord {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("web form {}: {what}", r.id));
        let fields = read_fields(&r.fields).ok_or_else(|| bad("fields"))?;
        let consent = match &r.consent {
            Some(c) => Some(read_consent(c).ok_or_else(|| bad("consent"))?),
            None => None,
        };
        let allowed_origins: Vec<String> =
            serde_json::from_str(&r.allowed_origins).map_err(|_| bad("allowed origins"))?;
        let outcome = match r.outcome.as_str() {
            "record" => Outcome::Record,
            "lead" => Outcome::Lead,
            "conversation" => Outcome::Conversation {
                team: r.team_id.map(TeamId),
                mailbox: r.mail_channel_id.map(MailChannelId),
            },
            _ => return Err(bad("outcome")),
        };
        Ok(FormRecord {
            id: FormId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            form: Form {
                name: r.name,
                slug: r.slug,
                language: r.language,
                description: r.description,
                fields,
                consent,
                outcome,
                allowed_origins,
                thank_you: r.thank_you,
                redirect_url: r.redirect_url,
                enabled: r.enabled,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The values of a form's definition columns.
fn settings(f: &Form) -> Vec<(WebForms, SimpleExpr)> {
    let (team, mailbox) = match f.outcome {
        Outcome::Conversation { team, mailbox } => (team, mailbox),
        _ => (None, None),
    };
    vec![
        (WebForms::Name, f.name.as_str().into()),
        (WebForms::Slug, f.slug.as_str().into()),
        (WebForms::Language, f.language.as_str().into()),
        (WebForms::Description, f.description.clone().into()),
        (WebForms::Fields, fields_json(&f.fields).into()),
        (
            WebForms::Consent,
            f.consent.as_ref().map(consent_json).into(),
        ),
        (WebForms::Outcome, f.outcome.as_str().into()),
        (WebForms::TeamId, team.map(|t| t.uuid()).into()),
        (WebForms::MailChannelId, mailbox.map(|m| m.uuid()).into()),
        (
            WebForms::AllowedOrigins,
            Value::from(f.allowed_origins.clone()).to_string().into(),
        ),
        (WebForms::ThankYou, f.thank_you.as_str().into()),
        (WebForms::RedirectUrl, f.redirect_url.clone().into()),
        (WebForms::Enabled, f.enabled.into()),
    ]
}

fn select() -> sea_query::SelectStatement {
    Query::select()
        .columns(COLUMNS)
        .from(WebForms::Table)
        .to_owned()
}

/// Stores a new form. A slug in use (in any workspace: the address names none) is a
/// `Conflict { constraint: "web_forms.slug" }`.
pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: FormId,
    f: &Form,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let mut cols = vec![
        WebForms::Id,
        WebForms::WorkspaceId,
        WebForms::CreatedAt,
        WebForms::UpdatedAt,
    ];
    let mut values: Vec<SimpleExpr> = vec![
        id.uuid().into(),
        ws.uuid().into(),
        time_value(b, at),
        time_value(b, at),
    ];
    for (c, v) in settings(f) {
        cols.push(c);
        values.push(v);
    }
    let stmt = Query::insert()
        .into_table(WebForms::Table)
        .columns(cols)
        .values_panic(values)
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Replaces a form's definition. False: no such form.
pub async fn update(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: FormId,
    f: &Form,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let b = conn.backend();
    let mut values = settings(f);
    values.push((WebForms::UpdatedAt, time_value(b, at)));
    let stmt = Query::update()
        .table(WebForms::Table)
        .values(values)
        .and_where(Expr::col(WebForms::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(WebForms::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// One form of the workspace.
pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: FormId,
) -> Result<Option<FormRecord>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(WebForms::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(WebForms::Id).eq(id.uuid()))
        .to_owned();
    conn.fetch_optional::<Row, _>(&stmt)
        .await?
        .map(FormRecord::try_from)
        .transpose()
}

/// The form at a public address. The one look-up not scoped by a workspace: the address
/// names none (slugs are unique on the instance), and the record found names its own, which
/// scopes everything the submission then does.
pub async fn by_slug(conn: &mut Conn, slug: &str) -> Result<Option<FormRecord>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(WebForms::Slug).eq(slug))
        .to_owned();
    conn.fetch_optional::<Row, _>(&stmt)
        .await?
        .map(FormRecord::try_from)
        .transpose()
}

/// The workspace's forms, by name.
pub async fn list(conn: &mut Conn, ws: WorkspaceId) -> Result<Vec<FormRecord>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(WebForms::WorkspaceId).eq(ws.uuid()))
        .order_by(WebForms::Name, Order::Asc)
        .order_by(WebForms::Id, Order::Asc)
        .to_owned();
    conn.fetch_all::<Row, _>(&stmt)
        .await?
        .into_iter()
        .map(FormRecord::try_from)
        .collect()
}

/// Removes a form (its submissions' interactions stay on the timelines). False: no such form.
pub async fn delete(conn: &mut Conn, ws: WorkspaceId, id: FormId) -> Result<bool, StoreError> {
    let stmt = Query::delete()
        .from_table(WebForms::Table)
        .and_where(Expr::col(WebForms::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(WebForms::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Records that a submission's consequences are written.
pub async fn record_submission(
    conn: &mut Conn,
    ws: WorkspaceId,
    form: FormId,
    interaction: InteractionId,
    conversation: Option<ConversationId>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let stmt = Query::insert()
        .into_table(WebFormSubmissions::Table)
        .columns([
            WebFormSubmissions::Id,
            WebFormSubmissions::WorkspaceId,
            WebFormSubmissions::FormId,
            WebFormSubmissions::InteractionId,
            WebFormSubmissions::ConversationId,
            WebFormSubmissions::CreatedAt,
        ])
        .values_panic([
            Uuid::now_v7().into(),
            ws.uuid().into(),
            form.uuid().into(),
            interaction.uuid().into(),
            conversation.map(|c| c.uuid()).into(),
            time_value(b, at),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// The submission recorded for an interaction: `Some(conversation it opened, if any)`.
pub async fn submission_of(
    conn: &mut Conn,
    ws: WorkspaceId,
    interaction: InteractionId,
) -> Result<Option<Option<ConversationId>>, StoreError> {
    let stmt = Query::select()
        .column(WebFormSubmissions::ConversationId)
        .from(WebFormSubmissions::Table)
        .and_where(Expr::col(WebFormSubmissions::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(WebFormSubmissions::InteractionId).eq(interaction.uuid()))
        .to_owned();
    Ok(conn
        .fetch_optional::<(Option<Uuid>,), _>(&stmt)
        .await?
        .map(|(c,)| c.map(ConversationId)))
}

/// How many submissions each form of the workspace has had.
pub async fn submission_counts(
    conn: &mut Conn,
    ws: WorkspaceId,
) -> Result<HashMap<FormId, u64>, StoreError> {
    let stmt = Query::select()
        .column(WebFormSubmissions::FormId)
        .expr_as(
            Func::count(Expr::col(WebFormSubmissions::Id)),
            Alias::new("n"),
        )
        .from(WebFormSubmissions::Table)
        .and_where(Expr::col(WebFormSubmissions::WorkspaceId).eq(ws.uuid()))
        .group_by_col(WebFormSubmissions::FormId)
        .to_owned();
    Ok(conn
        .fetch_all::<(Uuid, i64), _>(&stmt)
        .await?
        .into_iter()
        .map(|(f, n)| (FormId(f), u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Notes the conversation a recorded submission opened.
pub async fn set_submission_conversation(
    conn: &mut Conn,
    ws: WorkspaceId,
    interaction: InteractionId,
    conversation: ConversationId,
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(WebFormSubmissions::Table)
        .value(WebFormSubmissions::ConversationId, conversation.uuid())
        .and_where(Expr::col(WebFormSubmissions::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(WebFormSubmissions::InteractionId).eq(interaction.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}
