//! Who may talk to the emulator at all: only requests whose `Host` names the
//! emulator (loopback names or the public URL's host), which stops a web page
//! reaching it through DNS rebinding; and, for the test hooks, only loopback peers.

use crate::emulator::Emulator;
use crate::error::OAuthError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};

/// `host` of `host:port` (IPv6 literals keep their brackets).
pub(crate) fn host_name(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    authority
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(authority, |(host, _)| host)
}

/// 421 Misdirected Request for a `Host` that is not the emulator's.
pub(crate) async fn check_host(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let allowed = req
        .app_data::<web::Data<Emulator>>()
        .is_some_and(|emulator| {
            req.headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(|host| host_name(host).to_ascii_lowercase())
                .is_some_and(|name| emulator.allowed_hosts.contains(&name))
        });
    if allowed {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let refusal = OAuthError::new(
        StatusCode::MISDIRECTED_REQUEST,
        "misdirected_request",
        "the Host header does not name this emulator (give --public-url for another name)",
    );
    Ok(req
        .into_response(refusal.error_response())
        .map_into_right_body())
}

/// 403 for a test hook called from anywhere but loopback.
pub(crate) async fn loopback_only(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.peer_addr().is_some_and(|peer| peer.ip().is_loopback()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let refusal = OAuthError::new(
        StatusCode::FORBIDDEN,
        "access_denied",
        "test hooks answer loopback peers only",
    );
    Ok(req
        .into_response(refusal.error_response())
        .map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::{host_name, loopback_only};
    use actix_web::middleware::from_fn;
    use actix_web::test::{call_service, init_service, TestRequest};
    use actix_web::{web, App, HttpResponse};

    #[actix_web::test]
    async fn hooks_answer_loopback_peers_only() {
        let app = init_service(
            App::new().service(
                web::scope("/_emulator")
                    .wrap(from_fn(loopback_only))
                    .route("/counters", web::get().to(HttpResponse::Ok)),
            ),
        )
        .await;
        for (peer, expected) in [
            ("127.0.0.1:5000", 200),
            ("[::1]:5000", 200),
            ("203.0.113.7:5000", 403),
            ("[2001:db8::1]:5000", 403),
        ] {
            let request = TestRequest::get()
                .uri("/_emulator/counters")
                .peer_addr(peer.parse().expect("socket address"))
                .to_request();
            assert_eq!(
                call_service(&app, request).await.status(),
                expected,
                "{peer}"
            );
        }
    }

    #[test]
    fn host_names_lose_their_port_only() {
        assert_eq!(host_name("localhost:9229"), "localhost");
        assert_eq!(host_name("localhost"), "localhost");
        assert_eq!(host_name("[::1]:9229"), "[::1]");
        assert_eq!(host_name("127.0.0.1:80"), "127.0.0.1");
        assert_eq!(host_name("evil.example:abc"), "evil.example:abc");
    }
}
