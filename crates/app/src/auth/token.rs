//! API-token authentication. A token's principal is cached in process, so the hot path of
//! an API call is a SHA-256 and a map lookup.
use super::load_principal;
use crate::secrets::sha256;
use crate::{now, App, AppError, Principal, Via};
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use vinculo_store::tokens;

/// Prefix of API tokens: recognisable in a leaked config file or a secret scanner.
pub const TOKEN_PREFIX: &str = "vnc_";
/// How long an API token's principal is cached. Bounds how stale a role change can be when
/// several processes share one database; within one process changes invalidate at once.
const TOKEN_CACHE_TTL: Duration = Duration::from_secs(30);

/// Cached principals of API tokens, by the hash of the secret.
#[derive(Default)]
pub(crate) struct TokenCache {
    entries: RwLock<HashMap<Vec<u8>, (Principal, Instant)>>,
}

impl TokenCache {
    fn get(&self, hash: &[u8]) -> Option<Principal> {
        let map = self.entries.read().unwrap_or_else(|p| p.into_inner());
        map.get(hash)
            .filter(|(_, at)| at.elapsed() < TOKEN_CACHE_TTL)
            .map(|(p, _)| p.clone())
    }

    fn put(&self, hash: Vec<u8>, p: Principal) {
        let mut map = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.clear();
        }
        map.insert(hash, (p, Instant::now()));
    }

    pub(crate) fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// Loads the principal behind an `Authorization: Bearer` token. A miss reads the database
/// and records the token's last use (so `last_used_at` is accurate to the cache's TTL).
pub async fn authenticate_token(app: &App, secret: &str) -> Result<Principal, AppError> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Err(AppError::Unauthenticated);
    }
    let hash = sha256(secret);
    if let Some(p) = app.token_cache.get(&hash) {
        return Ok(p);
    }
    let mut conn = app.db.conn().await?;
    let token = tokens::find_live_by_hash(&mut conn, &hash)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let via = Via::Token {
        id: token.id,
        name: token.name.clone(),
        scopes: token.scopes.clone(),
    };
    let principal = load_principal(&mut conn, token.user_id, token.workspace_id, via).await?;
    drop(conn);
    let mut tx = app.db.begin().await?;
    tokens::touch(&mut tx, token.workspace_id, token.id, now()).await?;
    tx.commit().await?;
    app.token_cache.put(hash, principal.clone());
    Ok(principal)
}
