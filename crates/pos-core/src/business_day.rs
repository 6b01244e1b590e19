//! The business day (营业日): the one function that decides which day of record a moment
//! belongs to. Receipt numbers, sales, returns, points entries, member spend, shifts and the day
//! close all take their date from here; nothing else turns a clock reading into a business date.
//!
//! A moment's business date is the store's calendar date (China Standard Time) of the moment
//! less the start of the day (`day_settings.day_starts_min`: 0 is midnight; a store open past
//! midnight may start its day at 04:00, so a sale at 01:30 belongs to the evening before). A
//! date that has been closed (日结) takes nothing more: a moment that falls on a closed date
//! belongs to the first later date that is not closed.

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::china;
use crate::db::Tx;
use crate::error::{PosError, Result};

/// The business date of `at` at this store.
pub fn of(c: &Connection, at: DateTime<Utc>) -> Result<NaiveDate> {
    let start = day_starts_min(c)?;
    let mut date = (at.with_timezone(&china()) - Duration::minutes(start)).date_naive();
    let mut closed = c.prepare_cached("SELECT 1 FROM day_close WHERE business_date = ?1")?;
    while closed.exists([date.to_string()])? {
        date = date
            .succ_opt()
            .ok_or_else(|| PosError::storage("营业日超出日期范围"))?;
    }
    Ok(date)
}

/// The business dates of many moments (a report's rows): the day start read once and each
/// calendar day's closed-day check made once, with the same answers as [`of`].
pub struct Days<'c> {
    c: &'c Connection,
    start: i64,
    seen: std::collections::HashMap<NaiveDate, NaiveDate>,
}

impl<'c> Days<'c> {
    pub fn new(c: &'c Connection) -> Result<Days<'c>> {
        Ok(Days {
            c,
            start: day_starts_min(c)?,
            seen: Default::default(),
        })
    }

    pub fn of(&mut self, at: DateTime<Utc>) -> Result<NaiveDate> {
        let day = (at.with_timezone(&china()) - Duration::minutes(self.start)).date_naive();
        if let Some(d) = self.seen.get(&day) {
            return Ok(*d);
        }
        let mut date = day;
        let mut closed = self
            .c
            .prepare_cached("SELECT 1 FROM day_close WHERE business_date = ?1")?;
        while closed.exists([date.to_string()])? {
            date = date
                .succ_opt()
                .ok_or_else(|| PosError::storage("营业日超出日期范围"))?;
        }
        self.seen.insert(day, date);
        Ok(date)
    }
}

/// The business date of the transaction's moment (its clock's now).
pub fn today(tx: &Tx<'_>) -> Result<NaiveDate> {
    of(tx, tx.clock.now())
}

fn day_starts_min(c: &Connection) -> Result<i64> {
    Ok(c.prepare_cached("SELECT day_starts_min FROM day_settings")?
        .query_row([], |r| r.get(0))?)
}

/// When the business day starts, as the manager sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DaySettings {
    /// Local time the business day starts, `HH:MM`, from `00:00` to `12:00`.
    pub day_starts_at: String,
}

pub fn settings(c: &Connection) -> Result<DaySettings> {
    let m = day_starts_min(c)?;
    Ok(DaySettings {
        day_starts_at: format!("{:02}:{:02}", m / 60, m % 60),
    })
}

/// Sets the start of the business day (a manager's setting; takes effect for the next moment).
pub fn set_settings(tx: &Tx<'_>, s: &DaySettings) -> Result<()> {
    let minutes = crate::clock::parse_hhmm(&s.day_starts_at)
        .map(|t| i64::from(t.hour() * 60 + t.minute()))
        .filter(|m| *m <= 12 * 60)
        .ok_or_else(|| {
            PosError::invalid_field(
                "day_starts_at",
                "营业日开始时间须为 00:00 到 12:00 之间的“时:分”，例如 04:00",
            )
        })?;
    tx.execute("UPDATE day_settings SET day_starts_min = ?1", [minutes])?;
    Ok(())
}

/// The moments business date `date` covers by the clock, as stored stamps: [start, end) from
/// its day start to the next day's (whether or not a close moved later moments on).
pub fn window(c: &Connection, date: NaiveDate) -> Result<(String, String)> {
    let start = Duration::minutes(day_starts_min(c)?);
    let at = |d: NaiveDate| {
        let local = d.and_time(chrono::NaiveTime::MIN) + start;
        crate::clock::stamp((local - Duration::hours(8)).and_utc())
    };
    let next = date
        .succ_opt()
        .ok_or_else(|| PosError::storage("营业日超出日期范围"))?;
    Ok((at(date), at(next)))
}

/// A business date typed or picked in a form, `YYYY-MM-DD`; INVALID_FIELD naming `field` else.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        PosError::invalid_field(field, format!("日期“{s}”格式不对，应为 2026-11-30 这样"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::db::Store;
    use std::sync::Arc;

    fn store() -> (tempfile::TempDir, Store, Arc<FixedClock>) {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at("2026-11-30T04:00:00Z"));
        let store = Store::open(&dir.path().join("s.db"), clock.clone()).unwrap();
        (dir, store, clock)
    }

    fn at(s: &str) -> DateTime<Utc> {
        crate::clock::parse_stamp(s).unwrap()
    }

    #[test]
    fn midnight_china_time_by_default() {
        let (_d, store, _) = store();
        store
            .read(|c| {
                // 2026-11-30 23:59 and 2026-12-01 00:00 in Beijing.
                assert_eq!(of(c, at("2026-11-30T15:59:59Z"))?.to_string(), "2026-11-30");
                assert_eq!(of(c, at("2026-11-30T16:00:00Z"))?.to_string(), "2026-12-01");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_day_starting_at_four_keeps_the_small_hours_with_the_evening_before() {
        let (_d, store, _) = store();
        store
            .write(|tx| {
                set_settings(
                    tx,
                    &DaySettings {
                        day_starts_at: "04:00".into(),
                    },
                )
            })
            .unwrap();
        store
            .read(|c| {
                // 01:30 and 03:59 on 1 December in Beijing: still 30 November; 04:00 is the 1st.
                assert_eq!(of(c, at("2026-11-30T17:30:00Z"))?.to_string(), "2026-11-30");
                assert_eq!(of(c, at("2026-11-30T19:59:59Z"))?.to_string(), "2026-11-30");
                assert_eq!(of(c, at("2026-11-30T20:00:00Z"))?.to_string(), "2026-12-01");
                assert_eq!(settings(c)?.day_starts_at, "04:00");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_closed_date_passes_its_moments_to_the_next_open_date() {
        let (_d, store, _) = store();
        crate::demo::seed(&store).unwrap();
        store
            .write(|tx| {
                let staff: String = tx.query_row("SELECT id FROM staff LIMIT 1", [], |r| r.get(0))?;
                for (n, d) in [(1, "2026-11-30"), (2, "2026-12-01")] {
                    tx.execute(
                        "INSERT INTO day_close (business_date, number, closed_at, closed_by, report, audit_hash)
                         VALUES (?1, ?2, '2026-11-30T14:00:00.000Z', ?3, '{}', '')",
                        rusqlite::params![d, n, staff],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        store
            .read(|c| {
                assert_eq!(of(c, at("2026-11-30T14:30:00Z"))?.to_string(), "2026-12-02");
                assert_eq!(of(c, at("2026-11-29T14:30:00Z"))?.to_string(), "2026-11-29");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn malformed_day_starts_are_refused_and_change_nothing() {
        let (_d, store, _) = store();
        for bad in ["4", "24:00", "13:00", "04:6", "ab:cd", "-1:00", ""] {
            let e = store
                .write(|tx| {
                    set_settings(
                        tx,
                        &DaySettings {
                            day_starts_at: bad.into(),
                        },
                    )
                })
                .unwrap_err();
            assert_eq!(e.code, crate::error::ErrorCode::InvalidField, "{bad}");
        }
        assert_eq!(store.read(settings).unwrap().day_starts_at, "00:00");
    }
}
