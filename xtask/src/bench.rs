//! `cargo xtask bench`: the micro-benchmarks (optimised build), never part of the tests.

use std::process::Command;

pub fn run() -> Result<(), String> {
    let status = Command::new(env!("CARGO"))
        .args(["bench", "--package", "api", "--bench", "validation"])
        .current_dir(crate::workspace_root())
        .status()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo bench exited with {status}"))
    }
}
