//! axe-core (npm, installed by xtask into `target/tools/node_modules`) run in
//! the page: its violations by impact and its passes, per page, written to
//! `target/e2e-reports/axe.txt`.

use crate::helpers::Browser;
use serde_json::Value;
use std::path::PathBuf;

fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "no axe-core at {}: {e} (`cargo xtask tools` installs it)",
            path.display()
        )
    })
}

/// One page's figures.
#[derive(Debug, Clone)]
pub struct AxeResult {
    pub page: String,
    pub critical: u64,
    pub serious: u64,
    pub moderate: u64,
    pub minor: u64,
    pub passes: u64,
    /// `impact rule-id (nodes): help` for every violation.
    pub details: Vec<String>,
}

impl AxeResult {
    pub fn line(&self) -> String {
        format!(
            "{:<44} critical {} serious {} moderate {} minor {} passes {}",
            self.page, self.critical, self.serious, self.moderate, self.minor, self.passes
        )
    }
}

impl Browser {
    /// Runs axe-core on the current document (WCAG 2.x A and AA rules and best practices).
    pub async fn axe(&self, page: &str) -> AxeResult {
        let source = axe_source();
        let script = format!(
            "{source}\n;const done = arguments[arguments.length - 1]; \
             axe.run(document, {{ resultTypes: ['violations'] }}).then(r => done({{ \
               violations: r.violations.map(v => ({{ id: v.id, impact: v.impact, \
                 help: v.help, nodes: v.nodes.length, \
                 targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }})), \
               passes: r.passes.length }}), e => done({{ error: String(e) }}));"
        );
        let result: Value = self
            .client
            .execute_async(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("axe-core on {page}: {e}"));
        assert!(
            result.get("error").is_none(),
            "axe-core on {page}: {result}"
        );
        let mut figures = AxeResult {
            page: page.to_owned(),
            critical: 0,
            serious: 0,
            moderate: 0,
            minor: 0,
            passes: result["passes"].as_u64().unwrap_or(0),
            details: Vec::new(),
        };
        for violation in result["violations"].as_array().into_iter().flatten() {
            let impact = violation["impact"].as_str().unwrap_or("unknown");
            match impact {
                "critical" => figures.critical += 1,
                "serious" => figures.serious += 1,
                "moderate" => figures.moderate += 1,
                _ => figures.minor += 1,
            }
            figures.details.push(format!(
                "{impact} {} ({} nodes, e.g. {}): {}",
                violation["id"].as_str().unwrap_or("?"),
                violation["nodes"],
                violation["targets"],
                violation["help"].as_str().unwrap_or("")
            ));
        }
        figures
    }
}

/// Writes the figures to `target/e2e-reports/axe.txt` and returns the text.
pub fn write_report(results: &[AxeResult]) -> String {
    let mut text = String::new();
    for result in results {
        text.push_str(&result.line());
        text.push('\n');
        for detail in &result.details {
            text.push_str(&format!("    {detail}\n"));
        }
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-reports");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("axe.txt"), &text);
    text
}
