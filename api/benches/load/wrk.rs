//! Runs Debian's `wrk` (installed by `cargo xtask bench`) and reads its summary.

use serde::Serialize;
use std::path::Path;
use std::process::Command;

/// One wrk run: throughput and latency percentiles.
#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    /// Responses that were not 2xx or 3xx (should be none).
    pub failed: u64,
    /// CPU time the server spent per request (robust where other work shares the cores).
    pub server_cpu_us_per_request: f64,
}

pub struct Wrk<'a> {
    pub url: &'a str,
    pub connections: u32,
    pub secs: u32,
    pub headers: &'a [String],
    /// A Lua script (method and body of a POST).
    pub script: Option<&'a Path>,
}

impl Wrk<'_> {
    pub fn run(&self) -> Load {
        let mut command = Command::new("wrk");
        command
            .arg("-t2")
            .arg(format!("-c{}", self.connections))
            .arg(format!("-d{}s", self.secs))
            .arg("--latency");
        for header in self.headers {
            command.arg("-H").arg(header);
        }
        if let Some(script) = self.script {
            command.arg("-s").arg(script);
        }
        let output = command
            .arg(self.url)
            .output()
            .unwrap_or_else(|e| panic!("cannot run wrk (cargo xtask bench installs it): {e}"));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "wrk failed: {text}");
        parse(&text).unwrap_or_else(|| panic!("cannot read wrk's output:\n{text}"))
    }
}

fn parse(text: &str) -> Option<Load> {
    let after = |prefix: &str| -> Option<&str> {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::trim)
    };
    let requests = text
        .lines()
        .find(|l| l.contains(" requests in "))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(Load {
        requests_per_sec: after("Requests/sec:")?.parse().ok()?,
        p50_ms: millis(after("50%")?)?,
        p99_ms: millis(after("99%")?)?,
        requests,
        failed: after("Non-2xx or 3xx responses:")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        server_cpu_us_per_request: f64::NAN,
    })
}

/// `812.00us`, `1.23ms`, `1.01s` in milliseconds.
fn millis(value: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = value.strip_suffix("us") {
        (n, 1e-3)
    } else if let Some(n) = value.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix('s') {
        (n, 1e3)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}
