//! The app context (API client, session, sign-in) and the data-loading hook.

use crate::api::client::{ApiClient, ApiError};
use crate::auth::session::Session;
use std::future::Future;
use std::rc::Rc;
use yew::prelude::*;

/// What every page may need: one context, provided by `App`.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub api: ApiClient,
    pub session: Option<Session>,
    /// Stores (or clears) the session and tells every page.
    pub set_session: Callback<Option<Session>>,
    /// Starts a sign-in that returns to the given in-app path.
    pub sign_in: Callback<String>,
    /// Why the last attempt to start sign-in failed (e.g. the API is down).
    pub sign_in_error: Option<String>,
    /// Signs out (revoke, clear, Cognito logout).
    pub sign_out: Callback<()>,
    /// A sign-out is under way: guards must not start a sign-in meanwhile.
    pub signing_out: bool,
}

#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("AppContext is provided by App")
}

/// A request's progress.
#[derive(Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(Rc<T>),
    Failed(ApiError),
}

// By hand: `Rc<T>` clones without `T: Clone`.
impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Loading => Self::Loading,
            Self::Ready(data) => Self::Ready(data.clone()),
            Self::Failed(error) => Self::Failed(error.clone()),
        }
    }
}

/// Runs `fetch` on mount and whenever `reload` is called.
#[hook]
pub fn use_load<T, F, Fut>(fetch: F) -> (Load<T>, Callback<()>)
where
    T: 'static,
    F: FnOnce(ApiClient) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let api = use_app().api;
    let state = use_state(|| Load::Loading);
    let version = use_state(|| 0u32);
    {
        let state = state.clone();
        use_effect_with(*version, move |_| {
            // A reload keeps showing the data it replaces (and keyboard focus stays put).
            if !matches!(*state, Load::Ready(_)) {
                state.set(Load::Loading);
            }
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match fetch(api).await {
                    Ok(data) => Load::Ready(Rc::new(data)),
                    Err(error) => Load::Failed(error),
                });
            });
        });
    }
    let reload = Callback::from(move |()| version.set(*version + 1));
    ((*state).clone(), reload)
}
