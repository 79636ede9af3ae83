//! The app: run-time configuration, the one context, the router and the layout.

use crate::api::client::ApiClient;
use crate::auth::flow;
use crate::auth::owner::SessionOwner;
use crate::auth::state::{SessionState, SignedOutReason};
use crate::components::{spinner, Nav, LOADING};
use crate::hooks::AppContext;
use crate::routes::Pages;
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
        None => spinner(LOADING),
        Some(config) => html! {
            <SessionProvider api_url={config.api_url.clone()}>
                <BrowserRouter>
                    <Nav />
                    <SignInProblem />
                    <main id="main">
                        <Pages />
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

/// Renders with the [`SessionOwner`]'s state (following other tabs through
/// the storage event) and provides the [`AppContext`].
#[function_component(SessionProvider)]
pub fn session_provider(props: &SessionProviderProps) -> Html {
    let owner = use_memo((), |()| SessionOwner::from_storage());
    let state = use_state_eq(|| owner.state());
    let api = use_memo(props.api_url.clone(), {
        let owner = (*owner).clone();
        move |url| ApiClient::new(url, owner)
    });
    {
        let (owner, state) = ((*owner).clone(), state.clone());
        use_effect_with((), move |_| {
            owner.on_change(Callback::from(move |next: SessionState| {
                if next == SessionState::SignedOut(SignedOutReason::Elsewhere)
                    && !flow::current_path().starts_with("/signout")
                {
                    // Another tab signed out: follow it, never sign in again by ourselves.
                    flow::go_to("/signout");
                }
                state.set(next);
            }));
            // Whatever changed between the first render and now.
            owner.sync();
            let listener = web_sys::window().map(|window| {
                let owner = owner.clone();
                EventListener::new(&window, "storage", move |event| {
                    let key = event
                        .dyn_ref::<web_sys::StorageEvent>()
                        .and_then(|e| e.key());
                    owner.storage_changed(key.as_deref());
                })
            });
            move || {
                owner.on_change(Callback::noop());
                drop(listener);
            }
        });
    }
    let sign_in = {
        let api = (*api).clone();
        Callback::from(move |return_to: String| {
            let api = api.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match flow::prepare_sign_in(&api, &return_to).await {
                    Ok(url) => flow::go_to(&url),
                    Err(error) => api.session().fail(error),
                }
            });
        })
    };
    let sign_out = {
        let api = (*api).clone();
        Callback::from(move |()| {
            let api = api.clone();
            // The state is SigningOut until the page leaves for Cognito's
            // logout, so no guard starts a sign-in meanwhile.
            wasm_bindgen_futures::spawn_local(async move {
                flow::go_to(&flow::sign_out(&api).await);
            });
        })
    };
    let context = AppContext {
        api: (*api).clone(),
        session: (*state).clone(),
        sign_in,
        sign_out,
    };
    html! {
        <ContextProvider<AppContext> {context}>
            { props.children.clone() }
        </ContextProvider<AppContext>>
    }
}

/// Why there is no session (sign-in could not start, the stored session was
/// unreadable, another tab signed out), wherever it happened, with a way on.
#[function_component(SignInProblem)]
fn sign_in_problem() -> Html {
    let app = crate::hooks::use_app();
    // The callback page shows its own failure in full.
    let on_callback = flow::current_path().starts_with("/signin");
    let Some(message) = app.session.explain().filter(|_| !on_callback) else {
        return html! {};
    };
    let sign_in = app.sign_in.clone();
    let retry = Callback::from(move |()| sign_in.emit(flow::current_path()));
    html! {
        <div class="banner-wrap">
            { crate::components::error_banner(message.into(), Some(retry)) }
        </div>
    }
}
