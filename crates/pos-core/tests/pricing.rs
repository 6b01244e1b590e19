//! The pricing engine, one case per line: every default rule of PRODUCT.md §4 (1–9) and their
//! combinations, plus properties that must hold for any basket.

use chrono::NaiveDate;
use pos_core::clock::FixedClock;
use pos_core::ids::{CouponId, LineId, ProductId};
use pos_core::pricing::{
    allocate, points_earned, price, settle, CouponOutcome, CouponTerms, CouponValue, LineRule,
    PriceLine, Pricing, PricingInput, Tender, TenderKind,
};
use pos_core::rules::{BonusPointsProduct, BusinessRules, Tier};
use pos_core::{ErrorCode, Money};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn m(s: &str) -> Money {
    Money::parse_amount(s).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn id() -> LineId {
    LineId::new(&FixedClock::at("2026-11-23T02:00:00Z"))
}

/// A line: price and quantity; flags default to discountable, points-earning, not 医保.
#[derive(Clone)]
struct L(PriceLine);

fn l(price: &str, qty: u32) -> L {
    L(PriceLine {
        line_id: id(),
        unit_price: m(price),
        quantity: qty,
        member_discount: true,
        points: true,
        insurance: false,
        override_price: None,
        product_id: ProductId::new(&FixedClock::at("2026-11-23T02:00:00Z")),
        category: "其他".into(),
        barcode: String::new(),
    })
}

impl L {
    fn no_discount(mut self) -> L {
        self.0.member_discount = false;
        self
    }
    fn no_points(mut self) -> L {
        self.0.points = false;
        self
    }
    fn insurance(mut self) -> L {
        self.0.insurance = true;
        self
    }
    fn overridden(mut self, p: &str) -> L {
        self.0.override_price = Some(m(p));
        self
    }
    fn category(mut self, c: &str) -> L {
        self.0.category = c.into();
        self
    }
    fn barcode(mut self, b: &str) -> L {
        self.0.barcode = b.into();
        self
    }
}

const ORDINARY_DAY: &str = "2026-11-23";
const MEMBER_DAY: &str = "2026-11-11";

struct Case<'a> {
    lines: Vec<L>,
    tier: Option<Tier>,
    date: &'a str,
    coupon: Option<(&'a str, &'a str)>,
    points: (i64, i64),
    drop_small_change: bool,
    terms: Option<CouponTerms>,
    day_points: &'a str,
    bonus: Vec<(&'a str, &'a str)>,
}

fn case(lines: Vec<L>, tier: Option<Tier>) -> Case<'static> {
    Case {
        lines,
        tier,
        date: ORDINARY_DAY,
        coupon: None,
        points: (0, 0),
        drop_small_change: false,
        terms: None,
        day_points: "1",
        bonus: vec![],
    }
}

impl<'a> Case<'a> {
    fn on(mut self, date: &'a str) -> Self {
        self.date = date;
        self
    }
    fn coupon(mut self, face: &'a str, min: &'a str) -> Self {
        self.coupon = Some((face, min));
        self
    }
    fn points(mut self, asked: i64, available: i64) -> Self {
        self.points = (asked, available);
        self
    }
    fn drop_change(mut self) -> Self {
        self.drop_small_change = true;
        self
    }
    /// A coupon of any kind (percent, cap, limits).
    fn terms(mut self, t: CouponTerms) -> Self {
        self.terms = Some(t);
        self
    }
    /// `member_day_points_multiplier` and the bonus-points products (barcode, multiplier).
    fn points_rules(mut self, day: &'a str, bonus: Vec<(&'a str, &'a str)>) -> Self {
        self.day_points = day;
        self.bonus = bonus;
        self
    }
    fn rules(&self) -> BusinessRules {
        BusinessRules {
            drop_small_change: self.drop_small_change,
            member_day_points_multiplier: dec(self.day_points),
            bonus_points_products: self
                .bonus
                .iter()
                .map(|(b, x)| BonusPointsProduct {
                    barcode: (*b).into(),
                    multiplier: dec(x),
                })
                .collect(),
            ..BusinessRules::default()
        }
    }
    fn run(&self) -> Pricing {
        let rules = self.rules();
        let lines: Vec<PriceLine> = self.lines.iter().map(|l| l.0.clone()).collect();
        price(&PricingInput {
            lines: &lines,
            tier: self.tier,
            coupon: self.terms.clone().or(self.coupon.map(|(face, min)| {
                CouponTerms::amount(
                    CouponId::new(&FixedClock::at("2026-11-23T02:00:00Z")),
                    m(face),
                    m(min),
                )
            })),
            points_asked: self.points.0,
            points_available: self.points.1,
            rules: &rules,
            date: NaiveDate::parse_from_str(self.date, "%Y-%m-%d").unwrap(),
        })
    }
}

use Tier::*;

/// (case, payable, points used, line final nets)
#[test]
fn every_default_rule_one_line_each() {
    let cases: Vec<(&str, Case, &str, i64, Vec<&str>)> = vec![
        (
            "non-member pays the catalog price",
            case(vec![l("12.80", 2), l("3.50", 1)], None),
            "29.10",
            0,
            vec!["25.60", "3.50"],
        ),
        (
            "普通 rate 1.00",
            case(vec![l("100.00", 1)], Some(Normal)),
            "100.00",
            0,
            vec!["100.00"],
        ),
        (
            "银卡 rate 0.98",
            case(vec![l("100.00", 1)], Some(Silver)),
            "98.00",
            0,
            vec!["98.00"],
        ),
        (
            "金卡 0.95, half-up",
            case(vec![l("33.33", 1)], Some(Gold)),
            "31.66",
            0,
            vec!["31.66"],
        ),
        (
            "钻石 0.90, 11.115 rounds up",
            case(vec![l("12.35", 1)], Some(Diamond)),
            "11.12",
            0,
            vec!["11.12"],
        ),
        (
            "rate applies to price × quantity",
            case(vec![l("3.35", 3)], Some(Gold)),
            "9.55",
            0,
            vec!["9.55"],
        ),
        (
            "member day beats 银卡",
            case(vec![l("100.00", 1)], Some(Silver)).on(MEMBER_DAY),
            "90.00",
            0,
            vec!["90.00"],
        ),
        (
            "member day and 钻石 do not stack",
            case(vec![l("100.00", 1)], Some(Diamond)).on(MEMBER_DAY),
            "90.00",
            0,
            vec!["90.00"],
        ),
        (
            "member day means nothing to a non-member",
            case(vec![l("100.00", 1)], None).on(MEMBER_DAY),
            "100.00",
            0,
            vec!["100.00"],
        ),
        (
            "non-discountable line keeps its price",
            case(vec![l("50.00", 1).no_discount(), l("10.00", 1)], Some(Gold)),
            "59.50",
            0,
            vec!["50.00", "9.50"],
        ),
        (
            "override removes member pricing",
            case(vec![l("50.00", 1).overridden("40.00")], Some(Diamond)),
            "40.00",
            0,
            vec!["40.00"],
        ),
        (
            "coupon minimum not met",
            case(vec![l("30.00", 1)], Some(Silver)).coupon("10.00", "50.00"),
            "29.40",
            0,
            vec!["29.40"],
        ),
        (
            "coupon minimum met on the eligible net",
            case(vec![l("60.00", 1)], Some(Silver)).coupon("10.00", "50.00"),
            "48.80",
            0,
            vec!["48.80"],
        ),
        (
            "coupon minimum ignores non-discountable lines",
            case(
                vec![l("40.00", 1), l("40.00", 1).no_discount()],
                Some(Normal),
            )
            .coupon("10.00", "50.00"),
            "80.00",
            0,
            vec!["40.00", "40.00"],
        ),
        (
            "coupon larger than the eligible net",
            case(
                vec![l("2.00", 1), l("10.00", 1).no_discount()],
                Some(Normal),
            )
            .coupon("3.00", "0"),
            "10.00",
            0,
            vec!["0.00", "10.00"],
        ),
        (
            "coupon is members only",
            case(vec![l("60.00", 1)], None).coupon("10.00", "0"),
            "60.00",
            0,
            vec!["60.00"],
        ),
        (
            "coupon spread by line net, remainder to the first largest",
            case(
                vec![l("10.00", 1), l("10.00", 1), l("10.00", 1)],
                Some(Normal),
            )
            .coupon("10.00", "0"),
            "20.00",
            0,
            vec!["6.66", "6.67", "6.67"],
        ),
        (
            "points capped at 50 % in whole yuan",
            case(vec![l("45.60", 1)], Some(Normal)).points(5000, 5000),
            "23.60",
            2200,
            vec!["23.60"],
        ),
        (
            "points in whole hundreds",
            case(vec![l("45.60", 1)], Some(Normal)).points(250, 5000),
            "43.60",
            200,
            vec!["43.60"],
        ),
        (
            "points limited by the balance",
            case(vec![l("45.60", 1)], Some(Normal)).points(1000, 150),
            "44.60",
            100,
            vec!["44.60"],
        ),
        (
            "points after the coupon",
            case(vec![l("60.00", 1)], Some(Normal))
                .coupon("20.00", "0")
                .points(10_000, 10_000),
            "20.00",
            2000,
            vec!["20.00"],
        ),
        (
            "no points for non-members",
            case(vec![l("45.60", 1)], None).points(1000, 1000),
            "45.60",
            0,
            vec!["45.60"],
        ),
        (
            "points spread over all lines by what is left",
            case(
                vec![l("30.00", 1), l("10.00", 1).no_discount()],
                Some(Normal),
            )
            .coupon("10.00", "0")
            .points(1500, 1500),
            "15.00",
            1500,
            vec!["10.00", "5.00"],
        ),
        (
            "抹零 off keeps the fen",
            case(vec![l("23.68", 1)], None),
            "23.68",
            0,
            vec!["23.68"],
        ),
        (
            "抹零 on drops to 0.10",
            case(vec![l("23.68", 1)], None).drop_change(),
            "23.60",
            0,
            vec!["23.60"],
        ),
        (
            "抹零 after coupon and points",
            case(vec![l("20.00", 1), l("7.37", 1)], Some(Normal))
                .coupon("3.00", "0")
                .points(1000, 1000)
                .drop_change(),
            "14.30",
            1000,
            vec!["10.45", "3.85"],
        ),
        (
            "everything at once on a member day",
            case(
                vec![
                    l("88.80", 2),
                    l("15.50", 1).no_discount(),
                    l("9.90", 3).insurance(),
                ],
                Some(Gold),
            )
            .on(MEMBER_DAY)
            .coupon("10.00", "100.00")
            .points(3000, 2500)
            .drop_change(),
            "167.00",
            2500,
            vec!["131.53", "13.47", "22.00"],
        ),
    ];
    for (name, c, payable, points_used, finals) in cases {
        let p = c.run();
        let got: Vec<String> = p.lines.iter().map(|l| l.final_net.to_string()).collect();
        assert_eq!(
            (
                p.payable.to_string().as_str(),
                p.points_used,
                got.iter().map(String::as_str).collect::<Vec<_>>()
            ),
            (payable, points_used, finals),
            "{name}"
        );
        assert_eq!(
            p.lines.iter().map(|l| l.final_net).sum::<Money>(),
            p.payable,
            "{name}: Σ final nets"
        );
    }
}

#[test]
fn each_line_says_which_rule_priced_it() {
    let p = case(
        vec![
            l("10.00", 1),
            l("10.00", 1).no_discount(),
            l("10.00", 1).overridden("8.00"),
        ],
        Some(Silver),
    )
    .on(MEMBER_DAY)
    .run();
    let rules: Vec<LineRule> = p.lines.iter().map(|l| l.rule).collect();
    assert_eq!(
        rules,
        [
            LineRule::MemberDay,
            LineRule::NotDiscountable,
            LineRule::Override
        ]
    );
    assert_eq!(p.lines[0].rate.to_string(), "0.90");
    assert!(p.member_day);
    assert_eq!(p.discounts.member_day.to_string(), "1.00");
    assert_eq!(p.discounts.manual.to_string(), "2.00");
    assert_eq!(p.discounts.tier, Money::ZERO);
    // Only the member-priced line counts towards a coupon's minimum.
    assert_eq!(p.coupon_eligible_net.to_string(), "9.00");
    let on_tier = case(vec![l("10.00", 1)], Some(Silver)).run();
    assert_eq!(on_tier.lines[0].rule, LineRule::Tier);
    assert_eq!(on_tier.discounts.tier.to_string(), "0.20");
    let nm = case(vec![l("10.00", 1)], None).run();
    assert_eq!(nm.lines[0].rule, LineRule::NonMember);
}

#[test]
fn the_coupon_outcome_is_explained() {
    let p = case(vec![l("30.00", 1)], Some(Silver))
        .coupon("10.00", "50.00")
        .run();
    let c = p.coupon.unwrap();
    assert_eq!(c.outcome, CouponOutcome::MinimumNotMet);
    assert_eq!(c.eligible_net.to_string(), "29.40");
    assert_eq!(c.deduction, Money::ZERO);
    let p = case(vec![l("2.00", 1)], Some(Normal))
        .coupon("3.00", "0")
        .run();
    let c = p.coupon.unwrap();
    assert_eq!(
        (c.outcome, c.deduction.to_string()),
        (CouponOutcome::Applied, "2.00".into())
    );
    assert_eq!(
        case(vec![l("30.00", 1)], None)
            .coupon("1.00", "0")
            .run()
            .coupon
            .unwrap()
            .outcome,
        CouponOutcome::NoMember
    );
}

#[test]
fn points_cap_is_shown_even_when_fewer_are_asked() {
    let p = case(vec![l("45.60", 1)], Some(Normal))
        .points(0, 5000)
        .run();
    assert_eq!((p.points_max, p.points_used), (2200, 0));
    let p = case(vec![l("45.60", 1)], Some(Normal))
        .points(0, 1234)
        .run();
    assert_eq!(p.points_max, 1200);
}

#[test]
fn insurance_cap_and_points_earned_on_insurance_sales() {
    let p = case(vec![l("100.00", 1).insurance(), l("50.00", 1)], Some(Gold)).run();
    // 95.00 + 47.50
    assert_eq!(p.insurance_cap.to_string(), "95.00");
    let rules = BusinessRules::default();
    // base 142.50 − 医保 40.00 = 102.50 × 1.5 = 153.75 → 153
    assert_eq!(points_earned(&p, m("40.00"), Some(Gold), &rules), 153);
    assert_eq!(points_earned(&p, Money::ZERO, Some(Gold), &rules), 213);
    assert_eq!(points_earned(&p, m("95.00"), Some(Normal), &rules), 47);
    assert_eq!(
        points_earned(&p, Money::ZERO, None, &rules),
        0,
        "non-members earn nothing"
    );
    // Lines that do not earn points are not in the base; the base never goes below 0.
    let p = case(
        vec![l("100.00", 1).insurance().no_points(), l("20.00", 1)],
        Some(Diamond),
    )
    .run();
    assert_eq!(points_earned(&p, Money::ZERO, Some(Diamond), &rules), 36);
}

/// The three rules PRODUCT.md §4 made precise, one table each.
#[test]
fn rule_9_spreads_insurance_over_the_listed_lines_only() {
    let rules = BusinessRules::default();
    // (lines, 医保 paid, tier, points): 医保 paying for a line that earns no points takes
    // nothing off what the member paid in cash for the others.
    let cases: Vec<(Vec<L>, &str, Tier, i64)> = vec![
        // 100.00 no-points 医保 line (90.00 at 钻石) + 20.00 cash line (18.00): 18 × 2.0.
        (
            vec![l("100.00", 1).insurance().no_points(), l("20.00", 1)],
            "90.00",
            Diamond,
            36,
        ),
        // 医保 over two listed lines 60/40 by final net: 50.00 → 30.00 / 20.00; only the second
        // earns: 40.00 − 20.00 = 20.00 (普通 ×1.0).
        (
            vec![
                l("60.00", 1).insurance().no_points(),
                l("40.00", 1).insurance(),
            ],
            "50.00",
            Normal,
            20,
        ),
        // A listed line fully paid by 医保 earns nothing; the unlisted line earns its net.
        (
            vec![l("30.00", 1).insurance(), l("10.00", 1)],
            "30.00",
            Normal,
            10,
        ),
        // Shares rounded half-up, the remainder to the largest line: 0.03 over 1.00/2.00 →
        // 0.01/0.02; the 2.00 line earns on 1.98 → 1 point, the 1.00 no-points line none.
        (
            vec![
                l("1.00", 1).insurance().no_points(),
                l("2.00", 1).insurance(),
            ],
            "0.03",
            Normal,
            1,
        ),
    ];
    for (i, (lines, paid, tier, want)) in cases.into_iter().enumerate() {
        let p = case(lines, Some(tier)).run();
        assert_eq!(
            points_earned(&p, m(paid), Some(tier), &rules),
            want,
            "case {i}"
        );
        let shares = pos_core::pricing::insurance_shares(&p, m(paid));
        assert_eq!(
            shares.iter().copied().sum::<Money>(),
            m(paid),
            "case {i}: Σ shares = 医保"
        );
        for (s, line) in shares.iter().zip(&p.lines) {
            assert!(
                *s <= line.final_net && (line.insurance || s.fen() == 0),
                "case {i}"
            );
        }
    }
}

#[test]
fn rule_4_a_coupon_that_would_take_off_nothing_is_not_applied() {
    // Only a non-discountable line (no eligible net): the coupon is not applied, nothing is
    // deducted, and checkout keeps it for the member (see checkout tests).
    let p = case(vec![l("590.00", 1).no_discount()], Some(Gold))
        .coupon("3.00", "0.00")
        .run();
    let cp = p.coupon.as_ref().unwrap();
    assert_eq!(cp.outcome, CouponOutcome::NothingToDeduct);
    assert_eq!(
        (cp.deduction, p.discounts.coupon),
        (Money::ZERO, Money::ZERO)
    );
    assert_eq!(p.payable, m("590.00"));
    // With one eligible line the same coupon is applied.
    let p = case(vec![l("590.00", 1).no_discount(), l("3.50", 1)], Some(Gold))
        .coupon("3.00", "0.00")
        .run();
    assert_eq!(p.coupon.as_ref().unwrap().outcome, CouponOutcome::Applied);
    assert_eq!(p.discounts.coupon, m("3.00"));
}

#[test]
fn rule_7_a_remainder_that_does_not_fit_goes_to_the_next_largest_base() {
    // (amount, bases, shares): no share below 0 or above its base.
    let cases: &[(i64, &[i64], &[i64])] = &[
        // Half-up shares 2+2+2 = 6 > 5: the −1 comes off the largest (first on a tie).
        (5, &[2, 2, 2], &[1, 2, 2]),
        // Half-up shares 1+1+1+1 = 4 > 2: the first line can give back only 1, the rest of the
        // remainder does not fit there and moves on to the next largest.
        (2, &[1, 1, 1, 1], &[0, 0, 1, 1]),
        (2, &[3, 3, 3, 3], &[0, 0, 1, 1]),
        (7, &[3, 3, 1], &[3, 3, 1]),
        // A zero base takes nothing, whatever the remainder.
        (3, &[0, 2, 1], &[0, 2, 1]),
    ];
    for (amount, bases, want) in cases {
        let got = allocate(*amount, bases);
        assert_eq!(&got, want, "allocate({amount}, {bases:?})");
        assert_eq!(got.iter().sum::<i64>(), *amount);
        for (s, b) in got.iter().zip(bases.iter()) {
            assert!(*s >= 0 && s <= b);
        }
    }
}

fn t(kind: TenderKind, amount: &str) -> Tender {
    Tender {
        kind,
        amount: m(amount),
        settlement_no: (kind == TenderKind::Insurance).then(|| "YB20261123001".to_owned()),
        reference: None,
    }
}

#[test]
fn split_tenders_with_change_and_the_refusals() {
    use TenderKind::*;
    let p = case(vec![l("100.00", 1).insurance(), l("23.60", 1)], None).run();
    assert_eq!(p.payable.to_string(), "123.60");
    let s = settle(
        &p,
        &[t(Insurance, "60.00"), t(Wechat, "10.00"), t(Cash, "60.00")],
    )
    .unwrap();
    assert_eq!(
        (s.change.to_string(), s.insurance.to_string()),
        ("6.40".into(), "60.00".into())
    );
    let s = settle(&p, &[t(Card, "123.60")]).unwrap();
    assert_eq!(s.change, Money::ZERO);

    let code = |tenders: &[Tender]| settle(&p, tenders).unwrap_err().code;
    assert_eq!(code(&[t(Cash, "100.00")]), ErrorCode::TenderShort);
    assert_eq!(code(&[]), ErrorCode::TenderShort);
    assert_eq!(
        code(&[t(Wechat, "200.00")]),
        ErrorCode::InvalidTender,
        "only cash may exceed"
    );
    assert_eq!(
        code(&[t(Insurance, "100.01"), t(Cash, "30")]),
        ErrorCode::InsuranceOverCap
    );
    assert_eq!(
        code(&[t(Cash, "0.00"), t(Card, "123.60")]),
        ErrorCode::InvalidTender
    );
    let no_settlement = Tender {
        settlement_no: None,
        reference: None,
        ..t(Insurance, "10.00")
    };
    assert_eq!(
        code(&[no_settlement, t(Cash, "200")]),
        ErrorCode::InvalidTender
    );
}

#[test]
fn allocation_rounds_half_up_and_gives_the_remainder_to_the_largest() {
    assert_eq!(allocate(1000, &[1000, 1000, 1000]), [334, 333, 333]);
    assert_eq!(allocate(1000, &[500, 2000, 500]), [167, 666, 167]);
    assert_eq!(allocate(3, &[1, 1, 1]), [1, 1, 1]);
    assert_eq!(allocate(0, &[5, 5]), [0, 0]);
    assert_eq!(allocate(3, &[0, 0]), [0, 0]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_basket_balances(
        lines in prop::collection::vec((1i64..100_000, 1u32..20, any::<bool>(), any::<bool>(), any::<bool>(), prop::option::of(0i64..100_000)), 1..8),
        tier in prop::option::of(0usize..4),
        member_day in any::<bool>(),
        coupon in prop::option::of((1i64..5_000, 0i64..20_000)),
        points in (0i64..50_000, 0i64..50_000),
        drop in any::<bool>(),
    ) {
        let ls: Vec<L> = lines.iter().map(|(p, q, d, pts, ins, ov)| {
            let mut x = l(&Money::from_fen(*p).to_string(), *q);
            x.0.member_discount = *d;
            x.0.points = *pts;
            x.0.insurance = *ins;
            x.0.override_price = ov.filter(|_| p % 5 == 0).map(Money::from_fen);
            x
        }).collect();
        let face = coupon.map(|(f, _)| Money::from_fen(f).to_string());
        let min = coupon.map(|(_, mn)| Money::from_fen(mn).to_string());
        let mut c = case(ls, tier.map(|i| Tier::ALL[i]));
        if member_day { c = c.on(MEMBER_DAY); }
        if let (Some(f), Some(mn)) = (&face, &min) { c = c.coupon(f, mn); }
        c = c.points(points.0, points.1);
        if drop { c = c.drop_change(); }
        let p = c.run();
        let sum: Money = p.lines.iter().map(|l| l.final_net).sum();
        prop_assert_eq!(sum, p.payable, "Σ final nets = payable");
        prop_assert!(p.payable.fen() >= 0);
        for l in &p.lines {
            prop_assert!(l.coupon_share.fen() >= 0 && l.points_share.fen() >= 0 && l.small_change_share.fen() >= 0);
            prop_assert!(l.final_net.fen() >= 0, "final net {} < 0", l.final_net);
        }
        let shares = |f: fn(&pos_core::pricing::PricedLine) -> Money| p.lines.iter().map(f).sum::<Money>();
        prop_assert_eq!(shares(|l| l.coupon_share), p.discounts.coupon);
        prop_assert_eq!(shares(|l| l.points_share), p.discounts.points);
        prop_assert_eq!(shares(|l| l.small_change_share), p.discounts.small_change);
        prop_assert!(p.points_used % 100 == 0 && p.points_used <= points.1.max(0));
        prop_assert!(p.insurance_cap <= p.payable);
        if drop { prop_assert_eq!(p.payable.fen() % 10, 0); }
    }

    #[test]
    fn allocation_is_never_negative_nor_above_its_base(
        bases in prop::collection::vec(0i64..1_000_000, 1..10),
        frac in 0.0f64..=1.0,
    ) {
        let total: i64 = bases.iter().sum();
        let amount = (total as f64 * frac) as i64;
        let shares = allocate(amount, &bases);
        prop_assert_eq!(shares.iter().sum::<i64>(), if total > 0 { amount } else { 0 });
        for (s, b) in shares.iter().zip(&bases) {
            prop_assert!(*s >= 0 && s <= b, "share {} of base {}", s, b);
        }
    }
}

// ---- Issue 10: coupon kinds (percent off, cap, limited to products or categories) ----

/// A percent coupon: `percent` off, an optional cap, a minimum, limited to `categories`.
fn pct(percent: u32, cap: Option<&str>, min: &str, categories: &[&str]) -> CouponTerms {
    CouponTerms {
        value: CouponValue::Percent {
            percent,
            cap: cap.map(m),
        },
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        ..CouponTerms::amount(
            CouponId::new(&FixedClock::at("2026-11-23T02:00:00Z")),
            Money::ZERO,
            m(min),
        )
    }
}

/// A fixed coupon limited to `categories`.
fn fixed(face: &str, min: &str, categories: &[&str]) -> CouponTerms {
    CouponTerms {
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        ..CouponTerms::amount(
            CouponId::new(&FixedClock::at("2026-11-23T02:00:00Z")),
            m(face),
            m(min),
        )
    }
}

/// (what, case, outcome, deduction, payable, coupon shares line by line).
type CouponCase<'a> = (
    &'a str,
    Case<'a>,
    CouponOutcome,
    &'a str,
    &'a str,
    Vec<&'a str>,
);

/// Every case also checks Σ final nets = payable and that no line outside the coupon's reach
/// carries any of it.
#[test]
fn coupon_kinds_percent_cap_and_limits() {
    use CouponOutcome::*;
    let cold = "感冒类";
    let cases: Vec<CouponCase> = vec![
        (
            "10 % of 12.35 = 1.235 → 1.24 (half up)",
            case(vec![l("12.35", 1)], Some(Normal)).terms(pct(10, None, "0", &[])),
            Applied,
            "1.24",
            "11.11",
            vec!["1.24"],
        ),
        (
            "10 % of 12.25 = 1.225 → 1.23 (half up, not to even)",
            case(vec![l("12.25", 1)], Some(Normal)).terms(pct(10, None, "0", &[])),
            Applied,
            "1.23",
            "11.02",
            vec!["1.23"],
        ),
        (
            "on the member's net: 金卡 95折 40.00 → 38.00, 15 % = 5.70",
            case(vec![l("40.00", 1)], Some(Gold)).terms(pct(15, None, "0", &[])),
            Applied,
            "5.70",
            "32.30",
            vec!["5.70"],
        ),
        (
            "the cap: 15 % of 50.00 = 7.50, capped at 5.00",
            case(vec![l("50.00", 1)], Some(Normal)).terms(pct(15, Some("5.00"), "0", &[])),
            Applied,
            "5.00",
            "45.00",
            vec!["5.00"],
        ),
        (
            "a cap above the percent changes nothing",
            case(vec![l("50.00", 1)], Some(Normal)).terms(pct(15, Some("20.00"), "0", &[])),
            Applied,
            "7.50",
            "42.50",
            vec!["7.50"],
        ),
        (
            "limited to 感冒类: 10 % of 30.00 + 10.00 only; the 60.00 vitamin line carries none",
            case(
                vec![
                    l("30.00", 1).category(cold),
                    l("60.00", 1).category("维生素"),
                    l("10.00", 1).category(cold),
                ],
                Some(Normal),
            )
            .terms(pct(10, None, "30.00", &[cold])),
            Applied,
            "4.00",
            "96.00",
            vec!["3.00", "0.00", "1.00"],
        ),
        (
            "the minimum is compared with the limited lines' net: 40.00 < 50.00 (all lines 100.00)",
            case(
                vec![
                    l("30.00", 1).category(cold),
                    l("60.00", 1).category("维生素"),
                    l("10.00", 1).category(cold),
                ],
                Some(Normal),
            )
            .terms(pct(10, None, "50.00", &[cold])),
            MinimumNotMet,
            "0.00",
            "100.00",
            vec!["0.00", "0.00", "0.00"],
        ),
        (
            "满 0 减 1.00 limited: 0.33 each, the remainder to the first of the tied largest",
            case(
                vec![
                    l("5.00", 1).category("维生素"),
                    l("1.00", 1).category(cold),
                    l("1.00", 1).category(cold),
                    l("1.00", 1).category(cold),
                ],
                Some(Normal),
            )
            .terms(fixed("1.00", "0", &[cold])),
            Applied,
            "1.00",
            "7.00",
            vec!["0.00", "0.34", "0.33", "0.33"],
        ),
        (
            "a fixed face larger than the limited net takes that net only",
            case(
                vec![l("2.50", 1).category(cold), l("40.00", 1)],
                Some(Normal),
            )
            .terms(fixed("10.00", "0", &[cold])),
            Applied,
            "2.50",
            "40.00",
            vec!["2.50", "0.00"],
        ),
        (
            "limited to a category the basket does not hold: 0.00, not applied (even with a minimum)",
            case(vec![l("60.00", 1).category("维生素")], Some(Normal))
                .terms(pct(10, None, "50.00", &[cold])),
            NothingToDeduct,
            "0.00",
            "60.00",
            vec!["0.00"],
        ),
        (
            "the category is there but special-price (no member pricing): not applied",
            case(
                vec![l("30.00", 1).category(cold).no_discount(), l("20.00", 1)],
                Some(Normal),
            )
            .terms(fixed("5.00", "0", &[cold])),
            NothingToDeduct,
            "0.00",
            "50.00",
            vec!["0.00", "0.00"],
        ),
        (
            "1 % of 0.40 = 0.004 → 0.00: not applied",
            case(vec![l("0.40", 1)], Some(Normal)).terms(pct(1, None, "0", &[])),
            NothingToDeduct,
            "0.00",
            "0.40",
            vec!["0.00"],
        ),
    ];
    for (what, c, outcome, deduction, payable, shares) in cases {
        let p = c.run();
        let cp = p.coupon.as_ref().unwrap();
        assert_eq!(cp.outcome, outcome, "{what}");
        assert_eq!(cp.deduction, m(deduction), "{what}");
        assert_eq!(p.discounts.coupon, m(deduction), "{what}");
        assert_eq!(p.payable, m(payable), "{what}");
        let got: Vec<String> = p.lines.iter().map(|l| l.coupon_share.to_string()).collect();
        assert_eq!(got, shares, "{what}");
        assert_eq!(
            p.lines.iter().map(|l| l.final_net).sum::<Money>(),
            p.payable,
            "{what}: Σ final nets = payable"
        );
    }
}

#[test]
fn a_coupon_limited_to_products_reaches_those_products_only() {
    let a = l("20.00", 1);
    let b = l("30.00", 2);
    let mut t = fixed("10.00", "50.00", &[]);
    t.products = vec![b.0.product_id];
    // Only b counts for the minimum (60.00 ≥ 50.00) and carries the whole coupon.
    let p = case(vec![a.clone(), b.clone()], Some(Normal))
        .terms(t.clone())
        .run();
    assert_eq!(p.coupon.as_ref().unwrap().eligible_net, m("60.00"));
    assert_eq!(p.lines[0].coupon_share, Money::ZERO);
    assert_eq!(p.lines[1].coupon_share, m("10.00"));
    assert_eq!(p.payable, m("70.00"));
    // A manager's price takes the line out of the coupon's reach, whatever its scope.
    let p = case(vec![a, b.overridden("25.00")], Some(Normal))
        .terms(t)
        .run();
    assert_eq!(
        p.coupon.as_ref().unwrap().outcome,
        CouponOutcome::NothingToDeduct
    );
}

// ---- Issue 10: member-day and bonus-points multipliers (rule 9) ----

/// (what, case, tier, points): per line base × tier × day × product multiplier, summed, then
/// floored once. Each expected value is worked out by hand in the comment above it.
#[test]
fn points_on_member_days_and_bonus_products() {
    let vc = "6901234567892";
    let cases: Vec<(&str, Case, Tier, i64)> = vec![
        // Defaults (×1 day, no bonus): 金卡 member day 0.90: 100.00 → 90.00 × 1.5 = 135.
        (
            "defaults change nothing",
            case(vec![l("100.00", 1)], Some(Gold)).on(MEMBER_DAY),
            Gold,
            135,
        ),
        // Double points on a member day: 90.00 × 1.5 × 2 = 270.
        (
            "会员日双倍积分",
            case(vec![l("100.00", 1)], Some(Gold))
                .on(MEMBER_DAY)
                .points_rules("2", vec![]),
            Gold,
            270,
        ),
        // Not a member day: the day multiplier does not apply: 95.00 × 1.5 = 142.5 → 142.
        (
            "an ordinary day earns ×1",
            case(vec![l("100.00", 1)], Some(Gold)).points_rules("2", vec![]),
            Gold,
            142,
        ),
        // A bonus product ×3 beside an ordinary line, 普通, ordinary day:
        // 20.00 × 3 + 15.50 × 1 = 75.50 → 75.
        (
            "a bonus-points product",
            case(vec![l("20.00", 1).barcode(vc), l("15.50", 1)], Some(Normal))
                .points_rules("1", vec![(vc, "3")]),
            Normal,
            75,
        ),
        // Everything together, 金卡 on a member day (0.90): 33.33 → 30.00 (29.997), 10.01 →
        // 9.01 (9.009); (30.00 × 3 + 9.01) × 1.5 × 2 = 99.01 × 3 = 297.03 → 297.
        (
            "tier × member day × bonus product",
            case(vec![l("33.33", 1).barcode(vc), l("10.01", 1)], Some(Gold))
                .on(MEMBER_DAY)
                .points_rules("2", vec![(vc, "3")]),
            Gold,
            297,
        ),
        // Floored once on the sum, not per line: 1.30 × 1.5 = 1.95 and 1.30 × 1 = 1.30 make
        // 3.25 → 3 (per line it would be 1 + 1 = 2).
        (
            "floor once",
            case(vec![l("1.30", 1).barcode(vc), l("1.30", 1)], Some(Normal))
                .points_rules("1", vec![(vc, "1.5")]),
            Normal,
            3,
        ),
        // A bonus product that earns no points still earns none: only 10.00 × 1 = 10.
        (
            "no-points product ignores its bonus",
            case(
                vec![l("50.00", 1).barcode(vc).no_points(), l("10.00", 1)],
                Some(Normal),
            )
            .points_rules("1", vec![(vc, "5")]),
            Normal,
            10,
        ),
    ];
    for (what, c, tier, want) in cases {
        let rules = c.rules();
        let p = c.run();
        assert_eq!(
            points_earned(&p, Money::ZERO, Some(tier), &rules),
            want,
            "{what}"
        );
        assert_eq!(
            points_earned(&p, Money::ZERO, None, &rules),
            0,
            "{what}: non-members earn nothing"
        );
    }
    // The multiplier in force is on the pricing (for the cart and the receipt); a non-member
    // on a member day gets none.
    let c = case(vec![l("10.00", 1)], Some(Normal))
        .on(MEMBER_DAY)
        .points_rules("2", vec![]);
    assert_eq!(c.run().points_day_multiplier, dec("2"));
    let c = case(vec![l("10.00", 1)], None)
        .on(MEMBER_DAY)
        .points_rules("2", vec![]);
    assert_eq!(c.run().points_day_multiplier, Decimal::ONE);
    assert_eq!(
        pos_core::pricing::points_notes(
            dec("2"),
            &[
                ("维生素C片".into(), dec("3")),
                ("感冒灵".into(), Decimal::ONE)
            ]
        ),
        vec!["会员日 2 倍积分", "加倍积分商品 维生素C片 3 倍"]
    );
}
