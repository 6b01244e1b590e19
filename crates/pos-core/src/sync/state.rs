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

/// Connects the till to headquarters: its address (http or https) and this store's token.
pub fn configure(tx: &Tx<'_>, hq_url: &str, token: &str, nightly_at: &str) -> Result<()> {
    let url = hq_url.trim().trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
        return Err(PosError::invalid_field(
            "hq_url",
            "总部地址须以 https:// 开头，如 https://hq.example.com",
        ));
    }
    let token = token.trim();
    if token.len() < 16 || token.chars().any(char::is_whitespace) {
        return Err(PosError::invalid_field(
            "token",
            "门店令牌不完整，请从总部发放的令牌原样粘贴",
        ));
    }
    let ok_time = chrono::NaiveTime::parse_from_str(nightly_at, "%H:%M").is_ok();
    if !ok_time {
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
