//! The one error shape every API failure takes on the wire.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Machine-readable error codes, `snake_case` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidToken,
    TokenExpired,
    SessionExpired,
    Forbidden,
    BadRequest,
    ValidationFailed,
    RedirectUriNotAllowed,
    InvalidGrant,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    TooManyRequests,
    IdpUnavailable,
    Internal,
}

impl ErrorCode {
    /// Every code, in declaration order (the OpenAPI document lists, per
    /// status, the codes that travel with it).
    pub const ALL: [Self; 15] = [
        Self::InvalidToken,
        Self::TokenExpired,
        Self::SessionExpired,
        Self::Forbidden,
        Self::BadRequest,
        Self::ValidationFailed,
        Self::RedirectUriNotAllowed,
        Self::InvalidGrant,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Conflict,
        Self::PayloadTooLarge,
        Self::TooManyRequests,
        Self::IdpUnavailable,
        Self::Internal,
    ];

    /// The HTTP status this code always travels with.
    pub const fn status(self) -> u16 {
        match self {
            Self::InvalidToken | Self::TokenExpired | Self::SessionExpired => 401,
            Self::Forbidden => 403,
            Self::BadRequest
            | Self::ValidationFailed
            | Self::RedirectUriNotAllowed
            | Self::InvalidGrant => 400,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::TooManyRequests => 429,
            Self::IdpUnavailable => 503,
            Self::Internal => 500,
        }
    }
}

/// `{"error": "<code>", "message": "<human text>", "fields": {...}}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorCode,
    pub message: String,
    /// Field name to what is wrong with it; only for `validation_failed`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl ErrorBody {
    pub fn new(error: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error,
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_serialises_snake_case_code_and_omits_empty_fields() {
        let body = ErrorBody::new(ErrorCode::RedirectUriNotAllowed, "nope");
        let json = serde_json::to_string(&body).expect("serialisable");
        assert_eq!(
            json,
            r#"{"error":"redirect_uri_not_allowed","message":"nope"}"#
        );
    }

    #[test]
    fn all_lists_every_code_once() {
        // Adding a variant breaks this match until it is listed in ALL too.
        let position = |code: ErrorCode| match code {
            ErrorCode::InvalidToken => 0,
            ErrorCode::TokenExpired => 1,
            ErrorCode::SessionExpired => 2,
            ErrorCode::Forbidden => 3,
            ErrorCode::BadRequest => 4,
            ErrorCode::ValidationFailed => 5,
            ErrorCode::RedirectUriNotAllowed => 6,
            ErrorCode::InvalidGrant => 7,
            ErrorCode::NotFound => 8,
            ErrorCode::MethodNotAllowed => 9,
            ErrorCode::Conflict => 10,
            ErrorCode::PayloadTooLarge => 11,
            ErrorCode::TooManyRequests => 12,
            ErrorCode::IdpUnavailable => 13,
            ErrorCode::Internal => 14,
        };
        for (index, code) in ErrorCode::ALL.into_iter().enumerate() {
            assert_eq!(position(code), index, "{code:?}");
        }
    }

    #[test]
    fn validation_errors_carry_fields() {
        let mut body = ErrorBody::new(ErrorCode::ValidationFailed, "invalid fields");
        body.fields.insert("period".into(), "must be YYYYMM".into());
        let value = serde_json::to_value(&body).expect("serialisable");
        assert_eq!(value["fields"]["period"], "must be YYYYMM");
        assert_eq!(ErrorCode::ValidationFailed.status(), 400);
    }
}
