//! What every request handler shares: the pools (by id, and by app client),
//! the emulator's facts, call counters and injected faults.

use crate::clock::Clock;
use crate::pool::{Client, UserPool};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

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

/// Which endpoint a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultTarget {
    Jwks,
    Token,
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
    counters: Mutex<Counters>,
    faults: Mutex<HashMap<FaultTarget, Fault>>,
}

impl Emulator {
    pub(crate) fn new(
        base_url: String,
        allowed_hosts: Vec<String>,
        test_hooks: bool,
        clock: Clock,
        pool: UserPool,
    ) -> Self {
        let default_pool = pool.id().to_owned();
        Self {
            secure_cookies: base_url.starts_with("https://"),
            base_url,
            allowed_hosts,
            test_hooks,
            clock,
            pools: RwLock::new(BTreeMap::from([(default_pool.clone(), Arc::new(pool))])),
            default_pool,
            counters: Mutex::new(Counters::default()),
            faults: Mutex::new(HashMap::new()),
        }
    }

    /// A pool by id.
    pub(crate) fn pool(&self, id: &str) -> Option<Arc<UserPool>> {
        self.pools
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    /// The pool of the TOML config.
    pub(crate) fn default_pool(&self) -> Arc<UserPool> {
        self.pool(&self.default_pool)
            .expect("the configured pool is never removed")
    }

    /// The pool an app client belongs to, with the client.
    pub(crate) fn client(&self, client_id: &str) -> Option<(Arc<UserPool>, Client)> {
        let pools = self.pools.read().unwrap_or_else(|e| e.into_inner());
        pools
            .values()
            .find_map(|pool| pool.client(client_id).map(|c| (pool.clone(), c)))
    }

    pub(crate) fn counters(&self) -> MutexGuard<'_, Counters> {
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, HashMap<FaultTarget, Fault>> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}
