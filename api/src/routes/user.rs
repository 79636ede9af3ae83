//! `GET /user`: the caller, from the access token plus Cognito's userInfo.

use crate::auth::{AuthenticatedUser, CognitoAuth};
use crate::error::ApiError;
use actix_web::web::{Data, Json};
use shared::dto::UserProfile;
use shared::ErrorBody;

#[utoipa::path(get, path = "/user", tag = "user", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = UserProfile),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(sub = %user.claims.sub))]
pub(crate) async fn profile(
    user: AuthenticatedUser,
    auth: Data<CognitoAuth>,
) -> Result<Json<UserProfile>, ApiError> {
    let email = auth
        .user_info(&user)
        .await?
        .and_then(|info| info.email.clone());
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
