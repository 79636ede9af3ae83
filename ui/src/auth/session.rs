//! The signed-in session: tokens in localStorage under one key (shared by
//! tabs), sign-in attempts (state + PKCE verifier) in sessionStorage (one per tab).

use crate::{base64url, json};
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use serde::{Deserialize, Serialize};
use shared::dto::Tokens;

/// localStorage key of the session.
pub const SESSION_KEY: &str = "kpi.session";
/// sessionStorage key prefix of a sign-in attempt, followed by its `state`.
const ATTEMPT_PREFIX: &str = "kpi.signin.";
/// The refresh token goes along when the access token expires within this.
pub const REFRESH_WINDOW_SECS: u64 = 60;
/// The group whose members edit statistics.
pub const ADMIN_GROUP: &str = "admin";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
}

/// What the UI reads from the tokens (for display only; the API verifies them).
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
struct Claims {
    #[serde(default)]
    exp: u64,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    groups: Vec<String>,
}

fn claims(token: &str) -> Claims {
    token
        .split('.')
        .nth(1)
        .and_then(base64url::decode)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| json::from_str(&text).ok())
        .unwrap_or_default()
}

impl Session {
    pub fn from_tokens(tokens: Tokens) -> Self {
        Self {
            access_token: tokens.access_token,
            id_token: tokens.id_token,
            refresh_token: tokens.refresh_token,
        }
    }

    /// The access token's `exp` (seconds since the epoch; 0 if unreadable).
    pub fn expires_at(&self) -> u64 {
        claims(&self.access_token).exp
    }

    /// Whether the refresh token should go along with a request made at `now`.
    pub fn refresh_due(&self, now: u64) -> bool {
        self.refresh_token.is_some() && self.expires_at() <= now + REFRESH_WINDOW_SECS
    }

    pub fn groups(&self) -> Vec<String> {
        claims(&self.access_token).groups
    }

    pub fn is_admin(&self) -> bool {
        self.groups().iter().any(|g| g == ADMIN_GROUP)
    }

    /// The email from the ID token, else the username.
    pub fn display_name(&self) -> String {
        let id = self.id_token.as_deref().map(claims).unwrap_or_default();
        id.email
            .or_else(|| claims(&self.access_token).username)
            .unwrap_or_else(|| "signed in".into())
    }

    /// Takes the tokens an API response carried in `x-access-token`,
    /// `x-id-token` and `x-refresh-token`; true if anything changed.
    pub fn apply(
        &mut self,
        access: Option<String>,
        id: Option<String>,
        refresh: Option<String>,
    ) -> bool {
        let before = self.clone();
        if let Some(access) = access {
            self.access_token = access;
        }
        if id.is_some() {
            self.id_token = id;
        }
        if refresh.is_some() {
            self.refresh_token = refresh;
        }
        *self != before
    }
}

pub fn load() -> Option<Session> {
    json::load(&LocalStorage::raw(), SESSION_KEY)
}

pub fn save(session: &Session) {
    if let Err(e) = json::store(&LocalStorage::raw(), SESSION_KEY, session) {
        web_sys::console::error_1(&format!("cannot save the session: {e}").into());
    }
}

pub fn clear() {
    LocalStorage::delete(SESSION_KEY);
}

/// One tab's sign-in in progress, stored under its `state`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInAttempt {
    pub code_verifier: String,
    /// The in-app path to return to after sign-in.
    pub return_to: String,
}

pub fn remember_attempt(state: &str, attempt: &SignInAttempt) -> Result<(), String> {
    json::store(
        &SessionStorage::raw(),
        &format!("{ATTEMPT_PREFIX}{state}"),
        attempt,
    )
    .map_err(|e| format!("cannot store the sign-in attempt: {e}"))
}

/// The attempt `state` names, removed so that it is used once; `None` for an
/// unknown (forged, replayed or other tab's) state.
pub fn take_attempt(state: &str) -> Option<SignInAttempt> {
    let key = format!("{ATTEMPT_PREFIX}{state}");
    let attempt = json::load(&SessionStorage::raw(), &key);
    SessionStorage::delete(&key);
    attempt
}

/// `return_to` if it is a path inside this app, else `/`: never an open redirect.
pub fn safe_return_path(return_to: &str) -> String {
    let inside = return_to.starts_with('/')
        && !return_to.starts_with("//")
        && !return_to.contains('\\')
        && !return_to.starts_with("/signin")
        && !return_to.starts_with("/signout");
    if inside {
        return_to.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        format!("e30.{}.sig", base64url::encode(payload.as_bytes()))
    }

    #[test]
    fn claims_are_read_for_display() {
        let session = Session {
            access_token: token(r#"{"exp":1000,"username":"u","cognito:groups":["admin"]}"#),
            id_token: Some(token(r#"{"email":"a@example.com"}"#)),
            refresh_token: Some("r".into()),
        };
        assert_eq!(session.expires_at(), 1000);
        assert!(session.is_admin());
        assert_eq!(session.display_name(), "a@example.com");
        assert!(session.refresh_due(941));
        assert!(!session.refresh_due(900));
    }

    #[test]
    fn return_paths_stay_inside_the_app() {
        assert_eq!(safe_return_path("/user?tab=1"), "/user?tab=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "/signin?code=x",
            "user",
        ] {
            assert_eq!(safe_return_path(bad), "/", "{bad}");
        }
    }

    #[test]
    fn headers_update_only_what_they_carry() {
        let mut session = Session {
            access_token: "a".into(),
            id_token: Some("i".into()),
            refresh_token: Some("r".into()),
        };
        assert!(!session.apply(None, None, None));
        assert!(session.apply(Some("a2".into()), None, None));
        assert_eq!(session.id_token.as_deref(), Some("i"));
        assert_eq!(session.refresh_token.as_deref(), Some("r"));
    }
}
