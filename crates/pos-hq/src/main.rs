//! `pharmapos-hq`: the headquarters server and its admin commands, a thin layer over the
//! `pos_hq` library.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use pos_hq::config::Config;
use uuid::Uuid;

#[derive(Parser)]
#[command(
    name = "pharmapos-hq",
    about = "PharmaPOS 总部服务器 (headquarters server)"
)]
struct Cli {
    /// TOML config file (listen, database_url); PHARMAPOS_HQ_LISTEN and
    /// PHARMAPOS_HQ_DATABASE_URL override it.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve the API.
    Serve,
    /// Bring the database schema up to date.
    Migrate,
    /// Register a store of the chain.
    AddStore {
        #[arg(long)]
        id: Uuid,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    /// Print a new token for a store (shown once; only its SHA-256 is kept).
    IssueToken {
        #[arg(long)]
        store: Uuid,
    },
    /// Revoke every token of a store.
    RevokeToken {
        #[arg(long)]
        store: Uuid,
    },
    /// Print a new admin token for headquarters' staff and tools (the /v1/admin views).
    IssueAdminToken {
        /// Who or what it is for, e.g. "IT 部 张工".
        #[arg(long)]
        note: String,
    },
    /// Revoke every admin token.
    RevokeAdminTokens,
    /// Publish the chain's business rules (the JSON document a till's 规则 screen saves) to every
    /// store; each till checks them and applies them at its next sync.
    PublishRules {
        #[arg(long)]
        file: PathBuf,
    },
    /// Publish products of the chain's catalog (prices included) to every store: a JSON-lines
    /// file, one `catalog.product@1` payload per line (docs/sync.md), all or none.
    PublishCatalog {
        #[arg(long)]
        file: PathBuf,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = match &cli.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    }
    .with_env(|k| std::env::var(k).ok());
    let settings = config.settings()?;
    match cli.command {
        Command::Serve => {
            pos_hq::migrate(&settings.database_url).await?;
            let pool = pos_hq::pool(&settings.database_url)?;
            let state = pos_hq::AppState::new(pool, Arc::new(pos_hq::SystemClock));
            let listener = tokio::net::TcpListener::bind(&settings.listen)
                .await
                .with_context(|| format!("cannot listen on {}", settings.listen))?;
            tracing::info!(listen = %settings.listen, "pharmapos-hq serving");
            axum::serve(listener, pos_hq::router(state))
                .with_graceful_shutdown(shutdown_signal())
                .await?;
        }
        Command::Migrate => {
            pos_hq::migrate(&settings.database_url).await?;
            eprintln!("数据库已是最新结构 (schema up to date)");
        }
        Command::AddStore { id, code, name } => {
            let pool = pos_hq::pool(&settings.database_url)?;
            pos_hq::add_store(&pool, id, &code, &name).await?;
            eprintln!("已添加门店 {code} {name} ({id})");
        }
        Command::IssueToken { store } => {
            let pool = pos_hq::pool(&settings.database_url)?;
            let token = pos_hq::issue_token(&pool, store).await?;
            println!("{token}");
            eprintln!("令牌只显示这一次，请安全地交给门店 (shown once)");
        }
        Command::RevokeToken { store } => {
            let pool = pos_hq::pool(&settings.database_url)?;
            let n = pos_hq::revoke_tokens(&pool, store).await?;
            eprintln!("已吊销 {n} 个令牌");
        }
        Command::IssueAdminToken { note } => {
            let pool = pos_hq::pool(&settings.database_url)?;
            let token = pos_hq::issue_admin_token(&pool, &note).await?;
            println!("{token}");
            eprintln!("管理令牌只显示这一次，请妥善保管 (shown once)");
        }
        Command::PublishRules { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let document: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            anyhow::ensure!(document.is_object(), "the rules document is a JSON object");
            let pool = pos_hq::pool(&settings.database_url)?;
            let payload =
                pos_sync_proto::Payload::RulesUpdated(pos_sync_proto::catalogue::RulesUpdatedV1 {
                    document,
                });
            let id = pos_hq::push::publish(&pool, &pos_hq::SystemClock, &payload).await?;
            eprintln!("已发布连锁规则（事件 {id}），各门店下次同步时生效");
        }
        Command::PublishCatalog { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let mut payloads = Vec::new();
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let p: pos_sync_proto::catalogue::CatalogProductV1 = serde_json::from_str(line)
                    .with_context(|| format!("{} line {}: not a product", file.display(), i + 1))?;
                payloads.push(pos_sync_proto::Payload::CatalogProduct(p));
            }
            let pool = pos_hq::pool(&settings.database_url)?;
            let ids = pos_hq::push::publish_all(&pool, &pos_hq::SystemClock, &payloads).await?;
            eprintln!("已发布 {} 个商品，各门店下次同步时生效", ids.len());
        }
        Command::RevokeAdminTokens => {
            let pool = pos_hq::pool(&settings.database_url)?;
            let n = pos_hq::revoke_admin_tokens(&pool).await?;
            eprintln!("已吊销 {n} 个管理令牌");
        }
    }
    Ok(())
}

/// Ctrl+C or SIGTERM (systemd's stop): finish the requests in flight, then exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}
