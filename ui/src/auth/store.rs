//! Browser storage, for [`super::owner::SessionOwner`] alone: the session in
//! localStorage under one key (shared by this origin's tabs), sign-in
//! attempts (state + PKCE verifier) in sessionStorage (one tab's own).
//! Values are JSON written and read with the browser's `JSON`; anything that
//! does not read back as what was written is reported as corrupt.

use super::session::{CodeVerifier, Session, SignInAttempt};
use super::tokens::{AccessToken, IdToken, RefreshToken};
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::JsValue;
use web_sys::Storage;

/// localStorage key of the session.
pub const SESSION_KEY: &str = "kpi.session";
/// sessionStorage key prefix of a sign-in attempt, followed by its `state`.
const ATTEMPT_PREFIX: &str = "kpi.signin.";

/// What localStorage holds for the session.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stored {
    Nothing,
    Session(Session),
    /// Something is there, but not a session this UI wrote (hand-edited, truncated, old format).
    Corrupt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("this browser gives the page no storage (private mode or blocked)")]
    Unavailable,
    #[error("the browser refused to store the value (storage full or blocked)")]
    Refused,
}

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn per_tab() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn object(pairs: &[(&str, Option<&str>)]) -> Option<String> {
    let object = Object::new();
    for (key, value) in pairs {
        if let Some(value) = value {
            Reflect::set(&object, &(*key).into(), &(*value).into()).ok()?;
        }
    }
    JSON::stringify(&object).ok()?.as_string()
}

/// A JSON object's string field: `Ok(None)` if absent or null, `Err` if another type.
fn string_field(object: &JsValue, key: &str) -> Result<Option<String>, ()> {
    let value = Reflect::get(object, &key.into()).map_err(|_| ())?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or(())
}

fn parse_object(raw: &str) -> Option<JsValue> {
    JSON::parse(raw)
        .ok()
        .filter(|v| v.is_object() && !js_sys::Array::is_array(v))
}

/// The session as stored, parsed and checked.
pub(crate) fn parse_session(raw: &str) -> Stored {
    let Some(json) = parse_object(raw) else {
        return Stored::Corrupt;
    };
    let fields = (
        string_field(&json, "accessToken"),
        string_field(&json, "idToken"),
        string_field(&json, "refreshToken"),
    );
    let (Ok(Some(access)), Ok(id), Ok(refresh)) = fields else {
        return Stored::Corrupt;
    };
    let non_empty = |t: Option<String>| t.filter(|t| !t.is_empty());
    match Session::new(
        AccessToken::new(access),
        non_empty(id).map(IdToken::new),
        non_empty(refresh).map(RefreshToken::new),
    ) {
        Ok(session) => Stored::Session(session),
        Err(_) => Stored::Corrupt,
    }
}

/// The session's stored form.
pub(crate) fn serialize_session(session: &Session) -> Option<String> {
    object(&[
        ("accessToken", Some(session.access_token().expose())),
        ("idToken", session.id_token().map(IdToken::expose)),
        (
            "refreshToken",
            session.refresh_token().map(RefreshToken::expose),
        ),
    ])
}

pub(crate) fn load_session() -> Stored {
    match local().and_then(|s| s.get_item(SESSION_KEY).ok().flatten()) {
        None => Stored::Nothing,
        Some(raw) => parse_session(&raw),
    }
}

pub(crate) fn save_session(session: &Session) -> Result<(), StorageError> {
    let storage = local().ok_or(StorageError::Unavailable)?;
    let raw = serialize_session(session).ok_or(StorageError::Refused)?;
    storage
        .set_item(SESSION_KEY, &raw)
        .map_err(|_| StorageError::Refused)
}

pub(crate) fn clear_session() {
    if let Some(storage) = local() {
        let _ = storage.remove_item(SESSION_KEY);
    }
}

pub(crate) fn remember_attempt(state: &str, attempt: &SignInAttempt) -> Result<(), StorageError> {
    let storage = per_tab().ok_or(StorageError::Unavailable)?;
    let raw = object(&[
        ("codeVerifier", Some(attempt.code_verifier.expose())),
        ("returnTo", Some(attempt.return_to.as_str())),
    ])
    .ok_or(StorageError::Refused)?;
    storage
        .set_item(&format!("{ATTEMPT_PREFIX}{state}"), &raw)
        .map_err(|_| StorageError::Refused)
}

/// The attempt `state` names, removed so that it is used once; `None` for an
/// unknown (forged, replayed, stale or other tab's) state, or a corrupt one.
pub(crate) fn take_attempt(state: &str) -> Option<SignInAttempt> {
    let storage = per_tab()?;
    let key = format!("{ATTEMPT_PREFIX}{state}");
    let raw = storage.get_item(&key).ok().flatten();
    let _ = storage.remove_item(&key);
    let json = parse_object(&raw?)?;
    let verifier = string_field(&json, "codeVerifier").ok()??;
    let return_to = string_field(&json, "returnTo").ok()??;
    Some(SignInAttempt {
        code_verifier: CodeVerifier::new(verifier),
        return_to: super::session::safe_return_path(&return_to),
    })
}
