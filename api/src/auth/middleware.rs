//! The middleware [`CognitoAuth`] makes: validates the bearer token, refreshes
//! it server-side when it has expired and a refresh token came with it, and
//! puts the new tokens in the response headers, error responses included.

use super::error::AuthError;
use super::refresh::Refreshed;
use super::tokens::{AccessToken, RefreshToken};
use super::validate::{AccessClaims, Freshness};
use super::{CognitoAuth, ADMIN_GROUP};
use crate::error::ApiError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CACHE_CONTROL};
use actix_web::{FromRequest, HttpMessage, HttpRequest, ResponseError};
use futures_util::future::LocalBoxFuture;
use shared::headers;
use std::future::{ready, Ready};
use std::rc::Rc;
use std::sync::Arc;

/// The caller, as the middleware established it.
#[derive(Clone)]
pub struct AuthenticatedUser {
    pub claims: Arc<AccessClaims>,
    /// The access token the request ran with (the refreshed one after a refresh).
    pub access_token: AccessToken,
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
            req.extensions()
                .get::<Self>()
                .cloned()
                .ok_or_else(|| ApiError::Internal("route is not wrapped in CognitoAuth".into())),
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

impl<S, B> Transform<S, ServiceRequest> for CognitoAuth
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = CognitoAuthMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CognitoAuthMiddleware {
            service: Rc::new(service),
            auth: self.clone(),
        }))
    }
}

/// A service wrapped in [`CognitoAuth`].
pub struct CognitoAuthMiddleware<S> {
    service: Rc<S>,
    auth: CognitoAuth,
}

impl<S, B> Service<ServiceRequest> for CognitoAuthMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        let auth = self.auth.clone();
        Box::pin(async move {
            match establish(&auth, &req).await {
                Ok((user, refreshed)) => {
                    req.extensions_mut().insert(user);
                    let mut response = service.call(req).await?;
                    if let Some(refreshed) = refreshed {
                        set_token_headers(response.headers_mut(), &refreshed);
                    }
                    Ok(response.map_into_left_body())
                }
                Err(error) => Ok(req
                    .into_response(ApiError::from(error).error_response())
                    .map_into_right_body()),
            }
        })
    }
}

type Established = (AuthenticatedUser, Option<Arc<Refreshed>>);

async fn establish(auth: &CognitoAuth, req: &ServiceRequest) -> Result<Established, AuthError> {
    let token = bearer_token(req)?;
    let refresh_token = header_value(req, headers::REFRESH_TOKEN)
        .map(|value| RefreshToken::parse("x-refresh-token", value))
        .transpose()
        .map_err(|_| AuthError::InvalidToken("x-refresh-token is longer than 8 KiB"))?;
    let claims = auth.validate(&token).await?;
    match (auth.freshness(&claims), refresh_token) {
        (Freshness::Fresh, _) | (Freshness::Due, None) => Ok((user(claims, token), None)),
        // Past `exp` but inside the clock-skew leeway: renew now when we can;
        // if Cognito is down, the token still serves until the leeway ends.
        (Freshness::Due, Some(refresh_token)) => match renew(auth, &refresh_token, &claims).await {
            Err(AuthError::IdpUnavailable(_)) => Ok((user(claims, token), None)),
            renewed => renewed,
        },
        (Freshness::Expired, None) => Err(AuthError::TokenExpired),
        (Freshness::Expired, Some(refresh_token)) => {
            auth.admit(req.request())?;
            renew(auth, &refresh_token, &claims).await
        }
    }
}

/// Refreshes an expired token of `old`'s user with the request's refresh token.
async fn renew(
    auth: &CognitoAuth,
    refresh_token: &RefreshToken,
    old: &AccessClaims,
) -> Result<Established, AuthError> {
    let refreshed = auth.refresh(refresh_token, Some(&old.sub)).await?;
    tracing::info!(sub = %old.sub, "access token refreshed server-side");
    let user = user(
        refreshed.claims.clone(),
        refreshed.tokens.access_token.clone(),
    );
    Ok((user, Some(refreshed)))
}

fn user(claims: Arc<AccessClaims>, access_token: AccessToken) -> AuthenticatedUser {
    AuthenticatedUser {
        claims,
        access_token,
    }
}

fn header_value<'a>(req: &'a ServiceRequest, name: &str) -> Option<&'a str> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn bearer_token(req: &ServiceRequest) -> Result<AccessToken, AuthError> {
    let value = header_value(req, AUTHORIZATION.as_str())
        .ok_or(AuthError::InvalidToken("no bearer token in Authorization"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            AccessToken::parse(token)
        }
        _ => Err(AuthError::InvalidToken(
            "Authorization must be `Bearer <access token>`",
        )),
    }
}

/// `x-access-token`, `x-id-token`, and `x-refresh-token` when Cognito rotated it.
fn set_token_headers(map: &mut HeaderMap, refreshed: &Refreshed) {
    let tokens = &refreshed.tokens;
    // RFC 6749 §5.1: responses that carry tokens are not to be cached.
    map.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(HeaderName::from_static(name), value);
        }
    };
    set(headers::ACCESS_TOKEN, tokens.access_token.expose());
    if let Some(id_token) = &tokens.id_token {
        set(headers::ID_TOKEN, id_token.expose());
    }
    if let (true, Some(rotated)) = (refreshed.rotated, &tokens.refresh_token) {
        set(headers::REFRESH_TOKEN, rotated.expose());
    }
}
