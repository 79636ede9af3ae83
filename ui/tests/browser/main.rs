//! The UI's behaviour in a real browser (headless Chromium through
//! wasm-bindgen-test-runner): PKCE, `state`, the session owner and its
//! storage, the API client's header handling, what ends a session and what
//! keeps it, the cross-tab refresh lock, and the route guard.
#![cfg(target_arch = "wasm32")]

mod client;
mod guard;
mod sign_in;
mod support;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
