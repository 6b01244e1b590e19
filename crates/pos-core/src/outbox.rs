//! The sync outbox (SYNC-DESIGN.md): every committed change appends one event in the same
//! transaction. `seq` is the per-device sequence: an INTEGER PRIMARY KEY that is never deleted,
//! so it has no gaps.

use serde::Serialize;

use crate::clock::stamp;
use crate::db::{till_identity, Tx};
use crate::error::Result;
use crate::ids::EventId;

/// Appends an event of `kind` with `payload` to the outbox inside `tx`.
pub fn append(tx: &Tx<'_>, kind: &str, payload: &impl Serialize) -> Result<EventId> {
    let till = till_identity(tx)?;
    let id = EventId::new(tx.clock);
    let payload = serde_json::to_string(payload).map_err(crate::error::PosError::storage)?;
    let hash = fnv1a_hex(payload.as_bytes());
    tx.execute(
        "INSERT INTO outbox (event_id, store_id, device_id, kind, payload, payload_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (id, till.store_id, till.device_id, kind, &payload, &hash, stamp(tx.clock.now())),
    )?;
    Ok(id)
}

/// A stable 64-bit FNV-1a digest of the payload, so headquarters can tell a replayed event from
/// a different event reusing an id. Not a security measure.
fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_is_stable() {
        assert_eq!(super::fnv1a_hex(b""), "cbf29ce484222325");
        assert_ne!(super::fnv1a_hex(b"a"), super::fnv1a_hex(b"b"));
    }
}
