//! The pool's clock: every lifetime is measured on it, tests advance it
//! (in process or through `/_emulator/clock`) instead of sleeping.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[actix_web::test]
async fn clock_hook_reports_and_advances_the_pools_time() {
    let pool = spawn_pool().await;
    let before: Value =
        cognito_emulator::testing::get_json(&pool.http, &pool.url("/_emulator/clock")).await;
    assert_eq!(before["offsetSecs"], 0);
    let advanced = pool
        .http
        .post(pool.url("/_emulator/clock"))
        .json(&json!({"advanceSecs": 7200}))
        .send()
        .await
        .expect("clock hook");
    assert_eq!(advanced.status(), StatusCode::OK);
    let after: Value = advanced.json().await.expect("json");
    assert_eq!(after["offsetSecs"], 7200);
    assert!(after["now"].as_u64().expect("now") >= before["now"].as_u64().expect("now") + 7200);
    // The in-process handle sees the same time.
    assert_eq!(pool.clock.offset_secs(), 7200);
}

#[actix_web::test]
async fn out_of_range_or_malformed_advances_are_invalid_request() {
    let pool = spawn_pool().await;
    for body in [
        json!({"advanceSecs": u64::MAX}),
        json!({"advanceSecs": -1}),
        json!({"advanceSecs": "soon"}),
        json!({}),
    ] {
        let response = pool
            .http
            .post(pool.url("/_emulator/clock"))
            .json(&body)
            .send()
            .await
            .expect("clock hook");
        assert_eq!(
            oauth_error(response, StatusCode::BAD_REQUEST).await,
            "invalid_request",
            "{body}"
        );
    }
    assert_eq!(pool.clock.offset_secs(), 0, "nothing moved");
}

#[actix_web::test]
async fn issued_tokens_carry_the_pools_time() {
    let pool = spawn_pool().await;
    // The system's time before anything is issued: the tokens can only be later.
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    pool.advance(86_400);
    let tokens = pool.tokens_for(pool.client("app-a"), USER).await;
    let claims = crate::tokens::payload(&tokens.access_token);
    let iat = claims["iat"].as_u64().expect("iat");
    assert!(
        iat >= before + 86_400,
        "iat {iat} is a day ahead of {before}"
    );
    assert_eq!(claims["exp"].as_u64(), Some(iat + 3600));
    assert!(claims["auth_time"].as_u64().expect("auth_time") >= before + 86_400);
}

#[actix_web::test]
async fn an_authorization_code_expires_after_five_minutes() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let pkce = Pkce::new();
    let code = pool.sign_in(&browser(), app, &pkce, USER).await;
    pool.advance(5 * 60 + 1);
    let response = pool.exchange(app, &code, &pkce.verifier).await;
    assert_eq!(
        oauth_error(response, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );

    let pkce = Pkce::new();
    let code = pool.sign_in(&browser(), app, &pkce, USER).await;
    pool.advance(5 * 60 - 10);
    let response = pool.exchange(app, &code, &pkce.verifier).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "still inside its 5 minutes"
    );
}

#[actix_web::test]
async fn the_hosted_ui_session_ends_after_an_hour() {
    let pool = spawn_pool().await;
    let browser = browser();
    let app = pool.client("app-a");
    let _ = pool.sign_in(&browser, app, &Pkce::new(), USER).await;
    pool.advance(59 * 60);
    let silent = pool.authorize_location(&browser, app).await;
    assert!(
        silent.starts_with(&app.callback_urls[0]),
        "single sign-on within the hour"
    );
    pool.advance(2 * 60);
    let again = pool.authorize_location(&browser, app).await;
    assert!(
        again.starts_with("/login?"),
        "after the hour the form again: {}",
        again
    );
}

#[actix_web::test]
async fn a_refresh_token_expires_with_its_lifetime() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let tokens = pool.tokens_for(app, USER).await;
    let refresh = tokens.refresh_token.expect("refresh token");
    pool.advance(app.refresh_token_minutes * 60 - 60);
    assert_eq!(pool.refresh(app, &refresh).await.status(), StatusCode::OK);
    pool.advance(120);
    assert_eq!(
        oauth_error(pool.refresh(app, &refresh).await, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}
