//! Every promise of the product, checked the way a person meets it: in
//! headless Chromium, through the hosted UI, against the whole stack.

mod axe;
mod helpers;
mod keyboard;
mod scenarios;
mod stack;
mod windows;
