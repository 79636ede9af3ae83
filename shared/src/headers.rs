//! Header names used between the UI and the API (lowercase, as HTTP/2 sends them).

/// Request: the refresh token, sent only when a server-side refresh is due.
/// Response: a rotated refresh token, present only when Cognito rotated it.
pub const REFRESH_TOKEN: &str = "x-refresh-token";
/// Response: a refreshed access token; the UI saves it.
pub const ACCESS_TOKEN: &str = "x-access-token";
/// Response: a refreshed ID token; the UI saves it.
pub const ID_TOKEN: &str = "x-id-token";
/// Request: `Bearer <access token>`.
pub const AUTHORIZATION: &str = "authorization";

/// The request headers a UI origin may send (the CORS allowlist).
pub const ALLOWED_REQUEST_HEADERS: [&str; 3] = [AUTHORIZATION, "content-type", REFRESH_TOKEN];
/// The response headers a UI origin may read (the CORS expose list).
pub const EXPOSED_RESPONSE_HEADERS: [&str; 3] = [ACCESS_TOKEN, ID_TOKEN, REFRESH_TOKEN];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_lowercase_ascii() {
        for name in ALLOWED_REQUEST_HEADERS
            .iter()
            .chain(EXPOSED_RESPONSE_HEADERS.iter())
        {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name}"
            );
        }
    }
}
