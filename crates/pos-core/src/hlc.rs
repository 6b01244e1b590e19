//! Hybrid logical clock (SYNC-DESIGN.md): member profile fields are "last writer wins per field",
//! ordered by the stamp taken at the edit. A stamp is (wall time ms, counter, device id); it
//! never goes backwards on one device even if the wall clock does, and it moves past every stamp
//! this device has received.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::db::{till_identity, Tx};
use crate::error::Result;
use crate::ids::DeviceId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub device: DeviceId,
}

impl Hlc {
    /// The stamp for a local edit, given the last stamp this device issued or received.
    pub fn tick(last: Hlc, now_ms: i64) -> Hlc {
        if now_ms > last.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
                device: last.device,
            }
        } else {
            Hlc {
                wall_ms: last.wall_ms,
                counter: last.counter + 1,
                device: last.device,
            }
        }
    }

    /// The stamp after receiving `remote`: later than both `last` and `remote`.
    pub fn receive(last: Hlc, remote: Hlc, now_ms: i64) -> Hlc {
        let wall_ms = now_ms.max(last.wall_ms).max(remote.wall_ms);
        let counter = if wall_ms == last.wall_ms && wall_ms == remote.wall_ms {
            last.counter.max(remote.counter) + 1
        } else if wall_ms == last.wall_ms {
            last.counter + 1
        } else if wall_ms == remote.wall_ms {
            remote.counter + 1
        } else {
            0
        };
        Hlc {
            wall_ms,
            counter,
            device: last.device,
        }
    }
}

impl From<Hlc> for pos_sync_proto::catalogue::HlcStamp {
    fn from(h: Hlc) -> Self {
        pos_sync_proto::catalogue::HlcStamp {
            wall_ms: h.wall_ms,
            counter: h.counter,
            device: h.device.0,
        }
    }
}

impl From<pos_sync_proto::catalogue::HlcStamp> for Hlc {
    fn from(h: pos_sync_proto::catalogue::HlcStamp) -> Self {
        Hlc {
            wall_ms: h.wall_ms,
            counter: h.counter,
            device: DeviceId(h.device),
        }
    }
}

/// The stamp for a local edit on this till, persisted in `hlc_state` inside the same transaction
/// as the edit, so the next edit (even after a restart with the clock set back) is later.
pub fn next(tx: &Tx<'_>) -> Result<Hlc> {
    let stamp = Hlc::tick(last(tx)?, tx.clock.now().timestamp_millis());
    store(tx, stamp)?;
    Ok(stamp)
}

/// Moves this till's clock past a stamp it received (another store's edit, or headquarters'
/// clamp of one), so its next edit orders after it.
pub fn observe(tx: &Tx<'_>, remote: Hlc) -> Result<()> {
    let next = Hlc::receive(last(tx)?, remote, tx.clock.now().timestamp_millis());
    store(tx, next)
}

/// The last stamp this till issued or received (zero before the first).
fn last(tx: &Tx<'_>) -> Result<Hlc> {
    let device = till_identity(tx)?.device_id;
    let (wall_ms, counter) = tx
        .query_row("SELECT wall_ms, counter FROM hlc_state", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, 0));
    Ok(Hlc {
        wall_ms,
        counter,
        device,
    })
}

/// Persists `stamp` as the last stamp this till issued or received.
pub fn store(tx: &Tx<'_>, stamp: Hlc) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO hlc_state (singleton, wall_ms, counter) VALUES (1, ?1, ?2)
         ON CONFLICT (singleton) DO UPDATE SET wall_ms = excluded.wall_ms, counter = excluded.counter",
    )?
    .execute((stamp.wall_ms, stamp.counter))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    fn device() -> DeviceId {
        DeviceId::new(&FixedClock::at("2026-11-23T00:00:00Z"))
    }

    #[test]
    fn local_edits_never_go_backwards_even_when_the_wall_clock_does() {
        let start = Hlc {
            wall_ms: 1_000,
            counter: 0,
            device: device(),
        };
        let a = Hlc::tick(start, 2_000);
        let b = Hlc::tick(a, 1_500); // the wall clock jumped back
        let c = Hlc::tick(b, 1_500);
        assert!(start < a && a < b && b < c);
        assert_eq!((b.wall_ms, b.counter, c.counter), (2_000, 1, 2));
        let d = Hlc::tick(c, 3_000);
        assert_eq!((d.wall_ms, d.counter), (3_000, 0));
    }

    #[test]
    fn receiving_moves_past_the_remote_stamp() {
        let me = device();
        let other = DeviceId::new(&FixedClock::at("2026-11-24T00:00:00Z"));
        let last = Hlc {
            wall_ms: 1_000,
            counter: 3,
            device: me,
        };
        let remote = Hlc {
            wall_ms: 5_000,
            counter: 7,
            device: other,
        };
        let r = Hlc::receive(last, remote, 2_000);
        assert_eq!((r.wall_ms, r.counter, r.device), (5_000, 8, me));
        assert!(Hlc::tick(r, 2_000) > remote);
        let same = Hlc::receive(
            Hlc {
                wall_ms: 5_000,
                counter: 9,
                device: me,
            },
            remote,
            5_000,
        );
        assert_eq!(same.counter, 10);
        let fresh = Hlc::receive(last, remote, 9_000);
        assert_eq!((fresh.wall_ms, fresh.counter), (9_000, 0));
    }
}
