//! The JSON API's errors as Cognito sends them: HTTP 400 (500 for our own
//! failures) with `{"__type": "<Name>Exception", "message": "..."}` and the
//! same name in `x-amzn-ErrorType`.

use crate::pool::PoolError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{exception}: {message}")]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) exception: &'static str,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(exception: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            exception,
            message: message.into(),
        }
    }

    pub(crate) fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterException", message)
    }

    pub(crate) fn not_authorized(message: impl Into<String>) -> Self {
        Self::new("NotAuthorizedException", message)
    }

    pub(crate) fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", message)
    }

    /// Our own failure; never for a client's mistake.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            ..Self::new("InternalErrorException", message)
        }
    }
}

impl From<PoolError> for ApiError {
    fn from(e: PoolError) -> Self {
        Self::new(e.exception(), e.to_string())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        tracing::debug!(exception = self.exception, message = %self.message, "JSON API refusal");
        HttpResponse::build(self.status)
            .insert_header(("x-amzn-ErrorType", self.exception))
            .insert_header(("x-amzn-RequestId", uuid::Uuid::new_v4().to_string()))
            .content_type("application/x-amz-json-1.1")
            .body(json!({ "__type": self.exception, "message": self.message }).to_string())
    }
}
