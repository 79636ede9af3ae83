//! A session's bad days: Cognito's token endpoint failing during a refresh,
//! a callback with a state this tab never issued, a hand-edited localStorage.

use crate::helpers::*;

#[actix_web::test]
async fn k_a_token_endpoint_fault_during_a_refresh_keeps_the_session_until_it_clears() {
    let stack = spawn_stack().await;
    // Inside the UI's 60 s window from the start: every call carries the refresh token.
    stack.set_access_token_secs(30).await;
    let browser = signed_in(&stack.a.ui, USER).await;
    let (access, refresh) = (browser.access_token().await, browser.refresh_token().await);
    let authorizations = stack.authorize_calls().await;
    let refreshes = stack.refresh_calls().await;
    stack.fail_token_endpoint(500);
    stack.advance(31);
    browser.click_text(".topbar ul a", "Profile").await;
    browser
        .wait_for_text("The sign-in service is unavailable right now. You are still signed in")
        .await;
    // Retried with backoff while the fault lasts (failed calls count too).
    browser
        .wait_for("the UI to retry the refresh", async |_| {
            Ok((stack.refresh_calls().await >= refreshes + 2).then_some(()))
        })
        .await;
    browser.screenshot("k-refresh-fault-kept-session").await;
    let url = browser.url().await;
    assert!(url.starts_with(&format!("{}/user", stack.a.ui)), "{url}");
    assert_eq!(
        browser.refresh_token().await,
        refresh,
        "the session is kept"
    );
    assert_eq!(browser.access_token().await, access);
    assert_eq!(
        stack.authorize_calls().await,
        authorizations,
        "no sign-in page"
    );

    stack.clear_faults();
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    assert_ne!(
        browser.access_token().await,
        access,
        "refreshed once it cleared"
    );
    assert_eq!(browser.refresh_token().await, refresh, "the same session");
    assert_eq!(stack.authorize_calls().await, authorizations);
    browser.screenshot("k-recovered").await;
    browser.close().await;
}

#[actix_web::test]
async fn l_a_callback_with_a_stale_or_foreign_state_shows_a_readable_error_page() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    browser.goto(&format!("{}/stats", stack.a.ui)).await;
    browser.find("#signInFormUsername").await;
    let login = browser.url().await;
    let state = login
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("state="))
        .expect("the authorize URL's state")
        .to_owned();
    browser.submit_login(USER).await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    let authorizations = stack.authorize_calls().await;
    for (what, state) in [("stale", state.as_str()), ("foreign", "made-up-elsewhere")] {
        browser
            .goto(&format!("{}/signin?code=abc&state={state}", stack.a.ui))
            .await;
        browser.wait_for_text("Sign-in did not complete").await;
        browser.wait_for_text("state mismatch").await;
        let url = browser.url().await;
        assert!(
            url.starts_with(&format!("{}/signin", stack.a.ui)),
            "{what}: {url}"
        );
        browser.find(".alert button").await;
        browser.screenshot(&format!("l-{what}-state")).await;
    }
    assert_eq!(
        stack.authorize_calls().await,
        authorizations,
        "no automatic redirect"
    );
    browser.close().await;
}

#[actix_web::test]
async fn m_a_hand_edited_session_is_discarded_with_a_sign_in_prompt() {
    let stack = spawn_stack().await;
    let browser = signed_in(&stack.a.ui, USER).await;
    let authorizations = stack.authorize_calls().await;
    browser
        .js(r#"localStorage.setItem('kpi.session', '{"accessToken":"hand-edited"')"#)
        .await;
    browser.goto(&format!("{}/stats", stack.a.ui)).await;
    browser
        .wait_for_text("The saved session could not be read, so it was discarded")
        .await;
    browser
        .wait_for_text("This page needs you to sign in")
        .await;
    assert_eq!(browser.session().await, None, "removed");
    assert_eq!(
        stack.authorize_calls().await,
        authorizations,
        "a prompt, not a redirect"
    );
    browser.screenshot("m-discarded-session").await;
    // The prompt signs in (the hosted UI still knows the user) and returns here.
    browser.click_text(".alert button", "Try again").await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    browser.close().await;
}
