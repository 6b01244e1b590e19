//! Test support, for this crate's tests and the till side's: a throwaway PostgreSQL database per
//! test and the real router served on 127.0.0.1:0.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let db = pos_hq::testing::TestDb::create().await?;      // fresh, migrated database
//! let store = uuid::Uuid::now_v7();
//! pos_hq::add_store(&db.pool, store, "SH001", "康宁大药房").await?;
//! let token = pos_hq::issue_token(&db.pool, store).await?;
//! let hq = pos_hq::testing::TestServer::start(&db).await?; // http://127.0.0.1:PORT
//! println!("{}/v1/health", hq.base_url);
//! # Ok(()) }
//! ```
//!
//! The admin database comes from `PHARMAPOS_TEST_PG` (a libpq connection string); without it a
//! cluster is started (once, shared, left running) with `scripts/pg-cluster.sh start
//! /tmp/pharmapos-pg-test`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use chrono::{TimeZone, Utc};
use tokio::sync::OnceCell;
use tokio_postgres::NoTls;

use crate::{router, AppState, Clock, ManualClock, Pool, SystemClock};

/// Where the shared test cluster lives when `PHARMAPOS_TEST_PG` is not set.
pub const TEST_CLUSTER_DIR: &str = "/tmp/pharmapos-pg-test";

static ADMIN: OnceCell<String> = OnceCell::const_new();

/// `scripts/pg-cluster.sh` of this repository.
pub fn pg_cluster_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg-cluster.sh")
}

/// A connection string to an admin database where test databases can be created.
pub async fn admin_conn_str() -> Result<String> {
    ADMIN
        .get_or_try_init(|| async {
            if let Ok(s) = std::env::var("PHARMAPOS_TEST_PG") {
                if !s.trim().is_empty() {
                    return Ok(s);
                }
            }
            let out = tokio::process::Command::new("bash")
                .arg(pg_cluster_script())
                .arg("start")
                .arg(TEST_CLUSTER_DIR)
                .output()
                .await
                .context("cannot run scripts/pg-cluster.sh")?;
            if !out.status.success() {
                bail!(
                    "scripts/pg-cluster.sh start failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let s = String::from_utf8(out.stdout)?.trim().to_string();
            anyhow::ensure!(
                !s.is_empty(),
                "scripts/pg-cluster.sh printed no connection string"
            );
            Ok(s)
        })
        .await
        .cloned()
}

/// A fresh, migrated database of its own (`hq_<random hex>`), dropped when this is dropped.
pub struct TestDb {
    pub name: String,
    /// Connection string to this database.
    pub conn_str: String,
    pub pool: Pool,
    admin: String,
}

impl TestDb {
    pub async fn create() -> Result<TestDb> {
        let admin = admin_conn_str().await?;
        let mut bytes = [0u8; 8];
        getrandom::getrandom(&mut bytes)?;
        let name = format!("hq_{}", hex::encode(bytes));
        let (client, conn) = tokio_postgres::connect(&admin, NoTls)
            .await
            .context("cannot connect to the admin database")?;
        let task = tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .context("CREATE DATABASE")?;
        drop(client);
        let _ = task.await;
        let conn_str = format!("{admin} dbname={name}");
        crate::migrate(&conn_str).await?;
        let pool = crate::db::pool_sized(&conn_str, 4)?;
        Ok(TestDb {
            name,
            conn_str,
            pool,
            admin,
        })
    }

    /// A direct connection (for assertions on tables).
    pub async fn client(&self) -> Result<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.pool.close();
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop may run inside a runtime: drop the database from a thread of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok((client, conn)) = tokio_postgres::connect(&admin, NoTls).await {
                    let task = tokio::spawn(conn);
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    drop(client);
                    let _ = task.await;
                }
            });
        })
        .join();
    }
}

/// The real router served on 127.0.0.1:0 until the test's runtime ends.
pub struct TestServer {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base_url: String,
}

impl TestServer {
    /// With the wall clock (tills stamping real time are then ordered as in production).
    pub async fn start(db: &TestDb) -> Result<TestServer> {
        Self::start_with_clock(db, Arc::new(SystemClock)).await
    }

    /// With a clock of the test's choosing, e.g. a [`ManualClock`] to show the HLC clamp.
    pub async fn start_with_clock(db: &TestDb, clock: Arc<dyn Clock>) -> Result<TestServer> {
        let state = AppState::new(db.pool.clone(), clock);
        let (addr, base_url) = serve_on_loopback(state).await?;
        Ok(TestServer { addr, base_url })
    }
}

/// A manual clock at 2026-11-29 12:00 UTC (what this crate's tests use).
pub fn manual_clock_at_t0() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0)
            .single()
            .unwrap_or_default(),
    ))
}

/// Serves [`router`] with `state` on 127.0.0.1:0 in a background task; returns the address and
/// the base URL.
pub async fn serve_on_loopback(state: AppState) -> Result<(SocketAddr, String)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = router(state);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "test server stopped");
        }
    });
    Ok((addr, format!("http://{addr}")))
}
