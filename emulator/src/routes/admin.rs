//! `/_emulator/` test hooks: what tests need to drive the pool that Cognito
//! offers only through its admin API or not at all. Off with `--no-test-hooks`.

use crate::error::OAuthError;
use crate::state::{one_time_code, Fault, FaultTarget, User, UserStatus};
use crate::Emulator;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/_emulator")
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
struct NewUser {
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
    body: web::Json<NewUser>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let body = body.into_inner();
    if body.username.trim().is_empty() || body.password.is_empty() {
        return Err(OAuthError::invalid_request(
            "username and password are required",
        ));
    }
    let user = User {
        sub: uuid::Uuid::new_v4().to_string(),
        username: body.username,
        password: body.password,
        email: body.email,
        email_verified: body.email_verified,
        groups: body.groups,
        status: if body.confirmed {
            UserStatus::Confirmed
        } else {
            UserStatus::Unconfirmed
        },
        pending_code: (!body.confirmed).then(one_time_code),
    };
    let created = json!({ "sub": user.sub, "username": user.username });
    if !emulator.store().add_user(user) {
        return Err(OAuthError::conflict(
            "username_exists",
            "username or email taken",
        ));
    }
    Ok(HttpResponse::Created().json(created))
}

async fn pending_code(
    username: web::Path<String>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let store = emulator.store();
    let code = store
        .user(&username)
        .and_then(|u| u.pending_code.clone())
        .ok_or_else(|| OAuthError::not_found("no pending code for that user"))?;
    Ok(HttpResponse::Ok().json(json!({ "code": code })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Lifetimes {
    access_token_secs: Option<u64>,
    id_token_secs: Option<u64>,
    refresh_token_secs: Option<u64>,
}

async fn set_lifetimes(
    client_id: web::Path<String>,
    body: web::Json<Lifetimes>,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let mut store = emulator.store();
    let client = store
        .clients
        .get_mut(client_id.as_str())
        .ok_or_else(|| OAuthError::not_found("no such app client"))?;
    for (slot, value) in [
        (&mut client.access_token_secs, body.access_token_secs),
        (&mut client.id_token_secs, body.id_token_secs),
        (&mut client.refresh_token_secs, body.refresh_token_secs),
    ] {
        match value {
            Some(0) => {
                return Err(OAuthError::invalid_request(
                    "a lifetime must be at least 1 second",
                ))
            }
            Some(secs) => *slot = secs,
            None => {}
        }
    }
    Ok(HttpResponse::Ok().json(json!({
        "accessTokenSecs": client.access_token_secs,
        "idTokenSecs": client.id_token_secs,
        "refreshTokenSecs": client.refresh_token_secs,
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
    let overlap = body
        .and_then(|b| b.overlap_secs)
        .unwrap_or(emulator.rotation_overlap_secs);
    let worker = emulator.clone();
    let now = emulator.clock.now();
    // Key generation takes a while; keep it off the async workers.
    web::block(move || worker.keys_mut().rotate(overlap, now))
        .await
        .map_err(|_| {
            OAuthError::server_error(StatusCode::INTERNAL_SERVER_ERROR, "rotation was cancelled")
        })??;
    let keys = emulator.keys();
    tracing::info!(overlap_secs = overlap, "signing keys rotated");
    Ok(HttpResponse::Ok().json(json!({
        "accessKid": keys.access().kid,
        "idKid": keys.id().kid,
        "overlapSecs": overlap,
    })))
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
    HttpResponse::Ok().json(&emulator.store().counters)
}

async fn reset_counters(emulator: web::Data<Emulator>) -> HttpResponse {
    emulator.store().counters = Default::default();
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
        (None, Some(secs)) if secs <= 600 => Fault::HangSecs(secs),
        _ => {
            return Err(OAuthError::invalid_request(
                "give either status (500-599) or hangSecs (at most 600)",
            ))
        }
    };
    emulator.store().faults.insert(*target, fault);
    Ok(HttpResponse::NoContent().finish())
}

async fn clear_fault(
    target: web::Path<FaultTarget>,
    emulator: web::Data<Emulator>,
) -> HttpResponse {
    emulator.store().faults.remove(&*target);
    HttpResponse::NoContent().finish()
}

async fn clear_faults(emulator: web::Data<Emulator>) -> HttpResponse {
    emulator.store().faults.clear();
    HttpResponse::NoContent().finish()
}
