//! `GET /logout`: ends the hosted-UI session, then either redirects to one of
//! the client's sign-out URLs or shows the sign-in page again.

use super::authorize::AuthorizeRequest;
use super::{error_page, found, removal_cookie, SESSION_COOKIE};
use crate::emulator::Emulator;
use crate::params::Params;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/logout", web::get().to(logout));
}

#[tracing::instrument(skip_all)]
async fn logout(req: HttpRequest, emulator: web::Data<Emulator>) -> HttpResponse {
    let params = match Params::parse(req.query_string().as_bytes()) {
        Ok(params) => params,
        Err(err) => {
            return error_page(StatusCode::BAD_REQUEST, "invalid_request", &err.to_string())
        }
    };
    let Some((pool, client)) = params.get("client_id").and_then(|id| emulator.client(id)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Client does not exist.",
        );
    };
    let destination = match params.get("logout_uri") {
        Some(uri) if client.logout_urls.iter().any(|u| u == uri) => uri.to_owned(),
        Some(_) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "logout_uri is not a sign-out URL of this app client.",
            )
        }
        None if params.get("redirect_uri").is_some() => {
            match AuthorizeRequest::parse(&params, &emulator) {
                Ok(request) => format!("/login?{}", request.query),
                Err(err) => return err.to_response(),
            }
        }
        None => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Required parameter logout_uri or redirect_uri is missing.",
            )
        }
    };
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        pool.end_session(cookie.value());
    }
    let mut response = found(&destination);
    let _ = response.add_removal_cookie(&removal_cookie(&emulator, SESSION_COOKIE));
    tracing::info!(client = %client.name, "signed out of the hosted UI");
    response
}
