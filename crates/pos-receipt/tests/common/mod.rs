//! A realistic member export built by hand (tests and the benchmark), and `pdftotext`.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use chrono::Duration;
use pos_core::clock::{stamp, Clock, FixedClock};
use pos_core::ids::{CouponId, EditId, HealthItemId, MemberId, PointsEntryId, SaleId, StaffId};
use pos_core::member::consent::{ConsentEvent, ConsentScope};
use pos_core::member::coupon::{Coupon, CouponKind, CouponStatus};
use pos_core::member::export::MemberExport;
use pos_core::member::health::{HealthItem, HealthKind};
use pos_core::member::points::{PointsEntry, PointsKind};
use pos_core::member::tier::{SpendRecord, TierChange};
use pos_core::member::{FieldEdit, Gender, MemberProfile, MemberSummary};
use pos_core::rules::Tier;
use pos_core::sale::receipt::{
    Labelled, Receipt, ReceiptKind, ReceiptLine, ReceiptMember, RETURN_POLICY,
};
use pos_core::settings::PharmacySettings;
use pos_core::Money;
use pos_receipt::fonts::Fonts;
use pos_receipt::layout::{Column, Document, Meta, Paper, Pdf, Rule, Style};

pub const CARD: &str = "2900000012343";

/// A member of two years with `history` points entries and as many purchases; the health part
/// mentions 苯二氮䓬 (a character outside GB2312).
pub fn export(history: usize) -> MemberExport {
    let clock = FixedClock::at("2026-11-23T02:00:00Z");
    let pharmacist = StaffId::new(&clock);
    let cashier = StaffId::new(&clock);
    let member = MemberId::new(&clock);
    let store = "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b".to_owned();
    let at = |days_ago: i64| {
        stamp(clock.now() - Duration::days(days_ago) - Duration::minutes(days_ago * 7))
    };
    let day = |days_ago: i64| (clock.today() - Duration::days(days_ago)).to_string();

    let coupon = |kind, face, min, from: i64, until: i64, status, reason: &str| Coupon {
        id: CouponId::new(&clock),
        member_id: member,
        kind,
        face: Money::from_fen(face),
        min_spend: Money::from_fen(min),
        valid_from: day(from),
        valid_until: day(until),
        reason: reason.to_owned(),
        issued_at: at(from),
        status,
        used_in_sale: None,
        percent: None,
        cap: None,
        scope_products: vec![],
        scope_categories: vec![],
        description: String::new(),
    };
    let coupons = vec![
        coupon(
            CouponKind::NewMember,
            300,
            0,
            700,
            670,
            CouponStatus::Used,
            "新会员注册",
        ),
        coupon(
            CouponKind::Birthday,
            1000,
            5000,
            30,
            0,
            CouponStatus::Available,
            "生日月赠券",
        ),
        coupon(
            CouponKind::TopSpender,
            2000,
            10000,
            10,
            -20,
            CouponStatus::Available,
            "A 类会员（近 12 个月消费前 5%）",
        ),
    ];

    let mut balance = 0;
    let mut points = Vec::new();
    let mut purchases = Vec::new();
    for i in 0..history {
        let days_ago = (history - i) as i64 * 3;
        let fen = 1280 + (i as i64 * 937) % 25_000;
        let (kind, n, reason) = match i % 9 {
            4 => (PointsKind::Redeem, -100, "积分抵现"),
            8 => (PointsKind::Reverse, -(fen / 100), "退货冲正"),
            _ => (PointsKind::Earn, fen / 100, "消费积分"),
        };
        balance += n;
        let sale = SaleId::new(&clock);
        points.push(PointsEntry {
            id: PointsEntryId::new(&clock),
            member_id: member,
            kind,
            points: n,
            expires_on: (kind == PointsKind::Earn).then(|| "2027-12-31".to_owned()),
            sale_id: Some(sale),
            reverses: None,
            reason: reason.to_owned(),
            by_staff: Some(cashier),
            at: at(days_ago),
            business_date: day(days_ago),
            balance_after: balance,
        });
        purchases.push(SpendRecord {
            id: sale.to_string(),
            store_id: store.clone(),
            store_name: Some("SH001 康宁大药房".into()),
            business_date: day(days_ago),
            net: Money::from_fen(if i % 9 == 8 { -fen } else { fen }),
            at: at(days_ago),
        });
    }
    points.reverse();
    purchases.reverse();

    let summary = MemberSummary {
        id: member,
        card_no: CARD.to_owned(),
        name: "欧阳晓明".to_owned(),
        phone_masked: "139****5678".to_owned(),
        gender: Gender::Male,
        tier: Tier::Gold,
        points_balance: balance,
        points_expiring_this_year: 128,
        coupons: coupons
            .iter()
            .filter(|c| c.status == CouponStatus::Available)
            .cloned()
            .collect(),
        birthday_this_month: true,
        allergy_badge: true,
        needs_confirm: false,
        anonymized: false,
    };
    MemberExport {
        pharmacy: PharmacySettings {
            name: "康宁大药房（张杨路店）".to_owned(),
            address: "上海市浦东新区张杨路 1288 号".to_owned(),
            phone: "021-5888 1234".to_owned(),
            licence_no: "沪AA0210001".to_owned(),
            store_code: "SH001".to_owned(),
        },
        exported_at: stamp(clock.now()),
        profile: MemberProfile {
            summary,
            phone: Some("13912345678".to_owned()),
            birthday: Some("1968-11-05".to_owned()),
            address:
                "上海市浦东新区张杨路 1288 弄 17 号 602 室（近世纪大道地铁站 4 号口，物业需登记）"
                    .to_owned(),
            occupation: "退休教师".to_owned(),
            tags: vec!["慢病会员".to_owned(), "送药上门".to_owned()],
            store_id: store.clone(),
            store_name: Some("SH001 康宁大药房".into()),
            registered_by: cashier,
            registered_by_name: Some("王晓燕".to_owned()),
            owner_staff_id: pharmacist,
            owner_name: Some("李建国".to_owned()),
            created_at: at(700),
            confirmed_at: at(40),
            basic_consent: true,
            health_consent: true,
            contact_consent: false,
            spend_365: Money::from_fen(386_540),
            tier_history: vec![
                TierChange {
                    from_tier: Tier::Silver,
                    to_tier: Tier::Gold,
                    spend: Money::from_fen(300_120),
                    at: at(90),
                    reason: "sale".to_owned(),
                },
                TierChange {
                    from_tier: Tier::Normal,
                    to_tier: Tier::Silver,
                    spend: Money::from_fen(100_050),
                    at: at(400),
                    reason: "sale".to_owned(),
                },
            ],
        },
        consents: vec![
            ConsentEvent {
                id: EditId::new(&clock),
                scope: ConsentScope::Basic,
                granted: true,
                notice_version: "2026-11".to_owned(),
                at: at(700),
                by_staff: cashier,
            },
            ConsentEvent {
                id: EditId::new(&clock),
                scope: ConsentScope::Health,
                granted: true,
                notice_version: "2026-11".to_owned(),
                at: at(300),
                by_staff: pharmacist,
            },
        ],
        health: vec![
            HealthItem {
                id: HealthItemId::new(&clock),
                kind: HealthKind::Allergy,
                code: "青霉素类".to_owned(),
                note: "皮疹，2019 年".to_owned(),
                added_at: at(300),
                added_by: pharmacist,
            },
            HealthItem {
                id: HealthItemId::new(&clock),
                kind: HealthKind::Allergy,
                code: "other".to_owned(),
                note: "对苯二氮䓬类药物（地西泮）过敏".to_owned(),
                added_at: at(300),
                added_by: pharmacist,
            },
            HealthItem {
                id: HealthItemId::new(&clock),
                kind: HealthKind::Condition,
                code: "高血压".to_owned(),
                note: String::new(),
                added_at: at(290),
                added_by: pharmacist,
            },
            HealthItem {
                id: HealthItemId::new(&clock),
                kind: HealthKind::Medicine,
                code: "other".to_owned(),
                note: "苯磺酸氨氯地平片 5mg，每日一次".to_owned(),
                added_at: at(290),
                added_by: pharmacist,
            },
        ],
        points,
        coupons,
        purchases,
        edits: vec![
            FieldEdit {
                field: "confirmed_at".to_owned(),
                old_value: Some(at(400)),
                new_value: Some(at(40)),
                at: at(40),
                by_staff: cashier,
                by_name: Some("王晓燕".to_owned()),
            },
            FieldEdit {
                field: "address".to_owned(),
                old_value: Some("上海市浦东新区浦电路 88 号".to_owned()),
                new_value: Some("上海市浦东新区张杨路 1288 弄 17 号 602 室".to_owned()),
                at: at(120),
                by_staff: pharmacist,
                by_name: Some("李建国".to_owned()),
            },
            FieldEdit {
                field: "tags".to_owned(),
                old_value: Some(String::new()),
                new_value: Some("慢病会员|送药上门".to_owned()),
                at: at(300),
                by_staff: pharmacist,
                by_name: Some("李建国".to_owned()),
            },
        ],
    }
}

/// The text of a PDF file as `pdftotext -layout` reads it (poppler-utils).
pub fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt install poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

/// Writes `bytes` to a temporary file and returns its text.
pub fn text_of(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    pdftotext(&path)
}

/// A receipt-shaped document of `lines` lines on a roll, made with the layout code alone (the
/// layout tests); the checkout receipt is `receipt_model` drawn by `PdfRenderer::receipt`.
pub fn receipt(fonts: &Fonts, paper: Paper, lines: usize) -> Pdf {
    let mut doc = Document::new(fonts, paper);
    let body = Style::new(8.5);
    doc.text("康宁大药房（张杨路店）", Style::new(12.0).bold().center());
    doc.text("上海市浦东新区张杨路 1288 号", body.center());
    doc.text("电话：021-5888 1234", body.center());
    doc.text("药品经营许可证：沪AA0210001", body.center());
    doc.rule(Rule::Dashed);
    doc.text("单号：20261123-0042", body);
    doc.text("时间：2026-11-23 10:00　收银员：王晓燕", body);
    doc.rule(Rule::Dashed);
    // On 58 mm the quantity needs a wider share to keep its header on one line.
    let cols = if paper.width < 70.0 {
        [
            Column::new(0.5),
            Column::new(0.16).right(),
            Column::new(0.34).right(),
        ]
    } else {
        [
            Column::new(0.56),
            Column::new(0.12).right(),
            Column::new(0.32).right(),
        ]
    };
    doc.table_header(&cols, &["品名/规格", "数量", "金额"], body);
    for i in 0..lines {
        doc.row(&cols, &["阿莫西林胶囊 0.25g*24粒", "2", "¥25.60"], body);
        doc.text(
            &format!("华北制药 批号 2411{i:02} 单价 ¥12.80"),
            body.grey(),
        );
        doc.text(
            "用法：口服，一次2粒，每6～8小时1次；青霉素过敏者禁用",
            body.grey(),
        );
    }
    doc.end_table();
    doc.rule(Rule::Heavy);
    let total = [Column::new(0.5), Column::new(0.5).right()];
    doc.row(&total, &["合计", "¥76.80"], Style::new(10.0).bold());
    doc.row(&total, &["微信支付", "¥76.80"], body);
    doc.rule(Rule::Dashed);
    doc.text("会员：2900000012343（139****5678）金卡", body);
    doc.text("本次积分 +76　积分余额 1286", body);
    doc.text("药品一经售出，非质量问题不予退换。", body.center());
    doc.finish(&Meta {
        title: "收银小票".into(),
        ..Meta::default()
    })
    .unwrap()
}

/// A member's sale receipt of `lines` lines as checkout builds it (`sale::receipt::for_sale`),
/// made by hand for the benchmark and the layout tests: a coupon, points, a split tender, an Rx
/// line reviewed by a pharmacist, guidance on the first line.
pub fn receipt_model(lines: usize) -> Receipt {
    let m = Money::from_fen;
    let products = [
        ("阿莫西林胶囊", "0.25g*24粒", 1280, 2),
        ("感冒灵颗粒", "10g*9袋", 1580, 1),
        ("妈咪爱枯草杆菌二联活菌颗粒", "1g*10袋", 2800, 1),
        ("对乙酰氨基酚片", "0.5g*12片", 350, 3),
        ("爱赛平盐酸氮䓬斯汀鼻喷雾剂", "10ml:10mg", 4800, 1),
    ];
    let lines: Vec<ReceiptLine> = (0..lines)
        .map(|i| {
            let (name, spec, price, qty) = products[i % products.len()];
            ReceiptLine {
                name: name.to_owned(),
                spec: spec.to_owned(),
                manufacturer: "华北制药股份有限公司".to_owned(),
                batch_no: Some(format!("2411{:02}", i + 1)),
                expires_on: Some("2027-10-31".to_owned()),
                quantity: qty,
                unit_price: m(price),
                rate: Some("金卡 95折".to_owned()),
                amount: m(price * i64::from(qty) * 95 / 100),
                guidance: (i == 0)
                    .then(|| "口服，一次2粒，每6～8小时1次；青霉素过敏者禁用".to_owned()),
                refund: None,
            }
        })
        .collect();
    let list: i64 = lines
        .iter()
        .map(|l| l.unit_price.fen() * i64::from(l.quantity))
        .sum();
    let subtotal: i64 = lines.iter().map(|l| l.amount.fen()).sum();
    let total: i64 = subtotal - 300 - 1000;
    Receipt {
        kind: ReceiptKind::Sale,
        pharmacy: PharmacySettings {
            name: "康宁大药房（张杨路店）".to_owned(),
            address: "上海市浦东新区张杨路 1288 号".to_owned(),
            phone: "021-5888 1234".to_owned(),
            licence_no: "沪AA0210001".to_owned(),
            store_code: "SH001".to_owned(),
        },
        title: "销售小票".to_owned(),
        receipt_no: "20261123010042".to_owned(),
        time: "2026-11-23 10:00:00".to_owned(),
        cashier: "王晓燕".to_owned(),
        reprint: false,
        deductions: vec![
            Labelled {
                label: "优惠券".to_owned(),
                amount: m(300),
            },
            Labelled {
                label: "积分抵扣（1000 分）".to_owned(),
                amount: m(1000),
            },
        ],
        savings_included: Some(Labelled {
            label: "会员优惠（已含在金额中）".to_owned(),
            amount: m(list - subtotal),
        }),
        lines,
        subtotal: m(subtotal),
        total: m(total),
        payments: vec![
            Labelled {
                label: "微信".to_owned(),
                amount: m(total - total % 10_000),
            },
            Labelled {
                label: "现金".to_owned(),
                amount: m(total % 10_000 + 1000 - total % 1000),
            },
        ],
        change: m(1000 - total % 1000),
        member: Some(ReceiptMember {
            card_masked: pos_core::member::card::mask(CARD),
            phone_masked: "139****5678".to_owned(),
            tier: "金卡".to_owned(),
            points_earned: total / 100 * 3 / 2,
            points_used: 1000,
            points_used_value: m(1000),
            points_balance: 1286,
            points_notes: vec![],
        }),
        pharmacist: Some("李建国".to_owned()),
        original_receipt_no: None,
        return_reason: None,
        approved_by: None,
        open_drawer: true,
        footer: vec![RETURN_POLICY.to_owned(), "谢谢惠顾，祝您健康！".to_owned()],
    }
}
