//! The browser scenarios; each saves a screenshot under target/e2e-screenshots/.
//! Landing on a page is asserted by what only that page renders once loaded
//! (`Page`), never by a URL an earlier redirect already matched.

use crate::helpers::*;
use serde_json::json;

mod accessibility;
mod sessions;
mod tabs;

/// The chart captions on the page.
async fn chart_titles(browser: &Browser) -> Vec<String> {
    let titles = browser
        .js("return [...document.querySelectorAll('.chart figcaption')].map(e => e.textContent)")
        .await;
    serde_json::from_value(titles).unwrap_or_default()
}

/// The plotted points of one chart, as its polyline's `points` attribute.
async fn chart_line(browser: &Browser, title: &str) -> String {
    let script = format!(
        "const f = [...document.querySelectorAll('.chart')].find(f => \
         f.querySelector('figcaption').textContent === {title:?}); \
         return f ? f.querySelector('polyline').getAttribute('points') : null;"
    );
    browser
        .js(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[actix_web::test]
async fn a_sign_in_through_the_hosted_ui_lands_on_stats_with_charts() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    browser.goto(&format!("{}/stats", stack.a.ui)).await;
    browser.find("#signInFormUsername").await;
    let login_url = browser.url().await;
    assert!(login_url.starts_with(&stack.idp), "{login_url}");
    assert!(login_url.contains("code_challenge_method=S256") && login_url.contains("state="));
    browser.submit_login(USER).await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    let titles = chart_titles(&browser).await;
    let last_year = time_now_year() - 1;
    assert_eq!(
        titles,
        [
            format!("Sales {last_year}"),
            format!("Revenue {last_year}"),
            format!("Cost {last_year}")
        ]
    );
    let points = chart_line(&browser, &format!("Sales {last_year}")).await;
    assert_eq!(points.split(' ').count(), 12, "one point per seeded month");
    browser.wait_for_text(&format!("{last_year}-12")).await;
    browser.screenshot("a-signed-in-stats").await;
    browser.close().await;
}

/// The API seeds the last two full years; the UI shows the latest.
fn time_now_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

#[actix_web::test]
async fn b_an_expired_access_token_is_refreshed_without_a_sign_in_page() {
    let stack = spawn_stack().await;
    // Inside the UI's 60 s window from the start: every call carries the refresh token.
    stack.set_access_token_secs(30).await;
    let browser = signed_in(&stack.a.ui, USER).await;
    let before = browser.access_token().await;
    let authorizations = stack.authorize_calls().await;
    let refreshes = stack.refresh_calls().await;
    stack.advance(31);
    // In-app navigation: the next API call carries the expired token.
    browser.click_text(".topbar ul a", "Profile").await;
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    let after = browser.access_token().await;
    assert_ne!(before, after, "the API's x-access-token was saved");
    assert_eq!(stack.refresh_calls().await, refreshes + 1, "refreshed once");
    assert_eq!(
        stack.authorize_calls().await,
        authorizations,
        "no new sign-in was started"
    );
    browser.screenshot("b-refreshed-profile").await;
    browser.close().await;
}

#[actix_web::test]
async fn c_admin_edits_records_and_the_chart_follows_while_a_user_cannot() {
    let stack = spawn_stack().await;
    let year = time_now_year() - 1;
    let admin = browser().await;
    admin
        .sign_in_at(&stack.a.ui, "/stats", ADMIN, Page::Stats)
        .await;

    admin.click_text("button", "Add a record").await;
    admin.fill("#stat-kpi", "churn").await;
    admin.fill("#stat-period", &format!("{year}03")).await;
    admin.fill("#stat-value", "4.5").await;
    admin.click("form.stat-form button[type=submit]").await;
    admin.wait_for_text(&format!("Churn {year}")).await;
    let churn = format!("Churn {year}");
    let created = admin
        .wait_for("the new chart's line", async |_| {
            let line = chart_line(&admin, &churn).await;
            Ok((!line.is_empty()).then_some(line))
        })
        .await;
    assert_eq!(created.split(' ').count(), 1);

    admin
        .click(&format!("button[aria-label='Edit churn {year}03']"))
        .await;
    admin.fill("#stat-value", "9").await;
    admin.click("form.stat-form button[type=submit]").await;
    admin.wait_for_text("Add a record").await;
    let edited = admin
        .wait_for("the churn point to move", async |_| {
            let line = chart_line(&admin, &churn).await;
            Ok((!line.is_empty() && line != created).then_some(line))
        })
        .await;
    assert_eq!(edited.split(' ').count(), 1, "still one point");
    admin.screenshot("c-admin-edited").await;

    admin.js("window.confirm = () => true").await;
    admin
        .click(&format!("button[aria-label='Delete churn {year}03']"))
        .await;
    // Loaded (the seeded charts are there) and the record is gone.
    admin
        .wait_for_js(
            "the churn record and chart to be gone",
            "const table = document.querySelector('table.stats'); \
             return document.querySelectorAll('.chart').length === 3 \
             && table !== null && !table.textContent.includes('churn')",
        )
        .await;
    admin.close().await;

    let user = browser().await;
    user.sign_in_at(&stack.a.ui, "/stats", USER, Page::Stats)
        .await;
    user.wait_for_text(&format!("{year}-12")).await;
    let body = user.text("body").await;
    assert!(!body.contains("Add a record") && !body.contains("Edit") && !body.contains("Delete"));
    user.screenshot("c-user-read-only").await;
    user.close().await;
}

#[actix_web::test]
async fn d_sign_out_revokes_and_protected_pages_ask_for_sign_in_again() {
    let stack = spawn_stack().await;
    let browser = signed_in(&stack.a.ui, USER).await;
    let refresh_token = browser.session().await.expect("session")["refreshToken"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    browser.click_text(".account button", "Sign out").await;
    browser
        .wait_for_page(&stack.a.ui, "/signout", Page::SignedOut)
        .await;
    browser.screenshot("d-signed-out").await;
    assert_eq!(browser.session().await, None);

    let refresh = reqwest::Client::new()
        .post(format!("{}/auth/refresh", stack.a.api))
        .json(&json!({"refreshToken": refresh_token}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(refresh.status(), reqwest::StatusCode::UNAUTHORIZED);

    browser.goto(&format!("{}/stats", stack.a.ui)).await;
    browser
        .wait_for_page(&stack.idp, "/login", Page::HostedLogin)
        .await;
    browser.close().await;
}

#[actix_web::test]
async fn e_after_app_a_app_b_signs_in_without_a_password() {
    let stack = spawn_stack().await;
    let browser = signed_in(&stack.a.ui, USER).await;
    let authorizations = stack.authorize_calls().await;
    browser.goto(&format!("{}/user", stack.b.ui)).await;
    // Through app B's authorize and callback, back on its profile page.
    browser
        .wait_for_page(&stack.b.ui, "/user", Page::Profile)
        .await;
    let app_b = stack
        .emulator
        .clients
        .iter()
        .find(|c| c.name == "app-b")
        .expect("app B");
    browser
        .wait_for_text_in("main", "app B's client id on the profile", |profile| {
            profile.contains(&app_b.id)
        })
        .await;
    assert_eq!(
        stack.authorize_calls().await,
        authorizations + 1,
        "one authorize for app B, answered without the form"
    );
    browser.screenshot("e-single-sign-on-app-b").await;
    browser.close().await;
}

#[actix_web::test]
async fn f_a_deep_link_survives_sign_in() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    browser.goto(&format!("{}/user", stack.a.ui)).await;
    browser.find("#signInFormUsername").await;
    browser.submit_login(ADMIN).await;
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    browser.wait_for_text("admin@example.com").await;
    browser.screenshot("f-deep-link-user").await;
    browser.close().await;
}

#[actix_web::test]
async fn g_a_wrong_password_keeps_the_user_on_the_form() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    browser.goto(&format!("{}/stats", stack.a.ui)).await;
    browser.find("#signInFormUsername").await;
    browser.submit_login((USER.0, "not-the-password")).await;
    browser
        .wait_for_text("Incorrect username or password")
        .await;
    browser
        .wait_for_page(&stack.idp, "/login", Page::HostedLogin)
        .await;
    browser.screenshot("g-wrong-password").await;
    browser.close().await;
}

#[actix_web::test]
async fn h_a_token_expired_on_the_apis_clock_is_retried_with_the_refresh_token() {
    let stack = spawn_stack().await;
    let browser = signed_in(&stack.a.ui, USER).await;
    let before = browser.access_token().await;
    let before_exp = exp_of(&before);
    let authorizations = stack.authorize_calls().await;
    let refreshes = stack.refresh_calls().await;
    // Two hours pass for the API and Cognito, not for the browser: by its clock
    // the hour-long token is not due, so it goes without the refresh token,
    // meets 401 token_expired, and the UI retries once with it.
    stack.advance(2 * 60 * 60);
    browser.click_text(".topbar ul a", "Profile").await;
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    let after = browser.access_token().await;
    assert_ne!(before, after, "the retried call's x-access-token was saved");
    assert!(
        exp_of(&after) >= before_exp + 2 * 60 * 60,
        "the new token was issued on the moved clock"
    );
    assert_eq!(stack.refresh_calls().await, refreshes + 1, "refreshed once");
    assert_eq!(
        stack.authorize_calls().await,
        authorizations,
        "no new sign-in was started"
    );
    browser.screenshot("h-retried-after-token-expired").await;
    browser.close().await;
}

/// The `exp` claim of a JWT.
fn exp_of(token: &str) -> u64 {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("JWT payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    let claims: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    claims["exp"].as_u64().expect("exp")
}

#[actix_web::test]
async fn i_an_invited_user_chooses_a_password_and_is_shut_out_when_disabled() {
    let stack = spawn_stack().await;
    let invitee = format!("invitee-{}@example.com", uuid::Uuid::new_v4().simple());
    let admin = browser().await;
    admin
        .sign_in_at(&stack.a.ui, "/admin/users", ADMIN, Page::AdminUsers)
        .await;
    admin.fill("#invite-email", &invitee).await;
    admin.click(".invite button[type=submit]").await;
    admin
        .wait_for_text(&format!("Invitation sent to {invitee}"))
        .await;
    let temporary = stack
        .idp_admin
        .temporary_password(&invitee)
        .expect("the emulator 'emailed' a temporary password");

    let user = browser().await;
    user.goto(&format!("{}/stats", stack.a.ui)).await;
    user.find("#signInFormUsername").await;
    user.submit_login((&invitee, &temporary)).await;
    // Cognito's "Change Password" page, then back in the app.
    user.fill("#new_password", "Chosen-Passw0rd!").await;
    user.fill("#confirm_password", "Chosen-Passw0rd!").await;
    user.click("input[name=reset_password]").await;
    user.wait_for_page(&stack.a.ui, "/stats", Page::Stats).await;
    let nav = user.text(".topbar ul").await;
    assert!(
        !nav.contains("Users"),
        "no Users link for a plain user: {nav}"
    );
    user.screenshot("i-invitee-on-stats").await;

    admin.js("window.confirm = () => true").await;
    admin.fill("#user-search", &invitee).await;
    admin.click("form[role=search] button[type=submit]").await;
    admin
        .click(&format!("button[aria-label='Manage {invitee}']"))
        .await;
    admin.click_text(".user-details button", "Disable").await;
    admin
        .wait_for_text(&format!("{invitee} is disabled."))
        .await;
    admin.screenshot("i-admin-disabled-the-invitee").await;

    // Hours later for the API and Cognito: the invitee's next call needs a
    // refresh, which Cognito refuses (session_expired), so it is sent to sign in.
    stack.advance(2 * 60 * 60);
    user.click_text(".topbar ul a", "Profile").await;
    user.wait_for_page(&stack.idp, "/login", Page::HostedLogin)
        .await;
    assert_eq!(user.session().await, None, "the session was cleared");
    user.close().await;
    admin.close().await;
}

#[actix_web::test]
async fn j_signing_a_user_out_everywhere_ends_their_other_browsers_session() {
    let stack = spawn_stack().await;
    let user = browser().await;
    user.sign_in_at(&stack.a.ui, "/stats", USER, Page::Stats)
        .await;
    let admin = browser().await;
    admin
        .sign_in_at(&stack.a.ui, "/admin/users", ADMIN, Page::AdminUsers)
        .await;
    admin.js("window.confirm = () => true").await;
    admin.fill("#user-search", USER.0).await;
    admin.click("form[role=search] button[type=submit]").await;
    admin
        .click(&format!("button[aria-label='Manage {}']", USER.0))
        .await;
    admin
        .click_text(".user-details button", "Sign out everywhere")
        .await;
    admin
        .wait_for_text(&format!("{} is signed out everywhere.", USER.0))
        .await;
    // The other browser's next request: its access token is refused at once,
    // and its hosted-UI session is gone too, so it lands on the sign-in form.
    user.click_text(".topbar ul a", "Profile").await;
    user.wait_for_page(&stack.idp, "/login", Page::HostedLogin)
        .await;
    assert_eq!(user.session().await, None, "the session was cleared");
    user.screenshot("j-signed-out-everywhere").await;
    user.close().await;
    admin.close().await;
}
