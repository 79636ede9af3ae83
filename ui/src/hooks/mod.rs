//! The one hook pages read the session through ([`use_app`]), and the
//! data-loading hook that retries what network trouble interrupted.

use crate::api::client::{ApiClient, ApiError};
use crate::auth::state::SessionState;
use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;
use yew::prelude::*;

/// What every page may need: one context, provided by `App`.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub api: ApiClient,
    /// This tab's session, as its owner last said.
    pub session: SessionState,
    /// Starts a sign-in that returns to the given in-app path.
    pub sign_in: Callback<String>,
    /// Signs out (revoke, clear, Cognito logout).
    pub sign_out: Callback<()>,
}

#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("AppContext is provided by App")
}

/// A request's progress.
#[derive(Debug, PartialEq)]
pub enum Load<T: ?Sized> {
    Loading,
    Ready(Rc<T>),
    Failed(ApiError),
}

// By hand: `Rc<T>` clones without `T: Clone`.
impl<T: ?Sized> Clone for Load<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Loading => Self::Loading,
            Self::Ready(data) => Self::Ready(data.clone()),
            Self::Failed(error) => Self::Failed(error.clone()),
        }
    }
}

/// The wait before the `failures`-th retry in a row: 1 s, 2 s, 4 s, then 8 s.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1 << failures.saturating_sub(1).min(3))
}

/// What [`use_load`] hands its one non-generic body: the fetch, boxed, with
/// its answer as `Rc<dyn Any>`.
type AnyFetch =
    Box<dyn FnOnce(ApiClient) -> Pin<Box<dyn Future<Output = Result<Rc<dyn Any>, ApiError>>>>>;

/// Runs `fetch` on mount and whenever `reload` is called. A failure that may
/// pass (network, 5xx, `idp_unavailable`) is shown and retried with backoff.
///
/// Generic only in name: the states, the retries and the effect are
/// [`use_load_any`]'s, compiled once for every page that loads something.
#[hook]
pub fn use_load<T, F, Fut>(fetch: F) -> (Load<T>, Callback<()>)
where
    T: 'static,
    F: FnOnce(ApiClient) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let fetch: AnyFetch = Box::new(move |api| {
        Box::pin(async move { fetch(api).await.map(|data| Rc::new(data) as Rc<dyn Any>) })
    });
    let (load, reload) = use_load_any(fetch);
    let load = match load {
        Load::Loading => Load::Loading,
        // The data is the `T` the fetch above made: the downcast holds.
        Load::Ready(data) => data.downcast::<T>().map_or(Load::Loading, Load::Ready),
        Load::Failed(error) => Load::Failed(error),
    };
    (load, reload)
}

#[hook]
fn use_load_any(fetch: AnyFetch) -> (Load<dyn Any>, Callback<()>) {
    let api = use_app().api;
    // One cell and a redraw instead of `use_state` handles: each state type
    // costs Yew's hook code again.
    let state = use_mut_ref(|| Load::<dyn Any>::Loading);
    // Reloads asked for so far: the effect runs again when it grows.
    let asked = use_mut_ref(|| 0u32);
    let failures = use_mut_ref(|| 0u32);
    let redraw = use_force_update();
    let reload = {
        let (asked, redraw) = (asked.clone(), redraw.clone());
        Callback::from(move |()| {
            *asked.borrow_mut() += 1;
            redraw.force_update();
        })
    };
    {
        let (state, reload) = (state.clone(), reload.clone());
        // A reload keeps showing what it replaces (data, or the error being
        // retried), so keyboard focus stays put.
        let version = *asked.borrow();
        use_effect_with(version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match fetch(api).await {
                    Ok(data) => {
                        *failures.borrow_mut() = 0;
                        *state.borrow_mut() = Load::Ready(data);
                        redraw.force_update();
                    }
                    Err(error) => {
                        let retry = error.is_retryable();
                        *state.borrow_mut() = Load::Failed(error);
                        redraw.force_update();
                        if retry {
                            let failed = {
                                let mut failures = failures.borrow_mut();
                                *failures += 1;
                                *failures
                            };
                            yew::platform::time::sleep(backoff(failed)).await;
                            reload.emit(());
                        }
                    }
                }
            });
        });
    }
    let load = state.borrow().clone();
    (load, reload)
}

/// A component's state that changes by messages.
pub trait Apply {
    type Msg;
    fn apply(&mut self, msg: Self::Msg);
}

/// A component's state in one cell and the redraw after a change: lighter in
/// the bundle than a `use_reducer` of its own.
pub struct Sender<S>(Rc<RefCell<S>>, UseForceUpdateHandle);

// By hand: the cell clones without `S: Clone`.
impl<S> Clone for Sender<S> {
    fn clone(&self) -> Self {
        Self(self.0.clone(), self.1.clone())
    }
}

impl<S: Apply> Sender<S> {
    pub fn new(cell: Rc<RefCell<S>>, redraw: UseForceUpdateHandle) -> Self {
        Self(cell, redraw)
    }

    pub fn dispatch(&self, msg: S::Msg) {
        self.0.borrow_mut().apply(msg);
        self.1.force_update();
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn retries_back_off_to_eight_seconds() {
        let waits: Vec<u64> = (1..=6).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 8, 8]);
    }
}
