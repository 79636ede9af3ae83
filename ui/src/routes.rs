use crate::auth::guard::Protected;
use crate::hooks::use_app;
use crate::pages::{
    admin_users::AdminUsers, home::home, not_found::not_found, server::Server, signin::SignIn,
    signout::sign_out, stats::Stats, user::User,
};
use std::collections::HashMap;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Home,
    SignIn,
    SignOut,
    Stats,
    User,
    Server,
    AdminUsers,
    NotFound,
}

/// Each route's path; the last one is where unknown paths go.
const PATHS: [(&str, Route); 8] = [
    ("/", Route::Home),
    ("/signin", Route::SignIn),
    ("/signout", Route::SignOut),
    ("/stats", Route::Stats),
    ("/user", Route::User),
    ("/server", Route::Server),
    ("/admin/users", Route::AdminUsers),
    ("/404", Route::NotFound),
];

/// By hand rather than `#[derive(Routable)]`: our paths have no parameters,
/// and the derive compiles a route recogniser into the bundle for them
/// (a tenth of the UI's own code). Same rules: one trailing and then one
/// leading slash are ignored, the rest must match exactly, anything else is
/// `NotFound`.
impl Routable for Route {
    fn from_path(path: &str, _params: &HashMap<&str, &str>) -> Option<Self> {
        PATHS
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, r)| r.clone())
    }

    fn to_path(&self) -> String {
        PATHS
            .iter()
            .find(|(_, r)| r == self)
            .map_or("/404", |(p, _)| p)
            .to_owned()
    }

    fn routes() -> Vec<&'static str> {
        PATHS.iter().map(|(p, _)| *p).collect()
    }

    fn not_found_route() -> Option<Self> {
        Some(Self::NotFound)
    }

    fn recognize(pathname: &str) -> Option<Self> {
        fn bare(path: &str) -> &str {
            let path = path.strip_suffix('/').unwrap_or(path);
            path.strip_prefix('/').unwrap_or(path)
        }
        PATHS
            .iter()
            .find(|(p, _)| bare(p) == bare(pathname))
            .map(|(_, r)| r.clone())
            .or_else(Self::not_found_route)
    }
}

/// The current route's page, in place of yew-router's `Switch`: one
/// component that reads the route, and draws the pages without state of
/// their own (home, signed out, not found) as plain functions, so neither
/// `Switch` nor they cost a copy of Yew's component lifecycle each.
#[function_component(Pages)]
pub fn pages() -> Html {
    let app = use_app();
    let navigator = use_navigator();
    let location = use_location();
    let Some(route) = use_route::<Route>() else {
        return Html::default();
    };
    match route {
        Route::Home => home(&app, &navigator),
        Route::SignIn => html! { <SignIn /> },
        Route::SignOut => sign_out(&app, &navigator, location.as_ref()),
        Route::Stats => html! { <Protected><Stats /></Protected> },
        Route::User => html! { <Protected><User /></Protected> },
        Route::Server => html! { <Server /> },
        Route::AdminUsers => html! { <Protected><AdminUsers /></Protected> },
        Route::NotFound => not_found(&navigator),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `#[derive(Routable)]` made of the same paths, for comparison.
    #[derive(Debug, Clone, PartialEq, Routable)]
    enum Derived {
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

    #[test]
    fn paths_are_recognised_as_the_derive_recognises_them() {
        let paths = [
            "",
            "/",
            "//",
            "/signin",
            "/signin/",
            "/signout",
            "/stats",
            "/stats/",
            "/stats//",
            "/stats/x",
            "//stats",
            "/Stats",
            "/user",
            "/server",
            "/admin",
            "/admin/",
            "/admin/users",
            "/admin/users/",
            "/admin/users/x",
            "/404",
            "/nope",
            "stats",
        ];
        for path in paths {
            let ours = Route::recognize(path).map(|r| r.to_path());
            let derived = Derived::recognize(path).map(|r| r.to_path());
            assert_eq!(ours, derived, "{path:?}");
        }
        assert_eq!(Route::routes(), Derived::routes());
    }

    #[test]
    fn paths_are_recognised() {
        assert_eq!(Route::recognize("/"), Some(Route::Home));
        assert_eq!(Route::recognize(""), Some(Route::Home));
        assert_eq!(Route::recognize("/stats"), Some(Route::Stats));
        assert_eq!(Route::recognize("/stats/"), Some(Route::Stats));
        assert_eq!(Route::recognize("/admin/users"), Some(Route::AdminUsers));
        for unknown in ["/nope", "/stats/x", "//stats", "/Stats", "/admin"] {
            assert_eq!(
                Route::recognize(unknown),
                Some(Route::NotFound),
                "{unknown}"
            );
        }
        for (path, route) in PATHS {
            assert_eq!(route.to_path(), path);
            assert_eq!(Route::recognize(path), Some(route));
        }
    }
}
