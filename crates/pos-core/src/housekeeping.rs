//! Housekeeping the till runs at start-up and every night (and whenever a manager asks): points
//! that reached their expiry (rule 10), tiers whose old spend left the 365-day window (rule 1),
//! and this month's birthday coupons (rule 4). Every job is idempotent: it remembers in
//! `housekeeping_state` the business date it has done, and each write it makes is one that a
//! second run would find already made. Work is split into small transactions so a sale at the
//! till never waits long.

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::{Store, Tx};
use crate::error::Result;
use crate::ids::MemberId;
use crate::member::{coupon, points, tier};
use crate::rules;

/// Members handled per transaction.
const CHUNK: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HousekeepingReport {
    pub business_date: String,
    #[ts(type = "number")]
    pub points_expired: i64,
    pub members_with_expired_points: u32,
    pub tier_changes: u32,
    pub birthday_coupons: u32,
}

fn done_through(c: &Connection, job: &str) -> Result<Option<String>> {
    Ok(c.query_row(
        "SELECT done_through FROM housekeeping_state WHERE job = ?1",
        [job],
        |r| r.get(0),
    )
    .optional()?)
}

fn mark_done(tx: &Tx<'_>, job: &str, through: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO housekeeping_state (job, done_through) VALUES (?1, ?2)
         ON CONFLICT (job) DO UPDATE SET done_through = excluded.done_through",
        (job, through),
    )?;
    Ok(())
}

/// Runs every job for the store's business date today.
pub fn run(store: &Store) -> Result<HousekeepingReport> {
    let today = store.clock().today();
    let mut report = HousekeepingReport {
        business_date: today.to_string(),
        ..Default::default()
    };
    expire_points(store, today, &mut report)?;
    recompute_tiers(store, today, &mut report)?;
    birthday_coupons(store, today, &mut report)?;
    Ok(report)
}

fn in_chunks(
    store: &Store,
    ids: &[MemberId],
    mut f: impl FnMut(&Tx<'_>, MemberId) -> Result<()>,
) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        store.write(|tx| {
            for id in chunk {
                f(tx, *id)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Lots whose last day is before today and that still hold points. Lots expire on 31 December,
/// so only lots with an expiry since the last run can be new; lots written later with a past
/// expiry are swept by the write that made them.
fn expire_points(store: &Store, today: NaiveDate, report: &mut HousekeepingReport) -> Result<()> {
    const JOB: &str = "points_expiry";
    let since = store.read(|c| done_through(c, JOB))?.unwrap_or_default();
    let t = today.to_string();
    if since == t {
        return Ok(());
    }
    let members: Vec<MemberId> = store.read(|c| {
        let mut st = c.prepare(
            "SELECT DISTINCT member_id FROM points_entry
             WHERE points > 0 AND expires_on >= ?1 AND expires_on < ?2",
        )?;
        let ids = st
            .query_map((&since, &t), |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    })?;
    in_chunks(store, &members, |tx, m| {
        let n = points::expire_member(tx, m)?;
        if n > 0 {
            report.points_expired += n;
            report.members_with_expired_points += 1;
        }
        Ok(())
    })?;
    store.write(|tx| mark_done(tx, JOB, &t))
}

fn recompute_tiers(store: &Store, today: NaiveDate, report: &mut HousekeepingReport) -> Result<()> {
    const JOB: &str = "tier_window";
    let since = store.read(|c| done_through(c, JOB))?;
    let t = today.to_string();
    if since.as_deref() == Some(t.as_str()) {
        return Ok(());
    }
    let after = since.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let members = store.read(|c| tier::members_leaving_window(c, after, today))?;
    in_chunks(store, &members, |tx, m| {
        let before: rules::Tier =
            tx.query_row("SELECT tier FROM member WHERE id = ?1", [m], |r| r.get(0))?;
        if tier::recompute(tx, m, "nightly")? != before {
            report.tier_changes += 1;
        }
        Ok(())
    })?;
    store.write(|tx| mark_done(tx, JOB, &t))
}

fn birthday_coupons(
    store: &Store,
    today: NaiveDate,
    report: &mut HousekeepingReport,
) -> Result<()> {
    const JOB: &str = "birthday_coupons";
    let month = format!("{:04}-{:02}", today.year(), today.month());
    if store.read(|c| done_through(c, JOB))?.as_deref() == Some(month.as_str()) {
        return Ok(());
    }
    let rule = store.read(rules::get)?.birthday_coupon;
    let members: Vec<MemberId> = store.read(|c| {
        let mut st =
            c.prepare("SELECT id FROM member WHERE birth_month = ?1 AND status = 'active' AND merged_into IS NULL")?;
        let ids = st
            .query_map([today.month()], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    })?;
    in_chunks(store, &members, |tx, m| {
        if coupon::issue_birthday(tx, m, today.month(), &rule)?.is_some() {
            report.birthday_coupons += 1;
        }
        Ok(())
    })?;
    store.write(|tx| mark_done(tx, JOB, &month))
}
