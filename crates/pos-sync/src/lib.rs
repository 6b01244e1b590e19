//! The store-side sync client (SYNC-DESIGN.md): pushes this till's unsent outbox events to
//! headquarters in batches, marks what headquarters stored, then pulls what other stores and
//! headquarters changed since the cursor and applies it through `pos_core::sync::apply`.
//!
//! Every step can fail anywhere (network cut after headquarters committed, before the till read
//! the answer; a restart in the middle) without losing or doubling anything: headquarters stores
//! an event id once and answers a repeat as a duplicate, and the till keeps every pulled event
//! by id. The only network I/O of the till is here, never in pos-core.

mod http;

pub use http::Client;

use pos_core::db::{till_identity, Store};
use pos_core::error::{ErrorCode, PosError, Result};
use pos_core::sync::{
    apply, outbox, restore, state, RestoreReport, RestoreRequest, SyncReport, Syncer,
};
use pos_sync_proto::{PushBatch, MAX_BATCH_EVENTS, PROTOCOL};

/// Where a sync is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `sent` of `total` unsent events pushed so far.
    Pushing { sent: u64, total: u64 },
    /// Pulled events so far (the total is not known ahead).
    Pulling { received: u64 },
}

/// The [`Syncer`] the desktop and the CLI plug into the core's `Api`.
pub struct HttpSyncer;

impl Syncer for HttpSyncer {
    fn sync(&self, store: &Store, progress: &dyn Fn(u64, u64)) -> Result<SyncReport> {
        sync(store, |p| match p {
            Progress::Pushing { sent, total } => progress(sent, total),
            Progress::Pulling { received } => progress(received, 0),
        })
    }

    fn restore(
        &self,
        store: &Store,
        request: &RestoreRequest,
        progress: &dyn Fn(u64, u64),
    ) -> Result<RestoreReport> {
        restore_from_hq(store, request, |n| progress(n, 0))
    }
}

/// Rebuilds a lost till on `store` (a new, empty file) from headquarters: this store's own
/// events first (its sales, returns, staff, members, ledgers), then the rest of the chain.
pub fn restore_from_hq(
    store: &Store,
    request: &RestoreRequest,
    mut progress: impl FnMut(u64),
) -> Result<RestoreReport> {
    pos_core::staff::check_pin(&request.manager_pin)?;
    let client = Client::new(&request.hq_url, &request.token)?;
    let limit = pos_sync_proto::MAX_PULL_EVENTS;
    let first = client.restore(0, limit)?;
    let Some(store_id) = first.events.first().map(|e| e.event.store_id) else {
        return Err(PosError::new(
            ErrorCode::SyncFailed,
            "总部没有本店的任何数据：请核对门店令牌是否是本店的",
        ));
    };
    store.write(|tx| {
        restore::begin(tx, store_id)?;
        state::configure(tx, &request.hq_url, &request.token, "02:00")
    })?;
    let mut report = RestoreReport {
        store_id: store_id.to_string(),
        ..Default::default()
    };
    let mut page = first;
    loop {
        store.write(|tx| apply::restore_page(tx, &page))?;
        report.events += page.events.len() as u64;
        progress(report.events);
        if !page.more || page.events.is_empty() {
            break;
        }
        page = client.restore(page.next_cursor, limit)?;
    }
    store.write(|tx| restore::finish(tx, &request.manager_staff_no, &request.manager_pin))?;
    let mut pulled = SyncReport::default();
    pull_all(store, &client, &mut pulled, &mut |_| {})?;
    store.write(|tx| state::finish(tx, None))?;
    report.pulled = pulled.pulled;
    let count = |sql: &str| store.read(|c| Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))?));
    report.sales = count("SELECT count(*) FROM sale")?;
    report.returns = count("SELECT count(*) FROM sale_return")?;
    report.members = count("SELECT count(*) FROM member")?;
    report.staff = count("SELECT count(*) FROM staff")?;
    Ok(report)
}

/// Pushes, then pulls, with the endpoint configured in the store (`sync_state`).
pub fn sync(store: &Store, mut progress: impl FnMut(Progress)) -> Result<SyncReport> {
    // One sync at a time in this process (the nightly one and "sync now" may meet); a second
    // would be harmless (headquarters and the inbox deduplicate) but only slower.
    static RUNNING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = RUNNING.lock().unwrap_or_else(|p| p.into_inner());
    let endpoint = store
        .read(state::endpoint)?
        .ok_or_else(state::not_configured)?;
    let client = Client::new(&endpoint.hq_url, &endpoint.token)?;
    let result = run(store, &client, &mut progress);
    let error = result.as_ref().err().map(|e| e.message.clone());
    store.write(|tx| state::finish(tx, error.as_deref()))?;
    result
}

fn run(store: &Store, client: &Client, progress: &mut impl FnMut(Progress)) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    push_all(store, client, &mut report, progress)?;
    pull_all(store, client, &mut report, progress)?;
    report.unsynced = store.read(outbox::unsent_count)?;
    Ok(report)
}

/// Pushes every unsent event, oldest first, in batches.
pub fn push_all(
    store: &Store,
    client: &Client,
    report: &mut SyncReport,
    progress: &mut impl FnMut(Progress),
) -> Result<()> {
    let till = store.read(till_identity)?;
    let total = store.read(outbox::unsent_count)?.max(0) as u64;
    let mut sent = 0u64;
    progress(Progress::Pushing { sent, total });
    // Quarantined events stay unsent; skip past them so the rest still goes.
    let mut held: std::collections::HashSet<uuid::Uuid> = Default::default();
    loop {
        let events: Vec<_> = store
            .read(|c| outbox::unsent(c, (MAX_BATCH_EVENTS + held.len()) as u32))?
            .into_iter()
            .filter(|e| !held.contains(&e.event_id))
            .take(MAX_BATCH_EVENTS)
            .collect();
        if events.is_empty() {
            return Ok(());
        }
        let n = events.len() as u64;
        let batch = PushBatch {
            protocol: PROTOCOL,
            store_id: till.store_id.0,
            device_id: till.device_id.0,
            events,
        };
        let ack = client.push(&batch)?;
        let mut stored = ack.accepted.clone();
        stored.extend(&ack.duplicates);
        store.write(|tx| {
            outbox::mark_acked(tx, &stored)?;
            apply::clamped(tx, &ack.clamped)
        })?;
        report.pushed += ack.accepted.len() as u64;
        report.duplicates += ack.duplicates.len() as u64;
        for q in &ack.quarantined {
            held.insert(q.event_id);
            report
                .quarantined
                .push(format!("{}：{}", q.event_id, q.message));
        }
        report.gaps = ack
            .gaps
            .iter()
            .map(|g| format!("{}–{}", g.from_seq, g.to_seq))
            .collect();
        sent += n;
        progress(Progress::Pushing {
            sent: sent.min(total),
            total,
        });
        if stored.is_empty() && held.is_empty() {
            return Err(PosError::new(
                ErrorCode::SyncFailed,
                "总部没有确认收到任何事件，请稍后再试或联系总部",
            ));
        }
    }
}

/// Pulls and applies pages until headquarters has no more.
pub fn pull_all(
    store: &Store,
    client: &Client,
    report: &mut SyncReport,
    progress: &mut impl FnMut(Progress),
) -> Result<()> {
    loop {
        let cursor = store.read(|c| {
            Ok(c.query_row("SELECT pull_cursor FROM sync_state", [], |r| {
                r.get::<_, i64>(0)
            })?)
        })?;
        let page = client.pull(cursor, pos_sync_proto::MAX_PULL_EVENTS)?;
        let applied = store.write(|tx| apply::page(tx, &page))?;
        report.pulled += u64::from(applied.received);
        report.applied += u64::from(applied.applied);
        report.waiting += u64::from(applied.waiting);
        report.conflicts += u64::from(applied.conflicts);
        progress(Progress::Pulling {
            received: report.pulled,
        });
        if !page.more || page.events.is_empty() {
            return Ok(());
        }
    }
}
