//! An offline AWS Cognito user pool: hosted UI, OAuth2 endpoints, JWKS and
//! test hooks, faithful enough that code written against it works on AWS.
//!
//! Start it in-process with [`spawn`] on a listener bound to port 0, or run the
//! `cognito-emulator` binary.

pub mod clock;
pub mod config;
pub mod error;
pub mod keys;
pub mod params;
mod routes;
pub mod state;
mod templates;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;

use crate::clock::Clock;
use crate::config::EmulatorConfig;
use crate::keys::{KeyError, KeyRing};
use crate::state::Store;
use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// How the emulator runs, beyond the pool's TOML.
#[derive(Debug, Clone)]
pub struct Options {
    /// Base URL the emulator is reached at (issuer is `{public_url}/{poolId}`);
    /// `None`: `http://localhost:{port}`.
    pub public_url: Option<String>,
    /// Serve the `/_emulator/` test hooks.
    pub test_hooks: bool,
    /// HTTP worker threads.
    pub workers: usize,
    /// The pool's time; tests keep a clone and advance it.
    pub clock: Clock,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            public_url: None,
            test_hooks: true,
            workers: 2,
            clock: Clock::system(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

/// Shared by every request handler.
pub struct Emulator {
    pub pool_id: String,
    pub region: String,
    /// Hosted-UI base, e.g. `http://localhost:9229`.
    pub base_url: String,
    /// `{base_url}/{pool_id}`.
    pub issuer: String,
    pub test_hooks: bool,
    pub rotation_overlap_secs: u64,
    /// Every expiry decision reads this clock.
    pub clock: Clock,
    store: Mutex<Store>,
    keys: RwLock<KeyRing>,
}

impl Emulator {
    /// The pool's mutable state. A poisoned lock only means a handler panicked
    /// mid-update; the data is still the best we have, so keep serving.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn keys(&self) -> RwLockReadGuard<'_, KeyRing> {
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn keys_mut(&self) -> RwLockWriteGuard<'_, KeyRing> {
        self.keys.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running emulator.
pub struct RunningEmulator {
    pub base_url: String,
    pub issuer: String,
    pub port: u16,
    pub handle: ServerHandle,
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
    let issuer = format!("{base_url}/{}", config.pool.id);
    let keys = KeyRing::load_or_generate(
        config.keys.access_key.as_deref(),
        config.keys.id_key.as_deref(),
    )?;
    let emulator = web::Data::new(Emulator {
        pool_id: config.pool.id.clone(),
        region: config.pool.region.clone(),
        base_url: base_url.clone(),
        issuer: issuer.clone(),
        test_hooks: options.test_hooks,
        rotation_overlap_secs: config.keys.rotation_overlap_secs,
        clock: options.clock.clone(),
        store: Mutex::new(Store::new(config)),
        keys: RwLock::new(keys),
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(emulator.clone())
            .wrap(actix_web::middleware::from_fn(routes::log_request))
            .configure(|cfg| routes::configure(cfg, emulator.test_hooks))
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
