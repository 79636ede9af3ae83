use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(NotFound)]
pub fn not_found() -> Html {
    html! {
        <section class="page">
            <h1>{ "Page not found" }</h1>
            <p>{ "There is no page at this address." }</p>
            <Link<Route> to={Route::Home}>{ "Go to the home page" }</Link<Route>>
        </section>
    }
}
