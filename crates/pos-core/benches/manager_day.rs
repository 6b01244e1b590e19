//! The manager's day on a store with a year of sales: the day-close report, the sales journal's
//! searches, and a backup with a sale made during it — each beside its floor measured in the
//! same run (the same sums or rows by plain SQL; the same sale with no backup running).
//! Run: `cargo bench -p pos-core --bench manager_day`. The first run builds the store under
//! target/tmp/bench-data (demo pharmacy, 20 000 members, 365 days × 300 sales through the real
//! payment path, returns of every 40th sale) and later runs reuse it. With
//! `PHARMAPOS_BACKUP_STORE=<file>` it measures only the backup of that file (with sales going on).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use divan::Bencher;
use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::ids::{MemberId, SaleId, StaffId};
use pos_core::member::generate as members;
use pos_core::pricing::{Tender, TenderKind};
use pos_core::sale::journal::{self, JournalFilter};
use pos_core::sale::{self, generate, returns};
use pos_core::{cart, day_close};

const MEMBERS: u64 = 20_000;
const DAYS: i64 = 365;
const SALES_PER_DAY: u32 = 300;
/// A date in the middle of the generated year (the clock stands at 2026-11-23).
const DAY: &str = "2026-06-15";

struct Fixture {
    store: Store,
    staff: StaffId,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
        let path = dir.join("manager-day-1y-sales-v1.sqlite");
        let ready = dir.join("manager-day-1y-sales-v1.ready");
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        if !ready.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            let _ = std::fs::remove_file(&path);
            let t = Instant::now();
            let store = Store::open(&path, clock.clone()).unwrap();
            pos_core::demo::seed(&store).unwrap();
            let staff = store.read(pos_core::staff::list).unwrap()[0].id;
            let today = store.clock().today();
            members::populate(&store, MEMBERS, 3, staff, today, |_| {}).unwrap();
            let ids: Vec<MemberId> = store
                .read(|c| {
                    let mut st = c.prepare("SELECT id FROM member LIMIT 5000")?;
                    let ids = st
                        .query_map([], |r| r.get(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    Ok(ids)
                })
                .unwrap();
            let products = generate::plain_products(&store).unwrap();
            let n = generate::populate(
                &store,
                &clock,
                DAYS,
                SALES_PER_DAY,
                9,
                staff,
                &ids,
                &products,
            )
            .unwrap();
            // Returns: the first line of every 40th sale, one pack, the same day.
            let sales: Vec<(SaleId, String)> = store
                .read(|c| {
                    let mut st = c.prepare("SELECT id, at FROM sale WHERE rowid % 40 = 0")?;
                    let v = st
                        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    Ok(v)
                })
                .unwrap();
            for (id, at) in &sales {
                let at = pos_core::clock::parse_stamp(at).unwrap();
                clock.set(at + chrono::Duration::minutes(5));
                store
                    .write(|tx| {
                        let s = sale::get(tx, *id)?;
                        let line = returns::ReturnLineInput {
                            sale_line_id: s.lines[0].id,
                            quantity: 1,
                            trace_codes: None,
                        };
                        returns::create(
                            tx,
                            SaleId::new(tx.clock),
                            *id,
                            &[line],
                            returns::ReturnReason::Damaged,
                            "",
                            staff,
                            staff,
                        )?;
                        Ok(())
                    })
                    .unwrap();
            }
            clock.set(
                chrono::DateTime::parse_from_rfc3339("2026-11-23T02:00:00Z")
                    .unwrap()
                    .into(),
            );
            store.read(|c| Ok(c.execute_batch("ANALYZE")?)).unwrap();
            eprintln!(
                "generated {n} sales and {} returns in {:?}",
                sales.len(),
                t.elapsed()
            );
            std::fs::write(&ready, b"ok").unwrap();
        }
        let store = Store::open(&path, clock).unwrap();
        let staff = store.read(pos_core::staff::list).unwrap()[0].id;
        Fixture { store, staff }
    })
}

fn main() {
    // PHARMAPOS_BACKUP_STORE=<a store file>: measure only the backup of that store (e.g. the
    // checkout bench's 1 M members + a year of sales) with sales going on, then stop.
    if let Some(path) = std::env::var_os("PHARMAPOS_BACKUP_STORE") {
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        let store = Store::open(std::path::Path::new(&path), clock).unwrap();
        let staff = store.read(pos_core::staff::list).unwrap()[0].id;
        let size = std::fs::metadata(store.path()).map_or(0, |m| m.len());
        eprintln!(
            "store: {} ({} MB)",
            store.path().display(),
            size / 1_000_000
        );
        backup_with_a_sale_during_it(&Fixture { store, staff });
        return;
    }
    let f = fixture();
    let (sales, size) = f
        .store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sale", [], |r| r.get::<_, i64>(0))?))
        .map(|n| (n, std::fs::metadata(f.store.path()).map_or(0, |m| m.len())))
        .unwrap();
    eprintln!("store: {sales} sales, {} MB", size / 1_000_000);
    backup_with_a_sale_during_it(f);
    divan::main();
}

fn date() -> chrono::NaiveDate {
    DAY.parse().unwrap()
}

// ---- day close -----------------------------------------------------------------------------

#[divan::bench(sample_count = 50)]
fn day_close_report(bencher: Bencher) {
    let f = fixture();
    bencher.bench(|| {
        f.store
            .report(|c| day_close::preview(c, divan::black_box(date())))
            .unwrap()
    });
}

/// The floor: the report's sums by plain SQL on the same connection kind — the sale totals,
/// the tenders, the returns and the refunds of the day (no shifts, members, points, top products).
#[divan::bench(sample_count = 50)]
fn day_close_floor_raw_sums(bencher: Bencher) {
    let f = fixture();
    bencher.bench(|| {
        f.store
            .report(|c| {
                let d = DAY;
                let sums: (i64, i64, i64, i64, i64, i64, i64, i64, i64) = c.query_row(
                    "SELECT count(*), sum(subtotal_fen), sum(payable_fen), sum(tier_fen),
                            sum(member_day_fen), sum(manual_fen), sum(coupon_fen), sum(points_fen),
                            sum(change_fen)
                     FROM sale WHERE business_date = ?1",
                    [d],
                    |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                            r.get(7)?,
                            r.get(8)?,
                        ))
                    },
                )?;
                let mut st = c.prepare_cached(
                    "SELECT p.kind, sum(p.amount_fen) FROM sale_payment p JOIN sale s ON s.id = p.sale_id
                     WHERE s.business_date = ?1 GROUP BY p.kind",
                )?;
                let tenders: Vec<(String, i64)> = st
                    .query_map([d], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                let refunds: (i64, i64) = c.query_row(
                    "SELECT count(*), COALESCE(sum(refund_fen), 0) FROM sale_return WHERE business_date = ?1",
                    [d],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok((sums, tenders, refunds))
            })
            .unwrap()
    });
}

// ---- journal -------------------------------------------------------------------------------

#[divan::bench(args = ["a day", "a receipt", "a product over the year", "a tender over a month"], sample_count = 50)]
fn journal_search(bencher: Bencher, what: &str) {
    let f = fixture();
    let receipt: String = f
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT receipt_no FROM sale WHERE business_date = ?1 LIMIT 1",
                [DAY],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let filter = match what {
        "a day" => JournalFilter {
            from: Some(DAY.into()),
            to: Some(DAY.into()),
            ..Default::default()
        },
        "a receipt" => JournalFilter {
            receipt_no: Some(receipt),
            ..Default::default()
        },
        "a product over the year" => JournalFilter {
            product: Some("感冒".into()),
            ..Default::default()
        },
        _ => JournalFilter {
            from: Some("2026-06-01".into()),
            to: Some("2026-06-30".into()),
            tender: Some(TenderKind::Alipay),
            ..Default::default()
        },
    };
    bencher.bench(|| {
        f.store
            .report(|c| journal::search(c, divan::black_box(&filter)))
            .unwrap()
    });
}

/// The floor: a day's newest 100 sales by plain SQL (no returns, no names, no tenders).
#[divan::bench(sample_count = 50)]
fn journal_floor_raw_day(bencher: Bencher) {
    let f = fixture();
    bencher.bench(|| {
        f.store
            .report(|c| {
                let mut st = c.prepare_cached(
                    "SELECT id, receipt_no, at, payable_fen FROM sale WHERE business_date = ?1
                     ORDER BY at DESC LIMIT 100",
                )?;
                let rows: Vec<(String, String, String, i64)> = st
                    .query_map([DAY], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(rows)
            })
            .unwrap()
    });
}

// ---- backup --------------------------------------------------------------------------------

/// One plain sale (2 lines, cash), timed from cart to commit.
fn one_sale(f: &Fixture, i: usize) -> Duration {
    let products = generate::plain_products(&f.store).unwrap();
    let t = Instant::now();
    f.store
        .write(|tx| {
            let c = cart::open(tx, f.staff)?;
            for k in 0..2 {
                let p = pos_core::catalog::by_id(tx, products[(i * 7 + k) % products.len()])?;
                cart::add(tx, c.id, &p, 1, f.staff)?;
            }
            let due = cart::get(tx, c.id, tx.clock.today())?.pricing.payable;
            sale::pay(
                tx,
                c.id,
                &[Tender {
                    kind: TenderKind::Cash,
                    amount: pos_core::Money::from_fen((due.fen() + 99) / 100 * 100),
                    settlement_no: None,
                    reference: None,
                }],
                f.staff,
            )?;
            Ok(())
        })
        .unwrap();
    t.elapsed()
}

/// A backup of the whole store with sales going on: the backup's time, and the sales' times
/// during it against the same sales with no backup running (printed; one run each).
fn backup_with_a_sale_during_it(f: &Fixture) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-backups");
    let _ = std::fs::remove_dir_all(&dir);
    let quiet: Vec<Duration> = (0..20).map(|i| one_sale(f, i)).collect();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (report, during) = std::thread::scope(|s| {
        let seller = s.spawn(|| {
            let mut times = Vec::new();
            let mut i = 100;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                times.push(one_sale(f, i));
                i += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            times
        });
        let report = pos_core::backup::backup(&f.store, &dir, 2, &|_, _| {}).unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        (report, seller.join().unwrap())
    });
    let median = |v: &[Duration]| {
        let mut v = v.to_vec();
        v.sort();
        v[v.len() / 2]
    };
    let max = |v: &[Duration]| v.iter().max().copied().unwrap_or_default();
    eprintln!(
        "backup: {} MB in {} ms (VACUUM INTO + integrity_check); {} sales during it: median {:?}, slowest {:?}; \
         20 sales with no backup: median {:?}, slowest {:?}",
        report.file.bytes / 1_000_000,
        report.took_ms,
        during.len(),
        median(&during),
        max(&during),
        median(&quiet),
        max(&quiet),
    );
    let _ = std::fs::remove_dir_all(&dir);
}
