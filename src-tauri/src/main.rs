//! The PharmaPOS desktop shell. Wiring only: choose the store file, open the core, and expose
//! the one API as a single Tauri command. All behaviour lives in `pos-core`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::Arc;

use pos_core::api::{Api, ImportProgress};
use pos_core::clock::SystemClock;
use pos_core::PosError;
use tauri::{Emitter, State};

/// The UI's only entry point: `invoke('api', { cmd, args })`, the same dispatch as `pharmapos api`.
#[tauri::command]
async fn api(
    app: tauri::AppHandle,
    state: State<'_, Api>,
    cmd: String,
    args: serde_json::Value,
) -> Result<serde_json::Value, PosError> {
    let progress = |p: ImportProgress| drop(app.emit("catalog-import-progress", p));
    state.dispatch(&cmd, args, &progress)
}

fn open_api() -> Result<Api, PosError> {
    let choice = pos_core::config::choose_store(pos_core::config::db_flag(std::env::args()));
    let store = pos_core::db::Store::open(&choice.path, Arc::new(SystemClock))?;
    if choice.demo || std::env::var_os("PHARMAPOS_SEED_DEMO").is_some() {
        pos_core::demo::seed(&store)?;
    }
    Ok(Api::new(store)
        .with_renderer(Arc::new(pos_receipt::PdfRenderer::new()))
        .with_printer(Arc::new(pos_receipt::CupsPrinter::new()))
        .with_syncer(Arc::new(pos_sync::HttpSyncer)))
}

/// Points expiry, nightly tier recompute and birthday coupons: at start-up, then every hour (each
/// job does its work once per business day, so the hourly runs after the first cost nothing).
fn start_housekeeping(store: pos_core::db::Store) {
    std::thread::spawn(move || loop {
        match pos_core::housekeeping::run(&store) {
            Ok(r) if r.points_expired > 0 || r.tier_changes > 0 || r.birthday_coupons > 0 => {
                eprintln!("PharmaPOS 日常维护：{r:?}")
            }
            Ok(_) => {}
            Err(e) => eprintln!(
                "PharmaPOS 日常维护失败：{}（{}）",
                e.message,
                e.code.as_str()
            ),
        }
        std::thread::sleep(std::time::Duration::from_secs(3600));
    });
}

/// The nightly sync with headquarters: checked every minute and at start-up, so a till that was
/// off at night catches up when it starts (`sync::state::due`). "立即同步" runs the same sync.
fn start_nightly_sync(store: pos_core::db::Store) {
    std::thread::spawn(move || loop {
        let due = store
            .read(pos_core::sync::state::status)
            .map(|s| pos_core::sync::state::due(&s, store.clock().now()))
            .unwrap_or(false);
        if due {
            match pos_sync::sync(&store, |_| {}) {
                Ok(r) => eprintln!(
                    "PharmaPOS 夜间同步：上传 {}，下载 {}，未同步 {}",
                    r.pushed, r.pulled, r.unsynced
                ),
                Err(e) => eprintln!(
                    "PharmaPOS 夜间同步失败：{}（{}）",
                    e.message,
                    e.code.as_str()
                ),
            }
        }
        std::thread::sleep(std::time::Duration::from_secs(60));
    });
}

/// The automatic daily backup (a manager sets the folder, the number kept and the time): checked
/// every minute and at start-up, so a till that was off at that time backs up when it next runs.
fn start_daily_backup(store: pos_core::db::Store) {
    std::thread::spawn(move || loop {
        let due = store
            .read(|c| pos_core::backup::due(c, store.clock().now()))
            .unwrap_or(false);
        if due && store.damage().is_none() {
            match pos_core::backup::run(&store, &|_, _| {}) {
                Ok(r) => eprintln!(
                    "PharmaPOS 每日备份：{}（{} 字节，{} 毫秒）",
                    r.file.path, r.file.bytes, r.took_ms
                ),
                Err(e) => eprintln!(
                    "PharmaPOS 每日备份失败：{}（{}）",
                    e.message,
                    e.code.as_str()
                ),
            }
        }
        std::thread::sleep(std::time::Duration::from_secs(60));
    });
}

fn main() {
    let core = match open_api() {
        Ok(core) => core,
        Err(e) => {
            eprintln!("PharmaPOS 无法启动：{}（{}）", e.message, e.code.as_str());
            std::process::exit(2);
        }
    };
    eprintln!("PharmaPOS: 数据库 {}", core.store().path().display());
    // A damaged file must stop selling before it does harm: checked in the background (a large
    // file takes seconds), every write refused (STORE_DAMAGED) once damage is found.
    core.store().spawn_integrity_check();
    start_housekeeping(core.store().clone());
    start_nightly_sync(core.store().clone());
    start_daily_backup(core.store().clone());
    if let Err(e) = core
        .store()
        .spawn_checkpointer(std::time::Duration::from_millis(500))
    {
        eprintln!(
            "PharmaPOS 后台检查点未启动：{}（{}）",
            e.message,
            e.code.as_str()
        );
    }
    tauri::Builder::default()
        .manage(core)
        .invoke_handler(tauri::generate_handler![api])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("PharmaPOS 窗口无法启动：{e}");
            std::process::exit(1);
        });
}
