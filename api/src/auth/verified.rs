//! Tokens that passed every rule but expiry, remembered so that a repeat
//! costs a hash of a few dozen bytes and one comparison instead of an RSA
//! verify: the SHA-256 of the whole token (what sign-outs are recorded by)
//! was computed when it was first verified and comes back with the claims.
//!
//! Only the signature's tail is hashed, with a seeded hash (foldhash through
//! quick_cache); the lookup then compares the whole token, so a token that
//! differs anywhere is a miss and goes through every rule. Only verified
//! tokens are stored, so nobody without the pool's key can fill a bucket.

use super::tokens::{token_hash, TokenHash};
use super::validate::AccessClaims;
use quick_cache::sync::Cache;
use quick_cache::Equivalent;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// How many verified tokens are remembered at most (about 1.3 KB each).
const CAPACITY: usize = 10_000;

/// How many trailing bytes of a token are hashed: base64url of 48 bytes of
/// an RSA signature.
const HASHED_TAIL: usize = 64;

/// What a verified token gives every later request.
#[derive(Clone)]
pub(crate) struct Verified {
    pub(crate) claims: Arc<AccessClaims>,
    /// SHA-256 of the token.
    pub(crate) hash: TokenHash,
}

impl Verified {
    pub(crate) fn new(token: &str, claims: AccessClaims) -> Self {
        Self {
            claims: Arc::new(claims),
            hash: token_hash(token),
        }
    }
}

pub(crate) struct VerifiedTokens(Cache<Remembered, Verified>);

impl VerifiedTokens {
    pub(crate) fn new() -> Self {
        Self(Cache::new(CAPACITY))
    }

    pub(crate) fn get(&self, token: &str) -> Option<Verified> {
        self.0.get(&Presented(token))
    }

    pub(crate) fn insert(&self, token: &str, verified: Verified) {
        self.0.insert(Remembered(token.into()), verified);
    }

    pub(crate) fn clear(&self) {
        self.0.clear();
    }
}

fn tail(token: &str) -> &[u8] {
    let bytes = token.as_bytes();
    &bytes[bytes.len().saturating_sub(HASHED_TAIL)..]
}

/// A stored token: the whole of it, for the comparison.
#[derive(PartialEq, Eq)]
struct Remembered(Box<str>);

/// A token a request presented, looked up without a copy.
struct Presented<'a>(&'a str);

impl Hash for Remembered {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(tail(&self.0));
    }
}

impl Hash for Presented<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(tail(self.0));
    }
}

impl Equivalent<Remembered> for Presented<'_> {
    fn equivalent(&self, key: &Remembered) -> bool {
        *self.0 == *key.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(sub: &str) -> AccessClaims {
        AccessClaims {
            sub: sub.into(),
            iss: "issuer".into(),
            client_id: "client".into(),
            token_use: "access".into(),
            username: sub.into(),
            scope: String::new(),
            groups: Vec::new(),
            exp: 10,
            iat: 0,
            origin_jti: None,
            nbf: None,
        }
    }

    #[test]
    fn only_the_very_same_token_is_a_hit() {
        let tokens = VerifiedTokens::new();
        let signature = "s".repeat(342);
        let token = format!("header.payload.{signature}");
        tokens.insert(&token, Verified::new(&token, claims("alice")));

        let hit = tokens.get(&token).expect("the same token is remembered");
        assert_eq!(hit.claims.sub, "alice");
        assert_eq!(hit.hash, token_hash(&token));
        // Same tail, so the same bucket: the comparison of the whole token decides.
        assert!(tokens.get(&format!("header.forged.{signature}")).is_none());
        assert!(tokens.get(&format!("Header.payload.{signature}")).is_none());
        assert!(tokens.get(&signature).is_none());
        tokens.clear();
        assert!(tokens.get(&token).is_none());
    }

    #[test]
    fn short_tokens_are_hashed_whole() {
        let tokens = VerifiedTokens::new();
        tokens.insert("a.b.c", Verified::new("a.b.c", claims("bob")));
        assert!(tokens.get("a.b.c").is_some());
        assert!(tokens.get("a.b.d").is_none());
    }
}
