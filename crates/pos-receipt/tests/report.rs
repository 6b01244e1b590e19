//! The manager's reports as a reader sees them: a day-close report with every figure different
//! (so each one can be found) and two shifts' handover slips, drawn at 80 mm, 58 mm and A4, read
//! back with `pdftotext -layout` (every figure, the Chinese text, no 〓), sized with `pdfinfo`,
//! rendered to PNG with `pdftoppm` (kept in `target/tmp/reports/`; `docs/screenshots/
//! shift-slip-80mm.png`, `day-close-80mm.png` and `day-close-a4.png` are copies), and the
//! workbook opened with calamine. The last test prints and exports through the real API.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use pos_core::day_close::{DayReport, DiscountTotals, ShiftLine, TopProduct};
use pos_core::report_doc::{self, Issue, ReportPaper, PREVIEW};
use pos_core::settings::PharmacySettings;
use pos_core::shift::{HandoverSlip, Shift, TenderTotal};
use pos_core::Money;
use pos_receipt::fonts::{Fonts, MISSING_MARK};
use pos_receipt::layout::Pdf;
use pos_receipt::PdfRenderer;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn m(fen: i64) -> Money {
    Money::from_fen(fen)
}

fn pharmacy() -> PharmacySettings {
    PharmacySettings {
        name: "康宁大药房（张杨路店）".to_owned(),
        address: "上海市浦东新区张杨路 1288 号".to_owned(),
        phone: "021-5888 1234".to_owned(),
        licence_no: "沪AA0210001".to_owned(),
        store_code: "SH001".to_owned(),
    }
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().into()
}

fn tender(kind: &str, sales: i64, refunds: i64) -> TenderTotal {
    TenderTotal {
        kind: kind.to_owned(),
        sales: m(sales),
        refunds: m(refunds),
        net: m(sales - refunds),
    }
}

/// A busy day closed as number 3: every figure distinct, two shifts (one 0.30 short), ten top
/// products with a long name and 䓬 (outside GB2312).
fn day(number: Option<i64>) -> DayReport {
    let products = [
        ("片仔癀", "3g*1粒", 6, 354_000),
        ("妈咪爱枯草杆菌二联活菌颗粒", "1g*10袋", 41, 114_800),
        ("爱赛平盐酸氮䓬斯汀鼻喷雾剂", "10ml:10mg", 19, 91_200),
        ("阿莫西林胶囊", "0.25g*24粒", 63, 80_640),
        ("感冒灵颗粒", "10g*9袋", 48, 75_840),
        ("新康泰克", "10粒", 6, 11_880),
        ("对乙酰氨基酚片", "0.5g*12片", 27, 9_450),
        ("风油精", "3ml", 22, 6_600),
        ("医用外科口罩", "10只", 15, 5_250),
        ("维生素C片", "0.1g*100片", 11, 4_180),
    ];
    DayReport {
        business_date: "2026-11-23".to_owned(),
        number,
        closed_at: number.map(|_| "2026-11-23T14:05:07.000Z".to_owned()),
        closed_by_name: number.map(|_| "张丽华".to_owned()),
        sales_count: 312,
        sales_subtotal: m(1_823_740),
        sales_amount: m(1_732_155),
        returns_count: 4,
        returns_amount: m(21_230),
        net_amount: m(1_710_925),
        discounts: DiscountTotals {
            tier: m(52_310),
            member_day: m(8_800),
            manual: m(4_560),
            coupon: m(15_000),
            points: m(9_700),
            small_change: m(1_215),
            total: m(91_585),
        },
        tenders: vec![
            tender("cash", 523_050, 8_000),
            tender("wechat", 612_035, 10_030),
            tender("alipay", 301_120, 0),
            tender("card", 120_000, 3_200),
            tender("insurance", 175_950, 0),
        ],
        floats: m(100_000),
        cash_in: m(20_000),
        cash_out: m(150_000),
        cash_expected: m(485_050),
        cash_counted: Some(m(485_020)),
        over_short: Some(m(-30)),
        member_sales_count: 187,
        member_sales_amount: m(1_082_600),
        member_share_pct: "62.5".to_owned(),
        average_ticket: m(5_552),
        new_members: 9,
        points_issued: 10_321,
        points_redeemed: 9_700,
        rx_sales: 23,
        ephedrine_lines: 6,
        top_products: products
            .iter()
            .map(|(name, spec, quantity, amount)| TopProduct {
                name: (*name).to_owned(),
                spec: (*spec).to_owned(),
                quantity: *quantity,
                amount: m(*amount),
            })
            .collect(),
        shifts: vec![
            ShiftLine {
                shift_id: "s1".to_owned(),
                cashier_name: "王晓燕".to_owned(),
                opened_at: "2026-11-23T00:00:00.000Z".to_owned(),
                closed_at: Some("2026-11-23T06:02:00.000Z".to_owned()),
                float: m(50_000),
                cash_expected: m(250_010),
                cash_counted: Some(m(250_010)),
                over_short: Some(m(0)),
            },
            ShiftLine {
                shift_id: "s2".to_owned(),
                cashier_name: "欧阳晓明".to_owned(),
                opened_at: "2026-11-23T06:05:00.000Z".to_owned(),
                closed_at: Some("2026-11-23T13:58:00.000Z".to_owned()),
                float: m(50_000),
                cash_expected: m(235_040),
                cash_counted: Some(m(235_010)),
                over_short: Some(m(-30)),
            },
        ],
        audit_hash: HASH.to_owned(),
    }
}

fn slip() -> HandoverSlip {
    HandoverSlip {
        shift: Shift {
            id: "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b".to_owned(),
            cashier_id: pos_core::ids::StaffId::new(&pos_core::clock::FixedClock::at(
                "2026-11-23T00:00:00Z",
            )),
            cashier_name: "欧阳晓明".to_owned(),
            business_date: "2026-11-23".to_owned(),
            opened_at: "2026-11-23T06:05:00.000Z".to_owned(),
            float: m(50_000),
            closed_at: Some("2026-11-23T13:58:00.000Z".to_owned()),
        },
        sales_count: 148,
        sales_amount: m(802_315),
        returns_count: 3,
        returns_amount: m(11_230),
        tenders: vec![
            tender("cash", 201_540, 6_500),
            tender("wechat", 300_115, 4_730),
            tender("alipay", 150_660, 0),
            tender("card", 60_000, 0),
            tender("insurance", 90_000, 0),
        ],
        cash_in: m(10_000),
        cash_out: m(20_000),
        cash_expected: m(235_040),
        counted: Some(vec![
            (m(10_000), 21),
            (m(5_000), 3),
            (m(2_000), 4),
            (m(1_000), 1),
            (m(500), 0),
            (m(100), 6),
            (m(50), 7),
            (m(10), 5),
            (m(1), 10),
        ]),
        cash_counted: Some(m(235_010)),
        over_short: Some(m(-30)),
        closed_by_name: Some("欧阳晓明".to_owned()),
    }
}

fn issue(export: bool) -> Issue<'static> {
    Issue {
        at: at("2026-11-23T14:06:30Z"),
        by: "张丽华",
        export,
    }
}

fn embedded_only() -> PdfRenderer {
    PdfRenderer::with_fonts(Fonts::with_fallbacks([]).unwrap())
}

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reports");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Saves the PDF as `name.pdf` and renders its pages as `name-N.png` at 150 dpi; the text as
/// `pdftotext -layout` reads it.
fn keep(name: &str, pdf: &Pdf) -> String {
    let path = dir().join(format!("{name}.pdf"));
    std::fs::write(&path, &pdf.bytes).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png"])
        .arg(&path)
        .arg(dir().join(name))
        .status()
        .expect("pdftoppm runs (apt install poppler-utils)");
    assert!(status.success());
    common::pdftotext(&path)
}

fn pdfinfo(pdf: &Pdf) -> String {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("r.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    String::from_utf8(Command::new("pdfinfo").arg(&path).output().unwrap().stdout).unwrap()
}

/// Text with the spaces pdftotext -layout puts between columns squeezed to one.
fn squeezed(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each line without its spaces: pdftotext keeps or drops the narrow space between a digit and
/// a Chinese character (`4 笔`, `4笔`) as it sees fit.
fn tight(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every expected text is there, line by line as given (compared without spaces).
fn assert_has(text: &str, expected: &[&str]) {
    let t = tight(text);
    for e in expected {
        assert!(t.contains(&tight(e)), "missing “{e}” in:\n{text}");
    }
}

/// Every figure of the day as printed, label and value on one line.
const DAY_FIGURES: &[&str] = &[
    "营业日 2026-11-23",
    "编号 第 3 号",
    "日结时间 2026-11-23 22:05:07",
    "日结人 张丽华",
    "门店编码 SH001",
    "打印时间 2026-11-23 22:06:30",
    "打印人 张丽华",
    "销售笔数 312 笔",
    "商品金额（折前） ¥18237.40",
    "折扣合计 ¥915.85",
    "应收金额 ¥17321.55",
    "客单价 ¥55.52",
    "退货笔数 4 笔",
    "退款金额 ¥212.30",
    "净销售额 ¥17109.25",
    "会员折扣 ¥523.10",
    "会员日折扣 ¥88.00",
    "优惠券 ¥150.00",
    "积分抵现 ¥97.00",
    "抹零 ¥12.15",
    "店长改价 ¥45.60",
    "备用金 ¥1000.00",
    "现金净收 ¥5150.50",
    "存入 ¥200.00",
    "取出 ¥1500.00",
    "应有现金 ¥4850.50",
    "实点现金 ¥4850.20",
    "长款/短款 短款 ¥0.30",
    "会员消费笔数 187 笔",
    "会员消费金额 ¥10826.00",
    "会员消费占比 62.5%",
    "新会员 9 人",
    "积分发放 10321 分",
    "积分抵扣 9700 分",
    "处方销售 23 笔",
    "麻黄碱登记 6 条",
];

/// The tender lines of the day: method, taken, refunded, net.
const DAY_TENDERS: &[&str] = &[
    "现金 ¥5230.50 ¥80.00 ¥5150.50",
    "微信 ¥6120.35 ¥100.30 ¥6020.05",
    "支付宝 ¥3011.20 ¥0.00 ¥3011.20",
    "银行卡 ¥1200.00 ¥32.00 ¥1168.00",
    "医保 ¥1759.50 ¥0.00 ¥1759.50",
];

fn assert_clean(pdf: &Pdf, text: &str) {
    assert!(pdf.missing.is_empty(), "missing glyphs {:?}", pdf.missing);
    assert!(!text.contains(MISSING_MARK), "a 〓 in:\n{text}");
}

#[test]
fn the_day_close_report_at_80mm_has_every_figure_on_one_long_page() {
    let doc = report_doc::for_day(pharmacy(), &day(Some(3)), issue(false));
    let pdf = embedded_only()
        .report(&doc, ReportPaper::Receipt80)
        .unwrap();
    let raw = keep("day-close-80mm", &pdf);
    let text = squeezed(&raw);
    assert_clean(&pdf, &text);
    assert_eq!(pdf.pages, 1);
    let info = pdfinfo(&pdf);
    assert!(info.contains("226.772 x"), "80 mm wide: {info}");
    assert!(pdf.bytes.len() < 120_000, "{} bytes", pdf.bytes.len());
    assert_has(
        &text,
        &[
            "康宁大药房（张杨路店）",
            "地址：上海市浦东新区张杨路 1288 号",
            "药品经营许可证：沪AA0210001",
            "日结单",
            "方式 收款 退款 净额",
            "现金收款已扣除找零",
            "热销商品（按金额，已扣退货）",
            // The spec sits under the name; the long name wraps in its column.
            "1 片仔癀 6 ¥3540.00\n3g*1粒",
            "4 阿莫西林胶囊 63 ¥806.40\n0.25g*24粒",
            "爱赛平盐酸氮䓬斯汀",
            // The shifts are too wide for the roll: a block each.
            "欧阳晓明\n开班 11-23 14:05\n交班 11-23 21:58\n备用金 ¥500.00\n应有现金 ¥2350.40\n实点现金 ¥2350.10\n长款/短款 短款 ¥0.30",
            "审计链哈希",
            "收银员签字：",
            "店长签字：",
        ],
    );
    assert_has(&text, DAY_FIGURES);
    assert_has(&text, DAY_TENDERS);
    assert!(!text.contains(PREVIEW));
    // The hash wraps on its own lines: all 64 characters are there.
    let compact: String = raw.split_whitespace().collect();
    assert!(compact.contains(HASH), "{raw}");
}

#[test]
fn the_day_close_report_on_a4_pages_with_numbered_footers() {
    let doc = report_doc::for_day(pharmacy(), &day(Some(3)), issue(false));
    let pdf = embedded_only().report(&doc, ReportPaper::A4).unwrap();
    let raw = keep("day-close-a4", &pdf);
    let text = squeezed(&raw);
    assert_clean(&pdf, &text);
    let info = pdfinfo(&pdf);
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    assert!(pdf.pages >= 2, "{} pages", pdf.pages);
    assert_has(&text, DAY_FIGURES);
    assert_has(&text, DAY_TENDERS);
    assert_has(
        &text,
        &[
            "排名 品名 规格 数量 金额",
            "2 妈咪爱枯草杆菌二联活菌颗粒 1g*10袋 41 ¥1148.00",
            "3 爱赛平盐酸氮䓬斯汀鼻喷雾剂 10ml:10mg 19 ¥912.00",
            "收银员 开班 交班 备用金 应有现金 实点现金 长款/短款",
            "王晓燕 11-23 08:00 11-23 14:02 ¥500.00 ¥2500.10 ¥2500.10 平",
            "欧阳晓明 11-23 14:05 11-23 21:58 ¥500.00 ¥2350.40 ¥2350.10 短款 ¥0.30",
            HASH,
            "收银员签字： 店长签字：",
        ],
    );
    let compact: String = text.split_whitespace().collect();
    let n = pdf.pages;
    for i in 1..=n {
        assert!(
            compact.contains(&format!("日结单2026-11-23第3号第{i}页/共{n}页")),
            "page {i}: {text}"
        );
    }
}

#[test]
fn a_preview_says_so_at_the_top_the_end_and_on_every_page() {
    let doc = report_doc::for_day(pharmacy(), &day(None), issue(false));
    for (paper, name) in [
        (ReportPaper::Receipt80, "day-preview-80mm"),
        (ReportPaper::A4, "day-preview-a4"),
    ] {
        let pdf = embedded_only().report(&doc, paper).unwrap();
        let text = squeezed(&keep(name, &pdf));
        assert_clean(&pdf, &text);
        let banners = text.matches("【预览（未日结）】").count();
        assert_eq!(banners, 2, "{name}: top and end:\n{text}");
        assert!(text.contains("编号 预览（未日结）"), "{text}");
        assert!(!text.contains("第 3 号"));
        if paper == ReportPaper::A4 {
            let compact: String = text.split_whitespace().collect();
            assert!(
                compact.contains(&format!(
                    "日结单2026-11-23预览（未日结）第1页/共{}页",
                    pdf.pages
                )),
                "{text}"
            );
        }
    }
}

#[test]
fn the_handover_slip_at_80mm_and_58mm() {
    let doc = report_doc::for_slip(pharmacy(), &slip(), Some(2), issue(false));
    let figures = [
        "交班单",
        "收银员 欧阳晓明",
        "营业日 2026-11-23",
        "收银台 2 号",
        "开班时间 2026-11-23 14:05",
        "交班时间 2026-11-23 21:58",
        "打印人 张丽华",
        "销售笔数 148 笔",
        "应收金额 ¥8023.15",
        "退货笔数 3 笔",
        "退款金额 ¥112.30",
        "备用金 ¥500.00",
        "现金净收 ¥1950.40",
        "存入 ¥100.00",
        "取出 ¥200.00",
        "应有现金 ¥2350.40",
        "实点现金 ¥2350.10",
        "长款/短款 短款 ¥0.30",
        "面额 张/枚 金额",
        "100 元 21 ¥2100.00",
        "5 角 7 ¥3.50",
        "1 角 5 ¥0.50",
        "收银员签字：",
        "店长签字：",
    ];
    let pdf = embedded_only()
        .report(&doc, ReportPaper::Receipt80)
        .unwrap();
    let text = squeezed(&keep("shift-slip-80mm", &pdf));
    assert_clean(&pdf, &text);
    assert_eq!(pdf.pages, 1);
    assert_has(&text, &figures);
    assert_has(
        &text,
        &[
            "现金 ¥2015.40 ¥65.00 ¥1950.40",
            "微信 ¥3001.15 ¥47.30 ¥2953.85",
        ],
    );
    // No 5 元 notes were counted: the line is left out.
    assert!(!text.contains("5 元"), "{text}");

    // 58 mm: the four tender columns are too many, each method is a block.
    let pdf = embedded_only()
        .report(&doc, ReportPaper::Receipt58)
        .unwrap();
    let text = squeezed(&keep("shift-slip-58mm", &pdf));
    assert_clean(&pdf, &text);
    assert!(pdfinfo(&pdf).contains("164.409 x"), "58 mm wide");
    assert_has(&text, &figures[..18]);
    assert_has(&text, &["微信\n收款 ¥3001.15\n退款 ¥47.30\n净额 ¥2953.85"]);
}

fn cell(range: &calamine::Range<Data>, label: &str, col: usize) -> Data {
    let row = range
        .rows()
        .find(|r| r.first() == Some(&Data::String(label.to_owned())))
        .unwrap_or_else(|| panic!("no row {label}"));
    row[col].clone()
}

#[test]
fn the_workbook_has_every_figure_as_a_number() {
    let doc = report_doc::for_day(pharmacy(), &day(Some(3)), issue(true));
    let bytes = pos_core::documents::Renderer::report_xlsx(&embedded_only(), &doc).unwrap();
    std::fs::write(dir().join("day-close.xlsx"), &bytes).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), ["日结单"]);
    let range = wb.worksheet_range("日结单").unwrap();
    assert_eq!(
        range.get((0, 0)),
        Some(&Data::String("康宁大药房（张杨路店）".into()))
    );
    assert_eq!(cell(&range, "营业日", 1), Data::String("2026-11-23".into()));
    assert_eq!(cell(&range, "编号", 1), Data::String("第 3 号".into()));
    assert_eq!(cell(&range, "导出人", 1), Data::String("张丽华".into()));
    for (label, value) in [
        ("销售笔数", 312.0),
        ("商品金额（折前）", 18237.40),
        ("应收金额", 17321.55),
        ("客单价", 55.52),
        ("退货笔数", 4.0),
        ("退款金额", 212.30),
        ("净销售额", 17109.25),
        ("会员折扣", 523.10),
        ("会员日折扣", 88.0),
        ("优惠券", 150.0),
        ("积分抵现", 97.0),
        ("抹零", 12.15),
        ("店长改价", 45.60),
        ("备用金", 1000.0),
        ("存入", 200.0),
        ("取出", 1500.0),
        ("应有现金", 4850.50),
        ("实点现金", 4850.20),
        ("长款/短款", -0.30),
        ("会员消费笔数", 187.0),
        ("会员消费金额", 10826.0),
        ("会员消费占比", 0.625),
        ("新会员", 9.0),
        ("积分发放", 10321.0),
        ("积分抵扣", 9700.0),
        ("处方销售", 23.0),
        ("麻黄碱登记", 6.0),
    ] {
        match cell(&range, label, 1) {
            Data::Float(f) => assert!((f - value).abs() < 1e-9, "{label}: {f} ≠ {value}"),
            other => panic!("{label}: {other:?} is not a number"),
        }
    }
    // Tables: the tender lines under their header, the products, the shifts.
    assert_eq!(cell(&range, "现金", 1), Data::Float(5230.50));
    assert_eq!(cell(&range, "医保", 3), Data::Float(1759.50));
    let top = range
        .rows()
        .find(|r| r.get(1) == Some(&Data::String("爱赛平盐酸氮䓬斯汀鼻喷雾剂".into())))
        .unwrap();
    assert_eq!(
        top,
        [
            Data::Float(3.0),
            Data::String("爱赛平盐酸氮䓬斯汀鼻喷雾剂".into()),
            Data::String("10ml:10mg".into()),
            Data::Float(19.0),
            Data::Float(912.0),
            Data::Empty,
            Data::Empty,
        ]
    );
    assert_eq!(cell(&range, "欧阳晓明", 6), Data::Float(-0.30));
    assert_eq!(cell(&range, "审计链哈希", 1), Data::String(HASH.into()));
    assert_eq!(
        cell(&range, "店长签字：", 0),
        Data::String("店长签字：".into())
    );

    // A preview is marked: in the sheet's name and in red at the top and the end.
    let doc = report_doc::for_day(pharmacy(), &day(None), issue(true));
    let bytes = pos_core::documents::Renderer::report_xlsx(&embedded_only(), &doc).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), ["日结单（预览）"]);
    let range = wb.worksheet_range("日结单（预览）").unwrap();
    let previews = range
        .rows()
        .filter(|r| r.first() == Some(&Data::String(PREVIEW.into())))
        .count();
    assert_eq!(previews, 2);
}

#[test]
fn the_manager_prints_and_exports_through_the_api() {
    use pos_core::api::*;
    use pos_core::clock::FixedClock;
    use pos_core::db::Store;
    use pos_core::shift::CountLine;

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("till.sqlite"),
        Arc::new(FixedClock::at("2026-11-23T02:00:00Z")),
    )
    .unwrap();
    let api = Api::new(store).with_renderer(Arc::new(PdfRenderer::new()));
    assert!(pos_core::demo::seed(api.store()).unwrap());
    let login = |no: &str, pin: &str| {
        api.call(Login {
            staff_no: no.into(),
            pin: pin.into(),
        })
        .unwrap();
    };
    login("1001", "1111");
    let shift = api
        .call(ShiftOpen {
            float: Money::from_fen(20_000),
        })
        .unwrap();
    let cart = api.call(CartOpen {}).unwrap();
    let cart = api
        .call(CartScan {
            cart_id: cart.id,
            barcode: "6939668066407".into(),
            quantity: Some(2),
        })
        .unwrap();
    api.call(SalePay {
        cart_id: cart.id,
        tenders: vec![pos_core::pricing::Tender {
            kind: pos_core::pricing::TenderKind::Cash,
            amount: Money::from_fen(5_000),
            settlement_no: None,
            reference: None,
        }],
    })
    .unwrap();
    // 200 + 31.60 in the drawer: counted exactly.
    api.call(ShiftClose {
        count: vec![
            CountLine {
                denomination: Money::from_fen(10_000),
                count: "2".into(),
            },
            CountLine {
                denomination: Money::from_fen(1_000),
                count: "3".into(),
            },
            CountLine {
                denomination: Money::from_fen(100),
                count: "1".into(),
            },
            CountLine {
                denomination: Money::from_fen(50),
                count: "1".into(),
            },
            CountLine {
                denomination: Money::from_fen(10),
                count: "1".into(),
            },
        ],
    })
    .unwrap();
    let slip = api
        .call(ShiftSlipPrint {
            shift_id: shift.id,
            paper_mm: None,
            save_only: true,
        })
        .unwrap();
    let text = squeezed(&common::pdftotext(Path::new(&slip.path)));
    assert_has(
        &text,
        &[
            "康宁大药房（演示店）",
            "交班单",
            "收银员 王晓燕",
            "应收金额 ¥31.60",
            "应有现金 ¥231.60",
            "实点现金 ¥231.60",
            "长款/短款 平",
        ],
    );

    login("3001", "3333");
    let preview = api
        .call(DayReportPrint {
            business_date: "2026-11-23".into(),
            paper: DayReportPaper::A4,
            save_only: true,
        })
        .unwrap();
    let text = squeezed(&common::pdftotext(Path::new(&preview.path)));
    assert_has(
        &text,
        &["【预览（未日结）】", "销售笔数 1 笔", "应收金额 ¥31.60"],
    );
    api.call(DayClose {
        business_date: "2026-11-23".into(),
    })
    .unwrap();
    let signed = api
        .call(DayReportPrint {
            business_date: "2026-11-23".into(),
            paper: DayReportPaper::Receipt,
            save_only: true,
        })
        .unwrap();
    let text = squeezed(&common::pdftotext(Path::new(&signed.path)));
    assert_has(&text, &["编号 第 1 号", "日结人 张丽华", "销售笔数 1 笔"]);
    assert!(!text.contains(PREVIEW));
    let x = api
        .call(DayReportExport {
            business_date: "2026-11-23".into(),
            format: ReportExportFormat::Xlsx,
        })
        .unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook(&x.path).unwrap();
    let range = wb.worksheet_range("日结单").unwrap();
    assert_eq!(cell(&range, "应收金额", 1), Data::Float(31.60));
    assert_eq!(cell(&range, "编号", 1), Data::String("第 1 号".into()));
}

/// The text lines of ESC/POS bytes: GB18030 decoded, printer commands (ESC, GS, FS and their
/// parameters) dropped.
fn escpos_lines(bytes: &[u8]) -> Vec<String> {
    let mut text = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // ESC @, ESC a n, ESC E n, ESC d n; GS ! n / FS ! n; FS &; GS V m n.
            0x1B => {
                i += if bytes.get(i + 1) == Some(&b'@') {
                    2
                } else {
                    3
                }
            }
            0x1D if bytes.get(i + 1) == Some(&b'V') => i += 4,
            0x1D | 0x1C if bytes.get(i + 1) == Some(&b'!') => i += 3,
            0x1C if bytes.get(i + 1) == Some(&b'&') => i += 2,
            b => {
                text.push(b);
                i += 1;
            }
        }
    }
    let (s, _, bad) = encoding_rs::GB18030.decode(&text);
    assert!(!bad, "the text is GB18030");
    s.lines().map(str::to_owned).collect()
}

#[test]
fn the_reports_as_escpos_for_a_raw_thermal_printer() {
    let doc = report_doc::for_day(pharmacy(), &day(None), issue(false));
    let bytes = pos_receipt::escpos::report_escpos(&doc, 80);
    assert!(bytes.starts_with(&pos_receipt::escpos::INIT));
    assert!(bytes.ends_with(&pos_receipt::escpos::CUT));
    let lines = escpos_lines(&bytes);
    for l in &lines {
        assert!(pos_receipt::escpos::width(l) <= 48, "too wide: {l:?}");
    }
    let text = lines.join("\n");
    assert_has(
        &text,
        &[
            "康宁大药房（张杨路店）",
            "日结单",
            "【预览（未日结）】",
            "应收金额 ￥17321.55",
            "长款/短款 短款 ￥0.30",
            "方式 收款 退款 净额",
            "微信 ￥6120.35 ￥100.30 ￥6020.05",
            "爱赛平盐酸氮䓬斯汀鼻喷雾剂",
            "店长签字：",
        ],
    );
    assert_eq!(text.matches("【预览（未日结）】").count(), 2);
    assert!(!text.contains('¥'), "the half-width ¥ is outside GBK");
    std::fs::write(dir().join("day-preview-80mm.escpos.txt"), &text).unwrap();

    // 58 mm: 32 columns; the shift table prints as blocks.
    let doc = report_doc::for_slip(pharmacy(), &slip(), Some(2), issue(false));
    let lines = escpos_lines(&pos_receipt::escpos::report_escpos(&doc, 58));
    for l in &lines {
        assert!(pos_receipt::escpos::width(l) <= 32, "too wide: {l:?}");
    }
    assert_has(
        &lines.join("\n"),
        &[
            "交班单",
            "收银员 欧阳晓明",
            "应有现金 ￥2350.40",
            "100 元 21 ￥2100.00",
        ],
    );
}
