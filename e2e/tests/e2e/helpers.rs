//! The whole stack per test on free ports (emulator, API, the built UI served
//! with its `config.json`), and a headless Chromium driven through its own
//! chromedriver. `cargo xtask test` builds the UI into `target/e2e-dist` first.

use api::config::Settings;
use api::startup::Application;
use cognito_emulator::config::EmulatorConfig;
use cognito_emulator::Options;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN: (&str, &str) = ("admin@example.com", "Admin-Passw0rd!");
pub const USER: (&str, &str) = ("user@example.com", "User-Passw0rd!");
const WAIT: Duration = Duration::from_secs(20);

fn workspace_root() -> PathBuf {
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

fn free_listener() -> (TcpListener, u16) {
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
    let dist = dist_dir();
    let (ui_a_listener, ui_a) = free_listener();
    let (ui_b_listener, ui_b) = free_listener();
    let ui_a = format!("http://localhost:{ui_a}");
    let ui_b = format!("http://localhost:{ui_b}");
    let mut emulator = EmulatorConfig::load(&EmulatorConfig::dev_config_path()).expect("dev.toml");
    for client in &mut emulator.clients {
        let origin = match client.name.as_str() {
            "app-a" => &ui_a,
            "app-b" => &ui_b,
            _ => continue,
        };
        client.callback_urls = vec![format!("{origin}/signin")];
        client.logout_urls = vec![format!("{origin}/signout")];
    }
    let (listener, idp_port) = free_listener();
    let idp = format!("http://localhost:{idp_port}");
    let options = Options {
        public_url: Some(idp.clone()),
        ..Options::default()
    };
    cognito_emulator::spawn(&emulator, &options, listener).expect("emulator");

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
        let vars: HashMap<&str, String> = HashMap::from([
            ("COGNITO_ENDPOINT", idp.clone()),
            ("COGNITO_POOL_ID", emulator.pool.id.clone()),
            ("COGNITO_CLIENT_ID", client.id.clone()),
            (
                "COGNITO_CLIENT_SECRET",
                client.secret.clone().unwrap_or_default(),
            ),
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
        let app = Application::build_with_listener(settings, api_listener)
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

    /// Emulator hook: how many authorize requests the hosted UI has seen.
    pub async fn authorize_calls(&self) -> u64 {
        let counters =
            cognito_emulator::testing::counters(&reqwest::Client::new(), &self.idp).await;
        counters["authorize"].as_u64().unwrap_or(0)
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

/// A chromedriver process of our own, killed when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

pub async fn browser() -> Browser {
    let (listener, port) = free_listener();
    drop(listener);
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {chromedriver}: {e} (cargo xtask test installs it)")
        });
    let profile = std::env::temp_dir().join(format!("e2e-chrome-{}", uuid::Uuid::new_v4()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => break client,
            Err(e) if started.elapsed() < WAIT => {
                let _ = e;
                actix_web::rt::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("chromedriver did not start a session: {e}"),
        }
    };
    Browser {
        client,
        driver,
        profile,
    }
}

impl Browser {
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    pub async fn url(&self) -> String {
        self.client.current_url().await.expect("url").to_string()
    }

    /// Waits until the URL starts with `prefix`.
    pub async fn wait_for_url(&self, prefix: &str) {
        let started = Instant::now();
        loop {
            let url = self.url().await;
            if url.starts_with(prefix) {
                return;
            }
            assert!(
                started.elapsed() < WAIT,
                "never reached {prefix}; still on {url}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Clicks the first `css` element whose text is `text`.
    pub async fn click_text(&self, css: &str, text: &str) {
        let started = Instant::now();
        loop {
            for element in self.client.find_all(Locator::Css(css)).await.expect("find") {
                if element.text().await.unwrap_or_default().trim() == text {
                    element.click().await.expect("click");
                    return;
                }
            }
            assert!(started.elapsed() < WAIT, "no {css} reading {text:?}");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Replaces an input's value, as typing would.
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        let started = Instant::now();
        loop {
            let body = self.text("body").await;
            if body.contains(needle) {
                return;
            }
            assert!(
                started.elapsed() < WAIT,
                "the page never said {needle:?}; it says:\n{body}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    /// The stored session (localStorage `kpi.session`), if any.
    pub async fn session(&self) -> Option<Value> {
        let raw = self.js("return localStorage.getItem('kpi.session')").await;
        raw.as_str().and_then(|s| serde_json::from_str(s).ok())
    }

    /// Fills and submits the hosted UI's login form (Cognito's element ids).
    pub async fn submit_login(&self, user: (&str, &str)) {
        self.fill("#signInFormUsername", user.0).await;
        self.fill("#signInFormPassword", user.1).await;
        self.click("input[name=signInSubmitButton]").await;
    }

    /// Opens `url` (a protected page), signs in on the hosted UI, and waits to be back.
    pub async fn sign_in_at(&self, stack_ui: &str, path: &str, user: (&str, &str)) {
        self.goto(&format!("{stack_ui}{path}")).await;
        self.find("#signInFormUsername").await;
        self.submit_login(user).await;
        self.wait_for_url(&format!("{stack_ui}{path}")).await;
    }

    /// Saves a screenshot under `target/e2e-screenshots/`.
    pub async fn screenshot(&self, name: &str) {
        let dir = workspace_root().join("target/e2e-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        self.js("window.scrollTo(0, 0)").await;
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}
