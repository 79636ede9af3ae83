//! One-time codes sent by "email" (the emulator logs them): sign-up
//! confirmation codes live 24 hours, password-reset codes 1 hour, and a code
//! is dead after 5 wrong tries. Sending is limited per user and hour.

use super::error::PoolError;
use super::model::OneTimeCode;
use rand::Rng;

/// Which kind of code: they are never interchangeable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Confirmation,
    Reset,
}

impl Purpose {
    fn lifetime_secs(self) -> u64 {
        match self {
            Self::Confirmation => CONFIRMATION_LIFETIME_SECS,
            Self::Reset => RESET_LIFETIME_SECS,
        }
    }
}

/// Cognito: "The confirmation code ... is valid for 24 hours".
pub(crate) const CONFIRMATION_LIFETIME_SECS: u64 = 24 * 60 * 60;
/// Cognito: password-reset codes are valid for 1 hour.
pub(crate) const RESET_LIFETIME_SECS: u64 = 60 * 60;
/// Wrong tries a code survives; the next wrong or right one finds it dead.
pub(crate) const MAX_WRONG_TRIES: u32 = 5;
/// Codes one user may be sent per hour.
pub(crate) const MAX_SENDS_PER_HOUR: usize = 5;

/// A fresh six-digit code of `purpose`, as Cognito emails them.
pub(crate) fn issue(purpose: Purpose, now: u64) -> OneTimeCode {
    OneTimeCode {
        code: format!("{:06}", rand::thread_rng().gen_range(0..1_000_000)),
        expires_at: now.saturating_add(purpose.lifetime_secs()),
        wrong_tries: 0,
    }
}

/// Records a send in `sent` (timestamps), refusing past the hourly limit.
pub(crate) fn note_send(sent: &mut Vec<u64>, now: u64) -> Result<(), PoolError> {
    sent.retain(|at| now.saturating_sub(*at) < 3600);
    if sent.len() >= MAX_SENDS_PER_HOUR {
        return Err(PoolError::LimitExceeded);
    }
    sent.push(now);
    Ok(())
}

/// Checks `given` against `slot`'s code. A match uses the code up; a miss
/// counts against it; an expired or dead code is refused either way.
pub(crate) fn redeem(
    slot: &mut Option<OneTimeCode>,
    given: &str,
    purpose: Purpose,
    now: u64,
) -> Result<(), PoolError> {
    let code = slot.as_mut().ok_or(PoolError::CodeMismatch)?;
    if code.expires_at <= now {
        *slot = None;
        return Err(PoolError::ExpiredCode);
    }
    if code.wrong_tries >= MAX_WRONG_TRIES {
        return Err(match purpose {
            Purpose::Confirmation => PoolError::ExpiredCode,
            Purpose::Reset => PoolError::LimitExceeded,
        });
    }
    if constant_time_eq(code.code.as_bytes(), given.trim().as_bytes()) {
        *slot = None;
        Ok(())
    } else {
        code.wrong_tries += 1;
        Err(PoolError::CodeMismatch)
    }
}

/// Equal-length byte strings compared without an early exit.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_dead_after_five_wrong_tries_even_for_the_right_code() {
        let mut slot = Some(issue(Purpose::Reset, 100));
        let right = slot.as_ref().map(|c| c.code.clone()).expect("code");
        let wrong = if right == "000000" {
            "000001"
        } else {
            "000000"
        };
        for _ in 0..MAX_WRONG_TRIES {
            assert_eq!(
                redeem(&mut slot, wrong, Purpose::Reset, 101),
                Err(PoolError::CodeMismatch)
            );
        }
        assert_eq!(
            redeem(&mut slot, &right, Purpose::Reset, 101),
            Err(PoolError::LimitExceeded)
        );
    }

    #[test]
    fn codes_expire_by_purpose() {
        let mut slot = Some(issue(Purpose::Reset, 0));
        let code = slot.as_ref().map(|c| c.code.clone()).expect("code");
        assert_eq!(
            redeem(&mut slot, &code, Purpose::Reset, RESET_LIFETIME_SECS),
            Err(PoolError::ExpiredCode)
        );
        let mut slot = Some(issue(Purpose::Confirmation, 0));
        let code = slot.as_ref().map(|c| c.code.clone()).expect("code");
        assert_eq!(
            redeem(&mut slot, &code, Purpose::Confirmation, RESET_LIFETIME_SECS),
            Ok(())
        );
        assert!(slot.is_none(), "used up");
    }

    #[test]
    fn sending_is_limited_per_hour() {
        let mut sent = Vec::new();
        for at in 0..MAX_SENDS_PER_HOUR as u64 {
            note_send(&mut sent, at).expect("within the limit");
        }
        assert_eq!(note_send(&mut sent, 10), Err(PoolError::LimitExceeded));
        note_send(&mut sent, 3600 + 5).expect("an hour later");
    }
}
