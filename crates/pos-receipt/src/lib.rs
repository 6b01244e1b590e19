//! Receipt and document rendering: PDF through printpdf, laid out by our own [`layout`] module
//! (A4 pages, 80 mm and 58 mm thermal rolls) and set in an embedded Chinese font ([`fonts`]).
//!
//! The core decides what a document says; [`PdfRenderer`] plugs into it as
//! `pos_core::documents::Renderer`, so pos-core never depends on printpdf. It renders the member
//! data export (A4), the sale and return receipts (80 mm and 58 mm rolls, [`receipt`]) and the
//! manager's reports — the handover slip and the day-close report — at receipt width and A4
//! ([`report`]) and as Excel workbooks ([`report_xlsx`]).
//! [`escpos::receipt_escpos`] writes the same receipt (and [`escpos::report_escpos`] a report)
//! as ESC/POS bytes for a thermal printer driven directly, [`test_page`] the till's test print,
//! [`guidance_slip`] the pharmacist's guidance slip (用药指导单) at receipt width and A5,
//! and [`CupsPrinter`] is the `pos_core::documents::Printer` that sends a PDF to a CUPS queue
//! with `lp`, telling it the PDF's paper size.

pub mod codes;
pub mod cups;
pub mod escpos;
pub mod fonts;
pub mod guidance_slip;
pub mod layout;
pub mod member_export;
pub mod receipt;
pub mod report;
pub mod report_xlsx;
pub mod test_page;

pub use cups::CupsPrinter;
pub use escpos::receipt_escpos;

use std::sync::OnceLock;

use pos_core::documents::Renderer;
use pos_core::error::{ErrorCode, PosError, Result};
use pos_core::member::export::MemberExport;
use pos_core::pharmacy::guidance::GuidanceSlip;
use pos_core::report_doc::{ReportDoc, ReportPaper};
use pos_core::sale::receipt::Receipt;
use pos_core::settings::PharmacySettings;
use pos_core::till::TestPage;

use fonts::Fonts;

/// The receipt header lines: name, address, phone, licence number (PRODUCT.md §6).
pub fn header_lines(p: &PharmacySettings) -> Vec<String> {
    let mut lines = vec![p.name.clone()];
    if !p.address.is_empty() {
        lines.push(format!("地址：{}", p.address));
    }
    if !p.phone.is_empty() {
        lines.push(format!("电话：{}", p.phone));
    }
    if !p.licence_no.is_empty() {
        lines.push(format!("药品经营许可证：{}", p.licence_no));
    }
    lines
}

/// Renders documents to PDF. The fonts are parsed on first use and kept: build one renderer and
/// share it (it is `Send + Sync`).
#[derive(Default)]
pub struct PdfRenderer {
    fonts: OnceLock<std::result::Result<Fonts, String>>,
}

impl PdfRenderer {
    /// A renderer with the embedded font and the system CJK fonts found on this machine.
    pub fn new() -> PdfRenderer {
        PdfRenderer::default()
    }

    /// A renderer with the given fonts (tests choose their fallbacks).
    pub fn with_fonts(fonts: Fonts) -> PdfRenderer {
        PdfRenderer {
            fonts: OnceLock::from(Ok(fonts)),
        }
    }

    /// The fonts, parsed on first use.
    pub fn fonts(&self) -> Result<&Fonts> {
        self.fonts
            .get_or_init(Fonts::embedded)
            .as_ref()
            .map_err(|e| failed(e))
    }

    /// The member export with what the PDF reports about itself (pages, missing characters).
    pub fn member_export(&self, export: &MemberExport) -> Result<layout::Pdf> {
        member_export::render(self.fonts()?, export).map_err(|e| failed(&e))
    }

    /// A receipt on paper `paper_mm` wide (80 or 58) with what the PDF reports about itself.
    pub fn receipt(&self, receipt: &Receipt, paper_mm: u32) -> Result<layout::Pdf> {
        receipt::render(self.fonts()?, receipt, paper_mm).map_err(|e| failed(&e))
    }

    /// A guidance slip on a roll `Some(80 | 58)` mm wide or on A5 (`None`), with what the PDF
    /// reports about itself.
    pub fn guidance_slip(&self, slip: &GuidanceSlip, roll_mm: Option<u32>) -> Result<layout::Pdf> {
        guidance_slip::render(self.fonts()?, slip, roll_mm).map_err(|e| failed(&e))
    }

    /// A report on `paper` with what the PDF reports about itself (pages, missing characters).
    pub fn report(&self, report: &ReportDoc, paper: ReportPaper) -> Result<layout::Pdf> {
        report::render(self.fonts()?, report, paper).map_err(|e| failed(&e))
    }
}

impl Renderer for PdfRenderer {
    fn member_export_pdf(&self, export: &MemberExport) -> Result<Vec<u8>> {
        Ok(self.member_export(export)?.bytes)
    }

    fn receipt_pdf(&self, receipt: &Receipt, paper_mm: u32) -> Result<Vec<u8>> {
        Ok(self.receipt(receipt, paper_mm)?.bytes)
    }

    fn receipt_escpos(&self, receipt: &Receipt, paper_mm: u32) -> Result<Vec<u8>> {
        Ok(receipt_escpos(receipt, paper_mm))
    }

    fn report_pdf(&self, report: &ReportDoc, paper: ReportPaper) -> Result<Vec<u8>> {
        Ok(self.report(report, paper)?.bytes)
    }

    fn report_escpos(&self, report: &ReportDoc, paper_mm: u32) -> Result<Vec<u8>> {
        Ok(escpos::report_escpos(report, paper_mm))
    }

    fn report_xlsx(&self, report: &ReportDoc) -> Result<Vec<u8>> {
        report_xlsx::render(report).map_err(|e| {
            PosError::new(
                ErrorCode::DocumentUnavailable,
                format!("{e}；请重试，仍不行请联系技术支持"),
            )
        })
    }

    fn test_page_pdf(&self, page: &TestPage) -> Result<Vec<u8>> {
        Ok(test_page::render(self.fonts()?, page)
            .map_err(|e| failed(&e))?
            .bytes)
    }

    fn test_page_escpos(&self, page: &TestPage) -> Result<Vec<u8>> {
        Ok(escpos::test_page_escpos(page))
    }

    fn guidance_slip_pdf(&self, slip: &GuidanceSlip, roll_mm: Option<u32>) -> Result<Vec<u8>> {
        Ok(self.guidance_slip(slip, roll_mm)?.bytes)
    }

    fn guidance_slip_escpos(&self, slip: &GuidanceSlip, paper_mm: u32) -> Result<Vec<u8>> {
        Ok(escpos::guidance_slip_escpos(slip, paper_mm))
    }
}

fn failed(detail: &str) -> PosError {
    PosError::new(
        ErrorCode::DocumentUnavailable,
        format!("PDF 文档生成失败：{detail}；请重试，仍不行请联系技术支持"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_carries_the_contact_details() {
        let p = PharmacySettings {
            name: "康宁大药房".into(),
            address: "张杨路 1 号".into(),
            phone: "021-1".into(),
            licence_no: "沪AA1".into(),
            store_code: "SH1".into(),
        };
        assert_eq!(
            header_lines(&p),
            [
                "康宁大药房",
                "地址：张杨路 1 号",
                "电话：021-1",
                "药品经营许可证：沪AA1"
            ]
        );
        let bare = PharmacySettings {
            name: "药店".into(),
            ..Default::default()
        };
        assert_eq!(header_lines(&bare), ["药店"]);
    }

    #[test]
    fn the_renderer_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<PdfRenderer>();
    }
}
