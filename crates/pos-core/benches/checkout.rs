//! Price + commit of a 5-line member sale (`sale::pay`: pricing, gates, tenders, the sale, its
//! lines and payments, points redeemed and earned, the member's spend and tier, the outbox event,
//! one transaction with synchronous=FULL) on a store with 1 000 000 members and a year of sales.
//! Run: `cargo bench -p pos-core --bench checkout`. The first run builds the store file under
//! target/ (the members bench's file is reused when present; a year of sales is added through
//! the real code path) and later runs reuse it.
//!
//! divan reports the median and mean; the percentiles the issue asks for (p50/p95/p99) come from
//! a plain timed loop run before divan, printed as `checkout pay: …`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

mod common;

use pos_core::cart;
use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::ids::{MemberId, ProductId, SaleId, StaffId};
use pos_core::pricing::{Tender, TenderKind};
use pos_core::sale::{self, generate};

const DAYS: i64 = 365;
const SALES_PER_DAY: u32 = 300;

struct Fixture {
    store: Store,
    staff: StaffId,
    members: Vec<MemberId>,
    products: Vec<ProductId>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
        let path = dir.join("checkout-1m-members-1y-sales-v3.sqlite");
        let ready = dir.join("checkout-1m-members-1y-sales-v3.ready");
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        if !ready.exists() {
            let (store, staff) = common::members_store(&dir, &path, clock.clone());
            let ids = common::sample_members(&store, 20_000);
            let products = generate::plain_products(&store).unwrap();
            let t = Instant::now();
            let sales = generate::populate(
                &store,
                &clock,
                DAYS,
                SALES_PER_DAY,
                5,
                staff,
                &ids,
                &products,
            )
            .unwrap();
            eprintln!("generated {sales} sales in {:?}", t.elapsed());
            store.read(|c| Ok(c.execute_batch("ANALYZE")?)).unwrap();
            std::fs::write(&ready, b"ok").unwrap();
        }
        let store = Store::open(&path, clock).unwrap();
        let staff = store.read(pos_core::staff::list).unwrap()[0].id;
        let members = common::sample_members(&store, 5_000);
        let products = generate::plain_products(&store).unwrap();
        Fixture {
            store,
            staff,
            members,
            products,
        }
    })
}

/// A 5-line cart for a member, ready to pay (built outside the timing).
fn five_line_cart(f: &Fixture, i: usize) -> (SaleId, Vec<Tender>) {
    f.store
        .write(|tx| {
            // A cart divan built but never paid (last run) is set aside: every cart starts empty.
            tx.execute(
                "UPDATE cart SET status = 'voided' WHERE status = 'open' AND opened_by = ?1",
                [f.staff],
            )?;
            let c = cart::open(tx, f.staff)?;
            for k in 0..5 {
                let p =
                    pos_core::catalog::by_id(tx, f.products[(i * 7 + k * 13) % f.products.len()])?;
                cart::add(tx, c.id, &p, 1, f.staff)?;
            }
            let member = f.members[i % f.members.len()];
            cart::set_member(tx, c.id, Some(member))?;
            cart::set_points(tx, c.id, 200)?;
            let due = cart::get(tx, c.id, tx.clock.today())?.pricing.payable;
            let wechat = pos_core::Money::from_fen(due.fen() / 2);
            let tenders = vec![
                Tender {
                    kind: TenderKind::Wechat,
                    amount: wechat,
                    settlement_no: None,
                    reference: None,
                },
                Tender {
                    kind: TenderKind::Cash,
                    amount: pos_core::Money::from_fen(due.fen() - wechat.fen() + 100),
                    settlement_no: None,
                    reference: None,
                },
            ];
            Ok((c.id, tenders))
        })
        .unwrap()
}

fn pay(f: &Fixture, id: SaleId, tenders: &[Tender]) {
    let s = f
        .store
        .write(|tx| sale::pay(tx, id, tenders, f.staff))
        .unwrap();
    assert_eq!(s.lines.len(), 5);
}

fn main() {
    let f = fixture();
    let sales: i64 = f
        .store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sale", [], |r| r.get(0))?))
        .unwrap();
    eprintln!(
        "store: {} members sampled, {sales} sales on file",
        f.members.len()
    );
    // The floor under any commit with synchronous=FULL: one fsync of the WAL. Measured on the
    // same disk, right before the pays, so the two figures can be read together.
    let fsyncs = fsync_times(f.store.path().with_extension("fsync-probe"));
    eprintln!(
        "fsync of 4 KiB: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms (n = {})",
        fsyncs[fsyncs.len() / 2],
        fsyncs[fsyncs.len() * 95 / 100],
        fsyncs[fsyncs.len() * 99 / 100],
        fsyncs.len()
    );
    // As the desktop app and `pharmapos api` do: WAL checkpoints on their own connection.
    f.store
        .spawn_checkpointer(std::time::Duration::from_millis(500))
        .unwrap();
    // Percentiles from plain loops of 1 000 pays, each timed alone: back to back (a till that
    // never pauses, so checkpoints wait for the backstop), then in queues of 20 with a second's
    // lull between them, when the background checkpointer does its work as at a real counter.
    for (label, queue) in [("back to back", usize::MAX), ("queues of 20", 20)] {
        let mut times: Vec<f64> = (0..1_000)
            .map(|i| {
                if i > 0 && i % queue == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(1_000));
                }
                let (id, tenders) = five_line_cart(f, 10_000 + i);
                let t = Instant::now();
                pay(f, id, &tenders);
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        eprintln!(
            "checkout pay, {label}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n = {})",
            pct(0.50),
            pct(0.95),
            pct(0.99),
            times[times.len() - 1],
            times.len()
        );
    }
    divan::main();
}

/// 300 appends of 4 KiB to a file, each followed by `fsync`, sorted times in ms.
fn fsync_times(path: PathBuf) -> Vec<f64> {
    use std::io::Write;
    let mut file = std::fs::File::create(&path).unwrap();
    let mut times: Vec<f64> = (0..300)
        .map(|_| {
            file.write_all(&[0u8; 4096]).unwrap();
            let t = Instant::now();
            file.sync_all().unwrap();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    drop(file);
    let _ = std::fs::remove_file(&path);
    times.sort_by(f64::total_cmp);
    times
}

#[divan::bench(sample_count = 200)]
fn price_and_commit_five_line_member_sale(bencher: divan::Bencher) {
    let f = fixture();
    let mut i = 0;
    bencher
        .with_inputs(|| {
            i += 1;
            five_line_cart(f, i)
        })
        .bench_local_values(|(id, tenders)| pay(f, id, &tenders));
}

#[divan::bench(sample_count = 200)]
fn price_only(bencher: divan::Bencher) {
    let f = fixture();
    let (id, _) = five_line_cart(f, 999_999);
    let today = f.store.clock().today();
    bencher.bench_local(|| {
        f.store
            .read(|c| cart::get(c, id, today))
            .unwrap()
            .pricing
            .payable
    });
}
