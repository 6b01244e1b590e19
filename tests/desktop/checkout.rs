//! Checkout and payment: a member sale with a coupon, points and a split payment, and its receipt.

use crate::pages::*;

#[test]
fn member_sale_with_coupon_points_and_split_payment_prints_a_receipt() {
    scenario(member_sale_with_coupon_points_and_split_payment);
}

async fn member_sale_with_coupon_points_and_split_payment() {
    let driver = start_driver();
    let c = connect(&driver).await;
    // The manager sells too, and may add points to the new member first.
    login(&c, "3001", "3333").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, GANMAOLING).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, GANMAOLING).await;
    assert_eq!(
        wait_attr(&c, "cart-line-qty", "data-quantity", "2")
            .await
            .as_deref(),
        Some("2")
    );
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 2).await;
    assert_eq!(
        wait_attr(&c, "cart-total", "data-amount", "35.10")
            .await
            .as_deref(),
        Some("35.10"),
        "15.80 × 2 + 3.50"
    );

    // F3: a new member, attached with the new-member coupon; no points yet.
    press(&input, Key::F3).await;
    register_in_form(&c, Some(MEMBER_PHONE), MEMBER_NAME).await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;
    wait_for(&c, "member-reg-created").await;
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    assert_eq!(
        wait_attr(&c, "points-max", "data-points", "0")
            .await
            .as_deref(),
        Some("0"),
        "a fresh member has no points to redeem"
    );
    // Member pricing per line: the rule is shown on each line.
    let rule = attr(&c, "cart-line-net", "data-rule")
        .await
        .unwrap_or_default();
    assert!(
        rule == "tier" || rule == "member_day",
        "a member's line is priced by tier or member day: {rule}"
    );

    // F6 → 积分: the manager adds 500 points; Esc back to the sale.
    press(&input, Key::F6).await;
    click(&c, "member-profile-tab-points").await;
    fill_digits(&c, "points-adjust-points", "500").await;
    fill(&c, "points-adjust-reason", "开业活动赠送").await;
    click(&c, "points-adjust-submit").await;
    wait_attr(&c, "points-row", "data-balance-after", "500").await;
    press(
        &wait_for(&c, "member-profile-tab-points").await,
        Key::Escape,
    )
    .await;
    wait_count(&c, "member-profile", 0).await;
    assert_eq!(
        wait_attr(&c, "member-panel-points", "data-points", "500")
            .await
            .as_deref(),
        Some("500")
    );

    // Alt+C: the new-member coupon (3.00, no minimum).
    alt(&input, 'c').await;
    assert_eq!(
        wait_attr(&c, "coupon-option", "data-selected", "true")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        wait_attr(&c, "discount-coupon", "data-amount", "3.00")
            .await
            .as_deref(),
        Some("3.00")
    );

    // Alt+P: the field offers the most this sale can take; Enter redeems it.
    assert_eq!(
        wait_attr(&c, "points-max", "data-points", "500")
            .await
            .as_deref(),
        Some("500"),
        "the balance is below half of the amount after the coupon"
    );
    alt(&input, 'p').await;
    let points = wait_for(&c, "points-input").await;
    assert_eq!(points.prop("value").await.unwrap().as_deref(), Some("500"));
    press(&points, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "points-used", "data-points", "500")
            .await
            .as_deref(),
        Some("500")
    );
    assert_eq!(
        wait_attr(&c, "discount-points", "data-amount", "5.00")
            .await
            .as_deref(),
        Some("5.00"),
        "100 points = 1.00"
    );
    let payable = attr(&c, "cart-payable", "data-amount")
        .await
        .unwrap_or_default();
    screenshot(&c, "checkout-cart.png").await;
    publish_screenshot("checkout-cart.png");
    // 普通 members pay the list price, except on a member day.
    let mut member_discount = 0;
    for kind in ["discount-tier", "discount-member_day"] {
        if count(&c, kind).await > 0 {
            member_discount += fen(&attr(&c, kind, "data-amount").await.unwrap_or_default());
        }
    }
    assert_eq!(
        fen(&payable),
        3510 - member_discount - 300 - 500,
        "subtotal − member discount − coupon − points"
    );

    // F9: 20.00 by WeChat (F2), the rest in cash with change.
    press(&input, Key::F9).await;
    let amount = wait_for(&c, "pay-amount").await;
    assert_eq!(
        attr(&c, "pay-due", "data-amount").await.as_deref(),
        Some(payable.as_str())
    );
    assert_eq!(
        amount.prop("value").await.unwrap().as_deref(),
        Some(payable.as_str()),
        "cash starts with what is due"
    );
    press(&amount, Key::F2).await;
    assert_eq!(
        wait_attr(&c, "pay-amount", "data-kind", "wechat")
            .await
            .as_deref(),
        Some("wechat")
    );
    fill_digits(&c, "pay-amount", "20").await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    wait_count(&c, "pay-tender", 1).await;
    let remaining = money(fen(&payable) - 2000);
    assert_eq!(
        wait_attr(&c, "pay-remaining", "data-amount", &remaining)
            .await
            .as_deref(),
        Some(remaining.as_str())
    );
    assert_eq!(
        wait_attr(&c, "pay-amount", "data-kind", "cash")
            .await
            .as_deref(),
        Some("cash")
    );
    fill_digits(&c, "pay-amount", "50").await;
    assert_eq!(
        wait_attr(
            &c,
            "pay-change",
            "data-amount",
            &money(5000 - fen(&remaining))
        )
        .await
        .as_deref(),
        Some(money(5000 - fen(&remaining)).as_str()),
        "the change shows before Enter"
    );
    screenshot(&c, "checkout-pay.png").await;
    publish_screenshot("checkout-pay.png");
    let amount = wait_for(&c, "pay-amount").await;
    press(&amount, Key::Enter).await;

    // Done: the change, the receipt number, the tenders and the points.
    let change = money(5000 - fen(&remaining));
    assert_eq!(
        wait_attr(&c, "sale-done-change", "data-amount", &change)
            .await
            .as_deref(),
        Some(change.as_str())
    );
    let receipt_no = attr(&c, "sale-done-receipt", "data-receipt-no")
        .await
        .unwrap_or_default();
    assert!(
        receipt_no.len() == 14 && receipt_no.bytes().all(|b| b.is_ascii_digit()),
        "a 14-digit receipt number: {receipt_no}"
    );
    wait_count(&c, "sale-done-tender", 2).await;
    assert_eq!(
        attr(&c, "sale-done-points", "data-used").await.as_deref(),
        Some("500")
    );
    let path = print_on_done_screen(&c).await;
    assert!(path.ends_with(".pdf"), "{path}");
    assert_receipt_pdf(&path, &receipt_no);
    screenshot(&c, "checkout-done.png").await;
    publish_screenshot("checkout-done.png");

    // F9 again is a reprint, saved as a copy.
    press(&wait_for(&c, "sale-done-next").await, Key::F9).await;
    assert_eq!(
        wait_attr(&c, "sale-done-print-result", "data-reprint", "true")
            .await
            .as_deref(),
        Some("true")
    );

    // Enter: the next sale starts empty, without the member.
    next_sale(&c).await;
    assert_eq!(
        wait_attr(&c, "member-panel", "data-state", "none")
            .await
            .as_deref(),
        Some("none")
    );

    // The member's purchases show the sale, at this store by name.
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    search.send_keys("zw\u{E007}").await.unwrap();
    wait_count(&c, "member-result", 1).await;
    press(&search, Key::Enter).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    press(&input, Key::F6).await;
    click(&c, "member-profile-tab-purchases").await;
    wait_count(&c, "purchase-row", 1).await;
    let store = "SH001 康宁大药房（演示店）";
    assert_eq!(wait_text(&c, "purchase-store", store).await, store);
    screenshot(&c, "member-purchases.png").await;
    c.close().await.unwrap();
}
