//! The points ledger (积分), append-only. Every change is a new entry; the balance is their sum.
//!
//! Positive entries are *lots*: points earned (or added by a manager, or given back on a return)
//! that expire together at the end of 31 December of the year after they were earned (rule 10).
//! Negative entries — redeem, expire, a negative adjustment, the reversal of earned points — draw
//! from lots, oldest expiry first, and each draw is recorded in `points_draw`, so every redeem
//! entry knows the earn entries it used. What is left in a lot = its points − Σ its draws.

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{MemberId, PointsEntryId, SaleId, StaffId};
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// The largest single entry: far above any real sale, far below overflow.
pub const MAX_POINTS: i64 = 100_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum PointsKind {
    /// 消费积分
    Earn,
    /// 积分抵现
    Redeem,
    /// 过期
    Expire,
    /// 人工调整（店长）
    Adjust,
    /// 冲正（退货）
    Reverse,
}

impl PointsKind {
    fn as_str(self) -> &'static str {
        match self {
            PointsKind::Earn => "earn",
            PointsKind::Redeem => "redeem",
            PointsKind::Expire => "expire",
            PointsKind::Adjust => "adjust",
            PointsKind::Reverse => "reverse",
        }
    }

    fn parse(s: &str) -> PointsKind {
        match s {
            "earn" => PointsKind::Earn,
            "redeem" => PointsKind::Redeem,
            "expire" => PointsKind::Expire,
            "adjust" => PointsKind::Adjust,
            _ => PointsKind::Reverse,
        }
    }
}

/// One ledger entry, as the profile's points history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PointsEntry {
    pub id: PointsEntryId,
    pub member_id: MemberId,
    pub kind: PointsKind,
    #[ts(type = "number")]
    pub points: i64,
    /// Lots only: the last day the points can be used.
    pub expires_on: Option<String>,
    pub sale_id: Option<SaleId>,
    pub reverses: Option<PointsEntryId>,
    pub reason: String,
    pub by_staff: Option<StaffId>,
    pub at: String,
    pub business_date: String,
    /// The balance after this entry.
    #[ts(type = "number")]
    pub balance_after: i64,
}

/// Points earned in calendar year `y` last until 31 December of `y + 1`.
pub fn expiry_for(earned_on: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(earned_on.year() + 1, 12, 31).expect("31 December exists")
}

pub fn balance(c: &Connection, member: MemberId) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT coalesce(sum(points), 0) FROM points_entry WHERE member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1)")?
            .query_row([member], |r| r.get(0))?,
    )
}

/// A lot with points left: (entry id, points left, expires on), oldest expiry first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    pub id: PointsEntryId,
    pub left: i64,
    pub expires_on: String,
}

pub fn open_lots(c: &Connection, member: MemberId) -> Result<Vec<Lot>> {
    let mut st = c.prepare_cached(
        "SELECT e.id, e.points - coalesce((SELECT sum(d.points) FROM points_draw d WHERE d.lot_id = e.id), 0),
                e.expires_on
         FROM points_entry e
         WHERE e.member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1) AND e.points > 0
         ORDER BY e.expires_on, e.at, e.rowid",
    )?;
    let lots = st
        .query_map([member], |r| {
            Ok(Lot {
                id: r.get(0)?,
                left: r.get(1)?,
                expires_on: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lots.into_iter().filter(|l| l.left > 0).collect())
}

/// A member's balance and the points that expire at the end of this calendar year, in one read
/// of the covering index (what every lookup result shows).
pub fn standing(c: &Connection, member: MemberId, today: NaiveDate) -> Result<(i64, i64)> {
    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31)
        .expect("31 December exists")
        .to_string();
    let today = today.to_string();
    let mut st = c.prepare_cached(
        "SELECT e.points, e.expires_on,
                CASE WHEN e.points > 0
                     THEN (SELECT coalesce(sum(d.points), 0) FROM points_draw d WHERE d.lot_id = e.id)
                     ELSE 0 END
         FROM points_entry e INDEXED BY points_entry_standing
         WHERE e.member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1)",
    )?;
    let mut rows = st.query([member])?;
    let (mut balance, mut expiring) = (0i64, 0i64);
    while let Some(r) = rows.next()? {
        let points: i64 = r.get(0)?;
        balance += points;
        if let Some(e) = r.get::<_, Option<String>>(1)? {
            if e >= today && e <= year_end {
                expiring += points - r.get::<_, i64>(2)?;
            }
        }
    }
    Ok((balance, expiring))
}

/// What an entry needs besides its points.
pub struct EntryInfo<'a> {
    pub member: MemberId,
    pub kind: PointsKind,
    pub sale: Option<SaleId>,
    pub reverses: Option<PointsEntryId>,
    pub reason: &'a str,
    pub by: Option<StaffId>,
}

/// Writes an entry: a positive one becomes a lot expiring on `expires_on`; a negative one draws
/// from the lots in `draws` (ids and points, summing to at most its size).
fn write_entry(
    tx: &Tx<'_>,
    info: &EntryInfo<'_>,
    points: i64,
    expires_on: Option<NaiveDate>,
    draws: &[(PointsEntryId, i64)],
) -> Result<PointsEntryId> {
    let id = PointsEntryId::new(tx.clock);
    let at = stamp(tx.clock.now());
    let today = crate::business_day::today(tx)?.to_string();
    let expires = expires_on.map(|d| d.to_string());
    tx.prepare_cached(
        "INSERT INTO points_entry (id, member_id, kind, points, expires_on, sale_id, reverses, reason,
                                   by_staff, at, business_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(rusqlite::params![
        id,
        info.member,
        info.kind.as_str(),
        points,
        expires,
        info.sale,
        info.reverses,
        info.reason,
        info.by,
        at,
        today,
    ])?;
    for (lot, n) in draws {
        tx.prepare_cached(
            "INSERT INTO points_draw (entry_id, lot_id, points) VALUES (?1, ?2, ?3)",
        )?
        .execute((id, lot, n))?;
    }
    outbox::append(
        tx,
        Payload::PointsEntry(ev::PointsEntryV1 {
            id: id.0,
            member_id: info.member.0,
            kind: info.kind.as_str().to_string(),
            points,
            expires_on: expires.clone(),
            sale_id: info.sale.map(|s| s.0),
            reverses: info.reverses.map(|r| r.0),
            reason: info.reason.to_string(),
            by_staff: info.by.map(|b| b.0),
            at: at.clone(),
            business_date: today.clone(),
            draws: draws.iter().map(|(lot, n)| (lot.0, *n)).collect(),
        }),
    )?;
    Ok(id)
}

fn check_points(points: i64) -> Result<i64> {
    if points <= 0 || points > MAX_POINTS {
        return Err(PosError::new(
            ErrorCode::InvalidPoints,
            format!("积分数 {points} 无效：须为 1 至 {MAX_POINTS} 之间的整数"),
        ));
    }
    Ok(points)
}

/// Plans draws of `points` from `lots` in order; returns the draws and what could not be covered.
fn plan_draws(lots: &[Lot], points: i64) -> (Vec<(PointsEntryId, i64)>, i64) {
    let mut rest = points;
    let mut draws = Vec::new();
    for lot in lots {
        if rest == 0 {
            break;
        }
        let n = lot.left.min(rest);
        draws.push((lot.id, n));
        rest -= n;
    }
    (draws, rest)
}

/// Points earned on a sale: a new lot expiring at the end of next year.
pub fn earn(
    tx: &Tx<'_>,
    member: MemberId,
    points: i64,
    sale: SaleId,
    by: StaffId,
) -> Result<PointsEntryId> {
    let points = check_points(points)?;
    let info = EntryInfo {
        member,
        kind: PointsKind::Earn,
        sale: Some(sale),
        reverses: None,
        reason: "消费积分",
        by: Some(by),
    };
    write_entry(tx, &info, points, Some(expiry_for(tx.clock.today())), &[])
}

/// Expires what is left in this member's lots whose last day has passed. Idempotent: an expired
/// lot has nothing left, so a second run writes nothing. Returns the points expired.
pub fn expire_member(tx: &Tx<'_>, member: MemberId) -> Result<i64> {
    let today = tx.clock.today().to_string();
    let mut total = 0;
    for lot in open_lots(tx, member)? {
        if lot.expires_on >= today {
            break; // lots are in expiry order
        }
        let info = EntryInfo {
            member,
            kind: PointsKind::Expire,
            sale: None,
            reverses: None,
            reason: "积分到期",
            by: None,
        };
        write_entry(tx, &info, -lot.left, None, &[(lot.id, lot.left)])?;
        total += lot.left;
    }
    Ok(total)
}

/// Redeems points, oldest lots first. Expired lots are swept first so they are never spent.
pub fn redeem(
    tx: &Tx<'_>,
    member: MemberId,
    points: i64,
    sale: Option<SaleId>,
    by: StaffId,
) -> Result<PointsEntryId> {
    let points = check_points(points)?;
    expire_member(tx, member)?;
    let have = balance(tx, member)?;
    let (draws, short) = plan_draws(&open_lots(tx, member)?, points);
    if points > have || short > 0 {
        return Err(PosError::new(
            ErrorCode::InsufficientPoints,
            format!("积分不足：可用 {} 分，需 {points} 分", have.max(0)),
        )
        .with_details(serde_json::json!({ "balance": have, "asked": points })));
    }
    let info = EntryInfo {
        member,
        kind: PointsKind::Redeem,
        sale,
        reverses: None,
        reason: "积分抵现",
        by: Some(by),
    };
    write_entry(tx, &info, -points, None, &draws)
}

/// A manager's adjustment with a reason: positive adds a lot expiring at the end of next year;
/// negative draws oldest first and may not take the balance below zero.
pub fn adjust(
    tx: &Tx<'_>,
    member: MemberId,
    delta: i64,
    reason: &str,
    by: StaffId,
) -> Result<PointsEntryId> {
    let reason = crate::text::reason(reason, "调整积分须写明原因")?;
    check_points(delta.abs())?;
    crate::audit::record(
        tx,
        Some(by),
        "points.adjust",
        &member.to_string(),
        serde_json::json!({ "points": delta, "reason": reason }),
    )?;
    let info = EntryInfo {
        member,
        kind: PointsKind::Adjust,
        sale: None,
        reverses: None,
        reason,
        by: Some(by),
    };
    if delta > 0 {
        return write_entry(tx, &info, delta, Some(expiry_for(tx.clock.today())), &[]);
    }
    expire_member(tx, member)?;
    let have = balance(tx, member)?;
    let (draws, short) = plan_draws(&open_lots(tx, member)?, -delta);
    if -delta > have || short > 0 {
        return Err(PosError::new(
            ErrorCode::InsufficientPoints,
            format!("积分不足：可用 {} 分，不能扣减 {} 分", have.max(0), -delta),
        ));
    }
    write_entry(tx, &info, delta, None, &draws)
}

/// How much of an entry has already been reversed (as a positive number).
fn reversed_so_far(c: &Connection, entry: PointsEntryId) -> Result<i64> {
    Ok(c.query_row(
        "SELECT coalesce(sum(abs(points)), 0) FROM points_entry WHERE reverses = ?1",
        [entry],
        |r| r.get(0),
    )?)
}

/// Reverses `points` of an earn or redeem entry (all of what is left when `None`), for a return.
///
/// - Earned points are taken back from that lot first, then oldest first; if the member has
///   spent them meanwhile the balance may go below zero (headquarters flags it).
/// - Redeemed points are given back to the lots they came from, with those lots' expiry.
///
/// Returns the entries written (none when nothing is left to reverse).
pub fn reverse(
    tx: &Tx<'_>,
    entry: PointsEntryId,
    points: Option<i64>,
    sale: Option<SaleId>,
    by: StaffId,
) -> Result<Vec<PointsEntryId>> {
    let (member, kind, size): (MemberId, String, i64) = tx
        .query_row(
            "SELECT member_id, kind, points FROM points_entry WHERE id = ?1",
            [entry],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| PosError::new(ErrorCode::InvalidPoints, "要冲正的积分记录不存在"))?;
    let left = size.abs() - reversed_so_far(tx, entry)?;
    let n = points.unwrap_or(left);
    if n == 0 {
        return Ok(vec![]);
    }
    if n < 0 || n > left {
        return Err(PosError::new(
            ErrorCode::InvalidPoints,
            format!("冲正积分 {n} 超过可冲正的 {left} 分"),
        ));
    }
    let info = EntryInfo {
        member,
        kind: PointsKind::Reverse,
        sale,
        reverses: Some(entry),
        reason: "退货冲正",
        by: Some(by),
    };
    match PointsKind::parse(&kind) {
        PointsKind::Earn => {
            let mut lots = open_lots(tx, member)?;
            // This sale's own lot first.
            lots.sort_by_key(|l| l.id != entry);
            let (draws, _short) = plan_draws(&lots, n);
            Ok(vec![write_entry(tx, &info, -n, None, &draws)?])
        }
        PointsKind::Redeem => {
            // Give back to the lots it drew from, newest first (the oldest are spent first, so
            // the last drawn are the first given back), each with that lot's expiry.
            let mut st = tx.prepare(
                "SELECT d.lot_id, d.points, l.expires_on FROM points_draw d
                 JOIN points_entry l ON l.id = d.lot_id
                 WHERE d.entry_id = ?1 ORDER BY l.expires_on DESC, l.at DESC",
            )?;
            let drawn = st
                .query_map([entry], |r| {
                    Ok((
                        r.get::<_, PointsEntryId>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            // Skip what earlier partial reversals already gave back.
            let mut skip = reversed_so_far(tx, entry)?;
            let mut rest = n;
            let mut written = Vec::new();
            for (_lot, drawn_points, expires_on) in drawn {
                let available = drawn_points - skip.min(drawn_points);
                skip -= skip.min(drawn_points);
                if available == 0 || rest == 0 {
                    continue;
                }
                let give = available.min(rest);
                rest -= give;
                let expires = NaiveDate::parse_from_str(&expires_on, "%Y-%m-%d")
                    .map_err(PosError::storage)?;
                written.push(write_entry(tx, &info, give, Some(expires), &[])?);
            }
            // Points given back to a lot whose last day has passed are expired at once.
            expire_member(tx, member)?;
            Ok(written)
        }
        _ => Err(PosError::new(
            ErrorCode::InvalidPoints,
            "只能冲正消费积分或积分抵现记录",
        )),
    }
}

/// The member's ledger, newest first, with the balance after each entry.
pub fn history(c: &Connection, member: MemberId, limit: u32) -> Result<Vec<PointsEntry>> {
    let mut st = c.prepare(
        "SELECT id, member_id, kind, points, expires_on, sale_id, reverses, reason, by_staff, at,
                business_date
         FROM points_entry WHERE member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1) ORDER BY at, rowid",
    )?;
    let mut running = 0;
    let mut all = st
        .query_map([member], |r| {
            Ok(PointsEntry {
                id: r.get(0)?,
                member_id: r.get(1)?,
                kind: PointsKind::parse(&r.get::<_, String>(2)?),
                points: r.get(3)?,
                expires_on: r.get(4)?,
                sale_id: r.get(5)?,
                reverses: r.get(6)?,
                reason: r.get(7)?,
                by_staff: r.get(8)?,
                at: r.get(9)?,
                business_date: r.get(10)?,
                balance_after: 0,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for e in &mut all {
        running += e.points;
        e.balance_after = running;
    }
    all.reverse();
    all.truncate(limit as usize);
    Ok(all)
}

/// The lots an entry drew from: (lot id, points).
pub fn draws_of(c: &Connection, entry: PointsEntryId) -> Result<Vec<(PointsEntryId, i64)>> {
    let mut st =
        c.prepare("SELECT lot_id, points FROM points_draw WHERE entry_id = ?1 ORDER BY rowid")?;
    let rows = st
        .query_map([entry], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_expire_at_the_end_of_the_following_year() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(expiry_for(d("2025-01-01")), d("2026-12-31"));
        assert_eq!(expiry_for(d("2025-12-31")), d("2026-12-31"));
    }
}
