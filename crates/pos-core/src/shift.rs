//! Shifts (交班): a cashier opens the till with a float, puts cash in or takes it out with a
//! reason, and closes with a blind count by denomination — the count is taken before the
//! expected amount is shown. The handover slip then compares cash expected with cash counted.
//!
//! Cash expected = float + cash in − cash out + cash tendered − change given − cash refunded,
//! over the sales and returns recorded while the shift was open (`sale.shift_id`).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit;
use crate::business_day;
use crate::clock::stamp;
use crate::db::{till_identity, Tx};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::StaffId;
use crate::money::Money;

/// The notes and coins a drawer holds, in 分: ¥100, 50, 20, 10, 5, 1, 5 角, 1 角, and the 分
/// coins still legal tender (5, 2, 1 分) for refunds that are not whole 角.
pub const DENOMINATIONS_FEN: &[i64] = &[10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10, 5, 2, 1];

/// The most of one denomination a drawer can hold (a count above it is a typing slip).
pub const MAX_COUNT: i64 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Shift {
    pub id: String,
    pub cashier_id: StaffId,
    pub cashier_name: String,
    pub business_date: String,
    pub opened_at: String,
    pub float: Money,
    pub closed_at: Option<String>,
}

/// One line of the blind count: how many of one note or coin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CountLine {
    /// The note or coin, in yuan: "100", "50", … "0.1".
    pub denomination: Money,
    /// How many, as typed (whole, 0 or more).
    pub count: String,
}

/// Takings of one tender over a shift or a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TenderTotal {
    /// cash | wechat | alipay | card | insurance
    pub kind: String,
    /// Paid in by sales (for cash: tendered less change).
    pub sales: Money,
    /// Paid back by returns.
    pub refunds: Money,
    /// sales − refunds
    #[serde(with = "crate::money::signed")]
    #[ts(as = "Money")]
    pub net: Money,
}

/// The handover slip (交班单) of one shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HandoverSlip {
    pub shift: Shift,
    #[ts(type = "number")]
    pub sales_count: i64,
    /// Σ amounts due of the shift's sales.
    pub sales_amount: Money,
    #[ts(type = "number")]
    pub returns_count: i64,
    pub returns_amount: Money,
    pub tenders: Vec<TenderTotal>,
    pub cash_in: Money,
    pub cash_out: Money,
    /// float + cash in − cash out + cash net of sales and returns.
    #[serde(with = "crate::money::signed")]
    #[ts(as = "Money")]
    pub cash_expected: Money,
    /// The blind count (None while the shift is open): (denomination, how many).
    #[ts(type = "Array<[string, number]> | null")]
    pub counted: Option<Vec<(Money, i64)>>,
    pub cash_counted: Option<Money>,
    /// counted − expected: positive is over (长款), negative short (短款).
    #[serde(with = "crate::money::signed::opt")]
    #[ts(as = "Option<Money>")]
    pub over_short: Option<Money>,
    pub closed_by_name: Option<String>,
}

/// The shift open at this till, if any.
pub fn current(c: &Connection) -> Result<Option<Shift>> {
    current_id(c)?.map(|id| get(c, &id)).transpose()
}

/// The open shift's id, for sales and returns to carry.
pub fn current_id(c: &Connection) -> Result<Option<String>> {
    let device = till_identity(c)?.device_id;
    Ok(
        c.prepare_cached("SELECT id FROM shift WHERE device_id = ?1 AND closed_at IS NULL")?
            .query_row([device], |r| r.get(0))
            .optional()?,
    )
}

pub fn get(c: &Connection, id: &str) -> Result<Shift> {
    c.prepare_cached(
        "SELECT s.id, s.cashier_id, st.name, s.business_date, s.opened_at, s.float_fen, s.closed_at
         FROM shift s JOIN staff st ON st.id = s.cashier_id WHERE s.id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Shift {
            id: r.get(0)?,
            cashier_id: r.get(1)?,
            cashier_name: r.get(2)?,
            business_date: r.get(3)?,
            opened_at: r.get(4)?,
            float: Money::from_fen(r.get(5)?),
            closed_at: r.get(6)?,
        })
    })
    .optional()?
    .ok_or_else(|| PosError::new(ErrorCode::NoOpenShift, "没有这个班次"))
}

/// Opens a shift at this till for `cashier` with `float` in the drawer.
pub fn open(tx: &Tx<'_>, cashier: StaffId, float: Money) -> Result<Shift> {
    if let Some(s) = current(tx)? {
        return Err(PosError::new(
            ErrorCode::ShiftAlreadyOpen,
            format!(
                "本机已有 {} 的班次（{} 开班）未交班，请先交班",
                s.cashier_name,
                &s.opened_at[..16.min(s.opened_at.len())].replace('T', " ")
            ),
        ));
    }
    check_amount(float, "备用金")?;
    let id = crate::ids::EventId::new(tx.clock).to_string();
    let date = business_day::today(tx)?.to_string();
    tx.execute(
        "INSERT INTO shift (id, device_id, cashier_id, business_date, opened_at, float_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            id,
            till_identity(tx)?.device_id,
            cashier,
            date,
            stamp(tx.clock.now()),
            float.fen()
        ],
    )?;
    audit::record(
        tx,
        Some(cashier),
        "shift.open",
        &id,
        serde_json::json!({ "float": float }),
    )?;
    get(tx, &id)
}

fn check_amount(m: Money, label: &str) -> Result<()> {
    if m < Money::ZERO {
        return Err(PosError::new(
            ErrorCode::InvalidAmount,
            format!("{label}不能为负数"),
        ));
    }
    Ok(())
}

/// Cash put into (`in`) or taken out of (`out`) the drawer of the open shift.
pub fn move_cash(tx: &Tx<'_>, by: StaffId, into: bool, amount: Money, reason: &str) -> Result<()> {
    let shift = current_id(tx)?.ok_or_else(no_open_shift)?;
    if amount <= Money::ZERO {
        return Err(PosError::new(ErrorCode::InvalidAmount, "金额须大于 0"));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 100 {
        return Err(PosError::new(
            ErrorCode::ReasonRequired,
            "请写明存入或取出现金的原因（最多 100 字）",
        ));
    }
    if !into {
        let expected = slip(tx, &shift)?.cash_expected;
        if amount > expected {
            return Err(PosError::new(
                ErrorCode::InvalidAmount,
                format!("钱箱应有现金 {expected}，取不出 {amount}"),
            ));
        }
    }
    let kind = if into { "in" } else { "out" };
    tx.execute(
        "INSERT INTO cash_movement (id, shift_id, kind, amount_fen, reason, at, by_staff)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            crate::ids::EventId::new(tx.clock).to_string(),
            shift,
            kind,
            amount.fen(),
            reason,
            stamp(tx.clock.now()),
            by
        ],
    )?;
    audit::record(
        tx,
        Some(by),
        &format!("cash.{kind}"),
        &shift,
        serde_json::json!({ "amount": amount, "reason": reason }),
    )
}

fn no_open_shift() -> PosError {
    PosError::new(ErrorCode::NoOpenShift, "本机没有未交班的班次，请先开班")
}

/// Reads the blind count: every line a known denomination, every count whole and in range.
pub fn parse_count(lines: &[CountLine]) -> Result<Vec<(Money, i64)>> {
    let mut out: Vec<(Money, i64)> = Vec::new();
    for l in lines {
        let fen = l.denomination.fen();
        if !DENOMINATIONS_FEN.contains(&fen) {
            return Err(PosError::new(
                ErrorCode::InvalidCount,
                format!("没有面额为 {} 的钞票或硬币", l.denomination),
            ));
        }
        let text = l.count.trim();
        let n: i64 = if text.is_empty() {
            0
        } else {
            text.parse()
                .ok()
                .filter(|n| (0..=MAX_COUNT).contains(n) && text.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    PosError::new(
                        ErrorCode::InvalidCount,
                        format!(
                            "{} 元的张数“{}”不对：请填 0 到 {MAX_COUNT} 的整数",
                            l.denomination, l.count
                        ),
                    )
                })?
        };
        if out.iter().any(|(d, _)| d.fen() == fen) {
            return Err(PosError::new(
                ErrorCode::InvalidCount,
                format!("{} 元填了两次", l.denomination),
            ));
        }
        out.push((l.denomination, n));
    }
    Ok(out)
}

/// Closes the open shift with the blind count; returns the handover slip.
pub fn close(tx: &Tx<'_>, by: StaffId, count: &[CountLine]) -> Result<HandoverSlip> {
    let shift = current_id(tx)?.ok_or_else(no_open_shift)?;
    let counted = parse_count(count)?;
    let counted_fen: i64 = counted.iter().map(|(d, n)| d.fen() * n).sum();
    let expected = slip(tx, &shift)?.cash_expected;
    let counted_json = serde_json::to_string(
        &counted
            .iter()
            .map(|(d, n)| (d.fen(), *n))
            .collect::<Vec<_>>(),
    )
    .map_err(|e| PosError::storage(e.to_string()))?;
    tx.execute(
        "UPDATE shift SET closed_at = ?2, closed_by = ?3, counted = ?4, counted_fen = ?5,
                          expected_fen = ?6
         WHERE id = ?1",
        rusqlite::params![
            shift,
            stamp(tx.clock.now()),
            by,
            counted_json,
            counted_fen,
            expected.fen()
        ],
    )?;
    audit::record(
        tx,
        Some(by),
        "shift.close",
        &shift,
        serde_json::json!({
            "expected": expected,
            "counted": Money::from_fen(counted_fen),
            "over_short": Money::from_fen(counted_fen - expected.fen()),
        }),
    )?;
    slip(tx, &shift)
}

/// The handover slip of a shift, open or closed.
pub fn slip(c: &Connection, id: &str) -> Result<HandoverSlip> {
    let shift = get(c, id)?;
    let (sales_count, sales_fen, change_fen): (i64, i64, i64) = c.query_row(
        "SELECT count(*), COALESCE(sum(payable_fen), 0), COALESCE(sum(change_fen), 0)
         FROM sale WHERE shift_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (returns_count, refund_fen): (i64, i64) = c.query_row(
        "SELECT count(*), COALESCE(sum(refund_fen), 0) FROM sale_return WHERE shift_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let tenders = tender_totals(
        c,
        "SELECT p.kind, sum(p.amount_fen) FROM sale_payment p JOIN sale s ON s.id = p.sale_id
         WHERE s.shift_id = ?1 GROUP BY p.kind",
        "SELECT f.kind, sum(f.amount_fen) FROM return_refund f JOIN sale_return r ON r.id = f.return_id
         WHERE r.shift_id = ?1 GROUP BY f.kind",
        id,
        change_fen,
    )?;
    let moved = |kind: &str| -> Result<Money> {
        Ok(Money::from_fen(c.query_row(
            "SELECT COALESCE(sum(amount_fen), 0) FROM cash_movement WHERE shift_id = ?1 AND kind = ?2",
            [id, kind],
            |r| r.get(0),
        )?))
    };
    let (cash_in, cash_out) = (moved("in")?, moved("out")?);
    let cash_net = tenders
        .iter()
        .find(|t| t.kind == "cash")
        .map_or(Money::ZERO, |t| t.net);
    let cash_expected = shift.float + cash_in - cash_out + cash_net;
    let closed: Option<(Option<String>, Option<i64>, Option<String>)> = c
        .query_row(
            "SELECT s.counted, s.counted_fen, st.name FROM shift s
             LEFT JOIN staff st ON st.id = s.closed_by
             WHERE s.id = ?1 AND s.closed_at IS NOT NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (counted, cash_counted, closed_by_name) = match closed {
        Some((json, fen, name)) => {
            let lines: Vec<(i64, i64)> = json
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| PosError::storage(format!("点钞记录读不出：{e}")))?
                .unwrap_or_default();
            (
                Some(
                    lines
                        .into_iter()
                        .map(|(d, n)| (Money::from_fen(d), n))
                        .collect(),
                ),
                fen.map(Money::from_fen),
                name,
            )
        }
        None => (None, None, None),
    };
    Ok(HandoverSlip {
        over_short: cash_counted.map(|c| c - cash_expected),
        shift,
        sales_count,
        sales_amount: Money::from_fen(sales_fen),
        returns_count,
        returns_amount: Money::from_fen(refund_fen),
        tenders,
        cash_in,
        cash_out,
        cash_expected,
        counted,
        cash_counted,
        closed_by_name,
    })
}

/// Takings by tender from two grouped queries (sales' payments, returns' refunds) over one
/// parameter; change given is taken off cash.
pub(crate) fn tender_totals(
    c: &Connection,
    payments_sql: &str,
    refunds_sql: &str,
    param: &str,
    change_fen: i64,
) -> Result<Vec<TenderTotal>> {
    let grouped = |sql: &str| -> Result<Vec<(String, i64)>> {
        let mut st = c.prepare_cached(sql)?;
        let rows = st.query_map([param], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let paid = grouped(payments_sql)?;
    let refunded = grouped(refunds_sql)?;
    let mut out = Vec::new();
    for kind in ["cash", "wechat", "alipay", "card", "insurance"] {
        let mut sales = paid.iter().find(|(k, _)| k == kind).map_or(0, |(_, f)| *f);
        if kind == "cash" {
            sales -= change_fen;
        }
        let refunds = refunded
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(0, |(_, f)| *f);
        out.push(TenderTotal {
            kind: kind.to_string(),
            sales: Money::from_fen(sales),
            refunds: Money::from_fen(refunds),
            net: Money::from_fen(sales - refunds),
        });
    }
    Ok(out)
}
