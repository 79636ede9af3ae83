//! The API over real HTTP, against an in-process Cognito emulator.

mod admin;
mod attacks;
mod auth;
mod clock;
mod database;
mod fuzz;
mod helpers;
mod http;
mod limits;
mod logs;
mod postgres;
mod refresh;
mod sessions;
mod stats;
mod stats_cache;
