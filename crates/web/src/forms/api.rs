//! `/api/v1/forms`: building web forms (admins). Each form comes back with its hosted page's
//! address and the HTML snippet to embed it.
use super::render::snippet;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;
use vinculo_app::forms;
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::forms::{ConsentDraft, FieldDraft, FormDraft, Outcome};
use vinculo_domain::ids::FormId;
use vinculo_store::forms::FormRecord;

/// One field as sent.
#[derive(Deserialize, Serialize, ToSchema, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct FieldIn {
    /// What it fills: `given_name`, `family_name`, `email`, `phone`, `organization`,
    /// `language`, `message`, `custom_fields.<key>` (a custom field for people) or
    /// `question.<key>` (a free question, kept with the submission). Also the input's name.
    pub maps_to: Option<String>,
    /// In the form's language.
    pub label: Option<String>,
    #[serde(default)]
    pub required: Option<bool>,
}

/// The consent box.
#[derive(Deserialize, Serialize, ToSchema, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ConsentIn {
    /// What the person agrees to by ticking it.
    pub text: Option<String>,
    /// `email` (the default), `sms`, `whatsapp`, `phone` or `post`.
    pub channel: Option<String>,
    /// `marketing` (the default), `surveys` or `service`.
    pub purpose: Option<String>,
}

/// A form as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormIn {
    /// Its title on the page.
    pub name: Option<String>,
    /// The page's address is `/f/{slug}` (a-z, 0-9, -); made from the name when left out.
    pub slug: Option<String>,
    /// `es` (the default) or `en`.
    pub language: Option<String>,
    pub description: Option<String>,
    /// In display order; at least an `email` or `phone` field.
    #[serde(default)]
    pub fields: Vec<FieldIn>,
    pub consent: Option<ConsentIn>,
    /// `record` (the default: only the timeline), `lead` (a prospect becomes a lead) or
    /// `conversation` (opens one in the inbox).
    pub outcome: Option<String>,
    /// For `conversation`: the team it goes to.
    pub team_id: Option<Uuid>,
    /// For `conversation`: the mailbox an agent answers from.
    pub mail_channel_id: Option<Uuid>,
    /// Origins whose pages may post to the form (`https://example.com`).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Shown after a submission (a default in the form's language when left out).
    pub thank_you: Option<String>,
    /// Where a browser goes after a submission, instead of the thank-you message.
    pub redirect_url: Option<String>,
    /// Accepting submissions (default true); a disabled form's page is not found.
    pub enabled: Option<bool>,
}

impl From<FormIn> for FormDraft {
    fn from(f: FormIn) -> Self {
        FormDraft {
            name: f.name,
            slug: f.slug,
            language: f.language,
            description: f.description,
            fields: f
                .fields
                .into_iter()
                .map(|x| FieldDraft {
                    maps_to: x.maps_to,
                    label: x.label,
                    required: x.required,
                })
                .collect(),
            consent: f.consent.map(|c| ConsentDraft {
                text: c.text,
                channel: c.channel,
                purpose: c.purpose,
            }),
            outcome: f.outcome,
            team_id: f.team_id,
            mail_channel_id: f.mail_channel_id,
            allowed_origins: f.allowed_origins,
            thank_you: f.thank_you,
            redirect_url: f.redirect_url,
            enabled: f.enabled,
        }
    }
}

/// A field of a stored form.
#[derive(Serialize, ToSchema)]
pub struct FieldOut {
    pub maps_to: String,
    pub label: String,
    pub required: bool,
}

/// A stored form, with where it lives.
#[derive(Serialize, ToSchema)]
pub struct FormOut {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub language: String,
    pub description: Option<String>,
    pub fields: Vec<FieldOut>,
    pub consent: Option<ConsentIn>,
    pub outcome: String,
    pub team_id: Option<Uuid>,
    pub mail_channel_id: Option<Uuid>,
    pub allowed_origins: Vec<String>,
    pub thank_you: String,
    pub redirect_url: Option<String>,
    pub enabled: bool,
    /// The hosted page; also where submissions are posted.
    pub hosted_url: String,
    /// HTML to paste in a page of an allowed origin: the form and the optional script.
    pub embed_html: String,
    /// Submissions received (in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submissions: Option<u64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// The address people reach Vinculo at, without a trailing slash.
pub(crate) fn base(state: &AppState) -> String {
    state.web.public_url.trim_end_matches('/').to_owned()
}

pub(crate) fn form_out(base: &str, r: &FormRecord, defs: &[FieldDef], n: Option<u64>) -> FormOut {
    let f = &r.form;
    let (team, mailbox) = match f.outcome {
        Outcome::Conversation { team, mailbox } => (team, mailbox),
        _ => (None, None),
    };
    FormOut {
        id: r.id.uuid(),
        name: f.name.clone(),
        slug: f.slug.clone(),
        language: f.language.clone(),
        description: f.description.clone(),
        fields: f
            .fields
            .iter()
            .map(|x| FieldOut {
                maps_to: x.target.name(),
                label: x.label.clone(),
                required: x.required,
            })
            .collect(),
        consent: f.consent.as_ref().map(|c| ConsentIn {
            text: Some(c.text.clone()),
            channel: Some(c.channel.as_str().into()),
            purpose: Some(c.purpose.as_str().into()),
        }),
        outcome: f.outcome.as_str().into(),
        team_id: team.map(|t| t.uuid()),
        mail_channel_id: mailbox.map(|m| m.uuid()),
        allowed_origins: f.allowed_origins.clone(),
        thank_you: f.thank_you.clone(),
        redirect_url: f.redirect_url.clone(),
        enabled: f.enabled,
        hosted_url: format!("{base}/f/{}", f.slug),
        embed_html: snippet(f, defs, base),
        submissions: n,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

async fn defs(state: &AppState, p: &vinculo_app::Principal) -> Result<Vec<FieldDef>, ApiError> {
    Ok(vinculo_app::customers::custom_fields(&state.app, p).await?)
}

/// The workspace's web forms (admins).
#[utoipa::path(get, path = "/forms", tag = "forms", responses((status = 200, body = Vec<FormOut>), (status = 403, body = Problem, content_type = "application/problem+json")), security(("bearer" = []), ("session" = [])))]
pub async fn list_forms(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<Vec<FormOut>>, ApiError> {
    let all = forms::list(&state.app, &p).await?;
    let defs = defs(&state, &p).await?;
    let base = base(&state);
    Ok(Json(
        all.iter()
            .map(|(r, n)| form_out(&base, r, &defs, Some(*n)))
            .collect(),
    ))
}

/// Builds a web form (admins).
#[utoipa::path(post, path = "/forms", tag = "forms", request_body = FormIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = FormOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_form(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<FormIn>,
) -> Result<(StatusCode, Json<FormOut>), ApiError> {
    let r = forms::create(&state.app, &p, &body.into()).await?;
    let defs = defs(&state, &p).await?;
    Ok((
        StatusCode::CREATED,
        Json(form_out(&base(&state), &r, &defs, None)),
    ))
}

/// One web form.
#[utoipa::path(get, path = "/forms/{id}", tag = "forms", params(("id" = Uuid, Path)),
    responses((status = 200, body = FormOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_form(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<FormOut>, ApiError> {
    let r = forms::get(&state.app, &p, FormId(id)).await?;
    let defs = defs(&state, &p).await?;
    Ok(Json(form_out(&base(&state), &r, &defs, None)))
}

/// Replaces a web form's definition (admins).
#[utoipa::path(put, path = "/forms/{id}", tag = "forms", params(("id" = Uuid, Path)), request_body = FormIn,
    responses((status = 200, body = FormOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn put_form(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<FormIn>,
) -> Result<Json<FormOut>, ApiError> {
    let r = forms::update(&state.app, &p, FormId(id), &body.into()).await?;
    let defs = defs(&state, &p).await?;
    Ok(Json(form_out(&base(&state), &r, &defs, None)))
}

/// Deletes a web form (admins); what it collected stays.
#[utoipa::path(delete, path = "/forms/{id}", tag = "forms", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete_form(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    forms::delete(&state.app, &p, FormId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
