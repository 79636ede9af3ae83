//! Groups: created, listed and deleted, with their members; a user's groups
//! appear in the `cognito:groups` claim of the tokens issued after the change.

use super::directory::{page, UserRecord};
use super::error::PoolError;
use super::model::Group;
use super::UserPool;

fn group_not_found() -> PoolError {
    PoolError::ResourceNotFound("Group not found.".into())
}

/// What `CreateGroup` takes.
pub(crate) struct NewGroup {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) precedence: Option<u64>,
    pub(crate) role_arn: Option<String>,
}

impl UserPool {
    /// `CreateGroup`.
    pub(crate) fn create_group(&self, new: NewGroup) -> Result<Group, PoolError> {
        let name = new.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 128 {
            return Err(PoolError::InvalidParameter(
                "GroupName must be 1 to 128 characters".into(),
            ));
        }
        self.write(|state, now| {
            if state.groups.contains_key(&name) {
                return Err(PoolError::GroupExists);
            }
            let group = Group {
                description: new.description,
                precedence: new.precedence,
                role_arn: new.role_arn,
                ..Group::named(&name, now)
            };
            state.groups.insert(name, group.clone());
            Ok(group)
        })
    }

    /// `GetGroup`.
    pub(crate) fn group(&self, name: &str) -> Result<Group, PoolError> {
        self.read(|state, _| state.groups.get(name).cloned())
            .ok_or_else(group_not_found)
    }

    /// `ListGroups`, a page at a time.
    pub(crate) fn list_groups(
        &self,
        limit: usize,
        token: Option<&str>,
    ) -> (Vec<Group>, Option<String>) {
        self.read(|state, _| {
            let all: Vec<(String, Group)> = state
                .groups
                .iter()
                .map(|(k, g)| (k.clone(), g.clone()))
                .collect();
            page(&all, limit, token)
        })
    }

    /// `DeleteGroup`: its members leave it.
    pub(crate) fn delete_group(&self, name: &str) -> Result<(), PoolError> {
        self.write(|state, _| {
            state.groups.remove(name).ok_or_else(group_not_found)?;
            for user in state.users.values_mut() {
                user.groups.retain(|g| g != name);
            }
            Ok(())
        })
    }

    /// `ListUsersInGroup`, a page at a time.
    pub(crate) fn list_users_in_group(
        &self,
        name: &str,
        limit: usize,
        token: Option<&str>,
    ) -> Result<(Vec<UserRecord>, Option<String>), PoolError> {
        self.read(|state, _| {
            if !state.groups.contains_key(name) {
                return Err(group_not_found());
            }
            let members: Vec<(String, UserRecord)> = state
                .users
                .iter()
                .filter(|(_, u)| u.groups.iter().any(|g| g == name))
                .map(|(k, u)| (k.clone(), UserRecord::from(u)))
                .collect();
            Ok(page(&members, limit, token))
        })
    }

    /// `AdminAddUserToGroup` (`true`) / `AdminRemoveUserFromGroup` (`false`).
    pub(crate) fn set_membership(
        &self,
        username: &str,
        group: &str,
        member: bool,
    ) -> Result<(), PoolError> {
        self.write(|state, now| {
            if !state.groups.contains_key(group) {
                return Err(group_not_found());
            }
            let user = state.user_mut(username).ok_or(PoolError::UserNotFound)?;
            let present = user.groups.iter().any(|g| g == group);
            if member && !present {
                user.groups.push(group.to_owned());
            } else if !member {
                user.groups.retain(|g| g != group);
            }
            user.modified_at = now;
            Ok(())
        })
    }

    /// `AdminListGroupsForUser`, a page at a time.
    pub(crate) fn groups_for_user(
        &self,
        username: &str,
        limit: usize,
        token: Option<&str>,
    ) -> Result<(Vec<Group>, Option<String>), PoolError> {
        self.read(|state, _| {
            let user = state.user(username).ok_or(PoolError::UserNotFound)?;
            let mut groups: Vec<(String, Group)> = user
                .groups
                .iter()
                .filter_map(|g| state.groups.get(g).map(|group| (g.clone(), group.clone())))
                .collect();
            groups.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(page(&groups, limit, token))
        })
    }
}
