//! Server-side refresh: only for tokens that merely expired, single flight,
//! new tokens in the response headers, and Cognito's outages told apart from
//! a session that is over.

use crate::helpers::*;
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::headers::{ACCESS_TOKEN, ID_TOKEN, REFRESH_TOKEN};

/// Signs `user` in with 2-second tokens and lets 3 seconds pass, so the access token has expired.
async fn expired_session(app: &TestApp, user: (&str, &str)) -> (String, String) {
    app.set_access_token_secs(2).await;
    let tokens = app.sign_in(user).await;
    app.advance(3);
    (
        tokens.access_token,
        tokens.refresh_token.expect("refresh token"),
    )
}

#[actix_web::test]
async fn expired_token_with_refresh_token_returns_new_access_token() {
    let app = spawn_app().await;
    let (expired, refresh) = expired_session(&app, USER).await;
    assert_unauthorized(app.get("/stats", Some(&expired)).await, "token_expired").await;

    let response = app.get_with_refresh("/stats", &expired, &refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
    let new_access = header(&response, ACCESS_TOKEN).expect("x-access-token");
    assert!(header(&response, ID_TOKEN).is_some(), "x-id-token");
    assert_eq!(
        header(&response, REFRESH_TOKEN),
        None,
        "no rotation on app A"
    );
    assert_ne!(new_access, expired);
    // The new token validates on its own.
    assert_eq!(
        app.get("/user", Some(&new_access)).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn twenty_concurrent_requests_share_one_refresh() {
    let app = spawn_app().await;
    let (expired, refresh) = expired_session(&app, USER).await;
    let before = app.refresh_calls().await;
    let responses =
        join_all((0..20).map(|_| app.get_with_refresh("/stats", &expired, &refresh))).await;
    let mut new_tokens = Vec::new();
    for response in &responses {
        assert_eq!(response.status(), StatusCode::OK);
        new_tokens.push(header(response, ACCESS_TOKEN).expect("x-access-token"));
    }
    new_tokens.dedup();
    assert_eq!(new_tokens.len(), 1, "all 20 got the same new token");
    assert_eq!(app.refresh_calls().await - before, 1, "one call to Cognito");
}

#[actix_web::test]
async fn refreshed_headers_reach_error_responses_too() {
    let app = spawn_app().await;
    let (expired, refresh) = expired_session(&app, USER).await;
    // A plain user's write is a 403, but the refresh still happened: keep its token.
    let response = app
        .request(Method::POST, "/stats", Some(&expired))
        .header(REFRESH_TOKEN, &refresh)
        .json(&json!({"kpi": "sales", "period": "209901", "value": 1}))
        .send()
        .await
        .expect("POST");
    assert!(
        header(&response, ACCESS_TOKEN).is_some(),
        "x-access-token on a 403"
    );
    assert_eq!(
        error_code(response).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
}

#[actix_web::test]
async fn a_valid_token_is_not_refreshed_even_with_a_refresh_token() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    let response = app
        .get_with_refresh(
            "/stats",
            &tokens.access_token,
            tokens.refresh_token.as_deref().expect("refresh token"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ACCESS_TOKEN), None);
    assert_eq!(app.refresh_calls().await, 0);
}

#[actix_web::test]
async fn token_endpoint_down_during_refresh_is_idp_unavailable_and_keeps_the_session() {
    let app = spawn_app().await;
    let (expired, refresh) = expired_session(&app, USER).await;
    app.fault("token", json!({"status": 503})).await;
    let response = app.get_with_refresh("/stats", &expired, &refresh).await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::SERVICE_UNAVAILABLE, "idp_unavailable".into())
    );
    // Cognito hanging past IDP_TIMEOUT_SECS is the same outage.
    app.fault("token", json!({"hangSecs": 10})).await;
    let response = app.get_with_refresh("/stats", &expired, &refresh).await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::SERVICE_UNAVAILABLE, "idp_unavailable".into())
    );
    // Back up: the same refresh token still works, nothing was lost.
    let cleared = app
        .http
        .delete(format!("{}/_emulator/faults/token", app.idp))
        .send()
        .await
        .expect("clear fault");
    assert!(cleared.status().is_success());
    let response = app.get_with_refresh("/stats", &expired, &refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn revoked_refresh_token_is_session_expired() {
    let app = spawn_app().await;
    app.set_access_token_secs(2).await;
    let tokens = app.sign_in(USER).await;
    let refresh = tokens.refresh_token.expect("refresh token");
    let signout = app.sign_out(&tokens.access_token, &refresh).await;
    assert_eq!(signout.status(), StatusCode::NO_CONTENT);
    app.advance(3);
    let response = app
        .get_with_refresh("/stats", &tokens.access_token, &refresh)
        .await;
    assert_unauthorized(response, "session_expired").await;
}

#[actix_web::test]
async fn another_users_refresh_token_cannot_renew_an_expired_token() {
    let app = spawn_app().await;
    app.set_access_token_secs(2).await;
    let user = app.sign_in(USER).await;
    let admin = app.sign_in(ADMIN).await;
    app.advance(3);
    let response = app
        .get_with_refresh(
            "/stats",
            &user.access_token,
            admin.refresh_token.as_deref().expect("refresh token"),
        )
        .await;
    assert_unauthorized(response, "invalid_token").await;
}

#[actix_web::test]
async fn rotated_refresh_token_goes_back_in_the_header() {
    let app = spawn_stack(&[], |pool| *pool = pool.clone().with_refresh_rotation(true)).await;
    let (expired, refresh) = expired_session(&app, USER).await;
    let response = app.get_with_refresh("/stats", &expired, &refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
    let rotated = header(&response, REFRESH_TOKEN).expect("x-refresh-token");
    assert_ne!(rotated, refresh);
    let access = header(&response, ACCESS_TOKEN).expect("x-access-token");
    app.advance(3);
    // The rotated token renews the next expiry.
    let response = app.get_with_refresh("/stats", &access, &rotated).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, ACCESS_TOKEN).is_some());
}

#[actix_web::test]
async fn jwks_host_down_after_warm_up_keeps_validating() {
    // TTL 0: every new token finds the cache stale and tries the JWKS host.
    let app = spawn_app_with(&[("JWKS_TTL_SECS", "0"), ("JWKS_REFETCH_MIN_SECS", "0")]).await;
    let warm = app.sign_in(USER).await;
    assert_eq!(
        app.get("/stats", Some(&warm.access_token)).await.status(),
        StatusCode::OK
    );
    app.fault("jwks", json!({"status": 500})).await;
    let calls = app.jwks_calls().await;
    let fresh = app.sign_in(ADMIN).await;
    assert_eq!(
        app.get("/stats", Some(&fresh.access_token)).await.status(),
        StatusCode::OK
    );
    assert!(
        app.jwks_calls().await > calls,
        "the stale cache tried the host"
    );
    app.fault("jwks", json!({"hangSecs": 10})).await;
    let another = app.sign_in(USER).await;
    assert_eq!(
        app.get("/stats", Some(&another.access_token))
            .await
            .status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn jwks_host_down_before_any_fetch_is_idp_unavailable() {
    let app = spawn_app().await;
    let (code, verifier) = app.code_for(USER).await;
    app.fault("jwks", json!({"status": 502})).await;
    let response = app.exchange(&code, &verifier, REDIRECT_URI).await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::SERVICE_UNAVAILABLE, "idp_unavailable".into())
    );
}

#[actix_web::test]
async fn concurrent_first_requests_share_one_jwks_fetch() {
    let app = spawn_app().await;
    let tokens = app.tokens_from_cognito(USER).await;
    assert_eq!(
        app.jwks_calls().await,
        0,
        "the API has not needed its keys yet"
    );
    let responses = join_all((0..20).map(|_| app.get("/stats", Some(&tokens.access_token)))).await;
    for response in &responses {
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(app.jwks_calls().await, 1);
}

#[actix_web::test]
async fn inside_the_leeway_a_token_serves_and_is_renewed_when_it_can_be() {
    let app = spawn_app_with(&[("JWT_LEEWAY_SECS", "30")]).await;
    let (expired, refresh) = expired_session(&app, USER).await;
    // Past exp, inside the leeway, no refresh token: still accepted.
    let response = app.get("/stats", Some(&expired)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ACCESS_TOKEN), None);
    // With a refresh token it is renewed right away.
    let response = app.get_with_refresh("/stats", &expired, &refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, ACCESS_TOKEN).is_some());
    // Cognito down: the token still serves until the leeway ends.
    let admin = app.sign_in(ADMIN).await;
    app.fault("token", json!({"status": 503})).await;
    app.advance(3);
    let response = app
        .get_with_refresh(
            "/stats",
            &admin.access_token,
            admin.refresh_token.as_deref().expect("refresh token"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ACCESS_TOKEN), None);
}

#[actix_web::test]
async fn a_refused_refresh_token_is_not_sent_to_cognito_again_and_junk_never_is() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    let refresh = tokens.refresh_token.expect("refresh token");
    let signout = app.sign_out(&tokens.access_token, &refresh).await;
    assert_eq!(signout.status(), StatusCode::NO_CONTENT);
    let before = app.refresh_calls().await;
    for _ in 0..3 {
        assert_unauthorized(app.refresh_explicitly(&refresh).await, "session_expired").await;
    }
    assert_unauthorized(
        app.refresh_explicitly("not-a-cognito-token").await,
        "session_expired",
    )
    .await;
    assert_eq!(app.refresh_calls().await, before, "no call reached Cognito");

    // A valid-looking token Cognito does not know: asked once, then remembered.
    let unknown = format!(
        "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.{}.{}.{}.{}",
        "a".repeat(342),
        "b".repeat(16),
        "c".repeat(400),
        "d".repeat(22)
    );
    for _ in 0..3 {
        assert_unauthorized(app.refresh_explicitly(&unknown).await, "session_expired").await;
    }
    assert_eq!(app.refresh_calls().await, before + 1, "asked Cognito once");
}
