//! Sign-in, the code exchange, explicit refresh and sign-out.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::dto::{AuthConfig, Tokens, UserProfile};

#[actix_web::test]
async fn auth_config_names_the_hosted_ui_and_client() {
    let app = spawn_app().await;
    let response = app.get("/auth/config", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let config: AuthConfig = response.json().await.expect("json");
    assert_eq!(config.client_id, app.app_a().id);
    assert_eq!(
        config.authorize_url,
        format!("{}/oauth2/authorize", app.idp)
    );
    assert_eq!(config.logout_url, format!("{}/logout", app.idp));
    assert_eq!(config.scopes, ["openid", "email", "profile"]);
}

#[actix_web::test]
async fn sign_in_then_read_stats_and_user() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    assert_eq!(tokens.token_type, "Bearer");
    assert!(tokens.id_token.is_some() & tokens.refresh_token.is_some());
    assert!(tokens.expires_in > 3000, "{}", tokens.expires_in);

    let stats = app.get("/stats", Some(&tokens.access_token)).await;
    assert_eq!(stats.status(), StatusCode::OK);
    let records: Vec<Value> = stats.json().await.expect("json");
    assert_eq!(records.len(), 72, "two seeded years of three KPIs");

    let user = app.get("/user", Some(&tokens.access_token)).await;
    assert_eq!(user.status(), StatusCode::OK);
    let profile: UserProfile = user.json().await.expect("json");
    assert_eq!(profile.username, USER.0);
    assert_eq!(profile.email.as_deref(), Some(USER.0));
    assert!(profile.groups.is_empty());
    assert_eq!(profile.client_id, app.app_a().id);
    assert!(profile.scopes.contains(&"openid".to_owned()));
    assert!(profile.expires_at > 0);
}

#[actix_web::test]
async fn admin_profile_lists_the_admin_group() {
    let app = spawn_app().await;
    let tokens = app.sign_in(ADMIN).await;
    let profile: UserProfile = app
        .get("/user", Some(&tokens.access_token))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(profile.groups, ["admin"]);
}

#[actix_web::test]
async fn user_info_is_asked_once_per_token() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    for _ in 0..3 {
        let response = app.get("/user", Some(&tokens.access_token)).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(app.counters().await["userInfo"], 1);
}

#[actix_web::test]
async fn redirect_uri_off_the_allowlist_is_refused_before_cognito_is_asked() {
    let app = spawn_app().await;
    let (code, verifier) = app.code_for(USER).await;
    for uri in [
        "https://evil.example/signin",
        "http://localhost:3000/other",
        "http://localhost:3000/signin/",
        "http://localhost:3001/signin",
    ] {
        let response = app.exchange(&code, &verifier, uri).await;
        assert_eq!(
            error_code(response).await,
            (StatusCode::BAD_REQUEST, "redirect_uri_not_allowed".into()),
            "{uri}"
        );
    }
    assert_eq!(app.counters().await["token"], json!({}));
    // The code was never spent, so the right URI still works.
    let response = app.exchange(&code, &verifier, REDIRECT_URI).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn replayed_code_passes_on_cognitos_invalid_grant() {
    let app = spawn_app().await;
    let (code, verifier) = app.code_for(USER).await;
    let first = app.exchange(&code, &verifier, REDIRECT_URI).await;
    assert_eq!(first.status(), StatusCode::OK);
    let replay = app.exchange(&code, &verifier, REDIRECT_URI).await;
    let body: Value = replay.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("invalid_grant"),
        "{body}"
    );
}

#[actix_web::test]
async fn wrong_pkce_verifier_is_invalid_grant() {
    let app = spawn_app().await;
    let (code, _) = app.code_for(USER).await;
    let response = app.exchange(&code, &"x".repeat(43), REDIRECT_URI).await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::BAD_REQUEST, "invalid_grant".into())
    );
}

#[actix_web::test]
async fn token_request_names_missing_and_malformed_fields() {
    let app = spawn_app().await;
    let response = app
        .send_json(
            Method::POST,
            "/auth/token",
            None,
            &json!({"code": "", "redirectUri": REDIRECT_URI, "codeVerifier": "short"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "validation_failed");
    assert_eq!(body["fields"]["code"], "is required");
    assert!(body["fields"]["codeVerifier"].is_string());

    let response = app
        .send_json(Method::POST, "/auth/token", None, &json!({"code": "abc"}))
        .await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
}

#[actix_web::test]
async fn explicit_refresh_returns_a_new_access_token() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    let refresh_token = tokens.refresh_token.expect("refresh token");
    let response = app.refresh_explicitly(&refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let refreshed: Tokens = response.json().await.expect("json");
    assert_ne!(refreshed.access_token, tokens.access_token);
    assert!(refreshed.id_token.is_some());
    assert_eq!(refreshed.refresh_token, None, "app A does not rotate");
    let stats = app.get("/stats", Some(&refreshed.access_token)).await;
    assert_eq!(stats.status(), StatusCode::OK);
}

#[actix_web::test]
async fn explicit_refresh_with_a_bad_token_is_session_expired() {
    let app = spawn_app().await;
    let response = app.refresh_explicitly("not-a-refresh-token").await;
    assert_unauthorized(response, "session_expired").await;
}

#[actix_web::test]
async fn sign_out_revokes_the_refresh_token_and_its_access_tokens() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    let refresh_token = tokens.refresh_token.expect("refresh token");
    let response = app.sign_out(&tokens.access_token, &refresh_token).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.counters().await["revoke"], 1);

    let refresh = app.refresh_explicitly(&refresh_token).await;
    assert_unauthorized(refresh, "session_expired").await;
    // The access token used to sign out is refused from now on.
    let stats = app.get("/stats", Some(&tokens.access_token)).await;
    assert_unauthorized(stats, "invalid_token").await;
}

#[actix_web::test]
async fn a_sign_out_while_cognito_is_down_still_ends_the_session_here_and_says_so() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    let refresh_token = tokens.refresh_token.expect("refresh token");
    app.fault("revoke", serde_json::json!({"status": 503}))
        .await;
    let response = app.sign_out(&tokens.access_token, &refresh_token).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = response.json().await.expect("JSON error");
    assert_eq!(body["error"], "idp_unavailable");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("signed out") && message.contains("could not revoke"),
        "{message}"
    );
    // Recorded anyway: this API refuses the session's tokens.
    let stats = app.get("/stats", Some(&tokens.access_token)).await;
    assert_unauthorized(stats, "invalid_token").await;
    let refresh = app.refresh_explicitly(&refresh_token).await;
    assert_unauthorized(refresh, "session_expired").await;
}

#[actix_web::test]
async fn user_refuses_an_access_token_cognito_revoked() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    // Revoked at Cognito directly (another API instance, another tab's sign-out):
    // a local JWT check cannot know, but userInfo does.
    let app_a = app.app_a();
    let revoked = app
        .http
        .post(format!("{}/oauth2/revoke", app.idp))
        .basic_auth(&app_a.id, app_a.secret.as_deref())
        .form(&[(
            "token",
            tokens.refresh_token.as_deref().expect("refresh token"),
        )])
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), StatusCode::OK);
    let user = app.get("/user", Some(&tokens.access_token)).await;
    assert_unauthorized(user, "invalid_token").await;
}

#[actix_web::test]
async fn sign_out_needs_a_bearer_token() {
    let app = spawn_app().await;
    let response = app
        .send_json(
            Method::POST,
            "/auth/signout",
            None,
            &json!({"refreshToken": "x"}),
        )
        .await;
    assert_unauthorized(response, "invalid_token").await;
    assert_eq!(app.counters().await["revoke"], 0);
}
