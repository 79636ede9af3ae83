//! Users: password sign-in with lockout, sign-up and its confirmation,
//! forgot password and its reset, and the test hooks' user creation.

use super::codes::{self, Purpose};
use super::error::{
    PoolError, BAD_CREDENTIALS, LOCKED_OUT, TEMPORARY_PASSWORD_EXPIRED, USER_DISABLED,
};
use super::lockout;
use super::model::{MessageKind, SignIn, User, UserStatus};
use super::UserPool;

/// What a correct password leads to.
#[derive(Debug)]
pub(crate) enum PasswordSignIn {
    SignedIn(SignIn),
    /// Signed up but not confirmed: the hosted UI asks for the code.
    Unconfirmed {
        username: String,
    },
    /// A temporary password: the user must choose a new one first.
    NewPasswordRequired {
        username: String,
    },
}

/// What the outside may see of a user (never the password hash).
#[derive(Debug, Clone)]
pub(crate) struct UserView {
    pub(crate) sub: String,
    pub(crate) username: String,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: bool,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            sub: user.sub.clone(),
            username: user.username.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified,
        }
    }
}

/// A user made by a test hook.
#[derive(Debug, Clone)]
pub(crate) struct NewUser {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: bool,
    pub(crate) groups: Vec<String>,
    /// `false` leaves the user waiting for sign-up confirmation.
    pub(crate) confirmed: bool,
}

impl UserPool {
    /// The pool's password policy refuses `password`?
    pub(crate) fn check_password(&self, password: &str) -> Result<(), PoolError> {
        match self.read(|state, _| state.settings.password_policy.check(password)) {
            Some(problem) => Err(PoolError::InvalidPassword(problem)),
            None => Ok(()),
        }
    }

    /// Checks a username and password, as the hosted UI's form does.
    pub(crate) fn sign_in_with_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<PasswordSignIn, PoolError> {
        let found = self.read(|state, now| {
            state.user(username).map(|u| {
                (
                    u.username.clone(),
                    u.password_hash.clone(),
                    lockout::is_locked(u, now),
                )
            })
        });
        let Some((username, hash, locked)) = found else {
            // The same work as for a real user, so timing does not tell who exists.
            let _ = self.hasher.verify(password, &self.decoy_hash);
            return Err(PoolError::NotAuthorized(BAD_CREDENTIALS));
        };
        if locked {
            return Err(PoolError::NotAuthorized(LOCKED_OUT));
        }
        // Slow by design: outside the lock.
        let matches = self.hasher.verify(password, &hash);
        self.write(|state, now| {
            let user = state
                .user_mut(&username)
                .ok_or(PoolError::NotAuthorized(BAD_CREDENTIALS))?;
            lockout::settle(user, matches, now)?;
            if !user.enabled {
                return Err(PoolError::NotAuthorized(USER_DISABLED));
            }
            Ok(match user.status {
                UserStatus::Confirmed => PasswordSignIn::SignedIn(SignIn {
                    username: user.username.clone(),
                    auth_time: now,
                    event_id: uuid::Uuid::new_v4().to_string(),
                }),
                UserStatus::Unconfirmed => PasswordSignIn::Unconfirmed {
                    username: user.username.clone(),
                },
                UserStatus::ForceChangePassword => {
                    if user
                        .temporary_password_expires_at
                        .is_some_and(|until| until <= now)
                    {
                        return Err(PoolError::NotAuthorized(TEMPORARY_PASSWORD_EXPIRED));
                    }
                    PasswordSignIn::NewPasswordRequired {
                        username: user.username.clone(),
                    }
                }
                UserStatus::ResetRequired => return Err(PoolError::PasswordResetRequired),
            })
        })
    }

    /// Signs a new user up with their attributes (an email among them);
    /// returns the new user's `sub` and the confirmation code "emailed" to them.
    pub(crate) fn sign_up(
        &self,
        username: &str,
        password: &str,
        attributes: &[(String, String)],
    ) -> Result<(String, String), PoolError> {
        let email = attributes
            .iter()
            .find(|(name, _)| name == "email")
            .map(|(_, v)| v.clone())
            .ok_or_else(|| {
                PoolError::InvalidParameter(
                    "Attributes did not conform to the schema: email: The attribute is required"
                        .into(),
                )
            })?;
        if username.trim().is_empty() || username.contains(char::is_whitespace) {
            return Err(PoolError::InvalidParameter(
                "Username cannot be empty or contain spaces.".into(),
            ));
        }
        self.check_password(password)?;
        let credentials = self.credentials(username, password);
        self.write(|state, now| {
            if state.taken(username, Some(&email)) {
                return Err(PoolError::UsernameExists(
                    "An account with the given email already exists.",
                ));
            }
            let code = codes::issue(Purpose::Confirmation, now);
            let sent = code.code.clone();
            let mut user = User::new(username, credentials, now);
            for (name, value) in attributes {
                super::directory::set_attribute(&mut user, name, value)?;
            }
            user.email_verified = false;
            user.status = UserStatus::Unconfirmed;
            user.confirmation = Some(code);
            user.codes_sent = vec![now];
            let sub = user.sub.clone();
            state.users.insert(username.to_lowercase(), user);
            state.send(username, MessageKind::ConfirmationCode, &sent);
            Ok((sub, sent))
        })
    }

    /// Sends a new confirmation code to an unconfirmed user.
    pub(crate) fn resend_confirmation_code(&self, username: &str) -> Result<String, PoolError> {
        self.write(|state, now| {
            let user = state.user_mut(username).ok_or(PoolError::UserNotFound)?;
            if user.status != UserStatus::Unconfirmed {
                return Err(PoolError::InvalidParameter("User is already confirmed.".into()));
            }
            codes::note_send(&mut user.codes_sent, now)?;
            let code = codes::issue(Purpose::Confirmation, now);
            let sent = code.code.clone();
            user.confirmation = Some(code);
            let name = user.username.clone();
            state.send(&name, MessageKind::ConfirmationCode, &sent);
            tracing::info!(username = %name, confirmation_code = %sent, "confirmation code sent again");
            Ok(sent)
        })
    }

    /// Confirms a sign-up with its confirmation code (never a reset code), and
    /// signs the user in. A confirmed user cannot be confirmed again.
    pub(crate) fn confirm_sign_up(&self, username: &str, code: &str) -> Result<SignIn, PoolError> {
        self.write(|state, now| {
            let user = state.user_mut(username).ok_or(PoolError::CodeMismatch)?;
            if user.status != UserStatus::Unconfirmed {
                return Err(PoolError::NotAuthorized(
                    "User cannot be confirmed. Current status is CONFIRMED",
                ));
            }
            codes::redeem(&mut user.confirmation, code, Purpose::Confirmation, now)?;
            user.status = UserStatus::Confirmed;
            user.email_verified = true;
            Ok(SignIn {
                username: user.username.clone(),
                auth_time: now,
                event_id: uuid::Uuid::new_v4().to_string(),
            })
        })
    }

    /// Sends a password-reset code to a confirmed user with a verified email;
    /// `Ok(None)` for anyone else, so that the page cannot enumerate users.
    pub(crate) fn forgot_password(
        &self,
        username: &str,
    ) -> Result<Option<(String, String)>, PoolError> {
        self.write(|state, now| {
            let Some(user) = state.user_mut(username) else {
                return Ok(None);
            };
            let resettable = matches!(
                user.status,
                UserStatus::Confirmed | UserStatus::ResetRequired
            );
            if !resettable || !user.email_verified {
                return Ok(None);
            }
            codes::note_send(&mut user.codes_sent, now)?;
            let code = codes::issue(Purpose::Reset, now);
            let sent = code.code.clone();
            user.reset = Some(code);
            let username = user.username.clone();
            state.send(&username, MessageKind::ResetCode, &sent);
            Ok(Some((username, sent)))
        })
    }

    /// Sets a new password with a reset code (never a confirmation code). The
    /// user's hosted-UI sessions end, and any lockout is lifted.
    pub(crate) fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<(), PoolError> {
        self.check_password(new_password)?;
        let Some(canonical) =
            self.read(|state, _| state.user(username).map(|u| u.username.clone()))
        else {
            return Err(PoolError::CodeMismatch);
        };
        let credentials = self.credentials(&canonical, new_password);
        self.write(|state, now| {
            let user = state.user_mut(username).ok_or(PoolError::CodeMismatch)?;
            codes::redeem(&mut user.reset, code, Purpose::Reset, now)?;
            user.set_credentials(credentials, now);
            if user.status == UserStatus::ResetRequired {
                user.status = UserStatus::Confirmed;
            }
            lockout::record_success(user);
            let username = user.username.clone();
            state
                .sessions
                .retain(|_, s| !s.sign_in.username.eq_ignore_ascii_case(&username));
            Ok(())
        })
    }

    /// A user, as the outside may see them.
    pub(crate) fn user_view(&self, username: &str) -> Option<UserView> {
        self.read(|state, _| state.user(username).map(UserView::from))
    }

    /// Adds a user (test hook); the username or email must be free.
    pub(crate) fn create_user(&self, new: NewUser) -> Result<UserView, PoolError> {
        if new.username.trim().is_empty() || new.password.is_empty() {
            return Err(PoolError::InvalidParameter(
                "username and password are required".into(),
            ));
        }
        let credentials = self.credentials(&new.username, &new.password);
        self.write(|state, now| {
            if state.taken(&new.username, new.email.as_deref()) {
                return Err(PoolError::UsernameExists("User account already exists"));
            }
            let mut user = User::new(&new.username, credentials, now);
            user.email = new.email;
            user.email_verified = new.email_verified;
            user.groups = new.groups;
            if !new.confirmed {
                user.status = UserStatus::Unconfirmed;
                user.confirmation = Some(codes::issue(Purpose::Confirmation, now));
            }
            state.ensure_groups(&user.groups, now);
            let view = UserView::from(&user);
            state.users.insert(new.username.to_lowercase(), user);
            Ok(view)
        })
    }

    /// The live code "emailed" to a user (test hook): a confirmation code while
    /// unconfirmed, else a reset code.
    pub(crate) fn pending_code(&self, username: &str) -> Option<String> {
        self.read(|state, now| {
            let user = state.user(username)?;
            [&user.confirmation, &user.reset]
                .into_iter()
                .flatten()
                .find(|c| c.expires_at > now)
                .map(|c| c.code.clone())
        })
    }
}
