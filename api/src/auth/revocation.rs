//! Sessions that end on every instance: sign-outs and "sign out everywhere"
//! are written to the database, and each instance re-reads what is revoked
//! at most once a second, so every instance refuses a revoked session within
//! a second while a request costs two in-memory lookups.

use super::error::AuthError;
use super::store::SessionStore;
use super::tokens::{hex, RefreshToken, TokenHash};
use super::validate::AccessClaims;
use crate::clock::Clock;
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
    /// Sign-outs the database did not take yet (key, until): kept across
    /// reloads and written again on the next one, so none is lost.
    unsaved: Vec<(String, u64)>,
}

/// This instance's view of the revocations in the database. It holds every
/// revocation in force (no capacity to flush), and lapsed ones leave it when
/// the database forgets them.
pub struct RevocationList {
    store: SessionStore,
    clock: Clock,
    snapshot: RwLock<Snapshot>,
    loading: tokio::sync::Mutex<()>,
}

fn origin_key(origin_jti: &str) -> String {
    format!("o:{origin_jti}")
}

fn refresh_key(refresh_token: &RefreshToken) -> String {
    format!("r:{}", hex(&refresh_token.hash()))
}

/// An access token without `origin_jti` is refused by its own hash.
fn access_key(token: &TokenHash) -> String {
    format!("t:{}", hex(token))
}

fn secs(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl RevocationList {
    pub fn new(store: SessionStore, clock: Clock) -> Self {
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
        let unsaved = std::mem::take(&mut self.write().unsaved);
        let still_unsaved = self.save(unsaved).await;
        match self.store.revocations(secs(self.clock.unix_secs())).await {
            Ok(loaded) => {
                let mut snapshot = self.write();
                snapshot.sessions = loaded.sessions.into_iter().collect();
                snapshot
                    .sessions
                    .extend(still_unsaved.iter().map(|(key, _)| key.clone()));
                snapshot.unsaved.extend(still_unsaved);
                snapshot.users = loaded
                    .users
                    .into_iter()
                    .map(|(sub, at)| (sub, u64::try_from(at).unwrap_or(0)))
                    .collect();
                snapshot.loaded_at = Some(now);
            }
            Err(e) => {
                self.write().unsaved.extend(still_unsaved);
                tracing::warn!(error = %e, "cannot read revocations; using the last copy");
            }
        }
    }

    /// Why this access token's session is over, if it is.
    pub async fn refusal(&self, claims: &AccessClaims, token: &TokenHash) -> Option<&'static str> {
        self.fresh().await;
        let snapshot = self.read();
        let session = match claims.origin_jti.as_deref() {
            Some(origin) => origin_key(origin),
            None => access_key(token),
        };
        if snapshot.sessions.contains(&session) {
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
    pub async fn refresh_revoked(&self, refresh_token: &RefreshToken) -> bool {
        self.fresh().await;
        self.read().sessions.contains(&refresh_key(refresh_token))
    }

    /// Records a sign-out: the session (its access tokens) and its refresh token.
    pub async fn sign_out(
        &self,
        claims: &AccessClaims,
        token: &TokenHash,
        refresh_token: &RefreshToken,
    ) -> Result<(), AuthError> {
        let now = self.clock.unix_secs();
        let session = match &claims.origin_jti {
            // Later access tokens of the session share it: keep it as long as they can live.
            Some(origin) => (
                origin_key(origin),
                claims.exp.saturating_add(LONGEST_ACCESS_TOKEN_SECS),
            ),
            None => (
                access_key(token),
                claims.exp.saturating_add(LONGEST_ACCESS_TOKEN_SECS),
            ),
        };
        let keys = [
            (
                refresh_key(refresh_token),
                now.saturating_add(REFRESH_RETENTION_SECS),
            ),
            session,
        ];
        // Refused here at once, whatever the database says.
        self.write()
            .sessions
            .extend(keys.iter().map(|(key, _)| key.clone()));
        let unsaved = self.save(keys.to_vec()).await;
        if unsaved.is_empty() {
            return Ok(());
        }
        self.write().unsaved.extend(unsaved);
        Err(AuthError::Store(
            "the sign-out is refused here but not yet recorded for other instances; retrying"
                .into(),
        ))
    }

    /// Writes revoked session keys; returns those the database did not take.
    async fn save(&self, keys: Vec<(String, u64)>) -> Vec<(String, u64)> {
        let now = self.clock.unix_secs();
        let mut failed = Vec::new();
        for (key, until) in keys {
            if until <= now {
                continue;
            }
            if let Err(e) = self.store.revoke_session(&key, secs(until)).await {
                tracing::warn!(error = %e, "cannot record a sign-out; will retry");
                failed.push((key, until));
            }
        }
        failed
    }

    /// Records that every access token of `sub` issued until now is refused.
    pub async fn sign_out_everywhere(&self, sub: &str) -> Result<(), AuthError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StatsStore;

    fn claims(origin: &str) -> AccessClaims {
        AccessClaims {
            sub: "sub".into(),
            iss: "iss".into(),
            client_id: "client".into(),
            token_use: "access".into(),
            username: "user".into(),
            scope: String::new(),
            groups: Vec::new(),
            exp: u64::MAX / 4,
            iat: 0,
            origin_jti: Some(origin.into()),
            nbf: None,
        }
    }

    #[actix_web::test]
    async fn no_volume_of_sign_outs_flushes_an_earlier_one() {
        let file = std::env::temp_dir().join(format!("revocations-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let store = StatsStore::connect(&url).await.expect("database");
        let clock = Clock::system();
        let list = RevocationList::new(SessionStore::new(store.pool().clone()), clock.clone());
        let first = claims("first-session");
        let refresh = RefreshToken::from("refresh".to_owned());
        list.sign_out(&first, &[0; 32], &refresh)
            .await
            .expect("recorded");
        // Fifty thousand later sign-outs, as other instances would record them.
        sqlx::query(
            "INSERT INTO revoked_sessions (key, expires_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) \
             SELECT 'o:later-' || i, 4000000000 FROM n",
        )
        .execute(store.pool())
        .await
        .expect("bulk sign-outs");
        clock.advance(RELOAD_EVERY);
        assert_eq!(
            list.refusal(&first, &[0; 32]).await,
            Some("the session was signed out")
        );
        assert!(list
            .refusal(&claims("later-49999"), &[0; 32])
            .await
            .is_some());
        assert!(list
            .refusal(&claims("never-signed-out"), &[0; 32])
            .await
            .is_none());
        assert!(list.refresh_revoked(&refresh).await);
        store.close().await;
        let _ = std::fs::remove_file(file);
    }
}
