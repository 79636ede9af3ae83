//! The back channel to Cognito (or the emulator): token, revoke, userInfo and
//! JWKS calls over awc, each with a timeout, client authentication by HTTP Basic.

use super::error::{IdpError, OAuthErrorCode};
use super::tokens::{AccessToken, IdToken, PkceVerifier, RefreshToken};
use crate::config::CognitoSettings;
use awc::error::{ConnectError, SendRequestError};
use awc::http::StatusCode;
use jsonwebtoken::jwk::JwkSet;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long an idle connection to Cognito is kept for reuse.
const IDLE_CONNECTION: Duration = Duration::from_secs(4);

/// Largest body we read back from Cognito.
const RESPONSE_LIMIT_BYTES: usize = 256 * 1024;

/// What the token endpoint returns. `Debug` shows no token.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: AccessToken,
    pub id_token: Option<IdToken>,
    pub refresh_token: Option<RefreshToken>,
    pub expires_in: u64,
    pub token_type: String,
}

/// The claims of userInfo the API uses.
#[derive(Debug, Clone, Deserialize)]
pub struct UserInfo {
    pub email: Option<String>,
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: OAuthErrorCode,
}

static NEXT_CLIENT_ID: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// awc clients are not `Send`: each thread that calls Cognito gets its own, per `IdpClient`.
    static HTTP: RefCell<HashMap<u64, awc::Client>> = RefCell::new(HashMap::new());
}

/// The back channel to one user pool and app client. Built once; shareable
/// across threads (each thread makes its calls with its own HTTP client).
pub struct IdpClient {
    id: u64,
    timeout: Duration,
    cognito: Arc<CognitoSettings>,
}

impl IdpClient {
    pub fn new(cognito: Arc<CognitoSettings>, timeout: Duration) -> Self {
        Self {
            id: NEXT_CLIENT_ID.fetch_add(1, Ordering::Relaxed),
            timeout,
            cognito,
        }
    }

    /// This thread's HTTP client for this back channel.
    fn http(&self) -> awc::Client {
        HTTP.with(|clients| {
            clients
                .borrow_mut()
                .entry(self.id)
                .or_insert_with(|| http_client(self.timeout))
                .clone()
        })
    }

    pub fn settings(&self) -> &CognitoSettings {
        &self.cognito
    }
}

fn http_client(timeout: Duration) -> awc::Client {
    // awc's connector builds a default TLS config first; when more than one
    // rustls provider is compiled in (the AWS SDK brings aws-lc-rs), rustls
    // cannot pick one, so name ours for the process (a no-op if already set).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map(|builder| {
        builder
            .with_root_certificates(rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            })
            .with_no_client_auth()
    });
    // Idle connections are dropped before a server's usual 5 s keep-alive ends,
    // so that a pooled connection is rarely one the server has just closed.
    let connector = awc::Connector::new()
        .timeout(timeout)
        .conn_keep_alive(IDLE_CONNECTION);
    let connector = match tls {
        Ok(config) => connector.rustls_0_23(Arc::new(config)),
        // ring supports the default protocol versions; plain HTTP still works if not.
        Err(e) => {
            tracing::error!(error = %e, "TLS set-up failed; https calls to Cognito will fail");
            connector
        }
    };
    awc::Client::builder()
        .timeout(timeout)
        .connector(connector)
        .disable_redirects()
        .finish()
}

impl IdpClient {
    pub async fn fetch_jwks(&self) -> Result<JwkSet, IdpError> {
        get_json(|| self.http().get(self.cognito.jwks_url())).await
    }

    /// `authorization_code` grant, PKCE verifier forwarded.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
        code_verifier: &PkceVerifier,
    ) -> Result<TokenResponse, IdpError> {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &self.cognito.client_id),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", code_verifier.expose()),
        ])
        .await
    }

    /// `refresh_token` grant.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenResponse, IdpError> {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &self.cognito.client_id),
            ("refresh_token", refresh_token.expose()),
        ])
        .await
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<TokenResponse, IdpError> {
        let request = self.authenticated(self.cognito.token_url());
        read_json(request.send_form(&form).await).await
    }

    /// Revokes a refresh token (and the access tokens issued from it).
    pub async fn revoke(&self, refresh_token: &RefreshToken) -> Result<(), IdpError> {
        let request = self.authenticated(self.cognito.revoke_url());
        let form = [
            ("token", refresh_token.expose()),
            ("client_id", self.cognito.client_id.as_str()),
        ];
        let mut response = request.send_form(&form).await.map_err(unreachable)?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(refusal(&mut response).await)
    }

    pub async fn user_info(&self, access_token: &AccessToken) -> Result<UserInfo, IdpError> {
        get_json(|| {
            self.http()
                .get(self.cognito.user_info_url())
                .bearer_auth(access_token.expose())
        })
        .await
    }

    fn authenticated(&self, url: String) -> awc::ClientRequest {
        self.http().post(url).basic_auth(
            &self.cognito.client_id,
            self.cognito.client_secret.expose_secret(),
        )
    }
}

/// Bodies awc hands back.
trait Body:
    futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>> + Unpin
{
}
impl<S> Body for S where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>>
        + Unpin
{
}

async fn read_json<T: DeserializeOwned, S: Body>(
    sent: Result<awc::ClientResponse<S>, SendRequestError>,
) -> Result<T, IdpError> {
    let mut response = sent.map_err(unreachable)?;
    if !response.status().is_success() {
        return Err(refusal(&mut response).await);
    }
    response
        .json::<T>()
        .limit(RESPONSE_LIMIT_BYTES)
        .await
        .map_err(|e| IdpError::Unavailable(format!("unreadable answer from Cognito: {e}")))
}

/// A GET, sent once more when the pooled connection it went out on had been
/// closed by the server (the keep-alive race): a GET is safe to repeat.
async fn get_json<T: DeserializeOwned>(
    request: impl Fn() -> awc::ClientRequest,
) -> Result<T, IdpError> {
    let sent = match request().send().await {
        Err(SendRequestError::Connect(ConnectError::Disconnected) | SendRequestError::Send(_)) => {
            request().send().await
        }
        sent => sent,
    };
    read_json(sent).await
}

fn unreachable(e: SendRequestError) -> IdpError {
    IdpError::Unavailable(format!("Cognito unreachable: {e}"))
}

/// A non-2xx answer: 5xx is an outage, 4xx carries Cognito's OAuth error code.
async fn refusal<S: Body>(response: &mut awc::ClientResponse<S>) -> IdpError {
    let status = response.status();
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        return IdpError::Unavailable(format!("Cognito answered {status}"));
    }
    let code = match response
        .json::<OAuthErrorBody>()
        .limit(RESPONSE_LIMIT_BYTES)
        .await
    {
        Ok(body) => body.error,
        Err(_) => OAuthErrorCode::Other("unknown_error".to_owned()),
    };
    IdpError::Refused {
        status: status.as_u16(),
        code,
    }
}
