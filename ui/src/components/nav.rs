use crate::components::route_link;
use crate::hooks::use_app;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// The top bar: where to go, who is signed in, and signing in or out.
#[function_component(Nav)]
pub fn nav() -> Html {
    let app = use_app();
    let route = use_route::<Route>();
    let navigator = use_navigator();
    // A plain link (so it can carry aria-current) that routes inside the app.
    let link = |to: Route, label: &'static str| {
        let current = route.as_ref() == Some(&to);
        let href = to.to_path();
        let onclick = navigator.clone().map(|navigator| {
            Callback::from(move |e: MouseEvent| {
                if !(e.ctrl_key() || e.meta_key() || e.shift_key()) {
                    e.prevent_default();
                    navigator.push(&to);
                }
            })
        });
        html! {
            <li>
                <a {href} {onclick} class={current.then_some("current")}
                    aria-current={current.then_some("page")}>
                    { label }
                </a>
            </li>
        }
    };
    let is_admin = app.session.is_admin();
    let account = match app.session.session() {
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
                { route_link(&navigator, Route::Home, Some("brand"), html! { "KPI dashboard" }) }
                <ul>
                    { link(Route::Stats, "Statistics") }
                    { link(Route::User, "Profile") }
                    { link(Route::Server, "Server") }
                    { for is_admin.then(|| link(Route::AdminUsers, "Users")) }
                </ul>
            </nav>
            { account }
        </header>
    }
}
