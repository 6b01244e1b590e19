//! A till's test print (测试打印) as a PDF on its roll: what the settings screen's button sends,
//! so whoever sets a till up sees at once that the right queue prints this paper at full size —
//! the pharmacy, the till, the printer, the paper width and the time, a millimetre ruler across
//! the whole printable width (a ruler that is short, scaled or cut off shows a wrong paper size),
//! and the sample 测试打印 ¥12.34 in the body and in a large size.

use chrono::NaiveDateTime;
use pos_core::till::{PrinterFormat, TestPage, TEST_SAMPLE};

use crate::fonts::Fonts;
use crate::layout::{Column, Document, Meta, Paper, Pdf, RectMm, Rule, Style};

/// How the settings screen names a format (the same words on paper).
pub fn format_label(f: PrinterFormat) -> &'static str {
    match f {
        PrinterFormat::Pdf => "PDF（打印机驱动）",
        PrinterFormat::Escpos => "ESC/POS（热敏小票机）",
    }
}

/// The ruler's ticks: a base line across `printable` mm from `left`, a short tick every
/// millimetre, a longer one every 5 and the longest every 10 (and at both ends).
fn ruler(left: f32, printable: f32) -> Vec<RectMm> {
    let line = 0.25;
    let mut rects = vec![RectMm {
        x: left,
        y: 4.0 - line,
        w: printable,
        h: line,
    }];
    let whole = printable.floor() as u32;
    for i in 0..=whole {
        let h = if i % 10 == 0 || i == whole {
            4.0
        } else if i % 5 == 0 {
            2.8
        } else {
            1.6
        };
        // The last tick sits inside the printable width.
        let x = (left + i as f32).min(left + printable - line);
        rects.push(RectMm {
            x,
            y: 4.0 - h,
            w: line,
            h,
        });
    }
    rects
}

/// Renders the test page on the till's roll (80 or 58 mm).
pub fn render(fonts: &Fonts, p: &TestPage) -> Result<Pdf, String> {
    let paper = if p.paper_mm < 70 {
        Paper::ROLL_58
    } else {
        Paper::ROLL_80
    };
    let printable = paper.width - paper.margins.left - paper.margins.right;
    let mut doc = Document::new(fonts, paper);
    let body = Style::new(if p.paper_mm < 70 { 8.0 } else { 8.5 });
    doc.text("测试打印", Style::new(14.0).bold().center().leading(1.3));
    doc.text(&p.pharmacy, body.center());
    doc.rule(Rule::Dashed);
    let pair = [Column::new(0.35), Column::new(0.65).right()];
    for (label, value) in [
        ("收银台", format!("{:02}", p.till_no)),
        ("打印机", p.printer.clone()),
        ("打印方式", format_label(p.format).to_owned()),
        (
            "纸宽",
            format!("{} 毫米（可打印 {printable:.0} 毫米）", p.paper_mm),
        ),
        ("时间", p.time.clone()),
    ] {
        doc.row(&pair, &[label.to_owned(), value], body);
    }
    doc.rule(Rule::Dashed);
    doc.text("标尺（每小格 1 毫米）", body);
    doc.space(1.0);
    doc.filled(4.0, &ruler(paper.margins.left, printable));
    doc.row(
        &[Column::new(0.5), Column::new(0.5).right()],
        &["0".to_owned(), format!("{printable:.0} 毫米")],
        body,
    );
    doc.rule(Rule::Dashed);
    doc.text(TEST_SAMPLE, body);
    doc.text(TEST_SAMPLE, Style::new(16.0).bold().center().leading(1.3));
    doc.rule(Rule::Dashed);
    doc.text(
        &format!(
            "用尺量标尺应正好 {printable:.0} 毫米，不缩小、不截断；中文与 ¥ 符号清晰完整，即为设置正确。"
        ),
        Style::new(7.5),
    );
    let created_unix = NaiveDateTime::parse_from_str(&p.time, "%Y-%m-%d %H:%M:%S")
        .map(|t| t.and_utc().timestamp() - 8 * 3600)
        .unwrap_or(0);
    doc.finish(&Meta {
        title: format!("测试打印 收银台 {:02}", p.till_no),
        author: p.pharmacy.clone(),
        subject: "测试打印".to_owned(),
        created_unix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ruler_spans_the_printable_width() {
        let r = ruler(4.0, 72.0);
        // The base line and 73 ticks (0 to 72 mm).
        assert_eq!(r.len(), 74);
        assert_eq!((r[0].x, r[0].w), (4.0, 72.0));
        let last = r.last().unwrap();
        assert!(last.x + last.w <= 76.0 + 1e-4, "{last:?}");
        assert_eq!(r[1].h, 4.0, "0 is a long tick");
        assert_eq!(r[6].h, 2.8, "5 mm");
        assert_eq!(r[2].h, 1.6, "1 mm");
    }
}
