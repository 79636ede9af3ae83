//! `cargo xtask bench`: one table of the figures issue 16 sets goals for, each
//! beside its peer measured in the same run, also written as JSON to
//! `target/bench/bench.json`. Release builds; never part of the tests.
//!
//! - the API's token validation (`cargo bench -p api --bench validation`),
//!   aws-jwt-verify in Node on the same tokens, `openssl speed rsa2048`;
//! - the API and the emulator as release processes under Debian's `wrk`
//!   (`cargo bench -p api --bench load`);
//! - the release UI's first load (`cargo xtask dist --ui-only`'s `dist/`), gzip -9.

mod table;

use crate::tools;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn run(skip_ui: bool) -> Result<(), String> {
    let root = crate::workspace_root();
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    tools::ensure_bench_tools()?;
    cargo(
        &root,
        &dir,
        &[
            "build",
            "--release",
            "--package",
            "cognito-emulator",
            "--bin",
            "cognito-emulator",
        ],
    )?;
    println!("xtask: token validation (cargo bench -p api --bench validation)");
    let validation = last_json_line(&cargo(
        &root,
        &dir,
        &["bench", "--package", "api", "--bench", "validation"],
    )?)?;
    println!("xtask: aws-jwt-verify on the same tokens (node)");
    let node = node_verify(&root, &dir)?;
    println!("xtask: openssl speed rsa2048 (one core)");
    let openssl = openssl_speed()?;
    println!("xtask: the API and the emulator under wrk (cargo bench -p api --bench load)");
    cargo(
        &root,
        &dir,
        &["bench", "--package", "api", "--bench", "load"],
    )?;
    let load = read_json(&dir.join("load.json"))?;
    let ui = if skip_ui {
        Value::Null
    } else {
        println!("xtask: the release UI (cargo xtask dist --ui-only)");
        crate::dist::run(None, false, true)?;
        ui_first_load(&root.join("dist"))?
    };
    let figures = json!({
        "validation": validation,
        "aws_jwt_verify": node,
        "openssl": openssl,
        "load": load,
        "ui": ui,
    });
    let rows = table::rows(&figures);
    println!();
    print!("{}", table::render(&rows));
    let report = json!({"figures": figures, "table": table::as_json(&rows)});
    let file = dir.join("bench.json");
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    println!("xtask: written to {}", file.display());
    Ok(())
}

/// Runs cargo with `BENCH_DIR`; its stdout (its stderr goes to the terminal).
fn cargo(root: &Path, dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .env("BENCH_DIR", dir)
        .env(
            "BENCH_EMULATOR",
            root.join("target/release/cognito-emulator"),
        )
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo {}: {e}", args.join(" ")))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "cargo {} exited with {}:\n{stdout}",
            args.join(" "),
            output.status
        ))
    }
}

fn last_json_line(stdout: &str) -> Result<Value, String> {
    stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Value>(line.trim()).ok())
        .filter(Value::is_object)
        .ok_or_else(|| format!("no JSON result in:\n{stdout}"))
}

fn read_json(file: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

fn node_verify(root: &Path, dir: &Path) -> Result<Value, String> {
    let modules: PathBuf = tools::tools_dir().join("node_modules");
    let output = Command::new("node")
        .arg(root.join("xtask/bench/verify.mjs"))
        .arg(&modules)
        .arg(dir.join("tokens.json"))
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "aws-jwt-verify failed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    last_json_line(&stdout)
}

/// One core's raw RSA-2048 rates: `{sign_per_sec, verify_per_sec}`.
fn openssl_speed() -> Result<Value, String> {
    let output = Command::new("openssl")
        .args(["speed", "-seconds", "3", "rsa2048"])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run openssl: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    parse_openssl(&stdout).ok_or_else(|| format!("cannot read openssl speed's output:\n{stdout}"))
}

/// `rsa 2048 bits 0.000206s 0.000013s   4856.2  76448.0`.
fn parse_openssl(stdout: &str) -> Option<Value> {
    let line = stdout.lines().find(|l| l.starts_with("rsa 2048 bits"))?;
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [_, sign, verify] = numbers[..] else {
        return None;
    };
    Some(json!({"sign_per_sec": sign, "verify_per_sec": verify}))
}

/// gzip -9 of index.html and every .js, .wasm and .css of `dist`, in KiB.
fn ui_first_load(dist: &Path) -> Result<Value, String> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let mut files = serde_json::Map::new();
    let mut total = 0u64;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let counted = name == "index.html"
            || [".js", ".wasm", ".css"]
                .iter()
                .any(|ext| name.ends_with(ext));
        if !counted || !path.is_file() {
            continue;
        }
        let output = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(&path)
            .output()
            .map_err(|e| format!("cannot run gzip: {e}"))?;
        let bytes = output.stdout.len() as u64;
        total += bytes;
        files.insert(name, json!(bytes));
    }
    Ok(json!({"first_load_kib": total as f64 / 1024.0, "gzip_bytes": files}))
}

#[cfg(test)]
mod tests {
    #[test]
    fn openssl_speed_is_read() {
        let out = "                  sign    verify    sign/s verify/s\n\
                   rsa 2048 bits 0.000206s 0.000013s   4856.2  76448.0\n";
        let rates = super::parse_openssl(out).expect("parsed");
        assert_eq!(rates["sign_per_sec"], 4856.2);
        assert_eq!(rates["verify_per_sec"], 76448.0);
    }
}
