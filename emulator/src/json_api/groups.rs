//! `CreateGroup`, `GetGroup`, `ListGroups`, `DeleteGroup`, `ListUsersInGroup`,
//! `AdminAddUserToGroup`, `AdminRemoveUserFromGroup`, `AdminListGroupsForUser`.

use super::shapes::{Empty, GroupType, UserType};
use super::users::page_size;
use super::{ApiError, Ctx};
use crate::pool::{NewGroup, MAX_PAGE};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateGroup {
    user_pool_id: String,
    group_name: String,
    description: Option<String>,
    precedence: Option<u64>,
    role_arn: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupAnswer {
    group: GroupType,
}

pub(crate) fn create_group(ctx: &Ctx, input: CreateGroup) -> Result<GroupAnswer, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let group = pool.create_group(NewGroup {
        name: input.group_name,
        description: input.description,
        precedence: input.precedence,
        role_arn: input.role_arn,
    })?;
    Ok(GroupAnswer {
        group: GroupType::of(&group, pool.id()),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupRef {
    user_pool_id: String,
    group_name: String,
}

pub(crate) fn get_group(ctx: &Ctx, input: GroupRef) -> Result<GroupAnswer, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let group = pool.group(&input.group_name)?;
    Ok(GroupAnswer {
        group: GroupType::of(&group, pool.id()),
    })
}

pub(crate) fn delete_group(ctx: &Ctx, input: GroupRef) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .delete_group(&input.group_name)?;
    Ok(Empty::default())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListGroups {
    user_pool_id: String,
    limit: Option<usize>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupList {
    groups: Vec<GroupType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn list_groups(ctx: &Ctx, input: ListGroups) -> Result<GroupList, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let (groups, next_token) = pool.list_groups(
        page_size(input.limit, MAX_PAGE)?,
        input.next_token.as_deref(),
    );
    Ok(GroupList {
        groups: groups.iter().map(|g| GroupType::of(g, pool.id())).collect(),
        next_token,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListUsersInGroup {
    user_pool_id: String,
    group_name: String,
    limit: Option<usize>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MemberList {
    users: Vec<UserType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn list_users_in_group(
    ctx: &Ctx,
    input: ListUsersInGroup,
) -> Result<MemberList, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let (users, next_token) = pool.list_users_in_group(
        &input.group_name,
        page_size(input.limit, MAX_PAGE)?,
        input.next_token.as_deref(),
    )?;
    Ok(MemberList {
        users: users.iter().map(UserType::from).collect(),
        next_token,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Membership {
    user_pool_id: String,
    username: String,
    group_name: String,
}

pub(crate) fn admin_add_user_to_group(ctx: &Ctx, input: Membership) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .set_membership(&input.username, &input.group_name, true)?;
    Ok(Empty::default())
}

pub(crate) fn admin_remove_user_from_group(
    ctx: &Ctx,
    input: Membership,
) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .set_membership(&input.username, &input.group_name, false)?;
    Ok(Empty::default())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupsForUser {
    user_pool_id: String,
    username: String,
    limit: Option<usize>,
    next_token: Option<String>,
}

pub(crate) fn admin_list_groups_for_user(
    ctx: &Ctx,
    input: GroupsForUser,
) -> Result<GroupList, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let (groups, next_token) = pool.groups_for_user(
        &input.username,
        page_size(input.limit, MAX_PAGE)?,
        input.next_token.as_deref(),
    )?;
    Ok(GroupList {
        groups: groups.iter().map(|g| GroupType::of(g, pool.id())).collect(),
        next_token,
    })
}
