//! Server-side refresh with single flight: concurrent requests carrying the
//! same refresh token share one call to Cognito and get the same new tokens,
//! which stay cached (by a hash of the refresh token) for a short window, so
//! tabs arriving a little later reuse them, but a signed-out or rotated-away
//! refresh token cannot keep being served from the cache. A refresh token
//! Cognito refused is remembered briefly, so replaying it costs no call.

use super::cognito::TokenResponse;
use super::error::AuthError;
use super::tokens::{RefreshToken, TokenHash};
use super::validate::AccessClaims;
use crate::clock::Clock;
use moka::future::Cache;
use moka::Expiry;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

const REFRESHED_CAPACITY: u64 = 10_000;
/// How long a result is reused: at most this (Cognito's rotation grace is at most 60 s).
pub(crate) const REUSE_WINDOW_SECS: u64 = 30;
/// How long a refused refresh token is answered without asking Cognito again.
const REFUSED_SECS: u64 = 60;

/// New tokens from one refresh, with the new access token's verified claims.
#[derive(Debug)]
pub struct Refreshed {
    pub tokens: TokenResponse,
    pub claims: Arc<AccessClaims>,
    /// Whether Cognito rotated the refresh token (then it goes back to the client).
    pub rotated: bool,
    /// Until when (Unix seconds on the API's clock) others may reuse this result.
    reuse_until: u64,
}

impl Refreshed {
    pub(crate) fn new(
        tokens: TokenResponse,
        claims: Arc<AccessClaims>,
        old: &RefreshToken,
        now: u64,
    ) -> Self {
        // Never past half the new token's life, and never past the window.
        let lifetime = claims.exp.saturating_sub(now);
        let reuse_until = now + REUSE_WINDOW_SECS.min(lifetime / 2);
        let rotated = tokens
            .refresh_token
            .as_ref()
            .is_some_and(|t| t.expose() != old.expose());
        Self {
            tokens,
            claims,
            rotated,
            reuse_until,
        }
    }

    fn reusable(&self, now: u64) -> bool {
        now < self.reuse_until
    }
}

/// Bounds how long the cache holds a result; reuse itself is decided on the clock.
struct UntilReuseEnds {
    clock: Clock,
}

impl Expiry<TokenHash, Arc<Refreshed>> for UntilReuseEnds {
    fn expire_after_create(
        &self,
        _key: &TokenHash,
        value: &Arc<Refreshed>,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(Duration::from_secs(
            value.reuse_until.saturating_sub(self.clock.unix_secs()),
        ))
    }
}

/// Coalesces refreshes per refresh token on this instance.
pub(crate) struct RefreshGate {
    results: Cache<TokenHash, Arc<Refreshed>>,
    /// Refresh tokens Cognito refused, and until when (clock seconds).
    refused: Cache<TokenHash, u64>,
    clock: Clock,
}

impl RefreshGate {
    pub(crate) fn new(clock: Clock) -> Self {
        Self {
            results: Cache::builder()
                .max_capacity(REFRESHED_CAPACITY)
                .expire_after(UntilReuseEnds {
                    clock: clock.clone(),
                })
                .build(),
            refused: Cache::builder()
                .max_capacity(REFRESHED_CAPACITY)
                .time_to_live(Duration::from_secs(REFUSED_SECS))
                .build(),
            clock,
        }
    }
}

impl RefreshGate {
    /// The refreshed tokens for `refresh_token`: a recent result, the result of
    /// a refresh already in flight, or a new one made by `refresh`.
    pub(crate) async fn refresh<F, Fut>(
        &self,
        refresh_token: &RefreshToken,
        refresh: F,
    ) -> Result<Arc<Refreshed>, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Refreshed, AuthError>>,
    {
        if !refresh_token.could_be_cognitos() {
            return Err(AuthError::SessionExpired);
        }
        let key = refresh_token.hash();
        let now = self.clock.unix_secs();
        if self
            .refused
            .get(&key)
            .await
            .is_some_and(|until| now < until)
        {
            return Err(AuthError::SessionExpired);
        }
        if let Some(cached) = self.results.get(&key).await {
            if cached.reusable(now) {
                return Ok(cached);
            }
            // Held past its reuse window (the clock moved): refresh anew.
            self.results.invalidate(&key).await;
        }
        let outcome = self
            .results
            .try_get_with(key, async { refresh().await.map(Arc::new) })
            .await
            .map_err(|e| (*e).clone());
        if let Err(AuthError::SessionExpired) = &outcome {
            self.refused.insert(key, now + REFUSED_SECS).await;
        }
        outcome
    }

    /// Drops a cached result (after the refresh token was revoked).
    /// (The refused list needs no such care: a refused token stays refused.)
    pub(crate) async fn forget(&self, refresh_token: &RefreshToken) {
        self.results.invalidate(&refresh_token.hash()).await;
    }
}
