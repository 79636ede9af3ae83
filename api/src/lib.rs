//! The KPI API: Cognito code exchange with the client secret, strict access-token
//! validation, server-side refresh, and KPI statistics with CRUD for admins.
//!
//! `startup::Application` builds the server on a listener, so tests start the
//! real thing on port 0.

#![deny(unreachable_pub)]

pub mod admin;
pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod json;
pub mod openapi;
pub mod routes;
pub mod startup;
pub mod store;
pub mod telemetry;
