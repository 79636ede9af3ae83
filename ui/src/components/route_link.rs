use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// An in-app link, as yew-router's `<Link<Route>>` draws it (an `<a>` with
/// the route's path; a plain click routes inside the app, one with Meta,
/// Ctrl, Shift or Alt is left to the browser), as a plain function: the
/// `Link` component cost its own copy of Yew's component lifecycle.
pub fn route_link(
    navigator: &Option<Navigator>,
    to: Route,
    class: Option<&'static str>,
    children: Html,
) -> Html {
    let href = to.to_path();
    let onclick = navigator.clone().map(|navigator| {
        Callback::from(move |e: MouseEvent| {
            if e.meta_key() || e.ctrl_key() || e.shift_key() || e.alt_key() {
                return;
            }
            e.prevent_default();
            navigator.push(&to);
        })
    });
    html! { <a {class} {href} {onclick}>{ children }</a> }
}
