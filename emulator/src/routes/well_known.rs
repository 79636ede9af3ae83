//! `/{poolId}/.well-known/jwks.json` and `/{poolId}/.well-known/openid-configuration`.

use super::apply_fault;
use crate::error::OAuthError;
use crate::state::FaultTarget;
use crate::Emulator;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/{pool_id}/.well-known/jwks.json", web::get().to(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            web::get().to(openid_configuration),
        );
}

fn check_pool(emulator: &Emulator, pool_id: &str) -> Result<(), OAuthError> {
    if pool_id == emulator.pool_id {
        Ok(())
    } else {
        Err(OAuthError::not_found(format!(
            "User pool {pool_id} does not exist."
        )))
    }
}

async fn jwks(
    pool_id: web::Path<String>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    emulator.store().counters.jwks += 1;
    apply_fault(&emulator, FaultTarget::Jwks).await?;
    check_pool(&emulator, &pool_id)?;
    let body = emulator.keys().jwks(emulator.clock.now());
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(body))
}

async fn openid_configuration(
    pool_id: web::Path<String>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    check_pool(&emulator, &pool_id)?;
    let base = &emulator.base_url;
    Ok(HttpResponse::Ok().json(json!({
        "issuer": emulator.issuer,
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "end_session_endpoint": format!("{base}/logout"),
        "jwks_uri": format!("{}/.well-known/jwks.json", emulator.issuer),
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    })))
}
