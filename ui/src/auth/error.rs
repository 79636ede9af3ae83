//! Why a sign-in could not start or complete.

use super::store::StorageError;
use crate::api::client::ApiError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuthError {
    #[error("this browser offers no crypto API, which sign-in needs")]
    NoCrypto,
    #[error("the browser refused to give random values for sign-in")]
    RandomRefused,
    #[error("cannot remember the sign-in: {0}")]
    Storage(#[from] StorageError),
    #[error("cannot start sign-in: {}", .0.explain_signed_out())]
    CannotStart(ApiError),
    #[error(transparent)]
    Callback(#[from] CallbackError),
    #[error("sign-in failed: {}", .0.explain_signed_out())]
    Exchange(ApiError),
    #[error("sign-in failed: {0}")]
    UnusableTokens(#[from] super::session::SessionError),
}

/// What is wrong with a callback to `/signin`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallbackError {
    /// Cognito redirected with `?error=`.
    #[error("Cognito could not sign you in: {0}")]
    Cognito(String),
    /// No attempt of this tab has that `state`: forged, replayed or stale.
    #[error(
        "this sign-in response does not match a sign-in started in this tab \
         (it may be old, used already, or from another tab): state mismatch"
    )]
    StateMismatch,
    #[error("the sign-in response carries no code")]
    MissingCode,
}
