//! Every expiry the API decides reads its clock: tests move it (and the
//! emulator's) forward instead of sleeping.

use crate::helpers::*;
use reqwest::StatusCode;
use shared::headers::ACCESS_TOKEN;

#[actix_web::test]
async fn a_cached_valid_token_expires_on_the_clock() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    assert_eq!(
        app.get("/stats", Some(&tokens.access_token)).await.status(),
        StatusCode::OK,
        "verified once, then remembered"
    );
    app.advance(tokens.expires_in + 1);
    assert_unauthorized(
        app.get("/stats", Some(&tokens.access_token)).await,
        "token_expired",
    )
    .await;
}

#[actix_web::test]
async fn the_leeway_is_counted_on_the_clock() {
    let app = spawn_app_with(&[("JWT_LEEWAY_SECS", "30")]).await;
    let tokens = app.sign_in(USER).await;
    app.advance(tokens.expires_in + 20);
    assert_eq!(
        app.get("/stats", Some(&tokens.access_token)).await.status(),
        StatusCode::OK,
        "20 s past exp is inside a 30 s leeway"
    );
    app.advance(15);
    assert_unauthorized(
        app.get("/stats", Some(&tokens.access_token)).await,
        "token_expired",
    )
    .await;
}

#[actix_web::test]
async fn the_jwks_is_fetched_again_when_its_ttl_has_passed_on_the_clock() {
    let app = spawn_app_with(&[("JWKS_TTL_SECS", "600"), ("JWKS_REFETCH_MIN_SECS", "30")]).await;
    app.sign_in(USER).await;
    let fetched = app.jwks_calls().await;
    assert_eq!(fetched, 1, "fetched for the first token");
    let second = app.sign_in(ADMIN).await;
    assert_eq!(
        app.get("/stats", Some(&second.access_token)).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.jwks_calls().await, 1, "fresh keys are reused");
    app.advance(601);
    let third = app.sign_in(USER).await;
    assert_eq!(
        app.get("/stats", Some(&third.access_token)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.jwks_calls().await,
        2,
        "stale after the TTL: fetched again"
    );
}

#[actix_web::test]
async fn a_refresh_result_is_reused_only_inside_its_window_on_the_clock() {
    let app = spawn_app().await;
    app.set_access_token_secs(600).await;
    let tokens = app.sign_in(USER).await;
    let refresh = tokens.refresh_token.expect("refresh token");
    app.advance(601);
    let before = app.refresh_calls().await;
    let first = app
        .get_with_refresh("/stats", &tokens.access_token, &refresh)
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let first_token = first.headers()[ACCESS_TOKEN]
        .to_str()
        .expect("ascii")
        .to_owned();
    // A tab arriving a little later (inside the 30 s window) reuses the result.
    app.advance(20);
    let reused = app
        .get_with_refresh("/stats", &tokens.access_token, &refresh)
        .await;
    assert_eq!(reused.headers()[ACCESS_TOKEN], first_token.as_str());
    assert_eq!(app.refresh_calls().await - before, 1);
    // Past the window the expired token is refreshed anew.
    app.advance(11);
    let later = app
        .get_with_refresh("/stats", &tokens.access_token, &refresh)
        .await;
    assert_eq!(later.status(), StatusCode::OK);
    assert_ne!(later.headers()[ACCESS_TOKEN], first_token.as_str());
    assert_eq!(app.refresh_calls().await - before, 2);
}
