//! The state every handler shares: the use cases, web settings and metrics.
use crate::metrics::Metrics;
use std::sync::{Arc, Mutex};
use vinculo_app::App;

/// Web-facing settings, validated at start.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The address people use to reach Vinculo (for invitation and setup links).
    pub public_url: String,
    /// Send cookies only over HTTPS (`Secure`, `__Host-` prefix). On when `public_url` is https.
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` for the client address (only behind a reverse proxy you run).
    pub trust_forwarded_for: bool,
}

/// Cloned for every handler and middleware of every request: one reference count to bump,
/// not one per field (each an atomic on a cache line the cores pass back and forth).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

/// What [`AppState`] shares.
pub struct Shared {
    pub app: App,
    pub web: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    /// Key that signs CSRF tokens, shared by every process through the database.
    pub csrf_key: Arc<Vec<u8>>,
    /// The one-time secret of the first-run setup page, while no user exists.
    pub setup_token: Arc<Mutex<Option<String>>>,
    /// CSV imports started from the browser, with their progress.
    pub imports: crate::customers::import_jobs::ImportJobs,
}

impl AppState {
    pub fn setup_token(&self) -> Option<String> {
        self.setup_token
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn clear_setup_token(&self) {
        *self.setup_token.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
