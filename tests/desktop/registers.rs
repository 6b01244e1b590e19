//! 麻黄碱登记 on the pharmacist's workbench: a pharmacist who logs in alone opens the ephedrine
//! register (its section button; Alt+4 from the keyboard), searches the period of two earlier sales to one buyer, sees the ID numbers
//! masked and the repeat buyer flagged, shows one number whole, and prints the period's register
//! on A4 for an inspector: the printed job (the saved PDF, no printer at this till) is read back
//! with `pdftotext` — the pharmacy, the period, the whole ID number, the totals.

use std::sync::Arc;

use crate::pages::*;
use pos_core::api::*;
use pos_core::clock::{Clock, FixedClock, SystemClock};

const DAY_MS: i64 = 24 * 3600 * 1000;
const CONTAC: &str = "6906988033655"; // 新康泰克, ephedrine
const BUYER_ID: &str = "11010519491231002X";

/// The demo store, a pharmacist who only does pharmacists' work (2002 / 2020), and two sales of
/// 新康泰克 to one buyer, three days and one day ago.
fn store_with_two_ephedrine_sales(path: &std::path::Path) {
    let then = Arc::new(FixedClock::new(SystemClock.now()));
    then.advance_ms(-3 * DAY_MS);
    let api = demo_store_with_pharmacist(path, then.clone());
    for (days_later, qty) in [(0, 2), (2, 1)] {
        then.advance_ms(days_later * DAY_MS);
        let c = api.call(CartOpen {}).unwrap();
        api.call(CartScan {
            cart_id: c.id,
            barcode: CONTAC.into(),
            quantity: Some(qty),
        })
        .unwrap();
        let c = api
            .call(CartSetEphedrineBuyer {
                cart_id: c.id,
                buyer_name: "钱多多".into(),
                id_number: BUYER_ID.into(),
            })
            .unwrap();
        api_pay_cash(&api, &c);
    }
}

#[test]
fn a_pharmacist_prints_the_ephedrine_register_of_a_period() {
    scenario(print_the_register);
}

async fn print_the_register() {
    let driver = start_driver_with(false, store_with_two_ephedrine_sales);
    let c = connect(&driver).await;
    login(&c, "2002", "2020").await;
    wait_for(&c, "workbench").await;
    click(&c, "bench-ephedrine").await;
    assert_eq!(
        wait_attr(&c, "workbench", "data-section", "ephedrine")
            .await
            .as_deref(),
        Some("ephedrine")
    );
    // The period: from a week ago to today (store dates, China time).
    let today = SystemClock.today();
    let week_ago = FixedClock::new(SystemClock.now());
    week_ago.advance_ms(-7 * DAY_MS);
    let from = week_ago.today().to_string();
    fill(&c, "eph-reg-from", &from).await;
    fill(&c, "eph-reg-to", &today.to_string()).await;
    press(&wait_for(&c, "eph-reg-to").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "eph-reg-total", "data-total", "2")
            .await
            .as_deref(),
        Some("2")
    );
    wait_count(&c, "eph-reg-row", 2).await;
    // Masked in the list; the later purchase is flagged as a repeat.
    let masked = text_of(&c, "eph-reg-id-cell").await;
    assert_eq!(masked.trim(), "110105********002X");
    wait_count(&c, "eph-reg-repeat", 1).await;
    assert_eq!(
        attr(&c, "eph-reg-row", "data-repeat").await.as_deref(),
        Some("true"),
        "newest first: the second purchase is the repeat"
    );
    // One number shown whole, on request.
    click(&c, "eph-reg-reveal").await;
    assert_eq!(
        wait_attr(&c, "eph-reg-id-cell", "data-whole", "true")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(text_of(&c, "eph-reg-id-cell").await.trim(), BUYER_ID);

    // Print for the inspector: A4 through the print path; no printer here, so it is saved.
    click(&c, "eph-reg-print").await;
    let path = wait_for(&c, "eph-reg-saved")
        .await
        .attr("data-path")
        .await
        .unwrap()
        .expect("the printed file");
    assert!(path.ends_with(".pdf"), "{path}");
    assert_eq!(
        attr(&c, "eph-reg-saved", "data-printer").await.as_deref(),
        Some(""),
        "no printer at this till: saved only"
    );
    screenshot(&c, "ephedrine-register.png").await;
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", &path, "-"])
        .output()
        .expect("pdftotext runs (apt install poppler-utils)");
    let text: String = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect();
    for expected in [
        "康宁大药房（演示店）",
        "含麻黄碱类复方制剂销售登记表",
        &format!("登记期间{from}至{today}"),
        "打印人赵敏",
        BUYER_ID,
        "钱多多",
        "（重复）",
        "登记条数2条",
        "数量合计3",
        "第1页/共1页",
    ] {
        assert!(text.contains(expected), "missing {expected} in {text}");
    }
    c.close().await.unwrap();
}
