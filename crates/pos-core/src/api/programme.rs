//! Commands of the member programme (会员运营): the analytics screen and the member list behind
//! each figure (manager), the care lists and their call and message lists (manager; whole phone
//! numbers only in exports, each audited), the contact log (any staff member), the owner's
//! worklist (each staff member their own members; a manager anyone's), and the coupon
//! campaigns (manager).

use serde::Deserialize;
use ts_rs::TS;

use super::reports::{export_bytes, file_in, save_audited, ReportExportFormat, SavedReport};
use super::{Command, Ctx, SELLERS};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{MemberId, StaffId};
use crate::member::analytics::{self, MemberListPage, MemberSet, Period, ProgrammeFigures};
use crate::member::care::{
    self, CampaignKind, CampaignRun, CareList, CareListView, ContactEntry, ContactInput,
    OwnerWorklist,
};
use crate::report_doc::ReportDoc;
use crate::staff::Role;

const MANAGER: &[Role] = &[Role::Manager];

/// `member_analytics`: the 会员分析 screen's figures; sales and new members over `from`–`to`
/// (business dates; the 30 days ending today when omitted).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberAnalytics {
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
}

fn period(ctx: &Ctx<'_>, from: &Option<String>, to: &Option<String>) -> Result<Period> {
    let today = ctx.store.clock().today();
    let default = Period::last_30_days(today);
    let parse = |field: &str, v: &Option<String>, d| match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => crate::business_day::parse_date(field, s),
        _ => Ok(d),
    };
    Period {
        from: parse("from", from, default.from)?,
        to: parse("to", to, default.to)?,
    }
    .checked()
}

impl Command for MemberAnalytics {
    const NAME: &'static str = "member_analytics";
    const ROLES: &'static [Role] = MANAGER;
    type Output = ProgrammeFigures;
    fn run(self, ctx: &Ctx<'_>) -> Result<ProgrammeFigures> {
        let p = period(ctx, &self.from, &self.to)?;
        let today = ctx.store.clock().today();
        ctx.store.report(|c| analytics::figures(c, today, p))
    }
}

/// `member_list`: a page of the members behind a figure (phones masked).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberList {
    pub set: MemberSet,
    #[serde(default)]
    #[ts(optional)]
    pub page: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub page_size: Option<u32>,
}

impl Command for MemberList {
    const NAME: &'static str = "member_list";
    const ROLES: &'static [Role] = MANAGER;
    type Output = MemberListPage;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberListPage> {
        let today = ctx.store.clock().today();
        ctx.store.report(|c| {
            analytics::list_page(
                c,
                today,
                &self.set,
                self.page.unwrap_or(0),
                self.page_size.unwrap_or(50),
            )
        })
    }
}

/// `member_list_export`: every member behind a figure as CSV or XLSX under `exports/` (phones
/// masked), audited (`member_list.export`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberListExport {
    pub set: MemberSet,
    pub format: ReportExportFormat,
}

impl Command for MemberListExport {
    const NAME: &'static str = "member_list_export";
    const ROLES: &'static [Role] = MANAGER;
    type Output = SavedReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SavedReport> {
        let today = ctx.store.clock().today();
        let rows = ctx
            .store
            .report(|c| analytics::list_all(c, today, &self.set))?;
        let pharmacy = ctx.store.read(crate::settings::get)?;
        let me = ctx.me()?;
        let doc = care::list_doc(
            pharmacy,
            &self.set.title(),
            "member-list",
            &rows,
            None,
            care::Issued {
                at: ctx.store.clock().now(),
                by: &me.staff.name,
            },
        );
        save(
            ctx,
            &doc,
            self.format,
            "member_list.export",
            rows.len(),
            false,
        )
    }
}

/// Saves `doc` under `exports/` and audits it.
fn save(
    ctx: &Ctx<'_>,
    doc: &ReportDoc,
    format: ReportExportFormat,
    action: &str,
    members: usize,
    whole_phones: bool,
) -> Result<SavedReport> {
    let (bytes, ext) = export_bytes(ctx, doc, format)?;
    let path = file_in(&ctx.api.exports_dir, doc, "export", ext);
    save_bytes(
        ctx,
        &path,
        &bytes,
        action,
        &doc.title,
        members,
        whole_phones,
    )
}

fn save_bytes(
    ctx: &Ctx<'_>,
    path: &std::path::Path,
    bytes: &[u8],
    action: &str,
    title: &str,
    members: usize,
    whole_phones: bool,
) -> Result<SavedReport> {
    save_audited(
        ctx,
        path,
        bytes,
        action,
        "member",
        serde_json::json!({ "list": title, "members": members, "whole_phones": whole_phones }),
    )
}

/// `care_list`: a care list today (members who consented to contact; phones masked).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CareListGet {
    pub list: CareList,
}

impl Command for CareListGet {
    const NAME: &'static str = "care_list";
    const ROLES: &'static [Role] = MANAGER;
    type Output = CareListView;
    fn run(self, ctx: &Ctx<'_>) -> Result<CareListView> {
        let today = ctx.store.clock().today();
        ctx.store
            .report(|c| care::care_list(c, today, self.list, None))
    }
}

/// What a care list is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CareExportKind {
    /// 电话名单: CSV or XLSX with the whole numbers, for staff to call.
    CallList,
    /// 短信名单: CSV (手机号, 姓名, 短信内容) for an SMS platform.
    MessageList,
}

/// `care_list_export`: a care list as a call list (CSV or XLSX) or a message list (CSV), whole
/// phone numbers of members who consented to contact, audited (`care_list.export`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CareListExport {
    pub list: CareList,
    pub kind: CareExportKind,
    pub format: ReportExportFormat,
}

impl Command for CareListExport {
    const NAME: &'static str = "care_list_export";
    const ROLES: &'static [Role] = MANAGER;
    type Output = SavedReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SavedReport> {
        let today = ctx.store.clock().today();
        let (view, phones, rules) = ctx.store.report(|c| {
            let view = care::care_list(c, today, self.list, None)?;
            let ids: Vec<MemberId> = view.rows.iter().map(|r| r.id).collect();
            Ok((view, care::phones(c, &ids)?, crate::rules::get(c)?))
        })?;
        let pharmacy = ctx.store.read(crate::settings::get)?;
        let me = ctx.me()?;
        let now = ctx.store.clock().now();
        match self.kind {
            CareExportKind::CallList => {
                let doc = care::list_doc(
                    pharmacy,
                    &format!("关怀电话名单：{}", view.title),
                    &format!("care-{}", self.list.slug()),
                    &view.rows,
                    Some(&phones),
                    care::Issued {
                        at: now,
                        by: &me.staff.name,
                    },
                );
                save(
                    ctx,
                    &doc,
                    self.format,
                    "care_list.export",
                    view.rows.len(),
                    true,
                )
            }
            CareExportKind::MessageList => {
                if self.format != ReportExportFormat::Csv {
                    return Err(PosError::invalid_field(
                        "format",
                        "短信名单只导出 CSV（短信平台导入用）",
                    ));
                }
                let bytes = care::message_csv(
                    &pharmacy.name,
                    self.list,
                    &view.rows,
                    &phones,
                    rules.points_per_yuan,
                )?;
                let when = now
                    .with_timezone(&crate::clock::china())
                    .format("%Y%m%d-%H%M%S");
                let path = ctx
                    .api
                    .exports_dir
                    .join(format!("sms-{}-{when}.csv", self.list.slug()));
                save_bytes(
                    ctx,
                    &path,
                    &bytes,
                    "care_list.export",
                    &format!("短信名单：{}", view.title),
                    view.rows.len(),
                    true,
                )
            }
        }
    }
}

/// `member_contact_record`: a care call or message and its answer (any staff member; only for
/// members who consented to contact).
impl Command for ContactInput {
    const NAME: &'static str = "member_contact_record";
    const ROLES: &'static [Role] = SELLERS;
    type Output = ContactEntry;
    fn run(self, ctx: &Ctx<'_>) -> Result<ContactEntry> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| care::record_contact(tx, me, &self))
    }
}

/// `member_contacts`: a member's contact log, newest first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberContacts {
    pub member_id: MemberId,
}

impl Command for MemberContacts {
    const NAME: &'static str = "member_contacts";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<ContactEntry>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<ContactEntry>> {
        ctx.store.read(|c| care::contacts(c, self.member_id))
    }
}

/// `owner_worklist`: the members a staff member owns, those with a care reason today first. Each
/// staff member sees their own; a manager may name anyone (`owner`). Whole phone numbers of
/// members who consented to contact are shown to call them: the view is audited.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OwnerWorklistGet {
    #[serde(default)]
    #[ts(optional)]
    pub owner: Option<StaffId>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl Command for OwnerWorklistGet {
    const NAME: &'static str = "owner_worklist";
    const ROLES: &'static [Role] = &[];
    type Output = OwnerWorklist;
    fn run(self, ctx: &Ctx<'_>) -> Result<OwnerWorklist> {
        let me = ctx.me()?;
        let owner = self.owner.unwrap_or(me.staff.id);
        if owner != me.staff.id && !me.staff.has(Role::Manager) {
            return Err(PosError::new(
                ErrorCode::Forbidden,
                "只能查看自己负责的会员；查看他人的名单请店长操作",
            ));
        }
        let today = ctx.store.clock().today();
        let list = ctx
            .store
            .report(|c| care::owner_worklist(c, today, owner, self.limit.unwrap_or(200)))?;
        let shown = list.members.iter().filter(|m| m.phone.is_some()).count();
        ctx.store.write(|tx| {
            crate::audit::record(
                tx,
                Some(me.staff.id),
                "owner_worklist.view",
                "member",
                serde_json::json!({ "owner": owner, "whole_phones": shown }),
            )
        })?;
        Ok(list)
    }
}

/// `campaign_run`: issues this month's birthday coupons (everyone born this month) or
/// top-spender coupons (class A and B); run again in the same period it issues nothing new.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CampaignRunCmd {
    pub kind: CampaignKind,
}

impl Command for CampaignRunCmd {
    const NAME: &'static str = "campaign_run";
    const ROLES: &'static [Role] = MANAGER;
    type Output = CampaignRun;
    fn run(self, ctx: &Ctx<'_>) -> Result<CampaignRun> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| care::run_campaign(tx, me, self.kind))
    }
}
