//! The OpenAPI document served at `/openapi.json` (and by Swagger UI at `/docs/`).

mod errors;

use crate::routes;
use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use errors::ErrorResponses;
use shared::admin::{AdminUser, AdminUserPage, AdminUserSummary, InviteRequest};
use shared::dto::{
    AuthConfig, Health, KpiInput, KpiRecord, RefreshTokenBody, ServerInfo, TokenRequest, Tokens,
    UserProfile,
};
use shared::{ErrorBody, ErrorCode};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Where the document is served; Swagger UI reads it from there.
pub(crate) const DOCUMENT_PATH: &str = "/openapi.json";

/// The document, serialised once at start-up. Every worker shares these bytes:
/// utoipa's own route keeps a copy of the document's tree per worker (several
/// MiB each) and serialises it again on every request.
#[derive(Clone)]
pub(crate) struct Document(Bytes);

impl Document {
    pub(crate) fn new() -> Result<Self, serde_json::Error> {
        serde_json::to_vec(&ApiDoc::openapi()).map(|json| Self(json.into()))
    }

    /// `GET /openapi.json` on `cfg`.
    pub(crate) fn serve(&self, cfg: &mut web::ServiceConfig) {
        let json = self.0.clone();
        cfg.route(
            DOCUMENT_PATH,
            web::get().to(move || {
                let json = json.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type(ContentType::json())
                        .body(json)
                }
            }),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "KPI statistics API",
        description = "Cognito sign-in (code exchange, server-side refresh) and KPI statistics. \
            Send `Authorization: Bearer <access token>`; add `x-refresh-token` when the access \
            token is about to expire, and save `x-access-token`, `x-id-token` and \
            `x-refresh-token` from every response."
    ),
    paths(
        routes::info::health,
        routes::info::server,
        routes::auth::config,
        routes::auth::token,
        routes::auth::refresh,
        routes::auth::signout,
        routes::user::profile,
        routes::stats::list,
        routes::stats::create,
        routes::stats::update,
        routes::stats::remove,
        routes::admin::list,
        routes::admin::get,
        routes::admin::invite,
        routes::admin::add_to_group,
        routes::admin::remove_from_group,
        routes::admin::disable,
        routes::admin::enable,
        routes::admin::sign_out_everywhere,
        routes::admin::delete,
    ),
    components(schemas(
        ErrorBody, ErrorCode, AuthConfig, TokenRequest, Tokens, RefreshTokenBody, KpiRecord,
        KpiInput, UserProfile, ServerInfo, Health, AdminUser, AdminUserSummary, AdminUserPage,
        InviteRequest
    )),
    modifiers(&BearerAuth, &ErrorResponses),
    tags(
        (name = "auth", description = "Sign-in, refresh and sign-out"),
        (name = "stats", description = "KPI records; changes need the admin group"),
        (name = "user", description = "The signed-in user"),
        (name = "admin", description = "User administration, for the admin group"),
        (name = "info", description = "Liveness and server facts"),
    )
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A Cognito access token of this app client"))
                    .build(),
            ),
        );
    }
}
