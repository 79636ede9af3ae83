//! User pools and app clients as the API manages them.

use crate::target::*;
use aws_sdk_cognitoidentityprovider::types::{
    OAuthFlowType, TimeUnitsType, TokenValidityUnitsType,
};

#[actix_web::test]
async fn pools_are_created_described_listed_and_deleted_each_with_its_own_keys() {
    let t = Target::new().await;
    let created = t
        .sdk
        .create_user_pool()
        .pool_name("conformance-pool")
        .send()
        .await
        .expect("CreateUserPool")
        .user_pool
        .expect("pool");
    let id = created.id.expect("id");
    assert!(id.contains('_'), "{id}");
    let described = t
        .sdk
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .expect("DescribeUserPool");
    assert_eq!(
        described.user_pool.and_then(|p| p.name).as_deref(),
        Some("conformance-pool")
    );
    let listed = t
        .sdk
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .expect("ListUserPools");
    assert!(listed
        .user_pools
        .unwrap_or_default()
        .iter()
        .any(|p| p.id.as_deref() == Some(id.as_str())));
    if t.emulator.is_some() {
        let jwks: serde_json::Value = cognito_emulator::testing::get_json(
            &reqwest::Client::new(),
            &format!("{}/{id}/.well-known/jwks.json", t.endpoint),
        )
        .await;
        let dev: serde_json::Value = cognito_emulator::testing::get_json(
            &reqwest::Client::new(),
            &format!("{}/{}/.well-known/jwks.json", t.endpoint, t.pool_id),
        )
        .await;
        assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(2));
        assert_ne!(
            jwks["keys"][0]["kid"], dev["keys"][0]["kid"],
            "its own keys"
        );
    }
    t.sdk
        .delete_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .expect("DeleteUserPool");
    let gone = t.sdk.describe_user_pool().user_pool_id(&id).send().await;
    assert_eq!(
        refused(gone),
        format!("ResourceNotFoundException: User pool {id} does not exist.")
    );
}

#[actix_web::test]
async fn clients_are_created_with_secrets_described_replaced_listed_and_deleted() {
    let t = Target::new().await;
    let created = t
        .sdk
        .create_user_pool_client()
        .user_pool_id(&t.pool_id)
        .client_name("conformance-app")
        .generate_secret(true)
        .callback_urls("https://app.example.com/signin")
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_flows_user_pool_client(true)
        .access_token_validity(15)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .build(),
        )
        .send()
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .expect("client");
    let id = created.client_id.expect("id");
    assert!(created.client_secret.is_some_and(|s| s.len() > 20));
    assert_eq!(created.access_token_validity, Some(15));
    let described = t
        .sdk
        .describe_user_pool_client()
        .user_pool_id(&t.pool_id)
        .client_id(&id)
        .send()
        .await
        .expect("DescribeUserPoolClient")
        .user_pool_client
        .expect("client");
    assert_eq!(
        described.callback_urls.unwrap_or_default(),
        ["https://app.example.com/signin"]
    );
    let updated = t
        .sdk
        .update_user_pool_client()
        .user_pool_id(&t.pool_id)
        .client_id(&id)
        .client_name("renamed")
        .send()
        .await
        .expect("UpdateUserPoolClient")
        .user_pool_client
        .expect("client");
    assert_eq!(updated.client_name.as_deref(), Some("renamed"));
    assert!(
        updated.callback_urls.unwrap_or_default().is_empty(),
        "an update replaces the whole client"
    );
    let listed = t
        .sdk
        .list_user_pool_clients()
        .user_pool_id(&t.pool_id)
        .send()
        .await
        .expect("ListUserPoolClients");
    assert!(listed
        .user_pool_clients
        .unwrap_or_default()
        .iter()
        .any(|c| c.client_id.as_deref() == Some(id.as_str())));
    let too_long = t
        .sdk
        .create_user_pool_client()
        .user_pool_id(&t.pool_id)
        .client_name("too-long")
        .access_token_validity(2)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Days)
                .build(),
        )
        .send()
        .await;
    assert!(refused(too_long).starts_with("InvalidParameterException"));
    t.sdk
        .delete_user_pool_client()
        .user_pool_id(&t.pool_id)
        .client_id(&id)
        .send()
        .await
        .expect("DeleteUserPoolClient");
    let gone = t
        .sdk
        .describe_user_pool_client()
        .user_pool_id(&t.pool_id)
        .client_id(&id)
        .send()
        .await;
    assert!(refused(gone).starts_with("ResourceNotFoundException"));
}
