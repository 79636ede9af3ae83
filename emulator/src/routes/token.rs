//! `POST /oauth2/token` and `POST /oauth2/revoke`, with Cognito's client
//! authentication (HTTP Basic or `client_secret_post`) and error codes.

use super::apply_fault;
use crate::emulator::{Emulator, FaultTarget};
use crate::error::OAuthError;
use crate::params::Params;
use crate::pool::{Client, ClientAuthError, IssuedGrant, UserPool};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;
use std::sync::Arc;

const GRANT_TYPES: [&str; 3] = ["authorization_code", "refresh_token", "client_credentials"];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
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
) -> Result<(Arc<UserPool>, Client), OAuthError> {
    let (id, secret) = presented_credentials(req, form).map_err(|mut e| {
        if e.error == "invalid_client" {
            e.status = status;
        }
        e
    })?;
    let unknown = || OAuthError::invalid_client(status, ClientAuthError::Unknown.to_string());
    let (pool, _) = emulator.client(&id).ok_or_else(unknown)?;
    let client = pool
        .authenticate_client(&id, secret.as_deref())
        .map_err(|e| OAuthError::invalid_client(status, e.to_string()))?;
    Ok((pool, client))
}

fn token_response(grant: IssuedGrant) -> HttpResponse {
    let tokens = grant.tokens;
    let mut body = json!({
        "access_token": tokens.access_token,
        "expires_in": tokens.expires_in,
        "token_type": "Bearer",
    });
    if let Some(id) = tokens.id_token {
        body["id_token"] = json!(id);
    }
    if let Some(refresh) = grant.refresh_token {
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
    *emulator
        .counters()
        .token
        .entry(counted.to_owned())
        .or_default() += 1;
    apply_fault(&emulator, FaultTarget::Token).await?;
    let (pool, client) = authenticate_client(&emulator, &req, &form, StatusCode::BAD_REQUEST)?;
    let required = |name: &'static str| {
        form.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("{name} is missing")))
    };
    let grant = match grant_type {
        "authorization_code" => pool.redeem_code(
            &client,
            required("code")?,
            required("redirect_uri")?,
            form.get("code_verifier"),
        )?,
        "refresh_token" => pool.refresh(&client, required("refresh_token")?)?,
        "client_credentials" => pool.client_credentials(&client, form.get("scope"))?,
        "" => return Err(OAuthError::invalid_request("grant_type is missing")),
        _ => return Err(OAuthError::unsupported_grant_type("unknown grant_type")),
    };
    Ok(token_response(grant))
}

/// RFC 7009 as Cognito does it: 200 with an empty body, also for unknown tokens.
#[tracing::instrument(skip_all)]
async fn revoke(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, OAuthError> {
    emulator.counters().revoke += 1;
    apply_fault(&emulator, FaultTarget::Revoke).await?;
    let form = read_form(&req, payload).await?;
    let (pool, client) = authenticate_client(&emulator, &req, &form, StatusCode::UNAUTHORIZED)?;
    let token = form
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is missing"))?;
    if pool.revoke(&client, token)? {
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
    fn basic_header_and_body_secret_together_are_refused() {
        let form = Params::parse(b"client_secret=s").expect("form");
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Basic YTpi"))
            .to_http_request();
        let refused = presented_credentials(&req, &form).expect_err("two methods");
        assert_eq!(refused.error, "invalid_request");
    }
}
