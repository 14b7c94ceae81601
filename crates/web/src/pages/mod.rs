//! The server-rendered UI shell: the page context (who, language, CSRF token), the layout
//! with navigation, user menu and workspace switcher, flash messages, and error pages.
//! HTML is built with maud, which escapes every interpolated value.
pub mod assets;
pub mod home;
mod layout;

pub use layout::{layout, public_layout, wide_layout, ASSET_VERSION};

use crate::extract::PageAuth;
use crate::i18n::{Lang, Msg};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use vinculo_app::{AppError, Principal};
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_store::workspaces::Workspace;

/// Everything a logged-in page needs to render.
pub struct Ctx {
    pub lang: Lang,
    pub m: &'static Msg,
    pub principal: Principal,
    pub csrf: String,
    pub path: String,
    /// Whether this page answers a GET (only then is `path` a page one can return to).
    pub is_get: bool,
    pub flash: Option<&'static str>,
    pub workspaces: Vec<(Workspace, Role)>,
    /// Conversations waiting unread for this user, for the navigation's badge (`None` for
    /// those who do not work the inbox).
    pub inbox_unread: Option<u64>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let PageAuth { principal, csrf } = PageAuth::from_request_parts(parts, state).await?;
        let lang = Lang::choose(principal.locale.as_deref(), &parts.headers);
        let workspaces = vinculo_app::auth::my_workspaces(&state.app, &principal)
            .await
            .map_err(|e| error_page(lang, e))?;
        let flash = parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "flash")
                .and_then(|(_, v)| {
                    flash_text(lang.msg(), &v)
                        .or_else(|| crate::conversations::texts::flash(lang, &v))
                        .or_else(|| crate::forms::texts::flash(lang, &v))
                })
        });
        let inbox_unread = if principal.can(Area::Service, Access::Read) {
            // A badge is not worth failing the page for: an error leaves it out.
            match vinculo_app::conversations::inbox::unread(&state.app, &principal).await {
                Ok(n) => Some(n),
                Err(e) => {
                    tracing::warn!(error = ?e, "unread count for the navigation failed");
                    None
                }
            }
        } else {
            None
        };
        Ok(Ctx {
            lang,
            m: lang.msg(),
            principal,
            csrf,
            path: parts.uri.path().to_owned(),
            is_get: parts.method == axum::http::Method::GET,
            flash,
            workspaces,
            inbox_unread,
        })
    }
}

/// Flash messages travel as a key in the redirect's query string (`?flash=saved`), never as
/// free text, so a crafted link cannot put words in our mouth.
fn flash_text(m: &'static Msg, key: &str) -> Option<&'static str> {
    Some(match key {
        "saved" => m.saved,
        "password_changed" => m.password_changed,
        "invite_revoked" => m.invite_revoked,
        "token_revoked" => m.token_revoked,
        "team_created" => m.team_created,
        "team_deleted" => m.team_deleted,
        "erased" => m.erased,
        "merged" => m.merged,
        "merge_undone" => m.merge_undone,
        _ => return None,
    })
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(crate::csrf::FIELD) value=(token); }
}

/// A standalone page for an error (before the logged-in layout can be drawn).
pub fn error_page(lang: Lang, e: AppError) -> Response {
    let m = lang.msg();
    let (status, title, body) = match e {
        AppError::Forbidden => (StatusCode::FORBIDDEN, m.forbidden_title, m.forbidden_body),
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, m.not_found_title, m.not_found_body),
        other => {
            if matches!(other, AppError::Store(_) | AppError::Internal(_)) {
                tracing::error!(error = ?other, "page failed");
            }
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                m.error_title,
                m.error_body,
            )
        }
    };
    (
        status,
        public_layout(
            Lang::Es,
            title,
            html! { h1 { (title) } p { (body) } p { a href="/app" { (m.back_home) } } },
        ),
    )
        .into_response()
}

/// An error page inside the logged-in layout, in the user's language.
pub fn ctx_error(ctx: &Ctx, e: AppError) -> Response {
    let m = ctx.m;
    let (status, title, body) = match e {
        AppError::Forbidden => (StatusCode::FORBIDDEN, m.forbidden_title, m.forbidden_body),
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, m.not_found_title, m.not_found_body),
        other => return error_page(ctx.lang, other),
    };
    (
        status,
        layout(
            ctx,
            title,
            html! { h1 { (title) } p { (body) } p { a href="/app" { (m.back_home) } } },
        ),
    )
        .into_response()
}

pub fn csrf_failed_page() -> Markup {
    let m = Lang::Es.msg();
    let en = Lang::En.msg();
    public_layout(
        Lang::Es,
        m.csrf_title,
        html! {
            h1 { (m.csrf_title) }
            p { (m.csrf_body) }
            p lang="en" { (en.csrf_body) }
        },
    )
}

/// The message shown next to a form for a use-case error.
pub fn form_error(m: &Msg, e: &AppError) -> String {
    form_error_with(m, e, &[])
}

/// The translated message for a field the use cases reject (the API keeps the English
/// detail; people get their own language).
fn field_text(m: &Msg, field: &str) -> Option<&'static str> {
    Some(match field {
        "email" => m.err_email,
        "password" | "new_password" => m.err_password,
        "current_password" => m.err_current_password,
        "name" => m.err_name,
        "workspace_name" | "workspace_slug" => m.err_workspace_name,
        "scopes" => m.err_scopes,
        "role" => m.err_role,
        "members" | "user_id" => m.err_members,
        _ => return None,
    })
}

/// Like [`form_error`], with per-form wording for fields whose meaning depends on the form
/// (a team's `name` is not a person's).
pub fn form_error_with(m: &Msg, e: &AppError, overrides: &[(&str, &'static str)]) -> String {
    match e {
        AppError::Invalid { field, message } => overrides
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, text)| *text)
            .or_else(|| field_text(m, field))
            .map_or_else(|| m.field_error.replace("{msg}", message), str::to_owned),
        AppError::Conflict { field } if field == "email" => m.already_member.to_owned(),
        AppError::Conflict { .. } => m.name_taken.to_owned(),
        AppError::State(_) => m.last_admin.to_owned(),
        AppError::BadCredentials => m.bad_credentials.to_owned(),
        AppError::RateLimited { retry_after_secs } => m
            .rate_limited
            .replace("{n}", &retry_after_secs.div_ceil(60).to_string()),
        AppError::Forbidden => m.forbidden_body.to_owned(),
        AppError::InvalidFields(issues) => crate::problems::form_issues(m, issues, &[]),
        AppError::KeyConflict(_) => m.customer_exists.to_owned(),
        _ => m.error_body.to_owned(),
    }
}

/// Formats a UTC time for a table cell (`2026-11-22 09:15 UTC`).
pub fn when(t: time::OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&f).unwrap_or_default()
}
