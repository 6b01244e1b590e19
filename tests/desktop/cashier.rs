//! The cashier at the scan box: barcodes at scanner speed become sale lines.

use crate::pages::*;

#[test]
fn cashier_scans_two_barcodes_at_scanner_speed() {
    scenario(cashier_scans_two_barcodes);
}

async fn cashier_scans_two_barcodes() {
    let driver = start_driver();
    let c = connect(&driver).await;
    wait_for(&c, "login-demo").await;
    screenshot(&c, "login.png").await;
    login(&c, "1001", "1111").await;

    let input = wait_for(&c, "scan-input").await;
    scan(&input, AMOXICILLIN).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 2).await;
    scan(&input, AMOXICILLIN).await;
    let total = wait_attr(&c, "cart-total", "data-amount", "29.10").await;
    screenshot(&c, "cashier.png").await;
    assert_eq!(total.as_deref(), Some("29.10"), "12.80 × 2 + 3.50");
    let lines = c
        .find_all(Locator::Css("[data-testid='cart-line']"))
        .await
        .unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0].attr("data-barcode").await.unwrap().as_deref(),
        Some(AMOXICILLIN)
    );
    let first = lines[0]
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(first.contains("阿莫西林"), "first line reads {first:?}");
    assert_eq!(
        lines[1].attr("data-barcode").await.unwrap().as_deref(),
        Some(PARACETAMOL)
    );
    let qty = lines[0]
        .find(Locator::Css("[data-testid='cart-line-qty']"))
        .await
        .unwrap()
        .attr("data-quantity")
        .await
        .unwrap();
    assert_eq!(qty.as_deref(), Some("2"));
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some(""),
        "nothing left in the input"
    );
    c.close().await.unwrap();
}
