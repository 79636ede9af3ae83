//! What a pool remembers, as plain data that persists as it is.

use super::srp::{ServerEphemeral, Verifier};
use crate::config::{ClientConfig, Flow};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

fn yes() -> bool {
    true
}

/// Cognito's default for clients that name no `ExplicitAuthFlows`.
pub(crate) fn default_auth_flows() -> Vec<String> {
    [
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
    ]
    .map(str::to_owned)
    .to_vec()
}

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
    /// `ALLOW_USER_SRP_AUTH`, `ALLOW_USER_PASSWORD_AUTH`, … (the JSON API's flows).
    #[serde(default = "default_auth_flows")]
    pub(crate) explicit_auth_flows: Vec<String>,
    /// `PreventUserExistenceErrors = ENABLED`: unknown users look like wrong passwords.
    #[serde(default = "yes")]
    pub(crate) prevent_user_existence_errors: bool,
    #[serde(default = "yes")]
    pub(crate) enable_token_revocation: bool,
    #[serde(default)]
    pub(crate) created_at: u64,
    #[serde(default)]
    pub(crate) modified_at: u64,
    /// The units the lifetimes were given in (`TokenValidityUnits`), for display.
    #[serde(default)]
    pub(crate) units: TokenUnits,
}

/// `TokenValidityUnits`: seconds, minutes, hours or days per token kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TokenUnits {
    pub(crate) access: String,
    pub(crate) id: String,
    pub(crate) refresh: String,
}

impl Default for TokenUnits {
    fn default() -> Self {
        Self {
            access: "hours".into(),
            id: "hours".into(),
            refresh: "days".into(),
        }
    }
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
            explicit_auth_flows: c
                .explicit_auth_flows
                .clone()
                .unwrap_or_else(default_auth_flows),
            prevent_user_existence_errors: c.prevent_user_existence_errors,
            enable_token_revocation: true,
            created_at: 0,
            modified_at: 0,
            units: TokenUnits {
                access: "minutes".into(),
                id: "minutes".into(),
                refresh: "minutes".into(),
            },
        }
    }
}

impl Client {
    pub(crate) fn allows(&self, flow: Flow) -> bool {
        self.flows.contains(&flow)
    }

    /// Whether `ExplicitAuthFlows` has `ALLOW_{name}` (or the legacy `{name}_ONLY`).
    pub(crate) fn allows_auth_flow(&self, name: &str) -> bool {
        self.explicit_auth_flows.iter().any(|f| {
            f.strip_prefix("ALLOW_") == Some(name) || f.strip_suffix("_ONLY") == Some(name)
        })
    }
}

/// Cognito's user statuses (those this pool uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum UserStatus {
    Confirmed,
    /// Signed up, waiting for the emailed (here: logged) confirmation code.
    Unconfirmed,
    /// Created by an admin with a temporary password: must choose a new one.
    ForceChangePassword,
    /// An admin reset the password: the user must set one with a reset code.
    ResetRequired,
}

impl UserStatus {
    /// The name Cognito's API uses.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Confirmed => "CONFIRMED",
            Self::Unconfirmed => "UNCONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
        }
    }
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
    /// SRP's salt and verifier for the same password (USER_SRP_AUTH).
    #[serde(default)]
    pub(crate) srp: Option<Verifier>,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: bool,
    /// Every other attribute (`name`, `phone_number`, `custom:…`).
    #[serde(default)]
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) groups: Vec<String>,
    pub(crate) status: UserStatus,
    #[serde(default = "yes")]
    pub(crate) enabled: bool,
    #[serde(default)]
    pub(crate) created_at: u64,
    #[serde(default)]
    pub(crate) modified_at: u64,
    /// Access tokens issued before this moment are refused (global sign-out).
    #[serde(default)]
    pub(crate) signed_out_at: u64,
    /// Until when a temporary password (FORCE_CHANGE_PASSWORD) may be used.
    #[serde(default)]
    pub(crate) temporary_password_expires_at: Option<u64>,
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

impl User {
    /// A confirmed, enabled user with no attributes but a username and password.
    pub(crate) fn new(username: &str, credentials: Credentials, now: u64) -> Self {
        Self {
            sub: uuid::Uuid::new_v4().to_string(),
            username: username.to_owned(),
            password_hash: credentials.hash,
            srp: Some(credentials.srp),
            email: None,
            email_verified: false,
            attributes: BTreeMap::new(),
            groups: Vec::new(),
            status: UserStatus::Confirmed,
            enabled: true,
            created_at: now,
            modified_at: now,
            signed_out_at: 0,
            temporary_password_expires_at: None,
            confirmation: None,
            reset: None,
            codes_sent: Vec::new(),
            failed_sign_ins: 0,
            locked_until: 0,
        }
    }

    /// Replaces the password (both its hash and its SRP verifier).
    pub(crate) fn set_credentials(&mut self, credentials: Credentials, now: u64) {
        self.password_hash = credentials.hash;
        self.srp = Some(credentials.srp);
        self.modified_at = now;
    }
}

/// A password as the pool keeps it: an argon2id hash and an SRP verifier.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    pub(crate) hash: String,
    pub(crate) srp: Verifier,
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

/// A group of users.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Group {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) precedence: Option<u64>,
    pub(crate) role_arn: Option<String>,
    pub(crate) created_at: u64,
    pub(crate) modified_at: u64,
}

impl Group {
    pub(crate) fn named(name: &str, now: u64) -> Self {
        Self {
            name: name.to_owned(),
            description: None,
            precedence: None,
            role_arn: None,
            created_at: now,
            modified_at: now,
        }
    }
}

/// A sign-in waiting for the answer to a challenge (`Session`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Challenge {
    /// `USER_SRP_AUTH`: the server's half, waiting for `PASSWORD_VERIFIER`.
    PasswordVerifier {
        username: String,
        client_id: String,
        client_public: String,
        server: ServerEphemeral,
        secret_block: Vec<u8>,
        expires_at: u64,
    },
    /// A temporary password was right: waiting for `NEW_PASSWORD_REQUIRED`.
    NewPassword {
        username: String,
        client_id: String,
        expires_at: u64,
    },
}

impl Challenge {
    pub(crate) fn expires_at(&self) -> u64 {
        match self {
            Self::PasswordVerifier { expires_at, .. } | Self::NewPassword { expires_at, .. } => {
                *expires_at
            }
        }
    }
}

/// Cognito's password policy of a pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PasswordPolicy {
    pub(crate) minimum_length: usize,
    pub(crate) require_uppercase: bool,
    pub(crate) require_lowercase: bool,
    pub(crate) require_numbers: bool,
    pub(crate) require_symbols: bool,
    pub(crate) temporary_password_validity_days: u64,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

/// What a pool is, beyond its users and clients.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct PoolSettings {
    pub(crate) name: String,
    pub(crate) created_at: u64,
    pub(crate) modified_at: u64,
    pub(crate) password_policy: PasswordPolicy,
    /// `["email"]`: users sign in with their email (Cognito's `UsernameAttributes`).
    pub(crate) username_attributes: Vec<String>,
    pub(crate) auto_verified_attributes: Vec<String>,
    pub(crate) deletion_protection: bool,
}

/// A message the pool "sent" (the emulator's stand-in for email): logged, and
/// kept for the test handle. Not persisted.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub(crate) username: String,
    pub(crate) kind: MessageKind,
    pub(crate) value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessageKind {
    ConfirmationCode,
    ResetCode,
    TemporaryPassword,
}

/// Everything a pool remembers but its keys, behind the pool's one lock.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct PoolState {
    #[serde(default)]
    pub(crate) settings: PoolSettings,
    pub(crate) clients: BTreeMap<String, Client>,
    /// By lower-cased username.
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) codes: HashMap<String, AuthCode>,
    pub(crate) sessions: HashMap<String, HostedSession>,
    pub(crate) refresh_tokens: HashMap<String, RefreshGrant>,
    /// `origin_jti`s of revoked refresh tokens, until their access tokens expire:
    /// userInfo refuses those access tokens.
    pub(crate) revoked_origins: BTreeMap<String, u64>,
    #[serde(default)]
    pub(crate) groups: BTreeMap<String, Group>,
    /// Sign-ins waiting for a challenge answer, by `Session`.
    #[serde(default)]
    pub(crate) challenges: HashMap<String, Challenge>,
    /// What the pool "sent", newest last.
    #[serde(skip)]
    pub(crate) outbox: Vec<Message>,
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
        self.challenges.retain(|_, c| c.expires_at() > now);
    }

    /// Makes sure every group a user names exists.
    pub(crate) fn ensure_groups(&mut self, names: &[String], now: u64) {
        for name in names {
            self.groups
                .entry(name.clone())
                .or_insert_with(|| Group::named(name, now));
        }
    }

    /// Records a message "sent" to a user, keeping the last hundred.
    pub(crate) fn send(&mut self, username: &str, kind: MessageKind, value: &str) {
        self.outbox.push(Message {
            username: username.to_owned(),
            kind,
            value: value.to_owned(),
        });
        let excess = self.outbox.len().saturating_sub(100);
        self.outbox.drain(..excess);
    }
}
