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
//! A batch is first stored straight (statements prepared once per connection). If an event's
//! projection fails — a payload that parses but holds something PostgreSQL refuses, such as a
//! date that is not a date — that attempt is rolled back and the batch is stored again with each
//! event in its own savepoint, so that event alone is quarantined as `bad_payload` and the rest of
//! the batch is kept.

use anyhow::{Context, Result};
use deadpool_postgres::Transaction;
use pos_sync_proto::catalogue::{HlcStamp, HQ_ONLY};
use pos_sync_proto::{
    Clamped, Envelope, Gap, Payload, PullPage, PulledEvent, PushAck, PushBatch, QuarantineReason,
    Quarantined, MAX_PAYLOAD_BYTES,
};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::projection::{self, ProjectionError, Receipt};
use crate::{Clock, Pool};

/// The advisory lock key that serializes pushes ("PHARMPOS" in ASCII).
pub const PUSH_LOCK: i64 = 0x5048_4152_4d50_4f53;

/// The kinds a till pulls: other stores' members, points and coupons; headquarters' merges,
/// member spend (never other stores' whole sales: they carry prescriptions and ID numbers),
/// ephedrine purchases by ID digest, and the chain's rules and catalog. Staff, a store's own
/// catalog and rules, and pharmacy settings stay with their store.
pub const PULLED_KINDS_SQL: &str = "(kind LIKE 'member.%' OR kind LIKE 'points.entry@%' \
     OR kind LIKE 'coupon.%' \
     OR (store_id = '00000000-0000-0000-0000-000000000000' \
         AND (kind LIKE 'rules.updated@%' OR kind LIKE 'catalog.product@%' \
              OR kind LIKE 'ephedrine.%')))";

/// Stores a batch already checked for protocol, size and store (see `api`).
///
/// The batch is first stored without a savepoint per event (2 round trips an event fewer). If
/// any event's projection fails, that attempt is rolled back whole and the batch is stored again
/// carefully, each event in its own savepoint, so the failing event alone is quarantined.
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
    let mut ack = PushAck::default();
    for env in &batch.events {
        let payload = match check(env, batch) {
            Ok(p) => p,
            Err((reason, message)) => {
                quarantine(&tx, batch, env, reason, &message, &mut ack).await?;
                continue;
            }
        };
        match store_event(&mut tx, env, &payload, &receipt, careful).await? {
            Stored::Accepted => {
                ack.accepted.push(env.event_id);
                if let Some(hlc) = clamped_stamp(&payload, &receipt) {
                    tx.execute(
                        "UPDATE event SET order_hlc = $2 WHERE event_id = $1",
                        &[&env.event_id, &serde_json::to_value(hlc)?],
                    )
                    .await?;
                    ack.clamped.push(Clamped {
                        event_id: env.event_id,
                        hlc,
                    });
                }
            }
            Stored::Duplicate => {
                ack.duplicates.push(env.event_id);
                // The first answer may have been lost: say the clamp again.
                let row = tx
                    .query_one(
                        "SELECT order_hlc FROM event WHERE event_id = $1",
                        &[&env.event_id],
                    )
                    .await?;
                let stored: Option<serde_json::Value> = row.get(0);
                if let Some(hlc) = stored.and_then(|v| serde_json::from_value(v).ok()) {
                    ack.clamped.push(Clamped {
                        event_id: env.event_id,
                        hlc,
                    });
                }
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
    let now = clock.now();
    let mut ids = Vec::with_capacity(payloads.len());
    for p in payloads {
        ids.push(projection::emit(&tx, p, now).await?);
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

enum Stored {
    Accepted,
    Duplicate,
    Quarantined(QuarantineReason, String),
}

async fn store_event(
    tx: &mut Transaction<'_>,
    env: &Envelope,
    payload: &Payload,
    receipt: &Receipt,
    careful: bool,
) -> Result<Stored> {
    if !careful {
        if !insert_event_cached(tx, env).await? {
            return already_stored(tx, env).await;
        }
        return match projection::apply(tx, env, payload, receipt).await {
            Ok(()) => Ok(Stored::Accepted),
            Err(_) => Err(NeedsCare.into()),
        };
    }
    let sp = tx.savepoint("event").await?;
    let inserted = insert_event_cached(&sp, env).await?;
    if !inserted {
        sp.rollback().await?;
        return already_stored(tx, env).await;
    }
    match projection::apply(&sp, env, payload, receipt).await {
        Ok(()) => {
            sp.commit().await?;
            Ok(Stored::Accepted)
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

const INSERT_EVENT: &str = "INSERT INTO event (event_id, store_id, device_id, seq, kind, payload, payload_hash, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (event_id) DO NOTHING";

fn event_params(env: &Envelope) -> [&(dyn tokio_postgres::types::ToSql + Sync); 8] {
    [
        &env.event_id,
        &env.store_id,
        &env.device_id,
        &env.seq,
        &env.kind,
        &env.payload,
        &env.payload_hash,
        &env.created_at,
    ]
}

/// An event id stored before: the same event again, or another one reusing its id.
async fn already_stored(tx: &Transaction<'_>, env: &Envelope) -> Result<Stored> {
    let row = tx
        .query_one(
            "SELECT payload_hash FROM event WHERE event_id = $1",
            &[&env.event_id],
        )
        .await?;
    let stored: String = row.get(0);
    Ok(if stored == env.payload_hash {
        Stored::Duplicate
    } else {
        Stored::Quarantined(
            QuarantineReason::HashConflict,
            "同一事件编号此前已收到不同的内容；总部保留最先收到的一份".to_string(),
        )
    })
}

/// Inserts one event once; false when its id was already stored.
pub async fn insert_event(
    c: &impl GenericClient,
    env: &Envelope,
) -> Result<bool, tokio_postgres::Error> {
    Ok(c.execute(INSERT_EVENT, &event_params(env)).await? == 1)
}

/// [`insert_event`] with the statement prepared once per connection (the push path).
pub(crate) async fn insert_event_cached(
    tx: &Transaction<'_>,
    env: &Envelope,
) -> Result<bool, tokio_postgres::Error> {
    let st = tx.prepare_cached(INSERT_EVENT).await?;
    Ok(tx.execute(&st, &event_params(env)).await? == 1)
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

/// The holes in a device's sequence: numbers between 1 and the highest stored that never came.
pub async fn device_gaps(c: &impl GenericClient, device: Uuid) -> Result<Vec<Gap>> {
    let rows = c
        .query(
            "SELECT prev + 1, seq - 1 FROM (
                 SELECT seq, lag(seq, 1, 0::bigint) OVER (ORDER BY seq) AS prev
                 FROM (SELECT DISTINCT seq FROM event WHERE device_id = $1 AND seq >= 1) s
             ) t
             WHERE seq > prev + 1
             ORDER BY 1",
            &[&device],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Gap {
            device_id: device,
            from_seq: r.get(0),
            to_seq: r.get(1),
        })
        .collect())
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
