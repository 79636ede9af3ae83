//! What the browser tests share: storage, stubbed `fetch`, JWT-shaped tokens.

use ui::api::client::ApiClient;
use ui::auth::owner::SessionOwner;
use ui::auth::session::{CodeVerifier, SignInAttempt};
use ui::auth::store::SESSION_KEY;
use wasm_bindgen::JsValue;

pub(crate) fn window() -> web_sys::Window {
    web_sys::window().expect("window")
}

pub(crate) fn local() -> web_sys::Storage {
    window()
        .local_storage()
        .ok()
        .flatten()
        .expect("localStorage")
}

pub(crate) fn reset_storage() {
    local().clear().expect("cleared");
    window()
        .session_storage()
        .ok()
        .flatten()
        .expect("sessionStorage")
        .clear()
        .expect("cleared");
}

pub(crate) fn stored() -> Option<String> {
    local().get_item(SESSION_KEY).expect("readable")
}

/// Runs JavaScript in the page.
pub(crate) fn js(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .expect("script runs")
}

/// Replaces `window.fetch` with a JavaScript function body taking `request`.
pub(crate) fn stub_fetch(body: &str) {
    let stub = js_sys::Function::new_with_args("request", body);
    js_sys::Reflect::set(&window(), &JsValue::from_str("fetch"), &stub).expect("stub fetch");
}

/// A JWT-shaped token with this JSON payload (unsigned: the UI never checks signatures).
pub(crate) fn jwt(payload: &str) -> String {
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

pub(crate) fn jwt_expiring_at(exp: u64) -> String {
    jwt(&format!(r#"{{"exp":{exp},"username":"u"}}"#))
}

/// Stores a session as the UI stores it.
pub(crate) fn store_session(access: &str, refresh: &str) {
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

pub(crate) fn stored_field(field: &str) -> Option<String> {
    let raw = stored()?;
    let json = js_sys::JSON::parse(&raw).ok()?;
    js_sys::Reflect::get(&json, &field.into()).ok()?.as_string()
}

pub(crate) fn client() -> (ApiClient, SessionOwner) {
    let owner = SessionOwner::from_storage();
    (ApiClient::new("http://api.test", owner.clone()), owner)
}

pub(crate) fn attempt(return_to: &str) -> SignInAttempt {
    SignInAttempt {
        code_verifier: CodeVerifier::new("v".repeat(43)),
        return_to: return_to.into(),
    }
}
