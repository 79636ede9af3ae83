//! `GET /stats` answers from a cache of the records: never stale after a write
//! on the same instance, and within `RECORDS_MAX_AGE` (on the API's clock)
//! after a write on another instance sharing the database.

use crate::helpers::*;
use api::store::RECORDS_MAX_AGE;
use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::dto::KpiRecord;

async fn all(app: &TestApp, token: &str) -> Vec<KpiRecord> {
    let response = app.get("/stats", Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .starts_with("application/json"));
    response.json().await.expect("records")
}

fn churn(records: &[KpiRecord]) -> Vec<(String, f64)> {
    records
        .iter()
        .filter(|r| r.kpi == "churn")
        .map(|r| (r.period.clone(), r.value))
        .collect()
}

#[actix_web::test]
async fn every_write_shows_at_once_on_the_instance_that_made_it() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await.access_token;
    let seeded = all(&app, &token).await;
    assert_eq!(all(&app, &token).await, seeded, "a repeat read is the same");

    let created = app
        .send_json(
            Method::POST,
            "/stats",
            Some(&token),
            &json!({"kpi": "churn", "period": "202503", "value": 4.25}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let record: KpiRecord = created.json().await.expect("record");
    let after_create = all(&app, &token).await;
    assert_eq!(churn(&after_create), [("202503".to_owned(), 4.25)]);
    assert_eq!(after_create.len(), seeded.len() + 1);

    let path = format!("/stats/{}", record.id);
    let updated = app
        .send_json(
            Method::PUT,
            &path,
            Some(&token),
            &json!({"kpi": "churn", "period": "202503", "value": 9.5}),
        )
        .await;
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(
        churn(&all(&app, &token).await),
        [("202503".to_owned(), 9.5)]
    );
    let filtered = app.get("/stats?kpi=churn&year=2025", Some(&token)).await;
    let filtered: Vec<KpiRecord> = filtered.json().await.expect("records");
    assert_eq!(churn(&filtered), [("202503".to_owned(), 9.5)]);

    let deleted = app
        .request(Method::DELETE, &path, Some(&token))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(all(&app, &token).await, seeded);
}

#[actix_web::test]
async fn reads_racing_a_write_never_leave_it_unseen() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await.access_token;
    for n in 0..5 {
        let period = format!("2025{:02}", n + 1);
        let body = json!({"kpi": "churn", "period": period, "value": 1.0});
        let readers = futures_util::future::join_all((0..8).map(|_| all(&app, &token)));
        let write = app.send_json(Method::POST, "/stats", Some(&token), &body);
        let (_, created) = futures_util::future::join(readers, write).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let seen = churn(&all(&app, &token).await);
        assert_eq!(seen.len(), n + 1, "record {period} missing after its write");
    }
}

#[actix_web::test]
async fn another_instances_write_shows_within_the_stated_bound() {
    let a = spawn_app().await;
    let b = a.second_instance().await;
    let token = a.sign_in(ADMIN).await.access_token;
    let before = all(&a, &token).await;
    let created = b
        .send_json(
            Method::POST,
            "/stats",
            Some(&token),
            &json!({"kpi": "churn", "period": "202506", "value": 2.0}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        churn(&all(&b, &token).await),
        [("202506".to_owned(), 2.0)],
        "the writing instance sees it at once"
    );
    a.clock.advance(RECORDS_MAX_AGE);
    let after = all(&a, &token).await;
    assert_eq!(churn(&after), [("202506".to_owned(), 2.0)]);
    assert_eq!(after.len(), before.len() + 1);
}
