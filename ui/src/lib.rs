//! The KPI dashboard: a Yew single-page app that signs users in through
//! Cognito's hosted UI (state + PKCE), calls the API with their access token,
//! and saves the refreshed tokens the API hands back on every response.

pub mod api;
pub mod app;
pub mod auth;
pub mod base64url;
pub mod clock;
pub mod components;
pub mod hooks;
pub mod json;
pub mod number;
pub mod pages;
pub mod query;
pub mod routes;

/// Mounts the app on `<body>`.
pub fn run() {
    yew::Renderer::<app::App>::new().render();
}
