//! `pharmapos`: the same API the desktop app uses, as JSON lines on stdin/stdout, plus the
//! developer tools that belong next to it (TypeScript bindings, demo database, test catalogs).

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use pos_core::api::Api;
use pos_core::clock::SystemClock;
use pos_core::db::Store;

#[derive(Parser)]
#[command(name = "pharmapos", version, about = "PharmaPOS 药店收银系统命令行")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// JSON lines on stdin → JSON lines on stdout: {"id":1,"cmd":"login","args":{...}}
    Api {
        /// Store file; default: PHARMAPOS_DB, the config file, or the demo database.
        #[arg(long)]
        db: Option<PathBuf>,
        /// Fill an empty store with the demo pharmacy, staff and catalog.
        #[arg(long)]
        seed_demo: bool,
    },
    /// Write (or with --check, verify) the UI's TypeScript bindings.
    Bindings {
        #[arg(long, default_value = "ui/src/lib/bindings.ts")]
        out: PathBuf,
        #[arg(long)]
        check: bool,
    },
    /// Fill a store file with N generated members (benchmarks, load tests): points, spend,
    /// coupons. Seeds the demo pharmacy first when the file is new.
    GenMembers {
        count: u64,
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Sync this till with headquarters now: push the unsent events, pull the chain's changes.
    /// With --hq and --token, first connect the till to headquarters (kept in the store file).
    Sync {
        #[arg(long)]
        db: Option<PathBuf>,
        /// Headquarters' address, e.g. https://hq.example.com
        #[arg(long, requires = "token")]
        hq: Option<String>,
        /// This store's token, as headquarters issued it.
        #[arg(long, requires = "hq")]
        token: Option<String>,
        /// Print the sync status only; do not sync.
        #[arg(long)]
        status: bool,
    },
    /// Rebuild a till whose file was lost from headquarters, on a new, empty store file: every
    /// sale, return, member and ledger it had pushed comes back; then import the catalog again.
    RestoreFromHq {
        /// The new store file (it must not hold records of its own).
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        hq: String,
        #[arg(long)]
        token: String,
        /// The store manager's staff number, and the new PIN they choose.
        #[arg(long)]
        manager: String,
        #[arg(long)]
        pin: String,
    },
    /// Back the store file up now (online: the till may keep selling), into --to or the folder
    /// set in the till (default: `backups` beside the store file); the copy is checked.
    Backup {
        #[arg(long)]
        db: Option<PathBuf>,
        /// The folder to write the backup to (keeps the set number of backups there).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Put a backup in place of the store file. The till must be closed. The current file is
    /// copied aside first (`….before-restore-<time>.sqlite`).
    Restore {
        #[arg(long)]
        db: PathBuf,
        /// The backup to restore.
        #[arg(long)]
        from: PathBuf,
        /// Confirm: the store's data is replaced by the backup's.
        #[arg(long)]
        yes: bool,
    },
    /// Check the store file's audit log: every entry's hash and its link to the one before.
    /// Exit 0 when the chain is whole, 4 (and the first bad entry on stderr) when it is not.
    AuditVerify {
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Write a generated catalog CSV of N realistic products (benchmarks, load tests).
    GenCatalog {
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Api { db, seed_demo } => run_api(db, seed_demo),
        Command::Bindings { out, check } => bindings(out, check),
        Command::GenMembers { count, db, seed } => gen_members(count, &db, seed),
        Command::Sync {
            db,
            hq,
            token,
            status,
        } => sync(db, hq, token, status),
        Command::RestoreFromHq {
            db,
            hq,
            token,
            manager,
            pin,
        } => restore_from_hq(&db, hq, token, manager, pin),
        Command::AuditVerify { db } => audit_verify(db),
        Command::Backup { db, to } => backup(db, to),
        Command::Restore { db, from, yes } => restore(&db, &from, yes),
        Command::GenCatalog { count, seed } => {
            let csv = pos_core::catalog::generate::csv(count, seed);
            std::io::stdout()
                .write_all(csv.as_bytes())
                .map(|_| 0)
                .unwrap_or(1)
        }
    };
    std::process::exit(code);
}

fn run_api(db: Option<PathBuf>, seed_demo: bool) -> i32 {
    let choice = pos_core::config::choose_store(db);
    let api = match Store::open(&choice.path, Arc::new(SystemClock)).and_then(|store| {
        if choice.demo || seed_demo {
            pos_core::demo::seed(&store)?;
        }
        Ok(Api::new(store)
            .with_renderer(Arc::new(pos_receipt::PdfRenderer::new()))
            .with_printer(Arc::new(pos_receipt::CupsPrinter::new()))
            .with_syncer(Arc::new(pos_sync::HttpSyncer)))
    }) {
        Ok(api) => api,
        Err(e) => {
            eprintln!("{}: {}", e.code.as_str(), e.message);
            return 2;
        }
    };
    // As in the desktop app: checkpoints in the background, never inside a request.
    if let Err(e) = api
        .store()
        .spawn_checkpointer(std::time::Duration::from_millis(500))
    {
        eprintln!("{}: {}", e.code.as_str(), e.message);
    }
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let answer = answer_line(&api, &line);
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            break;
        }
    }
    0
}

/// One request line → one answer line. Malformed lines get an error answer, never a crash.
fn answer_line(api: &Api, line: &str) -> serde_json::Value {
    let req: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return failure(
                serde_json::Value::Null,
                pos_core::PosError::new(
                    pos_core::ErrorCode::BadRequest,
                    format!("请求不是有效的 JSON：{e}"),
                ),
            )
        }
    };
    let id = req.get("id").cloned().unwrap_or(serde_json::Value::Null);
    let Some(cmd) = req.get("cmd").and_then(|c| c.as_str()) else {
        return failure(
            id,
            pos_core::PosError::new(pos_core::ErrorCode::BadRequest, "请求缺少 cmd 字段"),
        );
    };
    let args = req.get("args").cloned().unwrap_or(serde_json::Value::Null);
    match api.dispatch(cmd, args, &|_| {}) {
        Ok(result) => serde_json::json!({ "id": id, "ok": true, "result": result }),
        Err(e) => failure(id, e),
    }
}

fn failure(id: serde_json::Value, e: pos_core::PosError) -> serde_json::Value {
    serde_json::json!({ "id": id, "ok": false, "error": e })
}

fn sync(db: Option<PathBuf>, hq: Option<String>, token: Option<String>, status: bool) -> i32 {
    let choice = pos_core::config::choose_store(db);
    let result = Store::open(&choice.path, Arc::new(SystemClock)).and_then(|store| {
        if let (Some(hq), Some(token)) = (&hq, &token) {
            store.write(|tx| pos_core::sync::state::configure(tx, hq, token, "02:00"))?;
        }
        if status {
            let s = store.read(pos_core::sync::state::status)?;
            println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            return Ok(());
        }
        let report = pos_sync::sync(&store, |p| match p {
            pos_sync::Progress::Pushing { sent, total } => eprint!("\r上传 {sent}/{total}"),
            pos_sync::Progress::Pulling { received } => eprint!("\r下载 {received}      "),
        })?;
        print_report(&report)
    });
    exit_code(result)
}

fn backup(db: Option<PathBuf>, to: Option<PathBuf>) -> i32 {
    let choice = pos_core::config::choose_store(db);
    let result = Store::open(&choice.path, Arc::new(SystemClock)).and_then(|store| {
        let progress = |done: u64, total: u64| eprint!("\r备份 {done}/{total} 字节");
        let report = match &to {
            Some(dir) => {
                let keep = store.read(pos_core::backup::settings)?.keep as usize;
                pos_core::backup::backup(&store, dir, keep, &progress)
            }
            None => pos_core::backup::run(&store, &progress),
        }?;
        print_report(&report)
    });
    exit_code(result)
}

fn restore(db: &std::path::Path, from: &std::path::Path, yes: bool) -> i32 {
    if !yes {
        eprintln!(
            "恢复会用 {} 替换 {} 中的数据（当前文件会先另存一份）。确认请加 --yes",
            from.display(),
            db.display()
        );
        return 2;
    }
    let now = pos_core::clock::Clock::now(&SystemClock);
    let result = pos_core::backup::restore(db, from, now).and_then(|r| print_report(&r));
    exit_code(result)
}

fn audit_verify(db: Option<PathBuf>) -> i32 {
    let choice = pos_core::config::choose_store(db);
    let result = Store::open(&choice.path, Arc::new(SystemClock))
        .and_then(|store| store.read(pos_core::audit::verify));
    match result {
        Ok(v) => {
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            if v.ok() {
                eprintln!("审计日志完整：共 {} 条", v.entries);
                0
            } else {
                if let Some(bad) = &v.first_bad {
                    eprintln!("AUDIT_CHAIN_BROKEN: {}", bad.problem);
                }
                for date in &v.broken_seals {
                    eprintln!("AUDIT_CHAIN_BROKEN: {date} 日结时封存的审计记录已不在日志中");
                }
                4
            }
        }
        Err(e) => {
            eprintln!("{}: {}", e.code.as_str(), e.message);
            3
        }
    }
}

/// Ends a progress line and prints what a sync or a restore did, as JSON.
fn print_report(report: &impl serde::Serialize) -> pos_core::error::Result<()> {
    eprintln!();
    println!(
        "{}",
        serde_json::to_string_pretty(report).unwrap_or_default()
    );
    Ok(())
}

/// 0, or the error's code and message on stderr and 3 (headquarters or the network failed).
fn exit_code(result: pos_core::error::Result<()>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}: {}", e.code.as_str(), e.message);
            3
        }
    }
}

fn restore_from_hq(
    db: &std::path::Path,
    hq: String,
    token: String,
    manager: String,
    pin: String,
) -> i32 {
    let result = Store::open(db, Arc::new(SystemClock)).and_then(|store| {
        let request = pos_core::sync::RestoreRequest {
            hq_url: hq,
            token,
            manager_staff_no: manager,
            manager_pin: pin,
        };
        let report = pos_sync::restore_from_hq(&store, &request, |n| eprint!("\r已恢复 {n} 条"))?;
        print_report(&report)
    });
    exit_code(result)
}

fn gen_members(count: u64, db: &std::path::Path, seed: u64) -> i32 {
    let result = Store::open(db, Arc::new(SystemClock)).and_then(|store| {
        pos_core::demo::seed(&store)?;
        let staff = store.read(pos_core::staff::list)?;
        let owner = staff
            .first()
            .map(|s| s.id)
            .ok_or_else(|| pos_core::PosError::storage("no staff"))?;
        let today = store.clock().today();
        pos_core::member::generate::populate(&store, count, seed, owner, today, |done| {
            eprint!("\r{done}/{count}");
        })?;
        eprintln!();
        Ok(())
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}: {}", e.code.as_str(), e.message);
            2
        }
    }
}

fn bindings(out: PathBuf, check: bool) -> i32 {
    let fresh = pos_core::api::typescript_bindings();
    if check {
        let current = std::fs::read_to_string(&out).unwrap_or_default();
        if current != fresh {
            eprintln!(
                "{} is stale: run `cargo run -p pos-cli -- bindings` and commit it",
                out.display()
            );
            return 1;
        }
        return 0;
    }
    match std::fs::write(&out, fresh) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("cannot write {}: {e}", out.display());
            1
        }
    }
}
