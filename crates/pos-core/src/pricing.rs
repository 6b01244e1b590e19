//! The pricing engine: a pure function of (basket, member tier, coupon, points asked for, rules,
//! date) that applies PRODUCT.md §4 rules 1–7 and 9 and explains itself. Every line says which
//! rule gave its price and how much of each bill-level deduction it carries; the sale, the
//! receipt, returns, points and reports all use the final nets it computes.
//!
//! All arithmetic is exact: amounts are integer 分 (`i64`) inside, `Money` outside, and rates are
//! decimals. Rounding is half-up to 0.01 unless a rule says otherwise.
//!
//! Order (rule 7): line nets (tier / member-day rate, rule 3) → coupon (rule 4, spread over the
//! discount-eligible lines) → points (rule 5, spread over all lines by what each has left) → 抹零
//! (rule 6, the same way). Each share is rounded half-up and the remainder goes to the line with
//! the largest base (the first such line on a tie). Σ final nets = payable.

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{CouponId, LineId, ProductId};
use crate::money::Money;
use crate::rules::{BusinessRules, Tier};

/// One line of the basket as pricing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceLine {
    pub line_id: LineId,
    /// The catalog price.
    pub unit_price: Money,
    pub quantity: u32,
    /// The product gets member pricing (off for special-price items).
    pub member_discount: bool,
    /// The product earns points.
    pub points: bool,
    /// The product is on the 医保 list.
    pub insurance: bool,
    /// A manager's unit price: the line then gets no member pricing and no coupon.
    pub override_price: Option<Money>,
    /// The product, for a coupon limited to chosen products.
    pub product_id: ProductId,
    /// The product's category (e.g. 感冒类), for a coupon limited to categories.
    pub category: String,
    /// The product's barcode, for the bonus-points products of the rules.
    pub barcode: String,
}

/// How much a coupon takes off (rule 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponValue {
    /// A fixed amount: deduction = min(face, the net it applies to).
    Amount(Money),
    /// A percent off: deduction = min(half-up(net × percent / 100), cap, net).
    Percent { percent: u32, cap: Option<Money> },
}

/// The coupon the cashier picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponTerms {
    pub id: CouponId,
    pub value: CouponValue,
    pub min_spend: Money,
    /// Limited to these products and/or categories; both empty = every discount-eligible line.
    pub products: Vec<ProductId>,
    pub categories: Vec<String>,
    /// What the cart and the receipt call it: `满 50 减 10`, `9 折券（限 感冒类）`.
    pub description: String,
}

impl CouponTerms {
    /// A fixed-amount coupon on every discount-eligible line (the kind rule 4 started with).
    pub fn amount(id: CouponId, face: Money, min_spend: Money) -> CouponTerms {
        CouponTerms {
            id,
            value: CouponValue::Amount(face),
            min_spend,
            products: vec![],
            categories: vec![],
            description: String::new(),
        }
    }

    /// Whether the coupon reaches a discount-eligible line of this product.
    pub fn covers(&self, line: &PriceLine) -> bool {
        (self.products.is_empty() && self.categories.is_empty())
            || self.products.contains(&line.product_id)
            || self.categories.contains(&line.category)
    }

    /// The deduction on `net` 分 of the lines the coupon applies to, before the minimum check.
    pub fn deduction(&self, net: i64) -> i64 {
        let net = net.max(0);
        match self.value {
            CouponValue::Amount(face) => face.fen().min(net),
            CouponValue::Percent { percent, cap } => {
                // half-up(net × percent / 100) in exact integer arithmetic
                let off = (net * i64::from(percent) * 2 + 100) / 200;
                off.min(cap.map_or(i64::MAX, Money::fen)).min(net)
            }
        }
    }
}

pub struct PricingInput<'a> {
    pub lines: &'a [PriceLine],
    /// The member's tier at the time of sale; `None` for a non-member.
    pub tier: Option<Tier>,
    pub coupon: Option<CouponTerms>,
    pub points_asked: i64,
    /// Points the member can redeem now (balance, less today's offline cap already used).
    pub points_available: i64,
    pub rules: &'a BusinessRules,
    pub date: NaiveDate,
}

/// Why a line has its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LineRule {
    /// No member on the sale: catalog price.
    NonMember,
    /// The product is not discountable (`member_discount` off).
    NotDiscountable,
    /// The member's tier rate.
    Tier,
    /// The member-day rate (lower than the tier rate today).
    MemberDay,
    /// A manager's price override.
    Override,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PricedLine {
    pub line_id: LineId,
    /// Catalog price × quantity.
    pub list_amount: Money,
    pub rule: LineRule,
    /// The rate applied to the list amount ("1" when none).
    #[ts(type = "string")]
    pub rate: Decimal,
    /// After the rate (or the override): round(list × rate).
    pub net: Money,
    pub coupon_share: Money,
    pub points_share: Money,
    pub small_change_share: Money,
    /// What the line finally costs: net − its shares. Receipts, returns, points use this.
    pub final_net: Money,
    pub points_eligible: bool,
    pub insurance: bool,
    /// The bonus-points multiplier of the product (rules' `bonus_points_products`; 1 when none).
    #[serde(default = "one")]
    #[ts(type = "string")]
    pub points_multiplier: Decimal,
}

fn one() -> Decimal {
    Decimal::ONE
}

/// Discounts by kind, as the day close reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Discounts {
    pub tier: Money,
    pub member_day: Money,
    /// Manager overrides (list − override amount; negative when the price was raised).
    pub manual: Money,
    pub coupon: Money,
    pub points: Money,
    pub small_change: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CouponOutcome {
    Applied,
    /// The net of the lines the coupon applies to is below its minimum spend.
    MinimumNotMet,
    /// A coupon was picked for a sale without a member.
    NoMember,
    /// No line of the sale can take the coupon (its deduction would be 0.00, e.g. a coupon limited
    /// to a category the basket does not hold): the coupon is not
    /// applied and stays with the member (rule 4); the sale goes on without it.
    NothingToDeduct,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CouponApplied {
    pub id: CouponId,
    /// A fixed coupon's face; a percent coupon's cap (0.00 when it has none).
    pub face: Money,
    /// A percent coupon's percent off (10 = 9 折); `None` for a fixed amount.
    #[serde(default)]
    pub percent: Option<u32>,
    pub min_spend: Money,
    /// Net of the discount-eligible lines the coupon applies to, compared with the minimum.
    pub eligible_net: Money,
    pub deduction: Money,
    pub outcome: CouponOutcome,
    /// `满 50 减 10`, `9 折券（限 感冒类）`.
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Pricing {
    pub lines: Vec<PricedLine>,
    /// Σ list amounts.
    pub subtotal: Money,
    pub discounts: Discounts,
    pub member_day: bool,
    /// Net of the discount-eligible lines (member pricing, no override): what a coupon on all
    /// lines compares its minimum spend with (rule 4), whether or not a coupon is picked.
    pub coupon_eligible_net: Money,
    /// Rule 9: the member-day points multiplier in force for this sale (1 on other days and for
    /// non-members).
    #[serde(default = "one")]
    #[ts(type = "string")]
    pub points_day_multiplier: Decimal,
    pub coupon: Option<CouponApplied>,
    /// Points the cashier asked to redeem.
    #[ts(type = "number")]
    pub points_asked: i64,
    /// The most points this sale can take (rule 5 cap, balance, daily cap).
    #[ts(type = "number")]
    pub points_max: i64,
    #[ts(type = "number")]
    pub points_used: i64,
    /// The amount to pay: Σ final nets.
    pub payable: Money,
    /// The most 医保 may pay: Σ final nets of insurance-listed lines (rule 8).
    pub insurance_cap: Money,
}

/// Splits `amount` 分 over `bases` in proportion (rule 7): half-up shares, the remainder to the
/// line with the largest base (the first on a tie). No share is negative or above its base when
/// `0 ≤ amount ≤ Σ bases`; should rounding push the remainder past the largest line's base, the
/// excess moves on to the next largest.
pub fn allocate(amount: i64, bases: &[i64]) -> Vec<i64> {
    let total: i64 = bases.iter().sum();
    let mut shares = vec![0; bases.len()];
    if amount == 0 || total <= 0 {
        return shares;
    }
    for (s, &b) in shares.iter_mut().zip(bases) {
        // round(amount × b / total), half up, in exact integer arithmetic
        let num = 2 * i128::from(amount) * i128::from(b) + i128::from(total);
        *s = (num / (2 * i128::from(total))) as i64;
    }
    let mut rest = amount - shares.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..bases.len()).collect();
    // Largest base first; the first line wins a tie (stable sort).
    order.sort_by(|&a, &b| bases[b].cmp(&bases[a]));
    for &i in &order {
        if rest == 0 {
            break;
        }
        let room = if rest > 0 {
            bases[i] - shares[i]
        } else {
            -shares[i]
        };
        let step = if rest > 0 {
            rest.min(room)
        } else {
            rest.max(room)
        };
        shares[i] += step;
        rest -= step;
    }
    shares
}

/// Prices a basket.
pub fn price(input: &PricingInput<'_>) -> Pricing {
    let rules = input.rules;
    let member_day = input.tier.is_some() && rules.member_days.contains(&input.date.day());
    let mut discounts = Discounts::default();

    // Rules 1–3: line nets.
    let mut lines: Vec<PricedLine> = input
        .lines
        .iter()
        .map(|l| {
            let list = l.unit_price.times(l.quantity);
            let (rule, rate, net) = match (l.override_price, input.tier) {
                (Some(p), _) => (LineRule::Override, Decimal::ONE, p.times(l.quantity)),
                (None, None) => (LineRule::NonMember, Decimal::ONE, list),
                (None, Some(_)) if !l.member_discount => {
                    (LineRule::NotDiscountable, Decimal::ONE, list)
                }
                (None, Some(tier)) => {
                    let tier_rate = rules.tier_rule(tier).rate;
                    let (rule, rate) = if member_day && rules.member_day_rate < tier_rate {
                        (LineRule::MemberDay, rules.member_day_rate)
                    } else {
                        (LineRule::Tier, tier_rate)
                    };
                    (rule, rate, Money::round_half_up(list.decimal() * rate))
                }
            };
            match rule {
                LineRule::Tier => discounts.tier += list - net,
                LineRule::MemberDay => discounts.member_day += list - net,
                LineRule::Override => discounts.manual += list - net,
                _ => {}
            }
            PricedLine {
                line_id: l.line_id,
                list_amount: list,
                rule,
                rate,
                net,
                coupon_share: Money::ZERO,
                points_share: Money::ZERO,
                small_change_share: Money::ZERO,
                final_net: net,
                points_eligible: l.points,
                insurance: l.insurance,
                points_multiplier: rules.bonus_points_multiplier(&l.barcode),
            }
        })
        .collect();
    let subtotal: Money = lines.iter().map(|l| l.list_amount).sum();
    let nets: Vec<i64> = lines.iter().map(|l| l.net.fen()).collect();

    // Rule 4: the coupon, over the discount-eligible lines (member pricing, no override) it
    // applies to (all of them, or those of its products and categories).
    let eligible: Vec<bool> = input
        .lines
        .iter()
        .map(|l| l.member_discount && l.override_price.is_none())
        .collect();
    let net_of = |take: &dyn Fn(usize) -> bool| -> i64 {
        (0..nets.len()).filter(|&i| take(i)).map(|i| nets[i]).sum()
    };
    let eligible_net: i64 = net_of(&|i| eligible[i]);
    let applies: Vec<bool> = input
        .lines
        .iter()
        .zip(&eligible)
        .map(|(l, e)| *e && input.coupon.as_ref().is_some_and(|c| c.covers(l)))
        .collect();
    let applies_net: i64 = net_of(&|i| applies[i]);
    let mut coupon_fen = 0;
    let coupon = input.coupon.as_ref().map(|c| {
        let deduction = c.deduction(applies_net);
        // No line the coupon can reach: it would take off 0.00 whatever its minimum, so it is
        // not applied and stays with the member rather than blocking payment.
        let outcome = if input.tier.is_none() {
            CouponOutcome::NoMember
        } else if deduction <= 0 {
            CouponOutcome::NothingToDeduct
        } else if applies_net < c.min_spend.fen() {
            CouponOutcome::MinimumNotMet
        } else {
            coupon_fen = deduction;
            CouponOutcome::Applied
        };
        let (face, percent) = match c.value {
            CouponValue::Amount(face) => (face, None),
            CouponValue::Percent { percent, cap } => (cap.unwrap_or(Money::ZERO), Some(percent)),
        };
        CouponApplied {
            id: c.id,
            face,
            percent,
            min_spend: c.min_spend,
            eligible_net: Money::from_fen(applies_net),
            deduction: Money::from_fen(coupon_fen),
            outcome,
            description: c.description.clone(),
        }
    });
    let coupon_bases: Vec<i64> = nets
        .iter()
        .zip(&applies)
        .map(|(n, a)| if *a { *n } else { 0 })
        .collect();
    let coupon_shares = allocate(coupon_fen, &coupon_bases);

    // Rule 5: points, capped at 50 % of the amount after the coupon, in whole yuan.
    let after_coupon: i64 = nets.iter().sum::<i64>() - coupon_fen;
    let per_yuan = i64::from(rules.points_per_yuan.max(1));
    let (points_max, points_used) = if input.tier.is_some() {
        let cap_yuan = after_coupon * i64::from(rules.points_cap_percent) / 100 / 100;
        let max = (cap_yuan * per_yuan).min(input.points_available.max(0));
        let max = max / per_yuan * per_yuan;
        let used = input.points_asked.clamp(0, max) / per_yuan * per_yuan;
        (max, used)
    } else {
        (0, 0)
    };
    let points_fen = points_used * 100 / per_yuan;
    let left_after_coupon: Vec<i64> = nets
        .iter()
        .zip(&coupon_shares)
        .map(|(n, c)| n - c)
        .collect();
    let points_shares = allocate(points_fen, &left_after_coupon);

    // Rule 6: 抹零, the amount due rounded down to 0.10.
    let due = after_coupon - points_fen;
    let small_fen = if rules.drop_small_change {
        due.rem_euclid(10)
    } else {
        0
    };
    let left_after_points: Vec<i64> = left_after_coupon
        .iter()
        .zip(&points_shares)
        .map(|(n, p)| n - p)
        .collect();
    let small_shares = allocate(small_fen, &left_after_points);

    for (i, l) in lines.iter_mut().enumerate() {
        l.coupon_share = Money::from_fen(coupon_shares[i]);
        l.points_share = Money::from_fen(points_shares[i]);
        l.small_change_share = Money::from_fen(small_shares[i]);
        l.final_net = Money::from_fen(left_after_points[i] - small_shares[i]);
    }
    discounts.coupon = Money::from_fen(coupon_fen);
    discounts.points = Money::from_fen(points_fen);
    discounts.small_change = Money::from_fen(small_fen);
    let payable: Money = lines.iter().map(|l| l.final_net).sum();
    let insurance_cap = lines
        .iter()
        .filter(|l| l.insurance)
        .map(|l| l.final_net)
        .sum();
    Pricing {
        lines,
        subtotal,
        discounts,
        member_day,
        coupon_eligible_net: Money::from_fen(eligible_net),
        points_day_multiplier: if member_day {
            rules.member_day_points_multiplier
        } else {
            Decimal::ONE
        },
        coupon,
        points_asked: input.points_asked,
        points_max,
        points_used,
        payable,
        insurance_cap,
    }
}

/// Rule 9: 医保's share of each line. What 医保 paid is spread over the insurance-listed lines in
/// proportion to their final nets, rounded as in rule 7 (half-up, the remainder to the largest
/// line); other lines carry none.
pub fn insurance_shares(pricing: &Pricing, insurance_paid: Money) -> Vec<Money> {
    let bases: Vec<i64> = pricing
        .lines
        .iter()
        .map(|l| if l.insurance { l.final_net.fen() } else { 0 })
        .collect();
    let paid = insurance_paid.fen().clamp(0, bases.iter().sum());
    allocate(paid, &bases)
        .into_iter()
        .map(Money::from_fen)
        .collect()
}

/// Rule 9: points earned = floor(Σ over points-eligible lines of (final net − that line's 医保
/// share) × points per yuan × the tier's multiplier × the member-day multiplier × the product's
/// bonus multiplier), rounded down once, on the sum. Non-members earn nothing. 医保 paid for a
/// line that earns no points takes nothing off what the member paid in cash for the others.
pub fn points_earned(
    pricing: &Pricing,
    insurance_paid: Money,
    tier: Option<Tier>,
    rules: &BusinessRules,
) -> i64 {
    let Some(tier) = tier else { return 0 };
    let shares = insurance_shares(pricing, insurance_paid);
    let weighted: Decimal = pricing
        .lines
        .iter()
        .zip(&shares)
        .filter(|(l, _)| l.points_eligible)
        .map(|(l, s)| Decimal::new(l.final_net.fen() - s.fen(), 2) * l.points_multiplier)
        .sum();
    let points = weighted.max(Decimal::ZERO)
        * Decimal::from(rules.points_earned_per_yuan)
        * rules.tier_rule(tier).multiplier
        * pricing.points_day_multiplier;
    points.floor().to_i64().unwrap_or(0)
}

/// Why a member earns more than the base (rule 9), as the cart and the receipt say it:
/// `会员日 2 倍积分`, then `加倍积分商品 维生素C片 3 倍` for each points-eligible line (name,
/// product multiplier) whose multiplier is above 1. Empty when nothing is multiplied.
pub fn points_notes(day_multiplier: Decimal, lines: &[(String, Decimal)]) -> Vec<String> {
    let times = |m: Decimal| m.normalize().to_string();
    let mut notes = vec![];
    if day_multiplier > Decimal::ONE {
        notes.push(format!("会员日 {} 倍积分", times(day_multiplier)));
    }
    for (name, m) in lines {
        if *m > Decimal::ONE {
            let note = format!("加倍积分商品 {name} {} 倍", times(*m));
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    notes
}

/// How a sale is paid (rule 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TenderKind {
    /// 现金
    Cash,
    /// 微信支付
    Wechat,
    /// 支付宝
    Alipay,
    /// 银行卡
    Card,
    /// 医保
    Insurance,
}

impl TenderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::Wechat => "wechat",
            TenderKind::Alipay => "alipay",
            TenderKind::Card => "card",
            TenderKind::Insurance => "insurance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TenderKind::Cash => "现金",
            TenderKind::Wechat => "微信",
            TenderKind::Alipay => "支付宝",
            TenderKind::Card => "银行卡",
            TenderKind::Insurance => "医保",
        }
    }

    pub fn parse(s: &str) -> Option<TenderKind> {
        [
            TenderKind::Cash,
            TenderKind::Wechat,
            TenderKind::Alipay,
            TenderKind::Card,
            TenderKind::Insurance,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Tender {
    pub kind: TenderKind,
    pub amount: Money,
    /// 医保结算单号 (required for 医保; ignored otherwise).
    #[serde(default)]
    #[ts(optional)]
    pub settlement_no: Option<String>,
    /// The payment's reference for WeChat Pay, Alipay and bank card: the customer's scanned 付款码
    /// or the terminal's transaction number (optional; letters, digits and -, at most 64). Cash
    /// and 医保 carry none.
    #[serde(default)]
    #[ts(optional)]
    pub reference: Option<String>,
}

/// The checked tenders of a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settlement {
    pub tenders: Vec<Tender>,
    pub tendered: Money,
    pub change: Money,
    pub insurance: Money,
}

/// Checks tenders against the amount due (rule 8): every amount positive; 医保 only up to the
/// insurance cap and with a settlement number; non-cash together at most the amount due; the
/// total at least the amount due; change only from cash.
pub fn settle(pricing: &Pricing, tenders: &[Tender]) -> Result<Settlement> {
    if tenders.is_empty() && pricing.payable.fen() > 0 {
        return Err(PosError::new(
            ErrorCode::TenderShort,
            format!("还需收款 {}，请选择付款方式", pricing.payable),
        ));
    }
    if tenders.len() > 8 {
        return Err(PosError::new(
            ErrorCode::InvalidTender,
            "一笔销售最多 8 种付款",
        ));
    }
    let mut out = Vec::with_capacity(tenders.len());
    let (mut cash, mut other, mut insurance) = (0i64, 0i64, 0i64);
    for t in tenders {
        if t.amount.fen() <= 0 {
            return Err(PosError::new(
                ErrorCode::InvalidTender,
                format!("{}金额须大于 0", t.kind.label()),
            ));
        }
        let mut t = t.clone();
        match t.kind {
            TenderKind::Cash => cash += t.amount.fen(),
            TenderKind::Insurance => {
                let no = t.settlement_no.as_deref().map(str::trim).unwrap_or("");
                if no.is_empty()
                    || no.chars().count() > 40
                    || !no.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    return Err(PosError::new(
                        ErrorCode::InvalidTender,
                        "医保付款须填写医保结算单号（字母、数字或 -，最多 40 位）",
                    ));
                }
                t.settlement_no = Some(no.to_owned());
                insurance += t.amount.fen();
                other += t.amount.fen();
            }
            _ => {
                t.settlement_no = None;
                other += t.amount.fen();
            }
        }
        match t.kind {
            TenderKind::Wechat | TenderKind::Alipay | TenderKind::Card => {
                let r = t.reference.as_deref().map(str::trim).unwrap_or("");
                if r.chars().count() > 64
                    || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    return Err(PosError::new(
                        ErrorCode::InvalidTender,
                        format!(
                            "{}的付款码或交易号只能是字母、数字或 -，最多 64 位",
                            t.kind.label()
                        ),
                    ));
                }
                t.reference = (!r.is_empty()).then(|| r.to_owned());
            }
            TenderKind::Cash | TenderKind::Insurance => t.reference = None,
        }
        out.push(t);
    }
    if insurance > pricing.insurance_cap.fen() {
        return Err(PosError::new(
            ErrorCode::InsuranceOverCap,
            format!(
                "医保只能支付医保目录内商品，本单最多 {}（现为 {}）",
                pricing.insurance_cap,
                Money::from_fen(insurance)
            ),
        )
        .with_details(serde_json::json!({ "cap": pricing.insurance_cap })));
    }
    let due = pricing.payable.fen();
    if other > due {
        return Err(PosError::new(
            ErrorCode::InvalidTender,
            format!(
                "只有现金可以多付找零：非现金合计 {} 超过应收 {}",
                Money::from_fen(other),
                pricing.payable
            ),
        ));
    }
    let total = cash + other;
    if total < due {
        return Err(PosError::new(
            ErrorCode::TenderShort,
            format!(
                "收款不足：应收 {}，已收 {}，还差 {}",
                pricing.payable,
                Money::from_fen(total),
                Money::from_fen(due - total)
            ),
        ));
    }
    Ok(Settlement {
        tenders: out,
        tendered: Money::from_fen(total),
        change: Money::from_fen(total - due),
        insurance: Money::from_fen(insurance),
    })
}
