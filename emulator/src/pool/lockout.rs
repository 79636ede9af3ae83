//! Cognito's lockout after failed sign-ins: "After five failed sign-in
//! attempts, Amazon Cognito locks out the user for one second. The lockout
//! duration then doubles after each additional failed attempt, up to a maximum
//! of approximately 15 minutes." Attempts during a lockout are refused without
//! counting; a successful sign-in resets the count.

use super::error::{PoolError, BAD_CREDENTIALS, LOCKED_OUT};
use super::model::User;

/// Failures allowed before the first lockout.
pub(crate) const FREE_FAILURES: u32 = 5;
/// The longest lockout.
pub(crate) const MAX_LOCKOUT_SECS: u64 = 15 * 60;

/// Whether `user` may try a password now.
pub(crate) fn is_locked(user: &User, now: u64) -> bool {
    now < user.locked_until
}

/// Counts a wrong password, locking the user out when the count calls for it.
pub(crate) fn record_failure(user: &mut User, now: u64) {
    user.failed_sign_ins = user.failed_sign_ins.saturating_add(1);
    if let Some(secs) = lockout_secs(user.failed_sign_ins) {
        user.locked_until = now.saturating_add(secs);
    }
}

/// Counts a checked password (or SRP proof) against `user`: refused while
/// locked out, a failure when wrong, a reset count when right.
pub(crate) fn settle(user: &mut User, matches: bool, now: u64) -> Result<(), PoolError> {
    if is_locked(user, now) {
        return Err(PoolError::NotAuthorized(LOCKED_OUT));
    }
    if !matches {
        record_failure(user, now);
        return Err(PoolError::NotAuthorized(BAD_CREDENTIALS));
    }
    record_success(user);
    Ok(())
}

/// Clears the count after a successful sign-in or a password reset.
pub(crate) fn record_success(user: &mut User) {
    user.failed_sign_ins = 0;
    user.locked_until = 0;
}

/// How long the `failures`-th consecutive failure locks the user out.
fn lockout_secs(failures: u32) -> Option<u64> {
    let beyond = failures.checked_sub(FREE_FAILURES)?;
    Some(
        1u64.checked_shl(beyond)
            .unwrap_or(u64::MAX)
            .min(MAX_LOCKOUT_SECS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_starts_at_one_second_and_doubles_to_fifteen_minutes() {
        assert_eq!(lockout_secs(4), None);
        assert_eq!(lockout_secs(5), Some(1));
        assert_eq!(lockout_secs(6), Some(2));
        assert_eq!(lockout_secs(7), Some(4));
        assert_eq!(lockout_secs(14), Some(512));
        assert_eq!(lockout_secs(15), Some(MAX_LOCKOUT_SECS));
        assert_eq!(lockout_secs(u32::MAX), Some(MAX_LOCKOUT_SECS));
    }
}
