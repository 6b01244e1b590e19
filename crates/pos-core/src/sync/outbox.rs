//! The sync outbox (SYNC-DESIGN.md): every committed change appends one event in the same
//! transaction. `seq` is the per-device sequence: an INTEGER PRIMARY KEY that is never deleted,
//! so it has no gaps. Kinds and payloads come only from the catalogue (`pos_sync_proto`), so a
//! kind cannot be misspelt and a payload is always the type headquarters reads.

use pos_sync_proto::{payload_hash, Envelope, Payload};
use rusqlite::Connection;

use crate::clock::stamp;
use crate::db::{till_identity, Tx};
use crate::error::Result;
use crate::ids::EventId;

/// Appends `payload` to the outbox inside `tx`.
pub fn append(tx: &Tx<'_>, payload: Payload) -> Result<EventId> {
    let till = till_identity(tx)?;
    let id = EventId::new(tx.clock);
    let json = payload.to_json();
    let hash = payload_hash(json.as_bytes());
    tx.prepare_cached(
        "INSERT INTO outbox (event_id, store_id, device_id, kind, payload, payload_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((
        id,
        till.store_id,
        till.device_id,
        payload.kind(),
        &json,
        &hash,
        stamp(tx.clock.now()),
    ))?;
    Ok(id)
}

/// Up to `limit` events headquarters has not acknowledged, oldest first.
pub fn unsent(c: &Connection, limit: u32) -> Result<Vec<Envelope>> {
    let mut st = c.prepare_cached(
        "SELECT event_id, store_id, device_id, seq, kind, payload, payload_hash, created_at
         FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT ?1",
    )?;
    let rows = st
        .query_map([limit], |r| {
            let uuid = |i| super::uuid_at(r, i);
            Ok(Envelope {
                event_id: uuid(0)?,
                store_id: uuid(1)?,
                device_id: uuid(2)?,
                seq: r.get(3)?,
                kind: r.get(4)?,
                payload: r.get(5)?,
                payload_hash: r.get(6)?,
                created_at: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// How many events wait to be sent.
pub fn unsent_count(c: &Connection) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM outbox WHERE acked_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

/// Marks events headquarters has stored. Marking one twice changes nothing.
pub fn mark_acked(tx: &Tx<'_>, ids: &[uuid::Uuid]) -> Result<usize> {
    let at = stamp(tx.clock.now());
    let mut st = tx.prepare_cached(
        "UPDATE outbox SET acked_at = ?2 WHERE event_id = ?1 AND acked_at IS NULL",
    )?;
    let mut n = 0;
    for id in ids {
        n += st.execute((id.to_string(), &at))?;
    }
    Ok(n)
}
