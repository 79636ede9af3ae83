use yew::prelude::*;

/// A `<dl class="facts card">` of label and value pairs, built in one loop
/// (each `<dt>`/`<dd>` written out in a page's `html!` is code of its own).
pub fn facts(rows: Vec<(&'static str, Html)>) -> Html {
    html! {
        <dl class="facts card">
            { for rows.into_iter().map(|(label, value)| html! { <><dt>{ label }</dt><dd>{ value }</dd></> }) }
        </dl>
    }
}
