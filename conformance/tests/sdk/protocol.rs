//! The wire protocol's refusals, sent raw (an SDK would not send them).

use crate::target::Target;
use reqwest::StatusCode;
use serde_json::Value;

async fn post(
    t: &Target,
    target: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Option<String>, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/", t.endpoint))
        .header("x-amz-target", target)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("POST /");
    let status = response.status();
    let header = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json().await.unwrap_or(Value::Null);
    (status, header, body)
}

const JSON: &str = "application/x-amz-json-1.1";

#[actix_web::test]
async fn unknown_actions_malformed_json_missing_fields_and_big_bodies_are_json_errors() {
    let t = Target::new().await;
    if t.emulator.is_none() {
        return;
    }
    let (status, header, body) = post(
        &t,
        "AWSCognitoIdentityProviderService.FlyToTheMoon",
        JSON,
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "UnknownOperationException");
    assert_eq!(header.as_deref(), Some("UnknownOperationException"));

    let (status, _, body) = post(
        &t,
        "AWSCognitoIdentityProviderService.AdminGetUser",
        JSON,
        b"{not json".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "SerializationException");

    let (status, _, body) = post(
        &t,
        "AWSCognitoIdentityProviderService.AdminGetUser",
        JSON,
        br#"{"UserPoolId": "eu-west-1_LocalDev1"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "InvalidParameterException");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Username")),
        "{body}"
    );

    let (status, _, body) = post(
        &t,
        "AWSCognitoIdentityProviderService.AdminGetUser",
        JSON,
        br#"{"UserPoolId": "eu-west-1_LocalDev1", "Username": 42}"#.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Username")),
        "{body}"
    );

    let (status, _, body) = post(
        &t,
        "AWSCognitoIdentityProviderService.DescribeUserPool",
        JSON,
        br#"{"UserPoolId": "eu-west-1_Nope"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "ResourceNotFoundException");

    let big = format!(r#"{{"UserPoolId": "{}"}}"#, "x".repeat(300 * 1024));
    let (status, _, body) = post(
        &t,
        "AWSCognitoIdentityProviderService.DescribeUserPool",
        JSON,
        big.into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["__type"], "SerializationException");

    let (status, _, body) = post(
        &t,
        "AWSCognitoIdentityProviderService.ListUserPools",
        "text/plain",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["__type"].is_string());
}
