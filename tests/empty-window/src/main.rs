//! An empty Tauri 2 window on a blank page: the floor that scripts/measure-desktop.sh measures
//! beside the desktop, started the same way (tauri-driver), so the figures of the app can be
//! read against what any Tauri 2 window on WebKitGTK costs here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("empty window: {e}");
            std::process::exit(1);
        });
}
