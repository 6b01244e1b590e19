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
/// Then the member analytics are read ahead for the day (`analytics::warm`).
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
        if let Err(e) = pos_core::member::analytics::warm(&store) {
            eprintln!(
                "PharmaPOS 会员分析预读失败：{}（{}）",
                e.message,
                e.code.as_str()
            );
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

/// WebKitGTK draws through GL compositing by default. A till without a GPU (no DRM render node:
/// a virtual machine, Xvfb, an old till PC) then rasterizes on Mesa's software GL, whose texture
/// and tile caches grow in ordinary memory with every new thing drawn (BENCHMARKS.md, "Why memory
/// grows with sales": 443 MB after 200 sales, 297 MB without compositing). So without a render
/// node the shell turns compositing off; with one, WebKit keeps its GPU path. A person can still
/// choose: `WEBKIT_DISABLE_COMPOSITING_MODE` set in the environment is left as it is, and
/// `PHARMAPOS_GPU_COMPOSITING=1` / `=0` forces compositing on or off.
fn compositing_off(forced: Option<&str>, webkit_var_set: bool, has_render_node: bool) -> bool {
    match forced {
        Some("1") => false,
        Some("0") => true,
        _ => !webkit_var_set && !has_render_node,
    }
}

#[cfg(target_os = "linux")]
fn choose_webkit_drawing() {
    let has_render_node = std::fs::read_dir("/dev/dri")
        .map(|dir| {
            dir.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    let forced = std::env::var("PHARMAPOS_GPU_COMPOSITING").ok();
    let webkit_var_set = std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some();
    if compositing_off(forced.as_deref(), webkit_var_set, has_render_node) {
        // Before any thread starts (main's first line), so no one reads the environment meanwhile.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    } else if forced.as_deref() == Some("1") {
        std::env::remove_var("WEBKIT_DISABLE_COMPOSITING_MODE");
    }
}

#[cfg(not(target_os = "linux"))]
fn choose_webkit_drawing() {}

fn main() {
    choose_webkit_drawing();
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

#[cfg(test)]
mod tests {
    use super::compositing_off;

    #[test]
    fn compositing_is_off_only_without_a_gpu_unless_a_person_chose() {
        // No render node, nothing chosen: software GL would only cost memory.
        assert!(!compositing_off(None, false, true));
        assert!(compositing_off(None, false, false));
        // WebKit's own variable, set by a person, is theirs (the shell then sets nothing).
        assert!(!compositing_off(None, true, false));
        // The shell's switch wins over the detection, both ways.
        assert!(!compositing_off(Some("1"), false, false));
        assert!(compositing_off(Some("0"), false, true));
        // Anything else in the switch is as if it were not set.
        assert!(compositing_off(Some("yes"), false, false));
    }
}
