//! OAuth error responses as Cognito sends them: `{"error":"invalid_grant"}`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

/// An OAuth endpoint's refusal. `reason` is logged, never sent (Cognito sends only the code).
#[derive(Debug, thiserror::Error)]
#[error("{error}: {reason}")]
pub(crate) struct OAuthError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) reason: String,
}

impl OAuthError {
    pub(crate) fn new(status: StatusCode, error: &'static str, reason: impl Into<String>) -> Self {
        Self {
            status,
            error,
            reason: reason.into(),
        }
    }
    pub(crate) fn invalid_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", reason)
    }
    /// Bad client authentication; the token endpoint answers 400, revoke 401.
    pub(crate) fn invalid_client(status: StatusCode, reason: impl Into<String>) -> Self {
        Self::new(status, "invalid_client", reason)
    }
    pub(crate) fn unsupported_grant_type(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unsupported_grant_type", reason)
    }
    /// A refused bearer token (userInfo): 401 with `WWW-Authenticate`.
    pub(crate) fn invalid_token(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_token", reason)
    }
    /// A valid token without the scope the endpoint needs: 403 (RFC 6750 §3.1).
    pub(crate) fn insufficient_scope(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "insufficient_scope", reason)
    }
    /// Our own failure (or an injected fault).
    pub(crate) fn server_error(status: StatusCode, reason: impl Into<String>) -> Self {
        Self::new(status, "server_error", reason)
    }
    /// A test hook's conflict, e.g. a username that is taken.
    pub(crate) fn conflict(error: &'static str, reason: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, error, reason)
    }
    pub(crate) fn not_found(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", reason)
    }
}

impl ResponseError for OAuthError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        tracing::debug!(error = self.error, reason = %self.reason, "request refused");
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        if matches!(
            self.status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) && matches!(self.error, "invalid_token" | "insufficient_scope")
        {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                format!("Bearer error=\"{}\"", self.error),
            ));
        }
        response.json(json!({ "error": self.error }))
    }
}

impl From<crate::params::ParamsError> for OAuthError {
    fn from(err: crate::params::ParamsError) -> Self {
        Self::invalid_request(err.to_string())
    }
}

impl From<crate::keys::KeyError> for OAuthError {
    fn from(err: crate::keys::KeyError) -> Self {
        tracing::error!(%err, "signing failed");
        Self::server_error(StatusCode::INTERNAL_SERVER_ERROR, "signing failed")
    }
}

/// A refused grant: the token endpoint's 400 with Cognito's code.
impl From<crate::pool::GrantError> for OAuthError {
    fn from(err: crate::pool::GrantError) -> Self {
        let status = if err.code == "server_error" {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::new(status, err.code, err.reason)
    }
}
