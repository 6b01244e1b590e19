//! The member data export as an A4 PDF (PIPL art. 45, the right to access and copy): the
//! pharmacy, then the member's basic file, consents, health part, points, coupons, purchases and
//! the edit history, each a section; long sections run on over as many pages as they need.

use std::collections::HashMap;

use pos_core::clock::{china, parse_stamp};
use pos_core::ids::StaffId;
use pos_core::member::consent::ConsentScope;
use pos_core::member::coupon::CouponStatus;
use pos_core::member::export::MemberExport;
use pos_core::member::health::{HealthKind, OTHER};
use pos_core::member::points::PointsKind;
use pos_core::member::Gender;
use pos_core::Money;

use crate::fonts::Fonts;
use crate::layout::{Column, Document, Meta, Paper, Pdf, Rule, Style};

pub const TITLE: &str = "会员个人信息导出";

const BODY: Style = Style::new(9.5);
const TABLE: Style = Style::new(8.5).leading(1.45);
const NOTE: Style = Style::new(8.0).grey();
const NONE: &str = "—";

/// Lays out and writes the export.
pub fn render(fonts: &Fonts, e: &MemberExport) -> Result<Pdf, String> {
    let mut doc = Document::new(fonts, Paper::A4);
    let p = &e.profile;
    let card = &p.summary.card_no;
    doc.set_footer(format!("{TITLE} · 会员卡号 {card}"));
    let staff = StaffNames::of(e);

    // The pharmacy: who holds the data.
    doc.text(&e.pharmacy.name, Style::new(14.0).bold().center());
    for line in crate::header_lines(&e.pharmacy).iter().skip(1) {
        doc.text(line, NOTE.center());
    }
    doc.space(3.0);
    doc.text(TITLE, Style::new(18.0).bold().center());
    doc.space(1.0);
    doc.text(
        "依据《中华人民共和国个人信息保护法》第四十五条，应会员本人要求查阅、复制其个人信息",
        NOTE.center(),
    );
    doc.space(2.0);
    let half = [Column::new(0.5), Column::new(0.5).right()];
    doc.row(
        &half,
        &[
            format!("会员卡号：{card}"),
            format!("导出时间：{}", local_time_seconds(&e.exported_at)),
        ],
        BODY,
    );
    doc.rule(Rule::Heavy);

    basic(&mut doc, e, &staff);
    consents(&mut doc, e, &staff);
    health(&mut doc, e, &staff);
    points(&mut doc, e, &staff);
    coupons(&mut doc, e);
    purchases(&mut doc, e);
    edits(&mut doc, e, &staff);

    doc.space(4.0);
    doc.rule(Rule::Thin);
    doc.end_table();
    doc.set_continued(None);
    let phone = if e.pharmacy.phone.is_empty() {
        String::new()
    } else {
        format!("（电话 {}）", e.pharmacy.phone)
    };
    doc.text(
        &format!(
            "本文件由{}应会员本人要求生成，内容为截至导出时间的全部记录。如需更正、补充或删除个人信息，\
             或撤回授权，请联系门店{phone}。",
            e.pharmacy.name
        ),
        NOTE,
    );
    let missing: Vec<String> = doc
        .missing()
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    if !missing.is_empty() {
        doc.text(
            &format!(
                "※ 以下字符本机没有可用字体，以“〓”代替：{}",
                missing.join("、")
            ),
            NOTE,
        );
    }

    let created_unix = parse_stamp(&e.exported_at)
        .map(|t| t.timestamp())
        .unwrap_or(0);
    doc.finish(&Meta {
        title: format!("{TITLE}（{card}）"),
        author: e.pharmacy.name.clone(),
        subject: "个人信息查阅、复制".to_owned(),
        created_unix,
    })
}

fn section(doc: &mut Document<'_>, title: &str) {
    // The previous section is over: a page this heading starts is not its continuation.
    doc.end_table();
    doc.set_continued(None);
    doc.space(3.0);
    // A heading never ends a page: it keeps about three lines under it.
    doc.keep(12.0 * 1.4 + 6.0 + TABLE.size * TABLE.leading * 3.0);
    doc.text(title, Style::new(12.0).bold());
    doc.rule(Rule::Thin);
    doc.set_continued(Some(format!("{title}（续）")));
}

fn nothing(doc: &mut Document<'_>, text: &str) {
    doc.text(text, BODY.grey());
}

// ---------------------------------------------------------------- sections

fn basic(doc: &mut Document<'_>, e: &MemberExport, staff: &StaffNames) {
    section(doc, "一、基本信息");
    let p = &e.profile;
    let s = &p.summary;
    let or_unset = |v: &str| {
        if v.trim().is_empty() {
            "未填写".to_owned()
        } else {
            v.to_owned()
        }
    };
    let pairs = [
        ("会员卡号", s.card_no.clone(), "姓名", s.name.clone()),
        (
            "手机号",
            p.phone.clone().unwrap_or_else(|| s.phone_masked.clone()),
            "性别",
            gender(s.gender).to_owned(),
        ),
        (
            "生日",
            or_unset(p.birthday.as_deref().unwrap_or("")),
            "职业",
            or_unset(&p.occupation),
        ),
        (
            "会员等级",
            s.tier.label().to_owned(),
            "近 365 天消费",
            yuan(p.spend_365),
        ),
        (
            "积分余额",
            s.points_balance.to_string(),
            "今年底到期积分",
            s.points_expiring_this_year.to_string(),
        ),
        (
            "注册店员",
            staff.name(p.registered_by, p.registered_by_name.as_deref()),
            "专属店员",
            staff.name(p.owner_staff_id, p.owner_name.as_deref()),
        ),
        (
            "注册时间",
            local_time(&p.created_at),
            "资料确认时间",
            local_time(&p.confirmed_at),
        ),
        (
            "基本信息授权",
            if p.basic_consent {
                "已同意"
            } else {
                "未同意"
            }
            .to_owned(),
            "健康信息授权",
            if p.health_consent {
                "已同意"
            } else {
                "未同意或已撤回"
            }
            .to_owned(),
        ),
        (
            "会员状态",
            if s.anonymized {
                "已注销（匿名化）"
            } else {
                "正常"
            }
            .to_owned(),
            "可用优惠券",
            format!("{} 张", s.coupons.len()),
        ),
    ];
    let grid = [
        Column::new(0.17).grey(),
        Column::new(0.33),
        Column::new(0.17).grey(),
        Column::new(0.33),
    ];
    for (k1, v1, k2, v2) in pairs {
        doc.row(&grid, &[k1, &v1, k2, &v2], BODY);
    }
    let wide = [Column::new(0.17).grey(), Column::new(0.83)];
    let tags = if p.tags.is_empty() {
        "未填写".to_owned()
    } else {
        p.tags.join("、")
    };
    doc.row(&wide, &["地址", &or_unset(&p.address)], BODY);
    doc.row(&wide, &["标签", &tags], BODY);
    doc.row(
        &wide,
        &["注册门店", p.store_name.as_deref().unwrap_or(&p.store_id)],
        BODY,
    );

    if !p.tier_history.is_empty() {
        doc.space(2.0);
        doc.text("等级变更", BODY.bold());
        let cols = [
            Column::new(0.22),
            Column::new(0.26),
            Column::new(0.2).right(),
            Column::new(0.32),
        ];
        doc.table_header(&cols, &["时间", "等级变更", "近 365 天消费", "原因"], TABLE);
        for t in &p.tier_history {
            doc.row(
                &cols,
                &[
                    local_time(&t.at),
                    format!("{} → {}", t.from_tier.label(), t.to_tier.label()),
                    yuan(t.spend),
                    tier_reason(&t.reason),
                ],
                TABLE,
            );
        }
        doc.end_table();
    }
}

fn consents(doc: &mut Document<'_>, e: &MemberExport, staff: &StaffNames) {
    section(doc, "二、授权记录");
    if e.consents.is_empty() {
        return nothing(doc, "无授权记录。");
    }
    let cols = [
        Column::new(0.24),
        Column::new(0.22),
        Column::new(0.14),
        Column::new(0.18),
        Column::new(0.22),
    ];
    doc.table_header(
        &cols,
        &["时间", "授权内容", "操作", "告知书版本", "经办人"],
        TABLE,
    );
    for c in &e.consents {
        doc.row(
            &cols,
            &[
                local_time(&c.at),
                match c.scope {
                    ConsentScope::Basic => "基本信息（注册必需）",
                    ConsentScope::Health => "健康信息（单独授权）",
                    ConsentScope::Contact => "关怀联系（单独授权）",
                }
                .to_owned(),
                if c.granted { "同意" } else { "撤回" }.to_owned(),
                c.notice_version.clone(),
                staff.name(c.by_staff, None),
            ],
            TABLE,
        );
    }
}

fn health(doc: &mut Document<'_>, e: &MemberExport, staff: &StaffNames) {
    section(doc, "三、健康档案");
    if !e.profile.health_consent {
        return nothing(
            doc,
            "会员未授权（或已撤回授权）保存健康信息，本导出不含健康档案。",
        );
    }
    if e.health.is_empty() {
        return nothing(doc, "已授权，暂无健康档案记录。");
    }
    let cols = [
        Column::new(0.14),
        Column::new(0.2),
        Column::new(0.3),
        Column::new(0.2),
        Column::new(0.16),
    ];
    doc.table_header(
        &cols,
        &["类别", "项目", "说明", "记录时间", "记录人"],
        TABLE,
    );
    for h in &e.health {
        let item = if h.code == OTHER { "其他" } else { &h.code };
        doc.row(
            &cols,
            &[
                health_kind(h.kind),
                item,
                if h.note.is_empty() { NONE } else { &h.note },
                &local_time(&h.added_at),
                &staff.name(h.added_by, None),
            ],
            TABLE,
        );
    }
}

fn points(doc: &mut Document<'_>, e: &MemberExport, staff: &StaffNames) {
    section(doc, "四、积分明细");
    if e.points.is_empty() {
        return nothing(doc, "无积分记录。");
    }
    let cols = [
        Column::new(0.2),
        Column::new(0.13),
        Column::new(0.1).right(),
        Column::new(0.1).right(),
        Column::new(0.13),
        Column::new(0.2),
        Column::new(0.14),
    ];
    doc.table_header(
        &cols,
        &["时间", "类型", "积分", "余额", "有效期至", "说明", "经办人"],
        TABLE,
    );
    for p in &e.points {
        doc.row(
            &cols,
            &[
                local_time(&p.at),
                points_kind(p.kind).to_owned(),
                format!("{:+}", p.points),
                p.balance_after.to_string(),
                p.expires_on.clone().unwrap_or_else(|| NONE.to_owned()),
                p.reason.clone(),
                p.by_staff
                    .map(|s| staff.name(s, None))
                    .unwrap_or_else(|| "系统".to_owned()),
            ],
            TABLE,
        );
    }
}

fn coupons(doc: &mut Document<'_>, e: &MemberExport) {
    section(doc, "五、优惠券");
    if e.coupons.is_empty() {
        return nothing(doc, "无优惠券。");
    }
    let cols = [
        Column::new(0.12),
        Column::new(0.1).right(),
        Column::new(0.11).right(),
        Column::new(0.25),
        Column::new(0.1),
        Column::new(0.32),
    ];
    doc.table_header(
        &cols,
        &[
            "券种",
            "面额",
            "使用门槛",
            "有效期",
            "状态",
            "发放原因 / 时间",
        ],
        TABLE,
    );
    for c in &e.coupons {
        let threshold = if c.min_spend == Money::ZERO {
            "无门槛".to_owned()
        } else {
            format!("满{}", yuan(c.min_spend))
        };
        doc.row(
            &cols,
            &[
                c.kind.label().to_owned(),
                // A percent coupon's face is only its ceiling: say what it is (9 折券…).
                if c.percent.is_some() {
                    c.description.clone()
                } else {
                    yuan(c.face)
                },
                threshold,
                format!("{} 至 {}", c.valid_from, c.valid_until),
                coupon_status(c.status).to_owned(),
                format!("{}（{}）", c.reason, local_time(&c.issued_at)),
            ],
            TABLE,
        );
    }
}

fn purchases(doc: &mut Document<'_>, e: &MemberExport) {
    section(doc, "六、消费记录");
    if e.purchases.is_empty() {
        return nothing(doc, "无消费记录。");
    }
    let total: Money = e.purchases.iter().map(|p| p.net).sum();
    doc.text(
        &format!(
            "共 {} 笔（退货为负数），合计 {}。",
            e.purchases.len(),
            yuan(total)
        ),
        BODY,
    );
    doc.space(1.0);
    // Sale and store ids are 36-character UUIDs: a size smaller keeps each on one line.
    let style = Style::new(8.0).leading(1.5);
    let cols = [
        Column::new(0.17),
        Column::new(0.33),
        Column::new(0.33),
        Column::new(0.17).right(),
    ];
    doc.table_header(&cols, &["时间", "单号", "门店", "金额"], style);
    for p in &e.purchases {
        doc.row(
            &cols,
            &[
                local_time(&p.at),
                p.id.clone(),
                p.store_name.clone().unwrap_or_else(|| p.store_id.clone()),
                yuan(p.net),
            ],
            style,
        );
    }
}

fn edits(doc: &mut Document<'_>, e: &MemberExport, staff: &StaffNames) {
    section(doc, "七、修改记录");
    if e.edits.is_empty() {
        return nothing(doc, "无修改记录。");
    }
    let cols = [
        Column::new(0.19),
        Column::new(0.13),
        Column::new(0.27),
        Column::new(0.27),
        Column::new(0.14),
    ];
    doc.table_header(&cols, &["时间", "项目", "原值", "新值", "经办人"], TABLE);
    for ed in &e.edits {
        let value = |v: &Option<String>| match v {
            None => NONE.to_owned(),
            Some(v) => edit_value(&ed.field, v, staff),
        };
        doc.row(
            &cols,
            &[
                local_time(&ed.at),
                field_label(&ed.field).to_owned(),
                value(&ed.old_value),
                value(&ed.new_value),
                staff.name(ed.by_staff, ed.by_name.as_deref()),
            ],
            TABLE,
        );
    }
}

// ---------------------------------------------------------------- wording

/// Staff names as far as the export knows them (the registering staff, the owner, the editors).
struct StaffNames(HashMap<StaffId, String>);

impl StaffNames {
    fn of(e: &MemberExport) -> StaffNames {
        let p = &e.profile;
        let mut m = HashMap::new();
        let known = [
            (p.registered_by, p.registered_by_name.as_ref()),
            (p.owner_staff_id, p.owner_name.as_ref()),
        ];
        let edits = e.edits.iter().map(|ed| (ed.by_staff, ed.by_name.as_ref()));
        for (id, name) in known.into_iter().chain(edits) {
            if let Some(n) = name.filter(|n| !n.is_empty()) {
                m.entry(id).or_insert_with(|| n.clone());
            }
        }
        StaffNames(m)
    }

    /// The name, or a short form of the id when the export does not carry the name.
    fn name(&self, id: StaffId, given: Option<&str>) -> String {
        if let Some(n) = given.filter(|n| !n.is_empty()) {
            return n.to_owned();
        }
        match self.0.get(&id) {
            Some(n) => n.clone(),
            None => {
                let s = id.to_string();
                format!("店员#{}", &s[s.len().saturating_sub(6)..])
            }
        }
    }
}

fn yuan(m: Money) -> String {
    if m.fen() < 0 {
        format!("-¥{}", Money::from_fen(-m.fen()))
    } else {
        format!("¥{m}")
    }
}

/// A stored UTC stamp as China time, to the minute; text that is not a stamp is shown as it is.
fn local_time(stamp: &str) -> String {
    parse_stamp(stamp)
        .map(|t| {
            t.with_timezone(&china())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| stamp.to_owned())
}

fn local_time_seconds(stamp: &str) -> String {
    parse_stamp(stamp)
        .map(|t| {
            t.with_timezone(&china())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|| stamp.to_owned())
}

fn gender(g: Gender) -> &'static str {
    match g {
        Gender::Female => "女",
        Gender::Male => "男",
        Gender::Unknown => "未填写",
    }
}

fn health_kind(k: HealthKind) -> &'static str {
    match k {
        HealthKind::Allergy => "过敏史",
        HealthKind::Condition => "慢性病",
        HealthKind::Medicine => "长期用药",
        HealthKind::Group => "特殊人群",
        HealthKind::Reaction => "不良反应",
    }
}

fn points_kind(k: PointsKind) -> &'static str {
    match k {
        PointsKind::Earn => "消费积分",
        PointsKind::Redeem => "积分抵现",
        PointsKind::Expire => "到期清零",
        PointsKind::Adjust => "人工调整",
        PointsKind::Reverse => "退货冲正",
    }
}

fn coupon_status(s: CouponStatus) -> &'static str {
    match s {
        CouponStatus::Available => "可用",
        CouponStatus::NotYetValid => "未生效",
        CouponStatus::Used => "已使用",
        CouponStatus::Expired => "已过期",
    }
}

fn tier_reason(r: &str) -> String {
    match r {
        "sale" => "消费",
        "return" => "退货",
        "nightly" => "每日复核（消费移出 365 天）",
        other => other,
    }
    .to_owned()
}

fn field_label(f: &str) -> &str {
    match f {
        "phone" => "手机号",
        "name" => "姓名",
        "gender" => "性别",
        "birthday" => "生日",
        "address" => "地址",
        "occupation" => "职业",
        "tags" => "标签",
        "confirmed_at" => "资料确认",
        "owner_staff_id" => "专属店员",
        other => other,
    }
}

/// An edited value as the member reads it.
fn edit_value(field: &str, v: &str, staff: &StaffNames) -> String {
    let shown = match field {
        "gender" => match v {
            "female" => "女",
            "male" => "男",
            _ => "未填写",
        }
        .to_owned(),
        "tags" => v
            .split('|')
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("、"),
        "confirmed_at" => local_time(v),
        "owner_staff_id" => match v.parse::<StaffId>() {
            Ok(id) => staff.name(id, None),
            Err(_) => v.to_owned(),
        },
        _ => v.to_owned(),
    };
    if shown.trim().is_empty() {
        NONE.to_owned()
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording() {
        assert_eq!(yuan(Money::from_fen(128_000)), "¥1280.00");
        assert_eq!(yuan(Money::from_fen(-1250)), "-¥12.50");
        assert_eq!(local_time("2026-11-30T16:30:00.000Z"), "2026-12-01 00:30");
        assert_eq!(local_time("昨天"), "昨天");
        assert_eq!(
            local_time_seconds("2026-11-23T02:00:05.000Z"),
            "2026-11-23 10:00:05"
        );
        assert_eq!(field_label("occupation"), "职业");
        assert_eq!(tier_reason("nightly"), "每日复核（消费移出 365 天）");
    }
}
