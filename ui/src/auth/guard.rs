//! A protected route: its children for a signed-in user; otherwise sign-in
//! starts, remembering the page that was asked for, unless the session ended
//! in a way that needs the person's say (signed out, discarded, failed).

use super::flow::current_path;
use super::state::SessionState;
use crate::components::spinner;
use crate::hooks::use_app;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProtectedProps {
    pub children: Html,
}

#[function_component(Protected)]
pub fn protected(props: &ProtectedProps) -> Html {
    let app = use_app();
    let starts_sign_in = app.session.starts_sign_in();
    {
        let sign_in = app.sign_in.clone();
        use_effect_with(starts_sign_in, move |starts| {
            if *starts {
                sign_in.emit(current_path());
            }
        });
    }
    match &app.session {
        SessionState::SignedIn(_) => props.children.clone(),
        SessionState::SigningOut => spinner("Signing out…"),
        SessionState::SigningIn => spinner("Redirecting to sign-in…"),
        state if state.starts_sign_in() => spinner("Redirecting to sign-in…"),
        // The layout shows the problem and a way to sign in.
        _ => html! { <p class="muted">{ "This page needs you to sign in." }</p> },
    }
}
