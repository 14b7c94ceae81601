//! Errors as RFC 9457 problem+json. Each case has a stable snake_case `code` the UI and API
//! clients can translate; validation failures list the fields at fault; internal errors are
//! logged once with their cause and answered with an opaque 500 carrying the request id.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use vinculo_app::AppError;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:vinculo:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `validation_failed`, `forbidden`.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `identity_conflict`: the customers that already own the keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<KeyConflict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// An identity key that already belongs to a customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyConflict {
    pub customer_id: uuid::Uuid,
    /// `email:ana@example.com`, `phone:+34612345678`, `external:erp:C-1`.
    pub key: String,
}

/// One field's problem in a validation failure.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    /// What is wrong, for programs (`invalid_email`, `too_long`…): stable across versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What is wrong, in English, for people.
    pub message: String,
}

/// An error answered by the API.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
    pub conflicts: Vec<KeyConflict>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            conflicts: Vec::new(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::invalid_fields(vec![FieldError {
            field: field.to_owned(),
            code: None,
            message,
        }])
    }

    /// A 422 listing every field at fault.
    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            errors,
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                detail,
            )
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        use StatusCode as S;
        match e {
            AppError::Invalid { field, message } => ApiError::invalid(field, message),
            AppError::BadCredentials => {
                ApiError::new(S::UNAUTHORIZED, "bad_credentials", e.to_string())
            }
            AppError::Unauthenticated => ApiError::new(
                S::UNAUTHORIZED,
                "unauthenticated",
                "log in, or send a valid API token as `Authorization: Bearer …`",
            ),
            AppError::Forbidden => ApiError::new(S::FORBIDDEN, "forbidden", e.to_string()),
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Conflict { ref field } => {
                let mut err = ApiError::new(S::CONFLICT, "conflict", e.to_string());
                err.errors.push(FieldError {
                    field: field.clone(),
                    code: Some("taken".into()),
                    message: "already taken".into(),
                });
                err
            }
            AppError::State(msg) => ApiError::new(S::CONFLICT, "invalid_state", msg),
            AppError::NotUndoable(why) => {
                ApiError::new(S::CONFLICT, "cannot_undo", why.to_string())
            }
            AppError::NotFoundAt(issues) => ApiError {
                errors: issues
                    .into_iter()
                    .map(|i| FieldError {
                        code: Some(i.problem.code().to_owned()),
                        message: i.message(),
                        field: i.field,
                    })
                    .collect(),
                ..ApiError::not_found("customer")
            },
            AppError::RateLimited { retry_after_secs } => ApiError {
                retry_after: Some(retry_after_secs),
                ..ApiError::new(S::TOO_MANY_REQUESTS, "rate_limited", e.to_string())
            },
            AppError::AlreadySetUp => ApiError::new(S::CONFLICT, "already_set_up", e.to_string()),
            AppError::InvalidFields(issues) => ApiError::invalid_fields(
                issues
                    .into_iter()
                    .map(|i| FieldError {
                        code: Some(i.problem.code().to_owned()),
                        message: i.message(),
                        field: i.field,
                    })
                    .collect(),
            ),
            AppError::KeyConflict(found) => {
                let detail = format!(
                    "{} already belong(s) to customer {}; update that customer, or send on_conflict=merge",
                    found.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>().join(", "),
                    found.first().map(|(c, _)| c.to_string()).unwrap_or_default()
                );
                ApiError {
                    conflicts: found
                        .into_iter()
                        .map(|(c, key)| KeyConflict {
                            customer_id: c.uuid(),
                            key,
                        })
                        .collect(),
                    ..ApiError::new(S::CONFLICT, "identity_conflict", detail)
                }
            }
            AppError::Store(_) | AppError::Internal(_) => {
                // The cause is logged here, once; the client sees only the request id.
                tracing::error!(error = ?e, "request failed");
                ApiError::new(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side; quote the request id when reporting it",
                )
            }
        }
    }
}

/// The title of a status, as RFC 9457 suggests for `title`.
fn title(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("Error").to_owned()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = Problem {
            kind: format!("urn:vinculo:problem:{}", self.code),
            title: title(self.status),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
            errors: self.errors,
            conflicts: self.conflicts,
            // Filled in by the request-id layer from the response header.
            request_id: None,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

/// Rejections from axum's JSON/Query/Path extractors become problem documents too.
pub fn rejection(status: StatusCode, detail: String) -> ApiError {
    let code = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::BAD_REQUEST => "malformed_request",
        _ => "invalid_request",
    };
    let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    ApiError::new(status, code, detail)
}
