//! The API and the emulator as release processes under `wrk`: cold start and
//! memory, `GET /info/server` (the HTTP stack's ceiling), authenticated
//! `GET /stats`, the emulator's refresh grants, and single flight (1,000
//! concurrent requests with one expired token: exactly one refresh at Cognito).
//!
//! `cargo xtask bench` builds the emulator, installs wrk, runs this
//! (`cargo bench -p api --bench load`) and reads `$BENCH_DIR/load.json`.

mod procs;
mod wrk;

use cognito_emulator::config::EmulatorConfig;
use cognito_emulator::testing;
use procs::{cpu_time, free_port, memory_kib, Service};
use reqwest::Client;
use serde_json::{json, Value};
use shared::dto::Tokens;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wrk::Wrk;

const REDIRECT_URI: &str = "http://localhost:3000/signin";
const USER: (&str, &str) = ("user@example.com", "User-Passw0rd!");
const COLD_STARTS: usize = 5;
const SINGLE_FLIGHT: usize = 1_000;

struct Bench {
    dir: PathBuf,
    secs: u32,
    emulator: Service,
    client_id: String,
    client_secret: String,
    http: Client,
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf();
    let dir = std::env::var_os("BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/bench"));
    std::fs::create_dir_all(&dir).expect("bench directory");
    let secs = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let emulator_bin = std::env::var_os("BENCH_EMULATOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/cognito-emulator"));
    let config = EmulatorConfig::development().expect("dev.toml");
    let app = config
        .clients
        .iter()
        .find(|c| c.name == "app-a")
        .expect("app-a");
    let port = free_port();
    let mut command = Command::new(&emulator_bin);
    command
        .current_dir(&root)
        .args(["--config", "emulator/dev.toml", "--test-hooks"])
        .args(["--port", &port.to_string()])
        .args(["--public-url", &format!("http://127.0.0.1:{port}")])
        .env("RUST_LOG", "warn");
    let log = dir.join("emulator.log");
    let _ = std::fs::remove_file(&log);
    let (emulator, _) = Service::start(command, port, "/_emulator/clock", &log);
    let bench = Bench {
        dir,
        secs,
        emulator,
        client_id: app.id.clone(),
        client_secret: app.secret.clone().expect("app-a has a secret"),
        http: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(SINGLE_FLIGHT)
            .build()
            .expect("client"),
    };
    let results = actix_web::rt::System::new().block_on(bench.run());
    let text = serde_json::to_string_pretty(&results).expect("json");
    std::fs::write(bench.dir.join("load.json"), &text).expect("load.json");
    println!("{text}");
}

impl Bench {
    fn api_command(&self, database: &Path, port: u16) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_api"));
        command
            .current_dir(&self.dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("COGNITO_ENDPOINT", &self.emulator.base)
            .env("COGNITO_POOL_ID", "eu-west-1_LocalDev1")
            .env("COGNITO_CLIENT_ID", &self.client_id)
            .env("COGNITO_CLIENT_SECRET", &self.client_secret)
            .env("UI_ORIGINS", "http://localhost:3000")
            .env("JWT_LEEWAY_SECS", "0")
            // The load generator is one client address; it must not be limited.
            .env("AUTH_RATE_PER_MINUTE", "1000000")
            .env(
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", database.display()),
            )
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("RUST_LOG", "info");
        command
    }

    /// Starts an API on a new database: the process and the time to its first `/healthz`.
    fn start_api(&self, name: &str) -> (Service, Duration) {
        let database = self.dir.join(format!("{name}.db"));
        for suffix in ["", "-shm", "-wal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
        }
        let port = free_port();
        let log = self.dir.join("api.log");
        Service::start(self.api_command(&database, port), port, "/healthz", &log)
    }

    async fn run(&self) -> Value {
        let mut starts: Vec<f64> = (0..COLD_STARTS)
            .map(|n| self.start_api(&format!("cold-{n}")).1.as_secs_f64() * 1e3)
            .collect();
        starts.sort_by(f64::total_cmp);
        let (api, _) = self.start_api("api");
        let rss_idle = memory_kib(api.pid(), "VmRSS:");
        let tokens = self.sign_in(&api).await;

        let info = self.wrk(
            &format!("{}/info/server", api.base),
            (&[], None),
            32,
            api.pid(),
        );
        let bearer = format!("Authorization: Bearer {}", tokens.access_token);
        let sampling = Arc::new(AtomicBool::new(true));
        let peak = Arc::new(AtomicU64::new(0));
        let sampler = {
            let (sampling, peak, pid) = (sampling.clone(), peak.clone(), api.pid());
            std::thread::spawn(move || {
                while sampling.load(Ordering::Relaxed) {
                    peak.fetch_max(memory_kib(pid, "VmRSS:"), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        };
        let stats = self.wrk(
            &format!("{}/stats", api.base),
            (&[bearer], None),
            32,
            api.pid(),
        );
        sampling.store(false, Ordering::Relaxed);
        let _ = sampler.join();

        let refresh = tokens.refresh_token.clone().expect("a refresh token");
        let script = self.dir.join("refresh.lua");
        let body = serde_urlencoded::to_string([
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
            ("refresh_token", refresh.as_str()),
        ])
        .expect("form");
        std::fs::write(
            &script,
            format!(
                "wrk.method = \"POST\"\nwrk.body = \"{body}\"\n\
                 wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
            ),
        )
        .expect("refresh.lua");
        let grants = self.wrk(
            &format!("{}/oauth2/token", self.emulator.base),
            (&[], Some(&script)),
            16,
            self.emulator.pid(),
        );
        let single_flight = self.single_flight(&api).await;
        json!({
            "cold_start_ms": starts[starts.len() / 2],
            "cold_start_ms_all": starts,
            "rss_idle_kib": rss_idle,
            "rss_load_kib": peak.load(Ordering::Relaxed),
            "info_server": info,
            "stats": stats,
            "refresh_grants": grants,
            "single_flight": single_flight,
            "wrk_secs": self.secs,
        })
    }

    /// wrk at `url` with `c` connections; `server` is the process whose CPU time is counted.
    fn wrk(
        &self,
        url: &str,
        (headers, script): (&[String], Option<&Path>),
        c: u32,
        server: u32,
    ) -> wrk::Load {
        let run = |secs| {
            Wrk {
                url,
                connections: c,
                secs,
                headers,
                script,
            }
            .run()
        };
        // A short warm-up first (caches, connection pools, CPU frequency).
        run(2);
        let before = cpu_time(server);
        let mut load = run(self.secs);
        load.server_cpu_us_per_request =
            (cpu_time(server) - before).as_secs_f64() * 1e6 / load.requests.max(1) as f64;
        assert_eq!(
            load.failed, 0,
            "{url}: {} responses were errors",
            load.failed
        );
        load
    }

    /// Signs in through the hosted UI and exchanges the code at the API.
    async fn sign_in(&self, api: &Service) -> Tokens {
        let browser = testing::browser();
        let pkce = testing::Pkce::new();
        let base = &self.emulator.base;
        let authorize = testing::authorize_url(base, &self.client_id, REDIRECT_URI, &pkce, "b");
        let callback = testing::sign_in(base, &browser, &authorize, USER.0, USER.1).await;
        let code = testing::query_param(&callback, "code").expect("a code");
        let response = self
            .http
            .post(format!("{}/auth/token", api.base))
            .json(
                &json!({"code": code, "redirectUri": REDIRECT_URI, "codeVerifier": pkce.verifier}),
            )
            .send()
            .await
            .expect("POST /auth/token");
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.expect("tokens")
    }

    async fn hook(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let response = self
            .http
            .request(method, format!("{}/_emulator/{path}", self.emulator.base))
            .json(&body)
            .send()
            .await
            .expect("emulator hook");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap_or(Value::Null)
    }

    /// 1,000 concurrent `GET /stats` with one expired access token and its
    /// refresh token: how many refreshes reached Cognito (must be 1).
    async fn single_flight(&self, api: &Service) -> Value {
        use reqwest::Method;
        let lifetimes = format!("clients/{}/lifetimes", self.client_id);
        self.hook(Method::PUT, &lifetimes, json!({"accessTokenSecs": 1}))
            .await;
        let tokens = self.sign_in(api).await;
        self.hook(Method::PUT, &lifetimes, json!({"accessTokenSecs": 3600}))
            .await;
        // The API runs on the real clock (leeway 0): wait out the second.
        tokio_sleep(Duration::from_millis(2_100)).await;
        self.hook(Method::POST, "counters/reset", json!({})).await;
        let refresh = tokens.refresh_token.clone().expect("refresh token");
        let url = format!("{}/stats", api.base);
        let requests = (0..SINGLE_FLIGHT).map(|_| {
            self.http
                .get(&url)
                .bearer_auth(&tokens.access_token)
                .header(shared::headers::REFRESH_TOKEN, &refresh)
                .send()
        });
        let responses = futures_util::future::join_all(requests).await;
        let renewed = responses
            .iter()
            .filter(|r| {
                r.as_ref().is_ok_and(|r| {
                    r.status().is_success()
                        && r.headers().contains_key(shared::headers::ACCESS_TOKEN)
                })
            })
            .count();
        let counters = self
            .http
            .get(format!("{}/_emulator/counters", self.emulator.base))
            .send()
            .await
            .expect("counters")
            .json::<Value>()
            .await
            .expect("counters json");
        json!({
            "requests": SINGLE_FLIGHT,
            "renewed": renewed,
            "cognito_refresh_calls": counters["token"]["refresh_token"].as_u64().unwrap_or(0),
        })
    }
}

/// A real wait (the bench's token must expire on the API's real clock).
async fn tokio_sleep(duration: Duration) {
    actix_web::rt::time::sleep(duration).await;
}
