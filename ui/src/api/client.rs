//! The one place that calls the API. It attaches the access token, sends the
//! refresh token only when a refresh is due, retries once after a 401
//! `token_expired`, and saves `x-access-token`, `x-id-token` and
//! `x-refresh-token` from every response, error responses included.

use crate::auth::session::{self, Session};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::headers;
use shared::{ErrorBody, ErrorCode};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Callback;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("cannot reach the API: {0}")]
    Network(String),
    /// The API's JSON error.
    #[error("{message}")]
    Api {
        status: u16,
        code: ErrorCode,
        message: String,
        fields: BTreeMap<String, String>,
    },
    /// A 401 other than a renewable expiry: the session is cleared.
    #[error("your session has ended; please sign in again")]
    SignedOut,
    #[error("unexpected answer from the API ({0})")]
    Unexpected(String),
}

impl ApiError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// What to tell the person, in plain words.
    pub fn explain(&self) -> String {
        match self {
            Self::Api {
                code: ErrorCode::IdpUnavailable,
                ..
            } => "The sign-in service is unavailable right now. You are still signed in; \
                  try again in a moment."
                .into(),
            Self::Network(_) => {
                "The API cannot be reached. Check your connection and try again.".into()
            }
            other => other.to_string(),
        }
    }

    /// Field errors of a `validation_failed` answer.
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            Self::Api { fields, .. } => fields.clone(),
            _ => BTreeMap::new(),
        }
    }
}

/// Seconds since the epoch by the browser's clock.
pub fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

#[derive(Clone, PartialEq)]
pub struct ApiClient {
    base: Rc<str>,
    /// Told whenever the stored session changes, so the UI follows.
    session_changed: Callback<Option<Session>>,
}

impl ApiClient {
    pub fn new(base: &str, session_changed: Callback<Option<Session>>) -> Self {
        Self {
            base: base.trim_end_matches('/').into(),
            session_changed,
        }
    }

    /// The API's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let response = self.request(Method::GET, path, None).await?;
        read_json(response).await
    }

    pub async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let response = self.request(method, path, Some(to_json(body)?)).await?;
        read_json(response).await
    }

    /// For answers without a body (204).
    pub async fn send_no_content<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ApiError> {
        let body = body.map(to_json).transpose()?;
        let response = self.request(method, path, body).await?;
        if response.ok() {
            Ok(())
        } else {
            Err(error_of(response).await)
        }
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        let url = format!("{}{path}", self.base);
        let mut force_refresh = false;
        loop {
            let session = session::load();
            let send_refresh = session
                .as_ref()
                .is_some_and(|s| force_refresh || s.refresh_due(now_secs()));
            let mut builder = RequestBuilder::new(&url).method(method.clone());
            if let Some(session) = &session {
                builder = builder.header(
                    headers::AUTHORIZATION,
                    &format!("Bearer {}", session.access_token),
                );
                if let (true, Some(refresh)) = (send_refresh, &session.refresh_token) {
                    builder = builder.header(headers::REFRESH_TOKEN, refresh);
                }
            }
            let request = match &body {
                Some(json) => builder
                    .header("content-type", "application/json")
                    .body(json.clone()),
                None => builder.build(),
            }
            .map_err(|e| ApiError::Network(e.to_string()))?;
            let response = request
                .send()
                .await
                .map_err(|e| ApiError::Network(e.to_string()))?;
            if let Some(updated) = save_token_headers(&response) {
                self.session_changed.emit(Some(updated));
            }
            if response.status() != 401 {
                return Ok(response);
            }
            let Some(sent) = &session else {
                return Ok(response);
            };
            let error = error_of(response).await;
            let renewable = error.code() == Some(ErrorCode::TokenExpired)
                && !send_refresh
                && sent.refresh_token.is_some();
            if renewable {
                force_refresh = true;
                continue;
            }
            // Any other 401: the session is over; the guard starts sign-in again.
            // Only the session that was sent: another tab may have signed in since.
            if session::load().is_some_and(|now| now.access_token == sent.access_token) {
                session::clear();
                self.session_changed.emit(None);
            }
            return Err(ApiError::SignedOut);
        }
    }
}

/// Saves the token headers of `response` into the stored session; the new
/// session if anything changed.
pub fn save_token_headers(response: &Response) -> Option<Session> {
    let headers = response.headers();
    let access = headers.get(headers::ACCESS_TOKEN);
    let id = headers.get(headers::ID_TOKEN);
    let refresh = headers.get(headers::REFRESH_TOKEN);
    if access.is_none() && id.is_none() && refresh.is_none() {
        return None;
    }
    let mut stored = session::load()?;
    if stored.apply(access, id, refresh) {
        session::save(&stored);
        Some(stored)
    } else {
        None
    }
}

fn to_json<B: Serialize>(body: &B) -> Result<String, ApiError> {
    crate::json::to_string(body).map_err(|e| ApiError::Unexpected(e.to_string()))
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if !response.ok() {
        return Err(error_of(response).await);
    }
    crate::json::read::<T>(response)
        .await
        .map_err(|e| ApiError::Unexpected(e.to_string()))
}

/// The API's JSON error, or a description of whatever came instead.
pub async fn error_of(response: Response) -> ApiError {
    let status = response.status();
    match crate::json::read::<ErrorBody>(response).await {
        Ok(body) => ApiError::Api {
            status,
            code: body.error,
            message: body.message,
            fields: body.fields,
        },
        Err(_) => ApiError::Unexpected(format!("HTTP {status}")),
    }
}
