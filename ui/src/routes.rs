use crate::auth::guard::Protected;
use crate::pages::{
    admin_users::AdminUsers, home::Home, not_found::NotFound, server::Server, signin::SignIn,
    signout::SignOut, stats::Stats, user::User,
};
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/signin")]
    SignIn,
    #[at("/signout")]
    SignOut,
    #[at("/stats")]
    Stats,
    #[at("/user")]
    User,
    #[at("/server")]
    Server,
    #[at("/admin/users")]
    AdminUsers,
    #[not_found]
    #[at("/404")]
    NotFound,
}

pub fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::SignIn => html! { <SignIn /> },
        Route::SignOut => html! { <SignOut /> },
        Route::Stats => html! { <Protected><Stats /></Protected> },
        Route::User => html! { <Protected><User /></Protected> },
        Route::Server => html! { <Server /> },
        Route::AdminUsers => html! { <Protected><AdminUsers /></Protected> },
        Route::NotFound => html! { <NotFound /> },
    }
}
