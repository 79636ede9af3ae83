//! The OAuth side of the pool: client authentication, hosted-UI sessions,
//! authorization codes with PKCE, the token grants, revocation, and checking
//! an access token as userInfo does.

use super::codes::constant_time_eq;
use super::model::{AuthCode, Client, HostedSession, PoolState, RefreshGrant, SignIn, User};
use super::tokens::{issue_client_token, issue_user_tokens, AccessClaims, IssuedTokens, UserGrant};
use super::{UserPool, CODE_LIFETIME_SECS, SESSION_LIFETIME_SECS};
use crate::config::Flow;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, Validation};
use rand::distributions::{Alphanumeric, DistString};
use sha2::{Digest, Sha256};

/// An OAuth grant refused, with the code the token endpoint answers and why
/// (the reason is logged, never sent: Cognito sends only the code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {reason}")]
pub(crate) struct GrantError {
    pub(crate) code: &'static str,
    pub(crate) reason: &'static str,
}

fn refuse(code: &'static str, reason: &'static str) -> GrantError {
    GrantError { code, reason }
}

fn invalid_grant(reason: &'static str) -> GrantError {
    refuse("invalid_grant", reason)
}

/// Why client authentication failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ClientAuthError {
    #[error("unknown client")]
    Unknown,
    #[error("wrong or missing client secret")]
    WrongSecret,
}

/// What a grant hands out.
pub(crate) struct IssuedGrant {
    pub(crate) tokens: IssuedTokens,
    pub(crate) refresh_token: Option<String>,
}

/// A random URL-safe string of `len` letters and digits.
pub(crate) fn random_string(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

impl UserPool {
    /// The client, if `secret` is its secret (or it has none).
    pub(crate) fn authenticate_client(
        &self,
        id: &str,
        secret: Option<&str>,
    ) -> Result<Client, ClientAuthError> {
        let client = self.client(id).ok_or(ClientAuthError::Unknown)?;
        match (&client.secret, secret) {
            (None, _) => Ok(client),
            (Some(expected), Some(given))
                if constant_time_eq(expected.as_bytes(), given.as_bytes()) =>
            {
                Ok(client)
            }
            _ => Err(ClientAuthError::WrongSecret),
        }
    }

    /// The sign-in behind a hosted-UI cookie, while its session lives and its user exists.
    pub(crate) fn live_session(&self, cookie: &str) -> Option<SignIn> {
        self.read(|state, now| {
            state
                .sessions
                .get(cookie)
                .filter(|s| {
                    s.expires_at > now && state.user(&s.sign_in.username).is_some_and(|u| u.enabled)
                })
                .map(|s| s.sign_in.clone())
        })
    }

    /// A hosted-UI session for `sign_in` and a code for the authorize request
    /// it completes, in one step; returns (cookie, code).
    pub(crate) fn start_session_with_code(&self, mut code: AuthCode) -> (String, String) {
        self.write(|state, now| {
            let cookie = random_string(48);
            state.sessions.insert(
                cookie.clone(),
                HostedSession {
                    sign_in: code.sign_in.clone(),
                    expires_at: now.saturating_add(SESSION_LIFETIME_SECS),
                },
            );
            code.expires_at = now.saturating_add(CODE_LIFETIME_SECS);
            let value = uuid::Uuid::new_v4().to_string();
            state.codes.insert(value.clone(), code);
            (cookie, value)
        })
    }

    /// Ends the hosted-UI session behind a cookie.
    pub(crate) fn end_session(&self, cookie: &str) {
        self.write(|state, _| state.sessions.remove(cookie));
    }

    /// Issues a single-use authorization code, alive for 5 minutes.
    pub(crate) fn issue_code(&self, mut code: AuthCode) -> String {
        self.write(|state, now| {
            code.expires_at = now.saturating_add(CODE_LIFETIME_SECS);
            let value = uuid::Uuid::new_v4().to_string();
            state.codes.insert(value.clone(), code);
            value
        })
    }

    /// `authorization_code`: the code once, for the client and redirect URI it
    /// was issued to, with PKCE as RFC 7636 and RFC 9700 §2.1.1 ask: a verifier
    /// when a challenge was sent, and none when it was not (no downgrade).
    pub(crate) fn redeem_code(
        &self,
        client: &Client,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<IssuedGrant, GrantError> {
        if !client.allows(Flow::Code) {
            return Err(refuse("unauthorized_client", "client lacks the code flow"));
        }
        let (user, grant, refresh) = self.write(|state, now| {
            // Single use: the code is gone whatever the outcome of this attempt.
            let grant = state
                .codes
                .remove(code)
                .filter(|c| c.expires_at > now)
                .ok_or(invalid_grant("unknown, used or expired code"))?;
            if grant.client_id != client.id {
                return Err(invalid_grant("code issued to another client"));
            }
            if grant.redirect_uri != redirect_uri {
                return Err(invalid_grant("redirect_uri differs from authorize"));
            }
            check_pkce(grant.code_challenge.as_deref(), verifier)?;
            let user = state
                .user(&grant.sign_in.username)
                .filter(|u| u.enabled)
                .cloned()
                .ok_or(invalid_grant("user no longer exists or is disabled"))?;
            let (refresh_grant, refresh) =
                open_grant(state, client, grant.sign_in, grant.scopes, grant.nonce, now);
            Ok((user, refresh_grant, refresh))
        })?;
        let tokens = self.sign_user_tokens(client, &user, &grant)?;
        Ok(IssuedGrant {
            tokens,
            refresh_token: Some(refresh),
        })
    }

    /// `refresh_token`: new access and ID tokens; a new refresh token too
    /// (the old one retired) when the client rotates them.
    pub(crate) fn refresh(&self, client: &Client, token: &str) -> Result<IssuedGrant, GrantError> {
        let (user, grant, rotated) = self.write(|state, now| {
            let grant = state
                .refresh_tokens
                .get(token)
                .filter(|g| g.expires_at > now && g.client_id == client.id)
                .cloned()
                .ok_or(invalid_grant("unknown, revoked or expired refresh token"))?;
            let user = state
                .user(&grant.sign_in.username)
                .filter(|u| u.enabled)
                .cloned()
                .ok_or(invalid_grant("user no longer exists or is disabled"))?;
            let rotated = client.refresh_rotation.then(|| {
                state.refresh_tokens.remove(token);
                let fresh = new_refresh_token();
                state.refresh_tokens.insert(
                    fresh.clone(),
                    RefreshGrant {
                        expires_at: now.saturating_add(client.refresh_token_secs),
                        ..grant.clone()
                    },
                );
                fresh
            });
            Ok((user, grant, rotated))
        })?;
        let tokens = self.sign_user_tokens(client, &user, &grant)?;
        Ok(IssuedGrant {
            tokens,
            refresh_token: rotated,
        })
    }

    /// Whose refresh token this is: (username, sub), while it lives.
    pub(crate) fn refresh_token_owner(&self, token: &str) -> Option<(String, String)> {
        self.read(|state, now| {
            let grant = state
                .refresh_tokens
                .get(token)
                .filter(|g| g.expires_at > now)?;
            let user = state.user(&grant.sign_in.username)?;
            Some((user.username.clone(), user.sub.clone()))
        })
    }

    /// `client_credentials`, for machine clients: the requested scopes must be the client's.
    pub(crate) fn client_credentials(
        &self,
        client: &Client,
        requested: Option<&str>,
    ) -> Result<IssuedGrant, GrantError> {
        if !client.allows(Flow::ClientCredentials) || client.secret.is_none() {
            return Err(refuse(
                "unauthorized_client",
                "client lacks client_credentials",
            ));
        }
        let scopes: Vec<String> = match requested {
            None => client.scopes.clone(),
            Some(requested) => {
                let requested: Vec<String> =
                    requested.split_whitespace().map(str::to_owned).collect();
                if requested.iter().any(|s| !client.scopes.contains(s)) {
                    return Err(refuse("invalid_scope", "scope not allowed for this client"));
                }
                requested
            }
        };
        let tokens = issue_client_token(&self.keys(), &self.issuer, client, &scopes, self.now())
            .map_err(signing_failed)?;
        Ok(IssuedGrant {
            tokens,
            refresh_token: None,
        })
    }

    /// RFC 7009 as Cognito does it: an unknown token is fine; a token of another
    /// client is refused. Its access tokens fail userInfo from now on.
    pub(crate) fn revoke(&self, client: &Client, token: &str) -> Result<bool, GrantError> {
        self.write(|state, now| {
            let Some(grant) = state.refresh_tokens.get(token) else {
                return Ok(false);
            };
            if grant.client_id != client.id {
                return Err(refuse(
                    "unauthorized_client",
                    "token belongs to another client",
                ));
            }
            let origin = grant.origin_jti.clone();
            state.refresh_tokens.remove(token);
            // Its access tokens live at most this long from now.
            let until = now.saturating_add(client.access_token_secs);
            state.revoked_origins.insert(origin, until);
            Ok(true)
        })
    }

    /// Checks an access token as Cognito's userInfo does: signature, issuer,
    /// expiry on the pool's clock, `token_use`, and revocation.
    pub(crate) fn verify_access_token(&self, token: &str) -> Result<AccessClaims, &'static str> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| "malformed token")?;
        let kid = header.kid.ok_or("no kid")?;
        let now = self.now();
        let claims = {
            let keys = self.keys();
            let key = keys.find(&kid, now).ok_or("unknown kid")?;
            let mut validation = Validation::new(Algorithm::RS256);
            // Expiry is judged on the pool's clock below, not the library's.
            validation.validate_exp = false;
            validation.validate_aud = false;
            validation.set_issuer(&[&self.issuer]);
            validation.set_required_spec_claims(&["exp", "iss", "sub"]);
            jsonwebtoken::decode::<AccessClaims>(token, key.decoding_key(), &validation)
                .map_err(|_| "signature, issuer or claims refused")?
                .claims
        };
        if claims.exp <= now {
            return Err("the access token has expired");
        }
        if claims.token_use != "access" {
            return Err("not an access token");
        }
        let revoked = self.read(|state, _| {
            let origin_revoked = claims
                .origin_jti
                .as_ref()
                .is_some_and(|origin| state.revoked_origins.contains_key(origin));
            let signed_out = claims
                .username
                .as_deref()
                .and_then(|name| state.user(name))
                .is_some_and(|u| claims.iat < u.signed_out_at);
            origin_revoked || signed_out
        });
        if revoked {
            return Err("token revoked");
        }
        Ok(claims)
    }

    /// Sets a client's token lifetimes in seconds (test hook); `None` keeps one.
    pub(crate) fn set_lifetimes(
        &self,
        client_id: &str,
        access: Option<u64>,
        id: Option<u64>,
        refresh: Option<u64>,
    ) -> Option<(u64, u64, u64)> {
        self.write(|state, _| {
            let client = state.clients.get_mut(client_id)?;
            for (slot, value) in [
                (&mut client.access_token_secs, access),
                (&mut client.id_token_secs, id),
                (&mut client.refresh_token_secs, refresh),
            ] {
                if let Some(secs) = value {
                    *slot = secs;
                }
            }
            Some((
                client.access_token_secs,
                client.id_token_secs,
                client.refresh_token_secs,
            ))
        })
    }

    /// Signs the access (and ID) token a refresh grant stands for.
    pub(super) fn sign_user_tokens(
        &self,
        client: &Client,
        user: &User,
        grant: &RefreshGrant,
    ) -> Result<IssuedTokens, GrantError> {
        issue_user_tokens(
            &self.keys(),
            &UserGrant {
                issuer: &self.issuer,
                client,
                user,
                sign_in: &grant.sign_in,
                scopes: &grant.scopes,
                nonce: grant.nonce.as_deref(),
                origin_jti: &grant.origin_jti,
                now: self.now(),
            },
        )
        .map_err(signing_failed)
    }
}

fn signing_failed(e: crate::keys::KeyError) -> GrantError {
    tracing::error!(error = %e, "signing failed");
    refuse("server_error", "signing failed")
}

/// Opens a refresh grant for `sign_in` and stores its new refresh token (state locked).
pub(super) fn open_grant(
    state: &mut PoolState,
    client: &Client,
    sign_in: SignIn,
    scopes: Vec<String>,
    nonce: Option<String>,
    now: u64,
) -> (RefreshGrant, String) {
    let grant = RefreshGrant {
        client_id: client.id.clone(),
        scopes,
        nonce,
        sign_in,
        origin_jti: uuid::Uuid::new_v4().to_string(),
        expires_at: now.saturating_add(client.refresh_token_secs),
    };
    let token = new_refresh_token();
    state.refresh_tokens.insert(token.clone(), grant.clone());
    (grant, token)
}

/// PKCE (RFC 7636 S256), refusing a verifier for a code issued without a
/// challenge (RFC 9700 §2.1.1: no PKCE downgrade).
fn check_pkce(challenge: Option<&str>, verifier: Option<&str>) -> Result<(), GrantError> {
    match (challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(invalid_grant(
            "code_verifier sent for a code issued without a challenge",
        )),
        (Some(_), None) => Err(invalid_grant("code_verifier is missing")),
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
                Ok(())
            } else {
                Err(invalid_grant("code_verifier does not match"))
            }
        }
    }
}

/// An opaque refresh token, shaped like Cognito's JWE.
fn new_refresh_token() -> String {
    format!(
        "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.{}.{}.{}.{}",
        random_string(342),
        random_string(16),
        random_string(400),
        random_string(22)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_verifier_matches_challenge() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            check_pkce(
                Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
                Some(verifier)
            ),
            Ok(())
        );
    }

    #[test]
    fn pkce_cannot_be_downgraded_or_skipped() {
        assert_eq!(check_pkce(None, None), Ok(()));
        assert_eq!(
            check_pkce(None, Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .map_err(|e| e.code),
            Err("invalid_grant")
        );
        assert_eq!(
            check_pkce(Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), None)
                .map_err(|e| e.code),
            Err("invalid_grant")
        );
    }
}
