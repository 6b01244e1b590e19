//! Tiers (rule 1): a member's tier follows their net spend over the trailing 365 days, all stores
//! together. Spend is a set of immutable facts (`member_spend`: + for a sale, − for a return, from
//! this till or, later, from other stores by sync). The tier is recomputed after each sale and
//! return (so the sale that crosses a threshold was priced at the old tier) and nightly, when old
//! spend leaves the window. Every change is kept in `member_tier_history`.

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::{till_identity, Tx};
use crate::error::Result;
use crate::ids::MemberId;
use crate::money::Money;
use crate::rules::{self, Tier};
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// The days the window holds: today and the 364 days before it.
pub const WINDOW_DAYS: i64 = 365;

/// First business date inside the window that ends `today`.
pub fn window_start(today: NaiveDate) -> NaiveDate {
    today - Duration::days(WINDOW_DAYS - 1)
}

/// Net spend of a member in the window ending `today`.
pub fn spend(c: &Connection, member: MemberId, today: NaiveDate) -> Result<Money> {
    let fen: i64 = c
        .prepare_cached(
            "SELECT coalesce(sum(net_fen), 0) FROM member_spend
             WHERE member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1)
               AND business_date >= ?2 AND business_date <= ?3",
        )?
        .query_row(
            (member, window_start(today).to_string(), today.to_string()),
            |r| r.get(0),
        )?;
    Ok(Money::from_fen(fen))
}

/// Records the net of a sale (positive) or a return (negative) for a member, then recomputes the
/// tier. `id` is the sale's or return's id, so recording it twice records it once.
pub fn record_spend(
    tx: &Tx<'_>,
    id: &str,
    member: MemberId,
    net_fen: i64,
    reason: &str,
) -> Result<Tier> {
    let store = till_identity(tx)?.store_id;
    tx.prepare_cached(
        "INSERT INTO member_spend (id, member_id, store_id, business_date, net_fen, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
    )?
    .execute((
        id,
        member,
        store,
        crate::business_day::today(tx)?.to_string(),
        net_fen,
        stamp(tx.clock.now()),
    ))?;
    recompute(tx, member, reason)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TierChange {
    pub from_tier: Tier,
    pub to_tier: Tier,
    pub spend: Money,
    pub at: String,
    pub reason: String,
}

/// Puts the member in the tier their spend earns today; records a change in the history.
pub fn recompute(tx: &Tx<'_>, member: MemberId, reason: &str) -> Result<Tier> {
    let rules = rules::get(tx)?;
    let current: Tier = tx
        .prepare_cached("SELECT tier FROM member WHERE id = ?1")?
        .query_row([member], |r| r.get(0))?;
    let s = spend(tx, member, tx.clock.today())?;
    let earned = rules.tier_for(s);
    if earned != current {
        let at = stamp(tx.clock.now());
        tx.execute(
            "UPDATE member SET tier = ?2, updated_at = ?3 WHERE id = ?1",
            (member, earned, &at),
        )?;
        tx.execute(
            "INSERT INTO member_tier_history (member_id, from_tier, to_tier, spend_fen, at, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (member, current, earned, s.fen(), &at, reason),
        )?;
        outbox::append(
            tx,
            Payload::MemberTierChanged(ev::MemberTierChangedV1 {
                member_id: member.0,
                from: crate::sync::tag(&current),
                to: crate::sync::tag(&earned),
                spend: s.decimal(),
                at: at.clone(),
                reason: reason.to_string(),
            }),
        )?;
    }
    Ok(earned)
}

/// A spend fact made elsewhere (another store's sale or return, or a rebuilt till's own), kept
/// once by its id; true when it was new. The caller decides whether the tier is recomputed.
pub struct SpendFact<'a> {
    pub id: uuid::Uuid,
    pub member: uuid::Uuid,
    pub store: uuid::Uuid,
    pub business_date: &'a str,
    pub net_fen: i64,
    pub at: &'a str,
}

pub fn keep_spend(tx: &Tx<'_>, f: &SpendFact<'_>) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT INTO member_spend (id, member_id, store_id, business_date, net_fen, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
        )?
        .execute((
            f.id.to_string(),
            f.member.to_string(),
            f.store.to_string(),
            f.business_date,
            f.net_fen,
            f.at,
        ))?;
    Ok(n == 1)
}

pub fn history(c: &Connection, member: MemberId) -> Result<Vec<TierChange>> {
    let mut st = c.prepare(
        "SELECT from_tier, to_tier, spend_fen, at, reason FROM member_tier_history
         WHERE member_id = ?1 ORDER BY at DESC, rowid DESC",
    )?;
    let rows = st
        .query_map([member], |r| {
            Ok(TierChange {
                from_tier: r.get(0)?,
                to_tier: r.get(1)?,
                spend: Money::from_fen(r.get(2)?),
                at: r.get(3)?,
                reason: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Members whose window lost spend in the days `(after, through]` — spend dated exactly
/// 365 days before those days left the window on them. Used by the nightly recompute.
pub fn members_leaving_window(
    c: &Connection,
    after: Option<NaiveDate>,
    through: NaiveDate,
) -> Result<Vec<MemberId>> {
    let hi = (window_start(through) - Duration::days(1)).to_string();
    let lo = after
        .map(|a| (window_start(a) - Duration::days(1)).to_string())
        .unwrap_or_default();
    let mut st = c.prepare(
        "SELECT DISTINCT member_id FROM member_spend WHERE business_date > ?1 AND business_date <= ?2",
    )?;
    let ids = st
        .query_map((lo, hi), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpendRecord {
    pub id: String,
    pub store_id: String,
    /// The store's name when it is this till's own store (`settings::store_name`).
    pub store_name: Option<String>,
    pub business_date: String,
    pub net: Money,
    pub at: String,
}

/// The member's purchases and returns, newest first.
pub fn purchases(c: &Connection, member: MemberId, limit: u32) -> Result<Vec<SpendRecord>> {
    let mut st = c.prepare(
        "SELECT id, store_id, business_date, net_fen, at FROM member_spend
         WHERE member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1) ORDER BY at DESC LIMIT ?2",
    )?;
    let mut rows = st
        .query_map((member, limit), |r| {
            Ok(SpendRecord {
                id: r.get(0)?,
                store_id: r.get(1)?,
                store_name: None,
                business_date: r.get(2)?,
                net: Money::from_fen(r.get(3)?),
                at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let names = crate::settings::StoreNames::of(c)?;
    for row in &mut rows {
        row.store_name = names.name(&row.store_id);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_365_days_ending_today() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(window_start(d("2026-11-23")), d("2025-11-24"));
    }
}
