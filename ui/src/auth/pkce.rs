//! PKCE (RFC 7636, `S256`) and the random values sign-in needs.

use super::error::AuthError;
use crate::base64url;
use sha2::{Digest, Sha256};

/// A verifier and its `S256` challenge.
#[derive(Clone, PartialEq)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    /// A fresh verifier: 32 random bytes, base64url (43 characters).
    pub fn generate() -> Result<Self, AuthError> {
        Ok(Self::from_verifier(random_url_safe(32)?))
    }

    pub fn from_verifier(verifier: String) -> Self {
        let challenge = challenge_s256(&verifier);
        Self {
            verifier,
            challenge,
        }
    }
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &"[redacted]")
            .field("challenge", &self.challenge)
            .finish()
    }
}

/// `BASE64URL(SHA256(verifier))`, no padding.
pub fn challenge_s256(verifier: &str) -> String {
    base64url::encode(&Sha256::digest(verifier.as_bytes()))
}

/// `bytes` random bytes from the browser's CSPRNG, base64url.
pub fn random_url_safe(bytes: usize) -> Result<String, AuthError> {
    let mut buffer = vec![0u8; bytes];
    let crypto = web_sys::window()
        .ok_or(AuthError::NoCrypto)?
        .crypto()
        .map_err(|_| AuthError::NoCrypto)?;
    crypto
        .get_random_values_with_u8_array(&mut buffer)
        .map_err(|_| AuthError::RandomRefused)?;
    Ok(base64url::encode(&buffer))
}

#[cfg(test)]
mod tests {
    use super::challenge_s256;

    #[test]
    fn rfc_7636_appendix_b_vector() {
        assert_eq!(
            challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
