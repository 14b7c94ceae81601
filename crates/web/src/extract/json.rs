//! `ApiJson<T>` and `ApiQuery<T>`: axum's extractors with problem+json rejections that say
//! which field or line is at fault.
use crate::error::{rejection, ApiError};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

fn json_rejection(e: JsonRejection) -> ApiError {
    match e {
        JsonRejection::JsonDataError(d) => {
            // serde's message names the field and position: "unknown variant `x`, expected … at line 1 column 20".
            let detail =
                std::error::Error::source(&d).map_or_else(|| d.body_text(), ToString::to_string);
            ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                detail,
            )
        }
        JsonRejection::JsonSyntaxError(s) => {
            let detail = std::error::Error::source(&s)
                .map_or_else(|| s.body_text(), |c| format!("malformed JSON: {c}"));
            rejection(axum::http::StatusCode::BAD_REQUEST, detail)
        }
        JsonRejection::MissingJsonContentType(m) => rejection(
            m.status(),
            "send the body as JSON with `Content-Type: application/json`".into(),
        ),
        other => rejection(other.status(), other.body_text()),
    }
}

pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("query string: {}", e.body_text()),
            )),
            Err(e) => Err(rejection(e.status(), e.body_text())),
        }
    }
}

/// `ApiPath<T>`: path parameters, with a problem+json naming the parameter when it is not
/// of the right shape (e.g. an id that is not a UUID).
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(e) => Err(ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                format!("no such resource: {}", e.body_text()),
            )),
        }
    }
}
