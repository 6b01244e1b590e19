//! The till's sync state as staff see it: where it syncs, how many events wait, when it last
//! succeeded, and what went wrong last.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    /// Headquarters' address, `""` when the till is not connected to a chain.
    pub hq_url: String,
    /// Whether a store token is configured (the token itself never leaves the core).
    pub has_token: bool,
    /// Local time of the nightly sync, `HH:MM`.
    pub nightly_at: String,
    /// Events headquarters has not acknowledged yet: what a lost file would lose now.
    #[ts(type = "number")]
    pub unsynced: i64,
    /// Pulled events waiting for something not here yet, and conflicts kept for a person.
    #[ts(type = "number")]
    pub waiting: i64,
    #[ts(type = "number")]
    pub conflicts: i64,
    #[ts(type = "number")]
    pub pull_cursor: i64,
    pub last_attempt_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
}

pub fn status(c: &Connection) -> Result<SyncStatus> {
    let unsynced = super::outbox::unsent_count(c)?;
    let (waiting, conflicts): (i64, i64) = c.query_row(
        "SELECT count(*) FILTER (WHERE outcome = 'waiting'), count(*) FILTER (WHERE outcome = 'conflict')
         FROM sync_inbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(c.query_row(
        "SELECT hq_url, token <> '', nightly_at, pull_cursor, last_attempt_at, last_success_at,
                last_error FROM sync_state",
        [],
        |r| {
            Ok(SyncStatus {
                hq_url: r.get(0)?,
                has_token: r.get(1)?,
                nightly_at: r.get(2)?,
                unsynced,
                waiting,
                conflicts,
                pull_cursor: r.get(3)?,
                last_attempt_at: r.get(4)?,
                last_success_at: r.get(5)?,
                last_error: r.get(6)?,
            })
        },
    )?)
}

/// Where to sync and with which token (what `pos-sync` reads before it connects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub hq_url: String,
    pub token: String,
    pub pull_cursor: i64,
}

pub fn endpoint(c: &Connection) -> Result<Option<Endpoint>> {
    let e: Option<Endpoint> = c
        .query_row(
            "SELECT hq_url, token, pull_cursor FROM sync_state WHERE hq_url <> '' AND token <> ''",
            [],
            |r| {
                Ok(Endpoint {
                    hq_url: r.get(0)?,
                    token: r.get(1)?,
                    pull_cursor: r.get(2)?,
                })
            },
        )
        .optional()?;
    Ok(e)
}

/// Connects the till to headquarters: its address (http or https) and this store's token. An
/// empty token keeps the one saved before (a manager changing the time need not paste it again).
pub fn configure(tx: &Tx<'_>, hq_url: &str, token: &str, nightly_at: &str) -> Result<()> {
    let url = hq_url.trim().trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
        return Err(PosError::invalid_field(
            "hq_url",
            "总部地址须以 https:// 开头，如 https://hq.example.com",
        ));
    }
    let saved: String = tx.query_row("SELECT token FROM sync_state", [], |r| r.get(0))?;
    let token = match token.trim() {
        "" if !saved.is_empty() => saved.as_str(),
        t => t,
    };
    if token.len() < 16 || token.chars().any(char::is_whitespace) {
        return Err(PosError::invalid_field(
            "token",
            "门店令牌不完整，请从总部发放的令牌原样粘贴",
        ));
    }
    if crate::clock::parse_hhmm(nightly_at).is_none() {
        return Err(PosError::invalid_field(
            "nightly_at",
            "每晚同步时间格式为 HH:MM，如 02:00",
        ));
    }
    tx.execute(
        "UPDATE sync_state SET hq_url = ?1, token = ?2, nightly_at = ?3",
        (url, token, nightly_at),
    )?;
    Ok(())
}

/// Records the end of a sync attempt: success clears the last error.
pub fn finish(tx: &Tx<'_>, error: Option<&str>) -> Result<()> {
    let at = stamp(tx.clock.now());
    match error {
        None => tx.execute(
            "UPDATE sync_state SET last_attempt_at = ?1, last_success_at = ?1, last_error = NULL",
            [&at],
        )?,
        Some(e) => tx.execute(
            "UPDATE sync_state SET last_attempt_at = ?1, last_error = ?2",
            (&at, e),
        )?,
    };
    Ok(())
}

/// Refused when nothing is configured.
pub fn not_configured() -> PosError {
    PosError::new(
        ErrorCode::SyncNotConfigured,
        "本机尚未连接总部：请店长在“门店设置 → 总部同步”填写总部地址和门店令牌",
    )
}

/// How long after a failed attempt the nightly sync tries again.
pub const RETRY_AFTER_MINUTES: i64 = 10;

/// Whether the nightly sync should run at `now`: the till is connected, nothing has succeeded
/// since the latest scheduled moment (today's `nightly_at` in China time once it has passed,
/// else yesterday's) — which is also how a till that was off at night catches up at start-up —
/// and the last attempt is not within the last few minutes (a dead network is retried, not
/// hammered).
pub fn due(s: &SyncStatus, now: chrono::DateTime<chrono::Utc>) -> bool {
    use chrono::Duration;
    if s.hq_url.is_empty() || !s.has_token {
        return false;
    }
    let Some(at) = crate::clock::parse_hhmm(&s.nightly_at) else {
        return false;
    };
    let scheduled = crate::clock::latest_daily(now, at);
    let since = |t: &Option<String>| t.as_deref().and_then(crate::clock::parse_stamp);
    if since(&s.last_success_at).is_some_and(|t| t >= scheduled) {
        return false;
    }
    since(&s.last_attempt_at).is_none_or(|t| now - t >= Duration::minutes(RETRY_AFTER_MINUTES))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(success: Option<&str>, attempt: Option<&str>) -> SyncStatus {
        SyncStatus {
            hq_url: "https://hq.example.com".into(),
            has_token: true,
            nightly_at: "02:00".into(),
            unsynced: 0,
            waiting: 0,
            conflicts: 0,
            pull_cursor: 0,
            last_attempt_at: attempt.map(str::to_string),
            last_success_at: success.map(str::to_string),
            last_error: None,
        }
    }

    fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
        crate::clock::parse_stamp(s).unwrap()
    }

    #[test]
    fn the_nightly_sync_is_due_once_after_its_time_and_caught_up_after_a_night_off() {
        // 02:00 China time is 18:00 UTC the day before.
        let cases: &[(Option<&str>, Option<&str>, &str, bool)] = &[
            // succeeded last night, now the afternoon: not due
            (
                Some("2026-11-28T18:05:00Z"),
                Some("2026-11-28T18:05:00Z"),
                "2026-11-29T06:00:00Z",
                false,
            ),
            // the next night, 02:00:00 exactly: due
            (
                Some("2026-11-28T18:05:00Z"),
                Some("2026-11-28T18:05:00Z"),
                "2026-11-29T18:00:00Z",
                true,
            ),
            // a minute before the time: not yet
            (
                Some("2026-11-28T18:05:00Z"),
                Some("2026-11-28T18:05:00Z"),
                "2026-11-29T17:59:00Z",
                false,
            ),
            // the till was off two nights: due at start-up in the morning
            (
                Some("2026-11-26T18:05:00Z"),
                Some("2026-11-26T18:05:00Z"),
                "2026-11-29T01:00:00Z",
                true,
            ),
            // never synced: due
            (None, None, "2026-11-29T01:00:00Z", true),
            // failed 5 minutes ago: wait
            (
                Some("2026-11-27T18:05:00Z"),
                Some("2026-11-28T18:10:00Z"),
                "2026-11-28T18:15:00Z",
                false,
            ),
            // failed 11 minutes ago: try again
            (
                Some("2026-11-27T18:05:00Z"),
                Some("2026-11-28T18:10:00Z"),
                "2026-11-28T18:21:00Z",
                true,
            ),
        ];
        for (i, (success, attempt, now, want)) in cases.iter().enumerate() {
            assert_eq!(due(&status(*success, *attempt), at(now)), *want, "case {i}");
        }
        let mut off = status(None, None);
        off.hq_url.clear();
        assert!(!due(&off, at("2026-11-29T01:00:00Z")), "not connected");
    }
}
