//! Who is calling. The API accepts `Authorization: Bearer vnc_…` tokens, or the browser
//! session cookie plus an `X-CSRF-Token` header on writes (for the UI's own scripts). Pages
//! accept only the session cookie and send anonymous visitors to the login page.
use crate::csrf;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use std::net::SocketAddr;
use vinculo_app::{auth, AppError, Principal};

pub const SESSION_COOKIE: &str = "vinculo_session";

fn request_id(parts: &axum::http::HeaderMap) -> Option<String> {
    parts
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Middleware on `/api/v1`: authenticates the caller when credentials are present and puts
/// the [`Principal`] in the request's extensions. Bad credentials are refused here; missing
/// ones are refused by the handlers that need them (via [`ApiAuth`]).
pub async fn api_authenticate(
    State(state): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(presented_token);
    let result = match (bearer, jar.get(SESSION_COOKIE)) {
        (Some(token), _) => Some(auth::authenticate_token(&state.app, &token).await),
        (None, Some(cookie)) => {
            let unsafe_method =
                !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
            let presented = req
                .headers()
                .get(csrf::HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if unsafe_method
                && !(csrf::origin_ok(req.headers())
                    && csrf::verify(&state.csrf_key, cookie.value(), presented))
            {
                return ApiError::new(StatusCode::FORBIDDEN, "csrf_failed", "a request authenticated by the session cookie must carry the X-CSRF-Token header").into_response();
            }
            Some(auth::authenticate_session(&state.app, cookie.value()).await)
        }
        (None, None) => None,
    };
    match result {
        Some(Ok(mut p)) => {
            p.request_id = request_id(req.headers());
            tracing::Span::current().record("user_id", tracing::field::display(p.user_id));
            req.extensions_mut().insert(p);
        }
        Some(Err(e)) => return ApiError::from(e).into_response(),
        None => {}
    }
    next.run(req).await
}

/// The token in an `Authorization` header: `Bearer vnc_…`, or HTTP Basic with the token as
/// the password (or as the user name with no password): what a webhook sender that cannot
/// set headers, such as a Twilio callback URL `https://x:vnc_…@host/…`, sends. Anything else
/// is an empty token, refused as a wrong one.
fn presented_token(v: &str) -> String {
    use base64::Engine;
    if let Some(t) = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))
    {
        return t.trim().to_owned();
    }
    let basic = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    match basic.as_deref().and_then(|b| b.split_once(':')) {
        Some((user, "")) => user.to_owned(),
        Some((_, password)) => password.to_owned(),
        None => String::new(),
    }
}

/// The authenticated caller of an API route; 401 problem+json when there is none.
pub struct ApiAuth(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for ApiAuth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(ApiAuth)
            .ok_or_else(|| ApiError::from(AppError::Unauthenticated))
    }
}

async fn session_principal(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<(Principal, String)>, AppError> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    match auth::authenticate_session(&state.app, cookie.value()).await {
        Ok(mut p) => {
            p.request_id = request_id(&parts.headers);
            tracing::Span::current().record("user_id", tracing::field::display(p.user_id));
            Ok(Some((p, cookie.value().to_owned())))
        }
        Err(AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A logged-in person on an HTML page, with the CSRF token for the forms it renders.
pub struct PageAuth {
    pub principal: Principal,
    pub csrf: String,
}

/// The page visitor's session, if any; an error page when the lookup itself fails.
async fn page_auth(parts: &mut Parts, state: &AppState) -> Result<Option<PageAuth>, Response> {
    match session_principal(parts, state).await {
        Ok(found) => Ok(found.map(|(principal, secret)| PageAuth {
            principal,
            csrf: csrf::token(&state.csrf_key, &secret),
        })),
        Err(e) => Err(crate::pages::error_page(
            crate::i18n::Lang::choose(None, &parts.headers),
            e,
        )),
    }
}

impl FromRequestParts<AppState> for PageAuth {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        page_auth(parts, state).await?.ok_or_else(|| {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let to = format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            Redirect::to(&to).into_response()
        })
    }
}

/// A page visitor who may or may not be logged in.
pub struct MaybePageAuth(pub Option<PageAuth>);

impl FromRequestParts<AppState> for MaybePageAuth {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        page_auth(parts, state).await.map(MaybePageAuth)
    }
}

/// The client's address and user agent, for login throttling and the session record.
pub struct ClientAddr(pub auth::ClientInfo);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .web
            .trust_forwarded_for
            .then(|| {
                parts
                    .headers
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok())
            })
            .flatten()
            .and_then(|v| v.split(',').next())
            .map(|s| s.trim().to_owned());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(ClientAddr(auth::ClientInfo {
            ip: forwarded.or(peer),
            user_agent,
        }))
    }
}
