//! The store manager's day on a real store file, through the API as the screens call it: a shift
//! opened with a float, a generated day of counter traffic (members, coupons, points, 抹零,
//! overrides, Rx and ephedrine sales, every tender, returns, cash in and out), the blind count,
//! and the day close — every figure of the report checked against sums the test keeps itself
//! from what the API answered. Then the lock: the day cannot be closed twice and the next sale
//! belongs to the next business day. Bad input is refused with stable codes and changes nothing.

mod common;

use std::collections::BTreeMap;

use common::counter::*;
use common::Till;
use pos_core::api::*;
use pos_core::cart::PrescriptionInput;
use pos_core::ids::MemberId;
use pos_core::pricing::{Tender, TenderKind};
use pos_core::sale::returns::ReturnReason;
use pos_core::sale::Sale;
use pos_core::shift::CountLine;
use pos_core::{ErrorCode, Money};

/// A small deterministic generator (the same seed gives the same day).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PLAIN: &[&str] = &[PARACETAMOL, FENGYOUJING, BAIJIAHEI_FREE, PIANZAIHUANG];
/// 白加黑 carries ephedrine; the plain list uses 感冒灵 instead.
const BAIJIAHEI_FREE: &str = GANMAOLING;

fn fen(m: Money) -> i64 {
    m.fen()
}

/// What the test itself kept of the day, from the API's answers.
#[derive(Default)]
struct Kept {
    sales: Vec<Sale>,
    refunds_by_kind: BTreeMap<&'static str, i64>,
    returns: i64,
    refund_total: i64,
    new_members: i64,
    ephedrine_lines: i64,
    returned: BTreeMap<String, (i64, i64)>,
    cancelled: i64,
}

fn kind_name(k: TenderKind) -> &'static str {
    match k {
        TenderKind::Cash => "cash",
        TenderKind::Wechat => "wechat",
        TenderKind::Alipay => "alipay",
        TenderKind::Card => "card",
        TenderKind::Insurance => "insurance",
    }
}

fn tenders_for(rng: &mut Rng, due: Money) -> Vec<Tender> {
    let due_fen = fen(due);
    match rng.below(6) {
        0 => vec![cash(
            &Money::from_fen((due_fen + 999) / 1000 * 1000).to_string(),
        )],
        1 => vec![tender(TenderKind::Wechat, &due.to_string())],
        2 => vec![tender(TenderKind::Alipay, &due.to_string())],
        3 => vec![tender(TenderKind::Card, &due.to_string())],
        4 if due_fen >= 200 => {
            let wechat = due_fen / 200 * 100;
            let rest = due_fen - wechat;
            vec![
                tender(TenderKind::Wechat, &Money::from_fen(wechat).to_string()),
                cash(&Money::from_fen((rest + 99) / 100 * 100).to_string()),
            ]
        }
        _ => vec![cash(&due.to_string())],
    }
}

/// Denominations for `amount` (greedy over the notes and coins of the drawer).
fn count_for(amount: i64) -> Vec<CountLine> {
    let mut left = amount;
    pos_core::shift::DENOMINATIONS_FEN
        .iter()
        .map(|&d| {
            let n = left / d;
            left -= n * d;
            CountLine {
                denomination: Money::from_fen(d),
                count: n.to_string(),
            }
        })
        .collect()
}

/// Sets up members (with points and coupons) and 抹零, opens the cashier's shift with a float of
/// 500, then rings up `n` sales and some returns over the day. Returns what the test kept.
fn generated_day(t: &Till, n: usize, seed: u64) -> Kept {
    let mut rng = Rng(seed);
    let mut kept = Kept::default();
    t.login("3001", "3333");
    let mut rules = t.api.call(RulesGet {}).unwrap();
    rules.drop_small_change = true;
    t.api.call(RulesUpdate { rules }).unwrap();
    let members: Vec<MemberId> = (0..12)
        .map(|i| {
            kept.new_members += 1;
            t.member(&format!("1391234{i:04}"), &format!("会员{i}"))
        })
        .collect();
    for &m in &members {
        t.api
            .call(PointsAdjust {
                member_id: m,
                points: 5_000,
                reason: "开业赠送".into(),
            })
            .unwrap();
    }
    t.login("1001", "1111");
    t.api
        .call(ShiftOpen {
            float: pos_core::Money::parse_amount("500").unwrap(),
        })
        .unwrap();
    for i in 0..n {
        t.clock.advance_ms(90_000);
        // Every 30th customer changes their mind: a cart rung up and cancelled (作废) counts
        // in no figure of the day.
        if i % 30 == 29 {
            let c = t.cart();
            t.scan(&c, PIANZAIHUANG, 1).unwrap();
            t.api
                .call(CartCancel {
                    cart_id: c.id,
                    reason: "顾客不要了".into(),
                })
                .unwrap();
            kept.cancelled += 1;
        }
        let c = t.cart();
        let member = (rng.below(10) < 6).then(|| members[rng.below(members.len() as u64) as usize]);
        let mut insurance = false;
        match i % 25 {
            // A 医保 sale: one insurance-listed line, paid by 医保.
            7 => {
                t.scan(&c, GANMAOLING, 1).unwrap();
                insurance = true;
            }
            // An Rx sale with its prescription and the pharmacist's approval.
            11 => {
                t.scan(&c, AMOXICILLIN, 1).unwrap();
                t.api
                    .call(CartSetPrescription {
                        cart_id: c.id,
                        prescription: PrescriptionInput {
                            hospital: "浦东新区人民医院".into(),
                            doctor: "李医生".into(),
                            prescribed_on: "2026-11-22".into(),
                            diagnosis: "急性扁桃体炎".into(),
                            image_path: None,
                        },
                    })
                    .unwrap();
                t.api
                    .call(CartApproveRx {
                        cart_id: c.id,
                        pharmacist: pharmacist(),
                    })
                    .unwrap();
            }
            // An ephedrine sale with the buyer registered.
            17 => {
                t.scan(&c, CONTAC, 1).unwrap();
                t.api
                    .call(CartSetEphedrineBuyer {
                        cart_id: c.id,
                        buyer_name: "王五".into(),
                        id_number: VALID_ID.into(),
                    })
                    .unwrap();
                kept.ephedrine_lines += 1;
            }
            _ => {
                for _ in 0..1 + rng.below(3) {
                    let code = PLAIN[rng.below(PLAIN.len() as u64) as usize];
                    t.scan(&c, code, 1 + rng.below(3) as i64).unwrap();
                }
            }
        }
        let member = if insurance || i % 25 == 11 || i % 25 == 17 {
            None
        } else {
            member
        };
        let mut cart = match member {
            Some(m) => t.attach(&c, m),
            None => t.api.call(CartGet { cart_id: c.id }).unwrap(),
        };
        if let Some(m) = member {
            if rng.below(4) == 0 {
                let today = t.api.call(BusinessDate {}).unwrap();
                let coupon = t
                    .api
                    .store()
                    .read(|c| pos_core::member::coupon::available(c, m, today.parse().unwrap()))
                    .unwrap()
                    .first()
                    .map(|c| c.id);
                if let Some(coupon) = coupon {
                    cart = t
                        .api
                        .call(CartSetCoupon {
                            cart_id: c.id,
                            coupon_id: Some(coupon),
                        })
                        .unwrap();
                    if cart.pricing.coupon.as_ref().map(|c| c.outcome)
                        != Some(pos_core::pricing::CouponOutcome::Applied)
                    {
                        cart = t
                            .api
                            .call(CartSetCoupon {
                                cart_id: c.id,
                                coupon_id: None,
                            })
                            .unwrap();
                    }
                }
            }
            if rng.below(3) == 0 {
                cart = t
                    .api
                    .call(CartSetPoints {
                        cart_id: c.id,
                        points: 100 * (1 + rng.below(20) as i64),
                    })
                    .unwrap();
            }
        }
        if !insurance && rng.below(20) == 0 {
            let line = &cart.lines[0];
            let price = Money::from_fen(fen(line.unit_price) * 9 / 10);
            cart = t
                .api
                .call(CartOverridePrice {
                    cart_id: c.id,
                    line_id: line.id,
                    unit_price: Some(price),
                    reason: "临期促销".into(),
                    manager: manager(),
                })
                .unwrap();
        }
        let due = cart.pricing.payable;
        if insurance {
            cart = t.pack_codes(&cart);
        }
        let tenders = if insurance {
            vec![tender(TenderKind::Insurance, &due.to_string())]
        } else {
            tenders_for(&mut rng, due)
        };
        let sale = t.pay(&cart, tenders).unwrap();
        kept.sales.push(sale);
    }
    // Returns: one line of every 15th sale, one pack, for a quality reason.
    for s in kept.sales.clone().iter().step_by(15) {
        t.clock.advance_ms(60_000);
        let line = &s.lines[0];
        let r = t
            .ret(s.id, &[(line.id, 1)], ReturnReason::Damaged, "", manager())
            .unwrap();
        kept.returns += 1;
        kept.refund_total += fen(r.refund);
        for f in &r.refunds {
            *kept.refunds_by_kind.entry(kind_name(f.kind)).or_default() += fen(f.amount);
        }
        let e = kept
            .returned
            .entry(format!("{} {}", line.name, line.spec))
            .or_default();
        e.0 += 1;
        e.1 += fen(r.refund);
    }
    t.api
        .call(ShiftCashMove {
            direction: CashDirection::In,
            amount: pos_core::Money::parse_amount("100").unwrap(),
            reason: "换零钱".into(),
        })
        .unwrap();
    t.api
        .call(ShiftCashMove {
            direction: CashDirection::Out,
            amount: pos_core::Money::parse_amount("50").unwrap(),
            reason: "买打印纸".into(),
        })
        .unwrap();
    kept
}

#[test]
fn the_day_close_report_equals_the_days_own_sums_and_locks_the_day() {
    let t = Till::demo();
    let kept = generated_day(&t, 300, 20261123);
    let sales = &kept.sales;
    assert_eq!(
        t.count("SELECT count(*) FROM cart WHERE void_reason IS NOT NULL"),
        kept.cancelled
    );
    assert!(kept.cancelled >= 10);
    let date = sales[0].business_date.clone();
    assert!(sales.iter().all(|s| s.business_date == date));

    // The cash the drawer should hold, from the test's own records.
    let cash_paid: i64 = sales
        .iter()
        .flat_map(|s| &s.payments)
        .filter(|p| p.kind == TenderKind::Cash)
        .map(|p| fen(p.amount))
        .sum();
    let change: i64 = sales.iter().map(|s| fen(s.change)).sum();
    let cash_refunds = kept.refunds_by_kind.get("cash").copied().unwrap_or(0);
    let expected = 50_000 + 10_000 - 5_000 + cash_paid - change - cash_refunds;

    // The blind count: the cashier counts 3 角 less than the drawer should hold.
    let slip = t
        .api
        .call(ShiftClose {
            count: count_for(expected - 30),
        })
        .unwrap();
    assert_eq!(fen(slip.cash_expected), expected);
    assert_eq!(slip.cash_counted.map(fen), Some(expected - 30));
    assert_eq!(slip.over_short.map(fen), Some(-30));
    assert_eq!(slip.sales_count, sales.len() as i64);
    assert_eq!(slip.returns_count, kept.returns);

    t.login("3001", "3333");
    let preview = t
        .api
        .call(DayPreview {
            business_date: Some(date.clone()),
        })
        .unwrap();
    let r = t
        .api
        .call(DayClose {
            business_date: date.clone(),
        })
        .unwrap();
    assert_eq!(r.number, Some(1));
    assert_eq!(
        DayReportNoStamp::of(&preview),
        DayReportNoStamp::of(&r),
        "the preview is what gets signed"
    );

    let sum = |f: &dyn Fn(&Sale) -> i64| -> i64 { sales.iter().map(f).sum() };
    assert_eq!(r.sales_count, sales.len() as i64);
    assert_eq!(fen(r.sales_subtotal), sum(&|s| fen(s.subtotal)));
    assert_eq!(fen(r.sales_amount), sum(&|s| fen(s.payable)));
    assert_eq!(r.returns_count, kept.returns);
    assert_eq!(fen(r.returns_amount), kept.refund_total);
    assert_eq!(
        fen(r.net_amount),
        sum(&|s| fen(s.payable)) - kept.refund_total
    );
    let d = &r.discounts;
    assert_eq!(fen(d.tier), sum(&|s| fen(s.discounts.tier)));
    assert_eq!(fen(d.member_day), sum(&|s| fen(s.discounts.member_day)));
    assert_eq!(fen(d.manual), sum(&|s| fen(s.discounts.manual)));
    assert_eq!(fen(d.coupon), sum(&|s| fen(s.discounts.coupon)));
    assert_eq!(fen(d.points), sum(&|s| fen(s.discounts.points)));
    assert_eq!(fen(d.small_change), sum(&|s| fen(s.discounts.small_change)));
    assert_eq!(
        fen(d.total),
        sum(&|s| fen(s.subtotal)) - sum(&|s| fen(s.payable))
    );
    // The generated day has every kind of discount but member day (not a member day) and
    // tier (new members are 普通, rate 1.00).
    for (name, v) in [
        ("manual", d.manual),
        ("coupon", d.coupon),
        ("points", d.points),
        ("small_change", d.small_change),
    ] {
        assert!(
            v > Money::ZERO,
            "{name} discount should occur in the generated day"
        );
    }
    for t_ in &r.tenders {
        let paid: i64 = sales
            .iter()
            .flat_map(|s| &s.payments)
            .filter(|p| kind_name(p.kind) == t_.kind)
            .map(|p| fen(p.amount))
            .sum::<i64>()
            - if t_.kind == "cash" { change } else { 0 };
        let refunded = kept
            .refunds_by_kind
            .get(t_.kind.as_str())
            .copied()
            .unwrap_or(0);
        assert_eq!(fen(t_.sales), paid, "{}", t_.kind);
        assert_eq!(fen(t_.refunds), refunded, "{}", t_.kind);
        assert_eq!(fen(t_.net), paid - refunded, "{}", t_.kind);
        assert!(paid > 0, "every tender occurs: {}", t_.kind);
    }
    assert_eq!(fen(r.floats), 50_000);
    assert_eq!(fen(r.cash_in), 10_000);
    assert_eq!(fen(r.cash_out), 5_000);
    assert_eq!(fen(r.cash_expected), expected);
    assert_eq!(r.cash_counted.map(fen), Some(expected - 30));
    assert_eq!(r.over_short.map(fen), Some(-30));
    let member_sales: Vec<&Sale> = sales.iter().filter(|s| s.member.is_some()).collect();
    assert_eq!(r.member_sales_count, member_sales.len() as i64);
    let member_amount: i64 = member_sales.iter().map(|s| fen(s.payable)).sum();
    assert_eq!(fen(r.member_sales_amount), member_amount);
    let total = sum(&|s| fen(s.payable));
    let permille = (member_amount * 2000 + total) / (2 * total);
    assert_eq!(
        r.member_share_pct,
        format!("{}.{}", permille / 10, permille % 10)
    );
    assert_eq!(
        fen(r.average_ticket),
        (2 * total + sales.len() as i64) / (2 * sales.len() as i64)
    );
    assert_eq!(r.new_members, kept.new_members);
    assert_eq!(r.points_issued, sum(&|s| s.points_earned));
    assert_eq!(r.points_redeemed, sum(&|s| s.points_used));
    assert_eq!(
        r.rx_sales,
        sales
            .iter()
            .filter(|s| s.lines.iter().any(|l| l.rx))
            .count() as i64
    );
    assert_eq!(r.ephedrine_lines, kept.ephedrine_lines);
    // The best seller by amount, after its returns.
    let mut by_product: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for l in sales.iter().flat_map(|s| &s.lines) {
        let e = by_product
            .entry(format!("{} {}", l.name, l.spec))
            .or_default();
        e.0 += i64::from(l.quantity);
        e.1 += fen(l.final_net);
    }
    for (k, (q, a)) in &kept.returned {
        let e = by_product.get_mut(k).unwrap();
        e.0 -= q;
        e.1 -= a;
    }
    let best = by_product.iter().max_by_key(|(_, (_, a))| *a).unwrap();
    let top = &r.top_products[0];
    assert_eq!(format!("{} {}", top.name, top.spec), *best.0);
    assert_eq!((top.quantity, fen(top.amount)), *best.1);
    assert_eq!(r.shifts.len(), 1);
    assert_eq!(r.shifts[0].over_short.map(fen), Some(-30));

    // Signed once: closing again is refused, and the reprint is the report as signed.
    let e = t
        .api
        .call(DayClose {
            business_date: date.clone(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DayAlreadyClosed);
    assert_eq!(
        t.api
            .call(DayReportGet {
                business_date: date.clone()
            })
            .unwrap(),
        r
    );
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'day.closed@1'"),
        1
    );

    // The day is locked: a sale made later the same evening belongs to the next business day.
    t.login("1001", "1111");
    t.clock.advance_ms(60_000);
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    let late = t.pay(&c, vec![cash("10")]).unwrap();
    let next = (chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(1))
    .to_string();
    assert_eq!(late.business_date, next);
    assert!(late.receipt_no.starts_with(&next.replace('-', "")));
    assert_eq!(t.api.call(BusinessDate {}).unwrap(), next);

    // The audit chain verifies and holds the day's manager actions.
    t.login("3001", "3333");
    let v = t.api.call(AuditVerify {}).unwrap();
    assert!(v.ok(), "{v:?}");
    let actions: Vec<String> = t
        .api
        .call(AuditList {
            filter: pos_core::audit::AuditFilter {
                limit: Some(1000),
                ..Default::default()
            },
        })
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in [
        "login",
        "rules.update",
        "points.adjust",
        "shift.open",
        "price.override",
        "return",
        "cash.in",
        "cash.out",
        "shift.close",
        "day.close",
    ] {
        assert!(actions.iter().any(|x| x == a), "audit lacks {a}");
    }
}

/// A report without the fields closing adds (number, who, when, sealed hash).
#[derive(Debug, PartialEq)]
struct DayReportNoStamp(serde_json::Value);

impl DayReportNoStamp {
    fn of(r: &pos_core::day_close::DayReport) -> Self {
        let mut v = serde_json::to_value(r).unwrap();
        for k in ["number", "closed_at", "closed_by_name", "audit_hash"] {
            v.as_object_mut().unwrap().remove(k);
        }
        DayReportNoStamp(v)
    }
}

#[test]
fn bad_input_is_refused_with_a_stable_code_and_changes_nothing() {
    let t = Till::demo();
    t.login("1001", "1111");
    for bad in ["-5", "abc", "1.234", ""] {
        let e = t
            .api
            .dispatch("shift_open", serde_json::json!({ "float": bad }), &|_| {})
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAmount, "float {bad:?}");
    }
    assert_eq!(t.count("SELECT count(*) FROM shift"), 0);
    // No shift yet: cash moves and closing are refused.
    let e = t.api.call(ShiftClose { count: vec![] }).unwrap_err();
    assert_eq!(e.code, ErrorCode::NoOpenShift);

    t.api
        .call(ShiftOpen {
            float: pos_core::Money::parse_amount("200").unwrap(),
        })
        .unwrap();
    let e = t
        .api
        .call(ShiftOpen {
            float: pos_core::Money::parse_amount("100").unwrap(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ShiftAlreadyOpen);
    for (amount, reason, code) in [
        ("0", "换零钱", ErrorCode::InvalidAmount),
        ("-10", "换零钱", ErrorCode::InvalidAmount),
        ("10", "  ", ErrorCode::ReasonRequired),
        ("999", "存银行", ErrorCode::InvalidAmount),
    ] {
        let e = t
            .api
            .dispatch(
                "shift_cash_move",
                serde_json::json!({ "direction": "out", "amount": amount, "reason": reason }),
                &|_| {},
            )
            .unwrap_err();
        assert_eq!(e.code, code, "{amount} {reason:?}");
    }
    assert_eq!(t.count("SELECT count(*) FROM cash_movement"), 0);
    for count in [
        vec![CountLine {
            denomination: m("100"),
            count: "1O".into(),
        }],
        vec![CountLine {
            denomination: m("100"),
            count: "-2".into(),
        }],
        vec![CountLine {
            denomination: m("3"),
            count: "1".into(),
        }],
        vec![
            CountLine {
                denomination: m("10"),
                count: "1".into(),
            },
            CountLine {
                denomination: m("10"),
                count: "2".into(),
            },
        ],
    ] {
        let e = t.api.call(ShiftClose { count }).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidCount);
    }
    assert_eq!(
        t.count("SELECT count(*) FROM shift WHERE closed_at IS NULL"),
        1
    );
    // Another cashier cannot count or empty someone else's drawer.
    t.login("2001", "2222");
    let e = t.api.call(ShiftClose { count: vec![] }).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("王晓燕"), "{}", e.message);
    t.login("1001", "1111");

    // Cashiers do not close days; a manager cannot close a day with a shift open, a day that
    // has not begun, or a date that is not a date.
    let today = t.api.call(BusinessDate {}).unwrap();
    let e = t
        .api
        .call(DayClose {
            business_date: today.clone(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    t.login("3001", "3333");
    let e = t
        .api
        .call(DayClose {
            business_date: today.clone(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ShiftStillOpen);
    let e = t
        .api
        .call(DayClose {
            business_date: "2099-01-01".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DayNotClosable);
    let e = t
        .api
        .call(DayClose {
            business_date: "11/23".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
    let e = t
        .api
        .call(DayReportGet {
            business_date: today,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DayNotClosable);
    assert_eq!(t.count("SELECT count(*) FROM day_close"), 0);
}

#[test]
fn a_business_day_starting_at_four_keeps_late_sales_on_the_evening_before() {
    let t = Till::demo();
    t.login("3001", "3333");
    t.api
        .call(DaySettingsUpdate {
            settings: pos_core::business_day::DaySettings {
                day_starts_at: "04:00".into(),
            },
        })
        .unwrap();
    // 01:30 on 24 November in Beijing.
    t.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T17:30:00Z")
            .unwrap()
            .into(),
    );
    t.login("1001", "1111");
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    let s = t.pay(&c, vec![cash("10")]).unwrap();
    assert_eq!(s.business_date, "2026-11-23");
    assert!(s.receipt_no.starts_with("20261123"));
}

#[test]
fn a_manager_deactivates_a_leaver_resets_a_pin_and_changes_roles() {
    let t = Till::demo();
    t.login("3001", "3333");
    let staff = t.api.call(StaffList {}).unwrap();
    let id = |no: &str| staff.iter().find(|s| s.staff_no == no).unwrap().id;
    let (cashier, pharmacist, me) = (id("1001"), id("2001"), id("3001"));

    // A leaver cannot log in; their sales stay theirs.
    let info = t
        .api
        .call(StaffSetActive {
            staff_id: cashier,
            active: false,
        })
        .unwrap();
    assert!(!info.active);
    let e = t
        .api
        .call(Login {
            staff_no: "1001".into(),
            pin: "1111".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountInactive);
    t.login("3001", "3333");

    // The last active manager cannot be deactivated or lose the role; nor can one deactivate oneself.
    for e in [
        t.api
            .call(StaffSetActive {
                staff_id: me,
                active: false,
            })
            .unwrap_err(),
        t.api
            .call(StaffSetRoles {
                staff_id: me,
                roles: vec![pos_core::staff::Role::Cashier],
            })
            .unwrap_err(),
    ] {
        assert_eq!(e.code, ErrorCode::LastManager);
    }
    let e = t
        .api
        .call(StaffSetRoles {
            staff_id: pharmacist,
            roles: vec![],
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);

    // A forgotten PIN: the manager sets a new one; a locked account opens again.
    for _ in 0..5 {
        let _ = t.api.call(Login {
            staff_no: "2001".into(),
            pin: "0000".into(),
        });
    }
    t.login("3001", "3333");
    for bad in ["12", "abcd", "123456789"] {
        let e = t
            .api
            .call(StaffResetPin {
                staff_id: pharmacist,
                new_pin: bad.into(),
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidPin, "{bad}");
    }
    t.api
        .call(StaffResetPin {
            staff_id: pharmacist,
            new_pin: "8642".into(),
        })
        .unwrap();
    let info = t
        .api
        .call(StaffSetRoles {
            staff_id: pharmacist,
            roles: vec![
                pos_core::staff::Role::Pharmacist,
                pos_core::staff::Role::Manager,
            ],
        })
        .unwrap();
    assert!(info.has(pos_core::staff::Role::Manager));
    t.login("2001", "8642");
    // Now there are two managers: the first may step down from the role.
    t.api
        .call(StaffSetRoles {
            staff_id: me,
            roles: vec![pos_core::staff::Role::Cashier],
        })
        .unwrap();

    let actions: Vec<String> = t
        .api
        .call(AuditList::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["staff.deactivate", "staff.pin_reset", "staff.roles"] {
        assert!(actions.iter().any(|x| x == a), "audit lacks {a}");
    }
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'staff.updated@1'"),
        3
    );
}

#[test]
fn the_journal_finds_sales_returns_and_cancelled_sales_by_every_filter() {
    use pos_core::sale::journal::{JournalFilter, JournalKind};
    let t = Till::demo();
    t.login("1001", "1111");
    let member = t.member("13912340001", "张三");
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 2).unwrap();
    let with_member = t.attach(&c, member);
    let s1 = t.pay(&with_member, vec![cash("10")]).unwrap();
    t.clock.advance_ms(60_000);
    let c = t.cart();
    let c = t.scan(&c, FENGYOUJING, 1).unwrap();
    let s2 = t.pay(&c, vec![tender(TenderKind::Wechat, "3.00")]).unwrap();
    t.clock.advance_ms(60_000);
    let r = t
        .ret(
            s1.id,
            &[(s1.lines[0].id, 1)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap();
    t.clock.advance_ms(60_000);
    // A sale cancelled at the counter: a reason is required; it cannot be cancelled twice.
    let c = t.cart();
    let c = t.scan(&c, GANMAOLING, 1).unwrap();
    let e = t
        .api
        .call(CartCancel {
            cart_id: c.id,
            reason: " ".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReasonRequired);
    t.api
        .call(CartCancel {
            cart_id: c.id,
            reason: "顾客不要了".into(),
        })
        .unwrap();
    for id in [c.id, s2.id] {
        let e = t
            .api
            .call(CartCancel {
                cart_id: id,
                reason: "再来一次".into(),
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::CartNotFound);
    }
    // The next cart is a new one.
    assert_ne!(t.cart().id, c.id);

    let search = |f: JournalFilter| t.api.call(JournalSearch { filter: f }).unwrap();
    let all = search(JournalFilter::default());
    let kinds: Vec<JournalKind> = all.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        vec![
            JournalKind::Cancelled,
            JournalKind::Return,
            JournalKind::Sale,
            JournalKind::Sale
        ]
    );
    assert_eq!(all[0].reason.as_deref(), Some("顾客不要了"));
    assert_eq!(all[0].amount, m("15.80"));
    assert_eq!(all[0].cashier_name.as_deref(), Some("王晓燕"));
    assert_eq!(all[1].receipt_no.as_deref(), Some(r.receipt_no.as_str()));
    assert_eq!(
        all[1].sale_receipt_no.as_deref(),
        Some(s1.receipt_no.as_str())
    );
    assert_eq!(all[3].member_name.as_deref(), Some("张三"));

    let ids = |rows: Vec<pos_core::sale::journal::JournalRow>| {
        rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    // By receipt number: the sale and the return made against it.
    assert_eq!(
        ids(search(JournalFilter {
            receipt_no: Some(s1.receipt_no.clone()),
            ..Default::default()
        })),
        vec![r.id, s1.id]
    );
    assert_eq!(
        ids(search(JournalFilter {
            product: Some(FENGYOUJING.into()),
            ..Default::default()
        })),
        vec![s2.id]
    );
    assert_eq!(
        ids(search(JournalFilter {
            product: Some("感冒灵".into()),
            ..Default::default()
        })),
        vec![c.id]
    );
    assert_eq!(
        ids(search(JournalFilter {
            tender: Some(TenderKind::Wechat),
            ..Default::default()
        })),
        vec![s2.id]
    );
    assert_eq!(
        ids(search(JournalFilter {
            member_id: Some(member),
            kinds: vec![JournalKind::Sale],
            ..Default::default()
        })),
        vec![s1.id]
    );
    // The member as the manager types them: the phone, or its last 4 digits.
    assert_eq!(
        ids(search(JournalFilter {
            member_query: Some("0001".into()),
            kinds: vec![JournalKind::Sale],
            ..Default::default()
        })),
        vec![s1.id]
    );
    let e = t
        .api
        .call(JournalSearch {
            filter: JournalFilter {
                member_query: Some("13900009999".into()),
                ..Default::default()
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::MemberNotFound);
    assert!(search(JournalFilter {
        from: Some("2026-11-24".into()),
        ..Default::default()
    })
    .is_empty());
    let e = t
        .api
        .call(JournalSearch {
            filter: JournalFilter {
                to: Some("昨天".into()),
                ..Default::default()
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
}

#[test]
fn a_rules_change_is_previewed_before_it_is_saved() {
    let t = Till::demo();
    t.login("1001", "1111");
    // Three members: one spends about 1 225 (silver by default from 1 000), one 7, one nothing.
    let big = t.member("13912340011", "大客户");
    let small = t.member("13912340012", "小客户");
    t.member("13912340013", "新客户");
    for (m, n) in [(big, 350), (small, 2)] {
        let c = t.cart();
        let c = t.scan(&c, PLAIN_3_50, n).unwrap();
        let c = t.attach(&c, m);
        let due = c.pricing.payable;
        t.pay(&c, vec![cash(&due.to_string())]).unwrap();
    }
    t.login("3001", "3333");
    let now = t.api.call(RulesGet {}).unwrap();
    let mut proposed = now.clone();
    // Silver from 2 000 instead of 1 000; 抹零 on; 200 points per yuan instead of 100.
    proposed.tiers[1].threshold = m("2000.00");
    proposed.drop_small_change = !now.drop_small_change;
    proposed.points_per_yuan = now.points_per_yuan * 2;
    proposed.dormant_days = 60;
    proposed.refill_reminder_days_before = 5;
    let p = t
        .api
        .call(RulesPreviewArgs {
            rules: proposed.clone(),
        })
        .unwrap();
    let count = |tier: pos_core::rules::Tier| {
        let c = p.tiers.iter().find(|c| c.tier == tier).unwrap();
        (c.now, c.proposed)
    };
    let spend_big: i64 = t.count(&format!(
        "SELECT sum(net_fen) FROM member_spend WHERE member_id = '{big}'"
    ));
    let now_tier = now.tier_for(Money::from_fen(spend_big));
    let new_tier = proposed.tier_for(Money::from_fen(spend_big));
    assert!(now_tier > new_tier, "the big spender should drop a tier");
    assert_eq!(p.members_moving_down, 1);
    assert_eq!(p.members_moving_up, 0);
    assert_eq!(count(new_tier).1, count(new_tier).0 + 1);
    assert_eq!(p.tiers.iter().map(|c| c.now).sum::<i64>(), 3);
    assert!(
        p.changes.iter().any(|c| c.contains("抹零")),
        "{:?}",
        p.changes
    );
    assert!(
        p.changes.iter().any(|c| c.contains("积分抵现")),
        "{:?}",
        p.changes
    );
    // The member programme's and the follow-ups' settings are listed too.
    for want in [
        "沉睡会员（未消费天数）：90 → 60",
        "续药提醒（用完前几天）：3 → 5",
    ] {
        assert!(
            p.changes.iter().any(|c| c == want),
            "{want}: {:?}",
            p.changes
        );
    }
    assert_eq!(p.points_value_proposed.fen() * 2, p.points_value_now.fen());
    // The non-member example shows 抹零: its amount drops to whole 角 under the proposed rules.
    let ex = &p.examples[0];
    assert_eq!(ex.payable_proposed.fen() % 10, 0);
    assert!(ex.payable_now != ex.payable_proposed);
    assert_eq!(p.next_member_days.len(), 3);
    // Nothing was saved.
    assert_eq!(t.api.call(RulesGet {}).unwrap(), now);
    // Rules that make no sense are refused in the preview too.
    let mut bad = now.clone();
    bad.tiers[2].threshold = m("1.00");
    let e = t.api.call(RulesPreviewArgs { rules: bad }).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRules);
}

/// A plain product (3.50) that earns points and takes member pricing.
const PLAIN_3_50: &str = PARACETAMOL;
