//! The secrets that pass through the auth layer, each its own type: an access
//! token cannot be sent where a refresh token belongs, and none of them shows
//! in `Debug` output or logs.

use super::error::AuthError;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// The longest token (bearer or refresh) accepted at all; Cognito's are ~1-4 KiB.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// `sha256(token)`: caches and the database key on this, never on the token itself.
pub(crate) type TokenHash = [u8; 32];

pub(crate) fn token_hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

pub(crate) fn hex(hash: &TokenHash) -> String {
    use std::fmt::Write;
    hash.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

macro_rules! secret_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// The token itself, for the one place that must send it.
            pub fn expose(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted; {} bytes])"), self.expose().len())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(|s| Self(SecretString::from(s)))
            }
        }
    };
}

secret_newtype!(
    /// A Cognito access token (a JWT), as received.
    AccessToken
);
secret_newtype!(
    /// A Cognito refresh token (a JWE).
    RefreshToken
);
secret_newtype!(
    /// An RFC 7636 PKCE code verifier.
    PkceVerifier
);
secret_newtype!(
    /// A Cognito ID token (a JWT), passed through to the UI.
    IdToken
);

fn capped(field: &'static str, value: &str) -> Result<String, AuthError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AuthError::BadInput {
            field,
            problem: "is required",
        });
    }
    if value.len() > MAX_TOKEN_BYTES {
        return Err(AuthError::BadInput {
            field,
            problem: "is longer than 8 KiB",
        });
    }
    Ok(value.to_owned())
}

impl AccessToken {
    /// A bearer token: non-empty and at most [`MAX_TOKEN_BYTES`].
    pub fn parse(value: &str) -> Result<Self, AuthError> {
        capped("access token", value)
            .map(|t| Self(t.into()))
            .map_err(|_| AuthError::InvalidToken("the bearer token is empty or longer than 8 KiB"))
    }

    pub(crate) fn hash(&self) -> TokenHash {
        token_hash(self.expose())
    }
}

impl RefreshToken {
    /// A refresh token from a request field named `field`: non-empty, at most 8 KiB.
    pub fn parse(field: &'static str, value: &str) -> Result<Self, AuthError> {
        capped(field, value).map(|t| Self(t.into()))
    }

    pub(crate) fn hash(&self) -> TokenHash {
        token_hash(self.expose())
    }

    /// Cognito's refresh tokens are JWEs: five base64url segments. Anything else
    /// is refused without a call to Cognito.
    pub(crate) fn could_be_cognitos(&self) -> bool {
        let token = self.expose();
        let segments: Vec<&str> = token.split('.').collect();
        segments.len() == 5
            && (100..=MAX_TOKEN_BYTES).contains(&token.len())
            && segments.iter().all(|s| {
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
    }
}

impl PkceVerifier {
    /// RFC 7636 §4.1: 43-128 characters of `A-Z a-z 0-9 - . _ ~`.
    pub fn parse(value: &str) -> Result<Self, AuthError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(AuthError::BadInput {
                field: "codeVerifier",
                problem: "is required",
            });
        }
        let valid = (43..=128).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        if !valid {
            return Err(AuthError::BadInput {
                field: "codeVerifier",
                problem: "must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)",
            });
        }
        Ok(Self(value.to_owned().into()))
    }
}

impl From<String> for IdToken {
    fn from(token: String) -> Self {
        Self(token.into())
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        Self(token.into())
    }
}

impl From<String> for RefreshToken {
    fn from(token: String) -> Self {
        Self(token.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let token = RefreshToken::parse("refreshToken", "secret-value").expect("token");
        let shown = format!("{token:?}");
        assert!(!shown.contains("secret-value"), "{shown}");
        assert!(shown.starts_with("RefreshToken(["), "{shown}");
        let verifier = PkceVerifier::parse(&"v".repeat(43)).expect("verifier");
        assert!(!format!("{verifier:?}").contains("vvv"));
    }

    #[test]
    fn pkce_verifier_follows_rfc_7636() {
        assert!(PkceVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").is_ok());
        assert!(PkceVerifier::parse("short").is_err());
        assert!(PkceVerifier::parse(&"a".repeat(129)).is_err());
        assert!(PkceVerifier::parse(&format!("{}+", "a".repeat(43))).is_err());
    }

    #[test]
    fn tokens_are_capped_at_8_kib() {
        assert!(AccessToken::parse(&"a".repeat(MAX_TOKEN_BYTES)).is_ok());
        assert!(matches!(
            AccessToken::parse(&"a".repeat(MAX_TOKEN_BYTES + 1)),
            Err(AuthError::InvalidToken(_))
        ));
        assert!(matches!(
            RefreshToken::parse("refreshToken", &"a".repeat(MAX_TOKEN_BYTES + 1)),
            Err(AuthError::BadInput {
                field: "refreshToken",
                ..
            })
        ));
    }

    #[test]
    fn only_jwe_shaped_refresh_tokens_reach_cognito() {
        let jwe = format!(
            "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.{}.{}.{}.{}",
            "a".repeat(342),
            "b".repeat(16),
            "c".repeat(400),
            "d".repeat(22)
        );
        let shaped = |t: &str| RefreshToken::from(t.to_owned()).could_be_cognitos();
        assert!(shaped(&jwe));
        assert!(!shaped("junk"));
        assert!(!shaped(&format!("{jwe}.extra")));
        assert!(!shaped(&jwe.replace('a', "a+")));
    }
}
