//! Request and response bodies of the API, camelCase on the wire.

use serde::{Deserialize, Serialize};

/// `GET /auth/config`: what the UI needs to start a hosted-UI sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    pub code: String,
    pub redirect_uri: String,
    pub code_verifier: String,
}

/// Tokens as the API hands them to the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[serde(rename_all = "camelCase")]
pub struct RefreshTokenBody {
    pub refresh_token: String,
}
