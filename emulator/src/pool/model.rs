//! What a pool remembers, as plain data that persists as it is.

use crate::config::{ClientConfig, Flow};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// An app client, with token lifetimes in seconds (the test hook may shorten them).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Client {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) secret: Option<String>,
    pub(crate) callback_urls: Vec<String>,
    pub(crate) logout_urls: Vec<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) flows: Vec<Flow>,
    pub(crate) refresh_rotation: bool,
    pub(crate) access_token_secs: u64,
    pub(crate) id_token_secs: u64,
    pub(crate) refresh_token_secs: u64,
}

impl From<&ClientConfig> for Client {
    fn from(c: &ClientConfig) -> Self {
        Self {
            name: c.name.clone(),
            id: c.id.clone(),
            secret: c.secret.clone(),
            callback_urls: c.callback_urls.clone(),
            logout_urls: c.logout_urls.clone(),
            scopes: c.scopes.clone(),
            flows: c.flows.clone(),
            refresh_rotation: c.refresh_rotation,
            access_token_secs: c.access_token_minutes * 60,
            id_token_secs: c.id_token_minutes * 60,
            refresh_token_secs: c.refresh_token_minutes * 60,
        }
    }
}

impl Client {
    pub(crate) fn allows(&self, flow: Flow) -> bool {
        self.flows.contains(&flow)
    }
}

/// Cognito's user statuses (those this pool uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum UserStatus {
    Confirmed,
    /// Signed up, waiting for the emailed (here: logged) confirmation code.
    Unconfirmed,
}

/// A one-time code sent by "email" (the emulator logs it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OneTimeCode {
    pub(crate) code: String,
    pub(crate) expires_at: u64,
    /// Wrong codes tried against this one; at the limit it is dead.
    pub(crate) wrong_tries: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct User {
    pub(crate) sub: String,
    pub(crate) username: String,
    /// A PHC string (argon2id); never the password itself.
    pub(crate) password_hash: String,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: bool,
    pub(crate) groups: Vec<String>,
    pub(crate) status: UserStatus,
    /// The sign-up confirmation code, while unconfirmed.
    pub(crate) confirmation: Option<OneTimeCode>,
    /// A password-reset code, after "forgot password".
    pub(crate) reset: Option<OneTimeCode>,
    /// When codes were last sent (Unix seconds), to limit how often.
    #[serde(default)]
    pub(crate) codes_sent: Vec<u64>,
    /// Failed sign-ins since the last success.
    #[serde(default)]
    pub(crate) failed_sign_ins: u32,
    /// No sign-in before this time (Unix seconds).
    #[serde(default)]
    pub(crate) locked_until: u64,
}

/// Who signed in, when, and under which authentication event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SignIn {
    pub(crate) username: String,
    pub(crate) auth_time: u64,
    pub(crate) event_id: String,
}

/// A single-use authorization code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuthCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) sign_in: SignIn,
    pub(crate) expires_at: u64,
}

/// A hosted-UI session (the `cognito` cookie).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HostedSession {
    pub(crate) sign_in: SignIn,
    pub(crate) expires_at: u64,
}

/// What a refresh token stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RefreshGrant {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) sign_in: SignIn,
    /// Shared by every access token issued from this refresh token.
    pub(crate) origin_jti: String,
    pub(crate) expires_at: u64,
}

/// Everything a pool remembers but its keys, behind the pool's one lock.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct PoolState {
    pub(crate) clients: BTreeMap<String, Client>,
    /// By lower-cased username.
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) codes: HashMap<String, AuthCode>,
    pub(crate) sessions: HashMap<String, HostedSession>,
    pub(crate) refresh_tokens: HashMap<String, RefreshGrant>,
    /// `origin_jti`s of revoked refresh tokens, until their access tokens expire:
    /// userInfo refuses those access tokens.
    pub(crate) revoked_origins: BTreeMap<String, u64>,
    /// Group names of the pool.
    #[serde(default)]
    pub(crate) groups: BTreeSet<String>,
}

impl PoolState {
    /// The key of a user by username or, as with Cognito's email alias, by email; case-insensitive.
    pub(crate) fn user_key(&self, name: &str) -> Option<String> {
        let key = name.to_lowercase();
        if self.users.contains_key(&key) {
            return Some(key);
        }
        self.users
            .iter()
            .find(|(_, u)| {
                u.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(name))
            })
            .map(|(k, _)| k.clone())
    }

    pub(crate) fn user(&self, name: &str) -> Option<&User> {
        self.user_key(name).and_then(|k| self.users.get(&k))
    }

    pub(crate) fn user_mut(&mut self, name: &str) -> Option<&mut User> {
        let key = self.user_key(name)?;
        self.users.get_mut(&key)
    }

    /// Whether a username or email is already taken by another user.
    pub(crate) fn taken(&self, username: &str, email: Option<&str>) -> bool {
        self.user(username).is_some() || email.is_some_and(|e| self.user(e).is_some())
    }

    /// Drops what has expired: codes, sessions, refresh tokens, revocations.
    pub(crate) fn prune(&mut self, now: u64) {
        self.codes.retain(|_, c| c.expires_at > now);
        self.sessions.retain(|_, s| s.expires_at > now);
        self.refresh_tokens.retain(|_, g| g.expires_at > now);
        self.revoked_origins.retain(|_, until| *until > now);
    }
}
