//! Shared scenario setup: a real store file in a temp dir, an injected clock, the demo data.
#![allow(dead_code)]

pub mod counter;

use std::path::PathBuf;
use std::sync::Arc;

use pos_core::api::{Api, Login};
use pos_core::clock::FixedClock;
use pos_core::db::Store;

pub struct Till {
    pub api: Api,
    pub clock: Arc<FixedClock>,
    pub dir: tempfile::TempDir,
}

impl Till {
    /// An empty store (no staff, no catalog).
    pub fn empty() -> Till {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        let store = Store::open(&dir.path().join("till.sqlite"), clock.clone()).unwrap();
        Till {
            api: Api::new(store),
            clock,
            dir,
        }
    }

    /// The demo pharmacy: staff 1001/1111 (cashier), 2001/2222 (pharmacist), 3001/3333 (manager).
    pub fn demo() -> Till {
        let t = Till::empty();
        assert!(pos_core::demo::seed(t.api.store()).unwrap());
        t
    }

    pub fn login(&self, staff_no: &str, pin: &str) {
        self.api
            .call(Login {
                staff_no: staff_no.into(),
                pin: pin.into(),
            })
            .unwrap_or_else(|e| panic!("login {staff_no}: {e}"));
    }

    pub fn fixture(name: &str) -> String {
        let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", name]
            .iter()
            .collect();
        p.to_string_lossy().into_owned()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.api
            .store()
            .read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    }
}
