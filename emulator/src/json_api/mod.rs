//! Cognito's JSON API, the emulator's second front door onto the same pools:
//! `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>`
//! and an `application/x-amz-json-1.1` body, as the AWS SDKs, the AWS CLI and
//! Amplify send it. Each action is one typed function: it parses its input,
//! calls the pool, and renders the output shape; the wire protocol stays here.

mod auth;
mod clients;
mod error;
mod groups;
mod pools;
mod selfservice;
mod shapes;
mod users;

use crate::emulator::{Emulator, FaultTarget};
use crate::pool::{Client, UserPool};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
#[cfg(feature = "testing")]
pub(crate) use auth::secret_hash;
pub(crate) use error::ApiError;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The `X-Amz-Target` prefix of every Cognito user-pool action.
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
/// The largest body any action accepts.
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::post().to(call));
}

/// What an action gets besides its input.
pub(crate) struct Ctx {
    pub(crate) emulator: web::Data<Emulator>,
}

impl Ctx {
    /// The pool `UserPoolId` names.
    pub(crate) fn pool(&self, id: &str) -> Result<Arc<UserPool>, ApiError> {
        self.emulator
            .pool(id)
            .ok_or_else(|| ApiError::resource_not_found(format!("User pool {id} does not exist.")))
    }

    /// The app client `ClientId` names, with its pool.
    pub(crate) fn client(&self, id: &str) -> Result<(Arc<UserPool>, Client), ApiError> {
        self.emulator.client(id).ok_or_else(|| {
            ApiError::resource_not_found(format!("User pool client {id} does not exist."))
        })
    }
}

type Answer = Pin<Box<dyn Future<Output = Result<serde_json::Value, ApiError>>>>;

/// Parses `body` as `I` (naming the field that is wrong) and runs `action`
/// off the async workers: password hashing and SRP are slow by design.
fn run<I, O>(ctx: Ctx, body: web::Bytes, action: fn(&Ctx, I) -> Result<O, ApiError>) -> Answer
where
    I: DeserializeOwned + Send + 'static,
    O: Serialize + Send + 'static,
{
    Box::pin(async move {
        let input: I = parse(&body)?;
        web::block(move || {
            let output = action(&ctx, input)?;
            serde_json::to_value(output).map_err(|e| ApiError::internal(e.to_string()))
        })
        .await
        .map_err(|_| ApiError::internal("the action was cancelled"))?
    })
}

/// JSON into `I`: a syntax error is `SerializationException`, a missing or
/// wrong-typed field `InvalidParameterException` naming it.
fn parse<I: DeserializeOwned>(body: &[u8]) -> Result<I, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                ApiError::new("SerializationException", format!("Malformed JSON: {inner}"))
            }
            _ if path == "." => ApiError::invalid_parameter(format!("Invalid request: {inner}")),
            _ => ApiError::invalid_parameter(format!("Invalid value at '{path}': {inner}")),
        }
    })
}

/// Which action `target` names, and the function that runs it.
fn route(action: &str, ctx: Ctx, body: web::Bytes) -> Option<Answer> {
    Some(match action {
        "CreateUserPool" => run(ctx, body, pools::create_user_pool),
        "DescribeUserPool" => run(ctx, body, pools::describe_user_pool),
        "ListUserPools" => run(ctx, body, pools::list_user_pools),
        "DeleteUserPool" => run(ctx, body, pools::delete_user_pool),
        "CreateUserPoolClient" => run(ctx, body, clients::create_user_pool_client),
        "DescribeUserPoolClient" => run(ctx, body, clients::describe_user_pool_client),
        "UpdateUserPoolClient" => run(ctx, body, clients::update_user_pool_client),
        "ListUserPoolClients" => run(ctx, body, clients::list_user_pool_clients),
        "DeleteUserPoolClient" => run(ctx, body, clients::delete_user_pool_client),
        "AdminCreateUser" => run(ctx, body, users::admin_create_user),
        "AdminGetUser" => run(ctx, body, users::admin_get_user),
        "AdminSetUserPassword" => run(ctx, body, users::admin_set_user_password),
        "AdminUpdateUserAttributes" => run(ctx, body, users::admin_update_user_attributes),
        "AdminDeleteUser" => run(ctx, body, users::admin_delete_user),
        "AdminDisableUser" => run(ctx, body, users::admin_disable_user),
        "AdminEnableUser" => run(ctx, body, users::admin_enable_user),
        "AdminConfirmSignUp" => run(ctx, body, users::admin_confirm_sign_up),
        "AdminResetUserPassword" => run(ctx, body, users::admin_reset_user_password),
        "AdminUserGlobalSignOut" => run(ctx, body, users::admin_user_global_sign_out),
        "ListUsers" => run(ctx, body, users::list_users),
        "CreateGroup" => run(ctx, body, groups::create_group),
        "GetGroup" => run(ctx, body, groups::get_group),
        "ListGroups" => run(ctx, body, groups::list_groups),
        "DeleteGroup" => run(ctx, body, groups::delete_group),
        "ListUsersInGroup" => run(ctx, body, groups::list_users_in_group),
        "AdminAddUserToGroup" => run(ctx, body, groups::admin_add_user_to_group),
        "AdminRemoveUserFromGroup" => run(ctx, body, groups::admin_remove_user_from_group),
        "AdminListGroupsForUser" => run(ctx, body, groups::admin_list_groups_for_user),
        "InitiateAuth" => run(ctx, body, auth::initiate_auth),
        "AdminInitiateAuth" => run(ctx, body, auth::admin_initiate_auth),
        "RespondToAuthChallenge" => run(ctx, body, auth::respond_to_auth_challenge),
        "AdminRespondToAuthChallenge" => run(ctx, body, auth::admin_respond_to_auth_challenge),
        "GetTokensFromRefreshToken" => run(ctx, body, auth::get_tokens_from_refresh_token),
        "RevokeToken" => run(ctx, body, auth::revoke_token),
        "SignUp" => run(ctx, body, selfservice::sign_up),
        "ConfirmSignUp" => run(ctx, body, selfservice::confirm_sign_up),
        "ResendConfirmationCode" => run(ctx, body, selfservice::resend_confirmation_code),
        "ForgotPassword" => run(ctx, body, selfservice::forgot_password),
        "ConfirmForgotPassword" => run(ctx, body, selfservice::confirm_forgot_password),
        "GetUser" => run(ctx, body, selfservice::get_user),
        "UpdateUserAttributes" => run(ctx, body, selfservice::update_user_attributes),
        "ChangePassword" => run(ctx, body, selfservice::change_password),
        "DeleteUser" => run(ctx, body, selfservice::delete_user),
        "GlobalSignOut" => run(ctx, body, selfservice::global_sign_out),
        _ => return None,
    })
}

#[tracing::instrument(skip_all, fields(action))]
async fn call(
    req: HttpRequest,
    mut payload: web::Payload,
    emulator: web::Data<Emulator>,
) -> Result<HttpResponse, ApiError> {
    let target = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let action = target
        .strip_prefix(TARGET_PREFIX)
        .unwrap_or(target)
        .to_owned();
    tracing::Span::current().record("action", action.as_str());
    *emulator.counters().api.entry(action.clone()).or_default() += 1;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if ![
        "application/x-amz-json-1.1",
        "application/x-amz-json-1.0",
        "application/json",
    ]
    .iter()
    .any(|t| media.eq_ignore_ascii_case(t))
    {
        return Err(ApiError::new(
            "SerializationException",
            "Content-Type must be application/x-amz-json-1.1",
        ));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::new("SerializationException", "the body could not be read"))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError {
                status: actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                ..ApiError::new(
                    "SerializationException",
                    format!("the body is larger than {MAX_BODY_BYTES} bytes"),
                )
            });
        }
        body.extend_from_slice(&chunk);
    }
    crate::routes::apply_fault(&emulator, FaultTarget::Api)
        .await
        .map_err(|e| ApiError {
            status: e.status,
            ..ApiError::new("InternalErrorException", "injected fault")
        })?;
    let ctx = Ctx { emulator };
    let answer = route(&action, ctx, body.freeze()).ok_or_else(|| {
        ApiError::new(
            "UnknownOperationException",
            format!("Unknown operation {target:?}"),
        )
    })?;
    let output = answer.await?;
    Ok(HttpResponse::Ok()
        .insert_header(("x-amzn-RequestId", uuid::Uuid::new_v4().to_string()))
        .content_type("application/x-amz-json-1.1")
        .body(output.to_string()))
}
