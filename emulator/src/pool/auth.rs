//! The JSON API's sign-in: `USER_PASSWORD_AUTH`, `USER_SRP_AUTH` with its
//! `PASSWORD_VERIFIER` challenge, `NEW_PASSWORD_REQUIRED`, and refresh —
//! the same users, lockout and tokens as the hosted UI.

use super::error::{PoolError, BAD_CREDENTIALS, TEMPORARY_PASSWORD_EXPIRED, USER_DISABLED};
use super::lockout;
use super::model::{Challenge, Client, SignIn, User, UserStatus};
use super::oauth::{open_grant, random_string, IssuedGrant};
use super::srp::{self, Claim};
use super::UserPool;
use std::collections::BTreeMap;

/// The scope of every access token the JSON API issues.
pub(crate) const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";
/// How long a challenge's `Session` lives (Cognito's default: 3 minutes).
const CHALLENGE_SECS: u64 = 3 * 60;
/// The hosted UI's change-password form waits longer for a person.
const FORM_CHALLENGE_SECS: u64 = 15 * 60;

/// What a sign-in step answers: tokens, or the next challenge.
pub(crate) enum AuthOutcome {
    Tokens(IssuedGrant),
    Challenge {
        name: &'static str,
        session: String,
        parameters: BTreeMap<String, String>,
    },
}

/// The answer to `PASSWORD_VERIFIER`.
pub(crate) struct VerifierAnswer<'a> {
    pub(crate) username: &'a str,
    pub(crate) secret_block: &'a str,
    pub(crate) signature: &'a str,
    pub(crate) timestamp: &'a str,
}

impl UserPool {
    /// `USER_PASSWORD_AUTH` / `ADMIN_USER_PASSWORD_AUTH`.
    pub(crate) fn password_auth(
        &self,
        client: &Client,
        username: &str,
        password: &str,
    ) -> Result<AuthOutcome, PoolError> {
        let known = self.read(|state, _| state.user(username).map(|u| u.password_hash.clone()));
        let matches = match &known {
            Some(hash) => self.hasher.verify(password, hash),
            None => {
                let _ = self.hasher.verify(password, &self.decoy_hash);
                return Err(unknown_user(client));
            }
        };
        self.after_proof(client, username, matches)
    }

    /// `USER_SRP_AUTH`, first step: the server's half as `PASSWORD_VERIFIER`'s parameters.
    pub(crate) fn srp_auth(
        &self,
        client: &Client,
        username: &str,
        client_public: &str,
    ) -> Result<AuthOutcome, PoolError> {
        let found = self.read(|state, _| {
            state
                .user(username)
                .map(|u| (u.username.clone(), u.srp.clone()))
        });
        let (canonical, verifier) = match found {
            Some((name, Some(verifier))) => (name, verifier),
            // No verifier (should not happen) reads as a wrong password later.
            Some((name, None)) => (name, srp::verifier(self.srp_name(), "", &random_string(32))),
            None if client.prevent_user_existence_errors => {
                // A plausible challenge, so that the answer does not tell who exists.
                (
                    username.to_owned(),
                    srp::verifier(self.srp_name(), username, &random_string(32)),
                )
            }
            None => return Err(PoolError::UserNotFound),
        };
        let server = srp::server_ephemeral(&verifier);
        let secret_block: Vec<u8> = random_string(128).into_bytes();
        let session = random_string(96);
        let parameters = BTreeMap::from([
            ("SALT".to_owned(), verifier.salt.clone()),
            ("SRP_B".to_owned(), server.public.clone()),
            (
                "SECRET_BLOCK".to_owned(),
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &secret_block),
            ),
            ("USERNAME".to_owned(), canonical.clone()),
            ("USER_ID_FOR_SRP".to_owned(), canonical.clone()),
        ]);
        self.write(|state, now| {
            state.challenges.insert(
                session.clone(),
                Challenge::PasswordVerifier {
                    username: canonical,
                    client_id: client.id.clone(),
                    client_public: client_public.to_owned(),
                    server,
                    secret_block,
                    expires_at: now + CHALLENGE_SECS,
                },
            );
        });
        Ok(AuthOutcome::Challenge {
            name: "PASSWORD_VERIFIER",
            session,
            parameters,
        })
    }

    /// `PASSWORD_VERIFIER`: the client's proof of the password, checked.
    pub(crate) fn answer_password_verifier(
        &self,
        client: &Client,
        session: &str,
        answer: &VerifierAnswer<'_>,
    ) -> Result<AuthOutcome, PoolError> {
        let taken = self.write(|state, _| state.challenges.remove(session));
        let Some(Challenge::PasswordVerifier {
            username,
            client_id,
            client_public,
            server,
            secret_block,
            ..
        }) = taken
        else {
            return Err(PoolError::NotAuthorized("Invalid session for the user."));
        };
        if client_id != client.id || !username.eq_ignore_ascii_case(answer.username) {
            return Err(PoolError::NotAuthorized("Invalid session for the user."));
        }
        let given_block = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            answer.secret_block.trim(),
        )
        .unwrap_or_default();
        if given_block != secret_block {
            return Err(PoolError::NotAuthorized(BAD_CREDENTIALS));
        }
        if !is_cognito_timestamp(answer.timestamp) {
            return Err(PoolError::InvalidParameter(
                "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.".into(),
            ));
        }
        let Some(verifier) =
            self.read(|state, _| state.user(&username).and_then(|u| u.srp.clone()))
        else {
            return Err(unknown_user(client));
        };
        // 3072-bit arithmetic: outside the lock.
        let matches = srp::verify(
            &verifier,
            &server,
            &Claim {
                pool_name: self.srp_name(),
                user_id: &username,
                client_public: &client_public,
                secret_block: &secret_block,
                timestamp: answer.timestamp,
                signature: answer.signature,
            },
        )
        .map_err(|e| PoolError::InvalidParameter(e.to_string()))?;
        self.after_proof(client, &username, matches)
    }

    /// A password (or its SRP proof) was checked: count it, and sign in or challenge.
    fn after_proof(
        &self,
        client: &Client,
        username: &str,
        matches: bool,
    ) -> Result<AuthOutcome, PoolError> {
        let step = self.write(|state, now| {
            let user = state
                .user_mut(username)
                .ok_or(PoolError::NotAuthorized(BAD_CREDENTIALS))?;
            lockout::settle(user, matches, now)?;
            check_may_sign_in(user, now)?;
            let canonical = user.username.clone();
            if user.status == UserStatus::ForceChangePassword {
                let parameters = new_password_parameters(user);
                let session = random_string(96);
                state.challenges.insert(
                    session.clone(),
                    Challenge::NewPassword {
                        username: canonical,
                        client_id: client.id.clone(),
                        expires_at: now + CHALLENGE_SECS,
                    },
                );
                return Ok(Err((session, parameters)));
            }
            Ok(Ok(self.open_api_grant(state, client, canonical, now)))
        })?;
        match step {
            Ok((user, grant, refresh)) => Ok(AuthOutcome::Tokens(IssuedGrant {
                tokens: self
                    .sign_user_tokens(client, &user, &grant)
                    .map_err(|e| PoolError::InvalidParameter(e.to_string()))?,
                refresh_token: Some(refresh),
            })),
            Err((session, parameters)) => Ok(AuthOutcome::Challenge {
                name: "NEW_PASSWORD_REQUIRED",
                session,
                parameters,
            }),
        }
    }

    /// Opens a refresh grant for an API sign-in (state locked).
    fn open_api_grant(
        &self,
        state: &mut super::model::PoolState,
        client: &Client,
        username: String,
        now: u64,
    ) -> (User, super::model::RefreshGrant, String) {
        let sign_in = SignIn {
            username: username.clone(),
            auth_time: now,
            event_id: uuid::Uuid::new_v4().to_string(),
        };
        let (grant, refresh) = open_grant(
            state,
            client,
            sign_in,
            vec![ADMIN_SCOPE.to_owned()],
            None,
            now,
        );
        let user = state
            .user(&username)
            .cloned()
            .expect("the user was found under this lock");
        (user, grant, refresh)
    }

    /// A `NEW_PASSWORD_REQUIRED` session for the hosted UI's change-password form.
    pub(crate) fn start_new_password_challenge(&self, username: &str, client_id: &str) -> String {
        let session = random_string(96);
        self.write(|state, now| {
            state.challenges.insert(
                session.clone(),
                Challenge::NewPassword {
                    username: username.to_owned(),
                    client_id: client_id.to_owned(),
                    expires_at: now + FORM_CHALLENGE_SECS,
                },
            );
        });
        session
    }

    /// `NEW_PASSWORD_REQUIRED`: sets the user's own password (and any attributes
    /// given), confirms them, and signs them in.
    pub(crate) fn answer_new_password(
        &self,
        session: &str,
        client_id: &str,
        new_password: &str,
        attributes: &[(String, String)],
    ) -> Result<SignIn, PoolError> {
        self.check_password(new_password)?;
        let pending = self.read(|state, _| state.challenges.get(session).cloned());
        let Some(Challenge::NewPassword {
            username,
            client_id: issued_to,
            ..
        }) = pending
        else {
            return Err(PoolError::NotAuthorized("Invalid session for the user."));
        };
        if issued_to != client_id {
            return Err(PoolError::NotAuthorized("Invalid session for the user."));
        }
        let credentials = self.credentials(&username, new_password);
        self.write(|state, now| {
            state.challenges.remove(session);
            let user = state
                .user_mut(&username)
                .ok_or(PoolError::NotAuthorized(BAD_CREDENTIALS))?;
            if user.status != UserStatus::ForceChangePassword {
                return Err(PoolError::NotAuthorized("Invalid session for the user."));
            }
            user.set_credentials(credentials, now);
            user.status = UserStatus::Confirmed;
            user.temporary_password_expires_at = None;
            for (name, value) in attributes {
                super::directory::set_attribute(user, name, value)?;
            }
            Ok(SignIn {
                username: user.username.clone(),
                auth_time: now,
                event_id: uuid::Uuid::new_v4().to_string(),
            })
        })
    }

    /// `NEW_PASSWORD_REQUIRED` through the JSON API: tokens for the new password.
    pub(crate) fn answer_new_password_for_tokens(
        &self,
        client: &Client,
        session: &str,
        new_password: &str,
        attributes: &[(String, String)],
    ) -> Result<AuthOutcome, PoolError> {
        let signed_in = self.answer_new_password(session, &client.id, new_password, attributes)?;
        let (user, grant, refresh) =
            self.write(|state, now| self.open_api_grant(state, client, signed_in.username, now));
        Ok(AuthOutcome::Tokens(IssuedGrant {
            tokens: self
                .sign_user_tokens(client, &user, &grant)
                .map_err(|e| PoolError::InvalidParameter(e.to_string()))?,
            refresh_token: Some(refresh),
        }))
    }
}

/// Cognito's answer for a user it does not know, as the client asks it to be.
fn unknown_user(client: &Client) -> PoolError {
    if client.prevent_user_existence_errors {
        PoolError::NotAuthorized(BAD_CREDENTIALS)
    } else {
        PoolError::UserNotFound
    }
}

/// After a right password: a disabled, unconfirmed or reset user may still not sign in.
fn check_may_sign_in(user: &User, now: u64) -> Result<(), PoolError> {
    if !user.enabled {
        return Err(PoolError::NotAuthorized(USER_DISABLED));
    }
    match user.status {
        UserStatus::Unconfirmed => Err(PoolError::UserNotConfirmed),
        UserStatus::ResetRequired => Err(PoolError::PasswordResetRequired),
        UserStatus::ForceChangePassword
            if user
                .temporary_password_expires_at
                .is_some_and(|until| until <= now) =>
        {
            Err(PoolError::NotAuthorized(TEMPORARY_PASSWORD_EXPIRED))
        }
        _ => Ok(()),
    }
}

/// `NEW_PASSWORD_REQUIRED`'s parameters: the user's attributes and the required ones, as JSON strings.
fn new_password_parameters(user: &User) -> BTreeMap<String, String> {
    let attributes: BTreeMap<String, String> = super::directory::attributes_of(user)
        .into_iter()
        .filter(|(name, _)| name != "sub")
        .collect();
    BTreeMap::from([
        (
            "userAttributes".to_owned(),
            serde_json::to_string(&attributes).unwrap_or_else(|_| "{}".into()),
        ),
        ("requiredAttributes".to_owned(), "[]".to_owned()),
        ("USER_ID_FOR_SRP".to_owned(), user.username.clone()),
    ])
}

/// `EEE MMM d HH:mm:ss z yyyy`, e.g. `Tue Dec 1 09:05:03 UTC 2026`, as the clients send it.
fn is_cognito_timestamp(timestamp: &str) -> bool {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = timestamp.split(' ').collect();
    let [weekday, month, day, time, zone, year] = parts.as_slice() else {
        return false;
    };
    let clock: Vec<&str> = time.split(':').collect();
    DAYS.contains(weekday)
        && MONTHS.contains(month)
        && day.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
        && clock.len() == 3
        && clock
            .iter()
            .all(|p| p.len() == 2 && p.parse::<u8>().is_ok())
        && *zone == "UTC"
        && year.len() == 4
        && year.parse::<u16>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::is_cognito_timestamp;

    #[test]
    fn timestamps_follow_the_clients_format() {
        assert!(is_cognito_timestamp("Tue Dec 1 09:05:03 UTC 2026"));
        assert!(is_cognito_timestamp("Sun Nov 30 23:59:59 UTC 2025"));
        assert!(!is_cognito_timestamp("2026-12-01T09:05:03Z"));
        assert!(!is_cognito_timestamp("Tue Dec 1 9:05:03 UTC 2026"));
        assert!(!is_cognito_timestamp(""));
    }
}
