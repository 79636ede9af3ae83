//! The HTTP envelope: JSON errors for every failure, CORS, documentation, liveness.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use shared::dto::ServerInfo;

#[actix_web::test]
async fn health_and_server_info_need_no_token() {
    let app = spawn_app().await;
    let health: Value = app.get("/healthz", None).await.json().await.expect("json");
    assert_eq!(health["status"], "ok");
    let info: ServerInfo = app
        .get("/info/server", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(info.language, "Rust");
    assert!(info.framework.starts_with("actix-web"));
}

#[actix_web::test]
async fn unknown_route_and_wrong_method_are_json_errors() {
    let app = spawn_app().await;
    let response = app.get("/nope", None).await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let response = app
        .request(Method::DELETE, "/auth/config", None)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(
        error_code(response).await,
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed".into())
    );
}

#[actix_web::test]
async fn malformed_json_and_wrong_content_type_are_bad_requests() {
    let app = spawn_app().await;
    for (content_type, body) in [
        ("application/json", "{\"code\": "),
        ("application/json", "[]"),
        ("text/plain", "{}"),
    ] {
        let response = app
            .request(Method::POST, "/auth/token", None)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("POST");
        assert_eq!(
            error_code(response).await,
            (StatusCode::BAD_REQUEST, "bad_request".into()),
            "{content_type} {body}"
        );
    }
}

#[actix_web::test]
async fn oversized_body_is_payload_too_large() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await.access_token;
    let body = format!("{{\"kpi\": \"{}\"}}", "a".repeat(64 * 1024));
    let response = app
        .request(Method::POST, "/stats", Some(&token))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("POST");
    assert_eq!(
        error_code(response).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large".into())
    );
}

/// A CORS preflight for `GET /stats` from `origin`, asking for `headers`.
async fn preflight(app: &TestApp, origin: &str, headers: Option<&str>) -> reqwest::Response {
    let mut request = app
        .request(Method::OPTIONS, "/stats", None)
        .header("origin", origin)
        .header("access-control-request-method", "GET");
    if let Some(headers) = headers {
        request = request.header("access-control-request-headers", headers);
    }
    request.send().await.expect("OPTIONS")
}

#[actix_web::test]
async fn cors_preflight_allows_the_ui_origin_and_the_refresh_header() {
    let app = spawn_app().await;
    let response = preflight(&app, UI_ORIGIN, Some("authorization, x-refresh-token")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], UI_ORIGIN);
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .expect("ascii");
    assert!(allowed.contains("x-refresh-token"), "{allowed}");

    let foreign = preflight(&app, "https://evil.example", None).await;
    assert!(foreign
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[actix_web::test]
async fn a_refused_preflight_is_a_json_error() {
    let app = spawn_app().await;
    let response = preflight(&app, UI_ORIGIN, Some("x-not-allowed")).await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
}

#[actix_web::test]
async fn a_401_carries_cors_headers_and_exposes_the_token_headers() {
    let app = spawn_app().await;
    let response = app
        .request(Method::GET, "/stats", None)
        .header("origin", UI_ORIGIN)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], UI_ORIGIN);
    let exposed = headers["access-control-expose-headers"]
        .to_str()
        .expect("ascii");
    for name in ["x-access-token", "x-id-token", "x-refresh-token"] {
        assert!(exposed.contains(name), "{exposed}");
    }
}

#[actix_web::test]
async fn openapi_document_and_swagger_ui_are_served() {
    let app = spawn_app().await;
    let served = app.get("/openapi.json", None).await;
    assert_eq!(served.headers()["content-type"], "application/json");
    let doc: Value = served.json().await.expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/auth/token",
        "/auth/refresh",
        "/auth/signout",
        "/stats",
        "/stats/{id}",
        "/user",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let bare = app.get("/docs", None).await;
    assert_eq!(bare.status(), StatusCode::FOUND);
    assert_eq!(bare.headers()["location"], "/docs/");
    let ui = app.get("/docs/", None).await;
    assert_eq!(ui.status(), StatusCode::OK);
    assert!(
        ui.text().await.expect("html").contains("swagger"),
        "Swagger UI page"
    );
    let initializer = app.get("/docs/swagger-initializer.js", None).await;
    assert_eq!(initializer.status(), StatusCode::OK);
    assert!(
        initializer
            .text()
            .await
            .expect("js")
            .contains(r#""url": "/openapi.json""#),
        "Swagger UI reads the served document"
    );
}

#[actix_web::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app
        .request(Method::GET, "/healthz", None)
        .header("x-request-id", "trace-42")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.headers()["x-request-id"], "trace-42");
    let response = app.get("/nope", None).await;
    assert!(response.headers().get("x-request-id").is_some());
}

#[actix_web::test]
async fn duplicate_json_keys_are_a_bad_request_and_nothing_is_stored() {
    let app = spawn_app().await;
    let admin = app.sign_in(ADMIN).await.access_token;
    let response = app
        .request(Method::POST, "/stats", Some(&admin))
        .header("content-type", "application/json")
        .body(r#"{"kpi":"sales","kpi":"cost","period":"209901","value":1}"#)
        .send()
        .await
        .expect("POST");
    assert_eq!(
        error_code(response).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let stored: Vec<serde_json::Value> = app
        .get("/stats?year=2099", Some(&admin))
        .await
        .json()
        .await
        .expect("json");
    assert!(stored.is_empty(), "{stored:?}");
}

#[actix_web::test]
async fn sign_in_answers_and_refreshed_tokens_are_never_cached() {
    let app = spawn_app().await;
    let config = app.get("/auth/config", None).await;
    assert_eq!(config.headers()["cache-control"], "no-store");
    let refused = app.exchange("bogus", &"v".repeat(43), REDIRECT_URI).await;
    assert_eq!(refused.headers()["cache-control"], "no-store", "errors too");
    app.set_access_token_secs(2).await;
    let tokens = app.sign_in(USER).await;
    app.advance(3);
    let refreshed = app
        .get_with_refresh(
            "/stats",
            &tokens.access_token,
            tokens.refresh_token.as_deref().expect("refresh token"),
        )
        .await;
    assert!(refreshed.headers().contains_key("x-access-token"));
    assert_eq!(refreshed.headers()["cache-control"], "no-store");
}
