//! The guidance slip (用药指导单) as a PDF: on the till's receipt roll (80 or 58 mm, one page as
//! long as the slip) or on A5 for an office printer. What it says comes from
//! `pos_core::pharmacy::guidance::GuidanceSlip`: the pharmacy's contact details as on the
//! receipt, the sale (receipt number, time), the member masked, and for each drug its name, spec,
//! manufacturer, batch and expiry and quantity, the guidance fields with their labels, and the
//! pharmacist who gave it. Everything in black and at least the receipt's body size: it is read
//! at home, often by older people.

use chrono::NaiveDateTime;
use pos_core::pharmacy::guidance::{GuidanceSlip, SlipItem};

use crate::fonts::Fonts;
use crate::header_lines;
use crate::layout::{Column, Document, Margins, Meta, Paper, Pdf, Rule, Style};

/// A5 portrait, 148 × 210 mm.
pub const A5: Paper = Paper {
    width: 148.0,
    height: Some(210.0),
    margins: Margins {
        top: 12.0,
        right: 12.0,
        bottom: 14.0,
        left: 12.0,
    },
    column_gap: 3.0,
};

/// A5: two label | value pairs to a row (the usage fields).
const SHEET_PAIRS: [Column; 4] = [
    Column::new(0.16).bold(),
    Column::new(0.34),
    Column::new(0.16).bold(),
    Column::new(0.34),
];

/// The sizes of one paper.
struct Look {
    paper: Paper,
    name: Style,
    contact: Style,
    title: Style,
    body: Style,
    drug: Style,
    /// Label | value of a guidance field.
    field: [Column; 2],
    /// Label | value of the sale's details.
    info: [Column; 2],
    sheet: bool,
    /// 58 mm: batch and expiry, pharmacist and time, each on a line of their own.
    narrow: bool,
}

impl Look {
    fn for_paper(roll_mm: Option<u32>) -> Look {
        match roll_mm {
            Some(mm) if mm < 70 => Look {
                paper: Paper::ROLL_58,
                name: Style::new(12.0).bold().center().leading(1.3),
                contact: Style::new(7.5).center(),
                title: Style::new(11.5).bold().center().leading(1.5),
                body: Style::new(8.5),
                drug: Style::new(9.5).bold(),
                field: [Column::new(0.34).bold(), Column::new(0.66)],
                info: [Column::new(0.3), Column::new(0.7)],
                sheet: false,
                narrow: true,
            },
            Some(_) => Look {
                paper: Paper::ROLL_80,
                name: Style::new(14.0).bold().center().leading(1.3),
                contact: Style::new(8.0).center(),
                title: Style::new(13.0).bold().center().leading(1.5),
                body: Style::new(9.0),
                drug: Style::new(10.5).bold(),
                field: [Column::new(0.3).bold(), Column::new(0.7)],
                info: [Column::new(0.25), Column::new(0.75)],
                sheet: false,
                narrow: false,
            },
            None => Look {
                paper: A5,
                name: Style::new(16.0).bold().center().leading(1.3),
                contact: Style::new(9.0).center(),
                title: Style::new(18.0).bold().center().leading(1.6),
                body: Style::new(10.0),
                drug: Style::new(11.5).bold(),
                field: [Column::new(0.16).bold(), Column::new(0.84)],
                info: [Column::new(0.16), Column::new(0.84)],
                sheet: true,
                narrow: false,
            },
        }
    }
}

/// The guidance fields of an item that were filled, as (label, value).
pub fn filled_fields(item: &SlipItem) -> Vec<(&'static str, String)> {
    item.guidance
        .fields()
        .into_iter()
        .filter(|(_, _, v, _)| !v.is_empty())
        .map(|(_, label, v, _)| (label, v.to_owned()))
        .collect()
}

/// The drug's details under its name: spec, manufacturer, batch and expiry, quantity.
pub fn drug_details(item: &SlipItem) -> Vec<String> {
    let mut out = Vec::new();
    let mut first = Vec::new();
    if !item.spec.trim().is_empty() {
        first.push(format!("规格 {}", item.spec.trim()));
    }
    first.push(format!("数量 {} {}", item.quantity, item.unit));
    out.push(first.join("　"));
    if !item.manufacturer.trim().is_empty() {
        out.push(format!("生产厂家 {}", item.manufacturer.trim()));
    }
    match (&item.batch_no, &item.expires_on) {
        (Some(b), Some(e)) => out.push(format!("批号 {b}　有效期至 {e}")),
        (Some(b), None) => out.push(format!("批号 {b}")),
        (None, Some(e)) => out.push(format!("有效期至 {e}")),
        (None, None) => {}
    }
    out
}

/// Renders the slip on a roll `Some(80 | 58)` mm wide or on A5 (`None`).
pub fn render(fonts: &Fonts, s: &GuidanceSlip, roll_mm: Option<u32>) -> Result<Pdf, String> {
    let look = Look::for_paper(roll_mm);
    let mut doc = Document::new(fonts, look.paper);
    let body = look.body;
    if look.sheet {
        doc.set_footer(format!("用药指导单 {}", s.receipt_no));
    }

    // The pharmacy, as on the receipt.
    let header = header_lines(&s.pharmacy);
    if let Some((name, rest)) = header.split_first() {
        doc.text(name, look.name);
        for l in rest {
            doc.text(l, look.contact);
        }
    }
    doc.space(1.0);
    doc.text("用药指导单", look.title);
    doc.rule(Rule::Heavy);
    doc.row(&look.info, &["小票号", s.receipt_no.as_str()], body);
    doc.row(&look.info, &["购药时间", s.sale_time.as_str()], body);
    if let Some(m) = &s.member {
        if look.sheet {
            doc.row(
                &look.info,
                &[
                    "会员".to_owned(),
                    format!("{}　卡号 {}", m.phone_masked, m.card_masked),
                ],
                body,
            );
        } else {
            doc.row(&look.info, &["会员", m.phone_masked.as_str()], body);
            doc.row(&look.info, &["会员卡", m.card_masked.as_str()], body);
        }
    }

    for item in &s.items {
        doc.rule(Rule::Dashed);
        doc.text(&item.name, look.drug);
        let mut details = drug_details(item);
        if look.narrow {
            // 批号 … 有效期至 … does not fit one 58 mm line: one line each.
            details = details
                .into_iter()
                .flat_map(|d| d.split('　').map(str::to_owned).collect::<Vec<_>>())
                .collect();
        }
        if look.sheet {
            // A5 is wide: the details on fewer lines, the usage fields two to a row.
            doc.text_indented(&details.join("　"), body, 1.0);
        } else {
            for d in &details {
                doc.text_indented(d, body, 1.0);
            }
        }
        doc.space(0.8);
        let fields = filled_fields(item);
        let (usage, rest): (Vec<_>, Vec<_>) = fields
            .into_iter()
            .partition(|(label, _)| ["用量", "频次", "服用时间", "疗程"].contains(label));
        if look.sheet {
            for pair in usage.chunks(2) {
                let mut cells = Vec::new();
                for (label, value) in pair {
                    cells.push((*label).to_owned());
                    cells.push(value.clone());
                }
                cells.resize(4, String::new());
                doc.row(&SHEET_PAIRS, &cells, body);
            }
        } else {
            for (label, value) in usage {
                doc.row(&look.field, &[label.to_owned(), value], body);
            }
        }
        for (label, value) in rest {
            doc.row(&look.field, &[label.to_owned(), value], body);
        }
        doc.space(0.8);
        if !item.pharmacist.is_empty() {
            if look.narrow {
                doc.text(&format!("指导药师 {}", item.pharmacist), body.bold());
                doc.text(&format!("指导时间 {}", item.at), body);
            } else {
                doc.text(
                    &format!("指导药师 {}　{}", item.pharmacist, item.at),
                    body.bold(),
                );
            }
        } else {
            doc.text(&format!("指导时间 {}", item.at), body);
        }
    }
    doc.rule(Rule::Dashed);
    for f in &s.footer {
        doc.text(f, body);
    }
    if !s.pharmacy.phone.is_empty() {
        doc.text(&format!("用药咨询电话：{}", s.pharmacy.phone), body);
    }
    if look.sheet {
        doc.space(4.0);
        doc.row(
            &[Column::new(0.5), Column::new(0.5)],
            &["药师签名：＿＿＿＿＿＿", "顾客签名：＿＿＿＿＿＿"],
            body,
        );
    }
    doc.space(1.5);
    doc.text(&format!("打印时间 {}", s.printed_at), Style::new(7.5));
    let created_unix = NaiveDateTime::parse_from_str(&s.printed_at, "%Y-%m-%d %H:%M:%S")
        .map(|t| t.and_utc().timestamp() - 8 * 3600)
        .unwrap_or(0);
    doc.finish(&Meta {
        title: format!("用药指导单 {}", s.receipt_no),
        author: s.pharmacy.name.clone(),
        subject: "用药指导单".to_owned(),
        created_unix,
    })
}
