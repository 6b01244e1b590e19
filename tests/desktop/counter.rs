//! The counter as a busy pharmacy works it: the receipt prints by itself after payment, four
//! digits in the scan box attach the one member whose phone ends in them, and Ctrl+L locks the
//! till until the same cashier's PIN.

use crate::pages::*;
use pos_core::api::{Login, NewMember};

/// A demo store with three members: two share the phone ending 5678, one ends in 4321.
fn store_with_members(path: &std::path::Path) {
    let clock = std::sync::Arc::new(pos_core::clock::SystemClock);
    let store = pos_core::db::Store::open(path, clock).unwrap();
    assert!(pos_core::demo::seed(&store).unwrap());
    let api = pos_core::api::Api::new(store);
    api.call(Login {
        staff_no: "1001".into(),
        pin: "1111".into(),
    })
    .unwrap();
    for (phone, name) in [
        ("13912345678", "张伟"),
        ("13800005678", "李娜"),
        ("13700004321", "王芳"),
    ] {
        api.call(NewMember {
            phone: phone.into(),
            name: name.into(),
            basic_consent: true,
            ..Default::default()
        })
        .unwrap();
    }
}

#[test]
fn four_digits_attach_the_one_member_and_ctrl_l_locks_the_till() {
    scenario(last_four_and_lock);
}

async fn last_four_and_lock() {
    let driver = start_driver_with(false, store_with_members);
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 1).await;

    // 4321 ends one phone only: that member is attached at once, the phone masked.
    type_digits_then_enter(&input, "4321").await;
    assert_member_attached(&c, "王芳", "137****4321").await;
    screenshot(&c, "counter-last4.png").await;

    // Ctrl+L: the lock screen names who is logged in; the sale stays behind it.
    let input = wait_for(&c, "scan-input").await;
    chord(&input, Key::Control, 'l').await;
    wait_for(&c, "lock-screen").await;
    let who = text_of(&c, "lock-staff").await;
    assert!(who.contains("1001") || who.contains("王晓燕"), "{who}");
    assert_eq!(
        wait_focused(&c, "lock-pin").await.as_deref(),
        Some("lock-pin")
    );
    // A wrong PIN (another staff member's) does not unlock.
    fill_digits(&c, "lock-pin", "2222").await;
    press(&wait_for(&c, "lock-pin").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "lock-error", "data-code", "WRONG_PIN")
            .await
            .as_deref(),
        Some("WRONG_PIN")
    );
    assert_eq!(count(&c, "lock-screen").await, 1);
    screenshot(&c, "counter-lock.png").await;
    publish_screenshot("counter-lock.png");
    fill_digits(&c, "lock-pin", "1111").await;
    press(&wait_for(&c, "lock-pin").await, Key::Enter).await;
    wait_count(&c, "lock-screen", 0).await;
    // Back where the cashier left off: the same line, the same member, nothing scanned behind.
    assert_eq!(count(&c, "cart-line").await, 1);
    assert_member_attached(&c, "王芳", "137****4321").await;

    // 5678 ends two phones: the picker opens with both, nobody is attached over 王芳.
    let input = wait_for(&c, "scan-input").await;
    type_digits_then_enter(&input, "5678").await;
    wait_count(&c, "member-result", 2).await;
    c.close().await.unwrap();
}

#[test]
fn a_sale_prints_its_receipt_by_itself_and_the_receipt_adds_up() {
    scenario(receipt_prints_by_itself);
}

async fn receipt_prints_by_itself() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let receipt_no = pay_cash_keep_done(&c, &[PARACETAMOL, GANMAOLING]).await;
    assert!(!receipt_no.is_empty());
    // Nobody pressed F9: the till's 自动打印 (on by default) printed it — saved as a PDF here,
    // since this till has no printer.
    let path = wait_for(&c, "sale-done-print-result")
        .await
        .attr("data-path")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(path.ends_with(".pdf"), "{path}");
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", &path, "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&receipt_no), "{text}");
    // 对乙酰氨基酚片 3.50 + 感冒灵颗粒 15.80 = 19.30, no deductions.
    assert!(text.contains("3.50") && text.contains("15.80"), "{text}");
    assert!(text.contains("19.30"), "{text}");
    assert!(
        text.contains("华中药业") && text.contains("华润三九"),
        "makers printed: {text}"
    );
    next_sale(&c).await;
    c.close().await.unwrap();
}
