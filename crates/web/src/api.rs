//! The REST API under `/api/v1`: routes, the OpenAPI 3.1 document generated from the
//! handlers' annotations, and the browsable reference at `/api/docs`.
use crate::error::{ApiError, FieldError, Problem};
use crate::state::AppState;
use crate::{
    audit, auth, conversations, customers, forms, idempotency, interactions, teams, telephony,
    tokens, users,
};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::{middleware, Router};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vinculo API",
        description = "One customer across every channel. JSON over HTTPS; errors are RFC 9457 problem+json with a stable `code`; lists use cursor pagination (`next_cursor`); POST accepts an `Idempotency-Key` header. Authenticate with `Authorization: Bearer vnc_…` (API tokens are created by admins under Settings → API tokens, or `vinculo token create`).",
        license(name = "AGPL-3.0-or-later")
    ),
    servers((url = "/api/v1")),
    modifiers(&Security),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "me", description = "The caller"),
        (name = "users", description = "Members of the workspace and invitations"),
        (name = "teams", description = "Teams of users"),
        (name = "tokens", description = "API tokens"),
        (name = "audit", description = "Who changed what"),
        (name = "customers", description = "People, their identity keys, addresses, organisations, stage, owner and tags; the workspace's customer settings; merging customers and undoing a merge"),
        (name = "organizations", description = "Organisations (customers too): domains, tax id, industry, size, and their people"),
        (name = "inbox", description = "The shared inbox: conversations with customers (filter, open, assign, label, snooze, resolve, internal notes) and the mailboxes they come from, read over IMAP and answered over SMTP"),
        (name = "forms", description = "Web forms: build them (fields mapped to customer attributes, custom fields or questions; a consent box; a conversation, a lead or just the record as outcome; allowed origins), and get their hosted page and embed snippet. Visitors submit at the public `/f/{slug}` (see the API guide)"),
        (name = "telephony", description = "Call events from a telephony system (generic JSON, Asterisk AMI-style, Twilio-style): the caller's card pops on the agents' pages at ringing, and the call is logged on the customer's timeline with its duration when it ends"),
        (name = "interactions", description = "Every contact with a customer on any channel: ingest (one or a batch, idempotent by source event, tied to the customer its keys name), and the customer's timeline"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("vnc_…")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::extract::SESSION_COOKIE,
                "The browser session; writes also need the X-CSRF-Token header",
            ))),
        );
    }
}

/// The largest body `POST /interactions:batch` takes.
const BATCH_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The API router (to nest at `/api/v1`) and its OpenAPI document.
pub fn router(state: AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::api::get_me, auth::api::patch_me))
        .routes(routes!(auth::api::change_password))
        .routes(routes!(auth::api::my_workspaces))
        .routes(routes!(users::api::list_users))
        .routes(routes!(users::api::get_user, users::api::patch_user))
        .routes(routes!(users::api::list_invites, users::api::create_invite))
        .routes(routes!(users::api::revoke_invite))
        .routes(routes!(teams::api::list_teams, teams::api::create_team))
        .routes(routes!(conversations::api::list_conversations))
        .routes(routes!(conversations::api::unread))
        .routes(routes!(
            conversations::api::get_conversation,
            conversations::api::patch_conversation
        ))
        .routes(routes!(conversations::api::add_note))
        .routes(routes!(
            conversations::mailboxes_api::list_mailboxes,
            conversations::mailboxes_api::create_mailbox
        ))
        .routes(routes!(
            conversations::mailboxes_api::get_mailbox,
            conversations::mailboxes_api::put_mailbox,
            conversations::mailboxes_api::delete_mailbox
        ))
        .routes(routes!(forms::api::list_forms, forms::api::create_form))
        .routes(routes!(
            forms::api::get_form,
            forms::api::put_form,
            forms::api::delete_form
        ))
        .routes(routes!(
            conversations::canned_api::list_canned,
            conversations::canned_api::create_canned
        ))
        .routes(routes!(
            conversations::canned_api::get_canned,
            conversations::canned_api::put_canned,
            conversations::canned_api::delete_canned
        ))
        .routes(routes!(conversations::canned_api::render_canned))
        .routes(routes!(conversations::checks_api::test_mailbox))
        .routes(routes!(conversations::checks_api::test_draft))
        .routes(routes!(conversations::checks_api::read_mailbox))
        .routes(routes!(
            teams::api::get_team,
            teams::api::patch_team,
            teams::api::delete_team
        ))
        .routes(routes!(tokens::api::list_tokens, tokens::api::create_token))
        .routes(routes!(tokens::api::revoke_token))
        .routes(routes!(audit::api::list_audit))
        .routes(routes!(
            customers::api::list_customers,
            customers::api::create_customer
        ))
        .routes(routes!(
            customers::api::get_customer,
            customers::api::patch_customer,
            customers::api::erase_customer
        ))
        .routes(routes!(
            customers::api::get_consents,
            customers::api::record_consent
        ))
        .routes(routes!(customers::api::export_customers))
        .routes(routes!(customers::merges_api::merge_customers))
        .routes(routes!(customers::merges_api::list_merges))
        .routes(routes!(customers::merges_api::get_merge))
        .routes(routes!(customers::merges_api::undo_merge))
        .routes(routes!(customers::merges_api::dismiss_suggestion))
        .routes(routes!(customers::import_api::import_customers))
        .routes(routes!(
            customers::organizations::list_organizations,
            customers::organizations::create_organization
        ))
        .routes(routes!(
            customers::organizations::get_organization,
            customers::organizations::patch_organization,
            customers::organizations::erase_organization
        ))
        .routes(routes!(customers::organizations::list_people))
        .routes(routes!(
            customers::settings::get_settings,
            customers::settings::patch_settings
        ))
        .routes(routes!(
            customers::fields_api::list_fields,
            customers::fields_api::create_field
        ))
        .routes(routes!(
            customers::fields_api::patch_field,
            customers::fields_api::delete_field
        ))
        .routes(routes!(
            customers::fields_api::list_views,
            customers::fields_api::create_view
        ))
        .routes(routes!(customers::fields_api::delete_view))
        .routes(routes!(interactions::api::ingest_one))
        .routes(routes!(interactions::api::get_interaction))
        .routes(routes!(interactions::api::customer_timeline))
        .routes(routes!(interactions::api::list_suggestions))
        .routes(routes!(customers::duplicates_api::scan_duplicates))
        .routes(routes!(interactions::api::customer_360))
        .merge(
            // Call events are small; a PBX posting megabytes is misconfigured.
            OpenApiRouter::new()
                .routes(routes!(telephony::api::post_event))
                .layer(axum::extract::DefaultBodyLimit::max(
                    telephony::api::EVENT_BODY_LIMIT,
                )),
        )
        .routes(routes!(conversations::reply_api::resend_reply))
        .merge(
            // A reply carries its attachments, base64, in its JSON.
            OpenApiRouter::new()
                .routes(routes!(conversations::reply_api::post_reply))
                .layer(axum::extract::DefaultBodyLimit::max(
                    conversations::reply_api::REPLY_BODY_LIMIT,
                )),
        )
        .merge(
            // A batch of 1,000 e-mails with their HTML outgrows the default 2 MiB.
            OpenApiRouter::new()
                .routes(routes!(interactions::api::ingest_batch))
                .layer(axum::extract::DefaultBodyLimit::max(BATCH_BODY_LIMIT)),
        )
        .split_for_parts();
    let json = doc.to_json().unwrap_or_default();
    let router = router
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                std::future::ready(
                    ([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response(),
                )
            }),
        )
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such API route; see /api/v1/openapi.json",
            )
        })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::idempotent,
        ))
        .layer(middleware::from_fn_with_state(
            state,
            crate::extract::api_authenticate_layer,
        ));
    (router, doc)
}
