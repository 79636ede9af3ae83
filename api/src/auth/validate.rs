//! The access-token rules of DESIGN.md: RS256 only, a `kid` from the pool's
//! JWKS, `iss`, `token_use == "access"`, `client_id`, and `exp` with leeway.
//! Tokens that pass are remembered until they expire, so repeats skip the RSA verify.

use super::cognito::IdpError;
use super::jwks::{JwksCache, KeyError};
use crate::clock::Clock;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, Validation};
use moka::policy::EvictionPolicy;
use moka::sync::Cache;
use moka::Expiry;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many verified tokens are remembered at most.
const VERIFIED_CAPACITY: u64 = 10_000;
/// The longest token (bearer or refresh) accepted at all; Cognito's are ~1-4 KiB.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

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

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{0}")]
    Invalid(&'static str),
    /// Valid in every way but expiry: a refresh may renew it.
    #[error("the access token has expired")]
    Expired(Arc<AccessClaims>),
    /// The JWKS could not be fetched and no keys are cached.
    #[error("{0}")]
    KeysUnavailable(IdpError),
}

/// `sha256(token)`: caches key on this, never on the token itself.
pub type TokenHash = [u8; 32];

pub fn token_hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

pub struct TokenValidator {
    issuer: String,
    client_id: String,
    leeway: u64,
    clock: Clock,
    keys: JwksCache,
    verified: Cache<TokenHash, Arc<AccessClaims>>,
    /// Access tokens signed out through this API, until they would have expired.
    revoked: Cache<TokenHash, Arc<AccessClaims>>,
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
    pub fn new(
        issuer: String,
        client_id: String,
        leeway: Duration,
        keys: JwksCache,
        clock: Clock,
    ) -> Self {
        let leeway = leeway.as_secs();
        let until_expiry = || UntilExpiry {
            leeway,
            clock: clock.clone(),
        };
        Self {
            issuer,
            client_id,
            leeway,
            keys,
            verified: Cache::builder()
                .max_capacity(VERIFIED_CAPACITY)
                .expire_after(until_expiry())
                .build(),
            // LRU: a newly revoked token must always be admitted.
            revoked: Cache::builder()
                .max_capacity(VERIFIED_CAPACITY)
                .eviction_policy(EvictionPolicy::lru())
                .expire_after(until_expiry())
                .build(),
            clock,
        }
    }

    /// Seeds the key cache (benchmarks, tests).
    pub fn store_keys(&self, set: &JwkSet) {
        self.keys.store(set);
    }

    /// Refuses `token` from now on (it was signed out). A JWT stays valid by its
    /// signature until `exp`; this instance at least stops accepting it.
    pub fn revoke(&self, token: &str, claims: Arc<AccessClaims>) {
        let hash = token_hash(token);
        self.verified.invalidate(&hash);
        self.revoked.insert(hash, claims);
    }

    /// Forgets remembered tokens (benchmarks measure the first-time cost with it).
    pub fn forget_verified(&self) {
        self.verified.invalidate_all();
    }

    /// Applies every rule to `token`; `fetch_jwks` is called only when the keys need it.
    pub async fn validate_access_token<F, Fut>(
        &self,
        token: &str,
        fetch_jwks: F,
    ) -> Result<Arc<AccessClaims>, TokenError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<JwkSet, IdpError>>,
    {
        let hash = token_hash(token);
        // Until it expires (on the clock), a signed-out token is refused as such.
        if let Some(revoked) = self.revoked.get(&hash) {
            if !self.is_expired(&revoked) {
                return Err(TokenError::Invalid("the access token was signed out"));
            }
        }
        if let Some(claims) = self.verified.get(&hash) {
            return self.check_expiry(claims);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::Invalid("the token is longer than 8 KiB"));
        }
        if has_critical_parameters(token) {
            return Err(TokenError::Invalid(
                "the token names critical header parameters (crit) this API does not understand",
            ));
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| TokenError::Invalid("the token is not a well-formed JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(TokenError::Invalid("the token is not signed with RS256"));
        }
        let kid = header
            .kid
            .ok_or(TokenError::Invalid("the token header has no kid"))?;
        let key = self.keys.key(&kid, fetch_jwks).await.map_err(|e| match e {
            KeyError::UnknownKid => {
                TokenError::Invalid("the token is not signed by one of the pool's keys")
            }
            KeyError::Unavailable(e) => TokenError::KeysUnavailable(e),
        })?;
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &key, &self.rules())
            .map_err(|e| TokenError::Invalid(describe(e.kind())))?
            .claims;
        if claims.token_use != "access" {
            return Err(TokenError::Invalid("the token is not an access token"));
        }
        if claims.client_id != self.client_id {
            return Err(TokenError::Invalid(
                "the token was issued to another app client",
            ));
        }
        let latest = self.clock.unix_secs().saturating_add(self.leeway);
        if claims.iat > latest {
            return Err(TokenError::Invalid("the token was issued in the future"));
        }
        if claims.nbf.is_some_and(|nbf| nbf > latest) {
            return Err(TokenError::Invalid("the token is not valid yet (nbf)"));
        }
        let claims = Arc::new(claims);
        if !self.is_expired(&claims) {
            self.verified.insert(hash, claims.clone());
        }
        self.check_expiry(claims)
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

    /// Past `exp + leeway` on the API's clock: the one place expiry is decided.
    pub fn is_expired(&self, claims: &AccessClaims) -> bool {
        self.clock.unix_secs() > claims.exp.saturating_add(self.leeway)
    }

    /// Past `exp` itself, though maybe still inside the leeway: a refresh is due.
    pub fn is_past_exp(&self, claims: &AccessClaims) -> bool {
        self.clock.unix_secs() > claims.exp
    }

    fn check_expiry(&self, claims: Arc<AccessClaims>) -> Result<Arc<AccessClaims>, TokenError> {
        if self.is_expired(&claims) {
            Err(TokenError::Expired(claims))
        } else {
            Ok(claims)
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
