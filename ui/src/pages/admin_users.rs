//! `/admin/users`: the pool's users for `admin` members: search and pages,
//! invitations, the admin group, disable/enable, sign out everywhere and
//! delete, each asking for confirmation first.

use crate::api::admin;
use crate::components::{button, error_banner, facts, spinner};
use crate::hooks::{use_app, Apply, Sender};
use shared::admin::{AdminUser, AdminUserPage};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Where the list is: the search and the page token (with the ones before it).
#[derive(Clone, PartialEq, Default)]
struct Position {
    search: String,
    page: Option<String>,
    earlier: Vec<Option<String>>,
}

fn yes_no(yes: bool) -> &'static str {
    if yes {
        "yes"
    } else {
        "no"
    }
}

/// Asks the person; `false` if they said no (or there is no window).
fn confirmed(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// The page's state: one cell instead of a `use_state` per part.
#[derive(Default)]
struct UsersState {
    position: Position,
    /// Bumped to load the list again (a new position bumps it too).
    version: u32,
    page: Option<Result<AdminUserPage, crate::api::client::ApiError>>,
    selected: Option<AdminUser>,
    notice: Option<String>,
    problem: Option<String>,
    invite_error: Option<String>,
}

/// What changes the page's state.
enum Msg {
    Position(Position),
    Page(Result<AdminUserPage, crate::api::client::ApiError>),
    Selected(Option<AdminUser>),
    Problem(Option<String>),
    InviteError(Option<String>),
    /// An invitation was sent: its notice, and the list again.
    Invited(String),
    /// A change was made: its notice.
    Done(String),
    /// The list again.
    Reload,
    /// The changed user's details (none once deleted), and the list again.
    Refreshed(Option<AdminUser>),
}

impl Apply for UsersState {
    type Msg = Msg;

    fn apply(&mut self, msg: Msg) {
        match msg {
            // A new position loads the list again (an equal one does not).
            Msg::Position(position) => {
                if self.position != position {
                    self.position = position;
                    self.version += 1;
                }
            }
            Msg::Page(page) => self.page = Some(page),
            Msg::Selected(user) => self.selected = user,
            Msg::Problem(problem) => self.problem = problem,
            Msg::InviteError(problem) => self.invite_error = problem,
            Msg::Invited(notice) => {
                self.invite_error = None;
                self.notice = Some(notice);
                self.version += 1;
            }
            Msg::Done(notice) => {
                self.problem = None;
                self.notice = Some(notice);
            }
            Msg::Reload => self.version += 1,
            Msg::Refreshed(user) => {
                self.selected = user;
                self.version += 1;
            }
        }
    }
}

#[function_component(AdminUsers)]
pub fn admin_users() -> Html {
    let app = use_app();
    let is_admin = app.session.is_admin();
    let cell = use_mut_ref(UsersState::default);
    let send = Sender::new(cell.clone(), use_force_update());
    let state = cell.borrow();

    {
        let (send, api) = (send.clone(), app.api.clone());
        let position = state.position.clone();
        use_effect_with(state.version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = admin::users(&api, &position.search, position.page.as_deref()).await;
                send.dispatch(Msg::Page(result));
            });
        });
    }
    if !is_admin {
        return html! {
            <section class="page">
                <h1>{ "Users" }</h1>
                <p>{ "Only members of the admin group manage users." }</p>
            </section>
        };
    }
    let reload = {
        let send = send.clone();
        Callback::from(move |()| send.dispatch(Msg::Reload))
    };

    let search_ref = use_node_ref();
    let on_search = {
        let (send, search_ref) = (send.clone(), search_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let search = search_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            send.dispatch(Msg::Position(Position {
                // The browser's toLowerCase: no Unicode case tables in the bundle.
                search: String::from(js_sys::JsString::from(search.trim()).to_lower_case()),
                ..Position::default()
            }));
        })
    };

    let invite_ref = use_node_ref();
    let on_invite = {
        let (api, invite_ref, send) = (app.api.clone(), invite_ref.clone(), send.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = invite_ref.cast::<HtmlInputElement>() else {
                return;
            };
            let email = input.value().trim().to_owned();
            if let Some(problem) = shared::rules::email_problem(&email) {
                send.dispatch(Msg::InviteError(Some(format!("Email {problem}"))));
                return;
            }
            let (api, send) = (api.clone(), send.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match admin::invite(&api, &email).await {
                    Ok(user) => {
                        input.set_value("");
                        send.dispatch(Msg::Invited(format!(
                            "Invitation sent to {}: Cognito emails a temporary password.",
                            user.summary.username
                        )));
                    }
                    Err(error) => send.dispatch(Msg::InviteError(Some(
                        error
                            .fields()
                            .get("email")
                            .map(|p| format!("Email {p}"))
                            .unwrap_or_else(|| error.explain()),
                    ))),
                }
            });
        })
    };

    // One change to a user, confirmed first, then the list and the details again.
    let change = {
        let (api, send) = (app.api.clone(), send.clone());
        move |username: String, question: String, done: String, action: UserAction| {
            let (api, send) = (api.clone(), send.clone());
            Callback::from(move |_: MouseEvent| {
                if !confirmed(&question) {
                    return;
                }
                let (api, send, username, done, action) = (
                    api.clone(),
                    send.clone(),
                    username.clone(),
                    done.clone(),
                    action.clone(),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    let outcome = match &action {
                        UserAction::Group(member) => {
                            admin::set_group(&api, &username, "admin", *member).await
                        }
                        UserAction::Post(name) => admin::act(&api, &username, name).await,
                        UserAction::Delete => admin::delete(&api, &username).await,
                    };
                    match outcome {
                        Ok(()) => {
                            send.dispatch(Msg::Done(done));
                            let user = match action {
                                UserAction::Delete => None,
                                _ => admin::user(&api, &username).await.ok(),
                            };
                            send.dispatch(Msg::Refreshed(user));
                        }
                        Err(error) => send.dispatch(Msg::Problem(Some(error.explain()))),
                    }
                });
            })
        }
    };

    let manage = {
        let (api, send) = (app.api.clone(), send.clone());
        move |username: String| {
            let (api, send) = (api.clone(), send.clone());
            Callback::from(move |_: MouseEvent| {
                let (api, send, username) = (api.clone(), send.clone(), username.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match admin::user(&api, &username).await {
                        Ok(user) => send.dispatch(Msg::Selected(Some(user))),
                        Err(error) => send.dispatch(Msg::Problem(Some(error.explain()))),
                    }
                });
            })
        }
    };
    let table = match &state.page {
        None => spinner("Loading users…"),
        Some(Err(error)) => error_banner(error.explain().into(), Some(reload.clone())),
        Some(Ok(listed)) if listed.users.is_empty() => {
            html! { <p class="muted">{ "No users match." }</p> }
        }
        Some(Ok(listed)) => html! {
            <div class="table-wrap">
                <table class="stats users">
                    <caption class="visually-hidden">{ "Users of the pool" }</caption>
                    <thead><tr>
                        <th scope="col">{ "User" }</th><th scope="col">{ "Status" }</th>
                        <th scope="col">{ "Enabled" }</th><th scope="col">{ "Created" }</th>
                        <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                    </tr></thead>
                    <tbody>
                        { for listed.users.iter().map(|u| html! {
                            <tr>
                                <td>{ &u.username }</td>
                                <td>{ &u.status }</td>
                                <td>{ yes_no(u.enabled) }</td>
                                <td>{ u.created.get(..10).unwrap_or(&u.created) }</td>
                                <td><button class="button secondary" type="button"
                                    aria-label={format!("Manage {}", u.username)}
                                    onclick={manage(u.username.clone())}>{ "Manage" }</button></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };

    let paging = {
        let next = match &state.page {
            Some(Ok(listed)) => listed.next_page.clone(),
            _ => None,
        };
        let on_previous = {
            let (send, position) = (send.clone(), state.position.clone());
            Callback::from(move |_: MouseEvent| {
                let mut earlier = position.earlier.clone();
                let page = earlier.pop().flatten();
                send.dispatch(Msg::Position(Position {
                    search: position.search.clone(),
                    page,
                    earlier,
                }));
            })
        };
        let on_next = {
            let (send, position, next) = (send.clone(), state.position.clone(), next.clone());
            Callback::from(move |_: MouseEvent| {
                let mut earlier = position.earlier.clone();
                earlier.push(position.page.clone());
                send.dispatch(Msg::Position(Position {
                    search: position.search.clone(),
                    page: next.clone(),
                    earlier,
                }));
            })
        };
        html! {
            <div class="toolbar">
                { button("button secondary", "Previous", state.position.earlier.is_empty(), on_previous) }
                { button("button secondary", "Next", next.is_none(), on_next) }
            </div>
        }
    };

    let details = state.selected.as_ref().map(|user| {
        let name = user.summary.username.clone();
        let is_member = user.groups.iter().any(|g| g == "admin");
        let toggle_admin = if is_member {
            change(name.clone(), format!("Remove {name} from the admin group?"), format!("{name} is no longer an admin."), UserAction::Group(false))
        } else {
            change(name.clone(), format!("Make {name} an admin?"), format!("{name} is now an admin."), UserAction::Group(true))
        };
        let toggle_enabled = if user.summary.enabled {
            change(name.clone(), format!("Disable {name}? Their sessions end."), format!("{name} is disabled."), UserAction::Post("disable"))
        } else {
            change(name.clone(), format!("Enable {name}?"), format!("{name} is enabled."), UserAction::Post("enable"))
        };
        let sign_out = change(name.clone(), format!("Sign {name} out on every device?"), format!("{name} is signed out everywhere."), UserAction::Post("signout"));
        let delete = change(name.clone(), format!("Delete {name}? This cannot be undone."), format!("{name} was deleted."), UserAction::Delete);
        let groups = if user.groups.is_empty() { "none".to_owned() } else { user.groups.join(", ") };
        html! {
            <section class="card user-details" aria-label={format!("Managing {name}")}>
                <h2>{ &name }</h2>
                { facts("facts", vec![
                    ("Status", html! { &user.summary.status }),
                    ("Enabled", html! { yes_no(user.summary.enabled) }),
                    ("Groups", html! { groups }),
                    ("Email verified", html! { yes_no(user.email_verified) }),
                ]) }
                <div class="actions">
                    { button("button", if is_member { "Remove from admins" } else { "Make admin" }, false, toggle_admin) }
                    { button("button", if user.summary.enabled { "Disable" } else { "Enable" }, false, toggle_enabled) }
                    { button("button", "Sign out everywhere", false, sign_out) }
                    { button("button danger", "Delete", false, delete) }
                </div>
            </section>
        }
    });

    html! {
        <section class="page">
            <h1>{ "Users" }</h1>
            { for state.notice.as_ref().map(|n| html! { <p class="notice" role="status">{ n }</p> }) }
            { for state.problem.as_ref().map(|p| error_banner(p.clone().into(), None)) }
            <form class="toolbar" role="search" onsubmit={on_search}>
                <label for="user-search">{ "Search by email" }</label>
                <input id="user-search" type="search" ref={search_ref} value={state.position.search.clone()} />
                <button class="button" type="submit">{ "Search" }</button>
            </form>
            { table }
            { paging }
            { for details }
            <form class="card invite" onsubmit={on_invite}>
                <h2>{ "Invite a colleague" }</h2>
                <label for="invite-email">{ "Email" }</label>
                <input id="invite-email" type="email" ref={invite_ref} autocomplete="off"
                    aria-invalid={state.invite_error.is_some().then_some("true")}
                    aria-describedby={state.invite_error.is_some().then_some("invite-error")} />
                { for state.invite_error.as_ref().map(|e| html! { <p id="invite-error" class="field-error">{ e }</p> }) }
                <button class="button" type="submit">{ "Invite" }</button>
            </form>
        </section>
    }
}

/// What a confirmed button does.
#[derive(Clone)]
enum UserAction {
    /// Join (`true`) or leave the admin group.
    Group(bool),
    /// `disable`, `enable` or `signout`.
    Post(&'static str),
    Delete,
}
