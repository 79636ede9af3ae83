//! Server-side refresh with single flight: concurrent requests carrying the
//! same refresh token share one call to Cognito and get the same new tokens,
//! which stay cached (by a hash of the refresh token) until shortly before
//! the new access token expires.

use super::cognito::{IdpError, TokenResponse};
use super::validate::{token_hash, AccessClaims, TokenError, TokenHash};
use crate::clock::Clock;
use moka::future::Cache;
use moka::Expiry;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

const REFRESHED_CAPACITY: u64 = 10_000;
/// A cached result is dropped this long before its access token expires
/// (or at half its lifetime, for very short-lived tokens).
const REUSE_MARGIN_SECS: u64 = 60;

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
    pub fn new(
        tokens: TokenResponse,
        claims: Arc<AccessClaims>,
        old_refresh_token: &str,
        now: u64,
    ) -> Self {
        let lifetime = claims.exp.saturating_sub(now);
        let reuse_until = now + lifetime - REUSE_MARGIN_SECS.min(lifetime / 2);
        let rotated = tokens
            .refresh_token
            .as_deref()
            .is_some_and(|t| t != old_refresh_token);
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

/// Why a refresh failed.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// Cognito refused the refresh token (`invalid_grant`): the session is over.
    #[error("Cognito refused the refresh token")]
    SessionExpired,
    #[error("{0}")]
    Unavailable(String),
    /// Cognito's answer or our configuration is wrong.
    #[error("{0}")]
    Internal(String),
}

impl From<IdpError> for RefreshError {
    fn from(e: IdpError) -> Self {
        match e {
            IdpError::Unavailable(detail) => Self::Unavailable(detail),
            e if e.is_client_misconfigured() => {
                Self::Internal(format!("refresh refused: {e}; check the app client"))
            }
            // invalid_grant, invalid_request (a malformed token), ...: this refresh token is done.
            IdpError::Refused { .. } => Self::SessionExpired,
        }
    }
}

/// Cognito issued an access token (on sign-in or refresh) that our rules refuse.
impl From<TokenError> for RefreshError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::KeysUnavailable(e) => Self::Unavailable(e.to_string()),
            other => Self::Internal(format!(
                "Cognito issued an access token this API refuses ({other}); check COGNITO_* settings"
            )),
        }
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

/// Coalesces refreshes per refresh token.
pub struct RefreshGate {
    results: Cache<TokenHash, Arc<Refreshed>>,
    clock: Clock,
}

impl RefreshGate {
    pub fn new(clock: Clock) -> Self {
        Self {
            results: Cache::builder()
                .max_capacity(REFRESHED_CAPACITY)
                .expire_after(UntilReuseEnds {
                    clock: clock.clone(),
                })
                .build(),
            clock,
        }
    }
}

impl RefreshGate {
    /// The refreshed tokens for `refresh_token`: a recent result, the result of
    /// a refresh already in flight, or a new one made by `refresh`.
    pub async fn refresh<F, Fut>(
        &self,
        refresh_token: &str,
        refresh: F,
    ) -> Result<Arc<Refreshed>, Arc<RefreshError>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Refreshed, RefreshError>>,
    {
        let key = token_hash(refresh_token);
        if let Some(cached) = self.results.get(&key).await {
            if cached.reusable(self.clock.unix_secs()) {
                return Ok(cached);
            }
            // Held past its reuse window (the clock moved): refresh anew.
            self.results.invalidate(&key).await;
        }
        self.results
            .try_get_with(key, async { refresh().await.map(Arc::new) })
            .await
    }

    /// Drops a cached result (after the refresh token was revoked).
    pub async fn forget(&self, refresh_token: &str) {
        self.results.invalidate(&token_hash(refresh_token)).await;
    }
}
