//! `--issuer aws`: tokens carry AWS's issuer while the JWKS is served here, so
//! libraries that hard-code the AWS issuer accept them unchanged.

use crate::helpers::*;
use cognito_emulator::{IssuerMode, Options};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const AWS_ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_LocalDev1";

async fn aws_pool() -> TestPool {
    spawn_pool_with(Options {
        issuer: IssuerMode::Aws,
        ..Options::for_tests()
    })
    .await
}

#[actix_web::test]
async fn tokens_and_discovery_name_the_aws_issuer_and_the_local_jwks() {
    let pool = aws_pool().await;
    let tokens = pool.tokens_for(pool.client("app-a"), USER).await;
    assert_eq!(
        crate::tokens::payload(&tokens.access_token)["iss"],
        AWS_ISSUER
    );
    let id_token = tokens.id_token.expect("id token");
    assert_eq!(crate::tokens::payload(&id_token)["iss"], AWS_ISSUER);
    let discovery: Value = cognito_emulator::testing::get_json(
        &pool.http,
        &pool.url("/eu-west-1_LocalDev1/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(discovery["issuer"], AWS_ISSUER);
    assert_eq!(
        discovery["jwks_uri"],
        pool.url("/eu-west-1_LocalDev1/.well-known/jwks.json")
    );
    assert_eq!(
        pool.user_info(&tokens.access_token).await.status(),
        reqwest::StatusCode::OK,
        "the emulator itself accepts its AWS-issued tokens"
    );
}

/// `target/tools/node_modules`, where `cargo xtask test` installs the Node clients.
fn node_modules() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/tools/node_modules");
    assert!(
        dir.join("aws-jwt-verify").exists(),
        "aws-jwt-verify is not in {}: `cargo xtask test` (or `cargo xtask tools`) installs it",
        dir.display()
    );
    dir
}

fn aws_jwt_verify(pool_id: &str, client_id: &str, jwks: &Value, token: &str) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node/verify-aws-issuer.mjs");
    let output = Command::new("node")
        .arg(script)
        .arg(node_modules())
        .args([pool_id, client_id, &jwks.to_string(), token])
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

#[actix_web::test]
async fn aws_jwt_verify_accepts_tokens_of_the_aws_issuer_mode_unchanged() {
    let pool = aws_pool().await;
    let app = pool.client("app-a");
    let tokens = pool.tokens_for(app, USER).await;
    let jwks: Value = cognito_emulator::testing::get_json(
        &pool.http,
        &pool.url("/eu-west-1_LocalDev1/.well-known/jwks.json"),
    )
    .await;
    let verdict = aws_jwt_verify("eu-west-1_LocalDev1", &app.id, &jwks, &tokens.access_token);
    assert_eq!(verdict["ok"], true, "{verdict}");
    assert_eq!(verdict["iss"], AWS_ISSUER);

    // And it can fail: a local-issuer token is refused by the same verifier.
    let local = spawn_pool().await;
    let local_tokens = local.tokens_for(local.client("app-a"), USER).await;
    let verdict = aws_jwt_verify(
        "eu-west-1_LocalDev1",
        &app.id,
        &jwks,
        &local_tokens.access_token,
    );
    assert_eq!(verdict["ok"], false, "{verdict}");
}
