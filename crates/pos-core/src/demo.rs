//! The demo database: a made-up pharmacy, three staff (PINs in README.md) and the demo catalog
//! from `assets/catalog/demo-catalog.csv`. Used when nothing else is configured.

use crate::catalog::import;
use crate::db::Store;
use crate::error::Result;
use crate::settings::{self, PharmacySettings};
use crate::staff::{self, NewStaff, Role};

/// The demo catalog, built into the binary so the demo works from any directory.
pub const DEMO_CATALOG: &[u8] = include_bytes!("../../../assets/catalog/demo-catalog.csv");

/// Demo staff: (staff number, name, roles, PIN).
pub const DEMO_STAFF: &[(&str, &str, &[Role], &str)] = &[
    ("1001", "王晓燕", &[Role::Cashier], "1111"),
    ("2001", "李建国", &[Role::Pharmacist, Role::Cashier], "2222"),
    ("3001", "张丽华", &[Role::Manager, Role::Cashier], "3333"),
];

/// Fills an empty store with the demo pharmacy. Does nothing if staff already exist.
pub fn seed(store: &Store) -> Result<bool> {
    if store.read(staff::count)? > 0 {
        return Ok(false);
    }
    let parsed = import::parse(DEMO_CATALOG, |_, _| {})?;
    store.write(|tx| {
        tx.execute("UPDATE till SET demo = 1", [])?;
        settings::update(
            tx,
            None,
            PharmacySettings {
                name: "康宁大药房（演示店）".to_owned(),
                address: "上海市浦东新区张杨路 1288 号".to_owned(),
                phone: "021-5888 1234".to_owned(),
                licence_no: "沪AA0210001".to_owned(),
                store_code: "SH001".to_owned(),
            },
        )?;
        for (no, name, roles, pin) in DEMO_STAFF {
            staff::create(
                tx,
                NewStaff {
                    staff_no: (*no).to_owned(),
                    name: (*name).to_owned(),
                    roles: roles.to_vec(),
                    pin: (*pin).to_owned(),
                },
            )?;
        }
        import::write(tx, &parsed, false, None, "demo-catalog.csv", |_, _| {})?;
        seed_batches(tx)?;
        Ok(true)
    })
}

/// Demo stock: every product gets a batch (批号) expiring 14–30 months from today, and every
/// fifth product also an older batch that expires within 5 months, so the till shows the
/// first-expiring batch being sold first (FEFO).
fn seed_batches(tx: &crate::db::Tx<'_>) -> Result<()> {
    use chrono::Duration;
    let today = tx.clock.today();
    let ids: Vec<crate::ids::ProductId> = tx
        .prepare("SELECT id FROM product ORDER BY barcode")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let received = crate::clock::stamp(tx.clock.now());
    let mut insert = tx.prepare(
        "INSERT INTO product_batch (product_id, batch_no, expires_on, received_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, id) in ids.iter().enumerate() {
        let i = i as i64;
        let expires = today + Duration::days(420 + (i * 37) % 480);
        insert.execute((
            id,
            format!("{}{:04}", today.format("%y%m"), 1000 + i),
            expires.to_string(),
            &received,
        ))?;
        if i % 5 == 0 {
            let soon = today + Duration::days(30 + (i * 11) % 120);
            insert.execute((
                id,
                format!("{}{:04}", today.format("%y%m"), 5000 + i),
                soon.to_string(),
                &received,
            ))?;
        }
    }
    Ok(())
}
