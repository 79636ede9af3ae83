use crate::hooks::use_app;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// The top bar: where to go, who is signed in, and signing in or out.
#[function_component(Nav)]
pub fn nav() -> Html {
    let app = use_app();
    let route = use_route::<Route>();
    let link = |to: Route, label: &'static str| {
        let current = route.as_ref() == Some(&to);
        html! {
            <li>
                <Link<Route> {to} classes={classes!(current.then_some("current"))}>
                    { label }
                </Link<Route>>
            </li>
        }
    };
    let account = match &app.session {
        Some(session) => {
            let sign_out = app.sign_out.clone();
            html! {
                <div class="account">
                    <span class="who" title="Signed in">{ session.display_name() }</span>
                    <button class="button secondary" type="button"
                        onclick={Callback::from(move |_| sign_out.emit(()))}>
                        { "Sign out" }
                    </button>
                </div>
            }
        }
        None => {
            let sign_in = app.sign_in.clone();
            html! {
                <div class="account">
                    <button class="button" type="button"
                        onclick={Callback::from(move |_| sign_in.emit("/stats".into()))}>
                        { "Sign in" }
                    </button>
                </div>
            }
        }
    };
    html! {
        <header class="topbar">
            <nav aria-label="Main">
                <Link<Route> to={Route::Home} classes="brand">{ "KPI dashboard" }</Link<Route>>
                <ul>
                    { link(Route::Stats, "Statistics") }
                    { link(Route::User, "Profile") }
                    { link(Route::Server, "Server") }
                </ul>
            </nav>
            { account }
        </header>
    }
}
