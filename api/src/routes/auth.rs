//! Sign-in plumbing for the UI: where the hosted UI is, the code exchange
//! (with the client secret, which only this API holds), refresh and sign-out.

use crate::auth::cognito::{IdpClient, IdpError, TokenResponse};
use crate::auth::middleware::admit;
use crate::auth::refresh::RefreshError;
use crate::auth::{AuthState, AuthenticatedUser};
use crate::config::Settings;
use crate::error::ApiError;
use actix_web::web::{Data, Json};
use actix_web::{HttpRequest, HttpResponse};
use shared::dto::{AuthConfig, RefreshTokenBody, TokenRequest, Tokens};
use shared::ErrorBody;

#[utoipa::path(get, path = "/auth/config", tag = "auth",
    responses((status = 200, description = "Where the UI sends users to sign in and out", body = AuthConfig)))]
pub async fn config(settings: Data<Settings>) -> Json<AuthConfig> {
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
pub async fn token(
    req: HttpRequest,
    settings: Data<Settings>,
    auth: Data<AuthState>,
    idp: Data<IdpClient>,
    body: Json<TokenRequest>,
) -> Result<Json<Tokens>, ApiError> {
    admit(&auth, &req)?;
    let request = body.into_inner();
    let mut fields = std::collections::BTreeMap::new();
    for (name, value) in [
        ("code", &request.code),
        ("redirectUri", &request.redirect_uri),
        ("codeVerifier", &request.code_verifier),
    ] {
        if value.trim().is_empty() {
            fields.insert(name.to_owned(), "is required".to_owned());
        }
    }
    if !fields.contains_key("codeVerifier") && !is_pkce_verifier(&request.code_verifier) {
        fields.insert(
            "codeVerifier".into(),
            "must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)".into(),
        );
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation(fields));
    }
    if !settings.redirect_uris().contains(&request.redirect_uri) {
        return Err(ApiError::RedirectUriNotAllowed);
    }
    let tokens = idp
        .exchange_code(&request.code, &request.redirect_uri, &request.code_verifier)
        .await
        .map_err(refused_code)?;
    // Never hand out a token this API would refuse: it means a misconfiguration.
    let claims = auth
        .verify_issued(&tokens.access_token, &idp)
        .await
        .map_err(|e| ApiError::from(&RefreshError::from(e)))?;
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
pub async fn refresh(
    req: HttpRequest,
    auth: Data<AuthState>,
    idp: Data<IdpClient>,
    body: Json<RefreshTokenBody>,
) -> Result<Json<Tokens>, ApiError> {
    admit(&auth, &req)?;
    let refresh_token = required_refresh_token(&body)?;
    let refreshed = auth.refresh(refresh_token, &idp, None).await?;
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
pub async fn signout(
    user: AuthenticatedUser,
    auth: Data<AuthState>,
    idp: Data<IdpClient>,
    body: Json<RefreshTokenBody>,
) -> Result<HttpResponse, ApiError> {
    let refresh_token = required_refresh_token(&body)?;
    auth.sign_out(&user, refresh_token, &idp)
        .await
        .map_err(|e| match e {
            IdpError::Unavailable(detail) => ApiError::IdpUnavailable(detail),
            IdpError::Refused { ref error, .. } if error == "invalid_client" => {
                ApiError::Internal(format!("revoke refused: {e}; check the app client"))
            }
            IdpError::Refused { error, .. } => {
                ApiError::BadRequest(format!("Cognito refused to revoke the token: {error}"))
            }
        })?;
    tracing::info!("signed out; refresh token revoked");
    Ok(HttpResponse::NoContent().finish())
}

fn required_refresh_token(body: &RefreshTokenBody) -> Result<&str, ApiError> {
    let token = body.refresh_token.trim();
    if token.is_empty() {
        return Err(ApiError::field("refreshToken", "is required"));
    }
    if token.len() > crate::auth::validate::MAX_TOKEN_BYTES {
        return Err(ApiError::field("refreshToken", "is longer than 8 KiB"));
    }
    Ok(token)
}

/// RFC 7636 §4.1: 43-128 unreserved characters.
fn is_pkce_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn to_dto(tokens: TokenResponse, exp: u64, with_refresh_token: bool, now: u64) -> Tokens {
    Tokens {
        access_token: tokens.access_token,
        id_token: tokens.id_token,
        refresh_token: tokens.refresh_token.filter(|_| with_refresh_token),
        // A shared refresh result may be some seconds old: count from now.
        expires_in: exp.saturating_sub(now).min(tokens.expires_in),
        token_type: tokens.token_type,
    }
}

/// Cognito's refusal of a code, passed on.
fn refused_code(e: IdpError) -> ApiError {
    match e {
        IdpError::Unavailable(detail) => ApiError::IdpUnavailable(detail),
        IdpError::Refused { error, .. } if error == "invalid_grant" => {
            ApiError::InvalidGrant(error)
        }
        e if e.is_client_misconfigured() => {
            ApiError::Internal(format!("code exchange refused: {e}; check the app client"))
        }
        IdpError::Refused { error, .. } => {
            ApiError::BadRequest(format!("Cognito refused the code exchange: {error}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_pkce_verifier;

    #[test]
    fn pkce_verifier_follows_rfc_7636() {
        assert!(is_pkce_verifier(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        ));
        assert!(!is_pkce_verifier("short"));
        assert!(!is_pkce_verifier(&"a".repeat(129)));
        assert!(!is_pkce_verifier(&format!("{}+", "a".repeat(43))));
    }
}
