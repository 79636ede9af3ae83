//! Client-side helpers for tests (here and in other crates): PKCE pairs and
//! signing in through the hosted UI over real HTTP, as a browser would.
//!
//! Test support: these helpers panic with a clear message on anything unexpected.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::{redirect, Client, Response, StatusCode, Url};
use sha2::{Digest, Sha256};

/// A PKCE pair (RFC 7636, S256).
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// A browser stand-in: its own cookie jar, redirects not followed.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .expect("http client builds")
}

/// The `Location` header of a redirect.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no Location on a {} response", response.status()))
        .to_owned()
}

/// A query parameter of an absolute or relative URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let url = Url::parse(url)
        .or_else(|_| Url::parse("http://relative").and_then(|b| b.join(url)))
        .ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The value of a hidden form field in an HTML page.
pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in page"))
        + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

/// GETs `url` and reads its JSON body.
pub async fn get_json<T: serde::de::DeserializeOwned>(http: &Client, url: &str) -> T {
    http.get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"))
}

/// The emulator's call counters (`/_emulator/counters`).
pub async fn counters(http: &Client, base: &str) -> serde_json::Value {
    get_json(http, &format!("{base}/_emulator/counters")).await
}

/// `{base}/oauth2/authorize?...` for the code flow with PKCE and `state`.
pub fn authorize_url(
    base: &str,
    client_id: &str,
    redirect_uri: &str,
    pkce: &Pkce,
    state: &str,
) -> String {
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("state", state),
        ("scope", "openid email profile"),
        ("code_challenge_method", "S256"),
        ("code_challenge", pkce.challenge.as_str()),
    ])
    .expect("encodable");
    format!("{base}/oauth2/authorize?{query}")
}

/// Follows authorize to the login page, posts the form, and returns the final response.
pub async fn submit_login(
    base: &str,
    browser: &Client,
    authorize_url: &str,
    username: &str,
    password: &str,
) -> Response {
    let to_login = browser.get(authorize_url).send().await.expect("authorize");
    assert_eq!(
        to_login.status(),
        StatusCode::FOUND,
        "authorize redirects to the login page"
    );
    let login_url = format!("{base}{}", location(&to_login));
    let page = browser.get(&login_url).send().await.expect("login page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    let csrf = hidden_field(&html, "_csrf");
    browser
        .post(&login_url)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("signInSubmitButton", "Sign in"),
        ])
        .send()
        .await
        .expect("login post")
}

/// Signs in through the hosted UI and returns the callback URL Cognito redirected to.
pub async fn sign_in(
    base: &str,
    browser: &Client,
    authorize_url: &str,
    username: &str,
    password: &str,
) -> String {
    let response = submit_login(base, browser, authorize_url, username, password).await;
    assert_eq!(
        response.status(),
        StatusCode::FOUND,
        "a good password redirects to the app"
    );
    location(&response)
}

/// The stdout and stderr lines of a child process, as they come (read on two threads).
pub struct OutputLines {
    lines: std::sync::mpsc::Receiver<String>,
}

impl OutputLines {
    /// Takes `child`'s piped stdout and stderr.
    pub fn capture(child: &mut std::process::Child) -> Self {
        use std::io::{BufRead, BufReader};
        let (sender, lines) = std::sync::mpsc::channel();
        let streams: [Option<Box<dyn std::io::Read + Send>>; 2] = [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ];
        for stream in streams.into_iter().flatten() {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = sender.send(line);
                }
            });
        }
        Self { lines }
    }

    /// The lines up to and including the first that contains `needle`;
    /// panics with what it saw if none comes within `timeout` of each line.
    pub fn until(&self, needle: &str, timeout: std::time::Duration) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match self.lines.recv_timeout(timeout) {
                Ok(line) => {
                    let found = line.contains(needle);
                    seen.push(line);
                    if found {
                        return seen;
                    }
                }
                Err(e) => panic!("no line with {needle:?} ({e}); saw {seen:#?}"),
            }
        }
    }
}

/// The client half of Cognito's SRP (`USER_SRP_AUTH`), as amazon-cognito-identity-js
/// computes it, for tests that sign in through the JSON API.
pub struct SrpClient(crate::pool::SrpClientSession);

impl SrpClient {
    pub fn new() -> Self {
        Self(crate::pool::SrpClientSession::new())
    }

    /// `SRP_A`, hex.
    pub fn public_a(&self) -> &str {
        &self.0.public
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for a `PASSWORD_VERIFIER` challenge of the
    /// pool `pool_id`; `None` when the challenge's numbers are malformed.
    #[allow(clippy::too_many_arguments)]
    pub fn signature(
        &self,
        pool_id: &str,
        user_id_for_srp: &str,
        password: &str,
        salt: &str,
        srp_b: &str,
        secret_block: &str,
        timestamp: &str,
    ) -> Option<String> {
        use base64::Engine;
        let block = base64::engine::general_purpose::STANDARD
            .decode(secret_block)
            .ok()?;
        let pool_name = pool_id.split_once('_').map_or(pool_id, |(_, n)| n);
        self.0.sign(
            pool_name,
            user_id_for_srp,
            password,
            salt,
            srp_b,
            &block,
            timestamp,
        )
    }
}

impl Default for SrpClient {
    fn default() -> Self {
        Self::new()
    }
}

/// The `TIMESTAMP` of a `PASSWORD_VERIFIER` answer: `Tue Dec 1 09:05:03 UTC 2026`.
pub fn srp_timestamp(unix_secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{} {} {} {:02}:{:02}:{:02} UTC {}",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        day,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        year
    )
}

/// `SECRET_HASH`: base64(HMAC-SHA256(client secret, username + client id)).
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    crate::json_api::secret_hash(client_secret, username, client_id)
}
