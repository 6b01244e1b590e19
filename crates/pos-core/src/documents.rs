//! Printed and exported documents. The core decides what a document says (its model); turning it
//! into PDF bytes is the job of `pos-receipt`, which the desktop and the CLI plug in through
//! [`Renderer`] so that the core never depends on printpdf.

use crate::error::{ErrorCode, PosError, Result};
use crate::member::export::MemberExport;

/// Renders document models to PDF.
pub trait Renderer: Send + Sync {
    /// A member's data export as an A4 PDF.
    fn member_export_pdf(&self, export: &MemberExport) -> Result<Vec<u8>>;
}

/// What the core uses when nothing was plugged in: every document is refused with a clear error.
pub struct NoRenderer;

impl Renderer for NoRenderer {
    fn member_export_pdf(&self, _: &MemberExport) -> Result<Vec<u8>> {
        Err(unavailable())
    }
}

pub fn unavailable() -> PosError {
    PosError::new(
        ErrorCode::DocumentUnavailable,
        "此程序未安装 PDF 输出组件，无法生成文档；请使用收银台程序",
    )
}
