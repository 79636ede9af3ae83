//! The official AWS SDK for Rust against the emulator's JSON API: every
//! action it serves and their main errors. With `CONFORMANCE_POOL_ID` (and the
//! other `CONFORMANCE_*` variables of docs/emulator.md) set, the same suite
//! runs against a real user pool.

mod target;

mod auth;
mod doors;
mod groups;
mod node;
mod pools;
mod protocol;
mod selfservice;
mod users;
