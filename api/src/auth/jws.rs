//! The compact JWS of a Cognito access token, taken apart once: the header
//! parsed once (RS256, a `kid`, no `crit`), the signature checked with a key
//! parsed once per `kid` (AWS-LC's `ParsedPublicKey`), and only then the
//! claims parsed, once, into the type the API reads.
//!
//! jsonwebtoken parses the header three times, the claims twice and rebuilds
//! the RSA key from `n` and `e` on every verify; that was a third of a first
//! validation's cost (docs/bench.md). The cryptography is AWS-LC's; this file
//! only splits, decodes and dispatches.

use super::error::AuthError;
use aws_lc_rs::signature::{ParsedPublicKey, RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer};

const MIN_MODULUS_BYTES: usize = 2048 / 8;
const MAX_MODULUS_BYTES: usize = 8192 / 8;

const MALFORMED: AuthError = AuthError::InvalidToken("the token is not a well-formed JWT");

/// A token split into its three segments, its header checked.
pub(crate) struct Compact<'a> {
    /// `header.payload`: what the signature covers.
    signed: &'a str,
    payload: &'a str,
    signature: &'a str,
    kid: String,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Named,
}

/// Whether a header member was there at all, whatever its value (even `null`).
#[derive(Default)]
struct Named(bool);

impl<'de> Deserialize<'de> for Named {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Named(true))
    }
}

impl<'a> Compact<'a> {
    /// Splits `token` and applies the header rules: RS256 only, a `kid`, and no
    /// `crit` (RFC 7515 §4.1.11: parameters a recipient does not understand
    /// must make it refuse the token).
    pub(crate) fn parse(token: &'a str) -> Result<Self, AuthError> {
        let (signed, signature) = token.rsplit_once('.').ok_or(MALFORMED)?;
        let (header, payload) = signed.split_once('.').ok_or(MALFORMED)?;
        if payload.contains('.') {
            return Err(MALFORMED);
        }
        let header = URL_SAFE_NO_PAD.decode(header).map_err(|_| MALFORMED)?;
        let header: Header = serde_json::from_slice(&header).map_err(|_| MALFORMED)?;
        if header.crit.0 {
            return Err(AuthError::InvalidToken(
                "the token names critical header parameters (crit) this API does not understand",
            ));
        }
        if header.alg != "RS256" {
            return Err(AuthError::InvalidToken(
                "the token is not signed with RS256",
            ));
        }
        let kid = header
            .kid
            .ok_or(AuthError::InvalidToken("the token header has no kid"))?;
        Ok(Self {
            signed,
            payload,
            signature,
            kid,
        })
    }

    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    /// The claims, once the signature verifies under `key`.
    pub(crate) fn verified_claims<T: DeserializeOwned>(
        &self,
        key: &ParsedPublicKey,
    ) -> Result<T, AuthError> {
        let signature = URL_SAFE_NO_PAD
            .decode(self.signature)
            .map_err(|_| MALFORMED)?;
        key.verify_sig(self.signed.as_bytes(), &signature)
            .map_err(|_| AuthError::InvalidToken("the token's signature does not verify"))?;
        let payload = URL_SAFE_NO_PAD
            .decode(self.payload)
            .map_err(|_| MALFORMED)?;
        serde_json::from_slice(&payload)
            .map_err(|_| AuthError::InvalidToken("the token lacks a required claim"))
    }
}

/// The RS256 verification key a JWK describes, parsed once; `None` for keys
/// that cannot verify RS256 (another type, another `alg`, an encryption key).
pub(crate) fn rs256_key(jwk: &Jwk) -> Option<ParsedPublicKey> {
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return None;
    };
    if jwk
        .common
        .key_algorithm
        .is_some_and(|alg| alg != KeyAlgorithm::RS256)
        || jwk
            .common
            .public_key_use
            .as_ref()
            .is_some_and(|usage| *usage != PublicKeyUse::Signature)
    {
        return None;
    }
    let n = URL_SAFE_NO_PAD.decode(&rsa.n).ok()?;
    let e = URL_SAFE_NO_PAD.decode(&rsa.e).ok()?;
    // RSA_PKCS1_2048_8192_SHA256's range, checked here rather than at every verify.
    if !(MIN_MODULUS_BYTES..=MAX_MODULUS_BYTES).contains(&n.len()) {
        return None;
    }
    RsaPublicKeyComponents { n, e }
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn token(header: &str) -> String {
        format!("{}.{}.c2ln", segment(header), segment("{}"))
    }

    fn refusal(token: &str) -> Option<&'static str> {
        match Compact::parse(token) {
            Ok(_) => None,
            Err(AuthError::InvalidToken(reason)) => Some(reason),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn the_header_rules_are_applied_once_and_in_full() {
        assert_eq!(refusal(&token(r#"{"alg":"RS256","kid":"k"}"#)), None);
        assert_eq!(
            refusal(&token(r#"{"alg":"RS256","kid":"k","crit":null}"#)),
            Some("the token names critical header parameters (crit) this API does not understand")
        );
        assert_eq!(
            refusal(&token(r#"{"alg":"none","kid":"k"}"#)),
            Some("the token is not signed with RS256")
        );
        assert_eq!(
            refusal(&token(r#"{"alg":"RS256"}"#)),
            Some("the token header has no kid")
        );
        assert_eq!(
            refusal(&token(r#"{"alg":"RS256","alg":"HS256","kid":"k"}"#)),
            Some("the token is not a well-formed JWT"),
            "a duplicated member is refused, not read twice"
        );
    }

    #[test]
    fn anything_but_three_segments_is_malformed() {
        let good = token(r#"{"alg":"RS256","kid":"k"}"#);
        for bad in [
            "",
            "a.b",
            "a.b.c.d",
            "a.b.c.d.e",
            &format!("{good}.x"),
            &format!("x.{good}"),
        ] {
            assert_eq!(
                refusal(bad),
                Some("the token is not a well-formed JWT"),
                "{bad}"
            );
        }
    }

    /// The development pool's access key, as its JWKS publishes it.
    fn fixture_jwk() -> serde_json::Value {
        let config = cognito_emulator::config::EmulatorConfig::development().expect("dev.toml");
        let keys = cognito_emulator::KeyRing::load_or_generate(
            config.keys.access_key.as_deref(),
            config.keys.id_key.as_deref(),
        )
        .expect("fixture keys");
        keys.jwks(0)["keys"][0].clone()
    }

    fn usable(jwk: &serde_json::Value) -> bool {
        rs256_key(&serde_json::from_value(jwk.clone()).expect("a JWK")).is_some()
    }

    #[test]
    fn only_rsa_signature_keys_for_rs256_are_kept() {
        let jwk = fixture_jwk();
        assert_eq!(
            (jwk["alg"].as_str(), jwk["use"].as_str()),
            (Some("RS256"), Some("sig"))
        );
        assert!(usable(&jwk));
        let mut unlabelled = jwk.clone();
        let members = unlabelled.as_object_mut().expect("an object");
        members.remove("alg");
        members.remove("use");
        assert!(usable(&unlabelled), "alg and use are optional in a JWK");
        for (member, value) in [("alg", "RS512"), ("alg", "PS256"), ("use", "enc")] {
            let mut other = jwk.clone();
            other[member] = value.into();
            assert!(!usable(&other), "{member}: {value}");
        }
        let mut broken = jwk;
        broken["n"] = "AQAB".into();
        assert!(!usable(&broken), "a 24-bit modulus is no RSA-2048 key");
    }
}
