//! Everything the pool remembers: users, app clients, codes, hosted-UI sessions,
//! refresh tokens, revocations, counters and injected faults. Behind one lock.

use crate::config::{ClientConfig, EmulatorConfig, Flow, UserConfig};
use rand::distributions::{Alphanumeric, DistString};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Authorization codes live 5 minutes, as Cognito's.
pub const CODE_LIFETIME_SECS: u64 = 5 * 60;
/// The hosted-UI session cookie lasts 1 hour whatever the token lifetimes.
pub const SESSION_LIFETIME_SECS: u64 = 60 * 60;

/// A random URL-safe string of `len` letters and digits.
pub fn random_string(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

/// A six-digit confirmation or password-reset code, as Cognito emails them.
pub fn one_time_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
}

/// An app client, with token lifetimes in seconds (the test hook may shorten them).
#[derive(Debug, Clone)]
pub struct Client {
    pub name: String,
    pub id: String,
    pub secret: Option<String>,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub scopes: Vec<String>,
    pub flows: Vec<Flow>,
    pub refresh_rotation: bool,
    pub access_token_secs: u64,
    pub id_token_secs: u64,
    pub refresh_token_secs: u64,
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
    pub fn allows(&self, flow: Flow) -> bool {
        self.flows.contains(&flow)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Confirmed,
    /// Signed up, waiting for the emailed (here: logged) confirmation code.
    Unconfirmed,
}

#[derive(Debug, Clone)]
pub struct User {
    pub sub: String,
    pub username: String,
    pub password: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub groups: Vec<String>,
    pub status: UserStatus,
    /// A pending sign-up confirmation or password-reset code.
    pub pending_code: Option<String>,
}

impl From<&UserConfig> for User {
    fn from(u: &UserConfig) -> Self {
        Self {
            sub: u
                .sub
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            username: u.username.clone(),
            password: u.password.clone(),
            email: u.email.clone(),
            email_verified: u.email_verified,
            groups: u.groups.clone(),
            status: UserStatus::Confirmed,
            pending_code: None,
        }
    }
}

/// Who signed in, when, and under which authentication event.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub username: String,
    pub auth_time: u64,
    pub event_id: String,
}

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    pub sign_in: SignIn,
    pub expires_at: u64,
}

#[derive(Debug, Clone)]
pub struct HostedSession {
    pub sign_in: SignIn,
    pub expires_at: u64,
}

/// What a refresh token stands for.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub sign_in: SignIn,
    /// Shared by every access token issued from this refresh token.
    pub origin_jti: String,
    pub expires_at: u64,
}

/// Call counters, read by tests through `/_emulator/counters`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Token-endpoint calls by `grant_type` as received (failed calls count too).
    pub token: BTreeMap<String, u64>,
    pub authorize: u64,
    pub jwks: u64,
    pub user_info: u64,
    pub revoke: u64,
}

/// An injected outage of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Fault {
    /// Answer with this 5xx status.
    Status(u16),
    /// Wait this many seconds before answering normally.
    HangSecs(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultTarget {
    Jwks,
    Token,
}

pub struct Store {
    pub clients: HashMap<String, Client>,
    /// By lower-cased username.
    users: HashMap<String, User>,
    pub codes: HashMap<String, AuthCode>,
    pub sessions: HashMap<String, HostedSession>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    /// `origin_jti`s of revoked refresh tokens: their access tokens are refused by userInfo.
    pub revoked_origins: HashSet<String>,
    pub counters: Counters,
    pub faults: HashMap<FaultTarget, Fault>,
}

impl Store {
    pub fn new(config: &EmulatorConfig) -> Self {
        Self {
            clients: config
                .clients
                .iter()
                .map(|c| (c.id.clone(), Client::from(c)))
                .collect(),
            users: config
                .users
                .iter()
                .map(|u| (u.username.to_lowercase(), User::from(u)))
                .collect(),
            codes: HashMap::new(),
            sessions: HashMap::new(),
            refresh_tokens: HashMap::new(),
            revoked_origins: HashSet::new(),
            counters: Counters::default(),
            faults: HashMap::new(),
        }
    }

    /// A user by username or, as with Cognito's email alias, by email; case-insensitive.
    pub fn user(&self, name: &str) -> Option<&User> {
        let key = name.to_lowercase();
        self.users.get(&key).or_else(|| {
            self.users.values().find(|u| {
                u.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(name))
            })
        })
    }

    pub fn user_mut(&mut self, name: &str) -> Option<&mut User> {
        let key = match self.user(name) {
            Some(user) => user.username.to_lowercase(),
            None => return None,
        };
        self.users.get_mut(&key)
    }

    /// Adds a user; `false` when the username or email is taken.
    pub fn add_user(&mut self, user: User) -> bool {
        let taken = self.user(&user.username).is_some()
            || user
                .email
                .as_deref()
                .is_some_and(|e| self.user(e).is_some());
        if taken {
            return false;
        }
        self.users.insert(user.username.to_lowercase(), user);
        true
    }

    /// The session behind a cookie value, if it is still alive.
    pub fn live_session(&self, cookie: &str, now: u64) -> Option<&HostedSession> {
        self.sessions
            .get(cookie)
            .filter(|s| s.expires_at > now && self.user(&s.sign_in.username).is_some())
    }

    /// Starts a hosted-UI session; returns the cookie value.
    pub fn start_session(&mut self, sign_in: SignIn, now: u64) -> String {
        self.sessions.retain(|_, s| s.expires_at > now);
        let cookie = random_string(48);
        self.sessions.insert(
            cookie.clone(),
            HostedSession {
                sign_in,
                expires_at: now + SESSION_LIFETIME_SECS,
            },
        );
        cookie
    }

    /// Issues a single-use authorization code.
    pub fn issue_code(&mut self, code: AuthCode, now: u64) -> String {
        self.codes.retain(|_, c| c.expires_at > now);
        let value = uuid::Uuid::new_v4().to_string();
        self.codes.insert(value.clone(), code);
        value
    }

    /// Stores a refresh grant and returns its opaque token (shaped like Cognito's JWE).
    pub fn issue_refresh_token(&mut self, grant: RefreshGrant, now: u64) -> String {
        self.refresh_tokens.retain(|_, g| g.expires_at > now);
        let token = format!(
            "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.{}.{}.{}.{}",
            random_string(342),
            random_string(16),
            random_string(400),
            random_string(22)
        );
        self.refresh_tokens.insert(token.clone(), grant);
        token
    }

    pub fn count_token_call(&mut self, grant_type: &str) {
        *self
            .counters
            .token
            .entry(grant_type.to_owned())
            .or_default() += 1;
    }
}
