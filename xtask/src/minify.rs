//! What `cargo xtask dist` does to trunk's release build before it ships, to
//! shrink the first load (see docs/ui-size.md):
//! - wasm-opt `--no-inline=* -Oz --converge` (trunk's own wasm-opt is off in
//!   index.html: it runs `-Oz` first, and binaryen's inlining, once done,
//!   costs 1.5 KB of the compressed wasm that `--no-inline` keeps);
//! - wasm-bindgen names each import of the wasm `__wbg_<name>_<16 hex digits>`,
//!   in the wasm and again as a key of the glue's import object: 193 random
//!   hashes that gzip cannot shrink. They are renamed to one or two letters
//!   in the wasm's import section, and the same map renames the keys; the
//!   closure shims wasm-bindgen exports under their whole Rust path are
//!   exported as `_0`, `_1`, … and called so by the glue;
//! - the glue is minified with esbuild (trunk's own minifier fails on it);
//! - both files get new content-hashed names and `integrity` hashes, and the
//!   page (its links and its boot script) names the new ones.

use crate::{tools, wasm_names};
use base64::Engine as _;
use sha2::{Digest, Sha384};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The module the wasm imports wasm-bindgen's glue as.
const GLUE_MODULE: &str = "./ui_bg.js";

/// Minifies the wasm's import names and the glue of the build in `dist`, and
/// renames both files; `index.html` is rewritten to match.
pub fn shrink_ui(dist: &Path) -> Result<(), String> {
    let (js_name, wasm_name) = glue_and_wasm(dist)?;
    let (js, wasm) = (dist.join(&js_name), dist.join(&wasm_name));
    optimize_wasm(&wasm)?;
    let names = minify_names(&wasm)?;
    let glue = rename_import_keys(&minify_js(&js)?, &names.imports)?;
    let glue = rename_export_uses(&glue, &names.exports)?;
    std::fs::write(&js, &glue).map_err(|e| format!("{}: {e}", js.display()))?;
    let mut html = read(&dist.join("index.html"))?;
    for (old, path) in [(js_name, js), (wasm_name, wasm)] {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let digest = Sha384::digest(&bytes);
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let new = old.replacen(content_hash(&old)?, &hex, 1);
        let integrity = base64::engine::general_purpose::STANDARD.encode(digest);
        html = replace_integrity(&html, &old, &integrity)?.replace(&old, &new);
        std::fs::rename(&path, dist.join(&new)).map_err(|e| format!("{new}: {e}"))?;
    }
    std::fs::write(dist.join("index.html"), html).map_err(|e| format!("index.html: {e}"))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The names of the glue (`ui-<hash>.js`) and the wasm (`ui-<hash>_bg.wasm`).
fn glue_and_wasm(dist: &Path) -> Result<(String, String), String> {
    let mut names: Vec<String> = std::fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ui-"))
        .collect();
    names.sort();
    let find = |suffix: &str| {
        names
            .iter()
            .find(|n| n.ends_with(suffix))
            .cloned()
            .ok_or_else(|| format!("{}: no ui-*{suffix} from trunk", dist.display()))
    };
    Ok((find(".js")?, find("_bg.wasm")?))
}

/// The hex hash trunk put in a file name: `ui-<hash>.js`, `ui-<hash>_bg.wasm`.
fn content_hash(name: &str) -> Result<&str, String> {
    name.strip_prefix("ui-")
        .and_then(|rest| rest.split(['.', '_']).next())
        .filter(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| format!("{name}: no content hash in the name"))
}

/// Sets the `integrity` of the tag that links `name` (trunk writes one on each).
fn replace_integrity(html: &str, name: &str, integrity: &str) -> Result<String, String> {
    let at = html
        .find(&format!("/{name} "))
        .ok_or_else(|| format!("index.html does not link {name}"))?;
    let tag_start = html[..at].rfind('<').unwrap_or(0);
    let tag_end = at + html[at..].find('>').ok_or("unterminated tag")?;
    let tag = &html[tag_start..tag_end];
    let key = "integrity=sha384-";
    let value_start = tag_start + tag.find(key).ok_or(format!("{name}: no integrity"))? + key.len();
    let value_end = value_start
        + html[value_start..tag_end]
            .find([' ', '>', '"'])
            .unwrap_or(tag_end - value_start);
    let mut out = html.to_owned();
    out.replace_range(value_start..value_end, integrity);
    Ok(out)
}

/// binaryen's wasm-opt over `wasm`, in place: LLVM has inlined what pays at
/// `opt-level = "z"` already; binaryen inlining more only grows the bundle.
fn optimize_wasm(wasm: &Path) -> Result<(), String> {
    let output = Command::new("wasm-opt")
        .arg(wasm)
        .args(["--no-inline=*", "-Oz", "--converge", "-o"])
        .arg(wasm)
        .env("PATH", tools::path_with_tools())
        .output()
        .map_err(|e| format!("cannot run wasm-opt: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "wasm-opt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Renames the imports (and the closure shims' exports) of `wasm` in place.
fn minify_names(wasm: &Path) -> Result<wasm_names::Minified, String> {
    let bytes = std::fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let minified =
        wasm_names::minify(&bytes, GLUE_MODULE).map_err(|e| format!("{}: {e}", wasm.display()))?;
    if minified.imports.is_empty() {
        return Err(format!("{}: no imports from {GLUE_MODULE}", wasm.display()));
    }
    std::fs::write(wasm, &minified.wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    Ok(minified)
}

/// The glue minified by esbuild (an ES module; its exports keep their names).
fn minify_js(js: &Path) -> Result<String, String> {
    let output = Command::new(esbuild())
        .arg(js)
        .args([
            "--minify",
            "--format=esm",
            "--target=es2020",
            "--log-level=warning",
        ])
        .output()
        .map_err(|e| format!("cannot run esbuild: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "esbuild failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("esbuild: {e}"))
}

fn esbuild() -> PathBuf {
    tools::tools_dir().join("node_modules/.bin/esbuild")
}

/// Renames each import's key `old:` of the glue's import object to `new:`.
/// Every old name must be there exactly once, and nowhere else.
fn rename_import_keys(glue: &str, map: &[(String, String)]) -> Result<String, String> {
    let mut out = glue.to_owned();
    for (old, new) in map {
        let key = format!("{old}:");
        let quoted = format!("\"{old}\":");
        let (found, replacement) = if out.matches(&key).count() == 1 {
            (key, format!("{new}:"))
        } else if out.matches(&quoted).count() == 1 {
            (quoted, format!("\"{new}\":"))
        } else {
            return Err(format!("the glue has no single import key {old}"));
        };
        out = out.replacen(&found, &replacement, 1);
        if is_mentioned(&out, old) {
            return Err(format!("the glue names the import {old} elsewhere too"));
        }
    }
    Ok(out)
}

/// Renames each use `.old` of a renamed export (`wasm.old(…)`) to `.new`.
/// Every old name must be used, and only so.
fn rename_export_uses(glue: &str, map: &[(String, String)]) -> Result<String, String> {
    let mut out = glue.to_owned();
    for (old, new) in map {
        let uses = format!(".{old}");
        if !is_mentioned(&out, old) {
            return Err(format!("the glue does not use the export {old}"));
        }
        let replaced = replace_identifier(&out, &uses, &format!(".{new}"));
        if is_mentioned(&replaced, old) {
            return Err(format!(
                "the glue names the export {old} other than as .{old}"
            ));
        }
        out = replaced;
    }
    Ok(out)
}

/// `text` with each `from` that is not followed by an identifier character replaced.
fn replace_identifier(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let after = rest[at + from.len()..].chars().next();
        out.push_str(&rest[..at]);
        if after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Whether `name` occurs in `text` as a whole identifier.
fn is_mentioned(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_keys_are_renamed_by_the_map() {
        let glue = "function k(){return{\"./ui_bg.js\":{__wbg_log_0123456789abcdef:function(e){console.log(e)},__wbg_x_fedcba9876543210:function(){}}}}";
        let map = vec![
            ("__wbg_log_0123456789abcdef".to_owned(), "a".to_owned()),
            ("__wbg_x_fedcba9876543210".to_owned(), "b".to_owned()),
        ];
        let out = rename_import_keys(glue, &map).expect("renamed");
        assert_eq!(
            out,
            "function k(){return{\"./ui_bg.js\":{a:function(e){console.log(e)},b:function(){}}}}"
        );
    }

    #[test]
    fn an_import_named_elsewhere_is_refused() {
        let glue = "{__wbg_a_01:function(){},x:__wbg_a_01}";
        let map = vec![("__wbg_a_01".to_owned(), "a".to_owned())];
        assert!(rename_import_keys(glue, &map).is_err());
        let missing = vec![("__wbg_b_02".to_owned(), "b".to_owned())];
        assert!(rename_import_keys(glue, &missing).is_err());
    }

    #[test]
    fn renamed_exports_are_renamed_where_the_glue_calls_them() {
        let glue = "o.wasm_bindgen_01_true_(a),o.wasm_bindgen_01_true__1_(b),o.memory";
        let map = vec![
            ("wasm_bindgen_01_true_".to_owned(), "_0".to_owned()),
            ("wasm_bindgen_01_true__1_".to_owned(), "_1".to_owned()),
        ];
        let out = rename_export_uses(glue, &map).expect("renamed");
        assert_eq!(out, "o._0(a),o._1(b),o.memory");
        let unused = vec![("wasm_bindgen_02".to_owned(), "_2".to_owned())];
        assert!(rename_export_uses(glue, &unused).is_err());
        let elsewhere = "o.wasm_bindgen_03(),x=\"wasm_bindgen_03\"";
        let map = vec![("wasm_bindgen_03".to_owned(), "_3".to_owned())];
        assert!(rename_export_uses(elsewhere, &map).is_err());
    }

    #[test]
    fn integrity_and_names_follow_the_new_content() {
        let html = "<link crossorigin href=/ui-0a1b.js integrity=sha384-OLD rel=modulepreload><link href=/ui-0a1b_bg.wasm integrity=sha384-OLDER rel=preload>";
        let out = replace_integrity(html, "ui-0a1b.js", "NEW").expect("js");
        let out = replace_integrity(&out, "ui-0a1b_bg.wasm", "NEWER").expect("wasm");
        assert_eq!(out, "<link crossorigin href=/ui-0a1b.js integrity=sha384-NEW rel=modulepreload><link href=/ui-0a1b_bg.wasm integrity=sha384-NEWER rel=preload>");
        assert_eq!(content_hash("ui-0a1b_bg.wasm"), Ok("0a1b"));
        assert_eq!(content_hash("ui-0a1b.js"), Ok("0a1b"));
        assert!(content_hash("style-0a1b.css").is_err());
    }
}
