//! What a receipt says (PRODUCT.md §6), decided here and drawn by `pos-receipt` (PDF at 80 or
//! 58 mm, ESC/POS). The model is plain text and amounts, so every renderer prints the same
//! receipt: the pharmacy's name, address, phone and licence; receipt number, time, cashier; per
//! line name, spec, batch, quantity, unit price, amount and the pharmacist's guidance; discounts,
//! total, tenders, change; member card, masked phone, tier, points earned and balance; the
//! pharmacist who reviewed an Rx sale; the return policy. A reprint is marked 重印.

use chrono::DateTime;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::china;
use crate::db::Tx;
use crate::error::Result;
use crate::ids::{SaleId, StaffId};
use crate::money::Money;
use crate::pricing::TenderKind;
use crate::sale::returns::SaleReturn;
use crate::sale::Sale;
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
    pub batch_no: Option<String>,
    pub quantity: u32,
    pub unit_price: Money,
    /// The line's final net (what it cost after every discount), or the refund on a return.
    pub amount: Money,
    pub guidance: Option<String>,
}

/// A labelled amount: a discount, a tender, a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Labelled {
    pub label: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReceiptMember {
    pub card_no: String,
    pub phone_masked: String,
    pub tier: String,
    #[ts(type = "number")]
    pub points_earned: i64,
    #[ts(type = "number")]
    pub points_used: i64,
    #[ts(type = "number")]
    pub points_balance: i64,
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
    /// Σ list amounts (sales) or Σ refunds (returns).
    pub subtotal: Money,
    pub discounts: Vec<Labelled>,
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
        ReceiptKind::Return => for_return(pharmacy, &crate::sale::returns::get(c, id)?, copies > 0),
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

fn tender_label(k: TenderKind) -> String {
    k.label().to_owned()
}

/// The receipt of a sale; `reprint` marks a copy.
pub fn for_sale(pharmacy: PharmacySettings, s: &Sale, reprint: bool) -> Receipt {
    let d = &s.discounts;
    let discounts: Vec<Labelled> = [
        ("会员折扣", d.tier),
        ("会员日折扣", d.member_day),
        ("店长改价", d.manual),
        ("优惠券", d.coupon),
        ("积分抵现", d.points),
        ("抹零", d.small_change),
    ]
    .into_iter()
    .filter(|(_, m)| m.fen() != 0)
    .map(|(l, m)| Labelled {
        label: l.to_owned(),
        amount: m,
    })
    .collect();
    Receipt {
        kind: ReceiptKind::Sale,
        pharmacy,
        title: "销售小票".to_owned(),
        receipt_no: s.receipt_no.clone(),
        time: local_time(&s.at),
        cashier: s.cashier_name.clone().unwrap_or_default(),
        reprint,
        lines: s
            .lines
            .iter()
            .map(|l| ReceiptLine {
                name: l.name.clone(),
                spec: l.spec.clone(),
                batch_no: l.batch_no.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                amount: l.final_net,
                guidance: l.guidance.clone(),
            })
            .collect(),
        subtotal: s.subtotal,
        discounts,
        total: s.payable,
        payments: s
            .payments
            .iter()
            .map(|p| Labelled {
                label: match &p.settlement_no {
                    Some(no) if p.kind == TenderKind::Insurance => format!("医保（结算号 {no}）"),
                    _ => tender_label(p.kind),
                },
                amount: p.amount,
            })
            .collect(),
        change: s.change,
        member: s.member.as_ref().map(|m| ReceiptMember {
            card_no: m.card_no.clone(),
            phone_masked: m.phone_masked.clone(),
            tier: m.tier.label().to_owned(),
            points_earned: s.points_earned,
            points_used: s.points_used,
            points_balance: s.points_balance.unwrap_or(0),
        }),
        pharmacist: s.rx_reviewed_by_name.clone(),
        original_receipt_no: None,
        return_reason: None,
        approved_by: None,
        footer: vec![RETURN_POLICY.to_owned(), "谢谢惠顾，祝您健康！".to_owned()],
    }
}

/// The receipt of a return.
pub fn for_return(pharmacy: PharmacySettings, r: &SaleReturn, reprint: bool) -> Receipt {
    let reason = if r.reason_note.is_empty() {
        r.reason.label().to_owned()
    } else {
        format!("{}：{}", r.reason.label(), r.reason_note)
    };
    Receipt {
        kind: ReceiptKind::Return,
        pharmacy,
        title: "退货小票".to_owned(),
        receipt_no: r.receipt_no.clone(),
        time: local_time(&r.at),
        cashier: r.cashier_name.clone().unwrap_or_default(),
        reprint,
        lines: r
            .lines
            .iter()
            .map(|l| ReceiptLine {
                name: l.name.clone(),
                spec: l.spec.clone(),
                batch_no: l.batch_no.clone(),
                quantity: l.quantity,
                unit_price: Money::round_half_up(
                    l.refund.decimal() / rust_decimal::Decimal::from(l.quantity.max(1)),
                ),
                amount: l.refund,
                guidance: None,
            })
            .collect(),
        subtotal: r.refund,
        discounts: vec![],
        total: r.refund,
        payments: r
            .refunds
            .iter()
            .map(|f| Labelled {
                label: format!("退回{}", f.kind.label()),
                amount: f.amount,
            })
            .collect(),
        change: Money::ZERO,
        member: r.member_card_no.as_ref().map(|card| ReceiptMember {
            card_no: card.clone(),
            phone_masked: r.member_phone_masked.clone().unwrap_or_default(),
            tier: String::new(),
            points_earned: -r.points_taken_back,
            points_used: -r.points_given_back,
            points_balance: r.points_balance.unwrap_or(0),
        }),
        pharmacist: None,
        original_receipt_no: Some(r.sale_receipt_no.clone()),
        return_reason: Some(reason),
        approved_by: r.approved_by_name.clone(),
        footer: vec!["退货已由店长审核。".to_owned(), RETURN_POLICY.to_owned()],
    }
}
