//! Bad input and concurrency: Cognito's errors, never a panic or a 500.

use crate::helpers::*;
use reqwest::StatusCode;

#[actix_web::test]
async fn token_endpoint_bad_requests_get_cognitos_error_codes() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![], "invalid_request"),
        (vec![("grant_type", "password")], "unsupported_grant_type"),
        (
            vec![("grant_type", "authorization_code")],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("code", "garbage"),
                ("redirect_uri", "http://localhost:3000/signin"),
            ],
            "invalid_grant",
        ),
        (vec![("grant_type", "refresh_token")], "invalid_request"),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", "garbage"),
            ],
            "invalid_grant",
        ),
    ];
    for (form, expected) in cases {
        let response = pool.token_request(app, &form).await;
        assert_eq!(
            oauth_error(response, StatusCode::BAD_REQUEST).await,
            expected,
            "{form:?}"
        );
    }
}

#[actix_web::test]
async fn malformed_repeated_oversized_and_mistyped_bodies_are_invalid_request() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let post = |body: Vec<u8>, content_type: &'static str| {
        pool.http
            .post(pool.url("/oauth2/token"))
            .basic_auth(&app.id, app.secret.as_deref())
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let form = "application/x-www-form-urlencoded";
    let bodies = [
        (
            b"grant_type=refresh_token&grant_type=client_credentials".to_vec(),
            form,
        ),
        (b"grant_type=refresh_token".to_vec(), "text/plain"),
        (vec![b'a'; 64 * 1024], form),
        (
            br#"{"grant_type":"refresh_token"}"#.to_vec(),
            "application/json",
        ),
    ];
    for (body, content_type) in bodies {
        let response = post(body, content_type).await.expect("token");
        assert_eq!(
            oauth_error(response, StatusCode::BAD_REQUEST).await,
            "invalid_request"
        );
    }
}

#[actix_web::test]
async fn unknown_clients_and_malformed_basic_headers_are_invalid_client() {
    let pool = spawn_pool().await;
    let unknown = pool
        .post_form(
            "/oauth2/token",
            Some(("nope", "nope")),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(
        oauth_error(unknown, StatusCode::BAD_REQUEST).await,
        "invalid_client"
    );
    let garbage = pool
        .http
        .post(pool.url("/oauth2/token"))
        .header("authorization", "Basic !!!not-base64")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token");
    assert_eq!(
        oauth_error(garbage, StatusCode::BAD_REQUEST).await,
        "invalid_client"
    );
}

#[actix_web::test]
async fn repeated_authorize_parameters_and_garbage_queries_show_the_error_page() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let repeated = format!("{}&state=again", pool.authorize_url(app, &Pkce::new(), "s"));
    let response = browser().get(&repeated).send().await.expect("authorize");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let garbage = browser()
        .get(pool.url("/oauth2/authorize?%%%&&="))
        .send()
        .await
        .expect("authorize");
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    let login = browser()
        .get(pool.url("/login"))
        .send()
        .await
        .expect("login");
    assert_eq!(
        login.status(),
        StatusCode::BAD_REQUEST,
        "the login page needs a client"
    );
}

#[actix_web::test]
async fn unknown_routes_and_bad_hook_json_are_json_errors() {
    let pool = spawn_pool().await;
    let missing = pool.http.get(pool.url("/nope")).send().await.expect("404");
    assert_eq!(
        oauth_error(missing, StatusCode::NOT_FOUND).await,
        "not_found"
    );
    let bad_json = pool
        .http
        .post(pool.url("/_emulator/users"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("hook");
    assert_eq!(
        oauth_error(bad_json, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
    let wrong_method = pool
        .http
        .get(pool.url("/oauth2/token"))
        .send()
        .await
        .expect("token");
    assert!(
        wrong_method.status().is_client_error(),
        "{}",
        wrong_method.status()
    );
}

#[actix_web::test]
async fn concurrent_sign_ins_and_token_calls_all_succeed_with_distinct_tokens() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let sign_ins = (0..12).map(|_| pool.tokens_for(app, USER));
    let tokens = futures_util::future::join_all(sign_ins).await;
    let mut refresh_tokens: Vec<&str> = tokens
        .iter()
        .filter_map(|t| t.refresh_token.as_deref())
        .collect();
    refresh_tokens.sort_unstable();
    refresh_tokens.dedup();
    assert_eq!(refresh_tokens.len(), 12);
    let refreshes = refresh_tokens.iter().map(|r| pool.refresh(app, r));
    for response in futures_util::future::join_all(refreshes).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(pool.counters().await["token"]["refresh_token"], 12);
}

#[actix_web::test]
async fn concurrent_sign_ups_of_one_name_make_exactly_one_user() {
    let pool = spawn_pool().await;
    let query = pool
        .authorize_url(pool.client("app-a"), &Pkce::new(), "s")
        .split_once('?')
        .expect("query")
        .1
        .to_owned();
    let path = format!("/signup?{query}");
    let attempts = (0..8).map(|_| {
        let (pool, path) = (&pool, &path);
        async move {
            let browser = browser();
            post_page(
                pool,
                &browser,
                path,
                &[
                    ("username", "twin"),
                    ("email", "twin@example.com"),
                    ("password", "Twin-Passw0rd!"),
                ],
            )
            .await
            .status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let created = statuses.iter().filter(|s| **s == StatusCode::FOUND).count();
    assert_eq!(
        created, 1,
        "one sign-up wins, the others are told it exists: {statuses:?}"
    );
}

#[actix_web::test]
async fn concurrent_wrong_and_right_passwords_keep_the_count_consistent() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let attempts = (0..4).map(|i| {
        let pool = &pool;
        async move {
            let password = if i % 2 == 0 { "wrong" } else { USER.1 };
            pool.submit_login(
                &browser(),
                &pool.authorize_url(app, &Pkce::new(), "s"),
                USER.0,
                password,
            )
            .await
            .status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::FOUND).count(),
        2,
        "both right passwords signed in: {statuses:?}"
    );
    // Four failures since the last success at most: not locked.
    let code = pool.sign_in(&browser(), app, &Pkce::new(), USER).await;
    assert!(!code.is_empty());
}
