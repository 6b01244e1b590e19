//! Member care (会员关怀, issue 10): the care lists staff call or message from, the contact log,
//! and the campaigns that issue coupons in bulk.
//!
//! - **Care lists**: tomorrow's birthdays, points expiring in 30 / 7 / 1 days, dormant members,
//!   class A/B, and new members to thank (registered in the last 7 days). A care list holds only
//!   members whose latest contact consent (关怀联系授权) is a grant (PIPL: care calls and offers need
//!   their own consent). Exported as a call list (CSV/XLSX, whole phone numbers, audited) or as a
//!   message list for an SMS platform (CSV: phone, name, the message).
//! - **Contact log**: who called or messaged a member, when, how, about what, and the answer;
//!   only for members who consented to contact. Each entry goes to headquarters
//!   (`member.contacted@1`).
//! - **Owner's worklist**: the members a staff member owns (the registering staff member owns the
//!   member's care), with the care reasons that apply to each today.
//! - **Campaigns**: the birthday coupon for everyone born this month and the top-spender coupon
//!   for class A and B. Each coupon carries a key of its member and period (`birthday:<member>:
//!   <year>`, `top_spender:<member>:<month>`), so a run repeated in the same period issues nothing
//!   new; every run is recorded (`campaign_run`).

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{EditId, MemberId, StaffId};
use crate::member::analytics::{self, ListedMember, MemberClass, MemberSet, Period};
use crate::member::coupon;
use crate::member::Gender;
use crate::money::Money;
use crate::report_doc::{Column, ReportDoc, ReportKind, Row, Section, Table, Value};
use crate::rules;
use crate::settings::PharmacySettings;
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// How many days back a new member is still thanked.
pub const THANK_NEW_DAYS: i64 = 7;

/// A care list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CareList {
    /// 明日生日
    BirthdaysTomorrow,
    /// 积分 30 天内到期
    PointsExpiring30,
    /// 积分 7 天内到期
    PointsExpiring7,
    /// 积分明日到期（1 天内）
    PointsExpiring1,
    /// 沉睡会员
    Dormant,
    /// A/B 类会员
    TopClasses,
    /// 新会员致谢（近 7 天注册）
    NewToThank,
}

impl CareList {
    pub const ALL: [CareList; 7] = [
        CareList::BirthdaysTomorrow,
        CareList::PointsExpiring30,
        CareList::PointsExpiring7,
        CareList::PointsExpiring1,
        CareList::Dormant,
        CareList::TopClasses,
        CareList::NewToThank,
    ];

    pub fn title(self) -> &'static str {
        match self {
            CareList::BirthdaysTomorrow => "明日生日",
            CareList::PointsExpiring30 => "积分 30 天内到期",
            CareList::PointsExpiring7 => "积分 7 天内到期",
            CareList::PointsExpiring1 => "积分 1 天内到期",
            CareList::Dormant => "沉睡会员",
            CareList::TopClasses => "A/B 类会员",
            CareList::NewToThank => "新会员致谢",
        }
    }

    /// ASCII, for file names.
    pub fn slug(self) -> &'static str {
        match self {
            CareList::BirthdaysTomorrow => "birthdays-tomorrow",
            CareList::PointsExpiring30 => "points-expiring-30d",
            CareList::PointsExpiring7 => "points-expiring-7d",
            CareList::PointsExpiring1 => "points-expiring-1d",
            CareList::Dormant => "dormant",
            CareList::TopClasses => "class-a-b",
            CareList::NewToThank => "new-members",
        }
    }

    pub fn topic(self) -> ContactTopic {
        match self {
            CareList::BirthdaysTomorrow => ContactTopic::Birthday,
            CareList::PointsExpiring30 | CareList::PointsExpiring7 | CareList::PointsExpiring1 => {
                ContactTopic::PointsExpiring
            }
            CareList::Dormant => ContactTopic::Dormant,
            CareList::TopClasses => ContactTopic::TopClass,
            CareList::NewToThank => ContactTopic::Thanks,
        }
    }

    fn sets(self, today: NaiveDate) -> Vec<MemberSet> {
        match self {
            CareList::BirthdaysTomorrow => vec![MemberSet::BirthdaysTomorrow],
            CareList::PointsExpiring30 => vec![MemberSet::PointsExpiring { days: 30 }],
            CareList::PointsExpiring7 => vec![MemberSet::PointsExpiring { days: 7 }],
            CareList::PointsExpiring1 => vec![MemberSet::PointsExpiring { days: 1 }],
            CareList::Dormant => vec![MemberSet::Dormant],
            CareList::TopClasses => vec![
                MemberSet::Class {
                    class: MemberClass::A,
                },
                MemberSet::Class {
                    class: MemberClass::B,
                },
            ],
            CareList::NewToThank => vec![MemberSet::NewMembers {
                period: Period {
                    from: today - Duration::days(THANK_NEW_DAYS - 1),
                    to: today,
                },
                owner: None,
            }],
        }
    }

    /// The text of the message a member on this list gets (an SMS platform sends it).
    pub fn message(self, pharmacy: &str, m: &ListedMember, points_per_yuan: u32) -> String {
        let shop = if pharmacy.is_empty() {
            "本店".to_owned()
        } else {
            pharmacy.to_owned()
        };
        let name = &m.name;
        let points_value =
            Money::from_fen(m.points_expiring * 100 / i64::from(points_per_yuan.max(1)));
        let body = match self {
            CareList::BirthdaysTomorrow => {
                format!("{name}您好，明天是您的生日，{shop}祝您生日快乐、身体健康！本月到店可用生日券。")
            }
            CareList::PointsExpiring30 | CareList::PointsExpiring7 | CareList::PointsExpiring1 => {
                format!(
                    "{name}您好，您有 {} 积分（可抵 ¥{points_value}）将于年底到期，欢迎到{shop}使用。",
                    m.points_expiring
                )
            }
            CareList::Dormant => {
                format!("{name}您好，{shop}好久不见，药师随时为您提供用药咨询，欢迎回店。")
            }
            CareList::TopClasses => {
                format!("{name}您好，感谢您一直以来对{shop}的信任，本月尊享券已放入您的会员账户。")
            }
            CareList::NewToThank => {
                format!("{name}您好，感谢您成为{shop}会员，新会员券已放入您的会员账户。")
            }
        };
        format!("【{shop}】{body}回复 T 退订")
    }
}

/// Members whose latest contact consent is a grant.
pub fn contact_consented(c: &Connection) -> Result<HashSet<MemberId>> {
    let mut st = c.prepare_cached(
        "SELECT member_id, action FROM consent_event WHERE scope = 'contact'
         ORDER BY member_id, at, rowid",
    )?;
    let mut rows = st.query([])?;
    let mut latest: Vec<(MemberId, bool)> = Vec::new();
    while let Some(r) = rows.next()? {
        let (id, grant): (MemberId, bool) = (r.get(0)?, r.get::<_, String>(1)? == "grant");
        match latest.last_mut() {
            Some(last) if last.0 == id => last.1 = grant,
            _ => latest.push((id, grant)),
        }
    }
    Ok(latest
        .into_iter()
        .filter(|(_, g)| *g)
        .map(|(id, _)| id)
        .collect())
}

/// The members on `list` today who consented to contact (and, with `owner`, whom they own), in
/// the list's order.
pub fn care_ids(
    c: &Connection,
    today: NaiveDate,
    list: CareList,
    owner: Option<StaffId>,
) -> Result<Vec<MemberId>> {
    let consented = contact_consented(c)?;
    let owned: Option<HashSet<MemberId>> = owner
        .map(|o| {
            analytics::member_ids(c, today, &MemberSet::OwnedBy { owner: o })
                .map(|v| v.into_iter().collect())
        })
        .transpose()?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for set in list.sets(today) {
        for id in analytics::member_ids(c, today, &set)? {
            if consented.contains(&id)
                && owned.as_ref().is_none_or(|o| o.contains(&id))
                && seen.insert(id)
            {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// A care list with its rows (all of them: lists are hundreds, not millions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CareListView {
    pub list: CareList,
    pub title: String,
    pub rows: Vec<ListedMember>,
    /// Members on the list who did not consent to contact (left out).
    pub without_consent: u32,
}

pub fn care_list(
    c: &Connection,
    today: NaiveDate,
    list: CareList,
    owner: Option<StaffId>,
) -> Result<CareListView> {
    let ids = care_ids(c, today, list, owner)?;
    let all: usize = list
        .sets(today)
        .iter()
        .map(|s| analytics::member_ids(c, today, s).map(|v| v.len()))
        .sum::<Result<usize>>()?;
    let rows = analytics::listed_many(c, today, &ids)?;
    Ok(CareListView {
        list,
        title: list.title().to_owned(),
        without_consent: if owner.is_some() {
            0
        } else {
            all.saturating_sub(ids.len()) as u32
        },
        rows,
    })
}

/// Whole phone numbers of `ids` (for a call list or a message list).
pub fn phones(c: &Connection, ids: &[MemberId]) -> Result<Vec<String>> {
    let mut st = c.prepare_cached("SELECT phone FROM member WHERE id = ?1")?;
    ids.iter()
        .map(|id| Ok(st.query_row([id], |r| r.get(0))?))
        .collect()
}

/// When and by whom a list was exported (on the document).
pub struct Issued<'a> {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: &'a str,
}

fn gender_label(g: Gender) -> &'static str {
    match g {
        Gender::Female => "女",
        Gender::Male => "男",
        Gender::Unknown => "",
    }
}

fn class_short(c: MemberClass) -> &'static str {
    match c {
        MemberClass::A => "A",
        MemberClass::B => "B",
        MemberClass::C => "C",
        MemberClass::D => "D",
        MemberClass::Zero => "无消费",
    }
}

/// A member list as a document (CSV / XLSX): the analytics drill-down (`phones` None: masked
/// numbers) or a care call list (`phones`: the whole numbers, in the rows' order).
pub fn list_doc(
    pharmacy: PharmacySettings,
    title: &str,
    file_stem: &str,
    rows: &[ListedMember],
    phones: Option<&[String]>,
    issued: Issued<'_>,
) -> ReportDoc {
    let local = issued
        .at
        .with_timezone(&crate::clock::china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let table = Table {
        columns: vec![
            Column::text("会员卡号", 4),
            Column::text("姓名", 3),
            Column::text("手机号", 4),
            Column::text("性别", 1),
            Column::number("年龄", 1),
            Column::text("生日", 3),
            Column::text("等级", 2),
            Column::text("分类", 2),
            Column::number("近12个月消费", 3),
            Column::text("最近消费", 3),
            Column::number("积分", 2),
            Column::number("年底到期积分", 2),
            Column::text("负责人", 2),
            Column::text("注册日期", 3),
        ],
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let phone = phones
                    .and_then(|p| p.get(i).cloned())
                    .unwrap_or_else(|| m.phone_masked.clone());
                vec![
                    Value::text(&m.card_masked),
                    Value::text(&m.name),
                    Value::text(phone),
                    Value::text(gender_label(m.gender)),
                    m.age
                        .map(|a| Value::count(i64::from(a), ""))
                        .unwrap_or_else(|| Value::text("")),
                    Value::text(m.birthday.clone().unwrap_or_default()),
                    Value::text(m.tier.label()),
                    Value::text(class_short(m.class)),
                    Value::Money(m.spend_12m),
                    Value::text(m.last_purchase.clone().unwrap_or_default()),
                    Value::count(m.points, ""),
                    Value::count(m.points_expiring, ""),
                    Value::text(&m.owner_name),
                    Value::text(&m.registered_on),
                ]
            })
            .collect(),
    };
    ReportDoc {
        kind: ReportKind::MemberList,
        pharmacy,
        title: title.to_owned(),
        banner: None,
        info: vec![
            Row::new("人数", Value::count(rows.len() as i64, "人")),
            Row::new("导出时间", Value::text(local)),
            Row::new("导出人", Value::text(issued.by)),
        ],
        sections: vec![Section {
            title: "会员名单".into(),
            rows: vec![],
            table: Some(table),
            note: Some(if phones.is_some() {
                "名单仅含同意关怀联系的会员；手机号为完整号码，仅供本店关怀联系使用，不得外传（导出已记入审计日志）。".into()
            } else {
                "手机号已隐去中间四位。".into()
            }),
        }],
        signatures: vec![],
        issued_at: issued.at,
        file_stem: file_stem.to_owned(),
    }
}

/// A message list for an SMS platform: UTF-8 CSV with a byte-order mark, `手机号,姓名,短信内容`.
pub fn message_csv(
    pharmacy: &str,
    list: CareList,
    rows: &[ListedMember],
    phones: &[String],
    points_per_yuan: u32,
) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| PosError::storage(format!("CSV 写入失败：{e}"));
    w.write_record(["手机号", "姓名", "短信内容"])
        .map_err(fail)?;
    for (m, phone) in rows.iter().zip(phones) {
        w.write_record([
            phone.clone(),
            crate::report_doc::defused(&m.name),
            list.message(pharmacy, m, points_per_yuan),
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| PosError::storage(format!("CSV 写入失败：{e}")))
}

// ------------------------------------------------------------------ the contact log

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    /// 电话
    Phone,
    /// 短信
    Sms,
    /// 微信
    Wechat,
    /// 到店
    Visit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ContactTopic {
    /// 生日关怀
    Birthday,
    /// 积分到期提醒
    PointsExpiring,
    /// 沉睡唤醒
    Dormant,
    /// 新会员致谢
    Thanks,
    /// 尊享会员关怀
    TopClass,
    /// 其他
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ContactAnswer {
    /// 已联系上
    Reached,
    /// 未接通
    NoAnswer,
    /// 拒绝 / 不需要
    Declined,
    /// 号码有误
    WrongNumber,
    /// 已发送（短信、微信）
    Sent,
}

macro_rules! sql_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            fn parse(s: &str) -> Option<$t> {
                match s { $($s => Some(<$t>::$v),)* _ => None }
            }
        }
    };
}

sql_enum!(ContactChannel { Phone => "phone", Sms => "sms", Wechat => "wechat", Visit => "visit" });
sql_enum!(ContactTopic {
    Birthday => "birthday",
    PointsExpiring => "points_expiring",
    Dormant => "dormant",
    Thanks => "thanks",
    TopClass => "top_class",
    Other => "other",
});
sql_enum!(ContactAnswer {
    Reached => "reached",
    NoAnswer => "no_answer",
    Declined => "declined",
    WrongNumber => "wrong_number",
    Sent => "sent",
});

/// What a staff member records after a call or a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub member_id: MemberId,
    pub channel: ContactChannel,
    pub topic: ContactTopic,
    pub answer: ContactAnswer,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContactEntry {
    pub id: EditId,
    pub member_id: MemberId,
    pub staff_id: StaffId,
    pub staff_name: String,
    pub at: String,
    pub channel: ContactChannel,
    pub topic: ContactTopic,
    pub answer: ContactAnswer,
    pub note: String,
}

/// The longest note kept.
pub const MAX_NOTE_CHARS: usize = 200;

/// Records a call or message; refused (`CONTACT_CONSENT_REQUIRED`) for a member who has not
/// consented to contact.
pub fn record_contact(tx: &Tx<'_>, by: StaffId, input: &ContactInput) -> Result<ContactEntry> {
    crate::member::require_active(tx, input.member_id)?;
    if !crate::member::consent::granted(
        tx,
        input.member_id,
        crate::member::consent::ConsentScope::Contact,
    )? {
        return Err(PosError::new(
            ErrorCode::ContactConsentRequired,
            "该会员未同意关怀联系（或已撤回），不能电话或短信联系；如会员愿意，请先在会员资料中登记关怀联系授权",
        ));
    }
    let note = input.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(PosError::invalid_field(
            "note",
            format!("备注最多 {MAX_NOTE_CHARS} 字"),
        ));
    }
    let id = EditId::new(tx.clock);
    let at = stamp(tx.clock.now());
    tx.prepare_cached(
        "INSERT INTO member_contact (id, member_id, staff_id, at, channel, topic, answer, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute((
        id,
        input.member_id,
        by,
        &at,
        input.channel.as_str(),
        input.topic.as_str(),
        input.answer.as_str(),
        note,
    ))?;
    outbox::append(
        tx,
        Payload::MemberContacted(ev::MemberContactedV1 {
            id: id.0,
            member_id: input.member_id.0,
            staff_id: by.0,
            at: at.clone(),
            channel: input.channel.as_str().to_owned(),
            topic: input.topic.as_str().to_owned(),
            answer: input.answer.as_str().to_owned(),
            note: note.to_owned(),
        }),
    )?;
    Ok(contacts(tx, input.member_id)?
        .into_iter()
        .find(|e| e.id == id)
        .expect("just written"))
}

/// A member's contact log, newest first.
pub fn contacts(c: &Connection, member: MemberId) -> Result<Vec<ContactEntry>> {
    let mut st = c.prepare_cached(
        "SELECT k.id, k.member_id, k.staff_id, coalesce(s.name, ''), k.at, k.channel, k.topic,
                k.answer, k.note
         FROM member_contact k LEFT JOIN staff s ON s.id = k.staff_id
         WHERE k.member_id = ?1 ORDER BY k.at DESC, k.rowid DESC",
    )?;
    let rows = st.query_map([member], |r| {
        let bad = |i: usize, s: String| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                format!("unknown value {s}").into(),
            )
        };
        let channel: String = r.get(5)?;
        let topic: String = r.get(6)?;
        let answer: String = r.get(7)?;
        Ok(ContactEntry {
            id: r.get(0)?,
            member_id: r.get(1)?,
            staff_id: r.get(2)?,
            staff_name: r.get(3)?,
            at: r.get(4)?,
            channel: ContactChannel::parse(&channel).ok_or_else(|| bad(5, channel.clone()))?,
            topic: ContactTopic::parse(&topic).ok_or_else(|| bad(6, topic.clone()))?,
            answer: ContactAnswer::parse(&answer).ok_or_else(|| bad(7, answer.clone()))?,
            note: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

// ------------------------------------------------------------------ the owner's worklist

/// One member of an owner's worklist: the member, the care reasons today, the last contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorklistMember {
    pub member: ListedMember,
    /// The care lists the member is on today (contact consent or not).
    pub reasons: Vec<CareList>,
    /// The whole phone number, for the owner to call: only with contact consent.
    pub phone: Option<String>,
    pub last_contact: Option<ContactEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OwnerWorklist {
    pub owner: StaffId,
    pub owner_name: String,
    /// Members with a care reason today first, then the others, each by name.
    pub members: Vec<WorklistMember>,
    pub total: u32,
}

/// The members `owner` owns, at most `limit`, those with a care reason today first.
pub fn owner_worklist(
    c: &Connection,
    today: NaiveDate,
    owner: StaffId,
    limit: u32,
) -> Result<OwnerWorklist> {
    let owned = analytics::member_ids(c, today, &MemberSet::OwnedBy { owner })?;
    let owned_set: HashSet<MemberId> = owned.iter().copied().collect();
    let consented = contact_consented(c)?;
    let mut reasons: std::collections::HashMap<MemberId, Vec<CareList>> = Default::default();
    for list in CareList::ALL {
        // The 30-day list holds the 7- and 1-day ones: one points reason, the most urgent.
        for set in list.sets(today) {
            for id in analytics::member_ids(c, today, &set)? {
                if owned_set.contains(&id) {
                    let r = reasons.entry(id).or_default();
                    if !r.contains(&list) {
                        r.push(list);
                    }
                }
            }
        }
    }
    for r in reasons.values_mut() {
        for (longer, shorter) in [
            (CareList::PointsExpiring30, CareList::PointsExpiring7),
            (CareList::PointsExpiring7, CareList::PointsExpiring1),
        ] {
            if r.contains(&shorter) {
                r.retain(|l| *l != longer);
            }
        }
    }
    let mut st = c.prepare_cached("SELECT name FROM member WHERE id = ?1")?;
    let mut ordered: Vec<(bool, String, MemberId)> = owned
        .iter()
        .map(|id| {
            Ok((
                !reasons.contains_key(id),
                st.query_row([id], |r| r.get(0))?,
                *id,
            ))
        })
        .collect::<Result<_>>()?;
    ordered.sort();
    ordered.truncate(limit.clamp(1, 500) as usize);
    let ordered: Vec<MemberId> = ordered.into_iter().map(|(_, _, id)| id).collect();
    let rows = analytics::listed_many(c, today, &ordered)?;
    let mut members = Vec::with_capacity(rows.len());
    for m in rows {
        let id = m.id;
        let phone = if consented.contains(&id) {
            phones(c, &[id])?.pop()
        } else {
            None
        };
        members.push(WorklistMember {
            reasons: reasons.remove(&id).unwrap_or_default(),
            phone,
            last_contact: contacts(c, id)?.into_iter().next(),
            member: m,
        });
    }
    let owner_name: String = c
        .query_row("SELECT name FROM staff WHERE id = ?1", [owner], |r| {
            r.get(0)
        })
        .unwrap_or_default();
    Ok(OwnerWorklist {
        owner,
        owner_name,
        members,
        total: owned.len() as u32,
    })
}

// ------------------------------------------------------------------ campaigns

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CampaignKind {
    /// 生日券：本月生日的会员
    Birthday,
    /// 尊享券：A/B 类会员
    TopSpender,
}

impl CampaignKind {
    fn as_str(self) -> &'static str {
        match self {
            CampaignKind::Birthday => "birthday",
            CampaignKind::TopSpender => "top_spender",
        }
    }
}

/// What a campaign run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CampaignRun {
    pub id: EditId,
    pub kind: CampaignKind,
    /// The month the run is for, `YYYY-MM`.
    pub period: String,
    /// Members the campaign is for.
    pub eligible: u32,
    /// Coupons this run issued (0 when the period's coupons were all issued before).
    pub issued: u32,
    /// Members who already had this period's coupon.
    pub already: u32,
    pub at: String,
}

/// Issues the campaign's coupons for this month; a member who already has this period's coupon
/// gets nothing new.
pub fn run_campaign(tx: &Tx<'_>, by: StaffId, kind: CampaignKind) -> Result<CampaignRun> {
    let today = tx.clock.today();
    let r = rules::get(tx)?;
    let period = format!("{:04}-{:02}", today.year(), today.month());
    let (eligible, issued) = match kind {
        CampaignKind::Birthday => {
            let ids = analytics::member_ids(tx, today, &MemberSet::BirthdaysThisMonth)?;
            let mut issued = 0u32;
            for id in &ids {
                if coupon::issue_birthday(tx, *id, today.month(), &r.birthday_coupon)?.is_some() {
                    issued += 1;
                }
            }
            (ids.len() as u32, issued)
        }
        CampaignKind::TopSpender => {
            let (a, b, issued) = coupon::issue_top_spenders(tx, by)?;
            (a + b, issued)
        }
    };
    let id = EditId::new(tx.clock);
    let at = stamp(tx.clock.now());
    tx.execute(
        "INSERT INTO campaign_run (id, kind, period, at, by_staff, eligible, issued)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (id, kind.as_str(), &period, &at, by, eligible, issued),
    )?;
    crate::audit::record(
        tx,
        Some(by),
        "campaign.run",
        kind.as_str(),
        serde_json::json!({ "period": period, "eligible": eligible, "issued": issued }),
    )?;
    Ok(CampaignRun {
        id,
        kind,
        period,
        eligible,
        issued,
        already: eligible - issued,
        at,
    })
}
