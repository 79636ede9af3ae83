use yew::prelude::*;

/// A `<dl class={class}>` of label and value pairs, built in one loop
/// (each `<dt>`/`<dd>` written out in a page's `html!` is code of its own).
pub fn facts(class: &'static str, rows: Vec<(&'static str, Html)>) -> Html {
    html! {
        <dl {class}>
            { for rows.into_iter().map(|(label, value)| html! { <><dt>{ label }</dt><dd>{ value }</dd></> }) }
        </dl>
    }
}

/// A `<button type="button">`: one function for the pages' many buttons.
pub fn button(
    class: &'static str,
    label: &'static str,
    disabled: bool,
    onclick: Callback<MouseEvent>,
) -> Html {
    html! { <button {class} type="button" {disabled} {onclick}>{ label }</button> }
}
