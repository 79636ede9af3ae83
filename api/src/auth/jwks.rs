//! The pool's signing keys: fetched lazily, cached with a TTL, refetched for an
//! unknown `kid` at most once per interval, and kept while the JWKS host is down.
//! Each RS256 key is parsed once, when its JWKS arrives.

use super::error::{AuthError, IdpError};
use super::jws::rs256_key;
use crate::clock::Clock;
use aws_lc_rs::signature::ParsedPublicKey;
use jsonwebtoken::jwk::JwkSet;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

const UNKNOWN_KID: AuthError =
    AuthError::InvalidToken("the token is not signed by one of the pool's keys");

pub(crate) struct JwksCache {
    ttl: Duration,
    refetch_min: Duration,
    clock: Clock,
    state: RwLock<KeySet>,
    /// One fetch at a time; others wait for its result instead of fetching too.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct KeySet {
    keys: HashMap<String, Arc<ParsedPublicKey>>,
    /// Last successful fetch, on the clock (time since the epoch).
    fetched_at: Option<Duration>,
    /// Last fetch that finished, successful or not.
    finished_at: Option<Duration>,
    last_error: Option<IdpError>,
}

impl KeySet {
    fn get(&self, kid: &str) -> Option<Arc<ParsedPublicKey>> {
        self.keys.get(kid).cloned()
    }

    fn replace(&mut self, set: &JwkSet, now: Duration) {
        self.keys = set
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                let key = rs256_key(jwk)?;
                Some((kid, Arc::new(key)))
            })
            .collect();
        self.fetched_at = Some(now);
        self.last_error = None;
    }
}

impl JwksCache {
    pub(crate) fn new(ttl: Duration, refetch_min: Duration, clock: Clock) -> Self {
        Self {
            ttl,
            refetch_min,
            clock,
            state: RwLock::new(KeySet::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, KeySet> {
        // The key set is replaced whole, so a poisoned lock still holds a usable set.
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the cached keys with `set` (keys that cannot verify RS256 are skipped).
    pub(crate) fn store(&self, set: &JwkSet) {
        let now = self.clock.now();
        self.write().replace(set, now);
    }

    fn write(&self) -> RwLockWriteGuard<'_, KeySet> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The verification key for `kid`, fetching the JWKS with `fetch` when needed.
    pub(crate) async fn key<F, Fut>(
        &self,
        kid: &str,
        fetch: F,
    ) -> Result<Arc<ParsedPublicKey>, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<JwkSet, IdpError>>,
    {
        let asked_at = self.clock.now();
        let stale_key = {
            let state = self.read();
            let fresh = state
                .fetched_at
                .is_some_and(|at| asked_at.saturating_sub(at) < self.ttl);
            // Throttle refetches only once we have keys: without any, every
            // request needs the JWKS host anyway (and they queue on one fetch).
            let throttled = state.fetched_at.is_some()
                && state
                    .finished_at
                    .is_some_and(|at| asked_at.saturating_sub(at) < self.refetch_min);
            match state.get(kid) {
                Some(key) if fresh || throttled => return Ok(key),
                // Stale but known: refresh unless somebody else is, then use what we have.
                Some(key) => Some(key),
                None if throttled => return Err(UNKNOWN_KID),
                None => None,
            }
        };
        let _fetching = match stale_key {
            None => self.fetching.lock().await,
            Some(key) => match self.fetching.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(key),
            },
        };
        {
            // A fetch finished while we waited for the lock: its outcome is ours.
            let state = self.read();
            if state.finished_at.is_some_and(|at| at >= asked_at) {
                return state.get(kid).ok_or_else(|| missing(&state));
            }
        }
        let fetched = fetch().await;
        // Still holding `_fetching`, so waiters see this outcome when they get the lock.
        let now = self.clock.now();
        let mut state = self.write();
        match fetched {
            Ok(set) => state.replace(&set, now),
            Err(e) => {
                tracing::warn!(error = %e, "JWKS fetch failed; keeping the cached keys");
                state.last_error = Some(e);
            }
        }
        state.finished_at = Some(now);
        state.get(kid).ok_or_else(|| missing(&state))
    }
}

fn missing(state: &KeySet) -> AuthError {
    match (&state.fetched_at, &state.last_error) {
        (Some(_), _) => UNKNOWN_KID,
        (None, Some(error)) => AuthError::IdpUnavailable(error.clone()),
        (None, None) => AuthError::IdpUnavailable(IdpError::Unavailable(
            "the pool's JWKS has not been fetched yet".into(),
        )),
    }
}
