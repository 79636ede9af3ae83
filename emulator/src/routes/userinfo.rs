//! `GET|POST /oauth2/userInfo`: the OIDC claims of the user behind an access token.

use crate::error::OAuthError;
use crate::tokens::AccessClaims;
use crate::Emulator;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{json, Map, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth2/userInfo", web::get().to(user_info))
        .route("/oauth2/userInfo", web::post().to(user_info));
}

/// Checks an access token as Cognito's userInfo does: signature, issuer, expiry,
/// `token_use`, and whether its refresh token has been revoked.
pub fn verify_access_token(emulator: &Emulator, token: &str) -> Result<AccessClaims, OAuthError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| OAuthError::invalid_token("malformed token"))?;
    let kid = header
        .kid
        .ok_or_else(|| OAuthError::invalid_token("no kid"))?;
    let now = emulator.clock.now();
    let keys = emulator.keys();
    let key = keys
        .find(&kid, now)
        .ok_or_else(|| OAuthError::invalid_token("unknown kid"))?;
    let mut validation = Validation::new(Algorithm::RS256);
    // Expiry is judged on the pool's clock below, not the library's.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_issuer(&[&emulator.issuer]);
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    let claims = jsonwebtoken::decode::<AccessClaims>(token, key.decoding_key(), &validation)
        .map_err(|e| OAuthError::invalid_token(format!("rejected: {e}")))?
        .claims;
    if claims.exp <= now {
        return Err(OAuthError::invalid_token("the access token has expired"));
    }
    if claims.token_use != "access" {
        return Err(OAuthError::invalid_token("not an access token"));
    }
    if claims
        .origin_jti
        .as_ref()
        .is_some_and(|o| emulator.store().revoked_origins.contains(o))
    {
        return Err(OAuthError::invalid_token("token revoked"));
    }
    Ok(claims)
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

#[tracing::instrument(skip_all)]
async fn user_info(
    req: HttpRequest,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    emulator.store().counters.user_info += 1;
    let token = bearer(&req).ok_or_else(|| OAuthError::invalid_token("no bearer token"))?;
    let claims = verify_access_token(&emulator, token)?;
    let scopes: Vec<&str> = claims.scope.split_whitespace().collect();
    if !scopes.contains(&"openid") {
        return Err(OAuthError::insufficient_scope(
            "userInfo needs the openid scope",
        ));
    }
    let username = claims
        .username
        .ok_or_else(|| OAuthError::invalid_token("a client token has no user"))?;
    let user = emulator
        .store()
        .user(&username)
        .cloned()
        .ok_or_else(|| OAuthError::invalid_token("user no longer exists"))?;
    let mut body = Map::new();
    body.insert("sub".into(), json!(user.sub));
    if scopes.contains(&"email") {
        if let Some(email) = &user.email {
            // Cognito's userInfo sends email_verified as a string, unlike the ID token.
            body.insert(
                "email_verified".into(),
                json!(user.email_verified.to_string()),
            );
            body.insert("email".into(), json!(email));
        }
    }
    body.insert("username".into(), json!(user.username));
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Value::Object(body)))
}
