//! One error type for every failure a client can see, turned into the JSON
//! shape of DESIGN.md in exactly one place.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use shared::{ErrorBody, ErrorCode};
use std::collections::BTreeMap;

/// Largest JSON body any endpoint takes.
pub(crate) const JSON_LIMIT_BYTES: usize = 16 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    InvalidToken(String),
    #[error("the access token has expired; send the refresh token to renew it")]
    TokenExpired,
    #[error("the session has ended; sign in again")]
    SessionExpired,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("some fields are invalid")]
    Validation(BTreeMap<String, String>),
    #[error("redirectUri is not one of this API's UI origins followed by /signin")]
    RedirectUriNotAllowed,
    #[error("Cognito refused the code: {0}")]
    InvalidGrant(String),
    #[error("{0}")]
    NotFound(String),
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("the request body is larger than {JSON_LIMIT_BYTES} bytes")]
    PayloadTooLarge,
    /// Too many calls that reach Cognito from one address; retry after this many seconds.
    #[error("too many sign-in calls from this address; try again in {0} s")]
    TooManyRequests(u64),
    /// The detail goes to the log only; the client learns that Cognito is unavailable.
    #[error("the identity provider is unavailable; try again shortly")]
    IdpUnavailable(String),
    /// Recorded on every instance of this API, but Cognito could not be told;
    /// the detail goes to the log only.
    #[error("signed out on this API, but Cognito could not revoke the refresh token; try again")]
    SignedOutLocally(String),
    /// Our bug or our misconfiguration; the detail goes to the log only.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidToken(_) => ErrorCode::InvalidToken,
            Self::TokenExpired => ErrorCode::TokenExpired,
            Self::SessionExpired => ErrorCode::SessionExpired,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::BadRequest(_) => ErrorCode::BadRequest,
            Self::Validation(_) => ErrorCode::ValidationFailed,
            Self::RedirectUriNotAllowed => ErrorCode::RedirectUriNotAllowed,
            Self::InvalidGrant(_) => ErrorCode::InvalidGrant,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::TooManyRequests(_) => ErrorCode::TooManyRequests,
            Self::IdpUnavailable(_) | Self::SignedOutLocally(_) => ErrorCode::IdpUnavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A validation error about one field.
    pub fn field(name: &str, problem: impl Into<String>) -> Self {
        Self::Validation(BTreeMap::from([(name.to_owned(), problem.into())]))
    }

    pub fn body(&self) -> ErrorBody {
        let mut body = ErrorBody::new(self.code(), self.to_string());
        if let Self::Validation(fields) = self {
            body.fields = fields.clone();
        }
        body
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::IdpUnavailable(detail) | Self::SignedOutLocally(detail) => {
                tracing::warn!(%detail, "identity provider unavailable")
            }
            Self::Internal(detail) => tracing::error!(%detail, "internal error"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        if self.status_code() == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, r#"Bearer error="invalid_token""#));
        }
        if let Self::TooManyRequests(secs) = self {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.json(self.body())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(format!("database: {e}"))
    }
}

/// Turns actix's own error responses (unknown method, body errors it raised
/// itself) into the JSON shape; responses that already are JSON pass through.
pub(crate) fn json_error_fallback<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("no such route".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        s if s.is_client_error() => ApiError::BadRequest(
            status
                .canonical_reason()
                .unwrap_or("bad request")
                .to_lowercase(),
        ),
        _ => ApiError::Internal(format!("unexpected {status} response")),
    };
    let (req, original) = res.into_parts();
    let mut replacement: HttpResponse<BoxBody> = error.error_response();
    // Keep the status actix chose (e.g. 415) and headers such as `Allow`.
    *replacement.status_mut() = status;
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replacement
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
    }
    replacement.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let res = ServiceResponse::new(req, replacement).map_into_right_body::<B>();
    Ok(ErrorHandlerResponse::Response(res))
}

/// Body-extractor failures (JSON, path, query) as `bad_request` / `payload_too_large`.
pub(crate) mod extractors {
    use super::{ApiError, JSON_LIMIT_BYTES};
    use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
    use actix_web::{web, HttpRequest};

    pub(crate) fn json_config() -> web::JsonConfig {
        web::JsonConfig::default()
            .limit(JSON_LIMIT_BYTES)
            .error_handler(|err, _req: &HttpRequest| json_error(err).into())
    }

    fn json_error(err: JsonPayloadError) -> ApiError {
        match err {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                ApiError::PayloadTooLarge
            }
            JsonPayloadError::ContentType => ApiError::BadRequest(
                "the body must be JSON (Content-Type: application/json)".into(),
            ),
            JsonPayloadError::Deserialize(e) => ApiError::BadRequest(format!("invalid JSON: {e}")),
            other => ApiError::BadRequest(format!("unreadable body: {other}")),
        }
    }

    pub(crate) fn path_config() -> web::PathConfig {
        web::PathConfig::default().error_handler(|err: PathError, _req: &HttpRequest| {
            ApiError::BadRequest(format!("invalid path parameter: {err}")).into()
        })
    }

    pub(crate) fn query_config() -> web::QueryConfig {
        web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req: &HttpRequest| {
            ApiError::BadRequest(format!("invalid query string: {err}")).into()
        })
    }
}
