use crate::components::route_link;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// Any other path. A plain function that [`crate::routes::Pages`] calls,
/// not a component of its own.
pub fn not_found(navigator: &Option<Navigator>) -> Html {
    html! {
        <section class="page">
            <h1>{ "Page not found" }</h1>
            <p>{ "There is no page at this address." }</p>
            { route_link(navigator, Route::Home, None, html! { "Go to the home page" }) }
        </section>
    }
}
