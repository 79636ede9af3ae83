//! The API's one clock: token expiry and the leeway, the JWKS TTL and refetch
//! interval, and the lifetimes of the verified-token, refresh-result and
//! userInfo caches all read it. The system clock plus an offset that tests
//! move forward instead of sleeping.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A cheap, cloneable handle: clones share one offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_millis: Arc<AtomicU64>,
}

impl Clock {
    /// The system clock, not moved.
    pub fn system() -> Self {
        Self::default()
    }

    /// Time since the Unix epoch, as the API sees it.
    pub fn now(&self) -> Duration {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        system.saturating_add(Duration::from_millis(
            self.offset_millis.load(Ordering::Relaxed),
        ))
    }

    /// Whole seconds since the Unix epoch (what JWT claims count in).
    pub fn unix_secs(&self) -> u64 {
        self.now().as_secs()
    }

    /// Moves time forward by `by`, for every clone of this handle.
    pub fn advance(&self, by: Duration) {
        let millis = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let _ = self
            .offset_millis
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(millis))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone() {
        let clock = Clock::system();
        let handle = clock.clone();
        let before = clock.unix_secs();
        handle.advance(Duration::from_secs(90));
        assert!(clock.unix_secs() >= before + 90);
    }

    #[test]
    fn advancing_saturates_instead_of_wrapping() {
        let clock = Clock::system();
        clock.advance(Duration::MAX);
        clock.advance(Duration::MAX);
        assert!(clock.unix_secs() > 1 << 40);
    }
}
