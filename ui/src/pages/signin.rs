//! `/signin`: Cognito's redirect back. Checks `state`, awaits the code
//! exchange, then returns to the page first asked for; errors get a readable
//! page with a retry, never another automatic redirect.

use crate::api;
use crate::auth::error::AuthError;
use crate::auth::flow::{self, CallbackQuery};
use crate::components::{error_banner, spinner};
use crate::hooks::use_app;
use crate::routes::Route;
use shared::dto::TokenRequest;
use yew::prelude::*;
use yew_router::prelude::*;

/// What Cognito's redirect carries, read by the browser's `URLSearchParams`.
fn callback_query(search: &str) -> CallbackQuery {
    let get = |name| crate::query::get(search, name);
    CallbackQuery {
        code: get("code"),
        state: get("state"),
        error: get("error"),
        error_description: get("error_description"),
    }
}

#[function_component(SignIn)]
pub fn sign_in() -> Html {
    let app = use_app();
    let navigator = use_navigator();
    let query = use_location()
        .map(|l| callback_query(l.query_str()))
        .unwrap_or_default();
    // (what went wrong, where the person wanted to go)
    let failure = use_state(|| None::<(AuthError, String)>);
    {
        let failure = failure.clone();
        let api = app.api.clone();
        use_effect_with((), move |_| {
            let owner = api.session().clone();
            match flow::accept_callback(&owner, &query) {
                Err((error, attempt)) => {
                    let return_to = attempt.map_or_else(|| "/".to_owned(), |a| a.return_to);
                    let error = AuthError::Callback(error);
                    owner.fail(error.clone());
                    failure.set(Some((error, return_to)));
                }
                Ok((code, attempt)) => wasm_bindgen_futures::spawn_local(async move {
                    owner.exchanging();
                    let request = TokenRequest {
                        code,
                        redirect_uri: flow::redirect_uri(),
                        code_verifier: attempt.code_verifier.expose().to_owned(),
                    };
                    let signed_in = match api::exchange_code(&api, &request).await {
                        Ok(tokens) => owner.signed_in(tokens),
                        Err(error) => Err(AuthError::Exchange(error)),
                    };
                    match signed_in {
                        Ok(()) => {
                            let (path, query) = attempt
                                .return_to
                                .split_once('?')
                                .unwrap_or((attempt.return_to.as_str(), ""));
                            let route = Route::recognize(path).unwrap_or(Route::Home);
                            if let Some(navigator) = navigator {
                                // The query as it was asked for (a path `safe_return_path` kept).
                                let query = yew_router::query::Raw(query);
                                navigator
                                    .replace_with_query(&route, query)
                                    .unwrap_or_else(|e| match e {});
                            }
                        }
                        Err(error) => {
                            owner.fail(error.clone());
                            failure.set(Some((error, attempt.return_to)));
                        }
                    }
                }),
            }
        });
    }
    match &*failure {
        None => html! { <section class="page">{ spinner("Signing you in…") }</section> },
        Some((message, return_to)) => {
            let retry = {
                let (sign_in, return_to) = (app.sign_in.clone(), return_to.clone());
                Callback::from(move |()| sign_in.emit(return_to.clone()))
            };
            html! {
                <section class="page">
                    <h1>{ "Sign-in did not complete" }</h1>
                    { error_banner(message.to_string().into(), Some(retry)) }
                </section>
            }
        }
    }
}
