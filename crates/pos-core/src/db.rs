//! The store file: one SQLite database per till. WAL, `synchronous=FULL`, foreign keys on,
//! embedded forward-only migrations, and one write path (`Store::write`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::clock::{stamp, Clock};
use crate::error::{PosError, Result};
use crate::ids::{DeviceId, StoreId};

/// Migrations, named by date; append only.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "20261123_0001_foundation",
        include_str!("../migrations/20261123_0001_foundation.sql"),
    ),
    (
        "20261123_0002_product_name_index",
        include_str!("../migrations/20261123_0002_product_name_index.sql"),
    ),
    (
        "20261123_0003_members",
        include_str!("../migrations/20261123_0003_members.sql"),
    ),
    (
        "20261123_0004_checkout",
        include_str!("../migrations/20261123_0004_checkout.sql"),
    ),
    (
        "20261123_0005_printer_format",
        include_str!("../migrations/20261123_0005_printer_format.sql"),
    ),
    (
        "20261129_0006_sync",
        include_str!("../migrations/20261129_0006_sync.sql"),
    ),
    (
        "20261129_0007_manager_day",
        include_str!("../migrations/20261129_0007_manager_day.sql"),
    ),
    (
        "20261129_0008_backup",
        include_str!("../migrations/20261129_0008_backup.sql"),
    ),
    (
        "20261129_0009_journal",
        include_str!("../migrations/20261129_0009_journal.sql"),
    ),
    (
        "20261129_0010_report_indexes",
        include_str!("../migrations/20261129_0010_report_indexes.sql"),
    ),
    (
        "20261207_0011_trace_codes",
        include_str!("../migrations/20261207_0011_trace_codes.sql"),
    ),
    (
        "20261207_0012_receipt_lines",
        include_str!("../migrations/20261207_0012_receipt_lines.sql"),
    ),
    (
        "20261207_0013_guidance",
        include_str!("../migrations/20261207_0013_guidance.sql"),
    ),
    (
        "20261207_0014_follow_up",
        include_str!("../migrations/20261207_0014_follow_up.sql"),
    ),
    (
        "20261207_0015_registers",
        include_str!("../migrations/20261207_0015_registers.sql"),
    ),
    (
        "20261207_0016_complaints",
        include_str!("../migrations/20261207_0016_complaints.sql"),
    ),
    (
        "20261207_0017_trace_conflicts",
        include_str!("../migrations/20261207_0017_trace_conflicts.sql"),
    ),
    (
        "20261207_0018_member_programme",
        include_str!("../migrations/20261207_0018_member_programme.sql"),
    ),
    (
        "20261207_0019_prescription_day",
        include_str!("../migrations/20261207_0019_prescription_day.sql"),
    ),
    (
        "20261207_0020_coupon_kinds",
        include_str!("../migrations/20261207_0020_coupon_kinds.sql"),
    ),
    (
        "20261208_0021_member_versions",
        include_str!("../migrations/20261208_0021_member_versions.sql"),
    ),
    (
        "20261208_0022_prescription_member",
        include_str!("../migrations/20261208_0022_prescription_member.sql"),
    ),
];

/// WAL size (pages) at which a commit checkpoints by itself when no checkpointer runs (≈ 80 MB).
const WAL_BACKSTOP_PAGES: i64 = 20_000;

/// SQLite's page cache per connection, in KiB when negative: 64 MiB, taken only as pages are
/// read (a small store never fills it). With SQLite's default of 2 MB a worklist or a year of
/// prescriptions on a store with 1 000 000 members read most of their member and consent pages
/// from the OS again on every call; with this they stay (BENCHMARKS.md, issue 11: the
/// worklist 68 → 23 ms, a year of prescriptions by member 68 → 39 ms in one run).
const PAGE_CACHE: i64 = -65_536;

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

/// An open store file with its clock. Cheap to clone; all clones share the one connection.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    clock: Arc<dyn Clock>,
    path: PathBuf,
    /// Commits so far; the checkpointer waits for a pause in them.
    commits: Arc<std::sync::atomic::AtomicU64>,
    /// Set when an integrity check found the file damaged: every write is refused with it.
    damaged: Arc<Mutex<Option<PosError>>>,
    /// A second, read-only connection for reports, so a long report never holds up a scan.
    reporter: Arc<Mutex<Option<Connection>>>,
}

/// What a write sees: the transaction plus the clock and this till's identity.
pub struct Tx<'a> {
    pub tx: Transaction<'a>,
    pub clock: &'a dyn Clock,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl Store {
    /// Opens (creating if needed) the store file at `path` and brings its schema up to date.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    PosError::storage(format!("无法创建数据目录 {}：{e}", dir.display()))
                })?;
            }
        }
        let mut conn = Connection::open(path)
            .map_err(|e| PosError::storage(format!("无法打开 {}：{e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Checkpoints run on a connection of their own (`spawn_checkpointer`), so a sale never
        // pays for copying the WAL into the database file. This threshold is only the backstop
        // for a process that runs no checkpointer: far above what a busy till writes between
        // two background checkpoints.
        conn.pragma_update(None, "wal_autocheckpoint", WAL_BACKSTOP_PAGES)?;
        conn.pragma_update(None, "cache_size", PAGE_CACHE)?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| PosError::storage(format!("数据库升级失败：{e}")))?;
        let store = Store {
            conn: Arc::new(Mutex::new(conn)),
            clock,
            path: path.to_owned(),
            commits: Arc::default(),
            damaged: Arc::default(),
            reporter: Arc::default(),
        };
        store.ensure_till_identity()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-written transaction behind (it was
        // rolled back when dropped), so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The one write path: `BEGIN IMMEDIATE`, run `f`, commit on `Ok`, roll back on `Err`.
    /// Refused (`STORE_DAMAGED`) once an integrity check has found the file damaged.
    pub fn write<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        if let Some(e) = self.damage() {
            return Err(e);
        }
        self.write_even_if_damaged(f)
    }

    /// [`Store::write`] without the damage check, for the few writes a damaged store must still
    /// take: a login (so a manager can reach the restore screen) and its audit entry.
    pub(crate) fn write_even_if_damaged<T>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let t = Tx {
            tx,
            clock: &*self.clock,
        };
        let out = f(&t)?;
        t.tx.commit()?;
        self.commits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(out)
    }

    /// Checks the file now (`PRAGMA quick_check` on a connection of its own); a damaged file
    /// stops taking writes until it is restored.
    pub fn check_integrity(&self) -> Result<()> {
        let r = crate::backup::check_file(&self.path, false);
        if let Err(e) = &r {
            if e.code == crate::error::ErrorCode::StoreDamaged {
                *self.damaged.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.clone());
            }
        }
        r
    }

    /// [`Store::check_integrity`] in the background (a large file takes seconds to check).
    pub fn spawn_integrity_check(&self) -> std::thread::JoinHandle<()> {
        let store = self.clone();
        std::thread::spawn(move || {
            let _ = store.check_integrity();
        })
    }

    /// Runs `f` on the store's own connection, outside any transaction (a restore replaces the
    /// whole database through it). Nothing else can write meanwhile.
    pub fn with_connection<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        // A report's snapshot must not outlive the data it was taken from.
        *self.reporter.lock().unwrap_or_else(|p| p.into_inner()) = None;
        f(&mut conn)
    }

    /// Forgets a damage found earlier (after a restore; the next check decides again).
    pub fn clear_damage(&self) {
        *self.damaged.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The damage an integrity check found, if any.
    pub fn damage(&self) -> Option<PosError> {
        self.damaged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reads for reports (day close, journal, analytics) on a read-only connection of their
    /// own: WAL lets them see a consistent snapshot while the till keeps selling on the main
    /// connection.
    pub fn report<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut guard = self.reporter.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let c = Connection::open_with_flags(
                &self.path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| PosError::storage(format!("无法打开 {}：{e}", self.path.display())))?;
            c.busy_timeout(std::time::Duration::from_secs(5))?;
            c.pragma_update(None, "cache_size", PAGE_CACHE)?;
            *guard = Some(c);
        }
        let c = guard
            .as_ref()
            .ok_or_else(|| PosError::storage("报表连接不可用"))?;
        // One snapshot for the whole report (a report that panicked may have left its
        // transaction open: end it first).
        if !c.is_autocommit() {
            let _ = c.execute_batch("ROLLBACK");
        }
        c.execute_batch("BEGIN")?;
        let out = f(c);
        let _ = c.execute_batch("COMMIT");
        out
    }

    /// Reads see a consistent snapshot of committed data.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        f(&conn)
    }

    fn ensure_till_identity(&self) -> Result<()> {
        self.write(|tx| {
            let exists: Option<i64> =
                tx.query_row("SELECT 1 FROM till", [], |r| r.get(0)).optional()?;
            if exists.is_none() {
                tx.execute(
                    "INSERT INTO till (singleton, store_id, device_id, created_at) VALUES (1, ?1, ?2, ?3)",
                    (StoreId::new(tx.clock), DeviceId::new(tx.clock), stamp(tx.clock.now())),
                )?;
            }
            Ok(())
        })
    }

    pub fn till(&self) -> Result<TillIdentity> {
        self.read(till_identity)
    }

    /// Copies committed WAL frames into the database file (`PRAGMA wal_checkpoint(PASSIVE)`) on
    /// a connection of its own, in the pauses between sales: it runs once `quiet` has passed
    /// with no commit, so a sale neither waits for it nor shares the disk with it. (A till that
    /// never pauses still checkpoints at the backstop size.)
    pub fn spawn_checkpointer(
        &self,
        quiet: std::time::Duration,
    ) -> Result<std::thread::JoinHandle<()>> {
        use std::sync::atomic::Ordering;
        let conn = Connection::open(&self.path)
            .map_err(|e| PosError::storage(format!("无法打开 {}：{e}", self.path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(1))?;
        let commits = self.commits.clone();
        Ok(std::thread::spawn(move || {
            let (mut seen, mut done) = (commits.load(Ordering::Relaxed), u64::MAX);
            loop {
                std::thread::sleep(quiet);
                let now = commits.load(Ordering::Relaxed);
                if now == seen && now != done {
                    // A busy or failed checkpoint is retried after the next pause; the WAL keeps
                    // every committed frame meanwhile, so nothing is lost.
                    if conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                        .is_ok()
                    {
                        done = now;
                    }
                }
                seen = now;
            }
        }))
    }

    /// `PRAGMA integrity_check` says "ok".
    pub fn integrity_ok(&self) -> Result<bool> {
        self.read(|c| {
            let s: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            Ok(s == "ok")
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct TillIdentity {
    pub store_id: StoreId,
    pub device_id: DeviceId,
    pub demo: bool,
}

pub fn till_identity(c: &Connection) -> Result<TillIdentity> {
    Ok(
        c.query_row("SELECT store_id, device_id, demo FROM till", [], |r| {
            Ok(TillIdentity {
                store_id: r.get(0)?,
                device_id: r.get(1)?,
                demo: r.get(2)?,
            })
        })?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    fn clock() -> Arc<dyn Clock> {
        Arc::new(FixedClock::at("2026-11-23T08:00:00Z"))
    }

    #[test]
    fn opens_with_wal_full_sync_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("till.sqlite"), clock()).unwrap();
        store
            .read(|c| {
                let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
                let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
                let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
                assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
                Ok(())
            })
            .unwrap();
        assert!(store.integrity_ok().unwrap());
    }

    #[test]
    fn reopening_keeps_the_till_identity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("till.sqlite");
        let a = Store::open(&path, clock()).unwrap().till().unwrap();
        let b = Store::open(&path, clock()).unwrap().till().unwrap();
        assert_eq!(a.device_id, b.device_id);
        assert_eq!(a.store_id, b.store_id);
    }

    #[test]
    fn the_checkpointer_copies_the_wal_into_the_file_in_a_pause() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("till.sqlite");
        let store = Store::open(&path, clock()).unwrap();
        let file_size = || std::fs::metadata(&path).unwrap().len();
        let before = file_size();
        store
            .write(|tx| {
                for i in 0..2_000 {
                    tx.execute(
                        "INSERT INTO login_log VALUES ('2026-11-23', ?1, 'padding padding padding')",
                        [i],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(file_size(), before, "committed into the WAL only");
        store
            .spawn_checkpointer(std::time::Duration::from_millis(20))
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while file_size() == before {
            assert!(
                std::time::Instant::now() < deadline,
                "no checkpoint happened"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let n: i64 = store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM login_log", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 2_000);
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("till.sqlite"), clock()).unwrap();
        let r: Result<()> = store.write(|tx| {
            tx.execute("INSERT INTO login_log VALUES ('t', '1', 'x')", [])?;
            Err(PosError::storage("boom"))
        });
        assert!(r.is_err());
        let n: i64 = store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM login_log", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 0);
    }
}
