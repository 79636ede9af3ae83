//! Building blocks shared by the pages.

mod error_banner;
mod facts;
mod line_chart;
mod nav;
mod route_link;
mod spinner;
mod stat_form;
mod stats_table;

pub use error_banner::error_banner;
pub use facts::{button, facts};
pub use line_chart::{line_chart, Point};
pub use nav::Nav;
pub use route_link::route_link;
pub use spinner::{spinner, LOADING};
pub use stat_form::{StatForm, StatFormMode};
pub use stats_table::{stats_table, RowAction};
