//! `GET /oauth2/authorize`: checks the request as Cognito does, then either
//! redirects straight back with a code (live hosted-UI session: single sign-on)
//! or shows the sign-in page.

use super::{error_page, found, with_query, SESSION_COOKIE};
use crate::config::Flow;
use crate::emulator::Emulator;
use crate::params::Params;
use crate::pool::{AuthCode, Client, SignIn, UserPool};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use std::sync::Arc;

/// The authorize parameters the hosted UI carries from page to page.
pub(crate) const AUTHORIZE_PARAMS: [&str; 9] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "identity_provider",
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth2/authorize", web::get().to(authorize))
        .route("/error", web::get().to(error));
}

/// A checked authorize request.
#[derive(Clone)]
pub(crate) struct AuthorizeRequest {
    /// The pool of the client.
    pub(crate) pool: Arc<UserPool>,
    pub(crate) client: Client,
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) nonce: Option<String>,
    /// The original parameters, re-encoded for the hosted UI's links and forms.
    pub(crate) query: String,
}

/// Why an authorize request was refused, and so where the user is sent.
#[derive(Debug, thiserror::Error)]
#[error("authorize request refused")]
pub(crate) enum AuthorizeError {
    /// No trustworthy redirect URI: the hosted UI's own error page.
    Page { error: &'static str, detail: String },
    /// `redirect_uri` is not one of the client's callback URLs.
    RedirectMismatch { client_id: String },
    /// Back to the (valid) redirect URI with `?error=…&state=…`.
    Redirect {
        redirect_uri: String,
        error: &'static str,
        state: Option<String>,
    },
}

impl AuthorizeError {
    pub(crate) fn to_response(&self) -> HttpResponse {
        match self {
            Self::Page { error, detail } => error_page(StatusCode::BAD_REQUEST, error, detail),
            Self::RedirectMismatch { client_id } => found(&with_query(
                "/error",
                &[("error", "redirect_mismatch"), ("client_id", client_id)],
            )),
            Self::Redirect {
                redirect_uri,
                error,
                state,
            } => {
                let mut pairs = vec![("error", *error)];
                if let Some(state) = state.as_deref() {
                    pairs.push(("state", state));
                }
                found(&with_query(redirect_uri, &pairs))
            }
        }
    }
}

impl AuthorizeRequest {
    /// Checks the parameters against the pool, in Cognito's order: the client and
    /// redirect URI first (errors shown on the hosted UI), then the rest (errors
    /// sent back to the redirect URI).
    pub(crate) fn parse(params: &Params, emulator: &Emulator) -> Result<Self, AuthorizeError> {
        let page = |error, detail: &str| AuthorizeError::Page {
            error,
            detail: detail.to_owned(),
        };
        let client_id = params.get("client_id").ok_or_else(|| {
            page(
                "invalid_request",
                "Required parameter client_id is missing.",
            )
        })?;
        let (pool, client) = emulator
            .client(client_id)
            .ok_or_else(|| page("invalid_request", "Client does not exist."))?;
        let redirect_uri = params.get("redirect_uri").unwrap_or_default();
        if !client.callback_urls.iter().any(|u| u == redirect_uri) {
            return Err(AuthorizeError::RedirectMismatch {
                client_id: client.id.clone(),
            });
        }
        let state = params.get("state").map(str::to_owned);
        let refuse = |error| AuthorizeError::Redirect {
            redirect_uri: redirect_uri.to_owned(),
            error,
            state: state.clone(),
        };
        match params.get("response_type") {
            Some("code") if client.allows(Flow::Code) => {}
            // We do not issue implicit-grant tokens; Cognito refuses them to clients without the flow.
            Some("code" | "token") => return Err(refuse("unauthorized_client")),
            _ => return Err(refuse("invalid_request")),
        }
        let code_challenge = match (
            params.get("code_challenge"),
            params.get("code_challenge_method"),
        ) {
            (None, None) => None,
            (Some(challenge), Some("S256")) if is_s256_challenge(challenge) => {
                Some(challenge.to_owned())
            }
            _ => return Err(refuse("invalid_request")),
        };
        if params
            .get("identity_provider")
            .is_some_and(|idp| idp != "COGNITO")
        {
            return Err(refuse("invalid_request"));
        }
        let scopes = grant_scopes(&client, params.get("scope"));
        if scopes.is_empty() {
            return Err(refuse("invalid_scope"));
        }
        Ok(Self {
            pool,
            client,
            redirect_uri: redirect_uri.to_owned(),
            state,
            scopes,
            code_challenge,
            nonce: params.get("nonce").map(str::to_owned),
            query: params.encode(&AUTHORIZE_PARAMS),
        })
    }

    /// The code this request asks for, for `sign_in` (its lifetime is the pool's to set).
    pub(crate) fn code_for(&self, sign_in: SignIn) -> AuthCode {
        AuthCode {
            client_id: self.client.id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            scopes: self.scopes.clone(),
            code_challenge: self.code_challenge.clone(),
            nonce: self.nonce.clone(),
            sign_in,
            expires_at: 0,
        }
    }

    /// Issues a code for a signed-in user and redirects back to the app.
    pub(crate) fn complete(&self, sign_in: SignIn) -> HttpResponse {
        let code = self.pool.issue_code(self.code_for(sign_in));
        self.redirect_with(&code)
    }

    /// The redirect back to the app with `code` (and `state`).
    pub(crate) fn redirect_with(&self, code: &str) -> HttpResponse {
        let mut pairs = vec![("code", code)];
        if let Some(state) = self.state.as_deref() {
            pairs.push(("state", state));
        }
        found(&with_query(&self.redirect_uri, &pairs))
    }
}

/// A base64url SHA-256 digest: 43 characters of the URL-safe alphabet.
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The requested scopes the client has (others ignored, as Cognito); none requested: all of them.
fn grant_scopes(client: &Client, requested: Option<&str>) -> Vec<String> {
    match requested {
        None => client.scopes.clone(),
        Some(requested) => {
            let mut granted: Vec<String> = Vec::new();
            for scope in requested.split_whitespace() {
                if client.scopes.iter().any(|s| s == scope) && !granted.iter().any(|g| g == scope) {
                    granted.push(scope.to_owned());
                }
            }
            granted
        }
    }
}

#[tracing::instrument(skip_all)]
async fn authorize(req: HttpRequest, emulator: web::Data<Emulator>) -> HttpResponse {
    let params = match Params::parse(req.query_string().as_bytes()) {
        Ok(params) => params,
        Err(err) => {
            return error_page(StatusCode::BAD_REQUEST, "invalid_request", &err.to_string())
        }
    };
    emulator.counters().authorize += 1;
    let request = match AuthorizeRequest::parse(&params, &emulator) {
        Ok(request) => request,
        Err(err) => return err.to_response(),
    };
    let session = req
        .cookie(SESSION_COOKIE)
        .and_then(|c| request.pool.live_session(c.value()));
    match session {
        Some(sign_in) => request.complete(sign_in),
        None => found(&format!("/login?{}", request.query)),
    }
}

#[derive(serde::Deserialize)]
struct ErrorQuery {
    error: Option<String>,
    client_id: Option<String>,
}

async fn error(query: web::Query<ErrorQuery>) -> HttpResponse {
    let error = query.error.as_deref().unwrap_or("unknown_error");
    let detail = match error {
        "redirect_mismatch" => format!(
            "redirect_mismatch: the redirect_uri is not a callback URL of app client {}.",
            query.client_id.as_deref().unwrap_or("(none)")
        ),
        other => other.to_owned(),
    };
    error_page(StatusCode::BAD_REQUEST, error, &detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_challenge_must_look_like_a_digest() {
        assert!(is_s256_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!is_s256_challenge("short"));
        assert!(!is_s256_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"
        ));
    }
}
