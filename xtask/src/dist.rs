//! `cargo xtask dist`: what a deployment uploads.
//! - `dist/`: the release UI build with `config.json` naming the API, and
//!   trunk's inline loader moved into a file so the CSP needs no inline script,
//!   the glue minified and the wasm's import names shortened (`minify.rs`);
//! - `target/dist/api-lambda.zip`: the API (static musl build, so it runs on
//!   any Lambda runtime) with `run.sh`, for the Lambda Web Adapter.

use crate::tools;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::Path;
use std::process::Command;

pub const LAMBDA_TARGET: &str = "x86_64-unknown-linux-musl";

pub fn run(api_url: Option<String>, api_only: bool, ui_only: bool) -> Result<(), String> {
    let root = crate::workspace_root();
    if !api_only {
        build_ui(
            &root.join("dist"),
            api_url.as_deref().unwrap_or("http://localhost:8000"),
        )?;
    }
    if !ui_only {
        package_api(&root)?;
    }
    Ok(())
}

/// The release UI build in `dist`, as deployed: `config.json` naming the API,
/// no inline script.
pub fn build_ui(dist: &Path, api_url: &str) -> Result<(), String> {
    tools::ensure_ui_build_tools()?;
    tools::trunk_release_build(dist)?;
    let config = format!("{{ \"apiUrl\": {api_url:?} }}\n");
    std::fs::write(dist.join("config.json"), config).map_err(|e| format!("config.json: {e}"))?;
    crate::minify::shrink_ui(dist)?;
    externalize_inline_scripts(dist)?;
    println!("xtask: {} is ready (API {api_url})", dist.display());
    Ok(())
}

/// Moves each inline `<script type="module">` of `index.html` into its own
/// file, so that the Content-Security-Policy can forbid inline scripts.
/// Trunk's release build minifies the page, which drops the quotes.
fn externalize_inline_scripts(dist: &Path) -> Result<(), String> {
    let index = dist.join("index.html");
    let mut html = std::fs::read_to_string(&index).map_err(|e| format!("index.html: {e}"))?;
    let opening = |html: &str| {
        [r#"<script type="module">"#, "<script type=module>"]
            .into_iter()
            .filter_map(|open| html.find(open).map(|start| (start, open)))
            .min()
    };
    while let Some((start, open)) = opening(&html) {
        let body_start = start + open.len();
        let end = html[body_start..]
            .find("</script>")
            .map(|i| body_start + i)
            .ok_or("unterminated inline script in index.html")?;
        let body = html[body_start..end].to_owned();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        body.hash(&mut hasher);
        let name = format!("boot-{:016x}.js", hasher.finish());
        std::fs::write(dist.join(&name), &body).map_err(|e| format!("{name}: {e}"))?;
        let tag = format!(r#"<script type="module" src="/{name}"></script>"#);
        html.replace_range(start..end + "</script>".len(), &tag);
    }
    if has_inline_script(&html) {
        return Err("index.html keeps an inline script the CSP would block".into());
    }
    std::fs::write(&index, html).map_err(|e| format!("index.html: {e}"))
}

/// Whether a `<script>` tag of `html` has no `src`.
fn has_inline_script(html: &str) -> bool {
    html.match_indices("<script").any(|(start, _)| {
        !html[start..]
            .split('>')
            .next()
            .unwrap_or("")
            .contains("src=")
    })
}

fn package_api(root: &Path) -> Result<(), String> {
    tools::ensure_rust_target(LAMBDA_TARGET)?;
    tools::ensure_musl_tools()?;
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--package",
            "api",
            "--bin",
            "api",
            "--target",
            LAMBDA_TARGET,
        ])
        .env("CC_x86_64_unknown_linux_musl", "musl-gcc")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err("the API's Lambda build failed".into());
    }
    let binary = root.join(format!("target/{LAMBDA_TARGET}/release/api"));
    let out_dir = root.join("target/dist");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let zip_path = out_dir.join("api-lambda.zip");
    let file =
        std::fs::File::create(&zip_path).map_err(|e| format!("{}: {e}", zip_path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let executable = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o755);
    for (name, path) in [("api", binary), ("run.sh", root.join("infra/run.sh"))] {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        zip.start_file(name, executable)
            .and_then(|()| zip.write_all(&bytes).map_err(Into::into))
            .map_err(|e| format!("{}: {e}", zip_path.display()))?;
    }
    zip.finish()
        .map_err(|e| format!("{}: {e}", zip_path.display()))?;
    println!("xtask: {} is ready", zip_path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn inline_module_scripts_move_into_files() {
        for page in [
            "<head><script type=\"module\">import init from '/ui.js'; await init();</script></head>",
            // As trunk's release build minifies it.
            "<head><script type=module>import init from '/ui.js'; await init();</script></head>",
        ] {
            moves_the_script_out_of(page);
        }
    }

    #[test]
    fn inline_scripts_are_told_from_external_ones() {
        assert!(super::has_inline_script("<script>alert(1)</script>"));
        assert!(super::has_inline_script(
            "<script type=text/javascript>x()</script>"
        ));
        assert!(!super::has_inline_script(
            r#"<script type="module" src="/boot.js"></script>"#
        ));
    }

    fn moves_the_script_out_of(page: &str) {
        let dir = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("index.html"), page).expect("write");
        super::externalize_inline_scripts(&dir).expect("rewritten");
        let html = std::fs::read_to_string(dir.join("index.html")).expect("read");
        assert!(!html.contains("import init"), "{html}");
        let src = html
            .split("src=\"/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("src");
        let moved = std::fs::read_to_string(dir.join(src)).expect("boot file");
        assert_eq!(moved, "import init from '/ui.js'; await init();");
        let _ = std::fs::remove_dir_all(dir);
    }
}
