//! The one owner of the session: the only code that reads and writes browser
//! storage. The API client asks it for the credentials of each request and
//! reports the tokens and refusals it met; pages read its state through
//! `use_app()`; other tabs' changes reach it through the storage event and
//! through the re-read before every request.

use super::error::AuthError;
use super::session::{Session, SignInAttempt};
use super::state::{SessionState, SignedOutReason};
use super::store::{self, Stored};
use super::tokens::{AccessToken, IdToken, RefreshToken};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Callback;

/// What one request sends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Credentials {
    pub(crate) access: AccessToken,
    /// Only when a refresh is due, or the API called `access` expired.
    pub(crate) refresh: Option<RefreshToken>,
}

#[derive(Clone)]
pub struct SessionOwner {
    inner: Rc<Inner>,
}

struct Inner {
    state: RefCell<SessionState>,
    on_change: RefCell<Callback<SessionState>>,
}

impl PartialEq for SessionOwner {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl SessionOwner {
    /// The session storage holds; a corrupt value is removed, and the state
    /// says so (a sign-in prompt, not an automatic redirect).
    pub fn from_storage() -> Self {
        let state = match store::load_session() {
            Stored::Session(session) => SessionState::SignedIn(session),
            Stored::Nothing => SessionState::SignedOut(SignedOutReason::NotSignedIn),
            Stored::Corrupt => {
                store::clear_session();
                SessionState::SignedOut(SignedOutReason::Discarded)
            }
        };
        Self {
            inner: Rc::new(Inner {
                state: RefCell::new(state),
                on_change: RefCell::new(Callback::noop()),
            }),
        }
    }

    pub fn state(&self) -> SessionState {
        self.inner.state.borrow().clone()
    }

    /// Told of every change of state (the app's provider re-renders with it).
    pub fn on_change(&self, callback: Callback<SessionState>) {
        *self.inner.on_change.borrow_mut() = callback;
    }

    fn set(&self, next: SessionState) {
        if *self.inner.state.borrow() == next {
            return;
        }
        *self.inner.state.borrow_mut() = next.clone();
        let on_change = self.inner.on_change.borrow().clone();
        on_change.emit(next);
    }

    fn signing_out(&self) -> bool {
        matches!(*self.inner.state.borrow(), SessionState::SigningOut)
    }

    /// Follows storage (what another tab did since this one last looked) and
    /// returns the stored session.
    pub fn sync(&self) -> Option<Session> {
        let current = self.state();
        match store::load_session() {
            Stored::Session(session) => {
                if !self.signing_out() && current.session() != Some(&session) {
                    self.set(SessionState::SignedIn(session.clone()));
                }
                Some(session)
            }
            Stored::Nothing => {
                if matches!(current, SessionState::SignedIn(_)) {
                    self.set(SessionState::SignedOut(SignedOutReason::Elsewhere));
                }
                None
            }
            Stored::Corrupt => {
                store::clear_session();
                if !self.signing_out() {
                    self.set(SessionState::SignedOut(SignedOutReason::Discarded));
                }
                None
            }
        }
    }

    /// The credentials for a request made at `now`. `refused` is an access
    /// token the API just called expired: if it is still the stored one, the
    /// refresh token goes along whatever the browser's clock says.
    pub(crate) fn credentials(
        &self,
        now: u64,
        refused: Option<&AccessToken>,
    ) -> Option<Credentials> {
        let session = self.sync()?;
        let due = session.refresh_due(now) || refused == Some(session.access_token());
        Some(Credentials {
            access: session.access_token().clone(),
            refresh: session.refresh_token().filter(|_| due).cloned(),
        })
    }

    /// Saves the tokens a response carried (`x-access-token`, `x-id-token`,
    /// `x-refresh-token`) into the stored session.
    pub(crate) fn received(
        &self,
        access: Option<AccessToken>,
        id: Option<IdToken>,
        refresh: Option<RefreshToken>,
    ) {
        if access.is_none() && id.is_none() && refresh.is_none() {
            return;
        }
        let Some(current) = self.sync() else {
            return;
        };
        let Some(next) = current.with_received(access, id, refresh) else {
            return;
        };
        if let Err(e) = store::save_session(&next) {
            web_sys::console::error_1(&format!("cannot save the session: {e}").into());
        }
        if !self.signing_out() {
            self.set(SessionState::SignedIn(next));
        }
    }

    /// The API refused `sent` for good (`session_expired`, `invalid_token`).
    /// Ends the session if it is still the stored one and returns true; false
    /// if another tab has stored a different one since (worth a try).
    pub(crate) fn refused(&self, sent: &AccessToken) -> bool {
        match self.sync() {
            Some(session) if session.access_token() != sent => false,
            _ => {
                store::clear_session();
                if !self.signing_out() {
                    self.set(SessionState::SignedOut(SignedOutReason::Ended));
                }
                true
            }
        }
    }

    /// Remembers this tab's sign-in attempt under `state`.
    pub fn begin_sign_in(&self, state: &str, attempt: &SignInAttempt) -> Result<(), AuthError> {
        store::remember_attempt(state, attempt)?;
        self.set(SessionState::SigningIn);
        Ok(())
    }

    /// The attempt `state` names, used up; `None` if this tab never made it.
    pub fn take_attempt(&self, state: &str) -> Option<SignInAttempt> {
        store::take_attempt(state)
    }

    /// The code exchange is under way.
    pub fn exchanging(&self) {
        self.set(SessionState::SigningIn);
    }

    /// Stores the session a code exchange returned.
    pub fn signed_in(&self, tokens: shared::dto::Tokens) -> Result<(), AuthError> {
        let session = Session::new(
            AccessToken::new(tokens.access_token),
            tokens.id_token.map(IdToken::new),
            tokens.refresh_token.map(RefreshToken::new),
        )?;
        store::save_session(&session)?;
        self.set(SessionState::SignedIn(session));
        Ok(())
    }

    pub fn fail(&self, error: AuthError) {
        self.set(SessionState::Failed(error));
    }

    /// Sign-out begins: the refresh token to revoke, if there is a session.
    /// The session stays stored (other tabs follow the moment it goes).
    pub fn begin_sign_out(&self) -> Option<RefreshToken> {
        let session = self.sync();
        self.set(SessionState::SigningOut);
        session.and_then(|s| s.refresh_token().cloned())
    }

    /// Sign-out done here: storage cleared, so every tab follows.
    pub fn signed_out(&self) {
        store::clear_session();
        self.set(SessionState::SignedOut(SignedOutReason::ByUser));
    }

    /// A `storage` event: `key` changed in another tab (`None`: storage was cleared).
    pub fn storage_changed(&self, key: Option<&str>) {
        if key.is_none_or(|k| k == store::SESSION_KEY) {
            self.sync();
        }
    }
}
