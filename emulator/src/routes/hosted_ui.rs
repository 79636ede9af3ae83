//! The hosted UI's pages: sign-in, sign-up with confirmation, forgot password.
//! Every page carries the authorize parameters, so finishing it completes the
//! authorize request it came from.

use super::authorize::{AuthorizeError, AuthorizeRequest, AUTHORIZE_PARAMS};
use super::{cookie, csrf_ok, csrf_token, error_page, found, page, with_query, SESSION_COOKIE};
use crate::params::{Params, ParamsError};
use crate::state::{one_time_code, SignIn, User, UserStatus, SESSION_LIFETIME_SECS};
use crate::{templates, Emulator};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

const BAD_CREDENTIALS: &str = "Incorrect username or password.";
const STALE_FORM: &str = "Your form has expired. Please try again.";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/signup", web::get().to(signup_form))
        .route("/signup", web::post().to(signup))
        .route("/confirm", web::get().to(confirm_form))
        .route("/confirm", web::post().to(confirm))
        .route("/forgotPassword", web::get().to(forgot_form))
        .route("/forgotPassword", web::post().to(forgot))
        .route("/confirmForgotPassword", web::get().to(confirm_forgot_form))
        .route("/confirmForgotPassword", web::post().to(confirm_forgot));
}

/// Cognito's default password policy: 8+ characters, upper, lower, digit and symbol.
pub fn password_policy_error(password: &str) -> Option<&'static str> {
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    if password.chars().count() < 8 {
        Some("Password must have at least 8 characters.")
    } else if !has(char::is_ascii_uppercase) {
        Some("Password must have uppercase characters.")
    } else if !has(char::is_ascii_lowercase) {
        Some("Password must have lowercase characters.")
    } else if !has(char::is_ascii_digit) {
        Some("Password must have numeric characters.")
    } else if !has(|c| c.is_ascii_punctuation() || *c == ' ') {
        Some("Password must have symbol characters.")
    } else {
        None
    }
}

/// A page of the hosted UI with its CSRF cookie set when new.
fn form_page(
    req: &HttpRequest,
    status: StatusCode,
    render: impl FnOnce(&str) -> String,
) -> HttpResponse {
    let (token, new_cookie) = csrf_token(req);
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
    let request = AuthorizeRequest::parse(&params, &emulator.store())?;
    Ok((request, params))
}

/// Signs the user in: a hosted-UI session cookie, then a code back to the app.
fn sign_in(emulator: &Emulator, request: &AuthorizeRequest, username: &str) -> HttpResponse {
    let now = emulator.clock.now();
    let sign_in = SignIn {
        username: username.to_owned(),
        auth_time: now,
        event_id: uuid::Uuid::new_v4().to_string(),
    };
    let mut store = emulator.store();
    let session = store.start_session(sign_in.clone(), now);
    let mut response = request.complete(&mut store, sign_in, now);
    let _ = response.add_cookie(&cookie(
        SESSION_COOKIE,
        session,
        SESSION_LIFETIME_SECS as i64,
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
    let user = emulator.store().user(username).cloned();
    Ok(match user {
        Some(user) if Some(user.password.as_str()) == form.get("password") => match user.status {
            UserStatus::Confirmed => sign_in(&emulator, &request, &user.username),
            UserStatus::Unconfirmed => {
                found(&with_username("/confirm", &request.query, &user.username))
            }
        },
        _ => retry(StatusCode::OK, BAD_CREDENTIALS),
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
    if let Some(problem) = password_policy_error(password) {
        return retry(problem);
    }
    let code = one_time_code();
    let user = User {
        sub: uuid::Uuid::new_v4().to_string(),
        username: username.clone(),
        password: password.to_owned(),
        email: Some(email.clone()),
        email_verified: false,
        groups: Vec::new(),
        status: UserStatus::Unconfirmed,
        pending_code: Some(code.clone()),
    };
    if !emulator.store().add_user(user) {
        return retry("An account with the given username or email already exists.");
    }
    // The emulator's stand-in for the confirmation email.
    tracing::info!(username, confirmation_code = %code, "sign-up: confirmation code sent");
    Ok(found(&with_username("/confirm", &request.query, &username)))
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

/// Takes the user's pending code if `code` matches it.
fn redeem_code(emulator: &Emulator, username: &str, code: Option<&str>) -> Option<User> {
    let mut store = emulator.store();
    let user = store.user_mut(username)?;
    if user.pending_code.is_some() && user.pending_code.as_deref() == code {
        user.pending_code = None;
        Some(user.clone())
    } else {
        None
    }
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
    let Some(user) = redeem_code(&emulator, username, form.get("code")) else {
        return retry("Invalid verification code provided, please try again.");
    };
    if let Some(stored) = emulator.store().user_mut(&user.username) {
        stored.status = UserStatus::Confirmed;
        stored.email_verified = true;
    }
    Ok(sign_in(&emulator, &request, &user.username))
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
    if let Some(user) = emulator.store().user_mut(&username) {
        let code = one_time_code();
        user.pending_code = Some(code.clone());
        tracing::info!(username = %user.username, reset_code = %code, "forgot password: code sent");
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
    let password = form.get("password").unwrap_or_default();
    if let Some(problem) = password_policy_error(password) {
        return retry(problem);
    }
    let username = params.get("username").unwrap_or_default();
    let Some(user) = redeem_code(&emulator, username, form.get("code")) else {
        return retry("Invalid verification code provided, please try again.");
    };
    if let Some(stored) = emulator.store().user_mut(&user.username) {
        stored.password = password.to_owned();
    }
    tracing::info!(username = %user.username, "password reset");
    Ok(found(&format!("/login?{}", request.query)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_matches_cognito_default() {
        assert!(password_policy_error("Admin-Passw0rd!").is_none());
        assert!(password_policy_error("Sh0rt!").is_some());
        assert!(password_policy_error("alllower1!").is_some());
        assert!(password_policy_error("NoDigits!!").is_some());
        assert!(password_policy_error("NoSymbol12").is_some());
    }

    #[test]
    fn email_check_wants_local_part_and_dotted_domain() {
        assert!(looks_like_email("a@example.com"));
        assert!(!looks_like_email("@example.com"));
        assert!(!looks_like_email("a@localhost"));
        assert!(!looks_like_email("a b@example.com"));
    }
}
