//! 药品追溯码 at the counter: a 医保 sale of two packs whose codes are scanned one per pack, a
//! pack scanned twice refused in Chinese, 医保 paying once every pack has its code, and a partial
//! return that scans the code of the one pack brought back.

use crate::pages::*;

#[test]
fn an_insurance_sale_of_two_packs_scans_each_packs_code() {
    scenario(insurance_sale_with_codes);
}

async fn insurance_sale_with_codes() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, GANMAOLING).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, GANMAOLING).await;
    wait_attr(&c, "cart-line-qty", "data-quantity", "2").await;
    // 感冒灵 is 医保-listed: its packs wait for their codes.
    assert_eq!(
        wait_attr(&c, "cart-line-trace", "data-required", "true")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&c, "cart-line-trace", "data-count").await.as_deref(),
        Some("0")
    );

    // The first pack's GS1 DataMatrix: the code is read, never refused as a bad barcode, and
    // the pack's own batch becomes the line's.
    scan(&input, "(01)06939668066407(17)281231(10)B2405(21)E2E0001").await;
    wait_attr(&c, "cart-line-trace", "data-count", "1").await;
    assert_eq!(
        wait_attr(&c, "cart-line-batch", "data-batch", "B2405")
            .await
            .as_deref(),
        Some("B2405")
    );
    // The same pack again is refused, in Chinese, with the stable code kept for support.
    scan(&input, "(01)06939668066407(17)281231(10)B2405(21)E2E0001").await;
    assert_eq!(
        wait_attr(&c, "scan-error", "data-code", "TRACE_CODE_DUPLICATE")
            .await
            .as_deref(),
        Some("TRACE_CODE_DUPLICATE")
    );
    let shown = text_of(&c, "scan-error").await;
    assert!(
        shown.contains("追溯码") && !shown.contains("TRACE_CODE"),
        "{shown}"
    );
    assert_eq!(
        attr(&c, "cart-line-qty", "data-quantity").await.as_deref(),
        Some("2")
    );
    // The second pack: a 20-digit 码上放心 code, typed at scanner speed.
    scan(&input, "81234580000000000011").await;
    wait_attr(&c, "cart-line-trace", "data-count", "2").await;
    screenshot(&c, "checkout-trace-codes.png").await;

    // 医保 pays the whole 31.60.
    pay_by_insurance(&c, &input).await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    let settlement = wait_for(&c, "pay-settlement").await;
    settlement.send_keys("YB2026-000777").await.unwrap();
    press(&settlement, Key::Enter).await;
    // 医保 covers what is due: the settlement number completes the sale.
    wait_for(&c, "sale-done").await;
    assert_eq!(
        attr(&c, "sale-done-tender", "data-kind").await.as_deref(),
        Some("insurance")
    );
    assert_eq!(
        attr(&c, "sale-done-payable", "data-amount")
            .await
            .as_deref(),
        Some("31.60")
    );

    let receipt_no = attr(&c, "sale-done-receipt", "data-receipt-no")
        .await
        .expect("the done screen names the receipt");

    // One pack comes back (退货, Ctrl+2): a partial return names it by its code, which finds
    // its line and sets the quantity; the pack can then be sold again.
    next_sale(&c).await;
    chord(&wait_for(&c, "scan-input").await, Key::Control, '2').await;
    let receipt_input = wait_for(&c, "return-receipt-input").await;
    scan(&receipt_input, &receipt_no).await;
    wait_attr(&c, "return-sale", "data-receipt-no", &receipt_no).await;
    wait_count(&c, "return-line", 1).await;
    wait_for(&c, "return-pack-codes-hint").await;
    wait_focused(&c, "return-qty").await;
    let focused = c.active_element().await.unwrap();
    scan(&focused, "81234580000000000011").await;
    assert_eq!(
        wait_attr(&c, "return-pack-codes", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    let qty = wait_for(&c, "return-qty").await;
    assert_eq!(qty.prop("value").await.unwrap().as_deref(), Some("1"));
    press(&qty, Key::Enter).await;
    type_into_focus(&c, "1").await;
    wait_css(&c, "[data-testid='return-reason-damaged']:checked").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    wait_focused(&c, "return-approver-staff-no").await;
    fill_digits(&c, "return-approver-staff-no", "3001").await;
    fill_digits(&c, "return-approver-pin", "3333").await;
    press(&wait_for(&c, "return-approver-pin").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "return-done", "data-full", "false")
            .await
            .as_deref(),
        Some("false")
    );
    let return_no = attr(&c, "return-done", "data-receipt-no")
        .await
        .expect("the return has its receipt");
    press(&wait_for(&c, "return-next").await, Key::Enter).await;

    // The manager exports the day's codes for 医保 reporting: exactly the two packs sold, the
    // one brought back marked with its return.
    click(&c, "logout").await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-day").await;
    wait_attr(&c, "day-report", "data-state", "preview").await;
    click(&c, "day-trace-export").await;
    assert_eq!(
        wait_attr(&c, "day-trace-export-result", "data-count", "2")
            .await
            .as_deref(),
        Some("2")
    );
    let shown = text_of(&c, "day-trace-export-result").await;
    let path = shown.rsplit('：').next().unwrap().trim().to_owned();
    let csv = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(csv.contains("010693966806640721E2E0001"), "{csv}");
    let back = csv
        .lines()
        .find(|l| l.contains("81234580000000000011"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(back.contains(&return_no), "{back}");
    let kept = csv
        .lines()
        .find(|l| l.contains("010693966806640721E2E0001"))
        .unwrap();
    assert!(!kept.contains(&return_no), "{kept}");
    assert!(csv.contains("YB2026-000777"), "{csv}");
    c.close().await.unwrap();
}
