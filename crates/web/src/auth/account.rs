//! The signed-in person's own settings: language (public links and the user menu), the
//! account page (name, language, password) and switching workspaces.
use super::pages::safe_next;
use crate::i18n::{Lang, LANG_COOKIE};
use crate::pages::{csrf_field, form_error, layout, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use maud::{html, Markup};
use serde::Deserialize;
use vinculo_app::auth;

fn lang_cookie(lang: Lang) -> Cookie<'static> {
    Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .max_age(time::Duration::days(365))
        .same_site(SameSite::Lax)
        .build()
}

/// `GET /lang/{code}`: the language links on public pages (a preference cookie only).
pub async fn set_lang_public(
    jar: CookieJar,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or(Lang::Es);
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| {
            format!(
                "{}{}",
                u.path(),
                u.query().map(|q| format!("?{q}")).unwrap_or_default()
            )
        });
    (
        jar.add(lang_cookie(lang)),
        Redirect::to(&safe_next(back.as_deref())),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LangForm {
    locale: String,
    next: Option<String>,
}

/// `POST /account/language`: the language switch in the user menu, saved on the profile.
pub async fn set_lang_account(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    jar: CookieJar,
    Form(f): Form<LangForm>,
) -> Response {
    let p = &ctx.principal;
    if let Err(e) = auth::update_profile(&state.app, p, &p.user_name, Some(&f.locale)).await {
        return crate::pages::ctx_error(&ctx, e);
    }
    // Back to the page the switch was pressed on; after a form error that page's own
    // address only answers POST, so the browser's Referer (or the start page) is used.
    let next = f
        .next
        .filter(|n| !n.is_empty())
        .or_else(|| referer_path(&headers));
    let lang = Lang::parse(&f.locale).unwrap_or(Lang::Es);
    (
        jar.add(lang_cookie(lang)),
        Redirect::to(&safe_next(next.as_deref())),
    )
        .into_response()
}

/// The local path and query of the Referer header, if any.
fn referer_path(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| {
            format!(
                "{}{}",
                u.path(),
                u.query().map(|q| format!("?{q}")).unwrap_or_default()
            )
        })
}

#[derive(Deserialize)]
pub struct SwitchForm {
    slug: String,
}

pub async fn switch_workspace(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<SwitchForm>,
) -> Response {
    match auth::switch_workspace(&state.app, &ctx.principal, &f.slug).await {
        Ok(()) => Redirect::to("/app").into_response(),
        Err(e) => crate::pages::ctx_error(&ctx, e),
    }
}

/// The account page's state beyond the user: the extension they answer calls on, and the
/// error of the form last sent.
#[derive(Default)]
struct Telephony {
    extension: Option<String>,
    error: Option<String>,
}

fn account_page(
    ctx: &Ctx,
    profile_error: Option<String>,
    password_error: Option<String>,
    phone: Telephony,
) -> Markup {
    let m = ctx.m;
    let p = &ctx.principal;
    let pref = p.locale.as_deref().unwrap_or("");
    layout(
        ctx,
        m.account_title,
        html! {
            h1 { (m.account_title) }
            section class="card" {
                h2 { (m.profile) }
                @if let Some(e) = profile_error { div class="flash err" role="alert" { (e) } }
                form class="stack" method="post" action="/settings/account" {
                    (csrf_field(&ctx.csrf))
                    label { (m.name) input type="text" name="name" value=(p.user_name) required maxlength="120" autocomplete="name"; }
                    label { (m.email) input type="email" value=(p.email) disabled; }
                    label { (m.language)
                        select name="locale" {
                            option value="" selected[pref.is_empty()] { (m.browser_language) }
                            option value="es" selected[pref == "es"] { "Español" }
                            option value="en" selected[pref == "en"] { "English" }
                        }
                    }
                    div { button type="submit" { (m.save) } }
                }
            }
            @if crate::telephony::pages::may_listen(ctx) {
                section class="card" id="telephony" {
                    h2 { (m.telephony_title) }
                    @if let Some(e) = phone.error { div class="flash err" role="alert" { (e) } }
                    form class="stack" method="post" action="/settings/account/extension" {
                        (csrf_field(&ctx.csrf))
                        label { (m.extension_label)
                            span class="hint" { (m.extension_hint) }
                            input type="text" name="extension" value=(phone.extension.unwrap_or_default()) maxlength="64" autocomplete="off" inputmode="text";
                        }
                        div { button type="submit" { (m.save) } }
                    }
                }
            }
            section class="card" {
                h2 { (m.change_password) }
                @if let Some(e) = password_error { div class="flash err" role="alert" { (e) } }
                form class="stack" method="post" action="/settings/account/password" {
                    (csrf_field(&ctx.csrf))
                    input type="text" name="username" value=(p.email) autocomplete="username" hidden;
                    label { (m.current_password) input type="password" name="current_password" required autocomplete="current-password"; }
                    label { (m.new_password) span class="hint" { (m.password_hint) } input type="password" name="new_password" required minlength="10" autocomplete="new-password"; }
                    label { (m.confirm_password) input type="password" name="confirm_password" required minlength="10" autocomplete="new-password"; }
                    div { button type="submit" { (m.change_password) } }
                }
            }
        },
    )
}

pub async fn account(State(state): State<AppState>, ctx: Ctx) -> Response {
    match vinculo_app::telephony::my_extension(&state.app, &ctx.principal).await {
        Ok(extension) => {
            let phone = Telephony {
                extension,
                error: None,
            };
            account_page(&ctx, None, None, phone).into_response()
        }
        Err(e) => crate::pages::ctx_error(&ctx, e),
    }
}

#[derive(Deserialize)]
pub struct ExtensionForm {
    #[serde(default)]
    extension: String,
}

/// Sets the extension the user answers calls on (blank clears it).
pub async fn save_extension(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ExtensionForm>,
) -> Response {
    let (p, ext) = (&ctx.principal, Some(f.extension.as_str()));
    match vinculo_app::telephony::set_extension(&state.app, p, p.user_id, ext).await {
        Ok(_) => Redirect::to("/settings/account?flash=saved").into_response(),
        Err(e) => {
            let phone = Telephony {
                extension: Some(f.extension.clone()),
                error: Some(form_error(ctx.m, &e)),
            };
            let page = account_page(&ctx, None, None, phone);
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct ProfileForm {
    name: String,
    locale: String,
}

pub async fn save_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Form(f): Form<ProfileForm>,
) -> Response {
    match auth::update_profile(&state.app, &ctx.principal, &f.name, Some(&f.locale)).await {
        Ok(()) => {
            let jar = match Lang::parse(&f.locale) {
                Some(l) => jar.add(lang_cookie(l)),
                None => jar.remove(Cookie::build(LANG_COOKIE).path("/").build()),
            };
            (jar, Redirect::to("/settings/account?flash=saved")).into_response()
        }
        Err(e) => (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            account_page(
                &ctx,
                Some(form_error(ctx.m, &e)),
                None,
                Telephony::default(),
            ),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn save_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> Response {
    if f.new_password != f.confirm_password {
        return (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            account_page(
                &ctx,
                None,
                Some(ctx.m.passwords_differ.to_owned()),
                Telephony::default(),
            ),
        )
            .into_response();
    }
    match auth::change_password(
        &state.app,
        &ctx.principal,
        &f.current_password,
        &f.new_password,
    )
    .await
    {
        Ok(()) => Redirect::to("/settings/account?flash=password_changed").into_response(),
        Err(e) => (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            account_page(
                &ctx,
                None,
                Some(form_error(ctx.m, &e)),
                Telephony::default(),
            ),
        )
            .into_response(),
    }
}
