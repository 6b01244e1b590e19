//! A seeded simulation of a chain: several stores registering the same customers, selling,
//! returning and editing offline, syncing in random order while answers are lost, batches are
//! sent twice, tills restart and headquarters restarts. After everyone has synced, it checks:
//! every committed sale is at headquarters exactly once, money totals agree, every till shows
//! the same members and the same balances as headquarters.
//!
//! CI runs a few seeds; `PHARMAPOS_SIM_SEEDS=1-2000 cargo test -p pos-system-tests --test
//! simulation -- --nocapture` runs thousands. A failure names its seed; rerun just that one with
//! `PHARMAPOS_SIM_SEEDS=<seed>`.

use std::collections::{BTreeMap, BTreeSet};

use pos_core::api::MemberUpdate;
use pos_core::db::till_identity;
use pos_core::ids::MemberId;
use pos_core::member::MemberChanges;
use pos_core::sale::Sale;
use pos_system_tests::{Hq, Till, GANMAOLING, PARACETAMOL};

/// splitmix64: small, seedable, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Store {
    till: Option<Till>,
    token: String,
    sales: Vec<Sale>,
}

impl Store {
    fn till(&self) -> &Till {
        self.till.as_ref().expect("till open")
    }
}

const PHONES: [&str; 6] = [
    "13900000001",
    "13900000002",
    "13900000003",
    "13900000004",
    "13900000005",
    "13900000006",
];
const NAMES: [&str; 4] = ["张伟", "王芳", "李娜", "刘洋"];

fn seeds() -> Vec<u64> {
    let spec = std::env::var("PHARMAPOS_SIM_SEEDS").unwrap_or_else(|_| "1-3".into());
    match spec.split_once('-') {
        Some((a, b)) => (a.trim().parse().unwrap()..=b.trim().parse().unwrap()).collect(),
        None => spec.split(',').map(|s| s.trim().parse().unwrap()).collect(),
    }
}

#[test]
fn a_chain_converges_whatever_the_order_and_the_faults() {
    for seed in seeds() {
        let outcome = std::panic::catch_unwind(|| simulate(seed));
        if let Err(e) = outcome {
            eprintln!("simulation failed with seed {seed}: rerun with PHARMAPOS_SIM_SEEDS={seed}");
            std::panic::resume_unwind(e);
        }
    }
}

/// The members a till can find (phone → id, name), as cashiers see them.
fn directory(t: &Till) -> BTreeMap<String, (MemberId, String)> {
    PHONES
        .iter()
        .filter_map(|p| {
            let found = t.find(p);
            assert!(found.len() <= 1, "two members with phone {p}");
            found
                .first()
                .map(|m| (p.to_string(), (m.id, m.name.clone())))
        })
        .collect()
}

fn simulate(seed: u64) {
    let mut rng = Rng(seed);
    let mut hq = Hq::start();
    let n = 3 + rng.below(2);
    let mut stores: Vec<Store> = (0..n)
        .map(|i| {
            let t = Till::demo();
            // Each till's clock is a little off, as real ones are.
            t.clock.advance(chrono::Duration::seconds(
                i as i64 * 7 - rng.below(30) as i64,
            ));
            let token = hq.connect(&t);
            Store {
                till: Some(t),
                token,
                sales: Vec::new(),
            }
        })
        .collect();

    for _step in 0..60 {
        let s = rng.below(n);
        let tick = chrono::Duration::seconds(5 + rng.below(60) as i64);
        hq.clock.advance(tick);
        for st in &stores {
            st.till().clock.advance(tick);
        }
        match rng.below(100) {
            0..=14 => {
                let phone = PHONES[rng.below(PHONES.len())];
                let name = NAMES[rng.below(NAMES.len())];
                stores[s].till().register(phone, name);
            }
            15..=44 => {
                let t = stores[s].till();
                let known = directory(t);
                let member = if known.is_empty() || rng.chance(25) {
                    None
                } else {
                    known.values().nth(rng.below(known.len())).map(|m| m.0)
                };
                let code = if rng.chance(50) {
                    GANMAOLING
                } else {
                    PARACETAMOL
                };
                let sale = t.sell(member, code, 1 + rng.below(3) as i64, 0);
                stores[s].sales.push(sale);
            }
            45..=52 => {
                if !stores[s].sales.is_empty() {
                    let i = rng.below(stores[s].sales.len());
                    let sale = stores[s].sales.remove(i);
                    stores[s].till().return_all(&sale);
                }
            }
            53..=62 => {
                let t = stores[s].till();
                let known = directory(t);
                if !known.is_empty() {
                    let (m, _) = known.values().nth(rng.below(known.len())).unwrap().clone();
                    let name = NAMES[rng.below(NAMES.len())];
                    let _ = t.api.call(MemberUpdate {
                        member_id: m,
                        changes: MemberChanges {
                            name: Some(name.into()),
                            ..Default::default()
                        },
                    });
                }
            }
            63..=84 => {
                let t = stores[s].till();
                if rng.chance(20) {
                    // The answer is lost: headquarters stores the batch, the till marks nothing.
                    lost_answer(t, &hq.base_url, &stores[s].token);
                } else {
                    t.sync().expect("sync");
                }
            }
            85..=92 => {
                // A restart of the till program.
                let t = stores[s].till.take().unwrap();
                stores[s].till = Some(t.reopen());
            }
            _ => {
                hq.restart();
                for st in &stores {
                    st.till().point_at(&hq.base_url, &st.token);
                }
            }
        }
    }

    // Everyone syncs until nothing moves (twice round is enough: pushes, then pulls of them).
    for _ in 0..3 {
        for st in &stores {
            st.till().sync().expect("final sync");
        }
    }
    check(&hq, &stores, seed);
}

fn lost_answer(t: &Till, url: &str, token: &str) {
    let events = t
        .api
        .store()
        .read(|c| pos_core::sync::outbox::unsent(c, 500))
        .unwrap();
    if events.is_empty() {
        return;
    }
    let till = t.api.store().read(till_identity).unwrap();
    let client = pos_sync::Client::new(url, token).unwrap();
    let batch = pos_sync_proto::PushBatch {
        protocol: pos_sync_proto::PROTOCOL,
        store_id: till.store_id.0,
        device_id: till.device_id.0,
        events,
    };
    client.push(&batch).expect("push");
    // Sent twice, too, as a retrying network might.
    client.push(&batch).expect("push again");
}

fn check(hq: &Hq, stores: &[Store], seed: u64) {
    // Every committed sale and return reached headquarters exactly once.
    let mut sales = BTreeSet::new();
    let mut payable = 0i64;
    let mut refunds = 0i64;
    let mut events = 0i64;
    for st in stores {
        let t = st.till();
        assert_eq!(t.unsynced(), 0, "seed {seed}: unsynced events left");
        for id in t.texts("SELECT id FROM sale") {
            assert!(sales.insert(id), "seed {seed}: a sale id at two tills");
        }
        payable += t.number("SELECT coalesce(sum(payable_fen), 0) FROM sale");
        refunds += t.number("SELECT coalesce(sum(amount_fen), 0) FROM return_refund");
        events += t.number("SELECT count(*) FROM outbox");
    }
    let hq_sales: BTreeSet<String> = hq.rows("SELECT id::text FROM sale").into_iter().collect();
    assert_eq!(hq_sales, sales, "seed {seed}: sales at headquarters");
    assert_eq!(
        hq.number(
            "SELECT count(*) FROM event WHERE store_id <> '00000000-0000-0000-0000-000000000000'"
        ),
        events,
        "seed {seed}: every till event once"
    );
    assert_eq!(
        hq.number("SELECT coalesce(sum(round(payable * 100)), 0)::bigint FROM sale"),
        payable,
        "seed {seed}: sales money"
    );
    assert_eq!(
        hq.number("SELECT coalesce(sum(round(refund * 100)), 0)::bigint FROM sale_return"),
        refunds,
        "seed {seed}: refunds"
    );

    // Every till shows the same members with the same names and balances as headquarters.
    let first = directory(stores[0].till());
    for st in stores {
        let t = st.till();
        assert_eq!(directory(t), first, "seed {seed}: member directory");
        assert_eq!(
            t.number("SELECT count(*) FROM sync_inbox WHERE outcome IN ('waiting', 'conflict')"),
            0,
            "seed {seed}: pulled events left unapplied"
        );
        for (m, _) in first.values() {
            assert_eq!(t.balance(*m), hq.balance(*m), "seed {seed}: balance of {m}");
        }
    }
    for (phone, (m, name)) in &first {
        let hq_name = hq.rows(&format!(
            "SELECT coalesce(name, '') FROM member WHERE id = '{m}'"
        ));
        assert_eq!(hq_name, vec![name.clone()], "seed {seed}: name of {phone}");
    }
}
