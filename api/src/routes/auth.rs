//! Sign-in plumbing for the UI: where the hosted UI is, the code exchange
//! (with the client secret, which only this API holds), refresh and sign-out.

use crate::auth::{
    AuthError, AuthenticatedUser, CognitoAuth, PkceVerifier, RefreshToken, TokenResponse,
};
use crate::config::Settings;
use crate::error::ApiError;
use actix_web::web::{Data, Json};
use actix_web::{HttpRequest, HttpResponse};
use shared::dto::{AuthConfig, RefreshTokenBody, TokenRequest, Tokens};
use shared::ErrorBody;

#[utoipa::path(get, path = "/auth/config", tag = "auth",
    responses((status = 200, description = "Where the UI sends users to sign in and out", body = AuthConfig)))]
pub(crate) async fn config(settings: Data<Settings>) -> Json<AuthConfig> {
    let cognito = &settings.cognito;
    Json(AuthConfig {
        client_id: cognito.client_id.clone(),
        authorize_url: cognito.authorize_url(),
        logout_url: cognito.logout_url(),
        scopes: cognito.scopes.clone(),
    })
}

#[utoipa::path(post, path = "/auth/token", tag = "auth", request_body = TokenRequest,
    responses(
        (status = 200, description = "The code exchanged for tokens", body = Tokens),
        (status = 400, description = "Bad body, redirectUri not allowed, or Cognito refused the code", body = ErrorBody),
        (status = 429, description = "Too many calls from this address (Retry-After)", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn token(
    req: HttpRequest,
    settings: Data<Settings>,
    auth: Data<CognitoAuth>,
    body: Json<TokenRequest>,
) -> Result<Json<Tokens>, ApiError> {
    auth.admit(&req)?;
    let request = body.into_inner();
    let mut fields = std::collections::BTreeMap::new();
    for (name, value) in [
        ("code", &request.code),
        ("redirectUri", &request.redirect_uri),
    ] {
        if value.trim().is_empty() {
            fields.insert(name.to_owned(), "is required".to_owned());
        }
    }
    let verifier = PkceVerifier::parse(&request.code_verifier);
    if let Err(AuthError::BadInput { field, problem }) = &verifier {
        fields.insert((*field).to_owned(), (*problem).to_owned());
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation(fields));
    }
    let verifier = verifier?;
    if !settings.redirect_uris().contains(&request.redirect_uri) {
        return Err(ApiError::RedirectUriNotAllowed);
    }
    let (tokens, claims) = auth
        .exchange_code(&request.code, &request.redirect_uri, &verifier)
        .await?;
    tracing::info!(sub = %claims.sub, "signed in");
    Ok(Json(to_dto(
        tokens,
        claims.exp,
        true,
        auth.clock().unix_secs(),
    )))
}

#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshTokenBody,
    responses(
        (status = 200, description = "New tokens; refreshToken only when Cognito rotated it", body = Tokens),
        (status = 400, description = "refreshToken missing, blank or longer than 8 KiB (validation_failed)", body = ErrorBody),
        (status = 401, description = "Cognito refused the refresh token (session_expired)", body = ErrorBody),
        (status = 429, description = "Too many calls from this address (Retry-After)", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn refresh(
    req: HttpRequest,
    auth: Data<CognitoAuth>,
    body: Json<RefreshTokenBody>,
) -> Result<Json<Tokens>, ApiError> {
    auth.admit(&req)?;
    let refresh_token = RefreshToken::parse("refreshToken", &body.refresh_token)?;
    let refreshed = auth.refresh(&refresh_token, None).await?;
    Ok(Json(to_dto(
        refreshed.tokens.clone(),
        refreshed.claims.exp,
        refreshed.rotated,
        auth.clock().unix_secs(),
    )))
}

#[utoipa::path(post, path = "/auth/signout", tag = "auth", request_body = RefreshTokenBody,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The refresh token is revoked at Cognito"),
        (status = 400, description = "refreshToken missing, blank or longer than 8 KiB (validation_failed), or Cognito refused to revoke it (bad_request)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(sub = %user.claims.sub))]
pub(crate) async fn signout(
    user: AuthenticatedUser,
    auth: Data<CognitoAuth>,
    body: Json<RefreshTokenBody>,
) -> Result<HttpResponse, ApiError> {
    let refresh_token = RefreshToken::parse("refreshToken", &body.refresh_token)?;
    auth.sign_out(&user, &refresh_token).await?;
    tracing::info!("signed out; refresh token revoked");
    Ok(HttpResponse::NoContent().finish())
}

fn to_dto(tokens: TokenResponse, exp: u64, with_refresh_token: bool, now: u64) -> Tokens {
    Tokens {
        access_token: tokens.access_token.expose().to_owned(),
        id_token: tokens.id_token.map(|t| t.expose().to_owned()),
        refresh_token: tokens
            .refresh_token
            .filter(|_| with_refresh_token)
            .map(|t| t.expose().to_owned()),
        // A shared refresh result may be some seconds old: count from now.
        expires_in: exp.saturating_sub(now).min(tokens.expires_in),
        token_type: tokens.token_type,
    }
}
