//! Serving a built `dist/` as the deployed UI is served: static files with a
//! single-page fallback to `index.html`, and a `config.json` naming the API.
//! The browser tests use it in-process; `cargo xtask dev --app-b` runs it as
//! the `serve-dist` binary for the second app.

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, Server, ServiceRequest, ServiceResponse};
use actix_web::{web, App, HttpResponse, HttpServer};
use std::net::TcpListener;
use std::path::PathBuf;

/// Serves `dist` on `listener`, answering `/config.json` with `{"apiUrl": api_url}`.
pub fn serve_dist(dist: PathBuf, api_url: &str, listener: TcpListener) -> std::io::Result<Server> {
    let config = serde_json::json!({ "apiUrl": api_url }).to_string();
    let server = HttpServer::new(move || {
        let index = dist.join("index.html");
        let config = config.clone();
        App::new()
            .route(
                "/config.json",
                web::get().to(move || {
                    let config = config.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(config)
                    }
                }),
            )
            .service(
                Files::new("/", &dist)
                    .index_file("index.html")
                    // Any other path is a route of the single-page app.
                    .default_handler(fn_service(move |req: ServiceRequest| {
                        let index = index.clone();
                        async move {
                            let (req, _) = req.into_parts();
                            let response = NamedFile::open_async(index).await?.into_response(&req);
                            Ok(ServiceResponse::new(req, response))
                        }
                    })),
            )
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}
