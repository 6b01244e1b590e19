//! Commands of the members: finding and registering them, their file and its history, points,
//! coupons, purchases, the health part and consent, export and anonymization, and the membership
//! programme's rules and housekeeping.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{write_file, Command, Ctx, SELLERS};
use crate::error::{ErrorCode, PosError, Result};
use crate::housekeeping::{self, HousekeepingReport};
use crate::ids::{HealthItemId, MemberId, ProductId, StaffId};
use crate::member::consent::{self, ConsentScope};
use crate::member::coupon::{self, Coupon};
use crate::member::health::{self, HealthChoices, HealthKind, HealthRecord};
use crate::member::{
    self, points, tier, FieldEdit, MemberChanges, MemberProfile, MemberSummary, NewMember,
    Registration,
};
use crate::money::Money;
use crate::rules::{self, BusinessRules};
use crate::staff::Role;

/// `member_find`: full phone, last 4 digits, card number, name or pinyin initials.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberFind {
    pub query: String,
}

impl Command for MemberFind {
    const NAME: &'static str = "member_find";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<MemberSummary>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<MemberSummary>> {
        let today = ctx.store.clock().today();
        ctx.store.read(|c| member::find(c, &self.query, today))
    }
}

/// `member_register`: phone + name + basic consent are enough. A phone that is registered
/// already returns that member (`created: false`) instead of a duplicate.
impl Command for NewMember {
    const NAME: &'static str = "member_register";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Registration;
    fn run(self, ctx: &Ctx<'_>) -> Result<Registration> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| member::register(tx, me, self))
    }
}

fn profile_for(ctx: &Ctx<'_>, c: &rusqlite::Connection, id: MemberId) -> Result<MemberProfile> {
    let show = ctx.me()?.staff.sees_member_details();
    member::profile(c, id, ctx.store.clock().today(), show)
}

/// Records that `ctx`'s staff member was shown this member's whole phone number (pharmacists
/// and managers see it; cashiers see it masked).
fn audit_full_phone_view(ctx: &Ctx<'_>, id: MemberId) -> Result<()> {
    let me = ctx.me()?;
    if me.staff.sees_member_details() {
        let by = me.staff.id;
        ctx.store.write(|tx| {
            crate::audit::record(
                tx,
                Some(by),
                "member.full_phone_view",
                &id.to_string(),
                serde_json::json!({}),
            )
        })?;
    }
    Ok(())
}

/// `member_get`: the member's basic file for the profile screen.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberGet {
    pub member_id: MemberId,
}

impl Command for MemberGet {
    const NAME: &'static str = "member_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = MemberProfile;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberProfile> {
        let profile = ctx.store.read(|c| profile_for(ctx, c, self.member_id))?;
        audit_full_phone_view(ctx, self.member_id)?;
        Ok(profile)
    }
}

/// `member_update`: field edits, each kept in the history (who, when, old → new).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberUpdate {
    pub member_id: MemberId,
    pub changes: MemberChanges,
}

impl Command for MemberUpdate {
    const NAME: &'static str = "member_update";
    const ROLES: &'static [Role] = SELLERS;
    type Output = MemberProfile;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberProfile> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            member::update(tx, me, self.member_id, self.changes)?;
            profile_for(ctx, tx, self.member_id)
        })
    }
}

/// `member_confirm`: the member confirmed at the counter that the phone on file is right.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberConfirm {
    pub member_id: MemberId,
}

impl Command for MemberConfirm {
    const NAME: &'static str = "member_confirm";
    const ROLES: &'static [Role] = SELLERS;
    type Output = MemberSummary;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberSummary> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            member::confirm(tx, me, self.member_id)?;
            member::summary(tx, self.member_id, tx.clock.today())
        })
    }
}

/// `member_edits`: the edit history of the member file, newest first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberEdits {
    pub member_id: MemberId,
}

impl Command for MemberEdits {
    const NAME: &'static str = "member_edits";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<FieldEdit>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<FieldEdit>> {
        let show = ctx.me()?.staff.sees_member_details();
        ctx.store
            .read(|c| member::field_history(c, self.member_id, show))
    }
}

/// `member_points`: the points ledger, newest first, with the balance after each entry.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberPoints {
    pub member_id: MemberId,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl Command for MemberPoints {
    const NAME: &'static str = "member_points";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<points::PointsEntry>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<points::PointsEntry>> {
        ctx.store
            .read(|c| points::history(c, self.member_id, self.limit.unwrap_or(200)))
    }
}

/// `member_coupons`: every coupon of the member with its status, newest first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberCoupons {
    pub member_id: MemberId,
}

impl Command for MemberCoupons {
    const NAME: &'static str = "member_coupons";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<Coupon>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<Coupon>> {
        let today = ctx.store.clock().today();
        ctx.store.read(|c| coupon::all_of(c, self.member_id, today))
    }
}

/// `member_purchases`: the member's sales and returns (net), newest first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberPurchases {
    pub member_id: MemberId,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl Command for MemberPurchases {
    const NAME: &'static str = "member_purchases";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<tier::SpendRecord>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<tier::SpendRecord>> {
        ctx.store
            .read(|c| tier::purchases(c, self.member_id, self.limit.unwrap_or(200)))
    }
}

/// The health part is for pharmacists and managers; a refused attempt is logged, then refused.
fn health_access(ctx: &Ctx<'_>, member: MemberId) -> Result<StaffId> {
    let me = ctx.me()?;
    if !me.staff.sees_member_details() {
        let id = me.staff.id;
        ctx.store
            .write(|tx| health::log_access(tx, id, member, "denied", None))?;
        return Err(health::refused());
    }
    Ok(me.staff.id)
}

/// `member_health_get`: the health part (pharmacist or manager; every read is logged).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthGet {
    pub member_id: MemberId,
}

impl Command for MemberHealthGet {
    const NAME: &'static str = "member_health_get";
    const ROLES: &'static [Role] = &[];
    type Output = HealthRecord;
    fn run(self, ctx: &Ctx<'_>) -> Result<HealthRecord> {
        let me = health_access(ctx, self.member_id)?;
        ctx.store.write(|tx| {
            member::summary(tx, self.member_id, tx.clock.today())?;
            health::read(tx, me, self.member_id)
        })
    }
}

/// `member_health_add`: records an allergy, condition, medicine or special group.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthAdd {
    pub member_id: MemberId,
    pub kind: HealthKind,
    /// A class from `health_choices`, or `other` with a note.
    pub code: String,
    #[serde(default)]
    pub note: String,
}

impl Command for MemberHealthAdd {
    const NAME: &'static str = "member_health_add";
    const ROLES: &'static [Role] = &[];
    type Output = HealthRecord;
    fn run(self, ctx: &Ctx<'_>) -> Result<HealthRecord> {
        let me = health_access(ctx, self.member_id)?;
        ctx.store.write(|tx| {
            member::require_active(tx, self.member_id)?;
            health::add(tx, me, self.member_id, self.kind, &self.code, &self.note)?;
            health::read(tx, me, self.member_id)
        })
    }
}

/// `member_health_remove`: removes an item explicitly (kept with who removed it).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthRemove {
    pub member_id: MemberId,
    pub item_id: HealthItemId,
}

impl Command for MemberHealthRemove {
    const NAME: &'static str = "member_health_remove";
    const ROLES: &'static [Role] = &[];
    type Output = HealthRecord;
    fn run(self, ctx: &Ctx<'_>) -> Result<HealthRecord> {
        let me = health_access(ctx, self.member_id)?;
        ctx.store.write(|tx| {
            let owner = health::remove(tx, me, self.item_id)?;
            if owner != self.member_id {
                return Err(PosError::new(
                    ErrorCode::HealthItemNotFound,
                    "这条健康信息不属于该会员，请刷新",
                ));
            }
            health::read(tx, me, self.member_id)
        })
    }
}

/// `member_health_log`: who read or changed the member's health part (manager).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthLog {
    pub member_id: MemberId,
}

impl Command for MemberHealthLog {
    const NAME: &'static str = "member_health_log";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<health::AccessLogLine>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<health::AccessLogLine>> {
        ctx.store.read(|c| health::access_log(c, self.member_id))
    }
}

/// `health_choices`: the controlled lists (allergen classes, conditions, groups).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HealthChoicesGet {}

impl Command for HealthChoicesGet {
    const NAME: &'static str = "health_choices";
    const ROLES: &'static [Role] = &[];
    type Output = HealthChoices;
    fn run(self, _ctx: &Ctx<'_>) -> Result<HealthChoices> {
        Ok(health::choices())
    }
}

/// `member_consent`: records a grant or withdrawal of health or contact consent (or a renewed
/// basic grant).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberConsent {
    pub member_id: MemberId,
    pub scope: ConsentScope,
    pub grant: bool,
    #[serde(default)]
    #[ts(optional)]
    pub notice_version: Option<String>,
}

impl Command for MemberConsent {
    const NAME: &'static str = "member_consent";
    const ROLES: &'static [Role] = SELLERS;
    type Output = MemberProfile;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberProfile> {
        let me = ctx.my_id()?;
        let notice = self
            .notice_version
            .unwrap_or_else(|| consent::CURRENT_NOTICE.to_owned());
        ctx.store.write(|tx| {
            member::require_active(tx, self.member_id)?;
            consent::record(tx, self.member_id, self.scope, self.grant, &notice, me)?;
            profile_for(ctx, tx, self.member_id)
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Pdf,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportedFile {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// `member_export`: the member's own data as JSON or PDF, written to the exports folder
/// (pharmacist or manager; the health part's read is logged).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberExportFile {
    pub member_id: MemberId,
    pub format: ExportFormat,
}

impl Command for MemberExportFile {
    const NAME: &'static str = "member_export";
    const ROLES: &'static [Role] = &[Role::Pharmacist, Role::Manager];
    type Output = ExportedFile;
    fn run(self, ctx: &Ctx<'_>) -> Result<ExportedFile> {
        let me = ctx.my_id()?;
        let export = ctx.store.write(|tx| {
            member::require_active(tx, self.member_id)?;
            crate::audit::record(
                tx,
                Some(me),
                "member.export",
                &self.member_id.to_string(),
                serde_json::json!({ "format": format!("{:?}", self.format) }),
            )?;
            member::export::gather(tx, me, self.member_id, tx.clock.today())
        })?;
        let (bytes, ext) = match self.format {
            ExportFormat::Json => (
                serde_json::to_vec_pretty(&export).map_err(PosError::storage)?,
                "json",
            ),
            ExportFormat::Pdf => (ctx.api.renderer.member_export_pdf(&export)?, "pdf"),
        };
        let when = ctx.store.clock().now().format("%Y%m%d-%H%M%S");
        let path = ctx.api.exports_dir.join(format!(
            "member-{}-{when}.{ext}",
            export.profile.summary.card_no
        ));
        write_file(&path, &bytes)?;
        Ok(ExportedFile {
            path: path.to_string_lossy().into_owned(),
            bytes: bytes.len() as u64,
        })
    }
}

/// `member_anonymize`: erases the member's personal data on request (manager, with a reason).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberAnonymize {
    pub member_id: MemberId,
    pub reason: String,
}

impl Command for MemberAnonymize {
    const NAME: &'static str = "member_anonymize";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = MemberSummary;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberSummary> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            member::anonymize(tx, me, self.member_id, &self.reason)?;
            member::summary(tx, self.member_id, tx.clock.today())
        })
    }
}

/// `member_transfer_owner`: hands every member a staff member owns to a colleague (manager).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberTransferOwner {
    pub from_staff_id: StaffId,
    pub to_staff_id: StaffId,
}

impl Command for MemberTransferOwner {
    const NAME: &'static str = "member_transfer_owner";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = u32;
    fn run(self, ctx: &Ctx<'_>) -> Result<u32> {
        let me = ctx.my_id()?;
        ctx.store
            .write(|tx| member::transfer_owner(tx, me, self.from_staff_id, self.to_staff_id))
    }
}

/// `points_adjust`: a manager's correction of a member's points, with a reason.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PointsAdjust {
    pub member_id: MemberId,
    /// Positive adds, negative takes away.
    #[ts(type = "number")]
    pub points: i64,
    pub reason: String,
}

impl Command for PointsAdjust {
    const NAME: &'static str = "points_adjust";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = MemberSummary;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberSummary> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            member::require_active(tx, self.member_id)?;
            points::adjust(tx, self.member_id, self.points, &self.reason, me)?;
            member::summary(tx, self.member_id, tx.clock.today())
        })
    }
}

/// `coupon_issue`: a manager gives a member a coupon by hand, with a reason.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CouponIssue {
    pub member_id: MemberId,
    /// A fixed coupon's amount off; 0.00 for a percent coupon.
    pub face: Money,
    pub min_spend: Money,
    pub valid_days: u32,
    pub reason: String,
    /// A percent coupon: the percent off, 1–99 (10 = 9 折). Absent = a fixed amount.
    #[serde(default)]
    #[ts(optional)]
    pub percent: Option<u32>,
    /// A percent coupon's cap (the most it takes off). Absent = no cap.
    #[serde(default)]
    #[ts(optional)]
    pub cap: Option<Money>,
    /// Limit the coupon to these products. Absent or empty (with no categories) = all
    /// discount-eligible lines.
    #[serde(default)]
    #[ts(optional)]
    pub products: Option<Vec<ProductId>>,
    /// The same by barcode, as a manager types them: each is looked up in the catalog; one that
    /// is not there (or not a barcode) is refused naming it, with `details.field = "products"`.
    #[serde(default)]
    #[ts(optional)]
    pub product_barcodes: Option<Vec<String>>,
    /// Limit the coupon to these catalog categories (e.g. 感冒类).
    #[serde(default)]
    #[ts(optional)]
    pub categories: Option<Vec<String>>,
}

impl Command for CouponIssue {
    const NAME: &'static str = "coupon_issue";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Coupon;
    fn run(self, ctx: &Ctx<'_>) -> Result<Coupon> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            let mut products = self.products.clone().unwrap_or_default();
            for code in self.product_barcodes.iter().flatten() {
                let p = crate::catalog::by_barcode(tx, code).map_err(|mut e| {
                    if !e.message.contains(code.trim()) {
                        e.message = format!("限定商品条码 {}：{}", code.trim(), e.message);
                    }
                    e.with_details(serde_json::json!({ "field": "products" }))
                })?;
                if !products.contains(&p.id) {
                    products.push(p.id);
                }
            }
            let options = coupon::CouponOptions {
                percent: self.percent,
                cap: self.cap,
                products,
                categories: self.categories.clone().unwrap_or_default(),
            };
            coupon::issue_manual(
                tx,
                self.member_id,
                self.face,
                self.min_spend,
                &options,
                self.valid_days,
                &self.reason,
                me,
            )
        })
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TopSpenderIssue {
    /// Members in class A (top 5 % by 12-month spend) and B (the next 15 %).
    pub class_a: u32,
    pub class_b: u32,
    /// Coupons issued now (members who had this month's already are skipped).
    pub issued: u32,
}

/// `coupons_issue_top_spenders`: this month's coupon for class A and B members (manager).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CouponsIssueTopSpenders {}

impl Command for CouponsIssueTopSpenders {
    const NAME: &'static str = "coupons_issue_top_spenders";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = TopSpenderIssue;
    fn run(self, ctx: &Ctx<'_>) -> Result<TopSpenderIssue> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            let (a, b, issued) = coupon::issue_top_spenders(tx, me)?;
            Ok(TopSpenderIssue {
                class_a: a,
                class_b: b,
                issued,
            })
        })
    }
}

/// `rules_get`: the business rules in force (defaults of PRODUCT.md §4 unless changed).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RulesGet {}

impl Command for RulesGet {
    const NAME: &'static str = "rules_get";
    const ROLES: &'static [Role] = &[];
    type Output = BusinessRules;
    fn run(self, ctx: &Ctx<'_>) -> Result<BusinessRules> {
        ctx.store.read(rules::get)
    }
}

/// `rules_preview`: what saving these rules would do — members per tier, example baskets, the
/// next member days, the points' value — before anything is saved (manager).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RulesPreviewArgs {
    pub rules: BusinessRules,
}

impl Command for RulesPreviewArgs {
    const NAME: &'static str = "rules_preview";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = crate::rules_preview::RulesPreview;
    fn run(self, ctx: &Ctx<'_>) -> Result<crate::rules_preview::RulesPreview> {
        let proposed = self.rules.validated()?;
        ctx.store.report(|c| {
            let now = rules::get(c)?;
            let today = crate::business_day::of(c, ctx.store.clock().now())?;
            crate::rules_preview::preview(c, &now, &proposed, today)
        })
    }
}

/// `rules_update`: a manager changes the business rules.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RulesUpdate {
    pub rules: BusinessRules,
}

impl Command for RulesUpdate {
    const NAME: &'static str = "rules_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = BusinessRules;
    fn run(self, ctx: &Ctx<'_>) -> Result<BusinessRules> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| rules::update(tx, me, self.rules))
    }
}

/// `housekeeping_run`: points expiry, nightly tier recompute, birthday coupons (idempotent).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HousekeepingRun {}

impl Command for HousekeepingRun {
    const NAME: &'static str = "housekeeping_run";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = HousekeepingReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<HousekeepingReport> {
        housekeeping::run(ctx.store)
    }
}
