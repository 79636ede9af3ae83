//! [`AdminHandle`]: what the `/_emulator/` hooks do, typed and in-process, for
//! test suites that run the emulator beside them. It acts on the pool of the
//! TOML config.

use crate::clock::Clock;
use crate::emulator::{Counters, Emulator, Fault, FaultTarget};
use crate::pool::{self, MessageKind};
use std::sync::Arc;

/// Cognito's longest access and ID token lifetime: one day.
pub(crate) const MAX_ACCESS_SECS: u64 = 24 * 60 * 60;
/// Cognito's longest refresh token lifetime: ten years.
pub(crate) const MAX_REFRESH_SECS: u64 = 3650 * 24 * 60 * 60;
/// The longest injected hang.
pub(crate) const MAX_HANG_SECS: u64 = 600;

/// A user to create, as the `POST /_emulator/users` hook takes it.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub groups: Vec<String>,
    /// `false` leaves the user waiting for sign-up confirmation.
    pub confirmed: bool,
}

impl NewUser {
    /// A confirmed user with a verified email equal to the username.
    pub fn confirmed(email: &str, password: &str) -> Self {
        Self {
            username: email.to_owned(),
            password: password.to_owned(),
            email: Some(email.to_owned()),
            email_verified: true,
            groups: Vec::new(),
            confirmed: true,
        }
    }
}

/// Token lifetimes in seconds (shorter than Cognito allows, for tests); `None` keeps one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lifetimes {
    pub access_token_secs: Option<u64>,
    pub id_token_secs: Option<u64>,
    pub refresh_token_secs: Option<u64>,
}

impl Lifetimes {
    /// Access and ID tokens of `secs` seconds.
    pub fn tokens(secs: u64) -> Self {
        Self {
            access_token_secs: Some(secs),
            id_token_secs: Some(secs),
            refresh_token_secs: None,
        }
    }

    /// Every value in range: 1 s to Cognito's longest.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (name, value, max) in [
            ("accessTokenSecs", self.access_token_secs, MAX_ACCESS_SECS),
            ("idTokenSecs", self.id_token_secs, MAX_ACCESS_SECS),
            (
                "refreshTokenSecs",
                self.refresh_token_secs,
                MAX_REFRESH_SECS,
            ),
        ] {
            if let Some(secs) = value {
                if !(1..=max).contains(&secs) {
                    return Err(format!("{name} must be between 1 and {max} seconds"));
                }
            }
        }
        Ok(())
    }
}

/// In-process access to the emulator's test hooks.
#[derive(Clone)]
pub struct AdminHandle {
    emulator: Arc<Emulator>,
}

impl AdminHandle {
    pub(crate) fn new(emulator: Arc<Emulator>) -> Self {
        Self { emulator }
    }

    /// The emulator's clock: advance it to let time pass.
    pub fn clock(&self) -> &Clock {
        &self.emulator.clock
    }

    /// Creates a user; its `sub`.
    pub fn create_user(&self, user: NewUser) -> Result<String, String> {
        self.emulator
            .default_pool()
            .create_user(pool::NewUser {
                username: user.username,
                password: user.password,
                email: user.email,
                email_verified: user.email_verified,
                groups: user.groups,
                confirmed: user.confirmed,
            })
            .map(|view| view.sub)
            .map_err(|e| e.to_string())
    }

    /// Sets an app client's token lifetimes.
    pub fn set_lifetimes(&self, client_id: &str, lifetimes: Lifetimes) -> Result<(), String> {
        lifetimes.check()?;
        self.emulator
            .default_pool()
            .set_lifetimes(
                client_id,
                lifetimes.access_token_secs,
                lifetimes.id_token_secs,
                lifetimes.refresh_token_secs,
            )
            .map(|_| ())
            .ok_or_else(|| format!("no app client {client_id}"))
    }

    /// The temporary password last "sent" to a user invited by `AdminCreateUser`.
    pub fn temporary_password(&self, username: &str) -> Option<String> {
        self.emulator
            .default_pool()
            .last_message(username, MessageKind::TemporaryPassword)
    }

    /// The live confirmation or reset code "emailed" to a user.
    pub fn pending_code(&self, username: &str) -> Option<String> {
        self.emulator.default_pool().pending_code(username)
    }

    /// Makes `target` fail with `fault` until cleared.
    pub fn set_fault(&self, target: FaultTarget, fault: Fault) {
        self.emulator.faults().insert(target, fault);
    }

    pub fn clear_faults(&self) {
        self.emulator.faults().clear();
    }

    pub fn counters(&self) -> Counters {
        self.emulator.counters().clone()
    }

    /// The environment the API needs to use app client `client_id` of this
    /// emulator: `COGNITO_ENDPOINT`, `COGNITO_POOL_ID`, `COGNITO_CLIENT_ID`,
    /// `COGNITO_CLIENT_SECRET`.
    pub fn api_environment(&self, client_id: &str) -> Option<Vec<(&'static str, String)>> {
        let (pool, client) = self.emulator.client(client_id)?;
        Some(vec![
            ("COGNITO_ENDPOINT", self.emulator.base_url.clone()),
            ("COGNITO_POOL_ID", pool.id().to_owned()),
            ("COGNITO_CLIENT_ID", client.id),
            ("COGNITO_CLIENT_SECRET", client.secret.unwrap_or_default()),
        ])
    }
}
