//! `/admin/users`: user administration, for the `admin` group.

use super::client::{ApiClient, ApiError};
use gloo_net::http::Method;
use serde::Deserialize;
use shared::admin::{AdminUser, AdminUserPage, AdminUserSummary, InviteRequest};

/// [`AdminUser`] as the API sends it, read without `#[serde(flatten)]`:
/// the same fields, but flatten compiles serde's buffering deserialiser
/// (its `Content` machinery) into the bundle for this one type.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdminUserWire {
    username: String,
    email: Option<String>,
    status: String,
    enabled: bool,
    created: String,
    modified: String,
    sub: Option<String>,
    email_verified: bool,
    groups: Vec<String>,
}

impl From<AdminUserWire> for AdminUser {
    fn from(wire: AdminUserWire) -> Self {
        Self {
            summary: AdminUserSummary {
                username: wire.username,
                email: wire.email,
                status: wire.status,
                enabled: wire.enabled,
                created: wire.created,
                modified: wire.modified,
            },
            sub: wire.sub,
            email_verified: wire.email_verified,
            groups: wire.groups,
        }
    }
}

/// A path segment or query value, percent-encoded.
fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

fn user_path(username: &str) -> String {
    format!("/admin/users/{}", encode(username))
}

pub async fn users(
    api: &ApiClient,
    search: &str,
    page: Option<&str>,
) -> Result<AdminUserPage, ApiError> {
    let mut path = format!("/admin/users?search={}", encode(search));
    if let Some(page) = page {
        path.push_str(&format!("&page={}", encode(page)));
    }
    api.get(&path).await
}

pub async fn user(api: &ApiClient, username: &str) -> Result<AdminUser, ApiError> {
    let wire: AdminUserWire = api.get(&user_path(username)).await?;
    Ok(wire.into())
}

pub async fn invite(api: &ApiClient, email: &str) -> Result<AdminUser, ApiError> {
    let body = InviteRequest {
        email: email.to_owned(),
    };
    let wire: AdminUserWire = api.send(Method::POST, "/admin/users", &body).await?;
    Ok(wire.into())
}

pub async fn set_group(
    api: &ApiClient,
    username: &str,
    group: &str,
    member: bool,
) -> Result<(), ApiError> {
    let method = if member { Method::PUT } else { Method::DELETE };
    let path = format!("{}/groups/{}", user_path(username), encode(group));
    api.send_no_content::<()>(method, &path, None).await
}

/// `disable`, `enable` or `signout`.
pub async fn act(api: &ApiClient, username: &str, action: &str) -> Result<(), ApiError> {
    let path = format!("{}/{action}", user_path(username));
    api.send_no_content::<()>(Method::POST, &path, None).await
}

pub async fn delete(api: &ApiClient, username: &str) -> Result<(), ApiError> {
    api.send_no_content::<()>(Method::DELETE, &user_path(username), None)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire type reads what the flattened `AdminUser` reads, the same way:
    /// absent options are `None`, unknown fields are ignored, a missing
    /// field is refused (through `crate::json`: serde_json here, the
    /// browser's JSON and serde-wasm-bindgen in a wasm build).
    #[test]
    fn the_wire_type_reads_as_the_shared_type_does() {
        let full = r#"{"username":"ada","email":"ada@example.com","status":"CONFIRMED",
            "enabled":true,"created":"2025-01-02T03:04:05Z","modified":"2025-01-03T00:00:00Z",
            "sub":"s-1","emailVerified":true,"groups":["admin"],"extra":1}"#;
        let bare = r#"{"username":"bo","status":"FORCE_CHANGE_PASSWORD","enabled":false,
            "created":"c","modified":"m","emailVerified":false,"groups":[]}"#;
        for text in [full, bare] {
            let shared: AdminUser = crate::json::from_str(text).expect("shared");
            let wire: AdminUserWire = crate::json::from_str(text).expect("wire");
            assert_eq!(AdminUser::from(wire), shared);
        }
        let missing = r#"{"username":"bo","status":"x","enabled":false,"created":"c",
            "modified":"m","groups":[]}"#;
        assert!(crate::json::from_str::<AdminUser>(missing).is_err());
        assert!(crate::json::from_str::<AdminUserWire>(missing).is_err());
    }
}
