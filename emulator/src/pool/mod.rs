//! One Cognito user pool: its clients, users, codes, sessions, refresh tokens
//! and signing keys, behind one lock taken once per operation. Route modules
//! only parse, call a method here, and render what it returns.

mod codes;
mod error;
mod lockout;
mod model;
mod oauth;
mod password;
mod tokens;
mod users;

pub(crate) use error::PoolError;
pub(crate) use model::{AuthCode, Client, SignIn};
pub(crate) use oauth::{random_string, ClientAuthError, GrantError, IssuedGrant};
pub use password::HashCost;
pub(crate) use users::{NewUser, PasswordSignIn};

use crate::clock::Clock;
use crate::config::{EmulatorConfig, UserConfig};
use crate::keys::{KeyError, KeyRing, KeySnapshot};
use crate::persist::Journal;
use model::{PoolState, User, UserStatus};
use password::PasswordHasher;
use serde::{Deserialize, Serialize};
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
        for user in &config.users {
            if state.user(&user.username).is_none() {
                let user = configured_user(user, &hasher);
                state.groups.extend(user.groups.iter().cloned());
                state.users.insert(user.username.to_lowercase(), user);
            }
        }
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
        };
        pool.persist(&pool.lock());
        Ok(pool)
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

/// A user from the TOML file: confirmed, its development password hashed now.
fn configured_user(config: &UserConfig, hasher: &PasswordHasher) -> User {
    User {
        sub: config
            .sub
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        username: config.username.clone(),
        password_hash: hasher.hash(&config.password),
        email: config.email.clone(),
        email_verified: config.email_verified,
        groups: config.groups.clone(),
        status: UserStatus::Confirmed,
        confirmation: None,
        reset: None,
        codes_sent: Vec::new(),
        failed_sign_ins: 0,
        locked_until: 0,
    }
}
