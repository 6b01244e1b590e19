//! Commands of this till: printing receipts, the printer queues, a test print, the business
//! date, and the till's own settings (printer, format, paper, printing by itself).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{write_file, Command, Ctx, SELLERS};
use crate::documents::PrintData;
use crate::error::Result;
use crate::ids::SaleId;
use crate::sale;
use crate::sale::receipt::ReceiptKind;
use crate::staff::Role;
use crate::till::{self, PrinterFormat, TestPage, TillSettings};

#[derive(Debug, Clone, Serialize, TS)]
pub struct PrintedReceipt {
    /// The PDF, saved under `receipts/` beside the store file (always, printed or not).
    pub path: String,
    /// The printer queue it was sent to; `null` when saved only.
    pub printer: Option<String>,
    /// The till's printer format: what goes (or would go) to the printer; the PDF is saved
    /// either way.
    pub format: PrinterFormat,
    /// A copy: the receipt was printed or saved before (marked 重印).
    pub reprint: bool,
    pub paper_mm: u32,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// `receipt_print`: renders a sale's or return's receipt (80 or 58 mm), saves the PDF, and sends
/// it to the till's printer unless `save_only`. Every print after the first is marked 重印.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReceiptPrint {
    pub kind: ReceiptKind,
    pub id: SaleId,
    /// Paper width; the till's setting when omitted.
    #[serde(default)]
    #[ts(optional)]
    pub paper_mm: Option<u32>,
    #[serde(default)]
    pub save_only: bool,
}

impl Command for ReceiptPrint {
    const NAME: &'static str = "receipt_print";
    const ROLES: &'static [Role] = SELLERS;
    type Output = PrintedReceipt;
    fn run(self, ctx: &Ctx<'_>) -> Result<PrintedReceipt> {
        let me = ctx.my_id()?;
        let till = ctx.store.read(till::get)?;
        let paper = till::check_paper(self.paper_mm.unwrap_or(till.paper_mm))?;
        let (receipt, copies) = ctx
            .store
            .read(|c| sale::receipt::prepare(c, self.kind, self.id))?;
        let pdf = ctx.api.renderer.receipt_pdf(&receipt, paper)?;
        let dir = receipts_dir(ctx);
        let name = if copies == 0 {
            format!("{}.pdf", receipt.receipt_no)
        } else {
            format!("{}-copy{copies}.pdf", receipt.receipt_no)
        };
        let path = dir.join(name);
        write_file(&path, &pdf)?;
        let target = match (&till.printer, self.save_only) {
            (Some(queue), false) => Some(queue.clone()),
            _ => None,
        };
        // A print that failed is not a print: the next attempt is still the original.
        if let Some(queue) = &target {
            let (file, data) = match till.printer_format {
                PrinterFormat::Pdf => (path.clone(), PrintData::Document),
                PrinterFormat::Escpos => {
                    let bytes = ctx.api.renderer.receipt_escpos(&receipt, paper)?;
                    let file = path.with_extension("escpos");
                    write_file(&file, &bytes)?;
                    (file, PrintData::Raw)
                }
            };
            ctx.api
                .printer
                .print(queue, &file, &format!("小票 {}", receipt.receipt_no), data)
                .map_err(|e| {
                    e.with_details(serde_json::json!({
                        "path": path.to_string_lossy(),
                        "printer": queue,
                    }))
                })?;
        }
        let printed_to = target
            .clone()
            .unwrap_or_else(|| path.to_string_lossy().into_owned());
        ctx.store
            .write(|tx| sale::receipt::record_print(tx, self.id, me, copies, paper, &printed_to))?;
        Ok(PrintedReceipt {
            path: path.to_string_lossy().into_owned(),
            printer: target,
            format: till.printer_format,
            reprint: copies > 0,
            paper_mm: paper,
            bytes: pdf.len() as u64,
        })
    }
}

/// `printer_queues`: the printer queues CUPS knows on this machine (`lpstat -e`), for the till
/// settings to choose from; typing a queue name by hand still works.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PrinterQueues {}

impl Command for PrinterQueues {
    const NAME: &'static str = "printer_queues";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<String>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<String>> {
        ctx.api.printer.queues()
    }
}

/// `till_test_print`: prints a short test page — the pharmacy, the till, the printer, the paper
/// width, the time, a ruler across the printable width and the sample 测试打印 ¥12.34 — on the
/// till's printer in its format (PDF through the driver, or ESC/POS to a raw queue), so that
/// whoever sets a till up sees at once whether the queue, the paper and the Chinese text are
/// right. `settings` tries the values on the settings form before they are saved; without it
/// the saved settings are used. The page is kept under `receipts/` as `test-print.pdf` (or
/// `.escpos`), replaced by the next test.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TillTestPrint {
    #[serde(default)]
    #[ts(optional)]
    pub settings: Option<TillSettings>,
}

/// What a test print sent, and where.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TestPrinted {
    pub printer: String,
    pub format: PrinterFormat,
    pub paper_mm: u32,
    /// The file sent to the printer.
    pub path: String,
}

impl Command for TillTestPrint {
    const NAME: &'static str = "till_test_print";
    const ROLES: &'static [Role] = SELLERS;
    type Output = TestPrinted;
    fn run(self, ctx: &Ctx<'_>) -> Result<TestPrinted> {
        let settings = match self.settings {
            Some(s) => s,
            None => ctx.store.read(till::get)?,
        };
        let Some(queue) = till::check(&settings)? else {
            return Err(crate::error::PosError::invalid_field(
                "printer",
                "请先填写小票打印机（CUPS 队列名称），再测试打印",
            ));
        };
        let pharmacy = ctx.store.read(crate::settings::get)?.name;
        let time = ctx
            .store
            .clock()
            .now()
            .with_timezone(&crate::clock::china())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        let page = TestPage {
            pharmacy,
            till_no: settings.till_no,
            printer: queue.clone(),
            format: settings.printer_format,
            paper_mm: settings.paper_mm,
            time,
        };
        let (bytes, data, ext) = match settings.printer_format {
            PrinterFormat::Pdf => (
                ctx.api.renderer.test_page_pdf(&page)?,
                PrintData::Document,
                "pdf",
            ),
            PrinterFormat::Escpos => (
                ctx.api.renderer.test_page_escpos(&page)?,
                PrintData::Raw,
                "escpos",
            ),
        };
        let path = receipts_dir(ctx).join(format!("test-print.{ext}"));
        write_file(&path, &bytes)?;
        ctx.api.printer.print(&queue, &path, "测试打印", data)?;
        Ok(TestPrinted {
            printer: queue,
            format: settings.printer_format,
            paper_mm: settings.paper_mm,
            path: path.to_string_lossy().into_owned(),
        })
    }
}

/// `receipts/` beside the store file: saved receipts and the last test print.
fn receipts_dir(ctx: &Ctx<'_>) -> PathBuf {
    ctx.api
        .exports_dir
        .parent()
        .map(|d| d.join("receipts"))
        .unwrap_or_else(|| PathBuf::from("receipts"))
}

/// `business_date`: today at the store (China Standard Time) by the core's clock — the date the
/// UI's forms prefill and check against, so screens and the core never disagree around midnight.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BusinessDate {}

impl Command for BusinessDate {
    const NAME: &'static str = "business_date";
    const ROLES: &'static [Role] = &[];
    type Output = String;
    fn run(self, ctx: &Ctx<'_>) -> Result<String> {
        Ok(ctx
            .store
            .read(|c| crate::business_day::of(c, ctx.store.clock().now()))?
            .to_string())
    }
}

/// `till_settings_get`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TillSettingsGet {}

impl Command for TillSettingsGet {
    const NAME: &'static str = "till_settings_get";
    const ROLES: &'static [Role] = &[];
    type Output = TillSettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<TillSettings> {
        ctx.store.read(till::get)
    }
}

/// `till_settings_update`: manager only.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TillSettingsUpdate {
    pub settings: TillSettings,
}

impl Command for TillSettingsUpdate {
    const NAME: &'static str = "till_settings_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = TillSettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<TillSettings> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            let saved = till::update(tx, self.settings)?;
            crate::audit::record(
                tx,
                Some(me),
                "settings.till",
                "till",
                serde_json::to_value(&saved).map_err(crate::error::PosError::storage)?,
            )?;
            Ok(saved)
        })
    }
}
