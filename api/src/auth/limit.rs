//! A per-address limit on the unauthenticated calls that make the API call
//! Cognito with its client secret (code exchange, refresh), so that one client
//! cannot spend the quota for everyone. Counted on the API's clock.

use super::error::AuthError;
use crate::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

/// governor's view of the API's clock.
#[derive(Clone)]
struct LimiterClock(Clock);

impl governor::clock::Clock for LimiterClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.0.now()
    }
}

pub(crate) struct CallLimiter {
    limiter: RateLimiter<IpAddr, DashMapStateStore<IpAddr>, LimiterClock, NoOpMiddleware<Duration>>,
    clock: Clock,
    trust_forwarded_for: bool,
}

impl CallLimiter {
    pub(crate) fn new(per_minute: NonZeroU32, trust_forwarded_for: bool, clock: Clock) -> Self {
        Self {
            limiter: RateLimiter::new(
                Quota::per_minute(per_minute),
                DashMapStateStore::default(),
                LimiterClock(clock.clone()),
            ),
            clock,
            trust_forwarded_for,
        }
    }

    /// Who is calling: the peer, or behind a trusted proxy the last
    /// `X-Forwarded-For` entry (the one the proxy added; earlier ones are the
    /// client's own claims).
    pub(crate) fn client_address(
        &self,
        peer: Option<SocketAddr>,
        forwarded_for: Option<&str>,
    ) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            if let Some(address) = forwarded_for
                .and_then(|list| list.rsplit(',').next())
                .and_then(|last| last.trim().parse().ok())
            {
                return Some(address);
            }
        }
        peer.map(|p| p.ip())
    }

    /// One more call from `address`, or `429` with how long to wait.
    pub(crate) fn admit(&self, address: Option<IpAddr>) -> Result<(), AuthError> {
        let Some(address) = address else {
            return Ok(());
        };
        self.limiter.check_key(&address).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            AuthError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let peer: SocketAddr = "10.0.0.1:443".parse().expect("addr");
        let header = Some("203.0.113.9, 198.51.100.7");
        let direct = CallLimiter::new(NonZeroU32::MIN, false, Clock::system());
        assert_eq!(direct.client_address(Some(peer), header), Some(peer.ip()));
        let proxied = CallLimiter::new(NonZeroU32::MIN, true, Clock::system());
        assert_eq!(
            proxied.client_address(Some(peer), header),
            "198.51.100.7".parse().ok(),
            "the entry the proxy appended, not the client's own"
        );
    }

    #[test]
    fn the_limit_refills_on_the_clock() {
        let clock = Clock::system();
        let limiter = CallLimiter::new(NonZeroU32::new(2).expect("2"), false, clock.clone());
        let me = "127.0.0.1".parse().ok();
        assert!(limiter.admit(me).is_ok());
        assert!(limiter.admit(me).is_ok());
        assert!(
            matches!(limiter.admit(me), Err(AuthError::RateLimited { retry_after_secs }) if retry_after_secs >= 1)
        );
        clock.advance(Duration::from_secs(60));
        assert!(limiter.admit(me).is_ok());
    }
}
