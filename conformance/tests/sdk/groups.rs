//! Groups and membership; a user's groups reach `cognito:groups`.

use crate::target::*;

#[actix_web::test]
async fn groups_are_created_listed_joined_left_and_deleted() {
    let t = Target::new().await;
    let group = format!("g-{}", uuid::Uuid::new_v4().simple());
    let created = t
        .sdk
        .create_group()
        .user_pool_id(&t.pool_id)
        .group_name(&group)
        .description("conformance")
        .precedence(3)
        .send()
        .await
        .expect("CreateGroup")
        .group
        .expect("group");
    assert_eq!(created.group_name.as_deref(), Some(group.as_str()));
    assert_eq!(created.precedence, Some(3));
    let twice = t
        .sdk
        .create_group()
        .user_pool_id(&t.pool_id)
        .group_name(&group)
        .send()
        .await;
    assert_eq!(
        refused(twice),
        "GroupExistsException: A group with the name already exists."
    );
    let got = t
        .sdk
        .get_group()
        .user_pool_id(&t.pool_id)
        .group_name(&group)
        .send()
        .await
        .expect("GetGroup");
    assert_eq!(
        got.group.and_then(|g| g.description).as_deref(),
        Some("conformance")
    );
    let listed = t
        .sdk
        .list_groups()
        .user_pool_id(&t.pool_id)
        .send()
        .await
        .expect("ListGroups");
    assert!(listed
        .groups
        .unwrap_or_default()
        .iter()
        .any(|g| g.group_name.as_deref() == Some(group.as_str())));

    let username = t.confirmed_user().await;
    t.sdk
        .admin_add_user_to_group()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .group_name(&group)
        .send()
        .await
        .expect("AdminAddUserToGroup");
    let members = t
        .sdk
        .list_users_in_group()
        .user_pool_id(&t.pool_id)
        .group_name(&group)
        .send()
        .await
        .expect("ListUsersInGroup");
    let member_names: Vec<String> = members
        .users
        .unwrap_or_default()
        .iter()
        .filter_map(|u| u.username.clone())
        .collect();
    assert_eq!(member_names, std::slice::from_ref(&username));
    let of_user = t
        .sdk
        .admin_list_groups_for_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .send()
        .await
        .expect("AdminListGroupsForUser");
    assert_eq!(of_user.groups.unwrap_or_default().len(), 1);
    let token = t
        .admin_sign_in(&username, PASSWORD)
        .await
        .expect("sign-in")
        .access_token
        .expect("access token");
    assert!(token_groups(&token).contains(&group));

    t.sdk
        .admin_remove_user_from_group()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .group_name(&group)
        .send()
        .await
        .expect("AdminRemoveUserFromGroup");
    t.sdk
        .delete_group()
        .user_pool_id(&t.pool_id)
        .group_name(&group)
        .send()
        .await
        .expect("DeleteGroup");
    let gone = t
        .sdk
        .get_group()
        .user_pool_id(&t.pool_id)
        .group_name(&group)
        .send()
        .await;
    assert!(refused(gone).starts_with("ResourceNotFoundException"));
    let join_missing = t
        .sdk
        .admin_add_user_to_group()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .group_name(&group)
        .send()
        .await;
    assert!(refused(join_missing).starts_with("ResourceNotFoundException"));
}

fn token_groups(jwt: &str) -> Vec<String> {
    use base64::Engine;
    let part = jwt.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    let claims: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    serde_json::from_value(claims["cognito:groups"].clone()).unwrap_or_default()
}
