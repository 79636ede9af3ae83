//! One refresh per refresh token across every instance on the database. With
//! refresh-token rotation, Cognito honours the old token once: two instances
//! (or two tabs on two instances) asking at the same moment would otherwise
//! get one answer and one `invalid_grant`, ending a live session.
//!
//! The first instance claims a row and asks Cognito; the others poll the row
//! until the answer is there. The answer is sealed with AES-256-GCM under a
//! key derived (HKDF-SHA256) from the old refresh token, so the database never
//! holds a usable token: only a holder of the old refresh token can open it.

use super::cognito::{IdpClient, TokenResponse};
use super::error::{AuthError, IdpError};
use super::refresh::REUSE_WINDOW_SECS;
use super::store::{Claim, SessionStore};
use super::tokens::{hex, AccessToken, IdToken, RefreshToken};
use crate::clock::Clock;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::hkdf::{Salt, HKDF_SHA256};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How often a waiting instance looks for the answer.
const POLL_EVERY: Duration = Duration::from_millis(20);
const SEAL_SALT: &[u8] = b"kpi-api refresh result v1";

/// Refreshes coordinated through the database.
pub(crate) struct SharedRefresh {
    store: SessionStore,
    clock: Clock,
    /// How long a claim may take: the IdP timeout and a margin.
    claim_secs: u64,
}

impl SharedRefresh {
    pub(crate) fn new(store: SessionStore, clock: Clock, idp_timeout: Duration) -> Self {
        Self {
            store,
            clock,
            claim_secs: idp_timeout.as_secs().saturating_add(2),
        }
    }

    /// Cognito's answer for `token`: asked by this instance, or by another one.
    pub(crate) async fn refresh(
        &self,
        token: &RefreshToken,
        idp: &IdpClient,
    ) -> Result<TokenResponse, AuthError> {
        let key = format!("c:{}", hex(&token.hash()));
        // Real time, not the clock: this bounds a wait for another process.
        let give_up = tokio::time::Instant::now() + Duration::from_secs(self.claim_secs * 2);
        loop {
            let now = self.clock.unix_secs();
            let claim = self
                .store
                .claim_refresh(
                    &key,
                    secs(now),
                    secs(now.saturating_add(self.claim_secs)),
                    secs(now.saturating_add(REUSE_WINDOW_SECS)),
                )
                .await?;
            match claim {
                Claim::Ours => return self.ask(&key, token, idp).await,
                Claim::Sealed(sealed) => return open(token, &sealed),
                Claim::Refused => return Err(AuthError::SessionExpired),
                Claim::Pending { .. } if tokio::time::Instant::now() >= give_up => {
                    return Err(AuthError::IdpUnavailable(IdpError::Unavailable(
                        "another instance's refresh of this token did not finish".into(),
                    )))
                }
                Claim::Pending { .. } => tokio::time::sleep(POLL_EVERY).await,
            }
        }
    }

    /// Asks Cognito under our claim and publishes the answer.
    async fn ask(
        &self,
        key: &str,
        token: &RefreshToken,
        idp: &IdpClient,
    ) -> Result<TokenResponse, AuthError> {
        match idp.refresh(token).await {
            Ok(tokens) => {
                let sealed = seal(token, &tokens)?;
                self.store.settle_refresh(key, Some(&sealed)).await?;
                Ok(tokens)
            }
            Err(e) => {
                // invalid_grant, invalid_request (a malformed token), ...: this refresh token is done.
                let error = e.into_auth_error("refresh", AuthError::IdpUnavailable, |_| {
                    AuthError::SessionExpired
                });
                if matches!(error, AuthError::SessionExpired) {
                    self.store.settle_refresh(key, None).await?;
                } else {
                    // Unreachable, or our client refused: the next instance may try.
                    self.store.release_refresh(key).await?;
                }
                Err(error)
            }
        }
    }
}

fn secs(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A token response as sealed in the database.
#[derive(Serialize, Deserialize)]
struct Plain {
    access_token: String,
    id_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: u64,
    token_type: String,
}

/// The AEAD key only holders of `token` can derive.
fn key_for(token: &RefreshToken) -> Result<LessSafeKey, AuthError> {
    let broken = |_| AuthError::misconfigured("cannot derive the sealing key", None);
    let prk = Salt::new(HKDF_SHA256, SEAL_SALT).extract(token.expose().as_bytes());
    let mut bytes = [0u8; 32];
    prk.expand(&[], &AES_256_GCM)
        .map_err(broken)?
        .fill(&mut bytes)
        .map_err(broken)?;
    UnboundKey::new(&AES_256_GCM, &bytes)
        .map(LessSafeKey::new)
        .map_err(broken)
}

fn seal(token: &RefreshToken, tokens: &TokenResponse) -> Result<String, AuthError> {
    let plain = Plain {
        access_token: tokens.access_token.expose().to_owned(),
        id_token: tokens.id_token.as_ref().map(|t| t.expose().to_owned()),
        refresh_token: tokens.refresh_token.as_ref().map(|t| t.expose().to_owned()),
        expires_in: tokens.expires_in,
        token_type: tokens.token_type.clone(),
    };
    let mut data = serde_json::to_vec(&plain)
        .map_err(|e| AuthError::misconfigured(format!("cannot encode tokens: {e}"), None))?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| AuthError::misconfigured("no random numbers for a nonce", None))?;
    key_for(token)?
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
        .map_err(|_| AuthError::misconfigured("cannot seal tokens", None))?;
    let mut sealed = nonce.to_vec();
    sealed.extend_from_slice(&data);
    Ok(BASE64.encode(sealed))
}

fn open(token: &RefreshToken, sealed: &str) -> Result<TokenResponse, AuthError> {
    let unreadable = || {
        AuthError::misconfigured(
            "another instance's sealed refresh answer does not open",
            None,
        )
    };
    let mut bytes = BASE64.decode(sealed).map_err(|_| unreadable())?;
    if bytes.len() < NONCE_LEN {
        return Err(unreadable());
    }
    let mut data = bytes.split_off(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| unreadable())?;
    let plain = key_for(token)?
        .open_in_place(nonce, Aad::empty(), &mut data)
        .map_err(|_| unreadable())?;
    let plain: Plain = serde_json::from_slice(plain).map_err(|_| unreadable())?;
    Ok(TokenResponse {
        access_token: AccessToken::from(plain.access_token),
        id_token: plain.id_token.map(IdToken::from),
        refresh_token: plain.refresh_token.map(RefreshToken::from),
        expires_in: plain.expires_in,
        token_type: plain.token_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer() -> TokenResponse {
        TokenResponse {
            access_token: AccessToken::from("access".to_owned()),
            id_token: Some(IdToken::from("id".to_owned())),
            refresh_token: Some(RefreshToken::from("rotated".to_owned())),
            expires_in: 3600,
            token_type: "Bearer".into(),
        }
    }

    #[test]
    fn only_the_old_refresh_token_opens_the_answer() {
        let old = RefreshToken::from("the-old-refresh-token".to_owned());
        let sealed = seal(&old, &answer()).expect("sealed");
        assert!(!sealed.contains("rotated") && !sealed.contains("access"));
        let opened = open(&old, &sealed).expect("opens");
        assert_eq!(opened.access_token.expose(), "access");
        assert_eq!(
            opened.refresh_token.as_ref().map(RefreshToken::expose),
            Some("rotated")
        );
        let stranger = RefreshToken::from("another-token".to_owned());
        assert!(open(&stranger, &sealed).is_err());
        assert!(open(&old, "not base64!").is_err());
    }
}
