//! Every token the API must refuse: each a 401 with the JSON error, never a 500.

use crate::helpers::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognito_emulator::testing;
use cognito_emulator::KeyRing;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{json, Value};

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("json"))
}

async fn assert_refused(app: &TestApp, token: &str, expected: &str) {
    let response = app.get("/stats", Some(token)).await;
    assert_unauthorized(response, expected).await;
}

#[actix_web::test]
async fn no_token_or_a_malformed_header_is_invalid_token() {
    let app = spawn_app().await;
    assert_refused_raw(&app, None).await;
    for header in ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "token abc"] {
        assert_refused_raw(&app, Some(header)).await;
    }
    for token in [
        "abc",
        "a.b.c",
        "eyJhbGciOiJSUzI1NiJ9.e30.",
        "....",
        "Bearer x",
    ] {
        assert_refused(&app, token, "invalid_token").await;
    }
}

async fn assert_refused_raw(app: &TestApp, authorization: Option<&str>) {
    let mut request = app.http.get(app.url("/stats"));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.expect("GET");
    assert_unauthorized(response, "invalid_token").await;
}

#[actix_web::test]
async fn alg_none_is_refused() {
    let app = spawn_app().await;
    let real = app.sign_in(USER).await.access_token;
    let mut header = jwt_part(&real, 0);
    header["alg"] = json!("none");
    let token = format!("{}.{}.", encode(&header), encode(&jwt_part(&real, 1)));
    assert_refused(&app, &token, "invalid_token").await;
}

#[actix_web::test]
async fn hs256_signed_with_the_public_key_is_refused() {
    let app = spawn_app().await;
    let real = app.sign_in(USER).await.access_token;
    let pem = std::fs::read_to_string(app.emulator.keys.access_key.as_deref().expect("fixture"))
        .expect("key file");
    let public_pem = rsa::RsaPrivateKey::from_pkcs1_pem(&pem)
        .expect("pkcs1")
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("pem");
    let mut header = Header::new(Algorithm::HS256);
    header.kid = jwt_part(&real, 0)["kid"].as_str().map(str::to_owned);
    let token = jsonwebtoken::encode(
        &header,
        &jwt_part(&real, 1),
        &EncodingKey::from_secret(public_pem.as_bytes()),
    )
    .expect("signs");
    assert_refused(&app, &token, "invalid_token").await;
}

#[actix_web::test]
async fn tampered_payload_or_signature_is_refused() {
    let app = spawn_app().await;
    let real = app.sign_in(USER).await.access_token;
    let segments: Vec<&str> = real.split('.').collect();

    let mut claims = jwt_part(&real, 1);
    claims["cognito:groups"] = json!(["admin"]);
    let tampered_payload = format!("{}.{}.{}", segments[0], encode(&claims), segments[2]);
    assert_refused(&app, &tampered_payload, "invalid_token").await;

    let mut signature = URL_SAFE_NO_PAD.decode(segments[2]).expect("base64url");
    signature[10] ^= 0x01;
    let tampered_signature = format!(
        "{}.{}.{}",
        segments[0],
        segments[1],
        URL_SAFE_NO_PAD.encode(signature)
    );
    assert_refused(&app, &tampered_signature, "invalid_token").await;
    // The real token still passes: the refusals were about the changes.
    assert_eq!(
        app.get("/stats", Some(&real)).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn expired_token_without_refresh_token_is_token_expired() {
    let app = spawn_app().await;
    let real = app.sign_in(USER).await.access_token;
    let expired = app.forge(&real, |c| {
        let exp = c["exp"].as_u64().expect("exp");
        c["exp"] = json!(exp - 7200);
        c["iat"] = json!(exp - 10800);
    });
    assert_refused(&app, &expired, "token_expired").await;
}

#[actix_web::test]
async fn wrong_issuer_is_refused() {
    let app = spawn_app().await;
    let real = app.sign_in(USER).await.access_token;
    let token = app.forge(&real, |c| {
        c["iss"] = json!("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other");
    });
    assert_refused(&app, &token, "invalid_token").await;
    let token = app.forge(&real, |c| {
        c.as_object_mut().expect("object").remove("iss");
    });
    assert_refused(&app, &token, "invalid_token").await;
}

#[actix_web::test]
async fn token_of_another_app_client_is_refused() {
    let app = spawn_app().await;
    // A real token of app B, from the same pool and signed by the same key.
    let app_b = client(&app.emulator, "app-b");
    let pkce = testing::Pkce::new();
    let authorize =
        testing::authorize_url(&app.idp, &app_b.id, &app_b.callback_urls[0], &pkce, "s");
    let callback =
        testing::sign_in(&app.idp, &testing::browser(), &authorize, USER.0, USER.1).await;
    let code = testing::query_param(&callback, "code").expect("code");
    let tokens: Value = app
        .http
        .post(format!("{}/oauth2/token", app.idp))
        .basic_auth(&app_b.id, app_b.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", app_b.callback_urls[0].as_str()),
            ("code_verifier", pkce.verifier.as_str()),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let token = tokens["access_token"].as_str().expect("access token");
    assert_refused(&app, token, "invalid_token").await;

    let real = app.sign_in(USER).await.access_token;
    let forged = app.forge(&real, |c| c["client_id"] = json!(app_b.id));
    assert_refused(&app, &forged, "invalid_token").await;
}

#[actix_web::test]
async fn id_token_is_not_an_access_token() {
    let app = spawn_app().await;
    let tokens = app.sign_in(USER).await;
    assert_refused(&app, &tokens.id_token.expect("id token"), "invalid_token").await;
    // Nor is an ID token's claim set re-signed with the access key.
    let forged = app.forge(&tokens.access_token, |c| c["token_use"] = json!("id"));
    assert_refused(&app, &forged, "invalid_token").await;
}

#[actix_web::test]
async fn unknown_kid_or_a_key_outside_the_jwks_is_refused() {
    let app = spawn_app().await;
    let real = app.sign_in(USER).await.access_token;
    // A freshly generated key: its own kid, unknown to the pool.
    let stranger = KeyRing::load_or_generate(None, None).expect("new keys");
    let unknown_kid = stranger.access().sign(&jwt_part(&real, 1)).expect("signs");
    assert_refused(&app, &unknown_kid, "invalid_token").await;

    // The same stranger key claiming the pool's real kid.
    let pem = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048)
        .expect("key")
        .to_pkcs1_pem(LineEnding::LF)
        .expect("pem");
    let mut header = Header::new(Algorithm::RS256);
    header.kid = jwt_part(&real, 0)["kid"].as_str().map(str::to_owned);
    let impostor = jsonwebtoken::encode(
        &header,
        &jwt_part(&real, 1),
        &EncodingKey::from_rsa_pem(pem.as_bytes()).expect("encoding key"),
    )
    .expect("signs");
    assert_refused(&app, &impostor, "invalid_token").await;
}

#[actix_web::test]
async fn unknown_kids_refetch_the_jwks_at_most_once_per_interval() {
    let app = spawn_app_with(&[("JWKS_REFETCH_MIN_SECS", "3600")]).await;
    let real = app.sign_in(USER).await.access_token;
    assert_eq!(
        app.get("/stats", Some(&real)).await.status(),
        StatusCode::OK
    );
    let after_warm_up = app.counters().await["jwks"].as_u64().expect("count");
    assert_eq!(after_warm_up, 1, "one fetch validated the first token");
    let stranger = KeyRing::load_or_generate(None, None).expect("new keys");
    for _ in 0..5 {
        let token = stranger.access().sign(&jwt_part(&real, 1)).expect("signs");
        assert_refused(&app, &token, "invalid_token").await;
    }
    assert_eq!(
        app.counters().await["jwks"],
        after_warm_up,
        "within the refetch interval, unknown kids do not reach the JWKS host"
    );
}

#[actix_web::test]
async fn unknown_kid_after_the_interval_picks_up_rotated_keys() {
    let app = spawn_app_with(&[("JWKS_REFETCH_MIN_SECS", "0")]).await;
    let first = app.sign_in(USER).await.access_token;
    assert_eq!(
        app.get("/stats", Some(&first)).await.status(),
        StatusCode::OK
    );
    let rotated = app
        .http
        .post(format!("{}/_emulator/keys/rotate", app.idp))
        .json(&json!({"overlapSecs": 0}))
        .send()
        .await
        .expect("rotate");
    assert_eq!(rotated.status(), StatusCode::OK);
    let second = app.sign_in(ADMIN).await.access_token;
    assert_ne!(jwt_part(&first, 0)["kid"], jwt_part(&second, 0)["kid"]);
    assert_eq!(
        app.get("/stats", Some(&second)).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.counters().await["jwks"], 2);
}

#[actix_web::test]
async fn a_token_with_critical_header_parameters_is_refused() {
    let app = spawn_app().await;
    let real = app.sign_in(USER).await.access_token;
    let pem = std::fs::read(
        app.emulator
            .keys
            .access_key
            .as_deref()
            .expect("fixture key path"),
    )
    .expect("fixture key");
    let key = EncodingKey::from_rsa_pem(&pem).expect("RSA PEM");
    // jsonwebtoken's Header has no `crit`: sign the real header ourselves, with and without it.
    let sign = |header: &Value| {
        let input = format!("{}.{}", encode(header), encode(&jwt_part(&real, 1)));
        let signature =
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, Algorithm::RS256).expect("signs");
        format!("{input}.{signature}")
    };
    let plain = sign(&jwt_part(&real, 0));
    assert_eq!(
        app.get("/stats", Some(&plain)).await.status(),
        StatusCode::OK,
        "hand-signed without crit: accepted, so the signing is right"
    );
    let mut critical = jwt_part(&real, 0);
    critical["crit"] = json!(["exp"]);
    assert_refused(&app, &sign(&critical), "invalid_token").await;
}

#[actix_web::test]
async fn a_token_issued_or_valid_only_in_the_future_is_refused() {
    let app = spawn_app().await;
    let real = app.sign_in(USER).await.access_token;
    let future_iat = app.forge(&real, |c| {
        c["iat"] = json!(c["iat"].as_u64().expect("iat") + 3600);
    });
    assert_refused(&app, &future_iat, "invalid_token").await;
    let future_nbf = app.forge(&real, |c| {
        c["nbf"] = json!(c["iat"].as_u64().expect("iat") + 3600);
    });
    assert_refused(&app, &future_nbf, "invalid_token").await;
    let fine = app.forge(&real, |c| c["nbf"] = c["iat"].clone());
    assert_eq!(
        app.get("/stats", Some(&fine)).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn tokens_over_eight_kib_are_refused() {
    let app = spawn_app().await;
    let huge = format!("eyJ{}", "A".repeat(9 * 1024));
    assert_refused(&app, &huge, "invalid_token").await;
    let tokens = app.sign_in(USER).await;
    let with_huge_refresh = app
        .get_with_refresh("/stats", &tokens.access_token, &huge)
        .await;
    assert_unauthorized(with_huge_refresh, "invalid_token").await;
    let explicit = app.refresh_explicitly(&huge).await;
    assert_eq!(
        error_code(explicit).await,
        (StatusCode::BAD_REQUEST, "validation_failed".into())
    );
}
