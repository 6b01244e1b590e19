//! 药品追溯码: the drug traceability code on every pack, one code per pack.
//!
//! Three kinds are in use at Chinese pharmacy counters:
//! - **码上放心** (`msfx`): 20 digits beginning with 8; the first 7 digits identify the product.
//! - **a maker's own code** (`maker`): digits only, 15 to 40 of them, naming no product we can
//!   read; it belongs to the product scanned just before it.
//! - **GS1 DataMatrix** (`gs1`): application identifiers (01) GTIN, (17) expiry, (10) batch,
//!   (21) serial, variable fields ended by the GS separator (ASCII 29). The pack itself then says
//!   its batch and expiry.
//!
//! A product barcode (8, 12 or 13 digits, GS1 check digit) is never a trace code and a trace
//! code never goes through the barcode check: [`looks_like_code`] tells them apart before
//! either parser runs.
//!
//! Life of a code: scanned into the cart ([`scan_into_cart`]) → copied to the sale line at
//! payment ([`record_sale`]) → "out" until a return brings that pack back ([`release`]). A code
//! that is out is refused at every later scan (a partial unique index keeps that true), and
//! [`export`] lists a period's codes for 医保 reporting.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{self, barcode, Product};
use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{LineId, ProductId, SaleId, StaffId};

/// The ASCII group separator that ends a variable-length GS1 field.
pub const GS: char = '\u{1d}';

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    /// 码上放心: 20 digits, beginning with 8.
    Msfx,
    /// A maker's own numeric code.
    Maker,
    /// A GS1 DataMatrix.
    Gs1,
}

impl TraceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TraceKind::Msfx => "msfx",
            TraceKind::Maker => "maker",
            TraceKind::Gs1 => "gs1",
        }
    }

    pub fn parse(s: &str) -> Option<TraceKind> {
        [TraceKind::Msfx, TraceKind::Maker, TraceKind::Gs1]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TraceKind::Msfx => "码上放心",
            TraceKind::Maker => "企业自有码",
            TraceKind::Gs1 => "GS1 DataMatrix",
        }
    }
}

/// One pack's code, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TraceCode {
    /// What identifies the pack: the digits for `msfx` and `maker`, `01<GTIN>21<serial>` for GS1.
    pub code: String,
    pub kind: TraceKind,
    /// GS1 only: the 14-digit GTIN.
    pub gtin: Option<String>,
    /// GS1 only: the batch (10) and expiry (17, `YYYY-MM-DD`) printed in the code.
    pub batch_no: Option<String>,
    pub expires_on: Option<String>,
    pub serial: Option<String>,
}

fn invalid(raw: &str, why: &str) -> PosError {
    let shown: String = raw
        .chars()
        .map(|c| if c == GS { '␝' } else { c })
        .take(60)
        .collect();
    PosError::new(
        ErrorCode::TraceCodeInvalid,
        format!("追溯码“{shown}”无法识别：{why}；请重新扫描包装上的追溯码"),
    )
}

/// Strips what scanners put around a code: whitespace, full-width digits, and the AIM symbology
/// identifier (`]d2` DataMatrix, `]C1` GS1-128, `]Q3` QR) some scanners send first.
fn clean(raw: &str) -> String {
    let s = crate::text::half_width(raw);
    let s = s.trim_matches(|c: char| c.is_whitespace());
    let s = ["]d2", "]C1", "]Q3", "]d1"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    s.to_owned()
}

/// True when a scan is a traceability code rather than a product barcode: 15 or more digits, or
/// a GS1 element string (GS separators or `(01)`), and not something only a barcode can be.
pub fn looks_like_code(raw: &str) -> bool {
    let s = clean(raw);
    if s.contains(GS) || s.starts_with("(01)") {
        return true;
    }
    let digits = s.chars().all(|c| c.is_ascii_digit());
    if digits {
        return s.len() >= 15;
    }
    // A DataMatrix whose batch or serial has letters: 01 + 14 digits, then more.
    s.len() > 16 && s.starts_with("01") && s[2..16].chars().all(|c| c.is_ascii_digit())
}

/// Reads a scanned code.
pub fn parse(raw: &str) -> Result<TraceCode> {
    let s = clean(raw);
    if s.is_empty() {
        return Err(invalid(raw, "内容为空"));
    }
    if s.starts_with("(01)") {
        return parse_gs1_bracketed(raw, &s);
    }
    if s.starts_with("01") && (s.contains(GS) || !s.chars().all(|c| c.is_ascii_digit())) {
        return parse_gs1(raw, &s);
    }
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid(raw, "含有数字以外的字符，又不是 GS1 格式"));
    }
    // An all-digit GS1 string (01 GTIN 21 serial …) is read as GS1 only when it parses whole
    // with a good GTIN check digit and a serial; otherwise digits are a maker's code.
    if s.starts_with("01") && s.len() > 18 {
        if let Ok(c) = parse_gs1(raw, &s) {
            return Ok(c);
        }
    }
    match s.len() {
        20 if s.starts_with('8') => Ok(TraceCode {
            code: s,
            kind: TraceKind::Msfx,
            gtin: None,
            batch_no: None,
            expires_on: None,
            serial: None,
        }),
        15..=40 => Ok(TraceCode {
            code: s,
            kind: TraceKind::Maker,
            gtin: None,
            batch_no: None,
            expires_on: None,
            serial: None,
        }),
        n if n < 15 => Err(invalid(
            raw,
            "位数太短（追溯码至少 15 位；8–13 位是商品条码，请在扫码框扫描）",
        )),
        _ => Err(invalid(raw, "位数太长（最多 40 位）")),
    }
}

/// Fixed-length application identifiers we read or skip, with their data length.
fn fixed_len(ai: &str) -> Option<usize> {
    match ai {
        "00" => Some(18),
        "01" | "02" => Some(14),
        "11" | "12" | "13" | "15" | "16" | "17" => Some(6),
        "20" => Some(2),
        _ => None,
    }
}

/// Variable-length identifiers we read or skip, with their longest data.
fn variable_max(ai: &str) -> Option<usize> {
    match ai {
        "10" | "21" | "22" => Some(20),
        "30" | "37" => Some(8),
        "240" | "241" | "250" | "251" => Some(30),
        "710" | "711" | "712" | "713" | "714" => Some(20),
        _ if ai.len() == 2 && ai.as_bytes()[0] == b'9' => Some(90),
        _ => None,
    }
}

fn gs1_from_fields(raw: &str, fields: Vec<(String, String)>) -> Result<TraceCode> {
    let get = |ai: &str| fields.iter().find(|(a, _)| a == ai).map(|(_, v)| v.clone());
    let gtin = get("01").ok_or_else(|| invalid(raw, "GS1 码缺少 (01) 商品编码"))?;
    if gtin.len() != 14 || !gtin.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid(raw, "(01) 商品编码应为 14 位数字"));
    }
    if !barcode::check_digit_ok(&gtin) {
        return Err(invalid(raw, "(01) 商品编码校验位不对"));
    }
    let serial = get("21").ok_or_else(|| invalid(raw, "GS1 码缺少 (21) 序列号，不是单盒追溯码"))?;
    if serial.is_empty() {
        return Err(invalid(raw, "(21) 序列号为空"));
    }
    let expires_on = match get("17") {
        Some(d) => Some(gs1_date(&d).ok_or_else(|| invalid(raw, "(17) 有效期不是 YYMMDD 日期"))?),
        None => None,
    };
    let batch_no = get("10").filter(|b| !b.is_empty());
    Ok(TraceCode {
        code: format!("01{gtin}21{serial}"),
        kind: TraceKind::Gs1,
        gtin: Some(gtin),
        batch_no,
        expires_on,
        serial: Some(serial),
    })
}

/// `YYMMDD` (GS1: day 00 is the month's last day) → `YYYY-MM-DD`.
fn gs1_date(d: &str) -> Option<String> {
    if d.len() != 6 || !d.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let y = 2000 + d[0..2].parse::<i32>().ok()?;
    let m = d[2..4].parse::<u32>().ok()?;
    let day = d[4..6].parse::<u32>().ok()?;
    let date = if day == 0 {
        let first = NaiveDate::from_ymd_opt(y, m, 1)?;
        first
            .checked_add_months(chrono::Months::new(1))?
            .pred_opt()?
    } else {
        NaiveDate::from_ymd_opt(y, m, day)?
    };
    Some(date.to_string())
}

/// A GS1 element string: AI, data, and GS after every variable field that is not the last.
fn parse_gs1(raw: &str, s: &str) -> Result<TraceCode> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut fields = Vec::new();
    while i < chars.len() {
        if chars[i] == GS {
            i += 1;
            continue;
        }
        let take = |from: usize, n: usize| -> String {
            chars[from..(from + n).min(chars.len())].iter().collect()
        };
        let (ai, len) = [2usize, 3]
            .iter()
            .find_map(|&n| {
                let ai = take(i, n);
                if ai.len() < n {
                    return None;
                }
                fixed_len(&ai)
                    .map(|l| (ai.clone(), Ok(l)))
                    .or_else(|| variable_max(&ai).map(|m| (ai.clone(), Err(m))))
            })
            .ok_or_else(|| invalid(raw, &format!("不认识的 GS1 应用标识符 {}", take(i, 2))))?;
        i += ai.len();
        let data = match len {
            Ok(n) => {
                if i + n > chars.len() {
                    return Err(invalid(raw, &format!("({ai}) 长度不足")));
                }
                let d = take(i, n);
                i += n;
                d
            }
            Err(max) => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == GS)
                    .map_or(chars.len(), |p| i + p);
                if end - i > max {
                    return Err(invalid(
                        raw,
                        &format!("({ai}) 超过 {max} 位；缺少 GS 分隔符？"),
                    ));
                }
                let d = take(i, end - i);
                i = end;
                d
            }
        };
        fields.push((ai, data));
    }
    gs1_from_fields(raw, fields)
}

/// The human-readable form: `(01)06901234567892(17)271231(10)B2405(21)SN0001`.
fn parse_gs1_bracketed(raw: &str, s: &str) -> Result<TraceCode> {
    let mut fields = Vec::new();
    let mut rest = s;
    while let Some(r) = rest.strip_prefix('(') {
        let close = r.find(')').ok_or_else(|| invalid(raw, "括号不成对"))?;
        let ai = r[..close].to_owned();
        let after = &r[close + 1..];
        let end = after.find('(').unwrap_or(after.len());
        fields.push((ai, after[..end].to_owned()));
        rest = &after[end..];
    }
    if !rest.is_empty() {
        return Err(invalid(raw, "括号外有多余内容"));
    }
    gs1_from_fields(raw, fields)
}

/// The product a code names, when it names one: a GS1 GTIN is the product's barcode (EAN-13 is
/// the GTIN-14 without its leading 0), a 码上放心 code's first 7 digits are learnt per product.
pub fn product_of(c: &Connection, code: &TraceCode) -> Result<Option<Product>> {
    match code.kind {
        TraceKind::Gs1 => {
            let gtin = code.gtin.as_deref().unwrap_or_default();
            for barcode in [&gtin[1..], gtin, &gtin[2..], &gtin[6..]] {
                if let Ok(p) = catalog::by_barcode(c, barcode) {
                    return Ok(Some(p));
                }
            }
            Ok(None)
        }
        TraceKind::Msfx => {
            let id: Option<ProductId> = c
                .prepare_cached("SELECT product_id FROM trace_prefix WHERE prefix = ?1")?
                .query_row([&code.code[..7]], |r| r.get(0))
                .optional()?;
            id.map(|id| catalog::by_id(c, id)).transpose()
        }
        TraceKind::Maker => Ok(None),
    }
}

/// Refuses a code sold already in this store and not returned since.
pub fn check_not_sold(c: &Connection, code: &TraceCode) -> Result<()> {
    let sold: Option<(String, String)> = c
        .prepare_cached(
            "SELECT s.receipt_no, s.business_date FROM sale_trace_code t JOIN sale s ON s.id = t.sale_id
             WHERE t.code = ?1 AND t.return_id IS NULL",
        )?
        .query_row([&code.code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match sold {
        Some((receipt_no, day)) => Err(PosError::new(
            ErrorCode::TraceCodeSold,
            format!(
                "这盒药的追溯码已于 {day} 随小票 {receipt_no} 售出，不能再次销售；请核对包装，必要时联系店长"
            ),
        )
        .with_details(serde_json::json!({ "receipt_no": receipt_no }))),
        None => Ok(()),
    }
}

/// Which cart lines need a code per pack (`required`), given the rules: every line when the
/// chain collects codes on all sales, otherwise the 医保-listed lines (checked when 医保 pays).
pub fn line_needs_code(all_lines: bool, insurance: bool) -> bool {
    all_lines || insurance
}

/// Scans a code into an open cart: onto the line of the product it names (adding a pack when
/// every pack of that line has its code already, or the line itself), otherwise onto the line
/// scanned last, or the only line still waiting for codes.
pub fn scan_into_cart(tx: &Tx<'_>, cart: SaleId, raw: &str, by: StaffId) -> Result<()> {
    crate::cart::require_open(tx, cart)?;
    let code = parse(raw)?;
    let dup: Option<String> = tx
        .query_row(
            "SELECT p.name FROM cart_trace_code t JOIN cart_line l ON l.id = t.line_id
             JOIN product p ON p.id = l.product_id WHERE t.cart_id = ?1 AND t.code = ?2",
            (cart, &code.code),
            |r| r.get(0),
        )
        .optional()?;
    if let Some(name) = dup {
        return Err(PosError::new(
            ErrorCode::TraceCodeDuplicate,
            format!("这个追溯码本单已经扫过（{name}）：每盒只扫一次，请扫下一盒"),
        ));
    }
    check_not_sold(tx, &code)?;
    let today = tx.clock.today().to_string();
    if let Some(e) = code.expires_on.as_deref().filter(|e| *e < today.as_str()) {
        return Err(PosError::new(
            ErrorCode::ExpiredStock,
            format!("这盒药已过有效期（{e}），不能销售；请下架并交店长处理"),
        ));
    }
    let line = match product_of(tx, &code)? {
        Some(p) => line_for_product(tx, cart, &p, by)?,
        None => waiting_line(tx, cart)?,
    };
    if code.kind == TraceKind::Msfx {
        // The product is known now: the next pack's code alone finds it.
        let product: ProductId = tx.query_row(
            "SELECT product_id FROM cart_line WHERE id = ?1",
            [line],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO trace_prefix (prefix, product_id, learned_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (prefix) DO UPDATE SET product_id = excluded.product_id, learned_at = excluded.learned_at",
            (&code.code[..7], product, stamp(tx.clock.now())),
        )?;
    }
    if code.batch_no.is_some() || code.expires_on.is_some() {
        // The first pack with its own batch and expiry names the line's batch.
        tx.execute(
            "UPDATE cart_line SET batch_no = coalesce(?2, batch_no), batch_expires_on = coalesce(?3, batch_expires_on)
             WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM cart_trace_code WHERE line_id = ?1)",
            (line, &code.batch_no, &code.expires_on),
        )?;
    }
    tx.execute(
        "INSERT INTO cart_trace_code (cart_id, line_id, code, kind, gtin, batch_no, expires_on, serial,
                                      scanned_at, scanned_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            cart,
            line,
            code.code,
            code.kind.as_str(),
            code.gtin,
            code.batch_no,
            code.expires_on,
            code.serial,
            stamp(tx.clock.now()),
            by
        ],
    )?;
    Ok(())
}

fn codes_on(c: &Connection, line: LineId) -> Result<u32> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM cart_trace_code WHERE line_id = ?1")?
            .query_row([line], |r| r.get(0))?,
    )
}

/// The product's line, with a pack free for this code (one more pack when all have codes).
fn line_for_product(tx: &Tx<'_>, cart: SaleId, p: &Product, by: StaffId) -> Result<LineId> {
    let line: Option<(LineId, u32)> = tx
        .query_row(
            "SELECT id, quantity FROM cart_line WHERE cart_id = ?1 AND product_id = ?2 AND removed_at IS NULL",
            (cart, p.id),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, q)) = line {
        if codes_on(tx, id)? < q {
            return Ok(id);
        }
    }
    // The code stands for the product: one more pack (quantity checks and batch as a scan).
    crate::cart::add(tx, cart, p, 1, by)?;
    tx.query_row(
        "SELECT id FROM cart_line WHERE cart_id = ?1 AND product_id = ?2 AND removed_at IS NULL",
        (cart, p.id),
        |r| r.get(0),
    )
    .map_err(Into::into)
}

/// The line a code naming no product belongs to: the line scanned last while it still has a pack
/// without a code, else the only line with such a pack.
fn waiting_line(tx: &Tx<'_>, cart: SaleId) -> Result<LineId> {
    let mut st = tx.prepare_cached(
        "SELECT l.id, l.id = c.last_line_id
         FROM cart_line l JOIN cart c ON c.id = l.cart_id
         WHERE l.cart_id = ?1 AND l.removed_at IS NULL
           AND l.quantity > (SELECT count(*) FROM cart_trace_code t WHERE t.line_id = l.id)
         ORDER BY l.position DESC",
    )?;
    let waiting: Vec<(LineId, bool)> = st
        .query_map([cart], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if let Some((id, _)) = waiting.iter().find(|(_, last)| *last) {
        return Ok(*id);
    }
    match waiting.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(PosError::new(
            ErrorCode::TraceCodeNoLine,
            "这个追溯码认不出是哪种药，且本单没有等待追溯码的商品：请先扫商品条码，再扫这盒的追溯码",
        )),
        _ => Err(PosError::new(
            ErrorCode::TraceCodeNoLine,
            "这个追溯码认不出是哪种药：请先扫这盒药的商品条码，再扫它的追溯码",
        )),
    }
}

/// Takes a code off the cart (scanned by mistake).
pub fn remove_from_cart(tx: &Tx<'_>, cart: SaleId, code: &str) -> Result<()> {
    crate::cart::require_open(tx, cart)?;
    let key = parse(code)
        .map(|c| c.code)
        .unwrap_or_else(|_| code.trim().to_owned());
    let n = tx.execute(
        "DELETE FROM cart_trace_code WHERE cart_id = ?1 AND code = ?2",
        (cart, &key),
    )?;
    if n == 0 {
        return Err(PosError::new(
            ErrorCode::CartLineNotFound,
            "本单没有这个追溯码，请刷新后重试",
        ));
    }
    Ok(())
}

/// Keeps a line's codes within its quantity (newest go first) or drops them with the line.
pub fn trim_line(tx: &Tx<'_>, line: LineId, quantity: u32) -> Result<()> {
    tx.execute(
        "DELETE FROM cart_trace_code WHERE line_id = ?1 AND code NOT IN
           (SELECT code FROM cart_trace_code WHERE line_id = ?1 ORDER BY scanned_at, rowid LIMIT ?2)",
        (line, quantity),
    )?;
    Ok(())
}

/// The codes of each cart line, in scan order.
pub fn cart_codes(c: &Connection, cart: SaleId) -> Result<Vec<(LineId, String)>> {
    let mut st = c.prepare_cached(
        "SELECT line_id, code FROM cart_trace_code WHERE cart_id = ?1 ORDER BY scanned_at, rowid",
    )?;
    let rows = st
        .query_map([cart], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Moves the cart's codes to the sale's lines (the line ids are the same).
pub fn record_sale(tx: &Tx<'_>, sale: SaleId, business_date: &str) -> Result<()> {
    let r = tx.execute(
        "INSERT INTO sale_trace_code (code, sale_id, sale_line_id, kind, gtin, batch_no, expires_on,
                                      serial, business_date)
         SELECT code, cart_id, line_id, kind, gtin, batch_no, expires_on, serial, ?2
         FROM cart_trace_code WHERE cart_id = ?1",
        (sale, business_date),
    );
    match r {
        Ok(_) => Ok(()),
        // Another till of the store (or a restored sale) sold a pack of this cart meanwhile.
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(PosError::new(
                ErrorCode::TraceCodeSold,
                "本单有追溯码刚刚已在别处售出，请删除该追溯码后重扫这盒药",
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// A sale line's codes, in scan order.
pub fn sale_line_codes(c: &Connection, line: LineId) -> Result<Vec<TraceCode>> {
    let mut st = c.prepare_cached(
        "SELECT code, kind, gtin, batch_no, expires_on, serial FROM sale_trace_code
         WHERE sale_line_id = ?1 ORDER BY rowid",
    )?;
    let rows = st
        .query_map([line], |r| {
            Ok(TraceCode {
                code: r.get(0)?,
                kind: TraceKind::parse(&r.get::<_, String>(1)?).unwrap_or(TraceKind::Maker),
                gtin: r.get(2)?,
                batch_no: r.get(3)?,
                expires_on: r.get(4)?,
                serial: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A return brings packs back: the codes scanned at the return, and every code of a line that
/// is now returned whole. Those packs can be sold again. Returns the codes released.
pub fn release(
    tx: &Tx<'_>,
    return_id: SaleId,
    line: LineId,
    scanned: &[String],
    line_fully_returned: bool,
) -> Result<Vec<String>> {
    let mut released = Vec::new();
    for raw in scanned {
        let key = parse(raw)?.code;
        let n = tx.execute(
            "UPDATE sale_trace_code SET return_id = ?3 WHERE sale_line_id = ?1 AND code = ?2 AND return_id IS NULL",
            (line, &key, return_id),
        )?;
        if n == 0 {
            return Err(PosError::new(
                ErrorCode::TraceCodeInvalid,
                "退回的这盒药的追溯码不在这张小票的这一行上，请核对后重扫",
            ));
        }
        released.push(key);
    }
    if line_fully_returned {
        let mut st = tx.prepare_cached(
            "UPDATE sale_trace_code SET return_id = ?2 WHERE sale_line_id = ?1 AND return_id IS NULL
             RETURNING code",
        )?;
        let rest: Vec<String> = st
            .query_map((line, return_id), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        released.extend(rest);
    }
    Ok(released)
}

/// A pack brought back, found by its code on the sale being returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReturnTraceScan {
    pub sale_line_id: LineId,
    /// The code as stored (what `ReturnLineInput.trace_codes` then carries).
    pub code: String,
}

/// Which line of sale `sale` a pack brought back belongs to, by the code scanned off it at the
/// returns counter. Refused: a code that is not on this sale, and one already brought back.
pub fn return_line_of(c: &Connection, sale: SaleId, raw: &str) -> Result<ReturnTraceScan> {
    let key = parse(raw)?.code;
    let found: Option<(LineId, Option<String>)> = c
        .query_row(
            "SELECT t.sale_line_id, (SELECT r.receipt_no FROM sale_return r WHERE r.id = t.return_id)
             FROM sale_trace_code t WHERE t.sale_id = ?1 AND t.code = ?2",
            (sale, &key),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        None => Err(PosError::new(
            ErrorCode::TraceCodeInvalid,
            "这盒药的追溯码不在这张小票上：请核对是不是这张小票售出的药",
        )),
        Some((_, Some(receipt))) => Err(PosError::new(
            ErrorCode::TraceCodeInvalid,
            format!("这盒药已经退过了（退货单 {receipt}），不能再退"),
        )),
        Some((sale_line_id, None)) => Ok(ReturnTraceScan {
            sale_line_id,
            code: key,
        }),
    }
}

/// Headquarters' word on where a code is out in the chain (`trace.conflict@1`): this store's
/// sales among them are flagged, with the others named; a list of one or none clears the flag.
pub fn apply_conflict(tx: &Tx<'_>, t: &pos_sync_proto::catalogue::TraceConflictV1) -> Result<()> {
    tx.execute("DELETE FROM trace_conflict WHERE code = ?1", [&t.code])?;
    if t.sales.len() < 2 {
        return Ok(());
    }
    let at = stamp(tx.clock.now());
    for ours in &t.sales {
        let id = ours.sale_id.to_string();
        let here: bool = tx
            .prepare_cached("SELECT count(*) > 0 FROM sale WHERE id = ?1")?
            .query_row([&id], |r| r.get(0))?;
        if !here {
            continue;
        }
        let others: Vec<serde_json::Value> = t
            .sales
            .iter()
            .filter(|s| s.sale_id != ours.sale_id)
            .map(|s| {
                serde_json::json!({
                    "store_name": s.store_name,
                    "receipt_no": s.receipt_no,
                    "business_date": s.business_date,
                })
            })
            .collect();
        tx.execute(
            "INSERT INTO trace_conflict (code, sale_id, others, flagged_at) VALUES (?1, ?2, ?3, ?4)",
            (&t.code, &id, serde_json::Value::Array(others).to_string(), &at),
        )?;
    }
    Ok(())
}

/// Another sale in the chain a flagged code is out at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TraceConflictOther {
    pub store_name: String,
    pub receipt_no: String,
    pub business_date: String,
}

/// A code of one of this store's sales that headquarters found out at another sale too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TraceConflict {
    pub code: String,
    pub receipt_no: String,
    pub business_date: String,
    /// The product the pack was sold as here.
    pub name: String,
    pub others: Vec<TraceConflictOther>,
    pub flagged_at: String,
}

/// Every flagged code of this store's sales, newest sale first.
pub fn conflicts(c: &Connection) -> Result<Vec<TraceConflict>> {
    let mut st = c.prepare_cached(
        "SELECT f.code, s.receipt_no, s.business_date, coalesce(l.name, ''), f.others, f.flagged_at
         FROM trace_conflict f
         JOIN sale s ON s.id = f.sale_id
         LEFT JOIN sale_trace_code t ON t.sale_id = f.sale_id AND t.code = f.code
         LEFT JOIN sale_line l ON l.id = t.sale_line_id
         ORDER BY s.at DESC, f.code",
    )?;
    let rows = st
        .query_map([], |r| {
            let others: String = r.get(4)?;
            Ok(TraceConflict {
                code: r.get(0)?,
                receipt_no: r.get(1)?,
                business_date: r.get(2)?,
                name: r.get(3)?,
                others: serde_json::from_str(&others).unwrap_or_default(),
                flagged_at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One row of the 医保 traceability report: one pack sold (or brought back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TraceExportRow {
    pub business_date: String,
    pub receipt_no: String,
    pub sold_at: String,
    pub code: String,
    pub kind: TraceKind,
    pub barcode: String,
    pub name: String,
    pub spec: String,
    pub batch_no: Option<String>,
    pub expires_on: Option<String>,
    pub insurance: bool,
    /// The 医保结算单号 of the sale when 医保 paid.
    pub settlement_no: Option<String>,
    /// The return receipt that brought the pack back, if one did.
    pub returned_by: Option<String>,
}

/// Every code sold on the business days `from..=to`, in sale order.
pub fn export(c: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<TraceExportRow>> {
    let mut st = c.prepare_cached(
        "SELECT t.business_date, s.receipt_no, s.at, t.code, t.kind, l.barcode, l.name, l.spec,
                coalesce(t.batch_no, l.batch_no), coalesce(t.expires_on, l.batch_expires_on), l.insurance,
                (SELECT p.settlement_no FROM sale_payment p WHERE p.sale_id = s.id AND p.kind = 'insurance'
                 ORDER BY p.position LIMIT 1),
                (SELECT r.receipt_no FROM sale_return r WHERE r.id = t.return_id)
         FROM sale_trace_code t JOIN sale s ON s.id = t.sale_id JOIN sale_line l ON l.id = t.sale_line_id
         WHERE t.business_date BETWEEN ?1 AND ?2
         ORDER BY s.at, s.receipt_no, l.position, t.rowid",
    )?;
    let rows = st
        .query_map((from.to_string(), to.to_string()), |r| {
            Ok(TraceExportRow {
                business_date: r.get(0)?,
                receipt_no: r.get(1)?,
                sold_at: r.get(2)?,
                code: r.get(3)?,
                kind: TraceKind::parse(&r.get::<_, String>(4)?).unwrap_or(TraceKind::Maker),
                barcode: r.get(5)?,
                name: r.get(6)?,
                spec: r.get(7)?,
                batch_no: r.get(8)?,
                expires_on: r.get(9)?,
                insurance: r.get(10)?,
                settlement_no: r.get(11)?,
                returned_by: r.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The export as CSV (UTF-8 with BOM, for Excel and the 医保 platform's import).
pub fn export_csv(rows: &[TraceExportRow]) -> Result<Vec<u8>> {
    let header = [
        "营业日",
        "小票号",
        "销售时间",
        "追溯码",
        "码类型",
        "商品条码",
        "品名",
        "规格",
        "批号",
        "有效期至",
        "医保目录",
        "医保结算单号",
        "退货单号",
    ];
    let body = rows.iter().map(|r| {
        vec![
            r.business_date.clone(),
            r.receipt_no.clone(),
            r.sold_at.clone(),
            r.code.clone(),
            r.kind.label().to_owned(),
            r.barcode.clone(),
            r.name.clone(),
            r.spec.clone(),
            r.batch_no.clone().unwrap_or_default(),
            r.expires_on.clone().unwrap_or_default(),
            if r.insurance { "是" } else { "否" }.to_owned(),
            r.settlement_no.clone().unwrap_or_default(),
            r.returned_by.clone().unwrap_or_default(),
        ]
    });
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| PosError::storage(format!("CSV 写入失败：{e}"));
    w.write_record(header).map_err(fail)?;
    for row in body {
        w.write_record(row.iter().map(|v| crate::report_doc::defused(v)))
            .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| PosError::storage(format!("CSV 写入失败：{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_day_zero_are_the_months_last_day() {
        assert_eq!(gs1_date("270200").as_deref(), Some("2027-02-28"));
        assert_eq!(gs1_date("280200").as_deref(), Some("2028-02-29"));
        assert_eq!(gs1_date("271231").as_deref(), Some("2027-12-31"));
        assert_eq!(gs1_date("271332"), None);
    }
}
