use shared::dto::KpiRecord;
use yew::prelude::*;

/// What a row's button asks for.
#[derive(Clone, PartialEq)]
pub enum RowAction {
    Edit(KpiRecord),
    Delete(KpiRecord),
}

/// The records of the chosen year, with editing controls for admins: edit
/// and delete buttons appear only when `on_action` is given (one callback
/// for both buttons).
/// A plain function, not a component (a component costs its own copy of
/// Yew's lifecycle in the bundle).
pub fn stats_table(records: &[KpiRecord], on_action: Option<Callback<RowAction>>) -> Html {
    let editable = on_action.is_some();
    let rows = records.iter().map(|record| {
        let controls = match &on_action {
            Some(on_action) => {
                let (edit, delete) = (on_action.clone(), on_action.clone());
                let (for_edit, for_delete) = (record.clone(), record.clone());
                let label = format!("{} {}", record.kpi, record.period);
                html! {
                    <td><div class="controls">
                        <button class="button small secondary" type="button"
                            aria-label={format!("Edit {label}")}
                            onclick={Callback::from(move |_| edit.emit(RowAction::Edit(for_edit.clone())))}>
                            { "Edit" }
                        </button>
                        <button class="button small danger" type="button"
                            aria-label={format!("Delete {label}")}
                            onclick={Callback::from(move |_| delete.emit(RowAction::Delete(for_delete.clone())))}>
                            { "Delete" }
                        </button>
                    </div></td>
                }
            }
            None => html! {},
        };
        html! {
            <tr key={record.id}>
                <td>{ &record.kpi }</td>
                <td>{ format!("{}-{:02}", record.year, record.month) }</td>
                <td class="number">{ format_value(record.value) }</td>
                { controls }
            </tr>
        }
    });
    html! {
        <div class="table-wrap">
            <table class="stats">
                <caption class="visually-hidden">{ "KPI records" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "KPI" }</th>
                        <th scope="col">{ "Month" }</th>
                        <th scope="col" class="number">{ "Value" }</th>
                        if editable { <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th> }
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

/// 1234567.5 → "1,234,567.5"
pub fn format_value(value: f64) -> String {
    let text = crate::number::text(value);
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::format_value;

    #[test]
    fn values_get_thousands_separators() {
        assert_eq!(format_value(1_234_567.5), "1,234,567.5");
        assert_eq!(format_value(950.0), "950");
        assert_eq!(format_value(-1200.0), "-1,200");
    }
}
