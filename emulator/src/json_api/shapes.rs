//! The JSON API's shapes, named as Cognito's API reference names them.

use crate::pool::{AuthOutcome, Client, Group, IssuedGrant, UserRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `AttributeType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Attribute {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) value: Option<String>,
}

/// `(name, value)` pairs from `AttributeType`s (a missing value is empty).
pub(crate) fn pairs(attributes: &[Attribute]) -> Vec<(String, String)> {
    attributes
        .iter()
        .map(|a| (a.name.clone(), a.value.clone().unwrap_or_default()))
        .collect()
}

fn attributes(pairs: &[(String, String)]) -> Vec<Attribute> {
    pairs
        .iter()
        .map(|(name, value)| Attribute {
            name: name.clone(),
            value: Some(value.clone()),
        })
        .collect()
}

/// A Unix time as the JSON protocol sends timestamps: seconds, as a number.
fn epoch(secs: u64) -> f64 {
    secs as f64
}

/// `UserType` (`ListUsers`, `AdminCreateUser`, `ListUsersInGroup`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserType {
    username: String,
    attributes: Vec<Attribute>,
    user_create_date: f64,
    user_last_modified_date: f64,
    enabled: bool,
    user_status: &'static str,
}

impl From<&UserRecord> for UserType {
    fn from(user: &UserRecord) -> Self {
        Self {
            username: user.username.clone(),
            attributes: attributes(&user.attributes),
            user_create_date: epoch(user.created_at),
            user_last_modified_date: epoch(user.modified_at),
            enabled: user.enabled,
            user_status: user.status,
        }
    }
}

/// `AdminGetUser`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AdminUser {
    username: String,
    user_attributes: Vec<Attribute>,
    user_create_date: f64,
    user_last_modified_date: f64,
    enabled: bool,
    user_status: &'static str,
}

impl From<&UserRecord> for AdminUser {
    fn from(user: &UserRecord) -> Self {
        Self {
            username: user.username.clone(),
            user_attributes: attributes(&user.attributes),
            user_create_date: epoch(user.created_at),
            user_last_modified_date: epoch(user.modified_at),
            enabled: user.enabled,
            user_status: user.status,
        }
    }
}

/// `GetUser`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct OwnUser {
    username: String,
    user_attributes: Vec<Attribute>,
}

impl From<&UserRecord> for OwnUser {
    fn from(user: &UserRecord) -> Self {
        Self {
            username: user.username.clone(),
            user_attributes: attributes(&user.attributes),
        }
    }
}

/// `GroupType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupType {
    group_name: String,
    user_pool_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precedence: Option<u64>,
    last_modified_date: f64,
    creation_date: f64,
}

impl GroupType {
    pub(crate) fn of(group: &Group, pool_id: &str) -> Self {
        Self {
            group_name: group.name.clone(),
            user_pool_id: pool_id.to_owned(),
            description: group.description.clone(),
            role_arn: group.role_arn.clone(),
            precedence: group.precedence,
            last_modified_date: epoch(group.modified_at),
            creation_date: epoch(group.created_at),
        }
    }
}

/// `TokenValidityUnitsType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TokenUnitsType {
    pub(crate) access_token: Option<String>,
    pub(crate) id_token: Option<String>,
    pub(crate) refresh_token: Option<String>,
}

/// `RefreshTokenRotationType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RotationType {
    pub(crate) feature: String,
    #[serde(default)]
    pub(crate) retry_grace_period_seconds: u64,
}

/// `UserPoolClientType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ClientType {
    user_pool_id: String,
    client_name: String,
    client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    last_modified_date: f64,
    creation_date: f64,
    refresh_token_validity: u64,
    access_token_validity: u64,
    id_token_validity: u64,
    token_validity_units: TokenUnitsType,
    explicit_auth_flows: Vec<String>,
    #[serde(rename = "SupportedIdentityProviders")]
    identity_providers: Vec<&'static str>,
    #[serde(rename = "CallbackURLs")]
    callback_urls: Vec<String>,
    #[serde(rename = "LogoutURLs")]
    logout_urls: Vec<String>,
    #[serde(rename = "AllowedOAuthFlows")]
    oauth_flows: Vec<&'static str>,
    #[serde(rename = "AllowedOAuthScopes")]
    oauth_scopes: Vec<String>,
    #[serde(rename = "AllowedOAuthFlowsUserPoolClient")]
    oauth_flows_user_pool_client: bool,
    prevent_user_existence_errors: &'static str,
    enable_token_revocation: bool,
    refresh_token_rotation: RotationType,
}

/// A lifetime in seconds, in `unit`.
fn in_unit(secs: u64, unit: &str) -> u64 {
    secs / match unit {
        "seconds" => 1,
        "minutes" => 60,
        "hours" => 3600,
        _ => 86_400,
    }
}

impl ClientType {
    pub(crate) fn of(client: &Client, pool_id: &str) -> Self {
        let flows: Vec<&'static str> = client
            .flows
            .iter()
            .map(|f| match f {
                crate::config::Flow::Code => "code",
                crate::config::Flow::ClientCredentials => "client_credentials",
            })
            .collect();
        Self {
            user_pool_id: pool_id.to_owned(),
            client_name: client.name.clone(),
            client_id: client.id.clone(),
            client_secret: client.secret.clone(),
            last_modified_date: epoch(client.modified_at),
            creation_date: epoch(client.created_at),
            refresh_token_validity: in_unit(client.refresh_token_secs, &client.units.refresh),
            access_token_validity: in_unit(client.access_token_secs, &client.units.access),
            id_token_validity: in_unit(client.id_token_secs, &client.units.id),
            token_validity_units: TokenUnitsType {
                access_token: Some(client.units.access.clone()),
                id_token: Some(client.units.id.clone()),
                refresh_token: Some(client.units.refresh.clone()),
            },
            explicit_auth_flows: client.explicit_auth_flows.clone(),
            identity_providers: vec!["COGNITO"],
            callback_urls: client.callback_urls.clone(),
            logout_urls: client.logout_urls.clone(),
            oauth_flows_user_pool_client: !flows.is_empty(),
            oauth_flows: flows,
            oauth_scopes: client.scopes.clone(),
            prevent_user_existence_errors: if client.prevent_user_existence_errors {
                "ENABLED"
            } else {
                "LEGACY"
            },
            enable_token_revocation: client.enable_token_revocation,
            refresh_token_rotation: RotationType {
                feature: if client.refresh_rotation {
                    "ENABLED"
                } else {
                    "DISABLED"
                }
                .into(),
                retry_grace_period_seconds: 0,
            },
        }
    }
}

/// `UserPoolClientDescription` (`ListUserPoolClients`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ClientDescription {
    client_id: String,
    user_pool_id: String,
    client_name: String,
}

impl ClientDescription {
    pub(crate) fn of(client: &Client, pool_id: &str) -> Self {
        Self {
            client_id: client.id.clone(),
            user_pool_id: pool_id.to_owned(),
            client_name: client.name.clone(),
        }
    }
}

/// `AuthenticationResultType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AuthenticationResult {
    access_token: String,
    expires_in: u64,
    token_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl From<IssuedGrant> for AuthenticationResult {
    fn from(grant: IssuedGrant) -> Self {
        Self {
            access_token: grant.tokens.access_token,
            expires_in: grant.tokens.expires_in,
            token_type: "Bearer",
            refresh_token: grant.refresh_token,
            id_token: grant.tokens.id_token,
        }
    }
}

/// `InitiateAuth` / `RespondToAuthChallenge`'s answer: tokens, or a challenge.
#[derive(Debug, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AuthAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    challenge_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    challenge_parameters: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication_result: Option<AuthenticationResult>,
}

impl From<AuthOutcome> for AuthAnswer {
    fn from(outcome: AuthOutcome) -> Self {
        match outcome {
            AuthOutcome::Tokens(grant) => Self {
                authentication_result: Some(grant.into()),
                ..Self::default()
            },
            AuthOutcome::Challenge {
                name,
                session,
                parameters,
            } => Self {
                challenge_name: Some(name),
                session: Some(session),
                challenge_parameters: parameters,
                authentication_result: None,
            },
        }
    }
}

/// `CodeDeliveryDetailsType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CodeDelivery {
    destination: String,
    delivery_medium: &'static str,
    attribute_name: &'static str,
}

impl CodeDelivery {
    pub(crate) fn email(destination: String) -> Self {
        Self {
            destination,
            delivery_medium: "EMAIL",
            attribute_name: "email",
        }
    }
}

/// `{}`: the answer of actions that return nothing.
#[derive(Debug, Serialize, Default)]
pub(crate) struct Empty {}
