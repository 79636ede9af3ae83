//! SignUp and its confirmation, forgot password, and what a user does with
//! their own access token; RevokeToken and GetTokensFromRefreshToken.

use crate::target::*;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

async fn tokens(
    t: &Target,
    username: &str,
    password: &str,
) -> aws_sdk_cognitoidentityprovider::types::AuthenticationResultType {
    t.sdk
        .initiate_auth()
        .client_id(&t.public_client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .expect("sign-in")
        .authentication_result
        .expect("tokens")
}

#[actix_web::test]
async fn sign_up_is_confirmed_with_its_code_only() {
    let t = Target::new().await;
    let username = t.fresh_username();
    let weak = t
        .sdk
        .sign_up()
        .client_id(&t.public_client)
        .username(&username)
        .password("short")
        .user_attributes(attribute("email", &username))
        .send()
        .await;
    assert!(refused(weak).starts_with("InvalidPasswordException"));
    let signed_up = t
        .sdk
        .sign_up()
        .client_id(&t.public_client)
        .username(&username)
        .password(PASSWORD)
        .user_attributes(attribute("email", &username))
        .send()
        .await
        .expect("SignUp");
    assert!(!signed_up.user_confirmed);
    assert!(!signed_up.user_sub.is_empty());
    assert_eq!(
        signed_up
            .code_delivery_details
            .and_then(|d| d.destination)
            .as_deref(),
        Some("s***@e***")
    );
    let again = t
        .sdk
        .sign_up()
        .client_id(&t.public_client)
        .username(&username)
        .password(PASSWORD)
        .user_attributes(attribute("email", &username))
        .send()
        .await;
    assert!(refused(again).starts_with("UsernameExistsException"));
    let wrong = t
        .sdk
        .confirm_sign_up()
        .client_id(&t.public_client)
        .username(&username)
        .confirmation_code("000000x")
        .send()
        .await;
    assert_eq!(
        refused(wrong),
        "CodeMismatchException: Invalid verification code provided, please try again."
    );
    t.sdk
        .resend_confirmation_code()
        .client_id(&t.public_client)
        .username(&username)
        .send()
        .await
        .expect("ResendConfirmationCode");
    let Some(code) = t.code_for(&username) else {
        return; // A real pool mails the code: the rest needs the emulator's handle.
    };
    t.sdk
        .confirm_sign_up()
        .client_id(&t.public_client)
        .username(&username)
        .confirmation_code(code)
        .send()
        .await
        .expect("ConfirmSignUp");
    assert!(tokens(&t, &username, PASSWORD).await.access_token.is_some());
}

#[actix_web::test]
async fn forgot_password_resets_it_with_the_code() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let sent = t
        .sdk
        .forgot_password()
        .client_id(&t.public_client)
        .username(&username)
        .send()
        .await
        .expect("ForgotPassword");
    assert_eq!(
        sent.code_delivery_details
            .and_then(|d| d.delivery_medium)
            .map(|m| m.as_str().to_owned())
            .as_deref(),
        Some("EMAIL")
    );
    let wrong = t
        .sdk
        .confirm_forgot_password()
        .client_id(&t.public_client)
        .username(&username)
        .confirmation_code("000000x")
        .password("Brand-N3w-pass!")
        .send()
        .await;
    assert!(refused(wrong).starts_with("CodeMismatchException"));
    let Some(code) = t.code_for(&username) else {
        return;
    };
    t.sdk
        .confirm_forgot_password()
        .client_id(&t.public_client)
        .username(&username)
        .confirmation_code(code)
        .password("Brand-N3w-pass!")
        .send()
        .await
        .expect("ConfirmForgotPassword");
    assert!(tokens(&t, &username, "Brand-N3w-pass!")
        .await
        .access_token
        .is_some());
}

#[actix_web::test]
async fn a_user_reads_and_changes_themselves_then_signs_out_and_leaves() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let access = tokens(&t, &username, PASSWORD)
        .await
        .access_token
        .expect("access");
    let me = t
        .sdk
        .get_user()
        .access_token(&access)
        .send()
        .await
        .expect("GetUser");
    assert_eq!(me.username, username);
    t.sdk
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("name", "Grace"))
        .send()
        .await
        .expect("UpdateUserAttributes");
    let wrong = t
        .sdk
        .change_password()
        .access_token(&access)
        .previous_password("Wrong-Passw0rd!")
        .proposed_password("Changed-Passw0rd!")
        .send()
        .await;
    assert!(refused(wrong).starts_with("NotAuthorizedException"));
    t.sdk
        .change_password()
        .access_token(&access)
        .previous_password(PASSWORD)
        .proposed_password("Changed-Passw0rd!")
        .send()
        .await
        .expect("ChangePassword");
    let fresh = tokens(&t, &username, "Changed-Passw0rd!").await;
    t.sdk
        .global_sign_out()
        .access_token(fresh.access_token.clone().expect("access"))
        .send()
        .await
        .expect("GlobalSignOut");
    let after = t
        .sdk
        .get_user()
        .access_token(fresh.access_token.expect("access"))
        .send()
        .await;
    assert!(refused(after).starts_with("NotAuthorizedException"));
    let last = tokens(&t, &username, "Changed-Passw0rd!")
        .await
        .access_token
        .expect("access");
    t.sdk
        .delete_user()
        .access_token(&last)
        .send()
        .await
        .expect("DeleteUser");
    let garbage = t.sdk.get_user().access_token("not.a.token").send().await;
    assert!(refused(garbage).starts_with("NotAuthorizedException"));
}

#[actix_web::test]
async fn get_tokens_from_refresh_token_refreshes_and_revoke_token_ends_it() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let refresh = tokens(&t, &username, PASSWORD)
        .await
        .refresh_token
        .expect("refresh");
    let via_refresh = t
        .sdk
        .get_tokens_from_refresh_token()
        .client_id(&t.public_client)
        .refresh_token(&refresh)
        .send()
        .await
        .expect("GetTokensFromRefreshToken");
    assert!(via_refresh
        .authentication_result
        .and_then(|r| r.access_token)
        .is_some());
    t.sdk
        .revoke_token()
        .client_id(&t.public_client)
        .token(&refresh)
        .send()
        .await
        .expect("RevokeToken");
    let after = t
        .sdk
        .get_tokens_from_refresh_token()
        .client_id(&t.public_client)
        .refresh_token(&refresh)
        .send()
        .await;
    assert!(refused(after).starts_with("NotAuthorizedException"));
    let access = tokens(&t, &username, PASSWORD)
        .await
        .access_token
        .expect("access");
    let wrong_kind = t
        .sdk
        .revoke_token()
        .client_id(&t.public_client)
        .token(access)
        .send()
        .await;
    assert!(refused(wrong_kind).starts_with("UnsupportedTokenTypeException"));
}

#[actix_web::test]
async fn with_rotation_on_a_refresh_returns_a_new_refresh_token_and_retires_the_old() {
    use aws_sdk_cognitoidentityprovider::types::{
        ExplicitAuthFlowsType, FeatureType, RefreshTokenRotationType,
    };
    let t = Target::new().await;
    let client = t
        .sdk
        .create_user_pool_client()
        .user_pool_id(&t.pool_id)
        .client_name("rotating")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Enabled)
                .build()
                .expect("rotation"),
        )
        .send()
        .await
        .expect("client")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("id");
    let username = t.confirmed_user().await;
    let first = t
        .sdk
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &username)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("sign-in")
        .authentication_result
        .and_then(|r| r.refresh_token)
        .expect("refresh token");
    let rotated = t
        .sdk
        .get_tokens_from_refresh_token()
        .client_id(&client)
        .refresh_token(&first)
        .send()
        .await
        .expect("GetTokensFromRefreshToken")
        .authentication_result
        .and_then(|r| r.refresh_token)
        .expect("a new refresh token");
    assert_ne!(rotated, first);
    let old = t
        .sdk
        .get_tokens_from_refresh_token()
        .client_id(&client)
        .refresh_token(&first)
        .send()
        .await;
    assert!(
        refused(old).starts_with("NotAuthorizedException"),
        "the old one is retired"
    );
}
