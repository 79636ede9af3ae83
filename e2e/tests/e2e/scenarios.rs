//! The seven browser scenarios; each saves a screenshot under target/e2e-screenshots/.

use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

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
    browser.wait_for_url(&format!("{}/stats", stack.a.ui)).await;
    browser.find(".chart").await;
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
    stack.set_access_token_secs(5).await;
    let browser = browser().await;
    browser.sign_in_at(&stack.a.ui, "/stats", USER).await;
    browser.find(".chart").await;
    let before = browser.session().await.expect("session")["accessToken"].clone();
    let authorizations = stack.authorize_calls().await;
    actix_web::rt::time::sleep(Duration::from_secs(6)).await;
    // In-app navigation: the next API call carries the expired token.
    browser.click_text(".topbar ul a", "Profile").await;
    browser.wait_for_text("Access token expires").await;
    let after = browser.session().await.expect("session")["accessToken"].clone();
    assert_ne!(before, after, "the API's x-access-token was saved");
    let url = browser.url().await;
    assert!(url.starts_with(&format!("{}/user", stack.a.ui)), "{url}");
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
    admin.sign_in_at(&stack.a.ui, "/stats", ADMIN).await;
    admin.find(".chart").await;

    admin.click_text("button", "Add a record").await;
    admin.fill("#stat-kpi", "churn").await;
    admin.fill("#stat-period", &format!("{year}03")).await;
    admin.fill("#stat-value", "4.5").await;
    admin.click("form.stat-form button[type=submit]").await;
    admin.wait_for_text(&format!("Churn {year}")).await;
    let created = chart_line(&admin, &format!("Churn {year}")).await;
    assert!(!created.is_empty(), "the new chart has a line");
    assert_eq!(created.split(' ').count(), 1);

    admin
        .click(&format!("button[aria-label='Edit churn {year}03']"))
        .await;
    admin.fill("#stat-value", "9").await;
    admin.click("form.stat-form button[type=submit]").await;
    admin.wait_for_text("Add a record").await;
    let started = std::time::Instant::now();
    let mut edited = chart_line(&admin, &format!("Churn {year}")).await;
    while edited == created && started.elapsed() < Duration::from_secs(20) {
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        edited = chart_line(&admin, &format!("Churn {year}")).await;
    }
    assert!(!edited.is_empty(), "the chart is still there");
    assert_ne!(edited, created, "the point moved");
    admin.screenshot("c-admin-edited").await;

    admin.js("window.confirm = () => true").await;
    admin
        .click(&format!("button[aria-label='Delete churn {year}03']"))
        .await;
    let started = std::time::Instant::now();
    loop {
        let titles = chart_titles(&admin).await;
        let table = admin.text("table.stats").await;
        // Loaded (the seeded charts are there) and the record is gone.
        if titles.len() == 3 && !table.contains("churn") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the record stayed: {titles:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    admin.close().await;

    let user = browser().await;
    user.sign_in_at(&stack.a.ui, "/stats", USER).await;
    user.find(".chart").await;
    user.wait_for_text(&format!("{year}-12")).await;
    let body = user.text("body").await;
    assert!(!body.contains("Add a record") && !body.contains("Edit") && !body.contains("Delete"));
    user.screenshot("c-user-read-only").await;
    user.close().await;
}

#[actix_web::test]
async fn d_sign_out_revokes_and_protected_pages_ask_for_sign_in_again() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    browser.sign_in_at(&stack.a.ui, "/stats", USER).await;
    browser.find(".chart").await;
    let refresh_token = browser.session().await.expect("session")["refreshToken"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    browser.click_text(".account button", "Sign out").await;
    browser
        .wait_for_url(&format!("{}/signout", stack.a.ui))
        .await;
    browser.wait_for_text("You are signed out").await;
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
    browser.find("#signInFormUsername").await;
    assert!(browser.url().await.starts_with(&stack.idp));
    browser.close().await;
}

#[actix_web::test]
async fn e_after_app_a_app_b_signs_in_without_a_password() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    browser.sign_in_at(&stack.a.ui, "/stats", USER).await;
    browser.find(".chart").await;
    browser.goto(&format!("{}/user", stack.b.ui)).await;
    browser.wait_for_url(&format!("{}/user", stack.b.ui)).await;
    browser.wait_for_text("Access token expires").await;
    let profile = browser.text("main").await;
    let app_b = stack
        .emulator
        .clients
        .iter()
        .find(|c| c.name == "app-b")
        .expect("app B");
    assert!(profile.contains(&app_b.id), "signed in to app B: {profile}");
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
    browser.wait_for_url(&format!("{}/user", stack.a.ui)).await;
    browser.wait_for_text("admin@example.com").await;
    browser.wait_for_text("Access token expires").await;
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
    assert!(browser.url().await.starts_with(&stack.idp));
    browser.find("#signInFormPassword").await;
    browser.screenshot("g-wrong-password").await;
    browser.close().await;
}
