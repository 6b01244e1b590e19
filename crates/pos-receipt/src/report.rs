//! Reports (交班单, 日结单) as PDFs, from `pos_core::report_doc::ReportDoc`: on an 80 mm or
//! 58 mm roll one page as long as the report, like the receipt; on A4 as many pages as it needs,
//! each with a footer naming the report and the page (第 n 页 / 共 N 页).
//!
//! A section is a heading, its label–value rows (the value right-aligned; a text too long for
//! the value's column, such as the audit hash, goes on a line of its own), its table and a note.
//! On a roll a column marked `under_previous` (a product's spec) is printed under the cell before
//! it, and a table still too wide for the roll (the shifts) prints each row as a small block of
//! label–value lines. A preview says 预览（未日结） large at the top and again at the end.

use pos_core::report_doc::{self, ReportDoc, ReportPaper, Row, Section, Table, Value};

use crate::fonts::Fonts;
use crate::header_lines;
use crate::layout::{Column, Document, Meta, Paper, Pdf, RectMm, Rule, Style};

/// Sizes and measures of one paper.
struct Look {
    paper: Paper,
    a4: bool,
    body: Style,
    small: Style,
    name: Style,
    title: Style,
    banner: Style,
    heading: Style,
    /// Label | value of the heading fields and the rows.
    info: [Column; 2],
    pair: [Column; 2],
    /// Most columns a table may have side by side.
    max_columns: usize,
}

impl Look {
    fn of(paper: ReportPaper) -> Look {
        match paper {
            ReportPaper::A4 => Look {
                paper: Paper::A4,
                a4: true,
                body: Style::new(10.0),
                small: Style::new(8.5),
                name: Style::new(15.0).bold().center(),
                title: Style::new(20.0).bold().center(),
                banner: Style::new(16.0).bold().center(),
                heading: Style::new(12.0).bold(),
                info: [Column::new(0.2).grey(), Column::new(0.8)],
                pair: [Column::new(0.45), Column::new(0.25).right()],
                max_columns: 8,
            },
            ReportPaper::Receipt80 => Look {
                paper: Paper::ROLL_80,
                a4: false,
                body: Style::new(8.5),
                small: Style::new(7.5),
                name: Style::new(14.0).bold().center().leading(1.3),
                title: Style::new(13.0).bold().center(),
                banner: Style::new(12.0).bold().center(),
                heading: Style::new(9.5).bold(),
                info: [Column::new(0.3), Column::new(0.7).right()],
                pair: [Column::new(0.55), Column::new(0.45).right()],
                max_columns: 4,
            },
            ReportPaper::Receipt58 => Look {
                paper: Paper::ROLL_58,
                a4: false,
                body: Style::new(8.0),
                small: Style::new(7.0),
                name: Style::new(12.0).bold().center().leading(1.3),
                title: Style::new(11.5).bold().center(),
                banner: Style::new(10.5).bold().center(),
                heading: Style::new(9.0).bold(),
                info: [Column::new(0.3), Column::new(0.7).right()],
                pair: [Column::new(0.5), Column::new(0.5).right()],
                max_columns: 3,
            },
        }
    }

    fn printable_mm(&self) -> f32 {
        self.paper.width - self.paper.margins.left - self.paper.margins.right
    }
}

/// Renders `r` on `paper`.
pub fn render(fonts: &Fonts, r: &ReportDoc, paper: ReportPaper) -> Result<Pdf, String> {
    let look = Look::of(paper);
    let mut doc = Document::new(fonts, look.paper);
    if look.a4 {
        doc.set_footer(r.caption());
    }

    // The pharmacy, the title, the preview banner.
    let header = header_lines(&r.pharmacy);
    if let Some((name, rest)) = header.split_first() {
        doc.text(name, look.name);
        for line in rest {
            doc.text(line, look.small.center());
        }
    }
    doc.space(if look.a4 { 3.0 } else { 1.5 });
    doc.text(&r.title, look.title);
    match &r.banner {
        Some(b) => banner(&mut doc, &look, b),
        None => {
            doc.space(1.0);
            doc.rule(if look.a4 { Rule::Heavy } else { Rule::Dashed });
        }
    }

    // Which report, when, who.
    for row in &r.info {
        doc.row(
            &look.info,
            &[row.label.clone(), row.value.display()],
            look.body,
        );
    }

    for s in &r.sections {
        section(&mut doc, &look, s);
    }

    // Signatures: a label, room to sign, a line.
    doc.end_table();
    doc.set_continued(None);
    doc.rule(if look.a4 { Rule::Heavy } else { Rule::Dashed });
    signatures(&mut doc, &look, &r.signatures);
    if let Some(b) = &r.banner {
        doc.space(4.0);
        banner(&mut doc, &look, b);
    }
    let missing: Vec<String> = doc
        .missing()
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    if !missing.is_empty() {
        doc.text(
            &format!(
                "※ 以下字符本机没有可用字体，以“〓”代替：{}",
                missing.join("、")
            ),
            look.small.grey(),
        );
    }

    doc.finish(&Meta {
        title: r.caption(),
        author: r.pharmacy.name.clone(),
        subject: r.title.clone(),
        created_unix: r.issued_at.timestamp(),
    })
}

fn banner(doc: &mut Document<'_>, look: &Look, text: &str) {
    doc.rule(Rule::Heavy);
    doc.text(&format!("【{text}】"), look.banner);
    doc.rule(Rule::Heavy);
}

fn section(doc: &mut Document<'_>, look: &Look, s: &Section) {
    doc.end_table();
    doc.set_continued(None);
    if look.a4 {
        doc.space(3.0);
        // A section of rows stays on one page; a heading never ends a page (it keeps about
        // three lines under it, and a table's header keeps two rows of its own).
        let line = look.body.size * look.body.leading;
        let lines = s.rows.len().div_ceil(2) + usize::from(s.note.is_some());
        let rows = if s.table.is_some() { 3 } else { lines.max(3) };
        doc.keep(look.heading.size * 1.4 + 6.0 + line * rows as f32);
        doc.text(&s.title, look.heading);
        doc.rule(Rule::Thin);
        doc.set_continued(Some(format!("{}（续）", s.title)));
        grid(doc, look, &s.rows);
    } else {
        doc.rule(Rule::Dashed);
        doc.text(&s.title, look.heading);
        for row in &s.rows {
            pair(doc, look, row);
        }
    }
    if let Some(t) = &s.table {
        table(doc, look, t);
    }
    if let Some(n) = &s.note {
        doc.text(n, look.small.grey());
    }
}

/// A4: the rows two to a line (label, value | label, value), read left to right; a strong row's
/// pair is bold, and a text too long for a value's column gets a line of its own.
fn grid(doc: &mut Document<'_>, look: &Look, rows: &[Row]) {
    const WIDTHS: [f32; 5] = [0.27, 0.19, 0.08, 0.27, 0.19];
    let room = WIDTHS[1] * look.paper.content_width();
    let mut pending: Vec<&Row> = Vec::new();
    let flush = |doc: &mut Document<'_>, pending: &mut Vec<&Row>| {
        if pending.is_empty() {
            return;
        }
        let mut columns = Vec::with_capacity(5);
        let mut cells = Vec::with_capacity(5);
        for (i, r) in pending.iter().enumerate() {
            if i > 0 {
                columns.push(Column::new(WIDTHS[2]));
                cells.push(String::new());
            }
            let (label, value) = (Column::new(WIDTHS[0]), Column::new(WIDTHS[1]).right());
            let (label, value) = if r.strong {
                (label.bold(), value.bold())
            } else {
                (label, value)
            };
            columns.extend([label, value]);
            cells.extend([r.label.clone(), r.value.display()]);
        }
        // The line's right end stays at the grid's, also when only the left pair is filled.
        if pending.len() == 1 {
            columns.push(Column::new(WIDTHS[2] + WIDTHS[3] + WIDTHS[4]));
            cells.push(String::new());
        }
        doc.row(&columns, &cells, look.body);
        pending.clear();
    };
    for r in rows {
        let value = r.value.display();
        if matches!(r.value, Value::Text(_)) && doc.width_of(&value, look.body.size) > room {
            flush(doc, &mut pending);
            pair(doc, look, r);
            continue;
        }
        pending.push(r);
        if pending.len() == 2 {
            flush(doc, &mut pending);
        }
    }
    flush(doc, &mut pending);
}

/// A label and its value on one line; a text too long for the value's column on the next.
fn pair(doc: &mut Document<'_>, look: &Look, row: &Row) {
    let style = if row.strong {
        look.body.bold()
    } else {
        look.body
    };
    let value = row.value.display();
    let room = look.pair[1].width * look.paper.content_width();
    if matches!(row.value, Value::Text(_)) && doc.width_of(&value, style.size) > room {
        doc.text(&row.label, style);
        doc.text_indented(&value, look.small, 2.0);
        return;
    }
    doc.row(&look.pair, &[row.label.clone(), value], style);
}

fn table(doc: &mut Document<'_>, look: &Look, t: &Table) {
    // On a roll, a column marked `under_previous` joins the cell before it.
    let fold = !look.a4;
    let mut heads: Vec<&report_doc::Column> = Vec::new();
    for c in &t.columns {
        if !(fold && c.under_previous && !heads.is_empty()) {
            heads.push(c);
        }
    }
    let cells = |row: &[Value]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (c, v) in t.columns.iter().zip(row) {
            let text = v.display();
            match out.last_mut() {
                Some(last) if fold && c.under_previous => {
                    if !text.trim().is_empty() {
                        last.push('\n');
                        last.push_str(&text);
                    }
                }
                _ => out.push(text),
            }
        }
        out
    };
    if t.rows.is_empty() {
        doc.text("（无）", look.small.grey());
        return;
    }
    if heads.len() > look.max_columns {
        // Too wide for the roll: each row a block, its first cell as the block's title.
        for (i, row) in t.rows.iter().enumerate() {
            if i > 0 {
                doc.space(1.0);
            }
            let cells = cells(row);
            doc.text(&cells[0], look.body.bold());
            for (h, v) in heads.iter().zip(&cells).skip(1) {
                doc.row(
                    &look.pair,
                    &[format!("　{}", h.title), v.clone()],
                    look.body,
                );
            }
        }
        return;
    }
    let total: f32 = heads.iter().map(|c| f32::from(c.weight)).sum();
    let columns: Vec<Column> = heads
        .iter()
        .map(|c| {
            let col = Column::new(f32::from(c.weight) / total.max(1.0));
            if c.numeric {
                col.right()
            } else {
                col
            }
        })
        .collect();
    let titles: Vec<&str> = heads.iter().map(|c| c.title.as_str()).collect();
    doc.table_header(&columns, &titles, look.body);
    // Rows of two lines (a spec under the name) are told apart by a little space.
    let spaced = fold && t.columns.iter().any(|c| c.under_previous);
    for (i, row) in t.rows.iter().enumerate() {
        if spaced && i > 0 {
            doc.space(0.8);
        }
        doc.row(&columns, &cells(row), look.body);
    }
    doc.end_table();
}

fn signatures(doc: &mut Document<'_>, look: &Look, labels: &[String]) {
    let left = look.paper.margins.left;
    let width = look.printable_mm();
    let line = |x: f32, w: f32| RectMm {
        x,
        y: 9.5,
        w,
        h: 0.3,
    };
    if look.a4 {
        // Side by side, each over its half of the page.
        let n = labels.len().max(1);
        let share = 1.0 / n as f32;
        let columns: Vec<Column> = labels.iter().map(|_| Column::new(share)).collect();
        let cells: Vec<String> = labels.iter().map(|l| format!("{l}：")).collect();
        doc.space(4.0);
        doc.keep(mm_to_pt(14.0));
        doc.row(&columns, &cells, look.body);
        let gap = 10.0;
        let each = width / n as f32;
        let rects: Vec<RectMm> = (0..n)
            .map(|i| line(left + i as f32 * each, each - gap))
            .collect();
        doc.filled(10.0, &rects);
    } else {
        for l in labels {
            doc.space(2.0);
            doc.text(&format!("{l}："), look.body);
            doc.filled(10.0, &[line(left, width)]);
        }
    }
}

fn mm_to_pt(mm: f32) -> f32 {
    mm * crate::layout::PT_PER_MM
}
