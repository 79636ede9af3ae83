//! Liveness and what is serving.

use actix_web::http::header;
use actix_web::web::Json;
use actix_web::HttpResponse;
use shared::dto::{Health, ServerInfo};

#[utoipa::path(get, path = "/healthz", tag = "info",
    responses((status = 200, description = "The API is up", body = Health)))]
pub(crate) async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

#[utoipa::path(get, path = "/info/server", tag = "info",
    responses((status = 200, description = "What is serving this API", body = ServerInfo)))]
pub(crate) async fn server() -> Json<ServerInfo> {
    Json(ServerInfo {
        framework: "actix-web 4".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        language: "Rust".into(),
        repo: env!("CARGO_PKG_REPOSITORY").into(),
        docs: "/docs/".into(),
    })
}

/// `/docs` → `/docs/`, where Swagger UI lives.
pub(crate) async fn docs_redirect() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}
