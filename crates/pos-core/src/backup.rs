//! Backups and the store file's integrity (PRODUCT.md §1: nothing lost).
//!
//! - A backup is `VACUUM INTO` a new file from a connection of its own: one read transaction, so
//!   the copy is one consistent moment of the store while sales go on being written (WAL lets the
//!   writer continue). The copy is written under a temporary name, reopened and
//!   `integrity_check`ed, then renamed into place; the oldest backups beyond the kept number are
//!   removed. Progress is the copy's size against the store's.
//! - The store is checked (`quick_check`) before each backup and at start-up; a damaged file
//!   stops taking writes (`STORE_DAMAGED`, see `Store::write`) until it is restored.
//! - A restore first copies the current file aside (even a damaged one, byte for byte), checks
//!   that the chosen file is a whole PharmaPOS store, and puts it in place of the live file (with
//!   the live file's WAL removed). It runs with the store closed (CLI, or the desktop before it
//!   opens the store).

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::china;
use crate::db::Store;
use crate::error::{ErrorCode, PosError, Result};

/// File names of backups: `pharmapos-YYYYMMDD-HHMMSS.sqlite` (local time), so they sort by age.
const PREFIX: &str = "pharmapos-";
const SUFFIX: &str = ".sqlite";

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupFile {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// When it was taken (from its name, local time `YYYY-MM-DD HH:MM:SS`).
    pub taken_at: String,
}

/// What a backup did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupReport {
    pub file: BackupFile,
    /// Milliseconds the copy and its check took.
    #[ts(type = "number")]
    pub took_ms: u64,
    /// Older backups removed to keep the configured number.
    pub removed: Vec<String>,
}

/// Runs `PRAGMA quick_check` (or the full `integrity_check`) on `path` from a read-only
/// connection of its own; `Ok(())` when the file is whole, else `STORE_DAMAGED` with what
/// SQLite found.
pub fn check_file(path: &Path, full: bool) -> Result<()> {
    let c = open_read_only(path)?;
    let pragma = if full {
        "integrity_check"
    } else {
        "quick_check"
    };
    let found: std::result::Result<Vec<String>, rusqlite::Error> = c
        .prepare(&format!("PRAGMA {pragma}"))
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect());
    match found {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => Ok(()),
        Ok(lines) => Err(damaged(path, &lines.join("；"))),
        Err(e) => Err(damaged(path, &e.to_string())),
    }
}

fn damaged(path: &Path, what: &str) -> PosError {
    PosError::new(
        ErrorCode::StoreDamaged,
        format!(
            "数据文件 {} 已损坏，已停止收银以免数据出错。请由店长从最近的备份恢复（店务 → 备份与恢复，或 pharmapos restore）。检查结果：{}",
            path.display(),
            what.chars().take(300).collect::<String>()
        ),
    )
}

fn open_read_only(path: &Path) -> Result<Connection> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| PosError::storage(format!("无法打开 {}：{e}", path.display())))?;
    c.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(c)
}

/// Takes a backup of `store` into `dir`, keeping the newest `keep` backups there.
/// `progress(done_bytes, total_bytes)` is called while the copy grows.
pub fn backup(
    store: &Store,
    dir: &Path,
    keep: usize,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<BackupReport> {
    let started = Instant::now();
    check_file(store.path(), false)?;
    std::fs::create_dir_all(dir).map_err(|e| io_error("无法创建备份文件夹", dir, e))?;
    let mut name = file_name(store.clock().now());
    // Two backups in the same second (a manual one just after the daily one) keep both.
    let mut n = 2;
    while dir.join(&name).exists() {
        name = file_name(store.clock().now()).replace(SUFFIX, &format!("-{n}{SUFFIX}"));
        n += 1;
    }
    let final_path = dir.join(&name);
    let part = dir.join(format!("{name}.part"));
    let _ = std::fs::remove_file(&part);
    let total = std::fs::metadata(store.path()).map_or(0, |m| m.len());
    let source = open_read_only(store.path())?;
    let done = std::sync::atomic::AtomicBool::new(false);
    let copied = std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let now = std::fs::metadata(&part).map_or(0, |m| m.len());
                progress(now.min(total), total);
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        });
        let r = source.execute("VACUUM INTO ?1", [part.to_string_lossy().as_ref()]);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = watcher.join();
        r
    });
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&part);
        return Err(PosError::new(
            ErrorCode::BackupFailed,
            format!(
                "备份未完成：{e}。请检查备份文件夹 {} 是否可写、空间是否足够",
                dir.display()
            ),
        ));
    }
    if let Err(e) = check_file(&part, true).and_then(|()| is_store(&part)) {
        let _ = std::fs::remove_file(&part);
        return Err(PosError::new(
            ErrorCode::BackupFailed,
            format!("备份文件校验未通过，已删除：{}", e.message),
        ));
    }
    sync_file(&part)?;
    std::fs::rename(&part, &final_path).map_err(|e| io_error("无法保存备份", &final_path, e))?;
    sync_dir(dir);
    let bytes = std::fs::metadata(&final_path).map_or(0, |m| m.len());
    progress(bytes, bytes);
    let removed = prune(dir, keep)?;
    let file = BackupFile {
        path: final_path.to_string_lossy().into_owned(),
        bytes,
        taken_at: taken_at(&name).unwrap_or_default(),
    };
    Ok(BackupReport {
        file,
        took_ms: started.elapsed().as_millis() as u64,
        removed,
    })
}

fn file_name(now: DateTime<Utc>) -> String {
    format!(
        "{PREFIX}{}{SUFFIX}",
        now.with_timezone(&china()).format("%Y%m%d-%H%M%S")
    )
}

fn taken_at(name: &str) -> Option<String> {
    let stem = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    // `…-HHMMSS-2`: a second backup in the same second.
    let stem = stem.get(..15).unwrap_or(stem);
    let t = chrono::NaiveDateTime::parse_from_str(stem, "%Y%m%d-%H%M%S").ok()?;
    Some(t.format("%Y-%m-%d %H:%M:%S").to_string())
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> PosError {
    PosError::new(
        ErrorCode::BackupFailed,
        format!("{what} {}：{e}", path.display()),
    )
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error("无法写入磁盘", path, e))
}

fn sync_dir(dir: &Path) {
    // Best effort: makes the rename durable on Linux; not every platform opens directories.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The backups in `dir`, newest first.
pub fn list(dir: &Path) -> Result<Vec<BackupFile>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<BackupFile> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let taken = taken_at(&name)?;
            Some(BackupFile {
                path: e.path().to_string_lossy().into_owned(),
                bytes: e.metadata().map_or(0, |m| m.len()),
                taken_at: taken,
            })
        })
        .collect();
    files.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.path.cmp(&a.path)));
    Ok(files)
}

fn prune(dir: &Path, keep: usize) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for old in list(dir)?.into_iter().skip(keep.max(1)) {
        if std::fs::remove_file(&old.path).is_ok() {
            removed.push(old.path);
        }
    }
    Ok(removed)
}

/// A whole PharmaPOS store: SQLite, with a till identity and the tables sales live in.
pub fn is_store(path: &Path) -> Result<()> {
    let not_a_store = |why: String| {
        PosError::new(
            ErrorCode::NotAStore,
            format!(
                "{} 不是 PharmaPOS 的数据文件（{why}），请选择备份文件夹中的 pharmapos-….sqlite",
                path.display()
            ),
        )
    };
    let c = open_read_only(path).map_err(|e| not_a_store(e.message))?;
    let tables: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'
               AND name IN ('till', 'sale', 'sale_line', 'staff', 'outbox')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| not_a_store(e.to_string()))?;
    if tables != 5 {
        return Err(not_a_store("缺少收银数据表".into()));
    }
    let tills: i64 = c
        .query_row("SELECT count(*) FROM till", [], |r| r.get(0))
        .map_err(|e| not_a_store(e.to_string()))?;
    if tills != 1 {
        return Err(not_a_store("没有收银台标识".into()));
    }
    Ok(())
}

/// A file a restore may take: a whole PharmaPOS store that passes `integrity_check`.
fn usable_backup(from: &Path) -> Result<()> {
    is_store(from)?;
    check_file(from, true).map_err(|e| {
        PosError::new(
            ErrorCode::NotAStore,
            format!("所选备份本身已损坏，不能用来恢复：{}", e.message),
        )
    })
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupRestored {
    /// Where the file that was replaced was kept.
    pub previous_kept_at: String,
    pub restored_from: String,
}

/// Puts the backup `from` in place of the store file `live` (which must not be open). The live
/// file is first copied aside, byte for byte, next to it (`….before-restore-<time>`).
pub fn restore(live: &Path, from: &Path, now: DateTime<Utc>) -> Result<BackupRestored> {
    usable_backup(from)?;
    let stamp = now.with_timezone(&china()).format("%Y%m%d-%H%M%S");
    let aside = live.with_extension(format!("before-restore-{stamp}.sqlite"));
    if live.exists() {
        std::fs::copy(live, &aside).map_err(|e| io_error("无法先保存当前数据文件", &aside, e))?;
        for ext in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{ext}", live.display()));
            if side.exists() {
                let kept = PathBuf::from(format!("{}{ext}", aside.display()));
                let _ = std::fs::copy(&side, kept);
            }
        }
        sync_file(&aside)?;
    }
    let incoming = live.with_extension("restoring");
    std::fs::copy(from, &incoming).map_err(|e| io_error("无法复制备份", &incoming, e))?;
    sync_file(&incoming)?;
    for ext in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{ext}", live.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| io_error("无法移除旧的日志文件", &side, e))?;
        }
    }
    std::fs::rename(&incoming, live).map_err(|e| io_error("无法替换数据文件", live, e))?;
    if let Some(dir) = live.parent() {
        sync_dir(dir);
    }
    Ok(BackupRestored {
        previous_kept_at: aside.to_string_lossy().into_owned(),
        restored_from: from.to_string_lossy().into_owned(),
    })
}

/// Where backups go and when the daily one runs (a manager's setting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupSettings {
    /// The folder; empty = `backups` beside the store file. A USB disk or a network share is
    /// better: a backup on the same disk does not survive the disk.
    pub folder: String,
    /// How many backups to keep (1–365).
    pub keep: u32,
    /// Local time of the automatic daily backup, `HH:MM`.
    pub daily_at: String,
}

/// The backup screen's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupStatus {
    pub settings: BackupSettings,
    /// The folder backups go to (the setting resolved).
    pub folder: String,
    pub last_backup_at: Option<String>,
    pub last_backup: Option<String>,
    pub last_error: Option<String>,
    /// The backups in the folder, newest first.
    pub backups: Vec<BackupFile>,
    /// Set when the store file failed its integrity check (selling is stopped).
    pub damaged: Option<String>,
}

pub fn settings(c: &Connection) -> Result<BackupSettings> {
    Ok(c.query_row(
        "SELECT folder, keep, daily_at FROM backup_settings",
        [],
        |r| {
            Ok(BackupSettings {
                folder: r.get(0)?,
                keep: r.get(1)?,
                daily_at: r.get(2)?,
            })
        },
    )?)
}

/// The folder backups go to for the store at `store_path`.
pub fn folder(s: &BackupSettings, store_path: &Path) -> PathBuf {
    if s.folder.trim().is_empty() {
        store_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("backups")
    } else {
        PathBuf::from(s.folder.trim())
    }
}

pub fn set_settings(tx: &crate::db::Tx<'_>, s: &BackupSettings) -> Result<BackupSettings> {
    if !(1..=365).contains(&s.keep) {
        return Err(PosError::invalid_field("keep", "保留份数须为 1–365"));
    }
    let at = s.daily_at.trim();
    if crate::clock::parse_hhmm(at).is_none() {
        return Err(PosError::invalid_field(
            "daily_at",
            "每日备份时间须为“时:分”，例如 22:30",
        ));
    }
    let folder = s.folder.trim();
    if !folder.is_empty() && !Path::new(folder).is_absolute() {
        return Err(PosError::invalid_field(
            "folder",
            "备份文件夹须为完整路径，例如 /media/usb/备份；留空则放在数据文件旁的 backups 文件夹",
        ));
    }
    tx.execute(
        "UPDATE backup_settings SET folder = ?1, keep = ?2, daily_at = ?3",
        rusqlite::params![folder, s.keep, at],
    )?;
    settings(tx)
}

/// Records how a backup went (automatic or manual).
pub fn record(tx: &crate::db::Tx<'_>, result: &Result<BackupReport>) -> Result<()> {
    let now = crate::clock::stamp(tx.clock.now());
    match result {
        Ok(r) => tx.execute(
            "UPDATE backup_settings SET last_backup_at = ?1, last_backup = ?2, last_error = NULL",
            rusqlite::params![now, r.file.path],
        )?,
        Err(e) => tx.execute(
            "UPDATE backup_settings SET last_error = ?1",
            rusqlite::params![format!("{now} {}", e.message)],
        )?,
    };
    Ok(())
}

pub fn status(store: &Store) -> Result<BackupStatus> {
    let (s, last_at, last, err) = store.read(|c| {
        Ok(c.query_row(
            "SELECT last_backup_at, last_backup, last_error FROM backup_settings",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map(|(a, b, e)| (settings(c), a, b, e))?)
    })?;
    let s = s?;
    let dir = folder(&s, store.path());
    Ok(BackupStatus {
        backups: list(&dir)?,
        folder: dir.to_string_lossy().into_owned(),
        settings: s,
        last_backup_at: last_at,
        last_backup: last,
        last_error: err,
        damaged: store.damage().map(|e| e.message),
    })
}

/// Whether the automatic daily backup is due: it is past today's `daily_at` (local time) and no
/// backup was taken since then. A till that was off at that time backs up when it next runs.
pub fn due(c: &Connection, now: DateTime<Utc>) -> Result<bool> {
    let s = settings(c)?;
    let last: Option<String> =
        c.query_row("SELECT last_backup_at FROM backup_settings", [], |r| {
            r.get(0)
        })?;
    let Some(at) = crate::clock::parse_hhmm(&s.daily_at) else {
        return Ok(false);
    };
    let mark = crate::clock::latest_daily(now, at);
    Ok(last
        .as_deref()
        .and_then(crate::clock::parse_stamp)
        .is_none_or(|t| t < mark))
}

/// Takes a backup of `store` with its settings and records the result (the manual "备份" and
/// the automatic daily one).
pub fn run(store: &Store, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<BackupReport> {
    let s = store.read(settings)?;
    let dir = folder(&s, store.path());
    let result = backup(store, &dir, s.keep as usize, progress);
    if let Err(e) = &result {
        if e.code == ErrorCode::StoreDamaged {
            let _ = store.check_integrity();
        }
    }
    // A damaged store takes no writes; the result is then only returned.
    let _ = store.write(|tx| {
        record(tx, &result)?;
        if let Ok(r) = &result {
            crate::audit::record(
                tx,
                None,
                "backup",
                &r.file.path,
                serde_json::json!({ "bytes": r.file.bytes, "took_ms": r.took_ms }),
            )?;
        }
        Ok(())
    });
    result
}

/// Restores the backup `from` into the open store (the desktop's restore): the current file is
/// first copied aside, then the backup's pages replace the store's through SQLite's backup API
/// on the store's own connection, so the till keeps running on the restored data.
pub fn restore_into(store: &Store, from: &Path) -> Result<BackupRestored> {
    usable_backup(from)?;
    let live = store.path().to_owned();
    let stamp = store
        .clock()
        .now()
        .with_timezone(&china())
        .format("%Y%m%d-%H%M%S");
    let aside = live.with_extension(format!("before-restore-{stamp}.sqlite"));
    store.with_connection(|c| {
        // Keep what is being replaced: a clean copy if the file can still be read, else its bytes.
        let copied = c.execute("VACUUM INTO ?1", [aside.to_string_lossy().as_ref()]);
        if copied.is_err() {
            let _ = std::fs::remove_file(&aside);
            let _ = c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
            std::fs::copy(&live, &aside)
                .map_err(|e| io_error("无法先保存当前数据文件", &aside, e))?;
        }
        let src = open_read_only(from)?;
        let b = rusqlite::backup::Backup::new(&src, c)
            .map_err(|e| PosError::storage(format!("恢复失败：{e}")))?;
        b.run_to_completion(1024, std::time::Duration::ZERO, None)
            .map_err(|e| PosError::storage(format!("恢复失败：{e}")))?;
        Ok(())
    })?;
    store.clear_damage();
    store.check_integrity()?;
    Ok(BackupRestored {
        previous_kept_at: aside.to_string_lossy().into_owned(),
        restored_from: from.to_string_lossy().into_owned(),
    })
}
