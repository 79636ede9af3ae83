//! `CreateUserPool`, `DescribeUserPool`, `ListUserPools`, `DeleteUserPool`.

use super::shapes::Empty;
use super::{ApiError, Ctx};
use crate::pool::{PasswordPolicy, PoolSettings, UserPool};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PoolId {
    user_pool_id: String,
}

/// `PasswordPolicyType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PasswordPolicyType {
    #[serde(default = "eight")]
    minimum_length: usize,
    #[serde(default)]
    require_uppercase: bool,
    #[serde(default)]
    require_lowercase: bool,
    #[serde(default)]
    require_numbers: bool,
    #[serde(default)]
    require_symbols: bool,
    #[serde(default = "seven")]
    temporary_password_validity_days: u64,
}

fn eight() -> usize {
    8
}
fn seven() -> u64 {
    7
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Policies {
    password_policy: PasswordPolicyType,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateUserPool {
    pool_name: String,
    policies: Option<Policies>,
    #[serde(default)]
    username_attributes: Vec<String>,
    #[serde(default)]
    auto_verified_attributes: Vec<String>,
    deletion_protection: Option<String>,
}

/// `UserPoolType`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PoolType {
    id: String,
    name: String,
    arn: String,
    creation_date: f64,
    last_modified_date: f64,
    policies: Policies,
    username_attributes: Vec<String>,
    auto_verified_attributes: Vec<String>,
    estimated_number_of_users: usize,
    mfa_configuration: &'static str,
    deletion_protection: &'static str,
}

impl PoolType {
    fn of(pool: &Arc<UserPool>) -> Self {
        let settings = pool.settings();
        let p = &settings.password_policy;
        Self {
            id: pool.id().to_owned(),
            name: settings.name.clone(),
            arn: format!(
                "arn:aws:cognito-idp:{}:000000000000:userpool/{}",
                pool.region(),
                pool.id()
            ),
            creation_date: settings.created_at as f64,
            last_modified_date: settings.modified_at as f64,
            policies: Policies {
                password_policy: PasswordPolicyType {
                    minimum_length: p.minimum_length,
                    require_uppercase: p.require_uppercase,
                    require_lowercase: p.require_lowercase,
                    require_numbers: p.require_numbers,
                    require_symbols: p.require_symbols,
                    temporary_password_validity_days: p.temporary_password_validity_days,
                },
            },
            username_attributes: settings.username_attributes.clone(),
            auto_verified_attributes: settings.auto_verified_attributes.clone(),
            estimated_number_of_users: pool.user_count(),
            mfa_configuration: "OFF",
            deletion_protection: if settings.deletion_protection {
                "ACTIVE"
            } else {
                "INACTIVE"
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PoolAnswer {
    user_pool: PoolType,
}

pub(crate) fn create_user_pool(ctx: &Ctx, input: CreateUserPool) -> Result<PoolAnswer, ApiError> {
    let name = input.pool_name.trim();
    if name.is_empty() || name.chars().count() > 128 {
        return Err(ApiError::invalid_parameter(
            "PoolName must be 1 to 128 characters",
        ));
    }
    let policy = input.policies.map_or_else(PasswordPolicy::default, |p| {
        let p = p.password_policy;
        PasswordPolicy {
            minimum_length: p.minimum_length,
            require_uppercase: p.require_uppercase,
            require_lowercase: p.require_lowercase,
            require_numbers: p.require_numbers,
            require_symbols: p.require_symbols,
            temporary_password_validity_days: p.temporary_password_validity_days,
        }
    });
    if !(6..=99).contains(&policy.minimum_length) {
        return Err(ApiError::invalid_parameter(
            "MinimumLength must be between 6 and 99",
        ));
    }
    let now = ctx.emulator.clock.now();
    let pool = ctx
        .emulator
        .create_pool(PoolSettings {
            name: name.to_owned(),
            created_at: now,
            modified_at: now,
            password_policy: policy,
            username_attributes: input.username_attributes,
            auto_verified_attributes: input.auto_verified_attributes,
            deletion_protection: input.deletion_protection.as_deref() == Some("ACTIVE"),
        })
        .map_err(|e| ApiError::internal(e.to_string()))?;
    tracing::info!(pool_id = %pool.id(), name, "user pool created");
    Ok(PoolAnswer {
        user_pool: PoolType::of(&pool),
    })
}

pub(crate) fn describe_user_pool(ctx: &Ctx, input: PoolId) -> Result<PoolAnswer, ApiError> {
    Ok(PoolAnswer {
        user_pool: PoolType::of(&ctx.pool(&input.user_pool_id)?),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListUserPools {
    max_results: u32,
    next_token: Option<String>,
}

/// `UserPoolDescriptionType`.
#[derive(Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PoolDescription {
    id: String,
    name: String,
    creation_date: f64,
    last_modified_date: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PoolList {
    user_pools: Vec<PoolDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn list_user_pools(ctx: &Ctx, input: ListUserPools) -> Result<PoolList, ApiError> {
    if !(1..=60).contains(&input.max_results) {
        return Err(ApiError::invalid_parameter(
            "MaxResults must be between 1 and 60",
        ));
    }
    let all: Vec<(String, PoolDescription)> = ctx
        .emulator
        .pools()
        .iter()
        .map(|pool| {
            let settings = pool.settings();
            (
                pool.id().to_owned(),
                PoolDescription {
                    id: pool.id().to_owned(),
                    name: settings.name,
                    creation_date: settings.created_at as f64,
                    last_modified_date: settings.modified_at as f64,
                },
            )
        })
        .collect();
    let (user_pools, next_token) = crate::pool::page(
        &all,
        input.max_results as usize,
        input.next_token.as_deref(),
    );
    Ok(PoolList {
        user_pools,
        next_token,
    })
}

pub(crate) fn delete_user_pool(ctx: &Ctx, input: PoolId) -> Result<Empty, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    if pool.settings().deletion_protection {
        return Err(ApiError::invalid_parameter(
            "The user pool cannot be deleted because deletion protection is activated.",
        ));
    }
    ctx.emulator
        .delete_pool(&input.user_pool_id)
        .map_err(ApiError::invalid_parameter)?;
    tracing::info!(pool_id = %input.user_pool_id, "user pool deleted");
    Ok(Empty::default())
}
