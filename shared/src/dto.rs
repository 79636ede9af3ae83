//! Request and response bodies of the API, camelCase on the wire.

use serde::{Deserialize, Serialize};

/// `GET /auth/config`: what the UI needs to start a hosted-UI sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthConfig {
    pub client_id: String,
    /// Bare endpoint; the UI adds `redirect_uri`, `state` and the PKCE challenge.
    pub authorize_url: String,
    /// Bare endpoint; the UI adds `client_id` and `logout_uri`.
    pub logout_url: String,
    pub scopes: Vec<String>,
}

/// `POST /auth/token`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    /// The `code` of Cognito's redirect to `/signin`.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub code: String,
    /// `{a UI origin}/signin`, as in the authorize request.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub redirect_uri: String,
    /// The PKCE verifier (RFC 7636 §4.1).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9._~-]{43,128}$"))]
    pub code_verifier: String,
}

/// Tokens as the API hands them to the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: u64,
    pub token_type: String,
}

/// `POST /auth/refresh` and `POST /auth/signout`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefreshTokenBody {
    /// Cognito's refresh token; at most 8 KiB.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S", max_length = 8192))]
    pub refresh_token: String,
}

/// A KPI value for one month (`GET /stats`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KpiRecord {
    pub id: i64,
    /// Lowercase name: `[a-z][a-z0-9_]{0,31}`.
    pub kpi: String,
    /// `YYYYMM`.
    pub period: String,
    pub year: i32,
    pub month: u8,
    pub value: f64,
    /// RFC 3339.
    pub created_date: String,
    /// RFC 3339.
    pub modified_date: String,
}

/// `POST /stats` and `PUT /stats/{id}`; any other field is `validation_failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KpiInput {
    /// Lowercase name: `[a-z][a-z0-9_]{0,31}`.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z][a-z0-9_]{0,31}$"))]
    pub kpi: String,
    /// `YYYYMM`, a year from 1000 and a month 01-12.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[1-9][0-9]{3}(0[1-9]|1[0-2])$")
    )]
    pub period: String,
    pub value: f64,
}

/// `GET /user`: who the access token belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    pub sub: String,
    pub username: String,
    /// From Cognito's userInfo; absent when the token lacks the `openid` scope.
    pub email: Option<String>,
    pub groups: Vec<String>,
    pub client_id: String,
    pub scopes: Vec<String>,
    /// When the access token expires, seconds since the Unix epoch.
    pub expires_at: u64,
}

/// `GET /info/server`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub framework: String,
    pub version: String,
    pub language: String,
    pub repo: String,
    pub docs: String,
}

/// `GET /healthz`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub status: String,
}
