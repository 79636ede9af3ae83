//! Create or edit a KPI record: the API's rules checked as you type, and the
//! API's own field errors shown beside the fields they name.

use crate::api;
use crate::hooks::{use_app, Apply, Sender};
use shared::dto::{KpiInput, KpiRecord};
use shared::rules;
use std::collections::BTreeMap;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub enum StatFormMode {
    Create,
    Edit(KpiRecord),
}

#[derive(Properties, PartialEq)]
pub struct StatFormProps {
    pub mode: StatFormMode,
    /// The form is done: `true` once the record is saved, `false` on cancel.
    pub on_done: Callback<bool>,
}

#[derive(Clone, Default, PartialEq)]
struct Fields {
    kpi: String,
    period: String,
    value: String,
}

/// The input, or a problem per field.
fn parse(fields: &Fields) -> Result<KpiInput, BTreeMap<String, String>> {
    let mut problems = BTreeMap::new();
    let kpi = fields.kpi.trim();
    let period = fields.period.trim();
    if let Some(p) = rules::kpi_problem(kpi) {
        problems.insert("kpi".to_owned(), p.to_owned());
    }
    if let Some(p) = rules::period_problem(period) {
        problems.insert("period".to_owned(), p.to_owned());
    }
    let value = match crate::number::parse(fields.value.trim()) {
        Some(v) if rules::value_problem(v).is_none() => Some(v),
        _ => {
            problems.insert("value".to_owned(), "must be a number".to_owned());
            None
        }
    };
    match value {
        Some(value) if problems.is_empty() => Ok(KpiInput {
            kpi: kpi.to_owned(),
            period: period.to_owned(),
            value,
        }),
        _ => Err(problems),
    }
}

/// The form's state: one cell instead of a `use_state` per part.
#[derive(Default)]
struct FormState {
    fields: Fields,
    problems: BTreeMap<String, String>,
    failure: Option<String>,
    busy: bool,
}

/// What changes the form's state.
enum Msg {
    /// A field's new text: 0 the KPI, 1 the period, 2 the value.
    Input(u8, String),
    /// Problems found before sending (nothing is sent).
    Invalid(BTreeMap<String, String>),
    /// Sending: no problems, no failure, busy.
    Sending,
    /// The API's answer: its field problems, or a failure message, or neither.
    Answered(BTreeMap<String, String>, Option<String>),
}

impl Apply for FormState {
    type Msg = Msg;

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Input(0, value) => self.fields.kpi = value,
            Msg::Input(1, value) => self.fields.period = value,
            Msg::Input(_, value) => self.fields.value = value,
            Msg::Invalid(problems) => self.problems = problems,
            Msg::Sending => {
                self.problems = BTreeMap::new();
                self.failure = None;
                self.busy = true;
            }
            Msg::Answered(problems, failure) => {
                self.busy = false;
                if failure.is_some() {
                    self.failure = failure;
                } else if !problems.is_empty() {
                    self.problems = problems;
                }
            }
        }
    }
}

#[function_component(StatForm)]
pub fn stat_form(props: &StatFormProps) -> Html {
    let app = use_app();
    let cell = {
        let mode = props.mode.clone();
        use_mut_ref(move || FormState {
            fields: match &mode {
                StatFormMode::Create => Fields::default(),
                StatFormMode::Edit(record) => Fields {
                    kpi: record.kpi.clone(),
                    period: record.period.clone(),
                    value: crate::number::text(record.value),
                },
            },
            ..FormState::default()
        })
    };
    let send = Sender::new(cell.clone(), use_force_update());
    let state = cell.borrow();

    let on_input = |index: u8| {
        let state = send.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            state.dispatch(Msg::Input(index, value));
        })
    };

    let onsubmit = {
        let (state, fields) = (send.clone(), state.fields.clone());
        let (mode, on_saved, api) = (props.mode.clone(), props.on_done.clone(), app.api.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match parse(&fields) {
                Ok(input) => input,
                Err(found) => return state.dispatch(Msg::Invalid(found)),
            };
            state.dispatch(Msg::Sending);
            let state = state.clone();
            let (mode, on_saved, api) = (mode.clone(), on_saved.clone(), api.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match &mode {
                    StatFormMode::Create => api::create_stat(&api, &input).await,
                    StatFormMode::Edit(record) => api::update_stat(&api, record.id, &input).await,
                };
                match saved {
                    Ok(_) => {
                        state.dispatch(Msg::Answered(BTreeMap::new(), None));
                        on_saved.emit(true);
                    }
                    Err(error) => {
                        let fields = error.fields();
                        let failure = fields.is_empty().then(|| error.to_string());
                        state.dispatch(Msg::Answered(fields, failure));
                    }
                }
            });
        })
    };
    let field = |index: u8,
                 name: &'static str,
                 id: &'static str,
                 error_id: &'static str,
                 label: &'static str,
                 value: &str,
                 hint: &'static str,
                 kind: &'static str| {
        let problem = state.problems.get(name).cloned();
        let described = problem.as_ref().map(|_| error_id);
        html! {
            <div class={if problem.is_some() { "field invalid" } else { "field" }}>
                <label for={id}>{ label }</label>
                <input {id} name={name} type={kind} value={value.to_owned()}
                    placeholder={hint} oninput={on_input(index)}
                    autofocus={name == "kpi"}
                    step={(kind == "number").then_some("any")}
                    aria-invalid={if problem.is_some() { "true" } else { "false" }}
                    aria-describedby={described} />
                if let Some(problem) = problem {
                    <span class="field-error" id={error_id}>{ problem }</span>
                }
            </div>
        }
    };
    let (title, action) = match &props.mode {
        StatFormMode::Create => ("Add a record", "Add"),
        StatFormMode::Edit(_) => ("Edit the record", "Save"),
    };
    let cancel = {
        let on_done = props.on_done.clone();
        Callback::from(move |_| on_done.emit(false))
    };
    html! {
        <form class="card stat-form" {onsubmit} novalidate=true aria-label={title}>
            <h2>{ title }</h2>
            <div class="fields">
                { field(0, "kpi", "stat-kpi", "stat-kpi-error", "KPI", &state.fields.kpi, "sales", "text") }
                { field(1, "period", "stat-period", "stat-period-error", "Period (YYYYMM)", &state.fields.period, "202501", "text") }
                { field(2, "value", "stat-value", "stat-value-error", "Value", &state.fields.value, "1234.5", "number") }
            </div>
            if let Some(message) = state.failure.clone() {
                <p class="alert" role="alert">{ message }</p>
            }
            <div class="actions">
                <button class="button" type="submit" disabled={state.busy}>{ action }</button>
                <button class="button secondary" type="button" onclick={cancel}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_checks_what_the_api_checks() {
        let good = Fields {
            kpi: "sales".into(),
            period: "202501".into(),
            value: "12.5".into(),
        };
        assert_eq!(parse(&good).map(|i| i.value), Ok(12.5));
        let bad = Fields {
            kpi: "Sales".into(),
            period: "2025".into(),
            value: "x".into(),
        };
        let problems = parse(&bad).expect_err("invalid");
        assert_eq!(problems.len(), 3);
    }
}
