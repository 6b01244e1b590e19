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
        Ok(true)
    })
}
