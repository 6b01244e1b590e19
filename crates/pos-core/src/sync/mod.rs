//! The till's side of the sync with headquarters (SYNC-DESIGN.md), without any network I/O:
//! the outbox it fills ([`outbox`]), what it applies from other stores ([`apply`]), and its sync
//! state (cursor, last success, last error). The HTTP client lives in `pos-sync`.

pub mod apply;
pub mod outbox;
pub mod state;

use serde::Serialize;

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

/// Runs a sync with headquarters. The core declares it; `pos-sync` implements it over HTTP and
/// the desktop and the CLI plug it in, so the core itself does no network I/O.
pub trait Syncer: Send + Sync {
    /// Pushes, then pulls; `progress(done, total)` as it goes (total 0 while pulling).
    fn sync(&self, store: &Store, progress: &dyn Fn(u64, u64)) -> Result<SyncReport>;
}

/// Nothing plugged in: "sync now" is refused with a clear error.
pub struct NoSyncer;

impl Syncer for NoSyncer {
    fn sync(&self, _: &Store, _: &dyn Fn(u64, u64)) -> Result<SyncReport> {
        Err(PosError::new(
            ErrorCode::SyncFailed,
            "此程序不含同步组件，请使用收银台程序或 pharmapos sync",
        ))
    }
}
