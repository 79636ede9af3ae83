use yew::prelude::*;

/// What [`spinner`] says when nothing more precise is known.
pub const LOADING: &str = "Loading…";

/// A busy indicator that screen readers announce. A plain function, not a
/// component: a component costs Yew's lifecycle code once more in the bundle.
pub fn spinner(label: &'static str) -> Html {
    html! {
        <div class="spinner" role="status" aria-live="polite">
            <span class="spinner-dot" aria-hidden="true"></span>
            <span>{ label }</span>
        </div>
    }
}
