//! schemathesis against the API's own `/openapi.json`: installed from PyPI
//! into its own venv (`target/tools/schemathesis-venv`; checkov's pins would
//! fight with its own), then run by the ignored test `fuzz::schemathesis_…`
//! of `api/tests/api/fuzz.rs`, which starts an emulator and an API on a
//! throwaway SQLite file and hands the fuzzer admin tokens. Settings:
//! `xtask/fuzz/schemathesis.toml`; auth hook: `xtask/fuzz/hooks.py`.

use crate::test::Counts;
use crate::tools;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Pinned: 4.x's CLI and config differ from 3.x's, and checks are added between minors.
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// The test that runs it (a filter for `cargo test -- --ignored`).
const FUZZ_TEST: &str = "fuzz::schemathesis_finds_only_documented_responses";

/// What `cargo xtask fuzz` may change for one run.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub seed: Option<u64>,
    pub max_examples: Option<u32>,
}

/// The schemathesis binary, installed when missing or of another version.
pub fn ensure_schemathesis() -> Result<PathBuf, String> {
    let venv = tools::tools_dir().join("schemathesis-venv");
    let bin = venv.join("bin");
    let installed = Command::new(bin.join("pip"))
        .args(["show", "schemathesis"])
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == format!("Version: {SCHEMATHESIS_VERSION}"))
        });
    if installed {
        return Ok(bin.join("schemathesis"));
    }
    if !bin.join("pip").exists()
        && !tools::run_step(
            "python3 -m venv target/tools/schemathesis-venv",
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
        )?
    {
        return Err("cannot create a Python venv (install python3-venv)".into());
    }
    let ok = tools::run_step(
        &format!("pip install schemathesis=={SCHEMATHESIS_VERSION} (once)"),
        Command::new(bin.join("pip"))
            .args(["install", "-q", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")),
    )?;
    if ok {
        Ok(bin.join("schemathesis"))
    } else {
        Err(format!(
            "pip install schemathesis=={SCHEMATHESIS_VERSION} failed"
        ))
    }
}

/// Runs the fuzz test (already built by `cargo test --workspace`), adding its
/// result to `counts`; true when schemathesis found nothing.
pub fn run(root: &Path, options: &Options, counts: &mut Counts) -> Result<bool, String> {
    let schemathesis = ensure_schemathesis()?;
    let mut args = vec![
        "--no-color".to_owned(),
        "--report".to_owned(),
        "junit".to_owned(),
        "--report-junit-path".to_owned(),
        root.join("target/fuzz/junit.xml").display().to_string(),
    ];
    if let Some(seed) = options.seed {
        args.extend(["--seed".to_owned(), seed.to_string()]);
    }
    if let Some(n) = options.max_examples {
        args.extend(["--max-examples".to_owned(), n.to_string()]);
    }
    let fuzz = root.join("xtask/fuzz");
    crate::test::run_tests(
        Command::new(env!("CARGO"))
            // The selection of `cargo test --workspace`, so nothing is rebuilt.
            .args([
                "test",
                "--workspace",
                "--tests",
                "--",
                "--ignored",
                FUZZ_TEST,
            ])
            .env("SCHEMATHESIS", &schemathesis)
            .env("FUZZ_CONFIG", fuzz.join("schemathesis.toml"))
            .env("SCHEMATHESIS_HOOKS", fuzz.join("hooks.py"))
            .env("FUZZ_ARGS", args.join("\n"))
            // The API's and the emulator's request lines would bury the
            // fuzzer's report; warnings and errors (a 500's cause) still show.
            .env("RUST_LOG", "warn")
            .current_dir(root),
        counts,
    )
}

/// `cargo xtask fuzz`: the step alone, with its own summary line.
pub fn run_alone(options: &Options) -> Result<(), String> {
    let root = crate::workspace_root();
    let mut counts = Counts::default();
    let ok = run(&root, options, &mut counts)?;
    let failed = if ok {
        counts.failed
    } else {
        counts.failed.max(1)
    };
    println!("{} passed, {} failed", counts.passed, failed);
    if failed == 0 {
        Ok(())
    } else {
        Err("schemathesis found responses outside the OpenAPI document".into())
    }
}
