//! The browser's clock (the API and Cognito keep their own).

/// Seconds since the epoch by the browser's clock.
pub fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
