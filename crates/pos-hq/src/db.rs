//! The connection pool and the embedded, forward-only migrations (refinery, `migrations/`).

use anyhow::{Context, Result};
use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod};
use tokio_postgres::NoTls;

pub use deadpool_postgres::Pool;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// A pool of connections to `conn_str` (libpq key=value or a postgres:// URL). Connections are
/// opened lazily. No TLS to PostgreSQL: run it on the same host or a private network.
pub fn pool(conn_str: &str) -> Result<Pool> {
    pool_sized(conn_str, 16)
}

pub fn pool_sized(conn_str: &str, max_size: usize) -> Result<Pool> {
    let pg: tokio_postgres::Config = conn_str.parse().context("bad database connection string")?;
    let mgr = Manager::from_config(
        pg,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(mgr)
        .max_size(max_size)
        .build()
        .context("cannot build the database pool")
}

/// Connects once and brings the schema up to date.
pub async fn migrate(conn_str: &str) -> Result<()> {
    let (mut client, conn) = tokio_postgres::connect(conn_str, NoTls)
        .await
        .context("cannot connect to the database")?;
    let task = tokio::spawn(conn);
    let r = migrate_client(&mut client).await;
    drop(client);
    let _ = task.await;
    r
}

/// Brings the schema of an open connection up to date.
pub async fn migrate_client(client: &mut tokio_postgres::Client) -> Result<()> {
    let report = embedded::migrations::runner()
        .run_async(client)
        .await
        .context("database migration failed")?;
    for m in report.applied_migrations() {
        tracing::info!(version = m.version(), name = m.name(), "migration applied");
    }
    Ok(())
}
