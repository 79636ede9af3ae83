//! Signing keys: one for access tokens and one for ID tokens (as Cognito), the
//! JWKS that publishes them, and rotation with an overlap for the old keys.
//!
//! Signing is RS256 in AWS-LC, on a key pair parsed once: parsing and checking
//! an RSA private key costs about as much as a signature, so a JWT library
//! that takes the DER on every call would halve the token endpoint's rate.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::DecodingKey;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, LineEnding};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

const KEY_BITS: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read key {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} is not an RSA private key in PEM (PKCS#1 or PKCS#8)")]
    Pem(String),
    #[error("RSA key generation failed: {0}")]
    Generate(String),
    #[error("cannot use RSA key: {0}")]
    Encode(String),
}

/// One RSA key pair, ready to sign and verify.
pub struct SigningKey {
    pub(crate) kid: String,
    /// PKCS#1 PEM of the private key, for the state file.
    pem: String,
    pair: RsaKeyPair,
    /// `base64url({"alg":"RS256","kid":…})`: every token's first segment (no `typ`, as Cognito).
    header: String,
    decoding: DecodingKey,
    jwk: Value,
    /// Unix time after which a rotated-out key leaves the JWKS; `None` while current.
    retire_at: Option<u64>,
}

impl SigningKey {
    fn from_private(private: &RsaPrivateKey) -> Result<Self, KeyError> {
        let der = private
            .to_pkcs1_der()
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        let pem = private
            .to_pkcs1_pem(LineEnding::LF)
            .map_err(|e| KeyError::Encode(e.to_string()))?
            .to_string();
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        // Cognito's kids are base64 digests; ours hash the modulus so they are stable per key.
        let kid = STANDARD.encode(Sha256::digest(private.n().to_bytes_be()));
        let decoding = DecodingKey::from_rsa_components(&n, &e)
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        let pair =
            RsaKeyPair::from_der(der.as_bytes()).map_err(|e| KeyError::Encode(e.to_string()))?;
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "kid": kid}).to_string());
        Ok(Self {
            jwk: json!({"alg": "RS256", "e": e, "kid": kid, "kty": "RSA", "n": n, "use": "sig"}),
            kid,
            pem,
            pair,
            header,
            decoding,
            retire_at: None,
        })
    }

    fn load(path: &Path) -> Result<Self, KeyError> {
        let pem = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_pem(&pem, &path.display().to_string())
    }

    fn from_pem(pem: &str, origin: &str) -> Result<Self, KeyError> {
        let private = RsaPrivateKey::from_pkcs1_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem))
            .map_err(|_| KeyError::Pem(origin.to_owned()))?;
        Self::from_private(&private)
    }

    fn generate() -> Result<Self, KeyError> {
        let private = RsaPrivateKey::new(&mut rand::thread_rng(), KEY_BITS)
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Self::from_private(&private)
    }

    fn stored(&self) -> StoredKey {
        StoredKey {
            pem: self.pem.clone(),
            retire_at: self.retire_at,
        }
    }

    fn restore(stored: &StoredKey) -> Result<Self, KeyError> {
        let mut key = Self::from_pem(&stored.pem, "the state file's signing key")?;
        key.retire_at = stored.retire_at;
        Ok(key)
    }

    /// Signs `claims` as an RS256 JWT with this key's `kid` (no `typ`, as Cognito).
    pub fn sign<T: serde::Serialize>(&self, claims: &T) -> Result<String, KeyError> {
        let claims = serde_json::to_vec(claims).map_err(|e| KeyError::Encode(e.to_string()))?;
        let mut token = self.header.clone();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(claims, &mut token);
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                token.as_bytes(),
                &mut signature,
            )
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }

    pub(crate) fn decoding_key(&self) -> &DecodingKey {
        &self.decoding
    }

    fn live(&self, now: u64) -> bool {
        self.retire_at.is_none_or(|at| now < at)
    }
}

/// The pool's keys: the current pair and any rotated-out keys still in their overlap.
pub struct KeyRing {
    access: SigningKey,
    id: SigningKey,
    retired: Vec<SigningKey>,
}

impl KeyRing {
    /// Loads the configured PEM files, generating a key where none is configured.
    pub fn load_or_generate(access: Option<&Path>, id: Option<&Path>) -> Result<Self, KeyError> {
        let load = |path: Option<&Path>| match path {
            Some(path) => SigningKey::load(path),
            None => SigningKey::generate(),
        };
        Ok(Self {
            access: load(access)?,
            id: load(id)?,
            retired: Vec::new(),
        })
    }

    /// Both keys fresh (a pool created at run time).
    pub(crate) fn generate() -> Result<Self, KeyError> {
        Self::load_or_generate(None, None)
    }

    /// The keys as the state file keeps them.
    pub(crate) fn snapshot(&self) -> KeySnapshot {
        KeySnapshot {
            access: self.access.stored(),
            id: self.id.stored(),
            retired: self.retired.iter().map(SigningKey::stored).collect(),
        }
    }

    /// The keys a state file kept.
    pub(crate) fn restore(snapshot: &KeySnapshot) -> Result<Self, KeyError> {
        Ok(Self {
            access: SigningKey::restore(&snapshot.access)?,
            id: SigningKey::restore(&snapshot.id)?,
            retired: snapshot
                .retired
                .iter()
                .map(SigningKey::restore)
                .collect::<Result<_, _>>()?,
        })
    }

    pub fn access(&self) -> &SigningKey {
        &self.access
    }

    pub fn id(&self) -> &SigningKey {
        &self.id
    }

    /// Replaces both keys with `fresh` ones; the old ones stay published for `overlap_secs`.
    pub(crate) fn rotate(&mut self, fresh: KeyRing, overlap_secs: u64, now: u64) {
        let KeyRing {
            mut access, mut id, ..
        } = fresh;
        std::mem::swap(&mut self.access, &mut access);
        std::mem::swap(&mut self.id, &mut id);
        for mut old in [access, id] {
            old.retire_at = Some(now.saturating_add(overlap_secs));
            self.retired.push(old);
        }
        self.retired.retain(|key| key.live(now));
    }

    /// Every key a verifier may currently meet.
    fn published(&self, now: u64) -> impl Iterator<Item = &SigningKey> {
        [&self.access, &self.id]
            .into_iter()
            .chain(self.retired.iter().filter(move |key| key.live(now)))
    }

    /// The JWKS document: `{"keys": [...]}`.
    pub fn jwks(&self, now: u64) -> Value {
        json!({ "keys": self.published(now).map(|k| k.jwk.clone()).collect::<Vec<_>>() })
    }

    /// A published key by `kid`.
    pub(crate) fn find(&self, kid: &str, now: u64) -> Option<&SigningKey> {
        self.published(now).find(|key| key.kid == kid)
    }
}

/// One key as the state file keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredKey {
    pem: String,
    retire_at: Option<u64>,
}

/// A pool's keys as the state file keeps them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeySnapshot {
    access: StoredKey,
    id: StoredKey,
    retired: Vec<StoredKey>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{decode, decode_header, Algorithm, Validation};

    #[test]
    fn a_signed_token_verifies_against_the_published_key() {
        let key = SigningKey::generate().expect("key");
        let token = key
            .sign(&json!({"sub": "s", "exp": 4_000_000_000u64}))
            .expect("signs");
        let header = decode_header(&token).expect("header");
        assert_eq!(
            (header.alg, header.kid.as_deref(), header.typ),
            (Algorithm::RS256, Some(key.kid.as_str()), None)
        );
        let mut rules = Validation::new(Algorithm::RS256);
        rules.required_spec_claims.clear();
        let claims = decode::<Value>(&token, key.decoding_key(), &rules).expect("verifies");
        assert_eq!(claims.claims["sub"], "s");
        let other = SigningKey::generate().expect("key");
        assert!(decode::<Value>(&token, other.decoding_key(), &rules).is_err());
    }
}
