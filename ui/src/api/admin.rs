//! `/admin/users`: user administration, for the `admin` group.

use super::client::{ApiClient, ApiError};
use gloo_net::http::Method;
use shared::admin::{AdminUser, AdminUserPage, InviteRequest};

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
    api.get(&user_path(username)).await
}

pub async fn invite(api: &ApiClient, email: &str) -> Result<AdminUser, ApiError> {
    let body = InviteRequest {
        email: email.to_owned(),
    };
    api.send(Method::POST, "/admin/users", &body).await
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
