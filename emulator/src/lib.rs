//! An offline AWS Cognito user pool: hosted UI, OAuth2 endpoints, JWKS and
//! opt-in test hooks, faithful enough that code written against it works on AWS.
//!
//! Start it in-process with [`spawn`] on a listener bound to port 0, or run the
//! `cognito-emulator` binary. Safe by default: the test hooks are off unless
//! asked for, only loopback may use them, and every request must name the
//! emulator's own host.

#![deny(unreachable_pub)]

pub mod clock;
pub mod config;
mod emulator;
mod error;
mod handle;
mod json_api;
mod keys;
mod params;
mod persist;
mod pool;
mod routes;
mod templates;
#[cfg(feature = "testing")]
pub mod testing;

pub use emulator::{Counters, Fault, FaultTarget};
pub use handle::{AdminHandle, Lifetimes, NewUser};
pub use keys::{KeyError, KeyRing, SigningKey};
pub use persist::StateError;
pub use pool::HashCost;

use crate::clock::Clock;
use crate::config::EmulatorConfig;
use crate::emulator::{Emulator, PoolMaker};
use crate::persist::Journal;
use crate::pool::UserPool;
use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

/// Which `iss` the tokens carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IssuerMode {
    /// `{public_url}/{poolId}`, where the JWKS is served.
    #[default]
    Local,
    /// `https://cognito-idp.{region}.amazonaws.com/{poolId}`, as AWS signs
    /// them, for libraries that hard-code it; the JWKS is still served locally.
    Aws,
}

/// How the emulator runs, beyond the pool's TOML.
#[derive(Debug, Clone)]
pub struct Options {
    /// Base URL the emulator is reached at; `None`: `http://localhost:{port}`.
    pub public_url: Option<String>,
    /// Serve the `/_emulator/` test hooks (to loopback peers only).
    pub test_hooks: bool,
    /// HTTP worker threads.
    pub workers: usize,
    /// The pool's time; tests keep a clone and advance it.
    pub clock: Clock,
    /// Persist the pools in this file (`--state`); `None`: memory only.
    pub state: Option<PathBuf>,
    pub issuer: IssuerMode,
    pub password_hashing: HashCost,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            public_url: None,
            test_hooks: false,
            workers: 2,
            clock: Clock::system(),
            state: None,
            issuer: IssuerMode::Local,
            password_hashing: HashCost::Standard,
        }
    }
}

impl Options {
    /// For test suites: hooks on, cheap password hashing.
    pub fn for_tests() -> Self {
        Self {
            test_hooks: true,
            password_hashing: HashCost::Fast,
            ..Self::default()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

/// A running emulator.
pub struct RunningEmulator {
    pub base_url: String,
    pub issuer: String,
    pub port: u16,
    pub handle: ServerHandle,
    admin: AdminHandle,
}

impl RunningEmulator {
    /// Typed, in-process access to what the test hooks do.
    pub fn admin(&self) -> &AdminHandle {
        &self.admin
    }
}

/// Builds the emulator on `listener` and returns the server future plus its facts.
/// Spawn or await the server; [`spawn`] does the former.
pub fn build(
    config: &EmulatorConfig,
    options: &Options,
    listener: TcpListener,
) -> Result<(Server, RunningEmulator), StartError> {
    let port = listener.local_addr()?.port();
    let base_url = options
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://localhost:{port}"))
        .trim_end_matches('/')
        .to_owned();
    let pool_id = &config.pool.id;
    let (journal, mut snapshots) = match &options.state {
        Some(path) => {
            let (journal, snapshots) = Journal::open(path)?;
            (Some(Arc::new(journal)), snapshots)
        }
        None => (None, Default::default()),
    };
    let maker = PoolMaker {
        base_url: base_url.clone(),
        clock: options.clock.clone(),
        region: config.pool.region.clone(),
        issuer: options.issuer,
        hash_cost: options.password_hashing,
        rotation_overlap_secs: config.keys.rotation_overlap_secs,
        journal,
    };
    let pool = UserPool::open(
        config,
        maker.facts(pool_id, &config.pool.region),
        snapshots.remove(pool_id),
    )?;
    let issuer = pool.issuer().to_owned();
    // Pools created through the API, kept by the state file.
    let others = snapshots
        .into_iter()
        .map(|(id, snapshot)| {
            let region = UserPool::snapshot_region(&snapshot).to_owned();
            UserPool::restore(maker.facts(&id, &region), snapshot)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let emulator = web::Data::new(Emulator::new(
        base_url.clone(),
        allowed_hosts(&base_url),
        options.test_hooks,
        options.clock.clone(),
        maker,
        pool,
        others,
    ));
    let admin = AdminHandle::new(emulator.clone().into_inner());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(emulator.clone())
            .configure(|cfg| routes::configure(cfg, emulator.test_hooks))
            .wrap(actix_web::middleware::from_fn(routes::guard::check_host))
            .wrap(actix_web::middleware::from_fn(routes::log_request))
    })
    .workers(options.workers.max(1))
    .listen(listener)?
    .run();
    let handle = server.handle();
    Ok((
        server,
        RunningEmulator {
            base_url,
            issuer,
            port,
            handle,
            admin,
        },
    ))
}

/// Starts the emulator on `listener` in the current actix/tokio runtime.
pub fn spawn(
    config: &EmulatorConfig,
    options: &Options,
    listener: TcpListener,
) -> Result<RunningEmulator, StartError> {
    let (server, running) = build(config, options, listener)?;
    actix_web::rt::spawn(server);
    Ok(running)
}

/// The loopback names, and the public URL's host.
fn allowed_hosts(base_url: &str) -> Vec<String> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
        .map(str::to_owned)
        .to_vec();
    if let Some(host) = url_host(base_url) {
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts
}

/// `host` of `scheme://host:port/path`, lower-cased.
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    Some(routes::guard::host_name(authority).to_ascii_lowercase())
}
