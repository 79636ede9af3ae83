use crate::api;
use crate::clock::now_secs;
use crate::components::{ErrorBanner, Spinner};
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
        Load::Loading => html! { <Spinner /> },
        Load::Failed(error) => html! { <ErrorBanner message={error.explain()} retry={reload} /> },
        Load::Ready(profile) => {
            let groups = if profile.groups.is_empty() {
                "none".to_owned()
            } else {
                profile.groups.join(", ")
            };
            html! {
                <dl class="facts card">
                    <dt>{ "Username" }</dt><dd>{ &profile.username }</dd>
                    <dt>{ "Email" }</dt><dd>{ profile.email.clone().unwrap_or_else(|| "—".into()) }</dd>
                    <dt>{ "Groups" }</dt><dd>{ groups }</dd>
                    <dt>{ "User id (sub)" }</dt><dd><code>{ &profile.sub }</code></dd>
                    <dt>{ "App client" }</dt><dd><code>{ &profile.client_id }</code></dd>
                    <dt>{ "Scopes" }</dt><dd>{ profile.scopes.join(" ") }</dd>
                    <dt>{ "Access token expires" }</dt>
                    <dd>
                        { local_time(profile.expires_at) }
                        <span class="muted">{ format!(" ({})", relative(profile.expires_at, now_secs())) }</span>
                    </dd>
                </dl>
            }
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
