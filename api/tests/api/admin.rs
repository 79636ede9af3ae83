//! `/admin/users` against the emulator's JSON API, through the AWS SDK.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn admin_token(app: &TestApp) -> String {
    app.sign_in(ADMIN).await.access_token
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let request = app.request(method, path, Some(token));
    match body {
        Some(body) => request.json(&body),
        None => request,
    }
    .send()
    .await
    .expect("admin call")
}

async fn invite(app: &TestApp, token: &str, email: &str) -> reqwest::Response {
    call(
        app,
        Method::POST,
        "/admin/users",
        token,
        Some(json!({"email": email})),
    )
    .await
}

fn fresh_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", uuid::Uuid::new_v4().simple())
}

#[actix_web::test]
async fn only_admins_may_use_any_admin_route() {
    let app = spawn_app().await;
    let user = app.sign_in(USER).await.access_token;
    for (method, path) in [
        (Method::GET, "/admin/users"),
        (Method::POST, "/admin/users"),
        (Method::GET, "/admin/users/admin@example.com"),
        (Method::DELETE, "/admin/users/admin@example.com"),
        (Method::POST, "/admin/users/admin@example.com/disable"),
        (Method::POST, "/admin/users/admin@example.com/enable"),
        (Method::POST, "/admin/users/admin@example.com/signout"),
        (Method::PUT, "/admin/users/user@example.com/groups/admin"),
        (
            Method::DELETE,
            "/admin/users/admin@example.com/groups/admin",
        ),
    ] {
        let response = call(
            &app,
            method.clone(),
            path,
            &user,
            Some(json!({"email": "x@example.com"})),
        )
        .await;
        assert_eq!(
            error_code(response).await,
            (StatusCode::FORBIDDEN, "forbidden".into()),
            "{method} {path}"
        );
        let anonymous = app
            .request(method.clone(), path, None)
            .send()
            .await
            .expect("call");
        assert_unauthorized(anonymous, "invalid_token").await;
    }
}

#[actix_web::test]
async fn an_invitation_creates_a_user_who_must_choose_a_password() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let email = fresh_email("invitee");
    let created = invite(&app, &token, &email.to_uppercase()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        created.headers()["location"],
        format!("/admin/users/{email}").as_str()
    );
    let user: Value = created.json().await.expect("json");
    assert_eq!(user["username"], email.as_str());
    assert_eq!(user["email"], email.as_str());
    assert_eq!(user["emailVerified"], true);
    assert_eq!(user["status"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(user["enabled"], true);
    assert!(
        user["created"].as_str().is_some_and(|d| d.contains('T')),
        "RFC 3339: {user}"
    );
    assert!(
        app.idp_admin.temporary_password(&email).is_some(),
        "Cognito generated and sent a temporary password"
    );
    assert_eq!(
        error_code(invite(&app, &token, &email).await).await,
        (StatusCode::CONFLICT, "conflict".into())
    );
    let bad = invite(&app, &token, "not an email").await;
    let body: Value = bad.json().await.expect("json");
    assert_eq!(body["error"], "validation_failed");
    assert!(body["fields"]["email"].is_string(), "{body}");
    let unknown_field = call(
        &app,
        Method::POST,
        "/admin/users",
        &token,
        Some(json!({"email": email, "role": "admin"})),
    )
    .await;
    assert_eq!(error_code(unknown_field).await.0, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn the_list_searches_by_email_prefix_and_pages() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let tag = format!("page{}", uuid::Uuid::new_v4().simple());
    let mut invited = Vec::new();
    for i in 0..21 {
        let email = format!("{tag}-{i:02}@example.com");
        assert_eq!(
            invite(&app, &token, &email).await.status(),
            StatusCode::CREATED
        );
        invited.push(email);
    }
    let first: Value = call(
        &app,
        Method::GET,
        &format!("/admin/users?search={tag}"),
        &token,
        None,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(first["users"].as_array().map(Vec::len), Some(20));
    let next = first["nextPage"].as_str().expect("a second page");
    let second: Value = call(
        &app,
        Method::GET,
        &format!("/admin/users?search={tag}&page={}", urlencode(next)),
        &token,
        None,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(second["users"].as_array().map(Vec::len), Some(1));
    assert!(second["nextPage"].is_null());
    let everyone: Value = call(&app, Method::GET, "/admin/users", &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert!(everyone["users"]
        .as_array()
        .is_some_and(|u| u.iter().any(|u| u["username"] == "admin@example.com")));
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[actix_web::test]
async fn groups_are_toggled_and_unknown_users_or_groups_are_not_found() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let email = fresh_email("member");
    invite(&app, &token, &email).await;
    let put = call(
        &app,
        Method::PUT,
        &format!("/admin/users/{email}/groups/admin"),
        &token,
        None,
    )
    .await;
    assert_eq!(put.status(), StatusCode::NO_CONTENT);
    let user: Value = call(
        &app,
        Method::GET,
        &format!("/admin/users/{email}"),
        &token,
        None,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(user["groups"], json!(["admin"]));
    let removed = call(
        &app,
        Method::DELETE,
        &format!("/admin/users/{email}/groups/admin"),
        &token,
        None,
    )
    .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let missing_group = call(
        &app,
        Method::PUT,
        &format!("/admin/users/{email}/groups/astronauts"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        error_code(missing_group).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let missing_user = call(
        &app,
        Method::GET,
        "/admin/users/nobody@example.com",
        &token,
        None,
    )
    .await;
    assert_eq!(
        error_code(missing_user).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[actix_web::test]
async fn an_admin_cannot_disable_delete_or_demote_themselves() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    for (method, path) in [
        (Method::POST, "/admin/users/admin@example.com/disable"),
        (Method::DELETE, "/admin/users/admin@example.com"),
        (
            Method::DELETE,
            "/admin/users/ADMIN@example.com/groups/admin",
        ),
    ] {
        let response = call(&app, method.clone(), path, &token, None).await;
        assert_eq!(
            error_code(response).await,
            (StatusCode::CONFLICT, "conflict".into()),
            "{method} {path}"
        );
    }
    let me: Value = call(
        &app,
        Method::GET,
        "/admin/users/admin@example.com",
        &token,
        None,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(me["enabled"], true);
    assert_eq!(me["groups"], json!(["admin"]));
}

#[actix_web::test]
async fn disabling_or_signing_out_everywhere_ends_the_users_session() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let user = app.sign_in(USER).await;
    let refresh = user.refresh_token.clone().expect("refresh token");
    let disabled = call(
        &app,
        Method::POST,
        "/admin/users/user@example.com/disable",
        &token,
        None,
    )
    .await;
    assert_eq!(disabled.status(), StatusCode::NO_CONTENT);
    assert_unauthorized(app.refresh_explicitly(&refresh).await, "session_expired").await;
    let enabled = call(
        &app,
        Method::POST,
        "/admin/users/user@example.com/enable",
        &token,
        None,
    )
    .await;
    assert_eq!(enabled.status(), StatusCode::NO_CONTENT);

    let again = app.sign_in(USER).await;
    let signed_out = call(
        &app,
        Method::POST,
        "/admin/users/user@example.com/signout",
        &token,
        None,
    )
    .await;
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    assert_unauthorized(
        app.refresh_explicitly(again.refresh_token.as_deref().expect("refresh token"))
            .await,
        "session_expired",
    )
    .await;
}

#[actix_web::test]
async fn a_deleted_user_is_gone() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let email = fresh_email("leaver");
    invite(&app, &token, &email).await;
    let deleted = call(
        &app,
        Method::DELETE,
        &format!("/admin/users/{email}"),
        &token,
        None,
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = call(
        &app,
        Method::GET,
        &format!("/admin/users/{email}"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        error_code(gone).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let twice = call(
        &app,
        Method::DELETE,
        &format!("/admin/users/{email}"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        error_code(twice).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[actix_web::test]
async fn cognito_down_is_idp_unavailable_and_changes_nothing() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let email = fresh_email("outage");
    app.idp_admin.set_fault(
        cognito_emulator::FaultTarget::Api,
        cognito_emulator::Fault::Status(503),
    );
    let down = invite(&app, &token, &email).await;
    assert_eq!(
        error_code(down).await,
        (StatusCode::SERVICE_UNAVAILABLE, "idp_unavailable".into())
    );
    app.idp_admin.set_fault(
        cognito_emulator::FaultTarget::Api,
        cognito_emulator::Fault::HangSecs(10),
    );
    let hung = call(&app, Method::GET, "/admin/users", &token, None).await;
    assert_eq!(
        error_code(hung).await,
        (StatusCode::SERVICE_UNAVAILABLE, "idp_unavailable".into())
    );
    app.idp_admin.clear_faults();
    let after = call(
        &app,
        Method::GET,
        &format!("/admin/users/{email}"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        error_code(after).await,
        (StatusCode::NOT_FOUND, "not_found".into()),
        "nothing half-applied"
    );
}
