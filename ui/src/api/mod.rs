//! Calls to the API, all through [`client::ApiClient`]; one thin function per endpoint.

pub mod admin;
pub mod client;

use crate::auth::tokens::RefreshToken;
use client::{ApiClient, ApiError};
use gloo_net::http::Method;
use shared::dto::{
    AuthConfig, KpiInput, KpiRecord, RefreshTokenBody, ServerInfo, TokenRequest, Tokens,
    UserProfile,
};

pub async fn auth_config(api: &ApiClient) -> Result<AuthConfig, ApiError> {
    api.get_anonymous("/auth/config").await
}

pub async fn exchange_code(api: &ApiClient, request: &TokenRequest) -> Result<Tokens, ApiError> {
    api.post_anonymous("/auth/token", request).await
}

pub async fn sign_out(api: &ApiClient, refresh_token: &RefreshToken) -> Result<(), ApiError> {
    let body = RefreshTokenBody {
        refresh_token: refresh_token.expose().to_owned(),
    };
    api.send_no_content(Method::POST, "/auth/signout", Some(&body))
        .await
}

pub async fn stats(api: &ApiClient) -> Result<Vec<KpiRecord>, ApiError> {
    api.get("/stats").await
}

pub async fn create_stat(api: &ApiClient, input: &KpiInput) -> Result<KpiRecord, ApiError> {
    api.send(Method::POST, "/stats", input).await
}

pub async fn update_stat(
    api: &ApiClient,
    id: i64,
    input: &KpiInput,
) -> Result<KpiRecord, ApiError> {
    api.send(Method::PUT, &format!("/stats/{id}"), input).await
}

pub async fn delete_stat(api: &ApiClient, id: i64) -> Result<(), ApiError> {
    api.send_no_content::<()>(Method::DELETE, &format!("/stats/{id}"), None)
        .await
}

pub async fn user(api: &ApiClient) -> Result<UserProfile, ApiError> {
    api.get("/user").await
}

pub async fn server_info(api: &ApiClient) -> Result<ServerInfo, ApiError> {
    api.get("/info/server").await
}
