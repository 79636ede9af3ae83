//! What validating a Cognito access token costs: the first time (header, key
//! lookup, RSA-SHA256 verify, claim rules) and repeated (a hash and a cache
//! lookup), and what the revocation check adds to every authenticated request.
//!
//! `cargo xtask bench` runs it (`cargo bench -p api --bench validation`) and
//! reads the JSON line it prints. Tokens are signed with the emulator's fixture
//! key under the AWS issuer, and written with the JWKS to
//! `$BENCH_DIR/tokens.json`, so that aws-jwt-verify verifies the very same
//! tokens in the same run. The JWKS is preloaded: no network is involved.
//! Times are CPU time per call, as `openssl speed` counts.

use api::auth::{
    AccessClaims, AccessToken, AuthConfig, IdpError, RefreshToken, RevocationList, SessionStore,
    TokenValidator,
};
use api::clock::Clock;
use api::store::StatsStore;
use cognito_emulator::config::EmulatorConfig;
use cognito_emulator::KeyRing;
use jsonwebtoken::jwk::JwkSet;
use serde_json::json;
use std::future::Future;
use std::hint::black_box;
use std::path::PathBuf;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

const POOL_ID: &str = "eu-west-1_LocalDev1";
const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_LocalDev1";
const CLIENT_ID: &str = "7ssqvmultrlb09wim2nixozp2d";
/// Distinct tokens verified the first time (each once), in each of the rounds.
const COLD_TOKENS: usize = 2_000;
const COLD_ROUNDS: usize = 5;
const REPEATS: u32 = 1_000_000;

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

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn micros(elapsed: Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1e6 / count as f64
}

/// CPU time, as `openssl speed` counts by default (its user time): on a
/// machine shared with other work, wall time would count their turns too.
struct CpuTime(libc::clockid_t);

const THREAD: CpuTime = CpuTime(libc::CLOCK_THREAD_CPUTIME_ID);
/// The whole process: the revocation check's database reads run on sqlx's threads.
const PROCESS: CpuTime = CpuTime(libc::CLOCK_PROCESS_CPUTIME_ID);

impl CpuTime {
    fn now(&self) -> Duration {
        let mut at = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `at` is a valid, writable timespec; the clock ids are Linux's.
        let status = unsafe { libc::clock_gettime(self.0, &mut at) };
        assert_eq!(status, 0, "clock_gettime");
        Duration::new(at.tv_sec as u64, at.tv_nsec as u32)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; there is nothing to filter.
    let dir = std::env::var_os("BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench"));
    std::fs::create_dir_all(&dir).expect("bench directory");
    let config = EmulatorConfig::development().expect("dev.toml");
    let keys = KeyRing::load_or_generate(
        config.keys.access_key.as_deref(),
        config.keys.id_key.as_deref(),
    )
    .expect("fixture keys");
    let clock = Clock::system();
    let jwks_json = keys.jwks(clock.unix_secs());
    let jwks: JwkSet = serde_json::from_value(jwks_json.clone()).expect("jwks");
    let config = AuthConfig {
        leeway: Duration::from_secs(30),
        ..AuthConfig::new(ISSUER.into(), CLIENT_ID.into())
    };
    let validator = TokenValidator::new(&config, clock.clone());
    validator.seed_keys(&jwks);
    let now = clock.unix_secs();
    let tokens: Vec<String> = (0..COLD_TOKENS)
        .map(|serial| {
            let claims = json!({
                "sub": "2addda4a-4df0-4074-8e8d-35de82bde5db", "iss": ISSUER,
                "client_id": CLIENT_ID, "token_use": "access", "username": "user@example.com",
                "scope": "openid email profile", "cognito:groups": ["admin"], "version": 2,
                "origin_jti": "o", "event_id": "e", "auth_time": now, "iat": now,
                "exp": now + 3600, "jti": serial.to_string(),
            });
            keys.access().sign(&claims).expect("signs")
        })
        .collect();
    let shared =
        json!({"poolId": POOL_ID, "clientId": CLIENT_ID, "jwks": jwks_json, "tokens": tokens});
    std::fs::write(dir.join("tokens.json"), shared.to_string()).expect("tokens.json");
    let tokens: Vec<AccessToken> = tokens.into_iter().map(AccessToken::from).collect();

    // Cold: every token once, the verified-token cache emptied between rounds.
    let mut cold = Vec::new();
    for _ in 0..COLD_ROUNDS {
        validator.forget_verified();
        let started = THREAD.now();
        for token in &tokens {
            black_box(finish(validator.validate(token, no_jwks_host)).expect("valid"));
        }
        cold.push(micros(THREAD.now() - started, tokens.len()));
    }
    // `BENCH_PROFILE=cold`: only the above, for a profiler (callgrind).
    if std::env::var("BENCH_PROFILE").as_deref() == Ok("cold") {
        println!("{}", json!({"cold_us": median(cold)}));
        return;
    }
    // Repeat: one token, from the cache.
    let repeated = &tokens[0];
    let mut repeat = Vec::new();
    for _ in 0..COLD_ROUNDS {
        let started = THREAD.now();
        for _ in 0..REPEATS {
            black_box(
                finish(validator.validate(black_box(repeated), no_jwks_host)).expect("valid"),
            );
        }
        repeat.push(micros(THREAD.now() - started, REPEATS as usize));
    }
    let claims: AccessClaims =
        (*finish(validator.validate(repeated, no_jwks_host)).expect("valid")).clone();
    let revocation = revocation_check(&dir, &claims);
    println!(
        "{}",
        json!({
            "cold_us": median(cold),
            "repeat_us": median(repeat),
            "revocation_us": revocation,
        })
    );
}

/// The revocation check of one authenticated request, with some sessions and
/// users revoked, on the real clock for a few seconds (so that the
/// once-a-second re-reads of the database are part of the average).
fn revocation_check(dir: &std::path::Path, claims: &AccessClaims) -> f64 {
    actix_web::rt::System::new().block_on(async {
        let db = dir.join("revocations.db");
        let _ = std::fs::remove_file(&db);
        let store = StatsStore::connect(&format!("sqlite://{}?mode=rwc", db.display()))
            .await
            .expect("store");
        let clock = Clock::system();
        let list = RevocationList::new(SessionStore::new(store.pool().clone()), clock.clone());
        let mut other = claims.clone();
        for n in 0..100 {
            other.origin_jti = Some(format!("revoked-{n}"));
            other.sub = format!("user-{n}");
            list.sign_out(
                &other,
                &[0; 32],
                &RefreshToken::from(format!("refresh-{n}")),
            )
            .await
            .expect("sign-out");
            list.sign_out_everywhere(&other.sub).await.expect("revoked");
        }
        let mut checks = 0usize;
        let (wall, started) = (Instant::now(), PROCESS.now());
        while wall.elapsed() < Duration::from_secs(3) {
            for _ in 0..10_000 {
                assert!(black_box(list.refusal(black_box(claims), &[1; 32]).await).is_none());
            }
            checks += 10_000;
        }
        let per_check = micros(PROCESS.now() - started, checks);
        store.close().await;
        let _ = std::fs::remove_file(&db);
        per_check
    })
}
