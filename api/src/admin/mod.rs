//! User administration through the official AWS SDK for Rust: the pool's
//! admin actions, with credentials from the default provider chain (the
//! Lambda role on AWS) or, against the emulator, static development ones.

use crate::config::CognitoSettings;
use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType, UserType};
use aws_sdk_cognitoidentityprovider::Client;
use shared::admin::{AdminUser, AdminUserPage, AdminUserSummary};
use std::time::Duration;

/// Users per page of `GET /admin/users`.
const PAGE_SIZE: i32 = 20;

/// Why an admin call failed, in the API's terms.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("no such user")]
    UserNotFound,
    #[error("no such group")]
    GroupNotFound,
    #[error("a user with that email already exists")]
    UserExists,
    #[error("{0}")]
    Invalid(String),
    /// Unreachable, timed out, throttled or 5xx: nothing was changed that we know of.
    #[error("{0}")]
    Unavailable(String),
    /// Refused for a reason that is ours (credentials, permissions, configuration).
    #[error("{0}")]
    Refused(String),
}

impl<E: ProvideErrorMetadata + std::fmt::Debug> From<SdkError<E, HttpResponse>> for DirectoryError {
    fn from(error: SdkError<E, HttpResponse>) -> Self {
        let code = error.code().unwrap_or_default().to_owned();
        let message = error.message().unwrap_or_default().to_owned();
        match (&error, code.as_str()) {
            (SdkError::ServiceError(_), "UserNotFoundException") => Self::UserNotFound,
            (SdkError::ServiceError(_), "ResourceNotFoundException") => Self::GroupNotFound,
            (SdkError::ServiceError(_), "UsernameExistsException" | "AliasExistsException") => {
                Self::UserExists
            }
            (
                SdkError::ServiceError(_),
                "InvalidParameterException" | "InvalidPasswordException",
            ) => Self::Invalid(message),
            (
                SdkError::ServiceError(_),
                "TooManyRequestsException" | "InternalErrorException" | "LimitExceededException",
            ) => Self::Unavailable(format!("{code}: {message}")),
            (SdkError::ServiceError(ctx), _) if ctx.raw().status().is_server_error() => {
                Self::Unavailable(format!("{code}: {message}"))
            }
            (SdkError::ServiceError(_), _) => Self::Refused(format!("{code}: {message}")),
            // Dispatch failures, timeouts, unreadable answers, 5xx without a body.
            (other, _) => Self::Unavailable(format!("{other:?}")),
        }
    }
}

/// The pool's users, through the SDK.
#[derive(Clone)]
pub(crate) struct Directory {
    client: Client,
    pool_id: String,
}

impl Directory {
    /// An SDK client for the configured pool; `COGNITO_ENDPOINT` overrides AWS's endpoint.
    pub(crate) async fn new(cognito: &CognitoSettings, timeout: Duration) -> Self {
        let timeouts = aws_config::timeout::TimeoutConfig::builder()
            .operation_timeout(timeout)
            .connect_timeout(timeout)
            .build();
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(cognito.region.clone()))
            .timeout_config(timeouts)
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2));
        if let Some(endpoint) = &cognito.endpoint {
            // The emulator checks no signature. Development values, not credentials.
            loader = loader.endpoint_url(endpoint).credentials_provider(
                aws_sdk_cognitoidentityprovider::config::Credentials::new(
                    "emulator", "emulator", None, None, "emulator",
                ),
            );
        }
        Self {
            client: Client::new(&loader.load().await),
            pool_id: cognito.pool_id.clone(),
        }
    }

    /// `ListUsers`: a page, optionally of emails starting with `search`.
    pub(crate) async fn list(
        &self,
        search: Option<&str>,
        page: Option<String>,
    ) -> Result<AdminUserPage, DirectoryError> {
        let filter = search.filter(|s| !s.is_empty()).map(|s| {
            format!(
                "email ^= \"{}\"",
                s.replace('\\', "\\\\").replace('"', "\\\"")
            )
        });
        let listed = self
            .client
            .list_users()
            .user_pool_id(&self.pool_id)
            .set_filter(filter)
            .limit(PAGE_SIZE)
            .set_pagination_token(page)
            .send()
            .await?;
        Ok(AdminUserPage {
            users: listed.users().iter().map(summary).collect(),
            next_page: listed.pagination_token,
        })
    }

    /// `AdminGetUser` and `AdminListGroupsForUser`.
    pub(crate) async fn get(&self, username: &str) -> Result<AdminUser, DirectoryError> {
        let user = self
            .client
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await?;
        let groups = self
            .client
            .admin_list_groups_for_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .limit(60)
            .send()
            .await?;
        let attributes = user.user_attributes();
        Ok(AdminUser {
            summary: AdminUserSummary {
                username: user.username.clone(),
                email: attribute(attributes, "email"),
                status: user
                    .user_status
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                enabled: user.enabled,
                created: rfc3339(user.user_create_date.as_ref()),
                modified: rfc3339(user.user_last_modified_date.as_ref()),
            },
            sub: attribute(attributes, "sub"),
            email_verified: attribute(attributes, "email_verified").as_deref() == Some("true"),
            groups: groups
                .groups()
                .iter()
                .filter_map(|g| g.group_name.clone())
                .collect(),
        })
    }

    /// `AdminCreateUser`: the email as username, verified, and a temporary
    /// password that Cognito generates and emails.
    pub(crate) async fn invite(&self, email: &str) -> Result<AdminUser, DirectoryError> {
        let email_attribute = |name: &str, value: &str| {
            AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .map_err(|e| DirectoryError::Invalid(e.to_string()))
        };
        self.client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(email)
            .user_attributes(email_attribute("email", email)?)
            .user_attributes(email_attribute("email_verified", "true")?)
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await?;
        self.get(email).await
    }

    /// `AdminAddUserToGroup` (`member`) or `AdminRemoveUserFromGroup`.
    pub(crate) async fn set_membership(
        &self,
        username: &str,
        group: &str,
        member: bool,
    ) -> Result<(), DirectoryError> {
        if member {
            self.client
                .admin_add_user_to_group()
                .user_pool_id(&self.pool_id)
                .username(username)
                .group_name(group)
                .send()
                .await?;
        } else {
            self.client
                .admin_remove_user_from_group()
                .user_pool_id(&self.pool_id)
                .username(username)
                .group_name(group)
                .send()
                .await?;
        }
        Ok(())
    }

    /// `AdminEnableUser` / `AdminDisableUser`.
    pub(crate) async fn set_enabled(
        &self,
        username: &str,
        enabled: bool,
    ) -> Result<(), DirectoryError> {
        if enabled {
            self.client
                .admin_enable_user()
                .user_pool_id(&self.pool_id)
                .username(username)
                .send()
                .await?;
        } else {
            self.client
                .admin_disable_user()
                .user_pool_id(&self.pool_id)
                .username(username)
                .send()
                .await?;
        }
        Ok(())
    }

    /// `AdminUserGlobalSignOut`: every refresh token of the user is revoked.
    pub(crate) async fn sign_out_everywhere(&self, username: &str) -> Result<(), DirectoryError> {
        self.client
            .admin_user_global_sign_out()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await?;
        Ok(())
    }

    /// `AdminDeleteUser`.
    pub(crate) async fn delete(&self, username: &str) -> Result<(), DirectoryError> {
        self.client
            .admin_delete_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await?;
        Ok(())
    }
}

fn attribute(attributes: &[AttributeType], name: &str) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.name == name)
        .and_then(|a| a.value.clone())
}

fn rfc3339(date: Option<&aws_sdk_cognitoidentityprovider::primitives::DateTime>) -> String {
    use aws_sdk_cognitoidentityprovider::primitives::DateTimeFormat;
    date.and_then(|d| d.fmt(DateTimeFormat::DateTime).ok())
        .unwrap_or_default()
}

fn summary(user: &UserType) -> AdminUserSummary {
    AdminUserSummary {
        username: user.username.clone().unwrap_or_default(),
        email: attribute(user.attributes(), "email"),
        status: user
            .user_status
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        enabled: user.enabled,
        created: rfc3339(user.user_create_date.as_ref()),
        modified: rfc3339(user.user_last_modified_date.as_ref()),
    }
}
