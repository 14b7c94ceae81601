//! Pages before and around a session: login, logout, first-run setup and accepting an
//! invitation.
use crate::csrf::{self, ensure_anon};
use crate::extract::{ClientAddr, MaybePageAuth, SESSION_COOKIE};
use crate::i18n::{role_name, Lang};
use crate::pages::{csrf_field, form_error, form_error_with, public_layout, Ctx};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use maud::{html, Markup};
use serde::Deserialize;
use vinculo_app::auth::{self, NewAccount, NewSession};
use vinculo_app::{users, AppError};
use vinculo_domain::auth::Role;

/// Only local paths are followed after login, never another site.
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_owned()
        }
        _ => "/app".to_owned(),
    }
}

fn session_cookie(state: &AppState, secret: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret))
        .path("/")
        .http_only(true)
        .secure(state.web.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(14))
        .build()
}

/// Logs the browser in: the new session cookie replaces any earlier one.
fn start_session(state: &AppState, jar: CookieJar, session: NewSession, next: &str) -> Response {
    let jar = jar
        .remove(Cookie::from(csrf::ANON_COOKIE))
        .add(session_cookie(state, session.secret));
    (jar, Redirect::to(next)).into_response()
}

#[derive(Deserialize, Default)]
pub struct NextParam {
    next: Option<String>,
}

fn login_form(lang: Lang, csrf: &str, next: &str, email: &str, error: Option<String>) -> Markup {
    let m = lang.msg();
    public_layout(
        lang,
        m.login_title,
        html! {
            h1 { (m.login_title) }
            @if let Some(e) = error { div class="flash err" role="alert" { (e) } }
            form class="stack" method="post" action="/login" {
                (csrf_field(csrf))
                input type="hidden" name="next" value=(next);
                label { (m.email) input type="email" name="email" value=(email) autocomplete="username" required autofocus[email.is_empty()]; }
                label { (m.password) input type="password" name="password" autocomplete="current-password" required autofocus[!email.is_empty()]; }
                button type="submit" { (m.login_button) }
            }
        },
    )
}

pub async fn login_page(
    State(state): State<AppState>,
    MaybePageAuth(auth): MaybePageAuth,
    headers: HeaderMap,
    jar: CookieJar,
    Query(q): Query<NextParam>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if auth.is_some() {
        return Redirect::to(&next).into_response();
    }
    if state.setup_token().is_some() && auth::needs_setup(&state.app).await.unwrap_or(false) {
        let lang = Lang::choose(None, &headers);
        let m = lang.msg();
        return public_layout(
            lang,
            m.setup_title,
            html! { h1 { (m.setup_title) } p { (m.setup_bad_link) } },
        )
        .into_response();
    }
    let lang = Lang::choose(None, &headers);
    let (jar, binding) = ensure_anon(jar, state.web.secure_cookies);
    let token = csrf::token(&state.csrf_key, &binding);
    (jar, login_form(lang, &token, &next, "", None)).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    ClientAddr(client): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    match auth::login(&state.app, &f.email, &f.password, &client).await {
        Ok(session) => start_session(&state, jar, session, &next),
        Err(e) => {
            let lang = Lang::choose(None, &headers);
            let status = match e {
                AppError::RateLimited { .. } => axum::http::StatusCode::TOO_MANY_REQUESTS,
                AppError::BadCredentials => axum::http::StatusCode::UNAUTHORIZED,
                _ => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            };
            let binding = csrf::binding(&jar).unwrap_or_default();
            let token = csrf::token(&state.csrf_key, &binding);
            (
                status,
                login_form(
                    lang,
                    &token,
                    &next,
                    &f.email,
                    Some(form_error(lang.msg(), &e)),
                ),
            )
                .into_response()
        }
    }
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx, jar: CookieJar) -> Response {
    if let Err(e) = auth::logout(&state.app, &ctx.principal).await {
        return crate::pages::ctx_error(&ctx, e);
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/").build());
    (jar, Redirect::to("/login")).into_response()
}

#[derive(Deserialize)]
pub struct SetupQuery {
    token: Option<String>,
}

fn setup_form(
    lang: Lang,
    csrf: &str,
    token: &str,
    values: &SetupForm,
    error: Option<String>,
) -> Markup {
    let m = lang.msg();
    public_layout(
        lang,
        m.setup_title,
        html! {
            h1 { (m.setup_title) }
            p { (m.setup_intro) }
            @if let Some(e) = error { div class="flash err" role="alert" { (e) } }
            form class="stack" method="post" action="/setup" {
                (csrf_field(csrf))
                input type="hidden" name="token" value=(token);
                label { (m.workspace_name) input type="text" name="workspace_name" value=(values.workspace_name) required maxlength="120" autofocus; }
                label { (m.your_name) input type="text" name="name" value=(values.name) required maxlength="120" autocomplete="name"; }
                label { (m.email) input type="email" name="email" value=(values.email) required autocomplete="username"; }
                label { (m.password) span class="hint" { (m.password_hint) } input type="password" name="password" required minlength="10" autocomplete="new-password"; }
                button type="submit" { (m.create_workspace) }
            }
        },
    )
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    workspace_name: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The answer to a setup request without the right one-time secret.
fn setup_refused(lang: Lang) -> Response {
    let m = lang.msg();
    let body = html! { h1 { (m.setup_title) } p { (m.setup_bad_link) } };
    (
        axum::http::StatusCode::FORBIDDEN,
        public_layout(lang, m.setup_title, body),
    )
        .into_response()
}

fn setup_token_ok(state: &AppState, presented: &str) -> bool {
    use subtle::ConstantTimeEq;
    state
        .setup_token()
        .is_some_and(|t| t.as_bytes().ct_eq(presented.as_bytes()).into())
}

pub async fn setup_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(q): Query<SetupQuery>,
) -> Response {
    let lang = Lang::choose(None, &headers);
    let m = lang.msg();
    if !auth::needs_setup(&state.app).await.unwrap_or(false) {
        return public_layout(
            lang,
            m.setup_title,
            html! { h1 { (m.setup_title) } p { a href="/login" { (m.setup_done) } } },
        )
        .into_response();
    }
    let token = q.token.unwrap_or_default();
    if !setup_token_ok(&state, &token) {
        return setup_refused(lang);
    }
    let (jar, binding) = ensure_anon(jar, state.web.secure_cookies);
    let csrf = csrf::token(&state.csrf_key, &binding);
    (
        jar,
        setup_form(lang, &csrf, &token, &SetupForm::default(), None),
    )
        .into_response()
}

pub async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    ClientAddr(client): ClientAddr,
    Form(f): Form<SetupForm>,
) -> Response {
    let lang = Lang::choose(None, &headers);
    let m = lang.msg();
    if !setup_token_ok(&state, &f.token) || !auth::needs_setup(&state.app).await.unwrap_or(false) {
        return setup_refused(lang);
    }
    let account = NewAccount {
        workspace_name: f.workspace_name.clone(),
        workspace_slug: None,
        name: f.name.clone(),
        email: f.email.clone(),
        password: f.password.clone(),
        role: Role::Admin,
        locale: Some(lang.code().to_owned()),
        via: vinculo_app::Via::Session {
            token_hash: Vec::new(),
        },
    };
    let result = async {
        auth::create_account(&state.app, account).await?;
        auth::login(&state.app, &f.email, &f.password, &client).await
    }
    .await;
    match result {
        Ok(session) => {
            state.clear_setup_token();
            start_session(&state, jar, session, "/app")
        }
        Err(e) => {
            let binding = csrf::binding(&jar).unwrap_or_default();
            let csrf = csrf::token(&state.csrf_key, &binding);
            (
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                setup_form(lang, &csrf, &f.token, &f, Some(form_error(m, &e))),
            )
                .into_response()
        }
    }
}

fn invite_form(
    lang: Lang,
    csrf: &str,
    secret: &str,
    info: &users::InviteInfo,
    error: Option<String>,
) -> Markup {
    let m = lang.msg();
    let title = m.accept_title.replace("{ws}", &info.workspace_name);
    public_layout(
        lang,
        &title,
        html! {
            h1 { (title) }
            p { (m.accept_intro.replace("{email}", &info.invite.email).replace("{role}", role_name(m, info.invite.role))) }
            @if let Some(e) = error { div class="flash err" role="alert" { (e) } }
            form class="stack" method="post" action={ "/invite/" (secret) } {
                (csrf_field(csrf))
                @if info.existing_account {
                    p class="muted" { (m.accept_existing) }
                    label { (m.password) input type="password" name="password" required autocomplete="current-password"; }
                } @else {
                    label { (m.your_name) input type="text" name="name" required maxlength="120" autocomplete="name" autofocus; }
                    label { (m.password) span class="hint" { (m.password_hint) } input type="password" name="password" required minlength="10" autocomplete="new-password"; }
                }
                button type="submit" { (m.accept_button) }
            }
        },
    )
}

fn invite_invalid(lang: Lang) -> Response {
    let m = lang.msg();
    (
        axum::http::StatusCode::NOT_FOUND,
        public_layout(
            lang,
            m.not_found_title,
            html! { h1 { (m.not_found_title) } p { (m.invite_invalid) } },
        ),
    )
        .into_response()
}

pub async fn invite_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Path(secret): Path<String>,
) -> Response {
    let lang = Lang::choose(None, &headers);
    match users::invite_info(&state.app, &secret).await {
        Ok(info) => {
            let (jar, binding) = ensure_anon(jar, state.web.secure_cookies);
            let csrf = csrf::token(&state.csrf_key, &binding);
            (jar, invite_form(lang, &csrf, &secret, &info, None)).into_response()
        }
        Err(AppError::NotFound(_)) => invite_invalid(lang),
        Err(e) => crate::pages::error_page(lang, e),
    }
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

pub async fn accept_invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    ClientAddr(client): ClientAddr,
    Path(secret): Path<String>,
    Form(f): Form<AcceptForm>,
) -> Response {
    let lang = Lang::choose(None, &headers);
    match users::accept_invite(&state.app, &secret, &f.name, &f.password, &client).await {
        Ok(session) => start_session(&state, jar, session, "/app"),
        Err(AppError::NotFound(_)) => invite_invalid(lang),
        Err(e) => match users::invite_info(&state.app, &secret).await {
            Ok(info) => {
                let binding = csrf::binding(&jar).unwrap_or_default();
                let csrf = csrf::token(&state.csrf_key, &binding);
                (
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    invite_form(
                        lang,
                        &csrf,
                        &secret,
                        &info,
                        Some(form_error_with(
                            lang.msg(),
                            &e,
                            &[(
                                "password",
                                if info.existing_account {
                                    lang.msg().err_existing_password
                                } else {
                                    lang.msg().err_password
                                },
                            )],
                        )),
                    ),
                )
                    .into_response()
            }
            Err(_) => invite_invalid(lang),
        },
    }
}
