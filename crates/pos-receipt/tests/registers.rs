//! The ephedrine register (含麻黄碱类复方制剂登记) as an inspector reads it: a month of sales
//! printed on A4 through the real API with the PDF renderer, read back with `pdftotext -layout`
//! (the pharmacy and its licence, the period, every line with its whole ID number, repeat buyers
//! marked, totals per drug, numbered pages), rendered with `pdftoppm -r 150` (page 1 is
//! `docs/screenshots/ephedrine-register-a4.png`), and the XLSX export opened with calamine.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use pos_core::api::*;
use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::pharmacy::registers::EphedrineFilter;
use pos_core::pricing::{Tender, TenderKind};
use pos_core::Money;
use pos_receipt::PdfRenderer;

const CONTAC: &str = "6906988033655"; // 新康泰克, ephedrine
const BAIJIAHEI: &str = "6922249033479"; // 白加黑感冒片, ephedrine

fn id_no(first17: &str) -> String {
    format!(
        "{first17}{}",
        pos_core::id_card::check_char(first17).unwrap()
    )
}

/// Text with the spaces pdftotext -layout puts between columns squeezed to one.
fn squeezed(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn tight(s: &str) -> String {
    s.split_whitespace().collect()
}

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("registers");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn the_ephedrine_register_prints_on_a4_for_an_inspector_and_exports_to_excel() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at("2026-11-01T02:00:00Z"));
    let store = Store::open(&tmp.path().join("till.sqlite"), clock.clone()).unwrap();
    let api = Api::new(store).with_renderer(Arc::new(PdfRenderer::new()));
    assert!(pos_core::demo::seed(api.store()).unwrap());
    let login = |no: &str, pin: &str| {
        api.call(Login {
            staff_no: no.into(),
            pin: pin.into(),
        })
        .unwrap();
    };
    login("1001", "1111");
    // 30 buyers, one sale each day of November; buyer 0 comes back on day 10 and day 20.
    let buyers: Vec<(String, String)> = (0..30)
        .map(|i| {
            (
                format!("购买人{i:02}"),
                id_no(&format!(
                    "3101151980{:02}{:02}{i:03}",
                    1 + i % 12,
                    1 + i % 28
                )),
            )
        })
        .collect();
    let mut sold = 0i64;
    for day in 1..=30u32 {
        clock.set(
            chrono::DateTime::parse_from_rfc3339(&format!("2026-11-{day:02}T02:30:00Z"))
                .unwrap()
                .into(),
        );
        let (name, id) = if day == 10 || day == 20 {
            buyers[0].clone()
        } else {
            buyers[day as usize - 1].clone()
        };
        let cart = api.call(CartOpen {}).unwrap();
        let (barcode, qty) = if day % 3 == 0 {
            (BAIJIAHEI, 2)
        } else {
            (CONTAC, 1)
        };
        sold += qty;
        let cart = api
            .call(CartScan {
                cart_id: cart.id,
                barcode: barcode.into(),
                quantity: Some(qty),
            })
            .unwrap();
        api.call(CartSetEphedrineBuyer {
            cart_id: cart.id,
            buyer_name: name,
            id_number: id,
        })
        .unwrap();
        api.call(SalePay {
            cart_id: cart.id,
            tenders: vec![Tender {
                kind: TenderKind::Cash,
                amount: Money::from_fen(10_000),
                settlement_no: None,
                reference: None,
            }],
        })
        .unwrap();
    }

    login("2001", "2222");
    let filter = EphedrineFilter {
        from: "2026-11-01".into(),
        to: "2026-11-30".into(),
        ..Default::default()
    };
    let printed = api
        .call(EphedrineRegisterPrint {
            filter: filter.clone(),
            save_only: true,
        })
        .unwrap();
    let path = Path::new(&printed.path);
    assert!(printed.path.ends_with(".pdf"));
    let text = squeezed(&common::pdftotext(path));
    let compact = tight(&text);
    for expected in [
        "康宁大药房（演示店）",
        "含麻黄碱类复方制剂销售登记表",
        "登记期间 2026-11-01 至 2026-11-30",
        "打印人 李建国",
        "时间 购买人 身份证号 药品名称 规格 批号 数量 经办人",
        "登记条数 30 条",
        &format!("数量合计 {sold}"),
        "登记药师签字",
    ] {
        assert!(
            compact.contains(&tight(expected)),
            "missing “{expected}” in:\n{text}"
        );
    }
    // The licence from the pharmacy settings.
    let licence = api
        .store()
        .read(pos_core::settings::get)
        .unwrap()
        .licence_no;
    assert!(
        !licence.is_empty() && compact.contains(&tight(&licence)),
        "{text}"
    );
    // Every line, with its whole ID number; the repeat buyer marked on days 10 and 20.
    for (_, id) in buyers
        .iter()
        .take(30)
        .filter(|(n, _)| n != "购买人09" && n != "购买人19")
    {
        assert!(compact.contains(id.as_str()), "{id} in:\n{text}");
    }
    // (The mark wraps under the name in its column: counted apart, the note's own included.)
    assert_eq!(compact.matches("（重复）").count(), 2 + 1, "{text}");
    assert!(
        compact.contains("同一身份证号30天内第2次及以上购买"),
        "{text}"
    );
    // Totals per drug: 10 × 白加黑 ×2, 20 × 新康泰克 ×1.
    assert!(compact.contains("新康泰克"), "{text}");
    let pages = Command::new("pdfinfo").arg(path).output().unwrap();
    let info = String::from_utf8(pages.stdout).unwrap();
    assert!(info.contains("(A4)"), "{info}");
    let n: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(n >= 2, "30 lines take more than one page");
    for i in 1..=n {
        assert!(compact.contains(&format!("第{i}页/共{n}页")), "page {i}");
    }
    // The print is audited; no line is lost between the PDF and the sales.
    let audited: i64 = api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'report.print' AND subject LIKE 'ephedrine-register%'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(audited, 1);

    // The render an inspector would see (page 1), kept for docs/screenshots.
    let keep = dir().join("ephedrine-register-a4.pdf");
    std::fs::copy(path, &keep).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png"])
        .arg(&keep)
        .arg(dir().join("ephedrine-register-a4"))
        .status()
        .expect("pdftoppm runs (apt install poppler-utils)");
    assert!(status.success());

    // The XLSX export: the same lines, whole ID numbers, numbers as numbers.
    let x = api
        .call(EphedrineRegisterExport {
            filter,
            format: ReportExportFormat::Xlsx,
        })
        .unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook(&x.path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let rows: Vec<&[Data]> = range
        .rows()
        .skip_while(|r| r.get(2) != Some(&Data::String("身份证号".into())))
        .skip(1)
        .take_while(|r| r.len() >= 8 && r[2] != Data::Empty)
        .collect();
    assert_eq!(rows.len(), 30, "{range:?}");
    let total: f64 = rows
        .iter()
        .map(|r| match &r[6] {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("quantity {other:?}"),
        })
        .sum();
    assert_eq!(total, sold as f64);
    assert_eq!(rows[0][2], Data::String(buyers[0].1.clone()));
}
