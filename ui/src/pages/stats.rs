//! `/stats`: a chart per KPI for the chosen year, the records as a table, and
//! for `admin` members, adding, editing and deleting records.

use crate::api;
use crate::components::{
    error_banner, line_chart, spinner, stats_table, Point, RowAction, StatForm, StatFormMode,
    LOADING,
};
use crate::hooks::{use_app, use_load, Apply, Load, Sender};
use shared::dto::KpiRecord;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// The seeded KPIs first, in this order; others after them, alphabetically.
const KPI_ORDER: [&str; 3] = ["sales", "revenue", "cost"];

/// A stable insertion sort: the lists sorted here are short (a year's
/// months, a handful of KPIs), and it is a fraction of the size of the
/// standard library's sorts, which would be compiled into the bundle once
/// per element type.
fn sort_small<T>(items: &mut [T], before: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && before(&items[j], &items[j - 1]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Where a KPI goes: the seeded ones first, in their order, then the rest.
fn kpi_rank(kpi: &str) -> usize {
    KPI_ORDER
        .iter()
        .position(|o| *o == kpi)
        .unwrap_or(KPI_ORDER.len())
}

/// Years present, newest first.
pub fn years(records: &[KpiRecord]) -> Vec<i32> {
    let mut years: Vec<i32> = Vec::new();
    for record in records {
        if !years.contains(&record.year) {
            years.push(record.year);
        }
    }
    sort_small(&mut years, |a, b| a > b);
    years
}

/// KPI names present, in display order.
pub fn kpis(records: &[KpiRecord]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for record in records {
        if !names.contains(&record.kpi) {
            names.push(record.kpi.clone());
        }
    }
    sort_small(&mut names, |a, b| (kpi_rank(a), a) < (kpi_rank(b), b));
    names
}

/// One KPI's points for a year, by month.
pub fn series(records: &[KpiRecord], kpi: &str, year: i32) -> Vec<Point> {
    let mut points: Vec<&KpiRecord> = records
        .iter()
        .filter(|r| r.kpi == kpi && r.year == year)
        .collect();
    sort_small(&mut points, |a, b| a.month < b.month);
    points
        .into_iter()
        .map(|r| Point {
            label: MONTHS
                .get(usize::from(r.month).saturating_sub(1))
                .copied()
                .unwrap_or("?")
                .to_owned(),
            value: r.value,
        })
        .collect()
}

fn title(kpi: &str) -> String {
    let mut title = kpi.replace('_', " ");
    // KPI names are ASCII (`[a-z][a-z0-9_]*`): no Unicode case tables needed.
    if let Some(first) = title.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    title
}

/// The page's own state: one cell instead of a `use_state` per part.
#[derive(Default)]
struct PageState {
    chosen_year: Option<i32>,
    editing: Option<StatFormMode>,
    action_error: Option<String>,
}

/// What changes the page's state.
enum Msg {
    Year(Option<i32>),
    Editing(Option<StatFormMode>),
    ActionError(Option<String>),
}

impl Apply for PageState {
    type Msg = Msg;

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Year(year) => self.chosen_year = year,
            Msg::Editing(mode) => self.editing = mode,
            Msg::ActionError(message) => self.action_error = message,
        }
    }
}

#[function_component(Stats)]
pub fn stats() -> Html {
    let app = use_app();
    let is_admin = app.session.is_admin();
    let (load, reload) = use_load(|api| async move { api::stats(&api).await });
    let cell = use_mut_ref(PageState::default);
    let send = Sender::new(cell.clone(), use_force_update());
    let state = cell.borrow();

    let records = match &load {
        Load::Loading => {
            return html! { <section class="page"><h1>{ "Statistics" }</h1>{ spinner(LOADING) }</section> }
        }
        Load::Failed(error) => {
            let retry = reload.clone();
            return html! {
                <section class="page">
                    <h1>{ "Statistics" }</h1>
                    { error_banner(error.explain().into(), Some(retry)) }
                </section>
            };
        }
        Load::Ready(records) => records.clone(),
    };
    let all_years = years(&records);
    let year = state
        .chosen_year
        .filter(|y| all_years.contains(y))
        .or_else(|| all_years.first().copied());

    let on_year = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            send.dispatch(Msg::Year(value.parse().ok()));
        })
    };
    let year_picker = html! {
        <div class="toolbar">
            <label for="year">{ "Year" }</label>
            <select id="year" onchange={on_year}>
                { for all_years.iter().map(|y| html! {
                    <option value={y.to_string()} selected={Some(*y) == year}>{ y }</option>
                }) }
            </select>
        </div>
    };
    let shown: Vec<KpiRecord> = {
        let mut rows: Vec<KpiRecord> = records
            .iter()
            .filter(|r| Some(r.year) == year)
            .cloned()
            .collect();
        let order = kpis(&rows);
        let rank = |r: &KpiRecord| (order.iter().position(|k| *k == r.kpi), r.month);
        sort_small(&mut rows, |a, b| rank(a) < rank(b));
        rows
    };
    let charts = year.map(|year| {
        kpis(&shown)
            .into_iter()
            .map(|kpi| {
                let points = series(&shown, &kpi, year);
                line_chart(format!("{} {year}", title(&kpi)), &points)
            })
            .collect::<Html>()
    });

    let on_action = is_admin.then(|| {
        let (api, reload, send) = (app.api.clone(), reload.clone(), send.clone());
        Callback::from(move |action: RowAction| {
            let record = match action {
                RowAction::Edit(record) => {
                    return send.dispatch(Msg::Editing(Some(StatFormMode::Edit(record))))
                }
                RowAction::Delete(record) => record,
            };
            let question = format!(
                "Delete {} for {}-{:02}?",
                record.kpi, record.year, record.month
            );
            let confirmed = web_sys::window()
                .and_then(|w| w.confirm_with_message(&question).ok())
                .unwrap_or(false);
            if !confirmed {
                return;
            }
            let (api, reload, send) = (api.clone(), reload.clone(), send.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_stat(&api, record.id).await {
                    Ok(()) => {
                        send.dispatch(Msg::ActionError(None));
                        reload.emit(());
                    }
                    Err(error) => send.dispatch(Msg::ActionError(Some(error.explain()))),
                }
            });
        })
    });
    let form = match (&state.editing, is_admin) {
        (Some(mode), true) => {
            let done = {
                let (send, reload) = (send.clone(), reload.clone());
                Callback::from(move |saved: bool| {
                    send.dispatch(Msg::Editing(None));
                    if saved {
                        reload.emit(());
                    }
                })
            };
            // Keyed by record: editing another row starts from that row's values.
            let key = match mode {
                StatFormMode::Create => "new".to_owned(),
                StatFormMode::Edit(record) => record.id.to_string(),
            };
            html! { <StatForm {key} mode={mode.clone()} on_done={done} /> }
        }
        (None, true) => {
            let send = send.clone();
            html! {
                <button class="button" type="button"
                    onclick={Callback::from(move |_| send.dispatch(Msg::Editing(Some(StatFormMode::Create))))}>
                    { "Add a record" }
                </button>
            }
        }
        _ => html! {},
    };

    html! {
        <section class="page">
            <div class="page-head">
                <h1>{ "Statistics" }</h1>
                { year_picker }
            </div>
            if records.is_empty() {
                <p class="muted">{ "No records yet." }</p>
            }
            <div class="charts">{ charts.unwrap_or_default() }</div>
            <h2>{ "Records" }</h2>
            if let Some(message) = state.action_error.clone() {
                { error_banner(message.into(), None) }
            }
            { form }
            { stats_table(&shown, on_action) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kpi: &str, year: i32, month: u8, value: f64) -> KpiRecord {
        KpiRecord {
            id: 1,
            kpi: kpi.into(),
            period: format!("{year}{month:02}"),
            year,
            month,
            value,
            created_date: String::new(),
            modified_date: String::new(),
        }
    }

    #[test]
    fn series_are_ordered_by_month_and_kpis_in_display_order() {
        let records = vec![
            record("cost", 2025, 2, 2.0),
            record("churn", 2025, 1, 9.0),
            record("sales", 2025, 2, 20.0),
            record("sales", 2025, 1, 10.0),
            record("sales", 2024, 1, 5.0),
        ];
        assert_eq!(years(&records), [2025, 2024]);
        assert_eq!(kpis(&records), ["sales", "cost", "churn"]);
        let points = series(&records, "sales", 2025);
        assert_eq!(
            points
                .iter()
                .map(|p| (p.label.as_str(), p.value))
                .collect::<Vec<_>>(),
            [("Jan", 10.0), ("Feb", 20.0)]
        );
        assert_eq!(title("churn_rate"), "Churn rate");
    }
}
