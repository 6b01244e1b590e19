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
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

/// An open store file with its clock. Cheap to clone; all clones share the one connection.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    clock: Arc<dyn Clock>,
    path: PathBuf,
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
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| PosError::storage(format!("数据库升级失败：{e}")))?;
        let store = Store {
            conn: Arc::new(Mutex::new(conn)),
            clock,
            path: path.to_owned(),
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
    pub fn write<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let t = Tx {
            tx,
            clock: &*self.clock,
        };
        let out = f(&t)?;
        t.tx.commit()?;
        Ok(out)
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
