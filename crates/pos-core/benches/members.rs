//! Member lookup on a store with 1 000 000 generated members (`member::generate`, the same data
//! `pharmapos gen-members 1000000` writes): by full phone, by card, by the last 4 digits of the
//! phone, by name prefix and by pinyin-initials prefix. Each call builds the full summaries the
//! cashier sees (points balance, expiring points, coupons, allergy badge).
//! Run: `cargo bench -p pos-core --bench members`. The first run generates the store file under
//! target/ (about a minute in release) and later runs reuse it.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::member::{self, generate};

const MEMBERS: u64 = 1_000_000;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-11-23T02:00:00Z"))
}

fn store() -> &'static Store {
    static S: OnceLock<Store> = OnceLock::new();
    S.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
        let path = dir.join(format!("members-{MEMBERS}-v5.sqlite"));
        let ready = dir.join(format!("members-{MEMBERS}-v5.ready"));
        if !ready.exists() {
            let _ = std::fs::remove_file(&path);
            let store = Store::open(&path, clock()).unwrap();
            pos_core::demo::seed(&store).unwrap();
            let staff = store.read(pos_core::staff::list).unwrap()[0].id;
            let today = store.clock().today();
            generate::populate(&store, MEMBERS, 11, staff, today, |done| {
                if done % 100_000 == 0 {
                    eprintln!("generated {done} members");
                }
            })
            .unwrap();
            store.read(|c| Ok(c.execute_batch("ANALYZE")?)).unwrap();
            std::fs::write(&ready, b"ok").unwrap();
        }
        Store::open(&path, clock()).unwrap()
    })
}

fn main() {
    let n: i64 = store()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM member", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(n, MEMBERS as i64);
    divan::main();
}

fn find(query: &str) -> usize {
    let s = store();
    let today = s.clock().today();
    s.read(|c| member::find(c, query, today)).unwrap().len()
}

#[divan::bench]
fn by_phone(bencher: divan::Bencher) {
    let mut i = 0u64;
    bencher.bench_local(|| {
        i = (i + 7_919) % MEMBERS;
        assert_eq!(find(&generate::phone_of(i)), 1);
    });
}

#[divan::bench]
fn by_card(bencher: divan::Bencher) {
    let mut i = 0u64;
    bencher.bench_local(|| {
        i = (i + 7_919) % MEMBERS;
        assert_eq!(find(&generate::card_of(i)), 1);
    });
}

/// About 100 members share each last-4; the 20 newest come back as full summaries.
#[divan::bench]
fn by_last_four(bencher: divan::Bencher) {
    let mut i = 0u64;
    bencher.bench_local(|| {
        i = (i + 7_919) % MEMBERS;
        let last4 = &generate::phone_of(i)[7..];
        assert!(find(last4) >= 1);
    });
}

#[divan::bench(args = ["张", "王伟", "欧阳", "司马子"])]
fn by_name_prefix(bencher: divan::Bencher, query: &str) {
    bencher.bench_local(|| divan::black_box(find(query)));
}

#[divan::bench(args = ["z", "zw", "wjg", "oyzh"])]
fn by_pinyin_prefix(bencher: divan::Bencher, query: &str) {
    bencher.bench_local(|| divan::black_box(find(query)));
}
