//! Returns (退货). Drugs are not returned except for quality problems (GSP): a return names a
//! quality reason and is approved by a manager at the till. It is a new immutable record pointing
//! at the sale; it works on the allocated final nets of the returned lines (rule 11), refunds to
//! the sale's own tenders, takes back the points the returned lines earned and gives back the
//! points they redeemed (a full return restores the member's balance exactly), and never gives
//! the coupon back. A return cannot itself be returned, and no line can be returned beyond what
//! was sold.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::{till_identity, Tx};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{LineId, PointsEntryId, SaleId, StaffId};
use crate::member::{points, tier};
use crate::money::Money;
use crate::pricing::{allocate, TenderKind};
use crate::rules;
use crate::sale::{self, next_receipt_no};
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// The quality reasons a pharmacy accepts (GSP); anything else is not a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    /// 包装破损
    Damaged,
    /// 变质、异物
    Spoiled,
    /// 已过期或效期不符
    Expired,
    /// 批号与小票不符
    WrongBatch,
    /// 其他质量问题（须说明）
    OtherQuality,
}

impl ReturnReason {
    fn as_str(self) -> &'static str {
        match self {
            ReturnReason::Damaged => "damaged",
            ReturnReason::Spoiled => "spoiled",
            ReturnReason::Expired => "expired",
            ReturnReason::WrongBatch => "wrong_batch",
            ReturnReason::OtherQuality => "other_quality",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReturnReason::Damaged => "包装破损",
            ReturnReason::Spoiled => "变质或有异物",
            ReturnReason::Expired => "过期或效期不符",
            ReturnReason::WrongBatch => "批号与小票不符",
            ReturnReason::OtherQuality => "其他质量问题",
        }
    }

    fn parse(s: &str) -> ReturnReason {
        match s {
            "damaged" => ReturnReason::Damaged,
            "spoiled" => ReturnReason::Spoiled,
            "expired" => ReturnReason::Expired,
            "wrong_batch" => ReturnReason::WrongBatch,
            _ => ReturnReason::OtherQuality,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReturnLineInput {
    pub sale_line_id: LineId,
    pub quantity: u32,
    /// The 药品追溯码 of the packs brought back, scanned at the counter. A line returned whole
    /// gives back all its codes without them.
    #[serde(default)]
    #[ts(optional)]
    pub trace_codes: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReturnLine {
    pub sale_line_id: LineId,
    pub name: String,
    pub spec: String,
    pub batch_no: Option<String>,
    pub quantity: u32,
    pub refund: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Refund {
    pub kind: TenderKind,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SaleReturn {
    pub id: SaleId,
    pub receipt_no: String,
    pub sale_id: SaleId,
    pub sale_receipt_no: String,
    pub at: String,
    pub business_date: String,
    pub cashier_id: StaffId,
    pub cashier_name: Option<String>,
    pub approved_by: StaffId,
    pub approved_by_name: Option<String>,
    pub reason: ReturnReason,
    pub reason_note: String,
    pub lines: Vec<ReturnLine>,
    pub refunds: Vec<Refund>,
    pub refund: Money,
    #[ts(type = "number")]
    pub points_taken_back: i64,
    #[ts(type = "number")]
    pub points_given_back: i64,
    /// This return completes the sale: everything sold has now been returned.
    pub full: bool,
    pub member_card_no: Option<String>,
    pub member_phone_masked: Option<String>,
    /// The member's points balance right after this return (what its receipt prints, on every
    /// reprint too).
    #[ts(type = "number | null")]
    pub points_balance: Option<i64>,
}

/// Refunds already made per tender kind for a sale.
fn refunded_by_kind(c: &Connection, sale: SaleId) -> Result<Vec<(String, i64)>> {
    let mut st = c.prepare(
        "SELECT f.kind, sum(f.amount_fen) FROM return_refund f JOIN sale_return r ON r.id = f.return_id
         WHERE r.sale_id = ?1 GROUP BY f.kind",
    )?;
    let rows = st
        .query_map([sale], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn line_refunded(c: &Connection, line: LineId) -> Result<i64> {
    Ok(c.query_row(
        "SELECT coalesce(sum(refund_fen), 0) FROM return_line WHERE sale_line_id = ?1",
        [line],
        |r| r.get(0),
    )?)
}

fn sale_entry(c: &Connection, sale: SaleId, kind: &str) -> Result<Option<(PointsEntryId, i64)>> {
    use rusqlite::OptionalExtension;
    Ok(c.query_row(
        "SELECT id, abs(points) FROM points_entry WHERE sale_id = ?1 AND kind = ?2",
        (sale, kind),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?)
}

fn reversed(c: &Connection, entry: PointsEntryId) -> Result<i64> {
    Ok(c.query_row(
        "SELECT coalesce(sum(abs(points)), 0) FROM points_entry WHERE reverses = ?1",
        [entry],
        |r| r.get(0),
    )?)
}

/// What a return needs to know about the 医保 part of its sale (fen).
#[derive(Debug, Clone, Copy, Default)]
pub struct InsuranceReturn {
    /// What 医保 paid for the sale.
    pub paid: i64,
    /// Σ final nets of the sale's insurance-listed lines.
    pub lines_total: i64,
    /// The part of this return's refund that is for insurance-listed lines.
    pub returned_now: i64,
    /// After this return, every insurance-listed line is wholly returned.
    pub lines_done: bool,
}

/// Splits `refund` over the sale's tenders, given what each has left (`left`, cash already net
/// of change and of earlier refunds). 医保 gets back its share of the insurance-listed lines
/// returned (what it paid × their part of those lines, all it has left once they are all
/// returned), never more than those lines' refunds; the rest goes to the other tenders in
/// proportion to what they have left. On the return that completes the sale every tender gets
/// exactly what it has left. No tender ever gets more than it has left.
pub fn split_refund(
    refund: i64,
    full: bool,
    left: &[(TenderKind, i64)],
    insurance: &InsuranceReturn,
) -> Vec<(TenderKind, i64)> {
    let bases: Vec<i64> = left.iter().map(|(_, a)| (*a).max(0)).collect();
    if full {
        return left.iter().map(|(k, _)| *k).zip(bases).collect();
    }
    let refund = refund.min(bases.iter().sum());
    let ins = left.iter().position(|(k, _)| *k == TenderKind::Insurance);
    let mut shares = vec![0i64; left.len()];
    if let Some(i) = ins {
        let share = if insurance.lines_done {
            bases[i]
        } else if insurance.lines_total > 0 {
            // round half up of paid × returned_now / lines_total
            let num = 2 * i128::from(insurance.paid) * i128::from(insurance.returned_now)
                + i128::from(insurance.lines_total);
            (num / (2 * i128::from(insurance.lines_total))) as i64
        } else {
            0
        };
        shares[i] = share.min(bases[i]).min(insurance.returned_now).min(refund);
    }
    let others: Vec<i64> = bases
        .iter()
        .enumerate()
        .map(|(j, b)| if Some(j) == ins { 0 } else { *b })
        .collect();
    let rest = refund - shares.iter().sum::<i64>();
    let to_others = rest.min(others.iter().sum());
    for (s, a) in shares.iter_mut().zip(allocate(to_others, &others)) {
        *s += a;
    }
    // Only when the other tenders have nothing left does 医保 take more than its share.
    if let Some(i) = ins {
        shares[i] += (rest - to_others).min(bases[i] - shares[i]);
    }
    left.iter().map(|(k, _)| *k).zip(shares).collect()
}

/// The points a partial return takes back of the `earned` points of its sale: in proportion to
/// the points base (rule 9) its lines carry, each weighed by the bonus-points multiplier it earned
/// with (in hundredths; the tier and member-day multipliers apply to the whole sale and cancel
/// out). A points-eligible line sold (`sold`: final net, insurance-listed, weight) carries its
/// final net less 医保's share of it, since 医保 paid for insurance-listed lines in proportion to
/// their final nets; a returned amount (`back`) likewise. Rounded down: a partial return never
/// takes back more than its lines earned; the return that completes the sale takes back whatever
/// is left.
pub fn earned_share(
    earned: i64,
    sold: &[(i64, bool, i64)],
    back: &[(i64, bool, i64)],
    insurance: &InsuranceReturn,
) -> i64 {
    // Everything is scaled by the insurance-listed total so that 医保's shares stay exact.
    let scale = i128::from(insurance.lines_total.max(1));
    let paid = if insurance.lines_total > 0 {
        i128::from(insurance.paid)
    } else {
        0
    };
    let carried = |lines: &[(i64, bool, i64)]| -> i128 {
        lines
            .iter()
            .map(|&(amount, listed, weight)| {
                let amount = i128::from(amount);
                (amount * scale - if listed { paid * amount } else { 0 }) * i128::from(weight)
            })
            .sum::<i128>()
            .max(0)
    };
    let (base, returned) = (carried(sold), carried(back));
    if base == 0 {
        return 0;
    }
    (i128::from(earned) * returned / base).min(i128::from(earned)) as i64
}

/// What a return of some lines would do, before anyone approves it: the refund per line and per
/// tender and the points it takes back and gives back. `create` records exactly this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReturnPreview {
    pub sale_id: SaleId,
    pub lines: Vec<ReturnLineInput>,
    /// The refund of each chosen line, in the order chosen.
    pub line_refunds: Vec<Money>,
    pub refunds: Vec<Refund>,
    pub refund: Money,
    #[ts(type = "number")]
    pub points_taken_back: i64,
    #[ts(type = "number")]
    pub points_given_back: i64,
    /// This return would complete the sale.
    pub full: bool,
}

/// Works out a return of `lines` of sale `s` without writing anything; refuses lines that are not
/// on the sale, chosen twice, or more than is left to return.
pub fn preview(c: &Connection, s: &sale::Sale, lines: &[ReturnLineInput]) -> Result<ReturnPreview> {
    if lines.is_empty() {
        return Err(PosError::new(
            ErrorCode::ReturnExceedsSale,
            "请选择要退的商品和数量",
        ));
    }
    let mut plan: Vec<(&sale::SaleLine, u32, i64)> = Vec::new();
    for input in lines {
        let Some(l) = s.lines.iter().find(|l| l.id == input.sale_line_id) else {
            return Err(PosError::new(
                ErrorCode::ReturnExceedsSale,
                "所选商品不在这张小票上，请重新选择",
            ));
        };
        if plan.iter().any(|(p, _, _)| p.id == l.id) {
            return Err(PosError::new(
                ErrorCode::ReturnExceedsSale,
                format!("{} 重复选择了，请合并数量", l.name),
            ));
        }
        let left = l.quantity - l.returned_quantity;
        if input.quantity == 0 || input.quantity > left {
            return Err(PosError::new(
                ErrorCode::ReturnExceedsSale,
                format!(
                    "{} 售出 {}、已退 {}，本次最多可退 {}（输入 {}）",
                    l.name, l.quantity, l.returned_quantity, left, input.quantity
                ),
            )
            .with_details(serde_json::json!({ "sale_line_id": l.id, "returnable": left })));
        }
        // The rest of a line refunds exactly what is left of its final net, so a line returned
        // in parts refunds its final net to the fen.
        let refund = if input.quantity == left {
            l.final_net.fen() - line_refunded(c, l.id)?
        } else {
            Money::round_half_up(
                l.final_net.decimal() * rust_decimal::Decimal::from(input.quantity)
                    / rust_decimal::Decimal::from(l.quantity),
            )
            .fen()
        };
        plan.push((l, input.quantity, refund));
    }
    let refund: i64 = plan.iter().map(|(_, _, r)| r).sum();
    // After this return, nothing of line `l` is left to return.
    let all_back = |l: &&sale::SaleLine| {
        let now = plan
            .iter()
            .find(|(p, _, _)| p.id == l.id)
            .map(|(_, q, _)| *q)
            .unwrap_or(0);
        l.returned_quantity + now == l.quantity
    };
    let full = s.lines.iter().all(|l| all_back(&l));

    // Refund to the sale's tenders, each at most what it has left (cash net of change). 医保
    // paid only for insurance-listed lines, so only those lines' refunds go back to it.
    let done = refunded_by_kind(c, s.id)?;
    let mut nets: Vec<(TenderKind, i64)> = Vec::new();
    for p in &s.payments {
        let amount = p.amount.fen();
        match nets.iter_mut().find(|(k, _)| *k == p.kind) {
            Some((_, a)) => *a += amount,
            None => nets.push((p.kind, amount)),
        }
    }
    if let Some((_, cash)) = nets.iter_mut().find(|(k, _)| *k == TenderKind::Cash) {
        *cash -= s.change.fen();
    }
    let paid_insurance = nets
        .iter()
        .find(|(k, _)| *k == TenderKind::Insurance)
        .map(|(_, a)| *a)
        .unwrap_or(0);
    for (kind, amount) in &mut nets {
        *amount -= done
            .iter()
            .find(|(k, _)| k == kind.as_str())
            .map(|(_, a)| *a)
            .unwrap_or(0);
    }
    let insurance = InsuranceReturn {
        paid: paid_insurance,
        lines_total: s
            .lines
            .iter()
            .filter(|l| l.insurance)
            .map(|l| l.final_net.fen())
            .sum(),
        returned_now: plan
            .iter()
            .filter(|(l, _, _)| l.insurance)
            .map(|(_, _, r)| r)
            .sum(),
        lines_done: s.lines.iter().filter(|l| l.insurance).all(|l| all_back(&l)),
    };
    let refunds: Vec<Refund> = split_refund(refund, full, &nets, &insurance)
        .into_iter()
        .filter(|(_, a)| *a > 0)
        .map(|(kind, a)| Refund {
            kind,
            amount: Money::from_fen(a),
        })
        .collect();

    // Points (rule 11).
    let (mut taken_back, mut given_back) = (0i64, 0i64);
    if s.member.is_some() {
        let rules = rules::get(c)?;
        if let Some((earn, earned)) = sale_entry(c, s.id, "earn")? {
            let left = earned - reversed(c, earn)?;
            taken_back = if full {
                left
            } else {
                // In proportion to the points base returned (rule 9: the points-eligible final
                // net less what 医保 paid for it).
                let weights = sale::points_weights(c, s)?;
                let weight = |l: &sale::SaleLine| {
                    weights
                        .iter()
                        .find(|(id, _)| *id == l.id)
                        .map_or(100, |(_, w)| *w)
                };
                let sold: Vec<(i64, bool, i64)> = s
                    .lines
                    .iter()
                    .filter(|l| l.points_eligible)
                    .map(|l| (l.final_net.fen(), l.insurance, weight(l)))
                    .collect();
                let back: Vec<(i64, bool, i64)> = plan
                    .iter()
                    .filter(|(l, _, _)| l.points_eligible)
                    .map(|(l, _, r)| (*r, l.insurance, weight(l)))
                    .collect();
                earned_share(earned, &sold, &back, &insurance).min(left)
            };
        }
        if let Some((redeem, redeemed)) = sale_entry(c, s.id, "redeem")? {
            let left = redeemed - reversed(c, redeem)?;
            given_back = if full {
                left
            } else {
                // The points value allocated to the returned quantities, in whole points.
                let per_yuan = i64::from(rules.points_per_yuan.max(1));
                let share_fen: i64 = plan
                    .iter()
                    .map(|(l, q, _)| l.points_share.fen() * i64::from(*q) / i64::from(l.quantity))
                    .sum();
                (share_fen * per_yuan / 100).min(left)
            };
        }
    }
    Ok(ReturnPreview {
        sale_id: s.id,
        lines: plan
            .iter()
            .map(|(l, q, _)| ReturnLineInput {
                sale_line_id: l.id,
                quantity: *q,
                trace_codes: lines
                    .iter()
                    .find(|i| i.sale_line_id == l.id)
                    .and_then(|i| i.trace_codes.clone()),
            })
            .collect(),
        line_refunds: plan.iter().map(|(_, _, r)| Money::from_fen(*r)).collect(),
        refunds,
        refund: Money::from_fen(refund),
        points_taken_back: taken_back,
        points_given_back: given_back,
        full,
    })
}

/// A return id was used already: a retried request, answered without recording anything again.
pub fn check_not_recorded(c: &Connection, id: SaleId) -> Result<()> {
    use rusqlite::OptionalExtension;
    let receipt: Option<String> = c
        .query_row(
            "SELECT receipt_no FROM sale_return WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    match receipt {
        Some(no) => Err(PosError::new(
            ErrorCode::ReturnAlreadyRecorded,
            format!("这笔退货已经办理（退货小票 {no}），没有重复退款"),
        )
        .with_details(serde_json::json!({ "return_id": id }))),
        None => Ok(()),
    }
}

/// Records the return `id` (minted by `return_open` when the screen opened the sale, so that a
/// retried request records it once) of `lines` of `sale_id`, approved by `manager`, done by `by`:
/// what `preview` says, in one transaction.
#[allow(clippy::too_many_arguments)]
pub fn create(
    tx: &Tx<'_>,
    id: SaleId,
    sale_id: SaleId,
    lines: &[ReturnLineInput],
    reason: ReturnReason,
    note: &str,
    manager: StaffId,
    by: StaffId,
) -> Result<SaleReturn> {
    check_not_recorded(tx, id)?;
    let s = sale::get(tx, sale_id)?;
    let note = note.trim();
    if reason == ReturnReason::OtherQuality && note.is_empty() {
        return Err(PosError::new(
            ErrorCode::ReturnReasonRequired,
            "选择“其他质量问题”时须写明具体问题",
        ));
    }
    if note.chars().count() > 100 {
        return Err(PosError::new(
            ErrorCode::ReturnReasonRequired,
            "退货说明最多 100 字",
        ));
    }
    let p = preview(tx, &s, lines)?;
    let refund = p.refund.fen();

    let return_id = id;
    let today = crate::business_day::today(tx)?;
    let receipt_no = next_receipt_no(tx, today)?;
    let at = stamp(tx.clock.now());
    let till = till_identity(tx)?;

    let (taken_back, given_back, full) = (p.points_taken_back, p.points_given_back, p.full);
    if let Some(m) = &s.member {
        for (kind, n) in [("earn", taken_back), ("redeem", given_back)] {
            if let (true, Some((entry, _))) = (n > 0, sale_entry(tx, sale_id, kind)?) {
                points::reverse(tx, entry, Some(n), Some(return_id), by)?;
            }
        }
        tier::record_spend(tx, &return_id.to_string(), m.id, -refund, "return")?;
    }
    // The balance the return receipt prints, now and on every reprint.
    let balance_after = match &s.member {
        Some(m) => Some(points::balance(tx, m.id)?),
        None => None,
    };

    tx.execute(
        "INSERT INTO sale_return (id, receipt_no, sale_id, store_id, device_id, business_date, at,
                                  cashier_id, approved_by, reason_code, reason_note, refund_fen,
                                  points_taken_back, points_given_back, points_balance_after, full,
                                  shift_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        rusqlite::params![
            return_id,
            receipt_no,
            sale_id,
            till.store_id,
            till.device_id,
            today.to_string(),
            at,
            by,
            manager,
            reason.as_str(),
            note,
            refund,
            taken_back,
            given_back,
            balance_after,
            full,
            crate::shift::current_id(tx)?,
        ],
    )?;
    let mut released = Vec::with_capacity(p.lines.len());
    for (l, r) in p.lines.iter().zip(&p.line_refunds) {
        tx.execute(
            "INSERT INTO return_line (return_id, sale_line_id, quantity, refund_fen) VALUES (?1, ?2, ?3, ?4)",
            (return_id, l.sale_line_id, l.quantity, r.fen()),
        )?;
        let scanned = l.trace_codes.as_deref().unwrap_or_default();
        if scanned.len() > l.quantity as usize {
            return Err(PosError::new(
                ErrorCode::ReturnExceedsSale,
                format!(
                    "退 {} 盒，却扫了 {} 个追溯码：每盒一个",
                    l.quantity,
                    scanned.len()
                ),
            ));
        }
        let sold = s.lines.iter().find(|x| x.id == l.sale_line_id);
        let whole = sold.is_some_and(|x| x.returned_quantity + l.quantity >= x.quantity);
        if let Some(x) = sold.filter(|_| !whole) {
            // Packs of the line without a code can come back without a scan; every other pack
            // brought back names its code, or it would stay "sold" and could never be sold again.
            let left = x.quantity - x.returned_quantity;
            let uncoded = left.saturating_sub(x.trace_codes_out);
            let needed = l.quantity.saturating_sub(uncoded) as usize;
            if scanned.len() < needed {
                return Err(PosError::new(
                    ErrorCode::TraceCodesRequired,
                    format!(
                        "{} 退 {} 盒：请扫退回的每盒药的追溯码（还差 {} 个）",
                        x.name,
                        l.quantity,
                        needed - scanned.len()
                    ),
                )
                .with_details(serde_json::json!({ "sale_line_id": x.id, "needed": needed })));
            }
        }
        let codes = crate::trace::release(tx, return_id, l.sale_line_id, scanned, whole)?;
        released.push((l.sale_line_id, codes));
    }
    for (i, f) in p.refunds.iter().enumerate() {
        tx.execute(
            "INSERT INTO return_refund (return_id, position, kind, amount_fen) VALUES (?1, ?2, ?3, ?4)",
            (return_id, i as i64 + 1, f.kind.as_str(), f.amount.fen()),
        )?;
    }
    // Open follow-ups of the lines that came back are closed, in this same write.
    crate::pharmacy::follow_up::close_for_return(tx, return_id, sale_id)?;
    let r = get(tx, return_id)?;
    outbox::append(
        tx,
        Payload::ReturnCommitted(ev::ReturnCommittedV1 {
            id: r.id.0,
            receipt_no: r.receipt_no.clone(),
            sale_id: r.sale_id.0,
            sale_receipt_no: r.sale_receipt_no.clone(),
            at: r.at.clone(),
            business_date: r.business_date.clone(),
            cashier_id: r.cashier_id.0,
            approved_by: r.approved_by.0,
            reason: r.reason.as_str().to_string(),
            reason_note: r.reason_note.clone(),
            lines: r
                .lines
                .iter()
                .map(|l| ev::ReturnLineV1 {
                    sale_line_id: l.sale_line_id.0,
                    quantity: l.quantity,
                    refund: l.refund.decimal(),
                    trace_codes: released
                        .iter()
                        .find(|(id, _)| *id == l.sale_line_id)
                        .map(|(_, c)| c.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            refunds: r
                .refunds
                .iter()
                .map(|f| ev::RefundV1 {
                    kind: f.kind.as_str().to_string(),
                    amount: f.amount.decimal(),
                })
                .collect(),
            refund: r.refund.decimal(),
            points_taken_back: r.points_taken_back,
            points_given_back: r.points_given_back,
            full: r.full,
            points_balance_after: r.points_balance,
        }),
    )?;
    crate::audit::record(
        tx,
        Some(r.approved_by),
        "return",
        &r.receipt_no,
        serde_json::json!({
            "sale": r.sale_receipt_no,
            "refund": r.refund,
            "cashier": r.cashier_id,
            "reason": r.reason.as_str(),
        }),
    )?;
    Ok(r)
}

/// A return with its lines and refunds.
pub fn get(c: &Connection, id: SaleId) -> Result<SaleReturn> {
    use rusqlite::OptionalExtension;
    let mut ret = c
        .query_row(
            "SELECT r.receipt_no, r.sale_id, s.receipt_no, r.at, r.business_date, r.cashier_id, cs.name,
                    r.approved_by, ap.name, r.reason_code, r.reason_note, r.refund_fen,
                    r.points_taken_back, r.points_given_back, r.full, m.card_no, m.phone,
                    r.points_balance_after
             FROM sale_return r JOIN sale s ON s.id = r.sale_id
             LEFT JOIN staff cs ON cs.id = r.cashier_id LEFT JOIN staff ap ON ap.id = r.approved_by
             LEFT JOIN member m ON m.id = s.member_id
             WHERE r.id = ?1",
            [id],
            |row| {
                Ok(
                    SaleReturn {
                        id,
                        receipt_no: row.get(0)?,
                        sale_id: row.get(1)?,
                        sale_receipt_no: row.get(2)?,
                        at: row.get(3)?,
                        business_date: row.get(4)?,
                        cashier_id: row.get(5)?,
                        cashier_name: row.get(6)?,
                        approved_by: row.get(7)?,
                        approved_by_name: row.get(8)?,
                        reason: ReturnReason::parse(&row.get::<_, String>(9)?),
                        reason_note: row.get(10)?,
                        lines: vec![],
                        refunds: vec![],
                        refund: Money::from_fen(row.get(11)?),
                        points_taken_back: row.get(12)?,
                        points_given_back: row.get(13)?,
                        full: row.get(14)?,
                        member_card_no: row.get(15)?,
                        member_phone_masked: row
                            .get::<_, Option<String>>(16)?
                            .map(|p| crate::member::phone::mask(&p)),
                        points_balance: row.get(17)?,
                    },
                )
            },
        )
        .optional()?
        .ok_or_else(|| PosError::new(ErrorCode::SaleNotFound, "找不到这张退货单"))?;
    let mut st = c.prepare(
        "SELECT rl.sale_line_id, l.name, l.spec, l.batch_no, rl.quantity, rl.refund_fen
         FROM return_line rl JOIN sale_line l ON l.id = rl.sale_line_id
         WHERE rl.return_id = ?1 ORDER BY l.position",
    )?;
    ret.lines = st
        .query_map([id], |row| {
            Ok(ReturnLine {
                sale_line_id: row.get(0)?,
                name: row.get(1)?,
                spec: row.get(2)?,
                batch_no: row.get(3)?,
                quantity: row.get(4)?,
                refund: Money::from_fen(row.get(5)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare(
        "SELECT kind, amount_fen FROM return_refund WHERE return_id = ?1 ORDER BY position",
    )?;
    ret.refunds = st
        .query_map([id], |row| {
            Ok(Refund {
                kind: TenderKind::parse(&row.get::<_, String>(0)?).unwrap_or(TenderKind::Cash),
                amount: Money::from_fen(row.get(1)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use TenderKind::{Cash, Insurance, Wechat};

    fn ins(paid: i64, lines_total: i64, returned_now: i64, lines_done: bool) -> InsuranceReturn {
        InsuranceReturn {
            paid,
            lines_total,
            returned_now,
            lines_done,
        }
    }

    #[test]
    fn refunds_split_over_tenders() {
        let none = InsuranceReturn::default();
        // (case, refund, full, what each tender has left, 医保 facts, expected split)
        #[allow(clippy::type_complexity)]
        #[rustfmt::skip]
        let cases: Vec<(&str, i64, bool, Vec<(TenderKind, i64)>, InsuranceReturn, Vec<i64>)> = vec![
            ("no 医保: in proportion",                    300, false, vec![(Wechat, 1000), (Cash, 500)],    none,                         vec![200, 100]),
            ("no 医保: remainder to the larger",          100, false, vec![(Wechat, 200), (Cash, 100)],     none,                         vec![67, 33]),
            ("a line 医保 did not pay for",               350, false, vec![(Insurance, 2000), (Cash, 1510)], ins(2000, 3160, 0, false),    vec![0, 350]),
            ("half the insurance lines",                 1580, false, vec![(Insurance, 2000), (Cash, 1160)], ins(2000, 3160, 1580, false), vec![1000, 580]),
            ("the last insurance line, sale not complete", 1580, false, vec![(Insurance, 1000), (Cash, 930)], ins(2000, 3160, 1580, true), vec![1000, 580]),
            ("医保 no more than the insurance lines returned", 500, false, vec![(Insurance, 1000), (Cash, 900)], ins(1000, 1000, 300, false), vec![300, 200]),
            ("other tenders short: 医保 makes up the rest", 500, false, vec![(Insurance, 1000), (Cash, 100)], ins(1000, 1000, 300, false), vec![400, 100]),
            ("nothing left elsewhere: 医保 refunds it all", 500, false, vec![(Insurance, 1000), (Cash, 0)],  ins(1000, 1000, 300, false),  vec![500, 0]),
            ("rounding half up",                         333, false, vec![(Insurance, 1000), (Cash, 2000)], ins(1000, 3000, 333, false),  vec![111, 222]),
            ("complete: exactly what is left",           742, true,  vec![(Insurance, 700), (Cash, 42)],    ins(2000, 3160, 0, true),     vec![700, 42]),
            ("never more than paid in all",             5000, false, vec![(Wechat, 100), (Cash, 50)],       none,                         vec![100, 50]),
        ];
        for (case, refund, full, left, insurance, want) in cases {
            let got: Vec<i64> = split_refund(refund, full, &left, &insurance)
                .into_iter()
                .map(|(_, a)| a)
                .collect();
            assert_eq!(got, want, "{case}");
            assert_eq!(
                got.iter().sum::<i64>(),
                refund.min(left.iter().map(|(_, l)| l).sum()),
                "{case}: the tenders refund the whole refund"
            );
            assert!(
                got.iter().zip(&left).all(|(g, (_, l))| *g >= 0 && g <= l),
                "{case}: a tender got more than it had left"
            );
        }
    }

    #[test]
    fn points_taken_back_follow_the_points_base() {
        let none = InsuranceReturn::default();
        // (case, earned, sold lines (final net, 医保-listed, weight), returned (amount, listed,
        // weight), 医保, want); weight 100 = no bonus multiplier.
        #[allow(clippy::type_complexity)]
        #[rustfmt::skip]
        let cases: Vec<(&str, i64, Vec<(i64, bool, i64)>, Vec<(i64, bool, i64)>, InsuranceReturn, i64)> = vec![
            ("no 医保: in proportion to the net",    100, vec![(1000, false, 100), (1000, false, 100)], vec![(500, false, 100)], none, 25),
            ("rounded down",                         10, vec![(300, false, 100)],                 vec![(100, false, 100)], none, 3),
            ("a line 医保 did not pay for",           14, vec![(3160, true, 100), (300, false, 100)],   vec![(300, false, 100)], ins(2000, 3160, 0, false), 2),
            ("the cash part of an insurance line",   14, vec![(3160, true, 100), (300, false, 100)],   vec![(1580, true, 100)], ins(2000, 3160, 1580, false), 5),
            ("医保 paid everything: nothing earned",   0, vec![(1000, true, 100)],                 vec![(500, true, 100)],  ins(1000, 1000, 500, false), 0),
            ("never more than earned",                5, vec![(100, false, 100)],                 vec![(900, false, 100)], none, 5),
            // 10.00 at double points and 10.00 at single: 30 points; the doubled line carries 20.
            ("a bonus line carries its multiplier",  30, vec![(1000, false, 200), (1000, false, 100)], vec![(1000, false, 200)], none, 20),
            ("the plain line of that sale",          30, vec![(1000, false, 200), (1000, false, 100)], vec![(1000, false, 100)], none, 10),
        ];
        for (case, earned, sold, back, insurance, want) in cases {
            assert_eq!(
                earned_share(earned, &sold, &back, &insurance),
                want,
                "{case}"
            );
        }
    }
}
