//! The release UI is built with a pinned nightly and std built for size
//! (`-Zbuild-std`, immediate abort on panic, no panic locations, no `{:?}`
//! formatting): about 20 KiB less of the first load than stable (see
//! docs/ui-size.md). Only `cargo xtask dist` (and the size check and the
//! browser suite, which build exactly what it ships) use it; `cargo xtask dev`,
//! the wasm tests and clippy stay on stable. rustup installs the toolchain and
//! cargo fetches std's own dependencies from crates.io, so a fresh machine
//! needs nothing more than before.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The nightly of the release UI build. Moving it: install the new one, run
/// `cargo xtask size` and the browser suite, and update docs/ui-size.md.
pub const UI_NIGHTLY: &str = "nightly-2026-05-20";

/// The nightly's own target directory, so that stable's wasm builds (tests,
/// clippy) and this one never rebuild each other.
pub fn target_dir(root: &Path) -> PathBuf {
    root.join("target/wasm-nightly")
}

/// The environment of trunk's release build: cargo (through rustup's proxy)
/// runs the nightly, builds std with the release profile, and aborts at once
/// on a panic (no panic machinery, messages or locations in the bundle).
pub fn release_env(root: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("RUSTUP_TOOLCHAIN", UI_NIGHTLY.to_owned()),
        ("CARGO_TARGET_DIR", target_dir(root).display().to_string()),
        ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort".to_owned()),
        // std's smaller variants of its algorithms (sorts, formatting), in
        // place of its one default feature, panic-unwind, unused here.
        (
            "CARGO_UNSTABLE_BUILD_STD_FEATURES",
            "optimize_for_size".to_owned(),
        ),
        ("CARGO_UNSTABLE_PANIC_IMMEDIATE_ABORT", "true".to_owned()),
        (
            "CARGO_PROFILE_WASM_RELEASE_PANIC",
            "immediate-abort".to_owned(),
        ),
        (
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Zlocation-detail=none -Zfmt-debug=none".to_owned(),
        ),
    ]
}

/// Installs [`UI_NIGHTLY`] with std's source and the wasm target when
/// missing, and fetches std's dependencies (trunk builds `--offline`).
pub fn ensure_ui_nightly() -> Result<(), String> {
    if !installed()? {
        crate::tools::run_step(
            &format!("rustup toolchain install {UI_NIGHTLY} (once, under a minute)"),
            Command::new("rustup").args([
                "toolchain",
                "install",
                UI_NIGHTLY,
                "--profile",
                "minimal",
                "--component",
                "rust-src",
                "--target",
                crate::tools::WASM_TARGET,
            ]),
        )?
        .then_some(())
        .ok_or(format!("rustup toolchain install {UI_NIGHTLY}: failed"))?;
    }
    let sysroot = nightly_output(&["rustc", "--print", "sysroot"])?;
    let library = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
    crate::tools::run_step(
        &format!("cargo fetch of std's dependencies ({UI_NIGHTLY})"),
        Command::new("rustup")
            .args(["run", UI_NIGHTLY, "cargo", "fetch", "--manifest-path"])
            .arg(&library),
    )?
    .then_some(())
    .ok_or_else(|| format!("cargo fetch {}: failed", library.display()))
}

/// Whether the nightly is there with rust-src and the wasm target.
fn installed() -> Result<bool, String> {
    let Ok(components) = nightly_components() else {
        return Ok(false);
    };
    let has = |prefix: &str| components.lines().any(|l| l.starts_with(prefix));
    Ok(has("rust-src") && has(&format!("rust-std-{}", crate::tools::WASM_TARGET)))
}

fn nightly_components() -> Result<String, String> {
    let output = Command::new("rustup")
        .args([
            "component",
            "list",
            "--installed",
            "--toolchain",
            UI_NIGHTLY,
        ])
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!("{UI_NIGHTLY} is not installed"))
    }
}

fn nightly_output(args: &[&str]) -> Result<String, String> {
    let output = Command::new("rustup")
        .args(["run", UI_NIGHTLY])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "rustup run {UI_NIGHTLY} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
