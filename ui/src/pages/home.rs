use crate::components::route_link;
use crate::hooks::AppContext;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// `/`. A plain function that [`crate::routes::Pages`] calls with what its
/// hooks read, not a component of its own (each costs Yew's lifecycle again).
pub fn home(app: &AppContext, navigator: &Option<Navigator>) -> Html {
    let card = |to: Route, title: &'static str, text: &'static str| {
        let body = html! { <><h2>{ title }</h2><p>{ text }</p></> };
        route_link(navigator, to, Some("card link-card"), body)
    };
    match app.session.session() {
        Some(session) => html! {
            <section class="page">
                <h1>{ format!("Hello, {}", session.display_name()) }</h1>
                <p class="lead">{ "Where to?" }</p>
                <div class="cards">
                    { card(Route::Stats, "Statistics", "Sales, cost and revenue by month, as charts and a table.") }
                    { card(Route::User, "Profile", "Who you are signed in as, your groups, and your token.") }
                    { card(Route::Server, "Server", "What serves the API.") }
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
