//! Cognito authentication for actix-web: the access-token rules of DESIGN.md,
//! the pool's keys, server-side refresh with single flight (on this instance
//! and, through the database, across instances), sign-outs every instance
//! honours, and the back channel to Cognito.
//!
//! [`CognitoAuth`] is built once from exactly what it needs and wraps any
//! scope or resource; handlers inside take the caller as [`AuthenticatedUser`]
//! (or [`AdminUser`]). When the caller's access token has expired and an
//! `x-refresh-token` came with it, the middleware refreshes it and returns the
//! new tokens in `x-access-token`, `x-id-token` (and `x-refresh-token` when
//! Cognito rotated it), error responses included.
//!
//! ```no_run
//! use actix_web::{web, App, HttpServer};
//! use api::auth::{AuthConfig, AuthenticatedUser, CognitoAuth, IdpClient, SessionStore};
//! use api::clock::Clock;
//! use api::config::CognitoSettings;
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! async fn me(user: AuthenticatedUser) -> String {
//!     format!("hello, {}", user.claims.username)
//! }
//!
//! # async fn run(cognito: CognitoSettings, pool: sqlx::AnyPool) -> std::io::Result<()> {
//! // Once, at start-up: the pool and client, the back channel, the sessions table, the clock.
//! let auth = CognitoAuth::new(
//!     AuthConfig::new(cognito.issuer.clone(), cognito.client_id.clone()),
//!     IdpClient::new(Arc::new(cognito), Duration::from_secs(5)),
//!     SessionStore::new(pool),
//!     Clock::system(),
//! );
//! HttpServer::new(move || {
//!     App::new().service(
//!         web::scope("/private")
//!             .wrap(auth.clone())
//!             .route("/me", web::get().to(me)),
//!     )
//! })
//! .bind(("127.0.0.1", 8080))?
//! .run()
//! .await
//! # }
//! ```

mod cognito;
mod coordinate;
mod error;
mod flows;
mod jwks;
mod jws;
mod limit;
mod middleware;
mod refresh;
mod revocation;
mod store;
mod tokens;
mod validate;
mod verified;

pub use cognito::{IdpClient, TokenResponse, UserInfo};
pub use error::{AuthError, IdpError, OAuthErrorCode};
pub use middleware::{AdminUser, AuthenticatedUser, CognitoAuthMiddleware};
pub use refresh::Refreshed;
pub use revocation::RevocationList;
pub use store::SessionStore;
pub use tokens::{AccessToken, IdToken, PkceVerifier, RefreshToken, MAX_TOKEN_BYTES};
pub use validate::{AccessClaims, Freshness, TokenValidator};

use crate::clock::Clock;
use coordinate::SharedRefresh;
use limit::CallLimiter;
use moka::future::Cache;
use refresh::RefreshGate;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokens::TokenHash;
use verified::Verified;

/// The group whose members may change statistics.
pub const ADMIN_GROUP: &str = "admin";

/// How long a userInfo answer is reused for the same access token.
const USER_INFO_TTL: Duration = Duration::from_secs(60);

/// What [`CognitoAuth`] needs to know about the pool; [`AuthConfig::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// `https://cognito-idp.{region}.amazonaws.com/{pool}` (or the emulator's).
    pub issuer: String,
    /// The app client whose access tokens are accepted.
    pub client_id: String,
    /// Clock skew allowed on `exp`, `iat` and `nbf`.
    pub leeway: Duration,
    /// How long fetched keys are used before the JWKS is fetched again.
    pub jwks_ttl: Duration,
    /// The least time between two fetches for an unknown `kid`.
    pub jwks_refetch_min: Duration,
    /// Calls per minute per client address that reach Cognito unauthenticated.
    pub rate_per_minute: NonZeroU32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// The back channel's timeout (bounds how long instances wait for each other's refresh).
    pub idp_timeout: Duration,
}

impl AuthConfig {
    pub fn new(issuer: String, client_id: String) -> Self {
        Self {
            issuer,
            client_id,
            leeway: Duration::from_secs(60),
            jwks_ttl: Duration::from_secs(3600),
            jwks_refetch_min: Duration::from_secs(30),
            rate_per_minute: NonZeroU32::new(60).unwrap_or(NonZeroU32::MIN),
            trust_forwarded_for: false,
            idp_timeout: Duration::from_secs(5),
        }
    }
}

/// The authentication layer: the middleware (`.wrap(auth.clone())`) and the
/// sign-in operations the `/auth` routes call. Cheap to clone.
#[derive(Clone)]
pub struct CognitoAuth(Arc<Inner>);

struct Inner {
    validator: TokenValidator,
    gate: RefreshGate,
    shared: SharedRefresh,
    /// userInfo answers per access token, briefly: a revocation at Cognito
    /// shows on `GET /user` within this time.
    user_info: Cache<TokenHash, Arc<Answered>>,
    revocations: RevocationList,
    limiter: CallLimiter,
    idp: IdpClient,
    clock: Clock,
}

/// A userInfo answer and when (on the clock) it was given.
struct Answered {
    info: Arc<UserInfo>,
    at: Duration,
}

impl CognitoAuth {
    pub fn new(config: AuthConfig, idp: IdpClient, store: SessionStore, clock: Clock) -> Self {
        Self(Arc::new(Inner {
            validator: TokenValidator::new(&config, clock.clone()),
            gate: RefreshGate::new(clock.clone()),
            shared: SharedRefresh::new(store.clone(), clock.clone(), config.idp_timeout),
            user_info: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(USER_INFO_TTL)
                .build(),
            revocations: RevocationList::new(store, clock.clone()),
            limiter: CallLimiter::new(
                config.rate_per_minute,
                config.trust_forwarded_for,
                clock.clone(),
            ),
            idp,
            clock,
        }))
    }

    /// The clock every expiry decision reads.
    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }

    /// Where `claims` stand in their lifetime: the one place expiry is decided.
    pub fn freshness(&self, claims: &AccessClaims) -> Freshness {
        self.0.validator.freshness(claims)
    }

    /// A caller's access token: every rule but expiry (see [`Self::freshness`]),
    /// and not signed out on any instance.
    pub async fn validate(&self, token: &AccessToken) -> Result<Arc<AccessClaims>, AuthError> {
        let Verified { claims, hash } = self
            .0
            .validator
            .verify(token, || self.0.idp.fetch_jwks())
            .await?;
        // An expired token serves nothing anyway: its refresh (refused if the
        // session was signed out) decides, so the caller learns `session_expired`.
        if self.freshness(&claims) == Freshness::Expired {
            return Ok(claims);
        }
        match self.0.revocations.refusal(&claims, &hash).await {
            Some(reason) => Err(AuthError::InvalidToken(reason)),
            None => Ok(claims),
        }
    }
}
