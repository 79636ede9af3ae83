//! Accessibility and small screens: axe-core on every page (signed out,
//! signed in, and the emulator's hosted UI), every page at 360 × 740 through
//! chromedriver's mobile emulation, and sign-in, the nav and the admin form
//! with the keyboard alone.

use crate::axe::{write_report, AxeResult};
use crate::helpers::*;

/// One page to check: a label, the URL, and text that says it has loaded.
struct Visit {
    label: String,
    url: String,
    loaded: &'static str,
}

fn visit(label: &str, url: String, loaded: &'static str) -> Visit {
    Visit {
        label: label.to_owned(),
        url,
        loaded,
    }
}

/// Every page of the UI without a session, and the hosted UI's pages.
fn signed_out_pages(stack: &Stack) -> Vec<Visit> {
    let ui = &stack.a.ui;
    vec![
        visit(
            "signed out /",
            format!("{ui}/"),
            "Sign in with your organisation",
        ),
        visit("signed out /server", format!("{ui}/server"), "Framework"),
        visit(
            "signed out /signout",
            format!("{ui}/signout"),
            "You are signed out",
        ),
        visit(
            "signed out /no-such-page",
            format!("{ui}/no-such-page"),
            "Page not found",
        ),
        visit(
            "signed out /signin (state mismatch)",
            format!("{ui}/signin?code=x&state=forged"),
            "Sign-in did not complete",
        ),
        visit(
            "hosted UI /error",
            format!("{}/error?error=redirect_mismatch", stack.idp),
            "error",
        ),
    ]
}

/// Every page of the UI for a signed-in admin (who sees every control).
fn signed_in_pages(stack: &Stack) -> Vec<Visit> {
    let ui = &stack.a.ui;
    vec![
        visit("signed in /", format!("{ui}/"), "Where to?"),
        visit(
            "signed in /user",
            format!("{ui}/user"),
            "Access token expires",
        ),
        visit("signed in /server", format!("{ui}/server"), "Framework"),
        visit(
            "signed in /no-such-page",
            format!("{ui}/no-such-page"),
            "Page not found",
        ),
    ]
}

async fn open(browser: &Browser, page: &Visit) {
    browser.goto(&page.url).await;
    browser.wait_for_text(page.loaded).await;
}

/// The hosted UI's login form, its error state, sign-up and forgotten password.
async fn hosted_ui(browser: &Browser, stack: &Stack, mut check: impl AsyncFnMut(&str)) {
    browser.goto(&format!("{}/stats", stack.a.ui)).await;
    browser
        .wait_for_page(&stack.idp, "/login", Page::HostedLogin)
        .await;
    check("hosted UI /login").await;
    browser.submit_login((USER.0, "not-the-password")).await;
    browser
        .wait_for_text("Incorrect username or password")
        .await;
    check("hosted UI /login (wrong password)").await;
    browser.click_text("a", "Sign up").await;
    browser.find("form input[name=password]").await;
    check("hosted UI /signup").await;
    browser.click_text("a", "Sign in").await;
    browser.click_text("a", "Forgot your password?").await;
    browser.wait_for_text("Forgot").await;
    browser.find("form input[name=username]").await;
    check("hosted UI /forgotPassword").await;
}

/// The signed-in pages that need more than a visit: statistics with the
/// editing form open, and the users page with a user's details open.
async fn admin_views(browser: &Browser, stack: &Stack, mut check: impl AsyncFnMut(&str)) {
    browser.goto(&format!("{}/stats", stack.a.ui)).await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    check("signed in /stats").await;
    browser.click_text("button", "Add a record").await;
    browser.find("form.stat-form").await;
    check("signed in /stats (form open)").await;
    browser.goto(&format!("{}/admin/users", stack.a.ui)).await;
    browser
        .wait_for_page(&stack.a.ui, "/admin/users", Page::AdminUsers)
        .await;
    check("signed in /admin/users").await;
    browser
        .click(&format!("button[aria-label='Manage {}']", USER.0))
        .await;
    browser.find(".user-details button").await;
    check("signed in /admin/users (user details)").await;
}

#[actix_web::test]
async fn r_axe_core_finds_no_serious_or_critical_violation_on_any_page() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    let mut results: Vec<AxeResult> = Vec::new();
    for page in signed_out_pages(&stack) {
        open(&browser, &page).await;
        results.push(browser.axe(&page.label).await);
    }
    hosted_ui(&browser, &stack, async |label| {
        results.push(browser.axe(label).await)
    })
    .await;
    browser
        .sign_in_at(&stack.a.ui, "/stats", ADMIN, Page::Stats)
        .await;
    for page in signed_in_pages(&stack) {
        open(&browser, &page).await;
        results.push(browser.axe(&page.label).await);
    }
    admin_views(&browser, &stack, async |label| {
        results.push(browser.axe(label).await)
    })
    .await;
    let report = write_report(&results);
    println!("{report}");
    let failing: Vec<&AxeResult> = results
        .iter()
        .filter(|r| r.critical + r.serious > 0)
        .collect();
    assert!(
        failing.is_empty(),
        "serious or critical violations:\n{}",
        failing
            .iter()
            .map(|r| format!("{}\n    {}", r.line(), r.details.join("\n    ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        results.iter().all(|r| r.passes > 0),
        "axe-core ran its rules"
    );
    browser.close().await;
}

/// The 360 × 740 phone every page is checked on.
const PHONE: (u32, u32) = (360, 740);

/// No sideways scroll on the page itself, every control reachable.
async fn assert_fits(browser: &Browser, label: &str, failures: &mut Vec<String>) {
    let layout = browser.layout_problems().await;
    let (scroll, client) = (
        layout["scrollWidth"].as_u64().unwrap_or(0),
        layout["clientWidth"].as_u64().unwrap_or(0),
    );
    assert_eq!(client, u64::from(PHONE.0), "{label}: the phone's width");
    if scroll > client {
        failures.push(format!(
            "{label}: the page scrolls sideways ({scroll} > {client})"
        ));
    }
    if layout["unreachable"]
        .as_array()
        .is_some_and(|u| !u.is_empty())
    {
        failures.push(format!(
            "{label}: unreachable controls {}",
            layout["unreachable"]
        ));
    }
    browser
        .screenshot(&format!(
            "s-phone-{}",
            label.replace(['/', ' ', '(', ')'], "-")
        ))
        .await;
}

#[actix_web::test]
async fn s_every_page_fits_a_360_by_740_phone_screen() {
    let stack = spawn_stack().await;
    let browser = phone_browser(PHONE.0, PHONE.1).await;
    let mut failures = Vec::new();
    for page in signed_out_pages(&stack) {
        open(&browser, &page).await;
        assert_fits(&browser, &page.label, &mut failures).await;
    }
    let mut hosted = Vec::new();
    hosted_ui(&browser, &stack, async |label| {
        assert_fits(&browser, label, &mut hosted).await;
    })
    .await;
    failures.extend(hosted);
    browser
        .sign_in_at(&stack.a.ui, "/stats", ADMIN, Page::Stats)
        .await;
    for page in signed_in_pages(&stack) {
        open(&browser, &page).await;
        assert_fits(&browser, &page.label, &mut failures).await;
    }
    let mut admin = Vec::new();
    admin_views(&browser, &stack, async |label| {
        assert_fits(&browser, label, &mut admin).await;
    })
    .await;
    failures.extend(admin);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    browser.close().await;
}

#[actix_web::test]
async fn t_keyboard_alone_signs_in_moves_through_the_nav_and_invites_a_user() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    browser.goto(&format!("{}/", stack.a.ui)).await;
    browser
        .wait_for_text("Sign in with your organisation")
        .await;
    // Sign in: the hero's button, then the hosted form.
    browser.tab_to(".hero button").await;
    browser.press_enter().await;
    browser
        .wait_for_page(&stack.idp, "/login", Page::HostedLogin)
        .await;
    browser.tab_to("#signInFormUsername").await;
    browser.press(ADMIN.0).await;
    browser.tab_to("#signInFormPassword").await;
    browser.press(ADMIN.1).await;
    browser.press_enter().await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    // The nav, link by link.
    for (label, path, page) in [
        ("Profile", "/user", Page::Profile),
        ("Statistics", "/stats", Page::Stats),
        ("Users", "/admin/users", Page::AdminUsers),
    ] {
        browser
            .js("document.activeElement && document.activeElement.blur()")
            .await;
        let link = format!(".topbar ul a[href='{path}']");
        browser.tab_to(&link).await;
        assert_eq!(browser.focused().await["text"], label);
        browser.press_enter().await;
        browser.wait_for_page(&stack.a.ui, path, page).await;
    }
    // The admin form: invite a colleague.
    let invitee = format!("keyboard-{}@example.com", uuid::Uuid::new_v4().simple());
    browser.tab_to("#invite-email").await;
    browser.press(&invitee).await;
    browser.press_enter().await;
    browser
        .wait_for_text(&format!("Invitation sent to {invitee}"))
        .await;
    browser.screenshot("t-keyboard-invited").await;
    assert!(
        stack.idp_admin.temporary_password(&invitee).is_some(),
        "the invitation reached Cognito"
    );
    browser.close().await;
}
