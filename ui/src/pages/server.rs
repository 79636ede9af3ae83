use crate::api;
use crate::components::{ErrorBanner, Spinner};
use crate::hooks::{use_app, use_load, Load};
use yew::prelude::*;

#[function_component(Server)]
pub fn server() -> Html {
    let api_url = use_app().api.base().to_owned();
    let (load, reload) = use_load(|api| async move { api::server_info(&api).await });
    let body = match &load {
        Load::Loading => html! { <Spinner /> },
        Load::Failed(error) => html! { <ErrorBanner message={error.explain()} retry={reload} /> },
        Load::Ready(info) => html! {
            <dl class="facts card">
                <dt>{ "API" }</dt><dd><code>{ api_url.clone() }</code></dd>
                <dt>{ "Framework" }</dt><dd>{ &info.framework }</dd>
                <dt>{ "Language" }</dt><dd>{ &info.language }</dd>
                <dt>{ "Version" }</dt><dd>{ &info.version }</dd>
                <dt>{ "Source" }</dt>
                <dd>
                    if info.repo.is_empty() { { "—" } }
                    else { <a href={info.repo.clone()}>{ &info.repo }</a> }
                </dd>
                <dt>{ "API documentation" }</dt>
                <dd><a href={format!("{api_url}{}", info.docs)}>{ "Swagger UI" }</a></dd>
            </dl>
        },
    };
    html! {
        <section class="page">
            <h1>{ "Server" }</h1>
            { body }
        </section>
    }
}
