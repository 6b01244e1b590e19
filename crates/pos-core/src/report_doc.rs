//! What a printed or exported report says: the handover slip (交班单) and the day-close report
//! (日结单), decided here like the receipt (`sale::receipt`) and drawn by `pos-receipt` (PDF at
//! 80 mm, 58 mm and A4; XLSX). The model is generic — a title, the pharmacy, a few heading
//! fields, sections of label–value rows and tables, signature lines — so one renderer draws
//! every report the same way and a new report is only a new `for_…` function.
//!
//! Values keep their kind (an amount, a count, a percentage, over/short) rather than being text:
//! a PDF prints `¥12.80`, a spreadsheet gets the number 12.8 in a money format, the CSV `12.80`.
//! The CSV is written here ([`to_csv`]): it is text, and the core already has the `csv` crate;
//! binary formats and layout stay in pos-receipt.
//!
//! A day that is not closed prints as a preview, marked 预览（未日结） at the top, at the end
//! and in the file name; a closed day prints the report as signed (`day_close::get`), with its
//! number 第 N 号.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{china, parse_stamp};
use crate::day_close::DayReport;
use crate::error::{PosError, Result};
use crate::money::Money;
use crate::settings::PharmacySettings;
use crate::shift::{HandoverSlip, TenderTotal};

/// The banner of a day-close report that is not signed.
pub const PREVIEW: &str = "预览（未日结）";
/// The banner of a handover slip of a shift still open (a manager's look mid-shift).
pub const SHIFT_OPEN: &str = "未交班（班中小计）";

/// The paper a report is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportPaper {
    /// An 80 mm receipt roll: one page as long as the report.
    Receipt80,
    /// A 58 mm receipt roll.
    Receipt58,
    /// A4 portrait, paginated.
    A4,
}

impl ReportPaper {
    /// The roll of a till whose paper is `mm` wide (58, else 80).
    pub fn roll(mm: u32) -> ReportPaper {
        if mm < 70 {
            ReportPaper::Receipt58
        } else {
            ReportPaper::Receipt80
        }
    }

    /// The roll's width in millimetres; `None` for A4.
    pub fn roll_mm(self) -> Option<u32> {
        match self {
            ReportPaper::Receipt80 => Some(80),
            ReportPaper::Receipt58 => Some(58),
            ReportPaper::A4 => None,
        }
    }

    /// For file names: `80mm`, `58mm`, `a4`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportPaper::Receipt80 => "80mm",
            ReportPaper::Receipt58 => "58mm",
            ReportPaper::A4 => "a4",
        }
    }
}

/// Which report a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    HandoverSlip,
    DayClose,
    /// A register for an inspector (含麻黄碱类复方制剂登记, 处方登记): `pharmacy::registers`.
    Register,
    /// A list of members (an analytics drill-down, a care call list): `member::care`.
    MemberList,
}

/// A figure of a report, with its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// An amount in yuan (negative for a net after returns).
    Money(Money),
    /// Cash counted − expected: positive 长款, negative 短款.
    OverShort(Money),
    /// A count with its unit (笔, 人, 分, 条; empty for none).
    Count {
        n: i64,
        unit: &'static str,
    },
    /// A percentage with one decimal, as the core computes it (`"62.5"`).
    Percent(String),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    pub fn count(n: i64, unit: &'static str) -> Value {
        Value::Count { n, unit }
    }

    /// As printed: `¥12.80`, `-¥3.00`, `短款 ¥0.30`, `312 笔`, `62.5%`.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Money(m) => yuan(*m),
            Value::OverShort(m) => match m.fen() {
                0 => "平".to_owned(),
                f if f > 0 => format!("长款 {}", yuan(*m)),
                f => format!("短款 {}", yuan(Money::from_fen(-f))),
            },
            Value::Count { n, unit: "" } => n.to_string(),
            Value::Count { n, unit } => format!("{n} {unit}"),
            Value::Percent(p) => format!("{p}%"),
        }
    }

    /// As a spreadsheet cell of a CSV file reads it: numbers without ¥ or units (`12.80`,
    /// `-0.30`, `312`), percentages with `%` (Excel reads `62.5%` as 0.625).
    pub fn plain(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Money(m) | Value::OverShort(m) => m.to_string(),
            Value::Count { n, .. } => n.to_string(),
            Value::Percent(p) => format!("{p}%"),
        }
    }

    /// Whether the value is a number (right-aligned in a column).
    pub fn is_numeric(&self) -> bool {
        !matches!(self, Value::Text(_))
    }
}

/// `¥12.80`, `-¥3.00`.
pub fn yuan(m: Money) -> String {
    if m.fen() < 0 {
        format!("-¥{}", Money::from_fen(-m.fen()))
    } else {
        format!("¥{m}")
    }
}

/// A labelled figure; `strong` ones (应收金额, 应有现金) are printed bold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub value: Value,
    pub strong: bool,
}

impl Row {
    pub fn new(label: &str, value: Value) -> Row {
        Row {
            label: label.to_owned(),
            value,
            strong: false,
        }
    }

    pub fn strong(label: &str, value: Value) -> Row {
        Row {
            strong: true,
            ..Row::new(label, value)
        }
    }
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    /// Numbers are right-aligned.
    pub numeric: bool,
    /// Its share of the width, relative to the other columns'.
    pub weight: u8,
    /// On a receipt roll, printed under the previous column's cell instead of beside it (the
    /// spec under a product name).
    pub under_previous: bool,
}

impl Column {
    pub fn text(title: &str, weight: u8) -> Column {
        Column {
            title: title.to_owned(),
            numeric: false,
            weight,
            under_previous: false,
        }
    }

    pub fn number(title: &str, weight: u8) -> Column {
        Column {
            numeric: true,
            ..Column::text(title, weight)
        }
    }

    pub fn under_previous(mut self) -> Column {
        self.under_previous = true;
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    /// One value per column.
    pub rows: Vec<Vec<Value>>,
}

/// A titled group of rows, then maybe a table and a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
    pub table: Option<Table>,
    pub note: Option<String>,
}

impl Section {
    fn rows(title: &str, rows: Vec<Row>) -> Section {
        Section {
            title: title.to_owned(),
            rows,
            table: None,
            note: None,
        }
    }

    fn table(title: &str, table: Table) -> Section {
        Section {
            title: title.to_owned(),
            rows: Vec::new(),
            table: Some(table),
            note: None,
        }
    }

    fn note(mut self, note: &str) -> Section {
        self.note = Some(note.to_owned());
        self
    }
}

/// A report as printed and exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDoc {
    pub kind: ReportKind,
    pub pharmacy: PharmacySettings,
    /// 交班单, 日结单.
    pub title: String,
    /// 预览（未日结） on a day not closed, 未交班 on a shift still open: printed large at the top
    /// and again at the end; `None` on a signed report.
    pub banner: Option<String>,
    /// Which report and when: 营业日, 第 N 号, 日结时间 …, 打印时间, 打印人.
    pub info: Vec<Row>,
    pub sections: Vec<Section>,
    /// Signature lines: 收银员签字, 店长签字.
    pub signatures: Vec<String>,
    /// When it was printed or exported (the PDF's and workbook's date).
    pub issued_at: DateTime<Utc>,
    /// A file name without extension, ASCII: `day-close-2026-11-23-no3`,
    /// `day-close-2026-11-23-preview`, `shift-slip-2026-11-23-0800`.
    pub file_stem: String,
}

impl ReportDoc {
    /// The one line a footer or a PDF title names the report by: `日结单 2026-11-23 第 3 号`.
    pub fn caption(&self) -> String {
        let mut parts = vec![self.title.clone()];
        parts.extend(
            self.info
                .iter()
                .filter(|r| matches!(r.label.as_str(), "营业日" | "编号" | "收银员"))
                .map(|r| r.value.display()),
        );
        if let Some(b) = self.banner.as_ref().filter(|b| !parts.contains(b)) {
            parts.push(b.clone());
        }
        parts.join(" ")
    }
}

/// Who prints or exports, and when.
#[derive(Debug, Clone, Copy)]
pub struct Issue<'a> {
    pub at: DateTime<Utc>,
    pub by: &'a str,
    /// An export (CSV, XLSX) says 导出时间 / 导出人 rather than 打印时间 / 打印人.
    pub export: bool,
}

impl Issue<'_> {
    fn rows(&self) -> [Row; 2] {
        let (when, who) = if self.export {
            ("导出时间", "导出人")
        } else {
            ("打印时间", "打印人")
        };
        [
            Row::new(when, Value::text(local(self.at, "%Y-%m-%d %H:%M:%S"))),
            Row::new(who, Value::text(self.by)),
        ]
    }
}

fn local(t: DateTime<Utc>, fmt: &str) -> String {
    t.with_timezone(&china()).format(fmt).to_string()
}

/// A stored stamp in the store's time, `fmt` as chrono formats it; the stamp itself if unreadable.
fn local_stamp(stamp: &str, fmt: &str) -> String {
    parse_stamp(stamp).map_or_else(|| stamp.to_owned(), |t| local(t, fmt))
}

fn tender_label(kind: &str) -> String {
    crate::pricing::TenderKind::parse(kind)
        .map_or_else(|| kind.to_owned(), |k| k.label().to_owned())
}

fn tenders(list: &[TenderTotal]) -> Section {
    Section::table(
        "收款方式",
        Table {
            columns: vec![
                Column::text("方式", 3),
                Column::number("收款", 3),
                Column::number("退款", 3),
                Column::number("净额", 3),
            ],
            rows: list
                .iter()
                .map(|t| {
                    vec![
                        Value::text(tender_label(&t.kind)),
                        Value::Money(t.sales),
                        Value::Money(t.refunds),
                        Value::Money(t.net),
                    ]
                })
                .collect(),
        },
    )
    .note("现金收款已扣除找零")
}

fn cash_net(list: &[TenderTotal]) -> Money {
    list.iter()
        .find(|t| t.kind == "cash")
        .map_or(Money::ZERO, |t| t.net)
}

const SIGNATURES: [&str; 2] = ["收银员签字", "店长签字"];

/// The handover slip of a shift, printed at receipt width (the cashier's, or a manager's).
pub fn for_slip(
    pharmacy: PharmacySettings,
    s: &HandoverSlip,
    till_no: Option<u32>,
    issue: Issue<'_>,
) -> ReportDoc {
    let shift = &s.shift;
    let mut info = vec![
        Row::new("收银员", Value::text(&shift.cashier_name)),
        Row::new("营业日", Value::text(&shift.business_date)),
    ];
    if let Some(n) = till_no {
        info.push(Row::new("收银台", Value::text(format!("{n} 号"))));
    }
    info.push(Row::new(
        "开班时间",
        Value::text(local_stamp(&shift.opened_at, "%Y-%m-%d %H:%M")),
    ));
    info.push(Row::new(
        "交班时间",
        Value::text(
            shift
                .closed_at
                .as_deref()
                .map_or_else(|| "未交班".to_owned(), |t| local_stamp(t, "%Y-%m-%d %H:%M")),
        ),
    ));
    if let Some(by) = s
        .closed_by_name
        .as_deref()
        .filter(|b| *b != shift.cashier_name)
    {
        info.push(Row::new("交班操作人", Value::text(by)));
    }
    info.extend(issue.rows());

    let mut cash = vec![
        Row::new("备用金", Value::Money(shift.float)),
        Row::new("现金净收", Value::Money(cash_net(&s.tenders))),
        Row::new("存入", Value::Money(s.cash_in)),
        Row::new("取出", Value::Money(s.cash_out)),
        Row::strong("应有现金", Value::Money(s.cash_expected)),
    ];
    if let Some(counted) = s.cash_counted {
        cash.push(Row::strong("实点现金", Value::Money(counted)));
    }
    if let Some(os) = s.over_short {
        cash.push(Row::strong("长款/短款", Value::OverShort(os)));
    }
    let mut sections = vec![
        Section::rows(
            "销售与退货",
            vec![
                Row::new("销售笔数", Value::count(s.sales_count, "笔")),
                Row::strong("应收金额", Value::Money(s.sales_amount)),
                Row::new("退货笔数", Value::count(s.returns_count, "笔")),
                Row::new("退款金额", Value::Money(s.returns_amount)),
            ],
        ),
        tenders(&s.tenders),
        Section::rows("现金", cash).note("应有现金 = 备用金 + 现金净收 + 存入 - 取出"),
    ];
    if let Some(counted) = &s.counted {
        let lines: Vec<Vec<Value>> = counted
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(d, n)| {
                vec![
                    Value::text(denomination(*d)),
                    Value::count(*n, ""),
                    Value::Money(Money::from_fen(d.fen() * n)),
                ]
            })
            .collect();
        sections.push(Section::table(
            "点钞明细",
            Table {
                columns: vec![
                    Column::text("面额", 4),
                    Column::number("张/枚", 3),
                    Column::number("金额", 4),
                ],
                rows: lines,
            },
        ));
    }
    let opened = local_stamp(&shift.opened_at, "%H%M");
    ReportDoc {
        kind: ReportKind::HandoverSlip,
        pharmacy,
        title: "交班单".to_owned(),
        banner: shift.closed_at.is_none().then(|| SHIFT_OPEN.to_owned()),
        info,
        sections,
        signatures: SIGNATURES.iter().map(|s| (*s).to_owned()).collect(),
        issued_at: issue.at,
        file_stem: format!(
            "shift-slip-{}-{opened}{}",
            shift.business_date,
            if shift.closed_at.is_none() {
                "-open"
            } else {
                ""
            }
        ),
    }
}

/// `100 元`, `5 角`, `1 分`: a note or coin as staff name it.
fn denomination(d: Money) -> String {
    match d.fen() {
        f if f >= 100 => format!("{} 元", f / 100),
        f if f >= 10 => format!("{} 角", f / 10),
        f => format!("{f} 分"),
    }
}

/// The day-close report: a closed day's as signed (`day_close::get`, numbered), or a preview
/// (`number` is `None`), marked 预览（未日结）.
pub fn for_day(pharmacy: PharmacySettings, r: &DayReport, issue: Issue<'_>) -> ReportDoc {
    let mut info = vec![
        Row::new("营业日", Value::text(&r.business_date)),
        Row::new(
            "编号",
            Value::text(
                r.number
                    .map_or_else(|| PREVIEW.to_owned(), |n| format!("第 {n} 号")),
            ),
        ),
    ];
    if let Some(at) = &r.closed_at {
        info.push(Row::new(
            "日结时间",
            Value::text(local_stamp(at, "%Y-%m-%d %H:%M:%S")),
        ));
    }
    if let Some(by) = &r.closed_by_name {
        info.push(Row::new("日结人", Value::text(by)));
    }
    if !pharmacy.store_code.is_empty() {
        info.push(Row::new("门店编码", Value::text(&pharmacy.store_code)));
    }
    info.extend(issue.rows());

    let d = &r.discounts;
    let mut cash = vec![
        Row::new("备用金", Value::Money(r.floats)),
        Row::new("现金净收", Value::Money(cash_net(&r.tenders))),
        Row::new("存入", Value::Money(r.cash_in)),
        Row::new("取出", Value::Money(r.cash_out)),
        Row::strong("应有现金", Value::Money(r.cash_expected)),
    ];
    match r.cash_counted {
        Some(c) => cash.push(Row::strong("实点现金", Value::Money(c))),
        None => cash.push(Row::strong("实点现金", Value::text("无班次"))),
    }
    if let Some(os) = r.over_short {
        cash.push(Row::strong("长款/短款", Value::OverShort(os)));
    }
    let sections = vec![
        Section::rows(
            "销售",
            vec![
                Row::new("销售笔数", Value::count(r.sales_count, "笔")),
                Row::new("商品金额（折前）", Value::Money(r.sales_subtotal)),
                Row::new("折扣合计", Value::Money(d.total)),
                Row::strong("应收金额", Value::Money(r.sales_amount)),
                Row::new("客单价", Value::Money(r.average_ticket)),
            ],
        ),
        Section::rows(
            "退货",
            vec![
                Row::new("退货笔数", Value::count(r.returns_count, "笔")),
                Row::new("退款金额", Value::Money(r.returns_amount)),
                Row::strong("净销售额", Value::Money(r.net_amount)),
            ],
        )
        .note("净销售额 = 应收金额 - 退款金额"),
        Section::rows(
            "折扣",
            vec![
                Row::new("会员折扣", Value::Money(d.tier)),
                Row::new("会员日折扣", Value::Money(d.member_day)),
                Row::new("优惠券", Value::Money(d.coupon)),
                Row::new("积分抵现", Value::Money(d.points)),
                Row::new("抹零", Value::Money(d.small_change)),
                Row::new("店长改价", Value::Money(d.manual)),
                Row::strong("折扣合计", Value::Money(d.total)),
            ],
        ),
        tenders(&r.tenders),
        Section::rows("现金", cash).note("应有现金 = 备用金 + 现金净收 + 存入 - 取出"),
        Section::rows(
            "会员",
            vec![
                Row::new("会员消费笔数", Value::count(r.member_sales_count, "笔")),
                Row::new("会员消费金额", Value::Money(r.member_sales_amount)),
                Row::new("会员消费占比", Value::Percent(r.member_share_pct.clone())),
                Row::new("新会员", Value::count(r.new_members, "人")),
                Row::new("积分发放", Value::count(r.points_issued, "分")),
                Row::new("积分抵扣", Value::count(r.points_redeemed, "分")),
            ],
        ),
        Section::rows(
            "处方与麻黄碱",
            vec![
                Row::new("处方销售", Value::count(r.rx_sales, "笔")),
                Row::new("麻黄碱登记", Value::count(r.ephedrine_lines, "条")),
            ],
        ),
        Section::table(
            "热销商品（按金额，已扣退货）",
            Table {
                columns: vec![
                    Column::number("排名", 2),
                    Column::text("品名", 9),
                    Column::text("规格", 5).under_previous(),
                    Column::number("数量", 3),
                    Column::number("金额", 5),
                ],
                rows: r
                    .top_products
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        vec![
                            Value::count(i as i64 + 1, ""),
                            Value::text(&p.name),
                            Value::text(&p.spec),
                            Value::count(p.quantity, ""),
                            Value::Money(p.amount),
                        ]
                    })
                    .collect(),
            },
        ),
        Section::table(
            "班次",
            Table {
                columns: vec![
                    Column::text("收银员", 4),
                    Column::text("开班", 4),
                    Column::text("交班", 4),
                    Column::number("备用金", 4),
                    Column::number("应有现金", 5),
                    Column::number("实点现金", 5),
                    Column::number("长款/短款", 5),
                ],
                rows: r
                    .shifts
                    .iter()
                    .map(|s| {
                        vec![
                            Value::text(&s.cashier_name),
                            Value::text(local_stamp(&s.opened_at, "%m-%d %H:%M")),
                            Value::text(s.closed_at.as_deref().map_or_else(
                                || "未交班".to_owned(),
                                |t| local_stamp(t, "%m-%d %H:%M"),
                            )),
                            Value::Money(s.float),
                            Value::Money(s.cash_expected),
                            s.cash_counted
                                .map_or_else(|| Value::text("—"), Value::Money),
                            s.over_short
                                .map_or_else(|| Value::text("—"), Value::OverShort),
                        ]
                    })
                    .collect(),
            },
        ),
        Section {
            title: "审计封存".to_owned(),
            rows: vec![Row::new("审计链哈希", Value::text(&r.audit_hash))],
            table: None,
            note: Some(if r.number.is_some() {
                "日结时封存的审计日志末条哈希（SHA-256）；改动、删除或插入任何一条日志都会对不上"
                    .to_owned()
            } else {
                "预览：审计日志当前末条哈希，日结时才封存".to_owned()
            }),
        },
    ];
    ReportDoc {
        kind: ReportKind::DayClose,
        pharmacy,
        title: "日结单".to_owned(),
        banner: r.number.is_none().then(|| PREVIEW.to_owned()),
        info,
        sections,
        signatures: SIGNATURES.iter().map(|s| (*s).to_owned()).collect(),
        issued_at: issue.at,
        file_stem: match r.number {
            Some(n) => format!("day-close-{}-no{n}", r.business_date),
            None => format!("day-close-{}-preview", r.business_date),
        },
    }
}

/// A text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a return first)
/// gets a leading `'`: a product or staff name typed as `=HYPERLINK(…)` stays text in Excel.
pub(crate) fn defused(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The report as CSV for Excel and WPS: UTF-8 with a byte-order mark (without it Excel reads
/// the Chinese as GBK garble), one block per section — a title line, `label,value` lines, a
/// table's header and rows — with an empty line between blocks. Numbers are plain (`12.80`,
/// `-0.30` for 短款, `62.5%`) so a spreadsheet reads them as numbers.
pub fn to_csv(doc: &ReportDoc) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let text = |v: &Value| match v {
        Value::Text(s) => defused(s),
        other => other.plain(),
    };
    let fail = |e: csv::Error| PosError::storage(format!("CSV 写入失败：{e}"));
    let mut title = vec![doc.title.clone()];
    title.extend(doc.banner.clone());
    w.write_record(&title).map_err(fail)?;
    w.write_record([defused(&doc.pharmacy.name)])
        .map_err(fail)?;
    for (label, value) in [
        ("地址", &doc.pharmacy.address),
        ("电话", &doc.pharmacy.phone),
        ("药品经营许可证", &doc.pharmacy.licence_no),
    ] {
        if !value.is_empty() {
            w.write_record([label.to_owned(), defused(value)])
                .map_err(fail)?;
        }
    }
    for r in &doc.info {
        w.write_record([r.label.clone(), text(&r.value)])
            .map_err(fail)?;
    }
    for s in &doc.sections {
        w.write_record([""]).map_err(fail)?;
        w.write_record([s.title.clone()]).map_err(fail)?;
        for r in &s.rows {
            w.write_record([r.label.clone(), text(&r.value)])
                .map_err(fail)?;
        }
        if let Some(t) = &s.table {
            w.write_record(t.columns.iter().map(|c| c.title.clone()))
                .map_err(fail)?;
            for row in &t.rows {
                w.write_record(row.iter().map(text)).map_err(fail)?;
            }
        }
        if let Some(n) = &s.note {
            w.write_record([format!("注：{n}")]).map_err(fail)?;
        }
    }
    w.write_record([""]).map_err(fail)?;
    for s in &doc.signatures {
        w.write_record([s.clone(), String::new()]).map_err(fail)?;
    }
    if let Some(b) = &doc.banner {
        w.write_record([b.clone()]).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| PosError::storage(format!("CSV 写入失败：{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_with_their_units_and_export_as_plain_numbers() {
        let m = Money::from_fen;
        for (v, shown, plain) in [
            (Value::Money(m(1280)), "¥12.80", "12.80"),
            (Value::Money(m(-300)), "-¥3.00", "-3.00"),
            (Value::OverShort(m(-30)), "短款 ¥0.30", "-0.30"),
            (Value::OverShort(m(100)), "长款 ¥1.00", "1.00"),
            (Value::OverShort(m(0)), "平", "0.00"),
            (Value::count(312, "笔"), "312 笔", "312"),
            (Value::count(7, ""), "7", "7"),
            (Value::Percent("62.5".into()), "62.5%", "62.5%"),
        ] {
            assert_eq!((v.display().as_str(), v.plain().as_str()), (shown, plain));
        }
        assert_eq!(denomination(m(10_000)), "100 元");
        assert_eq!(denomination(m(50)), "5 角");
        assert_eq!(denomination(m(2)), "2 分");
    }

    #[test]
    fn a_formula_typed_as_a_name_stays_text_in_a_spreadsheet() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("阿莫西林"), "阿莫西林");
    }
}
