//! The authorization-code flow with PKCE, single sign-on, refresh and revocation.

use crate::helpers::*;
use reqwest::StatusCode;

#[actix_web::test]
async fn code_flow_with_pkce_issues_access_id_and_refresh_tokens() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let tokens = pool.tokens_for(app, ADMIN).await;
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(
        tokens.expires_in, 3600,
        "Cognito's default access-token lifetime"
    );
    assert!(tokens.id_token.is_some(), "openid was requested");
    let refresh = tokens.refresh_token.expect("refresh token");
    assert_eq!(
        refresh.split('.').count(),
        5,
        "opaque, shaped like Cognito's JWE"
    );
}

#[actix_web::test]
async fn second_app_client_signs_in_without_password_while_hosted_session_lives() {
    let pool = spawn_pool().await;
    let browser = browser();
    let _ = pool
        .sign_in(&browser, pool.client("app-a"), &Pkce::new(), USER)
        .await;

    let app_b = pool.client("app-b");
    let pkce = Pkce::new();
    let response = browser
        .get(pool.authorize_url(app_b, &pkce, "b-state"))
        .send()
        .await
        .expect("authorize");
    assert_eq!(response.status(), StatusCode::FOUND);
    let callback = location(&response);
    assert!(
        callback.starts_with("http://localhost:3001/signin?"),
        "straight back to app B: {callback}"
    );
    assert_eq!(query_param(&callback, "state").as_deref(), Some("b-state"));
    let code = query_param(&callback, "code").expect("code without a password");
    let exchanged = pool.exchange(app_b, &code, &pkce.verifier).await;
    assert_eq!(exchanged.status(), StatusCode::OK);
    let tokens: TokenSet = exchanged.json().await.expect("tokens");
    let claims = crate::tokens::payload(&tokens.access_token);
    assert_eq!(claims["client_id"], app_b.id.as_str());
    assert_eq!(claims["username"], USER.0);
}

#[actix_web::test]
async fn a_fresh_browser_gets_the_login_page_not_a_code() {
    let pool = spawn_pool().await;
    let response = browser()
        .get(pool.authorize_url(pool.client("app-a"), &Pkce::new(), "s"))
        .send()
        .await
        .expect("authorize");
    assert_eq!(response.status(), StatusCode::FOUND);
    assert!(
        location(&response).starts_with("/login?"),
        "{}",
        location(&response)
    );
}

#[actix_web::test]
async fn refresh_returns_new_access_and_id_tokens_and_keeps_auth_time() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let first = pool.tokens_for(app, ADMIN).await;
    let refresh = first.refresh_token.clone().expect("refresh token");
    let response = pool.refresh(app, &refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second: TokenSet = response.json().await.expect("tokens");
    assert!(
        second.refresh_token.is_none(),
        "no rotation configured: no new refresh token"
    );
    assert_ne!(second.access_token, first.access_token);
    let (old, new) = (
        crate::tokens::payload(&first.access_token),
        crate::tokens::payload(&second.access_token),
    );
    assert_eq!(
        new["auth_time"], old["auth_time"],
        "auth_time stays the sign-in time"
    );
    assert_eq!(new["origin_jti"], old["origin_jti"]);
    assert_ne!(new["jti"], old["jti"]);
    let id = crate::tokens::payload(second.id_token.as_deref().expect("id token on refresh"));
    assert_eq!(id["auth_time"], old["auth_time"]);
    // The refresh token keeps working.
    assert_eq!(pool.refresh(app, &refresh).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn revoked_refresh_token_cannot_refresh_and_its_access_tokens_fail_user_info() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let tokens = pool.tokens_for(app, USER).await;
    let refresh = tokens.refresh_token.expect("refresh token");
    assert_eq!(
        pool.user_info(&tokens.access_token).await.status(),
        StatusCode::OK
    );

    let revoked = pool
        .post_form(
            "/oauth2/revoke",
            Some((&app.id, app.secret.as_deref().unwrap_or_default())),
            &[("token", refresh.as_str())],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert!(
        revoked.text().await.expect("body").is_empty(),
        "Cognito answers with an empty body"
    );

    assert_eq!(
        oauth_error(pool.refresh(app, &refresh).await, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    let refused = pool.user_info(&tokens.access_token).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.headers()["www-authenticate"]
            .to_str()
            .expect("ascii"),
        r#"Bearer error="invalid_token""#
    );
    // Revoking again, or an unknown token, is still a 200.
    for token in [refresh.as_str(), "never-issued"] {
        let again = pool
            .post_form(
                "/oauth2/revoke",
                None,
                &[
                    ("token", token),
                    ("client_id", &app.id),
                    ("client_secret", app.secret.as_deref().unwrap_or_default()),
                ],
            )
            .await;
        assert_eq!(again.status(), StatusCode::OK);
    }
}

#[actix_web::test]
async fn revoke_with_bad_client_auth_is_401_invalid_client() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let response = pool
        .post_form(
            "/oauth2/revoke",
            Some((&app.id, "wrong")),
            &[("token", "x")],
        )
        .await;
    assert_eq!(
        oauth_error(response, StatusCode::UNAUTHORIZED).await,
        "invalid_client"
    );
}

#[actix_web::test]
async fn replayed_code_is_invalid_grant() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let pkce = Pkce::new();
    let code = pool.sign_in(&browser(), app, &pkce, USER).await;
    assert_eq!(
        pool.exchange(app, &code, &pkce.verifier).await.status(),
        StatusCode::OK
    );
    let replay = pool.exchange(app, &code, &pkce.verifier).await;
    assert_eq!(
        oauth_error(replay, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn wrong_pkce_verifier_is_invalid_grant_and_burns_the_code() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let pkce = Pkce::new();
    let code = pool.sign_in(&browser(), app, &pkce, USER).await;
    let wrong = pool.exchange(app, &code, &Pkce::new().verifier).await;
    assert_eq!(
        oauth_error(wrong, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    let right_too_late = pool.exchange(app, &code, &pkce.verifier).await;
    assert_eq!(
        oauth_error(right_too_late, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn missing_pkce_verifier_is_invalid_grant() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let code = pool.sign_in(&browser(), app, &Pkce::new(), USER).await;
    let response = pool
        .token_request(
            app,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &app.callback_urls[0]),
            ],
        )
        .await;
    assert_eq!(
        oauth_error(response, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn code_redeemed_with_another_redirect_uri_or_client_is_invalid_grant() {
    let pool = spawn_pool().await;
    let (app_a, app_b) = (pool.client("app-a"), pool.client("app-b"));
    let pkce = Pkce::new();
    let code = pool.sign_in(&browser(), app_a, &pkce, USER).await;
    let other_uri = pool
        .token_request(
            app_a,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://localhost:3000/other"),
                ("code_verifier", &pkce.verifier),
            ],
        )
        .await;
    assert_eq!(
        oauth_error(other_uri, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );

    let code = pool.sign_in(&browser(), app_a, &pkce, USER).await;
    let other_client = pool
        .token_request(
            app_b,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &app_a.callback_urls[0]),
                ("code_verifier", &pkce.verifier),
            ],
        )
        .await;
    assert_eq!(
        oauth_error(other_client, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn wrong_client_secret_is_invalid_client_by_basic_and_by_post() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let pkce = Pkce::new();
    let code = pool.sign_in(&browser(), app, &pkce, USER).await;
    let by_basic = pool
        .post_form(
            "/oauth2/token",
            Some((&app.id, "not-the-secret")),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &app.callback_urls[0]),
            ],
        )
        .await;
    assert_eq!(
        oauth_error(by_basic, StatusCode::BAD_REQUEST).await,
        "invalid_client"
    );
    let by_post = pool
        .post_form(
            "/oauth2/token",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &app.callback_urls[0]),
                ("client_id", &app.id),
                ("client_secret", "not-the-secret"),
            ],
        )
        .await;
    assert_eq!(
        oauth_error(by_post, StatusCode::BAD_REQUEST).await,
        "invalid_client"
    );
    let no_secret = pool
        .post_form(
            "/oauth2/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", &app.id),
            ],
        )
        .await;
    assert_eq!(
        oauth_error(no_secret, StatusCode::BAD_REQUEST).await,
        "invalid_client"
    );
}

#[actix_web::test]
async fn client_secret_post_is_accepted() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let pkce = Pkce::new();
    let code = pool.sign_in(&browser(), app, &pkce, ADMIN).await;
    let response = pool
        .post_form(
            "/oauth2/token",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &app.callback_urls[0]),
                ("code_verifier", &pkce.verifier),
                ("client_id", &app.id),
                ("client_secret", app.secret.as_deref().unwrap_or_default()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn client_credentials_only_for_machine_clients() {
    let pool = spawn_pool().await;
    let machine = pool.client("reporting-job");
    let response = pool
        .token_request(machine, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens: TokenSet = response.json().await.expect("tokens");
    assert!(
        tokens.id_token.is_none() && tokens.refresh_token.is_none(),
        "access token only"
    );
    let claims = crate::tokens::payload(&tokens.access_token);
    assert_eq!(claims["sub"], machine.id.as_str());
    assert_eq!(claims["scope"], "kpi/read");
    assert!(claims.get("username").is_none());

    let wrong_scope = pool
        .token_request(
            machine,
            &[("grant_type", "client_credentials"), ("scope", "kpi/write")],
        )
        .await;
    assert_eq!(
        oauth_error(wrong_scope, StatusCode::BAD_REQUEST).await,
        "invalid_scope"
    );
    let code_client = pool
        .token_request(
            pool.client("app-a"),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(
        oauth_error(code_client, StatusCode::BAD_REQUEST).await,
        "unauthorized_client"
    );
    let machine_code = pool
        .token_request(
            machine,
            &[
                ("grant_type", "authorization_code"),
                ("code", "x"),
                ("redirect_uri", "y"),
            ],
        )
        .await;
    assert_eq!(
        oauth_error(machine_code, StatusCode::BAD_REQUEST).await,
        "unauthorized_client"
    );
}

#[actix_web::test]
async fn refresh_token_of_another_client_is_invalid_grant() {
    let pool = spawn_pool().await;
    let tokens = pool.tokens_for(pool.client("app-a"), USER).await;
    let response = pool
        .refresh(
            pool.client("app-b"),
            tokens.refresh_token.as_deref().expect("refresh"),
        )
        .await;
    assert_eq!(
        oauth_error(response, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn with_rotation_on_refresh_issues_a_new_refresh_token_and_retires_the_old() {
    let mut config = dev_config();
    config.clients[0].refresh_rotation = true;
    let pool = spawn_pool_from(config, cognito_emulator::Options::default()).await;
    let app = pool.client("app-a");
    let first = pool.tokens_for(app, USER).await;
    let old = first.refresh_token.expect("refresh token");
    let response = pool.refresh(app, &old).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second: TokenSet = response.json().await.expect("tokens");
    let new = second.refresh_token.expect("rotated refresh token");
    assert_ne!(new, old);
    assert_eq!(
        oauth_error(pool.refresh(app, &old).await, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    assert_eq!(pool.refresh(app, &new).await.status(), StatusCode::OK);
}
