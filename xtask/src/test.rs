//! `cargo xtask test`: every check CI runs, in order, with one summary line at the end.

use crate::{checks, tools};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// One step's outcome.
struct Step {
    name: &'static str,
    ok: bool,
    /// Failed tests the step reported.
    failed_tests: u64,
}

impl Step {
    fn check(name: &'static str, ok: bool) -> Self {
        Self {
            name,
            ok,
            failed_tests: 0,
        }
    }

    /// A step that runs tests, adding its counts to `counts`.
    fn tests(
        name: &'static str,
        counts: &mut Counts,
        run: impl FnOnce(&mut Counts) -> Result<bool, String>,
    ) -> Result<Self, String> {
        let failed_before = counts.failed;
        let ok = run(counts)?;
        Ok(Self {
            name,
            ok,
            failed_tests: counts.failed - failed_before,
        })
    }

    /// Its failed tests, or one failure for a failed step that named none.
    fn failures(&self) -> u64 {
        if self.ok {
            self.failed_tests
        } else {
            self.failed_tests.max(1)
        }
    }
}

pub fn run() -> Result<(), String> {
    let root = crate::workspace_root();
    let cargo = env!("CARGO");
    let mut steps = Vec::new();
    let mut counts = Counts::default();

    steps.push(Step::check(
        "cargo fmt --check",
        status(
            Command::new(cargo)
                .args(["fmt", "--all", "--check"])
                .current_dir(&root),
        )?,
    ));
    steps.push(Step::check(
        "cargo clippy -D warnings",
        status(
            Command::new(cargo)
                .args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ])
                .current_dir(&root),
        )?,
    ));
    // The API's data tests start a real PostgreSQL server of their own.
    if let Err(e) = tools::ensure_postgresql() {
        eprintln!("xtask: {e}; the PostgreSQL data test will fail");
    }
    steps.push(Step::tests(
        "cargo test --workspace",
        &mut counts,
        |counts| {
            run_tests(
                Command::new(cargo)
                    // The browser suite needs the UI built first: it runs last.
                    .args(["test", "--workspace", "--exclude", "e2e", "--no-fail-fast"])
                    .current_dir(&root),
                counts,
            )
        },
    )?);
    // These install tools and start browsers: any error there is a failed
    // step, never an early exit without the summary.
    steps.push(Step::tests(
        "ui wasm tests (headless Chromium)",
        &mut counts,
        |counts| Ok(run_browser_tests(&root, counts).unwrap_or_else(report)),
    )?);
    steps.push(Step::check(
        "infra/ parses, checkov, actionlint",
        checks::run_all(&root).unwrap_or_else(report),
    ));
    steps.push(Step::tests(
        "end-to-end browser scenarios (e2e/)",
        &mut counts,
        |counts| Ok(run_end_to_end(&root, counts).unwrap_or_else(report)),
    )?);

    println!();
    for step in &steps {
        println!(
            "{} {}",
            if step.ok { "ok    " } else { "FAILED" },
            step.name
        );
    }
    // A failed step that reported no failed test counts as one failure, so the
    // summary never reads green when it is not.
    let failed: u64 = steps.iter().map(Step::failures).sum();
    println!("{} passed, {} failed", counts.passed, failed);
    if failed == 0 {
        Ok(())
    } else {
        Err("some checks failed".into())
    }
}

fn report(error: String) -> bool {
    eprintln!("xtask: {error}");
    false
}

/// The UI's wasm-bindgen tests in headless Chromium, tools installed first.
fn run_browser_tests(root: &std::path::Path, counts: &mut Counts) -> Result<bool, String> {
    let ready = tools::ensure_wasm_target()
        .and_then(|()| tools::ensure_wasm_bindgen())
        .and_then(|()| tools::ensure_chromium());
    if let Err(e) = ready {
        eprintln!("xtask: cannot run the browser tests: {e}");
        return Ok(false);
    }
    run_tests(
        Command::new(env!("CARGO"))
            .args([
                "test",
                "--package",
                "ui",
                "--target",
                tools::WASM_TARGET,
                "--no-fail-fast",
            ])
            .env("PATH", tools::path_with_tools())
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env("CHROMEDRIVER", tools::CHROMEDRIVER)
            .current_dir(root),
        counts,
    )
}

/// Builds the UI with trunk into `target/e2e-dist`, then runs `e2e/` against it.
fn run_end_to_end(root: &std::path::Path, counts: &mut Counts) -> Result<bool, String> {
    let ready = tools::ensure_ui_build_tools().and_then(|()| tools::ensure_chromium());
    if let Err(e) = ready {
        eprintln!("xtask: cannot run the end-to-end tests: {e}");
        return Ok(false);
    }
    let dist = root.join("target/e2e-dist");
    if let Err(e) = tools::trunk_build(&dist, false) {
        eprintln!("xtask: {e}");
        return Ok(false);
    }
    run_tests(
        Command::new(env!("CARGO"))
            .args(["test", "--package", "e2e", "--", "--test-threads=2"])
            .env("E2E_DIST", &dist)
            .env("CHROMEDRIVER", tools::CHROMEDRIVER)
            .env("CHROMIUM", tools::CHROMIUM)
            .current_dir(root),
        counts,
    )
}

fn status(command: &mut Command) -> Result<bool, String> {
    command
        .status()
        .map(|s| s.success())
        .map_err(|e| format!("cannot run {command:?}: {e}"))
}

#[derive(Default)]
struct Counts {
    passed: u64,
    failed: u64,
}

/// Runs cargo test, echoing its output and adding up its `test result:` lines.
fn run_tests(command: &mut Command, counts: &mut Counts) -> Result<bool, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some((passed, failed)) = parse_result_line(&line) {
                counts.passed += passed;
                counts.failed += failed;
            }
        }
    }
    let status = child.wait().map_err(|e| format!("cargo test: {e}"))?;
    Ok(status.success())
}

/// `test result: ok. 43 passed; 0 failed; …` → (43, 0).
fn parse_result_line(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| {
        rest.split(';').find_map(|part| {
            part.trim()
                .strip_suffix(word)?
                .split_whitespace()
                .last()?
                .parse()
                .ok()
        })
    };
    Some((number_before(" passed")?, number_before(" failed")?))
}

#[cfg(test)]
mod tests {
    use super::parse_result_line;

    #[test]
    fn parses_cargo_test_result_lines() {
        assert_eq!(
            parse_result_line("test result: ok. 43 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 3.04s"),
            Some((43, 0))
        );
        assert_eq!(
            parse_result_line("test result: FAILED. 1 passed; 2 failed; 0 ignored"),
            Some((1, 2))
        );
        assert_eq!(parse_result_line("running 3 tests"), None);
    }
}
