//! Several windows of one browser (tabs sharing localStorage, each with its
//! own sessionStorage), faults at the emulator, and what a page's layout does.

use crate::helpers::{Browser, Page, Stack};
use cognito_emulator::{Fault, FaultTarget};
use fantoccini::wd::WindowHandle;
use serde_json::Value;

impl Browser {
    /// The window commands go to now.
    pub async fn current_window(&self) -> WindowHandle {
        self.client.window().await.expect("the current window")
    }

    /// Opens another window of this browser (same profile, so the same
    /// localStorage) on `url`, and makes it current.
    /// A second tab of the signed-in UI at `ui`, on `/user`: (first, second).
    pub async fn second_tab(&self, ui: &str) -> (WindowHandle, WindowHandle) {
        let first = self.current_window().await;
        let second = self.open_window(&format!("{ui}/user")).await;
        self.wait_for_page(ui, "/user", Page::Profile).await;
        (first, second)
    }

    pub async fn open_window(&self, url: &str) -> WindowHandle {
        let opened = self.client.new_window(false).await.expect("a new window");
        self.switch_to(&opened.handle).await;
        self.goto(url).await;
        opened.handle
    }

    /// Sends the next commands to `window`.
    pub async fn switch_to(&self, window: &WindowHandle) {
        self.client
            .switch_to_window(window.clone())
            .await
            .expect("switch windows");
    }

    /// Counts, in this window, the API calls made from now on and those that
    /// carried the refresh token (`window.__calls`, `window.__refreshes`).
    /// While [`Self::hold_refreshes`] is on, a call carrying the refresh token
    /// leaves the page only at [`Self::release_refreshes`].
    pub async fn count_api_calls(&self) {
        self.js(
            "if (!window.__counting) { window.__counting = true; window.__calls = 0; \
             window.__refreshes = 0; const fetch = window.fetch; \
             window.fetch = function (request, init) { window.__calls += 1; \
               const refresh = request instanceof Request && request.headers.has('x-refresh-token'); \
               if (refresh) { window.__refreshes += 1; } \
               const go = () => fetch.call(window, request, init); \
               return refresh && window.__hold ? window.__hold.then(go) : go(); }; }",
        )
        .await;
    }

    pub async fn hold_refreshes(&self) {
        self.js("window.__hold = new Promise(r => window.__release = r)")
            .await;
    }

    pub async fn release_refreshes(&self) {
        self.js("window.__release(); window.__hold = null").await;
    }

    /// (API calls, of which carried the refresh token) since [`Self::count_api_calls`].
    pub async fn api_calls(&self) -> (u64, u64) {
        let counts = self
            .js("return [window.__calls || 0, window.__refreshes || 0]")
            .await;
        (
            counts[0].as_u64().unwrap_or(0),
            counts[1].as_u64().unwrap_or(0),
        )
    }

    /// The stored refresh token.
    pub async fn refresh_token(&self) -> String {
        self.session().await.expect("a stored session")["refreshToken"]
            .as_str()
            .expect("a refresh token")
            .to_owned()
    }

    /// Whether the page itself scrolls sideways, and the controls a person
    /// cannot reach: of no size, or outside the page's width and not inside a
    /// box of their own that scrolls sideways (a wide table's wrapper).
    pub async fn layout_problems(&self) -> Value {
        self.js(
            "const root = document.documentElement; const width = root.clientWidth; \
             const scroller = e => { for (let p = e.parentElement; p; p = p.parentElement) { \
               const x = getComputedStyle(p).overflowX; \
               if ((x === 'auto' || x === 'scroll') && p.scrollWidth > p.clientWidth) return p; } \
               return null; }; \
             const controls = [...document.querySelectorAll('a[href], button, input, select, textarea')] \
               .filter(e => e.type !== 'hidden' && getComputedStyle(e).visibility !== 'hidden'); \
             const unreachable = controls.filter(e => { \
               const r = e.getBoundingClientRect(); \
               if (r.width < 1 || r.height < 1) return true; \
               if (r.left >= -1 && r.right <= width + 1) return false; \
               const box = scroller(e); \
               if (!box) return true; \
               const b = box.getBoundingClientRect(); \
               return r.left - b.left + box.scrollLeft < -1 \
                 || r.right - b.left + box.scrollLeft > box.scrollWidth + 1; \
             }).map(e => e.outerHTML.slice(0, 120)); \
             return { scrollWidth: root.scrollWidth, clientWidth: width, \
                      controls: controls.length, unreachable };",
        )
        .await
    }
}

impl Stack {
    /// Emulator fault: its token endpoint answers `status` until cleared.
    pub fn fail_token_endpoint(&self, status: u16) {
        self.idp_admin
            .set_fault(FaultTarget::Token, Fault::Status(status));
    }

    pub fn clear_faults(&self) {
        self.idp_admin.clear_faults();
    }
}
