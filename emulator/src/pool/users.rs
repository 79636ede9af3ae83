//! Users: password sign-in with lockout, sign-up and its confirmation,
//! forgot password and its reset, and the test hooks' user creation.

use super::codes::{self, Purpose};
use super::error::{PoolError, BAD_CREDENTIALS, LOCKED_OUT};
use super::lockout;
use super::model::{SignIn, User, UserStatus};
use super::password::policy_error;
use super::UserPool;

/// What a correct password leads to.
#[derive(Debug)]
pub(crate) enum PasswordSignIn {
    SignedIn(SignIn),
    /// Signed up but not confirmed: the hosted UI asks for the code.
    Unconfirmed {
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
            if lockout::is_locked(user, now) {
                return Err(PoolError::NotAuthorized(LOCKED_OUT));
            }
            if !matches {
                lockout::record_failure(user, now);
                return Err(PoolError::NotAuthorized(BAD_CREDENTIALS));
            }
            lockout::record_success(user);
            Ok(match user.status {
                UserStatus::Confirmed => PasswordSignIn::SignedIn(SignIn {
                    username: user.username.clone(),
                    auth_time: now,
                    event_id: uuid::Uuid::new_v4().to_string(),
                }),
                UserStatus::Unconfirmed => PasswordSignIn::Unconfirmed {
                    username: user.username.clone(),
                },
            })
        })
    }

    /// Signs a new user up; returns the confirmation code "emailed" to them.
    pub(crate) fn sign_up(
        &self,
        username: &str,
        email: &str,
        password: &str,
    ) -> Result<String, PoolError> {
        if let Some(problem) = policy_error(password) {
            return Err(PoolError::InvalidPassword(problem));
        }
        let hash = self.hasher.hash(password);
        self.write(|state, now| {
            if state.taken(username, Some(email)) {
                return Err(PoolError::UsernameExists(
                    "An account with the given email already exists.",
                ));
            }
            let code = codes::issue(Purpose::Confirmation, now);
            let sent = code.code.clone();
            let user = User {
                sub: uuid::Uuid::new_v4().to_string(),
                username: username.to_owned(),
                password_hash: hash,
                email: Some(email.to_owned()),
                email_verified: false,
                groups: Vec::new(),
                status: UserStatus::Unconfirmed,
                confirmation: Some(code),
                reset: None,
                codes_sent: vec![now],
                failed_sign_ins: 0,
                locked_until: 0,
            };
            state.users.insert(username.to_lowercase(), user);
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
            if user.status != UserStatus::Confirmed || !user.email_verified {
                return Ok(None);
            }
            codes::note_send(&mut user.codes_sent, now)?;
            let code = codes::issue(Purpose::Reset, now);
            let sent = code.code.clone();
            user.reset = Some(code);
            Ok(Some((user.username.clone(), sent)))
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
        if let Some(problem) = policy_error(new_password) {
            return Err(PoolError::InvalidPassword(problem));
        }
        let hash = self.hasher.hash(new_password);
        self.write(|state, now| {
            let user = state.user_mut(username).ok_or(PoolError::CodeMismatch)?;
            codes::redeem(&mut user.reset, code, Purpose::Reset, now)?;
            user.password_hash = hash;
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
        let hash = self.hasher.hash(&new.password);
        self.write(|state, now| {
            if state.taken(&new.username, new.email.as_deref()) {
                return Err(PoolError::UsernameExists("User account already exists"));
            }
            let user = User {
                sub: uuid::Uuid::new_v4().to_string(),
                username: new.username.clone(),
                password_hash: hash,
                email: new.email,
                email_verified: new.email_verified,
                groups: new.groups,
                status: if new.confirmed {
                    UserStatus::Confirmed
                } else {
                    UserStatus::Unconfirmed
                },
                confirmation: (!new.confirmed).then(|| codes::issue(Purpose::Confirmation, now)),
                reset: None,
                codes_sent: Vec::new(),
                failed_sign_ins: 0,
                locked_until: 0,
            };
            state.groups.extend(user.groups.iter().cloned());
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
