//! The access-token rules of DESIGN.md: RS256 only, a `kid` from the pool's
//! JWKS, `iss`, `token_use == "access"`, `client_id`, and `exp` with leeway.
//! Tokens that pass are remembered until they expire, so repeats skip the RSA verify.

use super::error::{AuthError, IdpError};
use super::jwks::JwksCache;
use super::tokens::{AccessToken, TokenHash, MAX_TOKEN_BYTES};
use super::AuthConfig;
use crate::clock::Clock;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, Validation};
use moka::sync::Cache;
use moka::Expiry;
use serde::Deserialize;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many verified tokens are remembered at most.
const VERIFIED_CAPACITY: u64 = 10_000;

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
    verified: Cache<TokenHash, Arc<AccessClaims>>,
}

/// A verified token stays cached until `exp + leeway` (a bound for the cache:
/// expiry itself is decided on the clock at every use).
struct UntilExpiry {
    leeway: u64,
    clock: Clock,
}

impl Expiry<TokenHash, Arc<AccessClaims>> for UntilExpiry {
    fn expire_after_create(
        &self,
        _key: &TokenHash,
        claims: &Arc<AccessClaims>,
        _created_at: Instant,
    ) -> Option<Duration> {
        let until = claims
            .exp
            .saturating_add(self.leeway)
            .saturating_sub(self.clock.unix_secs());
        Some(Duration::from_secs(until))
    }
}

impl TokenValidator {
    pub fn new(config: &AuthConfig, clock: Clock) -> Self {
        let leeway = config.leeway.as_secs();
        Self {
            issuer: config.issuer.clone(),
            client_id: config.client_id.clone(),
            leeway,
            keys: JwksCache::new(config.jwks_ttl, config.jwks_refetch_min, clock.clone()),
            verified: Cache::builder()
                .max_capacity(VERIFIED_CAPACITY)
                .expire_after(UntilExpiry {
                    leeway,
                    clock: clock.clone(),
                })
                .build(),
            clock,
        }
    }

    /// Seeds the key cache (benchmarks, tests).
    pub fn seed_keys(&self, set: &JwkSet) {
        self.keys.store(set);
    }

    /// Forgets remembered tokens (benchmarks measure the first-time cost with it).
    pub fn forget_verified(&self) {
        self.verified.invalidate_all();
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
        self.validate_hashed(token, &token.hash(), fetch_jwks).await
    }

    /// [`Self::validate`] with the token's hash already known.
    pub(crate) async fn validate_hashed<F, Fut>(
        &self,
        token: &AccessToken,
        hash: &TokenHash,
        fetch_jwks: F,
    ) -> Result<Arc<AccessClaims>, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<JwkSet, IdpError>>,
    {
        if let Some(claims) = self.verified.get(hash) {
            return Ok(claims);
        }
        let token = token.expose();
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::InvalidToken("the token is longer than 8 KiB"));
        }
        if has_critical_parameters(token) {
            return Err(AuthError::InvalidToken(
                "the token names critical header parameters (crit) this API does not understand",
            ));
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| AuthError::InvalidToken("the token is not a well-formed JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(AuthError::InvalidToken(
                "the token is not signed with RS256",
            ));
        }
        let kid = header
            .kid
            .ok_or(AuthError::InvalidToken("the token header has no kid"))?;
        let key = self.keys.key(&kid, fetch_jwks).await?;
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &key, &self.rules())
            .map_err(|e| AuthError::InvalidToken(describe(e.kind())))?
            .claims;
        if claims.token_use != "access" {
            return Err(AuthError::InvalidToken("the token is not an access token"));
        }
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
        let claims = Arc::new(claims);
        if self.freshness(&claims) != Freshness::Expired {
            self.verified.insert(*hash, claims.clone());
        }
        Ok(claims)
    }

    fn rules(&self) -> Validation {
        let mut rules = Validation::new(Algorithm::RS256);
        rules.set_issuer(&[&self.issuer]);
        rules.set_required_spec_claims(&["exp", "iss", "sub"]);
        // Cognito access tokens carry no `aud`; `client_id` is checked instead.
        rules.validate_aud = false;
        // Expiry is checked by us, so that "expired but otherwise valid" can be told apart.
        rules.validate_exp = false;
        rules.validate_nbf = false;
        rules
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

/// Whether the JWT's header has `crit` (RFC 7515 §4.1.11: a recipient that does
/// not understand them must refuse the token).
fn has_critical_parameters(token: &str) -> bool {
    use base64::Engine;
    token
        .split('.')
        .next()
        .and_then(|segment| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(segment)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|header| header.get("crit").is_some())
}

fn describe(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidSignature => "the token's signature does not verify",
        ErrorKind::InvalidIssuer => "the token was issued by another user pool",
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            "the token is not signed with RS256"
        }
        ErrorKind::MissingRequiredClaim(_) | ErrorKind::Json(_) => {
            "the token lacks a required claim"
        }
        _ => "the token is not a well-formed JWT",
    }
}
