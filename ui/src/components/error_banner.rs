use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub message: AttrValue,
    /// Shows a "Try again" button when given.
    #[prop_or_default]
    pub retry: Option<Callback<()>>,
}

/// A failure, said plainly, with a way to try again.
#[function_component(ErrorBanner)]
pub fn error_banner(props: &ErrorBannerProps) -> Html {
    let retry = props.retry.clone().map(|retry| {
        let onclick = Callback::from(move |_| retry.emit(()));
        html! { <button class="button" type="button" {onclick}>{ "Try again" }</button> }
    });
    html! {
        <div class="alert" role="alert">
            <p>{ props.message.clone() }</p>
            { for retry }
        </div>
    }
}
