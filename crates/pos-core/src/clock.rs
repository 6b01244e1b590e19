//! Time is an input. Core logic takes a `&dyn Clock`; `SystemClock::now` is the one place that
//! reads the wall clock (clippy's `disallowed_methods` forbids it elsewhere).

use std::sync::Mutex;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// The business date at the store: China Standard Time (UTC+8), which has no daylight saving.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&china()).date_naive()
    }
}

pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock for tests and scenarios: stands still until told to move.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(t: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(t))
    }

    /// `FixedClock::at("2026-11-23T08:00:00Z")`; panics on a malformed literal (tests only).
    pub fn at(rfc3339: &str) -> Self {
        let t = DateTime::parse_from_rfc3339(rfc3339).expect("valid RFC 3339 time");
        FixedClock::new(t.with_timezone(&Utc))
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }

    pub fn advance_ms(&self, ms: i64) {
        self.advance(Duration::milliseconds(ms));
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Timestamps are stored as RFC 3339 UTC text with milliseconds: sortable and readable.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A local time of day typed as `HH:MM` (two digits each, 00:00–23:59); None otherwise.
pub fn parse_hhmm(s: &str) -> Option<chrono::NaiveTime> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 5 || b[2] != b':' || !digits(0..2) || !digits(3..5) {
        return None;
    }
    chrono::NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// The latest moment at or before `now` when the store's clock (China time) showed `at`:
/// today's `at` once it has passed, else yesterday's. What a daily job (nightly sync, daily
/// backup) compares its last run with, so a till that was off at that time catches up.
pub fn latest_daily(now: DateTime<Utc>, at: chrono::NaiveTime) -> DateTime<Utc> {
    let local = now.with_timezone(&china()).date_naive().and_time(at);
    let local = if now.with_timezone(&china()).naive_local() >= local {
        local
    } else {
        local - Duration::days(1)
    };
    (local - Duration::hours(8)).and_utc()
}

pub fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_and_the_latest_daily_moment() {
        assert_eq!(
            parse_hhmm(" 02:30 "),
            chrono::NaiveTime::from_hms_opt(2, 30, 0)
        );
        for bad in ["2:30", "24:00", "12:60", "ab:cd", "-1:00", "0230", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
        let at = parse_hhmm("22:30").unwrap();
        // 22:29 and 22:30 Beijing on 23 November.
        let before = parse_stamp("2026-11-23T14:29:00Z").unwrap();
        let on = parse_stamp("2026-11-23T14:30:00Z").unwrap();
        assert_eq!(stamp(latest_daily(before, at)), "2026-11-22T14:30:00.000Z");
        assert_eq!(stamp(latest_daily(on, at)), "2026-11-23T14:30:00.000Z");
    }

    #[test]
    fn business_date_is_china_time() {
        let c = FixedClock::at("2026-11-30T16:30:00Z");
        assert_eq!(c.today().to_string(), "2026-12-01");
        assert_eq!(stamp(c.now()), "2026-11-30T16:30:00.000Z");
        assert_eq!(parse_stamp(&stamp(c.now())), Some(c.now()));
    }
}
