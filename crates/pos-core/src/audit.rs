//! The audit log (审计日志): append-only and hash-chained.
//!
//! Every entry carries the hash of the entry before it, and its own hash covers its fields and
//! that previous hash (SHA-256, hex). Editing an entry changes its hash; removing one or slipping
//! one in breaks the link of the entry after it; so [`verify`] names the first entry that does
//! not fit. The day close seals the chain's last hash into its report (and so into what goes to
//! headquarters), which also pins the end of the chain: entries cut off the end after a close are
//! found by comparing with the sealed hash.
//!
//! What is audited (the `action` names): logins and failed PINs, price overrides, cancelled
//! sales, returns, points adjustments, health-data access, full-phone views, settings and rules
//! changes, exports, staff changes, shifts and day closes.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::Result;
use crate::ids::StaffId;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends one entry. `subject` names what was acted on (a staff number, a receipt number, a
/// member id); `detail` is a JSON object with the particulars.
pub fn record(
    tx: &Tx<'_>,
    by: Option<StaffId>,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let (seq, prev) = last(tx)?.map_or((1, GENESIS.to_string()), |(s, h)| (s + 1, h));
    let at = stamp(tx.clock.now());
    let staff = by.map(|s| s.to_string());
    let detail = detail.to_string();
    let hash = entry_hash(seq, &at, staff.as_deref(), action, subject, &detail, &prev);
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, staff_id, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(rusqlite::params![
        seq, at, staff, action, subject, detail, prev, hash
    ])?;
    Ok(())
}

/// The last entry's number and hash (`None` on an empty log).
pub fn last(c: &Connection) -> Result<Option<(i64, String)>> {
    Ok(
        c.prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    )
}

/// The hash the chain ends with now (what a day close seals).
pub fn head(c: &Connection) -> Result<String> {
    Ok(last(c)?.map_or_else(|| GENESIS.to_string(), |(_, h)| h))
}

fn entry_hash(
    seq: i64,
    at: &str,
    staff: Option<&str>,
    action: &str,
    subject: &str,
    detail: &str,
    prev: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different entries hash the same text.
    for field in [
        seq.to_string().as_str(),
        at,
        staff.unwrap_or(""),
        action,
        subject,
        detail,
        prev,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditVerification {
    /// Entries read.
    #[ts(type = "number")]
    pub entries: i64,
    /// The first entry that does not fit the chain, if any.
    pub first_bad: Option<BadEntry>,
    /// Day closes whose sealed hash is not in the chain any more (the end was cut off or
    /// rewritten after the close).
    pub broken_seals: Vec<String>,
}

impl AuditVerification {
    pub fn ok(&self) -> bool {
        self.first_bad.is_none() && self.broken_seals.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BadEntry {
    /// The entry's number (for a missing entry: the number that was expected there).
    #[ts(type = "number")]
    pub seq: i64,
    /// What is wrong, in Chinese.
    pub problem: String,
}

/// Walks the whole chain from the first entry.
pub fn verify(c: &Connection) -> Result<AuditVerification> {
    let mut stmt = c.prepare(
        "SELECT seq, at, staff_id, action, subject, detail, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    let mut entries = 0;
    let mut first_bad = None;
    let mut hashes = std::collections::HashSet::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let staff: Option<String> = r.get(2)?;
        let action: String = r.get(3)?;
        let subject: String = r.get(4)?;
        let detail: String = r.get(5)?;
        let prev_hash: String = r.get(6)?;
        let hash: String = r.get(7)?;
        entries += 1;
        hashes.insert(hash.clone());
        if first_bad.is_some() {
            continue;
        }
        let problem = if seq != expected_seq {
            Some((
                expected_seq,
                format!("缺少第 {expected_seq} 条记录（下一条是第 {seq} 条）：记录被删除"),
            ))
        } else if prev_hash != prev {
            Some((
                seq,
                format!("第 {seq} 条记录与前一条接不上：前面的记录被删改，或这一条是插入的"),
            ))
        } else if entry_hash(
            seq,
            &at,
            staff.as_deref(),
            &action,
            &subject,
            &detail,
            &prev_hash,
        ) != hash
        {
            Some((seq, format!("第 {seq} 条记录的内容被改动过")))
        } else {
            None
        };
        if let Some((seq, problem)) = problem {
            first_bad = Some(BadEntry { seq, problem });
        }
        expected_seq = seq + 1;
        prev = hash;
    }
    let mut broken_seals = Vec::new();
    let mut seals = c.prepare("SELECT business_date, audit_hash FROM day_close ORDER BY number")?;
    let mut rows = seals.query([])?;
    while let Some(r) = rows.next()? {
        let date: String = r.get(0)?;
        let sealed: String = r.get(1)?;
        if sealed != GENESIS && !hashes.contains(&sealed) {
            broken_seals.push(date);
        }
    }
    Ok(AuditVerification {
        entries,
        first_bad,
        broken_seals,
    })
}

/// One entry as the audit screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    pub staff_id: Option<StaffId>,
    /// The staff member's name, when the entry names one.
    pub staff_name: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// Filters of the audit screen; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AuditFilter {
    /// From this moment (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Up to this moment (RFC 3339), exclusive.
    pub to: Option<String>,
    pub action: Option<String>,
    pub staff_id: Option<StaffId>,
    /// At most this many, newest first (default 200, at most 1 000).
    pub limit: Option<u32>,
}

pub fn list(c: &Connection, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let limit = f.limit.unwrap_or(200).clamp(1, 1000);
    let mut stmt = c.prepare_cached(
        "SELECT a.seq, a.at, a.staff_id, s.name, a.action, a.subject, a.detail
         FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE (?1 IS NULL OR a.at >= ?1) AND (?2 IS NULL OR a.at < ?2)
           AND (?3 IS NULL OR a.action = ?3) AND (?4 IS NULL OR a.staff_id = ?4)
         ORDER BY a.seq DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![f.from, f.to, f.action, f.staff_id, limit],
        |r| {
            Ok(AuditEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                staff_id: r.get(2)?,
                staff_name: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
                detail: r.get(6)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::db::Store;
    use std::sync::Arc;

    fn store_with(n: usize) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at("2026-11-30T04:00:00Z"));
        let store = Store::open(&dir.path().join("s.db"), clock.clone()).unwrap();
        for i in 0..n {
            store
                .write(|tx| {
                    record(
                        tx,
                        None,
                        "login",
                        &format!("100{i}"),
                        serde_json::json!({"outcome": "ok"}),
                    )
                })
                .unwrap();
            clock.advance_ms(1000);
        }
        (dir, store)
    }

    /// Tampering as someone with the file and the sqlite3 shell would: triggers dropped first.
    fn tamper(store: &Store, sql: &str) {
        store
            .write(|tx| {
                tx.execute_batch(&format!(
                    "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; {sql}"
                ))?;
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let (_d, store) = store_with(5);
        let v = store.read(verify).unwrap();
        assert_eq!(v.entries, 5);
        assert!(v.ok(), "{v:?}");
    }

    #[test]
    fn the_triggers_refuse_edits_and_deletes() {
        let (_d, store) = store_with(2);
        let e = store
            .write(|tx| Ok(tx.execute("UPDATE audit_log SET subject = 'x' WHERE seq = 1", [])?))
            .unwrap_err();
        assert!(e.message.contains("append-only"), "{e}");
        assert!(store
            .write(|tx| Ok(tx.execute("DELETE FROM audit_log WHERE seq = 2", [])?))
            .is_err());
    }

    #[test]
    fn an_edited_entry_is_named() {
        let (_d, store) = store_with(5);
        tamper(
            &store,
            "UPDATE audit_log SET subject = '9999' WHERE seq = 3",
        );
        let v = store.read(verify).unwrap();
        assert_eq!(v.first_bad.unwrap().seq, 3);
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let (_d, store) = store_with(5);
        tamper(&store, "DELETE FROM audit_log WHERE seq = 2");
        let bad = store.read(verify).unwrap().first_bad.unwrap();
        assert_eq!(bad.seq, 2);
        assert!(bad.problem.contains("删除"), "{}", bad.problem);
    }

    #[test]
    fn an_inserted_entry_is_named() {
        let (_d, store) = store_with(4);
        // Renumber 3.. up by one and slip a forged entry in as 3, with a self-consistent hash.
        tamper(
            &store,
            "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3;
             UPDATE audit_log SET seq = seq - 99 WHERE seq >= 100;",
        );
        store
            .write(|tx| {
                let prev: String =
                    tx.query_row("SELECT hash FROM audit_log WHERE seq = 2", [], |r| r.get(0))?;
                let at = "2026-11-30T04:00:02.500Z";
                let hash = entry_hash(3, at, None, "login", "6666", "{}", &prev);
                tx.execute(
                    "INSERT INTO audit_log (seq, at, staff_id, action, subject, detail, prev_hash, hash)
                     VALUES (3, ?1, NULL, 'login', '6666', '{}', ?2, ?3)",
                    rusqlite::params![at, prev, hash],
                )?;
                Ok(())
            })
            .unwrap();
        let v = store.read(verify).unwrap();
        assert_eq!(v.entries, 5);
        // The forged entry fits behind 2, but the one after it no longer does.
        assert_eq!(v.first_bad.unwrap().seq, 4);
    }

    #[test]
    fn the_list_filters_by_action_and_time() {
        let (_d, store) = store_with(3);
        store
            .write(|tx| record(tx, None, "rules.update", "rules", serde_json::json!({})))
            .unwrap();
        let all = store.read(|c| list(c, &AuditFilter::default())).unwrap();
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].action, "rules.update");
        let logins = store
            .read(|c| {
                list(
                    c,
                    &AuditFilter {
                        action: Some("login".into()),
                        from: Some("2026-11-30T04:00:01.000Z".into()),
                        ..Default::default()
                    },
                )
            })
            .unwrap();
        assert_eq!(
            logins
                .iter()
                .map(|e| e.subject.as_str())
                .collect::<Vec<_>>(),
            vec!["1002", "1001"]
        );
    }
}
