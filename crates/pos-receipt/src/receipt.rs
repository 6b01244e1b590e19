//! The sale and return receipt as a PDF on an 80 mm or 58 mm roll (PRODUCT.md §6): one page as
//! long as the receipt. What it says comes from `pos_core::sale::receipt::Receipt`; this module
//! only decides how it looks.
//!
//! 80 mm: a table of name | quantity | unit price | amount, with the rate (金卡 95折), spec,
//! manufacturer, batch and expiry under each line in black, and the pharmacist's guidance in the
//! body size. 58 mm is too narrow for four columns: the name has its own line, then those
//! details, then `quantity × unit price` with the amount on the right. The bill-level deductions
//! follow the lines once, so the amounts printed add up to 应收 (a return: to 退款合计).
//! The receipt number ends the receipt as a Code 128 bar code, in digits, and as a QR code.

use chrono::NaiveDateTime;
use pos_core::money::Money;
use pos_core::sale::receipt::{LineRefund, Receipt, ReceiptKind, ReceiptLine};

use crate::codes;
use crate::fonts::Fonts;
use crate::header_lines;
use crate::layout::{Column, Document, Meta, Paper, Pdf, Rule, Style};

/// `¥12.80`, `-¥3.00`.
pub fn yuan(m: Money) -> String {
    if m.fen() < 0 {
        format!("-¥{}", Money::from_fen(-m.fen()))
    } else {
        format!("¥{m}")
    }
}

/// A discount, printed as money taken off: `-¥3.00`.
fn minus(m: Money) -> String {
    yuan(Money::from_fen(-m.fen().abs()))
}

/// The sizes and measures of one paper width.
struct Look {
    paper: Paper,
    narrow: bool,
    body: Style,
    small: Style,
    name: Style,
    title: Style,
    total: Style,
    /// Widest bar-code module, and the QR module, in mm.
    bar_module: f32,
    bar_height: f32,
    qr_module: f32,
}

impl Look {
    fn for_width(paper_mm: u32) -> Look {
        if paper_mm < 70 {
            Look {
                paper: Paper::ROLL_58,
                narrow: true,
                body: Style::new(8.0),
                small: Style::new(7.0),
                name: Style::new(12.0).bold().center().leading(1.3),
                title: Style::new(10.5).bold().center(),
                total: Style::new(12.0).bold(),
                bar_module: 0.5,
                bar_height: 9.0,
                qr_module: 0.875,
            }
        } else {
            Look {
                paper: Paper::ROLL_80,
                narrow: false,
                body: Style::new(8.5),
                small: Style::new(7.5),
                name: Style::new(14.0).bold().center().leading(1.3),
                title: Style::new(11.5).bold().center(),
                total: Style::new(13.0).bold(),
                bar_module: 0.5,
                bar_height: 10.0,
                qr_module: 1.0,
            }
        }
    }

    fn printable_mm(&self) -> f32 {
        self.paper.width - self.paper.margins.left - self.paper.margins.right
    }
}

/// Label on the left, value on the right.
const PAIR: [Column; 2] = [Column::new(0.55), Column::new(0.45).right()];

/// 80 mm item table: name | quantity | unit price | amount.
const ITEMS_80: [Column; 4] = [
    Column::new(0.45),
    Column::new(0.11).right(),
    Column::new(0.21).right(),
    Column::new(0.23).right(),
];

/// 58 mm: what is under the name (quantity × price) | amount.
const ITEMS_58: [Column; 2] = [Column::new(0.6), Column::new(0.4).right()];

/// A returned line's deductions, indented under it: label | amount.
const UNDER: [Column; 3] = [
    Column::new(0.05),
    Column::new(0.65),
    Column::new(0.30).right(),
];

/// Seconds since 1970 of the receipt's local time (UTC+8), for the PDF's dates.
fn unix_time(local: &str) -> i64 {
    NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M:%S")
        .map(|t| t.and_utc().timestamp() - 8 * 3600)
        .unwrap_or(0)
}

/// The lines of detail under a receipt line: its rate, then spec and manufacturer, then batch
/// and expiry (each part only when known).
fn details(l: &ReceiptLine) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rate) = &l.rate {
        out.push(format!("会员价：{rate}"));
    }
    let mut first = Vec::new();
    if !l.spec.trim().is_empty() {
        first.push(format!("规格 {}", l.spec.trim()));
    }
    if !l.manufacturer.trim().is_empty() {
        first.push(format!("生产厂家 {}", l.manufacturer.trim()));
    }
    if !first.is_empty() {
        out.push(first.join("　"));
    }
    let mut second = Vec::new();
    if let Some(b) = &l.batch_no {
        second.push(format!("批号 {b}"));
    }
    if let Some(e) = &l.expires_on {
        second.push(format!("有效期至 {e}"));
    }
    if !second.is_empty() {
        out.push(second.join("　"));
    }
    out
}

/// Under a returned line: the deductions it carried and why they do not come back as money,
/// what was paid and what is refunded, and how the refund goes back.
fn refund_details(doc: &mut Document, r: &LineRefund, style: Style) {
    for d in &r.deductions {
        doc.row(
            &UNDER,
            &[String::new(), d.label.clone(), minus(d.amount)],
            style,
        );
    }
    doc.text_indented(
        &format!("实付 {}，退款 {}", yuan(r.paid), yuan(r.refunded)),
        style,
        2.0,
    );
    for n in &r.notes {
        doc.text_indented(n, style, 2.0);
    }
}

/// `line` as lines of whole clauses (split after ，；。) that fit `room` points when they can;
/// a clause longer than a line is left for the layout to wrap.
fn clauses(doc: &mut Document, line: &str, size: f32, room: f32) -> Vec<String> {
    if doc.width_of(line, size) <= room {
        return vec![line.to_owned()];
    }
    let mut parts: Vec<String> = Vec::new();
    let mut clause = String::new();
    for c in line.chars() {
        clause.push(c);
        if matches!(c, '，' | '；' | '。') {
            parts.push(std::mem::take(&mut clause));
        }
    }
    if !clause.is_empty() {
        parts.push(clause);
    }
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(last) if doc.width_of(&format!("{last}{part}"), size) <= room => {
                last.push_str(&part)
            }
            _ => lines.push(part),
        }
    }
    lines
}

/// Renders `r` on paper `paper_mm` (80 or 58; anything under 70 is taken as 58) wide.
pub fn render(fonts: &Fonts, r: &Receipt, paper_mm: u32) -> Result<Pdf, String> {
    let look = Look::for_width(paper_mm);
    let mut doc = Document::new(fonts, look.paper);
    let is_return = r.kind == ReceiptKind::Return;
    let body = look.body;

    // The pharmacy: name, address, phone, licence.
    let header = header_lines(&r.pharmacy);
    if let Some((name, rest)) = header.split_first() {
        doc.text(name, look.name);
        for line in rest {
            doc.text(line, look.small.center());
        }
    }
    doc.space(1.0);
    doc.text(&r.title, look.title);
    if r.reprint {
        doc.text("【重印】", look.title.leading(1.3));
        doc.text("此为重印副本，非首次打印", look.small.center());
    }
    doc.rule(Rule::Dashed);

    // Which receipt, when, who.
    let info = |doc: &mut Document, label: &str, value: &str| {
        doc.text(&format!("{label}：{value}"), body);
    };
    info(&mut doc, "单号", &r.receipt_no);
    if look.narrow {
        info(&mut doc, "时间", &r.time);
        info(&mut doc, "收银员", &r.cashier);
    } else {
        doc.row(
            &[Column::new(0.62), Column::new(0.38).right()],
            &[
                format!("时间：{}", r.time),
                format!("收银员：{}", r.cashier),
            ],
            body,
        );
    }
    if is_return {
        if let Some(no) = &r.original_receipt_no {
            info(&mut doc, "原销售单号", no);
        }
        if let Some(reason) = &r.return_reason {
            info(&mut doc, "退货原因", reason);
        }
        if let Some(by) = &r.approved_by {
            info(&mut doc, "审核店长", by);
        }
    }
    doc.rule(Rule::Dashed);

    // The lines.
    if look.narrow {
        doc.table_header(&ITEMS_58, &["品名　数量×单价", "金额"], body);
    } else {
        doc.table_header(&ITEMS_80, &["品名", "数量", "单价", "金额"], body);
    }
    // Details in black: thermal printers dither grey into dots that are hard to read.
    let note = look.small;
    for (i, l) in r.lines.iter().enumerate() {
        if i > 0 {
            doc.space(1.2);
        }
        let details = details(l);
        if look.narrow {
            doc.text(&l.name, body);
            for d in &details {
                doc.text_indented(d, note, 2.0);
            }
            doc.row(
                &ITEMS_58,
                &[
                    format!("　{} × {}", l.quantity, yuan(l.unit_price)),
                    yuan(l.amount),
                ],
                body,
            );
        } else {
            doc.row(
                &ITEMS_80,
                &[
                    l.name.clone(),
                    l.quantity.to_string(),
                    yuan(l.unit_price),
                    yuan(l.amount),
                ],
                body,
            );
            for d in &details {
                doc.text_indented(d, note, 2.0);
            }
        }
        if let Some(g) = l
            .guidance
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            // The pharmacist's advice is read at home: the body size, never grey. Structured
            // guidance comes as parts (usage, 留意, 禁忌, 备注, 指导药师), one line each.
            for (i, part) in g
                .lines()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .enumerate()
            {
                if i == 0 {
                    doc.text_indented(&format!("用药指导：{part}"), body, 2.0);
                } else {
                    doc.text_indented(part, body, 4.0);
                }
            }
        }
        if let Some(refund) = &l.refund {
            refund_details(&mut doc, refund, note);
        }
    }
    doc.end_table();
    doc.rule(Rule::Dashed);

    // Amounts.
    let count: u32 = r.lines.iter().map(|l| l.quantity).sum();
    let subtotal_label = if is_return {
        format!("退货商品金额（共 {count} 件）")
    } else {
        format!("商品金额（共 {count} 件）")
    };
    doc.row(&PAIR, &[subtotal_label, yuan(r.subtotal)], body);
    for d in &r.deductions {
        doc.row(&PAIR, &[d.label.clone(), minus(d.amount)], body);
    }
    doc.rule(Rule::Heavy);
    let total_label = if is_return { "退款合计" } else { "应收" };
    doc.row(
        &[Column::new(0.4), Column::new(0.6).right()],
        &[total_label.to_owned(), yuan(r.total)],
        look.total,
    );
    if let Some(s) = &r.savings_included {
        let note = format!("{} {}，不再扣减", s.label, yuan(s.amount));
        let room = look.paper.content_width();
        for part in clauses(&mut doc, &note, look.small.size, room) {
            doc.text(&part, look.small);
        }
    }
    if !r.payments.is_empty() {
        doc.space(0.8);
        let heading = if is_return {
            "退款方式"
        } else {
            "付款方式"
        };
        doc.text(heading, look.small);
        for p in &r.payments {
            doc.row(&PAIR, &[p.label.clone(), yuan(p.amount)], body);
        }
    }
    if !is_return || r.change.fen() != 0 {
        doc.row(&PAIR, &["找零".to_owned(), yuan(r.change)], body);
    }

    // The member.
    if let Some(m) = &r.member {
        doc.rule(Rule::Dashed);
        let pair = |doc: &mut Document, label: &str, value: String| {
            doc.row(&PAIR, &[label.to_owned(), value], body);
        };
        pair(&mut doc, "会员卡号", m.card_masked.clone());
        if !m.phone_masked.is_empty() {
            pair(&mut doc, "手机号", m.phone_masked.clone());
        }
        if !m.tier.is_empty() {
            pair(&mut doc, "会员等级", m.tier.clone());
        }
        if is_return {
            // On a return the model carries points taken back as negative "earned" and points
            // given back as negative "used".
            if m.points_earned != 0 {
                pair(&mut doc, "扣回积分", format!("-{}", m.points_earned.abs()));
            }
            if m.points_used != 0 {
                pair(
                    &mut doc,
                    "退回积分",
                    format!("+{}（{}）", m.points_used.abs(), yuan(m.points_used_value)),
                );
            }
        } else {
            pair(&mut doc, "本次积分", format!("+{}", m.points_earned));
            // Why they are more than the base: 会员日 2 倍积分, 加倍积分商品 … 3 倍.
            for note in &m.points_notes {
                doc.text_indented(note, look.small, 2.0);
            }
            if m.points_used != 0 {
                pair(
                    &mut doc,
                    "本次使用积分",
                    format!("-{}（抵 {}）", m.points_used, yuan(m.points_used_value)),
                );
            }
        }
        pair(&mut doc, "积分余额", m.points_balance.to_string());
    }
    if let Some(p) = r.pharmacist.as_deref().filter(|p| !p.is_empty()) {
        doc.rule(Rule::Dashed);
        doc.row(&PAIR, &["审方药师".to_owned(), p.to_owned()], body);
    }

    // The return policy and the other closing lines: a line too long for the paper breaks
    // after a clause (，；。) rather than leaving a word or two on a line of their own.
    doc.rule(Rule::Dashed);
    let room = look.paper.content_width();
    for line in &r.footer {
        for part in clauses(&mut doc, line, look.small.size, room) {
            doc.text(&part, look.small.center());
        }
    }

    // The receipt number for the scanner: Code 128, digits, QR.
    doc.space(3.0);
    let printable = look.printable_mm();
    if let Some(bar) = codes::place_code128(
        &r.receipt_no,
        look.paper.width,
        printable,
        look.bar_module,
        look.bar_height,
    )? {
        doc.filled(look.bar_height, &bar.bars);
    }
    doc.text(&r.receipt_no, body.center());
    // The QR code's quiet zone above (the number's line is white to its sides).
    let qr = codes::qr_matrix(&r.receipt_no)?;
    let quiet = codes::QR_QUIET_MODULES as f32 * look.qr_module;
    doc.space(quiet - 1.5);
    let (modules, side) = codes::place_qr(&qr, look.paper.width, look.qr_module);
    doc.filled(side, &modules);
    // The bottom margin (6 mm) is the quiet zone below.

    let title = format!("{} {}", r.title, r.receipt_no);
    doc.finish(&Meta {
        title: if r.reprint {
            format!("{title}（重印）")
        } else {
            title
        },
        author: r.pharmacy.name.clone(),
        subject: if is_return {
            "退货小票".to_owned()
        } else {
            "销售小票".to_owned()
        },
        created_unix: unix_time(&r.time),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_with_the_yuan_sign() {
        assert_eq!(yuan(Money::from_fen(1280)), "¥12.80");
        assert_eq!(yuan(Money::from_fen(-300)), "-¥3.00");
        assert_eq!(minus(Money::from_fen(300)), "-¥3.00");
        assert_eq!(minus(Money::from_fen(0)), "¥0.00");
    }

    #[test]
    fn the_pdf_date_is_the_receipt_time_in_utc() {
        // 10:00 in China is 02:00 UTC.
        assert_eq!(unix_time("2026-11-23 10:00:00"), 1_795_399_200);
        assert_eq!(unix_time("garbage"), 0);
    }
}
