//! `cargo xtask dev`: installs what is missing, builds, and starts the
//! development stack: the Cognito emulator on :9229, the API on :8000
//! (configured for it with app client A) and `trunk serve` on :3000.
//! Ctrl-C stops all of them.

use serde::Deserialize;
use std::net::TcpListener;
use std::process::{Child, Command};
use std::thread::sleep;
use std::time::Duration;

const EMULATOR_PORT: u16 = 9229;
const API_PORT: u16 = 8000;
const UI_PORT: u16 = 3000;
const UI_ORIGIN: &str = "http://localhost:3000";

/// The parts of emulator/dev.toml the API's configuration needs.
#[derive(Deserialize)]
struct DevPool {
    pool: Pool,
    clients: Vec<DevClient>,
}
#[derive(Deserialize)]
struct Pool {
    id: String,
}
#[derive(Deserialize)]
struct DevClient {
    name: String,
    id: String,
    secret: Option<String>,
}

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

pub fn run() -> Result<(), String> {
    let root = crate::workspace_root();
    for (port, what) in [
        (EMULATOR_PORT, "Cognito emulator"),
        (API_PORT, "API"),
        (UI_PORT, "UI"),
    ] {
        if TcpListener::bind(("127.0.0.1", port)).is_err() {
            return Err(format!(
                "port {port} ({what}) is already in use; stop whatever holds it"
            ));
        }
    }
    let dev_toml = root.join("emulator/dev.toml");
    let pool: DevPool = toml::from_str(
        &std::fs::read_to_string(&dev_toml)
            .map_err(|e| format!("cannot read {}: {e}", dev_toml.display()))?,
    )
    .map_err(|e| format!("{}: {e}", dev_toml.display()))?;
    let app_a = pool
        .clients
        .iter()
        .find(|c| c.name == "app-a")
        .ok_or("emulator/dev.toml has no app-a client")?;

    crate::tools::ensure_ui_build_tools()?;
    let cargo = env!("CARGO");
    let built = Command::new(cargo)
        .args(["build", "--package", "cognito-emulator", "--package", "api"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !built.success() {
        return Err("the build failed".into());
    }
    let bin = root.join("target/debug");
    let endpoint = format!("http://localhost:{EMULATOR_PORT}");
    let mut stack = Stack(Vec::new());
    let emulator = Command::new(bin.join("cognito-emulator"))
        .args(["--port", &EMULATOR_PORT.to_string()])
        .current_dir(&root)
        .spawn()
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    stack.0.push(("emulator", emulator));
    let api = Command::new(bin.join("api"))
        .env("PORT", API_PORT.to_string())
        .env("COGNITO_ENDPOINT", &endpoint)
        .env("COGNITO_POOL_ID", &pool.pool.id)
        .env("COGNITO_CLIENT_ID", &app_a.id)
        .env(
            "COGNITO_CLIENT_SECRET",
            app_a.secret.as_deref().unwrap_or_default(),
        )
        .env("UI_ORIGINS", UI_ORIGIN)
        .current_dir(&root)
        .spawn()
        .map_err(|e| format!("cannot start the API: {e}"))?;
    stack.0.push(("API", api));
    let ui = Command::new("trunk")
        .args(["serve", "--offline", "--port", &UI_PORT.to_string()])
        .env("PATH", crate::tools::path_with_tools())
        .current_dir(&root)
        .spawn()
        .map_err(|e| format!("cannot start trunk: {e}"))?;
    stack.0.push(("UI (trunk serve)", ui));

    println!();
    println!("UI:               {UI_ORIGIN}  (ready once trunk says it is serving)");
    println!("Cognito emulator: {endpoint}  (hosted UI, OAuth2 endpoints, JWKS)");
    println!(
        "API:              http://localhost:{API_PORT}  (docs: http://localhost:{API_PORT}/docs/)"
    );
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
