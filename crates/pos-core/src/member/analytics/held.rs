//! What the member analytics keep in memory between calls (issue 10): the 12-month spend facts of
//! every active member who ever bought with their A/B cut-offs, the member counts (tiers, the
//! tier trend, ages, genders) and the points figures. Classifying 1 000 000 members reads 3
//! million spend facts (seconds on a till), and the 会员分析 screen, every drill-down page and
//! every export did it on each call.
//!
//! Held per store file, for one business date (and, for the spend facts, one set of windows from
//! the rules), while the store's data says nothing they read changed:
//! - spend facts, points entries and draws and tier history rows are only ever added, so rows
//!   added since (a larger rowid) are read and applied on their own: a sale or a return later
//!   the same day costs its own rows, not a new pass;
//! - anything else they read that changes (a member's status or merge, a new member, a tier, a
//!   fact changed or removed) changes `member_version` (migration 0021, triggers), and that part
//!   is read again in full.
//!
//! A result is kept only when it was read from a committed view (the report connection, or the
//! store's connection outside a write: what a write that is rolled back saw is never kept) and
//! the version read after reading it is the one read before (another process's commit in
//! between is not taken for the state read).

use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use super::{cutoffs, Census, Cutoffs, Facts, Windows};
use crate::error::Result;
use crate::ids::MemberId;

/// What the held parts are valid for (migration 0021 and the append-only tables' last rowids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    standing: i64,
    census: i64,
    points: i64,
    spend_rows: i64,
    tier_rows: i64,
    entry_rows: i64,
    draw_rows: i64,
}

fn version(c: &Connection) -> Result<Version> {
    Ok(c.prepare_cached(
        "SELECT v.standing, v.census, v.points,
                (SELECT coalesce(max(rowid), 0) FROM member_spend),
                (SELECT coalesce(max(rowid), 0) FROM member_tier_history),
                (SELECT coalesce(max(rowid), 0) FROM points_entry),
                (SELECT coalesce(max(rowid), 0) FROM points_draw)
         FROM member_version v",
    )?
    .query_row([], |r| {
        Ok(Version {
            standing: r.get(0)?,
            census: r.get(1)?,
            points: r.get(2)?,
            spend_rows: r.get(3)?,
            tier_rows: r.get(4)?,
            entry_rows: r.get(5)?,
            draw_rows: r.get(6)?,
        })
    })?)
}

/// Every active member who ever bought (to today): spend facts sorted by member id, and the
/// cut-offs of their spends.
#[derive(Debug)]
pub(super) struct Standing {
    pub facts: Vec<Facts>,
    pub cut: Cutoffs,
}

impl Standing {
    fn new(mut facts: Vec<Facts>) -> Standing {
        facts.sort_by_key(|f| f.id);
        let cut = cutoffs(&facts.iter().map(|f| f.spend_fen).collect::<Vec<_>>());
        Standing { facts, cut }
    }

    pub fn get(&self, id: MemberId) -> Option<&Facts> {
        self.facts
            .binary_search_by_key(&id, |f| f.id)
            .ok()
            .map(|i| &self.facts[i])
    }

    /// These facts with the spend facts after rowid `since` applied (to `w.today`).
    fn with_added(&self, c: &Connection, w: &Windows, since: i64) -> Result<Standing> {
        let mut facts = self.facts.clone();
        let mut st = c.prepare_cached(
            "SELECT coalesce(m.merged_into, s.member_id), s.business_date, s.net_fen
             FROM member_spend s JOIN member m ON m.id = s.member_id
             WHERE s.rowid > ?1 AND s.business_date <= ?2",
        )?;
        let added: Vec<(MemberId, String, i64)> = st
            .query_map((since, w.today.to_string()), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut counts = c.prepare_cached(
            "SELECT 1 FROM member WHERE id = ?1 AND status = 'active' AND merged_into IS NULL",
        )?;
        for (who, day, net) in added {
            if !counts.exists([who])? {
                continue;
            }
            let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
                continue;
            };
            let i = match facts.binary_search_by_key(&who, |f| f.id) {
                Ok(i) => i,
                Err(i) => {
                    facts.insert(i, Facts::none(who));
                    i
                }
            };
            w.add(&mut facts[i], day, net);
        }
        Ok(Standing::new(facts))
    }
}

/// The held parts of one store file.
struct Held {
    path: String,
    standing: Option<(Windows, i64, i64, Arc<Standing>)>,
    census: Option<((NaiveDate, i64, i64), Arc<Census>)>,
    points: Option<HeldPoints>,
}

/// Outstanding points and points expiring by the year's end, of active members, and what they
/// were read for: the day, `member_version.points`, the last entry and draw rowids.
#[derive(Debug, Clone, Copy)]
struct HeldPoints {
    day: NaiveDate,
    token: i64,
    entries: i64,
    draws: i64,
    figures: (i64, i64),
}

static HELD: Mutex<Vec<Held>> = Mutex::new(Vec::new());
/// Store files held at once (a till has one; tests open many).
const FILES: usize = 4;

fn with_held<T>(path: &str, f: impl FnOnce(&mut Held) -> T) -> T {
    let mut all = HELD.lock().unwrap_or_else(|p| p.into_inner());
    let i = match all.iter().position(|h| h.path == path) {
        Some(i) => i,
        None => {
            if all.len() >= FILES {
                all.remove(0);
            }
            all.push(Held {
                path: path.to_owned(),
                standing: None,
                census: None,
                points: None,
            });
            all.len() - 1
        }
    };
    f(&mut all[i])
}

/// The store file `c` is on (none for an in-memory database: nothing is held for it).
fn path_of(c: &Connection) -> Option<String> {
    c.path().filter(|p| !p.is_empty()).map(str::to_owned)
}

/// `c` sees committed data only: the read-only report connection, or a connection outside a
/// transaction. (Inside a write, what is read may be rolled back.)
fn committed_view(c: &Connection) -> bool {
    c.is_autocommit() || c.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
}

/// The spend facts and cut-offs as of `w`.
pub(super) fn standing(c: &Connection, w: &Windows) -> Result<Arc<Standing>> {
    let path = path_of(c);
    let before = version(c)?;
    let held = path
        .as_deref()
        .and_then(|p| with_held(p, |h| h.standing.clone()))
        .filter(|(hw, token, rows, _)| {
            hw == w && *token == before.standing && *rows <= before.spend_rows
        });
    let s = match held {
        Some((_, _, rows, s)) if rows == before.spend_rows => return Ok(s),
        Some((_, _, rows, s)) => Arc::new(s.with_added(c, w, rows)?),
        None => Arc::new(Standing::new(super::facts(c, w)?)),
    };
    if let Some(p) = path.filter(|_| committed_view(c)) {
        let after = version(c)?;
        if (after.standing, after.spend_rows) == (before.standing, before.spend_rows) {
            with_held(&p, |h| {
                h.standing = Some((*w, before.standing, before.spend_rows, s.clone()))
            });
        }
    }
    Ok(s)
}

/// The member counts on `today`.
pub(super) fn census(c: &Connection, today: NaiveDate) -> Result<Arc<Census>> {
    let path = path_of(c);
    let before = version(c)?;
    let key = (today, before.census, before.tier_rows);
    if let Some(held) = path
        .as_deref()
        .and_then(|p| with_held(p, |h| h.census.clone()))
        .filter(|(k, _)| *k == key)
    {
        return Ok(held.1);
    }
    let census = Arc::new(super::census(c, today)?);
    if let Some(p) = path.filter(|_| committed_view(c)) {
        let after = version(c)?;
        if (today, after.census, after.tier_rows) == key {
            with_held(&p, |h| h.census = Some((key, census.clone())));
        }
    }
    Ok(census)
}

/// Points outstanding and expiring from `today` to the year's end, of active members.
pub(super) fn points(c: &Connection, today: NaiveDate) -> Result<(i64, i64)> {
    let path = path_of(c);
    let before = version(c)?;
    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31).expect("31 December exists");
    let held = path
        .as_deref()
        .and_then(|p| with_held(p, |h| h.points))
        .filter(|h| {
            (h.day, h.token) == (today, before.points)
                && h.entries <= before.entry_rows
                && h.draws <= before.draw_rows
        });
    let figures = match held {
        Some(h) if (h.entries, h.draws) == (before.entry_rows, before.draw_rows) => {
            return Ok(h.figures)
        }
        Some(h) => points_added(c, today, year_end, h.entries, h.draws, h.figures)?,
        None => (
            super::points_outstanding(c)?,
            super::points_expiring_total(c, today, year_end)?,
        ),
    };
    if let Some(p) = path.filter(|_| committed_view(c)) {
        let after = version(c)?;
        if (after.points, after.entry_rows, after.draw_rows)
            == (before.points, before.entry_rows, before.draw_rows)
        {
            with_held(&p, |h| {
                h.points = Some(HeldPoints {
                    day: today,
                    token: before.points,
                    entries: before.entry_rows,
                    draws: before.draw_rows,
                    figures,
                })
            });
        }
    }
    Ok(figures)
}

/// `(outstanding, expiring)` with the entries after rowid `entries` and the draws after rowid
/// `draws` applied: new entries add their points; a lot expiring in the window that is new or
/// was drawn on moves the expiring points by what it has left now less what it had before.
fn points_added(
    c: &Connection,
    today: NaiveDate,
    year_end: NaiveDate,
    entries: i64,
    draws: i64,
    (outstanding, expiring): (i64, i64),
) -> Result<(i64, i64)> {
    let added: i64 = c
        .prepare_cached(
            "SELECT coalesce(sum(e.points), 0) FROM points_entry e JOIN member m ON m.id = e.member_id
             WHERE e.rowid > ?1 AND m.status = 'active'",
        )?
        .query_row([entries], |r| r.get(0))?;
    let lots: Vec<String> = c
        .prepare_cached(
            "SELECT id FROM points_entry WHERE rowid > ?1 AND points > 0
             UNION SELECT lot_id FROM points_draw WHERE rowid > ?2",
        )?
        .query_map((entries, draws), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut lot = c.prepare_cached(
        "SELECT e.rowid > ?2, e.points,
                (SELECT coalesce(sum(d.points), 0) FROM points_draw d WHERE d.lot_id = e.id),
                (SELECT coalesce(sum(d.points), 0) FROM points_draw d
                 WHERE d.lot_id = e.id AND d.rowid > ?3)
         FROM points_entry e JOIN member m ON m.id = e.member_id
         WHERE e.id = ?1 AND e.points > 0 AND e.expires_on >= ?4 AND e.expires_on <= ?5
           AND m.status = 'active'",
    )?;
    let (from, to) = (today.to_string(), year_end.to_string());
    let mut expiring = expiring;
    for id in &lots {
        let mut rows = lot.query((id, entries, draws, &from, &to))?;
        if let Some(r) = rows.next()? {
            let (new_lot, points, drawn, drawn_since): (bool, i64, i64, i64) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let now = (points - drawn).max(0);
            let was = if new_lot {
                0
            } else {
                (points - drawn + drawn_since).max(0)
            };
            expiring += now - was;
        }
    }
    Ok((outstanding + added, expiring))
}
