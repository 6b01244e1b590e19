//! Commands that print and export the manager's reports: the handover slip (交班单) at receipt
//! width, the day-close report (日结单) at receipt width or A4, and the day-close report as CSV
//! or XLSX. Each builds the document model (`report_doc`), has it drawn (`Renderer`), saves the
//! file — PDFs under `reports/` beside the store file, exports under `exports/` — sends a
//! receipt-width print to the till's printer when asked (the PDF, or ESC/POS bytes to a raw
//! queue), and writes one audit entry (`report.print`, `report.export`) naming the file, the
//! paper and where it went.
//!
//! A day that is not closed is printed and exported as a preview, marked 预览（未日结）; a
//! closed day always as signed (its stored report, 第 N 号), so a reprint is the same report.
//! A cashier may print only their own shift's slip, and only once it is closed: before the
//! blind count the slip would show the expected cash.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{write_file, Command, Ctx};
use crate::documents::PrintData;
use crate::error::{ErrorCode, PosError, Result};
use crate::report_doc::{self, Issue, ReportDoc, ReportPaper};
use crate::staff::Role;
use crate::till::{self, PrinterFormat, TillSettings};
use crate::{day_close, shift};

/// A report saved (and maybe printed).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SavedReport {
    /// The file, always saved: PDFs under `reports/`, CSV and XLSX under `exports/`.
    pub path: String,
    /// The printer queue it was sent to; `null` when not sent.
    pub printer: Option<String>,
    /// Why a print was saved but not sent (no printer set, A4 on a receipt printer); `null` when
    /// it was sent or only saving was asked.
    pub not_printed: Option<String>,
    /// A day not closed yet: the file is marked 预览（未日结）.
    pub preview: bool,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Which paper the day-close report is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DayReportPaper {
    /// The till's receipt roll (its paper width).
    Receipt,
    A4,
}

/// The file format of an exported report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportExportFormat {
    /// UTF-8 with a byte-order mark, for Excel and WPS.
    Csv,
    Xlsx,
}

/// The signed report of a closed day, else the preview of the day as it stands.
fn day_report(ctx: &Ctx<'_>, date: NaiveDate) -> Result<day_close::DayReport> {
    ctx.store.report(|c| match day_close::get(c, date)? {
        Some(signed) => Ok(signed),
        None => day_close::preview(c, date),
    })
}

/// `reports/` beside the store file (beside `exports/` and `receipts/`).
fn reports_dir(ctx: &Ctx<'_>) -> PathBuf {
    ctx.api
        .exports_dir
        .parent()
        .map(|d| d.join("reports"))
        .unwrap_or_else(|| PathBuf::from("reports"))
}

/// `<stem>-<paper>-<when printed, store time>.<ext>`: a reprint never overwrites an earlier file.
pub(super) fn file_in(dir: &Path, doc: &ReportDoc, tag: &str, ext: &str) -> PathBuf {
    let when = doc
        .issued_at
        .with_timezone(&crate::clock::china())
        .format("%Y%m%d-%H%M%S");
    dir.join(format!("{}-{tag}-{when}.{ext}", doc.file_stem))
}

/// A document as CSV or XLSX bytes, with its file extension.
pub(super) fn export_bytes(
    ctx: &Ctx<'_>,
    doc: &ReportDoc,
    format: ReportExportFormat,
) -> Result<(Vec<u8>, &'static str)> {
    Ok(match format {
        ReportExportFormat::Csv => (report_doc::to_csv(doc)?, "csv"),
        ReportExportFormat::Xlsx => (ctx.api.renderer.report_xlsx(doc)?, "xlsx"),
    })
}

/// Writes an export and records it in the audit log (`action` about `subject`, with `details`
/// and the file); an export the audit log cannot name is not left behind.
pub(super) fn save_audited(
    ctx: &Ctx<'_>,
    path: &Path,
    bytes: &[u8],
    action: &str,
    subject: &str,
    mut details: serde_json::Value,
) -> Result<SavedReport> {
    let me = ctx.my_id()?;
    write_file(path, bytes)?;
    details["file"] = serde_json::Value::from(path.to_string_lossy().into_owned());
    let audited = ctx
        .store
        .write(|tx| crate::audit::record(tx, Some(me), action, subject, details));
    if let Err(e) = audited {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(SavedReport {
        path: path.to_string_lossy().into_owned(),
        printer: None,
        not_printed: None,
        preview: false,
        bytes: bytes.len() as u64,
    })
}

/// Renders `doc` on `paper`, saves it, sends it to the till's printer (as a PDF, or as ESC/POS
/// bytes when that is what the till's printer takes) unless `save_only` or the paper is A4, and
/// audits what happened (a failed print too, then answers the error).
pub(super) fn print(
    ctx: &Ctx<'_>,
    doc: &ReportDoc,
    subject: &str,
    paper: ReportPaper,
    save_only: bool,
) -> Result<SavedReport> {
    let me = ctx.my_id()?;
    let till: TillSettings = ctx.store.read(till::get)?;
    let pdf = ctx.api.renderer.report_pdf(doc, paper)?;
    let path = file_in(&reports_dir(ctx), doc, paper.as_str(), "pdf");
    write_file(&path, &pdf)?;
    let (queue, not_printed) = match (&till.printer, save_only) {
        (_, true) => (None, None),
        (None, false) => (None, Some("本机未设置打印机，已保存为 PDF".to_owned())),
        (Some(_), false) if paper == ReportPaper::A4 => (
            None,
            Some(
                "本机打印机是小票打印机，A4 日结单已保存为 PDF，请用 A4 打印机打开打印".to_owned(),
            ),
        ),
        (Some(q), false) => (Some(q.clone()), None),
    };
    let printed = match &queue {
        Some(q) => {
            // What the till's printer takes: the PDF through its driver, or ESC/POS bytes raw
            // (saved beside the PDF).
            let (file, data) = match (till.printer_format, paper.roll_mm()) {
                (PrinterFormat::Escpos, Some(mm)) => {
                    let bytes = ctx.api.renderer.report_escpos(doc, mm)?;
                    let file = path.with_extension("escpos");
                    write_file(&file, &bytes)?;
                    (file, PrintData::Raw)
                }
                _ => (path.clone(), PrintData::Document),
            };
            ctx.api
                .printer
                .print(q, &file, &doc.caption(), data)
                .map_err(|e| {
                    e.with_details(serde_json::json!({
                        "path": path.to_string_lossy(),
                        "printer": q,
                    }))
                })
        }
        None => Ok(()),
    };
    let preview = doc.banner.is_some();
    ctx.store.write(|tx| {
        crate::audit::record(
            tx,
            Some(me),
            "report.print",
            subject,
            serde_json::json!({
                "document": doc.caption(),
                "file": path.to_string_lossy(),
                "paper": paper.as_str(),
                "preview": preview,
                "printer": queue,
                "error": printed.as_ref().err().map(|e| e.message.clone()),
            }),
        )
    })?;
    printed?;
    Ok(SavedReport {
        path: path.to_string_lossy().into_owned(),
        printer: queue,
        not_printed,
        preview,
        bytes: pdf.len() as u64,
    })
}

/// `shift_slip_print`: the handover slip of a shift at receipt width (the till's paper unless
/// `paper_mm`), saved and sent to the till's printer unless `save_only`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ShiftSlipPrint {
    pub shift_id: String,
    /// 80 or 58; the till's setting when omitted.
    #[serde(default)]
    #[ts(optional)]
    pub paper_mm: Option<u32>,
    #[serde(default)]
    pub save_only: bool,
}

impl Command for ShiftSlipPrint {
    const NAME: &'static str = "shift_slip_print";
    const ROLES: &'static [Role] = &[Role::Cashier, Role::Manager];
    type Output = SavedReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SavedReport> {
        let me = ctx.me()?;
        let till = ctx.store.read(till::get)?;
        let paper = till::check_paper(self.paper_mm.unwrap_or(till.paper_mm))?;
        let slip = ctx.store.report(|c| shift::slip(c, &self.shift_id))?;
        if !me.staff.has(Role::Manager) {
            if slip.shift.cashier_id != me.staff.id {
                return Err(PosError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "这是 {} 的交班单，请由 {} 本人或店长打印",
                        slip.shift.cashier_name, slip.shift.cashier_name
                    ),
                ));
            }
            if slip.shift.closed_at.is_none() {
                return Err(PosError::new(
                    ErrorCode::Forbidden,
                    "班次还没有交班：请先点钞交班，再打印交班单",
                ));
            }
        }
        let pharmacy = ctx.store.read(crate::settings::get)?;
        let doc = report_doc::for_slip(
            pharmacy,
            &slip,
            Some(till.till_no),
            Issue {
                at: ctx.store.clock().now(),
                by: &me.staff.name,
                export: false,
            },
        );
        print(
            ctx,
            &doc,
            &self.shift_id,
            ReportPaper::roll(paper),
            self.save_only,
        )
    }
}

/// `day_report_print`: the day-close report at receipt width or A4 — the signed report of a
/// closed day (第 N 号), else a preview marked 预览（未日结）.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DayReportPrint {
    pub business_date: String,
    pub paper: DayReportPaper,
    #[serde(default)]
    pub save_only: bool,
}

impl Command for DayReportPrint {
    const NAME: &'static str = "day_report_print";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = SavedReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SavedReport> {
        let me = ctx.me()?;
        let date = crate::business_day::parse_date("business_date", &self.business_date)?;
        let paper = match self.paper {
            DayReportPaper::A4 => ReportPaper::A4,
            DayReportPaper::Receipt => ReportPaper::roll(ctx.store.read(till::get)?.paper_mm),
        };
        let report = day_report(ctx, date)?;
        let pharmacy = ctx.store.read(crate::settings::get)?;
        let doc = report_doc::for_day(
            pharmacy,
            &report,
            Issue {
                at: ctx.store.clock().now(),
                by: &me.staff.name,
                export: false,
            },
        );
        print(ctx, &doc, &report.business_date, paper, self.save_only)
    }
}

/// `day_report_export`: the day-close report as a CSV or XLSX file under `exports/` (a preview
/// when the day is not closed), audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DayReportExport {
    pub business_date: String,
    pub format: ReportExportFormat,
}

impl Command for DayReportExport {
    const NAME: &'static str = "day_report_export";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = SavedReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<SavedReport> {
        let me = ctx.me()?;
        let date = crate::business_day::parse_date("business_date", &self.business_date)?;
        let report = day_report(ctx, date)?;
        let pharmacy = ctx.store.read(crate::settings::get)?;
        let doc = report_doc::for_day(
            pharmacy,
            &report,
            Issue {
                at: ctx.store.clock().now(),
                by: &me.staff.name,
                export: true,
            },
        );
        let (bytes, ext) = match self.format {
            ReportExportFormat::Csv => (report_doc::to_csv(&doc)?, "csv"),
            ReportExportFormat::Xlsx => (ctx.api.renderer.report_xlsx(&doc)?, "xlsx"),
        };
        let path = file_in(&ctx.api.exports_dir, &doc, "export", ext);
        write_file(&path, &bytes)?;
        let preview = doc.banner.is_some();
        let audited = ctx.store.write(|tx| {
            crate::audit::record(
                tx,
                Some(me.staff.id),
                "report.export",
                &report.business_date,
                serde_json::json!({
                    "document": doc.caption(),
                    "file": path.to_string_lossy(),
                    "format": ext,
                    "preview": preview,
                }),
            )
        });
        if let Err(e) = audited {
            // An export nobody can see in the audit log is not left behind.
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        Ok(SavedReport {
            path: path.to_string_lossy().into_owned(),
            printer: None,
            not_printed: None,
            preview,
            bytes: bytes.len() as u64,
        })
    }
}
