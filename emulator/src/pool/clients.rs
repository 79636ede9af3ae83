//! App clients as Cognito's API manages them: created with or without a
//! secret, described, replaced whole by an update, listed, deleted.

use super::directory::page;
use super::error::PoolError;
use super::model::{default_auth_flows, Client, TokenUnits};
use super::oauth::random_string;
use super::UserPool;
use crate::config::Flow;

/// Cognito's lifetime limits, in seconds.
const ACCESS_ID_RANGE: std::ops::RangeInclusive<u64> = 5 * 60..=24 * 60 * 60;
const REFRESH_RANGE: std::ops::RangeInclusive<u64> = 60 * 60..=3650 * 24 * 60 * 60;

/// A lifetime as `CreateUserPoolClient` gives it: a number and its unit.
#[derive(Debug, Clone)]
pub(crate) struct Validity {
    pub(crate) value: u64,
    pub(crate) unit: String,
}

impl Validity {
    fn seconds(&self, what: &str) -> Result<u64, PoolError> {
        let per = match self.unit.as_str() {
            "seconds" => 1,
            "minutes" => 60,
            "hours" => 3600,
            "days" => 86_400,
            other => {
                return Err(PoolError::InvalidParameter(format!(
                    "Invalid TokenValidityUnits for {what}: {other}"
                )))
            }
        };
        self.value
            .checked_mul(per)
            .ok_or_else(|| PoolError::InvalidParameter(format!("{what} is too large")))
    }
}

/// Everything `CreateUserPoolClient` and `UpdateUserPoolClient` set. What an
/// update leaves out goes back to Cognito's default, as Cognito does.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientSpec {
    pub(crate) name: String,
    pub(crate) callback_urls: Vec<String>,
    pub(crate) logout_urls: Vec<String>,
    /// `code`, `implicit`, `client_credentials`.
    pub(crate) oauth_flows: Vec<String>,
    pub(crate) oauth_scopes: Vec<String>,
    pub(crate) explicit_auth_flows: Option<Vec<String>>,
    pub(crate) access: Option<Validity>,
    pub(crate) id: Option<Validity>,
    pub(crate) refresh: Option<Validity>,
    pub(crate) enable_token_revocation: Option<bool>,
    pub(crate) prevent_user_existence_errors: Option<bool>,
    pub(crate) refresh_rotation: bool,
}

fn lifetime(
    given: &Option<Validity>,
    default: Validity,
    range: &std::ops::RangeInclusive<u64>,
    what: &str,
) -> Result<(u64, String), PoolError> {
    let validity = given.clone().unwrap_or(default);
    let secs = validity.seconds(what)?;
    if !range.contains(&secs) {
        return Err(PoolError::InvalidParameter(format!(
            "{what} must be between {} and {} seconds",
            range.start(),
            range.end()
        )));
    }
    Ok((secs, validity.unit))
}

impl ClientSpec {
    /// Applies the spec to `client`, checking it as Cognito does.
    fn apply(&self, client: &mut Client) -> Result<(), PoolError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 128 {
            return Err(PoolError::InvalidParameter(
                "ClientName must be 1 to 128 characters".into(),
            ));
        }
        let hours = |value| Validity {
            value,
            unit: "hours".into(),
        };
        let (access, access_unit) = lifetime(
            &self.access,
            hours(1),
            &ACCESS_ID_RANGE,
            "AccessTokenValidity",
        )?;
        let (id, id_unit) = lifetime(&self.id, hours(1), &ACCESS_ID_RANGE, "IdTokenValidity")?;
        let (refresh, refresh_unit) = lifetime(
            &self.refresh,
            Validity {
                value: 30,
                unit: "days".into(),
            },
            &REFRESH_RANGE,
            "RefreshTokenValidity",
        )?;
        for url in self.callback_urls.iter().chain(&self.logout_urls) {
            let local_http = url.starts_with("http://localhost");
            if !(url.starts_with("https://") || local_http) {
                return Err(PoolError::InvalidParameter(format!(
                    "{url} is not https (or http://localhost)"
                )));
            }
        }
        let mut flows = Vec::new();
        for flow in &self.oauth_flows {
            match flow.as_str() {
                "code" => flows.push(Flow::Code),
                "client_credentials" => flows.push(Flow::ClientCredentials),
                // Accepted, never honoured: the emulator issues no implicit-grant tokens.
                "implicit" => {}
                other => {
                    return Err(PoolError::InvalidParameter(format!(
                        "Invalid AllowedOAuthFlows: {other}"
                    )))
                }
            }
        }
        if flows.contains(&Flow::Code) && self.callback_urls.is_empty() {
            return Err(PoolError::InvalidParameter(
                "CallbackURLs are required for the code flow".into(),
            ));
        }
        if flows.contains(&Flow::ClientCredentials) && client.secret.is_none() {
            return Err(PoolError::InvalidOAuthFlow);
        }
        client.name = name.to_owned();
        client.callback_urls = self.callback_urls.clone();
        client.logout_urls = self.logout_urls.clone();
        client.flows = flows;
        client.scopes = self.oauth_scopes.clone();
        client.explicit_auth_flows = self
            .explicit_auth_flows
            .clone()
            .unwrap_or_else(default_auth_flows);
        client.access_token_secs = access;
        client.id_token_secs = id;
        client.refresh_token_secs = refresh;
        client.units = TokenUnits {
            access: access_unit,
            id: id_unit,
            refresh: refresh_unit,
        };
        client.enable_token_revocation = self.enable_token_revocation.unwrap_or(true);
        client.prevent_user_existence_errors = self.prevent_user_existence_errors.unwrap_or(true);
        client.refresh_rotation = self.refresh_rotation;
        Ok(())
    }
}

fn client_not_found(id: &str) -> PoolError {
    PoolError::ResourceNotFound(format!("User pool client {id} does not exist."))
}

impl UserPool {
    /// `CreateUserPoolClient`; a secret when `generate_secret`.
    pub(crate) fn create_client(
        &self,
        spec: &ClientSpec,
        generate_secret: bool,
    ) -> Result<Client, PoolError> {
        let mut client = Client {
            name: String::new(),
            id: random_string(26).to_lowercase(),
            secret: generate_secret.then(|| random_string(51).to_lowercase()),
            callback_urls: Vec::new(),
            logout_urls: Vec::new(),
            scopes: Vec::new(),
            flows: Vec::new(),
            refresh_rotation: false,
            access_token_secs: 3600,
            id_token_secs: 3600,
            refresh_token_secs: 30 * 86_400,
            explicit_auth_flows: default_auth_flows(),
            prevent_user_existence_errors: true,
            enable_token_revocation: true,
            created_at: 0,
            modified_at: 0,
            units: TokenUnits::default(),
        };
        spec.apply(&mut client)?;
        Ok(self.write(|state, now| {
            client.created_at = now;
            client.modified_at = now;
            state.clients.insert(client.id.clone(), client.clone());
            client
        }))
    }

    /// `DescribeUserPoolClient`.
    pub(crate) fn describe_client(&self, id: &str) -> Result<Client, PoolError> {
        self.client(id).ok_or_else(|| client_not_found(id))
    }

    /// `UpdateUserPoolClient`: the spec replaces the client's settings whole.
    pub(crate) fn update_client(&self, id: &str, spec: &ClientSpec) -> Result<Client, PoolError> {
        self.write(|state, now| {
            let client = state
                .clients
                .get_mut(id)
                .ok_or_else(|| client_not_found(id))?;
            let mut updated = client.clone();
            spec.apply(&mut updated)?;
            updated.modified_at = now;
            *client = updated.clone();
            Ok(updated)
        })
    }

    /// `ListUserPoolClients`, a page at a time.
    pub(crate) fn list_clients(
        &self,
        limit: usize,
        token: Option<&str>,
    ) -> (Vec<Client>, Option<String>) {
        self.read(|state, _| {
            let all: Vec<(String, Client)> = state
                .clients
                .iter()
                .map(|(k, c)| (k.clone(), c.clone()))
                .collect();
            page(&all, limit, token)
        })
    }

    /// `DeleteUserPoolClient`: its refresh tokens die with it.
    pub(crate) fn delete_client(&self, id: &str) -> Result<(), PoolError> {
        self.write(|state, _| {
            state
                .clients
                .remove(id)
                .ok_or_else(|| client_not_found(id))?;
            state.refresh_tokens.retain(|_, g| g.client_id != id);
            Ok(())
        })
    }
}
