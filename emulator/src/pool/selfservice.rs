//! What a signed-in user does with their own access token (`GetUser`,
//! `UpdateUserAttributes`, `ChangePassword`, `DeleteUser`, `GlobalSignOut`),
//! and the unauthenticated self-service calls' existence rules.

use super::auth::ADMIN_SCOPE;
use super::directory::UserRecord;
use super::error::PoolError;
use super::UserPool;

/// Where a code went, as `CodeDeliveryDetails` tells it: masked.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) destination: String,
}

/// `a***@e***`: Cognito's masking of an email address.
pub(crate) fn mask_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***", first(local), first(domain))
}

impl UserPool {
    /// The username behind an access token the JSON API accepts: a valid,
    /// unrevoked user token with `aws.cognito.signin.user.admin`.
    pub(crate) fn user_of_access_token(&self, token: &str) -> Result<String, PoolError> {
        let claims = self.verify_access_token(token).map_err(|reason| {
            PoolError::NotAuthorized(if reason.contains("expired") {
                "Access Token has expired"
            } else {
                "Invalid Access Token"
            })
        })?;
        if !claims.scope.split_whitespace().any(|s| s == ADMIN_SCOPE) {
            return Err(PoolError::NotAuthorized(
                "Access Token does not have required scopes",
            ));
        }
        let username = claims
            .username
            .ok_or(PoolError::NotAuthorized("Invalid Access Token"))?;
        self.read(|state, _| state.user(&username).map(|u| u.username.clone()))
            .ok_or(PoolError::NotAuthorized("User does not exist."))
    }

    /// `GetUser`.
    pub(crate) fn get_user(&self, token: &str) -> Result<UserRecord, PoolError> {
        let username = self.user_of_access_token(token)?;
        self.admin_get_user(&username)
    }

    /// A reset code for `ForgotPassword`; with existence errors prevented, an
    /// unknown user gets a plausible answer and no code.
    pub(crate) fn api_forgot_password(
        &self,
        username: &str,
        prevent_existence_errors: bool,
    ) -> Result<Delivery, PoolError> {
        let email = self.read(|state, _| {
            state
                .user(username)
                .map(|u| (u.email.clone(), u.email_verified))
        });
        match email {
            None if prevent_existence_errors => Ok(Delivery {
                destination: mask_email(&format!("{username}@example.com")),
            }),
            None => Err(PoolError::UserNotFound),
            Some((Some(address), true)) => {
                self.forgot_password(username)?;
                Ok(Delivery {
                    destination: mask_email(&address),
                })
            }
            Some(_) => Err(PoolError::InvalidParameter(
                "Cannot reset password for the user as there is no registered/verified email or phone_number".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mask_email;

    #[test]
    fn emails_are_masked_as_cognito_does() {
        assert_eq!(mask_email("admin@example.com"), "a***@e***");
    }
}
