//! CSRF protection for every state-changing request authenticated by a cookie.
//!
//! The token is an HMAC of the cookie that identifies the browser: the session secret once
//! logged in, an anonymous random cookie before. An attacker's page can make the browser
//! send our cookies but cannot read them, so it cannot compute the token. Forms carry it in
//! a hidden `_csrf` field; scripts send it as `X-CSRF-Token`. The `Origin` header, when a
//! browser sends one, must also be ours.
use crate::extract::SESSION_COOKIE;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const ANON_COOKIE: &str = "vinculo_anon";
pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";
/// Form bodies are small; uploads (later) carry the token in the header instead.
const MAX_FORM: usize = 1 << 20;

pub fn token(key: &[u8], binding: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"csrf:");
    mac.update(binding.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub fn verify(key: &[u8], binding: &str, presented: &str) -> bool {
    let expected = token(key, binding);
    !presented.is_empty() && expected.as_bytes().ct_eq(presented.as_bytes()).into()
}

/// The cookie value a token is bound to: the session if any, else the anonymous cookie.
pub fn binding(jar: &CookieJar) -> Option<String> {
    jar.get(SESSION_COOKIE)
        .or_else(|| jar.get(ANON_COOKIE))
        .map(|c| c.value().to_owned())
}

/// A fresh anonymous cookie for a browser that has none, so the login form can be protected.
pub fn ensure_anon(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(b) = binding(&jar) {
        return (jar, b);
    }
    let value = vinculo_app::secrets::new_secret("vna_");
    let cookie = Cookie::build((ANON_COOKIE, value.clone()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build();
    (jar.add(cookie), value)
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the request's `Origin` (when present) is this server.
pub fn origin_ok(req_headers: &axum::http::HeaderMap) -> bool {
    let Some(origin) = req_headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    let host = req_headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

/// The check of a multipart form (an upload), which [`protect_forms`] does not read: its
/// `_csrf` field must come first, before any file is read, and be valid for this browser.
pub async fn multipart_ok(
    key: &[u8],
    jar: &CookieJar,
    headers: &axum::http::HeaderMap,
    form: &mut axum::extract::Multipart,
) -> bool {
    let token = match form.next_field().await {
        Ok(Some(f)) if f.name() == Some(FIELD) => f.text().await.unwrap_or_default(),
        _ => return false,
    };
    let bound = binding(jar).unwrap_or_default();
    origin_ok(headers) && verify(key, &bound, &token)
}

/// Middleware for the HTML pages: every unsafe request must carry a valid token.
pub async fn protect_forms(
    State(state): State<AppState>,
    jar: CookieJar,
    req: Request,
    next: Next,
) -> Response {
    if is_safe(req.method()) {
        return next.run(req).await;
    }
    let refuse = || (StatusCode::FORBIDDEN, crate::pages::csrf_failed_page()).into_response();
    if !origin_ok(req.headers()) {
        return refuse();
    }
    let Some(binding) = binding(&jar) else {
        return refuse();
    };
    if let Some(h) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if verify(&state.csrf_key, &binding, h) {
            next.run(req).await
        } else {
            refuse()
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
    };
    let presented = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !verify(&state.csrf_key, &binding, &presented) {
        return refuse();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_for_their_binding_and_key() {
        let t = token(b"key-1", "session-a");
        assert!(verify(b"key-1", "session-a", &t));
        assert!(!verify(b"key-1", "session-b", &t));
        assert!(!verify(b"key-2", "session-a", &t));
        assert!(!verify(b"key-1", "session-a", ""));
    }

    #[test]
    fn foreign_origins_are_refused() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().expect("header"));
        assert!(origin_ok(&h));
        h.insert(
            header::ORIGIN,
            "http://127.0.0.1:8080".parse().expect("header"),
        );
        assert!(origin_ok(&h));
        h.insert(
            header::ORIGIN,
            "https://evil.example".parse().expect("header"),
        );
        assert!(!origin_ok(&h));
    }
}
