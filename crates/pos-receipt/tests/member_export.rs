//! The member export as a reader sees it: rendered to a PDF file, read back with `pdftotext`
//! (poppler-utils), checked for the Chinese text and numbers, the font subset, page breaks and
//! characters the embedded font lacks. The last test goes through the real API on a store file.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use pos_core::api::{ExportFormat, Login, MemberExportFile, MemberHealthAdd, MemberUpdate};
use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::member::health::HealthKind;
use pos_core::member::{tier, MemberChanges, NewMember};
use pos_core::Api;
use pos_receipt::fonts::{Fonts, MISSING_MARK};
use pos_receipt::PdfRenderer;

/// Debian's Noto Sans CJK (package fonts-noto-cjk, installed by scripts/install-deps.sh).
const SYSTEM_NOTO: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn embedded_only() -> PdfRenderer {
    PdfRenderer::with_fonts(Fonts::with_fallbacks([]).unwrap())
}

fn pdf_tool(tool: &str, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool).arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text with the spaces pdftotext -layout puts between columns squeezed to one.
fn squeezed(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A page marked "（续）" continues that section: the next line is never another section's heading.
fn assert_continuations_are_true(text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.windows(2) {
        if pair[0].ends_with("（续）") {
            let heading = ["一、", "二、", "三、", "四、", "五、", "六、", "七、"];
            assert!(
                !heading.iter().any(|h| pair[1].starts_with(h)),
                "“{}” is followed by a new section: “{}”",
                pair[0],
                pair[1]
            );
        }
    }
}

#[test]
fn the_export_reads_back_with_its_chinese_text_and_numbers() {
    let pdf = embedded_only().member_export(&common::export(12)).unwrap();
    assert!(pdf.missing.is_empty(), "{:?}", pdf.missing);
    let text = squeezed(&common::text_of(&pdf.bytes));
    for expected in [
        // The pharmacy that holds the data, the title and the time of the export (China time).
        "康宁大药房（张杨路店）",
        "地址：上海市浦东新区张杨路 1288 号",
        "电话：021-5888 1234",
        "药品经营许可证：沪AA0210001",
        "会员个人信息导出",
        "会员卡号：2900000012343 导出时间：2026-11-23 10:00:00",
        // The basic file, with the whole phone number: it is the member's own export.
        "会员卡号 2900000012343 姓名 欧阳晓明",
        "手机号 13912345678 性别 男",
        "生日 1968-11-05 职业 退休教师",
        "会员等级 金卡 近 365 天消费 ¥3865.40",
        "积分余额 442 今年底到期积分 128",
        "注册店员 王晓燕 专属店员 李建国",
        "地址 上海市浦东新区张杨路 1288 弄 17 号 602 室",
        "标签 慢病会员、送药上门",
        "注册门店 SH001 康宁大药房",
        "银卡 → 金卡 ¥3001.20 消费",
        // Consents, the health part (with 䓬, outside GB2312), points, coupons, purchases, edits.
        "二、授权记录",
        "健康信息（单独授权） 同意 2026-11 李建国",
        "三、健康档案",
        "过敏史 其他 对苯二氮䓬类药物（地西泮）过敏",
        "长期用药 其他 苯磺酸氨氯地平片 5mg，每日一次",
        "四、积分明细",
        "2026-11-20 09:39 消费积分 +115 442 2027-12-31 消费积分 王晓燕",
        "积分抵现 -100 5 —",
        "五、优惠券",
        "生日券 ¥10.00 满¥50.00 2026-10-24 至 2026-11-23 可用",
        "六、消费记录",
        "共 12 笔（退货为负数），合计 ¥596.50。",
        "-¥87.76",
        "七、修改记录",
        "地址 上海市浦东新区浦电路 88 号",
    ] {
        assert!(text.contains(expected), "missing “{expected}” in:\n{text}");
    }
    assert_continuations_are_true(&text);
    // pdftotext keeps or drops the narrow spaces of the footer as it sees fit.
    let compact: String = text.split_whitespace().collect();
    assert!(compact.contains("第1页/共2页"), "{text}");
}

#[test]
fn the_font_is_subset_to_the_characters_used() {
    let pdf = embedded_only().member_export(&common::export(12)).unwrap();
    // The embedded font is 1.9 MB; the export carries only its few hundred glyphs.
    assert!(pdf.bytes.len() < 100_000, "{} bytes", pdf.bytes.len());
    let fonts = pdf_tool("pdffonts", &pdf.bytes);
    let face = fonts
        .lines()
        .find(|l| l.contains("NotoSansCJKsc-Regular"))
        .unwrap_or_else(|| panic!("no Noto face in\n{fonts}"));
    // A subset font is named ABCDEF+Name and is embedded (emb), subset (sub), with a ToUnicode map (uni).
    assert!(
        face.split_whitespace().next().unwrap().contains('+'),
        "{face}"
    );
    assert!(face.contains("yes yes yes"), "{face}");
}

#[test]
fn a_long_export_breaks_into_pages_and_repeats_the_table_headers() {
    let pdf = embedded_only().member_export(&common::export(300)).unwrap();
    assert!(pdf.pages >= 8, "{} pages", pdf.pages);
    let info = pdf_tool("pdfinfo", &pdf.bytes);
    assert!(
        info.contains(&format!("Pages:           {}", pdf.pages)),
        "{info}"
    );
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    let text = squeezed(&common::text_of(&pdf.bytes));
    let n = pdf.pages;
    let compact: String = text.split_whitespace().collect();
    assert!(compact.contains(&format!("第{n}页/共{n}页")));
    assert!(
        text.contains("四、积分明细（续）\n时间 类型 积分 余额 有效期至 说明 经办人"),
        "{text}"
    );
    assert!(text.contains("六、消费记录（续）\n时间 单号 门店 金额"));
    assert_continuations_are_true(&text);
    // Every one of the 300 purchases is there (a page break never loses a row).
    assert_eq!(text.matches("SH001 康宁大药房").count(), 301);
}

#[test]
fn a_section_that_starts_a_page_is_not_marked_as_a_continuation() {
    // Without history, section 六 is the one that starts page 2.
    let pdf = embedded_only().member_export(&common::export(0)).unwrap();
    let text = squeezed(&common::text_of(&pdf.bytes));
    assert_eq!(pdf.pages, 2);
    assert_continuations_are_true(&text);
}

#[test]
fn a_character_the_subset_lacks_comes_from_a_system_font() {
    assert!(
        Path::new(SYSTEM_NOTO).is_file(),
        "{SYSTEM_NOTO} is missing: apt install fonts-noto-cjk (scripts/install-deps.sh)"
    );
    let renderer =
        PdfRenderer::with_fonts(Fonts::with_fallbacks([(PathBuf::from(SYSTEM_NOTO), 2)]).unwrap());
    let mut export = common::export(3);
    // 藥 (traditional) is in neither GB2312 nor the catalog: not in the embedded subset.
    export.profile.occupation = "中藥师".to_owned();
    let pdf = renderer.member_export(&export).unwrap();
    assert!(pdf.missing.is_empty(), "{:?}", pdf.missing);
    let text = squeezed(&common::text_of(&pdf.bytes));
    assert!(text.contains("职业 中藥师"), "{text}");
    // Two faces, both subset: the fallback is not embedded whole (19 MB).
    let fonts = pdf_tool("pdffonts", &pdf.bytes);
    assert_eq!(fonts.matches("+NotoSansCJK").count(), 2, "{fonts}");
    assert!(pdf.bytes.len() < 100_000, "{} bytes", pdf.bytes.len());
}

#[test]
fn a_character_no_font_has_is_marked_and_listed_never_dropped() {
    let mut export = common::export(3);
    export.profile.occupation = "中藥师".to_owned();
    let pdf = embedded_only().member_export(&export).unwrap();
    assert_eq!(pdf.missing, ['藥']);
    let text = squeezed(&common::text_of(&pdf.bytes));
    assert!(text.contains(&format!("职业 中{MISSING_MARK}师")), "{text}");
    assert!(
        text.contains("以下字符本机没有可用字体，以“〓”代替：U+85E5"),
        "{text}"
    );
}

#[test]
fn the_desktop_and_cli_export_a_member_as_pdf_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
    let store = Store::open(&dir.path().join("till.sqlite"), clock.clone()).unwrap();
    assert!(pos_core::demo::seed(&store).unwrap());
    let api = Api::new(store).with_renderer(Arc::new(PdfRenderer::new()));
    api.call(Login {
        staff_no: "2001".into(),
        pin: "2222".into(),
    })
    .unwrap();
    let member = api
        .call(NewMember {
            phone: "139 1234 5678".into(),
            name: "欧阳晓明".into(),
            birthday: Some("1968-11-05".into()),
            basic_consent: true,
            health_consent: true,
            ..Default::default()
        })
        .unwrap()
        .member;
    api.call(MemberHealthAdd {
        member_id: member.id,
        kind: HealthKind::Allergy,
        code: "other".into(),
        note: "对苯二氮䓬类药物过敏".into(),
    })
    .unwrap();
    clock.advance_ms(60_000);
    api.call(MemberUpdate {
        member_id: member.id,
        changes: MemberChanges {
            address: Some("上海市浦东新区张杨路 1288 弄 17 号".into()),
            ..Default::default()
        },
    })
    .unwrap();
    api.store()
        .write(|tx| tier::record_spend(tx, "sale-1", member.id, 12_800, "sale"))
        .unwrap();

    let file = api
        .call(MemberExportFile {
            member_id: member.id,
            format: ExportFormat::Pdf,
        })
        .unwrap();
    assert!(file.path.ends_with(".pdf"), "{}", file.path);
    let text = squeezed(&common::pdftotext(Path::new(&file.path)));
    for expected in [
        "康宁大药房（演示店）",
        "药品经营许可证：沪AA0210001",
        &format!("会员卡号 {} 姓名 欧阳晓明", member.card_no),
        "手机号 13912345678",
        "生日 1968-11-05",
        "地址 上海市浦东新区张杨路 1288 弄 17 号",
        "基本信息授权 已同意 健康信息授权 已同意",
        "对苯二氮䓬类药物过敏",
        "新会员券 ¥3.00 无门槛",
        "¥128.00",
        "2026-11-23 10:01 地址 — 上海市浦东新区张杨路 1288 弄 李建国",
    ] {
        assert!(text.contains(expected), "missing “{expected}” in:\n{text}");
    }
}
