//! No token, code, verifier or client secret reaches a log line: the real
//! `api` binary runs at debug level through sign-in, refresh and sign-out,
//! and its whole output is searched for every secret it handled.

use crate::helpers::*;
use cognito_emulator::testing::OutputLines;
use reqwest::StatusCode;
use shared::headers::ACCESS_TOKEN;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct ApiProcess {
    child: Child,
    output: OutputLines,
    /// What it logged up to its start line.
    started: Vec<String>,
}

impl Drop for ApiProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ApiProcess {
    /// Starts the binary and waits for the line that names its port.
    fn start(app: &TestApp) -> (Self, u16) {
        let dir = std::env::temp_dir();
        let mut child = Command::new(env!("CARGO_BIN_EXE_api"))
            .env_clear()
            .envs(&app.env)
            .env("RUST_LOG", "debug")
            // No .env in the temp dir: only the variables above apply.
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("api binary starts");
        let output = OutputLines::capture(&mut child);
        let started = output.until("API starting", Duration::from_secs(30));
        let port = started
            .last()
            .and_then(|line| port_of(line))
            .expect("the start line names the port");
        let process = Self {
            child,
            output,
            started,
        };
        (process, port)
    }

    /// Everything logged up to and including the request tagged `marker`
    /// (the last one sent), so no line is still on its way.
    fn output_until(&self, marker: &str) -> Vec<String> {
        let mut lines = self.started.clone();
        lines.extend(self.output.until(marker, Duration::from_secs(30)));
        lines
    }
}

fn port_of(line: &str) -> Option<u16> {
    let rest = &line[line.find("port=")? + 5..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[actix_web::test]
async fn no_secret_reaches_the_logs() {
    let stack = spawn_app_with(&[("PORT", "0")]).await;
    let (process, port) = ApiProcess::start(&stack);
    let app = stack.for_api_at(format!("http://127.0.0.1:{port}"));
    let mut secrets = vec![app.env["COGNITO_CLIENT_SECRET"].clone()];

    let (code, verifier) = app.code_for(ADMIN).await;
    secrets.extend([code.clone(), verifier.clone()]);
    let response = app.exchange(&code, &verifier, REDIRECT_URI).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens: shared::dto::Tokens = response.json().await.expect("tokens");
    let replay = app.exchange(&code, &verifier, REDIRECT_URI).await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    let refresh = tokens.refresh_token.clone().expect("refresh token");
    secrets.extend([tokens.access_token.clone(), refresh.clone()]);
    secrets.extend(tokens.id_token.clone());
    assert_eq!(
        app.get("/user", Some(&tokens.access_token)).await.status(),
        StatusCode::OK
    );

    // This API runs on the system clock: its token is made expired instead of waited out.
    let short = app.sign_in(USER).await;
    let short_refresh = short.refresh_token.clone().expect("refresh token");
    let expired = app.forge(&short.access_token, |claims| {
        let iat = claims["iat"].as_u64().expect("iat");
        claims["exp"] = serde_json::json!(iat - 1);
    });
    secrets.extend([
        short.access_token.clone(),
        short_refresh.clone(),
        expired.clone(),
    ]);
    let refreshed = app
        .get_with_refresh("/stats", &expired, &short_refresh)
        .await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let new_access = refreshed.headers()[ACCESS_TOKEN]
        .to_str()
        .expect("ascii")
        .to_owned();
    secrets.push(new_access.clone());
    let explicit = app.refresh_explicitly(&refresh).await;
    assert_eq!(explicit.status(), StatusCode::OK);
    let signout = app.sign_out(&new_access, &short_refresh).await;
    assert_eq!(signout.status(), StatusCode::NO_CONTENT);

    // An outage logs its details: none of them may be a secret either.
    let last = app.sign_in(USER).await;
    let last_refresh = last.refresh_token.clone().expect("refresh token");
    secrets.extend([last.access_token.clone(), last_refresh.clone()]);
    app.fault("token", serde_json::json!({"status": 503})).await;
    let down = app.refresh_explicitly(&last_refresh).await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);

    let marker = format!("log-drain-{}", uuid::Uuid::new_v4());
    let last_request = app
        .request(reqwest::Method::GET, "/healthz", None)
        .header("x-request-id", &marker)
        .send()
        .await
        .expect("healthz");
    assert_eq!(last_request.status(), StatusCode::OK);
    let output = process.output_until(&marker);
    assert!(
        output.iter().filter(|l| l.contains("request done")).count() >= 7,
        "the API logged its requests: {output:#?}"
    );
    // Each part of a JWT (header, payload, signature) on its own is a leak too.
    let parts: Vec<&str> = secrets
        .iter()
        .flat_map(|s| s.split('.'))
        .filter(|part| part.len() >= 12)
        .collect();
    for line in &output {
        for part in &parts {
            assert!(!line.contains(part), "a secret reached the log: {line}");
        }
    }
}
