//! The API client: token headers saved, the refresh token sent only when
//! due, what ends a session and what keeps it, and the cross-tab refresh lock.

use crate::support::*;
use shared::dto::UserProfile;
use shared::ErrorCode;
use std::time::Duration;
use ui::api::client::ApiError;
use ui::auth::state::{SessionState, SignedOutReason};
use ui::auth::store::SESSION_KEY;
use ui::clock::now_secs;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

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
