//! A till whose file is lost is rebuilt from headquarters with every synced sale, return,
//! member and ledger back; only the unsynced tail is gone.

use pos_core::api::{Login, RestoreRequest, ReturnGet, SaleGet};
use pos_core::ErrorCode;
use pos_system_tests::{Hq, Till, GANMAOLING, PARACETAMOL};

/// What a till's records say, row by row (ids, receipt numbers, money, members).
fn records(t: &Till) -> Vec<String> {
    let mut out = t.texts(
        "SELECT concat_ws('|', id, receipt_no, business_date, cashier_id, member_id, member_tier,
                payable_fen, tendered_fen, change_fen, coupon_id, points_used, points_earned,
                points_balance_after, line_count, pricing)
         FROM sale ORDER BY id",
    );
    out.extend(t.texts(
        "SELECT concat_ws('|', id, sale_id, position, product_id, name, unit, batch_no,
                unit_price_fen, quantity, list_fen, rule, rate, net_fen, final_net_fen, guidance)
         FROM sale_line ORDER BY id",
    ));
    out.extend(t.texts(
        "SELECT concat_ws('|', sale_id, position, kind, amount_fen) FROM sale_payment
         ORDER BY sale_id, position",
    ));
    out.extend(t.texts(
        "SELECT concat_ws('|', id, receipt_no, sale_id, refund_fen, reason_code, points_taken_back,
                points_given_back, full) FROM sale_return ORDER BY id",
    ));
    out.extend(t.texts(
        "SELECT concat_ws('|', return_id, sale_line_id, quantity, refund_fen) FROM return_line
         ORDER BY return_id, sale_line_id",
    ));
    out.extend(t.texts(
        "SELECT concat_ws('|', id, card_no, phone, name, tier, store_id) FROM member ORDER BY id",
    ));
    out.extend(t.texts(
        "SELECT concat_ws('|', id, member_id, kind, points, expires_on, sale_id) FROM points_entry
         ORDER BY id",
    ));
    out.extend(
        t.texts("SELECT concat_ws('|', id, member_id, kind, face_fen) FROM coupon ORDER BY id"),
    );
    out.extend(
        t.texts("SELECT concat_ws('|', id, member_id, net_fen) FROM member_spend ORDER BY id"),
    );
    out.extend(
        t.texts("SELECT concat_ws('|', id, staff_no, name, is_manager) FROM staff ORDER BY id"),
    );
    out.extend(
        t.texts("SELECT concat_ws('|', name, address, phone, licence_no) FROM pharmacy_settings"),
    );
    out
}

#[test]
fn a_lost_till_is_rebuilt_from_headquarters_with_every_synced_sale() {
    let hq = Hq::start();
    let a = Till::demo();
    let token = hq.connect(&a);
    let m1 = a.register("13800136001", "潘悦");
    let m2 = a.register("13800136002", "秦川");
    let s1 = a.sell(Some(m1), GANMAOLING, 3, 0);
    a.sell(None, PARACETAMOL, 2, 0);
    let s3 = a.sell(Some(m2), GANMAOLING, 1, 0);
    a.sell(Some(m1), PARACETAMOL, 1, 0);
    let ret = a.return_all(&s3);
    a.sync().unwrap();
    let synced = records(&a);
    let catalog =
        a.texts("SELECT concat_ws('|', barcode, name, price_fen, rx, guidance) FROM product ORDER BY barcode");
    let sale_view = a.api.call(SaleGet { sale_id: s1.id }).unwrap();
    let return_view = a.api.call(ReturnGet { return_id: ret.id }).unwrap();
    // The unsynced tail: one more sale after the last sync.
    let tail = a.sell(Some(m1), GANMAOLING, 1, 0);
    assert!(a.unsynced() > 0);
    drop(a); // the disk dies

    let r = Till::empty();
    let report = r
        .api
        .call(RestoreRequest {
            hq_url: hq.base_url.clone(),
            token: token.clone(),
            manager_staff_no: "3001".into(),
            manager_pin: "5678".into(),
        })
        .unwrap();
    assert_eq!((report.sales, report.returns, report.members), (4, 1, 2));
    assert_eq!(records(&r), synced, "every synced record is back as it was");
    // The screens read the restored sale and return exactly as the lost till did.
    r.api
        .call(Login {
            staff_no: "3001".into(),
            pin: "5678".into(),
        })
        .expect("the manager logs in with the new PIN");
    assert_eq!(r.api.call(SaleGet { sale_id: s1.id }).unwrap(), sale_view);
    assert_eq!(
        r.api.call(ReturnGet { return_id: ret.id }).unwrap(),
        return_view
    );
    assert!(
        r.api.call(SaleGet { sale_id: tail.id }).is_err(),
        "the unsynced tail is gone"
    );
    // Other staff come back without a usable PIN.
    let e = r
        .api
        .call(Login {
            staff_no: "1001".into(),
            pin: "1111".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPin);
    // The store's catalog came back too (its own products, prices and their history), nothing
    // restored waits to be sent again, and the rebuilt till sells and syncs as a new device.
    assert_eq!(r.number("SELECT count(*) FROM product"), 246);
    assert_eq!(
        r.texts("SELECT concat_ws('|', barcode, name, price_fen, rx, guidance) FROM product ORDER BY barcode"),
        catalog
    );
    assert_eq!(r.unsynced(), 0);
    let next = r.sell(Some(m1), PARACETAMOL, 1, 0);
    assert!(
        next.receipt_no > s1.receipt_no,
        "receipt numbers go on: {} after {}",
        next.receipt_no,
        s1.receipt_no
    );
    r.sync().unwrap();
    assert_eq!(r.unsynced(), 0);
    assert_eq!(hq.number("SELECT count(*) FROM sale"), 5);

    // A second restore over a till with records of its own is refused.
    let e = r
        .api
        .call(RestoreRequest {
            hq_url: hq.base_url.clone(),
            token,
            manager_staff_no: "3001".into(),
            manager_pin: "5678".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::RestoreNotEmpty);
}
