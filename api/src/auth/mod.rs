//! Who the caller is: token validation, the JWKS cache, server-side refresh,
//! the middleware that ties them together, and the back channel to Cognito.

pub mod cognito;
pub mod jwks;
pub mod limit;
pub mod middleware;
pub mod refresh;
pub mod revocation;
pub mod validate;

use crate::clock::Clock;
use crate::config::Settings;
use crate::error::ApiError;
use crate::store::StatsStore;
use cognito::{IdpClient, IdpError, UserInfo};
use jwks::JwksCache;
use limit::CallLimiter;
use moka::future::Cache;
use refresh::{RefreshError, RefreshGate, Refreshed};
use revocation::RevocationList;
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;
use validate::{token_hash, AccessClaims, TokenError, TokenHash, TokenValidator};

pub use middleware::{authenticate, AdminUser, AuthenticatedUser};

/// How long a userInfo answer is reused for the same access token.
const USER_INFO_TTL: Duration = Duration::from_secs(60);

/// The group whose members may change statistics.
pub const ADMIN_GROUP: &str = "admin";

/// Shared by every worker: the caches behind authentication.
pub struct AuthState {
    pub validator: TokenValidator,
    refresh: RefreshGate,
    /// userInfo answers per access token, briefly: a revocation at Cognito
    /// shows on `GET /user` within this time.
    user_info: Cache<TokenHash, Arc<Answered>>,
    /// Sign-outs that every instance honours (kept in the database).
    pub revocations: RevocationList,
    /// Unauthenticated calls that reach Cognito, per client address.
    pub limiter: CallLimiter,
    clock: Clock,
}

/// A userInfo answer and when (on the clock) it was given.
struct Answered {
    info: Arc<UserInfo>,
    at: Duration,
}

impl AuthState {
    pub fn new(settings: &Settings, store: StatsStore, clock: Clock) -> Self {
        let cognito = &settings.cognito;
        Self {
            validator: TokenValidator::new(
                cognito.issuer.clone(),
                cognito.client_id.clone(),
                settings.jwt_leeway,
                JwksCache::new(settings.jwks_ttl, settings.jwks_refetch_min, clock.clone()),
                clock.clone(),
            ),
            refresh: RefreshGate::new(clock.clone()),
            user_info: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(USER_INFO_TTL)
                .build(),
            revocations: RevocationList::new(store, clock.clone()),
            limiter: CallLimiter::new(
                settings.auth_rate_per_minute,
                settings.trust_forwarded_for,
                clock.clone(),
            ),
            clock,
        }
    }

    /// The clock every expiry decision reads.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// A token Cognito has just issued (code exchange, refresh): the rules,
    /// without the revocation list (a new token is no revoked one).
    pub async fn verify_issued(
        &self,
        access_token: &str,
        idp: &IdpClient,
    ) -> Result<Arc<AccessClaims>, TokenError> {
        self.validator
            .validate_access_token(access_token, || idp.fetch_jwks())
            .await
    }

    /// A caller's access token: every rule, and not signed out on any instance.
    pub async fn validate(
        &self,
        access_token: &str,
        idp: &IdpClient,
    ) -> Result<Arc<AccessClaims>, TokenError> {
        let claims = self
            .validator
            .validate_access_token(access_token, || idp.fetch_jwks())
            .await?;
        // Signed out on any instance: refused here too.
        match self.revocations.refusal(&claims).await {
            Some(reason) => Err(TokenError::Invalid(reason)),
            None => Ok(claims),
        }
    }

    /// Refreshes through the single-flight gate. With `expected_sub`, the new
    /// token must belong to the same user as the expired one.
    pub async fn refresh(
        &self,
        refresh_token: &str,
        idp: &IdpClient,
        expected_sub: Option<&str>,
    ) -> Result<Arc<Refreshed>, ApiError> {
        if self.revocations.refresh_revoked(refresh_token).await {
            return Err(ApiError::SessionExpired);
        }
        let refreshed = self
            .refresh
            .refresh(refresh_token, || async {
                let tokens = idp.refresh(refresh_token).await?;
                let claims = self.verify_issued(&tokens.access_token, idp).await?;
                Ok(Refreshed::new(
                    tokens,
                    claims,
                    refresh_token,
                    self.clock.unix_secs(),
                ))
            })
            .await
            .map_err(|e| ApiError::from(&*e))?;
        if expected_sub.is_some_and(|sub| sub != refreshed.claims.sub) {
            return Err(ApiError::InvalidToken(
                "the refresh token belongs to another user".into(),
            ));
        }
        Ok(refreshed)
    }

    /// Signs out: this instance refuses the caller's access token from now on
    /// (whatever Cognito answers), Cognito revokes the refresh token, and a
    /// cached refresh result for it is dropped (after the revoke, so that a
    /// refresh in flight cannot put it back).
    pub async fn sign_out(
        &self,
        user: &AuthenticatedUser,
        refresh_token: &str,
        idp: &IdpClient,
    ) -> Result<(), IdpError> {
        let access_token = user.access_token.expose_secret();
        // Recorded for every instance first, whatever Cognito answers.
        if let Err(e) = self.revocations.sign_out(&user.claims, refresh_token).await {
            tracing::error!(error = %e, "cannot record the sign-out in the database");
        }
        self.validator.revoke(access_token, user.claims.clone());
        self.user_info.invalidate(&token_hash(access_token)).await;
        let revoked = idp.revoke(refresh_token).await;
        self.refresh.forget(refresh_token).await;
        revoked
    }

    /// userInfo for a valid access token, asked of Cognito once per token.
    pub async fn user_info(
        &self,
        access_token: &str,
        idp: &IdpClient,
    ) -> Result<Arc<UserInfo>, Arc<IdpError>> {
        let key = token_hash(access_token);
        if let Some(answered) = self.user_info.get(&key).await {
            if self.clock.now().saturating_sub(answered.at) < USER_INFO_TTL {
                return Ok(answered.info.clone());
            }
            self.user_info.invalidate(&key).await;
        }
        let answered = self
            .user_info
            .try_get_with(key, async {
                let info = idp.user_info(access_token).await?;
                Ok(Arc::new(Answered {
                    info: Arc::new(info),
                    at: self.clock.now(),
                }))
            })
            .await?;
        Ok(answered.info.clone())
    }
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Invalid(reason) => Self::InvalidToken(reason.into()),
            TokenError::Expired(_) => Self::TokenExpired,
            TokenError::KeysUnavailable(e) => Self::IdpUnavailable(e.to_string()),
        }
    }
}

impl From<&RefreshError> for ApiError {
    fn from(e: &RefreshError) -> Self {
        match e {
            RefreshError::SessionExpired => Self::SessionExpired,
            RefreshError::Unavailable(detail) => Self::IdpUnavailable(detail.clone()),
            RefreshError::Internal(detail) => Self::Internal(detail.clone()),
        }
    }
}
