//! Revoked sessions and users, shared by every API instance on one database.

use super::{StatsStore, StoreError};

/// Every revocation still in force.
#[derive(Debug, Default, Clone)]
pub struct Revocations {
    /// `o:{origin_jti}` and `r:{sha256 of a refresh token}`.
    pub sessions: Vec<String>,
    /// `(sub, revoked_at)`.
    pub users: Vec<(String, i64)>,
}

impl StatsStore {
    /// Records a revoked session key until `expires_at` (Unix seconds).
    pub async fn revoke_session(&self, key: &str, expires_at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO revoked_sessions (key, expires_at) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at",
        )
        .bind(key)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that `sub`'s tokens issued before `revoked_at` are refused until `expires_at`.
    pub async fn revoke_user(
        &self,
        sub: &str,
        revoked_at: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO revoked_users (sub, revoked_at, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (sub) DO UPDATE SET revoked_at = excluded.revoked_at, \
             expires_at = excluded.expires_at",
        )
        .bind(sub)
        .bind(revoked_at)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What is revoked at `now`; what has lapsed is deleted on the way.
    pub async fn revocations(&self, now: i64) -> Result<Revocations, StoreError> {
        sqlx::query("DELETE FROM revoked_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM revoked_users WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        let sessions: Vec<(String,)> = sqlx::query_as("SELECT key FROM revoked_sessions")
            .fetch_all(&self.pool)
            .await?;
        let users: Vec<(String, i64)> = sqlx::query_as("SELECT sub, revoked_at FROM revoked_users")
            .fetch_all(&self.pool)
            .await?;
        Ok(Revocations {
            sessions: sessions.into_iter().map(|(k,)| k).collect(),
            users,
        })
    }
}
