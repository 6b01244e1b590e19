//! What a receipt says (PRODUCT.md §6), decided here and drawn by `pos-receipt` (PDF at 80 or
//! 58 mm, ESC/POS). The model is plain text and amounts, so every renderer prints the same
//! receipt: the pharmacy's name, address, phone and licence; receipt number, time, cashier; per
//! line name, spec, manufacturer, batch and expiry, quantity, unit price, the tier or member-day
//! rate when one applies, the amount and the pharmacist's guidance; the bill-level deductions,
//! total, tenders, change; the member's masked card and phone, tier, points earned and balance;
//! the pharmacist who reviewed an Rx sale; the return policy. A reprint is marked 重印.
//!
//! The receipt adds up, to the fen: a line's amount is its net of rule 3 (after the tier or
//! member-day rate or a manager's price, before coupon, points and 抹零); those three are
//! bill-level and print once below the lines, so Σ amounts − Σ deductions = 应收. The member
//! savings already inside the amounts are shown for information only, never taken off again.
//!
//! A return receipt works the same way for the quantities returned: each line's amount is its
//! part of the line net, less the parts of the coupon (not refunded), the points (given back as
//! points) and 抹零 it carried, which is what was paid for it and what is refunded; a line paid
//! partly by 医保 says how much goes back to 医保.

use chrono::DateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::china;
use crate::db::Tx;
use crate::error::Result;
use crate::ids::{LineId, SaleId, StaffId};
use crate::money::Money;
use crate::pricing::{allocate, LineRule, TenderKind};
use crate::sale::returns::SaleReturn;
use crate::sale::{Sale, SaleLine};
use crate::settings::PharmacySettings;

/// The line every receipt ends with (GSP: drugs are returned for quality problems only).
pub const RETURN_POLICY: &str = "药品属特殊商品，除质量问题外售出不退换；退货请凭本小票。";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptKind {
    Sale,
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReceiptLine {
    pub name: String,
    pub spec: String,
    /// 生产厂家; empty when the catalog has none.
    pub manufacturer: String,
    pub batch_no: Option<String>,
    /// 有效期至 of the batch, `YYYY-MM-DD`.
    pub expires_on: Option<String>,
    pub quantity: u32,
    /// The price per unit the line was rung up at (the catalog price, or a manager's price).
    pub unit_price: Money,
    /// The rate behind the amount when one applies: `金卡 95折`, `会员日 9折`, `店长改价`.
    pub rate: Option<String>,
    /// The line net of rule 3: after the rate (or a manager's price), before the coupon, points
    /// and 抹零, which are bill-level. On a return, the part of it for the quantity returned.
    pub amount: Money,
    pub guidance: Option<String>,
    /// Returns only: what the returned quantity was paid and what comes back.
    pub refund: Option<LineRefund>,
}

/// What a returned line was paid and what is refunded for it, and why that is less than its
/// amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LineRefund {
    /// The bill-level deductions the returned quantity carried, each saying why it does not come
    /// back as money (优惠券不退, 积分以积分退回, 抹零不退).
    pub deductions: Vec<Labelled>,
    /// What was paid for the returned quantity: amount − deductions (its final net).
    pub paid: Money,
    /// What is refunded for it.
    pub refunded: Money,
    /// How the refund goes back when that needs saying, e.g. `其中医保 ¥8.00 原路退回医保账户`.
    pub notes: Vec<String>,
}

/// A labelled amount: a deduction, a tender, a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Labelled {
    pub label: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReceiptMember {
    /// The card number masked like the phone (`2900*****2343`): the whole number is never printed.
    pub card_masked: String,
    pub phone_masked: String,
    pub tier: String,
    #[ts(type = "number")]
    pub points_earned: i64,
    #[ts(type = "number")]
    pub points_used: i64,
    /// What the points used were worth (a return: what the points given back were worth).
    pub points_used_value: Money,
    #[ts(type = "number")]
    pub points_balance: i64,
    /// Why the points earned are more than the base (`会员日 2 倍积分`), printed under them.
    #[serde(default)]
    pub points_notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Receipt {
    pub kind: ReceiptKind,
    pub pharmacy: PharmacySettings,
    pub title: String,
    pub receipt_no: String,
    /// Local time at the store, `2026-11-23 10:05:00`.
    pub time: String,
    pub cashier: String,
    /// 重印: printed before.
    pub reprint: bool,
    pub lines: Vec<ReceiptLine>,
    /// Σ line amounts.
    pub subtotal: Money,
    /// The bill-level deductions, printed once below the lines: coupon, points (as money), 抹零;
    /// on a return what the returned lines carried of them. subtotal − Σ deductions = total.
    pub deductions: Vec<Labelled>,
    /// Member savings (tier, member day) already inside the line amounts: printed for the
    /// customer's information, never subtracted again.
    pub savings_included: Option<Labelled>,
    /// 应收 (sales) or 退款合计 (returns).
    pub total: Money,
    pub payments: Vec<Labelled>,
    pub change: Money,
    pub member: Option<ReceiptMember>,
    /// The pharmacist who reviewed the prescription.
    pub pharmacist: Option<String>,
    /// Returns: the original sale's receipt number, the reason and the approving manager.
    pub original_receipt_no: Option<String>,
    pub return_reason: Option<String>,
    pub approved_by: Option<String>,
    /// Kick the cash drawer open before printing (an ESC/POS printer's drawer port): the first
    /// print of a sale taken (partly) in cash, or of a return refunding cash.
    pub open_drawer: bool,
    pub footer: Vec<String>,
}

/// The receipt of a sale or return as it would print now, and how many times it was printed
/// before (a reprint is marked 重印).
pub fn prepare(c: &rusqlite::Connection, kind: ReceiptKind, id: SaleId) -> Result<(Receipt, i64)> {
    let copies: i64 = c.query_row(
        "SELECT count(*) FROM receipt_print WHERE doc_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let pharmacy = crate::settings::get(c)?;
    let receipt = match kind {
        ReceiptKind::Sale => for_sale(pharmacy, &crate::sale::get(c, id)?, copies > 0),
        ReceiptKind::Return => {
            let r = crate::sale::returns::get(c, id)?;
            let sale = crate::sale::get(c, r.sale_id)?;
            let earlier = earlier_returns(c, &r)?;
            for_return(pharmacy, &r, &sale, &earlier, copies > 0)
        }
    };
    Ok((receipt, copies))
}

/// Records a print (or a save as PDF) of a receipt: `target` is the printer queue or the file.
pub fn record_print(
    tx: &Tx<'_>,
    id: SaleId,
    by: StaffId,
    copy: i64,
    paper_mm: u32,
    target: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO receipt_print (doc_id, at, by_staff, copy, width_mm, target) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![id, crate::clock::stamp(tx.clock.now()), by, copy, paper_mm, target],
    )?;
    Ok(())
}

fn local_time(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&china())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// A rate as a Chinese shop says it: 0.95 → `95折`, 0.9 → `9折`, 0.885 → `88.5折`.
pub fn zhe(rate: Decimal) -> String {
    let pct = (rate * Decimal::from(100)).normalize();
    let ten = Decimal::from(10);
    if pct.fract().is_zero() && (pct % ten).is_zero() {
        format!("{}折", (pct / ten).normalize())
    } else {
        format!("{pct}折")
    }
}

/// The rate label of a sale line, when a rate or a manager's price made its amount.
fn rate_label(l: &SaleLine, tier: Option<&str>) -> Option<String> {
    match l.rule {
        LineRule::Tier if l.rate < Decimal::ONE => {
            Some(format!("{} {}", tier.unwrap_or("会员"), zhe(l.rate)))
        }
        LineRule::MemberDay if l.rate < Decimal::ONE => Some(format!("会员日 {}", zhe(l.rate))),
        LineRule::Override => {
            let list =
                Money::round_half_up(l.list_amount.decimal() / Decimal::from(l.quantity.max(1)));
            Some(format!("店长改价（原价 ¥{list}）"))
        }
        _ => None,
    }
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn receipt_line(l: &SaleLine, tier: Option<&str>) -> ReceiptLine {
    ReceiptLine {
        name: l.name.clone(),
        spec: l.spec.clone(),
        manufacturer: text(&l.manufacturer).unwrap_or_default(),
        batch_no: text(&l.batch_no),
        expires_on: text(&l.batch_expires_on),
        quantity: l.quantity,
        unit_price: l.unit_price,
        rate: rate_label(l, tier),
        amount: l.net,
        guidance: text(&l.guidance),
        refund: None,
    }
}

/// `积分抵扣（1000 分）`.
fn points_label(points: i64) -> String {
    format!("积分抵扣（{points} 分）")
}

/// The receipt of a sale; `reprint` marks a copy.
pub fn for_sale(pharmacy: PharmacySettings, s: &Sale, reprint: bool) -> Receipt {
    let d = &s.discounts;
    let deductions: Vec<Labelled> = [
        (
            match &s.coupon_description {
                Some(text) => format!("优惠券（{text}）"),
                None => "优惠券".to_owned(),
            },
            d.coupon,
        ),
        (points_label(s.points_used), d.points),
        ("抹零".to_owned(), d.small_change),
    ]
    .into_iter()
    .filter(|(_, m)| m.fen() != 0)
    .map(|(label, amount)| Labelled { label, amount })
    .collect();
    let savings = d.tier + d.member_day;
    let tier = s.member.as_ref().map(|m| m.tier.label());
    let lines: Vec<ReceiptLine> = s.lines.iter().map(|l| receipt_line(l, tier)).collect();
    Receipt {
        kind: ReceiptKind::Sale,
        pharmacy,
        title: "销售小票".to_owned(),
        receipt_no: s.receipt_no.clone(),
        time: local_time(&s.at),
        cashier: s.cashier_name.clone().unwrap_or_default(),
        reprint,
        subtotal: lines.iter().map(|l| l.amount).sum(),
        lines,
        deductions,
        savings_included: (savings.fen() > 0).then(|| Labelled {
            label: "会员优惠（已含在金额中）".to_owned(),
            amount: savings,
        }),
        total: s.payable,
        payments: s
            .payments
            .iter()
            .map(|p| Labelled {
                label: match &p.settlement_no {
                    Some(no) if p.kind == TenderKind::Insurance => format!("医保（结算号 {no}）"),
                    _ => p.kind.label().to_owned(),
                },
                amount: p.amount,
            })
            .collect(),
        change: s.change,
        member: s.member.as_ref().map(|m| ReceiptMember {
            card_masked: crate::member::card::mask(&m.card_no),
            phone_masked: m.phone_masked.clone(),
            tier: m.tier.label().to_owned(),
            points_earned: s.points_earned,
            points_used: s.points_used,
            points_used_value: d.points,
            points_balance: s.points_balance.unwrap_or(0),
            points_notes: s.points_notes.clone(),
        }),
        pharmacist: s.rx_reviewed_by_name.clone(),
        original_receipt_no: None,
        return_reason: None,
        approved_by: None,
        open_drawer: !reprint && s.payments.iter().any(|p| p.kind == TenderKind::Cash),
        footer: vec![RETURN_POLICY.to_owned(), "谢谢惠顾，祝您健康！".to_owned()],
    }
}

/// What the returns before `r` took back of each of its lines: (sale line, quantity), in the
/// order they were made.
pub fn earlier_returns(c: &rusqlite::Connection, r: &SaleReturn) -> Result<Vec<(LineId, u32)>> {
    let mut st = c.prepare(
        "SELECT rl.sale_line_id, rl.quantity FROM return_line rl
         JOIN sale_return sr ON sr.id = rl.return_id
         WHERE sr.sale_id = ?1 AND (sr.at, sr.receipt_no) < (?2, ?3)
         ORDER BY sr.at, sr.receipt_no",
    )?;
    let rows = st
        .query_map((r.sale_id, &r.at, &r.receipt_no), |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The part of `amount` (fen) that `quantity` of `sold` carries when `before` were returned
/// earlier — the way returns refund a line's final net: in proportion, rounded half up (`down`:
/// rounded down, the way returns give points back), and the return that completes the line
/// takes exactly what is left, so the parts of all its returns add up to `amount`.
fn part(amount: i64, sold: u32, before: &[u32], quantity: u32, down: bool) -> i64 {
    let share = |q: u32| -> i64 {
        let sold = i128::from(sold.max(1));
        let product = i128::from(amount) * i128::from(q);
        if down {
            (product / sold) as i64
        } else {
            ((2 * product + sold) / (2 * sold)) as i64
        }
    };
    let mut taken = 0i64;
    let mut back = 0u32;
    for &q in before {
        back += q;
        taken += if back >= sold {
            amount - taken
        } else {
            share(q)
        };
    }
    if back + quantity >= sold {
        amount - taken
    } else {
        share(quantity)
    }
}

/// The receipt of return `r` of `sale`; `earlier` are the returns made before it
/// ([`earlier_returns`]).
pub fn for_return(
    pharmacy: PharmacySettings,
    r: &SaleReturn,
    sale: &Sale,
    earlier: &[(LineId, u32)],
    reprint: bool,
) -> Receipt {
    let reason = if r.reason_note.is_empty() {
        r.reason.label().to_owned()
    } else {
        format!("{}：{}", r.reason.label(), r.reason_note)
    };
    let tier = sale.member.as_ref().map(|m| m.tier.label());
    // What went back to 医保, spread over the insurance-listed lines by their refunds (rule 7).
    let insurance: i64 = r
        .refunds
        .iter()
        .filter(|f| f.kind == TenderKind::Insurance)
        .map(|f| f.amount.fen())
        .sum();
    let sold = |id: LineId| sale.lines.iter().find(|l| l.id == id);
    let listed: Vec<i64> = r
        .lines
        .iter()
        .map(|rl| match sold(rl.sale_line_id) {
            Some(l) if l.insurance => rl.refund.fen(),
            _ => 0,
        })
        .collect();
    let to_insurance = allocate(insurance.min(listed.iter().sum()), &listed);

    let (mut coupon, mut points, mut small) = (0i64, 0i64, 0i64);
    let mut lines = Vec::with_capacity(r.lines.len());
    for (rl, ins) in r.lines.iter().zip(to_insurance) {
        let refunded = rl.refund.fen();
        let Some(l) = sold(rl.sale_line_id) else {
            // A line the sale no longer names (cannot happen: lines are never deleted).
            lines.push(ReceiptLine {
                name: rl.name.clone(),
                spec: rl.spec.clone(),
                manufacturer: String::new(),
                batch_no: rl.batch_no.clone(),
                expires_on: None,
                quantity: rl.quantity,
                unit_price: Money::ZERO,
                rate: None,
                amount: rl.refund,
                guidance: None,
                refund: Some(LineRefund {
                    deductions: vec![],
                    paid: rl.refund,
                    refunded: rl.refund,
                    notes: vec![],
                }),
            });
            continue;
        };
        let before: Vec<u32> = earlier
            .iter()
            .filter(|(id, _)| *id == l.id)
            .map(|(_, q)| *q)
            .collect();
        let part_of = |m: Money, down| part(m.fen(), l.quantity, &before, rl.quantity, down);
        // Points come back as whole points of what the quantity carried, rounded down
        // (`returns::preview`): the money shown for them is that, to the fen.
        let (c, p, s) = (
            part_of(l.coupon_share, false),
            part_of(l.points_share, true),
            part_of(l.small_change_share, false),
        );
        coupon += c;
        points += p;
        small += s;
        let deductions: Vec<Labelled> = [
            ("优惠券（不退）", c),
            ("积分抵扣（以积分退回）", p),
            ("抹零（不退）", s),
        ]
        .into_iter()
        .filter(|(_, a)| *a != 0)
        .map(|(label, a)| Labelled {
            label: label.to_owned(),
            amount: Money::from_fen(a),
        })
        .collect();
        let mut notes = Vec::new();
        if ins > 0 {
            notes.push(format!(
                "其中医保 ¥{} 原路退回医保账户",
                Money::from_fen(ins)
            ));
        }
        let mut line = receipt_line(l, tier);
        line.quantity = rl.quantity;
        line.guidance = None;
        // The amount is what the refund and the deductions it carried make together, so every
        // line adds up to the fen: amount − deductions = paid = refunded.
        line.amount = Money::from_fen(refunded + c + p + s);
        line.refund = Some(LineRefund {
            deductions,
            paid: rl.refund,
            refunded: rl.refund,
            notes,
        });
        lines.push(line);
    }
    let given_back_value = if sale.points_used > 0 {
        Money::from_fen(
            (i128::from(sale.discounts.points.fen()) * i128::from(r.points_given_back)
                / i128::from(sale.points_used)) as i64,
        )
    } else {
        Money::ZERO
    };
    let deductions: Vec<Labelled> = [
        ("优惠券（不退）".to_owned(), coupon),
        (
            format!("积分抵扣（退回 {} 分）", r.points_given_back),
            points,
        ),
        ("抹零（不退）".to_owned(), small),
    ]
    .into_iter()
    .filter(|(_, a)| *a != 0)
    .map(|(label, a)| Labelled {
        label,
        amount: Money::from_fen(a),
    })
    .collect();
    Receipt {
        kind: ReceiptKind::Return,
        pharmacy,
        title: "退货小票".to_owned(),
        receipt_no: r.receipt_no.clone(),
        time: local_time(&r.at),
        cashier: r.cashier_name.clone().unwrap_or_default(),
        reprint,
        subtotal: lines.iter().map(|l| l.amount).sum(),
        lines,
        deductions,
        savings_included: None,
        total: r.refund,
        payments: r
            .refunds
            .iter()
            .map(|f| Labelled {
                label: if f.kind == TenderKind::Insurance {
                    "退回医保（原路退回）".to_owned()
                } else {
                    format!("退回{}", f.kind.label())
                },
                amount: f.amount,
            })
            .collect(),
        change: Money::ZERO,
        member: r.member_card_no.as_ref().map(|card| ReceiptMember {
            card_masked: crate::member::card::mask(card),
            phone_masked: r.member_phone_masked.clone().unwrap_or_default(),
            tier: String::new(),
            points_earned: -r.points_taken_back,
            points_used: -r.points_given_back,
            points_used_value: given_back_value,
            points_balance: r.points_balance.unwrap_or(0),
            points_notes: vec![],
        }),
        pharmacist: None,
        original_receipt_no: Some(r.sale_receipt_no.clone()),
        return_reason: Some(reason),
        approved_by: r.approved_by_name.clone(),
        open_drawer: !reprint && r.refunds.iter().any(|f| f.kind == TenderKind::Cash),
        footer: vec!["退货已由店长审核。".to_owned(), RETURN_POLICY.to_owned()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_a_shop_says_them() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for (rate, want) in [
            ("0.95", "95折"),
            ("0.90", "9折"),
            ("0.9", "9折"),
            ("0.98", "98折"),
            ("0.885", "88.5折"),
            ("0.5", "5折"),
        ] {
            assert_eq!(zhe(d(rate)), want, "{rate}");
        }
    }

    /// A sale line as JSON (what the API sends), so the test does not spell every field.
    fn line(id: &str, name: &str, quantity: u32, net: &str, insurance: bool) -> serde_json::Value {
        serde_json::json!({
            "id": id, "product_id": id, "barcode": "6939668066407", "name": name,
            "spec": "10g*9袋", "unit": "盒", "manufacturer": "华润三九", "batch_no": "B1",
            "batch_expires_on": "2028-09-09", "unit_price": "15.80", "quantity": quantity,
            "list_amount": net, "rule": "non_member", "rate": "1", "net": net,
            "coupon_share": "0.00", "points_share": "0.00", "small_change_share": "0.00",
            "final_net": net, "rx": false, "ephedrine": false, "insurance": insurance,
            "points_eligible": true, "guidance": null, "returned_quantity": 0,
        })
    }

    #[test]
    fn a_return_says_what_goes_back_to_insurance_line_by_line() {
        let (g, f) = (
            "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a01",
            "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a02",
        );
        let money = |s: &str| s.to_owned();
        let sale: Sale = serde_json::from_value(serde_json::json!({
            "id": "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a00", "receipt_no": "20261123010001",
            "business_date": "2026-11-23", "at": "2026-11-23T02:00:00Z",
            "cashier_id": "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5aff", "cashier_name": "王晓燕",
            "member": null,
            "lines": [line(g, "感冒灵颗粒", 2, "31.60", true), line(f, "风油精", 1, "3.00", false)],
            "payments": [
                {"kind": "insurance", "amount": "20.00", "settlement_no": "YB1"},
                {"kind": "cash", "amount": "20.00"}
            ],
            "subtotal": money("34.60"),
            "discounts": {"tier": "0.00", "member_day": "0.00", "manual": "0.00",
                          "coupon": "0.00", "points": "0.00", "small_change": "0.00"},
            "payable": "34.60", "tendered": "40.00", "change": "5.40", "insurance": "20.00",
            "points_used": 0, "points_earned": 0, "points_balance": null,
            "rx_reviewed_by": null, "rx_reviewed_by_name": null, "returns": []
        }))
        .unwrap();
        let ret = |lines: serde_json::Value, refunds: serde_json::Value, refund: &str| {
            serde_json::from_value::<SaleReturn>(serde_json::json!({
                "id": "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a10", "receipt_no": "20261123010002",
                "sale_id": sale.id, "sale_receipt_no": "20261123010001",
                "at": "2026-11-23T03:00:00Z", "business_date": "2026-11-23",
                "cashier_id": sale.cashier_id, "cashier_name": "王晓燕",
                "approved_by": sale.cashier_id, "approved_by_name": "张丽华",
                "reason": "damaged", "reason_note": "", "lines": lines, "refunds": refunds,
                "refund": refund, "points_taken_back": 0, "points_given_back": 0,
                "full": false, "member_card_no": null, "member_phone_masked": null,
                "points_balance": null
            }))
            .unwrap()
        };
        // One 感冒灵 (医保-listed: 医保 paid 20.00 of its 31.60) and the 风油精.
        let r = ret(
            serde_json::json!([
                {"sale_line_id": g, "name": "感冒灵颗粒", "spec": "10g*9袋", "batch_no": "B1",
                 "quantity": 1, "refund": "15.80"},
                {"sale_line_id": f, "name": "风油精", "spec": "3ml", "batch_no": "B2",
                 "quantity": 1, "refund": "3.00"}
            ]),
            serde_json::json!([
                {"kind": "insurance", "amount": "10.00"},
                {"kind": "cash", "amount": "8.80"}
            ]),
            "18.80",
        );
        let receipt = for_return(PharmacySettings::default(), &r, &sale, &[], false);
        let refund = |i: usize| receipt.lines[i].refund.clone().unwrap();
        assert_eq!(
            refund(0).notes,
            ["其中医保 ¥10.00 原路退回医保账户"],
            "the 医保 line says what goes back to 医保"
        );
        assert!(refund(1).notes.is_empty(), "医保 paid nothing for 风油精");
        assert_eq!(receipt.payments[0].label, "退回医保（原路退回）");
        assert_eq!(receipt.payments[1].label, "退回现金");
        assert!(receipt.open_drawer, "cash goes back: the drawer opens");
        // It adds up: no deductions, the amounts are the refunds.
        assert_eq!(receipt.subtotal, receipt.total);
        assert!(receipt.deductions.is_empty());
        assert_eq!(
            (refund(0).paid, refund(0).refunded),
            (Money::from_fen(1580), Money::from_fen(1580))
        );
        // A reprint opens no drawer.
        assert!(!for_return(PharmacySettings::default(), &r, &sale, &[], true).open_drawer);
    }

    #[test]
    fn returned_parts_add_up_to_the_line() {
        // (amount, sold, earlier returns, this return, want)
        #[rustfmt::skip]
        let cases: Vec<(i64, u32, Vec<u32>, u32, i64)> = vec![
            (1000, 3, vec![],     1, 333),
            (1000, 3, vec![1],    1, 333),
            (1000, 3, vec![1, 1], 1, 334), // the last takes what is left
            (1000, 3, vec![],     3, 1000),
            (1001, 2, vec![],     1, 501), // half up
            (0,    5, vec![2],    3, 0),
        ];
        for (amount, sold, before, q, want) in cases {
            assert_eq!(
                part(amount, sold, &before, q, false),
                want,
                "{amount} {sold} {before:?} {q}"
            );
        }
        // Rounded down (points): 1001 × 1/2 = 500; the last half takes the 501 left.
        assert_eq!(part(1001, 2, &[], 1, true), 500);
        assert_eq!(part(1001, 2, &[1], 1, true), 501);
        // Whatever the order of partial returns, their parts add up to the amount, rounded
        // either way.
        for down in [false, true] {
            for split in [vec![1, 1, 1, 1, 3], vec![2, 5], vec![7], vec![3, 1, 3]] {
                let mut before = Vec::new();
                let total: i64 = split
                    .iter()
                    .map(|&q| {
                        let p = part(997, 7, &before, q, down);
                        before.push(q);
                        p
                    })
                    .sum();
                assert_eq!(total, 997, "{split:?} {down}");
            }
        }
    }
}
