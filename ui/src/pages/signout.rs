use crate::components::route_link;
use crate::hooks::AppContext;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// Where Cognito's logout sends the browser back to. A plain function that
/// [`crate::routes::Pages`] calls with what its hooks read, not a component.
pub fn sign_out(
    app: &AppContext,
    navigator: &Option<Navigator>,
    location: Option<&Location>,
) -> Html {
    let sign_in = app.sign_in.clone();
    // `?partial`: the API could not be reached, so only this device forgot the session.
    let partial = location.is_some_and(|l| l.query_str().contains("partial"));
    let detail = if partial {
        "Your session has ended on this device. The API could not be reached, so the \
         sign-in service may still remember you until it times out."
    } else {
        "Your session has ended on this device and at the sign-in service."
    };
    html! {
        <section class="page">
            <h1>{ "You are signed out" }</h1>
            <p>{ detail }</p>
            <div class="actions">
                <button class="button" type="button"
                    onclick={Callback::from(move |_| sign_in.emit("/stats".into()))}>
                    { "Sign in again" }
                </button>
                { route_link(navigator, Route::Home, Some("button secondary"), html! { "Home" }) }
            </div>
        </section>
    }
}
