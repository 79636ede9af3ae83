//! A signed-in session: its tokens and what the UI reads from them.

use super::tokens::{AccessToken, Claims, IdToken, RefreshToken};

/// The refresh token goes along when the access token expires within this.
pub const REFRESH_WINDOW_SECS: u64 = 60;
/// The group whose members edit statistics.
pub const ADMIN_GROUP: &str = "admin";

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    access_token: AccessToken,
    id_token: Option<IdToken>,
    refresh_token: Option<RefreshToken>,
    /// Read once from the access token (and the ID token, for the email).
    access_claims: Claims,
    email: Option<String>,
}

/// Why tokens cannot make a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("the access token is not a readable JWT with an expiry")]
    UnreadableAccessToken,
}

impl Session {
    /// A session from tokens; the access token must be a JWT with `exp`.
    pub fn new(
        access_token: AccessToken,
        id_token: Option<IdToken>,
        refresh_token: Option<RefreshToken>,
    ) -> Result<Self, SessionError> {
        let access_claims = Claims::read(access_token.expose())
            .filter(|c| c.exp.is_some())
            .ok_or(SessionError::UnreadableAccessToken)?;
        let email = id_token
            .as_ref()
            .and_then(|t| Claims::read(t.expose()))
            .and_then(|c| c.email);
        Ok(Self {
            access_token,
            id_token,
            refresh_token,
            access_claims,
            email,
        })
    }

    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    pub fn id_token(&self) -> Option<&IdToken> {
        self.id_token.as_ref()
    }

    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// The access token's `exp` (seconds since the epoch).
    pub fn expires_at(&self) -> u64 {
        self.access_claims.exp.unwrap_or(0)
    }

    /// Whether the refresh token should go along with a request made at `now`.
    pub fn refresh_due(&self, now: u64) -> bool {
        self.refresh_token.is_some() && self.expires_at() <= now + REFRESH_WINDOW_SECS
    }

    pub fn groups(&self) -> &[String] {
        &self.access_claims.groups
    }

    pub fn is_admin(&self) -> bool {
        self.groups().iter().any(|g| g == ADMIN_GROUP)
    }

    /// The email from the ID token, else the username.
    pub fn display_name(&self) -> String {
        self.email
            .clone()
            .or_else(|| self.access_claims.username.clone())
            .unwrap_or_else(|| "signed in".into())
    }

    /// This session with the tokens an API response carried in
    /// `x-access-token`, `x-id-token` and `x-refresh-token`; `None` if they
    /// change nothing (or the new access token is unreadable).
    pub fn with_received(
        &self,
        access: Option<AccessToken>,
        id: Option<IdToken>,
        refresh: Option<RefreshToken>,
    ) -> Option<Self> {
        let next = Self::new(
            access.unwrap_or_else(|| self.access_token.clone()),
            id.or_else(|| self.id_token.clone()),
            refresh.or_else(|| self.refresh_token.clone()),
        )
        .ok()?;
        (next != *self).then_some(next)
    }
}

/// One tab's sign-in in progress, stored under its `state`.
#[derive(Debug, PartialEq)]
pub struct SignInAttempt {
    /// The PKCE verifier (not `Clone`: it is used once).
    pub code_verifier: CodeVerifier,
    /// The in-app path to return to after sign-in.
    pub return_to: String,
}

/// A PKCE code verifier, never shown by `Debug`.
#[derive(PartialEq, Eq)]
pub struct CodeVerifier(String);

impl CodeVerifier {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeVerifier([redacted])")
    }
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
    fn a_verifier_is_not_shown() {
        let attempt = SignInAttempt {
            code_verifier: CodeVerifier::new("secret-verifier"),
            return_to: "/".into(),
        };
        assert!(!format!("{attempt:?}").contains("secret"));
    }
}
