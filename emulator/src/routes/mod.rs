//! HTTP routes, Cognito's paths first, then the `/_emulator/` test hooks.

mod admin;
mod authorize;
pub(crate) mod guard;
mod hosted_ui;
mod logout;
mod token;
mod userinfo;
mod well_known;

use crate::emulator::{Emulator, Fault, FaultTarget};
use crate::error::OAuthError;
use crate::templates;
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use std::time::Instant;

/// The hosted-UI session cookie (Cognito calls its own `cognito`).
pub(crate) const SESSION_COOKIE: &str = "cognito";
/// The CSRF cookie the hosted-UI forms echo in `_csrf`, as Cognito does.
pub(crate) const CSRF_COOKIE: &str = "XSRF-TOKEN";

pub(crate) fn configure(cfg: &mut web::ServiceConfig, test_hooks: bool) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(crate::params::MAX_FORM_BYTES)
            .error_handler(|err, _| OAuthError::invalid_request(err.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|err, _| OAuthError::invalid_request(err.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|err, _| OAuthError::invalid_request(err.to_string()).into()),
    );
    authorize::configure(cfg);
    hosted_ui::configure(cfg);
    logout::configure(cfg);
    token::configure(cfg);
    userinfo::configure(cfg);
    well_known::configure(cfg);
    crate::json_api::configure(cfg);
    if test_hooks {
        admin::configure(cfg);
    }
    cfg.default_service(web::to(|| async {
        Err::<HttpResponse, _>(OAuthError::not_found("no such route"))
    }));
}

/// One log line per request: method, path (never the query: it can carry codes), status, latency.
pub(crate) async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    Ok(response)
}

/// A 302 to `location`.
pub(crate) fn found(location: &str) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// An HTML page with a status; no site may frame it (clickjacking).
pub(crate) fn page(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// The hosted UI's error page.
pub(crate) fn error_page(status: StatusCode, error: &str, detail: &str) -> HttpResponse {
    tracing::debug!(error, detail, "hosted UI error page");
    page(status, templates::error(error, detail))
}

/// `{uri}?a=b&…`, or `&a=b` when the URI already has a query.
pub(crate) fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{query}")
}

/// A cookie for the hosted UI's own pages; `Secure` when the emulator is served over https.
pub(crate) fn cookie(
    emulator: &Emulator,
    name: &'static str,
    value: String,
    max_age_secs: u64,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(emulator.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::seconds(
            i64::try_from(max_age_secs).unwrap_or(i64::MAX),
        ))
        .finish()
}

/// An expired cookie that makes the browser forget `name`.
pub(crate) fn removal_cookie(emulator: &Emulator, name: &'static str) -> Cookie<'static> {
    cookie(emulator, name, String::new(), 0)
}

/// The CSRF cookie value of this request, or a new one (and the cookie to set).
pub(crate) fn csrf_token(
    emulator: &Emulator,
    req: &HttpRequest,
) -> (String, Option<Cookie<'static>>) {
    match req.cookie(CSRF_COOKIE) {
        Some(c) if c.value().len() >= 32 => (c.value().to_owned(), None),
        _ => {
            let token = crate::pool::random_string(40);
            (
                token.clone(),
                Some(cookie(emulator, CSRF_COOKIE, token, 3600)),
            )
        }
    }
}

/// Whether a posted form's `_csrf` matches the CSRF cookie.
pub(crate) fn csrf_ok(req: &HttpRequest, posted: Option<&str>) -> bool {
    match (req.cookie(CSRF_COOKIE), posted) {
        (Some(cookie), Some(posted)) => cookie.value().len() >= 32 && cookie.value() == posted,
        _ => false,
    }
}

/// Answers after an injected hang, or with an injected 5xx.
pub(crate) async fn apply_fault(
    emulator: &Emulator,
    target: FaultTarget,
) -> Result<(), OAuthError> {
    let fault = emulator.faults().get(&target).copied();
    match fault {
        // A simulated outage: the caller's own timeout is what is under test.
        Some(Fault::HangSecs(secs)) => {
            actix_web::rt::time::sleep(std::time::Duration::from_secs(secs)).await;
            Ok(())
        }
        Some(Fault::Status(code)) => Err(OAuthError::server_error(
            StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            "injected fault",
        )),
        None => Ok(()),
    }
}
