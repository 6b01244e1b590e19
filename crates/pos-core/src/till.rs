//! This till's own settings (one row of `till`, beside its identity): its number in the store,
//! which is part of every receipt number, its receipt printer, what it sends to that printer, its
//! paper width and whether the receipt prints by itself after payment.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Tx;
use crate::error::{PosError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TillSettings {
    pub till_no: u32,
    /// A CUPS queue name (`lpstat -p`); `null`: receipts are saved as PDF only.
    pub printer: Option<String>,
    pub paper_mm: u32,
    /// What goes to the printer; the PDF is saved either way.
    #[serde(default)]
    pub printer_format: PrinterFormat,
    /// After payment the receipt prints by itself (the done screen prints it once); on by
    /// default. Off: the cashier presses F9 when the customer wants one.
    #[serde(default = "on")]
    pub auto_print: bool,
}

fn on() -> bool {
    true
}

/// What a till sends to its receipt printer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PrinterFormat {
    /// The PDF, through the printer's CUPS driver (any printer CUPS can drive).
    #[default]
    Pdf,
    /// ESC/POS bytes (GB18030 text, QR code, cut) to a raw CUPS queue: thermal receipt
    /// printers print these natively, faster and sharper than a rasterised PDF.
    Escpos,
}

impl PrinterFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            PrinterFormat::Pdf => "pdf",
            PrinterFormat::Escpos => "escpos",
        }
    }
}

impl rusqlite::types::FromSql for PrinterFormat {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match v.as_str()? {
            "pdf" => Ok(PrinterFormat::Pdf),
            "escpos" => Ok(PrinterFormat::Escpos),
            other => Err(rusqlite::types::FromSqlError::Other(
                format!("unknown printer format {other}").into(),
            )),
        }
    }
}

/// Receipt paper is 80 or 58 mm wide.
pub fn check_paper(mm: u32) -> Result<u32> {
    if mm != 80 && mm != 58 {
        return Err(PosError::invalid_field(
            "paper_mm",
            "小票宽度只能是 80 或 58 毫米",
        ));
    }
    Ok(mm)
}

pub fn get(c: &Connection) -> Result<TillSettings> {
    Ok(c.query_row(
        "SELECT till_no, printer, paper_mm, printer_format, auto_print FROM till",
        [],
        |r| {
            Ok(TillSettings {
                till_no: r.get(0)?,
                printer: r.get(1)?,
                paper_mm: r.get(2)?,
                printer_format: r.get(3)?,
                auto_print: r.get(4)?,
            })
        },
    )?)
}

/// Checks settings; the printer queue trimmed, `None` when blank.
pub fn check(s: &TillSettings) -> Result<Option<String>> {
    if !(1..=99).contains(&s.till_no) {
        return Err(PosError::invalid_field("till_no", "收银台号须为 1–99"));
    }
    check_paper(s.paper_mm)?;
    let printer = s
        .printer
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if let Some(p) = printer {
        if p.len() > 64
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c))
        {
            return Err(PosError::invalid_field(
                "printer",
                "打印机名称只能包含字母、数字和 - _ . @（与 lpstat -p 显示的一致）",
            ));
        }
    }
    Ok(printer.map(str::to_owned))
}

/// Checks and stores new settings (manager only; checked by the API).
pub fn update(tx: &Tx<'_>, s: TillSettings) -> Result<TillSettings> {
    let printer = check(&s)?;
    tx.execute(
        "UPDATE till SET till_no = ?1, printer = ?2, paper_mm = ?3, printer_format = ?4,
                         auto_print = ?5",
        (
            s.till_no,
            printer,
            s.paper_mm,
            s.printer_format.as_str(),
            s.auto_print,
        ),
    )?;
    get(tx)
}

/// The sample line of a test print: Chinese characters and the yuan sign, which a printer
/// without a Chinese font (or the wrong code page) gets wrong first.
pub const TEST_SAMPLE: &str = "测试打印 ¥12.34";

/// What a test print (测试打印) says: enough to see at a glance that the right printer prints
/// this till's paper, in its format, with Chinese and the yuan sign, edge to edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPage {
    pub pharmacy: String,
    pub till_no: u32,
    pub printer: String,
    pub format: PrinterFormat,
    pub paper_mm: u32,
    /// Local time at the store, `2026-11-23 10:00:00`.
    pub time: String,
}
