//! The access-token rules of DESIGN.md: RS256 only, a `kid` from the pool's
//! JWKS, `iss`, `token_use == "access"`, `client_id`, and `exp` with leeway.
//! Tokens that pass are remembered (`verified.rs`), so repeats skip the RSA verify.

use super::error::{AuthError, IdpError};
use super::jwks::JwksCache;
use super::jws::Compact;
use super::tokens::{AccessToken, MAX_TOKEN_BYTES};
use super::verified::{Verified, VerifiedTokens};
use super::AuthConfig;
use crate::clock::Clock;
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use std::future::Future;
use std::sync::Arc;

/// The access-token claims the API reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub iss: String,
    pub client_id: String,
    pub token_use: String,
    pub username: String,
    #[serde(default)]
    pub scope: String,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    pub exp: u64,
    #[serde(default)]
    pub iat: u64,
    /// Shared by every access token of one sign-in (Cognito's session id).
    #[serde(default)]
    pub origin_jti: Option<String>,
    #[serde(default)]
    pub nbf: Option<u64>,
}

impl AccessClaims {
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    pub fn scopes(&self) -> Vec<String> {
        self.scope.split_whitespace().map(str::to_owned).collect()
    }
}

/// Where a verified token stands in its lifetime, on the API's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Before `exp`.
    Fresh,
    /// Past `exp` but inside the clock-skew leeway: it still serves, and a refresh is due.
    Due,
    /// Past `exp + leeway`: refused unless it is refreshed.
    Expired,
}

/// The rules for one user pool and app client, and the tokens that passed
/// them: validation without the middleware (and without the revocation list).
pub struct TokenValidator {
    issuer: String,
    client_id: String,
    leeway: u64,
    clock: Clock,
    keys: JwksCache,
    verified: VerifiedTokens,
}

impl TokenValidator {
    pub fn new(config: &AuthConfig, clock: Clock) -> Self {
        Self {
            issuer: config.issuer.clone(),
            client_id: config.client_id.clone(),
            leeway: config.leeway.as_secs(),
            keys: JwksCache::new(config.jwks_ttl, config.jwks_refetch_min, clock.clone()),
            verified: VerifiedTokens::new(),
            clock,
        }
    }

    /// Seeds the key cache (benchmarks, tests).
    pub fn seed_keys(&self, set: &JwkSet) {
        self.keys.store(set);
    }

    /// Forgets remembered tokens (benchmarks measure the first-time cost with it).
    pub fn forget_verified(&self) {
        self.verified.clear();
    }

    /// Applies every rule but expiry to `token` ([`Self::freshness`] decides
    /// that); `fetch_jwks` is called only when the keys need it.
    pub async fn validate<F, Fut>(
        &self,
        token: &AccessToken,
        fetch_jwks: F,
    ) -> Result<Arc<AccessClaims>, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<JwkSet, IdpError>>,
    {
        self.verify(token, fetch_jwks).await.map(|v| v.claims)
    }

    /// [`Self::validate`], with the token's SHA-256 (what sign-outs are
    /// recorded by), remembered with the claims so a repeat does not hash it again.
    pub(crate) async fn verify<F, Fut>(
        &self,
        token: &AccessToken,
        fetch_jwks: F,
    ) -> Result<Verified, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<JwkSet, IdpError>>,
    {
        let token = token.expose();
        if let Some(verified) = self.verified.get(token) {
            return Ok(verified);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::InvalidToken("the token is longer than 8 KiB"));
        }
        let compact = Compact::parse(token)?;
        let key = self.keys.key(compact.kid(), fetch_jwks).await?;
        let claims: AccessClaims = compact.verified_claims(&key)?;
        self.check_claims(&claims)?;
        let verified = Verified::new(token, claims);
        if self.freshness(&verified.claims) != Freshness::Expired {
            self.verified.insert(token, verified.clone());
        }
        Ok(verified)
    }

    /// The rules on the claims of a token whose signature verified.
    fn check_claims(&self, claims: &AccessClaims) -> Result<(), AuthError> {
        if claims.iss != self.issuer {
            return Err(AuthError::InvalidToken(
                "the token was issued by another user pool",
            ));
        }
        if claims.token_use != "access" {
            return Err(AuthError::InvalidToken("the token is not an access token"));
        }
        // Cognito access tokens carry no `aud`; `client_id` is checked instead.
        if claims.client_id != self.client_id {
            return Err(AuthError::InvalidToken(
                "the token was issued to another app client",
            ));
        }
        let latest = self.clock.unix_secs().saturating_add(self.leeway);
        if claims.iat > latest {
            return Err(AuthError::InvalidToken(
                "the token was issued in the future",
            ));
        }
        if claims.nbf.is_some_and(|nbf| nbf > latest) {
            return Err(AuthError::InvalidToken("the token is not valid yet (nbf)"));
        }
        Ok(())
    }

    /// The one place expiry is decided: against `exp`, with the clock-skew
    /// leeway, on the API's clock.
    pub fn freshness(&self, claims: &AccessClaims) -> Freshness {
        let now = self.clock.unix_secs();
        if now <= claims.exp {
            Freshness::Fresh
        } else if now <= claims.exp.saturating_add(self.leeway) {
            Freshness::Due
        } else {
            Freshness::Expired
        }
    }
}
