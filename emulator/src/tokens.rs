//! Claim sets of Cognito's access and ID tokens, and issuing them.

use crate::keys::{KeyError, KeyRing};
use crate::state::{Client, SignIn, User};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Access-token claims, exactly Cognito's set (no `aud`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    #[serde(
        rename = "cognito:groups",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub groups: Option<Vec<String>>,
    pub iss: String,
    pub version: u8,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub origin_jti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub event_id: Option<String>,
    pub token_use: String,
    pub scope: String,
    pub auth_time: u64,
    pub exp: u64,
    pub iat: u64,
    pub jti: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub username: Option<String>,
}

/// ID-token claims, exactly Cognito's set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdClaims {
    pub at_hash: String,
    pub sub: String,
    #[serde(
        rename = "cognito:groups",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub groups: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub email_verified: Option<bool>,
    pub iss: String,
    #[serde(rename = "cognito:username")]
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nonce: Option<String>,
    pub origin_jti: String,
    pub aud: String,
    pub event_id: String,
    pub token_use: String,
    pub auth_time: u64,
    pub exp: u64,
    pub iat: u64,
    pub jti: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub email: Option<String>,
}

/// What the token endpoint hands out (before the refresh token is added).
pub struct IssuedTokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub expires_in: u64,
}

/// Everything a user token set depends on.
pub struct UserGrant<'a> {
    pub issuer: &'a str,
    pub client: &'a Client,
    pub user: &'a User,
    pub sign_in: &'a SignIn,
    pub scopes: &'a [String],
    pub nonce: Option<&'a str>,
    pub origin_jti: &'a str,
    pub now: u64,
}

fn groups_claim(user: &User) -> Option<Vec<String>> {
    (!user.groups.is_empty()).then(|| user.groups.clone())
}

/// `at_hash`: the left half of SHA-256 of the access token, base64url (OIDC Core 3.1.3.6).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

fn new_jti() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Signs an access token and, when `openid` was granted, an ID token.
pub fn issue_user_tokens(keys: &KeyRing, grant: &UserGrant<'_>) -> Result<IssuedTokens, KeyError> {
    let UserGrant {
        issuer,
        client,
        user,
        sign_in,
        now,
        ..
    } = grant;
    let access = AccessClaims {
        sub: user.sub.clone(),
        groups: groups_claim(user),
        iss: issuer.to_string(),
        version: 2,
        client_id: client.id.clone(),
        origin_jti: Some(grant.origin_jti.to_owned()),
        event_id: Some(sign_in.event_id.clone()),
        token_use: "access".into(),
        scope: grant.scopes.join(" "),
        auth_time: sign_in.auth_time,
        exp: now + client.access_token_secs,
        iat: *now,
        jti: new_jti(),
        username: Some(user.username.clone()),
    };
    let access_token = keys.access().sign(&access)?;
    let id_token = if grant.scopes.iter().any(|s| s == "openid") {
        let id = IdClaims {
            at_hash: at_hash(&access_token),
            sub: user.sub.clone(),
            groups: groups_claim(user),
            email_verified: user.email.as_ref().map(|_| user.email_verified),
            iss: issuer.to_string(),
            username: user.username.clone(),
            nonce: grant.nonce.map(str::to_owned),
            origin_jti: grant.origin_jti.to_owned(),
            aud: client.id.clone(),
            event_id: sign_in.event_id.clone(),
            token_use: "id".into(),
            auth_time: sign_in.auth_time,
            exp: now + client.id_token_secs,
            iat: *now,
            jti: new_jti(),
            email: user.email.clone(),
        };
        Some(keys.id().sign(&id)?)
    } else {
        None
    };
    Ok(IssuedTokens {
        access_token,
        id_token,
        expires_in: client.access_token_secs,
    })
}

/// A machine-to-machine access token (`client_credentials`): the client is the subject.
pub fn issue_client_token(
    keys: &KeyRing,
    issuer: &str,
    client: &Client,
    scopes: &[String],
    now: u64,
) -> Result<IssuedTokens, KeyError> {
    let claims = AccessClaims {
        sub: client.id.clone(),
        groups: None,
        iss: issuer.to_owned(),
        version: 2,
        client_id: client.id.clone(),
        origin_jti: None,
        event_id: None,
        token_use: "access".into(),
        scope: scopes.join(" "),
        auth_time: now,
        exp: now + client.access_token_secs,
        iat: now,
        jti: new_jti(),
        username: None,
    };
    Ok(IssuedTokens {
        access_token: keys.access().sign(&claims)?,
        id_token: None,
        expires_in: client.access_token_secs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_matches_oidc_example() {
        // OpenID Connect Core, appendix A.3: access token and its at_hash.
        assert_eq!(
            at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }
}
