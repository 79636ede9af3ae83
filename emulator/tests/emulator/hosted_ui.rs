//! The hosted UI: authorize checks, the sign-in form, sign-up, password reset, logout.

use crate::helpers::*;
use reqwest::StatusCode;

#[actix_web::test]
async fn wrong_redirect_uri_shows_the_error_page_and_never_redirects_to_it() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let url = pool
        .authorize_url(app, &Pkce::new(), "s")
        .replace("localhost%3A3000%2Fsignin", "evil.example%2Fsignin");
    let response = browser().get(&url).send().await.expect("authorize");
    assert_eq!(response.status(), StatusCode::FOUND);
    let target = location(&response);
    assert!(
        target.starts_with("/error?error=redirect_mismatch&client_id="),
        "{target}"
    );
    assert!(!target.contains("evil"), "{target}");
    let page = browser()
        .get(pool.url(&target))
        .send()
        .await
        .expect("error page");
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page
        .text()
        .await
        .expect("html")
        .contains("redirect_mismatch"));
}

#[actix_web::test]
async fn unknown_client_shows_the_error_page() {
    let pool = spawn_pool().await;
    let response = browser()
        .get(pool.url("/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=http://localhost:3000/signin"))
        .send()
        .await
        .expect("authorize");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .expect("html")
        .contains("Client does not exist"));
}

#[actix_web::test]
async fn bad_authorize_parameters_redirect_back_with_error_and_state() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let good = pool.authorize_url(app, &Pkce::new(), "keep me/&=");
    let cases = [
        (
            good.replace("code_challenge_method=S256", "code_challenge_method=plain"),
            "invalid_request",
        ),
        (
            good.replace("&code_challenge_method=S256", ""),
            "invalid_request",
        ),
        (
            good.replace("response_type=code", "response_type=bogus"),
            "invalid_request",
        ),
        (
            good.replace("response_type=code", "response_type=token"),
            "unauthorized_client",
        ),
        (
            good.replace("scope=openid+email+profile", "scope=admin%2Fall"),
            "invalid_scope",
        ),
    ];
    for (url, expected) in cases {
        let response = browser().get(&url).send().await.expect("authorize");
        assert_eq!(response.status(), StatusCode::FOUND, "{url}");
        let target = location(&response);
        assert!(
            target.starts_with("http://localhost:3000/signin?"),
            "{target}"
        );
        assert_eq!(
            query_param(&target, "error").as_deref(),
            Some(expected),
            "{url}"
        );
        assert_eq!(
            query_param(&target, "state").as_deref(),
            Some("keep me/&="),
            "state returned unchanged"
        );
    }
}

#[actix_web::test]
async fn wrong_password_shows_the_error_and_keeps_the_user_on_the_form() {
    let pool = spawn_pool().await;
    let browser = browser();
    let url = pool.authorize_url(pool.client("app-a"), &Pkce::new(), "s");
    let response = pool
        .submit_login(&browser, &url, USER.0, "Wrong-Passw0rd!")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("html");
    assert!(html.contains("Incorrect username or password."));
    assert!(
        html.contains(r#"id="signInFormUsername""#) && html.contains(r#"value="user@example.com""#)
    );
    let unknown = pool
        .submit_login(&browser, &url, "nobody@example.com", "x")
        .await;
    assert!(unknown
        .text()
        .await
        .expect("html")
        .contains("Incorrect username or password."));
}

#[actix_web::test]
async fn login_post_without_the_csrf_token_is_refused() {
    let pool = spawn_pool().await;
    let url = pool.authorize_url(pool.client("app-a"), &Pkce::new(), "s");
    let query = url.split_once('?').expect("query").1;
    let response = browser()
        .post(pool.url(&format!("/login?{query}")))
        .form(&[("username", USER.0), ("password", USER.1)])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response.headers().get("location").is_none(),
        "no code without the form's token"
    );
}

#[actix_web::test]
async fn logout_with_logout_uri_ends_the_session_and_redirects() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let browser = browser();
    let _ = pool.sign_in(&browser, app, &Pkce::new(), USER).await;
    let logout = browser
        .get(pool.url(&format!(
            "/logout?client_id={}&logout_uri=http%3A%2F%2Flocalhost%3A3000%2Fsignout",
            app.id
        )))
        .send()
        .await
        .expect("logout");
    assert_eq!(logout.status(), StatusCode::FOUND);
    assert_eq!(location(&logout), "http://localhost:3000/signout");
    let again = pool.authorize_location(&browser, app).await;
    assert!(
        again.starts_with("/login?"),
        "the session is over: the form again"
    );
}

#[actix_web::test]
async fn logout_refuses_a_logout_uri_not_on_the_client() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let response = browser()
        .get(pool.url(&format!(
            "/logout?client_id={}&logout_uri=https%3A%2F%2Fevil.example%2F",
            app.id
        )))
        .send()
        .await
        .expect("logout");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
}

#[actix_web::test]
async fn logout_with_redirect_uri_shows_the_login_form_again() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let browser = browser();
    let _ = pool.sign_in(&browser, app, &Pkce::new(), USER).await;
    let response = browser
        .get(pool.url(&format!(
            "/logout?client_id={}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fsignin&response_type=code&state=x",
            app.id
        )))
        .send()
        .await
        .expect("logout");
    assert_eq!(response.status(), StatusCode::FOUND);
    let target = location(&response);
    assert!(
        target.starts_with("/login?") && target.contains("state=x"),
        "{target}"
    );
    let again = browser
        .get(pool.authorize_url(app, &Pkce::new(), "s"))
        .send()
        .await
        .expect("authorize");
    assert!(location(&again).starts_with("/login?"));
}

#[actix_web::test]
async fn sign_up_then_confirm_signs_the_new_user_in() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let browser = browser();
    let pkce = Pkce::new();
    let query = pool
        .authorize_url(app, &pkce, "s")
        .split_once('?')
        .expect("q")
        .1
        .to_owned();

    let weak = post_page(
        &pool,
        &browser,
        &format!("/signup?{query}"),
        &[
            ("username", "new"),
            ("email", "new@example.com"),
            ("password", "weak"),
        ],
    )
    .await;
    assert!(weak
        .text()
        .await
        .expect("html")
        .contains("Password not long enough"));

    let signed_up = post_page(
        &pool,
        &browser,
        &format!("/signup?{query}"),
        &[
            ("username", "new"),
            ("email", "new@example.com"),
            ("password", "New-Passw0rd!"),
        ],
    )
    .await;
    assert_eq!(signed_up.status(), StatusCode::FOUND);
    let confirm_path = location(&signed_up);
    assert!(confirm_path.starts_with("/confirm?"), "{confirm_path}");

    // Unconfirmed users are sent to confirmation, not signed in.
    let early = pool
        .submit_login(
            &crate::helpers::browser(),
            &pool.authorize_url(app, &pkce, "s"),
            "new",
            "New-Passw0rd!",
        )
        .await;
    assert!(location(&early).starts_with("/confirm?"));

    let wrong = post_page(&pool, &browser, &confirm_path, &[("code", "000000x")]).await;
    assert!(wrong
        .text()
        .await
        .expect("html")
        .contains("Invalid verification code"));
    let code: serde_json::Value = pool
        .http
        .get(pool.url("/_emulator/users/new/code"))
        .send()
        .await
        .expect("code")
        .json()
        .await
        .expect("json");
    let confirmed = post_page(
        &pool,
        &browser,
        &confirm_path,
        &[("code", code["code"].as_str().expect("code"))],
    )
    .await;
    assert_eq!(confirmed.status(), StatusCode::FOUND);
    let callback = location(&confirmed);
    let auth_code = query_param(&callback, "code").expect("signed in after confirmation");
    let tokens: TokenSet = pool
        .exchange(app, &auth_code, &pkce.verifier)
        .await
        .json()
        .await
        .expect("tokens");
    assert_eq!(
        crate::tokens::payload(&tokens.access_token)["username"],
        "new"
    );
}

#[actix_web::test]
async fn forgot_password_resets_it_with_the_code() {
    let pool = spawn_pool().await;
    let app = pool.client("app-a");
    let browser = browser();
    let query = pool
        .authorize_url(app, &Pkce::new(), "s")
        .split_once('?')
        .expect("q")
        .1
        .to_owned();
    let sent = post_page(
        &pool,
        &browser,
        &format!("/forgotPassword?{query}"),
        &[("username", USER.0)],
    )
    .await;
    assert_eq!(sent.status(), StatusCode::FOUND);
    let reset_path = location(&sent);
    let code: serde_json::Value = pool
        .http
        .get(pool.url(&format!("/_emulator/users/{}/code", USER.0)))
        .send()
        .await
        .expect("code")
        .json()
        .await
        .expect("json");
    let reset = post_page(
        &pool,
        &browser,
        &reset_path,
        &[
            ("code", code["code"].as_str().expect("code")),
            ("password", "Brand-N3w-pass"),
        ],
    )
    .await;
    assert_eq!(reset.status(), StatusCode::FOUND);
    assert!(location(&reset).starts_with("/login?"));
    let old = pool
        .submit_login(
            &browser,
            &pool.authorize_url(app, &Pkce::new(), "s"),
            USER.0,
            USER.1,
        )
        .await;
    assert_eq!(
        old.status(),
        StatusCode::OK,
        "the old password no longer works"
    );
    let code = pool
        .sign_in(&browser, app, &Pkce::new(), (USER.0, "Brand-N3w-pass"))
        .await;
    assert!(!code.is_empty());
}
