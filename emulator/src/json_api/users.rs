//! The admin user actions: `AdminCreateUser`, `AdminGetUser`,
//! `AdminSetUserPassword`, `AdminUpdateUserAttributes`, `AdminDeleteUser`,
//! `AdminDisableUser`, `AdminEnableUser`, `AdminConfirmSignUp`,
//! `AdminResetUserPassword`, `AdminUserGlobalSignOut`, `ListUsers`.

use super::shapes::{pairs, AdminUser, Attribute, Empty, UserType};
use super::{ApiError, Ctx};
use crate::pool::{AdminCreate, Filter, MAX_PAGE};
use serde::{Deserialize, Serialize};

/// A page size: 1 to `max`, `max` when absent.
pub(crate) fn page_size(given: Option<usize>, max: usize) -> Result<usize, ApiError> {
    match given {
        None | Some(0) => Ok(max),
        Some(n) if n <= max => Ok(n),
        Some(_) => Err(ApiError::invalid_parameter(format!(
            "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to {max}"
        ))),
    }
}

/// `UserPoolId` + `Username`: most admin actions take just these.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserRef {
    user_pool_id: String,
    username: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AdminCreateUser {
    user_pool_id: String,
    username: String,
    #[serde(default)]
    user_attributes: Vec<Attribute>,
    temporary_password: Option<String>,
    message_action: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserAnswer {
    user: UserType,
}

pub(crate) fn admin_create_user(ctx: &Ctx, input: AdminCreateUser) -> Result<UserAnswer, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let (suppress, resend) = match input.message_action.as_deref() {
        None => (false, false),
        Some("SUPPRESS") => (true, false),
        Some("RESEND") => (false, true),
        Some(other) => {
            return Err(ApiError::invalid_parameter(format!(
                "Invalid MessageAction: {other}"
            )))
        }
    };
    let (record, _) = pool.admin_create_user(AdminCreate {
        username: input.username,
        attributes: pairs(&input.user_attributes),
        temporary_password: input.temporary_password,
        suppress,
        resend,
    })?;
    tracing::info!(pool_id = %pool.id(), username = %record.username, "user created by an admin");
    Ok(UserAnswer {
        user: UserType::from(&record),
    })
}

pub(crate) fn admin_get_user(ctx: &Ctx, input: UserRef) -> Result<AdminUser, ApiError> {
    let record = ctx
        .pool(&input.user_pool_id)?
        .admin_get_user(&input.username)?;
    Ok(AdminUser::from(&record))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AdminSetUserPassword {
    user_pool_id: String,
    username: String,
    password: String,
    #[serde(default)]
    permanent: bool,
}

pub(crate) fn admin_set_user_password(
    ctx: &Ctx,
    input: AdminSetUserPassword,
) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?.admin_set_password(
        &input.username,
        &input.password,
        input.permanent,
    )?;
    Ok(Empty::default())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AdminUpdateUserAttributes {
    user_pool_id: String,
    username: String,
    user_attributes: Vec<Attribute>,
}

pub(crate) fn admin_update_user_attributes(
    ctx: &Ctx,
    input: AdminUpdateUserAttributes,
) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .update_attributes(&input.username, &pairs(&input.user_attributes))?;
    Ok(Empty::default())
}

pub(crate) fn admin_delete_user(ctx: &Ctx, input: UserRef) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .delete_user(&input.username)?;
    Ok(Empty::default())
}

pub(crate) fn admin_disable_user(ctx: &Ctx, input: UserRef) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .set_enabled(&input.username, false)?;
    Ok(Empty::default())
}

pub(crate) fn admin_enable_user(ctx: &Ctx, input: UserRef) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .set_enabled(&input.username, true)?;
    Ok(Empty::default())
}

pub(crate) fn admin_confirm_sign_up(ctx: &Ctx, input: UserRef) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .admin_confirm_sign_up(&input.username)?;
    Ok(Empty::default())
}

pub(crate) fn admin_reset_user_password(ctx: &Ctx, input: UserRef) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .admin_reset_password(&input.username)?;
    Ok(Empty::default())
}

pub(crate) fn admin_user_global_sign_out(ctx: &Ctx, input: UserRef) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .global_sign_out(&input.username)?;
    Ok(Empty::default())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListUsers {
    user_pool_id: String,
    filter: Option<String>,
    limit: Option<usize>,
    pagination_token: Option<String>,
    attributes_to_get: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserList {
    users: Vec<UserType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination_token: Option<String>,
}

pub(crate) fn list_users(ctx: &Ctx, input: ListUsers) -> Result<UserList, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let limit = page_size(input.limit, MAX_PAGE)?;
    let filter = input
        .filter
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(Filter::parse)
        .transpose()?;
    let (mut users, pagination_token) =
        pool.list_users(filter.as_ref(), limit, input.pagination_token.as_deref());
    if let Some(wanted) = &input.attributes_to_get {
        for user in &mut users {
            user.attributes.retain(|(name, _)| wanted.contains(name));
        }
    }
    Ok(UserList {
        users: users.iter().map(UserType::from).collect(),
        pagination_token,
    })
}
