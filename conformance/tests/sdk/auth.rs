//! Sign-in: USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH with
//! PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, REFRESH_TOKEN_AUTH, SECRET_HASH,
//! ExplicitAuthFlows and PreventUserExistenceErrors.

use crate::target::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use cognito_emulator::testing::{secret_hash, srp_timestamp, SrpClient};
use std::collections::HashMap;

fn payload(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

async fn password_auth(
    t: &Target,
    client: &str,
    username: &str,
    password: &str,
) -> Result<aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput, String> {
    t.sdk
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| exception(&e))
}

#[actix_web::test]
async fn user_password_auth_issues_tokens_and_a_wrong_password_is_not_authorized() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let signed_in = password_auth(&t, &t.public_client, &username, PASSWORD)
        .await
        .expect("signed in");
    let result = signed_in.authentication_result.expect("tokens");
    let access = payload(result.access_token.as_deref().expect("access token"));
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], t.public_client.as_str());
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    let id = payload(result.id_token.as_deref().expect("id token"));
    assert_eq!(id["email"], username.as_str());
    assert!(result.refresh_token.is_some());
    assert_eq!(result.expires_in, 3600);
    assert_eq!(
        password_auth(&t, &t.public_client, &username, "Wrong-Passw0rd!")
            .await
            .expect_err("wrong"),
        "NotAuthorizedException: Incorrect username or password."
    );
}

#[actix_web::test]
async fn unknown_users_look_like_wrong_passwords_unless_the_client_is_legacy() {
    let t = Target::new().await;
    let nobody = t.fresh_username();
    assert_eq!(
        password_auth(&t, &t.public_client, &nobody, PASSWORD)
            .await
            .expect_err("unknown"),
        "NotAuthorizedException: Incorrect username or password."
    );
    let legacy = password_auth(&t, &t.legacy_client, &nobody, PASSWORD)
        .await
        .expect_err("unknown");
    assert!(legacy.starts_with("UserNotFoundException"), "{legacy}");
}

#[actix_web::test]
async fn a_client_with_a_secret_needs_the_secret_hash() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let (id, secret) = &t.secret_client;
    let without = password_auth(&t, id, &username, PASSWORD)
        .await
        .expect_err("no hash");
    assert_eq!(
        without,
        format!("NotAuthorizedException: Unable to verify secret hash for client {id}")
    );
    let with = t
        .sdk
        .initiate_auth()
        .client_id(id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &username)
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", secret_hash(secret, &username, id))
        .send()
        .await
        .expect("signed in with the hash");
    assert!(with.authentication_result.is_some());
    let wrong = t
        .sdk
        .initiate_auth()
        .client_id(id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &username)
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", secret_hash("not-the-secret", &username, id))
        .send()
        .await;
    assert!(refused(wrong).starts_with("NotAuthorizedException: Unable to verify secret hash"));
}

#[actix_web::test]
async fn a_flow_the_client_does_not_allow_is_refused() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let client = t
        .sdk
        .create_user_pool_client()
        .user_pool_id(&t.pool_id)
        .client_name("srp-only")
        .explicit_auth_flows("ALLOW_USER_SRP_AUTH".into())
        .send()
        .await
        .expect("client")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("id");
    let refused = password_auth(&t, &client, &username, PASSWORD)
        .await
        .expect_err("not allowed");
    assert_eq!(
        refused,
        "InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client"
    );
}

#[actix_web::test]
async fn admin_password_auth_and_refresh_token_auth() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let admin = t
        .admin_sign_in(&username, PASSWORD)
        .await
        .expect("admin sign-in");
    let refresh = admin.refresh_token.expect("refresh token");
    let refreshed = t
        .sdk
        .initiate_auth()
        .client_id(&t.public_client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await
        .expect("refreshed")
        .authentication_result
        .expect("tokens");
    assert!(refreshed.access_token.is_some());
    assert!(
        refreshed.refresh_token.is_none(),
        "no rotation: no new refresh token"
    );
    let bad = t
        .sdk
        .initiate_auth()
        .client_id(&t.public_client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", "not-a-refresh-token")
        .send()
        .await;
    assert_eq!(
        refused(bad),
        "NotAuthorizedException: Invalid Refresh Token"
    );
}

/// USER_SRP_AUTH through the SDK, the client half computed by the emulator's testing module.
async fn srp_sign_in(t: &Target, username: &str, password: &str) -> Result<aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput, String>{
    let srp = SrpClient::new();
    let started = t
        .sdk
        .initiate_auth()
        .client_id(&t.public_client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("SRP_A", srp.public_a())
        .send()
        .await
        .map_err(|e| exception(&e))?;
    assert_eq!(
        started.challenge_name,
        Some(ChallengeNameType::PasswordVerifier)
    );
    let params: HashMap<String, String> = started.challenge_parameters.expect("parameters");
    let user_id = &params["USER_ID_FOR_SRP"];
    let timestamp = srp_timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs(),
    );
    let signature = srp
        .signature(
            &t.pool_id,
            user_id,
            password,
            &params["SALT"],
            &params["SRP_B"],
            &params["SECRET_BLOCK"],
            &timestamp,
        )
        .expect("well-formed challenge");
    t.sdk
        .respond_to_auth_challenge()
        .client_id(&t.public_client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .session(started.session.unwrap_or_default())
        .challenge_responses("USERNAME", user_id)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &params["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .send()
        .await
        .map_err(|e| exception(&e))
}

#[actix_web::test]
async fn user_srp_auth_signs_in_with_the_right_password_only() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    let signed_in = srp_sign_in(&t, &username, PASSWORD)
        .await
        .expect("SRP sign-in");
    let tokens = signed_in.authentication_result.expect("tokens");
    assert_eq!(
        payload(tokens.access_token.as_deref().expect("access"))["username"],
        username.as_str()
    );
    assert_eq!(
        srp_sign_in(&t, &username, "Wrong-Passw0rd!")
            .await
            .expect_err("wrong password"),
        "NotAuthorizedException: Incorrect username or password."
    );
}

#[actix_web::test]
async fn a_temporary_password_leads_to_new_password_required() {
    let t = Target::new().await;
    let username = t.fresh_username();
    t.sdk
        .admin_create_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .temporary_password("Tempor4ry-pass!")
        .user_attributes(attribute("email", &username))
        .message_action("SUPPRESS".into())
        .send()
        .await
        .expect("AdminCreateUser");
    let challenged = password_auth(&t, &t.public_client, &username, "Tempor4ry-pass!")
        .await
        .expect("challenge");
    assert_eq!(
        challenged.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let params = challenged.challenge_parameters.expect("parameters");
    let attributes: serde_json::Value =
        serde_json::from_str(&params["userAttributes"]).expect("JSON");
    assert_eq!(attributes["email"], username.as_str());
    let required: Vec<String> = serde_json::from_str(&params["requiredAttributes"]).expect("JSON");
    assert!(required.is_empty());
    let weak = t
        .sdk
        .respond_to_auth_challenge()
        .client_id(&t.public_client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(challenged.session.clone().unwrap_or_default())
        .challenge_responses("USERNAME", &username)
        .challenge_responses("NEW_PASSWORD", "weak")
        .send()
        .await;
    assert!(refused(weak).starts_with("InvalidPasswordException"));
    let done = t
        .sdk
        .respond_to_auth_challenge()
        .client_id(&t.public_client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(challenged.session.unwrap_or_default())
        .challenge_responses("USERNAME", &username)
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .challenge_responses("userAttributes.name", "Conformance Tester")
        .send()
        .await
        .expect("new password accepted");
    assert!(done.authentication_result.is_some());
    let user = t.admin_get_user(&username).await.expect("AdminGetUser");
    assert_eq!(
        user.user_status.map(|s| s.as_str().to_owned()).as_deref(),
        Some("CONFIRMED")
    );
    assert!(password_auth(&t, &t.public_client, &username, PASSWORD)
        .await
        .is_ok());
}

#[actix_web::test]
async fn five_failed_sign_ins_lock_the_user_out() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    for _ in 0..5 {
        password_auth(&t, &t.public_client, &username, "Wrong-Passw0rd!")
            .await
            .expect_err("wrong");
    }
    assert_eq!(
        password_auth(&t, &t.public_client, &username, PASSWORD)
            .await
            .expect_err("locked"),
        "NotAuthorizedException: Password attempts exceeded"
    );
}

#[actix_web::test]
async fn admin_respond_to_auth_challenge_completes_new_password_required() {
    let t = Target::new().await;
    let username = t.fresh_username();
    t.sdk
        .admin_create_user()
        .user_pool_id(&t.pool_id)
        .username(&username)
        .temporary_password("Tempor4ry-pass!")
        .message_action("SUPPRESS".into())
        .send()
        .await
        .expect("AdminCreateUser");
    let challenged = t
        .sdk
        .admin_initiate_auth()
        .user_pool_id(&t.pool_id)
        .client_id(&t.public_client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", &username)
        .auth_parameters("PASSWORD", "Tempor4ry-pass!")
        .send()
        .await
        .expect("challenge");
    assert_eq!(
        challenged.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let wrong_session = t
        .sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&t.pool_id)
        .client_id(&t.public_client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session("not-a-session")
        .challenge_responses("USERNAME", &username)
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(
        refused(wrong_session),
        "NotAuthorizedException: Invalid session for the user."
    );
    let done = t
        .sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&t.pool_id)
        .client_id(&t.public_client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(challenged.session.unwrap_or_default())
        .challenge_responses("USERNAME", &username)
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .expect("AdminRespondToAuthChallenge");
    assert!(done
        .authentication_result
        .and_then(|r| r.access_token)
        .is_some());
    assert!(t.admin_sign_in(&username, PASSWORD).await.is_ok());
}
