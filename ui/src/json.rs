//! JSON for the UI. In the browser it is the browser's own `JSON.parse` and
//! `JSON.stringify`, bridged to serde by serde-wasm-bindgen, so the bundle
//! carries no JSON codec of its own (serde_json was a fifth of the wasm).
//! Native builds, where the unit tests run, use serde_json: same text.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Text that is not JSON, or JSON that does not fit the type asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct JsonError(String);

/// `value` as JSON text: object fields in declaration order, `None` as `null`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    codec::to_string(value)
}

/// JSON text as a `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    codec::from_str(text)
}

/// A response body, parsed as JSON by the browser, as a `T`.
pub async fn read<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, JsonError> {
    from_value(read_value(response).await?)
}

/// A response body, parsed as JSON by the browser (not generic, so the
/// awaiting is compiled once whatever type the caller wants).
pub async fn read_value(
    response: gloo_net::http::Response,
) -> Result<wasm_bindgen::JsValue, JsonError> {
    let promise = web_sys::Response::from(response).json().map_err(js_error)?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(js_error)
}

/// A parsed JavaScript value as a `T`.
pub fn from_value<T: DeserializeOwned>(value: wasm_bindgen::JsValue) -> Result<T, JsonError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsonError(e.to_string()))
}

/// The JSON under `key` in a Web Storage area as a `T`; `None` when the key
/// is absent or its value does not read as a `T`.
pub fn load<T: DeserializeOwned>(storage: &web_sys::Storage, key: &str) -> Option<T> {
    from_str(&storage.get_item(key).ok()??).ok()
}

/// `value` as JSON under `key` in a Web Storage area.
pub fn store<T: Serialize + ?Sized>(
    storage: &web_sys::Storage,
    key: &str,
    value: &T,
) -> Result<(), JsonError> {
    storage.set_item(key, &to_string(value)?).map_err(js_error)
}

/// A thrown JavaScript value (a `SyntaxError`, a full storage) as a message.
fn js_error(thrown: wasm_bindgen::JsValue) -> JsonError {
    use wasm_bindgen::JsCast;
    let message = match thrown.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => thrown
            .as_string()
            .unwrap_or_else(|| "a JavaScript error".to_owned()),
    };
    JsonError(message)
}

#[cfg(target_arch = "wasm32")]
mod codec {
    use super::{js_error, JsonError};
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    pub(super) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
        let value = value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| JsonError(e.to_string()))?;
        js_sys::JSON::stringify(&value)
            .map(String::from)
            .map_err(js_error)
    }

    pub(super) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
        super::from_value(js_sys::JSON::parse(text).map_err(js_error)?)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod codec {
    use super::JsonError;
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    pub(super) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
        serde_json::to_string(value).map_err(|e| JsonError(e.to_string()))
    }

    pub(super) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
        serde_json::from_str(text).map_err(|e| JsonError(e.to_string()))
    }
}
