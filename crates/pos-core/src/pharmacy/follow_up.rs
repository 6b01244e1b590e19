//! Follow-ups (用药随访, PRODUCT.md §2 and rule 12) and the member health view (issue 11 §6).
//!
//! **Which sales make tasks.** Only member sales (a walk-in cannot be called). A sale makes the
//! first visit of the schedule (一期; the schedule is the chain rule `follow_up_days`, default
//! day 3, 7, 14, 21 and 28 after the sale's business date) when it has a prescription (Rx) line, a
//! line of a product marked `follow_up` (chronic medicines, insulin, inhalers), or when the member
//! is 65 or older or under 12 on the sale's business date (from `member.birthday`). The visit is
//! about the lines that called for it: the Rx and follow-up lines, or every line when the member's
//! age called for it. Each line of a product with `days_of_supply` also makes a refill reminder
//! (续药提醒) due 3 days (rule `refill_reminder_days_before`) before the supply sold runs out:
//! business date + days_of_supply × quantity − 3; none when that day is not after the sale.
//!
//! **Health data and consent.** What a member bought at a pharmacy is health data (it tells what
//! they are treated for), and so are the health part, the guidance given and every follow-up
//! outcome. A follow-up task is made from what the member bought — its lines, their Rx and
//! follow-up flags and days of supply — so without the member's separate health consent at the
//! moment of the sale no task at all is made, not even the age-triggered visit (whose call would
//! be about the medicines bought). The age alone (from the birthday, basic personal data) is not
//! health data, but it never makes a task by itself. When consent is withdrawn later, the
//! member's open tasks leave the worklist and cannot be opened (`HEALTH_CONSENT_REQUIRED`), and
//! the health view shows nothing; they come back if the member consents again.
//!
//! **Never twice.** Tasks are written in the sale's own transaction (one `Store::write`), each
//! under a unique `key`: `visit:<sale>:1`, `refill:<sale line>`, `next:<task>` for the task a
//! completed one scheduled. A retried write finds the key taken and adds nothing; a second
//! completion of a task is refused (`FOLLOW_UP_NOT_OPEN`).
//!
//! **Refills.** Buying a product again closes the member's open refill reminders of that product
//! (closed as `refilled`): the member has refilled.
//!
//! **Returns.** A return closes the open tasks whose lines have all come back (a whole return:
//! every task of the sale); a refill reminder of a line partly returned moves earlier to the
//! supply that is left.
//!
//! **Completing.** The outcome (channel 电话/微信/到店, effect, adverse reactions, adherence,
//! advice 继续用药/停药/就医, note) is recorded once with who recorded it; an adverse reaction also
//! becomes a 不良反应 item of the health part; the next visit is scheduled on the date given
//! (default: the schedule's next visit, not before tomorrow) or none.

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{FollowUpId, HealthItemId, LineId, MemberId, ProductId, SaleId, StaffId};
use crate::member::consent::{self, ConsentScope};
use crate::member::health::{self, HealthItem, HealthKind};
use crate::pharmacy::guidance::MemberGuidance;
use crate::rules;
use crate::sale::Sale;
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// The longest text kept for an adverse reaction or a note.
const MAX_TEXT: usize = 200;
/// The worklist's upcoming group: the next this many days after today.
pub const UPCOMING_DAYS: u32 = 7;
/// At most this many rows per group of the worklist (the counts are always whole).
pub const GROUP_LIMIT: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "FollowUpKind")]
pub enum TaskKind {
    /// 用药随访 (一期, 二期, …)
    Visit,
    /// 续药提醒
    Refill,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "FollowUpStatus")]
pub enum TaskStatus {
    Open,
    Done,
    /// Closed without an outcome: its lines were returned.
    Closed,
}

/// 电话 / 微信 / 到店
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "FollowUpChannel")]
pub enum Channel {
    Phone,
    Wechat,
    Visit,
}

/// 用药效果: 有效 / 部分有效 / 无效 / 不清楚
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "FollowUpEffect")]
pub enum Effect {
    Good,
    Partial,
    None,
    Unknown,
}

/// 依从性: 按时按量 / 偶有漏服 / 经常漏服或自行停药
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "FollowUpAdherence")]
pub enum Adherence {
    Good,
    Partial,
    Poor,
}

/// 建议: 继续用药 / 停药 / 就医
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "FollowUpAdvice")]
pub enum Advice {
    Continue,
    Stop,
    SeeDoctor,
}

macro_rules! sql_enum {
    ($t:ty { $($v:ident = $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s,)* }
            }
            fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }
        }
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(s.into()))
            }
        }
    };
}

sql_enum!(TaskKind { Visit = "visit", Refill = "refill" });
sql_enum!(TaskStatus { Open = "open", Done = "done", Closed = "closed" });
sql_enum!(Channel { Phone = "phone", Wechat = "wechat", Visit = "visit" });
sql_enum!(Effect { Good = "good", Partial = "partial", None = "none", Unknown = "unknown" });
sql_enum!(Adherence { Good = "good", Partial = "partial", Poor = "poor" });
sql_enum!(Advice { Continue = "continue", Stop = "stop", SeeDoctor = "see_doctor" });

/// One row of the worklist. It names the member and why the task exists, not the medicines
/// (those are shown, and the read logged, when the task is opened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FollowUpRow")]
pub struct TaskRow {
    pub id: FollowUpId,
    pub kind: TaskKind,
    /// 1 = 一期, 2 = 二期, …; none for a refill reminder.
    pub visit_no: Option<u32>,
    /// Why: `rx`, `follow_up`, `elderly`, `child`, `refill`.
    pub reasons: Vec<String>,
    pub due_on: String,
    pub status: TaskStatus,
    pub member_id: MemberId,
    pub member_name: String,
    pub phone_masked: String,
    pub owner_staff_id: StaffId,
    pub owner_name: Option<String>,
    pub sale_id: SaleId,
    /// The business date of the sale that made the task (or the first task of its series).
    pub sale_date: String,
    /// Days past due (0 when due today or later).
    #[ts(type = "number")]
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FollowUpFilter")]
pub struct WorklistFilter {
    /// Only this member's tasks.
    #[serde(default)]
    pub member_id: Option<MemberId>,
    /// Only tasks of members this staff member owns (`member.owner_staff_id`).
    #[serde(default)]
    pub owner: Option<StaffId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FollowUpCounts")]
pub struct WorklistCounts {
    #[ts(type = "number")]
    pub overdue: i64,
    #[ts(type = "number")]
    pub due_today: i64,
    #[ts(type = "number")]
    pub upcoming: i64,
}

/// 今日到期 / 已逾期 / 即将到期 (the next `UPCOMING_DAYS` days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FollowUpWorklist")]
pub struct Worklist {
    /// The business date the groups are counted from.
    pub today: String,
    pub due_today: Vec<TaskRow>,
    pub overdue: Vec<TaskRow>,
    pub upcoming: Vec<TaskRow>,
    pub counts: WorklistCounts,
}

/// A line of the sale a task is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FollowUpLine")]
pub struct TaskLine {
    pub sale_line_id: LineId,
    pub product_id: ProductId,
    pub name: String,
    pub spec: String,
    pub quantity: u32,
    pub returned_quantity: u32,
    pub rx: bool,
    pub guidance: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FollowUpOutcome")]
pub struct Outcome {
    pub channel: Channel,
    pub effect: Effect,
    /// '' when none.
    pub adverse_reactions: String,
    pub adherence: Adherence,
    pub advice: Advice,
    pub note: String,
    pub recorded_by: StaffId,
    pub recorded_by_name: Option<String>,
    pub recorded_at: String,
    pub next_task_id: Option<FollowUpId>,
    pub next_due_on: Option<String>,
}

/// What a pharmacist records after a follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FollowUpOutcomeInput")]
pub struct OutcomeInput {
    pub channel: Channel,
    pub effect: Effect,
    #[serde(default)]
    pub adverse_reactions: String,
    pub adherence: Adherence,
    pub advice: Advice,
    #[serde(default)]
    pub note: String,
    /// The next follow-up, YYYY-MM-DD; none ends the series.
    #[serde(default)]
    pub next_due_on: Option<String>,
}

/// A drug the member bought (aggregated by product, returns taken off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrugBought {
    pub product_id: ProductId,
    pub name: String,
    pub spec: String,
    pub rx: bool,
    /// A product marked for follow-up or sold by days of supply: a long-term medicine.
    pub long_term: bool,
    pub times: u32,
    pub quantity: u32,
    pub last_bought_on: String,
}

/// One task of the member's follow-up history, with its outcome when worked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FollowUpHistory {
    pub id: FollowUpId,
    pub kind: TaskKind,
    pub visit_no: Option<u32>,
    pub due_on: String,
    pub status: TaskStatus,
    pub closed_reason: Option<String>,
    pub medicines: Vec<String>,
    pub outcome: Option<Outcome>,
}

/// The member health view (§6): everything a pharmacist needs about a member's medicines on one
/// screen. Without health consent every list is empty and `consent` is false.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberHealthView {
    pub member_id: MemberId,
    pub name: String,
    pub card_no: String,
    /// Age today, from the birthday.
    pub age: Option<u32>,
    pub consent: bool,
    pub allergies: Vec<HealthItem>,
    pub conditions: Vec<HealthItem>,
    /// 长期用药 recorded in the health part.
    pub medicines: Vec<HealthItem>,
    pub groups: Vec<HealthItem>,
    /// 不良反应 recorded (most from follow-ups).
    pub reactions: Vec<HealthItem>,
    pub drugs_bought: Vec<DrugBought>,
    /// The guidance given with the member's sale lines, newest first (`guidance::for_member`).
    pub guidance: Vec<MemberGuidance>,
    pub follow_ups: Vec<FollowUpHistory>,
}

/// An opened task: the task, its lines, the whole phone to call, the health view, and the
/// default date of the next visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "FollowUpTask")]
pub struct TaskDetail {
    pub task: TaskRow,
    /// The whole number, to call (pharmacists and managers only; the view is audited).
    pub phone: String,
    pub lines: Vec<TaskLine>,
    pub outcome: Option<Outcome>,
    /// The schedule's next visit (not before tomorrow), or none after the last.
    pub default_next_due_on: Option<String>,
    pub health: MemberHealthView,
}

fn not_found() -> PosError {
    PosError::new(
        ErrorCode::FollowUpNotFound,
        "这条随访任务不存在，请刷新随访列表",
    )
}

fn invalid(msg: impl Into<String>) -> PosError {
    PosError::new(ErrorCode::InvalidFollowUp, msg)
}

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(PosError::storage)
}

/// Whole years from `birthday` to `on`.
pub fn age_on(birthday: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birthday.year();
    if (on.month(), on.day()) < (birthday.month(), birthday.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The reasons a member's age gives on `on`: `elderly` (65+), `child` (under 12).
fn age_reason(birthday: Option<&str>, on: NaiveDate) -> Option<&'static str> {
    let b = NaiveDate::parse_from_str(birthday?, "%Y-%m-%d").ok()?;
    match age_on(b, on) {
        a if a >= 65 => Some("elderly"),
        a if a < 12 => Some("child"),
        _ => None,
    }
}

struct NewTask<'a> {
    key: String,
    member: MemberId,
    sale: SaleId,
    kind: TaskKind,
    visit_no: Option<u32>,
    reasons: &'a [&'a str],
    due_on: NaiveDate,
    created_by: Option<StaffId>,
    previous: Option<FollowUpId>,
    lines: &'a [LineId],
}

/// Inserts a task unless its key exists; the id of the new task, or none.
fn insert(tx: &Tx<'_>, t: &NewTask<'_>) -> Result<Option<FollowUpId>> {
    let id = FollowUpId::new(tx.clock);
    let n = tx
        .prepare_cached(
            "INSERT INTO follow_up_task (id, key, member_id, sale_id, kind, visit_no, reasons, due_on,
                                         status, created_at, created_by, previous_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open', ?9, ?10, ?11)
             ON CONFLICT (key) DO NOTHING",
        )?
        .execute(rusqlite::params![
            id,
            t.key,
            t.member,
            t.sale,
            t.kind,
            t.visit_no,
            t.reasons.join("|"),
            t.due_on.to_string(),
            stamp(tx.clock.now()),
            t.created_by,
            t.previous,
        ])?;
    if n == 0 {
        return Ok(None);
    }
    let mut st = tx.prepare_cached(
        "INSERT INTO follow_up_task_line (task_id, sale_line_id) VALUES (?1, ?2)",
    )?;
    for l in t.lines {
        st.execute((id, l))?;
    }
    Ok(Some(id))
}

fn task_event(tx: &Tx<'_>, id: FollowUpId) -> Result<ev::FollowUpTaskV1> {
    let lines: Vec<LineId> = tx
        .prepare_cached("SELECT sale_line_id FROM follow_up_task_line WHERE task_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tx.query_row(
        "SELECT key, member_id, sale_id, kind, visit_no, reasons, due_on, created_at, created_by,
                previous_id FROM follow_up_task WHERE id = ?1",
        [id],
        |r| {
            Ok(ev::FollowUpTaskV1 {
                id: id.0,
                key: r.get(0)?,
                member_id: r.get::<_, MemberId>(1)?.0,
                sale_id: r.get::<_, SaleId>(2)?.0,
                kind: r.get(3)?,
                visit_no: r.get(4)?,
                reasons: r
                    .get::<_, String>(5)?
                    .split('|')
                    .map(str::to_owned)
                    .collect(),
                due_on: r.get(6)?,
                created_at: r.get(7)?,
                created_by: r.get::<_, Option<StaffId>>(8)?.map(|s| s.0),
                previous_id: r.get::<_, Option<FollowUpId>>(9)?.map(|p| p.0),
                sale_line_ids: lines.iter().map(|l| l.0).collect(),
            })
        },
    )?)
}

/// Rule 12, called by `sale::pay` in the sale's own transaction: the first visit and the refill
/// reminders the sale calls for (see the module doc). The ids of the tasks made.
pub fn schedule_sale(tx: &Tx<'_>, sale: &Sale) -> Result<Vec<FollowUpId>> {
    let Some(m) = &sale.member else {
        return Ok(vec![]);
    };
    if !consent::granted(tx, m.id, ConsentScope::Health)? {
        return Ok(vec![]);
    }
    let day = date(&sale.business_date)?;
    let birthday: Option<String> = tx
        .prepare_cached("SELECT birthday FROM member WHERE id = ?1")?
        .query_row([m.id], |r| r.get(0))
        .optional()?
        .flatten();
    let age = age_reason(birthday.as_deref(), day);
    let mut product =
        tx.prepare_cached("SELECT follow_up, days_of_supply FROM product WHERE id = ?1")?;
    let mut reasons: Vec<&str> = Vec::new();
    let mut visit_lines: Vec<LineId> = Vec::new();
    let mut refills: Vec<(LineId, NaiveDate)> = Vec::new();
    let r = rules::get(tx)?;
    for l in &sale.lines {
        let (follow_up, supply): (bool, Option<u32>) = product
            .query_row([l.product_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((false, None));
        if l.rx && !reasons.contains(&"rx") {
            reasons.push("rx");
        }
        if follow_up && !reasons.contains(&"follow_up") {
            reasons.push("follow_up");
        }
        if l.rx || follow_up || age.is_some() {
            visit_lines.push(l.id);
        }
        if let Some(days) = supply.filter(|d| *d > 0) {
            let runs_out = day + Duration::days(i64::from(days) * i64::from(l.quantity));
            let due = runs_out - Duration::days(i64::from(r.refill_reminder_days_before));
            if due > day {
                refills.push((l.id, due));
            }
        }
    }
    if let Some(a) = age {
        reasons.push(a);
    }
    let mut made = Vec::new();
    if !visit_lines.is_empty() {
        if let Some(first) = r.follow_up_days.first() {
            let t = NewTask {
                key: format!("visit:{}:1", sale.id),
                member: m.id,
                sale: sale.id,
                kind: TaskKind::Visit,
                visit_no: Some(1),
                reasons: &reasons,
                due_on: day + Duration::days(i64::from(*first)),
                created_by: None,
                previous: None,
                lines: &visit_lines,
            };
            made.extend(insert(tx, &t)?);
        }
    }
    // The member bought the product again: its earlier open refill reminders are done with.
    let mut refilled: Vec<FollowUpId> = Vec::new();
    for l in &sale.lines {
        let ids: Vec<FollowUpId> = tx
            .prepare_cached(
                "SELECT t.id FROM follow_up_task t
                 JOIN follow_up_task_line tl ON tl.task_id = t.id
                 JOIN sale_line l ON l.id = tl.sale_line_id
                 WHERE t.member_id = ?1 AND t.kind = 'refill' AND t.status = 'open'
                   AND l.product_id = ?2 AND t.sale_id <> ?3",
            )?
            .query_map((m.id, l.product_id, sale.id), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            tx.prepare_cached(
                "UPDATE follow_up_task SET status = 'closed', closed_at = ?2, closed_reason = 'refilled'
                 WHERE id = ?1",
            )?
            .execute((id, stamp(tx.clock.now())))?;
            refilled.push(id);
        }
    }
    if !refilled.is_empty() {
        outbox::append(
            tx,
            Payload::FollowUpClosed(ev::FollowUpClosedV1 {
                task_ids: refilled.iter().map(|i| i.0).collect(),
                reason: "refilled".to_owned(),
                return_id: None,
                sale_id: Some(sale.id.0),
                at: stamp(tx.clock.now()),
            }),
        )?;
    }
    for (line, due) in &refills {
        let t = NewTask {
            key: format!("refill:{line}"),
            member: m.id,
            sale: sale.id,
            kind: TaskKind::Refill,
            visit_no: None,
            reasons: &["refill"],
            due_on: *due,
            created_by: None,
            previous: None,
            lines: std::slice::from_ref(line),
        };
        made.extend(insert(tx, &t)?);
    }
    if !made.is_empty() {
        let tasks = made
            .iter()
            .map(|id| task_event(tx, *id))
            .collect::<Result<Vec<_>>>()?;
        outbox::append(
            tx,
            Payload::FollowUpScheduled(ev::FollowUpScheduledV1 { tasks }),
        )?;
    }
    Ok(made)
}

/// Called by `returns::create` after the return's lines are written: closes the open tasks of
/// `sale` whose lines have all come back; a refill reminder of a line partly returned moves to
/// the supply that is left.
pub fn close_for_return(tx: &Tx<'_>, return_id: SaleId, sale: SaleId) -> Result<()> {
    let open: Vec<(FollowUpId, TaskKind)> = tx
        .prepare_cached(
            "SELECT id, kind FROM follow_up_task WHERE sale_id = ?1 AND status = 'open'",
        )?
        .query_map([sale], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if open.is_empty() {
        return Ok(());
    }
    let at = stamp(tx.clock.now());
    let mut closed = Vec::new();
    for (id, kind) in open {
        // (line, sold, returned) of each line of the task.
        let lines: Vec<(LineId, u32, u32, Option<u32>, String)> = tx
            .prepare_cached(
                "SELECT l.id, l.quantity,
                        (SELECT coalesce(sum(r.quantity), 0) FROM return_line r WHERE r.sale_line_id = l.id),
                        p.days_of_supply, s.business_date
                 FROM follow_up_task_line t
                 JOIN sale_line l ON l.id = t.sale_line_id
                 JOIN sale s ON s.id = l.sale_id
                 LEFT JOIN product p ON p.id = l.product_id
                 WHERE t.task_id = ?1",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if lines.iter().all(|(_, sold, back, _, _)| back >= sold) {
            tx.execute(
                "UPDATE follow_up_task SET status = 'closed', closed_at = ?2, closed_reason = 'returned',
                        closed_by_return = ?3 WHERE id = ?1",
                (id, &at, return_id),
            )?;
            closed.push(id);
        } else if kind == TaskKind::Refill {
            if let Some((_, sold, back, Some(days), day)) = lines.first() {
                let r = rules::get(tx)?;
                let due = date(day)? + Duration::days(i64::from(*days) * i64::from(sold - back))
                    - Duration::days(i64::from(r.refill_reminder_days_before));
                tx.execute(
                    "UPDATE follow_up_task SET due_on = ?2 WHERE id = ?1",
                    (id, due.to_string()),
                )?;
            }
        }
    }
    if !closed.is_empty() {
        outbox::append(
            tx,
            Payload::FollowUpClosed(ev::FollowUpClosedV1 {
                task_ids: closed.iter().map(|i| i.0).collect(),
                reason: "returned".to_owned(),
                return_id: Some(return_id.0),
                sale_id: None,
                at,
            }),
        )?;
    }
    Ok(())
}

/// A task row's columns but the sale's date (`t`, `m` the member, `o` the owner).
macro_rules! task_columns {
    () => {
        "t.id, t.kind, t.visit_no, t.reasons, t.due_on, t.status, t.member_id, m.name,
        m.phone, m.owner_staff_id, o.name, t.sale_id"
    };
}
/// A task row's columns, `s` the sale.
const ROW_COLUMNS: &str = concat!(task_columns!(), ", s.business_date");

fn row(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<TaskRow> {
    let reasons: String = r.get(3)?;
    let due_on: String = r.get(4)?;
    let phone: String = r.get(8)?;
    let overdue = NaiveDate::parse_from_str(&due_on, "%Y-%m-%d")
        .map(|d| (today - d).num_days().max(0))
        .unwrap_or(0);
    Ok(TaskRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        visit_no: r.get(2)?,
        reasons: reasons.split('|').map(str::to_owned).collect(),
        due_on,
        status: r.get(5)?,
        member_id: r.get(6)?,
        member_name: r.get(7)?,
        phone_masked: crate::member::phone::mask(&phone),
        owner_staff_id: r.get(9)?,
        owner_name: r.get(10)?,
        sale_id: r.get(11)?,
        sale_date: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
        days_overdue: overdue,
    })
}

/// The member's health consent is in force (the latest health consent event is a grant). On
/// `m.id`, not `t.member_id`, so SQLite checks it after the member's own conditions (status,
/// owner): a member filtered out costs no consent lookup.
const CONSENTED: &str = "(SELECT e.action FROM consent_event e WHERE e.member_id = m.id
    AND e.scope = 'health' ORDER BY e.at DESC, e.rowid DESC LIMIT 1) = 'grant'";

/// The worklist on business date `today`: open tasks overdue, due today and in the next
/// `UPCOMING_DAYS` days, of active members whose health consent is in force.
///
/// One pass over the open tasks up to the horizon, in the worklist's order: every row counts in
/// its group and the first `GROUP_LIMIT` of each group are kept, and only those look up their
/// sale's date. (A count query and one query per group looked up the same members and consents
/// up to twice.) A filter not given adds nothing to the query, so a member's worklist is read
/// from that member's tasks only. What it costs is a member and a consent lookup per open task
/// up to the horizon (BENCHMARKS.md, issue 11).
pub fn worklist(c: &Connection, today: NaiveDate, f: &WorklistFilter) -> Result<Worklist> {
    let horizon = (today + Duration::days(i64::from(UPCOMING_DAYS))).to_string();
    let member = f.member_id.map(|m| m.to_string());
    let owner = f.owner.map(|o| o.to_string());
    let mut conditions = String::new();
    let mut args: Vec<(&str, &dyn rusqlite::ToSql)> = vec![(":horizon", &horizon)];
    if let Some(m) = &member {
        conditions.push_str(" AND t.member_id = :member");
        args.push((":member", m));
    }
    if let Some(o) = &owner {
        conditions.push_str(" AND m.owner_staff_id = :owner");
        args.push((":owner", o));
    }
    // The sale's date is read for the rows shown only (below).
    let mut st = c.prepare_cached(&format!(
        "SELECT {}, NULL
         FROM follow_up_task t
         JOIN member m ON m.id = t.member_id
         LEFT JOIN staff o ON o.id = m.owner_staff_id
         WHERE t.status = 'open' AND t.due_on <= :horizon AND m.status = 'active'{conditions}
           AND {CONSENTED}
         ORDER BY t.due_on, m.name, t.id",
        task_columns!()
    ))?;
    let day = today.to_string();
    let mut w = Worklist {
        today: day.clone(),
        due_today: vec![],
        overdue: vec![],
        upcoming: vec![],
        counts: WorklistCounts {
            overdue: 0,
            due_today: 0,
            upcoming: 0,
        },
    };
    let mut rows = st.query(&*args)?;
    while let Some(r) = rows.next()? {
        let due: String = r.get(4)?;
        let (group, count) = match due.cmp(&day) {
            std::cmp::Ordering::Less => (&mut w.overdue, &mut w.counts.overdue),
            std::cmp::Ordering::Equal => (&mut w.due_today, &mut w.counts.due_today),
            std::cmp::Ordering::Greater => (&mut w.upcoming, &mut w.counts.upcoming),
        };
        *count += 1;
        if group.len() < GROUP_LIMIT as usize {
            group.push(row(r, today)?);
        }
    }
    let mut sale_date = c.prepare_cached("SELECT business_date FROM sale WHERE id = ?1")?;
    for t in w
        .overdue
        .iter_mut()
        .chain(&mut w.due_today)
        .chain(&mut w.upcoming)
    {
        t.sale_date = sale_date.query_row([t.sale_id], |r| r.get(0))?;
    }
    Ok(w)
}

fn task_row(c: &Connection, id: FollowUpId, today: NaiveDate) -> Result<TaskRow> {
    c.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS}
         FROM follow_up_task t
         JOIN member m ON m.id = t.member_id
         JOIN sale s ON s.id = t.sale_id
         LEFT JOIN staff o ON o.id = m.owner_staff_id
         WHERE t.id = ?1"
    ))?
    .query_row([id], |r| row(r, today))
    .optional()?
    .ok_or_else(not_found)
}

fn task_lines(c: &Connection, id: FollowUpId) -> Result<Vec<TaskLine>> {
    let mut st = c.prepare_cached(
        "SELECT l.id, l.product_id, l.name, l.spec, l.quantity,
                (SELECT coalesce(sum(r.quantity), 0) FROM return_line r WHERE r.sale_line_id = l.id),
                l.rx, l.guidance
         FROM follow_up_task_line t JOIN sale_line l ON l.id = t.sale_line_id
         WHERE t.task_id = ?1 ORDER BY l.position",
    )?;
    let rows = st
        .query_map([id], |r| {
            Ok(TaskLine {
                sale_line_id: r.get(0)?,
                product_id: r.get(1)?,
                name: r.get(2)?,
                spec: r.get(3)?,
                quantity: r.get(4)?,
                returned_quantity: r.get(5)?,
                rx: r.get(6)?,
                guidance: r
                    .get::<_, Option<String>>(7)?
                    .filter(|g| !g.trim().is_empty()),
            })
        })?
        .collect::<rusqlite::Result<Vec<TaskLine>>>()?;
    // The pharmacist's structured guidance when there is one (newest record of the line),
    // else the free text the sale line kept.
    rows.into_iter()
        .map(|mut l| {
            if let Some(g) = crate::pharmacy::guidance::current(c, l.sale_line_id)? {
                l.guidance = Some(g.guidance.compact(&g.pharmacist_name));
            }
            Ok(l)
        })
        .collect()
}

fn outcome(c: &Connection, task: FollowUpId) -> Result<Option<Outcome>> {
    Ok(c.prepare_cached(
        "SELECT o.channel, o.effect, o.adverse_reactions, o.adherence, o.advice, o.note,
                    o.recorded_by, s.name, o.recorded_at, o.next_task_id, n.due_on
             FROM follow_up_outcome o
             LEFT JOIN staff s ON s.id = o.recorded_by
             LEFT JOIN follow_up_task n ON n.id = o.next_task_id
             WHERE o.task_id = ?1",
    )?
    .query_row([task], |r| {
        Ok(Outcome {
            channel: r.get(0)?,
            effect: r.get(1)?,
            adverse_reactions: r.get(2)?,
            adherence: r.get(3)?,
            advice: r.get(4)?,
            note: r.get(5)?,
            recorded_by: r.get(6)?,
            recorded_by_name: r.get(7)?,
            recorded_at: r.get(8)?,
            next_task_id: r.get(9)?,
            next_due_on: r.get(10)?,
        })
    })
    .optional()?)
}

fn require_consent(c: &Connection, member: MemberId) -> Result<()> {
    if consent::granted(c, member, ConsentScope::Health)? {
        return Ok(());
    }
    Err(PosError::new(
        ErrorCode::HealthConsentRequired,
        "会员未同意（或已撤回）健康信息授权：不能查看其用药和随访信息",
    ))
}

/// The schedule's next visit after `task` (not before tomorrow), or none after the last visit
/// (and none after a refill reminder).
fn default_next(c: &Connection, task: &TaskRow, today: NaiveDate) -> Result<Option<NaiveDate>> {
    let (TaskKind::Visit, Some(n)) = (task.kind, task.visit_no) else {
        return Ok(None);
    };
    let r = rules::get(c)?;
    let Some(days) = r.follow_up_days.get(n as usize) else {
        return Ok(None);
    };
    let on = date(&task.sale_date)? + Duration::days(i64::from(*days));
    Ok(Some(on.max(today + Duration::days(1))))
}

/// Opens a task (pharmacist or manager; checked by the API): the read of the member's health
/// data is logged, and so is the view of the whole phone number.
pub fn open(tx: &Tx<'_>, by: StaffId, id: FollowUpId) -> Result<TaskDetail> {
    let today = crate::business_day::today(tx)?;
    let task = task_row(tx, id, today)?;
    require_consent(tx, task.member_id)?;
    let phone: String = tx.query_row(
        "SELECT phone FROM member WHERE id = ?1",
        [task.member_id],
        |r| r.get(0),
    )?;
    crate::audit::record(
        tx,
        Some(by),
        "member.full_phone_view",
        &task.member_id.to_string(),
        serde_json::json!({ "follow_up": id }),
    )?;
    let health = health_view(tx, by, task.member_id)?;
    Ok(TaskDetail {
        phone,
        lines: task_lines(tx, id)?,
        outcome: outcome(tx, id)?,
        default_next_due_on: default_next(tx, &task, today)?.map(|d| d.to_string()),
        health,
        task,
    })
}

fn clean(field: &str, s: &str) -> Result<String> {
    let s = s.trim();
    if s.chars().count() > MAX_TEXT {
        return Err(invalid(format!("{field}最多 {MAX_TEXT} 个字")));
    }
    Ok(s.to_owned())
}

/// Records the outcome of an open task and schedules the next visit (see the module doc).
pub fn complete(tx: &Tx<'_>, by: StaffId, id: FollowUpId, o: &OutcomeInput) -> Result<TaskDetail> {
    let today = crate::business_day::today(tx)?;
    let task = task_row(tx, id, today)?;
    require_consent(tx, task.member_id)?;
    if task.status != TaskStatus::Open {
        return Err(PosError::new(
            ErrorCode::FollowUpNotOpen,
            match task.status {
                TaskStatus::Done => "这条随访已经记录过结果，请刷新随访列表",
                _ => "这条随访已关闭（所购药品已退货），无需再随访",
            },
        ));
    }
    let reactions = clean("不良反应", &o.adverse_reactions)?;
    let note = clean("备注", &o.note)?;
    let next_on = match o.next_due_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                invalid(format!(
                    "下次随访日期“{s}”格式不正确，请用 2026-12-31 的格式"
                ))
            })?;
            if d <= today {
                return Err(invalid("下次随访日期须在今天之后"));
            }
            if d > today + Duration::days(365) {
                return Err(invalid("下次随访日期须在一年之内"));
            }
            Some(d)
        }
    };
    let at = stamp(tx.clock.now());
    let lines: Vec<LineId> = task_lines(tx, id)?
        .into_iter()
        .map(|l| l.sale_line_id)
        .collect();
    let next = match next_on {
        None => None,
        Some(d) => {
            let reasons: Vec<&str> = task.reasons.iter().map(String::as_str).collect();
            insert(
                tx,
                &NewTask {
                    key: format!("next:{id}"),
                    member: task.member_id,
                    sale: task.sale_id,
                    kind: task.kind,
                    visit_no: task.visit_no.map(|n| n + 1),
                    reasons: &reasons,
                    due_on: d,
                    created_by: Some(by),
                    previous: Some(id),
                    lines: &lines,
                },
            )?
        }
    };
    let reaction_item: Option<HealthItemId> = if reactions.is_empty() {
        None
    } else {
        let names: Vec<String> = task_lines(tx, id)?.into_iter().map(|l| l.name).collect();
        let mut text = format!("{}：{reactions}", names.join("、"));
        if text.chars().count() > 100 {
            text = text.chars().take(99).collect::<String>() + "…";
        }
        Some(
            health::add(
                tx,
                by,
                task.member_id,
                HealthKind::Reaction,
                health::OTHER,
                &text,
            )?
            .id,
        )
    };
    tx.execute(
        "INSERT INTO follow_up_outcome (task_id, channel, effect, adverse_reactions, adherence, advice,
                                        note, next_task_id, reaction_item_id, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            id,
            o.channel,
            o.effect,
            reactions,
            o.adherence,
            o.advice,
            note,
            next,
            reaction_item,
            by,
            at
        ],
    )?;
    tx.execute(
        "UPDATE follow_up_task SET status = 'done' WHERE id = ?1",
        [id],
    )?;
    health::log_access(tx, by, task.member_id, "follow_up", None)?;
    let next_event = next.map(|n| task_event(tx, n)).transpose()?;
    outbox::append(
        tx,
        Payload::FollowUpCompleted(ev::FollowUpCompletedV1 {
            task_id: id.0,
            member_id: task.member_id.0,
            channel: o.channel.as_str().to_owned(),
            effect: o.effect.as_str().to_owned(),
            adverse_reactions: reactions,
            adherence: o.adherence.as_str().to_owned(),
            advice: o.advice.as_str().to_owned(),
            note,
            recorded_by: by.0,
            recorded_at: at,
            next: next_event,
        }),
    )?;
    open(tx, by, id)
}

/// The member health view (logged as a health read). Without health consent only the name and
/// card show.
pub fn health_view(tx: &Tx<'_>, by: StaffId, member: MemberId) -> Result<MemberHealthView> {
    let record = health::read(tx, by, member)?;
    let today = crate::business_day::today(tx)?;
    let (name, card_no, birthday): (String, String, Option<String>) = tx
        .query_row(
            "SELECT name, card_no, birthday FROM member WHERE id = ?1",
            [member],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| PosError::new(ErrorCode::MemberNotFound, "找不到该会员，请重新查找"))?;
    let age = birthday
        .as_deref()
        .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
        .map(|b| age_on(b, today));
    let mut view = MemberHealthView {
        member_id: member,
        name,
        card_no,
        age,
        consent: record.consent,
        allergies: vec![],
        conditions: vec![],
        medicines: vec![],
        groups: vec![],
        reactions: vec![],
        drugs_bought: vec![],
        guidance: vec![],
        follow_ups: vec![],
    };
    if !record.consent {
        return Ok(view);
    }
    for i in record.items {
        match i.kind {
            HealthKind::Allergy => view.allergies.push(i),
            HealthKind::Condition => view.conditions.push(i),
            HealthKind::Medicine => view.medicines.push(i),
            HealthKind::Group => view.groups.push(i),
            HealthKind::Reaction => view.reactions.push(i),
        }
    }
    view.drugs_bought = drugs_bought(tx, member)?;
    view.guidance = crate::pharmacy::guidance::for_member(tx, member)?;
    view.follow_ups = history(tx, member)?;
    Ok(view)
}

fn drugs_bought(c: &Connection, member: MemberId) -> Result<Vec<DrugBought>> {
    let mut st = c.prepare_cached(
        "SELECT l.product_id, l.name, l.spec, max(l.rx),
                coalesce(max(p.follow_up OR p.days_of_supply IS NOT NULL), 0),
                count(DISTINCT s.id),
                sum(l.quantity - (SELECT coalesce(sum(r.quantity), 0) FROM return_line r
                                  WHERE r.sale_line_id = l.id)) AS kept,
                max(s.business_date)
         FROM sale s JOIN sale_line l ON l.sale_id = s.id
         LEFT JOIN product p ON p.id = l.product_id
         WHERE s.member_id = ?1
         GROUP BY l.product_id HAVING kept > 0
         ORDER BY max(s.business_date) DESC, l.name LIMIT 100",
    )?;
    let rows = st
        .query_map([member], |r| {
            Ok(DrugBought {
                product_id: r.get(0)?,
                name: r.get(1)?,
                spec: r.get(2)?,
                rx: r.get(3)?,
                long_term: r.get(4)?,
                times: r.get(5)?,
                quantity: r.get(6)?,
                last_bought_on: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn history(c: &Connection, member: MemberId) -> Result<Vec<FollowUpHistory>> {
    let mut out: Vec<FollowUpHistory> = c
        .prepare_cached(
            "SELECT id, kind, visit_no, due_on, status, closed_reason FROM follow_up_task
             WHERE member_id = ?1 ORDER BY due_on DESC, created_at DESC LIMIT 100",
        )?
        .query_map([member], |r| {
            Ok(FollowUpHistory {
                id: r.get(0)?,
                kind: r.get(1)?,
                visit_no: r.get(2)?,
                due_on: r.get(3)?,
                status: r.get(4)?,
                closed_reason: r.get(5)?,
                medicines: vec![],
                outcome: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for h in &mut out {
        h.medicines = task_lines(c, h.id)?.into_iter().map(|l| l.name).collect();
        h.outcome = outcome(c, h.id)?;
    }
    Ok(out)
}
