//! What every request handler shares: the pools (by id, and by app client),
//! the emulator's facts, call counters and injected faults.

use crate::clock::Clock;
use crate::keys::KeyError;
use crate::persist::Journal;
use crate::pool::{random_string, Client, HashCost, PoolFacts, PoolSettings, UserPool};
use crate::IssuerMode;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};

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
    /// JSON API calls by action, as received.
    pub api: BTreeMap<String, u64>,
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

/// Which endpoint a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultTarget {
    Jwks,
    Token,
    /// `POST /oauth2/revoke`.
    Revoke,
    /// The JSON API (`POST /`).
    Api,
}

/// How new pools are made: the facts every pool shares.
pub(crate) struct PoolMaker {
    pub(crate) base_url: String,
    pub(crate) clock: Clock,
    pub(crate) region: String,
    pub(crate) issuer: IssuerMode,
    pub(crate) hash_cost: HashCost,
    pub(crate) rotation_overlap_secs: u64,
    pub(crate) journal: Option<Arc<Journal>>,
}

impl PoolMaker {
    /// The facts a pool with `id` in `region` gets.
    pub(crate) fn facts(&self, id: &str, region: &str) -> PoolFacts {
        PoolFacts {
            id: id.to_owned(),
            region: region.to_owned(),
            issuer: match self.issuer {
                IssuerMode::Local => format!("{}/{id}", self.base_url),
                IssuerMode::Aws => format!("https://cognito-idp.{region}.amazonaws.com/{id}"),
            },
            clock: self.clock.clone(),
            hash_cost: self.hash_cost,
            rotation_overlap_secs: self.rotation_overlap_secs,
            journal: self.journal.clone(),
        }
    }
}

pub(crate) struct Emulator {
    /// Hosted-UI base, e.g. `http://localhost:9229`.
    pub(crate) base_url: String,
    /// Host names (no port) the emulator answers to; anything else is a 421.
    pub(crate) allowed_hosts: Vec<String>,
    pub(crate) test_hooks: bool,
    /// The hosted-UI cookie gets `Secure` (the public URL is https).
    pub(crate) secure_cookies: bool,
    pub(crate) clock: Clock,
    pools: RwLock<BTreeMap<String, Arc<UserPool>>>,
    /// The pool of the TOML config: the one the hooks act on.
    default_pool: String,
    maker: PoolMaker,
    counters: Mutex<Counters>,
    faults: Mutex<HashMap<FaultTarget, Fault>>,
}

impl Emulator {
    pub(crate) fn new(
        base_url: String,
        allowed_hosts: Vec<String>,
        test_hooks: bool,
        clock: Clock,
        maker: PoolMaker,
        default_pool: UserPool,
        others: Vec<UserPool>,
    ) -> Self {
        let default_id = default_pool.id().to_owned();
        let pools = std::iter::once(default_pool)
            .chain(others)
            .map(|p| (p.id().to_owned(), Arc::new(p)))
            .collect();
        Self {
            secure_cookies: base_url.starts_with("https://"),
            base_url,
            allowed_hosts,
            test_hooks,
            clock,
            pools: RwLock::new(pools),
            default_pool: default_id,
            maker,
            counters: Mutex::new(Counters::default()),
            faults: Mutex::new(HashMap::new()),
        }
    }

    fn read_pools(&self) -> RwLockReadGuard<'_, BTreeMap<String, Arc<UserPool>>> {
        self.pools.read().unwrap_or_else(|e| e.into_inner())
    }

    /// A pool by id.
    pub(crate) fn pool(&self, id: &str) -> Option<Arc<UserPool>> {
        self.read_pools().get(id).cloned()
    }

    /// Every pool, by id.
    pub(crate) fn pools(&self) -> Vec<Arc<UserPool>> {
        self.read_pools().values().cloned().collect()
    }

    /// The pool of the TOML config.
    pub(crate) fn default_pool(&self) -> Arc<UserPool> {
        self.pool(&self.default_pool)
            .expect("the configured pool is never removed")
    }

    /// The pool an app client belongs to, with the client.
    pub(crate) fn client(&self, client_id: &str) -> Option<(Arc<UserPool>, Client)> {
        self.read_pools()
            .values()
            .find_map(|pool| pool.client(client_id).map(|c| (pool.clone(), c)))
    }

    /// `CreateUserPool`: a new pool with fresh keys, in the emulator's region.
    pub(crate) fn create_pool(&self, settings: PoolSettings) -> Result<Arc<UserPool>, KeyError> {
        let id = format!("{}_{}", self.maker.region, random_string(9));
        let pool = Arc::new(UserPool::create(
            self.maker.facts(&id, &self.maker.region),
            settings,
        )?);
        self.pools
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, pool.clone());
        Ok(pool)
    }

    /// `DeleteUserPool`; the configured pool cannot be deleted.
    pub(crate) fn delete_pool(&self, id: &str) -> Result<(), &'static str> {
        if id == self.default_pool {
            return Err("The emulator's configured pool cannot be deleted.");
        }
        let removed = self
            .pools
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
            .ok_or("User pool does not exist.")?;
        removed.mark_deleted();
        Ok(())
    }

    pub(crate) fn counters(&self) -> MutexGuard<'_, Counters> {
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, HashMap<FaultTarget, Fault>> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}
