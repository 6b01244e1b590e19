//! Prescription sales approved by the pharmacist, and the ephedrine limit with the buyer registered.

use crate::pages::*;

#[test]
fn prescription_sale_is_approved_by_the_pharmacist_at_the_till() {
    scenario(prescription_sale);
}

async fn prescription_sale() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, AMOXICILLIN).await;
    wait_count(&c, "cart-line", 1).await;
    wait_for(&c, "cart-line-rx").await;
    assert_eq!(
        wait_attr(&c, "gate-rx", "data-state", "missing")
            .await
            .as_deref(),
        Some("missing")
    );
    assert_eq!(
        attr(&c, "gates", "data-blocked").await.as_deref(),
        Some("PRESCRIPTION_REQUIRED")
    );

    // F9 with an Rx line and no prescription opens the prescription form instead of payment.
    press(&input, Key::F9).await;
    assert_eq!(
        wait_attr(&c, "rx-dialog", "data-step", "prescription")
            .await
            .as_deref(),
        Some("prescription")
    );
    assert_eq!(count(&c, "pay-dialog").await, 0);
    // The date is prefilled with the store's business date (China time, the core's clock), not
    // the machine's own local date.
    let today = pos_core::clock::Clock::today(&pos_core::clock::SystemClock).to_string();
    assert_eq!(
        wait_for(&c, "rx-date")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(today.as_str())
    );
    screenshot(&c, "checkout-prescription.png").await;
    fill(&c, "rx-hospital", "上海市第一人民医院").await;
    fill(&c, "rx-doctor", "王建华").await;
    fill(&c, "rx-diagnosis", "急性化脓性扁桃体炎").await;
    // Enter on the last field saves; the approval step follows.
    press(&wait_for(&c, "rx-image").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "rx-dialog", "data-step", "approval")
            .await
            .as_deref(),
        Some("approval")
    );
    wait_for(&c, "rx-summary").await;

    // A cashier's own credentials cannot approve a prescription.
    fill_digits(&c, "rx-approver-staff-no", "1001").await;
    fill_digits(&c, "rx-approver-pin", "1111").await;
    press(&wait_for(&c, "rx-approver-pin").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "rx-error", "data-code", "APPROVER_NOT_AUTHORIZED")
            .await
            .as_deref(),
        Some("APPROVER_NOT_AUTHORIZED")
    );

    // The pharmacist types 2001 / PIN at the till.
    fill_digits(&c, "rx-approver-staff-no", "2001").await;
    fill_digits(&c, "rx-approver-pin", "2222").await;
    screenshot(&c, "checkout-rx.png").await;
    publish_screenshot("checkout-rx.png");
    press(&wait_for(&c, "rx-approver-pin").await, Key::Enter).await;
    wait_count(&c, "rx-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "gate-rx", "data-state", "approved")
            .await
            .as_deref(),
        Some("approved")
    );
    let approved = wait_text(&c, "gate-rx", "李建国").await;
    assert!(approved.contains("李建国"), "{approved}");
    wait_for(&c, "gates-clear").await;
    // 医保 pays only for packs whose 药品追溯码 was scanned: the pack's 码上放心 code.
    scan(&input, "81234570000000000019").await;
    wait_attr(&c, "cart-line-trace", "data-count", "1").await;

    // Now F9 pays: 10.00 by 医保 (F5, with its settlement number), the rest in cash.
    pay_by_insurance(&c, &input).await;
    assert_eq!(
        wait_for(&c, "pay-amount")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("12.80"),
        "医保 starts with what it may pay: the insurance-listed lines"
    );
    fill_digits(&c, "pay-amount", "10").await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    // Enter without a settlement number goes to that field.
    let settlement = wait_for(&c, "pay-settlement").await;
    settlement.send_keys("YB2026-000123").await.unwrap();
    press(&settlement, Key::Enter).await;
    wait_count(&c, "pay-tender", 1).await;
    assert_eq!(
        wait_attr(&c, "pay-remaining", "data-amount", "2.80")
            .await
            .as_deref(),
        Some("2.80")
    );
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    wait_for(&c, "sale-done").await;
    assert_eq!(
        attr(&c, "sale-done-change", "data-amount").await.as_deref(),
        Some("0.00")
    );
    wait_count(&c, "sale-done-tender", 2).await;
    assert_eq!(
        attr(&c, "sale-done-tender", "data-kind").await.as_deref(),
        Some("insurance")
    );
    assert_eq!(
        attr(&c, "sale-done-payable", "data-amount")
            .await
            .as_deref(),
        Some("12.80")
    );
    let receipt = text_of(&c, "sale-done").await;
    assert!(
        receipt.contains("李建国"),
        "the reviewing pharmacist is named: {receipt}"
    );
    next_sale(&c).await;
    c.close().await.unwrap();
}

#[test]
fn ephedrine_is_limited_to_two_packages_and_the_buyer_is_registered() {
    scenario(ephedrine_sale);
}

async fn ephedrine_sale() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, CONTAC).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, CONTAC).await;
    assert_eq!(
        wait_attr(&c, "cart-line-qty", "data-quantity", "2")
            .await
            .as_deref(),
        Some("2")
    );
    // The third package is refused at once, in Chinese; the cart keeps 2.
    scan(&input, CONTAC).await;
    assert_eq!(
        wait_attr(&c, "scan-error", "data-code", "EPHEDRINE_LIMIT")
            .await
            .as_deref(),
        Some("EPHEDRINE_LIMIT")
    );
    let refused = text_of(&c, "scan-error").await;
    assert!(
        refused.contains("含麻黄碱类复方制剂每次最多销售"),
        "{refused}"
    );
    assert_eq!(
        attr(&c, "cart-line-qty", "data-quantity").await.as_deref(),
        Some("2")
    );
    assert_eq!(
        wait_attr(&c, "gate-eph", "data-state", "missing")
            .await
            .as_deref(),
        Some("missing")
    );

    // F5: the buyer's name and ID; a wrong check character is explained in place.
    press(&input, Key::F5).await;
    wait_for(&c, "eph-dialog").await;
    fill(&c, "eph-name", "赵敏").await;
    fill_digits(&c, "eph-id", "110105194912310021").await;
    assert_eq!(
        wait_attr(&c, "eph-id-hint", "data-ok", "false")
            .await
            .as_deref(),
        Some("false"),
        "the hint flags the check character before the core is asked"
    );
    press(&wait_for(&c, "eph-id").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "eph-error", "data-code", "INVALID_ID_NUMBER")
            .await
            .as_deref(),
        Some("INVALID_ID_NUMBER")
    );
    let message = text_of(&c, "eph-error").await;
    assert!(message.contains("校验位"), "{message}");
    screenshot(&c, "checkout-ephedrine.png").await;
    publish_screenshot("checkout-ephedrine.png");
    fill_digits(&c, "eph-id", "11010519491231002x").await;
    press(&wait_for(&c, "eph-id").await, Key::Enter).await;
    wait_count(&c, "eph-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "gate-eph", "data-state", "recorded")
            .await
            .as_deref(),
        Some("recorded")
    );
    let buyer = wait_text(&c, "gate-eph", "110105********002X").await;
    assert!(buyer.contains("赵敏"), "{buyer}");

    press(&input, Key::F9).await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "sale-done-payable", "data-amount", "39.60")
            .await
            .as_deref(),
        Some("39.60")
    );
    next_sale(&c).await;

    // The same ID again within 30 days: the repeat purchase is flagged.
    scan(&input, CONTAC).await;
    wait_count(&c, "cart-line", 1).await;
    press(&input, Key::F5).await;
    fill(&c, "eph-name", "赵敏").await;
    fill_digits(&c, "eph-id", "11010519491231002X").await;
    press(&wait_for(&c, "eph-id").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "eph-recent", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    press(&wait_for(&c, "eph-done").await, Key::Enter).await;
    wait_count(&c, "eph-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "gate-eph-recent", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    c.close().await.unwrap();
}
