//! KPI statistics: reading for every signed-in user, CRUD for `admin`.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::dto::KpiRecord;

async fn records(app: &TestApp, token: &str, query: &str) -> Vec<KpiRecord> {
    let response = app.get(&format!("/stats{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("records")
}

#[actix_web::test]
async fn seeded_data_covers_the_last_two_full_years() {
    let app = spawn_app().await;
    let token = app.sign_in(USER).await.access_token;
    let all = records(&app, &token, "").await;
    let this_year = time::OffsetDateTime::now_utc().year();
    let years: std::collections::BTreeSet<i32> = all.iter().map(|r| r.year).collect();
    assert_eq!(
        years.into_iter().collect::<Vec<_>>(),
        [this_year - 2, this_year - 1]
    );
    for record in &all {
        assert_eq!(
            record.period,
            format!("{:04}{:02}", record.year, record.month)
        );
        assert!(time::OffsetDateTime::parse(
            &record.created_date,
            &time::format_description::well_known::Rfc3339
        )
        .is_ok());
    }
    let sales = records(&app, &token, &format!("?kpi=sales&year={}", this_year - 1)).await;
    assert_eq!(sales.len(), 12);
    assert!(sales
        .iter()
        .all(|r| r.kpi == "sales" && r.year == this_year - 1));
    assert!(
        sales.windows(2).all(|w| w[0].period < w[1].period),
        "ordered by period"
    );
}

#[actix_web::test]
async fn bad_filters_are_named() {
    let app = spawn_app().await;
    let token = app.sign_in(USER).await.access_token;
    let response = app.get("/stats?kpi=Sales!&year=20x5", Some(&token)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "validation_failed");
    assert!(body["fields"]["kpi"].is_string() && body["fields"]["year"].is_string());
}

#[actix_web::test]
async fn admin_creates_reads_updates_and_deletes_a_record() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await.access_token;

    let created = app
        .send_json(
            Method::POST,
            "/stats",
            Some(&token),
            &json!({"kpi": "churn", "period": "202503", "value": 4.25}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let record: KpiRecord = created.json().await.expect("record");
    assert_eq!(location, format!("/stats/{}", record.id));
    assert_eq!((record.year, record.month, record.value), (2025, 3, 4.25));

    let read = records(&app, &token, "?kpi=churn").await;
    assert_eq!(read, std::slice::from_ref(&record));

    let updated = app
        .send_json(
            Method::PUT,
            &location,
            Some(&token),
            &json!({"kpi": "churn", "period": "202504", "value": 3.5}),
        )
        .await;
    assert_eq!(updated.status(), StatusCode::OK);
    let updated: KpiRecord = updated.json().await.expect("record");
    assert_eq!(
        (updated.id, updated.month, updated.value),
        (record.id, 4, 3.5)
    );
    assert_eq!(updated.created_date, record.created_date);
    assert_eq!(records(&app, &token, "?kpi=churn").await, [updated]);

    let deleted = app
        .request(Method::DELETE, &location, Some(&token))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(records(&app, &token, "?kpi=churn").await.is_empty());
    let again = app
        .request(Method::DELETE, &location, Some(&token))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(
        error_code(again).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[actix_web::test]
async fn invalid_fields_are_named_and_nothing_is_stored() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await.access_token;
    let before = records(&app, &token, "").await.len();
    let response = app
        .send_json(
            Method::POST,
            "/stats",
            Some(&token),
            &json!({"kpi": "Bad Name", "period": "2025-01", "value": "many"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "validation_failed");
    for field in ["kpi", "period", "value"] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    assert_eq!(records(&app, &token, "").await.len(), before);
}

#[actix_web::test]
async fn duplicate_kpi_and_period_is_a_conflict() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await.access_token;
    let existing = &records(&app, &token, "?kpi=sales").await[0];
    let response = app
        .send_json(
            Method::POST,
            "/stats",
            Some(&token),
            &json!({"kpi": "sales", "period": existing.period, "value": 1}),
        )
        .await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::CONFLICT, "conflict".into())
    );

    // Moving another record onto an existing kpi + period conflicts too.
    let other = &records(&app, &token, "?kpi=cost").await[0];
    let response = app
        .send_json(
            Method::PUT,
            &format!("/stats/{}", other.id),
            Some(&token),
            &json!({"kpi": "sales", "period": existing.period, "value": 1}),
        )
        .await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::CONFLICT, "conflict".into())
    );
}

#[actix_web::test]
async fn unknown_ids_are_not_found() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await.access_token;
    let body = json!({"kpi": "sales", "period": "199901", "value": 1});
    for path in ["/stats/999999", "/stats/abc"] {
        let response = app.send_json(Method::PUT, path, Some(&token), &body).await;
        assert_eq!(
            error_code(response).await,
            (StatusCode::NOT_FOUND, "not_found".into())
        );
    }
}

#[actix_web::test]
async fn a_plain_user_cannot_write() {
    let app = spawn_app().await;
    let token = app.sign_in(USER).await.access_token;
    let existing = records(&app, &token, "").await[0].clone();
    let body = json!({"kpi": "sales", "period": "199901", "value": 1});
    for (method, path) in [
        (Method::POST, "/stats".to_owned()),
        (Method::PUT, format!("/stats/{}", existing.id)),
        (Method::DELETE, format!("/stats/{}", existing.id)),
    ] {
        let response = app
            .send_json(method.clone(), &path, Some(&token), &body)
            .await;
        assert_eq!(
            error_code(response).await,
            (StatusCode::FORBIDDEN, "forbidden".into()),
            "{method} {path}"
        );
    }
    assert!(records(&app, &token, "").await.contains(&existing));
}
