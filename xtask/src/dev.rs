//! `cargo xtask dev`: installs what is missing, builds, and starts the
//! development stack: the Cognito emulator on :9229, the API on :8000
//! (configured for it with app client A) and `trunk serve` on :3000.
//! With `--app-b`, also app B: a second API on :8001 with app client B and the
//! same built UI on :3001 with its own `config.json`, to show single sign-on.
//! Ctrl-C stops all of them.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command};
use std::thread::sleep;
use std::time::Duration;

const EMULATOR_PORT: u16 = 9229;
const API_PORT: u16 = 8000;
const UI_PORT: u16 = 3000;
const UI_ORIGIN: &str = "http://localhost:3000";
const API_B_PORT: u16 = 8001;
const UI_B_PORT: u16 = 3001;

/// Where `cargo xtask dev` keeps the emulator's users, sessions and keys across restarts.
const EMULATOR_STATE: &str = "target/dev/emulator-state.json";

/// Children that are killed when this is dropped (an error, or one of them exiting).
struct Stack(Vec<(&'static str, Child)>);

impl Drop for Stack {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The API's `COGNITO_*` variables for an app client, as the emulator prints them.
fn api_environment(bin: &Path, client: &str) -> Result<Vec<(String, String)>, String> {
    let output = Command::new(bin.join("cognito-emulator"))
        .args([
            "--port",
            &EMULATOR_PORT.to_string(),
            "--print-api-env",
            client,
        ])
        .output()
        .map_err(|e| format!("cannot run the emulator: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the emulator has no settings for {client}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

/// Starts the API binary for one app client.
fn start_api(root: &Path, client: &str, port: u16, ui_origin: &str) -> Result<Child, String> {
    let bin = root.join("target/debug");
    Command::new(bin.join("api"))
        .envs(api_environment(&bin, client)?)
        .env("PORT", port.to_string())
        .env("UI_ORIGINS", ui_origin)
        .env(
            "DATABASE_URL",
            format!("sqlite://data/kpi-{port}.db?mode=rwc"),
        )
        .current_dir(root)
        .spawn()
        .map_err(|e| format!("cannot start the API on :{port}: {e}"))
}

pub fn run(app_b: bool) -> Result<(), String> {
    let root = crate::workspace_root();
    let mut ports = vec![
        (EMULATOR_PORT, "Cognito emulator"),
        (API_PORT, "API"),
        (UI_PORT, "UI"),
    ];
    if app_b {
        ports.extend([(API_B_PORT, "app B's API"), (UI_B_PORT, "app B's UI")]);
    }
    for (port, what) in ports {
        if TcpListener::bind(("127.0.0.1", port)).is_err() {
            return Err(format!(
                "port {port} ({what}) is already in use; stop whatever holds it"
            ));
        }
    }
    crate::tools::ensure_ui_build_tools()?;
    let cargo = env!("CARGO");
    let mut build = Command::new(cargo);
    build.args(["build", "--package", "cognito-emulator", "--package", "api"]);
    if app_b {
        build.args(["--package", "e2e"]);
    }
    let built = build
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !built.success() {
        return Err("the build failed".into());
    }
    let dist_b = root.join("target/dist-b");
    if app_b {
        crate::tools::trunk_build(&dist_b, false)?;
    }
    let bin = root.join("target/debug");
    let endpoint = format!("http://localhost:{EMULATOR_PORT}");
    let mut stack = Stack(Vec::new());
    let emulator = Command::new(bin.join("cognito-emulator"))
        .args(["--port", &EMULATOR_PORT.to_string()])
        // Development wants the hooks (tests and demos use them) and a pool
        // that survives a restart.
        .args(["--test-hooks", "--state", EMULATOR_STATE])
        .current_dir(&root)
        .spawn()
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    stack.0.push(("emulator", emulator));
    let api = start_api(&root, "app-a", API_PORT, UI_ORIGIN)?;
    stack.0.push(("API", api));
    if app_b {
        let ui_b_origin = format!("http://localhost:{UI_B_PORT}");
        let api_b = start_api(&root, "app-b", API_B_PORT, &ui_b_origin)?;
        stack.0.push(("app B's API", api_b));
        let ui_b = Command::new(bin.join("serve-dist"))
            .arg("--dir")
            .arg(&dist_b)
            .args(["--port", &UI_B_PORT.to_string()])
            .args(["--api-url", &format!("http://localhost:{API_B_PORT}")])
            .current_dir(&root)
            .spawn()
            .map_err(|e| format!("cannot start app B's UI: {e}"))?;
        stack.0.push(("app B's UI", ui_b));
    }
    let ui = Command::new("trunk")
        .args(["serve", "--offline", "--port", &UI_PORT.to_string()])
        .env("PATH", crate::tools::path_with_tools())
        .current_dir(&root)
        .spawn()
        .map_err(|e| format!("cannot start trunk: {e}"))?;
    stack.0.push(("UI (trunk serve)", ui));

    println!();
    println!("UI:               {UI_ORIGIN}  (ready once trunk says it is serving)");
    println!("Cognito emulator: {endpoint}  (hosted UI, OAuth2 endpoints, JWKS; state in {EMULATOR_STATE})");
    println!(
        "API:              http://localhost:{API_PORT}  (docs: http://localhost:{API_PORT}/docs/)"
    );
    if app_b {
        println!("App B:            http://localhost:{UI_B_PORT} (API :{API_B_PORT}); signed in to A, it signs in without a password");
    }
    println!("Development users (emulator/dev.toml, fixtures only):");
    println!("  admin@example.com / Admin-Passw0rd!  (group admin)");
    println!("  user@example.com  / User-Passw0rd!");
    println!("Ctrl-C stops everything.");

    // Ctrl-C reaches the children too (same process group); otherwise stop
    // when any of them exits, and take the others down with it.
    loop {
        for (name, child) in &mut stack.0 {
            if let Some(status) = child
                .try_wait()
                .map_err(|e| format!("cannot watch the {name}: {e}"))?
            {
                return if status.success() {
                    Ok(())
                } else {
                    Err(format!("the {name} exited with {status}"))
                };
            }
        }
        sleep(Duration::from_millis(200));
    }
}
