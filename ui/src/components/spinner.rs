use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SpinnerProps {
    #[prop_or(AttrValue::Static("Loading…"))]
    pub label: AttrValue,
}

/// A busy indicator that screen readers announce.
#[function_component(Spinner)]
pub fn spinner(props: &SpinnerProps) -> Html {
    html! {
        <div class="spinner" role="status" aria-live="polite">
            <span class="spinner-dot" aria-hidden="true"></span>
            <span>{ props.label.clone() }</span>
        </div>
    }
}
