//! Headquarters ingest and a store's nightly sync (issue 8), each beside its floor measured in
//! the same run. Run: `cargo bench -p pos-system-tests --bench sync`.
//!
//! Data: demo tills on real SQLite files with members registered through the API (the events of
//! a registration: `member.registered`, consents, new-member coupon) and sales made through the
//! real payment path (`sale::generate::populate`: 1–4 lines, 60 % to members, cash/WeChat/
//! Alipay; events `sale.committed`, `points.entry`, `member.tier_changed`). Built once per run,
//! outside every timing. Headquarters is the real one (`pos_hq`, PostgreSQL from
//! `scripts/pg-cluster.sh`, fsync=off, unless `PHARMAPOS_TEST_PG` says otherwise) with a fresh
//! database for every iteration, made and dropped outside the timing.
//!
//! - `ingest_*`: the same ~15 000 envelopes stored at headquarters through `pos_hq::push::push`
//!   in batches of 500 (no HTTP), and the floors: one `COPY event (…) FROM STDIN` of the same rows,
//!   multi-row `INSERT`s of 500 rows, and (to see what the projections cost) push's own statements
//!   without the projections: advisory lock, one savepoint and one `INSERT … ON CONFLICT` per event.
//! - `nightly_day_*`: a till with one business day of 1 000 sales; `pos_sync::sync` (push + pull
//!   over HTTP to the in-process headquarters) against its floor: the same outbox rows read from
//!   the till and COPY'd into the event table. The store's members were registered before that
//!   day and are at headquarters already (pushed in the untimed setup). A variant has another
//!   store's day (its 1 000 members and 1 000 sales) at headquarters too, for the till to pull.
//! - `backlog_30_days_*`: the same for 30 days of sales never synced (one measured run each).

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use divan::counter::ItemsCount;
use divan::Bencher;
use futures_util::SinkExt;
use pos_core::clock::Clock;
use pos_core::db::till_identity;
use pos_core::member::NewMember;
use pos_core::sale::generate;
use pos_core::sync::outbox;
use pos_hq::testing::TestDb;
use pos_sync::Progress;
use pos_sync_proto::{Envelope, PushBatch, MAX_BATCH_EVENTS, PROTOCOL};
use pos_system_tests::{Hq, Till};
use tokio_postgres::types::ToSql;

/// Members of each generated store (registered through the API before the sales).
const MEMBERS: u64 = 1_000;
/// Sales of the nightly day.
const DAY_SALES: u32 = 1_000;
/// The backlog: days × sales a day.
const BACKLOG_DAYS: i64 = 30;
const BACKLOG_PER_DAY: u32 = 1_000;
/// Envelopes of the ingest benches (the first of the backlog till's outbox).
const INGEST_EVENTS: usize = 15_000;

fn main() {
    // Build the data before divan starts printing its table.
    let t = Instant::now();
    let day = day_till();
    eprintln!(
        "day till: {} member events, {} events of the day ({:?})",
        day.member_events,
        day.total_events - day.member_events,
        t.elapsed()
    );
    neighbour_till();
    let t = Instant::now();
    let backlog = backlog_till();
    eprintln!(
        "backlog till: {} member events, {} events of {BACKLOG_DAYS} days ({:?})",
        backlog.member_events,
        backlog.total_events - backlog.member_events,
        t.elapsed()
    );
    let kinds = ingest_events()
        .iter()
        .fold(std::collections::BTreeMap::new(), |mut m, e| {
            *m.entry(e.kind.as_str()).or_insert(0usize) += 1;
            m
        });
    eprintln!("ingest events: {} {kinds:?}", ingest_events().len());
    eprintln!("load average before: {}", loadavg());
    divan::main();
    eprintln!("load average after: {}", loadavg());
    for line in NOTES.lock().unwrap().iter() {
        eprintln!("{line}");
    }
}

/// `/proc/loadavg`'s 1, 5 and 15 minute figures (the machine is shared with other builds).
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Lines printed after divan's table (phase timings of the syncs).
static NOTES: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn note(line: String) {
    NOTES.lock().unwrap().push(line);
}

/// A generated till kept as a template; every iteration works on a copy of its file.
struct Template {
    till: Till,
    /// Outbox events before the sales (the first `member_events` by seq): the demo seed's five
    /// (staff, catalog, settings) and the member registrations.
    member_events: usize,
    total_events: usize,
}

/// A demo till with [`MEMBERS`] members registered the day before the sales, then `days` ×
/// `per_day` sales through the real payment path, ending the day before the till's clock.
fn generate_till(days: i64, per_day: u32, seed: u64) -> Template {
    let till = Till::demo();
    let store = till.api.store();
    let now = till.clock.now();
    till.clock.set(now - chrono::Duration::days(days + 1));
    for i in 0..MEMBERS {
        till.api
            .call(NewMember {
                phone: pos_core::member::generate::phone_of(i + seed * 1_000_000),
                name: format!("{}{}", ["王", "李", "张", "刘", "陈"][i as usize % 5], i),
                basic_consent: true,
                ..Default::default()
            })
            .unwrap();
    }
    till.clock.set(now);
    let member_events = store.read(outbox::unsent_count).unwrap() as usize;
    let members: Vec<pos_core::ids::MemberId> = till
        .texts("SELECT id FROM member ORDER BY id")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let staff = store.read(pos_core::staff::list).unwrap()[0].id;
    let products = generate::plain_products(store).unwrap();
    generate::populate(
        store,
        &till.clock,
        days,
        per_day,
        seed,
        staff,
        &members,
        &products,
    )
    .unwrap();
    let total_events = store.read(outbox::unsent_count).unwrap() as usize;
    Template {
        till,
        member_events,
        total_events,
    }
}

fn day_till() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| generate_till(1, DAY_SALES, 1))
}

fn backlog_till() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| generate_till(BACKLOG_DAYS, BACKLOG_PER_DAY, 2))
}

/// The first [`INGEST_EVENTS`] events of the backlog till: its member registrations and the
/// first days of sales.
/// Another store of the chain with its own members and the same kind of day.
fn neighbour_till() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| generate_till(1, DAY_SALES, 3))
}

fn ingest_events() -> &'static [Envelope] {
    static E: OnceLock<Vec<Envelope>> = OnceLock::new();
    E.get_or_init(|| {
        backlog_till()
            .till
            .api
            .store()
            .read(|c| outbox::unsent(c, INGEST_EVENTS as u32))
            .unwrap()
    })
}

/// A fresh headquarters database with the till's store registered.
fn fresh_hq_for(till: &Till) -> Hq {
    let hq = Hq::start();
    let id = till.api.store().read(till_identity).unwrap().store_id.0;
    hq.block_on(pos_hq::add_store(&hq.db.pool, id, "S001", "测试门店"))
        .unwrap();
    hq
}

/// Stores `events` through `pos_hq::push::push` in batches of 500; every one must be accepted.
fn push_all(hq: &Hq, events: &[Envelope]) {
    let (store, device) = (events[0].store_id, events[0].device_id);
    hq.block_on(async {
        for chunk in events.chunks(MAX_BATCH_EVENTS) {
            let batch = PushBatch {
                protocol: PROTOCOL,
                store_id: store,
                device_id: device,
                events: chunk.to_vec(),
            };
            let ack = pos_hq::push::push(&hq.db.pool, &*hq.clock, store, &batch)
                .await
                .unwrap();
            assert_eq!(ack.accepted.len(), chunk.len(), "{:?}", ack.quarantined);
        }
    });
}

const EVENT_COLUMNS: &str =
    "event (event_id, store_id, device_id, seq, kind, payload, payload_hash, created_at)";

/// A text-format COPY field: backslash, tab, newline and carriage return escaped.
fn copy_field(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// The floor: the same rows in ONE `COPY event (…) FROM STDIN` (text format), one transaction.
async fn copy_events(db: &TestDb, events: &[Envelope]) {
    let mut text = String::with_capacity(events.len() * 1_200);
    for e in events {
        use std::fmt::Write;
        write!(
            text,
            "{}\t{}\t{}\t{}\t",
            e.event_id, e.store_id, e.device_id, e.seq
        )
        .unwrap();
        copy_field(&mut text, &e.kind);
        text.push('\t');
        copy_field(&mut text, &e.payload);
        text.push('\t');
        copy_field(&mut text, &e.payload_hash);
        text.push('\t');
        copy_field(&mut text, &e.created_at);
        text.push('\n');
    }
    let mut conn = db.pool.get().await.unwrap();
    let client: &mut tokio_postgres::Client = &mut conn;
    let tx = client.transaction().await.unwrap();
    let sink = tx
        .copy_in::<_, bytes::Bytes>(&format!("COPY {EVENT_COLUMNS} FROM STDIN"))
        .await
        .unwrap();
    let mut sink = std::pin::pin!(sink);
    sink.send(bytes::Bytes::from(text)).await.unwrap();
    let n = sink.as_mut().finish().await.unwrap();
    assert_eq!(n as usize, events.len());
    tx.commit().await.unwrap();
}

/// A second floor: multi-row `INSERT`s of 500 rows, one transaction each (as push batches).
async fn insert_events(db: &TestDb, events: &[Envelope]) {
    let mut conn = db.pool.get().await.unwrap();
    let client: &mut tokio_postgres::Client = &mut conn;
    for chunk in events.chunks(MAX_BATCH_EVENTS) {
        let mut sql = format!("INSERT INTO {EVENT_COLUMNS} VALUES ");
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(chunk.len() * 8);
        for (i, e) in chunk.iter().enumerate() {
            let b = i * 8;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${},${},${},${},${},${},${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8
            ));
            params.extend_from_slice(&[
                &e.event_id,
                &e.store_id,
                &e.device_id,
                &e.seq,
                &e.kind,
                &e.payload,
                &e.payload_hash,
                &e.created_at,
            ]);
        }
        let tx = client.transaction().await.unwrap();
        let n = tx.execute(&sql, &params).await.unwrap();
        assert_eq!(n as usize, chunk.len());
        tx.commit().await.unwrap();
    }
}

/// Push's own statements without the projections (to split push's cost): per batch of 500 one
/// transaction with the advisory lock, one multi-row insert of the events
/// (`pos_hq::push::insert_events`), the store's `last_push_at` and the device's gaps.
async fn push_without_projections(
    db: &TestDb,
    events: &[Envelope],
    now: chrono::DateTime<chrono::Utc>,
) {
    let mut conn = db.pool.get().await.unwrap();
    for chunk in events.chunks(MAX_BATCH_EVENTS) {
        let tx = conn.transaction().await.unwrap();
        tx.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&pos_hq::push::PUSH_LOCK],
        )
        .await
        .unwrap();
        let refs: Vec<&Envelope> = chunk.iter().collect();
        let stored = pos_hq::push::insert_events(&tx, &refs, &vec![None; refs.len()])
            .await
            .unwrap();
        assert_eq!(stored.len(), chunk.len());
        tx.execute(
            "UPDATE store SET last_push_at = $2 WHERE id = $1",
            &[&chunk[0].store_id, &now],
        )
        .await
        .unwrap();
        pos_hq::push::device_gaps(&*tx, chunk[0].device_id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}

// ---- Headquarters ingest -------------------------------------------------------------------

#[divan::bench(sample_count = 5, sample_size = 1)]
fn ingest_push_batches_of_500(bencher: Bencher) {
    let events = ingest_events();
    let till = &backlog_till().till;
    bencher
        .counter(ItemsCount::new(events.len()))
        .with_inputs(|| fresh_hq_for(till))
        .bench_local_refs(|hq| push_all(hq, events));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn ingest_floor_copy(bencher: Bencher) {
    let events = ingest_events();
    let till = &backlog_till().till;
    bencher
        .counter(ItemsCount::new(events.len()))
        .with_inputs(|| fresh_hq_for(till))
        .bench_local_refs(|hq| hq.block_on(copy_events(&hq.db, events)));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn ingest_floor_insert_500_rows(bencher: Bencher) {
    let events = ingest_events();
    let till = &backlog_till().till;
    bencher
        .counter(ItemsCount::new(events.len()))
        .with_inputs(|| fresh_hq_for(till))
        .bench_local_refs(|hq| hq.block_on(insert_events(&hq.db, events)));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn ingest_push_without_projections(bencher: Bencher) {
    let events = ingest_events();
    let till = &backlog_till().till;
    bencher
        .counter(ItemsCount::new(events.len()))
        .with_inputs(|| fresh_hq_for(till))
        .bench_local_refs(|hq| {
            let now = pos_hq::Clock::now(&*hq.clock);
            hq.block_on(push_without_projections(&hq.db, events, now))
        });
}

// ---- A store's nightly sync ----------------------------------------------------------------

/// A copy of the template till connected to a fresh headquarters that already has the store's
/// members (their registration events pushed and acknowledged, untimed).
fn connected_copy(t: &Template) -> (Hq, Till) {
    let till = t.till.copy_to(tempfile::tempdir().unwrap());
    let hq = Hq::start();
    hq.connect(&till);
    let store = till.api.store();
    let members = store
        .read(|c| outbox::unsent(c, t.member_events as u32))
        .unwrap();
    push_all(&hq, &members);
    let ids: Vec<uuid::Uuid> = members.iter().map(|e| e.event_id).collect();
    store.write(|tx| outbox::mark_acked(tx, &ids)).unwrap();
    assert_eq!(
        till.unsynced() as usize,
        t.total_events - t.member_events,
        "the outbox holds the sales' events only"
    );
    (hq, till)
}

/// `pos_sync::sync` of everything unsent; notes how long the push took.
fn nightly_sync(what: &str, till: &Till) {
    let start = Instant::now();
    let mut pushed_at: Option<Duration> = None;
    let report = pos_sync::sync(till.api.store(), |p| {
        if let (Progress::Pulling { .. }, None) = (p, pushed_at) {
            pushed_at = Some(start.elapsed());
        }
    })
    .unwrap();
    let total = start.elapsed();
    // Applying pulled sales may move a member's tier here: that new event waits for the next
    // sync. Without anything to pull, nothing is left.
    assert!(report.pulled > 0 || report.unsynced == 0, "{report:?}");
    assert!(report.quarantined.is_empty(), "{report:?}");
    let push = pushed_at.unwrap_or(total);
    note(format!(
        "{what}: sync {total:.2?} for {} events (push {push:.2?}, pull {:.2?}: {} pulled, \
         {} applied, {} new events left for the next sync); load average {}",
        report.pushed,
        total - push,
        report.pulled,
        report.applied,
        report.unsynced,
        loadavg()
    ));
}

/// The floor of a sync: the till's unsent outbox rows read and COPY'd into the event table.
fn floor_copy(hq: &Hq, till: &Till) {
    let events = till
        .api
        .store()
        .read(|c| outbox::unsent(c, u32::MAX))
        .unwrap();
    hq.block_on(copy_events(&hq.db, &events));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn nightly_day_of_1000_sales_sync(bencher: Bencher) {
    let t = day_till();
    bencher
        .counter(ItemsCount::new(t.total_events - t.member_events))
        .with_inputs(|| connected_copy(t))
        .bench_local_refs(|(_hq, till)| nightly_sync("day of 1 000 sales", till));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn nightly_day_of_1000_sales_floor_copy(bencher: Bencher) {
    let t = day_till();
    bencher
        .counter(ItemsCount::new(t.total_events - t.member_events))
        .with_inputs(|| connected_copy(t))
        .bench_local_refs(|(hq, till)| floor_copy(hq, till));
}

/// The same day when headquarters also holds another store's day (its members and sales), which
/// the till pulls and applies.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn nightly_day_of_1000_sales_sync_and_pull_another_stores_day(bencher: Bencher) {
    let t = day_till();
    let other = neighbour_till();
    let other_events = other
        .till
        .api
        .store()
        .read(|c| outbox::unsent(c, u32::MAX))
        .unwrap();
    let other_store = other
        .till
        .api
        .store()
        .read(till_identity)
        .unwrap()
        .store_id
        .0;
    bencher
        .counter(ItemsCount::new(t.total_events - t.member_events))
        .with_inputs(|| {
            let (hq, till) = connected_copy(t);
            hq.block_on(pos_hq::add_store(&hq.db.pool, other_store, "S002", "邻店"))
                .unwrap();
            push_all(&hq, &other_events);
            (hq, till)
        })
        .bench_local_refs(|(_hq, till)| {
            nightly_sync("day of 1 000 sales + pull another store's day", till)
        });
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn backlog_30_days_sync(bencher: Bencher) {
    let t = backlog_till();
    bencher
        .counter(ItemsCount::new(t.total_events - t.member_events))
        .with_inputs(|| connected_copy(t))
        .bench_local_refs(|(_hq, till)| nightly_sync("30-day backlog", till));
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn backlog_30_days_floor_copy(bencher: Bencher) {
    let t = backlog_till();
    bencher
        .counter(ItemsCount::new(t.total_events - t.member_events))
        .with_inputs(|| connected_copy(t))
        .bench_local_refs(|(hq, till)| floor_copy(hq, till));
}
