//! Commands of backups and the store file's integrity: the status, the settings, a backup now,
//! a restore (with a copy of the current file kept first), and a check of the file.

use serde::Deserialize;
use ts_rs::TS;

use super::{Command, Ctx, ImportProgress};
use crate::backup::{self, BackupReport, BackupRestored, BackupSettings, BackupStatus};
use crate::error::{ErrorCode, PosError, Result};
use crate::staff::Role;

/// `backup_status`: settings, the folder, the last backup and the backups kept (manager).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupStatusGet {}

impl Command for BackupStatusGet {
    const NAME: &'static str = "backup_status";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = BackupStatus;
    fn run(self, ctx: &Ctx<'_>) -> Result<BackupStatus> {
        backup::status(ctx.store)
    }
}

/// `backup_settings_update`: folder, how many to keep, the daily time (manager; audited).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupSettingsUpdate {
    pub settings: BackupSettings,
}

impl Command for BackupSettingsUpdate {
    const NAME: &'static str = "backup_settings_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = BackupStatus;
    fn run(self, ctx: &Ctx<'_>) -> Result<BackupStatus> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            let saved = backup::set_settings(tx, &self.settings)?;
            crate::audit::record(
                tx,
                Some(me),
                "settings.backup",
                "backup_settings",
                serde_json::to_value(&saved).map_err(PosError::storage)?,
            )
        })?;
        backup::status(ctx.store)
    }
}

/// `backup_now`: a backup now; progress as `ImportProgress` (bytes copied of the store's size).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupNow {}

impl Command for BackupNow {
    const NAME: &'static str = "backup_now";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = BackupReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<BackupReport> {
        backup::run(ctx.store, &|done, total| {
            (ctx.progress)(ImportProgress { done, total })
        })
    }
}

/// `backup_restore`: puts a backup in place of the store's data (manager, after a confirmation
/// on screen: `confirmed` must be true). The current file is copied aside first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupRestore {
    pub path: String,
    pub confirmed: bool,
}

impl Command for BackupRestore {
    const NAME: &'static str = "backup_restore";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = BackupRestored;
    fn run(self, ctx: &Ctx<'_>) -> Result<BackupRestored> {
        if !self.confirmed {
            return Err(PosError::new(
                ErrorCode::BadRequest,
                "恢复会用备份替换当前数据，请先在屏幕上确认",
            ));
        }
        let me = ctx.my_id()?;
        let report = backup::restore_into(ctx.store, std::path::Path::new(&self.path))?;
        ctx.store.write(|tx| {
            crate::audit::record(
                tx,
                Some(me),
                "backup.restore",
                &report.restored_from,
                serde_json::json!({ "previous_kept_at": report.previous_kept_at }),
            )
        })?;
        Ok(report)
    }
}

/// `store_check`: checks the store file now (`quick_check`); answers the backup status, whose
/// `damaged` says what was found. Any logged-in staff (the till shows why selling stopped).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StoreCheck {}

impl Command for StoreCheck {
    const NAME: &'static str = "store_check";
    const ROLES: &'static [Role] = &[];
    type Output = Option<String>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Option<String>> {
        Ok(ctx.store.check_integrity().err().map(|e| e.message))
    }
}

/// `store_health`: what an integrity check found earlier, without checking again (cheap: the
/// banner asks at every login). Any logged-in staff.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StoreHealthGet {}

impl Command for StoreHealthGet {
    const NAME: &'static str = "store_health";
    const ROLES: &'static [Role] = &[];
    type Output = Option<String>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Option<String>> {
        Ok(ctx.store.damage().map(|e| e.message))
    }
}
