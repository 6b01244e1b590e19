//! End-to-end tests of the real desktop app: tauri-driver + WebKitWebDriver drive the built
//! `pharmapos-desktop` binary under Xvfb (scripts/test.sh runs `cargo test` inside `xvfb-run`).
//! Each test starts its own app on its own demo store file and its own driver ports.
//!
//! The test target `e2e` belongs to the desktop package (src-tauri/Cargo.toml), so that
//! `cargo test` builds the app and `CARGO_BIN_EXE_pharmapos-desktop` names it; its files live
//! here, beside the other tests that cross crates, one module per journey over the shared page
//! helpers of `pages`. Run one journey with
//! `cargo test -p pharmapos-desktop --test e2e <module or test name>`.

mod pages;

mod cashier;
mod checkout;
mod complaints;
mod counter;
mod follow_up;
mod guidance;
mod headquarters;
mod manager_admin;
mod manager_day;
mod members;
mod pharmacist;
mod prescription;
mod programme;
mod registers;
mod returns;
mod scan_across_screens;
mod start;
mod trace_codes;
