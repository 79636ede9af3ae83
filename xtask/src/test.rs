//! `cargo xtask test`: every check CI runs, in order, with one summary line at the end.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// One step's outcome.
struct Step {
    name: &'static str,
    ok: bool,
}

pub fn run() -> Result<(), String> {
    let root = crate::workspace_root();
    let cargo = env!("CARGO");
    let mut steps = Vec::new();
    let mut counts = Counts::default();

    steps.push(Step {
        name: "cargo fmt --check",
        ok: status(
            Command::new(cargo)
                .args(["fmt", "--all", "--check"])
                .current_dir(&root),
        )?,
    });
    steps.push(Step {
        name: "cargo clippy -D warnings",
        ok: status(
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
    });
    let tests_ok = run_tests(
        Command::new(cargo)
            .args(["test", "--workspace", "--no-fail-fast"])
            .current_dir(&root),
        &mut counts,
    )?;
    steps.push(Step {
        name: "cargo test --workspace",
        ok: tests_ok,
    });

    println!();
    for step in &steps {
        println!(
            "{} {}",
            if step.ok { "ok    " } else { "FAILED" },
            step.name
        );
    }
    // A failed non-test step counts as one failure, so the summary never reads green when it is not.
    let failed_steps = steps
        .iter()
        .filter(|s| !s.ok && s.name != "cargo test --workspace")
        .count() as u64;
    let failed = counts.failed + failed_steps + u64::from(!tests_ok && counts.failed == 0);
    println!("{} passed, {} failed", counts.passed, failed);
    if failed == 0 {
        Ok(())
    } else {
        Err("some checks failed".into())
    }
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
