//! User administration (`/admin/users`), for members of the `admin` group.

use serde::{Deserialize, Serialize};

/// One user of the pool, as the admin page lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminUserSummary {
    pub username: String,
    pub email: Option<String>,
    /// Cognito's status: `CONFIRMED`, `FORCE_CHANGE_PASSWORD`, `UNCONFIRMED`, …
    pub status: String,
    pub enabled: bool,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub modified: String,
}

/// One user with their groups (`GET /admin/users/{username}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminUser {
    #[serde(flatten)]
    pub summary: AdminUserSummary,
    pub sub: Option<String>,
    pub email_verified: bool,
    pub groups: Vec<String>,
}

/// A page of users (`GET /admin/users?search=&page=`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminUserPage {
    pub users: Vec<AdminUserSummary>,
    /// Pass as `page` for the next page; absent on the last one.
    pub next_page: Option<String>,
}

/// `POST /admin/users`: invite a colleague by email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InviteRequest {
    /// `local@domain.tld`, at most 254 characters (trimmed, lower-cased).
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
}
