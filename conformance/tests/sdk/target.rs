//! Where the suite runs: an emulator started in-process (the default), or the
//! real user pool named by `CONFORMANCE_*` variables.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, ExplicitAuthFlowsType};
use aws_sdk_cognitoidentityprovider::Client;
use cognito_emulator::config::EmulatorConfig;
use cognito_emulator::{Options, RunningEmulator};
use std::net::TcpListener;

pub const PASSWORD: &str = "Conform-Passw0rd!";

/// The pool under test, its clients, and (with the emulator) its test handle.
pub struct Target {
    pub sdk: Client,
    pub pool_id: String,
    /// No secret; USER_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH.
    pub public_client: String,
    /// The same flows, with a secret.
    pub secret_client: (String, String),
    /// `PreventUserExistenceErrors: LEGACY`, no secret.
    pub legacy_client: String,
    /// Base URL of the JSON API (and the emulator's hosted UI).
    pub endpoint: String,
    pub emulator: Option<RunningEmulator>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

async fn sdk_client(endpoint: Option<&str>, region: &str) -> Client {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()));
    if let Some(endpoint) = endpoint {
        // The emulator checks no signature: dummy static credentials.
        loader = loader.endpoint_url(endpoint).credentials_provider(
            aws_sdk_cognitoidentityprovider::config::Credentials::new(
                "AKIDEMULATOR",
                "emulator-dev-secret",
                None,
                None,
                "conformance",
            ),
        );
    }
    Client::new(&loader.load().await)
}

/// The flows the suite's clients allow.
fn flows() -> Vec<ExplicitAuthFlowsType> {
    [
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]
    .map(ExplicitAuthFlowsType::from)
    .to_vec()
}

impl Target {
    /// The target of this run: `CONFORMANCE_POOL_ID` set means a real pool.
    pub async fn new() -> Self {
        match env("CONFORMANCE_POOL_ID") {
            Some(pool_id) => Self::real(pool_id).await,
            None => Self::emulator().await,
        }
    }

    async fn real(pool_id: String) -> Self {
        let region = env("CONFORMANCE_REGION")
            .unwrap_or_else(|| pool_id.split('_').next().unwrap_or("us-east-1").to_owned());
        let endpoint = env("CONFORMANCE_ENDPOINT");
        let sdk = sdk_client(endpoint.as_deref(), &region).await;
        let need = |name: &str| {
            env(name).unwrap_or_else(|| panic!("{name} must be set with CONFORMANCE_POOL_ID"))
        };
        Self {
            sdk,
            pool_id,
            public_client: need("CONFORMANCE_PUBLIC_CLIENT_ID"),
            secret_client: (
                need("CONFORMANCE_SECRET_CLIENT_ID"),
                need("CONFORMANCE_SECRET_CLIENT_SECRET"),
            ),
            legacy_client: need("CONFORMANCE_LEGACY_CLIENT_ID"),
            endpoint: endpoint
                .unwrap_or_else(|| format!("https://cognito-idp.{region}.amazonaws.com")),
            emulator: None,
        }
    }

    async fn emulator() -> Self {
        let config = EmulatorConfig::development().expect("dev.toml");
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let endpoint = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("bound").port()
        );
        let options = Options {
            public_url: Some(endpoint.clone()),
            // Lockouts last a second: a stopped clock keeps that from racing real time.
            clock: cognito_emulator::clock::Clock::stopped(),
            ..Options::for_tests()
        };
        let running = cognito_emulator::spawn(&config, &options, listener).expect("emulator");
        let sdk = sdk_client(Some(&endpoint), &config.pool.region).await;
        let pool_id = config.pool.id.clone();
        let create = |name: &'static str, secret: bool, legacy: bool| {
            let sdk = sdk.clone();
            let pool_id = pool_id.clone();
            async move {
                sdk.create_user_pool_client()
                    .user_pool_id(pool_id)
                    .client_name(name)
                    .generate_secret(secret)
                    .set_explicit_auth_flows(Some(flows()))
                    .prevent_user_existence_errors(if legacy {
                        "LEGACY".into()
                    } else {
                        "ENABLED".into()
                    })
                    .send()
                    .await
                    .expect("CreateUserPoolClient")
                    .user_pool_client
                    .expect("the client")
            }
        };
        let public = create("conformance-public", false, false).await;
        let secret = create("conformance-secret", true, false).await;
        let legacy = create("conformance-legacy", false, true).await;
        Self {
            sdk,
            pool_id,
            public_client: public.client_id.expect("id"),
            secret_client: (
                secret.client_id.expect("id"),
                secret.client_secret.expect("secret"),
            ),
            legacy_client: legacy.client_id.expect("id"),
            endpoint,
            emulator: Some(running),
        }
    }

    /// A username no earlier test used.
    pub fn fresh_username(&self) -> String {
        format!("sdk-{}@example.com", uuid::Uuid::new_v4().simple())
    }

    /// A confirmed user with a permanent password (`AdminCreateUser`, then `AdminSetUserPassword`).
    pub async fn confirmed_user(&self) -> String {
        let username = self.fresh_username();
        self.sdk
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(&username)
            .user_attributes(attribute("email", &username))
            .user_attributes(attribute("email_verified", "true"))
            .message_action("SUPPRESS".into())
            .send()
            .await
            .expect("AdminCreateUser");
        self.sdk
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(&username)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
        username
    }

    /// `AdminInitiateAuth` with ADMIN_USER_PASSWORD_AUTH on the public client.
    pub async fn admin_sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<aws_sdk_cognitoidentityprovider::types::AuthenticationResultType, String> {
        self.sdk
            .admin_initiate_auth()
            .user_pool_id(&self.pool_id)
            .client_id(&self.public_client)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password)
            .send()
            .await
            .map_err(|e| exception(&e))?
            .authentication_result
            .ok_or_else(|| "no tokens but a challenge".to_owned())
    }

    /// `AdminGetUser`.
    pub async fn admin_get_user(
        &self,
        username: &str,
    ) -> Result<
        aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput,
        String,
    > {
        self.sdk
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .map_err(|e| exception(&e))
    }

    /// The code "emailed" to a user: only the emulator can tell (`None` on AWS).
    pub fn code_for(&self, username: &str) -> Option<String> {
        self.emulator.as_ref()?.admin().pending_code(username)
    }
}

pub fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("name is set")
}

/// `Exception: message` of an SDK error.
pub fn exception<E: ProvideErrorMetadata>(error: &E) -> String {
    format!(
        "{}: {}",
        error.code().unwrap_or("(no code)"),
        error.message().unwrap_or("")
    )
}

/// The exception name of a failed call, or a panic naming what succeeded.
pub fn refused<T: std::fmt::Debug, E: ProvideErrorMetadata>(result: Result<T, E>) -> String {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(error) => exception(&error),
    }
}
