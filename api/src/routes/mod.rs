//! The HTTP surface: one module per resource.

pub(crate) mod admin;
pub(crate) mod auth;
pub(crate) mod info;
pub(crate) mod stats;
pub(crate) mod user;

use crate::auth::CognitoAuth;
use crate::error::ApiError;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::web;

/// Every route; the protected ones wrapped in `auth`.
pub(crate) fn configure(cfg: &mut web::ServiceConfig, auth: &CognitoAuth) {
    cfg.service(web::resource("/healthz").route(web::get().to(info::health)))
        .service(web::resource("/info/server").route(web::get().to(info::server)))
        .service(web::resource("/docs").route(web::get().to(info::docs_redirect)))
        .service(
            web::scope("/auth")
                // Sign-in answers carry tokens: never cached (RFC 6749 §5.1).
                .wrap(DefaultHeaders::new().add((header::CACHE_CONTROL, "no-store")))
                .service(web::resource("/config").route(web::get().to(auth::config)))
                .service(web::resource("/token").route(web::post().to(auth::token)))
                .service(web::resource("/refresh").route(web::post().to(auth::refresh)))
                .service(
                    web::resource("/signout")
                        .wrap(auth.clone())
                        .route(web::post().to(auth::signout)),
                ),
        )
        .service(
            web::resource("/user")
                .wrap(auth.clone())
                .route(web::get().to(user::profile)),
        )
        .service(
            web::resource("/stats")
                .wrap(auth.clone())
                .route(web::get().to(stats::list))
                .route(web::post().to(stats::create)),
        )
        .service(
            web::resource("/stats/{id}")
                .wrap(auth.clone())
                .route(web::put().to(stats::update))
                .route(web::delete().to(stats::remove)),
        )
        .service(
            // One resource per path, so that a method the path lacks is a 405
            // (with `Allow`), as on every other path, not a 404.
            web::scope("/admin/users")
                .wrap(auth.clone())
                .service(
                    web::resource("")
                        .route(web::get().to(admin::list))
                        .route(web::post().to(admin::invite)),
                )
                .service(
                    web::resource("/{username}")
                        .route(web::get().to(admin::get))
                        .route(web::delete().to(admin::delete)),
                )
                .service(web::resource("/{username}/disable").route(web::post().to(admin::disable)))
                .service(web::resource("/{username}/enable").route(web::post().to(admin::enable)))
                .service(
                    web::resource("/{username}/signout")
                        .route(web::post().to(admin::sign_out_everywhere)),
                )
                .service(
                    web::resource("/{username}/groups/{group}")
                        .route(web::put().to(admin::add_to_group))
                        .route(web::delete().to(admin::remove_from_group)),
                ),
        );
}

/// Any path no route matches.
pub(crate) async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound("no such route".into()))
}
