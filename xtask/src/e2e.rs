//! `cargo xtask e2e [--repeat N]`: the browser suite alone, N times in a row
//! against one UI build, each run's result printed, to show it does not flake.

use crate::test::{build_e2e_ui, format_duration, run_end_to_end, Counts};
use std::time::Instant;

pub fn run(repeat: u32) -> Result<(), String> {
    let root = crate::workspace_root();
    let dist = build_e2e_ui(&root)?;
    // axe-core, which the accessibility scenario injects into each page.
    crate::tools::ensure_npm_packages(&crate::tools::NODE_CLIENTS)?;
    let mut results = Vec::new();
    for run in 1..=repeat.max(1) {
        let started = Instant::now();
        let mut counts = Counts::default();
        let ok = run_end_to_end(&root, &dist, &mut counts)? && counts.failed == 0;
        let line = format!(
            "e2e run {run}/{repeat}: {} ({} passed, {} failed) in {}",
            if ok { "ok" } else { "FAILED" },
            counts.passed,
            counts.failed,
            format_duration(started.elapsed())
        );
        println!("xtask: {line}");
        results.push((ok, line));
    }
    println!();
    for (_, line) in &results {
        println!("{line}");
    }
    let failed = results.iter().filter(|(ok, _)| !ok).count();
    println!("{} passed, {} failed", results.len() - failed, failed);
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} of {repeat} runs failed"))
    }
}
