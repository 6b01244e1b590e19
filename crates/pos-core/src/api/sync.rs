//! Commands of the sync with headquarters: the status bar's figures, the manager's connection
//! settings, and "sync now" (through the plugged-in [`crate::sync::Syncer`]).

use serde::Deserialize;
use ts_rs::TS;

use super::{Command, Ctx, ImportProgress};
use crate::error::Result;
use crate::staff::Role;
use crate::sync::{state, SyncReport};

/// `sync_status`: unsynced events, last success and last error (any logged-in staff: the
/// status bar shows it to everyone).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SyncStatusGet {}

impl Command for SyncStatusGet {
    const NAME: &'static str = "sync_status";
    const ROLES: &'static [Role] = &[];
    type Output = state::SyncStatus;
    fn run(self, ctx: &Ctx<'_>) -> Result<state::SyncStatus> {
        ctx.store.read(state::status)
    }
}

/// `sync_configure`: headquarters' address, this store's token and the nightly time (manager).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SyncConfigure {
    pub hq_url: String,
    /// This store's token as headquarters issued it; `""` keeps the one saved before.
    pub token: String,
    /// `HH:MM`; default `02:00`.
    #[serde(default)]
    #[ts(optional)]
    pub nightly_at: Option<String>,
}

impl Command for SyncConfigure {
    const NAME: &'static str = "sync_configure";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = state::SyncStatus;
    fn run(self, ctx: &Ctx<'_>) -> Result<state::SyncStatus> {
        let at = self.nightly_at.as_deref().unwrap_or("02:00");
        ctx.store
            .write(|tx| state::configure(tx, &self.hq_url, &self.token, at))?;
        ctx.store.read(state::status)
    }
}

/// `sync_now`: push, then pull, now; progress as `ImportProgress` events.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SyncNow {}

impl Command for SyncNow {
    const NAME: &'static str = "sync_now";
    const ROLES: &'static [Role] = &[];
    type Output = SyncReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SyncReport> {
        ctx.api.syncer.sync(ctx.store, &|done, total| {
            (ctx.progress)(ImportProgress { done, total })
        })
    }
}

/// `restore_from_hq`: rebuilds a lost till on this new, empty store file from headquarters
/// (no login: there is nobody to log in yet; refused once the file has staff or sales).
impl Command for crate::sync::RestoreRequest {
    const NAME: &'static str = "restore_from_hq";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = crate::sync::RestoreReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<crate::sync::RestoreReport> {
        ctx.api.syncer.restore(ctx.store, &self, &|done, total| {
            (ctx.progress)(ImportProgress { done, total })
        })
    }
}
