//! The one session state of a tab, and why it is what it is.

use super::error::AuthError;
use super::session::Session;

/// Where this tab's session stands. [`super::owner::SessionOwner`] alone changes it.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    SignedOut(SignedOutReason),
    /// This tab has left for the hosted UI, or is exchanging the code it brought back.
    SigningIn,
    SignedIn(Session),
    /// Revoking and leaving for Cognito's logout: no guard may start a sign-in meanwhile.
    SigningOut,
    /// Sign-in could not start or complete.
    Failed(AuthError),
}

/// Why there is no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOutReason {
    /// No session was ever stored (or the page was opened afresh after sign-out).
    NotSignedIn,
    /// The API refused the session (`session_expired`, `invalid_token`).
    Ended,
    /// What storage held was not a session (hand-edited, corrupt): removed.
    Discarded,
    /// Signed out in this tab.
    ByUser,
    /// Another tab signed out (or its session ended): this one follows and
    /// never signs itself back in.
    Elsewhere,
}

impl SessionState {
    pub fn session(&self) -> Option<&Session> {
        match self {
            Self::SignedIn(session) => Some(session),
            _ => None,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.session().is_some_and(Session::is_admin)
    }

    /// Whether a protected page should send the person to sign in by itself;
    /// otherwise it shows why there is no session and a button.
    pub fn starts_sign_in(&self) -> bool {
        matches!(
            self,
            Self::SignedOut(SignedOutReason::NotSignedIn | SignedOutReason::Ended)
        )
    }

    /// A sentence for the person about a state without a session, if one is due.
    pub fn explain(&self) -> Option<String> {
        match self {
            Self::SignedOut(SignedOutReason::Discarded) => Some(
                "The saved session could not be read, so it was discarded. Please sign in.".into(),
            ),
            Self::SignedOut(SignedOutReason::Elsewhere) => {
                Some("You signed out in another tab.".into())
            }
            Self::Failed(error) => Some(error.to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_fresh_or_ended_session_starts_sign_in_by_itself() {
        use SignedOutReason::*;
        for (state, starts) in [
            (SessionState::SignedOut(NotSignedIn), true),
            (SessionState::SignedOut(Ended), true),
            (SessionState::SignedOut(Discarded), false),
            (SessionState::SignedOut(ByUser), false),
            (SessionState::SignedOut(Elsewhere), false),
            (SessionState::SigningIn, false),
            (SessionState::SigningOut, false),
            (SessionState::Failed(AuthError::NoCrypto), false),
        ] {
            assert_eq!(state.starts_sign_in(), starts, "{state:?}");
        }
    }

    #[test]
    fn a_discarded_session_says_so() {
        let text = SessionState::SignedOut(SignedOutReason::Discarded)
            .explain()
            .expect("a prompt");
        assert!(text.contains("sign in"), "{text}");
        assert_eq!(SessionState::SigningIn.explain(), None);
    }
}
