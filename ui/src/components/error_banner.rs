use yew::prelude::*;

/// A failure, said plainly, with a "Try again" button when `retry` is given.
/// A plain function, not a component (each component costs Yew's lifecycle
/// code once more in the bundle).
pub fn error_banner(message: AttrValue, retry: Option<Callback<()>>) -> Html {
    let retry = retry.map(|retry| {
        let onclick = Callback::from(move |_| retry.emit(()));
        html! { <button class="button" type="button" {onclick}>{ "Try again" }</button> }
    });
    html! {
        <div class="alert" role="alert">
            <p>{ message }</p>
            { for retry }
        </div>
    }
}
