//! `spawn_pool()` starts the development pool on a free port and returns a
//! `TestPool` with typed helpers for the hosted UI and OAuth endpoints.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognito_emulator::config::{ClientConfig, EmulatorConfig};
use cognito_emulator::Options;
use reqwest::{redirect, Client, Response, StatusCode, Url};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::net::TcpListener;

pub const ADMIN: (&str, &str) = ("admin@example.com", "Admin-Passw0rd!");
pub const USER: (&str, &str) = ("user@example.com", "User-Passw0rd!");

pub struct TestPool {
    pub base: String,
    pub issuer: String,
    pub config: EmulatorConfig,
    /// A client with no cookies: for the back-channel endpoints.
    pub http: Client,
}

/// A PKCE pair (RFC 7636, S256).
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

/// What the token endpoint returned.
#[derive(Debug, serde::Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: u64,
    pub token_type: String,
}

pub async fn spawn_pool() -> TestPool {
    spawn_pool_with(Options::default()).await
}

pub async fn spawn_pool_with(options: Options) -> TestPool {
    spawn_pool_from(dev_config(), options).await
}

pub fn dev_config() -> EmulatorConfig {
    EmulatorConfig::load(&EmulatorConfig::dev_config_path()).expect("dev.toml loads")
}

pub async fn spawn_pool_from(config: EmulatorConfig, options: Options) -> TestPool {
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let port = listener.local_addr().expect("bound").port();
    let options = Options {
        public_url: Some(format!("http://127.0.0.1:{port}")),
        workers: 2,
        ..options
    };
    let running = cognito_emulator::spawn(&config, &options, listener).expect("emulator starts");
    TestPool {
        base: running.base_url,
        issuer: running.issuer,
        config,
        http: browser(),
    }
}

/// A browser stand-in: its own cookie jar, redirects not followed.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .expect("http client")
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no Location on a {} response", response.status()))
        .to_owned()
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    let url = Url::parse(url)
        .or_else(|_| Url::parse("http://relative").and_then(|b| b.join(url)))
        .ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The value of a hidden form field in an HTML page.
pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in page"))
        + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

impl TestPool {
    pub fn client(&self, name: &str) -> &ClientConfig {
        self.config
            .clients
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no client {name} in dev.toml"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The authorize URL for a client, with PKCE and state.
    pub fn authorize_url(&self, client: &ClientConfig, pkce: &Pkce, state: &str) -> String {
        let query = serde_urlencoded::to_string([
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", client.callback_urls[0].as_str()),
            ("state", state),
            ("scope", "openid email profile"),
            ("code_challenge_method", "S256"),
            ("code_challenge", pkce.challenge.as_str()),
        ])
        .expect("encodable");
        self.url(&format!("/oauth2/authorize?{query}"))
    }

    /// Follows authorize to the login page, posts the form, and returns the final response.
    pub async fn submit_login(
        &self,
        browser: &Client,
        authorize_url: &str,
        username: &str,
        password: &str,
    ) -> Response {
        let to_login = browser.get(authorize_url).send().await.expect("authorize");
        assert_eq!(
            to_login.status(),
            StatusCode::FOUND,
            "authorize redirects to the login page"
        );
        let login_url = self.url(&location(&to_login));
        let page = browser.get(&login_url).send().await.expect("login page");
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.expect("html");
        let csrf = hidden_field(&html, "_csrf");
        browser
            .post(&login_url)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("signInSubmitButton", "Sign in"),
            ])
            .send()
            .await
            .expect("login post")
    }

    /// Signs in through the hosted UI and returns the authorization code.
    pub async fn sign_in(
        &self,
        browser: &Client,
        client: &ClientConfig,
        pkce: &Pkce,
        user: (&str, &str),
    ) -> String {
        let state = "state-123";
        let response = self
            .submit_login(
                browser,
                &self.authorize_url(client, pkce, state),
                user.0,
                user.1,
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FOUND,
            "a good password redirects to the app"
        );
        let callback = location(&response);
        assert!(callback.starts_with(&client.callback_urls[0]), "{callback}");
        assert_eq!(query_param(&callback, "state").as_deref(), Some(state));
        query_param(&callback, "code").expect("code in callback")
    }

    /// POSTs a form to `path`, with HTTP Basic client authentication when `basic` is given.
    pub async fn post_form(
        &self,
        path: &str,
        basic: Option<(&str, &str)>,
        form: &[(&str, &str)],
    ) -> Response {
        let mut request = self.http.post(self.url(path)).form(form);
        if let Some((id, secret)) = basic {
            request = request.basic_auth(id, Some(secret));
        }
        request.send().await.expect("form post")
    }

    /// POSTs a form to the token endpoint with HTTP Basic client authentication.
    pub async fn token_request(&self, client: &ClientConfig, form: &[(&str, &str)]) -> Response {
        let secret = client.secret.as_deref().unwrap_or_default();
        self.post_form("/oauth2/token", Some((&client.id, secret)), form)
            .await
    }

    pub async fn exchange(&self, client: &ClientConfig, code: &str, verifier: &str) -> Response {
        self.token_request(
            client,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &client.callback_urls[0]),
                ("code_verifier", verifier),
            ],
        )
        .await
    }

    pub async fn refresh(&self, client: &ClientConfig, refresh_token: &str) -> Response {
        self.token_request(
            client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    /// Signs `user` in to `client` in a fresh browser and returns the tokens.
    pub async fn tokens_for(&self, client: &ClientConfig, user: (&str, &str)) -> TokenSet {
        let pkce = Pkce::new();
        let code = self.sign_in(&browser(), client, &pkce, user).await;
        let response = self.exchange(client, &code, &pkce.verifier).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("token json")
    }

    pub async fn jwks(&self) -> jsonwebtoken::jwk::JwkSet {
        self.http
            .get(format!("{}/.well-known/jwks.json", self.issuer))
            .send()
            .await
            .expect("jwks")
            .json()
            .await
            .expect("jwks json")
    }

    pub async fn user_info(&self, access_token: &str) -> Response {
        self.http
            .get(self.url("/oauth2/userInfo"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("userInfo")
    }

    pub async fn counters(&self) -> Value {
        self.http
            .get(self.url("/_emulator/counters"))
            .send()
            .await
            .expect("counters")
            .json()
            .await
            .expect("counters json")
    }
}

/// The OAuth error code of a JSON error response, checking the status too.
pub async fn oauth_error(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("error json");
    body["error"].as_str().expect("error code").to_owned()
}
