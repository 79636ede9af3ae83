//! The `/_emulator/` test hooks: users, lifetimes, counters, faults, and switching them off.

use crate::helpers::*;
use cognito_emulator::Options;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[actix_web::test]
async fn created_user_can_sign_in_and_duplicates_conflict() {
    let pool = spawn_pool().await;
    let body = json!({"username": "qa@example.com", "password": "Qa-Passw0rd!", "email": "qa@example.com", "groups": ["admin"]});
    let created = pool
        .http
        .post(pool.url("/_emulator/users"))
        .json(&body)
        .send()
        .await
        .expect("create");
    assert_eq!(created.status(), StatusCode::CREATED);
    let tokens = pool
        .tokens_for(pool.client("app-a"), ("qa@example.com", "Qa-Passw0rd!"))
        .await;
    assert_eq!(
        crate::tokens::payload(&tokens.access_token)["cognito:groups"],
        json!(["admin"])
    );
    let again = pool
        .http
        .post(pool.url("/_emulator/users"))
        .json(&body)
        .send()
        .await
        .expect("create");
    assert_eq!(
        oauth_error(again, StatusCode::CONFLICT).await,
        "username_exists"
    );
}

#[actix_web::test]
async fn lifetimes_hook_sets_seconds_and_expired_access_tokens_fail_user_info() {
    // One-second tokens: on a stopped clock, so only the advance below ends them.
    let pool = spawn_pool_with(Options {
        clock: cognito_emulator::clock::Clock::stopped(),
        ..Options::for_tests()
    })
    .await;
    let app = pool.client("app-a");
    let set = pool
        .http
        .put(pool.url(&format!("/_emulator/clients/{}/lifetimes", app.id)))
        .json(&json!({"accessTokenSecs": 1, "idTokenSecs": 1}))
        .send()
        .await
        .expect("lifetimes");
    assert_eq!(set.status(), StatusCode::OK);
    let tokens = pool.tokens_for(app, USER).await;
    assert_eq!(tokens.expires_in, 1);
    let claims = crate::tokens::payload(&tokens.access_token);
    assert_eq!(
        claims["exp"].as_u64().expect("exp") - claims["iat"].as_u64().expect("iat"),
        1
    );
    assert_eq!(
        pool.user_info(&tokens.access_token).await.status(),
        StatusCode::OK
    );
    // Through the clock hook, as an out-of-process client would move time.
    let advanced = pool
        .http
        .post(pool.url("/_emulator/clock"))
        .json(&json!({"advanceSecs": 1}))
        .send()
        .await
        .expect("clock hook");
    assert_eq!(advanced.status(), StatusCode::OK);
    assert_eq!(
        pool.user_info(&tokens.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The refresh token outlives it and brings a fresh one.
    let refreshed = pool
        .refresh(app, tokens.refresh_token.as_deref().expect("refresh"))
        .await;
    let fresh: TokenSet = refreshed.json().await.expect("tokens");
    assert_eq!(
        pool.user_info(&fresh.access_token).await.status(),
        StatusCode::OK
    );

    let zero = pool
        .http
        .put(pool.url(&format!("/_emulator/clients/{}/lifetimes", app.id)))
        .json(&json!({"accessTokenSecs": 0}))
        .send()
        .await
        .expect("lifetimes");
    assert_eq!(
        oauth_error(zero, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
}

#[actix_web::test]
async fn counters_count_token_calls_by_grant_type() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let tokens = pool.tokens_for(app, USER).await;
    let refresh = tokens.refresh_token.expect("refresh");
    for _ in 0..3 {
        pool.refresh(app, &refresh).await;
    }
    pool.jwks().await;
    let counters = pool.counters().await;
    assert_eq!(counters["token"]["authorization_code"], 1);
    assert_eq!(counters["token"]["refresh_token"], 3);
    assert_eq!(counters["jwks"], 1);
    let reset = pool
        .http
        .post(pool.url("/_emulator/counters/reset"))
        .send()
        .await
        .expect("reset");
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(pool.counters().await["token"], json!({}));
}

#[actix_web::test]
async fn injected_faults_make_jwks_and_token_fail_or_hang_until_cleared() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let tokens = pool.tokens_for(app, USER).await;
    let refresh = tokens.refresh_token.expect("refresh");

    let put = |target: &str, body: Value| {
        pool.http
            .put(pool.url(&format!("/_emulator/faults/{target}")))
            .json(&body)
            .send()
    };
    assert_eq!(
        put("jwks", json!({"status": 503}))
            .await
            .expect("fault")
            .status(),
        StatusCode::NO_CONTENT
    );
    let jwks = pool
        .http
        .get(format!("{}/.well-known/jwks.json", pool.issuer))
        .send()
        .await
        .expect("jwks");
    assert_eq!(jwks.status(), StatusCode::SERVICE_UNAVAILABLE);

    put("token", json!({"hangSecs": 1})).await.expect("fault");
    let started = Instant::now();
    assert_eq!(
        pool.refresh(app, &refresh).await.status(),
        StatusCode::OK,
        "a hang answers late, not wrong"
    );
    assert!(started.elapsed() >= Duration::from_secs(1));

    put("token", json!({"status": 500})).await.expect("fault");
    assert_eq!(
        pool.refresh(app, &refresh).await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );

    let bad = put("token", json!({"status": 404})).await.expect("fault");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "only 5xx faults");
    let unknown = put("userinfo", json!({"status": 500}))
        .await
        .expect("fault");
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);

    pool.http
        .delete(pool.url("/_emulator/faults"))
        .send()
        .await
        .expect("clear");
    assert_eq!(pool.refresh(app, &refresh).await.status(), StatusCode::OK);
    assert_eq!(pool.jwks().await.keys.len(), 2);
}

#[actix_web::test]
async fn hooks_can_be_switched_off() {
    let pool = spawn_pool_with(Options {
        test_hooks: false,
        ..Options::default()
    })
    .await;
    for path in ["/_emulator/counters", "/_emulator/users/x/code"] {
        let response = pool.http.get(pool.url(path)).send().await.expect("hook");
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let rotate = pool
        .http
        .post(pool.url("/_emulator/keys/rotate"))
        .send()
        .await
        .expect("hook");
    assert_eq!(rotate.status(), StatusCode::NOT_FOUND);
}
