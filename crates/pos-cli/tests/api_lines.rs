//! `pharmapos api` speaks JSON lines over the very same `Api::dispatch` the desktop's `api`
//! command calls: the answers equal an in-process dispatch on the same store file.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use pos_core::api::Api;
use pos_core::clock::SystemClock;
use pos_core::db::Store;
use serde_json::{json, Value};

fn run_cli(db: &std::path::Path, input: &str) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pharmapos"))
        .args(["api", "--seed-demo", "--db"])
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn login_and_lookup_over_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    let answers = run_cli(
        &db,
        concat!(
            r#"{"id":1,"cmd":"login","args":{"staff_no":"1001","pin":"1111"}}"#,
            "\n",
            r#"{"id":2,"cmd":"product_by_barcode","args":{"barcode":"6907462053312"}}"#,
            "\n",
            r#"{"id":"x","cmd":"product_by_barcode","args":{"barcode":"6907462053313"}}"#,
            "\n",
            "this is not json\n",
            r#"{"id":4}"#,
            "\n",
            r#"{"id":5,"cmd":"product_search","args":{"query":"amxl","limit":5}}"#,
            "\n",
        ),
    );
    assert_eq!(answers.len(), 6);
    assert_eq!(answers[0]["id"], 1);
    assert_eq!(answers[0]["ok"], true);
    assert_eq!(answers[0]["result"]["staff"]["staff_no"], "1001");
    assert_eq!(answers[1]["result"]["name"], "阿莫西林胶囊");
    assert_eq!(answers[1]["result"]["price"], "12.80");
    assert_eq!(
        answers[2],
        json!({"id": "x", "ok": false, "error": {
        "code": "INVALID_BARCODE", "message": "条码“6907462053313”校验位错误，请重新扫描或核对后输入"}})
    );
    assert_eq!(answers[3]["ok"], false);
    assert_eq!(answers[3]["id"], Value::Null);
    assert_eq!(answers[3]["error"]["code"], "BAD_REQUEST");
    assert_eq!(answers[4]["error"]["code"], "BAD_REQUEST");
    assert_eq!(answers[5]["result"][0]["name"], "阿莫西林胶囊");

    // The same requests through the in-process API (what the desktop's `api` command calls)
    // give the same answers on the same store file.
    let api = Api::new(Store::open(&db, Arc::new(SystemClock)).unwrap());
    api.dispatch("login", json!({"staff_no": "1001", "pin": "1111"}), &|_| {})
        .unwrap();
    let direct = api
        .dispatch(
            "product_by_barcode",
            json!({"barcode": "6907462053312"}),
            &|_| {},
        )
        .unwrap();
    assert_eq!(direct, answers[1]["result"]);
    let direct = api
        .dispatch(
            "product_search",
            json!({"query": "amxl", "limit": 5}),
            &|_| {},
        )
        .unwrap();
    assert_eq!(direct, answers[5]["result"]);
}

#[test]
fn wrong_pins_through_the_cli_lock_the_account_for_the_desktop_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    let line = r#"{"id":1,"cmd":"login","args":{"staff_no":"1001","pin":"0000"}}"#;
    let answers = run_cli(&db, &format!("{line}\n").repeat(5));
    assert_eq!(answers[0]["error"]["code"], "WRONG_PIN");
    assert_eq!(answers[4]["error"]["code"], "ACCOUNT_LOCKED");
    let api = Api::new(Store::open(&db, Arc::new(SystemClock)).unwrap());
    let e = api
        .dispatch("login", json!({"staff_no": "1001", "pin": "1111"}), &|_| {})
        .unwrap_err();
    assert_eq!(e.code.as_str(), "ACCOUNT_LOCKED");
}

#[test]
fn bindings_check_detects_staleness() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bindings.ts");
    let run = |check: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pharmapos"));
        cmd.args(["bindings", "--out"]).arg(&out);
        if check {
            cmd.arg("--check");
        }
        cmd.stderr(Stdio::null()).status().unwrap().success()
    };
    assert!(!run(true), "a missing file is stale");
    assert!(run(false));
    assert!(run(true));
    std::fs::write(&out, "// edited by hand\n").unwrap();
    assert!(!run(true));
}

#[test]
fn audit_verify_passes_a_whole_chain_and_names_an_edited_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    let line = r#"{"id":1,"cmd":"login","args":{"staff_no":"1001","pin":"1111"}}"#;
    run_cli(&db, &format!("{line}\n").repeat(4));
    let verify = || {
        Command::new(env!("CARGO_BIN_EXE_pharmapos"))
            .args(["audit-verify", "--db"])
            .arg(&db)
            .output()
            .unwrap()
    };
    let out = verify();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["entries"].as_i64().unwrap() >= 4);

    // Someone with the file and the sqlite3 shell: triggers dropped, the third entry edited.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET subject = '3001' WHERE seq = 3;",
    )
    .unwrap();
    drop(conn);
    let out = verify();
    assert_eq!(out.status.code(), Some(4));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["first_bad"]["seq"], 3);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("AUDIT_CHAIN_BROKEN") && err.contains("第 3 条"),
        "{err}"
    );
}

#[test]
fn backup_then_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    let backups = dir.path().join("备份");
    let line = r#"{"id":1,"cmd":"login","args":{"staff_no":"1001","pin":"1111"}}"#;
    run_cli(&db, &format!("{line}\n"));
    let out = Command::new(env!("CARGO_BIN_EXE_pharmapos"))
        .args(["backup", "--db"])
        .arg(&db)
        .arg("--to")
        .arg(&backups)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = report["file"]["path"].as_str().unwrap().to_owned();
    assert!(std::path::Path::new(&file).starts_with(&backups));

    // Without --yes nothing happens; with it the file comes back and the old one is kept.
    let restore = |yes: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pharmapos"));
        cmd.args(["restore", "--db"])
            .arg(&db)
            .arg("--from")
            .arg(&file);
        if yes {
            cmd.arg("--yes");
        }
        cmd.output().unwrap()
    };
    assert_eq!(restore(false).status.code(), Some(2));
    let out = restore(true);
    assert!(out.status.success(), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(std::path::Path::new(report["previous_kept_at"].as_str().unwrap()).exists());

    // A file that is not a store is refused with its code.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, "not a database").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pharmapos"))
        .args(["restore", "--yes", "--db"])
        .arg(&db)
        .arg("--from")
        .arg(&junk)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOT_A_STORE"));
}
