//! The store on both databases it supports: SQLite (the default) and a real
//! PostgreSQL server, started here in a temporary directory on a free port.

use crate::postgres::Postgres;
use api::store::{StatFilter, StatsStore, StoreError};
use shared::dto::KpiInput;

fn input(kpi: &str, period: &str, value: f64) -> KpiInput {
    KpiInput {
        kpi: kpi.into(),
        period: period.into(),
        value,
    }
}

/// Everything the API asks of its store, against `url`.
async fn exercise_store(url: &str) {
    let store = StatsStore::connect(url)
        .await
        .expect("connects and migrates");
    assert!(
        store.seed_if_new().await.expect("seeds"),
        "a new database is seeded"
    );
    let all = store.list(&StatFilter::default()).await.expect("lists");
    assert_eq!(all.len(), 72);
    let year = all[0].year;
    let sales = store
        .list(&StatFilter {
            kpi: Some("sales".into()),
            year: Some(year),
        })
        .await
        .expect("filters");
    assert_eq!(sales.len(), 12);
    assert!(sales.windows(2).all(|w| w[0].period < w[1].period));

    let created = store
        .create(&input("churn", "202503", 4.25))
        .await
        .expect("creates");
    assert_eq!(
        (created.year, created.month, created.value),
        (2025, 3, 4.25)
    );
    assert!(matches!(
        store.create(&input("churn", "202503", 1.0)).await,
        Err(StoreError::Duplicate { .. })
    ));
    let updated = store
        .update(created.id, &input("churn", "202504", 3.5))
        .await
        .expect("updates");
    assert_eq!((updated.id, updated.month), (created.id, 4));
    assert_eq!(updated.created_date, created.created_date);
    assert!(matches!(
        store
            .update(created.id, &input("sales", &sales[0].period, 1.0))
            .await,
        Err(StoreError::Duplicate { .. })
    ));
    assert!(matches!(
        store.update(999_999, &input("x", "202501", 1.0)).await,
        Err(StoreError::NotFound(999_999))
    ));
    store.delete(created.id).await.expect("deletes");
    assert!(matches!(
        store.delete(created.id).await,
        Err(StoreError::NotFound(_))
    ));
    store.close().await;

    // A second instance on the same database shares the data and never reseeds.
    let again = StatsStore::connect(url).await.expect("reconnects");
    assert!(
        !again.seed_if_new().await.expect("checks"),
        "seeded only once"
    );
    assert_eq!(
        again
            .list(&StatFilter::default())
            .await
            .expect("lists")
            .len(),
        72
    );
    again.close().await;
}

#[actix_web::test]
async fn the_store_works_on_sqlite() {
    let file = std::env::temp_dir().join(format!("api-store-{}.db", uuid::Uuid::new_v4()));
    exercise_store(&format!("sqlite://{}?mode=rwc", file.display())).await;
    let _ = std::fs::remove_file(file);
}

#[actix_web::test]
async fn the_store_works_on_postgresql() {
    let server = Postgres::start();
    exercise_store(&server.url()).await;
}
