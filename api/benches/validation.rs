//! What validating a Cognito access token costs: the first time (header, key
//! lookup, RSA-SHA256 verify, claim rules) and repeated (a hash and a cache lookup).
//!
//! `cargo xtask bench` runs it. Tokens are signed with the emulator's fixture key;
//! the JWKS is preloaded, so no network is involved.

use api::auth::{AccessToken, AuthConfig, IdpError, TokenValidator};
use api::clock::Clock;
use cognito_emulator::config::EmulatorConfig;
use cognito_emulator::KeyRing;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use jsonwebtoken::jwk::JwkSet;
use serde_json::json;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

const ISSUER: &str = "http://localhost:9229/eu-west-1_LocalDev1";
const CLIENT_ID: &str = "7ssqvmultrlb09wim2nixozp2d";

/// Validation with preloaded keys never waits on I/O, so one poll finishes it.
fn finish<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("validation waited on I/O; the JWKS should be preloaded"),
    }
}

async fn no_jwks_host() -> Result<JwkSet, IdpError> {
    Err(IdpError::Unavailable("benchmark: no JWKS host".into()))
}

fn validation(c: &mut Criterion) {
    let config = EmulatorConfig::development().expect("dev.toml");
    let keys = KeyRing::load_or_generate(
        config.keys.access_key.as_deref(),
        config.keys.id_key.as_deref(),
    )
    .expect("fixture keys");
    let clock = Clock::system();
    let jwks: JwkSet = serde_json::from_value(keys.jwks(clock.unix_secs())).expect("jwks");
    let config = AuthConfig {
        leeway: Duration::from_secs(30),
        ..AuthConfig::new(ISSUER.into(), CLIENT_ID.into())
    };
    let validator = TokenValidator::new(&config, clock.clone());
    validator.seed_keys(&jwks);
    let mut serial = 0u64;
    let mut token = || {
        serial += 1;
        let now = clock.unix_secs();
        let claims = json!({
            "sub": "2addda4a-4df0-4074-8e8d-35de82bde5db", "iss": ISSUER,
            "client_id": CLIENT_ID, "token_use": "access", "username": "user@example.com",
            "scope": "openid email profile", "cognito:groups": ["admin"], "version": 2,
            "origin_jti": "o", "event_id": "e", "auth_time": now, "iat": now,
            "exp": now + 3600, "jti": serial.to_string(),
        });
        AccessToken::from(keys.access().sign(&claims).expect("signs"))
    };

    let repeated = token();
    finish(validator.validate(&repeated, no_jwks_host)).expect("valid");

    let mut group = c.benchmark_group("validate_access_token");
    group.bench_function("first time (RSA verify)", |b| {
        b.iter_batched(
            &mut token,
            |fresh| finish(validator.validate(&fresh, no_jwks_host)).expect("valid"),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("repeated (cached)", |b| {
        b.iter(|| finish(validator.validate(&repeated, no_jwks_host)).expect("valid"))
    });
    group.finish();
}

criterion_group!(benches, validation);
criterion_main!(benches);
