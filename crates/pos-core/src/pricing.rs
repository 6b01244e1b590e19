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
use crate::ids::{CouponId, LineId};
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
}

/// The coupon the cashier picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponTerms {
    pub id: CouponId,
    pub face: Money,
    pub min_spend: Money,
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
    /// The discount-eligible net is below the coupon's minimum spend.
    MinimumNotMet,
    /// A coupon was picked for a sale without a member.
    NoMember,
    /// No line of the sale can take the coupon (its deduction would be 0.00): the coupon is not
    /// applied and stays with the member (rule 4); the sale goes on without it.
    NothingToDeduct,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CouponApplied {
    pub id: CouponId,
    pub face: Money,
    pub min_spend: Money,
    /// Net of the discount-eligible lines, compared with the minimum.
    pub eligible_net: Money,
    pub deduction: Money,
    pub outcome: CouponOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Pricing {
    pub lines: Vec<PricedLine>,
    /// Σ list amounts.
    pub subtotal: Money,
    pub discounts: Discounts,
    pub member_day: bool,
    /// Net of the discount-eligible lines (member pricing, no override): what any coupon's
    /// minimum spend is compared with (rule 4), whether or not a coupon is picked.
    pub coupon_eligible_net: Money,
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
            }
        })
        .collect();
    let subtotal: Money = lines.iter().map(|l| l.list_amount).sum();
    let nets: Vec<i64> = lines.iter().map(|l| l.net.fen()).collect();

    // Rule 4: the coupon, over the discount-eligible lines (member pricing, no override).
    let eligible: Vec<bool> = input
        .lines
        .iter()
        .map(|l| l.member_discount && l.override_price.is_none())
        .collect();
    let eligible_net: i64 = nets
        .iter()
        .zip(&eligible)
        .filter(|(_, e)| **e)
        .map(|(n, _)| n)
        .sum();
    let mut coupon_fen = 0;
    let coupon = input.coupon.as_ref().map(|c| {
        let outcome = if input.tier.is_none() {
            CouponOutcome::NoMember
        } else if eligible_net < c.min_spend.fen() {
            CouponOutcome::MinimumNotMet
        } else if c.face.fen().min(eligible_net) <= 0 {
            CouponOutcome::NothingToDeduct
        } else {
            coupon_fen = c.face.fen().min(eligible_net);
            CouponOutcome::Applied
        };
        CouponApplied {
            id: c.id,
            face: c.face,
            min_spend: c.min_spend,
            eligible_net: Money::from_fen(eligible_net),
            deduction: Money::from_fen(coupon_fen),
            outcome,
        }
    });
    let coupon_bases: Vec<i64> = nets
        .iter()
        .zip(&eligible)
        .map(|(n, e)| if *e { *n } else { 0 })
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
/// share) × points per yuan × the tier's multiplier). Non-members earn nothing. 医保 paid for a
/// line that earns no points takes nothing off what the member paid in cash for the others.
pub fn points_earned(
    pricing: &Pricing,
    insurance_paid: Money,
    tier: Option<Tier>,
    rules: &BusinessRules,
) -> i64 {
    let Some(tier) = tier else { return 0 };
    let shares = insurance_shares(pricing, insurance_paid);
    let base: i64 = pricing
        .lines
        .iter()
        .zip(&shares)
        .filter(|(l, _)| l.points_eligible)
        .map(|(l, s)| l.final_net.fen() - s.fen())
        .sum::<i64>()
        .max(0);
    let points = Decimal::new(base, 2)
        * Decimal::from(rules.points_earned_per_yuan)
        * rules.tier_rule(tier).multiplier;
    points.floor().to_i64().unwrap_or(0)
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
