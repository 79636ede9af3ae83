//! The authentication middleware: validates the bearer token, refreshes it
//! server-side when it has only expired and a refresh token came with it, and
//! puts the new tokens in the response headers, error responses included.

use super::cognito::IdpClient;
use super::refresh::Refreshed;
use super::validate::{AccessClaims, TokenError, MAX_TOKEN_BYTES};
use super::{AuthState, ADMIN_GROUP};
use crate::error::ApiError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, ResponseError};
use secrecy::SecretString;
use shared::headers;
use std::future::{ready, Ready};
use std::sync::Arc;

/// The caller, as the middleware established it.
#[derive(Clone)]
pub struct AuthenticatedUser {
    pub claims: Arc<AccessClaims>,
    /// The access token the request ran with (the refreshed one after a refresh).
    pub access_token: Arc<SecretString>,
}

impl std::fmt::Debug for AuthenticatedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthenticatedUser")
            .field("sub", &self.claims.sub)
            .finish_non_exhaustive()
    }
}

impl FromRequest for AuthenticatedUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions().get::<Self>().cloned().ok_or_else(|| {
                ApiError::Internal("route lacks the authentication middleware".into())
            }),
        )
    }
}

/// A caller in the `admin` group.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthenticatedUser);

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        ready(
            AuthenticatedUser::from_request(req, payload)
                .into_inner()
                .and_then(|user| {
                    if user.claims.in_group(ADMIN_GROUP) {
                        Ok(Self(user))
                    } else {
                        Err(ApiError::Forbidden(format!(
                            "only members of the {ADMIN_GROUP} group may do this"
                        )))
                    }
                }),
        )
    }
}

/// `wrap(from_fn(authenticate))` on every protected resource.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match establish(&req).await {
        Ok((user, refreshed)) => {
            req.extensions_mut().insert(user);
            let mut response = next.call(req).await?;
            if let Some(refreshed) = refreshed {
                set_token_headers(response.headers_mut(), &refreshed);
            }
            Ok(response.map_into_left_body())
        }
        Err(error) => Ok(req
            .into_response(error.error_response())
            .map_into_right_body()),
    }
}

async fn establish(
    req: &ServiceRequest,
) -> Result<(AuthenticatedUser, Option<Arc<Refreshed>>), ApiError> {
    let (Some(auth), Some(idp)) = (
        req.app_data::<web::Data<AuthState>>(),
        req.app_data::<web::Data<IdpClient>>(),
    ) else {
        return Err(ApiError::Internal(
            "authentication state is not configured".into(),
        ));
    };
    let token = bearer_token(req)?;
    let refresh_token = header_value(req, headers::REFRESH_TOKEN);
    if refresh_token.is_some_and(|t| t.len() > MAX_TOKEN_BYTES) {
        return Err(ApiError::InvalidToken(
            "x-refresh-token is longer than 8 KiB".into(),
        ));
    }
    match auth.validate(token, idp).await {
        // Past `exp` but inside the clock-skew leeway: renew now when we can;
        // if Cognito is down, the token still serves until the leeway ends.
        Ok(claims) if auth.validator.is_past_exp(&claims) && refresh_token.is_some() => {
            match renew(auth, idp, refresh_token, &claims).await {
                Ok(renewed) => Ok(renewed),
                Err(ApiError::IdpUnavailable(_)) => Ok((user(claims, token), None)),
                Err(other) => Err(other),
            }
        }
        Ok(claims) => Ok((user(claims, token), None)),
        Err(TokenError::Expired(expired)) => {
            if refresh_token.is_some() {
                admit(auth, req.request())?;
            }
            renew(auth, idp, refresh_token, &expired).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Counts an unauthenticated call that may reach Cognito against the caller's address.
pub fn admit(auth: &AuthState, req: &actix_web::HttpRequest) -> Result<(), ApiError> {
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    auth.limiter
        .admit(auth.limiter.client_address(req.peer_addr(), forwarded))
}

/// Refreshes an expired token of `old`'s user with the request's refresh token.
async fn renew(
    auth: &AuthState,
    idp: &IdpClient,
    refresh_token: Option<&str>,
    old: &AccessClaims,
) -> Result<(AuthenticatedUser, Option<Arc<Refreshed>>), ApiError> {
    let refresh_token = refresh_token.ok_or(ApiError::TokenExpired)?;
    let refreshed = auth.refresh(refresh_token, idp, Some(&old.sub)).await?;
    tracing::info!(sub = %old.sub, "access token refreshed server-side");
    let user = user(refreshed.claims.clone(), &refreshed.tokens.access_token);
    Ok((user, Some(refreshed)))
}

fn user(claims: Arc<AccessClaims>, token: &str) -> AuthenticatedUser {
    AuthenticatedUser {
        claims,
        access_token: Arc::new(SecretString::from(token)),
    }
}

fn header_value<'a>(req: &'a ServiceRequest, name: &str) -> Option<&'a str> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn bearer_token(req: &ServiceRequest) -> Result<&str, ApiError> {
    let value = header_value(req, AUTHORIZATION.as_str())
        .ok_or_else(|| ApiError::InvalidToken("no bearer token in Authorization".into()))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::InvalidToken(
            "Authorization must be `Bearer <access token>`".into(),
        )),
    }
}

/// `x-access-token`, `x-id-token`, and `x-refresh-token` when Cognito rotated it.
pub fn set_token_headers(map: &mut HeaderMap, refreshed: &Refreshed) {
    let tokens = &refreshed.tokens;
    // RFC 6749 §5.1: responses that carry tokens are not to be cached.
    map.insert(
        actix_web::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(HeaderName::from_static(name), value);
        }
    };
    set(headers::ACCESS_TOKEN, &tokens.access_token);
    if let Some(id_token) = &tokens.id_token {
        set(headers::ID_TOKEN, id_token);
    }
    if let (true, Some(rotated)) = (refreshed.rotated, &tokens.refresh_token) {
        set(headers::REFRESH_TOKEN, rotated);
    }
}
