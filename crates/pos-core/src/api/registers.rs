//! Commands of the prescription register (处方登记) and the ephedrine register (含麻黄碱类复方制剂
//! 登记): what the counter adds to a prescription (the patient, an image from a file or the
//! scanner folder), what the pharmacist reviews before approving it, and the registers searched,
//! printed (A4, for an inspector) and exported (CSV, XLSX).
//!
//! The registers are for pharmacists and managers: a cashier is refused with
//! `REGISTER_FORBIDDEN` and the attempt is written to the audit log (`register.denied`), like a
//! refused look at a member's health part. Lists show ID numbers masked; a whole number is shown
//! on an explicit reveal of one line (`ephedrine.reveal`), and printed or exported registers
//! carry whole numbers (`report.print` / `register.export`): each is one audit entry.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::reports::{export_bytes, file_in, print, save_audited, ReportExportFormat, SavedReport};
use super::{Command, Ctx, SELLERS};
use crate::cart::{self, Cart};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{SaleId, StaffId};
use crate::pharmacy::registers::{
    self as reg, EphedrineFilter, EphedrinePage, Issued, PrescriptionFilter, PrescriptionPage,
    RegisterSettings, RxPatient, RxReview, ScannedImage,
};
use crate::report_doc::{ReportDoc, ReportPaper};
use crate::staff::Role;

/// Which register a refused or exported access was about.
const PRESCRIPTIONS: &str = "prescription";
const EPHEDRINE: &str = "ephedrine";

/// Pharmacists and managers only; a refusal is audited.
fn register_access(ctx: &Ctx<'_>, register: &str) -> Result<StaffId> {
    let me = ctx.me()?;
    if !me.staff.sees_member_details() {
        let id = me.staff.id;
        ctx.store.write(|tx| {
            crate::audit::record(
                tx,
                Some(id),
                "register.denied",
                register,
                serde_json::json!({ "staff_no": me.staff.staff_no }),
            )
        })?;
        return Err(PosError::new(
            ErrorCode::RegisterForbidden,
            "处方登记和含麻黄碱类复方制剂登记仅药师或店长可查看，请药师协助",
        )
        .with_details(serde_json::json!({ "register": register })));
    }
    Ok(me.staff.id)
}

fn issued<'a>(ctx: &'a Ctx<'_>, export: bool) -> Result<Issued<'a>> {
    Ok(Issued {
        at: ctx.store.clock().now(),
        by: &ctx.me()?.staff.name,
        export,
    })
}

/// The ephedrine register of `filter` as a report document (printed or exported), and how many
/// lines it holds.
fn ephedrine_doc(
    ctx: &Ctx<'_>,
    filter: &EphedrineFilter,
    export: bool,
) -> Result<(crate::report_doc::ReportDoc, usize)> {
    let (lines, settings) = ctx
        .store
        .report(|c| Ok((reg::ephedrine_lines(c, filter)?, reg::settings(c)?)))?;
    let pharmacy = ctx.store.read(crate::settings::get)?;
    let doc = reg::ephedrine_doc(pharmacy, filter, &lines, &settings, issued(ctx, export)?);
    Ok((doc, lines.len()))
}

/// `cart_set_rx_patient`: the patient of the cart's prescription (name, sex, age).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetRxPatient {
    pub cart_id: SaleId,
    pub patient: RxPatient,
}

impl Command for CartSetRxPatient {
    const NAME: &'static str = "cart_set_rx_patient";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.write(|tx| {
            reg::set_patient(tx, self.cart_id, &self.patient)?;
            cart::get(tx, self.cart_id, tx.clock.today())
        })
    }
}

/// `cart_attach_rx_image`: an image of the prescription (a file, or one from the scanner
/// folder), checked and copied to `prescriptions/<sale id>.<ext>` beside the store file.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartAttachRxImage {
    pub cart_id: SaleId,
    /// The image on this machine.
    pub source_path: String,
}

impl Command for CartAttachRxImage {
    const NAME: &'static str = "cart_attach_rx_image";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.read(|c| {
            cart::require_open(c, self.cart_id)?;
            let has: bool = c.query_row(
                "SELECT EXISTS (SELECT 1 FROM cart_prescription WHERE cart_id = ?1)",
                [self.cart_id],
                |r| r.get(0),
            )?;
            if has {
                Ok(())
            } else {
                Err(PosError::new(
                    ErrorCode::PrescriptionRequired,
                    "请先登记处方（医院、医师、日期、诊断），再附处方图片",
                ))
            }
        })?;
        let dir = reg::images_dir(ctx.store.path());
        let copied = reg::copy_image(
            std::path::Path::new(self.source_path.trim()),
            &dir,
            self.cart_id,
        )?;
        ctx.store.write(|tx| {
            reg::set_image(tx, self.cart_id, &copied)?;
            cart::get(tx, self.cart_id, tx.clock.today())
        })
    }
}

/// `rx_scanner_images`: the newest images in this till's scanner folder, to pick one from.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RxScannerImages {}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ScannerFolder {
    /// The folder; `null` when none is set (the till settings name it).
    pub dir: Option<String>,
    pub images: Vec<ScannedImage>,
}

impl Command for RxScannerImages {
    const NAME: &'static str = "rx_scanner_images";
    const ROLES: &'static [Role] = SELLERS;
    type Output = ScannerFolder;
    fn run(self, ctx: &Ctx<'_>) -> Result<ScannerFolder> {
        let dir = ctx.store.read(reg::settings)?.scanner_dir;
        let images = match &dir {
            Some(d) => reg::scanner_images(std::path::Path::new(d), reg::SCANNER_NEWEST)?,
            None => Vec::new(),
        };
        Ok(ScannerFolder { dir, images })
    }
}

/// `cart_rx_review`: what the pharmacist sees before approving: the patient, the
/// prescription's details, its image and the Rx lines.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartRxReview {
    pub cart_id: SaleId,
}

impl Command for CartRxReview {
    const NAME: &'static str = "cart_rx_review";
    const ROLES: &'static [Role] = SELLERS;
    type Output = RxReview;
    fn run(self, ctx: &Ctx<'_>) -> Result<RxReview> {
        ctx.store.read(|c| reg::rx_review(c, self.cart_id))
    }
}

/// `register_settings_get`: the scanner folder and the repeat-buyer rule of this till.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RegisterSettingsGet {}

impl Command for RegisterSettingsGet {
    const NAME: &'static str = "register_settings_get";
    const ROLES: &'static [Role] = &[];
    type Output = RegisterSettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<RegisterSettings> {
        ctx.store.read(reg::settings)
    }
}

/// `register_settings_update` (manager), audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RegisterSettingsUpdate {
    pub settings: RegisterSettings,
}

impl Command for RegisterSettingsUpdate {
    const NAME: &'static str = "register_settings_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = RegisterSettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<RegisterSettings> {
        let me = ctx.my_id()?;
        ctx.store
            .write(|tx| reg::update_settings(tx, me, self.settings))
    }
}

/// `prescription_register_search`: prescriptions by period, member or patient, drug and doctor,
/// newest first, paged.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionRegisterSearch {
    pub filter: PrescriptionFilter,
}

impl Command for PrescriptionRegisterSearch {
    const NAME: &'static str = "prescription_register_search";
    const ROLES: &'static [Role] = &[];
    type Output = PrescriptionPage;
    fn run(self, ctx: &Ctx<'_>) -> Result<PrescriptionPage> {
        register_access(ctx, PRESCRIPTIONS)?;
        ctx.store
            .report(|c| reg::search_prescriptions(c, &self.filter))
    }
}

/// `prescription_register_export`: the prescriptions the filter matches (every page) as CSV or
/// XLSX under `exports/`, audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionRegisterExport {
    pub filter: PrescriptionFilter,
    pub format: ReportExportFormat,
}

impl Command for PrescriptionRegisterExport {
    const NAME: &'static str = "prescription_register_export";
    const ROLES: &'static [Role] = &[];
    type Output = SavedReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SavedReport> {
        register_access(ctx, PRESCRIPTIONS)?;
        let rows = ctx
            .store
            .report(|c| reg::prescription_lines(c, &self.filter))?;
        let pharmacy = ctx.store.read(crate::settings::get)?;
        let doc = reg::prescription_doc(pharmacy, &self.filter, &rows, issued(ctx, true)?);
        export(ctx, &doc, PRESCRIPTIONS, self.format, rows.len())
    }
}

/// Saves `doc` as CSV or XLSX under `exports/` and audits it (`register.export`).
fn export(
    ctx: &Ctx<'_>,
    doc: &ReportDoc,
    register: &str,
    format: ReportExportFormat,
    lines: usize,
) -> Result<SavedReport> {
    let (bytes, ext) = export_bytes(ctx, doc, format)?;
    let path = file_in(&ctx.api.exports_dir, doc, "export", ext);
    save_audited(
        ctx,
        &path,
        &bytes,
        "register.export",
        register,
        serde_json::json!({
            "document": doc.caption(),
            "format": ext,
            "lines": lines,
            "whole_id_numbers": register == EPHEDRINE,
        }),
    )
}

/// `ephedrine_register_search`: register lines by period, buyer and ID number (whole or its
/// last digits), newest first, paged; ID numbers masked, repeat buyers flagged.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EphedrineRegisterSearch {
    pub filter: EphedrineFilter,
}

impl Command for EphedrineRegisterSearch {
    const NAME: &'static str = "ephedrine_register_search";
    const ROLES: &'static [Role] = &[];
    type Output = EphedrinePage;
    fn run(self, ctx: &Ctx<'_>) -> Result<EphedrinePage> {
        register_access(ctx, EPHEDRINE)?;
        ctx.store.report(|c| reg::search_ephedrine(c, &self.filter))
    }
}

/// `ephedrine_register_reveal`: the whole ID number of one line, audited (`ephedrine.reveal`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EphedrineRegisterReveal {
    pub entry_id: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RevealedId {
    pub entry_id: String,
    pub id_number: String,
}

impl Command for EphedrineRegisterReveal {
    const NAME: &'static str = "ephedrine_register_reveal";
    const ROLES: &'static [Role] = &[];
    type Output = RevealedId;
    fn run(self, ctx: &Ctx<'_>) -> Result<RevealedId> {
        let me = register_access(ctx, EPHEDRINE)?;
        ctx.store.write(|tx| {
            let (number, sale): (String, String) =
                reg::whole_id(tx, &self.entry_id)?.ok_or_else(|| {
                    PosError::new(
                        ErrorCode::RegisterEntryNotFound,
                        "找不到这条登记，请刷新列表后再试",
                    )
                })?;
            crate::audit::record(
                tx,
                Some(me),
                "ephedrine.reveal",
                &self.entry_id,
                serde_json::json!({ "sale_id": sale }),
            )?;
            Ok(RevealedId {
                entry_id: self.entry_id,
                id_number: number,
            })
        })
    }
}

/// `ephedrine_register_print`: the register of a period for an inspector, A4 with whole ID
/// numbers, totals and page numbers; saved under `reports/` and printed through the report print
/// path (audited as `report.print`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EphedrineRegisterPrint {
    pub filter: EphedrineFilter,
    #[serde(default)]
    pub save_only: bool,
}

impl Command for EphedrineRegisterPrint {
    const NAME: &'static str = "ephedrine_register_print";
    const ROLES: &'static [Role] = &[];
    type Output = SavedReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SavedReport> {
        register_access(ctx, EPHEDRINE)?;
        let (doc, _) = ephedrine_doc(ctx, &self.filter, false)?;
        let subject = format!(
            "ephedrine-register {}..{}",
            self.filter.from, self.filter.to
        );
        print(ctx, &doc, &subject, ReportPaper::A4, self.save_only)
    }
}

/// `ephedrine_register_export`: the register lines the filter matches as CSV or XLSX, whole ID
/// numbers, audited (`register.export`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EphedrineRegisterExport {
    pub filter: EphedrineFilter,
    pub format: ReportExportFormat,
}

impl Command for EphedrineRegisterExport {
    const NAME: &'static str = "ephedrine_register_export";
    const ROLES: &'static [Role] = &[];
    type Output = SavedReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SavedReport> {
        register_access(ctx, EPHEDRINE)?;
        let (doc, count) = ephedrine_doc(ctx, &self.filter, true)?;
        export(ctx, &doc, EPHEDRINE, self.format, count)
    }
}
