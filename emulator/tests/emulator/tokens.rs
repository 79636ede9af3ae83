//! Token claims and signatures, checked with `jsonwebtoken` against the served JWKS.

use crate::helpers::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;

/// A JWT's payload, unverified.
pub fn payload(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("json")
}

fn header(jwt: &str) -> jsonwebtoken::Header {
    jsonwebtoken::decode_header(jwt).expect("header")
}

/// Verifies RS256 signature, issuer and expiry with the JWKS key named by `kid`.
fn verify(jwt: &str, jwks: &JwkSet, issuer: &str) -> Value {
    let kid = header(jwt).kid.expect("kid");
    let jwk = jwks
        .find(&kid)
        .unwrap_or_else(|| panic!("kid {kid} not in JWKS"));
    let key = DecodingKey::from_jwk(jwk).expect("rsa jwk");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(jwt, &key, &validation)
        .expect("signature verifies")
        .claims
}

fn claim_names(claims: &Value) -> BTreeSet<String> {
    claims
        .as_object()
        .expect("object")
        .keys()
        .cloned()
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[actix_web::test]
async fn tokens_verify_against_jwks_with_cognitos_exact_claim_sets() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let tokens = pool.tokens_for(app, ADMIN).await;
    let jwks = pool.jwks().await;

    let access = verify(&tokens.access_token, &jwks, &pool.issuer);
    assert_eq!(
        claim_names(&access),
        names(&[
            "sub",
            "cognito:groups",
            "iss",
            "version",
            "client_id",
            "origin_jti",
            "event_id",
            "token_use",
            "scope",
            "auth_time",
            "exp",
            "iat",
            "jti",
            "username",
        ])
    );
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], app.id.as_str());
    assert_eq!(access["version"], 2);
    assert_eq!(access["cognito:groups"], serde_json::json!(["admin"]));
    assert_eq!(access["scope"], "openid email profile");
    assert_eq!(
        access["exp"].as_u64().expect("exp") - access["iat"].as_u64().expect("iat"),
        3600
    );

    let id_token = tokens.id_token.as_deref().expect("id token");
    let id = verify(id_token, &jwks, &pool.issuer);
    assert_eq!(
        claim_names(&id),
        names(&[
            "at_hash",
            "sub",
            "cognito:groups",
            "email_verified",
            "iss",
            "cognito:username",
            "origin_jti",
            "aud",
            "event_id",
            "token_use",
            "auth_time",
            "exp",
            "iat",
            "jti",
            "email",
        ])
    );
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], app.id.as_str());
    assert_eq!(id["email_verified"], true, "a boolean in the ID token");
    assert_eq!(id["sub"], access["sub"]);
    assert_eq!(id["origin_jti"], access["origin_jti"]);
    assert_eq!(id["event_id"], access["event_id"]);
    let digest = <sha2::Sha256 as sha2::Digest>::digest(tokens.access_token.as_bytes());
    assert_eq!(id["at_hash"], URL_SAFE_NO_PAD.encode(&digest[..16]));

    for jwt in [tokens.access_token.as_str(), id_token] {
        let h = header(jwt);
        assert_eq!(h.alg, Algorithm::RS256);
        assert_eq!(h.typ, None, "Cognito's headers carry only kid and alg");
    }
}

#[actix_web::test]
async fn access_and_id_tokens_are_signed_with_different_keys() {
    let pool = spawn_pool().await;
    let tokens = pool.tokens_for(pool.client("app-a"), USER).await;
    let access_kid = header(&tokens.access_token).kid.expect("kid");
    let id_kid = header(tokens.id_token.as_deref().expect("id"))
        .kid
        .expect("kid");
    assert_ne!(access_kid, id_kid);
    let jwks = pool.jwks().await;
    assert_eq!(jwks.keys.len(), 2);
}

#[actix_web::test]
async fn groups_claim_only_for_users_in_a_group() {
    let pool = spawn_pool().await;
    let tokens = pool.tokens_for(pool.client("app-a"), USER).await;
    assert!(payload(&tokens.access_token)
        .get("cognito:groups")
        .is_none());
    assert!(payload(tokens.id_token.as_deref().expect("id"))
        .get("cognito:groups")
        .is_none());
}

#[actix_web::test]
async fn nonce_is_echoed_in_the_id_token_and_without_openid_there_is_no_id_token() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let pkce = Pkce::new();
    let url = format!("{}&nonce=n-0S6_WzA2Mj", pool.authorize_url(app, &pkce, "s"));
    let response = pool.submit_login(&browser(), &url, USER.0, USER.1).await;
    let code = query_param(&location(&response), "code").expect("code");
    let tokens: TokenSet = pool
        .exchange(app, &code, &pkce.verifier)
        .await
        .json()
        .await
        .expect("tokens");
    assert_eq!(
        payload(tokens.id_token.as_deref().expect("id"))["nonce"],
        "n-0S6_WzA2Mj"
    );

    let url = pool
        .authorize_url(app, &pkce, "s")
        .replace("scope=openid+email+profile", "scope=email+unknown%2Fscope");
    let response = pool.submit_login(&browser(), &url, USER.0, USER.1).await;
    let code = query_param(&location(&response), "code").expect("code");
    let tokens: TokenSet = pool
        .exchange(app, &code, &pkce.verifier)
        .await
        .json()
        .await
        .expect("tokens");
    assert!(tokens.id_token.is_none(), "no openid, no ID token");
    assert_eq!(
        payload(&tokens.access_token)["scope"],
        "email",
        "scopes the client lacks are ignored"
    );
}

#[actix_web::test]
async fn key_rotation_keeps_old_tokens_verifiable_during_the_overlap() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let before = pool.tokens_for(app, USER).await;
    let old_kid = header(&before.access_token).kid.expect("kid");

    let rotated: Value = pool
        .http
        .post(pool.url("/_emulator/keys/rotate"))
        .json(&serde_json::json!({ "overlapSecs": 3600 }))
        .send()
        .await
        .expect("rotate")
        .json()
        .await
        .expect("json");
    assert_ne!(rotated["accessKid"], old_kid.as_str());

    let jwks = pool.jwks().await;
    assert_eq!(jwks.keys.len(), 4, "two new keys and two in their overlap");
    verify(&before.access_token, &jwks, &pool.issuer);
    assert_eq!(
        pool.user_info(&before.access_token).await.status(),
        StatusCode::OK
    );
    let after = pool.tokens_for(app, USER).await;
    assert_eq!(
        header(&after.access_token).kid.as_deref(),
        rotated["accessKid"].as_str()
    );
    verify(&after.access_token, &jwks, &pool.issuer);

    // With no overlap the old keys leave the JWKS at once, and their tokens stop verifying.
    pool.http
        .post(pool.url("/_emulator/keys/rotate"))
        .json(&serde_json::json!({ "overlapSecs": 0 }))
        .send()
        .await
        .expect("rotate");
    let jwks = pool.jwks().await;
    assert!(
        jwks.find(&old_kid).is_some(),
        "the first rotation's overlap still runs"
    );
    assert!(jwks
        .find(header(&after.access_token).kid.as_deref().expect("kid"))
        .is_none());
    assert_eq!(
        pool.user_info(&after.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn user_info_returns_cognitos_claims() {
    let pool = spawn_pool().await;
    let tokens = pool.tokens_for(pool.client("app-a"), ADMIN).await;
    let response = pool.user_info(&tokens.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["sub"], payload(&tokens.access_token)["sub"]);
    assert_eq!(body["username"], ADMIN.0);
    assert_eq!(body["email"], ADMIN.0);
    assert_eq!(
        body["email_verified"], "true",
        "Cognito's userInfo sends a string"
    );

    let by_post = pool
        .http
        .post(pool.url("/oauth2/userInfo"))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .expect("userInfo");
    assert_eq!(by_post.status(), StatusCode::OK);
}

#[actix_web::test]
async fn user_info_refuses_id_tokens_garbage_and_missing_tokens() {
    let pool = spawn_pool().await;
    let tokens = pool.tokens_for(pool.client("app-a"), USER).await;
    for token in [tokens.id_token.as_deref().expect("id"), "garbage", "a.b.c"] {
        let response = pool.user_info(token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token}");
        assert!(response.headers().contains_key("www-authenticate"));
    }
    let none = pool
        .http
        .get(pool.url("/oauth2/userInfo"))
        .send()
        .await
        .expect("userInfo");
    assert_eq!(
        oauth_error(none, StatusCode::UNAUTHORIZED).await,
        "invalid_token"
    );
}

#[actix_web::test]
async fn openid_configuration_names_the_endpoints() {
    let pool = spawn_pool().await;
    let doc: Value = pool
        .http
        .get(format!("{}/.well-known/openid-configuration", pool.issuer))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["issuer"], pool.issuer.as_str());
    assert_eq!(
        doc["jwks_uri"],
        format!("{}/.well-known/jwks.json", pool.issuer)
    );
    assert_eq!(doc["token_endpoint"], pool.url("/oauth2/token"));
    assert_eq!(doc["revocation_endpoint"], pool.url("/oauth2/revoke"));
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    let unknown = pool
        .http
        .get(pool.url("/eu-west-1_Nope/.well-known/jwks.json"))
        .send()
        .await
        .expect("jwks");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}
