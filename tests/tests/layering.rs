//! The house's load-bearing walls: dependencies point one way. pos-core pulls in no Tauri, axum,
//! printpdf or HTTP client (it does no network I/O), and headquarters shares only the wire types
//! with the till. Checked on the resolved dependency graph (`cargo metadata`), so a dependency
//! that arrives through another crate is caught too.

use std::collections::{BTreeMap, BTreeSet};

fn graph() -> (BTreeMap<String, Vec<String>>, BTreeMap<String, String>) {
    // Only this machine's platform: the others' packages need not be downloaded.
    let platform = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--filter-platform",
            &platform,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeMap<String, String> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let deps = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let normal: Vec<String> = n["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| k["kind"].is_null())
                })
                .map(|d| d["pkg"].as_str().unwrap().to_string())
                .collect();
            (n["id"].as_str().unwrap().to_string(), normal)
        })
        .collect();
    (deps, names)
}

/// Every package `name` depends on at run time, by name.
fn closure(name: &str) -> BTreeSet<String> {
    let (deps, names) = graph();
    let start = names
        .iter()
        .find(|(_, n)| n.as_str() == name)
        .map(|(id, _)| id.clone())
        .unwrap();
    let mut seen = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(id) = todo.pop() {
        for d in deps.get(&id).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen.into_iter().map(|id| names[&id].clone()).collect()
}

#[test]
fn pos_core_does_no_network_io_and_knows_no_shell_or_pdf() {
    let core = closure("pos-core");
    for banned in [
        "tauri",
        "axum",
        "printpdf",
        "ureq",
        "reqwest",
        "hyper",
        "tokio",
        "tokio-postgres",
    ] {
        assert!(!core.contains(banned), "pos-core depends on {banned}");
    }
    assert!(core.contains("pos-sync-proto"));
}

#[test]
fn headquarters_shares_only_the_wire_types_with_the_till() {
    let hq = closure("pos-hq");
    for banned in ["pos-core", "pos-sync", "pos-receipt", "rusqlite", "tauri"] {
        assert!(!hq.contains(banned), "pos-hq depends on {banned}");
    }
    assert!(hq.contains("pos-sync-proto"));
    let proto = closure("pos-sync-proto");
    for banned in ["tokio", "rusqlite", "axum", "ureq"] {
        assert!(
            !proto.contains(banned),
            "pos-sync-proto does I/O through {banned}"
        );
    }
}
