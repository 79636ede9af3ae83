//! The one place that calls the API. It asks the session owner for the
//! credentials of each request (the refresh token only when a refresh is due,
//! or once more after a 401 `token_expired`), holds the cross-tab refresh lock
//! while a request carries the refresh token, and reports the tokens every
//! response carries (`x-access-token`, `x-id-token`, `x-refresh-token`, error
//! responses included) and the refusals that end a session. Network errors
//! and 5xx answers leave the session as it is.

use crate::auth::lock::RefreshLock;
use crate::auth::owner::{Credentials, SessionOwner};
use crate::auth::tokens::{AccessToken, IdToken, RefreshToken};
use crate::clock::now_secs;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::headers;
use shared::{ErrorBody, ErrorCode};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Tries of one call: the first, one after `token_expired`, one after another tab changed the session.
const MAX_TRIES: usize = 3;

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
    /// `session_expired`, or `invalid_token` for the token sent: the session is over.
    #[error("your session has ended; please sign in again")]
    SessionEnded,
    /// An error status without the API's JSON (a proxy's or gateway's page, say).
    #[error("unexpected answer from the API (HTTP {0})")]
    Status(u16),
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

    /// Whether the same call may well succeed later: the network, a 5xx, the
    /// sign-in service being down, or a rate limit. The session is kept.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Network(_) => true,
            Self::Api { status, code, .. } => {
                *status >= 500
                    || matches!(code, ErrorCode::IdpUnavailable | ErrorCode::TooManyRequests)
            }
            Self::Status(status) => *status >= 500 || *status == 429,
            Self::SessionEnded | Self::Unexpected(_) => false,
        }
    }

    /// What to tell the person, in plain words.
    pub fn explain(&self) -> String {
        match self {
            Self::Api {
                code: ErrorCode::IdpUnavailable,
                ..
            } => "The sign-in service is unavailable right now. You are still signed in; \
                  trying again shortly."
                .into(),
            Self::Network(_) => {
                "The API cannot be reached. You are still signed in; check your connection \
                 (trying again shortly)."
                    .into()
            }
            other if other.is_retryable() => {
                format!("{other}. You are still signed in; trying again shortly.")
            }
            other => other.to_string(),
        }
    }

    /// What to tell someone who is not signed in (yet), in plain words.
    pub fn explain_signed_out(&self) -> String {
        match self {
            Self::Api {
                code: ErrorCode::IdpUnavailable,
                ..
            } => "the sign-in service is unavailable; try again in a moment".into(),
            Self::Network(_) => "the API cannot be reached; try again in a moment".into(),
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

#[derive(Clone, PartialEq)]
pub struct ApiClient {
    base: Rc<str>,
    session: SessionOwner,
}

/// Whether a call carries the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    Session,
    /// Sign-in's own calls (`/auth/config`, `/auth/token`).
    Anonymous,
}

impl ApiClient {
    pub fn new(base: &str, session: SessionOwner) -> Self {
        Self {
            base: base.trim_end_matches('/').into(),
            session,
        }
    }

    /// The API's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The session's owner.
    pub fn session(&self) -> &SessionOwner {
        &self.session
    }

    // The generic calls below only turn JSON into a `T`; what they await
    // (`call`) is one non-generic future, so each answer type costs its
    // deserialiser and no copy of the request's state machine.

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        decode(self.call(Method::GET, path, None, Auth::Session).await?)
    }

    /// A GET without the session.
    pub async fn get_anonymous<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        decode(self.call(Method::GET, path, None, Auth::Anonymous).await?)
    }

    pub async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = Some(to_json(body)?);
        decode(self.call(method, path, body, Auth::Session).await?)
    }

    /// A POST without the session.
    pub async fn post_anonymous<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = Some(to_json(body)?);
        decode(self.call(Method::POST, path, body, Auth::Anonymous).await?)
    }

    /// For answers without a body (204).
    pub async fn send_no_content<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ApiError> {
        let body = body.map(to_json).transpose()?;
        self.call_no_content(method, path, body).await
    }

    async fn call_no_content(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<(), ApiError> {
        let response = self.request(method, path, body, Auth::Session).await?;
        if response.ok() {
            Ok(())
        } else {
            Err(error_of(response).await)
        }
    }

    /// A call whose successful answer is JSON, parsed by the browser.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        auth: Auth,
    ) -> Result<wasm_bindgen::JsValue, ApiError> {
        let response = self.request(method, path, body, auth).await?;
        if !response.ok() {
            return Err(error_of(response).await);
        }
        crate::json::read_value(response)
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        auth: Auth,
    ) -> Result<Response, ApiError> {
        let url = format!("{}{path}", self.base);
        let credentials = |refused: Option<&AccessToken>| match auth {
            Auth::Session => self.session.credentials(now_secs(), refused),
            Auth::Anonymous => None,
        };
        let mut refused: Option<AccessToken> = None;
        for _ in 0..MAX_TRIES {
            let mut sent = credentials(refused.as_ref());
            let mut lock = None;
            if sent.as_ref().is_some_and(|c| c.refresh.is_some()) {
                lock = Some(RefreshLock::acquire().await);
                // Another tab may have refreshed while this one waited.
                sent = credentials(refused.as_ref());
                if sent.as_ref().is_none_or(|c| c.refresh.is_none()) {
                    lock = None;
                }
            }
            let response = send(&url, &method, body.as_deref(), sent.as_ref()).await?;
            self.report_tokens(&response);
            drop(lock);
            let Some(sent) = sent.filter(|_| response.status() == 401) else {
                return Ok(response);
            };
            let error = error_of(response).await;
            match error.code() {
                Some(ErrorCode::TokenExpired) if sent.refresh.is_none() && refused.is_none() => {
                    refused = Some(sent.access);
                }
                Some(ErrorCode::SessionExpired | ErrorCode::InvalidToken) => {
                    if self.session.refused(&sent.access) {
                        return Err(ApiError::SessionEnded);
                    }
                    // Another tab stored a different session meanwhile: try with it.
                    refused = None;
                }
                _ => return Err(error),
            }
        }
        Err(ApiError::SessionEnded)
    }

    fn report_tokens(&self, response: &Response) {
        let header = |name: &str| response.headers().get(name).filter(|v| !v.is_empty());
        self.session.received(
            header(headers::ACCESS_TOKEN).map(AccessToken::new),
            header(headers::ID_TOKEN).map(IdToken::new),
            header(headers::REFRESH_TOKEN).map(RefreshToken::new),
        );
    }
}

async fn send(
    url: &str,
    method: &Method,
    body: Option<&str>,
    credentials: Option<&Credentials>,
) -> Result<Response, ApiError> {
    let mut builder = RequestBuilder::new(url).method(method.clone());
    if let Some(credentials) = credentials {
        builder = builder.header(
            headers::AUTHORIZATION,
            &format!("Bearer {}", credentials.access.expose()),
        );
        if let Some(refresh) = &credentials.refresh {
            builder = builder.header(headers::REFRESH_TOKEN, refresh.expose());
        }
    }
    let request = match body {
        Some(json) => builder
            .header("content-type", "application/json")
            .body(json.to_owned()),
        None => builder.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

fn to_json<B: Serialize>(body: &B) -> Result<String, ApiError> {
    crate::json::to_string(body).map_err(|e| ApiError::Unexpected(e.to_string()))
}

fn decode<T: DeserializeOwned>(value: wasm_bindgen::JsValue) -> Result<T, ApiError> {
    crate::json::from_value(value).map_err(|e| ApiError::Unexpected(e.to_string()))
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
        Err(_) => ApiError::Status(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: ErrorCode) -> ApiError {
        ApiError::Api {
            status: code.status(),
            code,
            message: "m".into(),
            fields: BTreeMap::new(),
        }
    }

    #[test]
    fn network_trouble_and_5xx_are_retried_while_refusals_are_not() {
        for error in [
            ApiError::Network("offline".into()),
            api(ErrorCode::IdpUnavailable),
            api(ErrorCode::Internal),
            api(ErrorCode::TooManyRequests),
            ApiError::Status(502),
        ] {
            assert!(error.is_retryable(), "{error:?}");
            assert!(error.explain().contains("still signed in"), "{error:?}");
            assert!(
                !error.explain_signed_out().contains("signed in"),
                "{error:?}"
            );
        }
        for error in [
            ApiError::SessionEnded,
            api(ErrorCode::SessionExpired),
            api(ErrorCode::InvalidToken),
            api(ErrorCode::Forbidden),
            api(ErrorCode::ValidationFailed),
            ApiError::Status(404),
            ApiError::Unexpected("not JSON".into()),
        ] {
            assert!(!error.is_retryable(), "{error:?}");
        }
    }
}
