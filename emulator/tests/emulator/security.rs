//! Safe by default: each attack from the security review, refused.

use crate::helpers::*;
use cognito_emulator::Options;
use reqwest::StatusCode;
use serde_json::json;

/// The query string of an authorize request for app A (the hosted UI's pages carry it).
fn authorize_query(pool: &TestPool) -> String {
    pool.authorize_url(pool.client("app-a"), &Pkce::new(), "s")
        .split_once('?')
        .expect("query")
        .1
        .to_owned()
}

/// Asks for a reset code for `username` and returns the reset page's path.
async fn forgot(pool: &TestPool, browser: &reqwest::Client, username: &str) -> reqwest::Response {
    let query = authorize_query(pool);
    post_page(
        pool,
        browser,
        &format!("/forgotPassword?{query}"),
        &[("username", username)],
    )
    .await
}

async fn reset_path(pool: &TestPool, browser: &reqwest::Client, username: &str) -> String {
    let sent = forgot(pool, browser, username).await;
    assert_eq!(sent.status(), StatusCode::FOUND);
    location(&sent)
}

async fn pending_code(pool: &TestPool, username: &str) -> String {
    let body: serde_json::Value = cognito_emulator::testing::get_json(
        &pool.http,
        &pool.url(&format!("/_emulator/users/{username}/code")),
    )
    .await;
    body["code"].as_str().expect("a pending code").to_owned()
}

/// A six-digit code that is not `code`.
fn other_than(code: &str) -> &'static str {
    if code == "000000" {
        "000001"
    } else {
        "000000"
    }
}

async fn page_text(response: reqwest::Response) -> String {
    response.text().await.expect("html")
}

#[actix_web::test]
async fn a_reset_code_neither_confirms_a_confirmed_user_nor_signs_them_in() {
    let pool = spawn_pool().await;
    let browser = browser();
    reset_path(&pool, &browser, USER.0).await;
    let code = pending_code(&pool, USER.0).await;
    let query = authorize_query(&pool);
    let confirm = post_page(
        &pool,
        &browser,
        &format!("/confirm?{query}&username={}", USER.0),
        &[("code", &code)],
    )
    .await;
    assert_eq!(confirm.status(), StatusCode::OK, "no redirect with a code");
    assert!(page_text(confirm)
        .await
        .contains("User cannot be confirmed. Current status is CONFIRMED"));
}

#[actix_web::test]
async fn a_reset_code_is_dead_after_five_wrong_tries_and_the_password_stays() {
    let pool = spawn_pool().await;
    let browser = browser();
    let path = reset_path(&pool, &browser, USER.0).await;
    let code = pending_code(&pool, USER.0).await;
    for _ in 0..5 {
        let wrong = post_page(
            &pool,
            &browser,
            &path,
            &[("code", other_than(&code)), ("password", "Brand-N3w-pass")],
        )
        .await;
        assert!(page_text(wrong)
            .await
            .contains("Invalid verification code provided"));
    }
    let right = post_page(
        &pool,
        &browser,
        &path,
        &[("code", &code), ("password", "Brand-N3w-pass")],
    )
    .await;
    assert!(page_text(right)
        .await
        .contains("Attempt limit exceeded, please try after some time."));
    let old = pool
        .sign_in(
            &crate::helpers::browser(),
            pool.client("app-a"),
            &Pkce::new(),
            USER,
        )
        .await;
    assert!(!old.is_empty(), "the old password still signs in");
}

#[actix_web::test]
async fn a_reset_code_expires_after_an_hour() {
    let pool = spawn_pool().await;
    let browser = browser();
    let path = reset_path(&pool, &browser, USER.0).await;
    let code = pending_code(&pool, USER.0).await;
    pool.advance(3600);
    let late = post_page(
        &pool,
        &browser,
        &path,
        &[("code", &code), ("password", "Brand-N3w-pass")],
    )
    .await;
    assert!(page_text(late)
        .await
        .contains("Invalid code provided, please request a code again."));
}

#[actix_web::test]
async fn codes_are_sent_at_most_five_times_an_hour() {
    let pool = spawn_pool().await;
    let browser = browser();
    for _ in 0..5 {
        assert_eq!(
            forgot(&pool, &browser, USER.0).await.status(),
            StatusCode::FOUND
        );
    }
    let sixth = forgot(&pool, &browser, USER.0).await;
    assert_eq!(sixth.status(), StatusCode::OK);
    assert!(page_text(sixth).await.contains("Attempt limit exceeded"));
    pool.advance(3600);
    assert_eq!(
        forgot(&pool, &browser, USER.0).await.status(),
        StatusCode::FOUND
    );
}

#[actix_web::test]
async fn a_confirmation_code_expires_after_a_day() {
    let pool = spawn_pool().await;
    let browser = browser();
    let query = authorize_query(&pool);
    let signed_up = post_page(
        &pool,
        &browser,
        &format!("/signup?{query}"),
        &[
            ("username", "late"),
            ("email", "late@example.com"),
            ("password", "Late-Passw0rd!"),
        ],
    )
    .await;
    let confirm_path = location(&signed_up);
    let code = pending_code(&pool, "late").await;
    pool.advance(24 * 60 * 60);
    let late = post_page(&pool, &browser, &confirm_path, &[("code", &code)]).await;
    assert!(page_text(late)
        .await
        .contains("Invalid code provided, please request a code again."));
}

#[actix_web::test]
async fn a_password_reset_ends_the_users_hosted_ui_sessions() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let signed_in = browser();
    pool.sign_in(&signed_in, app, &Pkce::new(), USER).await;
    let other = browser();
    let path = reset_path(&pool, &other, USER.0).await;
    let code = pending_code(&pool, USER.0).await;
    let reset = post_page(
        &pool,
        &other,
        &path,
        &[("code", &code), ("password", "Brand-N3w-pass")],
    )
    .await;
    assert_eq!(reset.status(), StatusCode::FOUND);
    let again = pool.authorize_location(&signed_in, app).await;
    assert!(
        again.starts_with("/login?"),
        "the old session no longer signs in silently: {}",
        again
    );
}

#[actix_web::test]
async fn five_wrong_passwords_lock_the_user_out_for_a_doubling_while() {
    // Lockouts of one and two seconds: on a stopped clock, so that no real
    // second passing between two attempts can end one early.
    let pool = spawn_pool_with(Options {
        clock: cognito_emulator::clock::Clock::stopped(),
        ..Options::for_tests()
    })
    .await;
    let app = pool.client("app-a");
    let try_password = |password: &'static str| {
        let pool = &pool;
        async move {
            let response = pool
                .submit_login(
                    &browser(),
                    &pool.authorize_url(app, &Pkce::new(), "s"),
                    USER.0,
                    password,
                )
                .await;
            match response.status() {
                StatusCode::FOUND => "signed in".to_owned(),
                _ => page_text(response).await,
            }
        }
    };
    for _ in 0..5 {
        assert!(try_password("wrong")
            .await
            .contains("Incorrect username or password."));
    }
    assert!(
        try_password(USER.1)
            .await
            .contains("Password attempts exceeded"),
        "locked: even the right password is refused"
    );
    pool.advance(2);
    assert_eq!(
        try_password(USER.1).await,
        "signed in",
        "after 1 s it is lifted"
    );

    for _ in 0..5 {
        try_password("wrong").await;
    }
    pool.advance(2);
    assert!(
        try_password("wrong").await.contains("Incorrect"),
        "the 6th failure"
    );
    pool.advance(1);
    assert!(
        try_password(USER.1)
            .await
            .contains("Password attempts exceeded"),
        "now locked for 2 s"
    );
    pool.advance(2);
    assert_eq!(try_password(USER.1).await, "signed in");
}

#[actix_web::test]
async fn a_verifier_for_a_code_issued_without_a_challenge_is_invalid_grant() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let url = format!(
        "{}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid",
        pool.base, app.id, app.callback_urls[0]
    );
    let response = pool.submit_login(&browser(), &url, USER.0, USER.1).await;
    let code = query_param(&location(&response), "code").expect("code");
    let downgraded = pool
        .exchange(app, &code, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        .await;
    assert_eq!(
        oauth_error(downgraded, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn test_hooks_are_off_by_default() {
    let pool = spawn_pool_with(Options::default()).await;
    for (method, path) in [
        (reqwest::Method::GET, "/_emulator/counters"),
        (
            reqwest::Method::GET,
            "/_emulator/users/user@example.com/code",
        ),
        (reqwest::Method::POST, "/_emulator/users"),
        (reqwest::Method::POST, "/_emulator/clock"),
    ] {
        let response = pool
            .http
            .request(method, pool.url(path))
            .json(&json!({"username": "x", "password": "y", "groups": ["admin"]}))
            .send()
            .await
            .expect("hook");
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[actix_web::test]
async fn a_foreign_host_is_misdirected_everywhere() {
    let pool = spawn_pool().await;
    for path in [
        "/login",
        "/oauth2/authorize",
        "/_emulator/counters",
        "/eu-west-1_LocalDev1/.well-known/jwks.json",
    ] {
        for host in [
            "evil.example",
            "evil.example:9229",
            "localhost.evil.example",
        ] {
            let response = pool
                .http
                .get(pool.url(path))
                .header("host", host)
                .send()
                .await
                .expect("request");
            assert_eq!(
                response.status(),
                StatusCode::MISDIRECTED_REQUEST,
                "{path} with Host {host}"
            );
        }
        let named = pool
            .http
            .get(pool.url(path))
            .header("host", "localhost:9229")
            .send()
            .await
            .expect("request");
        assert_ne!(named.status(), StatusCode::MISDIRECTED_REQUEST, "{path}");
    }
}

#[actix_web::test]
async fn hosted_ui_pages_cannot_be_framed() {
    let pool = spawn_pool().await;
    let query = authorize_query(&pool);
    let page = pool
        .http
        .get(pool.url(&format!("/login?{query}")))
        .send()
        .await
        .expect("login page");
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .contains("frame-ancestors 'none'"));
}

#[actix_web::test]
async fn cookies_are_secure_behind_an_https_public_url() {
    let mut options = Options::for_tests();
    options.public_url = Some("https://auth.example.test".into());
    let pool = spawn_pool_on(dev_config(), options).await;
    let query = authorize_query(&pool);
    let page = pool
        .http
        .get(format!("http://{}/login?{query}", pool.address))
        .header("host", "auth.example.test")
        .send()
        .await
        .expect("login page");
    assert_eq!(page.status(), StatusCode::OK);
    let cookie = page.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
}

#[actix_web::test]
async fn out_of_range_hook_values_are_invalid_request() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    for (method, path, body) in [
        (
            reqwest::Method::PUT,
            format!("/_emulator/clients/{}/lifetimes", app.id),
            json!({"accessTokenSecs": u64::MAX}),
        ),
        (
            reqwest::Method::PUT,
            format!("/_emulator/clients/{}/lifetimes", app.id),
            json!({"refreshTokenSecs": 0}),
        ),
        (
            reqwest::Method::PUT,
            format!("/_emulator/clients/{}/lifetimes", app.id),
            json!({"idTokenSecs": 86_401}),
        ),
        (
            reqwest::Method::POST,
            "/_emulator/keys/rotate".to_owned(),
            json!({"overlapSecs": u64::MAX}),
        ),
        (
            reqwest::Method::PUT,
            "/_emulator/faults/token".to_owned(),
            json!({"hangSecs": 601}),
        ),
        (
            reqwest::Method::POST,
            "/_emulator/clock".to_owned(),
            json!({"advanceSecs": u64::MAX}),
        ),
    ] {
        let response = pool
            .http
            .request(method, pool.url(&path))
            .json(&body)
            .send()
            .await
            .expect("hook");
        assert_eq!(
            oauth_error(response, StatusCode::BAD_REQUEST).await,
            "invalid_request",
            "{path} {body}"
        );
    }
    let tokens = pool.tokens_for(app, USER).await;
    assert_eq!(tokens.expires_in, 3600, "nothing was changed");
}
