//! Sign-in state: one [`state::SessionState`] behind one [`owner::SessionOwner`]
//! (the only code that touches storage), the tokens, PKCE, the hosted-UI flow,
//! the cross-tab refresh lock and the route guard.

pub mod error;
pub mod flow;
pub mod guard;
pub(crate) mod lock;
pub mod owner;
pub mod pkce;
pub mod session;
pub mod state;
pub mod store;
pub mod tokens;
