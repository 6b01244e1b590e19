//! PharmaPOS core: the domain (staff, catalog, carts, and later members, sales and returns) and
//! its storage on one SQLite file per till. It knows nothing of Tauri, axum or printpdf and does
//! no network I/O; the desktop shell, the CLI and the tests all reach it through [`api::Api`].

pub mod api;
pub mod audit;
pub mod backup;
pub mod business_day;
pub mod cart;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod day_close;
pub mod db;
pub mod demo;
pub mod documents;
pub mod error;
pub mod hlc;
pub mod housekeeping;
pub mod id_card;
pub mod ids;
pub mod member;
pub mod money;
pub mod pharmacy;
pub mod pricing;
pub mod report_doc;
pub mod rules;
pub mod rules_preview;
pub mod sale;
pub mod settings;
pub mod shift;
pub mod staff;
pub mod sync;
pub mod text;
pub mod till;
pub mod trace;

pub use api::Api;
pub use error::{ErrorCode, PosError, Result};
pub use money::Money;
