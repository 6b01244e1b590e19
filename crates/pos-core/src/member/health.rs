//! The health part of the member file (sensitive personal information under PIPL), kept apart
//! from the marketing data: allergen classes, chronic conditions, long-term medicines, special
//! groups. Only pharmacists and managers read or edit it, only with the member's separate health
//! consent, and every read, edit and refused attempt is written to `health_access_log`. Cashiers
//! see a single badge, 有过敏史, when an allergy is recorded.
//!
//! For sync the items form an add-wins set: an item has its own id and stays until a pharmacist
//! removes it explicitly (the row keeps who removed it and when).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{HealthItemId, MemberId, StaffId};
use crate::member::consent::{self, ConsentScope};
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// The controlled list of allergen classes; products name the same classes in `allergen_classes`.
pub const ALLERGEN_CLASSES: &[&str] = &[
    "青霉素类",
    "头孢菌素类",
    "大环内酯类",
    "喹诺酮类",
    "磺胺类",
    "四环素类",
    "氨基糖苷类",
    "非甾体抗炎药",
    "阿司匹林",
    "碘",
    "局部麻醉药",
    "阿片类",
    "乳糖",
    "明胶",
];

/// Chronic conditions offered as choices (free text is accepted as `other`).
pub const CONDITIONS: &[&str] = &[
    "高血压",
    "糖尿病",
    "高血脂",
    "冠心病",
    "哮喘",
    "慢阻肺",
    "痛风",
    "甲状腺疾病",
    "肝病",
    "肾病",
];

/// Special groups.
pub const GROUPS: &[&str] = &["老人", "儿童", "孕妇", "哺乳期"];

/// The code for an item described only by its free text.
pub const OTHER: &str = "other";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum HealthKind {
    /// 过敏史
    Allergy,
    /// 慢性病
    Condition,
    /// 长期用药
    Medicine,
    /// 特殊人群
    Group,
    /// 不良反应 (recorded from a follow-up's outcome, or by hand)
    Reaction,
}

impl HealthKind {
    fn as_str(self) -> &'static str {
        match self {
            HealthKind::Allergy => "allergy",
            HealthKind::Condition => "condition",
            HealthKind::Medicine => "medicine",
            HealthKind::Group => "group",
            HealthKind::Reaction => "reaction",
        }
    }

    fn parse(s: &str) -> HealthKind {
        match s {
            "allergy" => HealthKind::Allergy,
            "condition" => HealthKind::Condition,
            "medicine" => HealthKind::Medicine,
            "reaction" => HealthKind::Reaction,
            _ => HealthKind::Group,
        }
    }

    /// The controlled list for this kind (medicines have none: free text only).
    fn choices(self) -> &'static [&'static str] {
        match self {
            HealthKind::Allergy => ALLERGEN_CLASSES,
            HealthKind::Condition => CONDITIONS,
            HealthKind::Medicine | HealthKind::Reaction => &[],
            HealthKind::Group => GROUPS,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthItem {
    pub id: HealthItemId,
    pub kind: HealthKind,
    /// A class from the controlled list, or `other`.
    pub code: String,
    pub note: String,
    pub added_at: String,
    pub added_by: StaffId,
}

/// What a pharmacist sees: the items, or nothing when the member has not consented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthRecord {
    pub member_id: MemberId,
    /// The member's separate consent to keep health data is in force.
    pub consent: bool,
    /// Empty (hidden) without consent.
    pub items: Vec<HealthItem>,
}

/// The controlled lists, for the UI's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthChoices {
    pub allergen_classes: Vec<String>,
    pub conditions: Vec<String>,
    pub groups: Vec<String>,
}

pub fn choices() -> HealthChoices {
    let v = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect();
    HealthChoices {
        allergen_classes: v(ALLERGEN_CLASSES),
        conditions: v(CONDITIONS),
        groups: v(GROUPS),
    }
}

/// Writes one line of the access log.
pub fn log_access(
    tx: &Tx<'_>,
    staff: StaffId,
    member: MemberId,
    action: &str,
    item: Option<HealthItemId>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO health_access_log (at, staff_id, member_id, action, item_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((stamp(tx.clock.now()), staff, member, action, item))?;
    crate::audit::record(
        tx,
        Some(staff),
        "health.access",
        &member.to_string(),
        serde_json::json!({ "action": action, "item": item }),
    )
}

pub fn refused() -> PosError {
    PosError::new(
        ErrorCode::Forbidden,
        "会员健康信息仅药师或店长可查看和修改，请请药师协助",
    )
}

fn active_items(c: &Connection, member: MemberId) -> Result<Vec<HealthItem>> {
    let mut st = c.prepare_cached(
        "SELECT id, kind, code, note, added_at, added_by FROM member_health_item
         WHERE member_id = ?1 AND removed_at IS NULL ORDER BY kind, added_at",
    )?;
    let rows = st
        .query_map([member], |r| {
            Ok(HealthItem {
                id: r.get(0)?,
                kind: HealthKind::parse(&r.get::<_, String>(1)?),
                code: r.get(2)?,
                note: r.get(3)?,
                added_at: r.get(4)?,
                added_by: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Reads the health part (logged). Without health consent the items are hidden.
pub fn read(tx: &Tx<'_>, by: StaffId, member: MemberId) -> Result<HealthRecord> {
    log_access(tx, by, member, "read", None)?;
    let consent = consent::granted(tx, member, ConsentScope::Health)?;
    Ok(HealthRecord {
        member_id: member,
        consent,
        items: if consent {
            active_items(tx, member)?
        } else {
            vec![]
        },
    })
}

/// Whether the cashier's badge 有过敏史 shows: an allergy is recorded and consent is in force.
pub fn has_allergy(c: &Connection, member: MemberId) -> Result<bool> {
    let any: Option<i64> = c
        .prepare_cached(
            "SELECT 1 FROM member_health_item
             WHERE member_id = ?1 AND kind = 'allergy' AND removed_at IS NULL LIMIT 1",
        )?
        .query_row([member], |r| r.get(0))
        .optional()?;
    Ok(any.is_some() && consent::granted(c, member, ConsentScope::Health)?)
}

/// The allergen classes recorded for a member (for the allergy gate at checkout); empty without
/// health consent.
pub fn allergen_classes(c: &Connection, member: MemberId) -> Result<Vec<String>> {
    if !consent::granted(c, member, ConsentScope::Health)? {
        return Ok(vec![]);
    }
    Ok(active_items(c, member)?
        .into_iter()
        .filter(|i| i.kind == HealthKind::Allergy)
        .map(|i| if i.code == OTHER { i.note } else { i.code })
        .collect())
}

/// Adds an item (logged). Needs health consent.
pub fn add(
    tx: &Tx<'_>,
    by: StaffId,
    member: MemberId,
    kind: HealthKind,
    code: &str,
    note: &str,
) -> Result<HealthItem> {
    let code = code.trim();
    let note = note.trim();
    if !consent::granted(tx, member, ConsentScope::Health)? {
        return Err(PosError::new(
            ErrorCode::HealthConsentRequired,
            "会员未同意（或已撤回）健康信息授权，不能记录健康信息；请先取得会员单独同意",
        ));
    }
    let code = if code.is_empty() { OTHER } else { code };
    if code != OTHER && !kind.choices().contains(&code) {
        return Err(PosError::new(
            ErrorCode::InvalidHealthItem,
            format!("“{code}”不在可选列表中，请从列表选择或选“其他”并填写说明"),
        ));
    }
    if code == OTHER && note.is_empty() {
        return Err(PosError::new(
            ErrorCode::InvalidHealthItem,
            "选“其他”时请填写说明",
        ));
    }
    if note.chars().count() > 100 {
        return Err(PosError::new(
            ErrorCode::InvalidHealthItem,
            "说明最多 100 个字",
        ));
    }
    let item = HealthItem {
        id: HealthItemId::new(tx.clock),
        kind,
        code: code.to_owned(),
        note: note.to_owned(),
        added_at: stamp(tx.clock.now()),
        added_by: by,
    };
    tx.execute(
        "INSERT INTO member_health_item (id, member_id, kind, code, note, added_at, added_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (
            item.id,
            member,
            kind.as_str(),
            &item.code,
            &item.note,
            &item.added_at,
            by,
        ),
    )?;
    log_access(tx, by, member, "add", Some(item.id))?;
    outbox::append(
        tx,
        Payload::HealthItemAdded(ev::HealthItemAddedV1 {
            member_id: member.0,
            item: ev::HealthItemV1 {
                id: item.id.0,
                kind: item.kind.as_str().to_string(),
                code: item.code.clone(),
                note: item.note.clone(),
                added_at: item.added_at.clone(),
                added_by: item.added_by.0,
            },
        }),
    )?;
    Ok(item)
}

/// Removes an item explicitly (logged); the row stays with who removed it.
pub fn remove(tx: &Tx<'_>, by: StaffId, item: HealthItemId) -> Result<MemberId> {
    let member: Option<MemberId> = tx
        .query_row(
            "SELECT member_id FROM member_health_item WHERE id = ?1 AND removed_at IS NULL",
            [item],
            |r| r.get(0),
        )
        .optional()?;
    let member = member.ok_or_else(|| {
        PosError::new(
            ErrorCode::HealthItemNotFound,
            "这条健康信息不存在或已删除，请刷新",
        )
    })?;
    let at = stamp(tx.clock.now());
    tx.execute(
        "UPDATE member_health_item SET removed_at = ?2, removed_by = ?3 WHERE id = ?1",
        (item, &at, by),
    )?;
    log_access(tx, by, member, "remove", Some(item))?;
    outbox::append(
        tx,
        Payload::HealthItemRemoved(ev::HealthItemRemovedV1 {
            member_id: member.0,
            item_id: item.0,
            at: at.clone(),
            by_staff: by.0,
        }),
    )?;
    Ok(member)
}

/// One line of the access log, for a manager's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccessLogLine {
    pub at: String,
    pub staff_id: StaffId,
    pub staff_name: Option<String>,
    pub action: String,
    pub item_id: Option<HealthItemId>,
}

pub fn access_log(c: &Connection, member: MemberId) -> Result<Vec<AccessLogLine>> {
    let mut st = c.prepare(
        "SELECT l.at, l.staff_id, s.name, l.action, l.item_id FROM health_access_log l
         LEFT JOIN staff s ON s.id = l.staff_id
         WHERE l.member_id = ?1 ORDER BY l.at DESC, l.rowid DESC",
    )?;
    let rows = st
        .query_map([member], |r| {
            Ok(AccessLogLine {
                at: r.get(0)?,
                staff_id: r.get(1)?,
                staff_name: r.get(2)?,
                action: r.get(3)?,
                item_id: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
