//! Project automation: `cargo xtask dev` runs the stack, `cargo xtask test` runs every
//! check, `cargo xtask bench` measures.

mod bench;
mod checks;
mod dev;
mod dist;
mod e2e;
mod fuzz;
mod install;
mod minify;
mod size;
mod test;
mod tools;
mod tools_nightly;
mod wasm_names;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the development stack: UI on :3000, API on :8000, Cognito emulator on :9229.
    Dev {
        /// Also start app B (API :8001, UI :3001, app client B) to show single sign-on.
        #[arg(long)]
        app_b: bool,
    },
    /// fmt --check, clippy -D warnings, and every test; ends with "N passed, N failed".
    Test,
    /// The browser suite alone (after building the UI), `--repeat N` times in a row.
    E2e {
        /// How many runs, each reported on its own line.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        repeat: u32,
    },
    /// schemathesis against the API's /openapi.json alone (a step of `test`).
    Fuzz {
        /// Another seed than the one in xtask/fuzz/schemathesis.toml.
        #[arg(long)]
        seed: Option<u64>,
        /// More (or fewer) test cases per operation and phase.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        max_examples: Option<u32>,
    },
    /// One table of the performance figures (release builds, wrk, Node, openssl); JSON in target/bench/.
    Bench {
        /// Leave out the release UI build and its first-load size.
        #[arg(long)]
        skip_ui: bool,
    },
    /// Install what the UI build and browser tests need, if missing.
    Tools,
    /// The release UI's first load (html + js + wasm + css, gzip -9) against its budget.
    Size,
    /// Build what a deployment uploads: dist/ (release UI + config.json) and the API's Lambda zip.
    Dist {
        /// The deployed API's base URL, written into dist/config.json.
        #[arg(long)]
        api_url: Option<String>,
        /// Only the API's Lambda package.
        #[arg(long, conflicts_with = "ui_only")]
        api_only: bool,
        /// Only dist/.
        #[arg(long)]
        ui_only: bool,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Dev { app_b } => dev::run(app_b),
        Command::Test => test::run(),
        Command::E2e { repeat } => e2e::run(repeat),
        Command::Fuzz { seed, max_examples } => {
            fuzz::run_alone(&fuzz::Options { seed, max_examples })
        }
        Command::Bench { skip_ui } => bench::run(skip_ui),
        Command::Size => size::check(&workspace_root()).and_then(|within| {
            within
                .then_some(())
                .ok_or_else(|| "the UI's first load is over budget".to_owned())
        }),
        Command::Dist {
            api_url,
            api_only,
            ui_only,
        } => dist::run(api_url, api_only, ui_only),
        Command::Tools => tools::ensure_ui_build_tools()
            .and_then(|()| tools_nightly::ensure_ui_nightly())
            .and_then(|()| tools::ensure_chromium())
            .and_then(|()| tools::ensure_npm_packages(&tools::NODE_CLIENTS)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one folder below it).
fn workspace_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
