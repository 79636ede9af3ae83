//! `spawn_pool()` starts the development pool on a free port and returns a
//! `TestPool` with typed helpers for the hosted UI and OAuth endpoints.

use cognito_emulator::clock::Clock;
use cognito_emulator::config::{ClientConfig, EmulatorConfig};
pub use cognito_emulator::testing::{browser, hidden_field, location, query_param, Pkce};
use cognito_emulator::{testing, Options};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use std::net::TcpListener;

pub const ADMIN: (&str, &str) = ("admin@example.com", "Admin-Passw0rd!");
pub const USER: (&str, &str) = ("user@example.com", "User-Passw0rd!");

pub struct TestPool {
    pub base: String,
    /// `127.0.0.1:{port}`, where the emulator listens.
    pub address: String,
    pub issuer: String,
    pub config: EmulatorConfig,
    /// A client with no cookies: for the back-channel endpoints.
    pub http: Client,
    /// The pool's clock: tests advance it instead of sleeping.
    pub clock: Clock,
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
    spawn_pool_with(Options::for_tests()).await
}

pub async fn spawn_pool_with(options: Options) -> TestPool {
    spawn_pool_from(dev_config(), options).await
}

pub fn dev_config() -> EmulatorConfig {
    EmulatorConfig::development().expect("dev.toml loads")
}

pub async fn spawn_pool_from(config: EmulatorConfig, options: Options) -> TestPool {
    spawn_pool_on(
        config,
        Options {
            public_url: None,
            ..options
        },
    )
    .await
}

/// Starts the pool with `options` as given; without a public URL, at `http://127.0.0.1:{port}`.
pub async fn spawn_pool_on(config: EmulatorConfig, options: Options) -> TestPool {
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let port = listener.local_addr().expect("bound").port();
    let options = Options {
        public_url: options
            .public_url
            .or_else(|| Some(format!("http://127.0.0.1:{port}"))),
        workers: 2,
        ..options
    };
    let clock = options.clock.clone();
    let running = cognito_emulator::spawn(&config, &options, listener).expect("emulator starts");
    TestPool {
        address: format!("127.0.0.1:{port}"),
        base: running.base_url,
        issuer: running.issuer,
        config,
        http: browser(),
        clock,
    }
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

    /// Lets `secs` seconds pass for the pool.
    pub fn advance(&self, secs: u64) {
        self.clock
            .advance(std::time::Duration::from_secs(secs))
            .expect("in range");
    }

    /// The authorize URL for a client, with PKCE and state.
    pub fn authorize_url(&self, client: &ClientConfig, pkce: &Pkce, state: &str) -> String {
        testing::authorize_url(
            &self.base,
            &client.id,
            &client.callback_urls[0],
            pkce,
            state,
        )
    }

    /// Follows authorize to the login page, posts the form, and returns the final response.
    pub async fn submit_login(
        &self,
        browser: &Client,
        authorize_url: &str,
        username: &str,
        password: &str,
    ) -> Response {
        testing::submit_login(&self.base, browser, authorize_url, username, password).await
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

    /// Where authorize sends `browser` for `client`: the app's callback with a
    /// code while a hosted-UI session lives (single sign-on), else `/login?…`.
    pub async fn authorize_location(&self, browser: &Client, client: &ClientConfig) -> String {
        let response = browser
            .get(self.authorize_url(client, &Pkce::new(), "s"))
            .send()
            .await
            .expect("authorize");
        location(&response)
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
        testing::get_json(
            &self.http,
            &format!("{}/.well-known/jwks.json", self.issuer),
        )
        .await
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
        testing::counters(&self.http, &self.base).await
    }
}

/// Loads a hosted-UI page, posts its form with `fields`, returns the response.
pub async fn post_page(
    pool: &TestPool,
    browser: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = browser.get(pool.url(path)).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK, "{path}");
    let csrf = hidden_field(&page.text().await.expect("html"), "_csrf");
    let mut form = vec![("_csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser
        .post(pool.url(path))
        .form(&form)
        .send()
        .await
        .expect("post")
}

/// The OAuth error code of a JSON error response, checking the status too.
pub async fn oauth_error(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("error json");
    body["error"].as_str().expect("error code").to_owned()
}
