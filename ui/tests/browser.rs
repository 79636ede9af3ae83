//! The UI's behaviour in a real browser (headless Chromium through
//! wasm-bindgen-test-runner): PKCE, `state`, the session owner and its
//! storage, the API client's header handling, what ends a session and what
//! keeps it, the cross-tab refresh lock, and the route guard.
#![cfg(target_arch = "wasm32")]

use shared::dto::{Tokens, UserProfile};
use shared::ErrorCode;
use std::cell::RefCell;
use std::time::Duration;
use ui::api::client::{ApiClient, ApiError};
use ui::auth::error::CallbackError;
use ui::auth::flow::{accept_callback, CallbackQuery};
use ui::auth::guard::Protected;
use ui::auth::owner::SessionOwner;
use ui::auth::pkce::{challenge_s256, Pkce};
use ui::auth::session::{CodeVerifier, SignInAttempt};
use ui::auth::state::{SessionState, SignedOutReason};
use ui::auth::store::SESSION_KEY;
use ui::clock::now_secs;
use ui::hooks::AppContext;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> web_sys::Window {
    web_sys::window().expect("window")
}

fn local() -> web_sys::Storage {
    window()
        .local_storage()
        .ok()
        .flatten()
        .expect("localStorage")
}

fn reset_storage() {
    local().clear().expect("cleared");
    window()
        .session_storage()
        .ok()
        .flatten()
        .expect("sessionStorage")
        .clear()
        .expect("cleared");
}

fn stored() -> Option<String> {
    local().get_item(SESSION_KEY).expect("readable")
}

/// Runs JavaScript in the page.
fn js(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .expect("script runs")
}

/// Replaces `window.fetch` with a JavaScript function body taking `request`.
fn stub_fetch(body: &str) {
    let stub = js_sys::Function::new_with_args("request", body);
    js_sys::Reflect::set(&window(), &JsValue::from_str("fetch"), &stub).expect("stub fetch");
}

/// A JWT-shaped token with this JSON payload (unsigned: the UI never checks signatures).
fn jwt(payload: &str) -> String {
    let encoded = window().btoa(payload).expect("ascii");
    let url_safe: String = encoded
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    format!("e30.{url_safe}.sig")
}

fn jwt_expiring_at(exp: u64) -> String {
    jwt(&format!(r#"{{"exp":{exp},"username":"u"}}"#))
}

/// Stores a session as the UI stores it.
fn store_session(access: &str, refresh: &str) {
    local()
        .set_item(
            SESSION_KEY,
            &format!(
                r#"{{"accessToken":"{access}","idToken":"{}","refreshToken":"{refresh}"}}"#,
                jwt(r#"{"email":"a@example.com"}"#)
            ),
        )
        .expect("stored");
}

fn stored_field(field: &str) -> Option<String> {
    let raw = stored()?;
    let json = js_sys::JSON::parse(&raw).ok()?;
    js_sys::Reflect::get(&json, &field.into()).ok()?.as_string()
}

fn client() -> (ApiClient, SessionOwner) {
    let owner = SessionOwner::from_storage();
    (ApiClient::new("http://api.test", owner.clone()), owner)
}

fn attempt(return_to: &str) -> SignInAttempt {
    SignInAttempt {
        code_verifier: CodeVerifier::new("v".repeat(43)),
        return_to: return_to.into(),
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
    assert!(!format!("{a:?}").contains(&a.verifier), "verifier redacted");
}

#[wasm_bindgen_test]
fn a_state_this_tab_did_not_issue_is_refused() {
    reset_storage();
    let owner = SessionOwner::from_storage();
    owner
        .begin_sign_in("issued", &attempt("/user"))
        .expect("stored");
    assert_eq!(owner.state(), SessionState::SigningIn);
    let forged = CallbackQuery {
        code: Some("code".into()),
        state: Some("forged".into()),
        ..Default::default()
    };
    assert_eq!(
        accept_callback(&owner, &forged).map(|_| ()),
        Err((CallbackError::StateMismatch, None))
    );
    let genuine = CallbackQuery {
        state: Some("issued".into()),
        ..forged.clone()
    };
    let (code, taken) = accept_callback(&owner, &genuine).expect("accepted");
    assert_eq!((code.as_str(), taken), ("code", attempt("/user")));
    // Used once: a replay of the same callback is refused.
    assert_eq!(
        accept_callback(&owner, &genuine).map(|_| ()),
        Err((CallbackError::StateMismatch, None))
    );
}

#[wasm_bindgen_test]
fn a_cognito_error_callback_keeps_the_page_asked_for() {
    reset_storage();
    let owner = SessionOwner::from_storage();
    owner
        .begin_sign_in("s1", &attempt("/stats"))
        .expect("stored");
    let query = CallbackQuery {
        state: Some("s1".into()),
        error: Some("access_denied".into()),
        error_description: Some("User cancelled".into()),
        ..Default::default()
    };
    let (error, kept) = accept_callback(&owner, &query).expect_err("an error callback");
    assert_eq!(error, CallbackError::Cognito("User cancelled".into()));
    assert_eq!(kept, Some(attempt("/stats")));
}

#[wasm_bindgen_test]
fn a_session_round_trips_through_the_owner_and_never_shows_its_tokens() {
    reset_storage();
    let owner = SessionOwner::from_storage();
    assert_eq!(
        owner.state(),
        SessionState::SignedOut(SignedOutReason::NotSignedIn)
    );
    let access = jwt(r#"{"exp":2000000000,"username":"u","cognito:groups":["admin"]}"#);
    owner
        .signed_in(Tokens {
            access_token: access.clone(),
            id_token: Some(jwt(r#"{"email":"a@example.com"}"#)),
            refresh_token: Some("refresh-secret".into()),
            expires_in: 3600,
            token_type: "Bearer".into(),
        })
        .expect("a session");
    let SessionState::SignedIn(session) = owner.state() else {
        panic!("signed in: {:?}", owner.state());
    };
    assert_eq!(session.expires_at(), 2_000_000_000);
    assert!(session.is_admin());
    assert_eq!(session.display_name(), "a@example.com");
    let shown = format!("{session:?}");
    assert!(
        !shown.contains(&access) && !shown.contains("refresh-secret"),
        "{shown}"
    );
    // Another page (or tab) reads the same session.
    assert_eq!(
        SessionOwner::from_storage().state(),
        SessionState::SignedIn(session)
    );
    owner.signed_out();
    assert_eq!(stored(), None);
    assert_eq!(
        owner.state(),
        SessionState::SignedOut(SignedOutReason::ByUser)
    );
}

#[wasm_bindgen_test]
fn a_corrupt_or_hand_edited_session_is_discarded_with_a_sign_in_prompt() {
    let no_exp = jwt(r#"{"username":"u"}"#);
    for bad in [
        "{".to_owned(),
        "null".into(),
        "[]".into(),
        "\"a string\"".into(),
        r#"{"accessToken":5}"#.into(),
        r#"{"refreshToken":"r"}"#.into(),
        r#"{"accessToken":"not-a-jwt"}"#.into(),
        format!(r#"{{"accessToken":"{no_exp}"}}"#),
        format!(r#"{{"accessToken":"{}","idToken":7}}"#, jwt_expiring_at(1)),
    ] {
        reset_storage();
        local().set_item(SESSION_KEY, &bad).expect("stored");
        let state = SessionOwner::from_storage().state();
        assert_eq!(
            state,
            SessionState::SignedOut(SignedOutReason::Discarded),
            "{bad}"
        );
        assert!(!state.starts_sign_in(), "a prompt, not a redirect");
        assert_eq!(stored(), None, "{bad} removed");
    }
}

#[wasm_bindgen_test]
async fn the_client_saves_refreshed_tokens_from_a_success() {
    reset_storage();
    store_session(&jwt_expiring_at(now_secs() + 3600), "refresh-1");
    let fresh = jwt_expiring_at(now_secs() + 7200);
    stub_fetch(&format!(
        r#"return Promise.resolve(new Response(JSON.stringify({{
            sub: "s", username: "u", email: null, groups: [], clientId: "c",
            scopes: [], expiresAt: 1 }}),
          {{ status: 200, headers: {{ "content-type": "application/json",
            "x-access-token": "{fresh}" }} }}));"#
    ));
    let (client, owner) = client();
    let profile: UserProfile = client.get("/user").await.expect("200");
    assert_eq!(profile.username, "u");
    assert_eq!(stored_field("accessToken"), Some(fresh.clone()));
    assert_eq!(
        stored_field("refreshToken").as_deref(),
        Some("refresh-1"),
        "not rotated"
    );
    let state = owner.state();
    assert_eq!(
        state
            .session()
            .map(|s| s.access_token().expose().to_owned()),
        Some(fresh),
        "the owner's state follows"
    );
}

#[wasm_bindgen_test]
async fn the_client_saves_refreshed_tokens_from_an_error_response() {
    reset_storage();
    store_session(&jwt_expiring_at(now_secs() + 3600), "refresh-1");
    let fresh = jwt_expiring_at(now_secs() + 7200);
    stub_fetch(&format!(
        r#"return Promise.resolve(new Response(JSON.stringify({{
            error: "forbidden", message: "admins only" }}),
          {{ status: 403, headers: {{ "content-type": "application/json",
            "x-access-token": "{fresh}", "x-refresh-token": "rotated" }} }}));"#
    ));
    let (client, _) = client();
    let error = client.get::<UserProfile>("/stats").await.expect_err("403");
    assert_eq!(error.code(), Some(ErrorCode::Forbidden));
    assert_eq!(stored_field("accessToken"), Some(fresh));
    assert_eq!(stored_field("refreshToken").as_deref(), Some("rotated"));
}

fn calls() -> Option<f64> {
    js_sys::Reflect::get(&window(), &"__calls".into())
        .expect("count")
        .as_f64()
}

#[wasm_bindgen_test]
async fn token_expired_is_retried_once_with_the_refresh_token() {
    reset_storage();
    js("window.__calls = 0");
    // By the browser's clock the token is good for an hour, so no refresh
    // token goes with the first call; the API says otherwise.
    store_session(&jwt_expiring_at(now_secs() + 3600), "refresh-1");
    let fresh = jwt_expiring_at(now_secs() + 7200);
    stub_fetch(&format!(
        r#"window.__calls += 1;
        if (!request.headers.get("x-refresh-token")) {{
          return Promise.resolve(new Response(JSON.stringify({{
            error: "token_expired", message: "expired" }}),
            {{ status: 401, headers: {{ "content-type": "application/json" }} }}));
        }}
        return Promise.resolve(new Response(JSON.stringify({{
            framework: "f", version: "v", language: "l", repo: "r", docs: "d" }}),
          {{ status: 200, headers: {{ "content-type": "application/json",
            "x-access-token": "{fresh}" }} }}));"#
    ));
    let (client, _) = client();
    let info: shared::dto::ServerInfo = client.get("/info/server").await.expect("retried");
    assert_eq!(info.framework, "f");
    assert_eq!(calls(), Some(2.0));
    assert_eq!(stored_field("accessToken"), Some(fresh));
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
    let now = now_secs();
    for (exp, sent) in [(now + 3600, "false"), (now + 30, "true"), (now - 5, "true")] {
        store_session(&jwt_expiring_at(exp), "refresh-1");
        let (client, _) = client();
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
async fn invalid_token_or_session_expired_for_the_token_sent_ends_the_session() {
    for code in ["invalid_token", "session_expired"] {
        reset_storage();
        store_session(&jwt_expiring_at(now_secs() + 30), "refresh-1");
        stub_fetch(&format!(
            r#"return Promise.resolve(new Response(JSON.stringify({{
                error: "{code}", message: "no" }}),
              {{ status: 401, headers: {{ "content-type": "application/json" }} }}));"#
        ));
        let (client, owner) = client();
        let error = client.get::<UserProfile>("/user").await.expect_err("401");
        assert_eq!(error, ApiError::SessionEnded, "{code}");
        assert_eq!(stored(), None, "{code}");
        assert_eq!(
            owner.state(),
            SessionState::SignedOut(SignedOutReason::Ended)
        );
        assert!(owner.state().starts_sign_in());
    }
}

#[wasm_bindgen_test]
async fn a_refusal_of_a_token_another_tab_has_replaced_keeps_the_new_session() {
    reset_storage();
    js("window.__calls = 0");
    let old = jwt_expiring_at(now_secs() + 3600);
    let new = jwt_expiring_at(now_secs() + 3601);
    store_session(&old, "refresh-1");
    let (client, owner) = client();
    // While the old token is in flight, another tab signs in afresh.
    stub_fetch(&format!(
        r#"window.__calls += 1;
        if (request.headers.get("authorization") === "Bearer {old}") {{
          localStorage.setItem("{SESSION_KEY}", JSON.stringify({{
            accessToken: "{new}", refreshToken: "refresh-2" }}));
          return Promise.resolve(new Response(JSON.stringify({{
            error: "invalid_token", message: "revoked" }}),
            {{ status: 401, headers: {{ "content-type": "application/json" }} }}));
        }}
        return Promise.resolve(new Response(JSON.stringify({{
            framework: "f", version: "v", language: "l", repo: "r", docs: "d" }}),
          {{ status: 200, headers: {{ "content-type": "application/json" }} }}));"#
    ));
    let info: shared::dto::ServerInfo = client.get("/info/server").await.expect("retried");
    assert_eq!(info.framework, "f");
    assert_eq!(calls(), Some(2.0));
    assert_eq!(stored_field("refreshToken").as_deref(), Some("refresh-2"));
    assert!(owner.state().session().is_some());
}

#[wasm_bindgen_test]
async fn network_errors_and_an_unavailable_sign_in_service_keep_the_session() {
    for stub in [
        r#"return Promise.reject(new TypeError("Failed to fetch"));"#,
        r#"return Promise.resolve(new Response(JSON.stringify({
            error: "idp_unavailable", message: "Cognito is down" }),
          { status: 503, headers: { "content-type": "application/json" } }));"#,
        r#"return Promise.resolve(new Response("bad gateway", { status: 502 }));"#,
    ] {
        reset_storage();
        // Due: the refresh token goes along, and the refresh is what fails.
        store_session(&jwt_expiring_at(now_secs() + 10), "refresh-1");
        let before = stored();
        stub_fetch(stub);
        let (client, owner) = client();
        let error = client.get::<UserProfile>("/user").await.expect_err("fails");
        assert!(error.is_retryable(), "{error:?}");
        assert!(
            error.explain().contains("still signed in"),
            "{}",
            error.explain()
        );
        assert_eq!(stored(), before, "session kept: {stub}");
        assert!(owner.state().session().is_some(), "{stub}");
    }
}

#[wasm_bindgen_test]
async fn a_refresh_waits_for_another_tabs_refresh_and_uses_its_token() {
    reset_storage();
    store_session(&jwt_expiring_at(now_secs() + 10), "refresh-1");
    // Another tab holds the refresh lock.
    let held = js(&format!(
        "return new Promise(granted => navigator.locks.request('{}', \
         () => {{ granted(); return new Promise(r => window.__release = r); }}));",
        "kpi.refresh"
    ));
    JsFuture::from(js_sys::Promise::from(held))
        .await
        .expect("lock held");
    stub_fetch(
        r#"window.__sent = [request.headers.get("authorization"),
                           request.headers.get("x-refresh-token")];
        return Promise.resolve(new Response(JSON.stringify({
            framework: "f", version: "v", language: "l", repo: "r", docs: "d" }),
          { status: 200, headers: { "content-type": "application/json" } }));"#,
    );
    let (client, _) = client();
    let call = wasm_bindgen_futures::future_to_promise(async move {
        client
            .get::<shared::dto::ServerInfo>("/info/server")
            .await
            .map(|_| JsValue::TRUE)
            .map_err(|e| JsValue::from_str(&e.to_string()))
    });
    // Polled with a deadline until the call is queued behind the lock.
    for _ in 0..500 {
        let pending = JsFuture::from(js_sys::Promise::from(js(
            "return navigator.locks.query().then(s => s.pending.length)",
        )))
        .await
        .expect("query");
        if pending.as_f64() == Some(1.0) {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        js("return window.__sent === undefined").is_truthy(),
        "nothing is sent while another tab refreshes"
    );
    // That tab stores what its refresh brought, then lets go.
    let fresh = jwt_expiring_at(now_secs() + 3600);
    store_session(&fresh, "refresh-2");
    js("window.__release()");
    JsFuture::from(call).await.expect("the call succeeds");
    let sent = js("return window.__sent");
    let sent = js_sys::Array::from(&sent);
    assert_eq!(sent.get(0).as_string(), Some(format!("Bearer {fresh}")));
    assert!(sent.get(1).is_null(), "no refresh of its own");
}

thread_local! {
    static SIGN_INS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

#[derive(Properties, PartialEq)]
struct GuardedProps {
    state: SessionState,
}

#[function_component(GuardedApp)]
fn guarded_app(props: &GuardedProps) -> Html {
    let context = AppContext {
        api: ApiClient::new("http://api.test", SessionOwner::from_storage()),
        session: props.state.clone(),
        sign_in: Callback::from(|return_to: String| {
            SIGN_INS.with(|s| s.borrow_mut().push(return_to));
        }),
        sign_out: Callback::noop(),
    };
    html! {
        <ContextProvider<AppContext> {context}>
            <Protected><p id="secret">{ "protected content" }</p></Protected>
        </ContextProvider<AppContext>>
    }
}

/// Renders the guard in `state` and waits for rendering to settle (by polling, with a deadline).
async fn render_guard(
    state: SessionState,
    until: impl Fn(&web_sys::Element) -> bool,
) -> web_sys::Element {
    let document = window().document().expect("document");
    let root = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("attached");
    yew::Renderer::<GuardedApp>::with_root_and_props(root.clone(), GuardedProps { state }).render();
    for _ in 0..500 {
        if until(&root) {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    root
}

#[wasm_bindgen_test]
async fn the_guard_sends_a_signed_out_user_to_sign_in() {
    reset_storage();
    SIGN_INS.with(|s| s.borrow_mut().clear());
    let path = ui::auth::flow::current_path();
    let root = render_guard(
        SessionState::SignedOut(SignedOutReason::NotSignedIn),
        |_| !SIGN_INS.with(|s| s.borrow().is_empty()),
    )
    .await;
    assert_eq!(SIGN_INS.with(|s| s.borrow().clone()), [path]);
    assert!(
        root.query_selector("#secret").ok().flatten().is_none(),
        "content hidden"
    );
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("Redirecting to sign-in"));
}

#[wasm_bindgen_test]
async fn the_guard_waits_for_the_person_after_a_sign_out_elsewhere_or_a_discarded_session() {
    for state in [
        SessionState::SignedOut(SignedOutReason::Elsewhere),
        SessionState::SignedOut(SignedOutReason::Discarded),
        SessionState::SigningOut,
    ] {
        reset_storage();
        SIGN_INS.with(|s| s.borrow_mut().clear());
        let root = render_guard(state.clone(), |root| {
            !root.text_content().unwrap_or_default().is_empty()
        })
        .await;
        // Rendered, so the guard's effect has run.
        assert!(SIGN_INS.with(|s| s.borrow().is_empty()), "{state:?}");
        assert!(root.query_selector("#secret").ok().flatten().is_none());
    }
}
