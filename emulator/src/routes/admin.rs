//! `/_emulator/` test hooks: what tests need to drive the pool that Cognito
//! offers only through its admin API or not at all. Served only with
//! `--test-hooks`, and only to loopback peers. Every value is range-checked.

use super::guard::loopback_only;
use crate::emulator::{Emulator, Fault, FaultTarget};
use crate::error::OAuthError;
use crate::handle::{Lifetimes, MAX_HANG_SECS};
use crate::pool::{NewUser, PoolError};
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/_emulator")
            .wrap(from_fn(loopback_only))
            .route("/users", web::post().to(create_user))
            .route("/users/{username}/code", web::get().to(pending_code))
            .route(
                "/clients/{client_id}/lifetimes",
                web::put().to(set_lifetimes),
            )
            .route("/keys/rotate", web::post().to(rotate_keys))
            .route("/clock", web::get().to(clock))
            .route("/clock", web::post().to(advance_clock))
            .route("/counters", web::get().to(counters))
            .route("/counters/reset", web::post().to(reset_counters))
            .route("/faults", web::delete().to(clear_faults))
            .route("/faults/{target}", web::put().to(set_fault))
            .route("/faults/{target}", web::delete().to(clear_fault)),
    );
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewUserBody {
    username: String,
    password: String,
    email: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default = "yes")]
    email_verified: bool,
    /// `false` leaves the user waiting for sign-up confirmation.
    #[serde(default = "yes")]
    confirmed: bool,
}

fn yes() -> bool {
    true
}

async fn create_user(
    body: web::Json<NewUserBody>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let body = body.into_inner();
    let created = emulator
        .default_pool()
        .create_user(NewUser {
            username: body.username,
            password: body.password,
            email: body.email,
            email_verified: body.email_verified,
            groups: body.groups,
            confirmed: body.confirmed,
        })
        .map_err(|e| match e {
            PoolError::UsernameExists(_) => {
                OAuthError::conflict("username_exists", "username or email taken")
            }
            other => OAuthError::invalid_request(other.to_string()),
        })?;
    Ok(HttpResponse::Created().json(json!({ "sub": created.sub, "username": created.username })))
}

async fn pending_code(
    username: web::Path<String>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let code = emulator
        .default_pool()
        .pending_code(&username)
        .ok_or_else(|| OAuthError::not_found("no pending code for that user"))?;
    Ok(HttpResponse::Ok().json(json!({ "code": code })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LifetimesBody {
    access_token_secs: Option<u64>,
    id_token_secs: Option<u64>,
    refresh_token_secs: Option<u64>,
}

async fn set_lifetimes(
    client_id: web::Path<String>,
    body: web::Json<LifetimesBody>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let lifetimes = Lifetimes {
        access_token_secs: body.access_token_secs,
        id_token_secs: body.id_token_secs,
        refresh_token_secs: body.refresh_token_secs,
    };
    lifetimes.check().map_err(OAuthError::invalid_request)?;
    let (access, id, refresh) = emulator
        .default_pool()
        .set_lifetimes(
            &client_id,
            lifetimes.access_token_secs,
            lifetimes.id_token_secs,
            lifetimes.refresh_token_secs,
        )
        .ok_or_else(|| OAuthError::not_found("no such app client"))?;
    Ok(HttpResponse::Ok().json(json!({
        "accessTokenSecs": access,
        "idTokenSecs": id,
        "refreshTokenSecs": refresh,
    })))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Rotate {
    overlap_secs: Option<u64>,
}

async fn rotate_keys(
    body: Option<web::Json<Rotate>>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let overlap = body.and_then(|b| b.overlap_secs);
    if overlap.is_some_and(|secs| secs > crate::handle::MAX_REFRESH_SECS) {
        return Err(OAuthError::invalid_request(
            "overlapSecs must be at most ten years",
        ));
    }
    let pool = emulator.default_pool();
    // Key generation takes a while; keep it off the async workers.
    let (access_kid, id_kid) = web::block(move || pool.rotate_keys(overlap))
        .await
        .map_err(|_| {
            OAuthError::server_error(StatusCode::INTERNAL_SERVER_ERROR, "rotation was cancelled")
        })??;
    tracing::info!(?overlap, "signing keys rotated");
    Ok(HttpResponse::Ok().json(json!({ "accessKid": access_kid, "idKid": id_kid })))
}

fn clock_body(emulator: &Emulator) -> serde_json::Value {
    json!({ "now": emulator.clock.now(), "offsetSecs": emulator.clock.offset_secs() })
}

async fn clock(emulator: web::Data<Emulator>) -> HttpResponse {
    HttpResponse::Ok().json(clock_body(&emulator))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Advance {
    advance_secs: u64,
}

/// Moves the pool's time forward, so tests let tokens, codes and sessions expire without sleeping.
async fn advance_clock(
    body: web::Json<Advance>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    emulator
        .clock
        .advance(std::time::Duration::from_secs(body.advance_secs))
        .map_err(|e| OAuthError::invalid_request(e.to_string()))?;
    tracing::info!(advanced_secs = body.advance_secs, "clock advanced");
    Ok(HttpResponse::Ok().json(clock_body(&emulator)))
}

async fn counters(emulator: web::Data<Emulator>) -> HttpResponse {
    HttpResponse::Ok().json(&*emulator.counters())
}

async fn reset_counters(emulator: web::Data<Emulator>) -> HttpResponse {
    *emulator.counters() = Default::default();
    HttpResponse::NoContent().finish()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultSpec {
    status: Option<u16>,
    hang_secs: Option<u64>,
}

async fn set_fault(
    target: web::Path<FaultTarget>,
    body: web::Json<FaultSpec>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let fault = match (body.status, body.hang_secs) {
        (Some(status), None) if (500..=599).contains(&status) => Fault::Status(status),
        (None, Some(secs)) if secs <= MAX_HANG_SECS => Fault::HangSecs(secs),
        _ => {
            return Err(OAuthError::invalid_request(format!(
                "give either status (500-599) or hangSecs (at most {MAX_HANG_SECS})"
            )))
        }
    };
    emulator.faults().insert(*target, fault);
    Ok(HttpResponse::NoContent().finish())
}

async fn clear_fault(
    target: web::Path<FaultTarget>,
    emulator: web::Data<Emulator>,
) -> HttpResponse {
    emulator.faults().remove(&*target);
    HttpResponse::NoContent().finish()
}

async fn clear_faults(emulator: web::Data<Emulator>) -> HttpResponse {
    emulator.faults().clear();
    HttpResponse::NoContent().finish()
}
