//! What the auth layer keeps in the database, so that every instance on it
//! agrees: revoked sessions and users, and the claims and sealed answers of
//! refreshes in flight. The tables are in the API's migrations
//! (`migrations/*/20261201000001_revocations.sql`, `…02_refresh_results.sql`).

use super::error::AuthError;
use sqlx::AnyPool;

/// Every revocation still in force.
#[derive(Debug, Default, Clone)]
pub(crate) struct Revocations {
    /// `o:{origin_jti}`, `t:{sha256 of an access token}`, `r:{sha256 of a refresh token}`.
    pub(crate) sessions: Vec<String>,
    /// `(sub, revoked_at)`.
    pub(crate) users: Vec<(String, i64)>,
}

/// Where a refresh claim stands, as another instance sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Claim {
    /// This instance holds the claim: it asks Cognito.
    Ours,
    /// Another instance is asking Cognito until `claimed_until`.
    Pending { claimed_until: i64 },
    /// Cognito answered; the answer is sealed under the old refresh token.
    Sealed(String),
    /// Cognito refused the refresh token.
    Refused,
}

/// The auth layer's tables on one database (SQLite or PostgreSQL).
#[derive(Clone)]
pub struct SessionStore {
    pool: AnyPool,
}

impl SessionStore {
    /// On `pool`, whose database has the tables of the API's migrations.
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    /// Records a revoked session key until `expires_at` (Unix seconds).
    pub(crate) async fn revoke_session(&self, key: &str, expires_at: i64) -> Result<(), AuthError> {
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
    pub(crate) async fn revoke_user(
        &self,
        sub: &str,
        revoked_at: i64,
        expires_at: i64,
    ) -> Result<(), AuthError> {
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
    pub(crate) async fn revocations(&self, now: i64) -> Result<Revocations, AuthError> {
        for table in ["revoked_sessions", "revoked_users", "refresh_results"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE expires_at <= $1"
            )))
            .bind(now)
            .execute(&self.pool)
            .await?;
        }
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

    /// Claims the refresh of `key` until `claimed_until`, unless another
    /// instance holds a live claim or an answer within the window.
    pub(crate) async fn claim_refresh(
        &self,
        key: &str,
        now: i64,
        claimed_until: i64,
        expires_at: i64,
    ) -> Result<Claim, AuthError> {
        let claimed = sqlx::query(
            "INSERT INTO refresh_results (key, claimed_until, sealed, refused, expires_at) \
             VALUES ($1, $2, NULL, 0, $3) \
             ON CONFLICT (key) DO UPDATE SET claimed_until = excluded.claimed_until, \
             sealed = NULL, refused = 0, expires_at = excluded.expires_at \
             WHERE refresh_results.expires_at <= $4 \
             OR (refresh_results.sealed IS NULL AND refresh_results.refused = 0 \
                 AND refresh_results.claimed_until < $4)",
        )
        .bind(key)
        .bind(claimed_until)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if claimed == 1 {
            return Ok(Claim::Ours);
        }
        let row: Option<(i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT claimed_until, sealed, refused FROM refresh_results WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            // Deleted between the two statements: the next attempt claims it.
            None => Claim::Pending { claimed_until: now },
            Some((_, _, refused)) if refused != 0 => Claim::Refused,
            Some((_, Some(sealed), _)) => Claim::Sealed(sealed),
            Some((claimed_until, None, _)) => Claim::Pending { claimed_until },
        })
    }

    /// Publishes the answer to a claimed refresh: sealed tokens, or a refusal.
    pub(crate) async fn settle_refresh(
        &self,
        key: &str,
        sealed: Option<&str>,
    ) -> Result<(), AuthError> {
        sqlx::query("UPDATE refresh_results SET sealed = $2, refused = $3 WHERE key = $1")
            .bind(key)
            .bind(sealed)
            .bind(i64::from(sealed.is_none()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Gives a claim up (Cognito was unreachable): the next instance may try.
    pub(crate) async fn release_refresh(&self, key: &str) -> Result<(), AuthError> {
        sqlx::query(
            "DELETE FROM refresh_results WHERE key = $1 AND sealed IS NULL AND refused = 0",
        )
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
