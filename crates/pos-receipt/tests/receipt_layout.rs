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
