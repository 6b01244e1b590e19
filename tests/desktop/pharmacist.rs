//! The pharmacist's part of a sale (guidance, allergy), the manager's override, hold and recall, and
//! the till settings.

use std::time::{Duration, Instant};

use crate::pages::*;

#[test]
fn pharmacist_guidance_manager_override_hold_and_recall() {
    scenario(guidance_override_hold_recall);
}

async fn guidance_override_hold_recall() {
    let driver = start_driver();
    let c = connect(&driver).await;
    // 2001 is a pharmacist who also sells.
    login(&c, "2001", "2222").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 1).await;

    // Alt+G: the guidance form on the selected line, starting from the product's default (its
    // free text as the note); Enter in the last field, the note, saves.
    alt(&input, 'g').await;
    let text = wait_for(&c, "guidance-note").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while text
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the default guidance was not offered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    screenshot(&c, "checkout-guidance.png").await;
    text.send_keys(&format!("{}；饭后服用", char::from(Key::End)))
        .await
        .unwrap();
    press(&text, Key::Enter).await;
    wait_count(&c, "guidance-dialog", 0).await;
    let guidance = wait_text(&c, "cart-line-guidance", "饭后服用").await;
    assert!(guidance.contains("饭后服用"), "{guidance}");

    // Alt+O: the manager overrides the price at the till (3001 / PIN typed here).
    alt(&input, 'o').await;
    fill_digits(&c, "override-price", "3").await;
    fill(&c, "override-reason", "外包装轻微磨损").await;
    fill_digits(&c, "override-approver-staff-no", "3001").await;
    fill_digits(&c, "override-approver-pin", "3333").await;
    press(&wait_for(&c, "override-approver-pin").await, Key::Enter).await;
    wait_count(&c, "override-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "cart-line-net", "data-rule", "override")
            .await
            .as_deref(),
        Some("override")
    );
    assert_eq!(
        wait_attr(&c, "discount-manual", "data-amount", "0.50")
            .await
            .as_deref(),
        Some("0.50")
    );
    assert_eq!(
        attr(&c, "cart-payable", "data-amount").await.as_deref(),
        Some("3.00")
    );

    // F10 holds the sale; F11 lists it; Enter brings it back as it was.
    press(&input, Key::F10).await;
    wait_for(&c, "cart-empty").await;
    assert_eq!(
        wait_attr(&c, "recall", "data-count", "1").await.as_deref(),
        Some("1")
    );
    wait_for(&c, "scan-notice").await;
    press(&input, Key::F11).await;
    wait_count(&c, "held-cart", 1).await;
    press(&wait_for(&c, "held-cart").await, Key::Enter).await;
    wait_count(&c, "held-dialog", 0).await;
    wait_count(&c, "cart-line", 1).await;
    assert_eq!(
        wait_attr(&c, "cart-payable", "data-amount", "3.00")
            .await
            .as_deref(),
        Some("3.00")
    );
    wait_for(&c, "cart-line-guidance").await;
    assert_eq!(
        wait_attr(&c, "recall", "data-count", "0").await.as_deref(),
        Some("0")
    );

    // F1 lists the checkout keys too.
    press(&input, Key::F1).await;
    wait_for(&c, "help-help.payment").await;
    screenshot(&c, "help.png").await;
    press(&input, Key::Escape).await;
    wait_count(&c, "help-overlay", 0).await;
    c.close().await.unwrap();
}

#[test]
fn allergy_is_acknowledged_by_the_pharmacist_and_the_till_number_is_on_the_receipt() {
    scenario(allergy_and_till_settings);
}

async fn allergy_and_till_settings() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;

    // 门店设置: this till is number 7, receipts 58 mm wide, no printer, ESC/POS when it has one.
    click(&c, "tab-settings").await;
    fill_digits(&c, "till-no", "7").await;
    // The printers CUPS knows are offered (the stand-in lpstat knows XP-80C).
    assert_eq!(
        wait_attr(&c, "till-queues", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        wait_text(&c, "till-queues", "XP-80C").await,
        "本机打印机：XP-80C"
    );
    click(&c, "till-paper-58").await;
    click(&c, "till-format-escpos").await;
    wait_text(&c, "till-format-hint", "ESC/POS").await;
    click(&c, "till-save").await;
    wait_for(&c, "till-saved").await;
    screenshot(&c, "till-settings.png").await;
    // What the form shows after saving is what the core stored.
    assert_eq!(
        wait_for(&c, "till-format-escpos")
            .await
            .prop("checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        wait_for(&c, "till-no")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("7")
    );

    // A member with health consent and a penicillin allergy.
    click(&c, "tab-sale").await;
    let input = wait_for(&c, "scan-input").await;
    press(&input, Key::F3).await;
    register_in_form(&c, Some("13812345678"), "李娜").await;
    click(&c, "member-reg-health-consent").await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;
    wait_for(&c, "member-reg-created").await;
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    wait_attr(&c, "member-panel", "data-state", "attached").await;
    press(&input, Key::F6).await;
    click(&c, "member-profile-tab-health").await;
    wait_for(&c, "health-add-code").await;
    click(&c, "health-add-submit").await;
    assert_eq!(
        wait_attr(&c, "health-item", "data-code", "青霉素类")
            .await
            .as_deref(),
        Some("青霉素类")
    );
    press(
        &wait_for(&c, "member-profile-tab-health").await,
        Key::Escape,
    )
    .await;
    wait_count(&c, "member-profile", 0).await;

    // Amoxicillin matches: the line is marked and payment waits for the pharmacist.
    scan(&input, AMOXICILLIN).await;
    assert_eq!(
        wait_attr(&c, "cart-line-allergy", "data-acknowledged", "false")
            .await
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        wait_attr(
            &c,
            "gates",
            "data-blocked",
            "ALLERGY_ACK_REQUIRED,PRESCRIPTION_REQUIRED"
        )
        .await
        .as_deref(),
        Some("ALLERGY_ACK_REQUIRED,PRESCRIPTION_REQUIRED")
    );
    assert_eq!(
        attr(&c, "gate-resolve", "data-gate").await.as_deref(),
        Some("allergy"),
        "the allergy comes first"
    );
    press(&input, Key::F5).await;
    assert_eq!(
        wait_attr(&c, "allergy-line", "data-classes", "青霉素类")
            .await
            .as_deref(),
        Some("青霉素类")
    );
    fill_digits(&c, "allergy-approver-staff-no", "2001").await;
    fill_digits(&c, "allergy-approver-pin", "2222").await;
    screenshot(&c, "checkout-allergy.png").await;
    publish_screenshot("checkout-allergy.png");
    press(&wait_for(&c, "allergy-approver-pin").await, Key::Enter).await;
    wait_count(&c, "allergy-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "cart-line-allergy", "data-acknowledged", "true")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        wait_attr(&c, "gate-resolve", "data-gate", "prescription")
            .await
            .as_deref(),
        Some("prescription"),
        "next: the prescription"
    );

    // Without the Rx line the sale pays; the receipt number carries till 07.
    press(&input, Key::Delete).await;
    press(&input, Key::Delete).await;
    wait_for(&c, "cart-empty").await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 1).await;
    press(&input, Key::F9).await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    let receipt_no = attr(&c, "sale-done-receipt", "data-receipt-no")
        .await
        .unwrap_or_default();
    assert_eq!(&receipt_no[8..10], "07", "{receipt_no}");
    let path = print_on_done_screen(&c).await;
    assert_receipt_pdf(&path, &receipt_no);
    c.close().await.unwrap();
}
