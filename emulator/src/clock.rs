//! The pool's one clock: every expiry (token `exp`/`iat`/`auth_time`, codes,
//! hosted-UI sessions, refresh tokens, retired keys) reads it. It is the
//! system clock plus an offset that tests move forward instead of sleeping.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The most a test may move the clock in one call (ten years): far past any
/// lifetime the pool knows, and far from overflowing.
pub const MAX_ADVANCE_SECS: u64 = 10 * 366 * 24 * 60 * 60;

/// A cheap, cloneable handle: clones share one offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicU64>,
    /// A stopped clock's time (before the offset): only `advance` moves it.
    stopped_at: Option<u64>,
}

fn system_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Clock {
    /// The system clock, not moved.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock stopped at the current second: time passes only by `advance`,
    /// for tests whose lifetimes are a second or two long.
    pub fn stopped() -> Self {
        Self {
            offset_secs: Arc::default(),
            stopped_at: Some(system_secs()),
        }
    }

    /// Seconds since the Unix epoch, as the pool sees them.
    pub fn now(&self) -> u64 {
        self.stopped_at
            .unwrap_or_else(system_secs)
            .saturating_add(self.offset_secs())
    }

    /// How far tests have moved this clock ahead of the system's.
    pub fn offset_secs(&self) -> u64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Moves time forward by `by` (at most [`MAX_ADVANCE_SECS`] a call).
    pub fn advance(&self, by: Duration) -> Result<u64, ClockError> {
        let secs = by.as_secs();
        if secs > MAX_ADVANCE_SECS {
            return Err(ClockError::TooFar(secs));
        }
        let previous = self
            .offset_secs
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(secs))
            })
            .unwrap_or_default();
        Ok(previous.saturating_add(secs))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("cannot advance the clock by {0} s: at most {MAX_ADVANCE_SECS} s at a time")]
    TooFar(u64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone() {
        let clock = Clock::system();
        let handle = clock.clone();
        let before = clock.now();
        handle.advance(Duration::from_secs(3600)).expect("in range");
        assert!(clock.now() >= before + 3600);
        assert_eq!(clock.offset_secs(), 3600);
    }

    #[test]
    fn a_stopped_clock_moves_only_when_advanced() {
        let clock = Clock::stopped();
        let start = clock.now();
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(1)).expect("in range");
        assert_eq!(clock.now(), start + 1);
    }

    #[test]
    fn an_advance_past_the_limit_is_refused_and_changes_nothing() {
        let clock = Clock::system();
        assert!(clock.advance(Duration::from_secs(u64::MAX)).is_err());
        assert_eq!(clock.offset_secs(), 0);
    }
}
