//! Commands of the complaints (投诉): any staff member takes one; pharmacists and managers verify,
//! resolve, call back and close it; the complainant's whole name and phone are for pharmacists
//! and managers only (each view and each refused attempt in the audit log); the manager's
//! monthly summary on screen and as CSV.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{write_file, Command, Ctx, SELLERS};
use crate::error::Result;
use crate::ids::{ComplaintId, SaleId};
use crate::member::coupon::{self, Coupon};
use crate::pharmacy::complaint::{
    self, CompensationCoupon, Complaint, ComplaintContact, ComplaintMonthlySummary, ComplaintRow,
    ComplaintStatus, NewComplaint, ResolutionKind,
};
use crate::staff::Role;

/// Who works a complaint after intake.
const HANDLERS: &[Role] = &[Role::Pharmacist, Role::Manager];

/// `complaint_log`: takes a complaint (any staff member); the complaint's page comes back.
impl Command for NewComplaint {
    const NAME: &'static str = "complaint_log";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Complaint;
    fn run(self, ctx: &Ctx<'_>) -> Result<Complaint> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            let id = complaint::log(tx, me, self)?;
            complaint::get(tx, id)
        })
    }
}

/// `complaint_list`: newest first; `status` narrows to one status.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintList {
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<ComplaintStatus>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl Command for ComplaintList {
    const NAME: &'static str = "complaint_list";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<ComplaintRow>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<ComplaintRow>> {
        ctx.store
            .read(|c| complaint::list(c, self.status, self.limit.unwrap_or(200)))
    }
}

/// `complaint_get`: the complaint's page (the complainant masked).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintGet {
    pub complaint_id: ComplaintId,
}

impl Command for ComplaintGet {
    const NAME: &'static str = "complaint_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Complaint;
    fn run(self, ctx: &Ctx<'_>) -> Result<Complaint> {
        ctx.store.read(|c| complaint::get(c, self.complaint_id))
    }
}

/// `complaint_contact`: the complainant's whole name and phone, for the call-back. Pharmacists
/// and managers (each view audited); a cashier is refused with FORBIDDEN and the attempt is
/// audited first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintContactGet {
    pub complaint_id: ComplaintId,
}

impl Command for ComplaintContactGet {
    const NAME: &'static str = "complaint_contact";
    const ROLES: &'static [Role] = &[];
    type Output = ComplaintContact;
    fn run(self, ctx: &Ctx<'_>) -> Result<ComplaintContact> {
        let me = ctx.me()?;
        let by = me.staff.id;
        let allowed = me.staff.sees_member_details();
        let subject = self.complaint_id.to_string();
        let contact = ctx.store.write(|tx| {
            // The complaint must exist for either outcome to mean anything.
            let contact = complaint::contact(tx, self.complaint_id)?;
            let action = if allowed {
                "complaint.contact_view"
            } else {
                "complaint.contact_denied"
            };
            crate::audit::record(tx, Some(by), action, &subject, serde_json::json!({}))?;
            Ok(contact)
        })?;
        if !allowed {
            return Err(complaint::contact_refused());
        }
        Ok(contact)
    }
}

/// `complaint_note`: a verification note (核实记录).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintNoteAdd {
    pub complaint_id: ComplaintId,
    pub text: String,
}

impl Command for ComplaintNoteAdd {
    const NAME: &'static str = "complaint_note";
    const ROLES: &'static [Role] = HANDLERS;
    type Output = Complaint;
    fn run(self, ctx: &Ctx<'_>) -> Result<Complaint> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            complaint::add_note(tx, me, self.complaint_id, &self.text)?;
            complaint::get(tx, self.complaint_id)
        })
    }
}

/// `complaint_resolve`: an exchange (quality problems only), an explanation or an apology.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintResolve {
    pub complaint_id: ComplaintId,
    pub kind: ResolutionKind,
    pub note: String,
}

impl Command for ComplaintResolve {
    const NAME: &'static str = "complaint_resolve";
    const ROLES: &'static [Role] = HANDLERS;
    type Output = Complaint;
    fn run(self, ctx: &Ctx<'_>) -> Result<Complaint> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            complaint::resolve(tx, me, self.complaint_id, self.kind, &self.note)?;
            complaint::get(tx, self.complaint_id)
        })
    }
}

/// `complaint_link_return`: links a return made through the return flow (退货) to the complaint.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintLinkReturn {
    pub complaint_id: ComplaintId,
    pub return_id: SaleId,
}

impl Command for ComplaintLinkReturn {
    const NAME: &'static str = "complaint_link_return";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Complaint;
    fn run(self, ctx: &Ctx<'_>) -> Result<Complaint> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            complaint::link_return(tx, me, self.complaint_id, self.return_id)?;
            complaint::get(tx, self.complaint_id)
        })
    }
}

/// `complaint_compensate`: a compensation coupon for the member who complained (manager), once
/// per complaint: a repeated request answers the coupon issued the first time.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintCompensate {
    pub complaint_id: ComplaintId,
    pub coupon: CompensationCoupon,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Compensation {
    pub complaint: Complaint,
    pub coupon: Coupon,
}

impl Command for ComplaintCompensate {
    const NAME: &'static str = "complaint_compensate";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Compensation;
    fn run(self, ctx: &Ctx<'_>) -> Result<Compensation> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            let id = complaint::compensate(tx, me, self.complaint_id, &self.coupon)?;
            Ok(Compensation {
                complaint: complaint::get(tx, self.complaint_id)?,
                coupon: coupon::get(tx, id, tx.clock.today())?,
            })
        })
    }
}

/// `complaint_callback`: sets the call-back date (`on`, `YYYY-MM-DD`), or records its result.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintCallback {
    pub complaint_id: ComplaintId,
    #[serde(default)]
    #[ts(optional)]
    pub on: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub result: Option<String>,
}

impl Command for ComplaintCallback {
    const NAME: &'static str = "complaint_callback";
    const ROLES: &'static [Role] = HANDLERS;
    type Output = Complaint;
    fn run(self, ctx: &Ctx<'_>) -> Result<Complaint> {
        let me = ctx.my_id()?;
        let on = self
            .on
            .as_deref()
            .map(|d| crate::business_day::parse_date("on", d))
            .transpose()?;
        if on.is_none() && self.result.is_none() {
            return Err(crate::PosError::invalid_field(
                "on",
                "请填写回访日期或回访结果",
            ));
        }
        ctx.store.write(|tx| {
            if let Some(on) = on {
                complaint::set_callback(tx, me, self.complaint_id, on)?;
            }
            if let Some(result) = &self.result {
                complaint::record_callback(tx, me, self.complaint_id, result)?;
            }
            complaint::get(tx, self.complaint_id)
        })
    }
}

/// `complaint_move`: the next status (处理中, 待回访, 已关闭), as the process allows.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintMove {
    pub complaint_id: ComplaintId,
    pub to: ComplaintStatus,
}

impl Command for ComplaintMove {
    const NAME: &'static str = "complaint_move";
    const ROLES: &'static [Role] = HANDLERS;
    type Output = Complaint;
    fn run(self, ctx: &Ctx<'_>) -> Result<Complaint> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            complaint::move_to(tx, me, self.complaint_id, self.to)?;
            complaint::get(tx, self.complaint_id)
        })
    }
}

/// `complaint_summary`: the month's complaints by category and status, the average days to
/// close and the open call-backs (manager). `month` is `YYYY-MM`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintSummaryGet {
    pub month: String,
}

impl Command for ComplaintSummaryGet {
    const NAME: &'static str = "complaint_summary";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = ComplaintMonthlySummary;
    fn run(self, ctx: &Ctx<'_>) -> Result<ComplaintMonthlySummary> {
        let first = complaint::parse_month(&self.month)?;
        let today = ctx.store.clock().today();
        ctx.store.read(|c| complaint::summary(c, first, today))
    }
}

/// `complaint_summary_export`: the monthly summary as a CSV file under `exports/`, audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ComplaintSummaryExport {
    pub month: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ComplaintSummaryFile {
    pub summary: ComplaintMonthlySummary,
    /// The CSV file written.
    pub path: String,
}

impl Command for ComplaintSummaryExport {
    const NAME: &'static str = "complaint_summary_export";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = ComplaintSummaryFile;
    fn run(self, ctx: &Ctx<'_>) -> Result<ComplaintSummaryFile> {
        let me = ctx.my_id()?;
        let first = complaint::parse_month(&self.month)?;
        let today = ctx.store.clock().today();
        let summary = ctx.store.read(|c| complaint::summary(c, first, today))?;
        let bytes = complaint::summary_csv(&summary)?;
        let path = ctx
            .api
            .exports_dir
            .join(format!("complaints-{}.csv", summary.month));
        write_file(&path, &bytes)?;
        ctx.store.write(|tx| {
            crate::audit::record(
                tx,
                Some(me),
                "complaint.summary_export",
                &summary.month,
                serde_json::json!({ "file": path.to_string_lossy() }),
            )
        })?;
        Ok(ComplaintSummaryFile {
            summary,
            path: path.to_string_lossy().into_owned(),
        })
    }
}
