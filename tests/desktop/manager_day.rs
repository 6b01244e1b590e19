//! The manager's day: a cashier's shift with a blind count, then the day close.

use crate::pages::*;

#[test]
fn cashier_closes_a_shift_with_a_blind_count_and_the_manager_closes_the_day() {
    scenario(shift_and_day_close);
}

async fn shift_and_day_close() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;

    // 未开班 in the top bar; 开班 offers a float of 500 in a focused field, Enter opens the shift.
    assert_eq!(
        wait_attr(&c, "shift-status", "data-state", "none")
            .await
            .as_deref(),
        Some("none")
    );
    click(&c, "shift-open-button").await;
    assert_eq!(
        wait_focused(&c, "shift-open-float").await.as_deref(),
        Some("shift-open-float")
    );
    let float = wait_for(&c, "shift-open-float").await;
    assert_eq!(float.prop("value").await.unwrap().as_deref(), Some("500"));
    press(&float, Key::Enter).await;
    wait_count(&c, "shift-open-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "shift-status", "data-state", "open")
            .await
            .as_deref(),
        Some("open")
    );
    let status = text_of(&c, "shift-status").await;
    assert!(status.contains("开班"), "{status}");

    // Three sales paid in cash.
    let mut sales_fen = 0;
    for basket in [
        &[GANMAOLING, PARACETAMOL][..],
        &[PARACETAMOL],
        &[GANMAOLING, GANMAOLING],
    ] {
        sales_fen += fen(&sell_for_cash(&c, basket).await);
    }
    assert_eq!(sales_fen, 1930 + 350 + 3160, "list prices, no member");

    // A bank drop of 100 during the shift: F2 取出, amount ⏎ reason ⏎.
    click(&c, "shift-cash-button").await;
    let amount = wait_for(&c, "cash-move-amount").await;
    assert_eq!(
        wait_focused(&c, "cash-move-amount").await.as_deref(),
        Some("cash-move-amount")
    );
    press(&amount, Key::F2).await;
    assert_eq!(
        wait_attr(&c, "cash-move-dialog", "data-direction", "out")
            .await
            .as_deref(),
        Some("out")
    );
    fill_digits(&c, "cash-move-amount", "100").await;
    press(&wait_for(&c, "cash-move-amount").await, Key::Enter).await;
    wait_focused(&c, "cash-move-reason").await;
    type_into_focus(&c, &format!("存银行{}", char::from(Key::Enter))).await;
    let done = wait_text(&c, "cash-move-done", "已取出").await;
    assert!(done.contains("100.00"), "{done}");
    press(&wait_for(&c, "cash-move-amount").await, Key::Escape).await;
    wait_count(&c, "cash-move-dialog", 0).await;

    // 交班: the blind count. 454.30 in the drawer against 500 + sales − 100 expected: 0.10 short.
    let expected = money(50_000 + sales_fen - 10_000);
    click(&c, "shift-close-button").await;
    assert_eq!(
        wait_focused(&c, "count-100").await.as_deref(),
        Some("count-100")
    );
    fill_digits(&c, "count-100", "4").await;
    press(&wait_for(&c, "count-100").await, Key::Enter).await;
    assert_eq!(
        wait_focused(&c, "count-50").await.as_deref(),
        Some("count-50"),
        "Enter moves to the next denomination"
    );
    fill_digits(&c, "count-50", "1").await;
    fill_digits(&c, "count-1", "4").await;
    fill_digits(&c, "count-0.10", "3").await;
    assert_eq!(
        wait_attr(&c, "count-total", "data-amount", "454.30")
            .await
            .as_deref(),
        Some("454.30"),
        "the running total counted"
    );
    let sheet = text_of(&c, "shift-close-dialog").await;
    assert!(
        !sheet.contains(&expected),
        "the expected cash ({expected}) is not shown before the count is in: {sheet}"
    );
    assert_eq!(count(&c, "shift-slip").await, 0);
    screenshot(&c, "shift-count.png").await;
    chord(
        &wait_for(&c, "count-0.10").await,
        Key::Control,
        char::from(Key::Enter),
    )
    .await;

    // The handover slip: now the expected cash, the count and the shortfall, in red.
    wait_for(&c, "shift-slip").await;
    assert_eq!(
        attr(&c, "slip-sales", "data-count").await.as_deref(),
        Some("3")
    );
    assert_eq!(
        attr(&c, "slip-sales", "data-amount").await,
        Some(money(sales_fen))
    );
    assert_eq!(
        attr(&c, "slip-expected", "data-amount").await,
        Some(expected.clone())
    );
    assert_eq!(
        attr(&c, "slip-counted", "data-amount").await.as_deref(),
        Some("454.30")
    );
    assert_eq!(
        attr(&c, "slip-cash-out", "data-amount").await.as_deref(),
        Some("100.00")
    );
    assert_eq!(
        attr(&c, "slip-over-short", "data-amount").await.as_deref(),
        Some("-0.10")
    );
    assert_eq!(
        attr(&c, "slip-over-short", "data-state").await.as_deref(),
        Some("short")
    );
    let verdict = text_of(&c, "slip-over-short").await;
    assert!(verdict.contains("短款 ¥0.10"), "{verdict}");
    screenshot(&c, "shift-slip.png").await;
    publish_screenshot("shift-slip.png");
    press(&wait_for(&c, "slip-done").await, Key::Enter).await;
    wait_count(&c, "slip-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "shift-status", "data-state", "none")
            .await
            .as_deref(),
        Some("none")
    );

    // The manager's day close: the preview shows the day's sales as the till made them.
    click(&c, "logout").await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-day").await;
    assert_eq!(
        wait_attr(&c, "day-report", "data-state", "preview")
            .await
            .as_deref(),
        Some("preview")
    );
    assert_eq!(
        wait_attr(&c, "day-sales-count", "data-count", "3")
            .await
            .as_deref(),
        Some("3")
    );
    assert_eq!(
        attr(&c, "day-sales-amount", "data-amount").await,
        Some(money(sales_fen))
    );
    assert_eq!(
        attr(&c, "day-cash-counted", "data-amount").await.as_deref(),
        Some("454.30")
    );
    let date = attr(&c, "day-report", "data-date")
        .await
        .unwrap_or_default();

    // A shift still open stops the close, in Chinese; 去交班 counts it (an empty drawer: asked
    // once more), then the day closes as 第 1 号.
    click(&c, "shift-open-button").await;
    fill_digits(&c, "shift-open-float", "0").await;
    press(&wait_for(&c, "shift-open-float").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "shift-status", "data-state", "open")
            .await
            .as_deref(),
        Some("open")
    );
    click(&c, "day-close-button").await;
    let confirm = wait_text(&c, "day-close-confirm-date", &date).await;
    assert!(
        confirm.contains(&date),
        "the confirmation names the date: {confirm}"
    );
    wait_focused(&c, "day-close-confirm-submit").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_attr(&c, "day-error", "data-code", "SHIFT_STILL_OPEN")
            .await
            .as_deref(),
        Some("SHIFT_STILL_OPEN")
    );
    let message = text_of(&c, "day-error").await;
    assert!(message.contains("还没有交班"), "{message}");
    click(&c, "day-to-shift").await;
    let first = wait_for(&c, "count-100").await;
    chord(&first, Key::Control, char::from(Key::Enter)).await;
    wait_for(&c, "count-zero").await;
    chord(
        &wait_for(&c, "count-submit").await,
        Key::Control,
        char::from(Key::Enter),
    )
    .await;
    assert_eq!(
        wait_attr(&c, "slip-over-short", "data-state", "even")
            .await
            .as_deref(),
        Some("even")
    );
    press(&wait_for(&c, "slip-done").await, Key::Enter).await;
    wait_count(&c, "slip-dialog", 0).await;
    wait_count(&c, "day-shift", 2).await;

    click(&c, "day-close-button").await;
    wait_focused(&c, "day-close-confirm-submit").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_attr(&c, "day-report", "data-state", "signed")
            .await
            .as_deref(),
        Some("signed")
    );
    assert_eq!(
        attr(&c, "day-number", "data-number").await.as_deref(),
        Some("1")
    );
    assert_eq!(text_of(&c, "day-number").await, "第 1 号");
    assert_eq!(
        attr(&c, "day-sales-count", "data-count").await.as_deref(),
        Some("3")
    );
    assert_eq!(
        attr(&c, "day-sales-amount", "data-amount").await,
        Some(money(sales_fen))
    );
    let closed_by = text_of(&c, "day-closed-by").await;
    assert!(!closed_by.is_empty(), "the report names who closed the day");
    assert_eq!(
        attr(&c, "day-hash", "data-hash").await.map(|h| h.len()),
        Some(64),
        "the sealed audit hash"
    );
    wait_count(&c, "day-closed-row", 1).await;
    assert_eq!(
        attr(&c, "day-closed-row", "data-date").await,
        Some(date.clone())
    );
    screenshot(&c, "day-close.png").await;
    publish_screenshot("day-close.png");

    // The next business day starts empty; the closed day reopens as signed, for a reprint.
    click(&c, "day-current").await;
    assert_eq!(
        wait_attr(&c, "day-report", "data-state", "preview")
            .await
            .as_deref(),
        Some("preview")
    );
    assert_eq!(
        wait_attr(&c, "day-sales-count", "data-count", "0")
            .await
            .as_deref(),
        Some("0")
    );
    click(&c, "day-closed-row").await;
    assert_eq!(
        wait_attr(&c, "day-report", "data-number", "1")
            .await
            .as_deref(),
        Some("1")
    );

    // 审计日志: the close is the newest entry, and the chain checks out whole.
    click(&c, "tab-audit").await;
    assert_eq!(
        wait_attr(&c, "audit-row", "data-action", "day.close")
            .await
            .as_deref(),
        Some("day.close")
    );
    click(&c, "audit-verify").await;
    assert_eq!(
        wait_attr(&c, "audit-verify-result", "data-state", "ok")
            .await
            .as_deref(),
        Some("ok")
    );
    let verdict = text_of(&c, "audit-verify-result").await;
    assert!(verdict.contains("完整"), "{verdict}");
    screenshot(&c, "audit-log.png").await;
    c.close().await.unwrap();
}
