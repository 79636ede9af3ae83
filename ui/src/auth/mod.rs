//! Sign-in state: PKCE, the stored session, the hosted-UI flow, the route guard.

pub mod flow;
pub mod guard;
pub mod pkce;
pub mod session;
