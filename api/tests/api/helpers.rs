//! `spawn_app()` starts the Cognito emulator and the API on free ports, the API
//! configured for the emulator, each test with its own SQLite file, and returns
//! a `TestApp` with typed helpers that talk real HTTP.

use api::clock::Clock;
use api::config::Settings;
use api::startup::Application;
use cognito_emulator::config::{ClientConfig, EmulatorConfig};
use cognito_emulator::KeyRing;
use cognito_emulator::{testing, Options};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use shared::dto::Tokens;
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;

pub const ADMIN: (&str, &str) = ("admin@example.com", "Admin-Passw0rd!");
pub const USER: (&str, &str) = ("user@example.com", "User-Passw0rd!");
pub const UI_ORIGIN: &str = "http://localhost:3000";
pub const REDIRECT_URI: &str = "http://localhost:3000/signin";

pub struct TestApp {
    /// `http://127.0.0.1:{port}` of the API.
    pub address: String,
    /// The emulator's base URL (hosted UI and OAuth endpoints).
    pub idp: String,
    pub emulator: EmulatorConfig,
    pub http: Client,
    /// The API's environment variables, as a process would get them.
    pub env: HashMap<String, String>,
    /// The in-process API's and the emulator's clocks: [`TestApp::advance`] moves both.
    pub clock: Clock,
    pub idp_clock: cognito_emulator::clock::Clock,
    /// The emulator's in-process test handle (codes, temporary passwords, faults).
    pub idp_admin: cognito_emulator::AdminHandle,
    db_file: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.db_file);
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the stack with extra or overriding API environment variables.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    spawn_stack(overrides, |_| {}).await
}

/// Starts the stack with API variables and a change to the emulator's pool.
pub async fn spawn_stack(
    overrides: &[(&str, &str)],
    change_pool: impl FnOnce(&mut EmulatorConfig),
) -> TestApp {
    // Log lines go through the test harness, so they show only for failing tests.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_test_writer()
        .try_init();
    let mut emulator = EmulatorConfig::development().expect("dev.toml");
    change_pool(&mut emulator);
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let idp = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("bound").port()
    );
    let options = Options {
        public_url: Some(idp.clone()),
        ..Options::for_tests()
    };
    let idp_clock = options.clock.clone();
    let running = cognito_emulator::spawn(&emulator, &options, listener).expect("emulator");

    let db_file = std::env::temp_dir().join(format!("api-test-{}.db", uuid::Uuid::new_v4()));
    let mut vars: HashMap<String, String> = running
        .admin()
        .api_environment(&client(&emulator, "app-a").id)
        .expect("app A")
        .into_iter()
        .chain([
            ("UI_ORIGINS", UI_ORIGIN.to_owned()),
            ("JWT_LEEWAY_SECS", "0".to_owned()),
            ("IDP_TIMEOUT_SECS", "2".to_owned()),
            ("PORT", "0".to_owned()),
        ])
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    vars.insert(
        "DATABASE_URL".into(),
        format!("sqlite://{}?mode=rwc", db_file.display()),
    );
    for (k, v) in overrides {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let settings = Settings::from_lookup(|name| vars.get(name).cloned()).expect("settings");
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let clock = Clock::system();
    let app = Application::build_with_clock(settings, listener, clock.clone())
        .await
        .expect("API starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        idp: running.base_url.clone(),
        emulator,
        http: http_client(),
        env: vars,
        clock,
        idp_clock,
        idp_admin: running.admin().clone(),
        db_file,
    }
}

fn http_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

pub fn client<'a>(config: &'a EmulatorConfig, name: &str) -> &'a ClientConfig {
    config
        .clients
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no client {name} in dev.toml"))
}

/// The JSON of one segment of a JWT: 0 the header, 1 the payload.
/// A response header's value as text.
pub fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub fn jwt_part(token: &str, index: usize) -> Value {
    use base64::Engine;
    let segment = token.split('.').nth(index).expect("JWT segment");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

/// The status and the DESIGN.md error code of an error response, checking its shape.
pub async fn error_code(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = response.json().await.unwrap_or_else(|e| {
        panic!("a {status} error with content-type {content_type:?} is not JSON: {e}")
    });
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let code = body["error"].as_str().expect("error code").to_owned();
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error without a message: {body}"
    );
    (status, code)
}

/// Asserts a 401 with the given code and the WWW-Authenticate challenge.
pub async fn assert_unauthorized(response: Response, expected: &str) {
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some(r#"Bearer error="invalid_token""#)
    );
    assert_eq!(
        error_code(response).await,
        (StatusCode::UNAUTHORIZED, expected.to_owned())
    );
}

impl TestApp {
    /// The same emulator, with requests going to another API at `address`.
    pub fn for_api_at(&self, address: String) -> TestApp {
        TestApp {
            address,
            idp: self.idp.clone(),
            emulator: self.emulator.clone(),
            http: http_client(),
            env: self.env.clone(),
            clock: self.clock.clone(),
            idp_clock: self.idp_clock.clone(),
            idp_admin: self.idp_admin.clone(),
            db_file: PathBuf::new(),
        }
    }

    /// Another API instance with the same settings (the same database) and
    /// clock, as a second Lambda instance would be.
    pub async fn second_instance(&self) -> TestApp {
        let settings = Settings::from_lookup(|name| self.env.get(name).cloned()).expect("settings");
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let app = Application::build_with_clock(settings, listener, self.clock.clone())
            .await
            .expect("second API starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        self.for_api_at(address)
    }

    /// Lets `secs` seconds pass for the API and the emulator alike.
    pub fn advance(&self, secs: u64) {
        let by = std::time::Duration::from_secs(secs);
        self.clock.advance(by);
        self.idp_clock.advance(by).expect("in range");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn app_a(&self) -> &ClientConfig {
        client(&self.emulator, "app-a")
    }

    /// A request to the API with an optional bearer token.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let request = self.http.request(method, self.url(path));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token)
            .send()
            .await
            .expect("GET")
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Response {
        self.request(method, path, token)
            .json(body)
            .send()
            .await
            .expect("JSON request")
    }

    /// Signs in through the hosted UI for app A and returns a code plus its PKCE verifier.
    pub async fn code_for(&self, user: (&str, &str)) -> (String, String) {
        let pkce = testing::Pkce::new();
        let authorize =
            testing::authorize_url(&self.idp, &self.app_a().id, REDIRECT_URI, &pkce, "state-1");
        let callback =
            testing::sign_in(&self.idp, &testing::browser(), &authorize, user.0, user.1).await;
        let code = testing::query_param(&callback, "code").expect("code in callback");
        (code, pkce.verifier)
    }

    pub async fn exchange(&self, code: &str, verifier: &str, redirect_uri: &str) -> Response {
        self.send_json(
            Method::POST,
            "/auth/token",
            None,
            &json!({"code": code, "redirectUri": redirect_uri, "codeVerifier": verifier}),
        )
        .await
    }

    /// Tokens straight from the emulator's token endpoint, bypassing the API
    /// (so the API has not seen them, nor fetched the JWKS for them).
    pub async fn tokens_from_cognito(&self, user: (&str, &str)) -> Tokens {
        let (code, verifier) = self.code_for(user).await;
        let app_a = self.app_a();
        let response = self
            .http
            .post(format!("{}/oauth2/token", self.idp))
            .basic_auth(&app_a.id, app_a.secret.as_deref())
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", verifier.as_str()),
            ])
            .send()
            .await
            .expect("token endpoint");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("json");
        Tokens {
            access_token: body["access_token"].as_str().expect("access").to_owned(),
            id_token: body["id_token"].as_str().map(str::to_owned),
            refresh_token: body["refresh_token"].as_str().map(str::to_owned),
            expires_in: body["expires_in"].as_u64().expect("expires_in"),
            token_type: body["token_type"].as_str().expect("type").to_owned(),
        }
    }

    /// How many times the emulator served (or failed to serve) its JWKS.
    pub async fn jwks_calls(&self) -> u64 {
        self.counters().await["jwks"].as_u64().unwrap_or(0)
    }

    /// The whole sign-in: hosted UI, then `POST /auth/token`.
    pub async fn sign_in(&self, user: (&str, &str)) -> Tokens {
        let (code, verifier) = self.code_for(user).await;
        let response = self.exchange(&code, &verifier, REDIRECT_URI).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("tokens")
    }

    /// `POST /auth/refresh`.
    pub async fn refresh_explicitly(&self, refresh_token: &str) -> Response {
        let body = json!({"refreshToken": refresh_token});
        self.send_json(Method::POST, "/auth/refresh", None, &body)
            .await
    }

    /// `POST /auth/signout` with the access token, revoking the refresh token.
    pub async fn sign_out(&self, access_token: &str, refresh_token: &str) -> Response {
        let body = json!({"refreshToken": refresh_token});
        self.send_json(Method::POST, "/auth/signout", Some(access_token), &body)
            .await
    }

    /// GET with an access token and a refresh token.
    pub async fn get_with_refresh(&self, path: &str, access: &str, refresh: &str) -> Response {
        self.request(Method::GET, path, Some(access))
            .header(shared::headers::REFRESH_TOKEN, refresh)
            .send()
            .await
            .expect("GET")
    }

    /// Emulator hook: token lifetimes of app A, in seconds.
    pub async fn set_access_token_secs(&self, secs: u64) {
        let response = self
            .http
            .put(format!(
                "{}/_emulator/clients/{}/lifetimes",
                self.idp,
                self.app_a().id
            ))
            .json(&json!({"accessTokenSecs": secs, "idTokenSecs": secs}))
            .send()
            .await
            .expect("lifetimes hook");
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// Emulator hook: make `target` (`jwks` or `token`) fail with `fault`.
    pub async fn fault(&self, target: &str, fault: Value) {
        let response = self
            .http
            .put(format!("{}/_emulator/faults/{target}", self.idp))
            .json(&fault)
            .send()
            .await
            .expect("fault hook");
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }

    /// Emulator hook: call counters.
    pub async fn counters(&self) -> Value {
        testing::counters(&self.http, &self.idp).await
    }

    /// How many refresh_token grants the emulator has answered.
    pub async fn refresh_calls(&self) -> u64 {
        self.counters().await["token"]["refresh_token"]
            .as_u64()
            .unwrap_or(0)
    }

    /// A real access token's claims, changed by `change`, signed with the pool's real access key.
    pub fn forge(&self, token: &str, change: impl FnOnce(&mut Value)) -> String {
        let mut claims = jwt_part(token, 1);
        change(&mut claims);
        self.signing_keys().access().sign(&claims).expect("signs")
    }

    /// The emulator's development signing keys (fixtures), for forging tokens.
    pub fn signing_keys(&self) -> KeyRing {
        KeyRing::load_or_generate(
            self.emulator.keys.access_key.as_deref(),
            self.emulator.keys.id_key.as_deref(),
        )
        .expect("fixture keys")
    }
}
