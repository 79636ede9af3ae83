//! The KPI API: Cognito code exchange with the client secret, strict access-token
//! validation, server-side refresh, and KPI statistics with CRUD for admins.
//!
//! `startup::Application` builds the server on a listener, so tests start the
//! real thing on port 0.

#![deny(unreachable_pub)]

mod admin;
pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
mod json;
mod openapi;
mod routes;
pub mod startup;
pub mod store;
pub mod telemetry;
