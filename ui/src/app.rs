//! The app: run-time configuration, the one context, the router and the layout.

use crate::api::client::ApiClient;
use crate::auth::flow;
use crate::auth::session::{self, Session};
use crate::components::{Nav, Spinner};
use crate::hooks::AppContext;
use crate::routes::{switch, Route};
use gloo_events::EventListener;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use yew_router::prelude::*;

/// Where the API is when `/config.json` does not say.
pub const DEFAULT_API_URL: &str = "http://localhost:8000";

/// `/config.json`, written beside `index.html` at deploy time.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeConfig {
    pub api_url: String,
}

async fn load_runtime_config() -> RuntimeConfig {
    let fetched = async {
        let response = gloo_net::http::Request::get("/config.json")
            .send()
            .await
            .ok()?;
        crate::json::read::<RuntimeConfig>(response).await.ok()
    };
    fetched.await.unwrap_or_else(|| RuntimeConfig {
        api_url: DEFAULT_API_URL.into(),
    })
}

#[function_component(App)]
pub fn app() -> Html {
    let config = use_state(|| None::<RuntimeConfig>);
    {
        let config = config.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                config.set(Some(load_runtime_config().await));
            });
        });
    }
    match &*config {
        None => html! { <Spinner /> },
        Some(config) => html! {
            <SessionProvider api_url={config.api_url.clone()}>
                <BrowserRouter>
                    <Nav />
                    <SignInProblem />
                    <main id="main">
                        <Switch<Route> render={switch} />
                    </main>
                </BrowserRouter>
            </SessionProvider>
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    pub api_url: AttrValue,
    pub children: Html,
}

/// Holds the session (following other tabs through the storage event) and
/// provides the [`AppContext`].
#[function_component(SessionProvider)]
pub fn session_provider(props: &SessionProviderProps) -> Html {
    let session = use_state(session::load);
    let sign_in_error = use_state(|| None::<String>);
    let set_session = {
        let session = session.clone();
        Callback::from(move |next: Option<Session>| {
            match &next {
                Some(s) => session::save(s),
                None => session::clear(),
            }
            session.set(next);
        })
    };
    let api = {
        let session = session.clone();
        // The client has already stored what it reports; just follow it.
        let follow = Callback::from(move |next: Option<Session>| session.set(next));
        use_memo(props.api_url.clone(), move |url| {
            ApiClient::new(url, follow)
        })
    };
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "storage", move |event| {
                    let event = event.dyn_ref::<web_sys::StorageEvent>();
                    let signed_out_elsewhere = event.is_some_and(|e| {
                        e.key().as_deref() == Some(session::SESSION_KEY)
                            && e.old_value().is_some()
                            && e.new_value().is_none()
                    });
                    if signed_out_elsewhere {
                        // Another tab signed out: follow it, never sign in again by ourselves.
                        flow::go_to("/signout");
                    } else {
                        session.set(session::load());
                    }
                })
            });
            move || drop(listener)
        });
    }
    let sign_in = {
        let (api, sign_in_error) = ((*api).clone(), sign_in_error.clone());
        Callback::from(move |return_to: String| {
            sign_in_error.set(None);
            let (api, sign_in_error) = (api.clone(), sign_in_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match flow::prepare_sign_in(&api, &return_to).await {
                    Ok(url) => flow::go_to(&url),
                    Err(error) => sign_in_error.set(Some(error)),
                }
            });
        })
    };
    let signing_out = use_state(|| false);
    let sign_out = {
        let (api, signing_out) = ((*api).clone(), signing_out.clone());
        Callback::from(move |()| {
            signing_out.set(true);
            let api = api.clone();
            // Storage is cleared, but the page keeps its state until it leaves
            // for Cognito's logout, so no guard starts a sign-in meanwhile.
            wasm_bindgen_futures::spawn_local(async move {
                flow::go_to(&flow::sign_out(&api).await);
            });
        })
    };
    let context = AppContext {
        api: (*api).clone(),
        session: (*session).clone(),
        set_session,
        sign_in,
        sign_in_error: (*sign_in_error).clone(),
        sign_out,
        signing_out: *signing_out,
    };
    html! {
        <ContextProvider<AppContext> {context}>
            { props.children.clone() }
        </ContextProvider<AppContext>>
    }
}

/// Why sign-in could not start (the API is down, say), wherever it was started.
#[function_component(SignInProblem)]
fn sign_in_problem() -> Html {
    let app = crate::hooks::use_app();
    let Some(message) = app.sign_in_error.clone() else {
        return html! {};
    };
    let sign_in = app.sign_in.clone();
    let retry = Callback::from(move |()| sign_in.emit(flow::current_path()));
    html! {
        <div class="banner-wrap">
            <crate::components::ErrorBanner {message} {retry} />
        </div>
    }
}
