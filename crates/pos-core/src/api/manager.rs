//! Commands of the store manager's day: shifts (交班) with the blind count, the day close (日结),
//! the start of the business day, and the audit log.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Command, Ctx};
use crate::audit::{self, AuditEntry, AuditFilter, AuditVerification};
use crate::business_day::{self, DaySettings};
use crate::day_close::{self, DayReport};
use crate::error::{ErrorCode, PosError, Result};
use crate::money::Money;
use crate::shift::{self, CountLine, HandoverSlip, Shift};
use crate::staff::Role;

/// Only the shift's own cashier or a manager moves its cash or counts it.
fn require_shift_owner(ctx: &Ctx<'_>) -> Result<()> {
    let me = ctx.me()?;
    if me.staff.has(Role::Manager) {
        return Ok(());
    }
    if let Some(s) = ctx.store.read(shift::current)? {
        if s.cashier_id != me.staff.id {
            return Err(PosError::new(
                ErrorCode::Forbidden,
                format!(
                    "这是 {} 的班次，请由 {} 本人或店长存取现金、交班",
                    s.cashier_name, s.cashier_name
                ),
            ));
        }
    }
    Ok(())
}

/// `shift_current`: the shift open at this till, if any (never the expected cash: the count is blind).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ShiftCurrentGet {}

impl Command for ShiftCurrentGet {
    const NAME: &'static str = "shift_current";
    const ROLES: &'static [Role] = &[];
    type Output = Option<Shift>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Option<Shift>> {
        ctx.store.read(shift::current)
    }
}

/// `shift_open`: opens this till for the logged-in cashier with a float (备用金), e.g. `"500"`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ShiftOpen {
    pub float: Money,
}

impl Command for ShiftOpen {
    const NAME: &'static str = "shift_open";
    const ROLES: &'static [Role] = &[Role::Cashier, Role::Manager];
    type Output = Shift;
    fn run(self, ctx: &Ctx<'_>) -> Result<Shift> {
        let float = self.float;
        let me = ctx.my_id()?;
        ctx.store.write(|tx| shift::open(tx, me, float))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CashDirection {
    /// 存入: change brought in, a float top-up.
    In,
    /// 取出: a bank drop, a petty expense.
    Out,
}

/// `shift_cash_move`: cash put into or taken out of the drawer, with the reason.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ShiftCashMove {
    pub direction: CashDirection,
    pub amount: Money,
    pub reason: String,
}

impl Command for ShiftCashMove {
    const NAME: &'static str = "shift_cash_move";
    const ROLES: &'static [Role] = &[Role::Cashier, Role::Manager];
    type Output = Shift;
    fn run(self, ctx: &Ctx<'_>) -> Result<Shift> {
        let amount = self.amount;
        require_shift_owner(ctx)?;
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            shift::move_cash(
                tx,
                me,
                self.direction == CashDirection::In,
                amount,
                &self.reason,
            )?;
            shift::current(tx)?.ok_or_else(|| PosError::storage("班次写入后读不到"))
        })
    }
}

/// `shift_close`: closes the open shift with the blind count by denomination; answers the
/// handover slip (交班单) with cash expected, counted and over/short.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ShiftClose {
    pub count: Vec<CountLine>,
}

impl Command for ShiftClose {
    const NAME: &'static str = "shift_close";
    const ROLES: &'static [Role] = &[Role::Cashier, Role::Manager];
    type Output = HandoverSlip;
    fn run(self, ctx: &Ctx<'_>) -> Result<HandoverSlip> {
        require_shift_owner(ctx)?;
        let me = ctx.my_id()?;
        ctx.store.write(|tx| shift::close(tx, me, &self.count))
    }
}

/// `shift_slip`: the handover slip of any shift (manager: it shows the expected cash).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ShiftSlipGet {
    pub shift_id: String,
}

impl Command for ShiftSlipGet {
    const NAME: &'static str = "shift_slip";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = HandoverSlip;
    fn run(self, ctx: &Ctx<'_>) -> Result<HandoverSlip> {
        ctx.store.read(|c| shift::slip(c, &self.shift_id))
    }
}

/// `day_preview`: the day-close report of a business date as it stands (default: the current
/// business day); nothing is written.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DayPreview {
    #[serde(default)]
    #[ts(optional)]
    pub business_date: Option<String>,
}

impl Command for DayPreview {
    const NAME: &'static str = "day_preview";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = DayReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<DayReport> {
        ctx.store.report(|c| {
            let date = match &self.business_date {
                Some(d) => business_day::parse_date("business_date", d)?,
                None => business_day::of(c, ctx.store.clock().now())?,
            };
            day_close::preview(c, date)
        })
    }
}

/// `day_close`: closes a business day (日结); refused when closed already, not begun, or a
/// shift is still open. After it, new sales belong to the next business day.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DayClose {
    pub business_date: String,
}

impl Command for DayClose {
    const NAME: &'static str = "day_close";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = DayReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<DayReport> {
        let date = business_day::parse_date("business_date", &self.business_date)?;
        let me = ctx.my_id()?;
        ctx.store.write(|tx| day_close::close(tx, me, date))
    }
}

/// `day_report`: a closed day's report exactly as signed (for a reprint).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DayReportGet {
    pub business_date: String,
}

impl Command for DayReportGet {
    const NAME: &'static str = "day_report";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = DayReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<DayReport> {
        let date = business_day::parse_date("business_date", &self.business_date)?;
        ctx.store.read(|c| day_close::get(c, date))?.ok_or_else(|| {
            PosError::new(
                ErrorCode::DayNotClosable,
                format!("{date} 还没有日结，没有日结单"),
            )
        })
    }
}

/// A closed day in the list of closes.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ClosedDay {
    pub business_date: String,
    #[ts(type = "number")]
    pub number: i64,
    pub closed_at: String,
}

/// `day_closed_list`: the latest closes, newest first.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DayClosedList {}

impl Command for DayClosedList {
    const NAME: &'static str = "day_closed_list";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<ClosedDay>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<ClosedDay>> {
        Ok(ctx
            .store
            .read(|c| day_close::closed_days(c, 60))?
            .into_iter()
            .map(|(business_date, number, closed_at)| ClosedDay {
                business_date,
                number,
                closed_at,
            })
            .collect())
    }
}

/// `day_settings_get`: when the business day starts.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DaySettingsGet {}

impl Command for DaySettingsGet {
    const NAME: &'static str = "day_settings_get";
    const ROLES: &'static [Role] = &[];
    type Output = DaySettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<DaySettings> {
        ctx.store.read(business_day::settings)
    }
}

/// `day_settings_update`: sets when the business day starts (manager; audited).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DaySettingsUpdate {
    pub settings: DaySettings,
}

impl Command for DaySettingsUpdate {
    const NAME: &'static str = "day_settings_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = DaySettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<DaySettings> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            let before = business_day::settings(tx)?;
            business_day::set_settings(tx, &self.settings)?;
            let after = business_day::settings(tx)?;
            audit::record(
                tx,
                Some(me),
                "settings.day",
                "day_settings",
                serde_json::json!({ "before": before.day_starts_at, "after": after.day_starts_at }),
            )?;
            Ok(after)
        })
    }
}

/// `audit_verify`: walks the audit chain; names the first entry that does not fit.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AuditVerify {}

impl Command for AuditVerify {
    const NAME: &'static str = "audit_verify";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = AuditVerification;
    fn run(self, ctx: &Ctx<'_>) -> Result<AuditVerification> {
        ctx.store.read(audit::verify)
    }
}

/// `audit_list`: the audit log with filters, newest first.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AuditList {
    #[serde(default)]
    pub filter: AuditFilter,
}

impl Command for AuditList {
    const NAME: &'static str = "audit_list";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<AuditEntry>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<AuditEntry>> {
        ctx.store.read(|c| audit::list(c, &self.filter))
    }
}
