//! What the benches on the 1 000 000-member store share: opening a store file with the members
//! (a copy of the members bench's file when it is ready, else generated the same way) and
//! sampling members spread over the file. Included by `mod common;` from `checkout.rs` and
//! `pharmacist.rs`; not a bench of its own.

use std::path::Path;
use std::sync::Arc;

use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::ids::{MemberId, StaffId};
use pos_core::member::generate as members;

pub const MEMBERS: u64 = 1_000_000;

/// Opens `path` (under `dir`) as the demo pharmacy with [`MEMBERS`] generated members: the
/// members bench's `members-1000000-v5.sqlite` copied when it is ready, else the demo seed and
/// `member::generate::populate(MEMBERS, seed 11)` written into it, as that bench does; a catalog
/// without batches gets the demo batches. The store and the staff member the members were
/// registered by (the first by staff number).
pub fn members_store(dir: &Path, path: &Path, clock: Arc<FixedClock>) -> (Store, StaffId) {
    std::fs::create_dir_all(dir).unwrap();
    let _ = std::fs::remove_file(path);
    let members_file = dir.join(format!("members-{MEMBERS}-v5.sqlite"));
    if dir.join(format!("members-{MEMBERS}-v5.ready")).exists() {
        eprintln!("copying {}", members_file.display());
        std::fs::copy(&members_file, path).unwrap();
    }
    let store = Store::open(path, clock).unwrap();
    pos_core::demo::seed(&store).unwrap();
    let staff = store.read(pos_core::staff::list).unwrap()[0].id;
    let n: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM member", [], |r| r.get(0))?))
        .unwrap();
    if n == 0 {
        let today = store.clock().today();
        members::populate(&store, MEMBERS, 11, staff, today, |d| {
            if d % 100_000 == 0 {
                eprintln!("generated {d} members");
            }
        })
        .unwrap();
    }
    if store
        .read(|c| {
            Ok(c.query_row("SELECT count(*) FROM product_batch", [], |r| {
                r.get::<_, i64>(0)
            })?)
        })
        .unwrap()
        == 0
    {
        // A members file made before batches existed: give the catalog its demo batches.
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO product_batch (product_id, batch_no, expires_on, received_at)
                     SELECT id, 'B' || substr(barcode, 8), '2028-06-30', '2026-01-01' FROM product",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
    }
    (store, staff)
}

/// Every n-th member, spread over the whole file.
pub fn sample_members(store: &Store, n: usize) -> Vec<MemberId> {
    store
        .read(|c| {
            let total: i64 = c.query_row("SELECT count(*) FROM member", [], |r| r.get(0))?;
            let step = (total as usize / n).max(1);
            let mut st = c.prepare("SELECT id FROM member WHERE rowid % ?1 = 0 LIMIT ?2")?;
            let ids = st
                .query_map((step as i64, n as i64), |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ids)
        })
        .unwrap()
}
