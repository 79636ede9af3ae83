//! The pool's refusals, named as Cognito names them. Each front door renders
//! them its own way: the hosted UI as a message on the page, the OAuth
//! endpoints as an OAuth error code, the JSON API as `__type` and `message`.

/// A refusal by the pool, with Cognito's exception name and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PoolError {
    /// Wrong credentials, a disabled user, lockout: Cognito says little on purpose.
    #[error("{0}")]
    NotAuthorized(&'static str),
    #[error("{0}")]
    UsernameExists(&'static str),
    #[error("Invalid verification code provided, please try again.")]
    CodeMismatch,
    #[error("Invalid code provided, please request a code again.")]
    ExpiredCode,
    #[error("Attempt limit exceeded, please try after some time.")]
    LimitExceeded,
    #[error("{0}")]
    InvalidPassword(&'static str),
    #[error("{0}")]
    InvalidParameter(String),
}

/// Cognito's answer to a wrong username or password (the same for both).
pub(crate) const BAD_CREDENTIALS: &str = "Incorrect username or password.";
/// Cognito's answer while a user is locked out after failed sign-ins.
pub(crate) const LOCKED_OUT: &str = "Password attempts exceeded";
