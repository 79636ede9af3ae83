//! The pool's user directory as Cognito's admin API sees it: attributes,
//! admin-created users with temporary passwords, enabling and disabling,
//! admin resets and global sign-out, and `ListUsers` with its filter.

use super::codes::{self, Purpose};
use super::error::PoolError;
use super::model::{Credentials, MessageKind, PoolState, User, UserStatus};
use super::oauth::random_string;
use super::UserPool;

/// Cognito's `ListUsers` page size limit.
pub(crate) const MAX_PAGE: usize = 60;

/// A user as `AdminGetUser` and `ListUsers` show it.
#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub(crate) username: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) created_at: u64,
    pub(crate) modified_at: u64,
    pub(crate) enabled: bool,
    pub(crate) status: &'static str,
}

impl From<&User> for UserRecord {
    fn from(user: &User) -> Self {
        Self {
            username: user.username.clone(),
            attributes: attributes_of(user),
            created_at: user.created_at,
            modified_at: user.modified_at,
            enabled: user.enabled,
            status: user.status.name(),
        }
    }
}

/// Every attribute of a user, `sub` first, as Cognito lists them.
pub(crate) fn attributes_of(user: &User) -> Vec<(String, String)> {
    let mut attributes = vec![("sub".to_owned(), user.sub.clone())];
    if let Some(email) = &user.email {
        attributes.push(("email".to_owned(), email.clone()));
        attributes.push(("email_verified".to_owned(), user.email_verified.to_string()));
    }
    attributes.extend(user.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
    attributes
}

/// The standard attributes Cognito knows; anything else must be `custom:…`.
const STANDARD: [&str; 18] = [
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
    "email",
];

/// Sets one attribute, refusing what Cognito refuses.
pub(crate) fn set_attribute(user: &mut User, name: &str, value: &str) -> Result<(), PoolError> {
    if value.chars().count() > 2048 {
        return Err(PoolError::InvalidParameter(format!(
            "The value of attribute {name} is longer than 2048 characters"
        )));
    }
    match name {
        "sub" => Err(PoolError::InvalidParameter(
            "Cannot modify the non-mutable attribute sub".into(),
        )),
        "email" => {
            if !looks_like_email(value) {
                return Err(PoolError::InvalidParameter(
                    "Invalid email address format.".into(),
                ));
            }
            if user.email.as_deref() != Some(value) {
                user.email = Some(value.to_owned());
                user.email_verified = false;
            }
            Ok(())
        }
        "email_verified" => match value {
            "true" | "false" => {
                user.email_verified = value == "true";
                Ok(())
            }
            _ => Err(PoolError::InvalidParameter(
                "Invalid value for email_verified: must be true or false".into(),
            )),
        },
        _ if STANDARD.contains(&name)
            || name
                .strip_prefix("custom:")
                .is_some_and(|rest| !rest.is_empty()) =>
        {
            user.attributes.insert(name.to_owned(), value.to_owned());
            Ok(())
        }
        _ => Err(PoolError::InvalidParameter(format!(
            "Attribute does not exist in the schema: {name}"
        ))),
    }
}

/// `local@domain.tld`, no spaces.
pub(crate) fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A filter of `ListUsers`: `attribute = "value"` or `attribute ^= "value"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filter {
    attribute: String,
    prefix: bool,
    value: String,
}

/// The attributes Cognito lets `ListUsers` filter on.
const FILTERABLE: [&str; 10] = [
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

impl Filter {
    /// Parses Cognito's filter syntax; a bad one is `InvalidParameterException`.
    pub(crate) fn parse(text: &str) -> Result<Self, PoolError> {
        let invalid = || PoolError::InvalidParameter(format!("Error while parsing filter: {text}"));
        let text = text.trim();
        let (attribute, prefix, rest) = if let Some((a, r)) = text.split_once("^=") {
            (a, true, r)
        } else if let Some((a, r)) = text.split_once('=') {
            (a, false, r)
        } else {
            return Err(invalid());
        };
        let attribute = attribute.trim().trim_matches('"').to_owned();
        if !FILTERABLE.contains(&attribute.as_str()) {
            return Err(PoolError::InvalidParameter(format!(
                "Invalid search attribute: {attribute}"
            )));
        }
        let quoted = rest.trim();
        let value = quoted
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(invalid)?
            .replace("\\\"", "\"");
        Ok(Self {
            attribute,
            prefix,
            value,
        })
    }

    fn matches(&self, user: &User) -> bool {
        let candidate = match self.attribute.as_str() {
            "username" => Some(user.username.clone()),
            "sub" => Some(user.sub.clone()),
            "email" => user.email.clone(),
            "cognito:user_status" => Some(user.status.name().to_owned()),
            "status" => Some(if user.enabled { "Enabled" } else { "Disabled" }.to_owned()),
            other => user.attributes.get(other).cloned(),
        };
        let case_insensitive = self.attribute == "cognito:user_status";
        candidate.is_some_and(|c| {
            let (c, v) = if case_insensitive {
                (c.to_lowercase(), self.value.to_lowercase())
            } else {
                (c, self.value.clone())
            };
            if self.prefix {
                c.starts_with(&v)
            } else {
                c == v
            }
        })
    }
}

/// One page of names after `token` (exclusive), and the next token.
pub(crate) fn page<T: Clone>(
    items: &[(String, T)],
    limit: usize,
    token: Option<&str>,
) -> (Vec<T>, Option<String>) {
    let start = token.map_or(0, |after| {
        items.partition_point(|(key, _)| key.as_str() <= after)
    });
    let slice = &items[start.min(items.len())..];
    let taken: Vec<T> = slice.iter().take(limit).map(|(_, v)| v.clone()).collect();
    let next = (slice.len() > limit).then(|| items[start + limit - 1].0.clone());
    (taken, next)
}

/// A temporary password that satisfies Cognito's default policy.
fn generated_password() -> String {
    format!("{}a1A!", random_string(12))
}

/// What `AdminCreateUser` asks for.
pub(crate) struct AdminCreate {
    pub(crate) username: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) temporary_password: Option<String>,
    /// `MessageAction: SUPPRESS`: no invitation is "sent".
    pub(crate) suppress: bool,
    /// `MessageAction: RESEND`: a new temporary password for an existing invitee.
    pub(crate) resend: bool,
}

impl UserPool {
    fn user_record(&self, username: &str) -> Result<UserRecord, PoolError> {
        self.read(|state, _| state.user(username).map(UserRecord::from))
            .ok_or(PoolError::UserNotFound)
    }

    /// Changes one user under the lock; `UserNotFoundException` when there is none.
    fn change_user<T>(
        &self,
        username: &str,
        change: impl FnOnce(&mut PoolState, String, u64) -> Result<T, PoolError>,
    ) -> Result<T, PoolError> {
        self.write(|state, now| {
            let key = state.user_key(username).ok_or(PoolError::UserNotFound)?;
            change(state, key, now)
        })
    }

    /// `AdminCreateUser`: a user in `FORCE_CHANGE_PASSWORD` with a temporary
    /// password (given, or generated and "sent"); returns it and the temporary password.
    pub(crate) fn admin_create_user(
        &self,
        request: AdminCreate,
    ) -> Result<(UserRecord, String), PoolError> {
        let username = request.username.trim().to_owned();
        if username.is_empty()
            || username.chars().count() > 128
            || username.contains(char::is_whitespace)
        {
            return Err(PoolError::InvalidParameter(
                "1 validation error detected: Value at 'username' failed to satisfy constraint"
                    .into(),
            ));
        }
        let password = match request.temporary_password {
            Some(given) => {
                self.check_password(&given)?;
                given
            }
            None => generated_password(),
        };
        let credentials = self.credentials(&username, &password);
        let record = self.write(|state, now| {
            let validity = state
                .settings
                .password_policy
                .temporary_password_validity_days;
            let expires = now.saturating_add(validity * 24 * 60 * 60);
            if request.resend {
                let user = state.user_mut(&username).ok_or(PoolError::UserNotFound)?;
                if user.status != UserStatus::ForceChangePassword {
                    return Err(PoolError::UnsupportedUserState(
                        "User account already confirmed.",
                    ));
                }
                user.set_credentials(credentials, now);
                user.temporary_password_expires_at = Some(expires);
            } else {
                let email = request
                    .attributes
                    .iter()
                    .find(|(n, _)| n == "email")
                    .map(|(_, v)| v.as_str());
                if state.taken(&username, email) {
                    return Err(PoolError::UsernameExists("User account already exists"));
                }
                let mut user = User::new(&username, credentials, now);
                user.status = UserStatus::ForceChangePassword;
                user.temporary_password_expires_at = Some(expires);
                for (name, value) in &request.attributes {
                    set_attribute(&mut user, name, value)?;
                }
                state.users.insert(username.to_lowercase(), user);
            }
            if !request.suppress {
                state.send(&username, MessageKind::TemporaryPassword, &password);
            }
            Ok(state.user(&username).map(UserRecord::from))
        })?;
        if !request.suppress {
            tracing::info!(username, temporary_password = %password, "invitation sent");
        }
        record.map(|r| (r, password)).ok_or(PoolError::UserNotFound)
    }

    /// `AdminGetUser`.
    pub(crate) fn admin_get_user(&self, username: &str) -> Result<UserRecord, PoolError> {
        self.user_record(username)
    }

    /// `AdminSetUserPassword`: permanent (CONFIRMED) or temporary (FORCE_CHANGE_PASSWORD).
    pub(crate) fn admin_set_password(
        &self,
        username: &str,
        password: &str,
        permanent: bool,
    ) -> Result<(), PoolError> {
        self.check_password(password)?;
        let canonical = self.user_record(username)?.username;
        let credentials = self.credentials(&canonical, password);
        self.change_user(username, |state, key, now| {
            let validity = state
                .settings
                .password_policy
                .temporary_password_validity_days;
            let user = state.users.get_mut(&key).ok_or(PoolError::UserNotFound)?;
            user.set_credentials(credentials, now);
            super::lockout::record_success(user);
            if permanent {
                user.status = UserStatus::Confirmed;
                user.temporary_password_expires_at = None;
            } else {
                user.status = UserStatus::ForceChangePassword;
                user.temporary_password_expires_at =
                    Some(now.saturating_add(validity * 24 * 60 * 60));
            }
            Ok(())
        })
    }

    /// `AdminUpdateUserAttributes` (and the user's own `UpdateUserAttributes`).
    pub(crate) fn update_attributes(
        &self,
        username: &str,
        attributes: &[(String, String)],
    ) -> Result<(), PoolError> {
        self.change_user(username, |state, key, now| {
            if let Some((_, email)) = attributes.iter().find(|(n, _)| n == "email") {
                let holder = state.user_key(email);
                if holder.as_ref().is_some_and(|h| *h != key) {
                    return Err(PoolError::AliasExists);
                }
            }
            let user = state.users.get_mut(&key).ok_or(PoolError::UserNotFound)?;
            let mut changed = user.clone();
            for (name, value) in attributes {
                set_attribute(&mut changed, name, value)?;
            }
            changed.modified_at = now;
            *user = changed;
            Ok(())
        })
    }

    /// `AdminDeleteUser` (and `DeleteUser`): gone, with its sessions and refresh tokens.
    pub(crate) fn delete_user(&self, username: &str) -> Result<(), PoolError> {
        self.change_user(username, |state, key, now| {
            let user = state.users.remove(&key).ok_or(PoolError::UserNotFound)?;
            end_everything(state, &user.username, now);
            Ok(())
        })
    }

    /// `AdminDisableUser` / `AdminEnableUser`. Disabling ends the user's
    /// sessions and refresh tokens and refuses the access tokens issued so far.
    pub(crate) fn set_enabled(&self, username: &str, enabled: bool) -> Result<(), PoolError> {
        self.change_user(username, |state, key, now| {
            let user = state.users.get_mut(&key).ok_or(PoolError::UserNotFound)?;
            user.enabled = enabled;
            user.modified_at = now;
            if !enabled {
                user.signed_out_at = now;
                let name = user.username.clone();
                end_everything(state, &name, now);
            }
            Ok(())
        })
    }

    /// `AdminConfirmSignUp`.
    pub(crate) fn admin_confirm_sign_up(&self, username: &str) -> Result<(), PoolError> {
        self.change_user(username, |state, key, now| {
            let user = state.users.get_mut(&key).ok_or(PoolError::UserNotFound)?;
            if user.status != UserStatus::Unconfirmed {
                return Err(PoolError::NotAuthorized(
                    "User cannot be confirmed. Current status is CONFIRMED",
                ));
            }
            user.status = UserStatus::Confirmed;
            user.confirmation = None;
            user.modified_at = now;
            Ok(())
        })
    }

    /// `AdminResetUserPassword`: `RESET_REQUIRED`, and a reset code "sent".
    pub(crate) fn admin_reset_password(&self, username: &str) -> Result<(), PoolError> {
        self.change_user(username, |state, key, now| {
            let user = state.users.get_mut(&key).ok_or(PoolError::UserNotFound)?;
            if user.email.is_none() || !user.email_verified {
                return Err(PoolError::InvalidParameter(
                    "Cannot reset password for the user as there is no registered/verified email or phone_number".into(),
                ));
            }
            user.status = UserStatus::ResetRequired;
            let code = codes::issue(Purpose::Reset, now);
            let sent = code.code.clone();
            user.reset = Some(code);
            user.modified_at = now;
            let name = user.username.clone();
            state.send(&name, MessageKind::ResetCode, &sent);
            tracing::info!(username = %name, reset_code = %sent, "admin reset: code sent");
            Ok(())
        })
    }

    /// `AdminUserGlobalSignOut` (and `GlobalSignOut`): every refresh token of the
    /// user revoked, hosted-UI sessions ended, access tokens issued so far refused.
    pub(crate) fn global_sign_out(&self, username: &str) -> Result<(), PoolError> {
        self.change_user(username, |state, key, now| {
            let user = state.users.get_mut(&key).ok_or(PoolError::UserNotFound)?;
            // Earlier tokens: refused by time; any of this second: by their revoked origin.
            user.signed_out_at = now;
            let name = user.username.clone();
            end_everything(state, &name, now);
            Ok(())
        })
    }

    /// `ListUsers`: by username, optionally filtered, a page at a time.
    pub(crate) fn list_users(
        &self,
        filter: Option<&Filter>,
        limit: usize,
        token: Option<&str>,
    ) -> (Vec<UserRecord>, Option<String>) {
        self.read(|state, _| {
            let matching: Vec<(String, UserRecord)> = state
                .users
                .iter()
                .filter(|(_, u)| filter.is_none_or(|f| f.matches(u)))
                .map(|(key, u)| (key.clone(), UserRecord::from(u)))
                .collect();
            page(&matching, limit, token)
        })
    }

    /// The last invitation, code or temporary password "sent" to a user (test handle).
    pub(crate) fn last_message(&self, username: &str, kind: MessageKind) -> Option<String> {
        self.read(|state, _| {
            let canonical = state.user(username).map(|u| u.username.clone())?;
            state
                .outbox
                .iter()
                .rev()
                .find(|m| m.kind == kind && m.username == canonical)
                .map(|m| m.value.clone())
        })
    }

    /// `ChangePassword`: the previous password must be right.
    pub(crate) fn change_password(
        &self,
        username: &str,
        previous: &str,
        proposed: &str,
    ) -> Result<(), PoolError> {
        self.check_password(proposed)?;
        let found = self.read(|state, _| {
            state
                .user(username)
                .map(|u| (u.username.clone(), u.password_hash.clone()))
        });
        let (canonical, hash) = found.ok_or(PoolError::UserNotFound)?;
        if !self.hasher.verify(previous, &hash) {
            return Err(PoolError::NotAuthorized(super::error::BAD_CREDENTIALS));
        }
        let credentials: Credentials = self.credentials(&canonical, proposed);
        self.change_user(username, |state, key, now| {
            let user = state.users.get_mut(&key).ok_or(PoolError::UserNotFound)?;
            user.set_credentials(credentials, now);
            Ok(())
        })
    }
}

/// Ends a user's hosted-UI sessions and revokes their refresh tokens (state
/// locked); userInfo refuses the access tokens issued from them.
fn end_everything(state: &mut PoolState, username: &str, now: u64) {
    state
        .sessions
        .retain(|_, s| !s.sign_in.username.eq_ignore_ascii_case(username));
    let tokens: Vec<String> = state
        .refresh_tokens
        .iter()
        .filter(|(_, g)| g.sign_in.username.eq_ignore_ascii_case(username))
        .map(|(token, _)| token.clone())
        .collect();
    for token in tokens {
        if let Some(grant) = state.refresh_tokens.remove(&token) {
            let lifetime = state
                .clients
                .get(&grant.client_id)
                .map_or(24 * 60 * 60, |c| c.access_token_secs);
            state
                .revoked_origins
                .insert(grant.origin_jti, now.saturating_add(lifetime));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_as_cognito_writes_them() {
        let exact = Filter::parse(r#"email = "a@example.com""#).expect("valid");
        assert_eq!(exact.attribute, "email");
        assert!(!exact.prefix);
        let prefix = Filter::parse(r#"email ^= "adm""#).expect("valid");
        assert!(prefix.prefix);
        assert_eq!(prefix.value, "adm");
        assert!(Filter::parse("email = unquoted").is_err());
        assert!(Filter::parse(r#"favourite_colour = "blue""#).is_err());
        assert!(Filter::parse("nonsense").is_err());
    }

    #[test]
    fn pages_continue_after_the_token() {
        let items: Vec<(String, u32)> = (0..5).map(|i| (format!("u{i}"), i)).collect();
        let (first, next) = page(&items, 2, None);
        assert_eq!(first, [0, 1]);
        let (second, next) = page(&items, 2, next.as_deref());
        assert_eq!(second, [2, 3]);
        let (third, next) = page(&items, 2, next.as_deref());
        assert_eq!(third, [4]);
        assert_eq!(next, None);
    }
}
