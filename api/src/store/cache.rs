//! The KPI records `GET /stats` serves, kept in memory with their JSON, so
//! that a read costs a lookup instead of a database query and an encoding.
//!
//! - On this instance a cached answer is never stale after a write: every
//!   write through [`super::StatsStore`] drops the entry when it finishes
//!   (also if it fails or is cancelled), and bumps a generation, so that a
//!   load that raced the write is not stored.
//! - Writes by other instances (one PostgreSQL behind several APIs) show
//!   within [`MAX_AGE`] on this instance's clock: an entry is used only that
//!   long after the moment its query started.

use crate::clock::Clock;
use actix_web::web::Bytes;
use shared::dto::KpiRecord;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long another instance's write may stay unseen here.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// Every record, ordered by kpi and period, and that list as JSON.
#[derive(Debug)]
pub struct Records {
    pub records: Vec<KpiRecord>,
    pub json: Bytes,
}

struct Entry {
    records: Arc<Records>,
    /// When (on the clock) the query that read them started.
    read_at: Duration,
}

#[derive(Default)]
struct State {
    generation: u64,
    entry: Option<Entry>,
}

pub(crate) struct RecordCache {
    state: Mutex<State>,
    /// One load at a time: under load, a miss costs one query, not one per request.
    pub(crate) loading: tokio::sync::Mutex<()>,
    clock: Clock,
}

/// A load under way: what it must be stored with.
pub(crate) struct Ticket {
    generation: u64,
    read_at: Duration,
}

impl RecordCache {
    pub(crate) fn new(clock: Clock) -> Self {
        Self {
            state: Mutex::new(State::default()),
            loading: tokio::sync::Mutex::new(()),
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached records, if younger than [`MAX_AGE`] (and not from the
    /// future: a clock set back makes them stale).
    pub(crate) fn fresh(&self) -> Option<Arc<Records>> {
        let now = self.clock.now();
        let state = self.lock();
        state
            .entry
            .as_ref()
            .filter(|e| now >= e.read_at && now - e.read_at < MAX_AGE)
            .map(|e| e.records.clone())
    }

    /// Taken just before the query of a load.
    pub(crate) fn ticket(&self) -> Ticket {
        Ticket {
            generation: self.lock().generation,
            read_at: self.clock.now(),
        }
    }

    /// Keeps what a load read, unless a write finished since its ticket.
    pub(crate) fn store(&self, ticket: Ticket, records: Arc<Records>) {
        let mut state = self.lock();
        if state.generation == ticket.generation {
            state.entry = Some(Entry {
                records,
                read_at: ticket.read_at,
            });
        }
    }

    pub(crate) fn invalidate(&self) {
        let mut state = self.lock();
        state.generation = state.generation.wrapping_add(1);
        state.entry = None;
    }

    /// Invalidates when dropped: held across a write, so that the entry goes
    /// however the write ends.
    pub(crate) fn writing(&self) -> Invalidation<'_> {
        Invalidation(self)
    }
}

pub(crate) struct Invalidation<'a>(&'a RecordCache);

impl Drop for Invalidation<'_> {
    fn drop(&mut self) {
        self.0.invalidate();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(value: f64) -> Arc<Records> {
        Arc::new(Records {
            records: vec![KpiRecord {
                id: 1,
                kpi: "sales".into(),
                period: "202501".into(),
                year: 2025,
                month: 1,
                value,
                created_date: String::new(),
                modified_date: String::new(),
            }],
            json: Bytes::new(),
        })
    }

    #[test]
    fn an_entry_lives_max_age_on_the_clock() {
        let clock = Clock::system();
        let cache = RecordCache::new(clock.clone());
        cache.store(cache.ticket(), records(1.0));
        assert!(cache.fresh().is_some());
        clock.advance(MAX_AGE);
        assert!(cache.fresh().is_none(), "stale after MAX_AGE");
    }

    #[test]
    fn a_load_that_raced_a_write_is_not_stored() {
        let cache = RecordCache::new(Clock::system());
        let ticket = cache.ticket();
        drop(cache.writing());
        cache.store(ticket, records(1.0));
        assert!(cache.fresh().is_none());
        cache.store(cache.ticket(), records(2.0));
        assert_eq!(cache.fresh().expect("stored").records[0].value, 2.0);
    }

    #[test]
    fn a_write_drops_the_entry_even_when_it_is_abandoned() {
        let cache = RecordCache::new(Clock::system());
        cache.store(cache.ticket(), records(1.0));
        {
            let _writing = cache.writing();
            // The write fails or its future is dropped here.
        }
        assert!(cache.fresh().is_none());
    }
}
