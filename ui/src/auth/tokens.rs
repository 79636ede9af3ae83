//! The tokens a session holds, as newtypes whose `Debug` never shows them,
//! and what the UI reads from their payloads (for display and for knowing
//! when a refresh is due; the API verifies every token itself).

use std::fmt;

macro_rules! secret_token {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The token itself, for a header or a request body.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_token!(
    /// A Cognito access token (a JWT), sent as `Authorization: Bearer`.
    AccessToken
);
secret_token!(
    /// A Cognito ID token (a JWT): who signed in.
    IdToken
);
secret_token!(
    /// A Cognito refresh token (a JWE), sent only when a refresh is due.
    RefreshToken
);

/// What the UI reads from a JWT's payload.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Claims {
    /// `exp`, seconds since the epoch.
    pub exp: Option<u64>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub groups: Vec<String>,
}

impl Claims {
    /// The claims of a JWT, or `None` if it is not a readable JWT.
    pub fn read(jwt: &str) -> Option<Self> {
        let mut parts = jwt.split('.');
        let (Some(_), Some(payload), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let json = js_sys::JSON::parse(&base64url_decode(payload)?).ok()?;
        if !json.is_object() {
            return None;
        }
        let field = |name: &str| js_sys::Reflect::get(&json, &name.into()).ok();
        let text = |name: &str| field(name).and_then(|v| v.as_string());
        let groups = field("cognito:groups")
            .filter(js_sys::Array::is_array)
            .map(|v| {
                js_sys::Array::from(&v)
                    .iter()
                    .filter_map(|g| g.as_string())
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            exp: field("exp")
                .and_then(|v| v.as_f64())
                .filter(|exp| exp.is_finite() && *exp >= 0.0)
                .map(|exp| exp as u64),
            username: text("username"),
            email: text("email"),
            groups,
        })
    }
}

/// base64url (no padding) to UTF-8 text, through the browser's `atob`.
fn base64url_decode(segment: &str) -> Option<String> {
    let mut standard: String = segment
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    let binary = web_sys::window()?.atob(&standard).ok()?;
    let bytes: Option<Vec<u8>> = binary.chars().map(|c| u8::try_from(c).ok()).collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_token() {
        let shown = format!(
            "{:?} {:?} {:?}",
            AccessToken::new("eyJhbGciOi.secret-access"),
            IdToken::new("eyJ.secret-id"),
            RefreshToken::new("secret-refresh")
        );
        assert_eq!(
            shown,
            "AccessToken([redacted]) IdToken([redacted]) RefreshToken([redacted])"
        );
        assert!(!shown.contains("secret"));
    }
}
