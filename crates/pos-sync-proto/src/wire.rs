//! What travels between a till and headquarters, as JSON over HTTPS.
//!
//! - `POST /v1/push` with a [`PushBatch`] → [`PushAck`]
//! - `GET /v1/pull?cursor=N&limit=M` → [`PullPage`]
//! - `GET /v1/health` → `{"status":"ok"}`
//!
//! Every request carries `Authorization: Bearer <store token>`; the token names the store, and a
//! batch for another store is refused. Errors come back as [`ErrorBody`] with a 4xx/5xx status.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalogue::HlcStamp;

/// The protocol version both sides speak; headquarters refuses a batch of another.
pub const PROTOCOL: u32 = 1;
/// The most events one push batch may carry.
pub const MAX_BATCH_EVENTS: usize = 500;
/// The largest request body headquarters reads (bytes); a larger one is refused with 413.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// The largest payload of one event (bytes).
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;
/// The most events one pull page carries.
pub const MAX_PULL_EVENTS: u32 = 1000;

/// The store id headquarters signs its own events with (merges, chain settings).
pub const HQ_STORE: Uuid = Uuid::nil();

/// One event as a till recorded it in its outbox. The payload is carried as the exact JSON text
/// the till hashed, so the hash can be checked byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub event_id: Uuid,
    pub store_id: Uuid,
    pub device_id: Uuid,
    /// Gapless per device, from 1.
    pub seq: i64,
    /// `name@version`, one of [`crate::KINDS`].
    pub kind: String,
    /// The payload's JSON text.
    pub payload: String,
    /// [`payload_hash`] of `payload`.
    pub payload_hash: String,
    /// When the till committed it (RFC 3339, UTC).
    pub created_at: String,
}

impl Envelope {
    /// Whether the carried hash is the hash of the carried payload.
    pub fn hash_matches(&self) -> bool {
        payload_hash(self.payload.as_bytes()) == self.payload_hash
    }
}

/// A stable 64-bit FNV-1a digest of the payload text, hex: it tells a replayed event from a
/// different event reusing an id, and a payload damaged on the way. Authenticity comes from the
/// store's token and TLS, not from this digest.
pub fn payload_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Unsent events of one till, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushBatch {
    pub protocol: u32,
    pub store_id: Uuid,
    pub device_id: Uuid,
    pub events: Vec<Envelope>,
}

/// Why headquarters set an event aside instead of applying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarantineReason {
    /// The same event id arrived before with another payload.
    HashConflict,
    /// The carried hash is not the payload's hash (damaged on the way).
    HashMismatch,
    /// The kind is not in the catalogue.
    UnknownKind,
    /// The payload does not parse as its kind's type.
    BadPayload,
    /// The payload is larger than [`MAX_PAYLOAD_BYTES`].
    TooLarge,
    /// The envelope names another store or device than the batch.
    WrongStore,
    /// A kind only headquarters may write (`member.merged`), sent by a till.
    HqOnlyKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    pub event_id: Uuid,
    pub reason: QuarantineReason,
    pub message: String,
}

/// A hole in a device's sequence as headquarters sees it: `from..=to` never arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub device_id: Uuid,
    pub from_seq: i64,
    pub to_seq: i64,
}

/// Headquarters' answer to a push. `accepted` and `duplicates` are safe to mark as sent: both
/// are stored at headquarters. Quarantined events stay unsent at the till and are reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PushAck {
    pub accepted: Vec<Uuid>,
    pub duplicates: Vec<Uuid>,
    pub quarantined: Vec<Quarantined>,
    /// Holes in this device's sequence after this batch.
    pub gaps: Vec<Gap>,
    /// Member edits whose HLC stamp was too far ahead of headquarters' clock: the stamp every
    /// store orders them by from now on (the till's own copy included).
    #[serde(default)]
    pub clamped: Vec<Clamped>,
}

/// The stamp headquarters orders an event by, when the till's clock was too far ahead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clamped {
    pub event_id: Uuid,
    pub hlc: HlcStamp,
}

/// One event from elsewhere in the chain (another store's or headquarters' own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulledEvent {
    /// Headquarters' position of this event; the next pull starts after it.
    pub cursor: i64,
    pub event: Envelope,
    /// Set when headquarters clamped the event's HLC stamp (a till clock far ahead): order by
    /// this stamp, not the one in the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_hlc: Option<HlcStamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullPage {
    pub events: Vec<PulledEvent>,
    /// Where the next pull starts (the last event's cursor, or the request's when empty).
    pub next_cursor: i64,
    /// More events wait after this page.
    pub more: bool,
}

/// The body of every error answer. `code` is stable; `message` is Chinese, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_64() {
        assert_eq!(payload_hash(b""), "cbf29ce484222325");
        assert_eq!(payload_hash(b"a"), "af63dc4c8601ec8c");
        assert_ne!(payload_hash(b"{\"a\":1}"), payload_hash(b"{\"a\":2}"));
    }

    #[test]
    fn an_envelope_with_an_unknown_field_is_refused() {
        let e = Envelope {
            event_id: Uuid::nil(),
            store_id: Uuid::nil(),
            device_id: Uuid::nil(),
            seq: 1,
            kind: "staff.pin_changed@1".into(),
            payload: "{}".into(),
            payload_hash: payload_hash(b"{}"),
            created_at: "2026-11-29T00:00:00Z".into(),
        };
        assert!(e.hash_matches());
        let mut v = serde_json::to_value(&e).unwrap();
        v["extra"] = serde_json::json!(1);
        assert!(serde_json::from_value::<Envelope>(v).is_err());
    }
}
