//! One module per route.

pub mod admin_users;
pub mod home;
pub mod not_found;
pub mod server;
pub mod signin;
pub mod signout;
pub mod stats;
pub mod user;
