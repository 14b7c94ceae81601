//! Request extractors: JSON bodies and queries whose failures are problem+json, the
//! authenticated principal, and the client's address.
mod auth;
mod json;

pub use auth::{
    api_authenticate as api_authenticate_layer, ApiAuth, ClientAddr, MaybePageAuth, PageAuth,
    SESSION_COOKIE,
};
pub use json::{ApiJson, ApiPath, ApiQuery};
