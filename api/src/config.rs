//! Settings: read once from the environment (and `.env`), validated at start-up.
//!
//! A missing or malformed variable stops start-up with one line naming it.

use secrecy::SecretString;
use std::time::Duration;
use url::Url;

/// Everything the API is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub cognito: CognitoSettings,
    /// Exact origins (`scheme://host[:port]`) of the UIs: the CORS allowlist.
    pub ui_origins: Vec<String>,
    pub database_url: DatabaseUrl,
    pub jwt_leeway: Duration,
    pub jwks_ttl: Duration,
    pub jwks_refetch_min: Duration,
    pub idp_timeout: Duration,
    /// Calls per minute per client address that reach Cognito unauthenticated
    /// (`/auth/token`, `/auth/refresh`, server-side refreshes).
    pub auth_rate_per_minute: std::num::NonZeroU32,
    /// Take the client address from `X-Forwarded-For` (its last entry, the one
    /// the proxy added): only behind a proxy that sets it (API Gateway, CloudFront).
    pub trust_forwarded_for: bool,
}

/// The user pool and app client, with every URL derived from them.
#[derive(Debug, Clone)]
pub struct CognitoSettings {
    pub region: String,
    pub pool_id: String,
    pub client_id: String,
    /// Server only; `SecretString` keeps it out of `Debug` output and logs.
    pub client_secret: SecretString,
    pub scopes: Vec<String>,
    /// `https://cognito-idp.{region}.amazonaws.com/{pool}` or `{COGNITO_ENDPOINT}/{pool}`.
    pub issuer: String,
    /// Hosted UI base: `https://{domain}.auth.{region}.amazoncognito.com` or `COGNITO_ENDPOINT`.
    pub hosted_ui: String,
    /// `COGNITO_ENDPOINT`, which also takes the place of Cognito's API endpoint (the SDK's).
    pub endpoint: Option<String>,
}

impl CognitoSettings {
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer)
    }
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/authorize", self.hosted_ui)
    }
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.hosted_ui)
    }
    pub fn user_info_url(&self) -> String {
        format!("{}/oauth2/userInfo", self.hosted_ui)
    }
    pub fn revoke_url(&self) -> String {
        format!("{}/oauth2/revoke", self.hosted_ui)
    }
    pub fn logout_url(&self) -> String {
        format!("{}/logout", self.hosted_ui)
    }
}

impl Settings {
    /// The redirect URIs `POST /auth/token` accepts: `{origin}/signin` for each UI origin.
    pub fn redirect_uris(&self) -> Vec<String> {
        self.ui_origins
            .iter()
            .map(|origin| format!("{origin}/signin"))
            .collect()
    }

    /// Reads `.env` (when present) and then the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is worth stopping for.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => {
                return Err(ConfigError::new(".env", format!("cannot be read: {e}")));
            }
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds settings from any variable lookup (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars(&lookup);
        let endpoint = vars
            .optional("COGNITO_ENDPOINT")
            .map(|raw| parse_base_url(&raw).map_err(|p| ConfigError::new("COGNITO_ENDPOINT", p)));
        let endpoint = endpoint.transpose()?;
        let pool_id = vars.required("COGNITO_POOL_ID")?;
        let (pool_region, pool_suffix) = pool_id.split_once('_').ok_or_else(|| {
            ConfigError::new(
                "COGNITO_POOL_ID",
                format!("must look like eu-west-1_AbC123, got {pool_id:?}"),
            )
        })?;
        if pool_region.is_empty() || pool_suffix.is_empty() {
            return Err(ConfigError::new(
                "COGNITO_POOL_ID",
                format!("must look like eu-west-1_AbC123, got {pool_id:?}"),
            ));
        }
        // The pool id starts with its region, so the region variable is optional.
        let region = vars
            .optional("COGNITO_CLIENT_REGION")
            .unwrap_or_else(|| pool_region.to_owned());
        let (issuer, hosted_ui) = match endpoint.clone() {
            Some(endpoint) => (format!("{endpoint}/{pool_id}"), endpoint),
            None => {
                let domain = vars.optional("COGNITO_CLIENT_DOMAIN").ok_or_else(|| {
                    ConfigError::new(
                        "COGNITO_CLIENT_DOMAIN",
                        "is not set (needed unless COGNITO_ENDPOINT is)",
                    )
                })?;
                (
                    format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}"),
                    hosted_ui_base(&domain, &region),
                )
            }
        };
        let scopes = vars
            .optional("COGNITO_SCOPES")
            .unwrap_or_else(|| "openid email profile".to_owned())
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let cognito = CognitoSettings {
            region,
            pool_id: pool_id.clone(),
            client_id: vars.required("COGNITO_CLIENT_ID")?,
            client_secret: SecretString::from(vars.required("COGNITO_CLIENT_SECRET")?),
            scopes,
            issuer,
            hosted_ui,
            endpoint,
        };
        let ui_origins = vars
            .optional("UI_ORIGINS")
            .unwrap_or_else(|| "http://localhost:3000".to_owned())
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|raw| parse_origin(raw).map_err(|p| ConfigError::new("UI_ORIGINS", p)))
            .collect::<Result<Vec<_>, _>>()?;
        if ui_origins.is_empty() {
            return Err(ConfigError::new("UI_ORIGINS", "names no origin"));
        }
        Ok(Self {
            host: vars
                .optional("HOST")
                .unwrap_or_else(|| "127.0.0.1".to_owned()),
            port: vars.parsed("PORT", 8000, "a port number (0-65535)")?,
            cognito,
            ui_origins,
            database_url: DatabaseUrl(
                vars.optional("DATABASE_URL")
                    .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            ),
            jwt_leeway: vars.seconds("JWT_LEEWAY_SECS", 30)?,
            jwks_ttl: vars.seconds("JWKS_TTL_SECS", 3600)?,
            jwks_refetch_min: vars.seconds("JWKS_REFETCH_MIN_SECS", 30)?,
            idp_timeout: vars.seconds("IDP_TIMEOUT_SECS", 5)?,
            auth_rate_per_minute: vars.parsed(
                "AUTH_RATE_PER_MINUTE",
                std::num::NonZeroU32::new(60).expect("60 is not zero"),
                "a whole number above 0",
            )?,
            trust_forwarded_for: vars.parsed("TRUST_FORWARDED_FOR", false, "true or false")?,
        })
    }
}

/// A database URL; `Debug` and `Display` hide its password.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL with its password, for connecting only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact_password(&self.0))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", redact_password(&self.0))
    }
}

/// A URL fit for a log line: the password replaced.
pub(crate) fn redact_password(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// SQLite file under `data/`, created on first start.
pub(crate) const DEFAULT_DATABASE_URL: &str = "sqlite://data/kpi.db?mode=rwc";

/// A configuration variable that is missing or malformed.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {variable} {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl ConfigError {
    fn new(variable: &'static str, problem: impl Into<String>) -> Self {
        Self {
            variable,
            problem: problem.into(),
        }
    }
}

struct Vars<'a, F: Fn(&str) -> Option<String>>(&'a F);

impl<F: Fn(&str) -> Option<String>> Vars<'_, F> {
    /// Set and not blank.
    fn optional(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        self.optional(name)
            .ok_or_else(|| ConfigError::new(name, "is not set"))
    }

    fn parsed<T: std::str::FromStr>(
        &self,
        name: &'static str,
        default: T,
        what: &str,
    ) -> Result<T, ConfigError> {
        match self.optional(name) {
            None => Ok(default),
            Some(raw) => raw
                .parse()
                .map_err(|_| ConfigError::new(name, format!("must be {what}, got {raw:?}"))),
        }
    }

    fn seconds(&self, name: &'static str, default: u64) -> Result<Duration, ConfigError> {
        self.parsed(name, default, "a whole number of seconds")
            .map(Duration::from_secs)
    }
}

/// `https://{prefix}.auth.{region}.amazoncognito.com`, or a custom domain as given.
fn hosted_ui_base(domain: &str, region: &str) -> String {
    if domain.contains('.') {
        format!("https://{}", domain.trim_start_matches("https://"))
            .trim_end_matches('/')
            .to_owned()
    } else {
        format!("https://{domain}.auth.{region}.amazoncognito.com")
    }
}

fn parse_base_url(raw: &str) -> Result<String, String> {
    let url = Url::parse(raw).map_err(|e| format!("must be a URL, got {raw:?} ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("must be an http(s) URL, got {raw:?}"));
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

/// `scheme://host[:port]`, nothing after it.
fn parse_origin(raw: &str) -> Result<String, String> {
    let url = Url::parse(raw).map_err(|e| format!("holds {raw:?}, not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(format!(
            "holds {raw:?}; each entry must be an origin like https://app.example.com"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    const EMULATOR: [(&str, &str); 4] = [
        ("COGNITO_ENDPOINT", "http://localhost:9229/"),
        ("COGNITO_POOL_ID", "eu-west-1_LocalDev1"),
        ("COGNITO_CLIENT_ID", "client"),
        ("COGNITO_CLIENT_SECRET", "secret"),
    ];

    #[test]
    fn emulator_endpoint_replaces_both_aws_hosts() {
        let s = settings(&EMULATOR).expect("valid");
        assert_eq!(
            s.cognito.issuer,
            "http://localhost:9229/eu-west-1_LocalDev1"
        );
        assert_eq!(
            s.cognito.jwks_url(),
            "http://localhost:9229/eu-west-1_LocalDev1/.well-known/jwks.json"
        );
        assert_eq!(s.cognito.token_url(), "http://localhost:9229/oauth2/token");
        assert_eq!(s.cognito.region, "eu-west-1");
        assert_eq!(s.port, 8000);
        assert_eq!(s.jwt_leeway, Duration::from_secs(30));
        assert_eq!(s.ui_origins, ["http://localhost:3000"]);
        assert_eq!(s.redirect_uris(), ["http://localhost:3000/signin"]);
        assert_eq!(s.cognito.client_secret.expose_secret(), "secret");
    }

    #[test]
    fn real_cognito_urls_come_from_region_pool_and_domain() {
        let s = settings(&[
            ("COGNITO_CLIENT_REGION", "us-east-1"),
            ("COGNITO_POOL_ID", "us-east-1_AbC123"),
            ("COGNITO_CLIENT_DOMAIN", "kpi-demo"),
            ("COGNITO_CLIENT_ID", "c"),
            ("COGNITO_CLIENT_SECRET", "s"),
        ])
        .expect("valid");
        assert_eq!(
            s.cognito.issuer,
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123"
        );
        assert_eq!(
            s.cognito.authorize_url(),
            "https://kpi-demo.auth.us-east-1.amazoncognito.com/oauth2/authorize"
        );
        assert_eq!(
            s.cognito.logout_url(),
            "https://kpi-demo.auth.us-east-1.amazoncognito.com/logout"
        );
    }

    #[test]
    fn missing_variable_is_named() {
        let err = settings(&EMULATOR[..3]).expect_err("no secret");
        assert_eq!(err.variable, "COGNITO_CLIENT_SECRET");
        assert_eq!(
            err.to_string(),
            "configuration: COGNITO_CLIENT_SECRET is not set"
        );
        let err = settings(&EMULATOR[1..]).expect_err("no endpoint, no domain");
        assert_eq!(err.variable, "COGNITO_CLIENT_DOMAIN");
    }

    #[test]
    fn malformed_values_are_named() {
        for (name, value) in [
            ("PORT", "eighty"),
            ("JWT_LEEWAY_SECS", "-1"),
            ("IDP_TIMEOUT_SECS", "1.5"),
            ("UI_ORIGINS", "http://localhost:3000/app"),
            ("UI_ORIGINS", "localhost:3000"),
            ("COGNITO_ENDPOINT", "not a url"),
            ("COGNITO_POOL_ID", "nounderscore"),
        ] {
            let mut vars = EMULATOR.to_vec();
            vars.retain(|(k, _)| *k != name);
            vars.push((name, value));
            let err = settings(&vars).expect_err(value);
            assert_eq!(err.variable, name, "{err}");
            assert!(err.to_string().contains(value), "{err}");
        }
    }

    #[test]
    fn ui_origins_are_a_trimmed_comma_list() {
        let mut vars = EMULATOR.to_vec();
        vars.push((
            "UI_ORIGINS",
            " http://localhost:3000 , https://app.example.com/ ",
        ));
        let s = settings(&vars).expect("valid");
        assert_eq!(
            s.ui_origins,
            ["http://localhost:3000", "https://app.example.com"]
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let mut vars = EMULATOR.to_vec();
        vars.push(("DATABASE_URL", "postgres://kpi:hunter2@db:5432/kpi"));
        let s = settings(&vars).expect("valid");
        let debug = format!("{s:?}");
        assert!(!debug.contains("\"secret\""), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert_eq!(s.database_url.to_string(), "postgres://kpi:***@db:5432/kpi");
        assert_eq!(
            s.database_url.expose(),
            "postgres://kpi:hunter2@db:5432/kpi"
        );
    }

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(
            redact_password("sqlite://data/kpi.db?mode=rwc"),
            "sqlite://data/kpi.db?mode=rwc"
        );
    }
}
