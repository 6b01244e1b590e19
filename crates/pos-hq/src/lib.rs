//! PharmaPOS headquarters (总部): the chain's copy of every store's events and the projections
//! built from them (members, points, coupons, sales), served to tills over HTTP (axum) from
//! PostgreSQL. See `README.md` beside this crate and `docs/sync.md` for the rules.
//!
//! It depends on `pos-sync-proto` only (the wire types and event catalogue), never on the till's
//! code: headquarters must keep reading every event version a till ever sent.
//!
//! The library is the whole server; `pharmapos-hq` (src/main.rs) is a thin CLI over it, and tests
//! run [`router`] in-process against a real PostgreSQL (see [`testing`]).

pub mod api;
pub mod clock;
pub mod config;
pub mod db;
pub mod projection;
pub mod push;
pub mod stores;
pub mod testing;
pub mod views;

pub use api::{router, AppState};
pub use clock::{Clock, ManualClock, SystemClock};
pub use db::{migrate, migrate_client, pool, Pool};
pub use stores::{
    add_store, issue_admin_token, issue_token, revoke_admin_tokens, revoke_tokens, store_for_token,
};
