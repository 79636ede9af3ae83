//! One pool, two doors: users and tokens of the JSON API and of the hosted UI
//! are the same (emulator only: the hosted UI's form is the emulator's).

use crate::target::*;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use cognito_emulator::testing::{
    authorize_url, browser, hidden_field, location, query_param, sign_in, Pkce,
};

/// The development pool's app A, whose callback is `http://localhost:3000/signin`.
const APP_A: &str = "7ssqvmultrlb09wim2nixozp2d";
const APP_A_CALLBACK: &str = "http://localhost:3000/signin";

#[actix_web::test]
async fn a_user_made_by_the_api_signs_in_through_the_hosted_ui_and_back() {
    let t = Target::new().await;
    if t.emulator.is_none() {
        return;
    }
    let username = t.confirmed_user().await;
    let url = authorize_url(&t.endpoint, APP_A, APP_A_CALLBACK, &Pkce::new(), "s");
    let callback = sign_in(&t.endpoint, &browser(), &url, &username, PASSWORD).await;
    assert!(query_param(&callback, "code").is_some(), "{callback}");

    // And a hosted-UI user through the API: dev.toml's user.
    let signed_in = t
        .sdk
        .initiate_auth()
        .client_id(&t.public_client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "user@example.com")
        .auth_parameters("PASSWORD", "User-Passw0rd!")
        .send()
        .await
        .expect("a TOML user signs in through the API");
    assert!(signed_in.authentication_result.is_some());
}

#[actix_web::test]
async fn global_sign_out_ends_refresh_tokens_the_hosted_ui_issued() {
    let t = Target::new().await;
    let Some(emulator) = &t.emulator else {
        return;
    };
    let username = t.confirmed_user().await;
    let pkce = Pkce::new();
    let url = authorize_url(&t.endpoint, APP_A, APP_A_CALLBACK, &pkce, "s");
    let callback = sign_in(&t.endpoint, &browser(), &url, &username, PASSWORD).await;
    let code = query_param(&callback, "code").expect("code");
    let secret = emulator
        .admin()
        .api_environment(APP_A)
        .and_then(|env| env.into_iter().find(|(k, _)| *k == "COGNITO_CLIENT_SECRET"))
        .map(|(_, v)| v)
        .expect("app A's secret");
    let http = reqwest::Client::new();
    let token_at = format!("{}/oauth2/token", t.endpoint);
    let exchanged: serde_json::Value = http
        .post(&token_at)
        .basic_auth(APP_A, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", APP_A_CALLBACK),
            ("code_verifier", pkce.verifier.as_str()),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let refresh = exchanged["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    t.sdk
        .admin_user_global_sign_out()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await
        .expect("AdminUserGlobalSignOut");
    let refreshed = http
        .post(&token_at)
        .basic_auth(APP_A, Some(&secret))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(
        refreshed.status(),
        reqwest::StatusCode::BAD_REQUEST,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn an_invited_user_is_asked_to_change_the_password_on_the_hosted_ui() {
    let t = Target::new().await;
    let Some(emulator) = &t.emulator else {
        return;
    };
    let username = t.fresh_username();
    t.sdk
        .admin_create_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .user_attributes(attribute("email", &username))
        .send()
        .await
        .expect("AdminCreateUser");
    let temporary = emulator
        .admin()
        .temporary_password(&username)
        .expect("sent");
    let browser = browser();
    let url = authorize_url(&t.endpoint, APP_A, APP_A_CALLBACK, &Pkce::new(), "s");
    let page =
        cognito_emulator::testing::submit_login(&t.endpoint, &browser, &url, &username, &temporary)
            .await;
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("Change Password"), "{html}");
    let session = hidden_field(&html, "session");
    let csrf = hidden_field(&html, "_csrf");
    let query = url.split_once('?').expect("query").1;
    let changed = browser
        .post(format!("{}/forceChangePassword?{query}", t.endpoint))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("session", session.as_str()),
            ("new_password", PASSWORD),
            ("confirm_password", PASSWORD),
        ])
        .send()
        .await
        .expect("change password");
    assert_eq!(changed.status(), reqwest::StatusCode::FOUND);
    assert!(location(&changed).starts_with(APP_A_CALLBACK), "signed in");
}
