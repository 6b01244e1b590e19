//! Whole-system test helpers: a real headquarters (pos-hq's router on 127.0.0.1, a fresh database
//! on a real PostgreSQL) and real tills (store files in temporary folders, injected clocks) that
//! sync with it over HTTP through pos-sync, exactly as the desktop does.

use std::path::Path;
use std::sync::Arc;

use pos_core::api::*;
use pos_core::clock::Clock;
use pos_core::clock::FixedClock;
use pos_core::db::{till_identity, Store};
use pos_core::ids::MemberId;
use pos_core::member::{points, MemberSummary, NewMember};
use pos_core::pricing::{Tender, TenderKind};
use pos_core::sync::{outbox, state, SyncReport};
use pos_core::PosError;
use pos_hq::testing::{serve_on_loopback, TestDb};

/// 感冒灵颗粒 15.80 (demo catalog), 医保.
pub const GANMAOLING: &str = "6939668066407";
/// 对乙酰氨基酚片 3.50 (demo catalog).
pub const PARACETAMOL: &str = "6914624021096";

/// Headquarters: a fresh database and the real router, served on loopback from a runtime of
/// its own (so tills can make blocking HTTP calls from the test thread).
pub struct Hq {
    pub db: TestDb,
    pub base_url: String,
    pub clock: Arc<pos_hq::ManualClock>,
    server: Option<tokio::runtime::Runtime>,
    rt: tokio::runtime::Runtime,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

impl Hq {
    pub fn start() -> Hq {
        let rt = runtime();
        let db = rt.block_on(TestDb::create()).expect("a test database");
        let clock = Arc::new(pos_hq::ManualClock::new(
            chrono::DateTime::parse_from_rfc3339("2026-11-23T02:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
        ));
        let mut hq = Hq {
            db,
            base_url: String::new(),
            clock,
            server: None,
            rt,
        };
        hq.restart();
        hq
    }

    /// Stops the server (its runtime, with every request in flight) and starts a new one on
    /// the same database; tills must be told the new address ([`Till::connect`] again).
    pub fn restart(&mut self) {
        if let Some(old) = self.server.take() {
            old.shutdown_timeout(std::time::Duration::from_secs(5));
        }
        let server = runtime();
        let state = pos_hq::AppState::new(self.db.pool.clone(), self.clock.clone());
        let (_, url) = server
            .block_on(serve_on_loopback(state))
            .expect("serve on loopback");
        self.base_url = url;
        self.server = Some(server);
    }

    /// Stops the server without starting another.
    pub fn stop(&mut self) {
        if let Some(old) = self.server.take() {
            old.shutdown_timeout(std::time::Duration::from_secs(5));
        }
    }

    /// Registers the till's store at headquarters and gives the till its token.
    pub fn connect(&self, till: &Till) -> String {
        let id = till.api.store().read(till_identity).unwrap().store_id.0;
        let code = format!("S{}", &id.simple().to_string()[24..]);
        self.rt
            .block_on(pos_hq::add_store(&self.db.pool, id, &code, "测试门店"))
            .expect("add_store");
        let token = self
            .rt
            .block_on(pos_hq::issue_token(&self.db.pool, id))
            .expect("issue_token");
        till.point_at(&self.base_url, &token);
        token
    }

    pub fn revoke(&self, till: &Till) {
        let id = till.api.store().read(till_identity).unwrap().store_id.0;
        self.rt
            .block_on(pos_hq::revoke_tokens(&self.db.pool, id))
            .expect("revoke");
    }

    /// One number from headquarters' database.
    pub fn number(&self, sql: &str) -> i64 {
        self.rt.block_on(async {
            let c = self.db.pool.get().await.expect("a connection");
            let row = c.query_one(sql, &[]).await.expect(sql);
            row.get::<_, i64>(0)
        })
    }

    /// Rows of text from headquarters' database (for comparing states).
    pub fn rows(&self, sql: &str) -> Vec<String> {
        self.rt.block_on(async {
            let c = self.db.pool.get().await.expect("a connection");
            c.query(sql, &[])
                .await
                .expect(sql)
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect()
        })
    }

    /// Runs `f` with a connection of its own (e.g. to hold the push lock).
    pub fn block_on<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        self.rt.block_on(f)
    }

    /// The member's points at headquarters (the survivor's include every member merged into it).
    pub fn balance(&self, m: MemberId) -> i64 {
        self.number(&format!(
            "SELECT coalesce(sum(points), 0)::bigint FROM points_entry
             WHERE member_id = '{m}' OR member_id IN (SELECT id FROM member WHERE merged_into = '{m}')"
        ))
    }
}

impl Drop for Hq {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A till of the demo pharmacy on its own store file.
pub struct Till {
    pub api: Api,
    pub clock: Arc<FixedClock>,
    pub dir: tempfile::TempDir,
}

impl Till {
    /// A new demo till, logged in as the cashier 1001.
    pub fn demo() -> Till {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        let store = Store::open(&dir.path().join("till.sqlite"), clock.clone()).unwrap();
        assert!(pos_core::demo::seed(&store).unwrap());
        let t = Till {
            api: Api::new(store).with_syncer(Arc::new(pos_sync::HttpSyncer)),
            clock,
            dir,
        };
        t.login("1001", "1111");
        t
    }

    /// A new, empty till file (no pharmacy, no staff): what a till whose file was lost starts on.
    pub fn empty() -> Till {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        let store = Store::open(&dir.path().join("till.sqlite"), clock.clone()).unwrap();
        Till {
            api: Api::new(store).with_syncer(Arc::new(pos_sync::HttpSyncer)),
            clock,
            dir,
        }
    }

    /// The same till file opened again (a restart), at the same moment.
    pub fn reopen(self) -> Till {
        let Till { api, clock, dir } = self;
        drop(api);
        let store = Store::open(&dir.path().join("till.sqlite"), clock.clone()).unwrap();
        let t = Till {
            api: Api::new(store).with_syncer(Arc::new(pos_sync::HttpSyncer)),
            clock,
            dir,
        };
        t.login("1001", "1111");
        t
    }

    /// A copy of this till's file as another till would see it (same store and device ids).
    pub fn copy_to(&self, dir: tempfile::TempDir) -> Till {
        let path = dir.path().join("till.sqlite");
        copy_store(self.api.store(), &path);
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        clock.set(self.clock.now());
        let store = Store::open(&path, clock.clone()).unwrap();
        let t = Till {
            api: Api::new(store).with_syncer(Arc::new(pos_sync::HttpSyncer)),
            clock,
            dir,
        };
        t.login("1001", "1111");
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

    pub fn point_at(&self, url: &str, token: &str) {
        self.api
            .store()
            .write(|tx| state::configure(tx, url, token, "02:00"))
            .unwrap();
    }

    pub fn sync(&self) -> Result<SyncReport, PosError> {
        self.api.call(SyncNow {})
    }

    pub fn unsynced(&self) -> i64 {
        self.api.store().read(outbox::unsent_count).unwrap()
    }

    pub fn register(&self, phone: &str, name: &str) -> MemberId {
        self.api
            .call(NewMember {
                phone: phone.into(),
                name: name.into(),
                basic_consent: true,
                ..Default::default()
            })
            .unwrap()
            .member
            .id
    }

    pub fn find(&self, query: &str) -> Vec<MemberSummary> {
        self.api
            .call(MemberFind {
                query: query.into(),
            })
            .unwrap()
    }

    /// Renames a member through the member screen's command.
    pub fn rename(&self, m: MemberId, name: &str) {
        self.api
            .call(pos_core::api::MemberUpdate {
                member_id: m,
                changes: pos_core::member::MemberChanges {
                    name: Some(name.into()),
                    ..Default::default()
                },
            })
            .unwrap();
    }

    pub fn balance(&self, m: MemberId) -> i64 {
        self.api.store().read(|c| points::balance(c, m)).unwrap()
    }

    /// A paid sale of `qty` × `barcode` to `member` (or nobody), in cash, redeeming `points`.
    pub fn sell(
        &self,
        member: Option<MemberId>,
        barcode: &str,
        qty: i64,
        points: i64,
    ) -> pos_core::sale::Sale {
        let cart = self.api.call(CartOpen {}).unwrap();
        self.api
            .call(CartScan {
                cart_id: cart.id,
                barcode: barcode.into(),
                quantity: Some(qty),
            })
            .unwrap();
        if let Some(m) = member {
            self.api
                .call(CartSetMember {
                    cart_id: cart.id,
                    member_id: Some(m),
                })
                .unwrap();
        }
        if points > 0 {
            self.api
                .call(CartSetPoints {
                    cart_id: cart.id,
                    points,
                })
                .unwrap();
        }
        let cart = self.api.call(CartGet { cart_id: cart.id }).unwrap();
        let due = cart.pricing.payable;
        let tender = Tender {
            kind: TenderKind::Cash,
            amount: due,
            settlement_no: None,
            reference: None,
        };
        self.api
            .call(SalePay {
                cart_id: cart.id,
                tenders: vec![tender],
            })
            .unwrap()
    }

    /// A full return of `sale` (damaged packaging), approved by the demo manager.
    pub fn return_all(&self, sale: &pos_core::sale::Sale) -> pos_core::sale::returns::SaleReturn {
        let id = self.api.call(ReturnOpen {}).unwrap().return_id;
        self.api
            .call(ReturnCreate {
                return_id: id,
                sale_id: sale.id,
                lines: sale
                    .lines
                    .iter()
                    .map(|l| pos_core::sale::returns::ReturnLineInput {
                        sale_line_id: l.id,
                        quantity: l.quantity,
                        trace_codes: None,
                    })
                    .collect(),
                reason: pos_core::sale::returns::ReturnReason::Damaged,
                note: String::new(),
                manager: Approver {
                    staff_no: "3001".into(),
                    pin: "3333".into(),
                },
            })
            .unwrap()
    }

    /// A column of text from the till's file.
    pub fn texts(&self, sql: &str) -> Vec<String> {
        self.api
            .store()
            .read(|c| {
                let mut q = c.prepare(sql)?;
                let rows = q
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .unwrap()
    }

    /// One number from the till's file.
    pub fn number(&self, sql: &str) -> i64 {
        self.api
            .store()
            .read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    }
}

/// A consistent copy of a live store file (the online backup of SQLite's `VACUUM INTO`).
pub fn copy_store(store: &Store, to: &Path) {
    store
        .read(|c| {
            c.execute("VACUUM INTO ?1", [to.to_string_lossy()])?;
            Ok(())
        })
        .unwrap();
}

impl Hq {
    /// A new token for a till whose store is registered already (after a restart or a revoke).
    pub fn connect_again(&self, till: &Till) -> String {
        let id = till.api.store().read(till_identity).unwrap().store_id.0;
        let token = self
            .rt
            .block_on(pos_hq::issue_token(&self.db.pool, id))
            .expect("issue_token");
        till.point_at(&self.base_url, &token);
        token
    }
}
