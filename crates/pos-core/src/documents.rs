//! Printed and exported documents. The core decides what a document says (its model); turning it
//! into PDF (or, for receipt printers, ESC/POS) bytes is the job of `pos-receipt`, which the
//! desktop and the CLI plug in through [`Renderer`], and sending it to a printer is the job of a
//! [`Printer`] (CUPS `lp` in `pos-receipt`), so that the core never depends on printpdf or runs
//! other programs.

use std::path::Path;

use crate::error::{ErrorCode, PosError, Result};
use crate::member::export::MemberExport;
use crate::pharmacy::guidance::GuidanceSlip;
use crate::report_doc::{ReportDoc, ReportPaper};
use crate::sale::receipt::Receipt;
use crate::till::TestPage;

/// Renders document models.
pub trait Renderer: Send + Sync {
    /// A member's data export as an A4 PDF.
    fn member_export_pdf(&self, export: &MemberExport) -> Result<Vec<u8>>;
    /// A sale or return receipt on thermal paper `paper_mm` (80 or 58) wide, one page per receipt.
    fn receipt_pdf(&self, receipt: &Receipt, paper_mm: u32) -> Result<Vec<u8>>;
    /// The same receipt as ESC/POS bytes for a thermal printer's raw queue.
    fn receipt_escpos(&self, receipt: &Receipt, paper_mm: u32) -> Result<Vec<u8>>;
    /// A report (交班单, 日结单) as a PDF: on a receipt roll one page as long as the report, on
    /// A4 as many pages as it needs, numbered.
    fn report_pdf(&self, report: &ReportDoc, paper: ReportPaper) -> Result<Vec<u8>>;
    /// A report at receipt width as ESC/POS bytes, for a till whose printer takes them raw.
    fn report_escpos(&self, report: &ReportDoc, paper_mm: u32) -> Result<Vec<u8>>;
    /// A report as an Excel workbook (XLSX). (CSV is text: `report_doc::to_csv` in the core.)
    fn report_xlsx(&self, report: &ReportDoc) -> Result<Vec<u8>>;
    /// A till's test print (测试打印) as a PDF on its paper.
    fn test_page_pdf(&self, _page: &TestPage) -> Result<Vec<u8>> {
        Err(unavailable())
    }
    /// The same test print as ESC/POS bytes.
    fn test_page_escpos(&self, _page: &TestPage) -> Result<Vec<u8>> {
        Err(unavailable())
    }
    /// A guidance slip (用药指导单) as a PDF: on a roll `Some(80 | 58)` mm wide (one page as
    /// long as the slip), or on A5 (`None`).
    fn guidance_slip_pdf(&self, _slip: &GuidanceSlip, _roll_mm: Option<u32>) -> Result<Vec<u8>> {
        Err(unavailable())
    }
    /// The same slip at receipt width as ESC/POS bytes.
    fn guidance_slip_escpos(&self, _slip: &GuidanceSlip, _paper_mm: u32) -> Result<Vec<u8>> {
        Err(unavailable())
    }
}

/// How a file is handed to the print service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintData {
    /// A document the queue's driver renders (PDF).
    Document,
    /// Bytes the printer understands itself (ESC/POS), passed through unfiltered.
    Raw,
}

/// Sends a saved file to a printer queue.
pub trait Printer: Send + Sync {
    /// Prints `file` on `queue`; `title` names the job in the queue.
    fn print(&self, queue: &str, file: &Path, title: &str, data: PrintData) -> Result<()>;
    /// The queues this machine can print to, sorted (for the till settings to choose from).
    fn queues(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
}

/// What the core uses when nothing was plugged in: every document is refused with a clear error.
pub struct NoRenderer;

impl Renderer for NoRenderer {
    fn member_export_pdf(&self, _: &MemberExport) -> Result<Vec<u8>> {
        Err(unavailable())
    }
    fn receipt_pdf(&self, _: &Receipt, _: u32) -> Result<Vec<u8>> {
        Err(unavailable())
    }
    fn receipt_escpos(&self, _: &Receipt, _: u32) -> Result<Vec<u8>> {
        Err(unavailable())
    }
    fn report_pdf(&self, _: &ReportDoc, _: ReportPaper) -> Result<Vec<u8>> {
        Err(unavailable())
    }
    fn report_escpos(&self, _: &ReportDoc, _: u32) -> Result<Vec<u8>> {
        Err(unavailable())
    }
    fn report_xlsx(&self, _: &ReportDoc) -> Result<Vec<u8>> {
        Err(unavailable())
    }
}

/// No printer plugged in: printing is refused (the PDF is still saved).
pub struct NoPrinter;

impl Printer for NoPrinter {
    fn print(&self, queue: &str, _: &Path, _: &str, _: PrintData) -> Result<()> {
        Err(PosError::new(
            ErrorCode::PrintFailed,
            format!("此程序不能打印（打印机 {queue}）；小票已保存为 PDF"),
        ))
    }
}

pub fn unavailable() -> PosError {
    PosError::new(
        ErrorCode::DocumentUnavailable,
        "此程序未安装 PDF 输出组件，无法生成文档；请使用收银台程序",
    )
}
