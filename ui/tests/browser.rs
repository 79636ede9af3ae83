//! The UI's behaviour in a real browser (headless Chromium through
//! wasm-bindgen-test-runner): PKCE, `state`, token storage, the API client's
//! header handling, and the route guard.
#![cfg(target_arch = "wasm32")]

use gloo_storage::{LocalStorage, SessionStorage, Storage};
use shared::dto::UserProfile;
use shared::ErrorCode;
use std::cell::RefCell;
use std::time::Duration;
use ui::api::client::{ApiClient, ApiError};
use ui::auth::flow::{accept_callback, CallbackError, CallbackQuery};
use ui::auth::guard::Protected;
use ui::auth::pkce::{challenge_s256, Pkce};
use ui::auth::session::{self, Session, SignInAttempt};
use ui::hooks::AppContext;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn reset_storage() {
    LocalStorage::clear();
    SessionStorage::clear();
}

/// Replaces `window.fetch` with a JavaScript function body taking `request`.
fn stub_fetch(body: &str) {
    let window = web_sys::window().expect("window");
    let stub = js_sys::Function::new_with_args("request", body);
    js_sys::Reflect::set(&window, &JsValue::from_str("fetch"), &stub).expect("stub fetch");
}

fn session(access: &str) -> Session {
    Session {
        access_token: access.into(),
        id_token: Some("id-1".into()),
        refresh_token: Some("refresh-1".into()),
    }
}

#[wasm_bindgen_test]
fn pkce_s256_matches_rfc_7636_appendix_b() {
    assert_eq!(
        challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let a = Pkce::generate().expect("crypto");
    let b = Pkce::generate().expect("crypto");
    assert_eq!(a.verifier.len(), 43);
    assert_ne!(a.verifier, b.verifier);
    assert_eq!(a.challenge, challenge_s256(&a.verifier));
}

#[wasm_bindgen_test]
fn a_state_this_tab_did_not_issue_is_refused() {
    reset_storage();
    let attempt = SignInAttempt {
        code_verifier: "v".repeat(43),
        return_to: "/user".into(),
    };
    session::remember_attempt("issued", &attempt).expect("stored");
    let forged = CallbackQuery {
        code: Some("code".into()),
        state: Some("forged".into()),
        ..Default::default()
    };
    assert_eq!(
        accept_callback(&forged).map(|_| ()),
        Err((CallbackError::StateMismatch, None))
    );
    let genuine = CallbackQuery {
        state: Some("issued".into()),
        ..forged.clone()
    };
    let (code, taken) = accept_callback(&genuine).expect("accepted");
    assert_eq!((code.as_str(), taken), ("code", attempt));
    // Used once: a replay of the same callback is refused.
    assert_eq!(
        accept_callback(&genuine).map(|_| ()),
        Err((CallbackError::StateMismatch, None))
    );
}

#[wasm_bindgen_test]
fn a_cognito_error_callback_keeps_the_page_asked_for() {
    reset_storage();
    let attempt = SignInAttempt {
        code_verifier: "v".repeat(43),
        return_to: "/stats".into(),
    };
    session::remember_attempt("s1", &attempt).expect("stored");
    let query = CallbackQuery {
        state: Some("s1".into()),
        error: Some("access_denied".into()),
        error_description: Some("User cancelled".into()),
        ..Default::default()
    };
    let (error, kept) = accept_callback(&query).expect_err("an error callback");
    assert_eq!(error, CallbackError::Cognito("User cancelled".into()));
    assert_eq!(kept, Some(attempt));
}

#[wasm_bindgen_test]
fn tokens_round_trip_through_local_storage() {
    reset_storage();
    assert_eq!(session::load(), None);
    let saved = session("access-1");
    session::save(&saved);
    assert_eq!(session::load(), Some(saved));
    session::clear();
    assert_eq!(session::load(), None);
}

#[wasm_bindgen_test]
async fn the_client_saves_refreshed_tokens_from_a_success() {
    reset_storage();
    session::save(&session("old-access"));
    stub_fetch(
        r#"return Promise.resolve(new Response(JSON.stringify({
            sub: "s", username: "u", email: null, groups: [], clientId: "c",
            scopes: [], expiresAt: 1 }),
          { status: 200, headers: { "content-type": "application/json",
            "x-access-token": "new-access", "x-id-token": "new-id" } }));"#,
    );
    let client = ApiClient::new("http://api.test", Callback::noop());
    let profile: UserProfile = client.get("/user").await.expect("200");
    assert_eq!(profile.username, "u");
    let stored = session::load().expect("session");
    assert_eq!(stored.access_token, "new-access");
    assert_eq!(stored.id_token.as_deref(), Some("new-id"));
    assert_eq!(
        stored.refresh_token.as_deref(),
        Some("refresh-1"),
        "not rotated"
    );
}

#[wasm_bindgen_test]
async fn the_client_saves_refreshed_tokens_from_an_error_response() {
    reset_storage();
    session::save(&session("old-access"));
    stub_fetch(
        r#"return Promise.resolve(new Response(JSON.stringify({
            error: "forbidden", message: "admins only" }),
          { status: 403, headers: { "content-type": "application/json",
            "x-access-token": "new-access", "x-refresh-token": "rotated" } }));"#,
    );
    let client = ApiClient::new("http://api.test", Callback::noop());
    let error = client.get::<UserProfile>("/stats").await.expect_err("403");
    assert_eq!(error.code(), Some(ErrorCode::Forbidden));
    let stored = session::load().expect("session kept on a 403");
    assert_eq!(stored.access_token, "new-access");
    assert_eq!(stored.refresh_token.as_deref(), Some("rotated"));
}

/// A token-shaped string whose payload says it expires at `exp`.
fn jwt_expiring_at(exp: u64) -> String {
    use base64::Engine;
    let payload =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(r#"{{"exp":{exp}}}"#));
    format!("e30.{payload}.sig")
}

#[wasm_bindgen_test]
async fn token_expired_is_retried_once_with_the_refresh_token() {
    reset_storage();
    // By the browser's clock the token is good for an hour, so no refresh
    // token goes with the first call; the API says otherwise.
    let now = ui::api::client::now_secs();
    session::save(&session(&jwt_expiring_at(now + 3600)));
    // 401 token_expired unless the refresh token came along; then 200 with a new token.
    stub_fetch(
        r#"window.__calls = (window.__calls || 0) + 1;
        const refresh = request.headers.get("x-refresh-token");
        if (!refresh) {
          return Promise.resolve(new Response(JSON.stringify({
            error: "token_expired", message: "expired" }),
            { status: 401, headers: { "content-type": "application/json" } }));
        }
        return Promise.resolve(new Response(JSON.stringify({
            framework: "f", version: "v", language: "l", repo: "r", docs: "d" }),
          { status: 200, headers: { "content-type": "application/json",
            "x-access-token": "fresh-access" } }));"#,
    );
    let client = ApiClient::new("http://api.test", Callback::noop());
    let info: shared::dto::ServerInfo = client.get("/info/server").await.expect("retried");
    assert_eq!(info.framework, "f");
    let calls = js_sys::Reflect::get(&web_sys::window().expect("window"), &"__calls".into())
        .expect("count")
        .as_f64();
    assert_eq!(calls, Some(2.0));
    assert_eq!(
        session::load().expect("session").access_token,
        "fresh-access"
    );
}

#[wasm_bindgen_test]
async fn the_refresh_token_goes_along_only_near_expiry() {
    reset_storage();
    // Echo whether the refresh token came, as the API's error message.
    stub_fetch(
        r#"return Promise.resolve(new Response(JSON.stringify({
            error: "not_found", message: String(request.headers.has("x-refresh-token")) }),
          { status: 404, headers: { "content-type": "application/json" } }));"#,
    );
    let client = ApiClient::new("http://api.test", Callback::noop());
    let now = ui::api::client::now_secs();
    for (exp, sent) in [(now + 3600, "false"), (now + 30, "true"), (now - 5, "true")] {
        session::save(&session(&jwt_expiring_at(exp)));
        let error = client.get::<UserProfile>("/x").await.expect_err("404");
        assert_eq!(
            error.to_string(),
            sent,
            "exp in {}s",
            exp as i64 - now as i64
        );
    }
}

#[wasm_bindgen_test]
async fn any_other_401_clears_the_session() {
    reset_storage();
    session::save(&session("forged"));
    stub_fetch(
        r#"return Promise.resolve(new Response(JSON.stringify({
            error: "invalid_token", message: "bad signature" }),
          { status: 401, headers: { "content-type": "application/json" } }));"#,
    );
    let client = ApiClient::new("http://api.test", Callback::noop());
    let error = client.get::<UserProfile>("/user").await.expect_err("401");
    assert_eq!(error, ApiError::SignedOut);
    assert_eq!(session::load(), None);
}

thread_local! {
    static SIGN_INS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

#[function_component(SignedOutApp)]
fn signed_out_app() -> Html {
    let context = AppContext {
        api: ApiClient::new("http://api.test", Callback::noop()),
        session: None,
        set_session: Callback::noop(),
        sign_in: Callback::from(|return_to: String| {
            SIGN_INS.with(|s| s.borrow_mut().push(return_to));
        }),
        sign_in_error: None,
        sign_out: Callback::noop(),
        signing_out: false,
    };
    html! {
        <ContextProvider<AppContext> {context}>
            <Protected><p id="secret">{ "protected content" }</p></Protected>
        </ContextProvider<AppContext>>
    }
}

#[wasm_bindgen_test]
async fn the_guard_sends_a_signed_out_user_to_sign_in() {
    reset_storage();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let root = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("attached");
    let path = ui::auth::flow::current_path();
    yew::Renderer::<SignedOutApp>::with_root(root.clone()).render();
    // Rendering is asynchronous: poll until the guard has acted, with a deadline.
    for _ in 0..500 {
        if !SIGN_INS.with(|s| s.borrow().is_empty()) {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(SIGN_INS.with(|s| s.borrow().clone()), [path]);
    assert!(
        document.get_element_by_id("secret").is_none(),
        "content hidden"
    );
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("Redirecting to sign-in"));
}
