//! The whole stack per test on free ports: the emulator, and for app clients
//! A and B an API and the built UI served with its `config.json`.
//! `cargo xtask test` builds the UI into `target/e2e-dist` first.

use api::config::Settings;
use api::startup::Application;
use cognito_emulator::config::EmulatorConfig;
use cognito_emulator::Options;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

pub(crate) fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/e2e-dist"));
    assert!(
        dist.join("index.html").exists(),
        "no built UI in {}: run `cargo xtask test`, which builds it first",
        dist.display()
    );
    dist
}

pub(crate) fn free_listener() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let port = listener.local_addr().expect("bound").port();
    (listener, port)
}

/// One app: a UI origin and its API.
pub struct AppUrls {
    pub ui: String,
    pub api: String,
}

pub struct Stack {
    pub idp: String,
    pub a: AppUrls,
    pub b: AppUrls,
    pub emulator: EmulatorConfig,
    /// Both APIs' clock and the emulator's: [`Stack::advance`] moves them together.
    /// The browser keeps its real clock.
    api_clock: api::clock::Clock,
    idp_clock: cognito_emulator::clock::Clock,
    /// The emulator's test handle: what it "emailed" (codes, temporary passwords).
    pub idp_admin: cognito_emulator::AdminHandle,
    db_files: Vec<PathBuf>,
}

impl Drop for Stack {
    fn drop(&mut self) {
        for file in &self.db_files {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// Emulator, and for each of app clients A and B an API and a UI.
pub async fn spawn_stack() -> Stack {
    spawn_stack_with(|config| config).await
}

/// As [`spawn_stack`], with the emulator's configuration changed first
/// (e.g. `with_refresh_rotation(true)`).
pub async fn spawn_stack_with(configure: impl FnOnce(EmulatorConfig) -> EmulatorConfig) -> Stack {
    let dist = dist_dir();
    let (ui_a_listener, ui_a) = free_listener();
    let (ui_b_listener, ui_b) = free_listener();
    let ui_a = format!("http://localhost:{ui_a}");
    let ui_b = format!("http://localhost:{ui_b}");
    let emulator = configure(
        EmulatorConfig::development()
            .expect("dev.toml")
            .with_ui_origin("app-a", &ui_a)
            .with_ui_origin("app-b", &ui_b),
    );
    let (listener, idp_port) = free_listener();
    let idp = format!("http://localhost:{idp_port}");
    let options = Options {
        public_url: Some(idp.clone()),
        ..Options::for_tests()
    };
    let idp_clock = options.clock.clone();
    let api_clock = api::clock::Clock::system();
    let running = cognito_emulator::spawn(&emulator, &options, listener).expect("emulator");

    let mut db_files = Vec::new();
    let mut apps = Vec::new();
    for (name, ui, ui_listener) in [
        ("app-a", ui_a, ui_a_listener),
        ("app-b", ui_b, ui_b_listener),
    ] {
        let client = emulator
            .clients
            .iter()
            .find(|c| c.name == name)
            .expect("client");
        let db_file = std::env::temp_dir().join(format!("e2e-{}.db", uuid::Uuid::new_v4()));
        let mut vars: HashMap<&str, String> = running
            .admin()
            .api_environment(&client.id)
            .expect("the client's settings")
            .into_iter()
            .collect();
        vars.extend([
            ("UI_ORIGINS", ui.clone()),
            ("JWT_LEEWAY_SECS", "0".into()),
            (
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", db_file.display()),
            ),
        ]);
        db_files.push(db_file);
        let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("settings");
        let (api_listener, api_port) = free_listener();
        let app = Application::build_with_clock(settings, api_listener, api_clock.clone())
            .await
            .expect("API starts");
        actix_web::rt::spawn(app.run_until_stopped());
        let api = format!("http://localhost:{api_port}");
        let server = e2e::serve_dist(dist.clone(), &api, ui_listener).expect("UI server");
        actix_web::rt::spawn(server);
        apps.push(AppUrls { ui, api });
    }
    let b = apps.pop().expect("app B");
    let a = apps.pop().expect("app A");
    Stack {
        idp,
        a,
        b,
        emulator,
        api_clock,
        idp_clock,
        idp_admin: running.admin().clone(),
        db_files,
    }
}

impl Stack {
    fn client_id(&self, name: &str) -> String {
        self.emulator
            .clients
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.id.clone())
            .expect("client")
    }

    /// Lets `secs` seconds pass for the APIs and the emulator (not the browser).
    pub fn advance(&self, secs: u64) {
        let by = Duration::from_secs(secs);
        self.api_clock.advance(by);
        self.idp_clock.advance(by).expect("in range");
    }

    /// Emulator hook: its call counters.
    pub async fn counters(&self) -> Value {
        cognito_emulator::testing::counters(&reqwest::Client::new(), &self.idp).await
    }

    /// How many authorize requests the hosted UI has seen.
    pub async fn authorize_calls(&self) -> u64 {
        self.counters().await["authorize"].as_u64().unwrap_or(0)
    }

    /// How many refresh_token grants the emulator has answered.
    pub async fn refresh_calls(&self) -> u64 {
        self.counters().await["token"]["refresh_token"]
            .as_u64()
            .unwrap_or(0)
    }

    /// Emulator hook: app A's access (and ID) token lifetime in seconds.
    pub async fn set_access_token_secs(&self, secs: u64) {
        let response = reqwest::Client::new()
            .put(format!(
                "{}/_emulator/clients/{}/lifetimes",
                self.idp,
                self.client_id("app-a")
            ))
            .json(&json!({"accessTokenSecs": secs, "idTokenSecs": secs}))
            .send()
            .await
            .expect("lifetimes hook");
        assert!(response.status().is_success());
    }
}
