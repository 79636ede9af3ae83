use crate::api;
use crate::clock::now_secs;
use crate::components::{error_banner, facts, spinner, LOADING};
use crate::hooks::{use_load, Load};
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// "in 12 min", "2 min ago"
pub fn relative(expires_at: u64, now: u64) -> String {
    let minutes = |secs: u64| secs.div_ceil(60);
    if expires_at >= now {
        format!("in {} min", minutes(expires_at - now))
    } else {
        format!("{} min ago", minutes(now - expires_at))
    }
}

fn local_time(unix_secs: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix_secs as f64 * 1000.0));
    String::from(date.to_locale_string("default", &JsValue::UNDEFINED))
}

#[function_component(User)]
pub fn user() -> Html {
    let (load, reload) = use_load(|api| async move { api::user(&api).await });
    let body = match &load {
        Load::Loading => spinner(LOADING),
        Load::Failed(error) => error_banner(error.explain().into(), Some(reload)),
        Load::Ready(profile) => {
            let groups = if profile.groups.is_empty() {
                "none".to_owned()
            } else {
                profile.groups.join(", ")
            };
            let email = profile.email.clone().unwrap_or_else(|| "—".into());
            let expires = html! {
                <>
                    { local_time(profile.expires_at) }
                    <span class="muted">{ format!(" ({})", relative(profile.expires_at, now_secs())) }</span>
                </>
            };
            facts(
                "facts card",
                vec![
                    ("Username", html! { &profile.username }),
                    ("Email", html! { email }),
                    ("Groups", html! { groups }),
                    ("User id (sub)", html! { <code>{ &profile.sub }</code> }),
                    ("App client", html! { <code>{ &profile.client_id }</code> }),
                    ("Scopes", html! { profile.scopes.join(" ") }),
                    ("Access token expires", expires),
                ],
            )
        }
    };
    html! {
        <section class="page">
            <h1>{ "Profile" }</h1>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn expiry_is_said_relative_to_now() {
        assert_eq!(relative(1_000 + 125, 1_000), "in 3 min");
        assert_eq!(relative(1_000, 1_060), "1 min ago");
    }
}
