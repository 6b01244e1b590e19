//! Commands of checkout: coupon and points on the cart, price overrides and the approvals typed
//! at the till, hold and recall, prescriptions, the ephedrine register, allergy warnings, payment,
//! finding sales, and returns.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Command, Ctx, SELLERS};
use crate::cart::{self, Cart};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{CouponId, LineId, SaleId};
use crate::money::Money;
use crate::pricing::Tender;
use crate::sale::{self, returns, Sale};
use crate::staff::{self, Role, StaffInfo};

/// A colleague's staff number and PIN typed at the till to approve something (a manager for a
/// price override or a return, a pharmacist for an Rx sale or an allergy warning).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    pub staff_no: String,
    pub pin: String,
}

/// Checks an approver's credentials (wrong PINs count towards the lockout like a login) and role.
pub(super) fn approve(ctx: &Ctx<'_>, a: &Approver, role: Role) -> Result<StaffInfo> {
    let s = staff::login(ctx.store, &a.staff_no, &a.pin)?;
    if !s.staff.has(role) {
        return Err(PosError::new(
            ErrorCode::ApproverNotAuthorized,
            format!(
                "{}（{}）不是{}，不能批准；请{}输入本人工号和 PIN",
                s.staff.name,
                s.staff.staff_no,
                role.label(),
                role.label()
            ),
        ));
    }
    Ok(s.staff)
}

/// `cart_set_coupon`: the coupon for this sale (`null` removes it).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetCoupon {
    pub cart_id: SaleId,
    pub coupon_id: Option<CouponId>,
}

impl Command for CartSetCoupon {
    const NAME: &'static str = "cart_set_coupon";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store
            .write(|tx| cart::set_coupon(tx, self.cart_id, self.coupon_id))
    }
}

/// `cart_set_points`: points the member wants to redeem (pricing caps it and shows the cap).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetPoints {
    pub cart_id: SaleId,
    #[ts(type = "number")]
    pub points: i64,
}

impl Command for CartSetPoints {
    const NAME: &'static str = "cart_set_points";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store
            .write(|tx| cart::set_points(tx, self.cart_id, self.points))
    }
}

/// `cart_override_price`: a manager's unit price for a line, approved with the manager's PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartOverridePrice {
    pub cart_id: SaleId,
    pub line_id: LineId,
    /// `null` restores the catalog price.
    pub unit_price: Option<Money>,
    pub reason: String,
    pub manager: Approver,
}

impl Command for CartOverridePrice {
    const NAME: &'static str = "cart_override_price";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.read(|c| cart::require_open(c, self.cart_id))?;
        let manager = approve(ctx, &self.manager, Role::Manager)?;
        ctx.store.write(|tx| {
            cart::override_price(
                tx,
                self.cart_id,
                self.line_id,
                self.unit_price,
                &self.reason,
                manager.id,
            )
        })
    }
}

/// `cart_set_guidance`: the pharmacist's 用药指导 for a line (printed on the receipt).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetGuidance {
    pub cart_id: SaleId,
    pub line_id: LineId,
    pub guidance: String,
}

impl Command for CartSetGuidance {
    const NAME: &'static str = "cart_set_guidance";
    const ROLES: &'static [Role] = &[Role::Pharmacist];
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store
            .write(|tx| cart::set_guidance(tx, self.cart_id, self.line_id, &self.guidance))
    }
}

/// `cart_hold`: 挂单 — puts the sale aside; the next `cart_open` starts a new one.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartHold {
    pub cart_id: SaleId,
}

impl Command for CartHold {
    const NAME: &'static str = "cart_hold";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.write(|tx| cart::hold(tx, self.cart_id))
    }
}

/// `cart_cancel`: 作废 — cancels the sale being rung up (open or held) with a written reason;
/// the journal lists it with who and why. Audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartCancel {
    pub cart_id: SaleId,
    pub reason: String,
}

impl Command for CartCancel {
    const NAME: &'static str = "cart_cancel";
    const ROLES: &'static [Role] = SELLERS;
    type Output = ();
    fn run(self, ctx: &Ctx<'_>) -> Result<()> {
        let me = ctx.my_id()?;
        ctx.store
            .write(|tx| cart::cancel(tx, self.cart_id, me, &self.reason))
    }
}

/// `journal_search`: 销售流水 — past sales, returns and cancelled sales, newest first.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct JournalSearch {
    #[serde(default)]
    pub filter: crate::sale::journal::JournalFilter,
}

impl Command for JournalSearch {
    const NAME: &'static str = "journal_search";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<crate::sale::journal::JournalRow>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<crate::sale::journal::JournalRow>> {
        let mut filter = self.filter;
        ctx.store.report(|c| {
            let today = crate::business_day::of(c, ctx.store.clock().now())?;
            crate::sale::journal::resolve_member(c, &mut filter, today)?;
            crate::sale::journal::search(c, &filter)
        })
    }
}

/// `cart_held_list`: the held sales at this till.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartHeldList {}

impl Command for CartHeldList {
    const NAME: &'static str = "cart_held_list";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<cart::HeldCart>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<cart::HeldCart>> {
        ctx.store.read(cart::held)
    }
}

/// `cart_recall`: 取单 — reopens a held sale (the current one is held first if it has lines).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartRecall {
    pub cart_id: SaleId,
}

impl Command for CartRecall {
    const NAME: &'static str = "cart_recall";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| cart::recall(tx, self.cart_id, me))
    }
}

/// `cart_set_prescription`: the prescription for the Rx lines (replacing one needs a new approval).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetPrescription {
    pub cart_id: SaleId,
    pub prescription: cart::PrescriptionInput,
}

impl Command for CartSetPrescription {
    const NAME: &'static str = "cart_set_prescription";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.my_id()?;
        ctx.store
            .write(|tx| cart::set_prescription(tx, self.cart_id, self.prescription, me))
    }
}

/// `cart_approve_rx`: a pharmacist approves the Rx lines with their own staff number and PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartApproveRx {
    pub cart_id: SaleId,
    pub pharmacist: Approver,
}

impl Command for CartApproveRx {
    const NAME: &'static str = "cart_approve_rx";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.read(|c| cart::require_open(c, self.cart_id))?;
        let pharmacist = approve(ctx, &self.pharmacist, Role::Pharmacist)?;
        ctx.store
            .write(|tx| cart::approve_rx(tx, self.cart_id, pharmacist.id))
    }
}

/// `cart_set_ephedrine_buyer`: the buyer's name and resident ID number for the register.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetEphedrineBuyer {
    pub cart_id: SaleId,
    pub buyer_name: String,
    pub id_number: String,
}

impl Command for CartSetEphedrineBuyer {
    const NAME: &'static str = "cart_set_ephedrine_buyer";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            cart::set_ephedrine_buyer(tx, self.cart_id, &self.buyer_name, &self.id_number, me)
        })
    }
}

/// `cart_ack_allergy`: a pharmacist acknowledges a line's allergy warning with their own PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartAckAllergy {
    pub cart_id: SaleId,
    pub line_id: LineId,
    pub pharmacist: Approver,
}

impl Command for CartAckAllergy {
    const NAME: &'static str = "cart_ack_allergy";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.read(|c| cart::require_open(c, self.cart_id))?;
        let pharmacist = approve(ctx, &self.pharmacist, Role::Pharmacist)?;
        ctx.store
            .write(|tx| cart::acknowledge_allergy(tx, self.cart_id, self.line_id, pharmacist.id))
    }
}

/// `sale_pay`: checks the gates and the tenders and commits the sale in one transaction.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SalePay {
    pub cart_id: SaleId,
    pub tenders: Vec<Tender>,
}

impl Command for SalePay {
    const NAME: &'static str = "sale_pay";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Sale;
    fn run(self, ctx: &Ctx<'_>) -> Result<Sale> {
        let me = ctx.my_id()?;
        ctx.store
            .write(|tx| sale::pay(tx, self.cart_id, &self.tenders, me))
    }
}

/// `sale_get`: a committed sale by id.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SaleGet {
    pub sale_id: SaleId,
}

impl Command for SaleGet {
    const NAME: &'static str = "sale_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Sale;
    fn run(self, ctx: &Ctx<'_>) -> Result<Sale> {
        ctx.store.read(|c| sale::get(c, self.sale_id))
    }
}

/// `sale_find`: a committed sale by its receipt number (scanned from the receipt's code).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SaleFind {
    pub receipt_no: String,
}

impl Command for SaleFind {
    const NAME: &'static str = "sale_find";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Sale;
    fn run(self, ctx: &Ctx<'_>) -> Result<Sale> {
        ctx.store.read(|c| {
            let id = sale::by_receipt_no(c, &self.receipt_no)?;
            sale::get(c, id)
        })
    }
}

/// `return_create`: a return of quality-problem goods, approved by a manager's PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnCreate {
    /// From `return_open`: the same id twice records one return.
    pub return_id: SaleId,
    pub sale_id: SaleId,
    pub lines: Vec<returns::ReturnLineInput>,
    pub reason: returns::ReturnReason,
    #[serde(default)]
    pub note: String,
    pub manager: Approver,
}

impl Command for ReturnCreate {
    const NAME: &'static str = "return_create";
    const ROLES: &'static [Role] = SELLERS;
    type Output = returns::SaleReturn;
    fn run(self, ctx: &Ctx<'_>) -> Result<returns::SaleReturn> {
        let me = ctx.my_id()?;
        if self.return_id.0.get_version_num() != 7 {
            return Err(PosError::new(
                ErrorCode::BadRequest,
                "退货编号无效：请重新查找小票后再办理",
            ));
        }
        // A retried request is answered before the PIN is checked again.
        ctx.store.read(|c| {
            returns::check_not_recorded(c, self.return_id)?;
            sale::get(c, self.sale_id).map(drop)
        })?;
        let manager = approve(ctx, &self.manager, Role::Manager)?;
        ctx.store.write(|tx| {
            returns::create(
                tx,
                self.return_id,
                self.sale_id,
                &self.lines,
                self.reason,
                &self.note,
                manager.id,
                me,
            )
        })
    }
}

/// `return_open`: a new return id (UUIDv7), taken when the returns screen opens a sale; `return_create`
/// with it records the return once, however often the request is sent.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnOpen {}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReturnTicket {
    pub return_id: SaleId,
}

impl Command for ReturnOpen {
    const NAME: &'static str = "return_open";
    const ROLES: &'static [Role] = SELLERS;
    type Output = ReturnTicket;
    fn run(self, ctx: &Ctx<'_>) -> Result<ReturnTicket> {
        Ok(ReturnTicket {
            return_id: SaleId::new(ctx.store.clock()),
        })
    }
}

/// `return_preview`: what a return of these lines would refund, per line and per tender, and the
/// points it would take back and give back; nothing is written. The returns screen shows it
/// before the manager approves.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnPreviewArgs {
    pub sale_id: SaleId,
    pub lines: Vec<returns::ReturnLineInput>,
}

impl Command for ReturnPreviewArgs {
    const NAME: &'static str = "return_preview";
    const ROLES: &'static [Role] = SELLERS;
    type Output = returns::ReturnPreview;
    fn run(self, ctx: &Ctx<'_>) -> Result<returns::ReturnPreview> {
        ctx.store.read(|c| {
            let s = sale::get(c, self.sale_id)?;
            returns::preview(c, &s, &self.lines)
        })
    }
}

/// `return_get`: a return by id.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnGet {
    pub return_id: SaleId,
}

impl Command for ReturnGet {
    const NAME: &'static str = "return_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = returns::SaleReturn;
    fn run(self, ctx: &Ctx<'_>) -> Result<returns::SaleReturn> {
        ctx.store.read(|c| returns::get(c, self.return_id))
    }
}
