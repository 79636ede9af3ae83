//! `CreateUserPoolClient`, `DescribeUserPoolClient`, `UpdateUserPoolClient`,
//! `ListUserPoolClients`, `DeleteUserPoolClient`.

use super::shapes::{ClientDescription, ClientType, Empty, RotationType, TokenUnitsType};
use super::{ApiError, Ctx};
use crate::pool::{ClientSpec, Validity, MAX_PAGE};
use serde::{Deserialize, Serialize};

/// The settings `CreateUserPoolClient` and `UpdateUserPoolClient` share.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ClientSettings {
    client_name: String,
    refresh_token_validity: Option<u64>,
    access_token_validity: Option<u64>,
    id_token_validity: Option<u64>,
    #[serde(default)]
    token_validity_units: TokenUnitsType,
    explicit_auth_flows: Option<Vec<String>>,
    #[serde(default, rename = "CallbackURLs")]
    callback_urls: Vec<String>,
    #[serde(default, rename = "LogoutURLs")]
    logout_urls: Vec<String>,
    #[serde(default, rename = "AllowedOAuthFlows")]
    oauth_flows: Vec<String>,
    #[serde(default, rename = "AllowedOAuthScopes")]
    oauth_scopes: Vec<String>,
    prevent_user_existence_errors: Option<String>,
    enable_token_revocation: Option<bool>,
    refresh_token_rotation: Option<RotationType>,
}

impl ClientSettings {
    fn spec(&self) -> Result<ClientSpec, ApiError> {
        let units = &self.token_validity_units;
        let validity = |value: Option<u64>, unit: &Option<String>, default: &str| {
            value.map(|value| Validity {
                value,
                unit: unit.clone().unwrap_or_else(|| default.to_owned()),
            })
        };
        let prevent = match self.prevent_user_existence_errors.as_deref() {
            None => None,
            Some("ENABLED") => Some(true),
            Some("LEGACY") => Some(false),
            Some(other) => {
                return Err(ApiError::invalid_parameter(format!(
                    "Invalid PreventUserExistenceErrors: {other}"
                )))
            }
        };
        Ok(ClientSpec {
            name: self.client_name.clone(),
            callback_urls: self.callback_urls.clone(),
            logout_urls: self.logout_urls.clone(),
            oauth_flows: self.oauth_flows.clone(),
            oauth_scopes: self.oauth_scopes.clone(),
            explicit_auth_flows: self.explicit_auth_flows.clone(),
            access: validity(self.access_token_validity, &units.access_token, "hours"),
            id: validity(self.id_token_validity, &units.id_token, "hours"),
            refresh: validity(self.refresh_token_validity, &units.refresh_token, "days"),
            enable_token_revocation: self.enable_token_revocation,
            prevent_user_existence_errors: prevent,
            refresh_rotation: self
                .refresh_token_rotation
                .as_ref()
                .is_some_and(|r| r.feature == "ENABLED"),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateClient {
    user_pool_id: String,
    #[serde(default)]
    generate_secret: bool,
    #[serde(flatten)]
    settings: ClientSettings,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ClientAnswer {
    user_pool_client: ClientType,
}

pub(crate) fn create_user_pool_client(
    ctx: &Ctx,
    input: CreateClient,
) -> Result<ClientAnswer, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let client = pool.create_client(&input.settings.spec()?, input.generate_secret)?;
    tracing::info!(pool_id = %pool.id(), client_id = %client.id, "app client created");
    Ok(ClientAnswer {
        user_pool_client: ClientType::of(&client, pool.id()),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ClientRef {
    user_pool_id: String,
    client_id: String,
}

pub(crate) fn describe_user_pool_client(
    ctx: &Ctx,
    input: ClientRef,
) -> Result<ClientAnswer, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let client = pool.describe_client(&input.client_id)?;
    Ok(ClientAnswer {
        user_pool_client: ClientType::of(&client, pool.id()),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UpdateClient {
    user_pool_id: String,
    client_id: String,
    #[serde(flatten)]
    settings: ClientSettings,
}

pub(crate) fn update_user_pool_client(
    ctx: &Ctx,
    input: UpdateClient,
) -> Result<ClientAnswer, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let client = pool.update_client(&input.client_id, &input.settings.spec()?)?;
    Ok(ClientAnswer {
        user_pool_client: ClientType::of(&client, pool.id()),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListClients {
    user_pool_id: String,
    max_results: Option<usize>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ClientList {
    user_pool_clients: Vec<ClientDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn list_user_pool_clients(
    ctx: &Ctx,
    input: ListClients,
) -> Result<ClientList, ApiError> {
    let pool = ctx.pool(&input.user_pool_id)?;
    let limit = super::users::page_size(input.max_results, MAX_PAGE)?;
    let (clients, next_token) = pool.list_clients(limit, input.next_token.as_deref());
    Ok(ClientList {
        user_pool_clients: clients
            .iter()
            .map(|c| ClientDescription::of(c, pool.id()))
            .collect(),
        next_token,
    })
}

pub(crate) fn delete_user_pool_client(ctx: &Ctx, input: ClientRef) -> Result<Empty, ApiError> {
    ctx.pool(&input.user_pool_id)?
        .delete_client(&input.client_id)?;
    Ok(Empty::default())
}
