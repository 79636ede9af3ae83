//! Driving a page with the keyboard alone: Tab until a control has focus,
//! typing into the focused control, and whether focus can be seen.

use crate::helpers::Browser;
use serde_json::Value;

const TAB: &str = "\u{e004}";
const ENTER: &str = "\u{e007}";
/// More than any page here has controls.
const MAX_TABS: usize = 60;

/// The focused element: its tag, text or label, and whether its focus ring shows.
const FOCUSED: &str = "const e = document.activeElement; if (!e || e === document.body) return null; \
    const s = getComputedStyle(e); \
    const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; \
    return { tag: e.tagName.toLowerCase(), id: e.id, \
             text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim(), \
             visible: ring };";

impl Browser {
    /// Sends `keys` to whatever has focus (the page itself if nothing does).
    pub async fn press(&self, keys: &str) {
        self.wait_for(&format!("to press {keys:?}"), async |client| {
            let target = client.active_element().await?;
            target.send_keys(keys).await.map(Some)
        })
        .await;
    }

    pub async fn press_tab(&self) {
        self.press(TAB).await;
    }

    pub async fn press_enter(&self) {
        self.press(ENTER).await;
    }

    /// The focused element, as [`FOCUSED`] describes it.
    pub async fn focused(&self) -> Value {
        self.js(FOCUSED).await
    }

    /// Presses Tab until the focused element matches `wanted` (a CSS
    /// selector), asserting on the way that every focused control shows its
    /// focus. Returns how many controls were passed.
    pub async fn tab_to(&self, wanted: &str) -> usize {
        let matches = format!(
            "return document.activeElement !== null && document.activeElement.matches({wanted:?})"
        );
        for presses in 0..MAX_TABS {
            if self.js(&matches).await == Value::Bool(true) {
                return presses;
            }
            self.press_tab().await;
            let focused = self.focused().await;
            if !focused.is_null() {
                assert_eq!(
                    focused["visible"],
                    Value::Bool(true),
                    "focus is not visible on {focused}"
                );
            }
        }
        panic!(
            "{MAX_TABS} presses of Tab never reached {wanted}; last focused: {}",
            self.focused().await
        );
    }
}
