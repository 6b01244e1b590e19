//! Push and pull: the event log itself.
//!
//! A push is ONE PostgreSQL transaction that first takes `pg_advisory_xact_lock(PUSH_LOCK)`, so
//! pushes run one after another. Why: `hq_seq` (a bigserial) is handed out when a row is inserted
//! but becomes visible when its transaction commits; two concurrent pushes could commit 41 after
//! 42 has already been pulled, and the puller, whose cursor is at 42, would never see 41.
//! Serialized pushes commit in `hq_seq` order. The cost: one push at a time for the whole chain
//! (a nightly batch of 500 events takes tens of milliseconds, so hundreds of stores still fit in
//! minutes); pulls and admin views never take the lock.
//!
//! A batch is first stored as sets (one insert of its events, one statement per projected
//! table, statements prepared once per connection). If a projection fails — a payload that
//! parses but holds something PostgreSQL refuses, such as a date that is not a date — that
//! attempt is rolled back and the batch is stored again with each event in its own savepoint,
//! through the same statements, so that event alone is quarantined as `bad_payload` and the
//! rest of the batch is kept.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use deadpool_postgres::Transaction;
use pos_sync_proto::catalogue::{HlcStamp, HQ_ONLY};
use pos_sync_proto::{
    Clamped, Envelope, Gap, Payload, PullPage, PulledEvent, PushAck, PushBatch, QuarantineReason,
    Quarantined, MAX_BATCH_EVENTS, MAX_PAYLOAD_BYTES,
};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::projection::{self, ProjectionError, Receipt};
use crate::{Clock, Pool};

/// The advisory lock key that serializes pushes ("PHARMPOS" in ASCII).
pub const PUSH_LOCK: i64 = 0x5048_4152_4d50_4f53;

/// The kinds a till pulls: other stores' members, points and coupons; headquarters' merges,
/// member spend (never other stores' whole sales: they carry prescriptions and ID numbers),
/// ephedrine purchases by ID digest, 药品追溯码 out at two sales, and the chain's rules and
/// catalog. Staff, a store's own catalog and rules, and pharmacy settings stay with their store.
pub const PULLED_KINDS_SQL: &str = "(kind LIKE 'member.%' OR kind LIKE 'points.entry@%' \
     OR kind LIKE 'coupon.%' \
     OR (store_id = '00000000-0000-0000-0000-000000000000' \
         AND (kind LIKE 'rules.updated@%' OR kind LIKE 'catalog.product@%' \
              OR kind LIKE 'ephedrine.%' OR kind LIKE 'trace.conflict@%')))";

/// Stores a batch already checked for protocol, size and store (see `api`).
///
/// The batch is first stored as sets: one multi-row insert of its events, then one statement per
/// projected table ([`projection::apply_all`]). If that fails — an event that parses but holds
/// something PostgreSQL refuses, such as a date that is not a date — the attempt is rolled back
/// whole and the batch is stored again carefully, each event in its own savepoint through the
/// same statements, so the failing event alone is quarantined.
pub async fn push(
    pool: &Pool,
    clock: &dyn Clock,
    store: Uuid,
    batch: &PushBatch,
) -> Result<PushAck> {
    match push_batch(pool, clock, store, batch, false).await {
        Err(e) if e.is::<NeedsCare>() => push_batch(pool, clock, store, batch, true).await,
        other => other,
    }
}

/// The fast attempt met an event that must be set aside: store the batch again, carefully.
#[derive(Debug)]
struct NeedsCare;

impl std::fmt::Display for NeedsCare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an event of the batch needs its own savepoint")
    }
}

impl std::error::Error for NeedsCare {}

/// What became of one event that passed [`check`].
enum Stored {
    /// Stored now; the stamp headquarters orders it by when its till's clock was too far ahead.
    Accepted(Option<HlcStamp>),
    /// Stored before with the same content; the clamp said then, if any (the answer may have
    /// been lost, so it is said again).
    Duplicate(Option<HlcStamp>),
    Quarantined(QuarantineReason, String),
}

async fn push_batch(
    pool: &Pool,
    clock: &dyn Clock,
    store: Uuid,
    batch: &PushBatch,
    careful: bool,
) -> Result<PushAck> {
    let mut conn = pool.get().await?;
    let mut tx = conn.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
        .await?;
    let receipt = Receipt {
        now: clock.now(),
        store,
    };
    // What became of each event, in batch order (so the answer lists them in that order).
    let mut outcomes: Vec<Option<Stored>> = batch.events.iter().map(|_| None).collect();
    let mut checked = Vec::with_capacity(batch.events.len());
    let mut positions = Vec::with_capacity(batch.events.len());
    for (i, env) in batch.events.iter().enumerate() {
        match check(env, batch) {
            Ok(payload) => {
                checked.push((env, payload));
                positions.push(i);
            }
            Err((reason, message)) => outcomes[i] = Some(Stored::Quarantined(reason, message)),
        }
    }
    let stored = if careful {
        let mut stored = Vec::with_capacity(checked.len());
        for (env, payload) in &checked {
            stored.push(store_carefully(&mut tx, env, payload, &receipt).await?);
        }
        stored
    } else {
        store_as_sets(&tx, &checked, &receipt).await?
    };
    for (i, s) in positions.into_iter().zip(stored) {
        outcomes[i] = Some(s);
    }
    let mut ack = PushAck::default();
    for (env, stored) in batch.events.iter().zip(outcomes) {
        match stored.context("every event has an outcome")? {
            Stored::Accepted(clamp) => {
                ack.accepted.push(env.event_id);
                ack.clamped.extend(clamp.map(|hlc| Clamped {
                    event_id: env.event_id,
                    hlc,
                }));
            }
            Stored::Duplicate(clamp) => {
                ack.duplicates.push(env.event_id);
                ack.clamped.extend(clamp.map(|hlc| Clamped {
                    event_id: env.event_id,
                    hlc,
                }));
            }
            Stored::Quarantined(reason, message) => {
                quarantine(&tx, batch, env, reason, &message, &mut ack).await?;
            }
        }
    }
    tx.execute(
        "UPDATE store SET last_push_at = $2 WHERE id = $1",
        &[&store, &receipt.now],
    )
    .await?;
    ack.gaps = device_gaps(&*tx, batch.device_id).await?;
    tx.commit().await?;
    Ok(ack)
}

/// The fast path: the batch's events in one insert, their projections a set per table.
async fn store_as_sets(
    tx: &Transaction<'_>,
    checked: &[(&Envelope, Payload)],
    r: &Receipt,
) -> Result<Vec<Stored>> {
    let envs: Vec<&Envelope> = checked.iter().map(|(env, _)| *env).collect();
    let clamps: Vec<Option<HlcStamp>> = checked.iter().map(|(_, p)| clamped_stamp(p, r)).collect();
    let inserted = insert_events(tx, &envs, &clamps).await?;
    let earlier: Vec<Uuid> = envs
        .iter()
        .map(|e| e.event_id)
        .filter(|id| !inserted.contains(id))
        .collect();
    let earlier = stored_before(tx, &earlier).await?;
    // Where in this batch each new id was first seen (an id twice in one batch is stored once).
    let mut first: HashMap<Uuid, usize> = HashMap::new();
    let mut outcomes = Vec::with_capacity(checked.len());
    let mut accepted = Vec::new();
    for (i, (env, payload)) in checked.iter().enumerate() {
        let id = env.event_id;
        let stored = if let Some(&j) = first.get(&id) {
            judge(env, &checked[j].0.payload_hash, clamps[j])
        } else if inserted.contains(&id) {
            first.insert(id, i);
            accepted.push((*env, payload));
            Stored::Accepted(clamps[i])
        } else {
            let (hash, clamp) = earlier
                .get(&id)
                .with_context(|| format!("event {id} was neither stored nor found"))?;
            judge(env, hash, *clamp)
        };
        outcomes.push(stored);
    }
    if let Err(e) = projection::apply_all(tx, &accepted, r).await {
        tracing::debug!(error = ?e, "batch needs care");
        return Err(NeedsCare.into());
    }
    Ok(outcomes)
}

/// The careful path: one event in its own savepoint, quarantined alone if its projection fails.
async fn store_carefully(
    tx: &mut Transaction<'_>,
    env: &Envelope,
    payload: &Payload,
    r: &Receipt,
) -> Result<Stored> {
    let clamp = clamped_stamp(payload, r);
    let sp = tx.savepoint("event").await?;
    if insert_events(&sp, &[env], &[clamp]).await?.is_empty() {
        sp.rollback().await?;
        let earlier = stored_before(tx, &[env.event_id]).await?;
        let (hash, clamp) = earlier
            .get(&env.event_id)
            .with_context(|| format!("event {} was neither stored nor found", env.event_id))?;
        return Ok(judge(env, hash, *clamp));
    }
    match projection::apply(&sp, env, payload, r).await {
        Ok(()) => {
            sp.commit().await?;
            Ok(Stored::Accepted(clamp))
        }
        Err(ProjectionError::Invalid(message)) => {
            sp.rollback().await?;
            Ok(Stored::Quarantined(QuarantineReason::BadPayload, message))
        }
        Err(ProjectionError::Db(e)) if is_data_exception(&e) => {
            sp.rollback().await?;
            Ok(Stored::Quarantined(
                QuarantineReason::BadPayload,
                format!("事件内容无法入库：{}", db_message(&e)),
            ))
        }
        Err(ProjectionError::Db(e)) => Err(e).context("projection failed"),
    }
}

/// An event whose id is already stored: the same event again, or another one reusing its id.
fn judge(env: &Envelope, stored_hash: &str, clamp: Option<HlcStamp>) -> Stored {
    if stored_hash == env.payload_hash {
        Stored::Duplicate(clamp)
    } else {
        Stored::Quarantined(
            QuarantineReason::HashConflict,
            "同一事件编号此前已收到不同的内容；总部保留最先收到的一份".to_string(),
        )
    }
}

/// Payload hash and ordering stamp of events stored before.
async fn stored_before(
    tx: &Transaction<'_>,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, (String, Option<HlcStamp>)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let st = tx
        .prepare_cached(
            "SELECT event_id, payload_hash, order_hlc FROM event WHERE event_id = ANY($1)",
        )
        .await?;
    let rows = tx.query(&st, &[&ids]).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let clamp = row
                .get::<_, Option<serde_json::Value>>(2)
                .and_then(|v| serde_json::from_value(v).ok());
            (row.get(0), (row.get(1), clamp))
        })
        .collect())
}

/// Publishes headquarters' own event (chain rules) for every till: under the push lock, so
/// pulls see it in order like any pushed event.
pub async fn publish(pool: &Pool, clock: &dyn Clock, payload: &Payload) -> Result<Uuid> {
    let ids = publish_all(pool, clock, std::slice::from_ref(payload)).await?;
    Ok(ids[0])
}

/// [`publish`] for many events (a whole catalog), all or none, in this order.
pub async fn publish_all(
    pool: &Pool,
    clock: &dyn Clock,
    payloads: &[Payload],
) -> Result<Vec<Uuid>> {
    let mut conn = pool.get().await?;
    let tx = conn.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
        .await?;
    let mut ids = Vec::with_capacity(payloads.len());
    for chunk in payloads.chunks(MAX_BATCH_EVENTS) {
        ids.extend(projection::emit_all(&tx, chunk, clock.now()).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// The stamp a member edit is ordered by when its till's clock was too far ahead, if it was.
fn clamped_stamp(payload: &Payload, receipt: &Receipt) -> Option<HlcStamp> {
    let Payload::MemberFieldEdited(p) = payload else {
        return None;
    };
    let c = projection::clamp(p.hlc, receipt.now);
    (c != p.hlc).then_some(c)
}

/// What can be said of an envelope without the database.
fn check(env: &Envelope, batch: &PushBatch) -> Result<Payload, (QuarantineReason, String)> {
    if HQ_ONLY.contains(&env.kind.as_str()) {
        return Err((
            QuarantineReason::HqOnlyKind,
            format!("“{}”只能由总部发出，门店发来的不予采用", env.kind),
        ));
    }
    if env.payload.len() > MAX_PAYLOAD_BYTES {
        return Err((
            QuarantineReason::TooLarge,
            format!(
                "事件内容 {} 字节，超过上限 {MAX_PAYLOAD_BYTES} 字节",
                env.payload.len()
            ),
        ));
    }
    if !env.hash_matches() {
        return Err((
            QuarantineReason::HashMismatch,
            "事件内容与其校验值不符（传输中损坏），请重新同步".to_string(),
        ));
    }
    if env.store_id != batch.store_id || env.device_id != batch.device_id {
        return Err((
            QuarantineReason::WrongStore,
            "事件标注的门店或设备与本批不一致".to_string(),
        ));
    }
    Payload::parse(&env.kind, &env.payload).map_err(|e| {
        let reason = match e {
            pos_sync_proto::catalogue::ParseError::UnknownKind(_) => QuarantineReason::UnknownKind,
            pos_sync_proto::catalogue::ParseError::BadPayload(_) => QuarantineReason::BadPayload,
        };
        (reason, e.to_string())
    })
}

/// SQLSTATE class 22 (data exception: a bad date, a number out of range): the event's fault.
fn is_data_exception(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|c| c.code().starts_with("22"))
}

fn db_message(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_string())
}

async fn quarantine(
    tx: &Transaction<'_>,
    batch: &PushBatch,
    env: &Envelope,
    reason: QuarantineReason,
    message: &str,
    ack: &mut PushAck,
) -> Result<()> {
    let reason_text = serde_json::to_value(reason)?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let envelope = serde_json::to_value(env)?;
    tx.execute(
        "INSERT INTO quarantine (event_id, store_id, device_id, kind, payload_hash, reason, message, envelope)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (event_id, reason, payload_hash) DO UPDATE SET received_at = now()",
        &[
            &env.event_id,
            &batch.store_id,
            &batch.device_id,
            &env.kind,
            &env.payload_hash,
            &reason_text,
            &message,
            &envelope,
        ],
    )
    .await?;
    tracing::warn!(event = %env.event_id, reason = reason_text, message, "event quarantined");
    ack.quarantined.push(Quarantined {
        event_id: env.event_id,
        reason,
        message: message.to_string(),
    });
    Ok(())
}

/// Stores events once each, in this order (so `hq_seq` follows it), in one statement; returns
/// the ids stored now (the others were stored before, or earlier in the same call).
pub async fn insert_events(
    tx: &Transaction<'_>,
    envs: &[&Envelope],
    order_hlc: &[Option<HlcStamp>],
) -> Result<HashSet<Uuid>, tokio_postgres::Error> {
    let ids: Vec<Uuid> = envs.iter().map(|e| e.event_id).collect();
    let stores: Vec<Uuid> = envs.iter().map(|e| e.store_id).collect();
    let devices: Vec<Uuid> = envs.iter().map(|e| e.device_id).collect();
    let seqs: Vec<i64> = envs.iter().map(|e| e.seq).collect();
    let kinds: Vec<&str> = envs.iter().map(|e| e.kind.as_str()).collect();
    let payloads: Vec<&str> = envs.iter().map(|e| e.payload.as_str()).collect();
    let hashes: Vec<&str> = envs.iter().map(|e| e.payload_hash.as_str()).collect();
    let created: Vec<&str> = envs.iter().map(|e| e.created_at.as_str()).collect();
    let order: Vec<Option<String>> = order_hlc
        .iter()
        .map(|h| h.and_then(|h| serde_json::to_string(&h).ok()))
        .collect();
    let st = tx
        .prepare_cached(
            "INSERT INTO event (event_id, store_id, device_id, seq, kind, payload, payload_hash,
                 created_at, order_hlc)
             SELECT event_id, store_id, device_id, seq, kind, payload, payload_hash, created_at,
                    order_hlc::jsonb
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int8[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::text[]) WITH ORDINALITY
                  AS e(event_id, store_id, device_id, seq, kind, payload, payload_hash,
                       created_at, order_hlc, ord)
             ORDER BY ord
             ON CONFLICT (event_id) DO NOTHING
             RETURNING event_id",
        )
        .await?;
    let rows = tx
        .query(
            &st,
            &[
                &ids, &stores, &devices, &seqs, &kinds, &payloads, &hashes, &created, &order,
            ],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The holes in a device's sequence: numbers between 1 and the highest stored that never came.
///
/// `device_progress` keeps the highest number up to which nothing is missing, so a push reads
/// only the device's events past it, not its whole history.
pub async fn device_gaps(c: &impl GenericClient, device: Uuid) -> Result<Vec<Gap>> {
    let done: i64 = c
        .query_opt(
            "SELECT contiguous FROM device_progress WHERE device_id = $1",
            &[&device],
        )
        .await?
        .map_or(0, |r| r.get(0));
    let rows = c
        .query(
            "SELECT prev + 1, seq - 1 FROM (
                 SELECT seq, lag(seq, 1, $2) OVER (ORDER BY seq) AS prev
                 FROM (SELECT DISTINCT seq FROM event WHERE device_id = $1 AND seq > $2) s
             ) t
             WHERE seq > prev + 1
             ORDER BY 1",
            &[&device, &done],
        )
        .await?;
    let gaps: Vec<Gap> = rows
        .iter()
        .map(|r| Gap {
            device_id: device,
            from_seq: r.get(0),
            to_seq: r.get(1),
        })
        .collect();
    let contiguous: i64 = match gaps.first() {
        Some(g) => g.from_seq - 1,
        None => c
            .query_one(
                "SELECT COALESCE(max(seq), $2) FROM event WHERE device_id = $1",
                &[&device, &done],
            )
            .await?
            .get(0),
    };
    if contiguous > done {
        c.execute(
            "INSERT INTO device_progress (device_id, contiguous) VALUES ($1, $2)
             ON CONFLICT (device_id) DO UPDATE SET contiguous = EXCLUDED.contiguous",
            &[&device, &contiguous],
        )
        .await?;
    }
    Ok(gaps)
}

/// Events after `cursor` that `store` did not produce, of the kinds tills pull, in `hq_seq`
/// order; the envelope comes back exactly as its till sent it.
pub async fn pull(pool: &Pool, store: Uuid, cursor: i64, limit: u32) -> Result<PullPage> {
    let sql = format!(
        "SELECT hq_seq, event_id, store_id, device_id, seq, kind, payload, payload_hash, created_at,
                order_hlc
         FROM event
         WHERE hq_seq > $1 AND store_id <> $2 AND {PULLED_KINDS_SQL}
         ORDER BY hq_seq
         LIMIT $3"
    );
    page(pool, &sql, store, cursor, limit).await
}

/// Every event `store` itself pushed (all kinds, all its devices), after `cursor`, in `hq_seq`
/// order: what a till whose file was lost is rebuilt from (`GET /v1/restore`).
pub async fn own(pool: &Pool, store: Uuid, cursor: i64, limit: u32) -> Result<PullPage> {
    let sql = "SELECT hq_seq, event_id, store_id, device_id, seq, kind, payload, payload_hash,
                      created_at, order_hlc
               FROM event
               WHERE hq_seq > $1 AND store_id = $2
               ORDER BY hq_seq
               LIMIT $3";
    page(pool, sql, store, cursor, limit).await
}

async fn page(pool: &Pool, sql: &str, store: Uuid, cursor: i64, limit: u32) -> Result<PullPage> {
    let client = pool.get().await?;
    let fetch = i64::from(limit) + 1;
    let rows = client.query(sql, &[&cursor, &store, &fetch]).await?;
    let more = rows.len() > limit as usize;
    let events: Vec<PulledEvent> = rows
        .iter()
        .take(limit as usize)
        .map(|r| PulledEvent {
            cursor: r.get(0),
            event: Envelope {
                event_id: r.get(1),
                store_id: r.get(2),
                device_id: r.get(3),
                seq: r.get(4),
                kind: r.get(5),
                payload: r.get(6),
                payload_hash: r.get(7),
                created_at: r.get(8),
            },
            order_hlc: r
                .get::<_, Option<serde_json::Value>>(9)
                .and_then(|v| serde_json::from_value(v).ok()),
        })
        .collect();
    let next_cursor = events.last().map_or(cursor, |e| e.cursor);
    client
        .execute(
            "UPDATE store SET last_pull_at = now() WHERE id = $1",
            &[&store],
        )
        .await?;
    Ok(PullPage {
        events,
        next_cursor,
        more,
    })
}
