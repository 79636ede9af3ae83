//! The hosted UI's pages: sign-in, sign-up with confirmation, forgot password.
//! Every page carries the authorize parameters, so finishing it completes the
//! authorize request it came from.

use super::authorize::{AuthorizeError, AuthorizeRequest, AUTHORIZE_PARAMS};
use super::{cookie, csrf_ok, csrf_token, error_page, found, page, with_query, SESSION_COOKIE};
use crate::emulator::Emulator;
use crate::params::{Params, ParamsError};
use crate::pool::{PasswordSignIn, PoolError, SignIn, SESSION_LIFETIME_SECS};
use crate::templates;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

const STALE_FORM: &str = "Your form has expired. Please try again.";

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/signup", web::get().to(signup_form))
        .route("/signup", web::post().to(signup))
        .route("/confirm", web::get().to(confirm_form))
        .route("/confirm", web::post().to(confirm))
        .route("/forgotPassword", web::get().to(forgot_form))
        .route("/forgotPassword", web::post().to(forgot))
        .route("/confirmForgotPassword", web::get().to(confirm_forgot_form))
        .route("/confirmForgotPassword", web::post().to(confirm_forgot))
        .route(
            "/forceChangePassword",
            web::post().to(force_change_password),
        );
}

/// A page of the hosted UI with its CSRF cookie set when new.
fn form_page(
    req: &HttpRequest,
    status: StatusCode,
    render: impl FnOnce(&str) -> String,
) -> HttpResponse {
    let emulator = req.app_data::<web::Data<Emulator>>();
    let (token, new_cookie) = match emulator {
        Some(emulator) => csrf_token(emulator, req),
        None => (String::new(), None),
    };
    let mut response = page(status, render(&token));
    if let Some(c) = new_cookie {
        // Only fails for a malformed cookie, which ours never is.
        let _ = response.add_cookie(&c);
    }
    response
}

/// Why a hosted-UI page cannot be shown at all (as opposed to re-shown with an error).
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error(transparent)]
    Authorize(#[from] AuthorizeError),
    #[error(transparent)]
    Params(#[from] ParamsError),
}

impl ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Authorize(AuthorizeError::Page { .. }) | Self::Params(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::Authorize(_) => StatusCode::FOUND,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Authorize(err) => err.to_response(),
            Self::Params(err) => {
                error_page(StatusCode::BAD_REQUEST, "invalid_request", &err.to_string())
            }
        }
    }
}

/// The checked authorize request behind a hosted-UI page, from its query string.
fn authorize_request(
    req: &HttpRequest,
    emulator: &Emulator,
) -> Result<(AuthorizeRequest, Params), Refusal> {
    let params = Params::parse(req.query_string().as_bytes())?;
    let request = AuthorizeRequest::parse(&params, emulator)?;
    Ok((request, params))
}

/// Signs the user in: a hosted-UI session cookie, then a code back to the app.
fn sign_in(emulator: &Emulator, request: &AuthorizeRequest, sign_in: SignIn) -> HttpResponse {
    let username = sign_in.username.clone();
    let (session, code) = request
        .pool
        .start_session_with_code(request.code_for(sign_in));
    let mut response = request.redirect_with(&code);
    let _ = response.add_cookie(&cookie(
        emulator,
        SESSION_COOKIE,
        session,
        SESSION_LIFETIME_SECS,
    ));
    tracing::info!(username, client = %request.client.name, "signed in");
    response
}

async fn login_form(
    req: HttpRequest,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, _) = authorize_request(&req, &emulator)?;
    Ok(form_page(&req, StatusCode::OK, |csrf| {
        templates::login(&request.query, csrf, "", None)
    }))
}

#[tracing::instrument(skip_all)]
async fn login(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, _) = authorize_request(&req, &emulator)?;
    let form = Params::from_payload(payload).await?;
    let username = form.get("username").unwrap_or_default().trim();
    let retry = |status, message| {
        form_page(&req, status, |csrf| {
            templates::login(&request.query, csrf, username, Some(message))
        })
    };
    if !csrf_ok(&req, form.get("_csrf")) {
        return Ok(retry(StatusCode::FORBIDDEN, STALE_FORM));
    }
    let password = form.get("password").unwrap_or_default();
    // Argon2 is slow by design: off the async workers.
    let pool = request.pool.clone();
    let (name, secret) = (username.to_owned(), password.to_owned());
    let outcome = web::block(move || pool.sign_in_with_password(&name, &secret))
        .await
        .unwrap_or(Err(PoolError::NotAuthorized("sign-in was cancelled")));
    Ok(match outcome {
        Ok(PasswordSignIn::SignedIn(signed_in)) => sign_in(&emulator, &request, signed_in),
        Ok(PasswordSignIn::Unconfirmed { username }) => {
            found(&with_username("/confirm", &request.query, &username))
        }
        Ok(PasswordSignIn::NewPasswordRequired { username }) => {
            let session = request
                .pool
                .start_new_password_challenge(&username, &request.client.id);
            form_page(&req, StatusCode::OK, |csrf| {
                templates::force_change_password(&request.query, csrf, &session, None)
            })
        }
        Err(refused) => retry(StatusCode::OK, &refused.to_string()),
    })
}

/// The new password of a user who signed in with a temporary one; then signed in.
#[tracing::instrument(skip_all)]
async fn force_change_password(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, _) = authorize_request(&req, &emulator)?;
    let form = Params::from_payload(payload).await?;
    let session = form.get("session").unwrap_or_default().to_owned();
    let retry = |message: &str| {
        form_page(&req, StatusCode::OK, |csrf| {
            templates::force_change_password(&request.query, csrf, &session, Some(message))
        })
    };
    if !csrf_ok(&req, form.get("_csrf")) {
        return Ok(retry(STALE_FORM));
    }
    let password = form.get("new_password").unwrap_or_default().to_owned();
    if form.get("confirm_password") != Some(password.as_str()) {
        return Ok(retry("Passwords do not match."));
    }
    let pool = request.pool.clone();
    let (challenge, client_id) = (session.clone(), request.client.id.clone());
    let changed =
        web::block(move || pool.answer_new_password(&challenge, &client_id, &password, &[]))
            .await
            .unwrap_or(Err(PoolError::LimitExceeded));
    Ok(match changed {
        Ok(signed_in) => sign_in(&emulator, &request, signed_in),
        Err(refused) => retry(&refused.to_string()),
    })
}

/// `{path}?{query}&username=…`: the confirmation pages need to know whom they confirm.
fn with_username(path: &str, query: &str, username: &str) -> String {
    with_query(&format!("{path}?{query}"), &[("username", username)])
}

async fn signup_form(
    req: HttpRequest,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, _) = authorize_request(&req, &emulator)?;
    Ok(form_page(&req, StatusCode::OK, |csrf| {
        templates::signup(&request.query, csrf, "", "", None)
    }))
}

#[tracing::instrument(skip_all)]
async fn signup(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, _) = authorize_request(&req, &emulator)?;
    let form = Params::from_payload(payload).await?;
    let username = form.get("username").unwrap_or_default().trim().to_owned();
    let email = form.get("email").unwrap_or_default().trim().to_owned();
    let password = form.get("password").unwrap_or_default();
    let retry = |message| {
        Ok(form_page(&req, StatusCode::OK, |csrf| {
            templates::signup(&request.query, csrf, &username, &email, Some(message))
        }))
    };
    if !csrf_ok(&req, form.get("_csrf")) {
        return retry(STALE_FORM);
    }
    if username.is_empty() || username.chars().any(char::is_whitespace) {
        return retry("Username cannot be empty or contain spaces.");
    }
    if !looks_like_email(&email) {
        return retry("Invalid email address format.");
    }
    let pool = request.pool.clone();
    let (name, secret) = (username.clone(), password.to_owned());
    let attributes = [("email".to_owned(), email.clone())];
    let signed_up = web::block(move || pool.sign_up(&name, &secret, &attributes))
        .await
        .unwrap_or(Err(PoolError::LimitExceeded));
    match signed_up {
        Ok((_, code)) => {
            // The emulator's stand-in for the confirmation email.
            tracing::info!(username, confirmation_code = %code, "sign-up: confirmation code sent");
            Ok(found(&with_username("/confirm", &request.query, &username)))
        }
        Err(refused) => retry(&refused.to_string()),
    }
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// The authorize parameters plus `username`, for the confirmation pages.
fn confirm_query(params: &Params) -> String {
    let mut names = AUTHORIZE_PARAMS.to_vec();
    names.push("username");
    params.encode(&names)
}

async fn confirm_form(
    req: HttpRequest,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (_, params) = authorize_request(&req, &emulator)?;
    let query = confirm_query(&params);
    Ok(form_page(&req, StatusCode::OK, |csrf| {
        templates::confirm(&query, csrf, None)
    }))
}

#[tracing::instrument(skip_all)]
async fn confirm(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, params) = authorize_request(&req, &emulator)?;
    let form = Params::from_payload(payload).await?;
    let query = confirm_query(&params);
    let retry = |message| {
        Ok(form_page(&req, StatusCode::OK, |csrf| {
            templates::confirm(&query, csrf, Some(message))
        }))
    };
    if !csrf_ok(&req, form.get("_csrf")) {
        return retry(STALE_FORM);
    }
    let username = params.get("username").unwrap_or_default();
    let code = form.get("code").unwrap_or_default();
    match request.pool.confirm_sign_up(username, code) {
        Ok(signed_in) => Ok(sign_in(&emulator, &request, signed_in)),
        Err(refused) => retry(&refused.to_string()),
    }
}

async fn forgot_form(
    req: HttpRequest,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, _) = authorize_request(&req, &emulator)?;
    Ok(form_page(&req, StatusCode::OK, |csrf| {
        templates::forgot_password(&request.query, csrf)
    }))
}

#[tracing::instrument(skip_all)]
async fn forgot(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, _) = authorize_request(&req, &emulator)?;
    let form = Params::from_payload(payload).await?;
    if !csrf_ok(&req, form.get("_csrf")) {
        return Ok(form_page(&req, StatusCode::FORBIDDEN, |csrf| {
            templates::forgot_password(&request.query, csrf)
        }));
    }
    let username = form.get("username").unwrap_or_default().trim().to_owned();
    match request.pool.forgot_password(&username) {
        Ok(Some((user, code))) => {
            tracing::info!(username = %user, reset_code = %code, "forgot password: code sent");
        }
        Ok(None) => tracing::info!("forgot password: no code for that user"),
        Err(refused) => {
            return Ok(form_page(&req, StatusCode::OK, |csrf| {
                templates::forgot_password_error(&request.query, csrf, &refused.to_string())
            }))
        }
    }
    // The same answer whether or not the user exists, so the page cannot enumerate users.
    Ok(found(&with_username(
        "/confirmForgotPassword",
        &request.query,
        &username,
    )))
}

async fn confirm_forgot_form(
    req: HttpRequest,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (_, params) = authorize_request(&req, &emulator)?;
    let query = confirm_query(&params);
    Ok(form_page(&req, StatusCode::OK, |csrf| {
        templates::confirm_forgot_password(&query, csrf, None)
    }))
}

#[tracing::instrument(skip_all)]
async fn confirm_forgot(
    req: HttpRequest,
    payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, Refusal> {
    let (request, params) = authorize_request(&req, &emulator)?;
    let form = Params::from_payload(payload).await?;
    let query = confirm_query(&params);
    let retry = |message| {
        Ok(form_page(&req, StatusCode::OK, |csrf| {
            templates::confirm_forgot_password(&query, csrf, Some(message))
        }))
    };
    if !csrf_ok(&req, form.get("_csrf")) {
        return retry(STALE_FORM);
    }
    let username = params.get("username").unwrap_or_default().to_owned();
    let code = form.get("code").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let pool = request.pool.clone();
    let name = username.clone();
    let reset = web::block(move || pool.confirm_forgot_password(&name, &code, &password))
        .await
        .unwrap_or(Err(PoolError::LimitExceeded));
    match reset {
        Ok(()) => {
            tracing::info!(
                username,
                "password reset; the user's hosted-UI sessions ended"
            );
            Ok(found(&format!("/login?{}", request.query)))
        }
        Err(refused) => retry(&refused.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_check_wants_local_part_and_dotted_domain() {
        assert!(looks_like_email("a@example.com"));
        assert!(!looks_like_email("@example.com"));
        assert!(!looks_like_email("a@localhost"));
        assert!(!looks_like_email("a b@example.com"));
    }
}
