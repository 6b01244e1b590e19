//! The layout code on thermal paper, with a receipt shaped like the checkout one: the roll is one
//! page as long as its content, columns stay inside 72 mm / 48 mm, long names wrap in their column.

mod common;

use std::process::Command;

use pos_receipt::fonts::Fonts;
use pos_receipt::layout::{Paper, Pdf};

fn info(pdf: &Pdf) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    String::from_utf8(Command::new("pdfinfo").arg(&path).output().unwrap().stdout).unwrap()
}

fn page_size(pdf: &Pdf) -> (f32, f32) {
    let info = info(pdf);
    let line = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    let v: Vec<f32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (v[0], v[1])
}

fn squeezed(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_80mm_receipt_is_one_page_as_long_as_its_content() {
    let fonts = Fonts::with_fallbacks([]).unwrap();
    let short = common::receipt(&fonts, Paper::ROLL_80, 3);
    let long = common::receipt(&fonts, Paper::ROLL_80, 40);
    assert_eq!((short.pages, long.pages), (1, 1));
    let (w, h_short) = page_size(&short);
    let (_, h_long) = page_size(&long);
    assert!((w - 226.77).abs() < 0.1, "80 mm is 226.77 pt, got {w}");
    assert!(h_long > h_short * 3.0, "{h_short} → {h_long}");
    assert!(short.bytes.len() < 60_000, "{} bytes", short.bytes.len());
    let text = squeezed(&common::text_of(&short.bytes));
    for expected in [
        "康宁大药房（张杨路店）",
        "品名/规格 数量 金额",
        "阿莫西林胶囊 0.25g*24粒 2 ¥25.60\n华北制药 批号 241102 单价 ¥12.80",
        "用法：口服，一次2粒，每6～8小时1次；青霉素过敏\n者禁用",
        "合计 ¥76.80",
        "药品一经售出，非质量问题不予退换。",
    ] {
        assert!(text.contains(expected), "missing “{expected}” in:\n{text}");
    }
}

#[test]
fn on_58mm_a_long_name_wraps_in_its_column_and_the_amount_stays_on_its_line() {
    let fonts = Fonts::with_fallbacks([]).unwrap();
    let pdf = common::receipt(&fonts, Paper::ROLL_58, 2);
    let (w, _) = page_size(&pdf);
    assert!((w - 164.41).abs() < 0.1, "58 mm is 164.41 pt, got {w}");
    let text = squeezed(&common::text_of(&pdf.bytes));
    // The name takes two lines; quantity and amount sit on the first.
    assert!(
        text.contains("阿莫西林胶囊 2 ¥25.60\n0.25g*24粒\n华北制药"),
        "{text}"
    );
    assert!(text.contains("合计 ¥76.80"), "{text}");
}

/// A member-day sale with a percent coupon and a bonus-points product (issue 10): the coupon is
/// named by what it is and the points say why they are multiplied, under 本次积分, at both widths.
/// The 80 mm roll is rendered to docs/screenshots/receipt-member-day.png (looked at).
#[test]
fn a_member_day_receipt_names_its_coupon_and_why_points_are_multiplied() {
    let fonts = Fonts::with_fallbacks([]).unwrap();
    let mut r = common::receipt_model(2);
    // The model splits its tenders at whole ¥100: under that, no ¥0.00 WeChat line.
    r.payments.retain(|p| p.amount.fen() > 0);
    r.deductions[0].label = "优惠券（85 折券（满 20 可用，最多减 5，限 感冒用药））".into();
    let m = r.member.as_mut().unwrap();
    m.points_notes = vec![
        "会员日 2 倍积分".into(),
        "加倍积分商品 对乙酰氨基酚片 3 倍".into(),
    ];
    for paper in [80, 58] {
        let pdf = pos_receipt::receipt::render(&fonts, &r, paper).unwrap();
        let text = squeezed(&common::text_of(&pdf.bytes));
        // The long label wraps in its column beside its amount.
        let flat: String = text
            .split_whitespace()
            .collect::<String>()
            .replace("-¥3.00", "");
        assert!(
            flat.contains("85折券（满20可用，最多减5，限感冒用药）"),
            "{paper} mm: {text}"
        );
        let earned = text.find("本次积分").expect("本次积分");
        let day = text.find("会员日 2 倍积分").expect("the member-day note");
        let bonus = flat
            .find("加倍积分商品对乙酰氨基酚片3倍")
            .expect("the bonus note");
        assert!(
            earned < day,
            "{paper} mm: the notes follow 本次积分: {text}"
        );
        assert!(bonus > 0);
        if paper == 80 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("r.pdf");
            std::fs::write(&path, &pdf.bytes).unwrap();
            let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../docs/screenshots/receipt-member-day");
            let ok = Command::new("pdftoppm")
                .args(["-r", "150", "-png", "-singlefile"])
                .arg(&path)
                .arg(&out)
                .status()
                .unwrap()
                .success();
            assert!(ok, "pdftoppm renders the receipt");
        }
    }
}
