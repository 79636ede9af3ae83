//! A protected route: its children for a signed-in user; otherwise sign-in
//! starts, remembering the page that was asked for.

use super::flow::current_path;
use crate::components::{ErrorBanner, Spinner};
use crate::hooks::use_app;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProtectedProps {
    pub children: Html,
}

#[function_component(Protected)]
pub fn protected(props: &ProtectedProps) -> Html {
    let app = use_app();
    let signed_in = app.session.is_some();
    {
        let sign_in = app.sign_in.clone();
        use_effect_with(
            (signed_in, app.signing_out),
            move |(signed_in, signing_out)| {
                if !signed_in && !signing_out {
                    sign_in.emit(current_path());
                }
            },
        );
    }
    if app.signing_out {
        return html! { <Spinner label="Signing out…" /> };
    }
    if signed_in {
        return props.children.clone();
    }
    match &app.sign_in_error {
        Some(error) => {
            let retry = {
                let sign_in = app.sign_in.clone();
                Callback::from(move |()| sign_in.emit(current_path()))
            };
            html! { <ErrorBanner message={error.clone()} {retry} /> }
        }
        None => html! { <Spinner label="Redirecting to sign-in…" /> },
    }
}
