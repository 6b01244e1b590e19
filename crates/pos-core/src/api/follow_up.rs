//! Commands of the follow-ups (用药随访) and the member health view: the worklist, a task opened
//! with the member's medicines, its outcome, and the health view. All of it is health data, for
//! pharmacists and managers only: a cashier's attempt is refused with `FORBIDDEN` and written
//! to the audit log (and, when it names a member, to the member's health access log), as
//! `member_health_get` does.

use serde::Deserialize;
use ts_rs::TS;

use super::{Command, Ctx};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{FollowUpId, MemberId, StaffId};
use crate::member::health;
use crate::pharmacy::follow_up::{
    self, MemberHealthView, OutcomeInput, TaskDetail, Worklist, WorklistFilter,
};
use crate::staff::Role;

fn refused() -> PosError {
    PosError::new(
        ErrorCode::Forbidden,
        "用药随访和会员健康档案仅药师或店长可查看和记录，请请药师处理",
    )
}

/// Pharmacists and managers pass; anyone else is logged, then refused.
fn pharmacist_access(ctx: &Ctx<'_>, what: &str, member: Option<MemberId>) -> Result<StaffId> {
    let me = ctx.me()?;
    let id = me.staff.id;
    if me.staff.sees_member_details() {
        return Ok(id);
    }
    ctx.store.write(|tx| {
        crate::audit::record(
            tx,
            Some(id),
            "follow_up.denied",
            &member.map(|m| m.to_string()).unwrap_or_default(),
            serde_json::json!({ "command": what }),
        )?;
        match member {
            Some(m) => health::log_access(tx, id, m, "denied", None),
            None => Ok(()),
        }
    })?;
    Err(refused())
}

fn member_of(ctx: &Ctx<'_>, task: FollowUpId) -> Option<MemberId> {
    ctx.store
        .read(|c| {
            Ok(c.query_row(
                "SELECT member_id FROM follow_up_task WHERE id = ?1",
                [task],
                |r| r.get(0),
            )?)
        })
        .ok()
}

/// `follow_up_list`: the worklist (今日到期 / 已逾期 / 即将到期) with counts, by member and by
/// owner; `mine` is the logged-in staff member's own members.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct FollowUpList {
    #[serde(default)]
    pub member_id: Option<MemberId>,
    /// Members owned by this staff member (`member.owner_staff_id`).
    #[serde(default)]
    pub owner: Option<StaffId>,
    /// "我的会员": members owned by the logged-in staff member (wins over `owner`).
    #[serde(default)]
    pub mine: bool,
}

impl Command for FollowUpList {
    const NAME: &'static str = "follow_up_list";
    const ROLES: &'static [Role] = &[];
    type Output = Worklist;
    fn run(self, ctx: &Ctx<'_>) -> Result<Worklist> {
        let me = pharmacist_access(ctx, Self::NAME, self.member_id)?;
        let filter = WorklistFilter {
            member_id: self.member_id,
            owner: if self.mine { Some(me) } else { self.owner },
        };
        ctx.store.read(|c| {
            let today = crate::business_day::of(c, ctx.store.clock().now())?;
            follow_up::worklist(c, today, &filter)
        })
    }
}

/// `follow_up_get`: one task with the member's medicines, allergies, conditions and guidance on
/// one screen (the health read is logged).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct FollowUpGet {
    pub task_id: FollowUpId,
}

impl Command for FollowUpGet {
    const NAME: &'static str = "follow_up_get";
    const ROLES: &'static [Role] = &[];
    type Output = TaskDetail;
    fn run(self, ctx: &Ctx<'_>) -> Result<TaskDetail> {
        let me = pharmacist_access(ctx, Self::NAME, member_of(ctx, self.task_id))?;
        ctx.store.write(|tx| follow_up::open(tx, me, self.task_id))
    }
}

/// `follow_up_complete`: records the outcome and schedules the next visit (or none).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct FollowUpComplete {
    pub task_id: FollowUpId,
    pub outcome: OutcomeInput,
}

impl Command for FollowUpComplete {
    const NAME: &'static str = "follow_up_complete";
    const ROLES: &'static [Role] = &[];
    type Output = TaskDetail;
    fn run(self, ctx: &Ctx<'_>) -> Result<TaskDetail> {
        let me = pharmacist_access(ctx, Self::NAME, member_of(ctx, self.task_id))?;
        ctx.store
            .write(|tx| follow_up::complete(tx, me, self.task_id, &self.outcome))
    }
}

/// `member_health_view`: allergies, conditions, long-term medicines, drugs bought, guidance given
/// and follow-up history in one place (every read logged like `member_health_get`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthViewGet {
    pub member_id: MemberId,
}

impl Command for MemberHealthViewGet {
    const NAME: &'static str = "member_health_view";
    const ROLES: &'static [Role] = &[];
    type Output = MemberHealthView;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberHealthView> {
        let me = pharmacist_access(ctx, Self::NAME, Some(self.member_id))?;
        ctx.store.write(|tx| {
            crate::member::require_active(tx, self.member_id)?;
            follow_up::health_view(tx, me, self.member_id)
        })
    }
}
