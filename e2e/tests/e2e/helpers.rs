//! A headless Chromium driven through its own chromedriver, with waits that
//! tolerate navigation and stale elements; the stack it drives is in `stack`.

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN: (&str, &str) = ("admin@example.com", "Admin-Passw0rd!");
pub const USER: (&str, &str) = ("user@example.com", "User-Passw0rd!");
/// How long any wait lasts before the test fails.
const WAIT: Duration = Duration::from_secs(20);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(100);

pub use crate::stack::*;

/// A chromedriver process of our own, killed when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver leads its own process group, so Chromium goes with it
        // even when a failing test never closed the session.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A browser signed in to the UI at `ui` as `user`, on its `/stats` page.
pub async fn signed_in(ui: &str, user: (&str, &str)) -> Browser {
    let browser = browser().await;
    browser.sign_in_at(ui, "/stats", user, Page::Stats).await;
    browser
}

pub async fn browser() -> Browser {
    browser_sized(None).await
}

/// A browser emulating a phone's `width` × `height` CSS-pixel screen
/// (chromedriver's mobile emulation: viewport, touch, device pixel ratio 2).
pub async fn phone_browser(width: u32, height: u32) -> Browser {
    browser_sized(Some((width, height))).await
}

async fn browser_sized(phone: Option<(u32, u32)>) -> Browser {
    let (listener, port) = free_listener();
    drop(listener);
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {chromedriver}: {e} (cargo xtask test installs it)")
        });
    let profile = std::env::temp_dir().join(format!("e2e-chrome-{}", uuid::Uuid::new_v4()));
    let mut caps = serde_json::Map::new();
    let mut options = json!({
        "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--window-size=1200,900",
            // A second window is as awake as the first (the tab scenarios).
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    if let Some((width, height)) = phone {
        options["mobileEmulation"] = json!({
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2, "touch": true},
        });
    }
    caps.insert("goog:chromeOptions".into(), options);
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => break client,
            Err(_) if started.elapsed() < WAIT => actix_web::rt::time::sleep(POLL).await,
            Err(e) => panic!("chromedriver did not start a session: {e}"),
        }
    };
    Browser {
        client,
        driver,
        profile,
    }
}

impl Browser {
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The current URL, retried while a navigation is under way.
    pub async fn url(&self) -> String {
        self.wait_for("the current URL", async |client| {
            client.current_url().await.map(|u| Some(u.to_string()))
        })
        .await
    }

    /// Polls `probe` until it yields `Some`, retrying through stale elements,
    /// missing elements and navigation in progress (every WebDriver error is
    /// retried until the deadline). On timeout it saves a screenshot and fails
    /// naming `what`, the last error, and the URL and page text it saw last.
    pub async fn wait_for<T>(
        &self,
        what: &str,
        mut probe: impl AsyncFnMut(&Client) -> Result<Option<T>, CmdError>,
    ) -> T {
        let started = Instant::now();
        let mut last_error = None;
        loop {
            match probe(&self.client).await {
                Ok(Some(value)) => return value,
                Ok(None) => {}
                Err(e) => last_error = Some(e.to_string()),
            }
            if started.elapsed() > WAIT {
                self.fail_waiting(what, last_error).await;
            }
            actix_web::rt::time::sleep(POLL).await;
        }
    }

    async fn fail_waiting(&self, what: &str, last_error: Option<String>) -> ! {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("(unknown: {e})"));
        let text = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body
                .text()
                .await
                .unwrap_or_else(|e| format!("(unreadable: {e})")),
            Err(e) => format!("(no body: {e})"),
        };
        let name: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(60)
            .collect();
        let shot = self.save_screenshot(&format!("timeout-{name}")).await;
        panic!(
            "waited {WAIT:?} for {what}\n  last error: {}\n  last URL: {url}\n  screenshot: {shot}\n  page text:\n{text}",
            last_error.as_deref().unwrap_or("none"),
        );
    }

    /// The first element matching `css`, once there is one.
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for(&format!("an element {css}"), async |client| {
            present(client.find(Locator::Css(css)).await)
        })
        .await
    }

    /// Clicks `css`; a click that meets a stale or hidden element is tried again.
    pub async fn click(&self, css: &str) {
        self.wait_for(&format!("a clickable {css}"), async |client| {
            let Some(element) = present(client.find(Locator::Css(css)).await)? else {
                return Ok(None);
            };
            element.click().await.map(Some)
        })
        .await
    }

    /// Clicks the first `css` element whose text is `text`.
    pub async fn click_text(&self, css: &str, text: &str) {
        self.wait_for(&format!("a {css} reading {text:?}"), async |client| {
            for element in client.find_all(Locator::Css(css)).await? {
                if element.text().await?.trim() == text {
                    return element.click().await.map(Some);
                }
            }
            Ok(None)
        })
        .await
    }

    /// Replaces an input's value, as typing would.
    pub async fn fill(&self, css: &str, text: &str) {
        self.wait_for(&format!("an input {css} to type into"), async |client| {
            let Some(input) = present(client.find(Locator::Css(css)).await)? else {
                return Ok(None);
            };
            input.clear().await?;
            input.send_keys(text).await?;
            Ok(Some(()))
        })
        .await
    }

    /// The text of the first `css` element.
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(&format!("the text of {css}"), async |client| {
            let Some(element) = present(client.find(Locator::Css(css)).await)? else {
                return Ok(None);
            };
            element.text().await.map(Some)
        })
        .await
    }

    /// Waits until the text of `css` satisfies `accept`, and returns it.
    pub async fn wait_for_text_in(
        &self,
        css: &str,
        what: &str,
        accept: impl Fn(&str) -> bool,
    ) -> String {
        self.wait_for(what, async |client| {
            let Some(element) = present(client.find(Locator::Css(css)).await)? else {
                return Ok(None);
            };
            let text = element.text().await?;
            Ok(accept(&text).then_some(text))
        })
        .await
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        self.wait_for_text_in("body", &format!("the page to say {needle:?}"), |text| {
            text.contains(needle)
        })
        .await;
    }

    /// Waits until `script` returns something other than `null` or `false`.
    pub async fn wait_for_js(&self, what: &str, script: &str) -> Value {
        self.wait_for(what, async |client| {
            let value = client.execute(script, vec![]).await?;
            Ok((!matches!(value, Value::Null | Value::Bool(false))).then_some(value))
        })
        .await
    }

    /// Landed on `path` of `origin`: `marker` (something only that page renders
    /// once its data has loaded) is on the page, and then the URL is checked.
    pub async fn wait_for_page(&self, origin: &str, path: &str, marker: Page) {
        match marker {
            Page::Stats => {
                self.wait_for_js(
                    "the statistics page with its charts and table",
                    "return document.querySelector('.charts .chart') !== null \
                     && document.querySelector('table.stats tbody tr') !== null",
                )
                .await;
            }
            Page::Profile => self.wait_for_text("Access token expires").await,
            Page::SignedOut => self.wait_for_text("You are signed out").await,
            Page::HostedLogin => {
                self.find("#signInFormUsername").await;
            }
            Page::AdminUsers => {
                self.wait_for_js(
                    "the users page with its table",
                    "return document.querySelector('table.users tbody tr') !== null",
                )
                .await;
            }
        }
        let url = self.url().await;
        assert!(
            url.starts_with(&format!("{origin}{path}")),
            "{marker:?} rendered at {url}, not at {origin}{path}"
        );
    }

    /// Runs `script` (retried while the page is between documents).
    pub async fn js(&self, script: &str) -> Value {
        self.wait_for(&format!("the script {script:?} to run"), async |client| {
            client.execute(script, vec![]).await.map(Some)
        })
        .await
    }

    /// The stored session (localStorage `kpi.session`), if any.
    pub async fn session(&self) -> Option<Value> {
        let raw = self.js("return localStorage.getItem('kpi.session')").await;
        raw.as_str().and_then(|s| serde_json::from_str(s).ok())
    }

    /// The stored access token.
    pub async fn access_token(&self) -> String {
        self.session().await.expect("a stored session")["accessToken"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    /// Fills and submits the hosted UI's login form (Cognito's element ids).
    pub async fn submit_login(&self, user: (&str, &str)) {
        self.fill("#signInFormUsername", user.0).await;
        self.fill("#signInFormPassword", user.1).await;
        self.click("input[name=signInSubmitButton]").await;
    }

    /// Opens `path` (a protected page) at `origin`, signs in on the hosted UI,
    /// and waits until `page` has rendered there.
    pub async fn sign_in_at(&self, origin: &str, path: &str, user: (&str, &str), page: Page) {
        self.goto(&format!("{origin}{path}")).await;
        self.find("#signInFormUsername").await;
        self.submit_login(user).await;
        self.wait_for_page(origin, path, page).await;
    }

    /// Saves a screenshot under `target/e2e-screenshots/`.
    pub async fn screenshot(&self, name: &str) {
        let _ = self.js("window.scrollTo(0, 0)").await;
        let path = self.save_screenshot(name).await;
        assert!(!path.starts_with('('), "screenshot {name}: {path}");
    }

    /// Writes a screenshot and returns its path, or why it could not.
    async fn save_screenshot(&self, name: &str) -> String {
        let dir = workspace_root().join("target/e2e-screenshots");
        let file = dir.join(format!("{name}.png"));
        let written = match self.client.screenshot().await {
            Ok(png) => std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::write(&file, png))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match written {
            Ok(()) => file.display().to_string(),
            Err(e) => format!("(not saved: {e})"),
        }
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// What only one page renders, once loaded.
#[derive(Debug, Clone, Copy)]
pub enum Page {
    /// `/stats`: a chart and a table row.
    Stats,
    /// `/user`: the token expiry line, after the profile loaded.
    Profile,
    /// `/signout`: the signed-out message.
    SignedOut,
    /// The emulator's hosted login form.
    HostedLogin,
    /// `/admin/users`: the users table, loaded.
    AdminUsers,
}

/// An element, `None` while there is none yet; other errors pass on.
fn present(found: Result<Element, CmdError>) -> Result<Option<Element>, CmdError> {
    match found {
        Ok(element) => Ok(Some(element)),
        Err(e) if e.is_no_such_element() => Ok(None),
        Err(e) => Err(e),
    }
}
