//! Two windows of one browser share the session (localStorage) and agree:
//! on refreshed tokens, on sign-out, on two sign-ins at once, and under
//! refresh rotation on tokens that expire together. Refreshes are counted at
//! the emulator and, per window, by the requests that carried the refresh token.

use crate::helpers::*;

/// Two hours for the API and Cognito: every access token is expired there,
/// but not by the browser's clock (so each tab meets 401 `token_expired`).
const HOURS_LATER: u64 = 2 * 60 * 60;

#[actix_web::test]
async fn n_a_token_refreshed_in_one_tab_is_used_by_the_other_without_a_refresh() {
    let stack = spawn_stack().await;
    let browser = signed_in(&stack.a.ui, USER).await;
    let (first, second) = browser.second_tab(&stack.a.ui).await;
    browser.count_api_calls().await;
    let before = browser.access_token().await;
    let refreshes = stack.refresh_calls().await;

    browser.switch_to(&first).await;
    stack.advance(HOURS_LATER);
    browser.click_text(".topbar ul a", "Profile").await;
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    let refreshed = browser.access_token().await;
    assert_ne!(refreshed, before);
    assert_eq!(stack.refresh_calls().await, refreshes + 1);

    // Past the API's 30 s reuse of a refresh: the old token would cost a refresh now.
    stack.advance(40);
    browser.switch_to(&second).await;
    browser.click_text(".topbar ul a", "Statistics").await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    let (calls, with_refresh) = browser.api_calls().await;
    assert!(calls >= 1, "the second tab called the API");
    assert_eq!(with_refresh, 0, "no refresh token sent from the second tab");
    assert_eq!(
        stack.refresh_calls().await,
        refreshes + 1,
        "no refresh of its own"
    );
    assert_eq!(browser.access_token().await, refreshed);
    browser
        .screenshot("n-second-tab-uses-refreshed-token")
        .await;
    browser.close().await;
}

#[actix_web::test]
async fn o_a_sign_out_in_one_tab_signs_out_every_tab_and_none_signs_back_in() {
    let stack = spawn_stack().await;
    let browser = signed_in(&stack.a.ui, USER).await;
    let (first, second) = browser.second_tab(&stack.a.ui).await;
    let authorizations = stack.authorize_calls().await;

    browser.switch_to(&first).await;
    browser.click_text(".account button", "Sign out").await;
    browser
        .wait_for_page(&stack.a.ui, "/signout", Page::SignedOut)
        .await;
    browser.switch_to(&second).await;
    browser
        .wait_for_page(&stack.a.ui, "/signout", Page::SignedOut)
        .await;
    assert_eq!(browser.session().await, None);
    browser.screenshot("o-second-tab-signed-out").await;
    // Both tabs rest on /signout; neither went to the hosted UI again.
    browser.switch_to(&first).await;
    browser
        .wait_for_page(&stack.a.ui, "/signout", Page::SignedOut)
        .await;
    assert_eq!(stack.authorize_calls().await, authorizations);
    assert_eq!(browser.session().await, None);
    browser.close().await;
}

#[actix_web::test]
async fn p_two_tabs_signing_in_at_the_same_moment_both_succeed() {
    let stack = spawn_stack().await;
    let browser = browser().await;
    browser.goto(&format!("{}/stats", stack.a.ui)).await;
    browser.find("#signInFormUsername").await;
    let first = browser.current_window().await;
    let second = browser.open_window(&format!("{}/user", stack.a.ui)).await;
    browser.find("#signInFormUsername").await;
    // Both forms filled, then submitted one right after the other.
    browser.fill("#signInFormUsername", USER.0).await;
    browser.fill("#signInFormPassword", USER.1).await;
    browser.switch_to(&first).await;
    browser.fill("#signInFormUsername", USER.0).await;
    browser.fill("#signInFormPassword", USER.1).await;
    browser
        .js("document.querySelector('input[name=signInSubmitButton]').click()")
        .await;
    browser.switch_to(&second).await;
    browser
        .js("document.querySelector('input[name=signInSubmitButton]').click()")
        .await;
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    browser.switch_to(&first).await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    assert_eq!(
        stack.counters().await["token"]["authorization_code"],
        2,
        "one code exchange per tab"
    );
    // Each tab goes on working with the session they share.
    browser.click_text(".topbar ul a", "Profile").await;
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    browser.switch_to(&second).await;
    browser.click_text(".topbar ul a", "Statistics").await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    browser.screenshot("p-both-tabs-signed-in").await;
    browser.close().await;
}

#[actix_web::test]
async fn q_under_refresh_rotation_two_tabs_expiring_together_keep_the_session() {
    let stack = spawn_stack_with(|config| config.with_refresh_rotation(true)).await;
    let browser = signed_in(&stack.a.ui, USER).await;
    browser.count_api_calls().await;
    let (first, second) = browser.second_tab(&stack.a.ui).await;
    browser.count_api_calls().await;
    let rotated_from = browser.refresh_token().await;
    let refreshes = stack.refresh_calls().await;

    stack.advance(HOURS_LATER);
    // Both tabs call the API with the same expired token; the first tab's
    // refresh is held in the page until the second tab has either sent its
    // own (no lock) or queued behind the first's lock.
    browser.switch_to(&first).await;
    browser.hold_refreshes().await;
    browser.click_text(".topbar ul a", "Profile").await;
    browser
        .wait_for_js("the first tab's refresh", "return window.__refreshes === 1")
        .await;
    browser.switch_to(&second).await;
    browser.click_text(".topbar ul a", "Statistics").await;
    browser
        .wait_for_js(
            "the second tab to refresh or wait for the lock",
            "return navigator.locks.query().then(s => s.pending.length > 0 \
             || window.__refreshes > 0)",
        )
        .await;
    assert_eq!(
        browser.api_calls().await.1,
        0,
        "the second tab waits for the first tab's refresh instead of sending the same refresh token"
    );
    browser.switch_to(&first).await;
    browser.release_refreshes().await;
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    browser.switch_to(&second).await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    assert_eq!(
        stack.refresh_calls().await,
        refreshes + 1,
        "one refresh at Cognito"
    );
    let rotated_to = browser.refresh_token().await;
    assert_ne!(rotated_to, rotated_from, "the refresh token was rotated");

    // The session lives on in both tabs.
    stack.advance(HOURS_LATER);
    browser.click_text(".topbar ul a", "Profile").await;
    browser
        .wait_for_page(&stack.a.ui, "/user", Page::Profile)
        .await;
    browser.switch_to(&first).await;
    browser.click_text(".topbar ul a", "Statistics").await;
    browser
        .wait_for_page(&stack.a.ui, "/stats", Page::Stats)
        .await;
    assert_eq!(stack.refresh_calls().await, refreshes + 2);
    assert!(browser.session().await.is_some());
    browser.screenshot("q-rotation-two-tabs").await;
    browser.close().await;
}
