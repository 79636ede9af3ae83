//! schemathesis against the API's own `/openapi.json`: every response must be
//! one the document declares (status, content type, body schema) and none a
//! 500. `cargo xtask test` (and `cargo xtask fuzz`) install schemathesis and
//! run this test with `--ignored`, naming the binary in `SCHEMATHESIS`, its
//! settings in `FUZZ_CONFIG` (xtask/fuzz/schemathesis.toml), the hooks file in
//! `SCHEMATHESIS_HOOKS` and further options in `FUZZ_ARGS` (one a line).
//!
//! The stack is a throwaway: an in-process emulator and an API on a new
//! SQLite file. The fuzzer may create, change and delete KPI records and
//! users, and sign itself out: the hooks file then asks the token minter
//! below for a new admin access token (signed in through the hosted UI).

use crate::helpers::*;
use actix_web::web::{self, Data};
use actix_web::{App, HttpResponse, HttpServer};
use std::net::TcpListener;
use std::process::Command;

/// `GET /` → a new access token of the admin, signed in through the hosted UI.
/// The fuzzer asks after a 401, e.g. when it has signed the admin out
/// everywhere: that refuses every token issued up to that second, so both
/// clocks move on a second first.
async fn mint(app: Data<TestApp>) -> HttpResponse {
    app.advance(1);
    let tokens = app.tokens_from_cognito(ADMIN).await;
    HttpResponse::Ok()
        .content_type("text/plain")
        .body(tokens.access_token)
}

/// Serves [`mint`] on a free port; its URL.
fn start_minter(app: Data<TestApp>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let url = format!(
        "http://127.0.0.1:{}/",
        listener.local_addr().expect("bound").port()
    );
    let server = HttpServer::new(move || {
        App::new()
            .app_data(app.clone())
            .route("/", web::get().to(mint))
    })
    .workers(1)
    .listen(listener)
    .expect("minter listens")
    .run();
    actix_web::rt::spawn(server);
    url
}

#[actix_web::test]
#[ignore = "needs schemathesis: run by `cargo xtask test` or `cargo xtask fuzz`"]
async fn schemathesis_finds_only_documented_responses() {
    let schemathesis = std::env::var("SCHEMATHESIS")
        .expect("SCHEMATHESIS names the schemathesis binary (cargo xtask fuzz sets it)");
    let args: Vec<String> = std::env::var("FUZZ_ARGS")
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|arg| !arg.is_empty())
        .map(str::to_owned)
        .collect();
    // The fuzzer's unauthenticated calls all come from one address: with the
    // production limit most of them would stop at 429 before reaching the code
    // behind it. The limit itself has its own tests (limits.rs).
    let app = Data::new(spawn_app_with(&[("AUTH_RATE_PER_MINUTE", "1000000")]).await);
    let minter = start_minter(app.clone());
    let schema = app.url("/openapi.json");
    let mut command = Command::new(&schemathesis);
    if let Ok(config) = std::env::var("FUZZ_CONFIG") {
        command.arg("--config-file").arg(config);
    }
    command
        .arg("run")
        .arg(&schema)
        .args(&args)
        .env("FUZZ_TOKEN_URL", &minter);
    println!("fuzz: {schemathesis} run {schema} {}", args.join(" "));
    let status = actix_web::rt::task::spawn_blocking(move || command.status())
        .await
        .expect("joins")
        .unwrap_or_else(|e| panic!("cannot run {schemathesis}: {e}"));
    assert!(
        status.success(),
        "schemathesis found responses outside the OpenAPI document (or a 500): see its report above"
    );
}
