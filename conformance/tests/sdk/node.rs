//! USER_SRP_AUTH as most users' SRP runs: amazon-cognito-identity-js in Node
//! (installed by `cargo xtask test` into `target/tools/node_modules`).

use crate::target::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn node_modules() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/tools/node_modules");
    assert!(
        dir.join("amazon-cognito-identity-js").exists(),
        "amazon-cognito-identity-js is not in {}: `cargo xtask test` (or `cargo xtask tools`) installs it",
        dir.display()
    );
    dir
}

fn srp_in_node(t: &Target, username: &str, password: &str) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node/srp-sign-in.mjs");
    let output = Command::new("node")
        .arg(script)
        .arg(node_modules())
        .args([
            &t.endpoint,
            &t.pool_id,
            &t.public_client,
            username,
            password,
        ])
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[actix_web::test]
async fn amazon_cognito_identity_js_signs_in_with_srp_and_fails_with_a_wrong_password() {
    let t = Target::new().await;
    let username = t.confirmed_user().await;
    // The emulator's workers are threads of their own: waiting for node here is fine.
    let right = srp_in_node(&t, &username, PASSWORD);
    let wrong = srp_in_node(&t, &username, "Wrong-Passw0rd!");
    assert_eq!(right["ok"], true, "{right}");
    let token = right["accessToken"].as_str().expect("access token");
    assert!(token.split('.').count() == 3);
    assert_eq!(wrong["ok"], false, "{wrong}");
    assert_eq!(
        wrong["error"],
        "NotAuthorizedException: Incorrect username or password."
    );
}
