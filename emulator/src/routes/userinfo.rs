//! `GET|POST /oauth2/userInfo`: the OIDC claims of the user behind an access token.

use crate::emulator::Emulator;
use crate::error::OAuthError;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth2/userInfo", web::get().to(user_info))
        .route("/oauth2/userInfo", web::post().to(user_info));
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
    emulator.counters().user_info += 1;
    let token = bearer(&req).ok_or_else(|| OAuthError::invalid_token("no bearer token"))?;
    // The token's `client_id` names its pool; its signature is what proves it.
    let pool = crate::pool::unverified_claim(token, "client_id")
        .and_then(|id| emulator.client(&id))
        .map(|(pool, _)| pool)
        .ok_or_else(|| OAuthError::invalid_token("not a token of this emulator"))?;
    let claims = pool
        .verify_access_token(token)
        .map_err(OAuthError::invalid_token)?;
    let scopes: Vec<&str> = claims.scope.split_whitespace().collect();
    if !scopes.contains(&"openid") {
        return Err(OAuthError::insufficient_scope(
            "userInfo needs the openid scope",
        ));
    }
    let username = claims
        .username
        .ok_or_else(|| OAuthError::invalid_token("a client token has no user"))?;
    let user = pool
        .user_view(&username)
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
