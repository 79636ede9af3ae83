//! The pool, its app clients and users, as read from a TOML file (`emulator/dev.toml`).

use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Cognito's limits and defaults for token lifetimes, in minutes.
const ACCESS_ID_MINUTES: std::ops::RangeInclusive<u64> = 5..=24 * 60;
const REFRESH_MINUTES: std::ops::RangeInclusive<u64> = 60..=3650 * 24 * 60;
const DEFAULT_ACCESS_ID_MINUTES: u64 = 60;
const DEFAULT_REFRESH_MINUTES: u64 = 30 * 24 * 60;
const DEFAULT_ROTATION_OVERLAP_SECS: u64 = 3600;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid emulator config: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("invalid emulator config: {0}")]
    Invalid(String),
}

/// The whole emulator configuration: one user pool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmulatorConfig {
    pub pool: PoolConfig,
    #[serde(default)]
    pub keys: KeysConfig,
    #[serde(default)]
    pub clients: Vec<ClientConfig>,
    #[serde(default)]
    pub users: Vec<UserConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    /// `{region}_{suffix}`, e.g. `eu-west-1_LocalDev1`.
    pub id: String,
    pub region: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// PEM (PKCS#1 or PKCS#8) RSA private key for access tokens; generated at start when absent.
    pub access_key: Option<PathBuf>,
    /// PEM RSA private key for ID tokens; generated at start when absent.
    pub id_key: Option<PathBuf>,
    /// How long a rotated-out key stays in the JWKS.
    #[serde(default = "default_overlap")]
    pub rotation_overlap_secs: u64,
}

impl Default for KeysConfig {
    fn default() -> Self {
        Self {
            access_key: None,
            id_key: None,
            rotation_overlap_secs: DEFAULT_ROTATION_OVERLAP_SECS,
        }
    }
}

fn default_overlap() -> u64 {
    DEFAULT_ROTATION_OVERLAP_SECS
}

/// The OAuth flows Cognito allows per app client (it keeps `code` and
/// `client_credentials` on separate clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    Code,
    ClientCredentials,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    pub name: String,
    pub id: String,
    /// Absent for a public client (no secret).
    pub secret: Option<String>,
    #[serde(default)]
    pub callback_urls: Vec<String>,
    #[serde(default)]
    pub logout_urls: Vec<String>,
    pub scopes: Vec<String>,
    #[serde(default = "default_flows")]
    pub flows: Vec<Flow>,
    /// Issue a new refresh token on every refresh (and retire the old one).
    #[serde(default)]
    pub refresh_rotation: bool,
    #[serde(default = "default_access_id_minutes")]
    pub access_token_minutes: u64,
    #[serde(default = "default_access_id_minutes")]
    pub id_token_minutes: u64,
    #[serde(default = "default_refresh_minutes")]
    pub refresh_token_minutes: u64,
    /// The JSON API's sign-in flows (`ALLOW_USER_SRP_AUTH`, …); absent: Cognito's default.
    pub explicit_auth_flows: Option<Vec<String>>,
    /// `PreventUserExistenceErrors`: unknown users look like wrong passwords.
    #[serde(default = "yes")]
    pub prevent_user_existence_errors: bool,
}

fn default_flows() -> Vec<Flow> {
    vec![Flow::Code]
}
fn default_access_id_minutes() -> u64 {
    DEFAULT_ACCESS_ID_MINUTES
}
fn default_refresh_minutes() -> u64 {
    DEFAULT_REFRESH_MINUTES
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    pub password: String,
    pub email: Option<String>,
    #[serde(default = "yes")]
    pub email_verified: bool,
    #[serde(default)]
    pub groups: Vec<String>,
    /// Fixed `sub`; a random UUID when absent.
    pub sub: Option<String>,
}

fn yes() -> bool {
    true
}

impl EmulatorConfig {
    /// Reads and validates a config file; key paths are relative to the file's folder.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::from_toml(&text, base).map_err(|err| match err {
            ConfigError::Parse { source, .. } => ConfigError::Parse {
                path: path.to_owned(),
                source,
            },
            other => other,
        })
    }

    /// Parses and validates TOML text; relative key paths are resolved against `base`.
    pub fn from_toml(text: &str, base: &Path) -> Result<Self, ConfigError> {
        let mut config: Self = toml::from_str(text).map_err(|source| ConfigError::Parse {
            path: PathBuf::from("<inline>"),
            source: Box::new(source),
        })?;
        for key in [&mut config.keys.access_key, &mut config.keys.id_key]
            .into_iter()
            .flatten()
        {
            if key.is_relative() {
                *key = base.join(&*key);
            }
        }
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |msg: String| Err(ConfigError::Invalid(msg));
        let pool = &self.pool;
        match pool.id.split_once('_') {
            Some((region, suffix))
                if region == pool.region
                    && !suffix.is_empty()
                    && suffix.chars().all(|c| c.is_ascii_alphanumeric()) => {}
            _ => {
                return invalid(format!(
                    "pool.id {:?} must be \"{}_<letters and digits>\"",
                    pool.id, pool.region
                ))
            }
        }
        let mut ids = HashSet::new();
        for client in &self.clients {
            if !ids.insert(client.id.as_str()) {
                return invalid(format!("client id {} appears twice", client.id));
            }
            if client.id.is_empty() || !client.id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return invalid(format!(
                    "client {}: id must be letters and digits",
                    client.name
                ));
            }
            if client.scopes.is_empty() {
                return invalid(format!("client {}: needs at least one scope", client.name));
            }
            if client.flows.contains(&Flow::Code) && client.callback_urls.is_empty() {
                return invalid(format!(
                    "client {}: the code flow needs callback_urls",
                    client.name
                ));
            }
            if client.flows.contains(&Flow::ClientCredentials) && client.secret.is_none() {
                return invalid(format!(
                    "client {}: client_credentials needs a secret",
                    client.name
                ));
            }
            for url in client.callback_urls.iter().chain(&client.logout_urls) {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return invalid(format!(
                        "client {}: {url:?} is not an absolute http(s) URL",
                        client.name
                    ));
                }
            }
            for (what, minutes, range) in [
                (
                    "access_token_minutes",
                    client.access_token_minutes,
                    &ACCESS_ID_MINUTES,
                ),
                (
                    "id_token_minutes",
                    client.id_token_minutes,
                    &ACCESS_ID_MINUTES,
                ),
                (
                    "refresh_token_minutes",
                    client.refresh_token_minutes,
                    &REFRESH_MINUTES,
                ),
            ] {
                if !range.contains(&minutes) {
                    return invalid(format!(
                        "client {}: {what} = {minutes} is outside Cognito's {}..={}",
                        client.name,
                        range.start(),
                        range.end()
                    ));
                }
            }
        }
        let mut names = HashSet::new();
        for user in &self.users {
            if !names.insert(user.username.to_lowercase()) {
                return invalid(format!("user {} appears twice", user.username));
            }
            if user.password.is_empty() {
                return invalid(format!("user {}: empty password", user.username));
            }
        }
        Ok(())
    }

    /// The config file shipped for development (`emulator/dev.toml`).
    pub fn dev_config_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("dev.toml")
    }

    /// The development pool of `emulator/dev.toml`.
    pub fn development() -> Result<Self, ConfigError> {
        Self::load(&Self::dev_config_path())
    }

    /// An app client by name, to change before the emulator starts.
    pub fn client_mut(&mut self, name: &str) -> Option<&mut ClientConfig> {
        self.clients.iter_mut().find(|c| c.name == name)
    }

    /// Builder: the client `name` serves the UI at `origin` (callback
    /// `{origin}/signin`, sign-out `{origin}/signout`).
    pub fn with_ui_origin(mut self, name: &str, origin: &str) -> Self {
        if let Some(client) = self.client_mut(name) {
            client.callback_urls = vec![format!("{origin}/signin")];
            client.logout_urls = vec![format!("{origin}/signout")];
        }
        self
    }

    /// Builder: every app client rotates refresh tokens (or not).
    pub fn with_refresh_rotation(mut self, on: bool) -> Self {
        for client in &mut self.clients {
            client.refresh_rotation = on;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        [pool]
        id = "eu-west-1_Test1"
        region = "eu-west-1"
        [[clients]]
        name = "a"
        id = "abc123"
        secret = "s"
        callback_urls = ["http://localhost:3000/signin"]
        scopes = ["openid"]
    "#;

    #[test]
    fn minimal_config_gets_cognito_defaults() {
        let config = EmulatorConfig::from_toml(MINIMAL, Path::new(".")).expect("valid");
        let client = &config.clients[0];
        assert_eq!(client.access_token_minutes, 60);
        assert_eq!(client.refresh_token_minutes, 30 * 24 * 60);
        assert_eq!(client.flows, vec![Flow::Code]);
        assert_eq!(config.keys.rotation_overlap_secs, 3600);
    }

    #[test]
    fn lifetime_outside_cognito_range_is_refused() {
        let text = format!("{MINIMAL}\naccess_token_minutes = 2");
        let err =
            EmulatorConfig::from_toml(&text, Path::new(".")).expect_err("2 minutes is too short");
        assert!(err.to_string().contains("access_token_minutes"), "{err}");
    }

    #[test]
    fn pool_id_must_start_with_region() {
        let text = MINIMAL.replace("eu-west-1_Test1", "us-east-1_Test1");
        let err = EmulatorConfig::from_toml(&text, Path::new(".")).expect_err("region mismatch");
        assert!(err.to_string().contains("pool.id"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = format!("{MINIMAL}\ncolour = \"blue\"");
        assert!(EmulatorConfig::from_toml(&text, Path::new(".")).is_err());
    }

    #[test]
    fn dev_config_is_valid() {
        let config =
            EmulatorConfig::load(&EmulatorConfig::dev_config_path()).expect("dev.toml is valid");
        assert!(config
            .users
            .iter()
            .any(|u| u.groups.contains(&"admin".to_owned())));
    }
}
