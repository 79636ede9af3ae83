//! `cargo xtask test`: every check CI runs, in order, with one summary line at the end.

use crate::install::{Installs, Job};
use crate::{checks, fuzz, size, tools};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser scenarios' test paths (`e2e/tests/e2e/scenarios.rs`) start with this.
const E2E_FILTER: &str = "scenarios::";

/// One step's outcome.
struct Step {
    name: &'static str,
    ok: bool,
    /// Failed tests the step reported.
    failed_tests: u64,
    took: Duration,
}

impl Step {
    /// Its failed tests, or one failure for a failed step that named none.
    fn failures(&self) -> u64 {
        if self.ok {
            self.failed_tests
        } else {
            self.failed_tests.max(1)
        }
    }
}

/// The steps run so far, with the test counts they reported.
#[derive(Default)]
struct Steps {
    done: Vec<Step>,
    counts: Counts,
}

impl Steps {
    /// Runs a step that passes or fails as a whole. An error is a failed step,
    /// never an early exit: the summary always comes.
    fn check(&mut self, name: &'static str, run: impl FnOnce() -> Result<bool, String>) {
        let started = Instant::now();
        let ok = run().unwrap_or_else(report);
        self.done.push(Step {
            name,
            ok,
            failed_tests: 0,
            took: started.elapsed(),
        });
    }

    /// Runs a step that runs tests, adding up the counts it reports.
    fn tests(&mut self, name: &'static str, run: impl FnOnce(&mut Counts) -> Result<bool, String>) {
        let started = Instant::now();
        let failed_before = self.counts.failed;
        let ok = run(&mut self.counts).unwrap_or_else(report);
        self.done.push(Step {
            name,
            ok,
            failed_tests: self.counts.failed - failed_before,
            took: started.elapsed(),
        });
    }
}

pub fn run() -> Result<(), String> {
    let started = Instant::now();
    let root = crate::workspace_root();
    let cargo = env!("CARGO");
    // Installs go on beside compilation; each step waits only for what it needs.
    let mut installs = Installs::start(&root);
    let mut steps = Steps::default();

    steps.check("cargo fmt --check", || {
        status(
            Command::new(cargo)
                .args(["fmt", "--all", "--check"])
                .current_dir(&root),
        )
    });
    steps.check("cargo clippy -D warnings", || {
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
        )
    });
    steps.tests("cargo test --workspace", |counts| {
        // The API's data tests start a real PostgreSQL server of their own;
        // the emulator's tests drive Node clients.
        for job in [Job::Debian, Job::Scripts] {
            if let Err(e) = installs.wait(job) {
                eprintln!("xtask: {e}; the tests that need it will fail");
            }
        }
        run_tests(
            Command::new(cargo)
                // The browser suite needs the UI built first: it runs last. Its
                // binary is built here all the same: one feature resolution for
                // the whole workspace, so the last step compiles nothing again.
                .args(["test", "--workspace", "--no-fail-fast", "--"])
                .args(["--skip", E2E_FILTER])
                .current_dir(&root),
            counts,
        )
    });
    steps.tests("schemathesis against /openapi.json", |counts| {
        installs.wait(Job::Scripts)?;
        fuzz::run(&root, &fuzz::Options::default(), counts)
    });
    steps.tests("ui wasm tests (headless Chromium)", |counts| {
        installs.wait(Job::Debian)?;
        installs.wait(Job::Rust)?;
        run_browser_tests(&root, counts)
    });
    steps.check(
        "UI first load within budget (release dist, gzip -9)",
        || {
            installs.wait(Job::Rust)?;
            // wasm-opt comes with the npm tools; a failure there that is not
            // wasm-opt's (checkov, say) has its own line, and the build
            // below checks for wasm-opt itself.
            if let Err(e) = installs.wait(Job::Scripts) {
                eprintln!("xtask: {e}");
            }
            size::check(&root)
        },
    );
    steps.check("infra/ parses, checkov, actionlint", || {
        installs.wait(Job::Scripts)?;
        checks::run_all(&root)
    });
    steps.tests("end-to-end browser scenarios (e2e/)", |counts| {
        installs.wait(Job::Scripts)?;
        let dist = build_e2e_ui(&root)?;
        run_end_to_end(&root, &dist, counts)
    });
    let outcomes = installs.finish();

    println!();
    for outcome in &outcomes {
        print_line(outcome.result.is_ok(), outcome.name, outcome.took);
    }
    for step in &steps.done {
        print_line(step.ok, step.name, step.took);
    }
    println!("total {}", format_duration(started.elapsed()));
    // A failed step that reported no failed test counts as one failure, so the
    // summary never reads green when it is not.
    let failed: u64 = steps.done.iter().map(Step::failures).sum::<u64>()
        + outcomes.iter().filter(|o| o.result.is_err()).count() as u64;
    println!("{} passed, {} failed", steps.counts.passed, failed);
    if failed == 0 {
        Ok(())
    } else {
        Err("some checks failed".into())
    }
}

fn print_line(ok: bool, name: &str, took: Duration) {
    println!(
        "{} {:>7}  {name}",
        if ok { "ok    " } else { "FAILED" },
        format_duration(took)
    );
}

/// `7s`, `3m05s`.
pub fn format_duration(took: Duration) -> String {
    let secs = took.as_secs();
    if secs < 60 {
        format!("{secs}s")
    } else {
        format!("{}m{:02}s", secs / 60, secs % 60)
    }
}

fn report(error: String) -> bool {
    eprintln!("xtask: {error}");
    false
}

/// The UI's wasm-bindgen tests in headless Chromium (tools already installed).
fn run_browser_tests(root: &Path, counts: &mut Counts) -> Result<bool, String> {
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

/// Builds the UI into `target/e2e-dist` for the browser suite: the release
/// dist exactly as `cargo xtask dist` ships it (minified glue, short import
/// names, no inline script), so the suite tests what is deployed. The size
/// step builds the same release wasm first, so cargo has nothing to redo.
pub fn build_e2e_ui(root: &Path) -> Result<PathBuf, String> {
    tools::ensure_chromium()?;
    let dist = root.join("target/e2e-dist");
    crate::dist::build_ui(&dist, "http://localhost:8000")?;
    Ok(dist)
}

/// Runs `e2e/` against the UI built in `dist`.
pub fn run_end_to_end(root: &Path, dist: &Path, counts: &mut Counts) -> Result<bool, String> {
    run_tests(
        Command::new(env!("CARGO"))
            // The same package selection as `cargo test --workspace`, filtered to
            // the browser scenarios, so nothing is rebuilt for other features.
            // `--tests`: no doctests here, they ran in the workspace step.
            .args([
                "test",
                "--workspace",
                "--tests",
                "--no-fail-fast",
                "--",
                E2E_FILTER,
            ])
            .arg("--test-threads=2")
            .env("E2E_DIST", dist)
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
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

/// Runs cargo test, echoing its output and adding up its `test result:` lines.
pub fn run_tests(command: &mut Command, counts: &mut Counts) -> Result<bool, String> {
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
