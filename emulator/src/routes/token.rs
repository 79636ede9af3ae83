//! `POST /oauth2/token` and `POST /oauth2/revoke`, with Cognito's client
//! authentication (HTTP Basic or `client_secret_post`) and error codes.

use super::apply_fault;
use crate::config::Flow;
use crate::error::OAuthError;
use crate::params::Params;
use crate::state::{Client, FaultTarget, RefreshGrant};
use crate::tokens::{issue_client_token, issue_user_tokens, IssuedTokens, UserGrant};
use crate::Emulator;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

const GRANT_TYPES: [&str; 3] = ["authorization_code", "refresh_token", "client_credentials"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth2/token", web::post().to(token))
        .route("/oauth2/revoke", web::post().to(revoke));
}

/// Reads a form body, insisting on the form content type as Cognito does.
async fn read_form(req: &HttpRequest, payload: web::Payload) -> Result<Params, OAuthError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.split(';').next().is_some_and(|t| {
        t.trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    }) {
        return Err(OAuthError::invalid_request(
            "content type must be application/x-www-form-urlencoded",
        ));
    }
    Ok(Params::from_payload(payload).await?)
}

/// The client credentials a request presents, from the Basic header or the body.
fn presented_credentials(
    req: &HttpRequest,
    form: &Params,
) -> Result<(String, Option<String>), OAuthError> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    match basic {
        Some(encoded) => {
            if form.get("client_secret").is_some() {
                return Err(OAuthError::invalid_request(
                    "more than one client authentication method",
                ));
            }
            let decoded = STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| {
                    OAuthError::invalid_client(StatusCode::BAD_REQUEST, "malformed Basic header")
                })?;
            let (id, secret) = decoded.split_once(':').ok_or_else(|| {
                OAuthError::invalid_client(StatusCode::BAD_REQUEST, "Basic header without ':'")
            })?;
            if form.get("client_id").is_some_and(|body_id| body_id != id) {
                return Err(OAuthError::invalid_client(
                    StatusCode::BAD_REQUEST,
                    "client_id differs from Basic",
                ));
            }
            Ok((id.to_owned(), Some(secret.to_owned())))
        }
        None => {
            let id = form
                .get("client_id")
                .ok_or_else(|| OAuthError::invalid_request("client_id is missing"))?;
            Ok((id.to_owned(), form.get("client_secret").map(str::to_owned)))
        }
    }
}

/// Authenticates the calling app client; `status` is the one Cognito uses for `invalid_client` here.
fn authenticate_client(
    emulator: &Emulator,
    req: &HttpRequest,
    form: &Params,
    status: StatusCode,
) -> Result<Client, OAuthError> {
    let (id, secret) = presented_credentials(req, form).map_err(|mut e| {
        if e.error == "invalid_client" {
            e.status = status;
        }
        e
    })?;
    let client = emulator
        .store()
        .clients
        .get(&id)
        .cloned()
        .ok_or_else(|| OAuthError::invalid_client(status, "unknown client"))?;
    match (&client.secret, secret) {
        (None, _) => Ok(client),
        (Some(expected), Some(given))
            if constant_time_eq(expected.as_bytes(), given.as_bytes()) =>
        {
            Ok(client)
        }
        _ => Err(OAuthError::invalid_client(
            status,
            "wrong or missing client secret",
        )),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn token_response(tokens: IssuedTokens, refresh_token: Option<String>) -> HttpResponse {
    let mut body = json!({
        "access_token": tokens.access_token,
        "expires_in": tokens.expires_in,
        "token_type": "Bearer",
    });
    if let Some(id) = tokens.id_token {
        body["id_token"] = json!(id);
    }
    if let Some(refresh) = refresh_token {
        body["refresh_token"] = json!(refresh);
    }
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(body)
}

#[tracing::instrument(skip_all, fields(grant_type))]
async fn token(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    let form = read_form(&req, payload).await?;
    let grant_type = form.get("grant_type").unwrap_or_default();
    tracing::Span::current().record("grant_type", grant_type);
    let counted = if GRANT_TYPES.contains(&grant_type) {
        grant_type
    } else {
        "other"
    };
    emulator.store().count_token_call(counted);
    apply_fault(&emulator, FaultTarget::Token).await?;
    let client = authenticate_client(&emulator, &req, &form, StatusCode::BAD_REQUEST)?;
    match grant_type {
        "authorization_code" => authorization_code(&emulator, &client, &form),
        "refresh_token" => refresh_token(&emulator, &client, &form),
        "client_credentials" => client_credentials(&emulator, &client, &form),
        "" => Err(OAuthError::invalid_request("grant_type is missing")),
        _ => Err(OAuthError::unsupported_grant_type("unknown grant_type")),
    }
}

fn authorization_code(
    emulator: &Emulator,
    client: &Client,
    form: &Params,
) -> Result<HttpResponse, OAuthError> {
    if !client.allows(Flow::Code) {
        return Err(OAuthError::unauthorized_client(
            "client lacks the code flow",
        ));
    }
    let code = form
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("code is missing"))?;
    let redirect_uri = form
        .get("redirect_uri")
        .ok_or_else(|| OAuthError::invalid_request("redirect_uri is missing"))?;
    let now = emulator.clock.now();
    let mut store = emulator.store();
    // Single use: the code is gone whatever the outcome of this attempt.
    let grant = store
        .codes
        .remove(code)
        .filter(|c| c.expires_at > now)
        .ok_or_else(|| OAuthError::invalid_grant("unknown, used or expired code"))?;
    if grant.client_id != client.id {
        return Err(OAuthError::invalid_grant("code issued to another client"));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(
            "redirect_uri differs from authorize",
        ));
    }
    if let Some(challenge) = &grant.code_challenge {
        let verifier = form
            .get("code_verifier")
            .ok_or_else(|| OAuthError::invalid_grant("code_verifier is missing"))?;
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if !constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
            return Err(OAuthError::invalid_grant("code_verifier does not match"));
        }
    }
    let user = store
        .user(&grant.sign_in.username)
        .cloned()
        .ok_or_else(|| OAuthError::invalid_grant("user no longer exists"))?;
    let refresh_grant = RefreshGrant {
        client_id: client.id.clone(),
        scopes: grant.scopes,
        nonce: grant.nonce,
        sign_in: grant.sign_in,
        origin_jti: uuid::Uuid::new_v4().to_string(),
        expires_at: now + client.refresh_token_secs,
    };
    let refresh = store.issue_refresh_token(refresh_grant.clone(), now);
    drop(store);
    let tokens = sign_user_tokens(emulator, client, &user, &refresh_grant, now)?;
    Ok(token_response(tokens, Some(refresh)))
}

/// Signs the access (and ID) token a refresh grant stands for.
fn sign_user_tokens(
    emulator: &Emulator,
    client: &Client,
    user: &crate::state::User,
    grant: &RefreshGrant,
    now: u64,
) -> Result<IssuedTokens, OAuthError> {
    Ok(issue_user_tokens(
        &emulator.keys(),
        &UserGrant {
            issuer: &emulator.issuer,
            client,
            user,
            sign_in: &grant.sign_in,
            scopes: &grant.scopes,
            nonce: grant.nonce.as_deref(),
            origin_jti: &grant.origin_jti,
            now,
        },
    )?)
}

fn refresh_token(
    emulator: &Emulator,
    client: &Client,
    form: &Params,
) -> Result<HttpResponse, OAuthError> {
    let token = form
        .get("refresh_token")
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is missing"))?;
    let now = emulator.clock.now();
    let mut store = emulator.store();
    let grant = store
        .refresh_tokens
        .get(token)
        .filter(|g| g.expires_at > now && g.client_id == client.id)
        .cloned()
        .ok_or_else(|| OAuthError::invalid_grant("unknown, revoked or expired refresh token"))?;
    let user = store
        .user(&grant.sign_in.username)
        .cloned()
        .ok_or_else(|| OAuthError::invalid_grant("user no longer exists"))?;
    let rotated = client.refresh_rotation.then(|| {
        store.refresh_tokens.remove(token);
        store.issue_refresh_token(
            RefreshGrant {
                expires_at: now + client.refresh_token_secs,
                ..grant.clone()
            },
            now,
        )
    });
    drop(store);
    let tokens = sign_user_tokens(emulator, client, &user, &grant, now)?;
    Ok(token_response(tokens, rotated))
}

fn client_credentials(
    emulator: &Emulator,
    client: &Client,
    form: &Params,
) -> Result<HttpResponse, OAuthError> {
    if !client.allows(Flow::ClientCredentials) || client.secret.is_none() {
        return Err(OAuthError::unauthorized_client(
            "client lacks client_credentials",
        ));
    }
    let scopes: Vec<String> = match form.get("scope") {
        None => client.scopes.clone(),
        Some(requested) => {
            let requested: Vec<String> = requested.split_whitespace().map(str::to_owned).collect();
            if requested.iter().any(|s| !client.scopes.contains(s)) {
                return Err(OAuthError::invalid_scope(
                    "scope not allowed for this client",
                ));
            }
            requested
        }
    };
    let tokens = issue_client_token(
        &emulator.keys(),
        &emulator.issuer,
        client,
        &scopes,
        emulator.clock.now(),
    )?;
    Ok(token_response(tokens, None))
}

/// RFC 7009 as Cognito does it: 200 with an empty body, also for unknown tokens.
#[tracing::instrument(skip_all)]
async fn revoke(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    emulator.store().counters.revoke += 1;
    let form = read_form(&req, payload).await?;
    let client = authenticate_client(&emulator, &req, &form, StatusCode::UNAUTHORIZED)?;
    let token = form
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is missing"))?;
    let mut store = emulator.store();
    if let Some(grant) = store.refresh_tokens.get(token) {
        if grant.client_id != client.id {
            return Err(OAuthError::unauthorized_client(
                "token belongs to another client",
            ));
        }
        let origin = grant.origin_jti.clone();
        store.refresh_tokens.remove(token);
        store.revoked_origins.insert(origin);
        tracing::info!(client = %client.name, "refresh token revoked");
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_verifier_matches_challenge() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }
}
