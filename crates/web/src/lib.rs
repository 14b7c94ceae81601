//! Vinculo's HTTP face, on axum.
//!
//! A tour:
//! - [`router`] assembles everything: the REST API under `/api/v1` ([`api`]), the HTML pages,
//!   health and metrics, embedded assets, and the layers every request passes (request id,
//!   tracing span, security headers, metrics).
//! - One module per context, each with `api.rs` (JSON handlers) and `pages.rs` (HTML):
//!   [`auth`], [`users`], [`teams`], [`tokens`], [`audit`], [`conversations`] (the inbox),
//!   [`forms`] (web forms, with their public pages at `/f/{slug}`).
//! - [`extract`]: who is calling (token or session), JSON/query/path extraction whose
//!   failures are problem+json; [`csrf`]: the form protection; [`idempotency`]: retry-safe POST.
//! - [`error`]: RFC 9457 problem documents; [`i18n`]: Spanish and English strings.
#![forbid(unsafe_code)]

pub mod api;
pub mod audit;
pub mod auth;
pub mod conversations;
pub mod csrf;
pub mod customers;
mod docs;
pub mod error;
pub mod extract;
pub mod forms;
mod health;
pub mod i18n;
pub mod idempotency;
pub mod interactions;
pub mod live;
pub mod metrics;
pub mod pages;
pub mod problems;
pub mod state;
pub mod teams;
pub mod telephony;
pub mod tokens;
pub mod users;

pub use state::{AppState, WebConfig};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use rand::RngCore;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use vinculo_app::{App, AppError};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The Content-Security-Policy of every response: our own scripts and styles only.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Prepares the shared state: loads (or creates) the CSRF signing key, and when nobody can
/// log in yet, a one-time setup secret for the first-run page.
pub async fn build_state(
    app: App,
    web: WebConfig,
    secret_key: Option<String>,
) -> Result<AppState, AppError> {
    let key = match secret_key.filter(|k| !k.is_empty()) {
        Some(k) => k,
        None => {
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let fresh = base64::engine::general_purpose::STANDARD.encode(bytes);
            let mut tx = app.db.begin().await?;
            let stored =
                vinculo_store::settings::get_or_insert(&mut tx, "csrf_key", &fresh).await?;
            tx.commit().await?;
            stored
        }
    };
    let setup = if vinculo_app::auth::needs_setup(&app).await? {
        Some(vinculo_app::secrets::new_secret(""))
    } else {
        None
    };
    Ok(AppState::new(state::Shared {
        app,
        web: Arc::new(web),
        metrics: Arc::new(metrics::Metrics::default()),
        csrf_key: Arc::new(key.into_bytes()),
        setup_token: Arc::new(Mutex::new(setup)),
        imports: Default::default(),
    }))
}

fn pages(state: &AppState) -> Router<AppState> {
    use crate::auth::account as acct;
    use crate::auth::pages as a;
    Router::new()
        .route("/", get(root))
        .route("/login", get(a::login_page).post(a::login))
        .route("/logout", post(a::logout))
        .route("/setup", get(a::setup_page).post(a::setup))
        .route(
            "/invite/{secret}",
            get(a::invite_page).post(a::accept_invite),
        )
        .route("/lang/{code}", get(acct::set_lang_public))
        .route("/account/language", post(acct::set_lang_account))
        .route("/workspaces/switch", post(acct::switch_workspace))
        .route("/app", get(pages::home::home))
        .route(
            "/settings/account",
            get(acct::account).post(acct::save_profile),
        )
        .route("/settings/account/password", post(acct::save_password))
        .route("/settings/account/extension", post(acct::save_extension))
        .route("/settings/users", get(users::pages::users_page))
        .route("/settings/users/invite", post(users::pages::invite))
        .route("/settings/users/{id}", post(users::pages::update_member))
        .route(
            "/settings/users/invites/{id}/revoke",
            post(users::pages::revoke_invite),
        )
        .route(
            "/settings/teams",
            get(teams::pages::teams_page).post(teams::pages::create),
        )
        .route(
            "/settings/teams/{id}",
            get(teams::pages::edit_page).post(teams::pages::update),
        )
        .route("/settings/teams/{id}/delete", post(teams::pages::delete))
        .route(
            "/settings/tokens",
            get(tokens::pages::tokens_page).post(tokens::pages::create),
        )
        .route("/settings/tokens/{id}/revoke", post(tokens::pages::revoke))
        .route("/settings/audit", get(audit::pages::audit_page))
        .route(
            "/settings/mailboxes",
            get(conversations::mailboxes_pages::list_page)
                .post(conversations::mailboxes_pages::create),
        )
        .route(
            "/settings/mailboxes/{id}",
            get(conversations::mailboxes_pages::edit_page)
                .post(conversations::mailboxes_pages::update),
        )
        .route(
            "/settings/mailboxes/{id}/delete",
            post(conversations::mailboxes_pages::delete),
        )
        .route(
            "/settings/mailboxes/test",
            post(conversations::mailbox_checks::test_typed),
        )
        .route(
            "/settings/mailboxes/{id}/test",
            post(conversations::mailbox_checks::test_stored),
        )
        .route(
            "/settings/mailboxes/{id}/read",
            post(conversations::mailbox_checks::read_now),
        )
        .route(
            "/settings/canned-responses",
            get(conversations::canned_pages::list_page).post(conversations::canned_pages::create),
        )
        .route(
            "/settings/canned-responses/{id}",
            get(conversations::canned_pages::edit_page).post(conversations::canned_pages::update),
        )
        .route(
            "/settings/canned-responses/{id}/delete",
            post(conversations::canned_pages::delete),
        )
        .route(
            "/inbox/{id}/canned",
            get(conversations::canned_pages::rendered_page),
        )
        .route(
            "/settings/forms",
            get(forms::pages::list_page).post(forms::pages::create),
        )
        .route("/settings/forms/new", get(forms::pages::new_page))
        .route(
            "/settings/forms/{id}",
            get(forms::pages::edit_page).post(forms::pages::update),
        )
        .route("/settings/forms/{id}/delete", post(forms::pages::delete))
        .route("/inbox", get(conversations::pages::list_page))
        .route("/inbox/live", get(conversations::live::live))
        .route("/inbox/{id}/activity", post(conversations::live::activity))
        .route("/inbox/{id}", get(conversations::thread_pages::show))
        .route(
            "/inbox/{id}/status",
            post(conversations::thread_forms::set_status),
        )
        .route(
            "/inbox/{id}/assign",
            post(conversations::thread_forms::assign),
        )
        .route(
            "/inbox/{id}/labels",
            post(conversations::thread_forms::set_labels),
        )
        .route(
            "/inbox/{id}/notes",
            post(conversations::thread_forms::add_note),
        )
        .route(
            "/inbox/{id}/replies/{entry}/resend",
            post(conversations::reply_forms::resend),
        )
        .route(
            "/inbox/messages/{id}/html",
            get(conversations::message_frame::message_html),
        )
        .route(
            "/inbox/attachments/{id}",
            get(conversations::thread_forms::download),
        )
        .route("/customers", get(customers::pages::list_page))
        .route(
            "/customers/duplicates",
            get(customers::duplicates_pages::duplicates),
        )
        .route(
            "/customers/duplicates/scan",
            post(customers::duplicates_pages::scan),
        )
        .route(
            "/customers/duplicates/{id}/dismiss",
            post(customers::duplicates_pages::dismiss),
        )
        .route(
            "/customers/merge",
            get(customers::merge_pages::compare).post(customers::merge_pages::merge),
        )
        .route("/merges/{id}/undo", post(customers::merge_pages::undo))
        .route("/customers/merges", get(customers::merge_history::history))
        .route(
            "/customers/new",
            get(customers::pages::new_form).post(customers::pages::create),
        )
        .route(
            "/customers/{id}",
            get(customers::pages::show).post(customers::pages::update),
        )
        .route("/customers/{id}/archive", post(customers::pages::archive))
        .route(
            "/customers/{id}/timeline",
            get(interactions::pages::fragment),
        )
        .route("/customers/{id}/live", get(interactions::pages::live))
        .route("/screen-pop/live", get(telephony::pages::live))
        .route("/live", get(live::live))
        .route("/organizations", get(customers::org_pages::list_page))
        .route(
            "/organizations/new",
            get(customers::org_pages::new_form).post(customers::org_pages::create),
        )
        .route(
            "/organizations/{id}",
            get(customers::org_pages::show).post(customers::org_pages::update),
        )
        .route(
            "/settings/customers",
            get(customers::settings::show).post(customers::settings::update),
        )
        .route(
            "/settings/custom-fields",
            get(customers::fields_pages::show_list).post(customers::fields_pages::create),
        )
        .route(
            "/settings/custom-fields/{id}",
            get(customers::fields_pages::show).post(customers::fields_pages::update),
        )
        .route(
            "/settings/custom-fields/{id}/delete",
            post(customers::fields_pages::delete),
        )
        .route("/views", post(customers::views_pages::save))
        .route("/views/{id}/delete", post(customers::views_pages::delete))
        .route("/customers/{id}/erase", post(customers::pages::erase))
        .route(
            "/customers/{id}/consent",
            post(customers::pages::record_consent),
        )
        .route(
            "/customers/import",
            get(customers::import_pages::upload_form),
        )
        .route(
            "/customers/import/{id}",
            get(customers::import_progress::job_page).post(customers::import_pages::start),
        )
        .route(
            "/customers/import/{id}/map",
            get(customers::import_pages::mapping_again),
        )
        .route(
            "/customers/import/{id}/status",
            get(customers::import_progress::status),
        )
        .route(
            "/customers/import/{id}/rejections.csv",
            get(customers::import_progress::rejections_csv),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf::protect_forms,
        ))
        // Added after the CSRF layer: a multipart body is not read by it, so these check
        // their token themselves (see `import_pages::upload`).
        .route(
            "/customers/import",
            post(customers::import_pages::upload).layer(axum::extract::DefaultBodyLimit::max(
                customers::import_api::UPLOAD_BODY_LIMIT,
            )),
        )
        // A reply with its files, multipart too (see `reply_forms::send_reply`).
        .route(
            "/inbox/{id}/reply",
            post(conversations::reply_forms::send_reply).layer(
                axum::extract::DefaultBodyLimit::max(conversations::reply_forms::REPLY_FORM_LIMIT),
            ),
        )
        // Public and cross-site by design, so outside the CSRF layer: it reads no cookie and
        // only ever submits to the form (see `forms::public`).
        .route(
            "/f/{slug}",
            get(forms::public::page)
                .post(forms::public::submit)
                .options(forms::public::preflight),
        )
}

async fn root(extract::MaybePageAuth(auth): extract::MaybePageAuth) -> Redirect {
    Redirect::to(if auth.is_some() { "/app" } else { "/login" })
}

async fn not_found(headers: axum::http::HeaderMap) -> Response {
    let lang = i18n::Lang::choose(None, &headers);
    let m = lang.msg();
    let body = pages::public_layout(
        lang,
        m.not_found_title,
        maud::html! { h1 { (m.not_found_title) } p { (m.not_found_body) } p { a href="/" { (m.back_home) } } },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

/// Copies the request id into problem+json bodies, so a person reporting an error can
/// quote it and an operator can find the log line.
async fn problem_request_id(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let res = next.run(req).await;
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/problem+json");
    let Some(id) = id.filter(|_| is_problem) else {
        return res;
    };
    let (parts, body) = res.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(mut v) => {
            v["request_id"] = serde_json::Value::String(id);
            serde_json::to_vec(&v).unwrap_or_else(|_| bytes.to_vec())
        }
        Err(_) => bytes.to_vec(),
    };
    Response::from_parts(parts, Body::from(body))
}

async fn api_docs(
    State(doc): State<Arc<utoipa::openapi::OpenApi>>,
    headers: axum::http::HeaderMap,
) -> maud::Markup {
    docs::render(&doc, &headers)
}

/// Every route of the product, with its layers.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api::router(state.clone());
    let docs_router = Router::new()
        .route("/api/docs", get(api_docs))
        .with_state(Arc::new(doc));
    let span = |req: &Request| {
        let id = req
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id, route = tracing::field::Empty, user_id = tracing::field::Empty)
    };
    Router::new()
        .merge(pages(&state))
        .nest("/api/v1", api)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/assets/app.css", get(pages::assets::css))
        .route("/assets/app.js", get(pages::assets::js))
        .route("/assets/mail.css", get(pages::assets::mail_css))
        .route("/assets/icon.svg", get(pages::assets::icon))
        .route("/assets/forms.js", get(forms::public::js))
        .route("/assets/forms.css", get(forms::public::css))
        .route("/assets/form-builder.js", get(forms::pages::builder_js))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .fallback(not_found)
        .with_state(state)
        .merge(docs_router)
        .layer(middleware::from_fn(problem_request_id))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(TraceLayer::new_for_http().make_span_with(span))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let app = router(state);
    // Without TCP_NODELAY a small write that follows another (an SSE event after the last,
    // a response's body after its headers) waits for the peer's delayed ACK: up to 40 ms on
    // Linux, which was the screen pop's whole p99.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
