//! Day close (日结): the report a store manager signs for one business day (PRODUCT.md §5), and
//! the lock that follows. Closing writes the report once, numbered, exactly as signed
//! (`day_close`, immutable); later moments belong to the next business day
//! ([`crate::business_day`]). The audit chain's last hash is sealed into the report.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit;
use crate::business_day;
use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::StaffId;
use crate::money::Money;
use crate::shift::{self, TenderTotal};
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// Discounts given over the day, by kind (PRODUCT.md §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DiscountTotals {
    pub tier: Money,
    pub member_day: Money,
    pub manual: Money,
    pub coupon: Money,
    pub points: Money,
    pub small_change: Money,
    pub total: Money,
}

/// One shift of the day as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShiftLine {
    pub shift_id: String,
    pub cashier_name: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub float: Money,
    #[serde(with = "crate::money::signed")]
    #[ts(as = "Money")]
    pub cash_expected: Money,
    pub cash_counted: Option<Money>,
    #[serde(with = "crate::money::signed::opt")]
    #[ts(as = "Option<Money>")]
    pub over_short: Option<Money>,
}

/// A best-selling product of the day (by amount, after returns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TopProduct {
    pub name: String,
    pub spec: String,
    #[ts(type = "number")]
    pub quantity: i64,
    pub amount: Money,
}

/// The day-close report (日结报表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DayReport {
    pub business_date: String,
    /// The close's number (1, 2, 3 … in closing order); `None` on a preview.
    #[ts(type = "number | null")]
    pub number: Option<i64>,
    pub closed_at: Option<String>,
    pub closed_by_name: Option<String>,
    #[ts(type = "number")]
    pub sales_count: i64,
    /// Σ list amounts before any discount.
    pub sales_subtotal: Money,
    /// Σ amounts due (应收) of the sales.
    pub sales_amount: Money,
    #[ts(type = "number")]
    pub returns_count: i64,
    pub returns_amount: Money,
    /// sales − returns
    #[serde(with = "crate::money::signed")]
    #[ts(as = "Money")]
    pub net_amount: Money,
    pub discounts: DiscountTotals,
    pub tenders: Vec<TenderTotal>,
    /// Σ floats of the day's shifts.
    pub floats: Money,
    pub cash_in: Money,
    pub cash_out: Money,
    /// floats + cash in − cash out + cash tendered − change − cash refunds.
    #[serde(with = "crate::money::signed")]
    #[ts(as = "Money")]
    pub cash_expected: Money,
    /// Σ blind counts of the day's shifts (None when no shift was kept).
    pub cash_counted: Option<Money>,
    #[serde(with = "crate::money::signed::opt")]
    #[ts(as = "Option<Money>")]
    pub over_short: Option<Money>,
    #[ts(type = "number")]
    pub member_sales_count: i64,
    pub member_sales_amount: Money,
    /// Member share of sales by amount, in percent with one decimal ("62.5").
    pub member_share_pct: String,
    /// 客单价: sales amount ÷ sales count.
    pub average_ticket: Money,
    #[ts(type = "number")]
    pub new_members: i64,
    #[ts(type = "number")]
    pub points_issued: i64,
    #[ts(type = "number")]
    pub points_redeemed: i64,
    /// Sales with at least one Rx line.
    #[ts(type = "number")]
    pub rx_sales: i64,
    /// Lines written to the ephedrine register.
    #[ts(type = "number")]
    pub ephedrine_lines: i64,
    pub top_products: Vec<TopProduct>,
    pub shifts: Vec<ShiftLine>,
    /// The audit chain's last hash when the day was closed (on a preview: now).
    pub audit_hash: String,
}

/// The report of `date` as it stands (not closed, nothing written).
pub fn preview(c: &Connection, date: NaiveDate) -> Result<DayReport> {
    let d = date.to_string();
    let one =
        |sql: &str| -> Result<i64> { Ok(c.prepare_cached(sql)?.query_row([&d], |r| r.get(0))?) };
    let sales_count = one("SELECT count(*) FROM sale WHERE business_date = ?1")?;
    let sum = |col: &str| -> Result<Money> {
        Ok(Money::from_fen(one(&format!(
            "SELECT COALESCE(sum({col}), 0) FROM sale WHERE business_date = ?1"
        ))?))
    };
    let sales_subtotal = sum("subtotal_fen")?;
    let sales_amount = sum("payable_fen")?;
    let discounts = {
        let (tier, member_day, manual, coupon, points, small_change) = (
            sum("tier_fen")?,
            sum("member_day_fen")?,
            sum("manual_fen")?,
            sum("coupon_fen")?,
            sum("points_fen")?,
            sum("small_change_fen")?,
        );
        DiscountTotals {
            total: tier + member_day + manual + coupon + points + small_change,
            tier,
            member_day,
            manual,
            coupon,
            points,
            small_change,
        }
    };
    let change_fen = one("SELECT COALESCE(sum(change_fen), 0) FROM sale WHERE business_date = ?1")?;
    let returns_count = one("SELECT count(*) FROM sale_return WHERE business_date = ?1")?;
    let returns_amount = Money::from_fen(one(
        "SELECT COALESCE(sum(refund_fen), 0) FROM sale_return WHERE business_date = ?1",
    )?);
    let tenders = shift::tender_totals(
        c,
        "SELECT p.kind, sum(p.amount_fen) FROM sale_payment p JOIN sale s ON s.id = p.sale_id
         WHERE s.business_date = ?1 GROUP BY p.kind",
        "SELECT f.kind, sum(f.amount_fen) FROM return_refund f JOIN sale_return r ON r.id = f.return_id
         WHERE r.business_date = ?1 GROUP BY f.kind",
        &d,
        change_fen,
    )?;
    let shifts = shift_lines(c, &d)?;
    let floats: Money = shifts.iter().map(|s| s.float).sum();
    let moved = |kind: &str| -> Result<Money> {
        Ok(Money::from_fen(c.query_row(
            "SELECT COALESCE(sum(m.amount_fen), 0) FROM cash_movement m
             JOIN shift s ON s.id = m.shift_id
             WHERE s.business_date = ?1 AND m.kind = ?2",
            [&d, kind],
            |r| r.get(0),
        )?))
    };
    let (cash_in, cash_out) = (moved("in")?, moved("out")?);
    let cash_net = tenders
        .iter()
        .find(|t| t.kind == "cash")
        .map_or(Money::ZERO, |t| t.net);
    let cash_expected = floats + cash_in - cash_out + cash_net;
    let cash_counted = if shifts.is_empty() {
        None
    } else {
        Some(shifts.iter().filter_map(|s| s.cash_counted).sum())
    };
    let member_sales_count =
        one("SELECT count(*) FROM sale WHERE business_date = ?1 AND member_id IS NOT NULL")?;
    let member_sales_amount =
        Money::from_fen(one("SELECT COALESCE(sum(payable_fen), 0) FROM sale
         WHERE business_date = ?1 AND member_id IS NOT NULL")?);
    let member_share_pct = if sales_amount.fen() == 0 {
        "0.0".to_string()
    } else {
        // Half-up to one decimal, in integers (permille).
        let permille =
            (member_sales_amount.fen() * 2000 + sales_amount.fen()) / (2 * sales_amount.fen());
        format!("{}.{}", permille / 10, permille % 10)
    };
    let average_ticket = if sales_count == 0 {
        Money::ZERO
    } else {
        Money::round_half_up(sales_amount.decimal() / rust_decimal::Decimal::from(sales_count))
    };
    let (day_start, day_end) = business_day::window(c, date)?;
    let new_members: i64 = c.query_row(
        "SELECT count(*) FROM member WHERE created_at >= ?1 AND created_at < ?2",
        [&day_start, &day_end],
        |r| r.get(0),
    )?;
    let points_issued = one(
        "SELECT COALESCE(sum(points), 0) FROM points_entry WHERE business_date = ?1 AND kind = 'earn'",
    )?;
    let points_redeemed = one(
        "SELECT COALESCE(-sum(points), 0) FROM points_entry WHERE business_date = ?1 AND kind = 'redeem'",
    )?;
    let rx_sales = one("SELECT count(*) FROM sale s WHERE s.business_date = ?1
           AND EXISTS (SELECT 1 FROM sale_line l WHERE l.sale_id = s.id AND l.rx = 1)")?;
    let ephedrine_lines = one("SELECT count(*) FROM ephedrine_register WHERE business_date = ?1")?;
    let top_products = top_products(c, &d)?;
    Ok(DayReport {
        business_date: d.clone(),
        number: None,
        closed_at: None,
        closed_by_name: None,
        sales_count,
        sales_subtotal,
        sales_amount,
        returns_count,
        returns_amount,
        net_amount: sales_amount - returns_amount,
        discounts,
        tenders,
        floats,
        cash_in,
        cash_out,
        cash_expected,
        over_short: cash_counted.map(|c| c - cash_expected),
        cash_counted,
        member_sales_count,
        member_sales_amount,
        member_share_pct,
        average_ticket,
        new_members,
        points_issued,
        points_redeemed,
        rx_sales,
        ephedrine_lines,
        top_products,
        shifts,
        audit_hash: audit::head(c)?,
    })
}

fn shift_lines(c: &Connection, date: &str) -> Result<Vec<ShiftLine>> {
    let ids: Vec<String> = c
        .prepare_cached("SELECT id FROM shift WHERE business_date = ?1 ORDER BY opened_at")?
        .query_map([date], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter()
        .map(|id| {
            let s = shift::slip(c, id)?;
            Ok(ShiftLine {
                shift_id: s.shift.id.clone(),
                cashier_name: s.shift.cashier_name.clone(),
                opened_at: s.shift.opened_at.clone(),
                closed_at: s.shift.closed_at.clone(),
                float: s.shift.float,
                cash_expected: s.cash_expected,
                cash_counted: s.cash_counted,
                over_short: s.over_short,
            })
        })
        .collect()
}

fn top_products(c: &Connection, date: &str) -> Result<Vec<TopProduct>> {
    let mut st = c.prepare_cached(
        "SELECT l.name, l.spec,
                sum(l.quantity) - COALESCE(sum(rl.qty), 0) AS quantity,
                sum(l.final_net_fen) - COALESCE(sum(rl.refund), 0) AS amount
         FROM sale_line l
         JOIN sale s ON s.id = l.sale_id
         LEFT JOIN (SELECT sale_line_id, sum(quantity) AS qty, sum(refund_fen) AS refund
                    FROM return_line GROUP BY sale_line_id) rl ON rl.sale_line_id = l.id
         WHERE s.business_date = ?1
         GROUP BY l.product_id, l.name, l.spec
         ORDER BY amount DESC, l.name
         LIMIT 10",
    )?;
    let rows = st.query_map([date], |r| {
        Ok(TopProduct {
            name: r.get(0)?,
            spec: r.get(1)?,
            quantity: r.get(2)?,
            amount: Money::from_fen(r.get(3)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Closes business day `date`: refuses a day that has not begun, one closed already, and one
/// with a shift still open; writes the numbered report with the audit chain's hash sealed in.
pub fn close(tx: &Tx<'_>, by: StaffId, date: NaiveDate) -> Result<DayReport> {
    let today = business_day::today(tx)?;
    if date > today {
        return Err(PosError::new(
            ErrorCode::DayNotClosable,
            format!("{date} 的营业日还没有开始，不能日结"),
        ));
    }
    if get(tx, date)?.is_some() {
        return Err(PosError::new(
            ErrorCode::DayAlreadyClosed,
            format!("{date} 已经日结过了；如需再看，请重印日结单"),
        ));
    }
    let open: Option<String> = tx
        .query_row(
            "SELECT st.name FROM shift s JOIN staff st ON st.id = s.cashier_id
             WHERE s.closed_at IS NULL AND s.business_date <= ?1 LIMIT 1",
            [date.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(name) = open {
        return Err(PosError::new(
            ErrorCode::ShiftStillOpen,
            format!("{name} 的班次还没有交班，请先交班再日结"),
        ));
    }
    let mut report = preview(tx, date)?;
    let number: i64 = tx.query_row(
        "SELECT COALESCE(max(number), 0) + 1 FROM day_close",
        [],
        |r| r.get(0),
    )?;
    let closed_at = stamp(tx.clock.now());
    let sealed = audit::head(tx)?;
    report.number = Some(number);
    report.closed_at = Some(closed_at.clone());
    report.closed_by_name = tx
        .query_row("SELECT name FROM staff WHERE id = ?1", [by], |r| r.get(0))
        .optional()?;
    report.audit_hash = sealed.clone();
    let json = serde_json::to_value(&report).map_err(|e| PosError::storage(e.to_string()))?;
    tx.execute(
        "INSERT INTO day_close (business_date, number, closed_at, closed_by, report, audit_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            report.business_date,
            number,
            closed_at,
            by,
            json.to_string(),
            sealed
        ],
    )?;
    audit::record(
        tx,
        Some(by),
        "day.close",
        &report.business_date,
        serde_json::json!({ "number": number, "sealed_hash": sealed }),
    )?;
    outbox::append(
        tx,
        Payload::DayClosed(ev::DayClosedV1 {
            business_date: report.business_date.clone(),
            number,
            closed_at,
            closed_by: by.0,
            audit_hash: sealed,
            report: json,
        }),
    )?;
    Ok(report)
}

/// The report of a closed day, exactly as signed (for a reprint); `None` if not closed.
pub fn get(c: &Connection, date: NaiveDate) -> Result<Option<DayReport>> {
    let json: Option<String> = c
        .prepare_cached("SELECT report FROM day_close WHERE business_date = ?1")?
        .query_row([date.to_string()], |r| r.get(0))
        .optional()?;
    json.map(|j| {
        serde_json::from_str(&j).map_err(|e| PosError::storage(format!("日结单读不出：{e}")))
    })
    .transpose()
}

/// Closed days, newest first: (business date, number, closed at).
pub fn closed_days(c: &Connection, limit: u32) -> Result<Vec<(String, i64, String)>> {
    let mut st = c.prepare_cached(
        "SELECT business_date, number, closed_at FROM day_close ORDER BY number DESC LIMIT ?1",
    )?;
    let rows = st.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
