//! The hosted UI's pages, with Cognito's element ids and field names so that
//! browser tests written against the emulator work against AWS.

use maud::{html, Markup, PreEscaped, DOCTYPE};

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;margin:0;color:#1f2933}
main{max-width:22rem;margin:3rem auto;background:#fff;padding:1.5rem 1.75rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0 0 1rem}
label{display:block;font-size:.9rem;margin:.75rem 0 .25rem}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #9aa5b1;border-radius:4px;font-size:1rem}
input:focus{outline:3px solid #f0b429;outline-offset:1px}
.submitButton-customizable{margin-top:1rem;width:100%;padding:.6rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px;font-size:1rem;cursor:pointer}
.errorMessage-customizable{color:#b91c1c;background:#fef2f2;border:1px solid #fecaca;padding:.5rem;border-radius:4px}
.note{font-size:.85rem;color:#52606d}
.banner{font-size:.75rem;color:#52606d;text-align:center;margin-top:1rem}
"#;

fn layout(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    h1 { (title) }
                    (body)
                    p.banner { "Cognito emulator (offline development pool)" }
                }
            }
        }
    }
    .into_string()
}

fn error_message(error: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = error {
            p #loginErrorMessage .errorMessage-customizable role="alert" { (message) }
        }
    }
}

/// The sign-in form. `query` carries the authorize parameters through the POST.
pub(crate) fn login(query: &str, csrf: &str, username: &str, error: Option<&str>) -> String {
    layout(
        "Sign in with your email and password",
        html! {
            (error_message(error))
            form name="cognitoSignInForm" method="post" action={ "/login?" (query) } {
                input type="hidden" name="_csrf" value=(csrf);
                label for="signInFormUsername" { "Username" }
                input #signInFormUsername .inputField-customizable type="text" name="username"
                    value=(username) autocapitalize="none" autocomplete="username" required;
                label for="signInFormPassword" { "Password" }
                input #signInFormPassword .inputField-customizable type="password" name="password"
                    autocomplete="current-password" required;
                input .submitButton-customizable type="submit" name="signInSubmitButton" value="Sign in";
            }
            p.note { a href={ "/forgotPassword?" (query) } { "Forgot your password?" } }
            p.note { "Need an account? " a href={ "/signup?" (query) } { "Sign up" } }
        },
    )
}

pub(crate) fn signup(
    query: &str,
    csrf: &str,
    username: &str,
    email: &str,
    error: Option<&str>,
) -> String {
    layout(
        "Sign up with a new account",
        html! {
            (error_message(error))
            form name="cognitoSignUpForm" method="post" action={ "/signup?" (query) } {
                input type="hidden" name="_csrf" value=(csrf);
                label for="signUpFormUsername" { "Username" }
                input #signUpFormUsername type="text" name="username" value=(username) required;
                label for="signUpFormEmail" { "Email" }
                input #signUpFormEmail type="email" name="email" value=(email) required;
                label for="signUpFormPassword" { "Password" }
                input #signUpFormPassword type="password" name="password" autocomplete="new-password" required;
                p.note { "At least 8 characters with upper and lower case letters, a number and a symbol." }
                input .submitButton-customizable type="submit" name="signUpButton" value="Sign up";
            }
            p.note { "Already have an account? " a href={ "/login?" (query) } { "Sign in" } }
        },
    )
}

pub(crate) fn confirm(query: &str, csrf: &str, error: Option<&str>) -> String {
    layout(
        "Confirm your account",
        html! {
            (error_message(error))
            p.note { "We have sent a code by email (the emulator prints it in its log)." }
            form name="cognitoConfirmForm" method="post" action={ "/confirm?" (query) } {
                input type="hidden" name="_csrf" value=(csrf);
                label for="verification_code" { "Verification code" }
                input #verification_code type="text" name="code" autocomplete="one-time-code" required;
                input .submitButton-customizable type="submit" name="confirm" value="Confirm account";
            }
        },
    )
}

pub(crate) fn forgot_password(query: &str, csrf: &str) -> String {
    forgot_password_page(query, csrf, None)
}

/// The forgot-password form again, with Cognito's refusal (too many codes asked for).
pub(crate) fn forgot_password_error(query: &str, csrf: &str, error: &str) -> String {
    forgot_password_page(query, csrf, Some(error))
}

fn forgot_password_page(query: &str, csrf: &str, error: Option<&str>) -> String {
    layout(
        "Forgot your password?",
        html! {
            (error_message(error))
            p.note { "Enter your username and we will send a code to reset your password." }
            form name="cognitoForgotForm" method="post" action={ "/forgotPassword?" (query) } {
                input type="hidden" name="_csrf" value=(csrf);
                label for="username" { "Username" }
                input #username type="text" name="username" required;
                input .submitButton-customizable type="submit" name="reset_my_password" value="Reset my password";
            }
        },
    )
}

pub(crate) fn confirm_forgot_password(query: &str, csrf: &str, error: Option<&str>) -> String {
    layout(
        "Reset your password",
        html! {
            (error_message(error))
            p.note { "We have sent a code by email (the emulator prints it in its log)." }
            form name="cognitoResetForm" method="post" action={ "/confirmForgotPassword?" (query) } {
                input type="hidden" name="_csrf" value=(csrf);
                label for="forgot_password_code" { "Code" }
                input #forgot_password_code type="text" name="code" autocomplete="one-time-code" required;
                label for="new_password" { "New password" }
                input #new_password type="password" name="password" autocomplete="new-password" required;
                input .submitButton-customizable type="submit" name="reset_password" value="Change password";
            }
        },
    )
}

/// Cognito's "change password" page for a user with a temporary password.
pub(crate) fn force_change_password(
    query: &str,
    csrf: &str,
    session: &str,
    error: Option<&str>,
) -> String {
    layout(
        "Change Password",
        html! {
            (error_message(error))
            p.note { "Please enter a new password." }
            form name="cognitoForceChangePasswordForm" method="post" action={ "/forceChangePassword?" (query) } {
                input type="hidden" name="_csrf" value=(csrf);
                input type="hidden" name="session" value=(session);
                label for="new_password" { "New Password" }
                input #new_password type="password" name="new_password" autocomplete="new-password" required;
                label for="confirm_password" { "Enter New Password Again" }
                input #confirm_password type="password" name="confirm_password" autocomplete="new-password" required;
                input .submitButton-customizable type="submit" name="reset_password" value="Send";
            }
        },
    )
}

/// The hosted UI's error page (`/error`).
pub(crate) fn error(error: &str, detail: &str) -> String {
    layout(
        "An error was encountered with the requested page.",
        html! {
            p .errorMessage-customizable role="alert" { (detail) }
            p.note { "error: " code { (error) } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_form_escapes_what_it_echoes() {
        let page = login("a=1&b=2", "tok", "<script>", Some("bad & wrong"));
        assert!(page.contains("&lt;script&gt;"));
        assert!(page.contains("bad &amp; wrong"));
        assert!(page.contains(r#"action="/login?a=1&amp;b=2""#));
        assert!(page.contains(r#"id="signInFormUsername""#));
        assert!(page.contains(r#"name="signInSubmitButton""#));
    }
}
