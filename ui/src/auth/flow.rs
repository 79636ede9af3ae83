//! Sign-in and sign-out through Cognito's hosted UI: `state` + PKCE `S256`
//! on the way out, `state` checked on the way back.

use super::error::{AuthError, CallbackError};
use super::owner::SessionOwner;
use super::pkce::{random_url_safe, Pkce};
use super::session::{safe_return_path, CodeVerifier, SignInAttempt};
use crate::api::{self, client::ApiClient};
use serde::Deserialize;
use shared::dto::AuthConfig;

/// `/signin` and `/signout` on this UI's own origin.
pub fn redirect_uri() -> String {
    format!("{}/signin", origin())
}

pub fn logout_uri() -> String {
    format!("{}/signout", origin())
}

pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The path (and query) the browser is on.
pub fn current_path() -> String {
    web_sys::window()
        .map(|w| {
            let location = w.location();
            format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "/".into())
}

/// Leaves the app for `url`.
pub fn go_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

pub fn authorize_url(
    config: &AuthConfig,
    redirect_uri: &str,
    state: &str,
    code_challenge: &str,
) -> String {
    let scope = config.scopes.join(" ");
    let query = crate::query::encode(&[
        ("response_type", "code"),
        ("client_id", config.client_id.as_str()),
        ("redirect_uri", redirect_uri),
        ("scope", scope.as_str()),
        ("state", state),
        ("code_challenge_method", "S256"),
        ("code_challenge", code_challenge),
    ]);
    format!("{}?{query}", config.authorize_url)
}

pub fn logout_url(config: &AuthConfig, logout_uri: &str) -> String {
    let query = crate::query::encode(&[
        ("client_id", config.client_id.as_str()),
        ("logout_uri", logout_uri),
    ]);
    format!("{}?{query}", config.logout_url)
}

/// Prepares a sign-in (fresh `state` and verifier, remembered in this tab)
/// and returns the hosted UI URL to go to.
pub async fn prepare_sign_in(api: &ApiClient, return_to: &str) -> Result<String, AuthError> {
    let config = api::auth_config(api)
        .await
        .map_err(AuthError::CannotStart)?;
    let state = random_url_safe(24)?;
    let pkce = Pkce::generate()?;
    api.session().begin_sign_in(
        &state,
        &SignInAttempt {
            code_verifier: CodeVerifier::new(pkce.verifier),
            return_to: safe_return_path(return_to),
        },
    )?;
    Ok(authorize_url(
        &config,
        &redirect_uri(),
        &state,
        &pkce.challenge,
    ))
}

/// Revokes the refresh token through the API, learns Cognito's logout URL,
/// and only then clears the session (other tabs follow the moment it is
/// cleared, so Cognito's session must be about to end). Returns where to go:
/// Cognito's logout, or `/signout?partial` if the API could not be reached.
pub async fn sign_out(api: &ApiClient) -> String {
    let owner = api.session();
    if let Some(refresh) = owner.begin_sign_out() {
        if let Err(e) = api::sign_out(api, &refresh).await {
            web_sys::console::warn_1(&format!("sign-out at the API failed: {e}").into());
        }
    }
    // Cognito's logout ends its session even when the revoke failed; without
    // the API we cannot learn where it is.
    let destination = match api::auth_config(api).await {
        Ok(config) => logout_url(&config, &logout_uri()),
        Err(_) => "/signout?partial".into(),
    };
    owner.signed_out();
    destination
}

/// The query Cognito redirects back to `/signin` with.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Checks a callback against this tab's attempts; the attempt is used up either way.
pub fn accept_callback(
    owner: &SessionOwner,
    query: &CallbackQuery,
) -> Result<(String, SignInAttempt), (CallbackError, Option<SignInAttempt>)> {
    let attempt = query.state.as_deref().and_then(|s| owner.take_attempt(s));
    if let Some(error) = &query.error {
        let text = query
            .error_description
            .clone()
            .unwrap_or_else(|| error.clone());
        return Err((CallbackError::Cognito(text), attempt));
    }
    let Some(attempt) = attempt else {
        return Err((CallbackError::StateMismatch, None));
    };
    match &query.code {
        Some(code) if !code.is_empty() => Ok((code.clone(), attempt)),
        _ => Err((CallbackError::MissingCode, Some(attempt))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AuthConfig {
        AuthConfig {
            client_id: "abc".into(),
            authorize_url: "http://localhost:9229/oauth2/authorize".into(),
            logout_url: "http://localhost:9229/logout".into(),
            scopes: vec!["openid".into(), "email".into()],
        }
    }

    #[test]
    fn authorize_url_carries_state_and_s256_challenge() {
        let url = authorize_url(&config(), "http://localhost:3000/signin", "st", "ch");
        assert_eq!(
            url,
            "http://localhost:9229/oauth2/authorize?response_type=code&client_id=abc\
             &redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fsignin&scope=openid+email\
             &state=st&code_challenge_method=S256&code_challenge=ch"
        );
    }

    #[test]
    fn logout_url_names_client_and_logout_uri() {
        assert_eq!(
            logout_url(&config(), "http://localhost:3000/signout"),
            "http://localhost:9229/logout?client_id=abc&logout_uri=http%3A%2F%2Flocalhost%3A3000%2Fsignout"
        );
    }
}
