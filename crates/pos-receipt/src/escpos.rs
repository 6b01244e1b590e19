//! The receipt as ESC/POS bytes for a thermal printer driven directly (USB/serial/network raw
//! port) rather than through a PDF: the same contents as the PDF receipt, in the printer's own
//! font.
//!
//! Text is GB18030, as Chinese thermal printers expect in their Chinese mode (`FS &`). A printer
//! prints an ASCII byte half-width (12 dots) and every multi-byte character full-width (24
//! dots), so a line holds 48 columns on 80 mm paper and 32 on 58 mm, counting each non-ASCII
//! character as 2. The total is printed bold and double height; the receipt number as a Code 128
//! bar code (`GS k`) with its digits below, and as a QR code (`GS ( k`); the paper is cut at the
//! end (`GS V`). A receipt that takes or pays out cash opens the cash drawer first (`ESC p`,
//! the printer's drawer port), so the cashier never reaches for a key.

use encoding_rs::GB18030;
use pos_core::money::Money;
use pos_core::pharmacy::guidance::GuidanceSlip;
use pos_core::report_doc::{ReportDoc, Table};
use pos_core::sale::receipt::{Receipt, ReceiptKind, ReceiptLine};
use pos_core::till::{TestPage, TEST_SAMPLE};

use crate::header_lines;

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const FS: u8 = 0x1C;
const LF: u8 = 0x0A;

/// `ESC @`: initialise the printer.
pub const INIT: [u8; 2] = [ESC, b'@'];
/// `FS &`: Chinese character mode (multi-byte text is GB18030 / GBK).
pub const CHINESE_MODE: [u8; 2] = [FS, b'&'];
/// `GS V 66 0`: feed to the cutter and cut (partial cut: the receipt does not fall).
pub const CUT: [u8; 4] = [GS, b'V', 66, 0];
/// `ESC p 0 25 250`: a pulse on drawer pin 2 (the usual cash drawer port), on for 50 ms
/// (25 × 2 ms) and off for 500 ms — opens the cash drawer wired to the printer.
pub const DRAWER_KICK: [u8; 5] = [ESC, b'p', 0, 25, 250];

/// Columns of a line: 48 on 80 mm paper, 32 on 58 mm.
pub fn columns_for(paper_mm: u32) -> usize {
    if paper_mm < 70 {
        32
    } else {
        48
    }
}

/// How many columns `s` takes: ASCII 1, anything else (GB18030 multi-byte) 2.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Text as the printer gets it: control characters (which would be printer commands) become
/// spaces, then GB18030.
fn encode(s: &str) -> Vec<u8> {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    GB18030.encode(&clean).0.into_owned()
}

/// Splits `s` into lines of at most `cols` columns: between any two Chinese characters, at
/// spaces, and inside an ASCII word only when the word alone is longer than a line.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(2);
    // Tokens: one wide character, a run of ASCII non-space, or one space.
    let mut tokens: Vec<String> = Vec::new();
    for c in s.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let joins = c.is_ascii()
            && c != ' '
            && tokens
                .last()
                .is_some_and(|t| t.chars().all(|p| p.is_ascii() && p != ' '));
        match tokens.last_mut() {
            Some(t) if joins => t.push(c),
            _ => tokens.push(c.to_string()),
        }
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for t in tokens {
        let w = width(&t);
        if t == " " && used == 0 {
            continue;
        }
        if used + w <= cols {
            line.push_str(&t);
            used += w;
            continue;
        }
        if used > 0 {
            lines.push(line.trim_end().to_owned());
            line.clear();
            used = 0;
            if t == " " {
                continue;
            }
        }
        // A token longer than a line is cut where it must be.
        for c in t.chars() {
            let cw = width(c.encode_utf8(&mut [0; 4]));
            if used + cw > cols {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.trim_end().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

fn pad_right(s: &str, cols: usize) -> String {
    format!("{s}{}", " ".repeat(cols.saturating_sub(width(s))))
}

fn pad_left(s: &str, cols: usize) -> String {
    format!("{}{s}", " ".repeat(cols.saturating_sub(width(s))))
}

/// `12.80`, `-3.00`: the columns of the item table carry no currency sign.
fn amount(m: Money) -> String {
    m.to_string()
}

/// `￥608.60`: full-width yuan sign, which every GB printer font has (the half-width ¥ is
/// outside GBK).
fn yuan(m: Money) -> String {
    if m.fen() < 0 {
        format!("-￥{}", Money::from_fen(-m.fen()))
    } else {
        format!("￥{m}")
    }
}

#[derive(Clone, Copy)]
enum Align {
    Left = 0,
    Center = 1,
}

struct Writer {
    out: Vec<u8>,
    cols: usize,
}

impl Writer {
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn line(&mut self, s: &str) {
        let bytes = encode(s);
        self.out.extend_from_slice(&bytes);
        self.out.push(LF);
    }

    fn align(&mut self, a: Align) {
        self.raw(&[ESC, b'a', a as u8]);
    }

    fn bold(&mut self, on: bool) {
        self.raw(&[ESC, b'E', u8::from(on)]);
    }

    /// Character size: `GS !` for ASCII and `FS !` for Chinese characters.
    fn size(&mut self, double_width: bool, double_height: bool) {
        let gs = (if double_width { 0x10 } else { 0 }) | u8::from(double_height);
        let fs = (if double_width { 0x04 } else { 0 }) | (if double_height { 0x08 } else { 0 });
        self.raw(&[GS, b'!', gs, FS, b'!', fs]);
    }

    /// Wrapped text, every line after an indent of `indent` columns.
    fn text(&mut self, s: &str, indent: usize) {
        let pad = " ".repeat(indent);
        for l in wrap(s, self.cols.saturating_sub(indent)) {
            self.line(&format!("{pad}{l}"));
        }
    }

    /// `left` and `right` on one line, `right` flush right; when they do not fit together the
    /// left part wraps (keeping its indent) and `right` ends its last line (or gets a line of
    /// its own).
    fn pair(&mut self, left: &str, right: &str) {
        let rw = width(right);
        let body = left.trim_start_matches(' ');
        let pad = " ".repeat(left.len() - body.len());
        let mut lines: Vec<String> = wrap(body, self.cols.saturating_sub(pad.len()))
            .into_iter()
            .map(|l| format!("{pad}{l}"))
            .collect();
        let last = lines.pop().unwrap_or_default();
        for l in lines {
            self.line(&l);
        }
        if width(&last) + 1 + rw <= self.cols {
            self.line(&format!("{}{}", pad_right(&last, self.cols - rw), right));
        } else {
            self.line(&last);
            self.line(&pad_left(right, self.cols));
        }
    }

    fn rule(&mut self, c: char) {
        self.line(&c.to_string().repeat(self.cols));
    }

    /// Code 128 of `data` (`GS k` 73), digits printed below, `module` dots per module.
    fn code128(&mut self, data: &str, module: u8) {
        let mut payload: Vec<u8> = Vec::new();
        if !data.is_empty() && data.len() % 2 == 0 && data.bytes().all(|b| b.is_ascii_digit()) {
            // Code set C: one byte (0–99) for two digits.
            payload.extend_from_slice(b"{C");
            payload.extend(
                data.as_bytes()
                    .chunks(2)
                    .map(|p| (p[0] - b'0') * 10 + (p[1] - b'0')),
            );
        } else if data.bytes().all(|b| (0x20..0x7F).contains(&b)) {
            payload.extend_from_slice(b"{B");
            for b in data.bytes() {
                // `{` introduces a code-set switch; a literal one is written twice.
                if b == b'{' {
                    payload.push(b'{');
                }
                payload.push(b);
            }
        } else {
            return;
        }
        let Ok(n) = u8::try_from(payload.len()) else {
            return;
        };
        self.raw(&[GS, b'h', 80]); // 10 mm tall
        self.raw(&[GS, b'w', module]);
        self.raw(&[GS, b'H', 2]); // digits below
        self.raw(&[GS, b'f', 0]);
        self.raw(&[GS, b'k', 73, n]);
        self.raw(&payload);
        self.raw(&[LF]);
    }

    /// QR code of `data` (`GS ( k`, model 2, error correction H), `module` dots per module.
    fn qr(&mut self, data: &str, module: u8) {
        let bytes = data.as_bytes();
        let Ok(len) = u16::try_from(bytes.len() + 3) else {
            return;
        };
        let [pl, ph] = len.to_le_bytes();
        self.raw(&[GS, b'(', b'k', 4, 0, 49, 65, 50, 0]); // model 2
        self.raw(&[GS, b'(', b'k', 3, 0, 49, 67, module]); // module size
        self.raw(&[GS, b'(', b'k', 3, 0, 49, 69, 51]); // error correction H
        self.raw(&[GS, b'(', b'k', pl, ph, 49, 80, 48]); // store the data
        self.raw(bytes);
        self.raw(&[GS, b'(', b'k', 3, 0, 49, 81, 48]); // print it
        self.raw(&[LF]);
    }
}

/// The lines of detail under a receipt line: its rate, spec and manufacturer, batch and expiry.
fn details(l: &ReceiptLine) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rate) = &l.rate {
        out.push(format!("会员价：{}", printable(rate)));
    }
    let mut first = Vec::new();
    if !l.spec.trim().is_empty() {
        first.push(format!("规格 {}", l.spec.trim()));
    }
    if !l.manufacturer.trim().is_empty() {
        first.push(format!("生产厂家 {}", l.manufacturer.trim()));
    }
    if !first.is_empty() {
        out.push(first.join("  "));
    }
    let mut second = Vec::new();
    if let Some(b) = &l.batch_no {
        second.push(format!("批号 {b}"));
    }
    if let Some(e) = &l.expires_on {
        second.push(format!("有效期至 {e}"));
    }
    if !second.is_empty() {
        out.push(second.join("  "));
    }
    out
}

/// The receipt `r` as ESC/POS bytes for paper `paper_mm` (80 or 58; under 70 is taken as 58)
/// wide. Starts with `ESC @`, ends with a cut.
pub fn receipt_escpos(r: &Receipt, paper_mm: u32) -> Vec<u8> {
    let cols = columns_for(paper_mm);
    let narrow = cols < 48;
    let is_return = r.kind == ReceiptKind::Return;
    let mut w = Writer {
        out: Vec::with_capacity(2048),
        cols,
    };
    w.raw(&INIT);
    w.raw(&CHINESE_MODE);
    if r.open_drawer {
        w.raw(&DRAWER_KICK);
    }

    // The pharmacy.
    w.align(Align::Center);
    let header = header_lines(&r.pharmacy);
    if let Some((name, rest)) = header.split_first() {
        w.bold(true);
        w.size(true, true);
        for l in wrap(name, cols / 2) {
            w.line(&l);
        }
        w.size(false, false);
        w.bold(false);
        for line in rest {
            w.text(line, 0);
        }
    }
    w.bold(true);
    w.size(false, true);
    w.line(&r.title);
    if r.reprint {
        w.size(true, true);
        w.line("【重印】");
        w.size(false, false);
        w.bold(false);
        w.line("此为重印副本，非首次打印");
    }
    w.size(false, false);
    w.bold(false);
    w.align(Align::Left);
    w.rule('-');

    w.line(&format!("单号：{}", r.receipt_no));
    w.line(&format!("时间：{}", r.time));
    w.text(&format!("收银员：{}", r.cashier), 0);
    if is_return {
        if let Some(no) = &r.original_receipt_no {
            w.line(&format!("原销售单号：{no}"));
        }
        if let Some(reason) = &r.return_reason {
            w.text(&format!("退货原因：{reason}"), 0);
        }
        if let Some(by) = &r.approved_by {
            w.text(&format!("审核店长：{by}"), 0);
        }
    }
    w.rule('-');

    // The lines: 80 mm name(22) qty(5) price(10) amount(11); 58 mm name, then qty × price.
    let (name_w, qty_w, price_w) = (22, 5, 10);
    let amount_w = cols.saturating_sub(name_w + qty_w + price_w);
    if narrow {
        w.line(&format!(
            "{}{}",
            pad_right("品名  数量x单价", cols - 6),
            pad_left("金额", 6)
        ));
    } else {
        w.line(&format!(
            "{}{}{}{}",
            pad_right("品名", name_w),
            pad_left("数量", qty_w),
            pad_left("单价", price_w),
            pad_left("金额", amount_w)
        ));
    }
    w.rule('-');
    for l in &r.lines {
        if narrow {
            w.text(&l.name, 0);
            for d in details(l) {
                w.text(&d, 2);
            }
            w.pair(
                &format!("  {} x {}", l.quantity, amount(l.unit_price)),
                &amount(l.amount),
            );
        } else {
            let names = wrap(&l.name, name_w - 1);
            for (i, n) in names.iter().enumerate() {
                if i == 0 {
                    w.line(&format!(
                        "{}{}{}{}",
                        pad_right(n, name_w),
                        pad_left(&l.quantity.to_string(), qty_w),
                        pad_left(&amount(l.unit_price), price_w),
                        pad_left(&amount(l.amount), amount_w)
                    ));
                } else {
                    w.line(n);
                }
            }
            for d in details(l) {
                w.text(&d, 2);
            }
        }
        if let Some(g) = l
            .guidance
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            // Structured guidance: one part per line (usage, 留意, 禁忌, 备注, 指导药师).
            for (i, part) in g
                .lines()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .enumerate()
            {
                if i == 0 {
                    w.text(&format!("用药指导：{part}"), 2);
                } else {
                    w.text(part, 4);
                }
            }
        }
        if let Some(refund) = &l.refund {
            for d in &refund.deductions {
                w.pair(
                    &format!("  {}", d.label),
                    &yuan(Money::from_fen(-d.amount.fen().abs())),
                );
            }
            w.text(
                &format!("实付 {}，退款 {}", yuan(refund.paid), yuan(refund.refunded)),
                2,
            );
            for n in &refund.notes {
                w.text(&printable(n), 2);
            }
        }
    }
    w.rule('-');

    // Amounts.
    let count: u32 = r.lines.iter().map(|l| l.quantity).sum();
    let label = if is_return {
        "退货商品金额"
    } else {
        "商品金额"
    };
    w.pair(&format!("{label}（共{count}件）"), &yuan(r.subtotal));
    for d in &r.deductions {
        w.pair(&d.label, &yuan(Money::from_fen(-d.amount.fen().abs())));
    }
    w.rule('=');
    w.bold(true);
    w.size(false, true);
    w.pair(if is_return { "退款合计" } else { "应收" }, &yuan(r.total));
    w.size(false, false);
    w.bold(false);
    if let Some(s) = &r.savings_included {
        w.text(&format!("{} {}，不再扣减", s.label, yuan(s.amount)), 0);
    }
    for p in &r.payments {
        w.pair(&p.label, &yuan(p.amount));
    }
    if !is_return || r.change.fen() != 0 {
        w.pair("找零", &yuan(r.change));
    }

    // The member.
    if let Some(m) = &r.member {
        w.rule('-');
        w.pair("会员卡号", &m.card_masked);
        if !m.phone_masked.is_empty() {
            w.pair("手机号", &m.phone_masked);
        }
        if !m.tier.is_empty() {
            w.pair("会员等级", &m.tier);
        }
        if is_return {
            if m.points_earned != 0 {
                w.pair("扣回积分", &format!("-{}", m.points_earned.abs()));
            }
            if m.points_used != 0 {
                w.pair(
                    "退回积分",
                    &format!("+{}（{}）", m.points_used.abs(), yuan(m.points_used_value)),
                );
            }
        } else {
            w.pair("本次积分", &format!("+{}", m.points_earned));
            // Why they are more than the base: 会员日 2 倍积分, 加倍积分商品 … 3 倍.
            for note in &m.points_notes {
                w.text(note, 2);
            }
            if m.points_used != 0 {
                w.pair(
                    "本次使用积分",
                    &format!("-{}（抵 {}）", m.points_used, yuan(m.points_used_value)),
                );
            }
        }
        w.pair("积分余额", &m.points_balance.to_string());
    }
    if let Some(p) = r.pharmacist.as_deref().filter(|p| !p.is_empty()) {
        w.rule('-');
        w.pair("审方药师", p);
    }
    w.rule('-');
    w.align(Align::Center);
    for line in &r.footer {
        w.text(line, 0);
    }

    // The receipt number: bar code (0.5 mm modules on 80 mm, 0.375 mm on 58 mm, as the PDF),
    // then the QR code (1 mm / 0.875 mm modules).
    w.raw(&[LF]);
    w.code128(&r.receipt_no, if narrow { 3 } else { 4 });
    w.raw(&[LF]);
    w.qr(&r.receipt_no, if narrow { 7 } else { 8 });
    w.align(Align::Left);
    w.raw(&[ESC, b'd', 3]); // feed past the tear bar
    w.raw(&CUT);
    w.out
}

/// A till's test print as ESC/POS bytes: the pharmacy, the till, the printer, the paper and the
/// time, a ruler of column numbers exactly one line long (a ruler that wraps or stops short shows
/// a wrong paper width), and the sample 测试打印 ¥12.34 in the normal and the double size (its
/// Chinese characters and ￥ show whether the printer is in its Chinese mode).
pub fn test_page_escpos(p: &TestPage) -> Vec<u8> {
    let cols = columns_for(p.paper_mm);
    let mut w = Writer {
        out: Vec::with_capacity(1024),
        cols,
    };
    w.raw(&INIT);
    w.raw(&CHINESE_MODE);
    w.align(Align::Center);
    w.bold(true);
    w.size(true, true);
    w.line("测试打印");
    w.size(false, false);
    w.bold(false);
    w.text(&p.pharmacy, 0);
    w.align(Align::Left);
    w.rule('-');
    w.pair("收银台", &format!("{:02}", p.till_no));
    w.pair("打印机", &p.printer);
    w.pair("打印方式", crate::test_page::format_label(p.format));
    w.pair("纸宽", &format!("{} 毫米（每行 {cols} 列）", p.paper_mm));
    w.pair("时间", &p.time);
    w.rule('-');
    w.line("标尺（每行应正好打满）：");
    // Tens above units: `.........1.........2…` over `1234567890…`.
    let tens: String = (1..=cols)
        .map(|i| match i % 10 {
            0 => char::from_digit(((i / 10) % 10) as u32, 10).unwrap_or('0'),
            5 => '+',
            _ => '.',
        })
        .collect();
    let units: String = (1..=cols)
        .map(|i| char::from_digit((i % 10) as u32, 10).unwrap_or('0'))
        .collect();
    w.line(&tens);
    w.line(&units);
    w.rule('-');
    w.line(&printable(TEST_SAMPLE));
    w.align(Align::Center);
    w.bold(true);
    w.size(true, true);
    w.line(&printable(TEST_SAMPLE));
    w.size(false, false);
    w.bold(false);
    w.align(Align::Left);
    w.rule('-');
    w.text(
        "标尺整行打满不换行，中文与￥符号清晰完整，即为设置正确。",
        0,
    );
    w.raw(&[ESC, b'd', 3]); // feed past the tear bar
    w.raw(&CUT);
    w.out
}

/// The guidance slip (用药指导单) as ESC/POS bytes: the same contents as its PDF at receipt
/// width ([`crate::guidance_slip`]) in the printer's own font — the pharmacy's contact details,
/// the title, the sale and the member (masked), then per drug its details, the guidance fields
/// and the pharmacist; the advice; cut.
pub fn guidance_slip_escpos(s: &GuidanceSlip, paper_mm: u32) -> Vec<u8> {
    let cols = columns_for(paper_mm);
    let mut w = Writer {
        out: Vec::with_capacity(2048),
        cols,
    };
    w.raw(&INIT);
    w.raw(&CHINESE_MODE);
    w.align(Align::Center);
    let header = header_lines(&s.pharmacy);
    if let Some((name, rest)) = header.split_first() {
        w.bold(true);
        for l in wrap(name, cols) {
            w.line(&l);
        }
        w.bold(false);
        for line in rest {
            w.text(line, 0);
        }
    }
    w.bold(true);
    w.size(true, true);
    w.line("用药指导单");
    w.size(false, false);
    w.bold(false);
    w.align(Align::Left);
    w.rule('=');
    w.pair("小票号", &s.receipt_no);
    w.pair("购药时间", &s.sale_time);
    if let Some(m) = &s.member {
        w.pair("会员", &m.phone_masked);
        w.pair("卡号", &m.card_masked);
    }
    for item in &s.items {
        w.rule('-');
        w.bold(true);
        w.text(&item.name, 0);
        w.bold(false);
        for d in crate::guidance_slip::drug_details(item) {
            w.text(&d, 2);
        }
        for (label, value) in crate::guidance_slip::filled_fields(item) {
            w.text(&format!("{label}：{value}"), 0);
        }
        if item.pharmacist.is_empty() {
            w.text(&format!("指导时间 {}", item.at), 0);
        } else {
            w.text(&format!("指导药师 {}  {}", item.pharmacist, item.at), 0);
        }
    }
    w.rule('-');
    for f in &s.footer {
        w.text(f, 0);
    }
    if !s.pharmacy.phone.is_empty() {
        w.text(&format!("用药咨询电话：{}", s.pharmacy.phone), 0);
    }
    w.text(&format!("打印时间 {}", s.printed_at), 0);
    w.raw(&[ESC, b'd', 3]); // feed past the tear bar
    w.raw(&CUT);
    w.out
}

/// A report's text for the printer's font: the half-width ¥ is outside GBK, the full-width one
/// is in every GB printer font.
fn printable(s: &str) -> String {
    s.replace('¥', "￥")
}

/// A report (交班单, 日结单) as ESC/POS bytes: the same contents as its PDF at receipt width
/// ([`crate::report`]) in the printer's own font — the pharmacy, the title (a preview's banner
/// bold and double height, at the top and the end), the heading fields and each section's
/// label–value lines; a table as columns when every cell fits its column, else each row as a
/// small block; signature lines; cut.
pub fn report_escpos(r: &ReportDoc, paper_mm: u32) -> Vec<u8> {
    let cols = columns_for(paper_mm);
    let mut w = Writer {
        out: Vec::with_capacity(4096),
        cols,
    };
    w.raw(&INIT);
    w.raw(&CHINESE_MODE);
    w.align(Align::Center);
    let header = header_lines(&r.pharmacy);
    if let Some((name, rest)) = header.split_first() {
        w.bold(true);
        for l in wrap(name, cols) {
            w.line(&l);
        }
        w.bold(false);
        for line in rest {
            w.text(line, 0);
        }
    }
    let banner = |w: &mut Writer| {
        if let Some(b) = &r.banner {
            w.align(Align::Center);
            w.bold(true);
            w.size(false, true);
            w.text(&format!("【{b}】"), 0);
            w.size(false, false);
            w.bold(false);
            w.align(Align::Left);
        }
    };
    w.bold(true);
    w.size(true, true);
    for l in wrap(&r.title, cols / 2) {
        w.line(&l);
    }
    w.size(false, false);
    w.bold(false);
    banner(&mut w);
    w.align(Align::Left);
    w.rule('-');
    for row in &r.info {
        w.pair(&row.label, &printable(&row.value.display()));
    }
    for s in &r.sections {
        w.rule('-');
        w.bold(true);
        w.text(&s.title, 0);
        w.bold(false);
        for row in &s.rows {
            let value = printable(&row.value.display());
            w.bold(row.strong);
            if width(&row.label) + 1 + width(&value) > cols {
                w.text(&row.label, 0);
                w.text(&value, 2);
            } else {
                w.pair(&row.label, &value);
            }
            w.bold(false);
        }
        if let Some(t) = &s.table {
            report_table(&mut w, t);
        }
        if let Some(n) = &s.note {
            w.text(n, 0);
        }
    }
    w.rule('-');
    for l in &r.signatures {
        w.raw(&[LF]);
        w.line(&format!("{l}："));
        w.raw(&[LF, LF]);
        w.rule('_');
    }
    if r.banner.is_some() {
        w.raw(&[LF]);
        banner(&mut w);
    }
    w.raw(&[ESC, b'd', 3]); // feed past the tear bar
    w.raw(&CUT);
    w.out
}

/// A table as columns (the first left, numbers right) when every cell fits, else each row as
/// its texts on a line and its figures under them; a column marked `under_previous` joins the
/// cell before it.
fn report_table(w: &mut Writer, t: &Table) {
    let mut heads: Vec<(String, bool, u8)> = Vec::new();
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); t.rows.len()];
    for (i, c) in t.columns.iter().enumerate() {
        let folded = c.under_previous && !heads.is_empty();
        if !folded {
            heads.push((c.title.clone(), c.numeric, c.weight));
        }
        for (row, values) in rows.iter_mut().zip(&t.rows) {
            let text = values
                .get(i)
                .map(|v| printable(&v.display()))
                .unwrap_or_default();
            match row.last_mut() {
                Some(last) if folded => {
                    if !text.trim().is_empty() {
                        last.push(' ');
                        last.push_str(&text);
                    }
                }
                _ => row.push(text),
            }
        }
    }
    if rows.is_empty() {
        w.text("（无）", 0);
        return;
    }
    // Column widths by weight, one space between columns.
    let n = heads.len();
    let total: usize = heads.iter().map(|h| usize::from(h.2)).sum::<usize>().max(1);
    let room = w.cols.saturating_sub(n.saturating_sub(1));
    let mut widths: Vec<usize> = heads
        .iter()
        .map(|h| room * usize::from(h.2) / total)
        .collect();
    let used: usize = widths.iter().sum();
    if let Some(first) = widths.first_mut() {
        *first += room - used;
    }
    let fits = |cells: &[String]| cells.iter().zip(&widths).all(|(c, w)| width(c) <= *w);
    let titles: Vec<String> = heads.iter().map(|h| h.0.clone()).collect();
    let cell = |i: usize, c: &str| {
        if i > 0 && heads[i].1 {
            pad_left(c, widths[i])
        } else {
            pad_right(c, widths[i])
        }
    };
    if fits(&titles) && rows.iter().all(|r| fits(r)) {
        let line = |cells: &[String]| {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| cell(i, c))
                .collect::<Vec<_>>()
                .join(" ")
                .trim_end()
                .to_owned()
        };
        w.bold(true);
        w.line(&line(&titles));
        w.bold(false);
        for r in &rows {
            w.line(&line(r));
        }
    } else {
        // A row too wide for columns: its texts (a leading rank too) on a line, then its
        // figures, side by side when they fit.
        for r in &rows {
            let mut title: Vec<&str> = Vec::new();
            let mut figures: Vec<String> = Vec::new();
            for (i, (h, v)) in heads.iter().zip(r).enumerate() {
                if h.1 && i > 0 {
                    figures.push(format!("{} {v}", h.0));
                } else if !v.trim().is_empty() {
                    title.push(v);
                }
            }
            w.bold(true);
            w.text(&title.join(" "), 0);
            w.bold(false);
            let joined = format!("  {}", figures.join("  "));
            match figures.as_slice() {
                [a, b] if width(a) + width(b) + 3 <= w.cols => w.pair(&format!("  {a}"), b),
                _ if width(&joined) <= w.cols => w.line(&joined),
                _ => {
                    for f in &figures {
                        let (t, v) = f.split_once(' ').unwrap_or((f, ""));
                        w.pair(&format!("  {t}"), v);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_core::sale::receipt::{Labelled, ReceiptMember};
    use pos_core::settings::PharmacySettings;

    fn sample(kind: ReceiptKind, reprint: bool) -> Receipt {
        let m = Money::from_fen;
        Receipt {
            kind,
            pharmacy: PharmacySettings {
                name: "康宁大药房（张杨路店）".into(),
                address: "上海市浦东新区张杨路 1288 号".into(),
                phone: "021-5888 1234".into(),
                licence_no: "沪AA0210001".into(),
                store_code: "SH001".into(),
            },
            title: "销售小票".into(),
            receipt_no: "20261123010001".into(),
            time: "2026-11-23 10:00:00".into(),
            cashier: "王晓燕".into(),
            reprint,
            lines: vec![ReceiptLine {
                name: "复方氨酚烷胺胶囊（感康）成人型缓释制剂加长名称".into(),
                spec: "12粒".into(),
                manufacturer: "吉林省吴太感康药业有限公司".into(),
                batch_no: Some("B2411\u{1b}02".into()),
                expires_on: Some("2027-10-31".into()),
                quantity: 2,
                unit_price: m(1580),
                rate: None,
                amount: m(3160),
                guidance: Some("饭后服用，一次1粒，一日2次".into()),
                refund: None,
            }],
            subtotal: m(3160),
            deductions: vec![Labelled {
                label: "优惠券".into(),
                amount: m(300),
            }],
            savings_included: None,
            total: m(2860),
            payments: vec![Labelled {
                label: "现金".into(),
                amount: m(3000),
            }],
            change: m(140),
            member: Some(ReceiptMember {
                card_masked: "2900*****2343".into(),
                phone_masked: "139****5678".into(),
                tier: "金卡".into(),
                points_earned: 28,
                points_used: 0,
                points_used_value: m(0),
                points_balance: 1286,
                points_notes: vec!["会员日 2 倍积分".into()],
            }),
            pharmacist: None,
            original_receipt_no: None,
            return_reason: None,
            approved_by: None,
            open_drawer: false,
            footer: vec![pos_core::sale::receipt::RETURN_POLICY.into()],
        }
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    /// The printed lines: the commands this module sends are skipped, the text between line
    /// feeds decoded from GB18030.
    fn text_lines(bytes: &[u8]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut text = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let skip = match (b, bytes.get(i + 1).copied()) {
                (ESC, Some(b'@')) | (FS, Some(b'&')) => 2,
                (ESC, _) | (FS, Some(b'!')) => 3,
                (GS, Some(b'V')) => 4,
                (GS, Some(b'k')) => 4 + usize::from(bytes[i + 3]),
                (GS, Some(b'(')) => 5 + usize::from(bytes[i + 3]) + 256 * usize::from(bytes[i + 4]),
                (GS, _) => 3,
                (LF, _) => {
                    lines.push(GB18030.decode(&text).0.into_owned());
                    text.clear();
                    1
                }
                _ => {
                    text.push(b);
                    1
                }
            };
            i += skip;
        }
        lines
    }

    #[test]
    fn the_stream_starts_with_init_carries_gb18030_text_and_ends_with_a_cut() {
        for paper in [80, 58] {
            let bytes = receipt_escpos(&sample(ReceiptKind::Sale, false), paper);
            assert_eq!(&bytes[..2], &[0x1B, 0x40], "ESC @ first");
            assert_eq!(&bytes[2..4], &[0x1C, 0x26], "then Chinese mode");
            assert!(
                bytes.ends_with(&[0x1D, 0x56, 66, 0]),
                "ends with GS V (cut)"
            );
            let name = GB18030.encode("康宁大药房").0;
            assert_eq!(&name[..4], &[0xBF, 0xB5, 0xC4, 0xFE], "康宁 in GB18030");
            assert!(
                find(&bytes, &name).is_some(),
                "the pharmacy name in GB18030"
            );
            // Not UTF-8: 康 in UTF-8 is E5 BA B7.
            assert!(find(&bytes, "康".as_bytes()).is_none());
            // The control character inside the batch number was not passed to the printer.
            assert!(find(&bytes, b"B2411\x1b02").is_none());
            assert!(find(&bytes, b"B2411 02").is_some());
            // The masked phone, never a whole one; the policy line.
            assert!(find(&bytes, b"139****5678").is_some());
            assert!(find(&bytes, &GB18030.encode("除质量问题外").0).is_some());
        }
    }

    #[test]
    fn the_total_is_bold_and_double_height() {
        let bytes = receipt_escpos(&sample(ReceiptKind::Sale, false), 80);
        let total = GB18030.encode("应收").0;
        let at = find(&bytes, &total).unwrap();
        // ESC E 1, GS ! 0x01, FS ! 0x08 just before, back to normal right after the line.
        let before = &bytes[at - 9..at];
        assert_eq!(before, &[0x1B, b'E', 1, 0x1D, b'!', 0x01, 0x1C, b'!', 0x08]);
        let after = &bytes[at..];
        let lf = after.iter().position(|&b| b == LF).unwrap();
        assert_eq!(&after[lf + 1..lf + 7], &[0x1D, b'!', 0, 0x1C, b'!', 0]);
        assert!(find(&bytes[at..at + lf], b"28.60").is_some());
    }

    #[test]
    fn lines_fit_48_and_32_columns_counting_chinese_as_two() {
        for (paper, cols) in [(80, 48), (58, 32)] {
            let bytes = receipt_escpos(&sample(ReceiptKind::Sale, false), paper);
            // Double-width lines (the pharmacy name) hold half as many columns.
            let name_lines = wrap("康宁大药房（张杨路店）", cols / 2);
            for l in text_lines(&bytes) {
                let limit = if name_lines.contains(&l) {
                    cols / 2
                } else {
                    cols
                };
                assert!(
                    width(&l) <= limit,
                    "{paper} mm: “{l}” is {} columns",
                    width(&l)
                );
            }
            let lines = text_lines(&bytes);
            // Amounts end their line: right-aligned at the last column.
            let total = lines.iter().find(|l| l.starts_with("应收")).unwrap();
            assert_eq!(width(total), cols, "“{total}”");
            assert!(total.ends_with("￥28.60"));
        }
        // 80 mm: name, quantity, price and amount on one line; the long name wraps in its column.
        let lines = text_lines(&receipt_escpos(&sample(ReceiptKind::Sale, false), 80));
        let first = lines
            .iter()
            .position(|l| l.starts_with("复方氨酚"))
            .unwrap();
        assert!(
            lines[first].ends_with("2     15.80      31.60"),
            "{}",
            lines[first]
        );
        let head = lines[first].split("  ").next().unwrap_or_default();
        let name = format!("{head}{}{}", lines[first + 1], lines[first + 2]);
        assert_eq!(name, "复方氨酚烷胺胶囊（感康）成人型缓释制剂加长名称");
        assert_eq!(
            lines[first + 3],
            "  规格 12粒  生产厂家 吉林省吴太感康药业有限公司"
        );
        assert_eq!(lines[first + 4], "  批号 B2411 02  有效期至 2027-10-31");
        // 58 mm: the name alone, spec, manufacturer, batch and expiry, then quantity × price
        // and the amount.
        let lines = text_lines(&receipt_escpos(&sample(ReceiptKind::Sale, false), 58));
        let i = lines
            .iter()
            .position(|l| l.starts_with("  2 x 15.80"))
            .unwrap();
        assert!(lines[i].ends_with("31.60"));
        let details: String = lines[..i].concat().split_whitespace().collect();
        for what in [
            "批号B241102",
            "有效期至2027-10-31",
            "吉林省吴太感康药业有限公司",
        ] {
            assert!(details.contains(what), "{what}: {lines:?}");
        }
    }

    #[test]
    fn a_cash_receipt_opens_the_drawer_first_and_no_other_does() {
        let mut r = sample(ReceiptKind::Sale, false);
        r.open_drawer = true;
        let bytes = receipt_escpos(&r, 80);
        // ESC @, FS &, then ESC p 0 25 250 before anything is printed.
        assert_eq!(
            &bytes[..9],
            &[0x1B, 0x40, 0x1C, 0x26, 0x1B, 0x70, 0x00, 0x19, 0xFA]
        );
        assert_eq!(
            bytes.windows(2).filter(|w| w == &[0x1B, 0x70]).count(),
            1,
            "one kick"
        );
        r.open_drawer = false;
        let bytes = receipt_escpos(&r, 80);
        assert!(find(&bytes, &[0x1B, 0x70]).is_none(), "no kick");
    }

    #[test]
    fn the_card_number_is_masked_and_the_deductions_print_once() {
        let lines = text_lines(&receipt_escpos(&sample(ReceiptKind::Sale, false), 80));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("会员卡号") && l.ends_with("2900*****2343")));
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("优惠券")).count(),
            1,
            "{lines:?}"
        );
        // The member-day bonus prints under the points earned.
        let at = lines
            .iter()
            .position(|l| l.starts_with("本次积分"))
            .unwrap();
        assert_eq!(lines[at + 1].trim(), "会员日 2 倍积分", "{lines:?}");
    }

    #[test]
    fn the_test_page_has_a_full_ruler_and_the_chinese_sample() {
        use pos_core::till::{PrinterFormat, TestPage};
        for (paper, cols) in [(80, 48), (58, 32)] {
            let page = TestPage {
                pharmacy: "康宁大药房（演示店）".into(),
                till_no: 3,
                printer: "XP-58".into(),
                format: PrinterFormat::Escpos,
                paper_mm: paper,
                time: "2026-11-23 10:00:00".into(),
            };
            let bytes = test_page_escpos(&page);
            assert!(bytes.starts_with(&INIT) && bytes.ends_with(&CUT));
            let lines = text_lines(&bytes);
            let units = lines
                .iter()
                .find(|l| l.starts_with("1234567890"))
                .expect("the ruler");
            assert_eq!(units.len(), cols, "{paper} mm: {units}");
            assert!(lines.iter().any(|l| l == "测试打印 ￥12.34"), "{lines:?}");
            for what in ["收银台", "03", "XP-58", "ESC/POS", "2026-11-23 10:00:00"] {
                assert!(lines.iter().any(|l| l.contains(what)), "{what}: {lines:?}");
            }
            for l in &lines {
                assert!(width(l) <= cols, "{paper} mm: “{l}”");
            }
        }
    }

    #[test]
    fn the_qr_code_and_the_bar_code_carry_the_receipt_number() {
        let bytes = receipt_escpos(&sample(ReceiptKind::Sale, false), 80);
        // GS ( k store: pL pH = 14 + 3, cn 49, fn 80, m 48, then the digits; then print.
        let mut store = vec![0x1D, b'(', b'k', 17, 0, 49, 80, 48];
        store.extend_from_slice(b"20261123010001");
        let at = find(&bytes, &store).expect("QR data stored");
        assert!(find(&bytes[at..], &[0x1D, b'(', b'k', 3, 0, 49, 81, 48]).is_some());
        // GS k 73 (Code 128), 9 bytes: {C and seven digit pairs.
        let code = [0x1D, b'k', 73, 9, b'{', b'C', 20, 26, 11, 23, 1, 0, 1];
        assert!(find(&bytes, &code).is_some());
        let mut w = Writer {
            out: Vec::new(),
            cols: 48,
        };
        w.code128("A{1", 3);
        assert!(find(
            &w.out,
            &[0x1D, b'k', 73, 6, b'{', b'B', b'A', b'{', b'{', b'1']
        )
        .is_some());
    }

    #[test]
    fn a_reprint_and_a_return_say_so() {
        let reprint = receipt_escpos(&sample(ReceiptKind::Sale, true), 58);
        assert!(find(&reprint, &GB18030.encode("【重印】").0).is_some());
        let mut r = sample(ReceiptKind::Return, false);
        r.title = "退货小票".into();
        r.original_receipt_no = Some("20261123010001".into());
        r.receipt_no = "20261123010002".into();
        r.return_reason = Some("包装破损".into());
        r.approved_by = Some("张丽华".into());
        if let Some(m) = r.member.as_mut() {
            m.points_earned = -28;
            m.points_used = -100;
            m.points_used_value = Money::from_fen(100);
        }
        let lines = text_lines(&receipt_escpos(&r, 80));
        for expected in [
            "退货小票",
            "原销售单号：20261123010001",
            "退货原因：包装破损",
            "审核店长：张丽华",
        ] {
            assert!(lines.iter().any(|l| l.contains(expected)), "{expected}");
        }
        assert!(lines
            .iter()
            .any(|l| l.starts_with("退款合计") && l.ends_with("￥28.60")));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("扣回积分") && l.ends_with("-28")));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("退回积分") && l.ends_with("+100（￥1.00）")));
    }

    #[test]
    fn wrapping_counts_columns_and_keeps_words() {
        assert_eq!(wrap("阿莫西林胶囊", 8), ["阿莫西林", "胶囊"]);
        assert_eq!(wrap("take two tablets", 9), ["take two", "tablets"]);
        assert_eq!(wrap("0123456789", 4), ["0123", "4567", "89"]);
        assert_eq!(wrap("每日12.5mg", 6), ["每日", "12.5mg"]);
        assert_eq!(wrap("", 8), [""]);
        assert_eq!(width("¥1"), 3);
    }
}
