//! `/settings/users`: members with their roles, the invitation form and open invitations.
use crate::i18n::{role_name, Msg};
use crate::pages::{csrf_field, ctx_error, form_error, layout, when, Ctx};
use crate::state::AppState;
use crate::users::api::invite_status;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::users;
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_domain::ids::{InviteId, UserId};

/// What the page shows above the lists after a form was sent.
#[derive(Default)]
struct Notice {
    error: Option<String>,
    created_link: Option<(String, String)>,
}

fn role_select(m: &Msg, name: &str, selected: Role, autosubmit: bool) -> Markup {
    html! {
        select name=(name) aria-label=(m.role) data-autosubmit[autosubmit] {
            @for r in Role::ALL { option value=(r.as_str()) selected[r == selected] { (role_name(m, r)) } }
        }
    }
}

fn invite_status_text(m: &Msg, s: &str) -> &'static str {
    match s {
        "accepted" => m.invite_status_accepted,
        "revoked" => m.invite_status_revoked,
        "expired" => m.invite_status_expired,
        _ => m.invite_status_pending,
    }
}

async fn render(state: &AppState, ctx: &Ctx, notice: Notice) -> Response {
    let m = ctx.m;
    let p = &ctx.principal;
    let data = async {
        let members = users::list(&state.app, p, None, None, 200).await?;
        let invites = if p.can(Area::Users, Access::Write) {
            users::list_invites(&state.app, p).await?
        } else {
            Vec::new()
        };
        Ok::<_, vinculo_app::AppError>((members, invites))
    }
    .await;
    let (members, invites) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let can_write = p.can(Area::Users, Access::Write);
    let body = html! {
        h1 { (m.users_title) }
        @if let Some(e) = &notice.error { div class="flash err" role="alert" { (e) } }
        @if let Some((email, link)) = &notice.created_link {
            div class="flash ok" role="status" {
                p { (m.invite_created.replace("{email}", email)) }
                div class="secret" { code id="invite-link" { (link) } button type="button" class="secondary small" data-copy="invite-link" data-copied=(m.copied) hidden { (m.copy) } }
            }
        }
        @if can_write {
            section class="card" {
                h2 { (m.invite_title) }
                form class="row" method="post" action="/settings/users/invite" {
                    (csrf_field(&ctx.csrf))
                    label { (m.email) input type="email" name="email" required autocomplete="off"; }
                    label { (m.role) (role_select(m, "role", Role::Agent, false)) }
                    button type="submit" { (m.invite_button) }
                }
            }
        }
        div class="table-wrap" {
            table class="stack-phone" {
                thead { tr { th { (m.name) } th { (m.email) } th { (m.role) } th { (m.status) } } }
                tbody {
                    @for u in &members.items {
                        tr {
                            td data-label=(m.name) { (u.name) @if u.id == p.user_id { " " span class="muted small" { "(" (m.you) ")" } } }
                            td data-label=(m.email) { (u.email) }
                            td data-label=(m.role) {
                                @if can_write {
                                    form method="post" action={ "/settings/users/" (u.id) } {
                                        (csrf_field(&ctx.csrf))
                                        (role_select(m, "role", u.role, true))
                                        button type="submit" class="secondary small" data-autosubmit-fallback { (m.save) }
                                    }
                                } @else { (role_name(m, u.role)) }
                            }
                            td data-label=(m.status) {
                                @if u.disabled { span class="badge off" { (m.disabled) } } @else { span class="badge ok" { (m.active) } }
                                @if can_write && u.id != p.user_id {
                                    " "
                                    form method="post" action={ "/settings/users/" (u.id) } {
                                        (csrf_field(&ctx.csrf))
                                        input type="hidden" name="disabled" value=(if u.disabled { "false" } else { "true" });
                                        button type="submit" class="link small" { (if u.disabled { m.enable } else { m.disable }) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if can_write && !invites.is_empty() {
            h2 { (m.invites_pending) }
            div class="table-wrap" {
                table class="stack-phone" {
                    thead { tr { th { (m.email) } th { (m.role) } th { (m.status) } th { (m.expires) } th { (m.actions) } } }
                    tbody {
                        @for i in &invites {
                            @let status = invite_status(i);
                            tr {
                                td data-label=(m.email) { (i.email) } td data-label=(m.role) { (role_name(m, i.role)) } td data-label=(m.status) { (invite_status_text(m, status)) } td data-label=(m.expires) { (when(i.expires_at)) }
                                td data-label=(m.actions) {
                                    @if status == "pending" {
                                        form method="post" action={ "/settings/users/invites/" (i.id) "/revoke" } {
                                            (csrf_field(&ctx.csrf))
                                            button type="submit" class="danger small" { (m.invite_revoke) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let status = if notice.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    (status, layout(ctx, m.users_title, body)).into_response()
}

pub async fn users_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    render(&state, &ctx, Notice::default()).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<InviteForm>,
) -> Response {
    let result = match f.role.parse::<Role>() {
        Ok(role) => users::invite(&state.app, &ctx.principal, &f.email, role).await,
        Err(e) => Err(vinculo_app::AppError::invalid("role", e)),
    };
    match result {
        Ok(created) => {
            let link = format!("{}/invite/{}", state.web.public_url, created.secret);
            render(
                &state,
                &ctx,
                Notice {
                    created_link: Some((created.invite.email, link)),
                    ..Notice::default()
                },
            )
            .await
        }
        Err(vinculo_app::AppError::Forbidden) => ctx_error(&ctx, vinculo_app::AppError::Forbidden),
        Err(e) => {
            render(
                &state,
                &ctx,
                Notice {
                    error: Some(form_error(ctx.m, &e)),
                    ..Notice::default()
                },
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct MemberForm {
    role: Option<String>,
    disabled: Option<bool>,
}

pub async fn update_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<MemberForm>,
) -> Response {
    let role = match f.role.as_deref().map(str::parse::<Role>).transpose() {
        Ok(r) => r,
        Err(e) => {
            return render(
                &state,
                &ctx,
                Notice {
                    error: Some(form_error(
                        ctx.m,
                        &vinculo_app::AppError::invalid("role", e),
                    )),
                    ..Notice::default()
                },
            )
            .await
        }
    };
    match users::update_member(&state.app, &ctx.principal, UserId(id), role, f.disabled).await {
        Ok(_) => Redirect::to("/settings/users?flash=saved").into_response(),
        Err(e @ (vinculo_app::AppError::Forbidden | vinculo_app::AppError::NotFound(_))) => {
            ctx_error(&ctx, e)
        }
        Err(e) => {
            render(
                &state,
                &ctx,
                Notice {
                    error: Some(form_error(ctx.m, &e)),
                    ..Notice::default()
                },
            )
            .await
        }
    }
}

pub async fn revoke_invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Response {
    match users::revoke_invite(&state.app, &ctx.principal, InviteId(id)).await {
        Ok(()) => Redirect::to("/settings/users?flash=invite_revoked").into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}
