//! Signing keys: one for access tokens and one for ID tokens (as Cognito), the
//! JWKS that publishes them, and rotation with an overlap for the old keys.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
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

/// Which kind of token a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    Access,
    Id,
}

/// One RSA key pair, ready to sign and verify.
pub struct SigningKey {
    pub kid: String,
    pub key_use: KeyUse,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Value,
    /// Unix time after which a rotated-out key leaves the JWKS; `None` while current.
    retire_at: Option<u64>,
}

impl SigningKey {
    fn from_private(private: &RsaPrivateKey, key_use: KeyUse) -> Result<Self, KeyError> {
        let der = private
            .to_pkcs1_der()
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        // Cognito's kids are base64 digests; ours hash the modulus so they are stable per key.
        let kid = STANDARD.encode(Sha256::digest(private.n().to_bytes_be()));
        let decoding = DecodingKey::from_rsa_components(&n, &e)
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        Ok(Self {
            jwk: json!({"alg": "RS256", "e": e, "kid": kid, "kty": "RSA", "n": n, "use": "sig"}),
            kid,
            key_use,
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            decoding,
            retire_at: None,
        })
    }

    fn load(path: &Path, key_use: KeyUse) -> Result<Self, KeyError> {
        let pem = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let private = RsaPrivateKey::from_pkcs1_pem(&pem)
            .or_else(|_| RsaPrivateKey::from_pkcs8_pem(&pem))
            .map_err(|_| KeyError::Pem(path.display().to_string()))?;
        Self::from_private(&private, key_use)
    }

    fn generate(key_use: KeyUse) -> Result<Self, KeyError> {
        let private = RsaPrivateKey::new(&mut rand::thread_rng(), KEY_BITS)
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Self::from_private(&private, key_use)
    }

    /// Signs `claims` as an RS256 JWT with this key's `kid` (no `typ`, as Cognito).
    pub fn sign<T: serde::Serialize>(&self, claims: &T) -> Result<String, KeyError> {
        let mut header = Header::new(Algorithm::RS256);
        header.typ = None;
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| KeyError::Encode(e.to_string()))
    }

    pub fn decoding_key(&self) -> &DecodingKey {
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
        let load = |path: Option<&Path>, key_use| match path {
            Some(path) => SigningKey::load(path, key_use),
            None => SigningKey::generate(key_use),
        };
        Ok(Self {
            access: load(access, KeyUse::Access)?,
            id: load(id, KeyUse::Id)?,
            retired: Vec::new(),
        })
    }

    pub fn access(&self) -> &SigningKey {
        &self.access
    }

    pub fn id(&self) -> &SigningKey {
        &self.id
    }

    /// Replaces both keys with fresh ones; the old ones stay published for `overlap_secs`.
    pub fn rotate(&mut self, overlap_secs: u64, now: u64) -> Result<(), KeyError> {
        let mut access = SigningKey::generate(KeyUse::Access)?;
        let mut id = SigningKey::generate(KeyUse::Id)?;
        std::mem::swap(&mut self.access, &mut access);
        std::mem::swap(&mut self.id, &mut id);
        for mut old in [access, id] {
            old.retire_at = Some(now + overlap_secs);
            self.retired.push(old);
        }
        self.retired.retain(|key| key.live(now));
        Ok(())
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
    pub fn find(&self, kid: &str, now: u64) -> Option<&SigningKey> {
        self.published(now).find(|key| key.kid == kid)
    }
}
