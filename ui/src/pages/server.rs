use crate::api;
use crate::components::{error_banner, facts, spinner, LOADING};
use crate::hooks::{use_app, use_load, Load};
use yew::prelude::*;

#[function_component(Server)]
pub fn server() -> Html {
    let api_url = use_app().api.base().to_owned();
    let (load, reload) = use_load(|api| async move { api::server_info(&api).await });
    let body = match &load {
        Load::Loading => spinner(LOADING),
        Load::Failed(error) => error_banner(error.explain().into(), Some(reload)),
        Load::Ready(info) => facts(
            "facts card",
            vec![
                ("API", html! { <code>{ api_url.clone() }</code> }),
                ("Framework", html! { &info.framework }),
                ("Language", html! { &info.language }),
                ("Version", html! { &info.version }),
                (
                    "Source",
                    if info.repo.is_empty() {
                        html! { "—" }
                    } else {
                        html! { <a href={info.repo.clone()}>{ &info.repo }</a> }
                    },
                ),
                (
                    "API documentation",
                    html! { <a href={format!("{api_url}{}", info.docs)}>{ "Swagger UI" }</a> },
                ),
            ],
        ),
    };
    html! {
        <section class="page">
            <h1>{ "Server" }</h1>
            { body }
        </section>
    }
}
