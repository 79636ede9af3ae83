//! The pool's signing keys: fetched lazily, cached with a TTL, refetched for an
//! unknown `kid` at most once per interval, and kept while the JWKS host is down.

use super::cognito::IdpError;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::DecodingKey;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the token's kid is not one of the pool's signing keys")]
    UnknownKid,
    #[error("signing keys unavailable: {0}")]
    Unavailable(IdpError),
}

pub struct JwksCache {
    ttl: Duration,
    refetch_min: Duration,
    state: RwLock<KeySet>,
    /// One fetch at a time; others wait for its result instead of fetching too.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct KeySet {
    keys: HashMap<String, Arc<DecodingKey>>,
    fetched_at: Option<Instant>,
    attempted_at: Option<Instant>,
}

impl KeySet {
    fn get(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.keys.get(kid).cloned()
    }
}

impl JwksCache {
    pub fn new(ttl: Duration, refetch_min: Duration) -> Self {
        Self {
            ttl,
            refetch_min,
            state: RwLock::new(KeySet::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, KeySet> {
        // The key set is replaced whole, so a poisoned lock still holds a usable set.
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the cached keys with `set` (keys it cannot use are skipped).
    pub fn store(&self, set: &JwkSet) {
        let keys = set
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                let key = DecodingKey::from_jwk(jwk).ok()?;
                Some((kid, Arc::new(key)))
            })
            .collect();
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        state.keys = keys;
        state.fetched_at = Some(Instant::now());
    }

    /// The decoding key for `kid`, fetching the JWKS with `fetch` when needed.
    pub async fn key<F, Fut>(&self, kid: &str, fetch: F) -> Result<Arc<DecodingKey>, KeyError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<JwkSet, IdpError>>,
    {
        let asked_at = Instant::now();
        let stale_key = {
            let state = self.read();
            let fresh = state
                .fetched_at
                .is_some_and(|at| asked_at.duration_since(at) < self.ttl);
            let may_fetch = state
                .attempted_at
                .is_none_or(|at| asked_at.duration_since(at) >= self.refetch_min);
            match state.get(kid) {
                Some(key) if fresh || !may_fetch => return Ok(key),
                // Stale but known: refresh unless somebody else is, then use what we have.
                Some(key) => Some(key),
                None if !may_fetch => return Err(self.missing(&state)),
                None => None,
            }
        };
        let guard = match stale_key {
            None => self.fetching.lock().await,
            Some(key) => match self.fetching.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(key),
            },
        };
        {
            // Someone fetched while we waited for the lock: use their result.
            let state = self.read();
            if state.attempted_at.is_some_and(|at| at >= asked_at) {
                return state.get(kid).ok_or_else(|| self.missing(&state));
            }
        }
        self.state
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .attempted_at = Some(Instant::now());
        let fetched = fetch().await;
        drop(guard);
        match fetched {
            Ok(set) => self.store(&set),
            Err(e) => {
                tracing::warn!(error = %e, "JWKS refetch failed; keeping the cached keys");
                let state = self.read();
                if state.fetched_at.is_none() {
                    return Err(KeyError::Unavailable(e));
                }
            }
        }
        let state = self.read();
        state.get(kid).ok_or_else(|| self.missing(&state))
    }

    fn missing(&self, state: &KeySet) -> KeyError {
        if state.fetched_at.is_none() {
            KeyError::Unavailable(IdpError::Unavailable(
                "the pool's JWKS has not been fetched yet".into(),
            ))
        } else {
            KeyError::UnknownKid
        }
    }
}
