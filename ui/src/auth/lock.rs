//! Refreshes serialised across this origin's tabs with the Web Locks API
//! (`navigator.locks`): under refresh rotation, two tabs presenting the same
//! refresh token at once could revoke the session. Where the browser has no
//! Web Locks, requests go without the lock.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The lock's name; tests in the browser take it too.
pub const REFRESH_LOCK: &str = "kpi.refresh";

/// Held while a request that carries the refresh token is under way; released when dropped.
pub(crate) struct RefreshLock {
    release: Option<Function>,
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

fn lock_manager() -> Option<(JsValue, Function)> {
    let window: JsValue = web_sys::window()?.into();
    let navigator = Reflect::get(&window, &"navigator".into()).ok()?;
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}

/// A promise and the function that resolves it.
fn deferred() -> (Promise, Option<Function>) {
    let mut resolve = None;
    let promise = Promise::new(&mut |resolve_fn, _reject| resolve = Some(resolve_fn));
    (promise, resolve)
}

impl RefreshLock {
    /// Waits until this tab holds the refresh lock.
    pub(crate) async fn acquire() -> Self {
        let Some((locks, request)) = lock_manager() else {
            return Self { release: None };
        };
        let (held, release) = deferred();
        let (granted, grant) = deferred();
        // The lock is held until `held` settles, i.e. until this guard is dropped.
        let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
            if let Some(grant) = &grant {
                let _ = grant.call0(&JsValue::UNDEFINED);
            }
            held.into()
        });
        match request.call2(&locks, &REFRESH_LOCK.into(), &callback) {
            Ok(_) => {
                let _ = JsFuture::from(granted).await;
            }
            Err(_) => web_sys::console::warn_1(&"navigator.locks refused the refresh lock".into()),
        }
        Self { release }
    }
}
