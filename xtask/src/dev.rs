//! `cargo xtask dev`: builds and starts the development stack.
//!
//! The API and UI join here as their issues land; today it runs the emulator.

use std::net::TcpListener;
use std::process::Command;

const EMULATOR_PORT: u16 = 9229;

pub fn run() -> Result<(), String> {
    if TcpListener::bind(("127.0.0.1", EMULATOR_PORT)).is_err() {
        return Err(format!(
            "port {EMULATOR_PORT} (Cognito emulator) is already in use; stop whatever holds it"
        ));
    }
    println!("Cognito emulator: http://localhost:{EMULATOR_PORT}");
    println!("  development users (emulator/dev.toml, fixtures only):");
    println!("    admin@example.com / Admin-Passw0rd!  (group admin)");
    println!("    user@example.com  / User-Passw0rd!");
    println!("Ctrl-C stops it.");
    let status = Command::new(env!("CARGO"))
        .args(["run", "--package", "cognito-emulator", "--"])
        .args(["--port", &EMULATOR_PORT.to_string()])
        .current_dir(crate::workspace_root())
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the emulator exited with {status}"))
    }
}
