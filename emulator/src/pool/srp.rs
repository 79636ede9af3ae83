//! SRP-6a as Cognito runs `USER_SRP_AUTH`, computed exactly as
//! amazon-cognito-identity-js and Amplify compute it: the 3072-bit group of
//! RFC 5054 with g = 2, SHA-256, Java-style padding of every number, and a
//! key derived with HKDF ("Caldera Derived Key"). The server half verifies
//! the client's `PASSWORD_CLAIM_SIGNATURE`; the client half serves tests.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use num_bigint_dig::BigUint;
use num_traits::Zero;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// RFC 5054's 3072-bit prime, as the Cognito clients carry it.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1",
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245",
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D",
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D",
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9",
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B",
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31",
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
const INFO: &[u8] = b"Caldera Derived Key";

struct Group {
    n: BigUint,
    g: BigUint,
    /// k = H(pad(N) | pad(g)).
    k: BigUint,
}

static GROUP: LazyLock<Group> = LazyLock::new(|| {
    let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("the RFC 5054 prime parses");
    let g = BigUint::from(2u32);
    let k = hash_int(&[&pad(&n), &pad(&g)]);
    Group { n, g, k }
});

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SrpError {
    #[error("SRP_A is not a hexadecimal number")]
    MalformedA,
    #[error("SRP_A mod N is zero")]
    IllegalA,
    #[error("u is zero")]
    IllegalU,
}

/// A number as the JavaScript client pads it: big-endian bytes, with a
/// leading zero byte when the top bit is set (Java's positive two's complement).
fn pad(n: &BigUint) -> Vec<u8> {
    let mut bytes = n.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

fn hash(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn hash_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&hash(parts))
}

fn random_int(bytes: usize) -> BigUint {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    BigUint::from_bytes_be(&buf)
}

fn to_hex(n: &BigUint) -> String {
    n.to_str_radix(16)
}

fn from_hex(hex: &str) -> Option<BigUint> {
    BigUint::parse_bytes(hex.trim().as_bytes(), 16)
}

/// x = H(pad(salt) | H(poolName | userId | ":" | password)).
fn private_key(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = hash(&[
        pool_name.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    hash_int(&[&pad(salt), &inner])
}

/// What the pool keeps instead of a password for SRP: a salt and v = g^x mod N, both hex.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Verifier {
    pub(crate) salt: String,
    pub(crate) verifier: String,
}

/// The verifier of `password` for `user_id` in the pool named `pool_name`
/// (the part of the pool id after `_`).
pub(crate) fn verifier(pool_name: &str, user_id: &str, password: &str) -> Verifier {
    let group = &*GROUP;
    let salt = random_int(16);
    let x = private_key(pool_name, user_id, password, &salt);
    Verifier {
        salt: to_hex(&salt),
        verifier: to_hex(&group.g.modpow(&x, &group.n)),
    }
}

/// The server's secret `b` and public `B` for one sign-in.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ServerEphemeral {
    pub(crate) secret: String,
    pub(crate) public: String,
}

/// B = (k·v + g^b) mod N, with a fresh b.
pub(crate) fn server_ephemeral(verifier: &Verifier) -> ServerEphemeral {
    let group = &*GROUP;
    let v = from_hex(&verifier.verifier).unwrap_or_default();
    loop {
        let b = random_int(128);
        let public = (&group.k * &v + group.g.modpow(&b, &group.n)) % &group.n;
        if !public.is_zero() {
            return ServerEphemeral {
                secret: to_hex(&b),
                public: to_hex(&public),
            };
        }
    }
}

/// HKDF-SHA256(salt = pad(u), ikm = pad(S), info = "Caldera Derived Key"), 16 bytes.
fn derive_key(s: &BigUint, u: &BigUint) -> [u8; 16] {
    let hkdf = hkdf::Hkdf::<Sha256>::new(Some(&pad(u)), &pad(s));
    let mut key = [0u8; 16];
    hkdf.expand(INFO, &mut key)
        .expect("16 bytes is a valid HKDF-SHA256 length");
    key
}

fn scrambler(a: &BigUint, b: &BigUint) -> Result<BigUint, SrpError> {
    let u = hash_int(&[&pad(a), &pad(b)]);
    if u.is_zero() {
        Err(SrpError::IllegalU)
    } else {
        Ok(u)
    }
}

/// The signature a client with the right password sends:
/// HMAC-SHA256(key, poolName | userId | secretBlock | timestamp).
fn signature(
    key: &[u8; 16],
    pool_name: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(pool_name.as_bytes());
    mac.update(user_id.as_bytes());
    mac.update(secret_block);
    mac.update(timestamp.as_bytes());
    mac.finalize().into_bytes().into()
}

/// What the client proved, checked by the server.
pub(crate) struct Claim<'a> {
    pub(crate) pool_name: &'a str,
    pub(crate) user_id: &'a str,
    pub(crate) client_public: &'a str,
    pub(crate) secret_block: &'a [u8],
    pub(crate) timestamp: &'a str,
    /// `PASSWORD_CLAIM_SIGNATURE`, base64.
    pub(crate) signature: &'a str,
}

/// Whether `claim` proves knowledge of the password behind `verifier`.
pub(crate) fn verify(
    verifier: &Verifier,
    server: &ServerEphemeral,
    claim: &Claim<'_>,
) -> Result<bool, SrpError> {
    let group = &*GROUP;
    let a = from_hex(claim.client_public).ok_or(SrpError::MalformedA)?;
    if (&a % &group.n).is_zero() {
        return Err(SrpError::IllegalA);
    }
    let b_public = from_hex(&server.public).unwrap_or_default();
    let b_secret = from_hex(&server.secret).unwrap_or_default();
    let v = from_hex(&verifier.verifier).unwrap_or_default();
    let u = scrambler(&a, &b_public)?;
    // S = (A · v^u)^b mod N
    let s = ((&a * v.modpow(&u, &group.n)) % &group.n).modpow(&b_secret, &group.n);
    let expected = signature(
        &derive_key(&s, &u),
        claim.pool_name,
        claim.user_id,
        claim.secret_block,
        claim.timestamp,
    );
    let Ok(given) = STANDARD.decode(claim.signature.trim()) else {
        return Ok(false);
    };
    Ok(super::codes::constant_time_eq(&expected, &given))
}

/// The client half, as amazon-cognito-identity-js runs it (tests).
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) struct ClientSession {
    a: BigUint,
    /// `SRP_A`, hex.
    pub(crate) public: String,
}

#[cfg_attr(not(feature = "testing"), allow(dead_code))]
impl ClientSession {
    /// A fresh a and A = g^a mod N.
    pub(crate) fn new() -> Self {
        let group = &*GROUP;
        let a = random_int(128);
        let public = to_hex(&group.g.modpow(&a, &group.n));
        Self { a, public }
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for the server's challenge, base64.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sign(
        &self,
        pool_name: &str,
        user_id: &str,
        password: &str,
        salt_hex: &str,
        server_public_hex: &str,
        secret_block: &[u8],
        timestamp: &str,
    ) -> Option<String> {
        let group = &*GROUP;
        let salt = from_hex(salt_hex)?;
        let b_public = from_hex(server_public_hex)?;
        let a_public = from_hex(&self.public)?;
        let u = scrambler(&a_public, &b_public).ok()?;
        let x = private_key(pool_name, user_id, password, &salt);
        // S = (B - k·g^x)^(a + u·x) mod N, kept non-negative.
        let kgx = (&group.k * group.g.modpow(&x, &group.n)) % &group.n;
        let base = ((&b_public % &group.n) + &group.n - kgx) % &group.n;
        let s = base.modpow(&(&self.a + &u * &x), &group.n);
        let key = derive_key(&s, &u);
        Some(STANDARD.encode(signature(&key, pool_name, user_id, secret_block, timestamp)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_is_javas_positive_twos_complement() {
        assert_eq!(pad(&BigUint::from(0x7fu32)), vec![0x7f]);
        assert_eq!(pad(&BigUint::from(0x80u32)), vec![0x00, 0x80]);
        assert_eq!(pad(&BigUint::from(0x0100u32)), vec![0x01, 0x00]);
    }

    #[test]
    fn k_is_the_hash_of_the_padded_group() {
        // amazon-cognito-identity-js: hexHash(padHex(N) + padHex(g)).
        let group = &*GROUP;
        assert_eq!(
            to_hex(&group.k),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let verifier = verifier("LocalDev1", "alice", "Correct-Horse1!");
        let server = server_ephemeral(&verifier);
        let client = ClientSession::new();
        let block = b"secret block bytes";
        let ts = "Tue Dec 1 09:05:03 UTC 2026";
        for (password, expected) in [("Correct-Horse1!", true), ("Wrong-Horse1!", false)] {
            let signature = client
                .sign(
                    "LocalDev1",
                    "alice",
                    password,
                    &verifier.salt,
                    &server.public,
                    block,
                    ts,
                )
                .expect("signs");
            let claim = Claim {
                pool_name: "LocalDev1",
                user_id: "alice",
                client_public: &client.public,
                secret_block: block,
                timestamp: ts,
                signature: &signature,
            };
            assert_eq!(
                verify(&verifier, &server, &claim),
                Ok(expected),
                "{password}"
            );
        }
    }

    #[test]
    fn a_zero_client_public_value_is_refused() {
        let verifier = verifier("LocalDev1", "alice", "pw");
        let server = server_ephemeral(&verifier);
        let n = N_HEX.to_ascii_lowercase();
        for a in ["0", n.as_str()] {
            let claim = Claim {
                pool_name: "LocalDev1",
                user_id: "alice",
                client_public: a,
                secret_block: b"",
                timestamp: "",
                signature: "",
            };
            assert_eq!(verify(&verifier, &server, &claim), Err(SrpError::IllegalA));
        }
    }
}
