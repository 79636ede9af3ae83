//! The UI's first load: what a browser fetches before it can draw the app
//! (`index.html`, the JavaScript, the wasm and the CSS of the release dist),
//! each compressed with gzip at level 9, summed. Sizes are deterministic, so
//! `cargo xtask test` holds the first load to a budget.

use crate::{dist, tools};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;

/// The budget in bytes. Issue 16's goal is 125 KiB; the UI is not there yet
/// (see docs/ui-size.md), so this holds it where it stands: any growth fails.
/// Lower it as the UI shrinks; never raise it without a reason in the commit.
pub const FIRST_LOAD_BUDGET_BYTES: u64 = 142 * 1024;

/// What the first load fetches.
const FIRST_LOAD_EXTENSIONS: [&str; 4] = ["html", "js", "wasm", "css"];

/// One file of the first load.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub bytes: u64,
    pub gzip_bytes: u64,
}

/// The files of a dist that a first load fetches, sorted by name.
pub fn measure(dist: &Path) -> Result<Vec<Part>, String> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let mut parts = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("{}: {e}", dist.display()))?
            .path();
        let counted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| FIRST_LOAD_EXTENSIONS.contains(&e));
        if !counted || !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        parts.push(Part {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: bytes.len() as u64,
            gzip_bytes: gzip_len(&bytes)?,
        });
    }
    parts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(parts)
}

/// The length of `bytes` compressed as `gzip -9` compresses.
fn gzip_len(bytes: &[u8]) -> Result<u64, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).map_err(|e| format!("gzip: {e}"))?;
    let compressed = encoder.finish().map_err(|e| format!("gzip: {e}"))?;
    Ok(compressed.len() as u64)
}

pub fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// Builds the release dist (as `cargo xtask dist` does) into `target/size-dist`,
/// prints its first load file by file, and tells whether it is within budget.
pub fn check(root: &Path) -> Result<bool, String> {
    tools::ensure_ui_build_tools()?;
    let dist_dir = root.join("target/size-dist");
    dist::build_ui(&dist_dir, "http://localhost:8000")?;
    let parts = measure(&dist_dir)?;
    let total: u64 = parts.iter().map(|p| p.gzip_bytes).sum();
    for part in &parts {
        println!(
            "xtask: first load {:>10} gzip -9 ({:>10} raw)  {}",
            kib(part.gzip_bytes),
            kib(part.bytes),
            part.name
        );
    }
    let within = total <= FIRST_LOAD_BUDGET_BYTES;
    println!(
        "xtask: first load {} ({total} bytes) gzip -9, budget {}: {}",
        kib(total),
        kib(FIRST_LOAD_BUDGET_BYTES),
        if within { "within" } else { "OVER BUDGET" }
    );
    Ok(within)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_load_counts_html_js_wasm_and_css_compressed() {
        let dir = std::env::temp_dir().join(format!("xtask-size-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let text = "let x = 1;\n".repeat(1000);
        for name in [
            "index.html",
            "ui.js",
            "ui_bg.wasm",
            "style.css",
            "config.json",
        ] {
            std::fs::write(dir.join(name), &text).expect("write");
        }
        let parts = measure(&dir).expect("measured");
        let _ = std::fs::remove_dir_all(&dir);
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["index.html", "style.css", "ui.js", "ui_bg.wasm"]);
        for part in &parts {
            assert_eq!(part.bytes, text.len() as u64);
            // Repetitive text compresses to a small fraction, gzip header included.
            assert!(part.gzip_bytes > 18 && part.gzip_bytes < 200, "{part:?}");
        }
    }
}
