//! `GET /user`: the caller, from the access token plus Cognito's userInfo.

use crate::auth::cognito::{IdpClient, IdpError};
use crate::auth::{AuthState, AuthenticatedUser};
use crate::error::ApiError;
use actix_web::web::{Data, Json};
use secrecy::ExposeSecret;
use shared::dto::UserProfile;
use shared::ErrorBody;

#[utoipa::path(get, path = "/user", tag = "user", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = UserProfile),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(sub = %user.claims.sub))]
pub async fn profile(
    user: AuthenticatedUser,
    auth: Data<AuthState>,
    idp: Data<IdpClient>,
) -> Result<Json<UserProfile>, ApiError> {
    let token = user.access_token.expose_secret();
    let email = match auth.user_info(token, &idp).await {
        Ok(info) => info.email.clone(),
        Err(e) => match &*e {
            // Cognito counts expiry without our clock-skew leeway.
            IdpError::Refused { status: 401, .. }
                if user.claims.exp <= auth.clock().unix_secs() =>
            {
                return Err(ApiError::TokenExpired)
            }
            // Revoked at sign-out: a local JWT check cannot know, userInfo does.
            IdpError::Refused { status: 401, .. } => {
                return Err(ApiError::InvalidToken(
                    "Cognito has revoked this access token".into(),
                ))
            }
            // The token lacks the `openid` scope: no userInfo, no email.
            IdpError::Refused { status: 403, .. } => None,
            IdpError::Refused { .. } => return Err(ApiError::Internal(e.to_string())),
            IdpError::Unavailable(detail) => return Err(ApiError::IdpUnavailable(detail.clone())),
        },
    };
    let claims = &user.claims;
    Ok(Json(UserProfile {
        sub: claims.sub.clone(),
        username: claims.username.clone(),
        email,
        groups: claims.groups.clone(),
        client_id: claims.client_id.clone(),
        scopes: claims.scopes(),
        expires_at: claims.exp,
    }))
}
