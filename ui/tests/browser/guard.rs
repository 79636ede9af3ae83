//! The route guard: sign-in starts by itself only for a fresh or ended session.

use crate::support::*;
use std::cell::RefCell;
use std::time::Duration;
use ui::api::client::ApiClient;
use ui::auth::guard::Protected;
use ui::auth::owner::SessionOwner;
use ui::auth::state::{SessionState, SignedOutReason};
use ui::hooks::AppContext;
use wasm_bindgen_test::*;
use yew::prelude::*;

thread_local! {
    static SIGN_INS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

#[derive(Properties, PartialEq)]
struct GuardedProps {
    state: SessionState,
}

#[function_component(GuardedApp)]
fn guarded_app(props: &GuardedProps) -> Html {
    let context = AppContext {
        api: ApiClient::new("http://api.test", SessionOwner::from_storage()),
        session: props.state.clone(),
        sign_in: Callback::from(|return_to: String| {
            SIGN_INS.with(|s| s.borrow_mut().push(return_to));
        }),
        sign_out: Callback::noop(),
    };
    html! {
        <ContextProvider<AppContext> {context}>
            <Protected><p id="secret">{ "protected content" }</p></Protected>
        </ContextProvider<AppContext>>
    }
}

/// Renders the guard in `state` and waits for rendering to settle (by polling, with a deadline).
async fn render_guard(
    state: SessionState,
    until: impl Fn(&web_sys::Element) -> bool,
) -> web_sys::Element {
    let document = window().document().expect("document");
    let root = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("attached");
    yew::Renderer::<GuardedApp>::with_root_and_props(root.clone(), GuardedProps { state }).render();
    for _ in 0..500 {
        if until(&root) {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    root
}

#[wasm_bindgen_test]
async fn the_guard_sends_a_signed_out_user_to_sign_in() {
    reset_storage();
    SIGN_INS.with(|s| s.borrow_mut().clear());
    let path = ui::auth::flow::current_path();
    let root = render_guard(
        SessionState::SignedOut(SignedOutReason::NotSignedIn),
        |_| !SIGN_INS.with(|s| s.borrow().is_empty()),
    )
    .await;
    assert_eq!(SIGN_INS.with(|s| s.borrow().clone()), [path]);
    assert!(
        root.query_selector("#secret").ok().flatten().is_none(),
        "content hidden"
    );
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("Redirecting to sign-in"));
}

#[wasm_bindgen_test]
async fn the_guard_waits_for_the_person_after_a_sign_out_elsewhere_or_a_discarded_session() {
    for state in [
        SessionState::SignedOut(SignedOutReason::Elsewhere),
        SessionState::SignedOut(SignedOutReason::Discarded),
        SessionState::SigningOut,
    ] {
        reset_storage();
        SIGN_INS.with(|s| s.borrow_mut().clear());
        let root = render_guard(state.clone(), |root| {
            !root.text_content().unwrap_or_default().is_empty()
        })
        .await;
        // Rendered, so the guard's effect has run.
        assert!(SIGN_INS.with(|s| s.borrow().is_empty()), "{state:?}");
        assert!(root.query_selector("#secret").ok().flatten().is_none());
    }
}
