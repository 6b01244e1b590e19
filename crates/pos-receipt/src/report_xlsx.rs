//! Reports (日结单, 交班单) as Excel workbooks (rust_xlsxwriter): one sheet laid out like the
//! printed report — the pharmacy, the title (and 预览（未日结） in red on a preview), the heading
//! fields, then each section's label–value rows and table — with every figure a real number
//! in a number format (¥ amounts, counts with their unit, 长款/短款, percentages), so a manager
//! can sum and chart them. Text is always written as text: a name typed as `=…` never becomes a
//! formula. The sheet prints on A4, one page wide, numbered.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use pos_core::report_doc::{ReportDoc, Value};

const MONEY: &str = "\"¥\"#,##0.00;-\"¥\"#,##0.00";
const OVER_SHORT: &str = "\"长款 ¥\"0.00;\"短款 ¥\"0.00;\"平\"";
const PERCENT: &str = "0.0%";

/// Builds the workbook.
pub fn render(r: &ReportDoc) -> Result<Vec<u8>, String> {
    build(r).map_err(|e| format!("Excel 文件生成失败：{e}"))
}

/// Display width of a text in Excel's column units: a CJK character is about two.
fn width(s: &str) -> f64 {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
                .sum()
        })
        .fold(0.0, f64::max)
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    widths: Vec<f64>,
    last_col: u16,
}

impl Sheet<'_> {
    fn fit(&mut self, col: u16, text: &str) {
        let i = usize::from(col);
        if self.widths.len() <= i {
            self.widths.resize(i + 1, 8.0);
        }
        self.widths[i] = self.widths[i].max(width(text) + 2.0);
    }

    /// A line across the sheet's columns (the pharmacy, the title, a note).
    fn banner(&mut self, text: &str, format: &Format) -> Result<(), XlsxError> {
        if self.last_col > 0 {
            self.ws
                .merge_range(self.row, 0, self.row, self.last_col, text, format)?;
        } else {
            self.ws
                .write_string_with_format(self.row, 0, text, format)?;
        }
        self.row += 1;
        Ok(())
    }

    fn value(&mut self, col: u16, v: &Value, strong: bool) -> Result<(), XlsxError> {
        let base = if strong {
            Format::new().set_bold()
        } else {
            Format::new()
        };
        let row = self.row;
        let shown = v.display();
        self.fit(col, &shown);
        match v {
            Value::Text(s) => {
                self.ws.write_string_with_format(row, col, s, &base)?;
            }
            // A spreadsheet cell is a double: 分 ÷ 100 shows to the cent exactly.
            Value::Money(m) => {
                let f = base.set_num_format(MONEY);
                self.ws
                    .write_number_with_format(row, col, m.fen() as f64 / 100.0, &f)?;
            }
            Value::OverShort(m) => {
                let f = base.set_num_format(OVER_SHORT);
                self.ws
                    .write_number_with_format(row, col, m.fen() as f64 / 100.0, &f)?;
            }
            Value::Count { n, unit } => {
                let f = if unit.is_empty() {
                    base.set_num_format("0")
                } else {
                    base.set_num_format(format!("0\" {unit}\""))
                };
                self.ws.write_number_with_format(row, col, *n as f64, &f)?;
            }
            Value::Percent(p) => match p.parse::<f64>() {
                Ok(x) => {
                    let f = base.set_num_format(PERCENT);
                    self.ws.write_number_with_format(row, col, x / 100.0, &f)?;
                }
                Err(_) => {
                    self.ws.write_string_with_format(row, col, shown, &base)?;
                }
            },
        }
        Ok(())
    }
}

fn build(r: &ReportDoc) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_timestamp(r.issued_at.timestamp())?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(r.caption())
            .set_subject(r.title.clone())
            .set_author(r.pharmacy.name.clone())
            .set_company(r.pharmacy.name.clone())
            .set_creation_datetime(&created),
    );
    let last_col = r
        .sections
        .iter()
        .filter_map(|s| s.table.as_ref())
        .map(|t| t.columns.len())
        .max()
        .unwrap_or(2)
        .max(2) as u16
        - 1;
    let ws = wb.add_worksheet();
    ws.set_name(match &r.banner {
        Some(_) => format!("{}（预览）", r.title),
        None => r.title.clone(),
    })?;
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer(format!("&L{}&R第 &P 页 / 共 &N 页", r.caption()));

    let bold = Format::new().set_bold();
    let grey = Format::new().set_font_color(Color::RGB(0x55_55_55));
    let heading = Format::new()
        .set_bold()
        .set_font_size(12)
        .set_border_bottom(FormatBorder::Thin);
    let table_head = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let note = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x55_55_55));
    let preview = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_font_color(Color::Red);
    let sign = Format::new().set_border_bottom(FormatBorder::Thin);

    let mut s = Sheet {
        ws,
        row: 0,
        widths: Vec::new(),
        last_col,
    };
    s.banner(
        &r.pharmacy.name,
        &Format::new().set_bold().set_font_size(14),
    )?;
    for (label, value) in [
        ("地址", &r.pharmacy.address),
        ("电话", &r.pharmacy.phone),
        ("药品经营许可证", &r.pharmacy.licence_no),
    ] {
        if !value.is_empty() {
            s.banner(&format!("{label}：{value}"), &grey)?;
        }
    }
    s.banner(&r.title, &Format::new().set_bold().set_font_size(16))?;
    if let Some(b) = &r.banner {
        s.banner(b, &preview)?;
    }
    s.row += 1;
    for row in &r.info {
        s.fit(0, &row.label);
        s.ws.write_string_with_format(s.row, 0, &row.label, &grey)?;
        s.value(1, &row.value, false)?;
        s.row += 1;
    }
    for sec in &r.sections {
        s.row += 1;
        for col in 0..=s.last_col {
            s.ws.write_blank(s.row, col, &heading)?;
        }
        s.ws.write_string_with_format(s.row, 0, &sec.title, &heading)?;
        s.row += 1;
        for row in &sec.rows {
            s.fit(0, &row.label);
            let f = if row.strong { &bold } else { &Format::new() };
            s.ws.write_string_with_format(s.row, 0, &row.label, f)?;
            s.value(1, &row.value, row.strong)?;
            s.row += 1;
        }
        if let Some(t) = &sec.table {
            for (i, c) in t.columns.iter().enumerate() {
                let col = i as u16;
                s.fit(col, &c.title);
                s.ws.write_string_with_format(s.row, col, &c.title, &table_head)?;
            }
            s.row += 1;
            if t.rows.is_empty() {
                s.ws.write_string_with_format(s.row, 0, "（无）", &grey)?;
                s.row += 1;
            }
            for cells in &t.rows {
                for (i, v) in cells.iter().enumerate() {
                    s.value(i as u16, v, false)?;
                }
                s.row += 1;
            }
        }
        if let Some(n) = &sec.note {
            s.banner(&format!("注：{n}"), &note)?;
        }
    }
    s.row += 1;
    for label in &r.signatures {
        s.row += 1;
        s.fit(0, label);
        s.ws.write_string_with_format(s.row, 0, format!("{label}："), &bold)?;
        s.ws.write_blank(s.row, 1, &sign)?;
        s.row += 1;
    }
    if let Some(b) = &r.banner {
        s.row += 1;
        s.banner(b, &preview)?;
    }
    // The audit hash would make its column 66 wide: past 40 a text runs on into the empty
    // cells beside it.
    for (i, w) in s.widths.iter().enumerate() {
        s.ws.set_column_width(i as u16, w.min(40.0))?;
    }
    wb.save_to_buffer()
}
