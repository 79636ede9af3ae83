//! The operations behind `/auth/*` and `GET /user`: the code exchange, a
//! refresh, a sign-out, userInfo. Each answers with one [`AuthError`].

use super::cognito::{TokenResponse, UserInfo};
use super::error::{AuthError, IdpError, OAuthErrorCode};
use super::refresh::Refreshed;
use super::tokens::{AccessToken, PkceVerifier, RefreshToken};
use super::validate::{AccessClaims, Freshness};
use super::{Answered, AuthenticatedUser, CognitoAuth, USER_INFO_TTL};
use actix_web::HttpRequest;
use std::sync::Arc;

impl CognitoAuth {
    /// Counts an unauthenticated call that may reach Cognito against the caller's address.
    pub fn admit(&self, req: &HttpRequest) -> Result<(), AuthError> {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let limiter = &self.0.limiter;
        limiter.admit(limiter.client_address(req.peer_addr(), forwarded))
    }

    /// A token Cognito has just issued (code exchange, refresh): the rules,
    /// without the revocation list (a new token is no revoked one). A refusal
    /// means our settings and Cognito disagree.
    async fn verify_issued(&self, token: &AccessToken) -> Result<Arc<AccessClaims>, AuthError> {
        self.0
            .validator
            .validate(token, || self.0.idp.fetch_jwks())
            .await
            .map_err(|e| match e {
                e @ AuthError::IdpUnavailable(_) => e,
                other => AuthError::misconfigured(
                    format!(
                        "Cognito issued an access token this API refuses ({other}); check COGNITO_* settings"
                    ),
                    None,
                ),
            })
    }

    /// The `authorization_code` grant with the client secret; the access
    /// token is checked before it is handed out.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
        verifier: &PkceVerifier,
    ) -> Result<(TokenResponse, Arc<AccessClaims>), AuthError> {
        let tokens = self
            .0
            .idp
            .exchange_code(code, redirect_uri, verifier)
            .await
            .map_err(|e| {
                e.into_auth_error(
                    "code exchange",
                    AuthError::IdpUnavailable,
                    |code| match code {
                        OAuthErrorCode::InvalidGrant => AuthError::CodeRefused(code),
                        code => AuthError::Refused {
                            action: "code exchange",
                            code,
                        },
                    },
                )
            })?;
        let claims = self.verify_issued(&tokens.access_token).await?;
        Ok((tokens, claims))
    }

    /// Refreshes through the single-flight gates (this instance's, then the
    /// database's). With `expected_sub`, the new token must belong to the
    /// same user as the expired one.
    pub async fn refresh(
        &self,
        refresh_token: &RefreshToken,
        expected_sub: Option<&str>,
    ) -> Result<Arc<Refreshed>, AuthError> {
        if self.0.revocations.refresh_revoked(refresh_token).await {
            return Err(AuthError::SessionExpired);
        }
        let refreshed = self
            .0
            .gate
            .refresh(refresh_token, || async {
                let tokens = self.0.shared.refresh(refresh_token, &self.0.idp).await?;
                let claims = self.verify_issued(&tokens.access_token).await?;
                let now = self.0.clock.unix_secs();
                Ok(Refreshed::new(tokens, claims, refresh_token, now))
            })
            .await?;
        if expected_sub.is_some_and(|sub| sub != refreshed.claims.sub) {
            return Err(AuthError::InvalidToken(
                "the refresh token belongs to another user",
            ));
        }
        Ok(refreshed)
    }

    /// Signs out: every instance refuses the session's access tokens and its
    /// refresh token from now on (this one at once, others within a second),
    /// whatever Cognito answers; then Cognito revokes the refresh token, and a
    /// cached refresh result for it is dropped (after the revoke, so that a
    /// refresh in flight cannot put it back).
    pub async fn sign_out(
        &self,
        user: &AuthenticatedUser,
        refresh_token: &RefreshToken,
    ) -> Result<(), AuthError> {
        let hash = user.access_token.hash();
        if let Err(e) = self
            .0
            .revocations
            .sign_out(&user.claims, &hash, refresh_token)
            .await
        {
            // This instance refuses the session already; the others cannot know.
            tracing::error!(error = %e, "cannot record the sign-out in the database");
        }
        self.0.user_info.invalidate(&hash).await;
        let revoked = self.0.idp.revoke(refresh_token).await;
        self.0.gate.forget(refresh_token).await;
        revoked.map_err(|e| {
            e.into_auth_error("revocation", AuthError::RevokeUnavailable, |code| {
                AuthError::Refused {
                    action: "revocation",
                    code,
                }
            })
        })
    }

    /// Every access token of `sub` issued until now is refused on every instance.
    pub async fn sign_out_everywhere(&self, sub: &str) -> Result<(), AuthError> {
        self.0.revocations.sign_out_everywhere(sub).await
    }

    /// userInfo for the caller, asked of Cognito once per token. `None` when
    /// the token lacks the `openid` scope.
    pub async fn user_info(
        &self,
        user: &AuthenticatedUser,
    ) -> Result<Option<Arc<UserInfo>>, AuthError> {
        let key = user.access_token.hash();
        let cache = &self.0.user_info;
        if let Some(answered) = cache.get(&key).await {
            if self.0.clock.now().saturating_sub(answered.at) < USER_INFO_TTL {
                return Ok(Some(answered.info.clone()));
            }
            cache.invalidate(&key).await;
        }
        let answered = cache
            .try_get_with(key, async {
                let info = self.0.idp.user_info(&user.access_token).await?;
                Ok::<_, IdpError>(Arc::new(Answered {
                    info: Arc::new(info),
                    at: self.0.clock.now(),
                }))
            })
            .await;
        match answered {
            Ok(answered) => Ok(Some(answered.info.clone())),
            Err(e) => match &*e {
                // Cognito counts expiry without our clock-skew leeway.
                IdpError::Refused { status: 401, .. }
                    if self.freshness(&user.claims) != Freshness::Fresh =>
                {
                    Err(AuthError::TokenExpired)
                }
                // Revoked at sign-out: a local JWT check cannot know, userInfo does.
                IdpError::Refused { status: 401, .. } => Err(AuthError::InvalidToken(
                    "Cognito has revoked this access token",
                )),
                IdpError::Refused { status: 403, .. } => Ok(None),
                refused @ IdpError::Refused { .. } => Err(AuthError::misconfigured(
                    "userInfo refused",
                    Some(refused.clone()),
                )),
                unavailable => Err(AuthError::IdpUnavailable(unavailable.clone())),
            },
        }
    }
}
