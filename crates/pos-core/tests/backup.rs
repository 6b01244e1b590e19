//! Backups and integrity on real store files: a backup taken while sales are being written is
//! one consistent moment; a damaged live file is found and stops taking writes; a restore (from
//! the command line with the store closed, or into the running till) brings back every sale of
//! the backup and keeps the replaced file aside; a file that is not a store is refused.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::counter::*;
use common::Till;
use pos_core::api::*;
use pos_core::backup;
use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::ErrorCode;

fn sell(t: &Till, n: usize) {
    for _ in 0..n {
        let c = t.cart();
        let c = t.scan(&c, PARACETAMOL, 2).unwrap();
        t.pay(&c, vec![cash("10")]).unwrap();
        t.clock.advance_ms(30_000);
    }
}

fn count(path: &Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Overwrites the root page of the `sale` table with garbage, as a failing disk might.
fn damage_sales(path: &Path) {
    let (root, page_size): (i64, i64) = {
        let c = rusqlite::Connection::open(path).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        (
            c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'sale'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
        )
    };
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
        .unwrap();
    f.write_all(&vec![0x5a; page_size as usize]).unwrap();
    f.sync_all().unwrap();
}

#[test]
fn backup_damage_refused_restore_and_every_sale_is_back() {
    let t = Till::demo();
    t.login("1001", "1111");
    sell(&t, 30);
    let db = t.api.store().path().to_owned();
    let dir = t.dir.path().join("backups");
    let report = backup::backup(t.api.store(), &dir, 3, &|_, _| {}).unwrap();
    let taken = Path::new(&report.file.path).to_owned();
    assert_eq!(count(&taken, "SELECT count(*) FROM sale"), 30);
    assert!(report.file.taken_at.starts_with("2026-11-23"));
    sell(&t, 5); // after the backup: lost by the restore, as expected

    // The disk fails under the sales table; the till is restarted.
    drop(t.api);
    damage_sales(&db);
    let clock = Arc::new(FixedClock::at("2026-11-23T10:00:00Z"));
    let store = Store::open(&db, clock.clone()).unwrap();
    let e = store.check_integrity().unwrap_err();
    assert_eq!(e.code, ErrorCode::StoreDamaged);
    assert!(e.message.contains("恢复"), "{}", e.message);
    let e = store
        .write(|tx| Ok(tx.execute("UPDATE till SET till_no = 2", [])?))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::StoreDamaged);
    // Staff can still log in (a manager must reach the restore screen); selling stays refused.
    let api = Api::new(store.clone());
    api.call(Login {
        staff_no: "3001".into(),
        pin: "3333".into(),
    })
    .unwrap();
    assert!(api.call(StoreHealthGet {}).unwrap().is_some());
    let e = api.call(CartOpen {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::StoreDamaged);
    drop(api);
    // A backup of a damaged file is refused too (it would only copy the damage).
    let e = backup::backup(&store, &dir, 3, &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::StoreDamaged);

    // Restore into the running till: the damaged file is kept aside, the backup's sales are back.
    let r = backup::restore_into(&store, &taken).unwrap();
    assert!(Path::new(&r.previous_kept_at).exists());
    assert!(store.damage().is_none());
    store
        .read(|c| {
            assert_eq!(
                c.query_row("SELECT count(*) FROM sale", [], |r| r.get::<_, i64>(0))?,
                30
            );
            Ok(())
        })
        .unwrap();
    // It sells again.
    let api = Api::new(store);
    api.call(Login {
        staff_no: "1001".into(),
        pin: "1111".into(),
    })
    .unwrap();
    let c = api.call(CartOpen {}).unwrap();
    api.call(CartScan {
        cart_id: c.id,
        barcode: PARACETAMOL.into(),
        quantity: Some(1),
    })
    .unwrap();
    let c = api.call(CartGet { cart_id: c.id }).unwrap();
    api.call(SalePay {
        cart_id: c.id,
        tenders: vec![cash("5")],
    })
    .unwrap();
    assert_eq!(
        api.store()
            .read(|c| Ok(c.query_row("SELECT count(*) FROM sale", [], |r| r.get::<_, i64>(0))?))
            .unwrap(),
        31
    );
}

#[test]
fn the_command_line_restore_replaces_a_closed_damaged_file() {
    let t = Till::demo();
    t.login("1001", "1111");
    sell(&t, 12);
    let db = t.api.store().path().to_owned();
    let dir = t.dir.path().join("backups");
    let report = backup::backup(t.api.store(), &dir, 3, &|_, _| {}).unwrap();
    drop(t.api);
    damage_sales(&db);
    assert_eq!(
        backup::check_file(&db, false).unwrap_err().code,
        ErrorCode::StoreDamaged
    );
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
        .unwrap()
        .into();
    let r = backup::restore(&db, Path::new(&report.file.path), now).unwrap();
    assert!(Path::new(&r.previous_kept_at).exists());
    backup::check_file(&db, true).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM sale"), 12);
}

#[test]
fn a_backup_taken_while_sales_are_written_is_one_consistent_moment() {
    let t = Till::demo();
    t.login("1001", "1111");
    sell(&t, 200);
    let dir = t.dir.path().join("backups");
    let stop = AtomicBool::new(false);
    let sold = AtomicUsize::new(0);
    let (report, during) = std::thread::scope(|s| {
        let seller = s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                sell(&t, 1);
                sold.fetch_add(1, Ordering::Relaxed);
            }
            sold.load(Ordering::Relaxed)
        });
        // The copy starts while the seller is in full swing, and sales go on after it.
        while sold.load(Ordering::Relaxed) < 3 {
            std::thread::yield_now();
        }
        let report = backup::backup(t.api.store(), &dir, 3, &|_, _| {}).unwrap();
        let after = sold.load(Ordering::Relaxed);
        while sold.load(Ordering::Relaxed) < after + 3 {
            std::thread::yield_now();
        }
        stop.store(true, Ordering::Relaxed);
        (report, seller.join().unwrap())
    });
    assert!(during >= 6);
    let copy = Path::new(&report.file.path);
    backup::check_file(copy, true).unwrap();
    let sales = count(copy, "SELECT count(*) FROM sale");
    assert!(sales >= 200 && sales <= 200 + during as i64, "{sales}");
    // Every sale in the copy is whole: its lines, its payment, its outbox event, its receipt
    // number counted.
    assert_eq!(
        count(copy, "SELECT COALESCE(sum(line_count), 0) FROM sale"),
        count(copy, "SELECT count(*) FROM sale_line")
    );
    assert_eq!(
        count(
            copy,
            "SELECT count(*) FROM sale s WHERE NOT EXISTS (SELECT 1 FROM sale_payment p WHERE p.sale_id = s.id)"
        ),
        0
    );
    assert_eq!(
        count(
            copy,
            "SELECT count(*) FROM outbox WHERE kind = 'sale.committed@1'"
        ),
        sales
    );
    assert_eq!(
        count(
            copy,
            "SELECT COALESCE(sum(last_seq), 0) FROM receipt_counter"
        ),
        sales
    );
}

#[test]
fn backups_are_kept_to_the_set_number_and_listed_newest_first() {
    let t = Till::demo();
    t.login("3001", "3333");
    let dir = t.dir.path().join("kept");
    t.api
        .call(BackupSettingsUpdate {
            settings: backup::BackupSettings {
                folder: dir.to_string_lossy().into_owned(),
                keep: 2,
                daily_at: "22:30".into(),
            },
        })
        .unwrap();
    for _ in 0..3 {
        t.api.call(BackupNow {}).unwrap();
        t.clock.advance_ms(61_000);
    }
    let status = t.api.call(BackupStatusGet {}).unwrap();
    assert_eq!(status.backups.len(), 2);
    assert!(status.backups[0].taken_at > status.backups[1].taken_at);
    assert_eq!(
        status.last_backup.as_deref(),
        Some(status.backups[0].path.as_str())
    );
    assert!(status.damaged.is_none());
    // Bad settings are refused and change nothing.
    for (keep, at, folder, code) in [
        (0, "22:30", "", ErrorCode::InvalidField),
        (7, "25:00", "", ErrorCode::InvalidField),
        (7, "2230", "", ErrorCode::InvalidField),
        (7, "22:30", "relative/dir", ErrorCode::InvalidField),
    ] {
        let e = t
            .api
            .call(BackupSettingsUpdate {
                settings: backup::BackupSettings {
                    folder: folder.into(),
                    keep,
                    daily_at: at.into(),
                },
            })
            .unwrap_err();
        assert_eq!(e.code, code, "{keep} {at} {folder}");
    }
    assert_eq!(t.api.call(BackupStatusGet {}).unwrap().settings.keep, 2);
}

#[test]
fn restoring_a_file_that_is_not_a_store_is_refused_and_changes_nothing() {
    let t = Till::demo();
    t.login("3001", "3333");
    let text = t.dir.path().join("notes.sqlite");
    std::fs::write(&text, "这不是数据库").unwrap();
    let empty_db = t.dir.path().join("other.sqlite");
    rusqlite::Connection::open(&empty_db)
        .unwrap()
        .execute_batch("CREATE TABLE x (a)")
        .unwrap();
    for path in [&text, &empty_db, &t.dir.path().join("missing.sqlite")] {
        let e = t
            .api
            .call(BackupRestore {
                path: path.to_string_lossy().into_owned(),
                confirmed: true,
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotAStore, "{}", path.display());
    }
    let e = t
        .api
        .call(BackupRestore {
            path: text.to_string_lossy().into_owned(),
            confirmed: false,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadRequest);
    assert_eq!(t.count("SELECT count(*) FROM staff"), 3);
}

#[test]
fn the_daily_backup_is_due_once_after_its_time() {
    let t = Till::demo();
    let due = |at: &str| {
        t.api
            .store()
            .read(|c| backup::due(c, chrono::DateTime::parse_from_rfc3339(at).unwrap().into()))
            .unwrap()
    };
    // Never backed up: due at once.
    assert!(due("2026-11-23T10:00:00Z"));
    t.api
        .store()
        .write(|tx| {
            tx.execute(
                "UPDATE backup_settings SET last_backup_at = '2026-11-23T14:31:00.000Z'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    // 22:31 Beijing on the 23rd was after 22:30: not due again until 22:30 on the 24th.
    assert!(!due("2026-11-23T15:00:00Z"));
    assert!(!due("2026-11-24T14:29:59Z"));
    assert!(due("2026-11-24T14:30:00Z"));
}
