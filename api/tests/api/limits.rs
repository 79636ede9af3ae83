//! The unauthenticated calls that reach Cognito are limited per client address.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn refresh_from(app: &TestApp, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = app
        .request(Method::POST, "/auth/refresh", None)
        .json(&json!({"refreshToken": "junk"}));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.expect("refresh")
}

#[actix_web::test]
async fn too_many_calls_from_one_address_are_429_with_retry_after_until_the_minute_passes() {
    let app = spawn_app_with(&[("AUTH_RATE_PER_MINUTE", "3")]).await;
    for _ in 0..3 {
        assert_unauthorized(refresh_from(&app, None).await, "session_expired").await;
    }
    let limited = refresh_from(&app, None).await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(
        error_code(limited).await,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_requests".into())
    );
    let exchange = app.exchange("code", &"v".repeat(43), REDIRECT_URI).await;
    assert_eq!(
        error_code(exchange).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "the code exchange too"
    );
    // Without a proxy setting, a forged X-Forwarded-For changes nothing.
    assert_eq!(
        refresh_from(&app, Some("203.0.113.1")).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    app.advance(60);
    assert_unauthorized(refresh_from(&app, None).await, "session_expired").await;
}

#[actix_web::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
    let app = spawn_app_with(&[
        ("AUTH_RATE_PER_MINUTE", "2"),
        ("TRUST_FORWARDED_FOR", "true"),
    ])
    .await;
    for _ in 0..2 {
        refresh_from(&app, Some("spoofed, 198.51.100.1")).await;
    }
    assert_eq!(
        refresh_from(&app, Some("198.51.100.1")).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        refresh_from(&app, Some("198.51.100.2")).await.status(),
        StatusCode::UNAUTHORIZED,
        "another client has its own allowance"
    );
}
