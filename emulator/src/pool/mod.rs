//! One Cognito user pool: its clients, users, codes, sessions, refresh tokens
//! and signing keys, behind one lock taken once per operation. Route modules
//! only parse, call a method here, and render what it returns.

mod auth;
mod clients;
mod codes;
mod directory;
mod error;
mod groups;
mod lockout;
mod model;
mod oauth;
mod password;
mod selfservice;
mod srp;
mod tokens;
mod users;

pub(crate) use auth::{AuthOutcome, VerifierAnswer};
pub(crate) use clients::{ClientSpec, Validity};
pub(crate) use codes::constant_time_eq;
pub(crate) use directory::{page, AdminCreate, Filter, UserRecord, MAX_PAGE};
pub(crate) use groups::NewGroup;
pub(crate) use selfservice::mask_email;
#[cfg(feature = "testing")]
pub(crate) use srp::ClientSession as SrpClientSession;

pub(crate) use error::PoolError;
pub(crate) use model::{AuthCode, Client, SignIn};
pub(crate) use oauth::{random_string, ClientAuthError, GrantError, IssuedGrant};
pub use password::HashCost;
pub(crate) use users::{NewUser, PasswordSignIn};

use crate::clock::Clock;
use crate::config::{EmulatorConfig, UserConfig};
use crate::keys::{KeyError, KeyRing, KeySnapshot};
use crate::persist::Journal;
use model::{Credentials, PoolState, User};
pub(crate) use model::{Group, MessageKind, PasswordPolicy, PoolSettings};
use password::PasswordHasher;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};

/// The hosted-UI session cookie lasts 1 hour whatever the token lifetimes.
pub(crate) const SESSION_LIFETIME_SECS: u64 = 60 * 60;
/// Authorization codes live 5 minutes, as Cognito's.
pub(crate) const CODE_LIFETIME_SECS: u64 = 5 * 60;

/// The facts a pool is built from.
pub(crate) struct PoolFacts {
    pub(crate) id: String,
    pub(crate) region: String,
    pub(crate) issuer: String,
    pub(crate) clock: Clock,
    pub(crate) hash_cost: HashCost,
    pub(crate) rotation_overlap_secs: u64,
    pub(crate) journal: Option<Arc<Journal>>,
}

/// A pool as the state file keeps it.
#[derive(Serialize, Deserialize)]
pub(crate) struct PoolSnapshot {
    region: String,
    state: PoolState,
    keys: KeySnapshot,
}

pub(crate) struct UserPool {
    id: String,
    region: String,
    issuer: String,
    clock: Clock,
    hasher: PasswordHasher,
    /// Verified against when a user does not exist, so timing tells nothing.
    decoy_hash: String,
    rotation_overlap_secs: u64,
    state: Mutex<PoolState>,
    keys: RwLock<KeyRing>,
    journal: Option<Arc<Journal>>,
    /// Set by `DeleteUserPool`: a request still in flight must not write it back.
    deleted: AtomicBool,
}

impl UserPool {
    /// A pool from the TOML config, or from its snapshot when the state file has one.
    /// Config users and clients the snapshot lacks are added to it.
    pub(crate) fn open(
        config: &EmulatorConfig,
        facts: PoolFacts,
        snapshot: Option<PoolSnapshot>,
    ) -> Result<Self, KeyError> {
        let hasher = PasswordHasher::new(facts.hash_cost);
        let (mut state, keys) = match snapshot {
            Some(snapshot) => (snapshot.state, KeyRing::restore(&snapshot.keys)?),
            None => (
                PoolState::default(),
                KeyRing::load_or_generate(
                    config.keys.access_key.as_deref(),
                    config.keys.id_key.as_deref(),
                )?,
            ),
        };
        for client in &config.clients {
            state
                .clients
                .entry(client.id.clone())
                .or_insert_with(|| client.into());
        }
        let now = facts.clock.now();
        if state.settings.name.is_empty() {
            state.settings.name = facts.id.clone();
            state.settings.created_at = now;
            state.settings.modified_at = now;
        }
        let pool_name = pool_name(&facts.id).to_owned();
        for user in &config.users {
            if state.user(&user.username).is_none() {
                let credentials = Credentials {
                    hash: hasher.hash(&user.password),
                    srp: srp::verifier(&pool_name, &user.username, &user.password),
                };
                let user = configured_user(user, credentials, now);
                state.ensure_groups(&user.groups, now);
                state.users.insert(user.username.to_lowercase(), user);
            }
        }
        Ok(Self::assemble(facts, state, keys))
    }

    /// A new, empty pool (`CreateUserPool`), with fresh keys.
    pub(crate) fn create(facts: PoolFacts, settings: PoolSettings) -> Result<Self, KeyError> {
        let state = PoolState {
            settings,
            ..PoolState::default()
        };
        Ok(Self::assemble(facts, state, KeyRing::generate()?))
    }

    /// A pool the state file kept (one created through the API).
    pub(crate) fn restore(facts: PoolFacts, snapshot: PoolSnapshot) -> Result<Self, KeyError> {
        let keys = KeyRing::restore(&snapshot.keys)?;
        Ok(Self::assemble(facts, snapshot.state, keys))
    }

    /// The region a snapshot's pool lives in.
    pub(crate) fn snapshot_region(snapshot: &PoolSnapshot) -> &str {
        &snapshot.region
    }

    fn assemble(facts: PoolFacts, state: PoolState, keys: KeyRing) -> Self {
        let hasher = PasswordHasher::new(facts.hash_cost);
        let pool = Self {
            decoy_hash: hasher.hash("decoy password that no user has"),
            id: facts.id,
            region: facts.region,
            issuer: facts.issuer,
            clock: facts.clock,
            hasher,
            rotation_overlap_secs: facts.rotation_overlap_secs,
            state: Mutex::new(state),
            keys: RwLock::new(keys),
            journal: facts.journal,
            deleted: AtomicBool::new(false),
        };
        pool.persist(&pool.lock());
        pool
    }

    /// Marks the pool deleted and drops it from the state file.
    pub(crate) fn mark_deleted(&self) {
        let _state = self.lock();
        self.deleted.store(true, Ordering::SeqCst);
        if let Some(journal) = &self.journal {
            if let Err(e) = journal.forget(&self.id) {
                tracing::error!(pool = %self.id, error = %e, "cannot write the state file");
            }
        }
    }

    /// The pool's settings (`DescribeUserPool`).
    pub(crate) fn settings(&self) -> PoolSettings {
        self.read(|state, _| state.settings.clone())
    }

    /// How many users the pool has (`EstimatedNumberOfUsers`).
    pub(crate) fn user_count(&self) -> usize {
        self.read(|state, _| state.users.len())
    }

    pub(crate) fn region(&self) -> &str {
        &self.region
    }

    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    pub(crate) fn now(&self) -> u64 {
        self.clock.now()
    }

    /// The pool's name for SRP: the part of its id after `_`.
    fn srp_name(&self) -> &str {
        pool_name(&self.id)
    }

    /// The hash and SRP verifier of a new password (slow: call outside the lock).
    fn credentials(&self, username: &str, password: &str) -> Credentials {
        Credentials {
            hash: self.hasher.hash(password),
            srp: srp::verifier(self.srp_name(), username, password),
        }
    }

    /// The state. A poisoned lock only means a handler panicked mid-update;
    /// the data is still the best we have, so keep serving.
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn keys(&self) -> RwLockReadGuard<'_, KeyRing> {
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the state once.
    fn read<T>(&self, op: impl FnOnce(&PoolState, u64) -> T) -> T {
        let now = self.clock.now();
        op(&self.lock(), now)
    }

    /// Changes the state once, and persists it before the answer goes out.
    fn write<T>(&self, op: impl FnOnce(&mut PoolState, u64) -> T) -> T {
        let now = self.clock.now();
        let mut state = self.lock();
        state.prune(now);
        let out = op(&mut state, now);
        self.persist(&state);
        out
    }

    /// Hands the state (lock held, so snapshots are in order) to the journal.
    fn persist(&self, state: &PoolState) {
        if self.deleted.load(Ordering::SeqCst) {
            return;
        }
        if let Some(journal) = &self.journal {
            let snapshot = PoolSnapshot {
                region: self.region.clone(),
                state: state.clone(),
                keys: self.keys().snapshot(),
            };
            if let Err(e) = journal.save(&self.id, &snapshot) {
                tracing::error!(pool = %self.id, error = %e, "cannot write the state file");
            }
        }
    }

    /// An app client of this pool.
    pub(crate) fn client(&self, id: &str) -> Option<Client> {
        self.read(|state, _| state.clients.get(id).cloned())
    }

    /// The JWKS document: `{"keys": [...]}`.
    pub(crate) fn jwks(&self) -> serde_json::Value {
        self.keys().jwks(self.clock.now())
    }

    /// Replaces both signing keys; the old ones stay published for `overlap_secs`
    /// (the configured overlap when `None`). Returns the new kids.
    pub(crate) fn rotate_keys(
        &self,
        overlap_secs: Option<u64>,
    ) -> Result<(String, String), KeyError> {
        // Generation is slow: outside every lock.
        let fresh = KeyRing::generate()?;
        let overlap = overlap_secs.unwrap_or(self.rotation_overlap_secs);
        let now = self.clock.now();
        let state = self.lock();
        let kids = {
            let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
            keys.rotate(fresh, overlap, now);
            (keys.access().kid.clone(), keys.id().kid.clone())
        };
        self.persist(&state);
        Ok(kids)
    }
}

/// A claim of a JWT's payload, read without checking anything (to find the
/// pool whose keys then check it).
pub(crate) fn unverified_claim(token: &str, name: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get(name)?.as_str().map(str::to_owned)
}

/// `LocalDev1` of `eu-west-1_LocalDev1`.
fn pool_name(id: &str) -> &str {
    id.split_once('_').map_or(id, |(_, name)| name)
}

/// A user from the TOML file: confirmed, its development password hashed now.
fn configured_user(config: &UserConfig, credentials: Credentials, now: u64) -> User {
    let mut user = User::new(&config.username, credentials, now);
    if let Some(sub) = &config.sub {
        user.sub = sub.clone();
    }
    user.email = config.email.clone();
    user.email_verified = config.email_verified;
    user.groups = config.groups.clone();
    user
}
