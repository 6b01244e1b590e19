//! Consent under PIPL. Basic consent (to keep the member file) is required to register; health
//! consent (to keep the health part, sensitive information) is separate and optional. Each grant
//! or withdrawal is an event with the time, the staff member and the version of the privacy
//! notice the member was shown; the latest event of a scope is its state. Withdrawing health
//! consent hides the health part at once. Contact consent (care calls, messages and offers) is a
//! third, separate one: care lists and message lists hold only members who gave it. Withdrawing basic consent is done by anonymizing the
//! member. When stores disagree, the most restrictive state wins (SYNC-DESIGN.md).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{EditId, MemberId, StaffId};
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// The privacy notice version the registration form shows (docs/privacy-notice.md).
pub const CURRENT_NOTICE: &str = "2026-11";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ConsentScope {
    /// 基本信息授权（注册必需）
    Basic,
    /// 健康信息单独授权（可选）
    Health,
    /// 关怀联系授权（可选）：care calls, messages and offers (生日关怀、积分到期提醒、活动)
    Contact,
}

impl ConsentScope {
    fn as_str(self) -> &'static str {
        match self {
            ConsentScope::Basic => "basic",
            ConsentScope::Health => "health",
            ConsentScope::Contact => "contact",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConsentEvent {
    pub id: EditId,
    pub scope: ConsentScope,
    pub granted: bool,
    pub notice_version: String,
    pub at: String,
    pub by_staff: StaffId,
}

/// Whether the latest event of `scope` is a grant.
pub fn granted(c: &Connection, member: MemberId, scope: ConsentScope) -> Result<bool> {
    let action: Option<String> = c
        .prepare_cached(
            "SELECT action FROM consent_event WHERE member_id = ?1 AND scope = ?2
             ORDER BY at DESC, rowid DESC LIMIT 1",
        )?
        .query_row((member, scope.as_str()), |r| r.get(0))
        .optional()?;
    Ok(action.as_deref() == Some("grant"))
}

fn check_notice(v: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > 20 {
        return Err(PosError::invalid_field(
            "notice_version",
            "请注明会员所阅读的隐私告知版本",
        ));
    }
    Ok(v.to_owned())
}

/// Records a grant or withdrawal. Withdrawing basic consent is refused here: it means erasing
/// the member's personal data, which `member::anonymize` does (and records the withdrawal).
pub fn record(
    tx: &Tx<'_>,
    member: MemberId,
    scope: ConsentScope,
    grant: bool,
    notice_version: &str,
    by: StaffId,
) -> Result<ConsentEvent> {
    if scope == ConsentScope::Basic && !grant {
        return Err(PosError::new(
            ErrorCode::ConsentRequired,
            "撤回基本信息授权即注销会员：请由店长执行“注销并匿名化”",
        ));
    }
    write(tx, member, scope, grant, &check_notice(notice_version)?, by)
}

pub(crate) fn write(
    tx: &Tx<'_>,
    member: MemberId,
    scope: ConsentScope,
    grant: bool,
    notice_version: &str,
    by: StaffId,
) -> Result<ConsentEvent> {
    let e = ConsentEvent {
        id: EditId::new(tx.clock),
        scope,
        granted: grant,
        notice_version: notice_version.to_owned(),
        at: stamp(tx.clock.now()),
        by_staff: by,
    };
    tx.execute(
        "INSERT INTO consent_event (id, member_id, scope, action, notice_version, at, by_staff)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (
            e.id,
            member,
            scope.as_str(),
            if grant { "grant" } else { "withdraw" },
            &e.notice_version,
            &e.at,
            by,
        ),
    )?;
    outbox::append(
        tx,
        Payload::MemberConsent(ev::MemberConsentV1 {
            member_id: member.0,
            event: ev::ConsentEventV1 {
                id: e.id.0,
                scope: e.scope.as_str().to_string(),
                granted: e.granted,
                notice_version: e.notice_version.clone(),
                at: e.at.clone(),
                by_staff: e.by_staff.0,
            },
        }),
    )?;
    Ok(e)
}

pub fn events(c: &Connection, member: MemberId) -> Result<Vec<ConsentEvent>> {
    let mut st = c.prepare(
        "SELECT id, scope, action, notice_version, at, by_staff FROM consent_event
         WHERE member_id = ?1 ORDER BY at, rowid",
    )?;
    let rows = st
        .query_map([member], |r| {
            Ok(ConsentEvent {
                id: r.get(0)?,
                scope: match r.get::<_, String>(1)?.as_str() {
                    "basic" => ConsentScope::Basic,
                    "contact" => ConsentScope::Contact,
                    _ => ConsentScope::Health,
                },
                granted: r.get::<_, String>(2)? == "grant",
                notice_version: r.get(3)?,
                at: r.get(4)?,
                by_staff: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
