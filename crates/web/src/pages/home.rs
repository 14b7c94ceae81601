//! The start page after logging in: where you are, as whom, and the first steps.
use super::{ctx_error, layout, Ctx};
use crate::i18n::role_name;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use vinculo_domain::auth::{Access, Area};

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let m = ctx.m;
    let p = &ctx.principal;
    let counts = async {
        let members = if p.can(Area::Users, Access::Read) {
            Some(
                vinculo_app::users::list(&state.app, p, None, None, 200)
                    .await?
                    .items
                    .len(),
            )
        } else {
            None
        };
        let teams = if p.can(Area::Teams, Access::Read) {
            Some(vinculo_app::teams::list(&state.app, p).await?.len())
        } else {
            None
        };
        let tokens = if p.can(Area::Tokens, Access::Read) {
            Some(
                vinculo_app::tokens::list(&state.app, p)
                    .await?
                    .iter()
                    .filter(|t| t.revoked_at.is_none())
                    .count(),
            )
        } else {
            None
        };
        Ok::<_, vinculo_app::AppError>((members, teams, tokens))
    }
    .await;
    let (members, teams, tokens) = match counts {
        Ok(c) => c,
        Err(e) => return ctx_error(&ctx, e),
    };
    let body = html! {
        h1 { (m.welcome.replace("{name}", &p.user_name)) }
        p class="muted" { (m.home_intro.replace("{ws}", &p.workspace_name).replace("{role}", role_name(m, p.role))) }
        div class="grid" {
            @if let Some(n) = members { a class="card" href="/settings/users" { span class="stat" { (n) } (m.home_members) } }
            @if let Some(n) = teams { a class="card" href="/settings/teams" { span class="stat" { (n) } (m.home_teams) } }
            @if let Some(n) = tokens { a class="card" href="/settings/tokens" { span class="stat" { (n) } (m.home_tokens) } }
        }
        @if p.can(Area::Users, Access::Write) {
            h2 { (m.home_next) }
            ol {
                li { a href="/settings/users" { (m.home_step_invite) } }
                li { a href="/settings/teams" { (m.home_step_teams) } }
                li { a href="/settings/tokens" { (m.home_step_token) } }
            }
        }
    };
    layout(&ctx, m.nav_home, body).into_response()
}
