//! The public face of a web form, with no login: `GET /f/{slug}` (the hosted page, in the
//! form's language), `POST /f/{slug}` (a browser's post, answered with the thank-you page or
//! the redirect; or a script's JSON, answered with JSON and problem+json), and
//! `OPTIONS /f/{slug}` (CORS preflight).
//!
//! Cross-site by design, so no CSRF token: instead it reads no cookie and only ever submits
//! to this form, as the form (a channel), never as whoever the browser is logged in as. A
//! page of another site may post only if its origin is one the admin allowed; it then gets
//! `Access-Control-Allow-Origin` for that origin alone, without credentials.
use super::render::{form as draw, Drawing};
use super::texts::{lang_of, public};
use crate::error::{ApiError, FieldError};
use crate::extract::ClientAddr;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use maud::{html, Markup, DOCTYPE};
use serde_json::{json, Value};
use vinculo_app::forms::{self, Client};
use vinculo_app::AppError;
use vinculo_domain::customers::FieldIssue;
use vinculo_domain::forms::submission::Values;
use vinculo_store::forms::FormRecord;

/// The largest submission taken: a contact form's text fits many times over.
pub const MAX_BODY: usize = 64 * 1024;

/// How the sender wants its answer: a page for a browser's post, JSON for a script.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reply {
    Page,
    Json,
}

fn shell(language: &str, title: &str, body: Markup) -> Markup {
    let v = crate::pages::ASSET_VERSION;
    html! {
        (DOCTYPE)
        html lang=(language) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href={ "/assets/app.css?v=" (v) };
                link rel="stylesheet" href={ "/assets/forms.css?v=" (v) };
                script src={ "/assets/forms.js?v=" (v) } defer {}
            }
            body class="public vf-page" {
                main id="main" class="card narrow vf-card" { (body) }
            }
        }
    }
}

/// The hosted page, with what was typed and each refused field's message.
fn hosted(
    rec: &FormRecord,
    defs: &[vinculo_domain::customers::custom::FieldDef],
    values: Option<&Values>,
    errors: &[(String, String)],
) -> Markup {
    let f = &rec.form;
    let action = format!("/f/{}", f.slug);
    let id = uuid::Uuid::now_v7().to_string();
    shell(
        &f.language,
        &f.name,
        html! {
            h1 { (f.name) }
            (draw(&Drawing { form: f, defs, action: &action, values, errors, submission_id: Some(&id), embed: false }))
        },
    )
}

fn message_page(language: &str, status: StatusCode, title: &str, text: &str) -> Response {
    let body = shell(
        language,
        title,
        html! { h1 { (title) } p role="status" { (text) } },
    );
    (status, body).into_response()
}

/// The hosted page as a response. Its policy lets the post be redirected to the form's
/// `redirect_url` (browsers apply `form-action` to where a post's redirect leads too).
fn hosted_response(status: StatusCode, rec: &FormRecord, page: Markup) -> Response {
    let mut res = (status, page).into_response();
    let redirect = rec
        .form
        .redirect_url
        .as_deref()
        .and_then(vinculo_domain::forms::origin_of_url)
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    let csp = format!("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'{redirect}");
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// `GET /f/{slug}`.
pub async fn page(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    match forms::public(&state.app, &slug).await {
        Ok((rec, defs)) => hosted_response(StatusCode::OK, &rec, hosted(&rec, &defs, None, &[])),
        Err(e) => crate::pages::error_page(crate::i18n::Lang::Es, e),
    }
}

/// The request's origin when it is another site's: `None` for our own pages and for
/// senders that name none (a server posting is not a browser, and CORS is for browsers).
fn foreign_origin(headers: &HeaderMap) -> Option<String> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    (!crate::csrf::origin_ok(headers)).then(|| origin.to_owned())
}

/// Adds the CORS headers for an allowed foreign origin.
fn with_cors(mut res: Response, origin: Option<&str>) -> Response {
    let h = res.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(v) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    res
}

fn refused_origin(language: &str) -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "origin_not_allowed",
        public(language).not_allowed,
    )
    .into_response()
}

/// `OPTIONS /f/{slug}`: a browser asking whether a page of another site may post.
pub async fn preflight(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok((rec, _)) = forms::public(&state.app, &slug).await else {
        return ApiError::not_found("form").into_response();
    };
    let Some(origin) = foreign_origin(&headers) else {
        return StatusCode::NO_CONTENT.into_response();
    };
    if !rec.form.allows_origin(&origin) {
        return refused_origin(&rec.form.language);
    }
    let mut res = with_cors(StatusCode::NO_CONTENT.into_response(), Some(&origin));
    let h = res.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Accept"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    res
}

/// The values of a urlencoded body.
fn from_urlencoded(bytes: &[u8]) -> Values {
    let mut v = Values::new();
    for (k, val) in url::form_urlencoded::parse(bytes) {
        v.entry(k.into_owned()).or_default().push(val.into_owned());
    }
    v
}

/// The values of a JSON object: texts as they are, `true` as a ticked box, numbers as
/// written, arrays as several values.
fn from_json(bytes: &[u8]) -> Option<Values> {
    let Value::Object(map) = serde_json::from_slice::<Value>(bytes).ok()? else {
        return None;
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(true) => Some("on".into()),
        Value::Bool(false) | Value::Null => None,
        other => Some(other.to_string()),
    };
    let mut out = Values::new();
    for (k, v) in map {
        let all: Vec<String> = match &v {
            Value::Array(items) => items.iter().filter_map(text).collect(),
            one => text(one).into_iter().collect(),
        };
        out.insert(k, all);
    }
    Some(out)
}

/// Each issue with its message in the form's language.
fn messages(language: &str, issues: &[FieldIssue]) -> Vec<(String, String)> {
    let m = lang_of(language).msg();
    issues
        .iter()
        .map(|i| {
            (
                i.field.clone(),
                crate::problems::problem_text(m, &i.problem),
            )
        })
        .collect()
}

/// `POST /f/{slug}`.
pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let reply = if kind == "application/json" {
        Reply::Json
    } else {
        Reply::Page
    };
    let (rec, defs) = match forms::public(&state.app, &slug).await {
        Ok(found) => found,
        Err(e) => {
            return match reply {
                Reply::Json => ApiError::from(e).into_response(),
                Reply::Page => crate::pages::error_page(crate::i18n::Lang::Es, e),
            }
        }
    };
    let language = rec.form.language.clone();
    let origin = foreign_origin(&headers);
    if origin
        .as_deref()
        .is_some_and(|o| !rec.form.allows_origin(o))
    {
        return refused_origin(&language);
    }
    let res = answer(
        &state,
        &rec,
        &defs,
        reply,
        &kind,
        &client,
        origin.clone(),
        body,
    )
    .await;
    with_cors(res, origin.as_deref())
}

#[allow(clippy::too_many_arguments)]
async fn answer(
    state: &AppState,
    rec: &FormRecord,
    defs: &[vinculo_domain::customers::custom::FieldDef],
    reply: Reply,
    kind: &str,
    client: &vinculo_app::auth::ClientInfo,
    origin: Option<String>,
    body: Body,
) -> Response {
    let lang = &rec.form.language;
    let p = public(lang);
    let fail = |status: StatusCode, code: &'static str, text: &str| match reply {
        Reply::Json => ApiError::new(status, code, text).into_response(),
        Reply::Page => message_page(lang, status, &rec.form.name, text),
    };
    if kind != "application/json" && kind != "application/x-www-form-urlencoded" {
        return fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            p.unsupported,
        );
    }
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            p.too_big,
        );
    };
    let values = match reply {
        Reply::Page => from_urlencoded(&bytes),
        Reply::Json => match from_json(&bytes) {
            Some(v) => v,
            None => {
                return ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_request",
                    "send a JSON object of field names and values",
                )
                .into_response()
            }
        },
    };
    let who = Client {
        ip: client.ip.clone(),
        origin,
    };
    match forms::submit(&state.app, rec, &values, &who).await {
        Ok(_) => thanks(rec, reply),
        Err(AppError::InvalidFields(issues)) => {
            let errors = messages(lang, &issues);
            match reply {
                Reply::Json => ApiError::invalid_fields(
                    issues
                        .iter()
                        .zip(errors)
                        .map(|(i, (field, message))| FieldError {
                            field,
                            code: Some(i.problem.code().to_owned()),
                            message,
                        })
                        .collect(),
                )
                .into_response(),
                Reply::Page => hosted_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    rec,
                    hosted(rec, defs, Some(&values), &errors),
                ),
            }
        }
        Err(e @ AppError::RateLimited { .. }) => match reply {
            Reply::Json => {
                let mut err = ApiError::from(e);
                err.detail = p.too_many.to_owned();
                err.into_response()
            }
            Reply::Page => message_page(
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                &rec.form.name,
                p.too_many,
            ),
        },
        Err(e) => match reply {
            Reply::Json => ApiError::from(e).into_response(),
            Reply::Page => {
                if matches!(e, AppError::Store(_) | AppError::Internal(_)) {
                    tracing::error!(error = ?e, "web form submission failed");
                }
                message_page(
                    lang,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &rec.form.name,
                    p.failed,
                )
            }
        },
    }
}

/// A submission taken: the thank-you page or the redirect, or the JSON the script shows.
fn thanks(rec: &FormRecord, reply: Reply) -> Response {
    let f = &rec.form;
    match reply {
        Reply::Json => Json(json!({
            "status": "received",
            "message": f.thank_you,
            "redirect_url": f.redirect_url,
        }))
        .into_response(),
        Reply::Page => match &f.redirect_url {
            Some(url) => Redirect::to(url).into_response(),
            None => message_page(
                &f.language,
                StatusCode::OK,
                public(&f.language).thanks_title,
                &f.thank_you,
            ),
        },
    }
}

const JS: &str = include_str!("../assets/forms.js");
const CSS: &str = include_str!("../assets/forms.css");

/// `/assets/forms.js`: sends a form in place. Any site may load it (it is only code).
pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        JS,
    )
}

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        CSS,
    )
}
