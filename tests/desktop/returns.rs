//! Returns: a sale returned with a reason and the manager's approval; the journal finds a sale by
//! its scanned receipt, reprints it and starts its return.

use std::time::{Duration, Instant};

use crate::pages::*;

#[test]
fn a_sale_is_returned_with_a_quality_reason_and_manager_approval() {
    scenario(return_a_sale);
}

async fn return_a_sale() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, GANMAOLING).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 2).await;
    // Enter on the empty scan box pays; Enter again takes the exact amount in cash.
    press(&input, Key::Enter).await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    let receipt_no = attr(&c, "sale-done-receipt", "data-receipt-no")
        .await
        .unwrap_or_default();
    assert_eq!(
        attr(&c, "sale-done-payable", "data-amount")
            .await
            .as_deref(),
        Some("19.30")
    );
    next_sale(&c).await;

    // 退货 (Ctrl+2, the cashier's second tab): scan the receipt's code.
    chord(&wait_for(&c, "scan-input").await, Key::Control, '2').await;
    assert_eq!(
        wait_attr(&c, "tab-returns", "aria-current", "page")
            .await
            .as_deref(),
        Some("page")
    );
    let receipt_input = wait_for(&c, "return-receipt-input").await;
    scan(&receipt_input, &receipt_no).await;
    assert_eq!(
        wait_attr(&c, "return-sale", "data-receipt-no", &receipt_no)
            .await
            .as_deref(),
        Some(receipt_no.as_str())
    );
    wait_count(&c, "return-line", 2).await;
    let qty = c
        .find(Locator::Css(&format!(
            "[data-testid='return-line'][data-barcode='{PARACETAMOL}'] [data-testid='return-qty']"
        )))
        .await
        .unwrap();
    // 1 ⏎ → the reason: 1 = 包装破损 ⏎ → the manager's staff number and PIN ⏎.
    qty.send_keys(&format!("1{}", char::from(Key::Enter)))
        .await
        .unwrap();
    // Before anyone approves, the screen shows what this return refunds and where to.
    assert_eq!(
        wait_attr(&c, "return-preview", "data-refund", "3.50")
            .await
            .as_deref(),
        Some("3.50")
    );
    assert_eq!(
        attr(&c, "return-preview-tender", "data-kind")
            .await
            .as_deref(),
        Some("cash")
    );
    type_into_focus(&c, "1").await;
    let damaged = wait_for(&c, "return-reason-damaged").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while damaged.prop("checked").await.unwrap().as_deref() != Some("true") {
        assert!(Instant::now() < deadline, "reason 1 was not picked");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        c.active_element()
            .await
            .unwrap()
            .attr("data-testid")
            .await
            .unwrap()
            .as_deref(),
        Some("return-approver-staff-no"),
        "Enter after the reason goes to the manager's staff number"
    );
    fill_digits(&c, "return-approver-staff-no", "3001").await;
    fill_digits(&c, "return-approver-pin", "3333").await;
    screenshot(&c, "return.png").await;
    publish_screenshot("return.png");
    press(&wait_for(&c, "return-approver-pin").await, Key::Enter).await;

    // The refund goes back to the cash paid; the return has its own receipt.
    assert_eq!(
        wait_attr(&c, "return-refund", "data-amount", "3.50")
            .await
            .as_deref(),
        Some("3.50")
    );
    assert_eq!(
        attr(&c, "return-refund-tender", "data-kind")
            .await
            .as_deref(),
        Some("cash")
    );
    assert_eq!(
        attr(&c, "return-refund-tender", "data-amount")
            .await
            .as_deref(),
        Some("3.50")
    );
    let return_no = attr(&c, "return-done", "data-receipt-no")
        .await
        .unwrap_or_default();
    assert!(
        return_no.len() == 14 && return_no != receipt_no,
        "{return_no}"
    );
    click(&c, "return-print-button").await;
    let path = attr(&c, "return-print-result", "data-path")
        .await
        .unwrap_or_default();
    assert_receipt_pdf(&path, &return_no);
    screenshot(&c, "return-done.png").await;
    publish_screenshot("return-done.png");

    // Enter: the next return. A return's own receipt cannot be returned.
    press(&wait_for(&c, "return-next").await, Key::Enter).await;
    wait_count(&c, "return-done", 0).await;
    let receipt_input = wait_for(&c, "return-receipt-input").await;
    scan(&receipt_input, &return_no).await;
    assert_eq!(
        wait_attr(&c, "return-find-error", "data-code", "RETURN_OF_RETURN")
            .await
            .as_deref(),
        Some("RETURN_OF_RETURN")
    );
    // The original again: the paracetamol is gone, the rest can still be returned.
    scan(&receipt_input, &receipt_no).await;
    wait_count(&c, "return-line", 2).await;
    let left = c
        .find(Locator::Css(&format!(
            "[data-testid='return-line'][data-barcode='{PARACETAMOL}']"
        )))
        .await
        .unwrap()
        .attr("data-returnable")
        .await
        .unwrap();
    assert_eq!(left.as_deref(), Some("0"));
    wait_for(&c, "return-earlier").await;
    c.close().await.unwrap();
}

#[test]
fn the_journal_finds_a_sale_by_its_scanned_receipt_reprints_it_and_starts_its_return() {
    scenario(journal_reprint_and_return);
}

async fn journal_reprint_and_return() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;

    // Two sales; the first one's receipt is printed at the till (the original).
    let receipt_no = pay_cash_keep_done(&c, &[PARACETAMOL, GANMAOLING]).await;
    let original = print_on_done_screen(&c).await;
    assert!(
        original.ends_with(&format!("{receipt_no}.pdf")),
        "{original}"
    );
    next_sale(&c).await;
    sell_for_cash(&c, &[PARACETAMOL]).await;

    // 作废 (Alt+X): the reason is asked first (2 扫错商品), then a fresh sale starts.
    let input = wait_for(&c, "scan-input").await;
    scan(&input, CONTAC).await;
    wait_count(&c, "cart-line", 1).await;
    alt(&input, 'x').await;
    wait_for(&c, "cancel-dialog").await;
    assert_eq!(
        wait_focused(&c, "cancel-choice-1").await.as_deref(),
        Some("cancel-choice-1")
    );
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    let asked = wait_attr(&c, "cancel-error", "data-code", "REASON_REQUIRED").await;
    assert_eq!(
        asked.as_deref(),
        Some("REASON_REQUIRED"),
        "no reason: asked"
    );
    screenshot(&c, "cancel.png").await;
    type_into_focus(&c, &format!("2{}", char::from(Key::Enter))).await;
    wait_count(&c, "cancel-dialog", 0).await;
    wait_for(&c, "cart-empty").await;
    let notice = text_of(&c, "scan-notice").await;
    assert!(notice.contains("作废"), "{notice}");

    // 销售流水 (Ctrl+4 for a cashier): today's business day, newest first, focus in the filters.
    chord(&wait_for(&c, "scan-input").await, Key::Control, '4').await;
    wait_for(&c, "journal").await;
    assert_eq!(
        wait_focused(&c, "journal-from").await.as_deref(),
        Some("journal-from")
    );
    assert_eq!(
        wait_attr(&c, "journal-table", "data-count", "3")
            .await
            .as_deref(),
        Some("3")
    );
    assert_eq!(
        attr(&c, "journal-row", "data-kind").await.as_deref(),
        Some("cancelled"),
        "the cancelled sale is the newest row"
    );
    let why = text_of(&c, "journal-row-reason").await;
    assert!(why.contains("扫错商品"), "{why}");
    let today = wait_for(&c, "journal-from")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(today.len(), 10, "today's business date: {today:?}");
    assert!(
        receipt_no.starts_with(&today.replace('-', "")),
        "{today} {receipt_no}"
    );

    // The receipt scanned into the receipt field (on a busy machine WebDriver's keys can come
    // too slowly for a scan; typed there they find it all the same): that sale alone, whatever
    // the dates, opened with its lines.
    scan(&wait_for(&c, "journal-receipt").await, &receipt_no).await;
    assert_eq!(
        wait_attr(&c, "journal-detail", "data-receipt-no", &receipt_no)
            .await
            .as_deref(),
        Some(receipt_no.as_str())
    );
    wait_count(&c, "journal-row", 1).await;
    wait_count(&c, "journal-detail-line", 2).await;
    assert_eq!(
        wait_for(&c, "journal-receipt")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(receipt_no.as_str())
    );

    // F9 reprints: the core marks the copy 重印 and saves it beside the original.
    press(&wait_for(&c, "journal-receipt").await, Key::F9).await;
    assert_eq!(
        wait_attr(&c, "journal-print-result", "data-reprint", "true")
            .await
            .as_deref(),
        Some("true")
    );
    let copy = attr(&c, "journal-print-result", "data-path")
        .await
        .unwrap_or_default();
    assert!(
        copy.ends_with(&format!("{receipt_no}-copy1.pdf")),
        "the reprint is saved as a copy: {copy}"
    );
    assert_receipt_pdf(&copy, &receipt_no);
    let shown = text_of(&c, "journal-print-result").await;
    assert!(shown.contains("重印"), "{shown}");

    // Clearing the receipt lists the day again; the opened sale stays open.
    let keys = format!(
        "{}{}{}",
        char::from(Key::End),
        char::from(Key::Backspace)
            .to_string()
            .repeat(receipt_no.len()),
        char::from(Key::Enter)
    );
    wait_for(&c, "journal-receipt")
        .await
        .send_keys(&keys)
        .await
        .unwrap();
    wait_count(&c, "journal-row", 3).await;
    wait_for(&c, "journal-detail").await;
    screenshot(&c, "journal.png").await;
    publish_screenshot("journal.png");

    // F10 starts its return on the 退货 screen, the sale already found.
    press(&wait_for(&c, "journal-receipt").await, Key::F10).await;
    assert_eq!(
        wait_attr(&c, "return-sale", "data-receipt-no", &receipt_no)
            .await
            .as_deref(),
        Some(receipt_no.as_str())
    );
    assert_eq!(
        wait_attr(&c, "tab-returns", "aria-current", "page")
            .await
            .as_deref(),
        Some("page")
    );
    c.close().await.unwrap();
}
