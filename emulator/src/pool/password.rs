//! Passwords: Cognito's default policy, and a slow salted hash (argon2id)
//! compared in constant time. Plain passwords are never stored.

use super::model::PasswordPolicy;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// How expensive hashing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HashCost {
    /// OWASP's argon2id baseline (19 MiB, 2 passes): what a real pool deserves.
    #[default]
    Standard,
    /// 64 KiB, 1 pass: for test suites that create many users. Never for real passwords.
    Fast,
}

/// Hashes and verifies passwords at one cost.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PasswordHasher {
    cost: HashCost,
}

impl PasswordHasher {
    pub(crate) fn new(cost: HashCost) -> Self {
        Self { cost }
    }

    fn argon2(&self) -> Argon2<'static> {
        let params = match self.cost {
            HashCost::Standard => Params::new(19 * 1024, 2, 1, None),
            HashCost::Fast => Params::new(64, 1, 1, None),
        }
        .expect("constant argon2 parameters are valid");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// A PHC string with a fresh random salt.
    pub(crate) fn hash(&self, password: &str) -> String {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .expect("argon2 hashing with valid parameters does not fail")
    }

    /// Whether `password` matches `stored`, by its own parameters (so a pool
    /// keeps verifying hashes made at another cost).
    pub(crate) fn verify(&self, password: &str, stored: &str) -> bool {
        PasswordHash::new(stored).is_ok_and(|parsed| {
            self.argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    }
}

impl PasswordPolicy {
    /// What is wrong with `password` under this policy, in Cognito's words.
    pub(crate) fn check(&self, password: &str) -> Option<&'static str> {
        let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
        if password.chars().count() < self.minimum_length {
            Some("Password did not conform with policy: Password not long enough")
        } else if self.require_uppercase && !has(char::is_ascii_uppercase) {
            Some("Password did not conform with policy: Password must have uppercase characters")
        } else if self.require_lowercase && !has(char::is_ascii_lowercase) {
            Some("Password did not conform with policy: Password must have lowercase characters")
        } else if self.require_numbers && !has(char::is_ascii_digit) {
            Some("Password did not conform with policy: Password must have numeric characters")
        } else if self.require_symbols && !has(|c| c.is_ascii_punctuation() || *c == ' ') {
            Some("Password did not conform with policy: Password must have symbol characters")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::new(HashCost::Fast);
        let stored = hasher.hash("Admin-Passw0rd!");
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("Admin-Passw0rd!"));
        assert!(hasher.verify("Admin-Passw0rd!", &stored));
        assert!(!hasher.verify("admin-Passw0rd!", &stored));
        assert!(!hasher.verify("Admin-Passw0rd!", "not a hash"));
    }

    #[test]
    fn hashes_made_at_another_cost_still_verify() {
        let stored = PasswordHasher::new(HashCost::Fast).hash("pw");
        assert!(PasswordHasher::new(HashCost::Standard).verify("pw", &stored));
    }

    #[test]
    fn two_hashes_of_one_password_differ() {
        let hasher = PasswordHasher::new(HashCost::Fast);
        assert_ne!(hasher.hash("same"), hasher.hash("same"));
    }

    #[test]
    fn password_policy_matches_cognito_default() {
        let policy = PasswordPolicy::default();
        assert!(policy.check("Admin-Passw0rd!").is_none());
        assert!(policy.check("Sh0rt!").is_some());
        assert!(policy.check("alllower1!").is_some());
        assert!(policy.check("NoDigits!!").is_some());
        assert!(policy.check("NoSymbol12").is_some());
    }
}
