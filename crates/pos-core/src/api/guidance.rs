//! Commands of medication guidance (用药指导): recording it on a cart line or a committed sale's
//! line, reading a sale's lines with their guidance and the products' defaults, today's sales to
//! pick from, a line's history, a product's default, the guidance a member was given, and the
//! guidance slip (用药指导单) printed at receipt width or A5, or returned as a PDF to preview.
//!
//! Only a pharmacist gives guidance: from their own login, or at a colleague's till with their
//! staff number and PIN (like an Rx approval). A cashier alone is refused with FORBIDDEN.

use std::path::PathBuf;

use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::checkout::{approve, Approver};
use super::{write_file, Command, Ctx, SELLERS};
use crate::documents::PrintData;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{LineId, MemberId, ProductId, SaleId};
use crate::pharmacy::guidance::{
    self, Author, Guidance, GuidanceRecord, GuidanceSaleRow, GuidanceSlip, MemberGuidance,
    SaleGuidance, SlipPaper, Via,
};
use crate::staff::Role;
use crate::till::{self, PrinterFormat};

/// `guidance_save`: records guidance for a line of an open cart or of a committed sale. The
/// pharmacist is the one logged in, or the one whose staff number and PIN are given.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceSave {
    /// The cart id (before payment) or the sale id (after): they are the same id.
    pub sale_id: SaleId,
    pub line_id: LineId,
    pub guidance: Guidance,
    /// A pharmacist's own staff number and PIN, typed at a cashier's till.
    #[serde(default)]
    #[ts(optional)]
    pub pharmacist: Option<Approver>,
}

impl Command for GuidanceSave {
    const NAME: &'static str = "guidance_save";
    const ROLES: &'static [Role] = SELLERS;
    type Output = GuidanceRecord;
    fn run(self, ctx: &Ctx<'_>) -> Result<GuidanceRecord> {
        let me = ctx.me()?;
        let author = match &self.pharmacist {
            Some(a) => {
                let s = approve(ctx, a, Role::Pharmacist)?;
                Author {
                    id: s.id,
                    name: s.name,
                    via: Via::Pin,
                }
            }
            None if me.staff.has(Role::Pharmacist) => Author {
                id: me.staff.id,
                name: me.staff.name.clone(),
                via: Via::Login,
            },
            None => {
                return Err(PosError::new(
                    ErrorCode::Forbidden,
                    "用药指导只能由药师录入：请药师登录，或请药师在此输入本人工号和 PIN",
                ))
            }
        };
        let by = me.staff.id;
        ctx.store.write(|tx| {
            guidance::record(
                tx,
                self.sale_id,
                self.line_id,
                self.guidance.clone(),
                &author,
                by,
            )
        })
    }
}

/// `guidance_sale_get`: a committed sale's lines with their guidance and the products' default
/// guidance, by sale id or by receipt number (scanned or typed).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceSaleGet {
    #[serde(default)]
    #[ts(optional)]
    pub sale_id: Option<SaleId>,
    #[serde(default)]
    #[ts(optional)]
    pub receipt_no: Option<String>,
}

impl Command for GuidanceSaleGet {
    const NAME: &'static str = "guidance_sale_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = SaleGuidance;
    fn run(self, ctx: &Ctx<'_>) -> Result<SaleGuidance> {
        ctx.store.read(|c| {
            let id = match (self.sale_id, &self.receipt_no) {
                (Some(id), _) => id,
                (None, Some(no)) => {
                    let no = crate::text::half_width(no);
                    crate::sale::by_receipt_no(c, &no)?
                }
                (None, None) => {
                    return Err(PosError::invalid_field(
                        "receipt_no",
                        "请扫描或输入小票号（14 位数字）",
                    ))
                }
            };
            guidance::for_sale(c, id)
        })
    }
}

/// `guidance_sales_of_day`: the sales of a business day (today when omitted), newest first,
/// with how many of their lines have guidance.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceSalesOfDay {
    #[serde(default)]
    #[ts(optional)]
    pub business_date: Option<String>,
}

impl Command for GuidanceSalesOfDay {
    const NAME: &'static str = "guidance_sales_of_day";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<GuidanceSaleRow>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<GuidanceSaleRow>> {
        ctx.store.report(|c| {
            let date = match &self.business_date {
                Some(d) => crate::business_day::parse_date("business_date", d)?,
                None => crate::business_day::of(c, ctx.store.clock().now())?,
            };
            guidance::sales_of_day(c, &date.to_string())
        })
    }
}

/// `guidance_history`: every guidance record of a line, newest first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceHistory {
    pub line_id: LineId,
}

impl Command for GuidanceHistory {
    const NAME: &'static str = "guidance_history";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<GuidanceRecord>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<GuidanceRecord>> {
        ctx.store.read(|c| guidance::history(c, self.line_id))
    }
}

/// `guidance_product_default_get`: what the guidance form starts from for a product.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceProductDefaultGet {
    pub product_id: ProductId,
}

impl Command for GuidanceProductDefaultGet {
    const NAME: &'static str = "guidance_product_default_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Guidance;
    fn run(self, ctx: &Ctx<'_>) -> Result<Guidance> {
        ctx.store
            .read(|c| guidance::product_default(c, self.product_id))
    }
}

/// `guidance_product_default_set`: a pharmacist or manager saves a product's default guidance.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceProductDefaultSet {
    pub product_id: ProductId,
    pub guidance: Guidance,
}

impl Command for GuidanceProductDefaultSet {
    const NAME: &'static str = "guidance_product_default_set";
    const ROLES: &'static [Role] = &[Role::Pharmacist, Role::Manager];
    type Output = Guidance;
    fn run(self, ctx: &Ctx<'_>) -> Result<Guidance> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            guidance::set_product_default(tx, self.product_id, self.guidance.clone(), me)
        })
    }
}

/// `guidance_for_member`: the guidance a member was given, newest first (pharmacists and
/// managers).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceForMember {
    pub member_id: MemberId,
}

impl Command for GuidanceForMember {
    const NAME: &'static str = "guidance_for_member";
    const ROLES: &'static [Role] = &[Role::Pharmacist, Role::Manager];
    type Output = Vec<MemberGuidance>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<MemberGuidance>> {
        ctx.store.read(|c| guidance::for_member(c, self.member_id))
    }
}

/// A guidance slip saved (and maybe printed).
#[derive(Debug, Clone, Serialize, TS)]
pub struct PrintedSlip {
    /// The PDF, always saved under `guidance/` beside the store file.
    pub path: String,
    /// The printer queue it was sent to; `null` when not sent.
    pub printer: Option<String>,
    /// Why it was saved but not sent (no printer set, A5 on a receipt printer); `null` when it
    /// was sent or only saving was asked.
    pub not_printed: Option<String>,
    pub paper: SlipPaper,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The slip of a sale (one line, or every guided line) and its file name stem.
fn slip_of(ctx: &Ctx<'_>, sale: SaleId, line: Option<LineId>) -> Result<GuidanceSlip> {
    let now = ctx.store.clock().now();
    ctx.store.read(|c| guidance::slip(c, sale, line, now))
}

fn slip_pdf(ctx: &Ctx<'_>, slip: &GuidanceSlip, paper: SlipPaper) -> Result<(Vec<u8>, String)> {
    let till = ctx.store.read(till::get)?;
    let (pdf, tag) = match paper {
        SlipPaper::Receipt => (
            ctx.api
                .renderer
                .guidance_slip_pdf(slip, Some(till.paper_mm))?,
            format!("{}mm", till.paper_mm),
        ),
        SlipPaper::A5 => (
            ctx.api.renderer.guidance_slip_pdf(slip, None)?,
            "a5".to_owned(),
        ),
    };
    Ok((pdf, tag))
}

/// `guidance/` beside the store file (beside `receipts/` and `reports/`).
fn slips_dir(ctx: &Ctx<'_>) -> PathBuf {
    ctx.api
        .exports_dir
        .parent()
        .map(|d| d.join("guidance"))
        .unwrap_or_else(|| PathBuf::from("guidance"))
}

fn file_name(ctx: &Ctx<'_>, slip: &GuidanceSlip, tag: &str, ext: &str) -> PathBuf {
    let when = ctx
        .store
        .clock()
        .now()
        .with_timezone(&crate::clock::china())
        .format("%Y%m%d-%H%M%S");
    slips_dir(ctx).join(format!("用药指导单-{}-{tag}-{when}.{ext}", slip.receipt_no))
}

/// `guidance_slip_print`: the guidance slip (用药指导单) of a sale — one line, or every line
/// with guidance — at the till's receipt width or A5; saved as a PDF and sent to the till's
/// printer (the PDF, or ESC/POS bytes when that is what it takes) unless `save_only`. A5 is not
/// sent to a receipt printer: it is saved for an office printer.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceSlipPrint {
    pub sale_id: SaleId,
    #[serde(default)]
    #[ts(optional)]
    pub line_id: Option<LineId>,
    pub paper: SlipPaper,
    #[serde(default)]
    pub save_only: bool,
}

impl Command for GuidanceSlipPrint {
    const NAME: &'static str = "guidance_slip_print";
    const ROLES: &'static [Role] = SELLERS;
    type Output = PrintedSlip;
    fn run(self, ctx: &Ctx<'_>) -> Result<PrintedSlip> {
        let me = ctx.my_id()?;
        let till = ctx.store.read(till::get)?;
        let slip = slip_of(ctx, self.sale_id, self.line_id)?;
        let (pdf, tag) = slip_pdf(ctx, &slip, self.paper)?;
        let path = file_name(ctx, &slip, &tag, "pdf");
        write_file(&path, &pdf)?;
        let (queue, not_printed) = match (&till.printer, self.save_only, self.paper) {
            (_, true, _) => (None, None),
            (None, false, _) => (
                None,
                Some("本机未设置打印机，用药指导单已保存为 PDF".to_owned()),
            ),
            (Some(_), false, SlipPaper::A5) => (
                None,
                Some(
                    "本机打印机是小票打印机，A5 用药指导单已保存为 PDF，请用 A4/A5 打印机打开打印"
                        .to_owned(),
                ),
            ),
            (Some(q), false, SlipPaper::Receipt) => (Some(q.clone()), None),
        };
        let title = format!("用药指导单 {}", slip.receipt_no);
        let printed = match &queue {
            Some(q) => {
                let (file, data) = match till.printer_format {
                    PrinterFormat::Escpos => {
                        let bytes = ctx
                            .api
                            .renderer
                            .guidance_slip_escpos(&slip, till.paper_mm)?;
                        let file = path.with_extension("escpos");
                        write_file(&file, &bytes)?;
                        (file, PrintData::Raw)
                    }
                    PrinterFormat::Pdf => (path.clone(), PrintData::Document),
                };
                ctx.api.printer.print(q, &file, &title, data).map_err(|e| {
                    e.with_details(serde_json::json!({
                        "path": path.to_string_lossy(),
                        "printer": q,
                    }))
                })
            }
            None => Ok(()),
        };
        ctx.store.write(|tx| {
            crate::audit::record(
                tx,
                Some(me),
                "guidance.slip_print",
                &self.sale_id.to_string(),
                serde_json::json!({
                    "line": self.line_id,
                    "file": path.to_string_lossy(),
                    "paper": tag,
                    "printer": queue,
                    "error": printed.as_ref().err().map(|e| e.message.clone()),
                }),
            )
        })?;
        printed?;
        Ok(PrintedSlip {
            path: path.to_string_lossy().into_owned(),
            printer: queue,
            not_printed,
            paper: self.paper,
            bytes: pdf.len() as u64,
        })
    }
}

/// The slip as a PDF for the screen to preview or save.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SlipPdf {
    /// A file name to save it under.
    pub file_name: String,
    /// The PDF, base64.
    pub pdf_base64: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// `guidance_slip_pdf`: the guidance slip as a PDF (receipt width or A5), returned rather than
/// printed, for a preview or a save.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GuidanceSlipPdf {
    pub sale_id: SaleId,
    #[serde(default)]
    #[ts(optional)]
    pub line_id: Option<LineId>,
    pub paper: SlipPaper,
}

impl Command for GuidanceSlipPdf {
    const NAME: &'static str = "guidance_slip_pdf";
    const ROLES: &'static [Role] = SELLERS;
    type Output = SlipPdf;
    fn run(self, ctx: &Ctx<'_>) -> Result<SlipPdf> {
        let slip = slip_of(ctx, self.sale_id, self.line_id)?;
        let (pdf, tag) = slip_pdf(ctx, &slip, self.paper)?;
        Ok(SlipPdf {
            file_name: format!("用药指导单-{}-{tag}.pdf", slip.receipt_no),
            bytes: pdf.len() as u64,
            pdf_base64: base64::engine::general_purpose::STANDARD.encode(&pdf),
        })
    }
}
