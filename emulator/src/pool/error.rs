//! The pool's refusals, named as Cognito names them. Each front door renders
//! them its own way: the hosted UI as a message on the page, the OAuth
//! endpoints as an OAuth error code, the JSON API as `__type` and `message`.

/// A refusal by the pool, with Cognito's exception name and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PoolError {
    /// Wrong credentials, a disabled user, lockout: Cognito says little on purpose.
    #[error("{0}")]
    NotAuthorized(&'static str),
    #[error("User does not exist.")]
    UserNotFound,
    #[error("{0}")]
    UsernameExists(&'static str),
    #[error("User is not confirmed.")]
    UserNotConfirmed,
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
    #[error("Password reset required for the user")]
    PasswordResetRequired,
    #[error("{0}")]
    UnsupportedUserState(&'static str),
    #[error("An account with the email already exists.")]
    AliasExists,
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("A group with the name already exists.")]
    GroupExists,
    #[error(
        "client_credentials flow can not be selected if client does not have a client secret."
    )]
    InvalidOAuthFlow,
}

impl PoolError {
    /// Cognito's exception name, for the JSON API's `__type`.
    pub(crate) fn exception(&self) -> &'static str {
        match self {
            Self::NotAuthorized(_) => "NotAuthorizedException",
            Self::UserNotFound => "UserNotFoundException",
            Self::UsernameExists(_) => "UsernameExistsException",
            Self::UserNotConfirmed => "UserNotConfirmedException",
            Self::CodeMismatch => "CodeMismatchException",
            Self::ExpiredCode => "ExpiredCodeException",
            Self::LimitExceeded => "LimitExceededException",
            Self::InvalidPassword(_) => "InvalidPasswordException",
            Self::InvalidParameter(_) => "InvalidParameterException",
            Self::PasswordResetRequired => "PasswordResetRequiredException",
            Self::UnsupportedUserState(_) => "UnsupportedUserStateException",
            Self::AliasExists => "AliasExistsException",
            Self::ResourceNotFound(_) => "ResourceNotFoundException",
            Self::GroupExists => "GroupExistsException",
            Self::InvalidOAuthFlow => "InvalidOAuthFlowException",
        }
    }
}

/// Cognito's answer to a wrong username or password (the same for both).
pub(crate) const BAD_CREDENTIALS: &str = "Incorrect username or password.";
/// Cognito's answer while a user is locked out after failed sign-ins.
pub(crate) const LOCKED_OUT: &str = "Password attempts exceeded";
/// Cognito's answer for a disabled user's sign-in.
pub(crate) const USER_DISABLED: &str = "User is disabled.";
/// Cognito's answer for a temporary password past its validity.
pub(crate) const TEMPORARY_PASSWORD_EXPIRED: &str =
    "Temporary password has expired and must be reset by an administrator.";
