//! What users do for themselves: `SignUp`, `ConfirmSignUp`,
//! `ResendConfirmationCode`, `ForgotPassword`, `ConfirmForgotPassword`, and
//! with their access token `GetUser`, `UpdateUserAttributes`, `ChangePassword`,
//! `DeleteUser`, `GlobalSignOut`.

use super::auth::check_secret_hash;
use super::shapes::{pairs, Attribute, CodeDelivery, Empty, OwnUser};
use super::{ApiError, Ctx};
use crate::pool::{mask_email, PoolError};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SignUp {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    password: String,
    #[serde(default)]
    user_attributes: Vec<Attribute>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SignUpAnswer {
    user_confirmed: bool,
    code_delivery_details: CodeDelivery,
    user_sub: String,
}

pub(crate) fn sign_up(ctx: &Ctx, input: SignUp) -> Result<SignUpAnswer, ApiError> {
    let (pool, client) = ctx.client(&input.client_id)?;
    check_secret_hash(&client, input.secret_hash.as_deref(), &[&input.username])?;
    let attributes = pairs(&input.user_attributes);
    let email = attributes
        .iter()
        .find(|(n, _)| n == "email")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let (sub, code) = pool.sign_up(&input.username, &input.password, &attributes)?;
    tracing::info!(username = %input.username, confirmation_code = %code, "sign-up: confirmation code sent");
    Ok(SignUpAnswer {
        user_confirmed: false,
        code_delivery_details: CodeDelivery::email(mask_email(&email)),
        user_sub: sub,
    })
}

/// `ClientId`, `SecretHash`, `Username` and a code: the confirmation calls.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConfirmSignUp {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    confirmation_code: String,
}

/// Unknown users: hidden behind a code mismatch unless the client is LEGACY.
fn unknown_user(prevent: bool) -> ApiError {
    if prevent {
        PoolError::CodeMismatch.into()
    } else {
        PoolError::UserNotFound.into()
    }
}

fn hide_unknown(prevent: bool, known: bool) -> Result<(), ApiError> {
    if known {
        Ok(())
    } else {
        Err(unknown_user(prevent))
    }
}

pub(crate) fn confirm_sign_up(ctx: &Ctx, input: ConfirmSignUp) -> Result<Empty, ApiError> {
    let (pool, client) = ctx.client(&input.client_id)?;
    check_secret_hash(&client, input.secret_hash.as_deref(), &[&input.username])?;
    hide_unknown(
        client.prevent_user_existence_errors,
        pool.user_view(&input.username).is_some(),
    )?;
    pool.confirm_sign_up(&input.username, &input.confirmation_code)?;
    Ok(Empty::default())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserOfClient {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeliveryAnswer {
    code_delivery_details: CodeDelivery,
}

pub(crate) fn resend_confirmation_code(
    ctx: &Ctx,
    input: UserOfClient,
) -> Result<DeliveryAnswer, ApiError> {
    let (pool, client) = ctx.client(&input.client_id)?;
    check_secret_hash(&client, input.secret_hash.as_deref(), &[&input.username])?;
    let user = pool
        .user_view(&input.username)
        .ok_or_else(|| unknown_user(client.prevent_user_existence_errors))?;
    pool.resend_confirmation_code(&input.username)?;
    Ok(DeliveryAnswer {
        code_delivery_details: CodeDelivery::email(mask_email(&user.email.unwrap_or_default())),
    })
}

pub(crate) fn forgot_password(ctx: &Ctx, input: UserOfClient) -> Result<DeliveryAnswer, ApiError> {
    let (pool, client) = ctx.client(&input.client_id)?;
    check_secret_hash(&client, input.secret_hash.as_deref(), &[&input.username])?;
    let delivery =
        pool.api_forgot_password(&input.username, client.prevent_user_existence_errors)?;
    Ok(DeliveryAnswer {
        code_delivery_details: CodeDelivery::email(delivery.destination),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConfirmForgotPassword {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    confirmation_code: String,
    password: String,
}

pub(crate) fn confirm_forgot_password(
    ctx: &Ctx,
    input: ConfirmForgotPassword,
) -> Result<Empty, ApiError> {
    let (pool, client) = ctx.client(&input.client_id)?;
    check_secret_hash(&client, input.secret_hash.as_deref(), &[&input.username])?;
    hide_unknown(
        client.prevent_user_existence_errors,
        pool.user_view(&input.username).is_some(),
    )?;
    pool.confirm_forgot_password(&input.username, &input.confirmation_code, &input.password)?;
    Ok(Empty::default())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WithAccessToken {
    access_token: String,
}

/// The pool that signed an access token, from its unverified `iss`... the
/// signature check that follows is what proves it.
fn pool_of_token(
    ctx: &Ctx,
    token: &str,
) -> Result<std::sync::Arc<crate::pool::UserPool>, ApiError> {
    let invalid = || ApiError::not_authorized("Invalid Access Token");
    let client_id = crate::pool::unverified_claim(token, "client_id").ok_or_else(invalid)?;
    ctx.emulator
        .client(&client_id)
        .map(|(pool, _)| pool)
        .ok_or_else(invalid)
}

pub(crate) fn get_user(ctx: &Ctx, input: WithAccessToken) -> Result<OwnUser, ApiError> {
    let record = pool_of_token(ctx, &input.access_token)?.get_user(&input.access_token)?;
    Ok(OwnUser::from(&record))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UpdateUserAttributes {
    access_token: String,
    user_attributes: Vec<Attribute>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UpdateAnswer {
    code_delivery_details_list: Vec<CodeDelivery>,
}

pub(crate) fn update_user_attributes(
    ctx: &Ctx,
    input: UpdateUserAttributes,
) -> Result<UpdateAnswer, ApiError> {
    let pool = pool_of_token(ctx, &input.access_token)?;
    let username = pool.user_of_access_token(&input.access_token)?;
    let attributes = pairs(&input.user_attributes);
    if attributes.iter().any(|(n, _)| n == "email_verified") {
        return Err(ApiError::not_authorized(
            "A client attempted to write unauthorized attribute",
        ));
    }
    pool.update_attributes(&username, &attributes)?;
    Ok(UpdateAnswer {
        code_delivery_details_list: Vec::new(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ChangePassword {
    access_token: String,
    previous_password: String,
    proposed_password: String,
}

pub(crate) fn change_password(ctx: &Ctx, input: ChangePassword) -> Result<Empty, ApiError> {
    let pool = pool_of_token(ctx, &input.access_token)?;
    let username = pool.user_of_access_token(&input.access_token)?;
    pool.change_password(
        &username,
        &input.previous_password,
        &input.proposed_password,
    )?;
    Ok(Empty::default())
}

pub(crate) fn delete_user(ctx: &Ctx, input: WithAccessToken) -> Result<Empty, ApiError> {
    let pool = pool_of_token(ctx, &input.access_token)?;
    let username = pool.user_of_access_token(&input.access_token)?;
    pool.delete_user(&username)?;
    Ok(Empty::default())
}

pub(crate) fn global_sign_out(ctx: &Ctx, input: WithAccessToken) -> Result<Empty, ApiError> {
    let pool = pool_of_token(ctx, &input.access_token)?;
    let username = pool.user_of_access_token(&input.access_token)?;
    pool.global_sign_out(&username)?;
    Ok(Empty::default())
}
