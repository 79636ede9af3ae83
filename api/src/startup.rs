//! Builds the application: storage, caches, routes and middleware, on a listener.

use crate::admin::Directory;
use crate::auth::{AuthConfig, CognitoAuth, IdpClient, SessionStore};
use crate::clock::Clock;
use crate::config::Settings;
use crate::error::{extractors, json_error_fallback};
use crate::openapi::{Document, DOCUMENT_PATH};
use crate::store::{StatsStore, StoreError};
use crate::{routes, telemetry};
use actix_cors::Cors;
use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::web::Data;
use actix_web::{web, App, HttpServer};
use shared::headers::{ALLOWED_REQUEST_HEADERS, EXPOSED_RESPONSE_HEADERS};
use std::net::TcpListener;
use std::sync::Arc;
use utoipa_swagger_ui::{Config, SwaggerUi};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot serialise the OpenAPI document: {0}")]
    Document(serde_json::Error),
    #[error("cannot start the HTTP server: {0}")]
    Io(#[from] std::io::Error),
}

/// A built server, not yet running.
pub struct Application {
    port: u16,
    server: Server,
    store: StatsStore,
}

impl Application {
    /// Binds `HOST:PORT` and builds.
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let address = format!("{}:{}", settings.host, settings.port);
        let listener = TcpListener::bind(&address).map_err(|source| StartError::Bind {
            address: address.clone(),
            source,
        })?;
        Self::build_with_listener(settings, listener).await
    }

    /// Builds on a bound listener (tests bind port 0), on the system clock.
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> Result<Self, StartError> {
        Self::build_with_clock(settings, listener, Clock::system()).await
    }

    /// Builds on a bound listener with `clock` deciding every expiry (tests advance it).
    pub async fn build_with_clock(
        settings: Settings,
        listener: TcpListener,
        clock: Clock,
    ) -> Result<Self, StartError> {
        let store = StatsStore::connect(settings.database_url.expose())
            .await?
            .with_clock(clock.clone());
        if store.seed_if_new().await? {
            tracing::info!("new database: seeded two years of sales, cost and revenue");
        }
        let port = listener.local_addr()?.port();
        tracing::info!(
            port,
            issuer = %settings.cognito.issuer,
            database = %settings.database_url,
            ui_origins = ?settings.ui_origins,
            "API starting"
        );
        let auth = CognitoAuth::new(
            auth_config(&settings),
            IdpClient::new(Arc::new(settings.cognito.clone()), settings.idp_timeout),
            SessionStore::new(store.pool().clone()),
            clock,
        );
        let idp_timeout = settings.idp_timeout;
        let directory = Data::new(Directory::new(&settings.cognito, idp_timeout).await);
        let settings = Data::new(settings);
        let store_data = Data::new(store.clone());
        let document = Document::new().map_err(StartError::Document)?;
        let server = HttpServer::new(move || {
            let guard = auth.clone();
            App::new()
                .app_data(settings.clone())
                .app_data(Data::new(auth.clone()))
                .app_data(store_data.clone())
                .app_data(directory.clone())
                .app_data(extractors::json_config())
                .app_data(extractors::path_config())
                .app_data(extractors::query_config())
                .configure(|cfg| routes::configure(cfg, &guard))
                .configure(|cfg| document.serve(cfg))
                .service(SwaggerUi::new("/docs/{_:.*}").config(Config::from(DOCUMENT_PATH)))
                .default_service(web::to(routes::not_found))
                // Every response, 401s included, carries CORS headers.
                .wrap(cors(&settings.ui_origins))
                // Outside CORS, so that its refusals are JSON too (headers are kept).
                .wrap(ErrorHandlers::new().default_handler(json_error_fallback))
                .wrap(from_fn(telemetry::trace_request))
        })
        .listen(listener)?
        .run();
        Ok(Self {
            port,
            server,
            store,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub fn store(&self) -> &StatsStore {
        &self.store
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// What the auth layer needs from the settings.
fn auth_config(settings: &Settings) -> AuthConfig {
    AuthConfig {
        leeway: settings.jwt_leeway,
        jwks_ttl: settings.jwks_ttl,
        jwks_refetch_min: settings.jwks_refetch_min,
        rate_per_minute: settings.auth_rate_per_minute,
        trust_forwarded_for: settings.trust_forwarded_for,
        idp_timeout: settings.idp_timeout,
        ..AuthConfig::new(
            settings.cognito.issuer.clone(),
            settings.cognito.client_id.clone(),
        )
    }
}

/// Exactly the UI origins; the refresh header in, the token headers out.
fn cors(origins: &[String]) -> Cors {
    origins.iter().fold(
        Cors::default()
            .allowed_methods(["GET", "POST", "PUT", "DELETE"])
            .allowed_headers(ALLOWED_REQUEST_HEADERS)
            .expose_headers(EXPOSED_RESPONSE_HEADERS)
            .max_age(3600)
            .block_on_origin_mismatch(false),
        |cors, origin| cors.allowed_origin(origin),
    )
}
