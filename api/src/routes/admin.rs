//! `/admin/users`: user administration for members of the `admin` group,
//! through the AWS SDK. An admin may not disable, delete or demote
//! themselves; every change leaves an audit line (who, what, which user).

use crate::admin::{Directory, DirectoryError};
use crate::auth::{AdminUser as Admin, CognitoAuth, ADMIN_GROUP};
use crate::error::ApiError;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::HttpResponse;
use serde::Deserialize;
use shared::admin::{AdminUser, AdminUserPage, InviteRequest};
use shared::ErrorBody;

impl From<DirectoryError> for ApiError {
    fn from(e: DirectoryError) -> Self {
        match e {
            DirectoryError::UserNotFound => Self::NotFound("no such user".into()),
            DirectoryError::GroupNotFound => Self::NotFound("no such group".into()),
            DirectoryError::UserExists => {
                Self::Conflict("a user with that email already exists".into())
            }
            DirectoryError::Invalid(message) => Self::BadRequest(message),
            DirectoryError::Unavailable(detail) => Self::IdpUnavailable(detail),
            DirectoryError::Refused(detail) => Self::Internal(format!(
                "Cognito refused an admin call ({detail}); check the API's IAM permissions"
            )),
        }
    }
}

/// One audit line per change: who did what to whom. No secrets.
fn audit(admin: &Admin, action: &str, username: &str) {
    tracing::info!(target: "audit", admin = %admin.0.claims.username, action, user = %username, "user administration");
}

/// After Cognito ended a user's sessions: every API instance refuses the
/// access tokens they still hold, from their next request on.
async fn refuse_their_tokens(auth: &CognitoAuth, sub: Option<&str>) -> Result<(), ApiError> {
    let Some(sub) = sub else {
        return Ok(());
    };
    auth.sign_out_everywhere(sub).await.map_err(|e| {
        ApiError::Internal(format!(
            "Cognito ended the sessions, but the API could not record it: {e}"
        ))
    })
}

/// The acting admin may not do this to themselves.
fn not_to_yourself(admin: &Admin, username: &str, what: &str) -> Result<(), ApiError> {
    if admin.0.claims.username.eq_ignore_ascii_case(username) {
        return Err(ApiError::Conflict(format!("you cannot {what} yourself")));
    }
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// Only users whose email starts with this.
    search: Option<String>,
    /// `nextPage` of the previous page.
    page: Option<String>,
}

#[utoipa::path(get, path = "/admin/users", tag = "admin", params(ListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of users", body = AdminUserPage),
        (status = 400, description = "An unknown query parameter, a search Cognito cannot filter by, or a page token that is not one (bad_request)", body = ErrorBody),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list(
    _admin: Admin,
    directory: Data<Directory>,
    query: Query<ListQuery>,
) -> Result<Json<AdminUserPage>, ApiError> {
    let query = query.into_inner();
    Ok(Json(
        directory.list(query.search.as_deref(), query.page).await?,
    ))
}

#[utoipa::path(get, path = "/admin/users/{username}", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path, description = "The user's username")),
    responses(
        (status = 200, description = "The user with their groups", body = AdminUser),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn get(
    _admin: Admin,
    directory: Data<Directory>,
    username: Path<String>,
) -> Result<Json<AdminUser>, ApiError> {
    Ok(Json(directory.get(&username).await?))
}

#[utoipa::path(post, path = "/admin/users", tag = "admin", request_body = InviteRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Invited: Cognito emails a temporary password", body = AdminUser,
            headers(("Location" = String, description = "/admin/users/{username}"))),
        (status = 400, description = "Not an email address (validation_failed)", body = ErrorBody),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 409, description = "A user with that email exists", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn invite(
    admin: Admin,
    directory: Data<Directory>,
    body: Json<InviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = body.email.trim().to_lowercase();
    if let Some(problem) = shared::rules::email_problem(&email) {
        return Err(ApiError::field("email", problem));
    }
    let user = directory.invite(&email).await.map_err(|e| match e {
        DirectoryError::Invalid(message) => ApiError::field("email", message),
        other => other.into(),
    })?;
    audit(&admin, "invite", &user.summary.username);
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/admin/users/{}", user.summary.username),
        ))
        .json(user))
}

#[utoipa::path(put, path = "/admin/users/{username}/groups/{group}", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path), ("group" = String, Path)),
    responses(
        (status = 204, description = "Added to the group"),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such user or group", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn add_to_group(
    admin: Admin,
    directory: Data<Directory>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (username, group) = path.into_inner();
    directory.set_membership(&username, &group, true).await?;
    audit(&admin, &format!("add to group {group}"), &username);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/admin/users/{username}/groups/{group}", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path), ("group" = String, Path)),
    responses(
        (status = 204, description = "Removed from the group"),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such user or group", body = ErrorBody),
        (status = 409, description = "An admin cannot leave the admin group themselves", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn remove_from_group(
    admin: Admin,
    directory: Data<Directory>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (username, group) = path.into_inner();
    if group == ADMIN_GROUP {
        not_to_yourself(&admin, &username, "remove from the admin group")?;
    }
    directory.set_membership(&username, &group, false).await?;
    audit(&admin, &format!("remove from group {group}"), &username);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/admin/users/{username}/disable", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path)),
    responses(
        (status = 204, description = "Disabled: the user's refresh tokens stop working"),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "An admin cannot disable themselves", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn disable(
    admin: Admin,
    directory: Data<Directory>,
    auth: Data<CognitoAuth>,
    username: Path<String>,
) -> Result<HttpResponse, ApiError> {
    not_to_yourself(&admin, &username, "disable")?;
    let sub = directory.get(&username).await?.sub;
    directory.set_enabled(&username, false).await?;
    refuse_their_tokens(&auth, sub.as_deref()).await?;
    audit(&admin, "disable", &username);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/admin/users/{username}/enable", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path)),
    responses(
        (status = 204, description = "Enabled"),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn enable(
    admin: Admin,
    directory: Data<Directory>,
    username: Path<String>,
) -> Result<HttpResponse, ApiError> {
    directory.set_enabled(&username, true).await?;
    audit(&admin, "enable", &username);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/admin/users/{username}/signout", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path)),
    responses(
        (status = 204, description = "Signed out everywhere: every refresh token revoked, and every API instance refuses the user's access tokens"),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn sign_out_everywhere(
    admin: Admin,
    directory: Data<Directory>,
    auth: Data<CognitoAuth>,
    username: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sub = directory.get(&username).await?.sub;
    directory.sign_out_everywhere(&username).await?;
    refuse_their_tokens(&auth, sub.as_deref()).await?;
    audit(&admin, "sign out everywhere", &username);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/admin/users/{username}", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "An admin cannot delete themselves", body = ErrorBody),
        (status = 503, description = "Cognito unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn delete(
    admin: Admin,
    directory: Data<Directory>,
    auth: Data<CognitoAuth>,
    username: Path<String>,
) -> Result<HttpResponse, ApiError> {
    not_to_yourself(&admin, &username, "delete")?;
    let sub = directory.get(&username).await?.sub;
    directory.delete(&username).await?;
    refuse_their_tokens(&auth, sub.as_deref()).await?;
    audit(&admin, "delete", &username);
    Ok(HttpResponse::NoContent().finish())
}
