//! The JSON face of the API: dispatch by name, stable error shapes, bindings and docs in step.

mod common;

use common::Till;
use pos_core::api::{typescript_bindings, COMMANDS};
use pos_core::ErrorCode;
use serde_json::json;

#[test]
fn dispatch_by_name_matches_the_typed_call() {
    let t = Till::demo();
    let r = t
        .api
        .dispatch("login", json!({"staff_no": "1001", "pin": "1111"}), &|_| {})
        .unwrap();
    assert_eq!(r["staff"]["name"], "王晓燕");
    let p = t
        .api
        .dispatch(
            "product_by_barcode",
            json!({"barcode": "6907462053312"}),
            &|_| {},
        )
        .unwrap();
    assert_eq!(p["price"], "12.80");
    assert_eq!(p["name"], "阿莫西林胶囊");
}

#[test]
fn malformed_requests_get_stable_codes() {
    let t = Till::demo();
    let e = t
        .api
        .dispatch("no_such_thing", json!({}), &|_| {})
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownCommand);
    let e = t
        .api
        .dispatch("login", json!({"staff_no": 1001}), &|_| {})
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadRequest);
    let e = t
        .api
        .dispatch(
            "login",
            json!({"staff_no": "1001", "pin": "1111", "extra": 1}),
            &|_| {},
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadRequest);
    let e = t
        .api
        .dispatch("cart_get", json!({"cart_id": "not-a-uuid"}), &|_| {})
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadRequest);
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["code"], "BAD_REQUEST");
    assert!(json["message"].as_str().unwrap().contains("参数不正确"));
}

fn repo_file(rel: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn ui_bindings_are_fresh() {
    let committed = repo_file("ui/src/lib/bindings.ts");
    assert!(
        committed == typescript_bindings(),
        "ui/src/lib/bindings.ts is stale: run `cargo run -p pos-cli -- bindings` and commit it"
    );
}

#[test]
fn no_two_types_share_a_name_in_the_bindings() {
    // Two Rust types with one name would export one TypeScript type over the other.
    let ts = typescript_bindings();
    let mut seen = std::collections::BTreeSet::new();
    for line in ts.lines() {
        if let Some(rest) = line.strip_prefix("export type ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            assert!(
                seen.insert(name.clone()),
                "two types named {name} in the bindings"
            );
        }
    }
    assert!(seen.len() > 50);
}

#[test]
fn every_command_and_error_code_is_documented() {
    let doc = repo_file("docs/api.md");
    for (name, _, _) in COMMANDS {
        assert!(
            doc.contains(&format!("### `{name}`")),
            "docs/api.md lacks command {name}"
        );
    }
    for code in ErrorCode::ALL {
        assert!(
            doc.contains(&format!("`{}`", code.as_str())),
            "docs/api.md lacks code {}",
            code.as_str()
        );
    }
}

#[test]
fn the_business_date_is_the_stores_date_by_the_core_clock() {
    let t = Till::demo();
    t.login("1001", "1111");
    let ask = || t.api.dispatch("business_date", json!({}), &|_| {}).unwrap();
    // 2026-11-23T02:00Z is 10:00 in China.
    assert_eq!(ask(), "2026-11-23");
    // 23:59 UTC on the 23rd is already 07:59 on the 24th at the store, whatever the machine's zone.
    t.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T23:59:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    assert_eq!(ask(), "2026-11-24");
}

#[test]
fn till_settings_keep_the_printer_format_and_refuse_unknown_ones() {
    let t = Till::demo();
    t.login("3001", "3333");
    let get = || {
        t.api
            .dispatch("till_settings_get", json!({}), &|_| {})
            .unwrap()
    };
    assert_eq!(get()["printer_format"], "pdf", "PDF unless chosen");
    let update = |settings: serde_json::Value| {
        t.api.dispatch(
            "till_settings_update",
            json!({ "settings": settings }),
            &|_| {},
        )
    };
    let saved = update(
        json!({"till_no": 2, "printer": "XP-80C", "paper_mm": 80, "printer_format": "escpos"}),
    )
    .unwrap();
    assert_eq!(saved["printer_format"], "escpos");
    assert_eq!(get(), saved);
    // An unknown format is refused and the stored settings stay.
    let e =
        update(json!({"till_no": 2, "printer": "XP-80C", "paper_mm": 80, "printer_format": "zpl"}))
            .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadRequest);
    assert_eq!(get(), saved);
    // Settings sent without a format (an older screen) mean PDF.
    let saved = update(json!({"till_no": 2, "printer": null, "paper_mm": 58})).unwrap();
    assert_eq!(saved["printer_format"], "pdf");
}
