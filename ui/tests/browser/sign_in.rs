//! PKCE, `state` checked and used once, the session's round trip through its
//! owner, and corrupt storage discarded.

use crate::support::*;
use shared::dto::Tokens;
use ui::auth::error::CallbackError;
use ui::auth::flow::{accept_callback, CallbackQuery};
use ui::auth::owner::SessionOwner;
use ui::auth::pkce::{challenge_s256, Pkce};
use ui::auth::state::{SessionState, SignedOutReason};
use ui::auth::store::SESSION_KEY;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn pkce_s256_matches_rfc_7636_appendix_b() {
    assert_eq!(
        challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let a = Pkce::generate().expect("crypto");
    let b = Pkce::generate().expect("crypto");
    assert_eq!(a.verifier.len(), 43);
    assert_ne!(a.verifier, b.verifier);
    assert_eq!(a.challenge, challenge_s256(&a.verifier));
    assert!(!format!("{a:?}").contains(&a.verifier), "verifier redacted");
}

#[wasm_bindgen_test]
fn a_state_this_tab_did_not_issue_is_refused() {
    reset_storage();
    let owner = SessionOwner::from_storage();
    owner
        .begin_sign_in("issued", &attempt("/user"))
        .expect("stored");
    assert_eq!(owner.state(), SessionState::SigningIn);
    let forged = CallbackQuery {
        code: Some("code".into()),
        state: Some("forged".into()),
        ..Default::default()
    };
    assert_eq!(
        accept_callback(&owner, &forged).map(|_| ()),
        Err((CallbackError::StateMismatch, None))
    );
    let genuine = CallbackQuery {
        state: Some("issued".into()),
        ..forged.clone()
    };
    let (code, taken) = accept_callback(&owner, &genuine).expect("accepted");
    assert_eq!((code.as_str(), taken), ("code", attempt("/user")));
    // Used once: a replay of the same callback is refused.
    assert_eq!(
        accept_callback(&owner, &genuine).map(|_| ()),
        Err((CallbackError::StateMismatch, None))
    );
}

#[wasm_bindgen_test]
fn a_cognito_error_callback_keeps_the_page_asked_for() {
    reset_storage();
    let owner = SessionOwner::from_storage();
    owner
        .begin_sign_in("s1", &attempt("/stats"))
        .expect("stored");
    let query = CallbackQuery {
        state: Some("s1".into()),
        error: Some("access_denied".into()),
        error_description: Some("User cancelled".into()),
        ..Default::default()
    };
    let (error, kept) = accept_callback(&owner, &query).expect_err("an error callback");
    assert_eq!(error, CallbackError::Cognito("User cancelled".into()));
    assert_eq!(kept, Some(attempt("/stats")));
}

#[wasm_bindgen_test]
fn a_session_round_trips_through_the_owner_and_never_shows_its_tokens() {
    reset_storage();
    let owner = SessionOwner::from_storage();
    assert_eq!(
        owner.state(),
        SessionState::SignedOut(SignedOutReason::NotSignedIn)
    );
    let access = jwt(r#"{"exp":2000000000,"username":"u","cognito:groups":["admin"]}"#);
    owner
        .signed_in(Tokens {
            access_token: access.clone(),
            id_token: Some(jwt(r#"{"email":"a@example.com"}"#)),
            refresh_token: Some("refresh-secret".into()),
            expires_in: 3600,
            token_type: "Bearer".into(),
        })
        .expect("a session");
    let SessionState::SignedIn(session) = owner.state() else {
        panic!("signed in: {:?}", owner.state());
    };
    assert_eq!(session.expires_at(), 2_000_000_000);
    assert!(session.is_admin());
    assert_eq!(session.display_name(), "a@example.com");
    let shown = format!("{session:?}");
    assert!(
        !shown.contains(&access) && !shown.contains("refresh-secret"),
        "{shown}"
    );
    // Another page (or tab) reads the same session.
    assert_eq!(
        SessionOwner::from_storage().state(),
        SessionState::SignedIn(session)
    );
    owner.signed_out();
    assert_eq!(stored(), None);
    assert_eq!(
        owner.state(),
        SessionState::SignedOut(SignedOutReason::ByUser)
    );
}

#[wasm_bindgen_test]
fn a_corrupt_or_hand_edited_session_is_discarded_with_a_sign_in_prompt() {
    let no_exp = jwt(r#"{"username":"u"}"#);
    for bad in [
        "{".to_owned(),
        "null".into(),
        "[]".into(),
        "\"a string\"".into(),
        r#"{"accessToken":5}"#.into(),
        r#"{"refreshToken":"r"}"#.into(),
        r#"{"accessToken":"not-a-jwt"}"#.into(),
        format!(r#"{{"accessToken":"{no_exp}"}}"#),
        format!(r#"{{"accessToken":"{}","idToken":7}}"#, jwt_expiring_at(1)),
    ] {
        reset_storage();
        local().set_item(SESSION_KEY, &bad).expect("stored");
        let state = SessionOwner::from_storage().state();
        assert_eq!(
            state,
            SessionState::SignedOut(SignedOutReason::Discarded),
            "{bad}"
        );
        assert!(!state.starts_sign_in(), "a prompt, not a redirect");
        assert_eq!(stored(), None, "{bad} removed");
    }
}
