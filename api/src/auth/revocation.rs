//! Sessions that end on every instance: sign-outs and "sign out everywhere"
//! are written to the database, and each instance re-reads what is revoked
//! at most once a second, so every instance refuses a revoked session within
//! a second while a request costs two in-memory lookups.

use super::validate::{token_hash, AccessClaims};
use crate::clock::Clock;
use crate::store::{StatsStore, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::RwLock;
use std::time::Duration;

/// How stale this instance's copy may be.
const RELOAD_EVERY: Duration = Duration::from_secs(1);
/// How long a signed-out refresh token stays refused here (Cognito refuses it for good).
const REFRESH_RETENTION_SECS: u64 = 30 * 24 * 60 * 60;
/// Access tokens live at most a day (Cognito's maximum).
const LONGEST_ACCESS_TOKEN_SECS: u64 = 24 * 60 * 60;

#[derive(Default)]
struct Snapshot {
    sessions: HashSet<String>,
    users: HashMap<String, u64>,
    loaded_at: Option<Duration>,
}

/// This instance's view of the revocations in the database.
pub struct RevocationList {
    store: StatsStore,
    clock: Clock,
    snapshot: RwLock<Snapshot>,
    loading: tokio::sync::Mutex<()>,
}

fn origin_key(origin_jti: &str) -> String {
    format!("o:{origin_jti}")
}

fn refresh_key(refresh_token: &str) -> String {
    let hash = token_hash(refresh_token);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("r:{hex}")
}

fn secs(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl RevocationList {
    pub fn new(store: StatsStore, clock: Clock) -> Self {
        Self {
            store,
            clock,
            snapshot: RwLock::new(Snapshot::default()),
            loading: tokio::sync::Mutex::new(()),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Snapshot> {
        self.snapshot.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Re-reads the database when this copy is older than a second. A
    /// database error keeps the copy (and is logged): the next request retries.
    async fn fresh(&self) {
        let now = self.clock.now();
        let stale = |s: &Snapshot| {
            s.loaded_at
                .is_none_or(|at| now.saturating_sub(at) >= RELOAD_EVERY)
        };
        if !stale(&self.read()) {
            return;
        }
        let _loading = self.loading.lock().await;
        if !stale(&self.read()) {
            return;
        }
        match self.store.revocations(secs(self.clock.unix_secs())).await {
            Ok(loaded) => {
                let mut snapshot = self.write();
                snapshot.sessions = loaded.sessions.into_iter().collect();
                snapshot.users = loaded
                    .users
                    .into_iter()
                    .map(|(sub, at)| (sub, u64::try_from(at).unwrap_or(0)))
                    .collect();
                snapshot.loaded_at = Some(now);
            }
            Err(e) => tracing::warn!(error = %e, "cannot read revocations; using the last copy"),
        }
    }

    /// Why this access token's session is over, if it is.
    pub async fn refusal(&self, claims: &AccessClaims) -> Option<&'static str> {
        self.fresh().await;
        let snapshot = self.read();
        if claims
            .origin_jti
            .as_deref()
            .is_some_and(|origin| snapshot.sessions.contains(&origin_key(origin)))
        {
            return Some("the session was signed out");
        }
        if snapshot
            .users
            .get(&claims.sub)
            // Seconds are all `iat` has: one issued in the very second of the
            // sign-out may predate it, so it is refused too.
            .is_some_and(|revoked_at| claims.iat <= *revoked_at)
        {
            return Some("the user was signed out everywhere");
        }
        None
    }

    /// Whether a refresh token was signed out.
    pub async fn refresh_revoked(&self, refresh_token: &str) -> bool {
        self.fresh().await;
        self.read().sessions.contains(&refresh_key(refresh_token))
    }

    /// Records a sign-out: the session (its access tokens) and its refresh token.
    pub async fn sign_out(
        &self,
        claims: &AccessClaims,
        refresh_token: &str,
    ) -> Result<(), StoreError> {
        let now = self.clock.unix_secs();
        let mut keys = vec![(
            refresh_key(refresh_token),
            now.saturating_add(REFRESH_RETENTION_SECS),
        )];
        if let Some(origin) = &claims.origin_jti {
            keys.push((
                origin_key(origin),
                claims.exp.saturating_add(LONGEST_ACCESS_TOKEN_SECS),
            ));
        }
        for (key, until) in keys {
            self.store.revoke_session(&key, secs(until)).await?;
            self.write().sessions.insert(key);
        }
        Ok(())
    }

    /// Records that every access token of `sub` issued until now is refused.
    pub async fn sign_out_everywhere(&self, sub: &str) -> Result<(), StoreError> {
        let now = self.clock.unix_secs();
        self.store
            .revoke_user(
                sub,
                secs(now),
                secs(now.saturating_add(LONGEST_ACCESS_TOKEN_SECS)),
            )
            .await?;
        self.write().users.insert(sub.to_owned(), now);
        Ok(())
    }
}
