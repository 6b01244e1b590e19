//! Checkout scenarios on a real store file through the API, as the counter does them: member
//! pricing, coupon, points, split tenders, the pharmacy gates (Rx, ephedrine, allergy), the
//! atomic commit (one sale per cart, whatever is retried), returns, and bad input refused with
//! nothing recorded.

mod common;

use common::counter::*;
use pos_core::api::*;
use pos_core::cart::PrescriptionInput;
use pos_core::ids::SaleId;
use pos_core::member::health::HealthKind;
use pos_core::pricing::{LineRule, TenderKind};
use pos_core::sale::returns::ReturnReason;
use pos_core::{ErrorCode, Money};

#[test]
fn a_non_member_sale_with_cash_and_change() {
    let t = cashier();
    let c = t.cart();
    t.scan(&c, PARACETAMOL, 2).unwrap();
    let c = t.scan(&c, GANMAOLING, 1).unwrap();
    assert_eq!(c.pricing.payable.to_string(), "22.80");
    assert!(c.gates.blocked.is_empty());
    let s = t.pay(&c, vec![cash("50")]).unwrap();
    assert_eq!(s.id, c.id, "the cart id is the sale id");
    assert_eq!(
        (s.payable.to_string(), s.change.to_string()),
        ("22.80".into(), "27.20".into())
    );
    assert_eq!(s.receipt_no, "20261123010001");
    assert_eq!(s.points_earned, 0);
    // The next cart is a new one, with the next receipt number.
    let c2 = t.cart();
    assert_ne!(c2.id, c.id);
    t.scan(&c2, PARACETAMOL, 1).unwrap();
    assert_eq!(
        t.pay(&c2, vec![cash("3.50")]).unwrap().receipt_no,
        "20261123010002"
    );
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'sale.committed@1'"),
        2
    );
}

#[test]
fn a_member_sale_with_coupon_points_and_split_payment() {
    let t = cashier();
    let member = t.member("13912345678", "张伟"); // new-member coupon 3.00, no minimum
    t.give_points(member, 1000);
    let c = t.cart();
    t.scan(&c, GANMAOLING, 2).unwrap(); // 31.60
    t.scan(&c, PIANZAIHUANG, 1).unwrap(); // 590.00, not discountable, no points
    let c = t.attach(&c, member);
    let coupon = c.member.as_ref().unwrap().coupons[0].id;
    let c = t
        .api
        .call(CartSetCoupon {
            cart_id: c.id,
            coupon_id: Some(coupon),
        })
        .unwrap();
    let c = t
        .api
        .call(CartSetPoints {
            cart_id: c.id,
            points: 1000,
        })
        .unwrap();
    let p = &c.pricing;
    // 普通 tier: rate 1.00. Coupon 3.00 on the 31.60 eligible; 618.60 left; 1000 points = 10.00.
    assert_eq!(p.lines[0].rule, LineRule::Tier);
    assert_eq!(p.discounts.coupon.to_string(), "3.00");
    assert_eq!(p.points_used, 1000);
    assert_eq!(p.payable.to_string(), "608.60");
    let s = t
        .pay(
            &c,
            vec![tender(TenderKind::Wechat, "500.00"), cash("110.00")],
        )
        .unwrap();
    assert_eq!(s.change.to_string(), "1.40");
    // Points earned: the points-eligible final net (感冒灵 after its coupon and points shares).
    let eligible: Money = s
        .lines
        .iter()
        .filter(|l| l.points_eligible)
        .map(|l| l.final_net)
        .sum();
    assert_eq!(
        s.points_earned,
        eligible
            .decimal()
            .floor()
            .to_string()
            .parse::<i64>()
            .unwrap()
    );
    assert_eq!(
        s.points_balance,
        Some(s.points_earned),
        "1000 − 1000 redeemed + earned"
    );
    let member_now = t.api.call(MemberGet { member_id: member }).unwrap().summary;
    assert!(member_now.coupons.is_empty(), "the coupon is used");
    assert_eq!(member_now.points_balance, s.points_earned);
    // Spend 608.60 in the window: still 普通.
    assert_eq!(t.count("SELECT net_fen FROM member_spend"), 60_860);
}

#[test]
fn the_sale_that_crosses_a_threshold_is_priced_at_the_old_tier() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    let c = t.cart();
    t.scan(&c, GANMAOLING, 70).unwrap(); // 1 106.00
    let c = t.attach(&c, member);
    assert_eq!(
        c.pricing.payable.to_string(),
        "1106.00",
        "普通: no discount"
    );
    t.pay(&c, vec![cash("1106")]).unwrap();
    let s = t.api.call(MemberGet { member_id: member }).unwrap().summary;
    assert_eq!(s.tier, pos_core::rules::Tier::Silver);
    // The next sale gets 银卡's 0.98.
    let c = t.cart();
    t.scan(&c, GANMAOLING, 1).unwrap();
    let c = t.attach(&c, member);
    assert_eq!(c.pricing.payable.to_string(), "15.48");
}

#[test]
fn paying_twice_records_one_sale() {
    let t = cashier();
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    t.pay(&c, vec![cash("5")]).unwrap();
    let before = t.facts();
    let e = t.pay(&c, vec![cash("5")]).unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyPaid);
    assert_eq!(t.facts(), before, "nothing recorded");
    // Changing a paid cart is refused the same way.
    let e = t.scan(&c, PARACETAMOL, 1).unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyPaid);
}

#[test]
fn bad_input_is_refused_and_nothing_is_recorded() {
    let t = cashier();
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    let before = t.facts();
    let line = c.lines[0].id;
    for q in [0, -1, 1000, 10_000] {
        let e = t
            .api
            .call(CartSetQuantity {
                cart_id: c.id,
                line_id: line,
                quantity: q,
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidQuantity, "{q}");
    }
    // Tender less than due; more than due in non-cash; an amount that is no amount.
    assert_eq!(
        t.pay(&c, vec![cash("3.49")]).unwrap_err().code,
        ErrorCode::TenderShort
    );
    assert_eq!(
        t.pay(&c, vec![tender(TenderKind::Card, "4.00")])
            .unwrap_err()
            .code,
        ErrorCode::InvalidTender
    );
    let overflow = t.api.dispatch(
        "sale_pay",
        serde_json::json!({ "cart_id": c.id, "tenders": [{ "kind": "cash", "amount": "999999999999.99" }] }),
        &|_| {},
    );
    assert_eq!(overflow.unwrap_err().code, ErrorCode::InvalidAmount);
    let negative = t.api.dispatch(
        "sale_pay",
        serde_json::json!({ "cart_id": c.id, "tenders": [{ "kind": "cash", "amount": "-5" }] }),
        &|_| {},
    );
    assert_eq!(negative.unwrap_err().code, ErrorCode::InvalidAmount);
    // 医保 beyond what insurance-listed lines cost.
    assert_eq!(
        t.pay(&c, vec![tender(TenderKind::Insurance, "3.51")])
            .unwrap_err()
            .code,
        ErrorCode::InsuranceOverCap
    );
    assert_eq!(t.facts(), before, "nothing recorded");
    // An empty cart cannot be paid.
    let c2 = t
        .api
        .call(CartRemoveLine {
            cart_id: c.id,
            line_id: line,
        })
        .unwrap();
    assert_eq!(
        t.pay(&c2, vec![cash("1")]).unwrap_err().code,
        ErrorCode::EmptyCart
    );
}

#[test]
fn an_rx_sale_needs_a_prescription_and_a_pharmacists_own_pin() {
    let t = cashier();
    let c = t.cart();
    let c = t.scan(&c, AMOXICILLIN, 1).unwrap();
    assert!(c.gates.rx_required);
    // The catalog's guidance is offered to the pharmacist with the line.
    assert!(c.lines[0].default_guidance.contains("青霉素过敏者禁用"));
    let before = t.facts();
    assert_eq!(
        t.pay(&c, vec![cash("20")]).unwrap_err().code,
        ErrorCode::PrescriptionRequired
    );
    let e = t
        .api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: pharmacist(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PrescriptionRequired);
    let c = t
        .api
        .call(CartSetPrescription {
            cart_id: c.id,
            prescription: PrescriptionInput {
                hospital: "浦东新区人民医院".into(),
                doctor: "刘医生".into(),
                prescribed_on: "2026-11-22".into(),
                diagnosis: "急性扁桃体炎".into(),
                image_path: None,
            },
        })
        .unwrap();
    assert_eq!(
        t.pay(&c, vec![cash("20")]).unwrap_err().code,
        ErrorCode::RxApprovalRequired
    );
    // The cashier's own credentials cannot approve; a wrong PIN cannot either.
    let e = t
        .api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: approver("1001", "1111"),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ApproverNotAuthorized);
    let e = t
        .api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: approver("2001", "0000"),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPin);
    assert_eq!(t.facts(), before);
    let c = t
        .api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: pharmacist(),
        })
        .unwrap();
    assert!(c.gates.rx_approved);
    assert_eq!(
        c.gates
            .prescription
            .as_ref()
            .unwrap()
            .approved_by_name
            .as_deref(),
        Some("李建国")
    );
    // A new Rx line added after the approval needs approval again.
    let c = t.scan(&c, "6931257046678", 1).unwrap(); // 头孢克肟分散片
    assert!(!c.gates.rx_approved);
    t.api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: pharmacist(),
        })
        .unwrap();
    let s = t.pay(&c, vec![cash("50")]).unwrap();
    assert_eq!(s.rx_reviewed_by_name.as_deref(), Some("李建国"));
    assert_eq!(t.count("SELECT count(*) FROM prescription"), 1);
}

#[test]
fn ephedrine_is_limited_to_two_packages_with_the_buyer_registered() {
    let t = cashier();
    let c = t.cart();
    t.scan(&c, CONTAC, 1).unwrap();
    let c = t.scan(&c, BAIJIAHEI, 1).unwrap();
    assert_eq!(c.gates.ephedrine_quantity, 2);
    let before = t.facts();
    // A third package across the lines is refused and not added.
    let e = t.scan(&c, CONTAC, 1).unwrap_err();
    assert_eq!(e.code, ErrorCode::EphedrineLimit);
    let e = t
        .api
        .call(CartSetQuantity {
            cart_id: c.id,
            line_id: c.lines[1].id,
            quantity: 2,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::EphedrineLimit);
    let c = t.api.call(CartGet { cart_id: c.id }).unwrap();
    assert_eq!(c.item_count, 2);
    // The buyer is required, with a valid ID number.
    assert_eq!(
        t.pay(&c, vec![cash("40")]).unwrap_err().code,
        ErrorCode::EphedrineBuyerRequired
    );
    let e = t
        .api
        .call(CartSetEphedrineBuyer {
            cart_id: c.id,
            buyer_name: "王五".into(),
            id_number: "110105194912310021".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidIdNumber);
    assert_eq!(t.facts(), before);
    let c = t
        .api
        .call(CartSetEphedrineBuyer {
            cart_id: c.id,
            buyer_name: "王五".into(),
            id_number: VALID_ID.to_lowercase(),
        })
        .unwrap();
    let buyer = c.gates.ephedrine_buyer.clone().unwrap();
    assert_eq!(
        (buyer.id_masked.as_str(), buyer.recent_purchases),
        ("110105********002X", 0)
    );
    t.pay(&c, vec![cash("40")]).unwrap();
    assert_eq!(t.count("SELECT count(*) FROM ephedrine_register"), 2);
    // Buying again with the same ID is flagged.
    let c = t.cart();
    t.scan(&c, CONTAC, 1).unwrap();
    let c = t
        .api
        .call(CartSetEphedrineBuyer {
            cart_id: c.id,
            buyer_name: "王五".into(),
            id_number: VALID_ID.into(),
        })
        .unwrap();
    // One earlier purchase (of two ephedrine lines): counted as one.
    assert_eq!(c.gates.ephedrine_buyer.unwrap().recent_purchases, 1);
}

#[test]
fn an_allergy_match_stops_the_sale_until_a_pharmacist_acknowledges() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    t.login("2001", "2222");
    t.api
        .call(MemberHealthAdd {
            member_id: member,
            kind: HealthKind::Allergy,
            code: "青霉素类".into(),
            note: String::new(),
        })
        .unwrap();
    t.login("1001", "1111");
    let c = t.cart();
    t.scan(&c, PARACETAMOL, 1).unwrap();
    let c = t.scan(&c, AMOXICILLIN, 1).unwrap();
    let c = t.attach(&c, member);
    assert_eq!(c.lines[1].allergy_conflict, ["青霉素类"]);
    assert_eq!(c.gates.allergy_pending, [c.lines[1].id]);
    assert_eq!(c.gates.blocked[0], "ALLERGY_ACK_REQUIRED");
    assert_eq!(
        t.pay(&c, vec![cash("20")]).unwrap_err().code,
        ErrorCode::AllergyAckRequired
    );
    let c = t
        .api
        .call(CartAckAllergy {
            cart_id: c.id,
            line_id: c.lines[1].id,
            pharmacist: pharmacist(),
        })
        .unwrap();
    assert!(c.lines[1].allergy_acknowledged);
    assert!(c.gates.allergy_pending.is_empty());
}

#[test]
fn held_sales_are_recalled_with_everything_on_them() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    let first = t.cart();
    t.scan(&first, PARACETAMOL, 3).unwrap();
    t.attach(&first, member);
    t.api.call(CartHold { cart_id: first.id }).unwrap();
    let second = t.cart();
    assert_ne!(second.id, first.id);
    t.scan(&second, GANMAOLING, 1).unwrap();
    let held = t.api.call(CartHeldList {}).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].member_name.as_deref(), Some("张伟"));
    // Recalling holds the current sale (it has a line) and reopens the first.
    let back = t.api.call(CartRecall { cart_id: first.id }).unwrap();
    assert_eq!(back.item_count, 3);
    assert_eq!(back.member.unwrap().id, member);
    assert_eq!(t.api.call(CartHeldList {}).unwrap()[0].id, second.id);
    assert_eq!(t.cart().id, first.id);
}

#[test]
fn a_manager_overrides_a_price_with_their_pin() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    let c = t.cart();
    let c = t.scan(&c, GANMAOLING, 2).unwrap();
    let c = t.attach(&c, member);
    let e = t
        .api
        .call(CartOverridePrice {
            cart_id: c.id,
            line_id: c.lines[0].id,
            unit_price: Some(m("12.00")),
            reason: "临期促销".into(),
            manager: approver("2001", "2222"),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ApproverNotAuthorized);
    let c = t
        .api
        .call(CartOverridePrice {
            cart_id: c.id,
            line_id: c.lines[0].id,
            unit_price: Some(m("12.00")),
            reason: "临期促销".into(),
            manager: manager(),
        })
        .unwrap();
    assert_eq!(c.pricing.lines[0].rule, LineRule::Override);
    assert_eq!(c.pricing.payable.to_string(), "24.00");
    assert_eq!(c.pricing.discounts.manual.to_string(), "7.60");
    let s = t.pay(&c, vec![cash("24")]).unwrap();
    assert_eq!(s.lines[0].unit_price.to_string(), "12.00");
    assert_eq!(
        t.count("SELECT count(*) FROM sale_line WHERE override_by IS NOT NULL AND override_reason = '临期促销'"),
        1
    );
}

#[test]
fn a_full_return_restores_the_points_balance_exactly() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    t.give_points(member, 2000);
    let balance_before = t
        .api
        .call(MemberGet { member_id: member })
        .unwrap()
        .summary
        .points_balance;
    let c = t.cart();
    t.scan(&c, GANMAOLING, 3).unwrap();
    t.scan(&c, PARACETAMOL, 2).unwrap();
    t.attach(&c, member);
    let c = t
        .api
        .call(CartSetPoints {
            cart_id: c.id,
            points: 1500,
        })
        .unwrap();
    let s = t
        .pay(&c, vec![tender(TenderKind::Alipay, "20.00"), cash("50")])
        .unwrap();
    assert!(s.points_used > 0 && s.points_earned > 0);

    // A return of more than was sold, or without approval, records nothing.
    let before = t.facts();
    let e = t
        .ret(
            s.id,
            &[(s.lines[0].id, 4)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReturnExceedsSale);
    let e = t
        .ret(
            s.id,
            &[(s.lines[0].id, 1)],
            ReturnReason::Damaged,
            "",
            approver("1001", "1111"),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ApproverNotAuthorized);
    assert_eq!(t.facts(), before);

    // Partial: one of the three 感冒灵, previewed first (points back both ways).
    let p1 = t.preview(s.id, &[(s.lines[0].id, 1)]);
    let r1 = t
        .ret(
            s.id,
            &[(s.lines[0].id, 1)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap();
    assert!(!r1.full);
    assert!(r1.points_taken_back > 0 && r1.points_given_back > 0);
    assert_eq!(
        (p1.refunds, p1.points_taken_back, p1.points_given_back),
        (
            r1.refunds.clone(),
            r1.points_taken_back,
            r1.points_given_back
        )
    );
    let one_third =
        Money::round_half_up(s.lines[0].final_net.decimal() / rust_decimal::Decimal::from(3));
    assert_eq!(
        r1.refund, one_third,
        "partial returns work on the allocated final net"
    );
    // The rest of everything.
    let r2 = t
        .ret(
            s.id,
            &[(s.lines[0].id, 2), (s.lines[1].id, 2)],
            ReturnReason::OtherQuality,
            "药片受潮",
            manager(),
        )
        .unwrap();
    assert!(r2.full);
    assert_eq!(
        r1.refund + r2.refund,
        s.payable,
        "everything paid is refunded"
    );
    let refunded: Money = r1.refunds.iter().chain(&r2.refunds).map(|f| f.amount).sum();
    assert_eq!(refunded, s.payable);
    let alipay: Money = r1
        .refunds
        .iter()
        .chain(&r2.refunds)
        .filter(|f| f.kind == TenderKind::Alipay)
        .map(|f| f.amount)
        .sum();
    assert_eq!(
        alipay.to_string(),
        "20.00",
        "each tender gets back what it paid"
    );
    let balance_after = t
        .api
        .call(MemberGet { member_id: member })
        .unwrap()
        .summary
        .points_balance;
    assert_eq!(r2.points_balance, Some(balance_before));
    assert_eq!(
        balance_after, balance_before,
        "the balance is what it was before the sale"
    );
    assert!(
        t.api
            .call(MemberCoupons { member_id: member })
            .unwrap()
            .iter()
            .all(|c| c.used_in_sale.is_none()),
        "no coupon was used, none comes back"
    );
    // Nothing is left to return, and a return cannot be returned.
    let e = t
        .ret(
            s.id,
            &[(s.lines[1].id, 1)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReturnExceedsSale);
    let e = t
        .api
        .call(SaleFind {
            receipt_no: r2.receipt_no.clone(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReturnOfReturn);
    // Later points do not change what the return's receipt says the balance was.
    t.give_points(member, 100);
    let again = t.api.call(ReturnGet { return_id: r2.id }).unwrap();
    assert_eq!(again.points_balance, Some(balance_before));
    // The returns took the spend back out of the member's window.
    assert_eq!(t.count("SELECT sum(net_fen) FROM member_spend"), 0);
}

/// What a return refunds per tender, as ("kind", "amount") pairs in tender order.
fn refunds_of(r: &pos_core::sale::returns::SaleReturn) -> Vec<(&'static str, String)> {
    r.refunds
        .iter()
        .map(|f| (f.kind.as_str(), f.amount.to_string()))
        .collect()
}

#[test]
fn insurance_gets_back_only_what_it_paid_for_insurance_lines() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    let c = t.cart();
    t.scan(&c, GANMAOLING, 2).unwrap(); // 31.60, 医保-listed
    t.scan(&c, FENGYOUJING, 1).unwrap(); // 3.00, not listed
    let c = t.attach(&c, member); // 普通: rate 1.00, 1 point per yuan
    assert_eq!(c.pricing.payable.to_string(), "34.60");
    let c = t.pack_codes(&c);
    let s = t
        .pay(
            &c,
            vec![tender(TenderKind::Insurance, "20.00"), cash("20.00")],
        )
        .unwrap();
    assert_eq!(s.change.to_string(), "5.40");
    assert_eq!(s.points_earned, 14, "rule 9: 34.60 − 医保 20.00 = 14.60");
    let (ganmaoling, fengyoujing) = (s.lines[0].id, s.lines[1].id);
    // One package of `line` back, damaged: whether that completed the sale, what each tender
    // gets, the points taken back.
    // The preview the manager sees first is exactly what the return then records.
    let one_back = |line| {
        let before = t.facts();
        let p = t.preview(s.id, &[(line, 1)]);
        assert_eq!(t.facts(), before, "a preview writes nothing");
        let r = t
            .ret(s.id, &[(line, 1)], ReturnReason::Damaged, "", manager())
            .unwrap();
        assert_eq!(
            (&p.refunds, p.refund, p.points_taken_back, p.full),
            (&r.refunds, r.refund, r.points_taken_back, r.full)
        );
        assert_eq!(p.line_refunds, vec![r.lines[0].refund]);
        (r.full, refunds_of(&r), r.points_taken_back)
    };
    let split = |pairs: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        pairs.iter().map(|(k, a)| (*k, a.to_string())).collect()
    };

    // A line 医保 did not pay for goes back to cash alone, and it carried 3.00 of the 14.60
    // points base: ⌊14 × 3.00 / 14.60⌋ = 2 points.
    assert_eq!(
        one_back(fengyoujing),
        (false, split(&[("cash", "3.00")]), 2)
    );
    // One of two insurance-listed packages: 医保 gets its half (20.00 × 15.80 / 31.60), cash the
    // rest, and the 5.80 cash part carried ⌊14 × 5.80 / 14.60⌋ = 5 points.
    let half = split(&[("insurance", "10.00"), ("cash", "5.80")]);
    assert_eq!(one_back(ganmaoling), (false, half.clone(), 5));
    // The last one: each tender exactly what it has left, and the points left.
    assert_eq!(one_back(ganmaoling), (true, half, 7));
    assert_eq!(
        t.count("SELECT sum(amount_fen) FROM return_refund WHERE kind = 'insurance'"),
        2000
    );
}

#[test]
fn a_retried_return_request_refunds_once() {
    let t = cashier();
    let c = t.cart();
    let c = t.scan(&c, GANMAOLING, 3).unwrap();
    let s = t.pay(&c, vec![cash("47.40")]).unwrap();
    let line = s.lines[0].id;
    let id = t.api.call(ReturnOpen {}).unwrap().return_id;
    let first = t
        .ret_as(id, s.id, &[(line, 1)], ReturnReason::Damaged, "", manager())
        .unwrap();
    assert_eq!(
        first.id, id,
        "the return is recorded under the id the screen took"
    );
    let before = (t.facts(), t.count("SELECT count(*) FROM sale_return"));
    // The same request again (a retry, a double Enter that got through): refused, nothing new,
    // even though two of the three packages could still be returned.
    let e = t
        .ret_as(id, s.id, &[(line, 1)], ReturnReason::Damaged, "", manager())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReturnAlreadyRecorded);
    assert!(e.message.contains(&first.receipt_no), "{}", e.message);
    assert_eq!(
        e.details.as_ref().unwrap()["return_id"],
        serde_json::json!(id.to_string())
    );
    // Even with a wrong PIN the retry is answered the same way (the PIN is not tried again).
    let e = t
        .ret_as(
            id,
            s.id,
            &[(line, 1)],
            ReturnReason::Damaged,
            "",
            approver("3001", "0000"),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReturnAlreadyRecorded);
    assert_eq!(
        (t.facts(), t.count("SELECT count(*) FROM sale_return")),
        before
    );
    // An id the till did not mint (not a UUIDv7) is refused.
    let e = t
        .ret_as(
            SaleId(uuid::Uuid::new_v4()),
            s.id,
            &[(line, 1)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadRequest);
    // A new id is a new return.
    let second = t
        .ret(s.id, &[(line, 1)], ReturnReason::Damaged, "", manager())
        .unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(t.count("SELECT count(*) FROM sale_return"), 2);
}

#[test]
fn coupon_minimum_not_met_blocks_payment_until_the_coupon_is_removed() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    t.login("3001", "3333");
    let coupon = t
        .api
        .call(CouponIssue {
            member_id: member,
            face: m("10"),
            min_spend: m("50"),
            valid_days: 30,
            reason: "测试".into(),
            percent: None,
            cap: None,
            products: None,
            product_barcodes: None,
            categories: None,
        })
        .unwrap();
    let c = t.cart();
    t.scan(&c, GANMAOLING, 1).unwrap();
    t.attach(&c, member);
    let c = t
        .api
        .call(CartSetCoupon {
            cart_id: c.id,
            coupon_id: Some(coupon.id),
        })
        .unwrap();
    assert_eq!(
        c.pricing.coupon.as_ref().unwrap().outcome,
        pos_core::pricing::CouponOutcome::MinimumNotMet
    );
    assert_eq!(
        t.pay(&c, vec![cash("20")]).unwrap_err().code,
        ErrorCode::CouponNotAvailable
    );
    let c = t
        .api
        .call(CartSetCoupon {
            cart_id: c.id,
            coupon_id: None,
        })
        .unwrap();
    t.pay(&c, vec![cash("20")]).unwrap();
}

#[test]
fn expired_batches_are_never_sold() {
    let t = cashier();
    let product = t
        .api
        .call(ProductByBarcode {
            barcode: PARACETAMOL.into(),
        })
        .unwrap();
    t.api
        .store()
        .write(|tx| {
            tx.execute("DELETE FROM product_batch WHERE product_id = ?1", [product.id])?;
            tx.execute(
                "INSERT INTO product_batch (product_id, batch_no, expires_on, received_at)
                 VALUES (?1, 'OLD1', '2026-10-31', '2024-01-01'), (?1, 'NEW2', '2027-06-30', '2026-01-01'),
                        (?1, 'MID3', '2026-12-31', '2025-06-01')",
                [product.id],
            )?;
            Ok(())
        })
        .unwrap();
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    assert_eq!(
        c.lines[0].batch_no.as_deref(),
        Some("MID3"),
        "first to expire among the unexpired"
    );
    // Once every batch has expired, the product cannot be sold.
    t.clock.set(at("2027-07-01T02:00:00Z"));
    let c2 = t
        .api
        .call(CartRemoveLine {
            cart_id: c.id,
            line_id: c.lines[0].id,
        })
        .unwrap();
    let e = t.scan(&c2, PARACETAMOL, 1).unwrap_err();
    assert_eq!(e.code, ErrorCode::ExpiredStock);
}

#[test]
fn every_commit_writes_the_sale_and_its_facts_together() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    let c = t.cart();
    t.scan(&c, GANMAOLING, 1).unwrap();
    t.attach(&c, member);
    let s = t.pay(&c, vec![cash("20")]).unwrap();
    let ev: String = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT payload FROM outbox WHERE kind = 'sale.committed@1'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let ev: serde_json::Value = serde_json::from_str(&ev).unwrap();
    assert_eq!(ev["sale"]["id"], s.id.to_string());
    assert_eq!(ev["sale"]["payable"], "15.80");
    assert_eq!(ev["sale"]["lines"].as_array().unwrap().len(), 1);
    assert_eq!(
        t.count("SELECT count(*) FROM points_entry WHERE sale_id IS NOT NULL"),
        1
    );
    let _: SaleId = s.id;
}

#[test]
fn a_coupon_that_would_take_off_nothing_stays_with_the_member() {
    let t = cashier();
    let member = t.member("13912345670", "钱七"); // new-member coupon 3.00, no minimum
    let c = t.cart();
    t.scan(&c, PIANZAIHUANG, 1).unwrap(); // not discountable: no line can take a coupon
    let c = t.attach(&c, member);
    let coupon = c.member.as_ref().unwrap().coupons[0].id;
    let c = t
        .api
        .call(CartSetCoupon {
            cart_id: c.id,
            coupon_id: Some(coupon),
        })
        .unwrap();
    let cp = c.pricing.coupon.as_ref().unwrap();
    assert_eq!(
        cp.outcome,
        pos_core::pricing::CouponOutcome::NothingToDeduct
    );
    assert_eq!(c.pricing.payable.to_string(), "590.00");
    let s = t.pay(&c, vec![cash("590")]).unwrap();
    assert_eq!(s.discounts.coupon, Money::ZERO);
    assert_eq!(
        t.count("SELECT count(*) FROM sale WHERE coupon_id IS NOT NULL"),
        0
    );
    let kept = t.api.call(MemberCoupons { member_id: member }).unwrap();
    let kept = kept.iter().find(|k| k.id == coupon).unwrap();
    assert_eq!(kept.used_in_sale, None, "the coupon is still the member's");
}

/// Every amount a request can carry answers `INVALID_AMOUNT` when it is negative, has three
/// decimals, is too large or is not an amount at all — not `BAD_REQUEST` — and records nothing.
#[test]
fn every_amount_field_answers_invalid_amount() {
    let t = cashier();
    let c = t.cart();
    let c = t.scan(&c, GANMAOLING, 1).unwrap();
    let line = c.lines[0].id;
    let member = t.member("13912345671", "孙八");
    let rules = serde_json::to_value(pos_core::rules::BusinessRules::default()).unwrap();
    let before = t.facts();
    for bad in [
        serde_json::json!("-1.00"),
        serde_json::json!("1.005"),
        serde_json::json!("99999999999999999999.00"),
        serde_json::json!("十元"),
        serde_json::json!(12.5),
    ] {
        let mut tiers = rules.clone();
        tiers["tiers"][1]["threshold"] = bad.clone();
        let mut coupon_rule = rules.clone();
        coupon_rule["birthday_coupon"]["face"] = bad.clone();
        let requests: Vec<(&str, &str, serde_json::Value)> = vec![
            (
                "1001",
                "sale_pay",
                serde_json::json!({
                "cart_id": c.id, "tenders": [{"kind": "cash", "amount": bad}]}),
            ),
            (
                "1001",
                "sale_pay",
                serde_json::json!({
                "cart_id": c.id, "tenders": [{"kind": "cash", "amount": "5.00"},
                                              {"kind": "wechat", "amount": bad}]}),
            ),
            (
                "1001",
                "cart_override_price",
                serde_json::json!({
                "cart_id": c.id, "line_id": line, "unit_price": bad, "reason": "破损",
                "manager": {"staff_no": "3001", "pin": "3333"}}),
            ),
            ("1001", "shift_open", serde_json::json!({ "float": bad })),
            (
                "1001",
                "shift_cash_move",
                serde_json::json!({
                "direction": "in", "amount": bad, "reason": "备用金"}),
            ),
            (
                "3001",
                "coupon_issue",
                serde_json::json!({
                "member_id": member, "face": bad, "min_spend": "0.00", "valid_days": 30,
                "reason": "测试"}),
            ),
            (
                "3001",
                "coupon_issue",
                serde_json::json!({
                "member_id": member, "face": "5.00", "min_spend": bad, "valid_days": 30,
                "reason": "测试"}),
            ),
            (
                "3001",
                "rules_update",
                serde_json::json!({ "rules": tiers }),
            ),
            (
                "3001",
                "rules_update",
                serde_json::json!({ "rules": coupon_rule }),
            ),
        ];
        for (who, cmd, args) in requests {
            t.login(who, if who == "3001" { "3333" } else { "1111" });
            let e = t
                .api
                .dispatch(cmd, args.clone(), &|_| {})
                .expect_err(&format!("{cmd} {args}"));
            assert_eq!(
                e.code,
                pos_core::ErrorCode::InvalidAmount,
                "{cmd} with {bad}: {}",
                e.message
            );
            assert!(!e.message.contains("[INVALID_AMOUNT]"), "{}", e.message);
        }
    }
    assert_eq!(t.facts(), before, "nothing was recorded");
}

/// Issue 10: a manager's 85 折 coupon limited to 感冒用药, paid on a member day with double
/// points and a bonus-points product, through the API down to the receipt model.
#[test]
fn a_percent_coupon_on_a_member_day_with_bonus_points() {
    let t = cashier();
    let member = t.member("13912345678", "张伟"); // 普通
    t.login("3001", "3333");
    // Today (2026-11-23) is made a member day: 0.90, double points; 对乙酰氨基酚 earns ×3.
    let rules = pos_core::rules::BusinessRules {
        member_days: vec![23],
        member_day_points_multiplier: "2".parse().unwrap(),
        bonus_points_products: vec![pos_core::rules::BonusPointsProduct {
            barcode: PARACETAMOL.into(),
            multiplier: "3".parse().unwrap(),
        }],
        ..Default::default()
    };
    t.api.call(RulesUpdate { rules }).unwrap();
    // Bad options are refused with their field named.
    let issue = |percent: Option<u32>, cap: Option<&str>, categories: &[&str]| CouponIssue {
        member_id: member,
        face: m("0"),
        min_spend: m("20"),
        valid_days: 30,
        reason: "会员日活动".into(),
        percent,
        cap: cap.map(m),
        products: None,
        product_barcodes: None,
        categories: Some(categories.iter().map(|c| (*c).to_owned()).collect()),
    };
    let field = |e: pos_core::PosError| (e.code, e.details.unwrap()["field"].clone());
    assert_eq!(
        field(t.api.call(issue(Some(100), None, &[])).unwrap_err()),
        (ErrorCode::InvalidField, "percent".into())
    );
    assert_eq!(
        field(
            t.api
                .call(issue(Some(15), None, &["不存在的品类"]))
                .unwrap_err()
        ),
        (ErrorCode::InvalidField, "categories".into())
    );
    assert_eq!(
        t.api
            .call(issue(Some(15), Some("0"), &[]))
            .unwrap_err()
            .code,
        ErrorCode::InvalidAmount
    );
    let coupon = t
        .api
        .call(issue(Some(15), Some("5.00"), &["感冒用药"]))
        .unwrap();
    assert_eq!(
        coupon.description,
        "85 折券（满 20 可用，最多减 5，限 感冒用药）"
    );
    t.login("1001", "1111");
    let c = t.cart();
    t.scan(&c, GANMAOLING, 2).unwrap(); // 31.60 → 会员日 9折 28.44, 感冒用药
    t.scan(&c, PARACETAMOL, 2).unwrap(); // 7.00 → 6.30, 解热镇痛 (not in the coupon's reach)
    t.attach(&c, member);
    let c = t
        .api
        .call(CartSetCoupon {
            cart_id: c.id,
            coupon_id: Some(coupon.id),
        })
        .unwrap();
    let p = &c.pricing;
    // 15 % of 28.44 = 4.266 → 4.27 (under the 5.00 cap), all on 感冒灵.
    let cp = p.coupon.as_ref().unwrap();
    assert_eq!(cp.outcome, pos_core::pricing::CouponOutcome::Applied);
    assert_eq!(cp.eligible_net, m("28.44"));
    assert_eq!(cp.deduction, m("4.27"));
    assert_eq!(
        (p.lines[0].coupon_share, p.lines[1].coupon_share),
        (m("4.27"), m("0"))
    );
    assert_eq!(p.payable, m("30.47"));
    assert_eq!(p.points_day_multiplier, "2".parse().unwrap());
    let s = t.pay(&c, vec![cash("31")]).unwrap();
    // Points: (24.17 + 6.30 × 3) × 1.0 × 2 = 43.07 × 2 = 86.14 → 86.
    assert_eq!(s.points_earned, 86);
    assert_eq!(s.points_balance, Some(86));
    assert_eq!(s.payable, m("30.47"));
    assert_eq!(
        s.coupon_description.as_deref(),
        Some("85 折券（满 20 可用，最多减 5，限 感冒用药）")
    );
    assert_eq!(
        s.points_notes,
        vec!["会员日 2 倍积分", "加倍积分商品 对乙酰氨基酚片 3 倍"]
    );
    let member_now = t.api.call(MemberGet { member_id: member }).unwrap().summary;
    assert_eq!(member_now.points_balance, 86);
    assert!(
        member_now.coupons.iter().all(|c| c.id != coupon.id),
        "the coupon is used"
    );
    // The receipt model: the coupon by its description, the points and why they are doubled.
    let (receipt, _) = t
        .api
        .store()
        .read(|c| {
            pos_core::sale::receipt::prepare(c, pos_core::sale::receipt::ReceiptKind::Sale, s.id)
        })
        .unwrap();
    assert_eq!(
        receipt
            .deductions
            .iter()
            .map(|d| (d.label.as_str(), d.amount.to_string()))
            .collect::<Vec<_>>(),
        vec![(
            "优惠券（85 折券（满 20 可用，最多减 5，限 感冒用药））",
            "4.27".to_owned()
        )]
    );
    let rm = receipt.member.unwrap();
    assert_eq!(rm.points_earned, 86);
    assert_eq!(
        rm.points_notes,
        vec!["会员日 2 倍积分", "加倍积分商品 对乙酰氨基酚片 3 倍"]
    );

    // Returning the tripled line takes back the points it earned at ×3: its 6.30 carried 18.90
    // of the 43.07 points base, so 86 × 18.90 / 43.07 = 37.7 → 37 (not 6.30 / 30.47 of them).
    let r = t
        .ret(
            s.id,
            &[(s.lines[1].id, 2)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap();
    assert!(!r.full);
    assert_eq!(r.points_taken_back, 37);
    // The rest of the sale takes back exactly what is left: the balance is back to 0.
    let r = t
        .ret(
            s.id,
            &[(s.lines[0].id, 2)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap();
    assert!(r.full);
    assert_eq!(r.points_taken_back, 86 - 37);
    assert_eq!(r.points_balance, Some(0));

    // A coupon limited to a product by its barcode is named by the product; a barcode the
    // catalog does not know is named in the refusal, on the products field.
    t.login("3001", "3333");
    let by_barcode = |barcode: &str| CouponIssue {
        face: m("3"),
        min_spend: m("0"),
        percent: None,
        cap: None,
        products: None,
        product_barcodes: Some(vec![barcode.to_owned()]),
        categories: None,
        ..issue(None, None, &[])
    };
    let e = t.api.call(by_barcode("6900000000007")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ProductNotFound);
    assert!(e.message.contains("6900000000007"), "{}", e.message);
    assert_eq!(e.details.unwrap()["field"], "products");
    let c = t.api.call(by_barcode(PARACETAMOL)).unwrap();
    assert_eq!(c.description, "减 3 元（限 对乙酰氨基酚片）");
}
