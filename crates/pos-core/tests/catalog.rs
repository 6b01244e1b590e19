//! Catalog scenarios: import in every encoding, bad rows reported with line numbers and nothing
//! half-imported, re-import with price history, lookup and pinyin search.

mod common;

use common::Till;
use pos_core::api::*;
use pos_core::catalog::import::ImportSource;
use pos_core::ErrorCode;

fn path(name: &str) -> ImportSource {
    ImportSource {
        path: Some(Till::fixture(name)),
        content_base64: None,
    }
}

fn manager() -> Till {
    let t = Till::demo();
    t.login("3001", "3333");
    t
}

fn empty_catalog_manager() -> Till {
    let t = Till::empty();
    t.api
        .call(CreateFirstManager {
            staff_no: "9001".into(),
            name: "店长".into(),
            pin: "1234".into(),
        })
        .unwrap();
    t.login("9001", "1234");
    t
}

#[test]
fn imports_gbk() {
    let t = empty_catalog_manager();
    let r = t
        .api
        .call(CatalogImport {
            source: path("gbk.csv"),
            only_good_rows: false,
        })
        .unwrap();
    assert_eq!(
        (r.encoding.as_str(), r.created, r.imported),
        ("gbk", 3, true)
    );
    let p = t
        .api
        .call(ProductByBarcode {
            barcode: "6907462053312".into(),
        })
        .unwrap();
    assert_eq!(p.name, "阿莫西林胶囊");
    assert_eq!(p.allergen_classes, vec!["青霉素类"]);
    assert!(p.rx && p.insurance && !p.ephedrine);
    assert_eq!(p.price.to_string(), "12.80");
    let quoted = t
        .api
        .call(ProductByBarcode {
            barcode: "6914624021096".into(),
        })
        .unwrap();
    assert_eq!(quoted.guidance, "口服,一次1片");
}

#[test]
fn imports_gbk_with_chinese_headers_and_yes_no_flags() {
    let t = empty_catalog_manager();
    let r = t
        .api
        .call(CatalogImport {
            source: path("gbk-chinese-headers.csv"),
            only_good_rows: false,
        })
        .unwrap();
    assert_eq!(r.created, 3, "{r:?}");
    let p = t
        .api
        .call(ProductByBarcode {
            barcode: "6907462053312".into(),
        })
        .unwrap();
    assert!(p.rx && !p.ephedrine && !p.follow_up);
}

#[test]
fn imports_utf8_with_bom() {
    let t = empty_catalog_manager();
    let r = t
        .api
        .call(CatalogImport {
            source: path("utf8-bom.csv"),
            only_good_rows: false,
        })
        .unwrap();
    assert_eq!((r.encoding.as_str(), r.created), ("utf-8-bom", 3));
    // The BOM must not end up inside the first header name (the barcode column was found).
    assert_eq!(
        t.api
            .call(ProductByBarcode {
                barcode: "6927074089202".into()
            })
            .unwrap()
            .name,
        "氨麻美敏片"
    );
}

#[test]
fn bad_rows_are_reported_by_line_and_nothing_is_imported() {
    let t = empty_catalog_manager();
    let report = t
        .api
        .call(CatalogImportCheck {
            source: path("bad-rows.csv"),
        })
        .unwrap();
    let lines: Vec<(u64, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(report.total_rows, 7);
    assert_eq!(report.good_rows, 2);
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0].0, 3);
    assert!(lines[0].1.contains("校验位错误"), "{}", lines[0].1);
    assert_eq!(lines[1].0, 4);
    assert!(lines[1].1.contains("负数"), "{}", lines[1].1);
    assert_eq!(lines[2].0, 5);
    assert!(lines[2].1.contains("maybe"), "{}", lines[2].1);
    assert_eq!(lines[3].0, 6);
    assert!(
        lines[3].1.contains("条码重复：与第 2 行相同"),
        "{}",
        lines[3].1
    );
    assert_eq!(lines[4].0, 7);
    assert!(lines[4].1.contains("商品名称为空"), "{}", lines[4].1);

    let e = t
        .api
        .call(CatalogImport {
            source: path("bad-rows.csv"),
            only_good_rows: false,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ImportHasErrors);
    assert_eq!(
        t.count("SELECT count(*) FROM product"),
        0,
        "nothing half-imported"
    );
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'catalog.imported@1'"),
        0
    );

    let r = t
        .api
        .call(CatalogImport {
            source: path("bad-rows.csv"),
            only_good_rows: true,
        })
        .unwrap();
    assert_eq!((r.created, r.errors.len()), (2, 5));
    assert_eq!(t.count("SELECT count(*) FROM product"), 2);
}

#[test]
fn unreadable_files_are_refused() {
    let t = empty_catalog_manager();
    let bytes = |b: &[u8]| ImportSource {
        path: None,
        content_base64: Some(base64_encode(b)),
    };
    let e = t
        .api
        .call(CatalogImportCheck {
            source: bytes(b"foo,bar\n1,2\n"),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ImportUnreadable);
    assert!(e.message.contains("barcode"), "{}", e.message);
    let e = t
        .api
        .call(CatalogImportCheck {
            source: bytes(&[0x81, 0x20, 0xff, 0xfe]),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ImportUnreadable);
    let e = t
        .api
        .call(CatalogImportCheck {
            source: ImportSource {
                path: Some("/nonexistent.csv".into()),
                content_base64: None,
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ImportUnreadable);
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn reimport_updates_by_barcode_and_keeps_price_history() {
    let t = empty_catalog_manager();
    t.api
        .call(CatalogImport {
            source: path("gbk.csv"),
            only_good_rows: false,
        })
        .unwrap();
    let changed = std::fs::read(Till::fixture("utf8-bom.csv")).unwrap();
    let changed = String::from_utf8(changed)
        .unwrap()
        .replace(",12.80,", ",13.50,");
    t.clock.advance_ms(60_000);
    let r = t
        .api
        .call(CatalogImport {
            source: ImportSource {
                path: None,
                content_base64: Some(base64_encode(changed.as_bytes())),
            },
            only_good_rows: false,
        })
        .unwrap();
    assert_eq!(
        (r.created, r.updated, r.unchanged, r.price_changes),
        (0, 1, 2, 1)
    );
    assert_eq!(t.count("SELECT count(*) FROM product"), 3);
    let p = t
        .api
        .call(ProductByBarcode {
            barcode: "6907462053312".into(),
        })
        .unwrap();
    assert_eq!(p.price.to_string(), "13.50");
    let history = t.count(
        "SELECT count(*) FROM product_price_history h JOIN product p ON p.id = h.product_id
         WHERE p.barcode = '6907462053312' AND h.old_price_fen = 1280 AND h.new_price_fen = 1350",
    );
    assert_eq!(history, 1);
}

#[test]
fn cashiers_cannot_import() {
    let t = Till::demo();
    t.login("1001", "1111");
    let e = t
        .api
        .call(CatalogImportCheck {
            source: path("gbk.csv"),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

#[test]
fn lookup_by_barcode_refuses_malformed_codes() {
    let t = manager();
    for (code, want) in [
        ("6907462053313", ErrorCode::InvalidBarcode),
        ("690746205331", ErrorCode::InvalidBarcode),
        ("69074620533x2", ErrorCode::InvalidBarcode),
        ("6900000000014", ErrorCode::ProductNotFound),
    ] {
        assert_eq!(
            t.api
                .call(ProductByBarcode {
                    barcode: code.into()
                })
                .unwrap_err()
                .code,
            want,
            "{code}"
        );
    }
}

#[test]
fn pinyin_initials_find_the_drug() {
    let t = manager();
    let names = |q: &str| -> Vec<String> {
        t.api
            .call(ProductSearch {
                query: q.into(),
                limit: None,
            })
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert!(
        names("amxl").contains(&"阿莫西林胶囊".to_owned()),
        "{:?}",
        names("amxl")
    );
    assert!(names("AMXL").contains(&"阿莫西林胶囊".to_owned()));
    assert!(names("blgkl").iter().any(|n| n.contains("板蓝根")));
    assert!(names("西林").contains(&"阿莫西林胶囊".to_owned()));
    assert!(names("690746205").contains(&"阿莫西林胶囊".to_owned()));
    assert!(names("zzzzqqq").is_empty());
    assert!(names("  ").is_empty());
    let limited = t
        .api
        .call(ProductSearch {
            query: "a".into(),
            limit: Some(3),
        })
        .unwrap();
    assert!(limited.len() <= 3);
}

#[test]
fn demo_catalog_is_big_and_covers_every_flag() {
    let t = manager();
    assert!(t.count("SELECT count(*) FROM product") >= 150);
    for flag in [
        "rx",
        "ephedrine",
        "insurance",
        "member_discount",
        "points",
        "follow_up",
    ] {
        for v in [0, 1] {
            let n = t.count(&format!("SELECT count(*) FROM product WHERE {flag} = {v}"));
            assert!(n > 0, "no demo product with {flag} = {v}");
        }
    }
    assert!(t.count("SELECT count(*) FROM product WHERE allergen_classes <> ''") > 0);
    assert!(t.count("SELECT count(*) FROM product WHERE days_of_supply IS NOT NULL") > 0);
}
