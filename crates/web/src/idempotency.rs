//! `Idempotency-Key` on POST: the first request with a key runs and its answer is kept for
//! 24 hours; a retry with the same key and body gets the same answer (with
//! `Idempotent-Replayed: true`) without running again. Keys are per caller.
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use vinculo_app::{Principal, Via};
use vinculo_store::idempotency::{self, Reservation};

pub const HEADER: &str = "idempotency-key";
const MAX_BODY: usize = 2 << 20;
const MAX_STORED_RESPONSE: usize = 1 << 20;

fn principal_key(p: &Principal) -> String {
    match &p.via {
        Via::Token { id, .. } => format!("token:{id}"),
        _ => format!("user:{}", p.user_id),
    }
}

pub async fn idempotent(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().map(str::to_owned))
    else {
        return next.run(req).await;
    };
    let key = match key {
        Ok(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => k,
        _ => {
            return ApiError::invalid("Idempotency-Key", "1 to 255 visible ASCII characters")
                .into_response()
        }
    };
    let Some(principal) = req.extensions().get::<Principal>().cloned() else {
        return next.run(req).await;
    };
    let who = principal_key(&principal);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "request body too large",
        )
        .into_response();
    };
    let mut h = Sha256::new();
    h.update(parts.method.as_str());
    h.update(parts.uri.path());
    h.update(&bytes);
    let hash = h.finalize().to_vec();
    let ws = principal.workspace_id;
    let reserved = async {
        let mut tx = state.app.db.begin().await?;
        let r = idempotency::reserve(
            &mut tx,
            ws,
            &who,
            &key,
            &hash,
            time::OffsetDateTime::now_utc(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, vinculo_store::StoreError>(r)
    }
    .await;
    match reserved {
        Err(e) => ApiError::from(vinculo_app::AppError::Store(e)).into_response(),
        Ok(Reservation::Mismatch) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was already used for a different request",
        )
        .into_response(),
        Ok(Reservation::InProgress) => ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_in_progress",
            "a request with this Idempotency-Key is still being processed; retry shortly",
        )
        .into_response(),
        Ok(Reservation::Replay {
            status,
            content_type,
            body,
        }) => {
            let mut res =
                (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
            if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
                res.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            res
        }
        Ok(Reservation::New) => {
            let res = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let (mut rparts, rbody) = res.into_parts();
            let rbytes = to_bytes(rbody, MAX_STORED_RESPONSE)
                .await
                .unwrap_or_default();
            let ct = rparts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let status = rparts.status.as_u16();
            let stored = async {
                let mut tx = state.app.db.begin().await?;
                // A server error is not an answer worth replaying: free the key for a retry.
                if rparts.status.is_server_error() {
                    idempotency::release(&mut tx, ws, &who, &key).await?;
                } else {
                    idempotency::complete(&mut tx, ws, &who, &key, status, ct.as_deref(), &rbytes)
                        .await?;
                }
                tx.commit().await
            }
            .await;
            if let Err(e) = stored {
                tracing::error!(error = ?e, "could not store the idempotent response");
            }
            rparts
                .headers
                .insert("idempotent-replayed", HeaderValue::from_static("false"));
            Response::from_parts(rparts, Body::from(rbytes))
        }
    }
}
