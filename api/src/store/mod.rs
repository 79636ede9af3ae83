//! KPI records in SQL: SQLite by default, PostgreSQL for shared deployments,
//! through sqlx's `Any` driver with embedded migrations per backend.

mod cache;
mod seed;

pub use cache::{Records, MAX_AGE as RECORDS_MAX_AGE};

use crate::clock::Clock;
use crate::config::redact_password;
use cache::RecordCache;
use shared::dto::{KpiInput, KpiRecord};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, FromRow};
use std::path::Path;
use std::sync::Arc;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no KPI record with id {0}")]
    NotFound(i64),
    #[error("a {kpi} record for {period} already exists")]
    Duplicate { kpi: String, period: String },
    #[error("DATABASE_URL {0:?} names no supported database (sqlite:// or postgres://)")]
    UnsupportedUrl(String),
    #[error("cannot create the database directory {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("cannot encode the records: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Which of `kpi_records` `GET /stats` returns.
#[derive(Debug, Default, Clone)]
pub struct StatFilter {
    pub kpi: Option<String>,
    pub year: Option<i32>,
}

impl StatFilter {
    pub fn is_all(&self) -> bool {
        self.kpi.is_none() && self.year.is_none()
    }

    /// What `WHERE kpi = $1 AND period LIKE 'YYYY%'` keeps.
    fn keeps(&self, record: &KpiRecord) -> bool {
        self.kpi.as_ref().is_none_or(|kpi| &record.kpi == kpi)
            && self
                .year
                .is_none_or(|year| record.period.starts_with(&format!("{year:04}")))
    }
}

#[derive(FromRow)]
struct Row {
    id: i64,
    kpi: String,
    period: String,
    value: f64,
    created_date: String,
    modified_date: String,
}

impl From<Row> for KpiRecord {
    fn from(row: Row) -> Self {
        // Periods are validated as YYYYMM before they are stored.
        let year = row
            .period
            .get(..4)
            .and_then(|y| y.parse().ok())
            .unwrap_or(0);
        let month = row
            .period
            .get(4..6)
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        Self {
            id: row.id,
            kpi: row.kpi,
            period: row.period,
            year,
            month,
            value: row.value,
            created_date: row.created_date,
            modified_date: row.modified_date,
        }
    }
}

/// The database, and the records `GET /stats` serves cached in front of it
/// (shared by every clone; see `cache.rs` for when a write shows).
#[derive(Clone)]
pub struct StatsStore {
    pool: AnyPool,
    records: Arc<RecordCache>,
}

impl StatsStore {
    /// Connects, creating a SQLite file's directory if needed, and migrates.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let migrator = if url.starts_with("sqlite:") {
            create_sqlite_dir(url)?;
            &SQLITE_MIGRATIONS
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            &POSTGRES_MIGRATIONS
        } else {
            return Err(StoreError::UnsupportedUrl(redact_password(url)));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(5)
            .connect(url)
            .await?;
        migrator.run(&pool).await?;
        Ok(Self {
            pool,
            records: Arc::new(RecordCache::new(Clock::system())),
        })
    }

    /// The same database with the record cache on `clock` (the API's, which tests advance).
    pub fn with_clock(self, clock: Clock) -> Self {
        Self {
            records: Arc::new(RecordCache::new(clock)),
            ..self
        }
    }

    /// Seeds two full years of `sales`, `cost` and `revenue` the first time a
    /// database is used; returns whether it did. Never seeds twice, even if
    /// every record was deleted since.
    pub async fn seed_if_new(&self) -> Result<bool, StoreError> {
        let now = timestamp();
        let this_year = OffsetDateTime::now_utc().year();
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "INSERT INTO app_meta (key, value) VALUES ('seeded', $1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(false);
        }
        let _writing = self.records.writing();
        for record in seed::records(this_year - 2..=this_year - 1) {
            sqlx::query(
                "INSERT INTO kpi_records (kpi, period, value, created_date, modified_date) \
                 VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(record.kpi)
            .bind(record.period)
            .bind(record.value)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Every record in kpi and period order, with its JSON: from the cache
    /// while it is fresh, else read (one reader at a time) and cached.
    pub async fn all_records(&self) -> Result<Arc<Records>, StoreError> {
        if let Some(records) = self.records.fresh() {
            return Ok(records);
        }
        let _loading = self.records.loading.lock().await;
        if let Some(records) = self.records.fresh() {
            return Ok(records);
        }
        let ticket = self.records.ticket();
        let records = self.read_all().await?;
        let json = serde_json::to_vec(&records)?.into();
        let records = Arc::new(Records { records, json });
        self.records.store(ticket, records.clone());
        Ok(records)
    }

    /// The records `filter` keeps, in kpi and period order.
    pub async fn list(&self, filter: &StatFilter) -> Result<Vec<KpiRecord>, StoreError> {
        let all = self.all_records().await?;
        Ok(all
            .records
            .iter()
            .filter(|r| filter.keeps(r))
            .cloned()
            .collect())
    }

    async fn read_all(&self) -> Result<Vec<KpiRecord>, StoreError> {
        let rows = sqlx::query_as::<_, Row>(
            "SELECT id, kpi, period, value, created_date, modified_date FROM kpi_records \
             ORDER BY kpi, period",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(KpiRecord::from).collect())
    }

    pub async fn create(&self, input: &KpiInput) -> Result<KpiRecord, StoreError> {
        let _writing = self.records.writing();
        let now = timestamp();
        let row = sqlx::query_as::<_, Row>(
            "INSERT INTO kpi_records (kpi, period, value, created_date, modified_date) \
             VALUES ($1, $2, $3, $4, $4) \
             RETURNING id, kpi, period, value, created_date, modified_date",
        )
        .bind(&input.kpi)
        .bind(&input.period)
        .bind(input.value)
        .bind(&now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| duplicate_or(e, input))?;
        Ok(row.into())
    }

    pub async fn update(&self, id: i64, input: &KpiInput) -> Result<KpiRecord, StoreError> {
        let _writing = self.records.writing();
        let row = sqlx::query_as::<_, Row>(
            "UPDATE kpi_records SET kpi = $1, period = $2, value = $3, modified_date = $4 \
             WHERE id = $5 \
             RETURNING id, kpi, period, value, created_date, modified_date",
        )
        .bind(&input.kpi)
        .bind(&input.period)
        .bind(input.value)
        .bind(timestamp())
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| duplicate_or(e, input))?;
        row.map(KpiRecord::from).ok_or(StoreError::NotFound(id))
    }

    pub async fn delete(&self, id: i64) -> Result<(), StoreError> {
        let _writing = self.records.writing();
        let deleted = sqlx::query("DELETE FROM kpi_records WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// The connection pool (the auth layer's session records share the database).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the pool's connections (tests, shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn duplicate_or(e: sqlx::Error, input: &KpiInput) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate {
            kpi: input.kpi.clone(),
            period: input.period.clone(),
        },
        _ => e.into(),
    }
}

/// Now, RFC 3339 to the second.
fn timestamp() -> String {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// `sqlite://data/kpi.db?mode=rwc` → creates `data/`.
fn create_sqlite_dir(url: &str) -> Result<(), StoreError> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    match Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Directory {
                path: dir.display().to_string(),
                source,
            })
        }
        _ => Ok(()),
    }
}
