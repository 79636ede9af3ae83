use crate::hooks::use_app;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(Home)]
pub fn home() -> Html {
    let app = use_app();
    match app.session.session() {
        Some(session) => html! {
            <section class="page">
                <h1>{ format!("Hello, {}", session.display_name()) }</h1>
                <p class="lead">{ "Where to?" }</p>
                <div class="cards">
                    <Link<Route> to={Route::Stats} classes="card link-card">
                        <h2>{ "Statistics" }</h2>
                        <p>{ "Sales, cost and revenue by month, as charts and a table." }</p>
                    </Link<Route>>
                    <Link<Route> to={Route::User} classes="card link-card">
                        <h2>{ "Profile" }</h2>
                        <p>{ "Who you are signed in as, your groups, and your token." }</p>
                    </Link<Route>>
                    <Link<Route> to={Route::Server} classes="card link-card">
                        <h2>{ "Server" }</h2>
                        <p>{ "What serves the API." }</p>
                    </Link<Route>>
                </div>
            </section>
        },
        None => {
            let sign_in = app.sign_in.clone();
            html! {
                <section class="page hero">
                    <h1>{ "KPI dashboard" }</h1>
                    <p class="lead">
                        { "Monthly sales, cost and revenue, behind Cognito sign-in. \
                           Sign in with your organisation's account to see the charts; \
                           members of the admin group can also edit the figures." }
                    </p>
                    <button class="button large" type="button"
                        onclick={Callback::from(move |_| sign_in.emit("/stats".into()))}>
                        { "Sign in" }
                    </button>
                </section>
            }
        }
    }
}
