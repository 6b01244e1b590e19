//! Cart scenarios: scan, merge, quantities, removal logged, bad input refused, draft survives.

mod common;

use common::Till;
use pos_core::api::*;
use pos_core::db::Store;
use pos_core::ErrorCode;

const AMOXICILLIN: &str = "6907462053312"; // 12.80
const PARACETAMOL: &str = "6914624021096"; // 3.50

fn cashier() -> Till {
    let t = Till::demo();
    t.login("1001", "1111");
    t
}

#[test]
fn scanning_builds_lines_and_total() {
    let t = cashier();
    let cart = t.api.call(CartOpen {}).unwrap();
    let scan = |code: &str| {
        t.api
            .call(CartScan {
                cart_id: cart.id,
                barcode: code.into(),
                quantity: None,
            })
            .unwrap()
    };
    scan(AMOXICILLIN);
    scan(PARACETAMOL);
    let c = scan(AMOXICILLIN);
    assert_eq!(
        c.lines.len(),
        2,
        "the same product again raises its quantity"
    );
    assert_eq!(c.lines[0].quantity, 2);
    assert_eq!(c.lines[0].amount.to_string(), "25.60");
    assert_eq!(c.item_count, 3);
    assert_eq!(c.total.to_string(), "29.10");
    assert!(c.lines[0].rx);
}

#[test]
fn quantities_are_checked() {
    let t = cashier();
    let cart = t.api.call(CartOpen {}).unwrap();
    let c = t
        .api
        .call(CartScan {
            cart_id: cart.id,
            barcode: AMOXICILLIN.into(),
            quantity: Some(3),
        })
        .unwrap();
    let line = c.lines[0].id;
    for q in [0, -1, 1000, 10_000] {
        let e = t
            .api
            .call(CartSetQuantity {
                cart_id: cart.id,
                line_id: line,
                quantity: q,
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidQuantity, "{q}");
    }
    let e = t
        .api
        .call(CartScan {
            cart_id: cart.id,
            barcode: AMOXICILLIN.into(),
            quantity: Some(997),
        })
        .unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::InvalidQuantity,
        "merging may not pass 999"
    );
    let c = t
        .api
        .call(CartSetQuantity {
            cart_id: cart.id,
            line_id: line,
            quantity: 5,
        })
        .unwrap();
    assert_eq!(c.total.to_string(), "64.00");
    assert_eq!(t.api.call(CartGet { cart_id: cart.id }).unwrap(), c);
}

#[test]
fn removing_a_line_is_logged_with_who() {
    let t = cashier();
    let cart = t.api.call(CartOpen {}).unwrap();
    let c = t
        .api
        .call(CartScan {
            cart_id: cart.id,
            barcode: AMOXICILLIN.into(),
            quantity: None,
        })
        .unwrap();
    let c2 = t
        .api
        .call(CartRemoveLine {
            cart_id: cart.id,
            line_id: c.lines[0].id,
        })
        .unwrap();
    assert!(c2.lines.is_empty());
    assert_eq!(c2.total.to_string(), "0.00");
    assert_eq!(
        t.count("SELECT count(*) FROM cart_line l JOIN staff s ON s.id = l.removed_by WHERE s.staff_no = '1001'"),
        1
    );
    let e = t
        .api
        .call(CartRemoveLine {
            cart_id: cart.id,
            line_id: c.lines[0].id,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::CartLineNotFound);
}

#[test]
fn bad_barcodes_change_nothing() {
    let t = cashier();
    let cart = t.api.call(CartOpen {}).unwrap();
    for (code, want) in [
        ("6907462053313", ErrorCode::InvalidBarcode),
        ("12345", ErrorCode::InvalidBarcode),
        ("6900000000014", ErrorCode::ProductNotFound),
    ] {
        let e = t
            .api
            .call(CartScan {
                cart_id: cart.id,
                barcode: code.into(),
                quantity: None,
            })
            .unwrap_err();
        assert_eq!(e.code, want);
    }
    assert_eq!(t.count("SELECT count(*) FROM cart_line"), 0);
}

#[test]
fn the_draft_survives_a_restart() {
    let t = cashier();
    let cart = t.api.call(CartOpen {}).unwrap();
    t.api
        .call(CartScan {
            cart_id: cart.id,
            barcode: AMOXICILLIN.into(),
            quantity: None,
        })
        .unwrap();
    let path = t.api.store().path().to_owned();
    let reopened = Api::new(Store::open(&path, t.clock.clone()).unwrap());
    reopened
        .call(Login {
            staff_no: "1001".into(),
            pin: "1111".into(),
        })
        .unwrap();
    let again = reopened.call(CartOpen {}).unwrap();
    assert_eq!(
        again.id, cart.id,
        "the same cart id, so payment later is exactly once"
    );
    assert_eq!(again.lines.len(), 1);
}

#[test]
fn unknown_carts_and_logins_are_refused() {
    let t = Till::demo();
    let id = pos_core::ids::SaleId::new(&*t.clock);
    let e = t.api.call(CartGet { cart_id: id }).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotLoggedIn);
    t.login("1001", "1111");
    assert_eq!(
        t.api.call(CartGet { cart_id: id }).unwrap_err().code,
        ErrorCode::CartNotFound
    );
}
