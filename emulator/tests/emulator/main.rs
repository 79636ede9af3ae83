//! The emulator over real HTTP: one test binary, one emulator per test on port 0.

mod helpers;

mod clock;
mod code_flow;
mod durability;
mod hooks;
mod hosted_ui;
mod issuer;
mod robustness;
mod security;
mod tokens;
