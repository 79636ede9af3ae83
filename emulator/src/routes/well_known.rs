//! `/{poolId}/.well-known/jwks.json` and `/{poolId}/.well-known/openid-configuration`.

use super::apply_fault;
use crate::emulator::{Emulator, FaultTarget};
use crate::error::OAuthError;
use crate::pool::UserPool;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::json;
use std::sync::Arc;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/{pool_id}/.well-known/jwks.json", web::get().to(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            web::get().to(openid_configuration),
        );
}

fn find_pool(emulator: &Emulator, pool_id: &str) -> Result<Arc<UserPool>, OAuthError> {
    emulator
        .pool(pool_id)
        .ok_or_else(|| OAuthError::not_found(format!("User pool {pool_id} does not exist.")))
}

async fn jwks(
    pool_id: web::Path<String>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    emulator.counters().jwks += 1;
    apply_fault(&emulator, FaultTarget::Jwks).await?;
    let body = find_pool(&emulator, &pool_id)?.jwks();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(body))
}

async fn openid_configuration(
    pool_id: web::Path<String>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let pool = find_pool(&emulator, &pool_id)?;
    let base = &emulator.base_url;
    Ok(HttpResponse::Ok().json(json!({
        "issuer": pool.issuer(),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "end_session_endpoint": format!("{base}/logout"),
        // Served here even when `iss` names AWS (`--issuer aws`).
        "jwks_uri": format!("{base}/{}/.well-known/jwks.json", pool.id()),
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    })))
}
