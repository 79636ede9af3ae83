//! Sign-in through the JSON API: `InitiateAuth`, `AdminInitiateAuth`,
//! `RespondToAuthChallenge`, `AdminRespondToAuthChallenge`,
//! `GetTokensFromRefreshToken` and `RevokeToken`, with `SECRET_HASH`
//! enforced and each client's `ExplicitAuthFlows` honoured.

use super::shapes::{AuthAnswer, AuthenticationResult, Empty};
use super::{ApiError, Ctx};
use crate::pool::{AuthOutcome, Client, GrantError, IssuedGrant, UserPool, VerifierAnswer};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `base64(HMAC-SHA256(secret, username + clientId))`.
pub(crate) fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// A client with a secret needs `SECRET_HASH` for one of `usernames`.
pub(crate) fn check_secret_hash(
    client: &Client,
    given: Option<&str>,
    usernames: &[&str],
) -> Result<(), ApiError> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    let refused = || {
        ApiError::not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        ))
    };
    let given = given.ok_or_else(refused)?;
    let matches = usernames.iter().any(|name| {
        crate::pool::constant_time_eq(
            secret_hash(secret, name, &client.id).as_bytes(),
            given.as_bytes(),
        )
    });
    if matches {
        Ok(())
    } else {
        Err(refused())
    }
}

fn require<'a>(params: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, ApiError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::invalid_parameter(format!("Missing required parameter {name}")))
}

fn flow_enabled(client: &Client, flow: &str) -> Result<(), ApiError> {
    if client.allows_auth_flow(flow) {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(format!(
            "{flow} flow not enabled for this client"
        )))
    }
}

/// A refresh the JSON way: Cognito says `NotAuthorizedException` where OAuth says `invalid_grant`.
fn refresh(pool: &UserPool, client: &Client, token: &str) -> Result<IssuedGrant, ApiError> {
    pool.refresh(client, token).map_err(|e: GrantError| {
        if e.code == "invalid_grant" {
            ApiError::not_authorized("Invalid Refresh Token")
        } else {
            ApiError::internal(e.reason)
        }
    })
}

/// `REFRESH_TOKEN_AUTH`: its `SECRET_HASH` is made with the owner's username or sub.
fn refresh_flow(
    pool: &UserPool,
    client: &Client,
    params: &BTreeMap<String, String>,
) -> Result<AuthOutcome, ApiError> {
    flow_enabled(client, "REFRESH_TOKEN_AUTH")?;
    let token = require(params, "REFRESH_TOKEN")?;
    let owner = pool.refresh_token_owner(token);
    let names: Vec<&str> = owner
        .as_ref()
        .map(|(name, sub)| vec![name.as_str(), sub.as_str()])
        .unwrap_or_default();
    if owner.is_some() {
        check_secret_hash(
            client,
            params.get("SECRET_HASH").map(String::as_str),
            &names,
        )?;
    }
    Ok(AuthOutcome::Tokens(refresh(pool, client, token)?))
}

/// The flows both doors share; `admin` adds the admin password flow.
fn initiate(
    pool: &UserPool,
    client: &Client,
    flow: &str,
    params: &BTreeMap<String, String>,
    admin: bool,
) -> Result<AuthOutcome, ApiError> {
    let secret_hash = params.get("SECRET_HASH").map(String::as_str);
    match flow {
        "USER_SRP_AUTH" => {
            flow_enabled(client, "USER_SRP_AUTH")?;
            let username = require(params, "USERNAME")?;
            check_secret_hash(client, secret_hash, &[username])?;
            Ok(pool.srp_auth(client, username, require(params, "SRP_A")?)?)
        }
        "USER_PASSWORD_AUTH" if !admin => {
            flow_enabled(client, "USER_PASSWORD_AUTH")?;
            let username = require(params, "USERNAME")?;
            check_secret_hash(client, secret_hash, &[username])?;
            Ok(pool.password_auth(client, username, require(params, "PASSWORD")?)?)
        }
        "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" if admin => {
            flow_enabled(client, "ADMIN_USER_PASSWORD_AUTH")?;
            let username = require(params, "USERNAME")?;
            check_secret_hash(client, secret_hash, &[username])?;
            Ok(pool.password_auth(client, username, require(params, "PASSWORD")?)?)
        }
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => refresh_flow(pool, client, params),
        "CUSTOM_AUTH" | "USER_AUTH" => Err(ApiError::invalid_parameter(format!(
            "{flow} is not supported by this emulator"
        ))),
        _ => Err(ApiError::invalid_parameter(
            "Initiate Auth method not supported.",
        )),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InitiateAuth {
    auth_flow: String,
    #[serde(default)]
    auth_parameters: BTreeMap<String, String>,
    client_id: String,
}

pub(crate) fn initiate_auth(ctx: &Ctx, input: InitiateAuth) -> Result<AuthAnswer, ApiError> {
    let (pool, client) = ctx.client(&input.client_id)?;
    initiate(
        &pool,
        &client,
        &input.auth_flow,
        &input.auth_parameters,
        false,
    )
    .map(AuthAnswer::from)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AdminInitiateAuth {
    user_pool_id: String,
    auth_flow: String,
    #[serde(default)]
    auth_parameters: BTreeMap<String, String>,
    client_id: String,
}

/// The client, which must belong to the pool named.
fn client_of_pool(
    ctx: &Ctx,
    pool_id: &str,
    client_id: &str,
) -> Result<(Arc<UserPool>, Client), ApiError> {
    let pool = ctx.pool(pool_id)?;
    let client = pool.client(client_id).ok_or_else(|| {
        ApiError::resource_not_found(format!("User pool client {client_id} does not exist."))
    })?;
    Ok((pool, client))
}

pub(crate) fn admin_initiate_auth(
    ctx: &Ctx,
    input: AdminInitiateAuth,
) -> Result<AuthAnswer, ApiError> {
    let (pool, client) = client_of_pool(ctx, &input.user_pool_id, &input.client_id)?;
    initiate(
        &pool,
        &client,
        &input.auth_flow,
        &input.auth_parameters,
        true,
    )
    .map(AuthAnswer::from)
}

/// `ChallengeResponses` answered, for either door.
fn respond(
    pool: &UserPool,
    client: &Client,
    challenge: &str,
    session: &str,
    responses: &BTreeMap<String, String>,
) -> Result<AuthOutcome, ApiError> {
    let username = require(responses, "USERNAME")?;
    check_secret_hash(
        client,
        responses.get("SECRET_HASH").map(String::as_str),
        &[username],
    )?;
    match challenge {
        "PASSWORD_VERIFIER" => Ok(pool.answer_password_verifier(
            client,
            session,
            &VerifierAnswer {
                username,
                secret_block: require(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?,
                signature: require(responses, "PASSWORD_CLAIM_SIGNATURE")?,
                timestamp: require(responses, "TIMESTAMP")?,
            },
        )?),
        "NEW_PASSWORD_REQUIRED" => {
            let attributes: Vec<(String, String)> = responses
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("userAttributes.")
                        .map(|name| (name.to_owned(), v.clone()))
                })
                .collect();
            Ok(pool.answer_new_password_for_tokens(
                client,
                session,
                require(responses, "NEW_PASSWORD")?,
                &attributes,
            )?)
        }
        other => Err(ApiError::invalid_parameter(format!(
            "Unsupported challenge: {other}"
        ))),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RespondToAuthChallenge {
    client_id: String,
    challenge_name: String,
    #[serde(default)]
    session: String,
    #[serde(default)]
    challenge_responses: BTreeMap<String, String>,
}

pub(crate) fn respond_to_auth_challenge(
    ctx: &Ctx,
    input: RespondToAuthChallenge,
) -> Result<AuthAnswer, ApiError> {
    let (pool, client) = ctx.client(&input.client_id)?;
    respond(
        &pool,
        &client,
        &input.challenge_name,
        &input.session,
        &input.challenge_responses,
    )
    .map(AuthAnswer::from)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AdminRespondToAuthChallenge {
    user_pool_id: String,
    client_id: String,
    challenge_name: String,
    #[serde(default)]
    session: String,
    #[serde(default)]
    challenge_responses: BTreeMap<String, String>,
}

pub(crate) fn admin_respond_to_auth_challenge(
    ctx: &Ctx,
    input: AdminRespondToAuthChallenge,
) -> Result<AuthAnswer, ApiError> {
    let (pool, client) = client_of_pool(ctx, &input.user_pool_id, &input.client_id)?;
    respond(
        &pool,
        &client,
        &input.challenge_name,
        &input.session,
        &input.challenge_responses,
    )
    .map(AuthAnswer::from)
}

/// The client, authenticated by its secret when it has one.
fn authenticated_client(
    ctx: &Ctx,
    client_id: &str,
    secret: Option<&str>,
) -> Result<(Arc<UserPool>, Client), ApiError> {
    let (pool, _) = ctx.client(client_id)?;
    let client = pool.authenticate_client(client_id, secret).map_err(|_| {
        ApiError::not_authorized(format!("Client {client_id} authentication failed."))
    })?;
    Ok((pool, client))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetTokensFromRefreshToken {
    refresh_token: String,
    client_id: String,
    client_secret: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TokensAnswer {
    authentication_result: AuthenticationResult,
}

pub(crate) fn get_tokens_from_refresh_token(
    ctx: &Ctx,
    input: GetTokensFromRefreshToken,
) -> Result<TokensAnswer, ApiError> {
    let (pool, client) =
        authenticated_client(ctx, &input.client_id, input.client_secret.as_deref())?;
    Ok(TokensAnswer {
        authentication_result: refresh(&pool, &client, &input.refresh_token)?.into(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RevokeToken {
    token: String,
    client_id: String,
    client_secret: Option<String>,
}

pub(crate) fn revoke_token(ctx: &Ctx, input: RevokeToken) -> Result<Empty, ApiError> {
    let (pool, client) =
        authenticated_client(ctx, &input.client_id, input.client_secret.as_deref())?;
    if !client.enable_token_revocation {
        return Err(ApiError::new(
            "UnsupportedOperationException",
            "Token revocation is not enabled for this client.",
        ));
    }
    // A JWT is an access or ID token: only refresh tokens are revoked.
    if input.token.matches('.').count() == 2 {
        return Err(ApiError::new(
            "UnsupportedTokenTypeException",
            "The token is not a refresh token.",
        ));
    }
    pool.revoke(&client, &input.token).map_err(|_| {
        ApiError::new(
            "UnauthorizedException",
            "The token belongs to another client.",
        )
    })?;
    Ok(Empty::default())
}
