use crate::components::route_link;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(NotFound)]
pub fn not_found() -> Html {
    let navigator = use_navigator();
    html! {
        <section class="page">
            <h1>{ "Page not found" }</h1>
            <p>{ "There is no page at this address." }</p>
            { route_link(&navigator, Route::Home, None, html! { "Go to the home page" }) }
        </section>
    }
}
