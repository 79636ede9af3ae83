//! Claim sets of Cognito's access and ID tokens, and issuing them.

use super::model::{Client, SignIn, User};
use crate::keys::{KeyError, KeyRing};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Access-token claims, exactly Cognito's set (no `aud`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AccessClaims {
    pub(crate) sub: String,
    #[serde(
        rename = "cognito:groups",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub(crate) groups: Option<Vec<String>>,
    pub(crate) iss: String,
    pub(crate) version: u8,
    pub(crate) client_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) origin_jti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) event_id: Option<String>,
    pub(crate) token_use: String,
    pub(crate) scope: String,
    pub(crate) auth_time: u64,
    pub(crate) exp: u64,
    pub(crate) iat: u64,
    pub(crate) jti: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) username: Option<String>,
}

/// ID-token claims, exactly Cognito's set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IdClaims {
    pub(crate) at_hash: String,
    pub(crate) sub: String,
    #[serde(
        rename = "cognito:groups",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub(crate) groups: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) email_verified: Option<bool>,
    pub(crate) iss: String,
    #[serde(rename = "cognito:username")]
    pub(crate) username: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) nonce: Option<String>,
    pub(crate) origin_jti: String,
    pub(crate) aud: String,
    pub(crate) event_id: String,
    pub(crate) token_use: String,
    pub(crate) auth_time: u64,
    pub(crate) exp: u64,
    pub(crate) iat: u64,
    pub(crate) jti: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) email: Option<String>,
}

/// What the token endpoint hands out (before the refresh token is added).
pub(crate) struct IssuedTokens {
    pub(crate) access_token: String,
    pub(crate) id_token: Option<String>,
    pub(crate) expires_in: u64,
}

/// Everything a user token set depends on.
pub(crate) struct UserGrant<'a> {
    pub(crate) issuer: &'a str,
    pub(crate) client: &'a Client,
    pub(crate) user: &'a User,
    pub(crate) sign_in: &'a SignIn,
    pub(crate) scopes: &'a [String],
    pub(crate) nonce: Option<&'a str>,
    pub(crate) origin_jti: &'a str,
    pub(crate) now: u64,
}

fn groups_claim(user: &User) -> Option<Vec<String>> {
    (!user.groups.is_empty()).then(|| user.groups.clone())
}

/// `at_hash`: the left half of SHA-256 of the access token, base64url (OIDC Core 3.1.3.6).
pub(crate) fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

fn new_jti() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Signs an access token and, when `openid` was granted, an ID token.
pub(crate) fn issue_user_tokens(
    keys: &KeyRing,
    grant: &UserGrant<'_>,
) -> Result<IssuedTokens, KeyError> {
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
        exp: now.saturating_add(client.access_token_secs),
        iat: *now,
        jti: new_jti(),
        username: Some(user.username.clone()),
    };
    let access_token = keys.access().sign(&access)?;
    // The hosted UI issues an ID token with `openid`; the JSON API always (its
    // tokens carry `aws.cognito.signin.user.admin`).
    let id_token = if grant
        .scopes
        .iter()
        .any(|s| s == "openid" || s == super::auth::ADMIN_SCOPE)
    {
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
            exp: now.saturating_add(client.id_token_secs),
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
pub(crate) fn issue_client_token(
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
        exp: now.saturating_add(client.access_token_secs),
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
