//! The auth layer's one error type, Cognito's OAuth error codes, and the one
//! place an [`AuthError`] becomes the API's JSON error.

use crate::error::ApiError;
use serde::{Deserialize, Deserializer};
use std::fmt;

/// The `error` of Cognito's OAuth answers (RFC 6749 §5.2, §4.1.2.1), as Cognito sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    UnsupportedTokenType,
    /// An answer without a readable code, or a code RFC 6749 does not name.
    Other(String),
}

impl OAuthErrorCode {
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "unsupported_token_type" => Self::UnsupportedTokenType,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::Other(code) => code,
        }
    }

    /// Cognito refused our own credentials: a misconfiguration, not the caller's fault.
    pub fn blames_our_client(&self) -> bool {
        matches!(self, Self::InvalidClient | Self::UnauthorizedClient)
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OAuthErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|code| Self::parse(&code))
    }
}

/// Why a call to Cognito failed: the source of the [`AuthError`]s that involve Cognito.
#[derive(Debug, Clone, thiserror::Error)]
pub enum IdpError {
    /// Unreachable, timed out, 5xx or 429, or an answer we cannot read.
    #[error("{0}")]
    Unavailable(String),
    /// Cognito answered with an OAuth error.
    #[error("Cognito answered {status} {code}")]
    Refused { status: u16, code: OAuthErrorCode },
}

impl IdpError {
    /// What Cognito's failure of `action` means: our own client refused is a
    /// misconfiguration (the source kept), unreachable is `unavailable`, and any
    /// other refusal is the action's own outcome, `refused`.
    pub(crate) fn into_auth_error(
        self,
        action: &'static str,
        unavailable: fn(IdpError) -> AuthError,
        refused: impl FnOnce(OAuthErrorCode) -> AuthError,
    ) -> AuthError {
        match self {
            Self::Refused { ref code, .. } if code.blames_our_client() => AuthError::misconfigured(
                format!("Cognito refused the {action}; check the app client"),
                Some(self),
            ),
            Self::Refused { code, .. } => refused(code),
            unreachable @ Self::Unavailable(_) => unavailable(unreachable),
        }
    }
}

/// Why authentication, a refresh, a code exchange or a sign-out failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// The access token is refused by the rules (the reason says which).
    #[error("{0}")]
    InvalidToken(&'static str),
    /// Valid in every way but expiry, and no refresh token came with it.
    #[error("the access token has expired")]
    TokenExpired,
    /// The refresh token is signed out, refused by Cognito, or cannot be Cognito's.
    #[error("the session has ended")]
    SessionExpired,
    /// A request field is missing or malformed.
    #[error("{field} {problem}")]
    BadInput {
        field: &'static str,
        problem: &'static str,
    },
    /// Cognito refused the authorization code (or its PKCE verifier).
    #[error("Cognito refused the code: {0}")]
    CodeRefused(OAuthErrorCode),
    /// Cognito refused a call for a reason that is the caller's (not the code's, not ours).
    #[error("Cognito refused the {action}: {code}")]
    Refused {
        action: &'static str,
        code: OAuthErrorCode,
    },
    /// Too many unauthenticated calls that reach Cognito from one address.
    #[error("too many calls from this address; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Cognito (or its JWKS host) could not be reached.
    #[error("the identity provider is unavailable")]
    IdpUnavailable(#[source] IdpError),
    /// The sign-out is recorded for every instance, but Cognito could not revoke the refresh token.
    #[error("signed out here, but Cognito could not revoke the refresh token")]
    RevokeUnavailable(#[source] IdpError),
    /// Our configuration or Cognito's answer is wrong; never the caller's fault.
    #[error("{context}")]
    Misconfigured {
        context: String,
        #[source]
        source: Option<IdpError>,
    },
    /// The sessions database failed.
    #[error("sessions database: {0}")]
    Store(String),
}

impl AuthError {
    pub(crate) fn misconfigured(context: impl Into<String>, source: Option<IdpError>) -> Self {
        Self::Misconfigured {
            context: context.into(),
            source,
        }
    }
}

impl From<sqlx::Error> for AuthError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.to_string())
    }
}

/// The one mapping from the auth layer's errors to the API's JSON errors.
impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidToken(reason) => Self::InvalidToken(reason.into()),
            AuthError::TokenExpired => Self::TokenExpired,
            AuthError::SessionExpired => Self::SessionExpired,
            AuthError::BadInput { field, problem } => Self::field(field, problem),
            AuthError::CodeRefused(code) => Self::InvalidGrant(code.to_string()),
            e @ AuthError::Refused { .. } => Self::BadRequest(e.to_string()),
            AuthError::RateLimited { retry_after_secs } => Self::TooManyRequests(retry_after_secs),
            AuthError::IdpUnavailable(source) => Self::IdpUnavailable(source.to_string()),
            AuthError::RevokeUnavailable(source) => Self::SignedOutLocally(source.to_string()),
            e @ AuthError::Misconfigured { .. } => Self::Internal(describe_chain(&e)),
            e @ AuthError::Store(_) => Self::Internal(e.to_string()),
        }
    }
}

/// `error: source: source…`, for the log.
fn describe_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_ones_are_kept() {
        for code in ["invalid_grant", "invalid_client", "unauthorized_client"] {
            assert_eq!(OAuthErrorCode::parse(code).as_str(), code);
        }
        assert_eq!(
            OAuthErrorCode::parse("slow_down"),
            OAuthErrorCode::Other("slow_down".into())
        );
        assert!(OAuthErrorCode::InvalidClient.blames_our_client());
        assert!(!OAuthErrorCode::InvalidGrant.blames_our_client());
    }

    #[test]
    fn misconfiguration_keeps_its_source_for_the_log() {
        let e = AuthError::misconfigured(
            "refresh refused; check the app client",
            Some(IdpError::Refused {
                status: 400,
                code: OAuthErrorCode::InvalidClient,
            }),
        );
        assert!(std::error::Error::source(&e).is_some());
        match ApiError::from(e) {
            ApiError::Internal(detail) => assert!(detail.ends_with("400 invalid_client")),
            other => panic!("expected internal, got {other:?}"),
        }
    }
}
