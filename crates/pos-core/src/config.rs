//! Which store file a till opens: `--db PATH` on the command line, else the `PHARMAPOS_DB`
//! environment variable, else `db` in `<config dir>/pharmapos/config.json`, else the demo
//! database in the user's data directory (created and seeded on first start).

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreChoice {
    pub path: PathBuf,
    /// Nothing was configured: open (and seed if new) the demo database.
    pub demo: bool,
}

/// Resolves the store file from a flag value, the environment and the config file.
pub fn choose_store(flag: Option<PathBuf>) -> StoreChoice {
    if let Some(path) = flag {
        return StoreChoice { path, demo: false };
    }
    if let Some(path) = std::env::var_os("PHARMAPOS_DB").filter(|v| !v.is_empty()) {
        return StoreChoice {
            path: path.into(),
            demo: false,
        };
    }
    let dirs = directories::ProjectDirs::from("cn", "PharmaPOS", "pharmapos");
    if let Some(dirs) = &dirs {
        let cfg = dirs.config_dir().join("config.json");
        if let Ok(text) = std::fs::read_to_string(&cfg) {
            if let Some(db) = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("db").and_then(|d| d.as_str()).map(PathBuf::from))
            {
                return StoreChoice {
                    path: db,
                    demo: false,
                };
            }
        }
    }
    let base = dirs
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from("."));
    StoreChoice {
        path: base.join("demo.sqlite"),
        demo: true,
    }
}

/// Reads `--db PATH` / `--db=PATH` from process arguments.
pub fn db_flag(args: impl IntoIterator<Item = String>) -> Option<PathBuf> {
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        if a == "--db" {
            return it.next().map(PathBuf::from);
        }
        if let Some(p) = a.strip_prefix("--db=") {
            return Some(PathBuf::from(p));
        }
    }
    None
}
