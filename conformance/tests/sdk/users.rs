//! The admin user actions and ListUsers.

use crate::target::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, UserStatusType};

async fn status(t: &Target, username: &str) -> String {
    t.admin_get_user(username)
        .await
        .expect("AdminGetUser")
        .user_status
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default()
}

async fn sign_in(t: &Target, username: &str) -> Result<(), String> {
    t.admin_sign_in(username, PASSWORD).await.map(|_| ())
}

#[actix_web::test]
async fn admin_create_user_starts_in_force_change_password_and_duplicates_exist() {
    let t = Target::new().await;
    let username = t.fresh_username();
    let created = t
        .sdk
        .admin_create_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .user_attributes(attribute("email", &username))
        .send()
        .await
        .expect("AdminCreateUser")
        .user
        .expect("user");
    assert_eq!(
        created.user_status,
        Some(UserStatusType::ForceChangePassword)
    );
    assert!(created.enabled);
    assert!(created.user_create_date.is_some());
    if let Some(emulator) = &t.emulator {
        assert!(
            emulator.admin().temporary_password(&username).is_some(),
            "the invitation was 'sent' with a generated password"
        );
    }
    let again = t
        .sdk
        .admin_create_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await;
    assert_eq!(
        refused(again),
        "UsernameExistsException: User account already exists"
    );
    let weak = t
        .sdk
        .admin_create_user()
        .user_pool_id(&t.pool_id)
        .username(t.fresh_username())
        .temporary_password("weak")
        .send()
        .await;
    assert!(refused(weak).starts_with("InvalidPasswordException"));
}

#[actix_web::test]
async fn get_set_password_update_attributes_and_delete() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    assert_eq!(status(&t, &username).await, "CONFIRMED");
    t.sdk
        .admin_update_user_attributes()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .user_attributes(attribute("name", "Ada Lovelace"))
        .send()
        .await
        .expect("AdminUpdateUserAttributes");
    let user = t.admin_get_user(&username).await.expect("AdminGetUser");
    let attributes = user.user_attributes.unwrap_or_default();
    let value = |name: &str| {
        attributes
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.value.clone())
    };
    assert_eq!(value("name").as_deref(), Some("Ada Lovelace"));
    assert_eq!(value("email").as_deref(), Some(username.as_str()));
    assert!(value("sub").is_some());
    let immutable = t
        .sdk
        .admin_update_user_attributes()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .user_attributes(attribute("sub", "mine"))
        .send()
        .await;
    assert!(refused(immutable).starts_with("InvalidParameterException"));
    t.sdk
        .admin_set_user_password()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .password("Another-Passw0rd!")
        .permanent(false)
        .send()
        .await
        .expect("temporary password");
    assert_eq!(status(&t, &username).await, "FORCE_CHANGE_PASSWORD");
    t.sdk
        .admin_delete_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await
        .expect("AdminDeleteUser");
    let gone = t
        .sdk
        .admin_get_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await;
    assert_eq!(refused(gone), "UserNotFoundException: User does not exist.");
}

#[actix_web::test]
async fn a_disabled_user_cannot_sign_in_until_enabled() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    t.sdk
        .admin_disable_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await
        .expect("AdminDisableUser");
    assert_eq!(
        sign_in(&t, &username).await.expect_err("disabled"),
        "NotAuthorizedException: User is disabled."
    );
    t.sdk
        .admin_enable_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await
        .expect("AdminEnableUser");
    sign_in(&t, &username).await.expect("enabled again");
}

#[actix_web::test]
async fn admin_confirm_sign_up_and_admin_reset_user_password() {
    let t = Target::new().await;
    let username = t.fresh_username();
    t.sdk
        .sign_up()
        .client_id(&t.public_client)
        .username(&username)
        .password(PASSWORD)
        .user_attributes(attribute("email", &username))
        .send()
        .await
        .expect("SignUp");
    assert_eq!(
        sign_in(&t, &username).await.expect_err("unconfirmed"),
        "UserNotConfirmedException: User is not confirmed."
    );
    t.sdk
        .admin_confirm_sign_up()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await
        .expect("AdminConfirmSignUp");
    sign_in(&t, &username).await.expect("confirmed");
    let twice = t
        .sdk
        .admin_confirm_sign_up()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await;
    assert!(refused(twice).starts_with("NotAuthorizedException: User cannot be confirmed"));

    t.sdk
        .admin_update_user_attributes()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .expect("verified");
    t.sdk
        .admin_reset_user_password()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await
        .expect("AdminResetUserPassword");
    assert_eq!(status(&t, &username).await, "RESET_REQUIRED");
    assert_eq!(
        sign_in(&t, &username).await.expect_err("reset required"),
        "PasswordResetRequiredException: Password reset required for the user"
    );
}

#[actix_web::test]
async fn global_sign_out_ends_every_refresh_token() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let tokens = t.admin_sign_in(&username, PASSWORD).await.expect("sign-in");
    t.sdk
        .admin_user_global_sign_out()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await
        .expect("AdminUserGlobalSignOut");
    let refresh = t
        .sdk
        .initiate_auth()
        .client_id(&t.public_client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token.expect("refresh"))
        .send()
        .await;
    assert!(refused(refresh).starts_with("NotAuthorizedException"));
    let own = t
        .sdk
        .get_user()
        .access_token(tokens.access_token.expect("access"))
        .send()
        .await;
    assert!(
        refused(own).starts_with("NotAuthorizedException"),
        "the access token is refused too"
    );
}

#[actix_web::test]
async fn list_users_filters_by_equality_and_prefix_and_pages() {
    let t = Target::new().await;
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let mut names = Vec::new();
    for i in 0..3 {
        let username = format!("list-{tag}-{i}@example.com");
        t.sdk
            .admin_create_user()
            .user_pool_id(&t.pool_id)
            .username(&username)
            .user_attributes(attribute("email", &username))
            .message_action("SUPPRESS".into())
            .send()
            .await
            .expect("AdminCreateUser");
        names.push(username);
    }
    let exact = t
        .sdk
        .list_users()
        .user_pool_id(&t.pool_id)
        .filter(format!("email = \"{}\"", names[1]))
        .send()
        .await
        .expect("ListUsers");
    let found: Vec<String> = exact
        .users
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| u.username)
        .collect();
    assert_eq!(found, [names[1].clone()]);

    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = t
            .sdk
            .list_users()
            .user_pool_id(&t.pool_id)
            .filter(format!("email ^= \"list-{tag}\""))
            .limit(2)
            .set_pagination_token(token)
            .send()
            .await
            .expect("ListUsers page");
        let users = page.users.unwrap_or_default();
        assert!(users.len() <= 2);
        seen.extend(users.into_iter().filter_map(|u| u.username));
        token = page.pagination_token;
        if token.is_none() {
            break;
        }
    }
    seen.sort();
    assert_eq!(seen, names);
    let bad = t
        .sdk
        .list_users()
        .user_pool_id(&t.pool_id)
        .filter("favourite_colour = \"blue\"")
        .send()
        .await;
    assert!(refused(bad).starts_with("InvalidParameterException"));
}

#[actix_web::test]
async fn concurrent_admin_calls_on_one_user_lose_nothing() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let updates = (0..10).map(|i| {
        let (t, username) = (&t, &username);
        async move {
            t.sdk
                .admin_update_user_attributes()
                .user_pool_id(&t.pool_id)
                .username(username)
                .user_attributes(attribute(&format!("custom:n{i}"), &i.to_string()))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| exception(&e))
        }
    });
    for outcome in futures_util::future::join_all(updates).await {
        outcome.expect("each update succeeds");
    }
    let user = t.admin_get_user(&username).await.expect("AdminGetUser");
    let custom = user
        .user_attributes
        .unwrap_or_default()
        .iter()
        .filter(|a| a.name.starts_with("custom:n"))
        .count();
    assert_eq!(custom, 10, "every concurrent update is there");
}
