//! A protected route: its children for a signed-in user; otherwise sign-in
//! starts, remembering the page that was asked for.

use super::flow::current_path;
use crate::components::Spinner;
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
        // The layout shows the problem and a retry.
        Some(_) => html! { <p class="muted">{ "This page needs you to sign in." }</p> },
        None => html! { <Spinner label="Redirecting to sign-in…" /> },
    }
}
