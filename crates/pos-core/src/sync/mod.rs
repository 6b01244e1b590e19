//! The till's side of the sync with headquarters (SYNC-DESIGN.md), without any network I/O:
//! the outbox it fills ([`outbox`]), what it applies from other stores ([`apply`]), and its sync
//! state (cursor, last success, last error). The HTTP client lives in `pos-sync`.

pub mod apply;
pub mod outbox;
pub mod restore;
pub mod state;

use serde::Serialize;

/// Whether `sql` (one `?1` for an id) finds a row: a member, coupon, lot or sale already here.
pub(crate) fn exists(c: &rusqlite::Connection, sql: &str, id: uuid::Uuid) -> Result<bool> {
    use rusqlite::OptionalExtension;
    Ok(c.prepare_cached(sql)?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A UUID stored as text in column `i` (pulled events, outbox rows).
pub(crate) fn uuid_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<uuid::Uuid> {
    let s: String = r.get(i)?;
    uuid::Uuid::parse_str(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

/// The wire spelling of one of our serde enums (`Tier::Gold` → `gold`), for catalogue payloads
/// that carry enums as plain strings.
pub(crate) fn tag<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("{other:?} is not a unit enum"),
    }
}

use ts_rs::TS;

use crate::db::Store;
use crate::error::{ErrorCode, PosError, Result};

/// What one sync did, as staff see it after "立即同步".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
pub struct SyncReport {
    /// Events headquarters stored now.
    #[ts(type = "number")]
    pub pushed: u64,
    /// Events headquarters already had (a retry after a lost answer): marked sent, not doubled.
    #[ts(type = "number")]
    pub duplicates: u64,
    /// Events headquarters set aside (kept unsent here), with headquarters' reason.
    pub quarantined: Vec<String>,
    /// Holes in this till's sequence as headquarters sees it (`from–to`).
    pub gaps: Vec<String>,
    /// Events pulled that were new here, and what applying them did.
    #[ts(type = "number")]
    pub pulled: u64,
    #[ts(type = "number")]
    pub applied: u64,
    #[ts(type = "number")]
    pub waiting: u64,
    #[ts(type = "number")]
    pub conflicts: u64,
    /// Events still unsent afterwards.
    #[ts(type = "number")]
    pub unsynced: i64,
}

/// What a till whose file was lost asks headquarters for (the first-run screen's 从总部恢复).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    pub hq_url: String,
    pub token: String,
    /// The store's manager who restores, and the new PIN they choose (PINs never leave a till).
    pub manager_staff_no: String,
    pub manager_pin: String,
}

/// What came back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
pub struct RestoreReport {
    pub store_id: String,
    /// This store's own events headquarters had, and what they became.
    #[ts(type = "number")]
    pub events: u64,
    #[ts(type = "number")]
    pub sales: i64,
    #[ts(type = "number")]
    pub returns: i64,
    #[ts(type = "number")]
    pub members: i64,
    #[ts(type = "number")]
    pub staff: i64,
    /// The other stores' events pulled afterwards.
    #[ts(type = "number")]
    pub pulled: u64,
}

/// Runs a sync with headquarters. The core declares it; `pos-sync` implements it over HTTP and
/// the desktop and the CLI plug it in, so the core itself does no network I/O.
pub trait Syncer: Send + Sync {
    /// Pushes, then pulls; `progress(done, total)` as it goes (total 0 while pulling).
    fn sync(&self, store: &Store, progress: &dyn Fn(u64, u64)) -> Result<SyncReport>;
    /// Rebuilds this (new, empty) store file from headquarters; `progress(events, 0)`.
    fn restore(
        &self,
        store: &Store,
        request: &RestoreRequest,
        progress: &dyn Fn(u64, u64),
    ) -> Result<RestoreReport>;
}

/// Nothing plugged in: "sync now" is refused with a clear error.
pub struct NoSyncer;

impl Syncer for NoSyncer {
    fn sync(&self, _: &Store, _: &dyn Fn(u64, u64)) -> Result<SyncReport> {
        Err(no_sync())
    }
    fn restore(
        &self,
        _: &Store,
        _: &RestoreRequest,
        _: &dyn Fn(u64, u64),
    ) -> Result<RestoreReport> {
        Err(no_sync())
    }
}

fn no_sync() -> PosError {
    PosError::new(
        ErrorCode::SyncFailed,
        "此程序不含同步组件，请使用收银台程序或 pharmapos sync",
    )
}
