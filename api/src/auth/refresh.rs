//! Server-side refresh with single flight: concurrent requests carrying the
//! same refresh token share one call to Cognito and get the same new tokens,
//! which stay cached (by a hash of the refresh token) for a short window, so
//! tabs arriving a little later reuse them, but a signed-out or rotated-away
//! refresh token cannot keep being served from the cache. A refresh token
//! Cognito refused is remembered briefly, so replaying it costs no call.

use super::cognito::{IdpError, TokenResponse};
use super::validate::{token_hash, AccessClaims, TokenError, TokenHash};
use crate::clock::Clock;
use moka::future::Cache;
use moka::Expiry;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

const REFRESHED_CAPACITY: u64 = 10_000;
/// How long a result is reused: at most this (Cognito's rotation grace is at most 60 s).
const REUSE_WINDOW_SECS: u64 = 30;
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
    pub fn new(
        tokens: TokenResponse,
        claims: Arc<AccessClaims>,
        old_refresh_token: &str,
        now: u64,
    ) -> Self {
        // Never past half the new token's life, and never past the window.
        let lifetime = claims.exp.saturating_sub(now);
        let reuse_until = now + REUSE_WINDOW_SECS.min(lifetime / 2);
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
    /// Refresh tokens Cognito refused, and until when (clock seconds).
    refused: Cache<TokenHash, u64>,
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
    pub async fn refresh<F, Fut>(
        &self,
        refresh_token: &str,
        refresh: F,
    ) -> Result<Arc<Refreshed>, Arc<RefreshError>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Refreshed, RefreshError>>,
    {
        if !looks_like_cognitos(refresh_token) {
            return Err(Arc::new(RefreshError::SessionExpired));
        }
        let key = token_hash(refresh_token);
        let now = self.clock.unix_secs();
        if self
            .refused
            .get(&key)
            .await
            .is_some_and(|until| now < until)
        {
            return Err(Arc::new(RefreshError::SessionExpired));
        }
        if let Some(cached) = self.results.get(&key).await {
            if cached.reusable(self.clock.unix_secs()) {
                return Ok(cached);
            }
            // Held past its reuse window (the clock moved): refresh anew.
            self.results.invalidate(&key).await;
        }
        let outcome = self
            .results
            .try_get_with(key, async { refresh().await.map(Arc::new) })
            .await;
        if let Err(e) = &outcome {
            if matches!(**e, RefreshError::SessionExpired) {
                self.refused.insert(key, now + REFUSED_SECS).await;
            }
        }
        outcome
    }

    /// Drops a cached result (after the refresh token was revoked).
    /// (The refused list needs no such care: a refused token stays refused.)
    pub async fn forget(&self, refresh_token: &str) {
        self.results.invalidate(&token_hash(refresh_token)).await;
    }
}

/// Cognito's refresh tokens are JWEs: five base64url segments. Anything else
/// is refused without a call to Cognito.
fn looks_like_cognitos(token: &str) -> bool {
    let segments: Vec<&str> = token.split('.').collect();
    segments.len() == 5
        && (100..=super::validate::MAX_TOKEN_BYTES).contains(&token.len())
        && segments.iter().all(|s| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::looks_like_cognitos;

    #[test]
    fn only_jwe_shaped_refresh_tokens_reach_cognito() {
        let jwe = format!(
            "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.{}.{}.{}.{}",
            "a".repeat(342),
            "b".repeat(16),
            "c".repeat(400),
            "d".repeat(22)
        );
        assert!(looks_like_cognitos(&jwe));
        assert!(!looks_like_cognitos("junk"));
        assert!(!looks_like_cognitos(&format!("{jwe}.extra")));
        assert!(!looks_like_cognitos(&jwe.replace('a', "a+")));
    }
}
