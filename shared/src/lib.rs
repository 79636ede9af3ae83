//! Plain data shared by the API and the UI: wire DTOs, header names and error codes.
//!
//! Serde only, so it builds for both wasm32 and native targets.

pub mod admin;
pub mod dto;
pub mod error;
pub mod headers;
pub mod rules;

pub use error::{ErrorBody, ErrorCode};
