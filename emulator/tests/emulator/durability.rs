//! `--state PATH`: the real binary, killed and restarted on one state file.

use crate::helpers::*;
use cognito_emulator::testing::OutputLines;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A `cognito-emulator` process, killed (SIGKILL) when dropped.
struct Process {
    child: Child,
    _output: OutputLines,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(state: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cognito-emulator"));
    command
        .args(["--test-hooks", "--port", &port.to_string(), "--state"])
        .arg(state)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

impl Process {
    /// Starts the binary and waits until it listens.
    fn start(state: &Path, port: u16) -> Self {
        let mut child = command(state, port)
            .spawn()
            .expect("emulator binary starts");
        let output = OutputLines::capture(&mut child);
        output.until("cognito emulator listening", START_TIMEOUT);
        Self {
            child,
            _output: output,
        }
    }

    /// Kills it as `kill -9` would.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the binary expecting it to refuse to start; its stderr.
fn refused_start(state: &Path, port: u16) -> String {
    let output = command(state, port).output().expect("emulator binary runs");
    assert!(!output.status.success(), "it must not start");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("bound")
        .port()
}

fn state_file() -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("emulator-state-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    (dir.join("state.json"), dir)
}

/// A pool handle for a process on `port` (the development pool's config).
fn pool_at(port: u16) -> TestPool {
    let base = format!("http://localhost:{port}");
    TestPool {
        issuer: format!("{base}/eu-west-1_LocalDev1"),
        address: format!("127.0.0.1:{port}"),
        base,
        config: dev_config(),
        http: browser(),
        clock: cognito_emulator::clock::Clock::system(),
    }
}

/// Signs `username` up through the hosted UI; `None` when the emulator did not answer.
async fn sign_up(pool: &TestPool, username: &str) -> Option<StatusCode> {
    let query = pool
        .authorize_url(pool.client("app-a"), &Pkce::new(), "s")
        .split_once('?')
        .expect("query")
        .1
        .to_owned();
    let url = pool.url(&format!("/signup?{query}"));
    let browser = browser();
    let page = browser.get(&url).send().await.ok()?.text().await.ok()?;
    let csrf = hidden_field(&page, "_csrf");
    let email = format!("{username}@example.com");
    let posted = browser
        .post(&url)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", username),
            ("email", &email),
            ("password", "Durable-Passw0rd!"),
        ])
        .send()
        .await
        .ok()?;
    Some(posted.status())
}

async fn hook_code(pool: &TestPool, username: &str) -> reqwest::Response {
    pool.http
        .get(pool.url(&format!("/_emulator/users/{username}/code")))
        .send()
        .await
        .expect("code hook")
}

#[actix_web::test]
async fn a_restart_keeps_users_sessions_refresh_tokens_and_keys() {
    let (state, dir) = state_file();
    let port = free_port();
    let process = Process::start(&state, port);
    let pool = pool_at(port);
    let app = pool.client("app-a");
    // New signing keys, so that only the state file can bring them back.
    let rotated = pool
        .http
        .post(pool.url("/_emulator/keys/rotate"))
        .send()
        .await
        .expect("rotate");
    assert_eq!(rotated.status(), StatusCode::OK);
    let kids_before: Vec<String> = pool
        .jwks()
        .await
        .keys
        .iter()
        .filter_map(|k| k.common.key_id.clone())
        .collect();
    assert_eq!(sign_up(&pool, "durable").await, Some(StatusCode::FOUND));
    let code: Value = hook_code(&pool, "durable")
        .await
        .json()
        .await
        .expect("json");
    let signed_in = browser();
    let pkce = Pkce::new();
    let query = pool
        .authorize_url(app, &pkce, "s")
        .split_once('?')
        .expect("query")
        .1
        .to_owned();
    let confirmed = post_page(
        &pool,
        &signed_in,
        &format!("/confirm?{query}&username=durable"),
        &[("code", code["code"].as_str().expect("code"))],
    )
    .await;
    let auth_code = query_param(&location(&confirmed), "code").expect("signed in");
    let tokens: TokenSet = pool
        .exchange(app, &auth_code, &pkce.verifier)
        .await
        .json()
        .await
        .expect("tokens");
    let stored = std::fs::read_to_string(&state).expect("state file");
    assert!(stored.contains("$argon2id$"), "passwords are stored hashed");
    assert!(!stored.contains("Durable-Passw0rd!"), "never in plain text");
    process.kill();

    let _restarted = Process::start(&state, port);
    // New connections: the old ones died with the process.
    let pool = pool_at(port);
    let kids_after: Vec<String> = pool
        .jwks()
        .await
        .keys
        .iter()
        .filter_map(|k| k.common.key_id.clone())
        .collect();
    assert_eq!(kids_after, kids_before, "the same signing keys");
    assert_eq!(
        pool.user_info(&tokens.access_token).await.status(),
        StatusCode::OK,
        "a token from before still verifies"
    );
    let refreshed = pool
        .refresh(app, tokens.refresh_token.as_deref().expect("refresh token"))
        .await;
    assert_eq!(
        refreshed.status(),
        StatusCode::OK,
        "a refresh token from before refreshes"
    );
    let silent = pool.authorize_location(&signed_in, app).await;
    assert!(
        silent.starts_with(&app.callback_urls[0]),
        "the hosted-UI session survived"
    );
    let again = pool
        .sign_in(
            &browser(),
            app,
            &Pkce::new(),
            ("durable", "Durable-Passw0rd!"),
        )
        .await;
    assert!(!again.is_empty(), "the user who signed up signs in");
    let _ = std::fs::remove_dir_all(dir);
}

#[actix_web::test]
async fn kill_9_during_sign_ups_loses_at_most_the_requests_in_flight() {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let (state, dir) = state_file();
    let port = free_port();
    let process = Process::start(&state, port);
    let pool = pool_at(port);
    let mut pending: FuturesUnordered<_> = (0..40)
        .map(|i| {
            let pool = &pool;
            async move {
                let name = format!("crash{i}");
                let ok = sign_up(pool, &name).await == Some(StatusCode::FOUND);
                (name, ok)
            }
        })
        .collect();
    let mut confirmed = Vec::new();
    let mut lost = 0;
    let mut process = Some(process);
    while let Some((name, ok)) = pending.next().await {
        if ok {
            confirmed.push(name);
        } else {
            lost += 1;
        }
        if confirmed.len() == 12 {
            // In the middle of the others: some are in flight right now.
            if let Some(process) = process.take() {
                process.kill();
            }
        }
    }
    drop(pending);
    assert!(confirmed.len() >= 12, "{confirmed:?}");
    assert!(lost > 0, "the kill came while sign-ups were in flight");
    let _restarted = Process::start(&state, port);
    let pool = pool_at(port);
    for name in &confirmed {
        assert_eq!(
            hook_code(&pool, name).await.status(),
            StatusCode::OK,
            "{name} was answered before the kill, so it survived"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[actix_web::test]
async fn a_corrupt_state_file_stops_start_up_and_is_left_alone() {
    let (state, dir) = state_file();
    std::fs::write(&state, b"{ this is not the emulator's state").expect("write");
    let stderr = refused_start(&state, free_port());
    assert!(
        stderr.contains(&state.display().to_string()),
        "names the file: {stderr}"
    );
    assert!(stderr.contains("unreadable"), "{stderr}");
    assert_eq!(
        std::fs::read(&state).expect("still there"),
        b"{ this is not the emulator's state",
        "never silently replaced"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[actix_web::test]
async fn a_second_emulator_on_one_state_file_refuses_to_start() {
    let (state, dir) = state_file();
    let _first = Process::start(&state, free_port());
    let stderr = refused_start(&state, free_port());
    assert!(stderr.contains("in use by another emulator"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
