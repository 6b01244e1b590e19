//! Members (会员): the member file, registration at the counter, lookup, edits with history,
//! ownership, confirmation of the phone, anonymization on request. Tiers, points, coupons, the
//! health part and consent live in the submodules.
//!
//! Sync (SYNC-DESIGN.md): member ids are UUIDv7 minted on the till; every change writes an outbox
//! event in the same transaction; every field edit carries a hybrid-logical-clock stamp so that
//! headquarters can apply "last writer wins per field".

pub mod analytics;
pub mod card;
pub mod care;
pub mod consent;
pub mod coupon;
pub mod export;
pub mod generate;
pub mod health;
pub mod phone;
pub mod points;
pub mod tier;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::initials;
use crate::clock::{parse_stamp, stamp};
use crate::db::{till_identity, Tx};
use crate::error::{ErrorCode, PosError, Result};
use crate::hlc;
use crate::ids::{random_u64, EditId, MemberId, StaffId};
use crate::rules::{self, BusinessRules, Tier};
use crate::sync::outbox;
use consent::ConsentScope;
use coupon::Coupon;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// The longest name accepted (people's names are short; 50 leaves room for transliterations).
pub const MAX_NAME_CHARS: usize = 50;
/// How many members a search returns at most.
pub const SEARCH_LIMIT: u32 = 20;
/// What an anonymized member's name reads.
pub const ANONYMIZED_NAME: &str = "已注销会员";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    #[default]
    Unknown,
    Female,
    Male,
}

impl Gender {
    fn as_str(self) -> &'static str {
        match self {
            Gender::Unknown => "unknown",
            Gender::Female => "female",
            Gender::Male => "male",
        }
    }

    fn parse(s: &str) -> Gender {
        match s {
            "female" => Gender::Female,
            "male" => Gender::Male,
            _ => Gender::Unknown,
        }
    }
}

/// What the cashier sees in search results and the sale's member panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberSummary {
    pub id: MemberId,
    pub card_no: String,
    pub name: String,
    /// 138****5678: cashier screens never show the whole number (PIPL).
    pub phone_masked: String,
    pub gender: Gender,
    pub tier: Tier,
    #[ts(type = "number")]
    pub points_balance: i64,
    /// Points that expire at the end of this year unless used.
    #[ts(type = "number")]
    pub points_expiring_this_year: i64,
    /// Coupons usable today.
    pub coupons: Vec<Coupon>,
    pub birthday_this_month: bool,
    /// 有过敏史: an allergy is recorded (the details are for pharmacists).
    pub allergy_badge: bool,
    /// The phone was last confirmed more than the rule's days ago: ask the member at checkout.
    pub needs_confirm: bool,
    pub anonymized: bool,
}

/// The basic part of the member file, for the profile screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberProfile {
    pub summary: MemberSummary,
    /// The whole number, only for pharmacists and managers; cashiers get `None`.
    pub phone: Option<String>,
    pub birthday: Option<String>,
    pub address: String,
    pub occupation: String,
    pub tags: Vec<String>,
    /// The registering store.
    pub store_id: String,
    /// Its name when it is this till's own store (`settings::store_name`).
    pub store_name: Option<String>,
    pub registered_by: StaffId,
    pub registered_by_name: Option<String>,
    pub owner_staff_id: StaffId,
    pub owner_name: Option<String>,
    pub created_at: String,
    pub confirmed_at: String,
    pub basic_consent: bool,
    pub health_consent: bool,
    /// 关怀联系授权: care calls, messages and offers.
    pub contact_consent: bool,
    /// Trailing-365-day net spend that decides the tier.
    pub spend_365: crate::money::Money,
    pub tier_history: Vec<tier::TierChange>,
}

/// One recorded field edit (old → new), newest first in the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldEdit {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub at: String,
    pub by_staff: StaffId,
    pub by_name: Option<String>,
}

/// Registration at the counter: phone + name are enough; the rest can come later.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub phone: String,
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub gender: Option<Gender>,
    /// YYYY-MM-DD
    #[serde(default)]
    #[ts(optional)]
    pub birthday: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub address: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub occupation: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub tags: Option<Vec<String>>,
    /// The member agreed to the privacy notice (required).
    pub basic_consent: bool,
    /// The member separately agreed to keep health data (optional).
    #[serde(default)]
    pub health_consent: bool,
    /// The member separately agreed to care calls, messages and offers (optional).
    #[serde(default)]
    pub contact_consent: bool,
    /// The notice version shown; the current one when omitted.
    #[serde(default)]
    #[ts(optional)]
    pub notice_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Registration {
    pub member: MemberSummary,
    /// `false`: the phone was registered already and that member is returned instead.
    pub created: bool,
    /// The new-member coupon, when one was issued.
    pub coupon: Option<Coupon>,
}

/// Field changes; `None` leaves a field alone. An empty birthday clears it.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields)]
pub struct MemberChanges {
    pub phone: Option<String>,
    pub name: Option<String>,
    pub gender: Option<Gender>,
    pub birthday: Option<String>,
    pub address: Option<String>,
    pub occupation: Option<String>,
    pub tags: Option<Vec<String>>,
}

// ---------------------------------------------------------------- validation

/// A name: trimmed, 1–50 characters, no control characters.
pub fn check_name(input: &str) -> Result<String> {
    let name: String = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = name.chars().count();
    if n == 0 {
        return Err(PosError::new(
            ErrorCode::InvalidMemberName,
            "请填写会员姓名",
        ));
    }
    if n > MAX_NAME_CHARS {
        return Err(PosError::new(
            ErrorCode::InvalidMemberName,
            format!("姓名太长：最多 {MAX_NAME_CHARS} 个字（现为 {n} 个）"),
        ));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(PosError::new(
            ErrorCode::InvalidMemberName,
            "姓名含有不可见的控制字符，请重新输入",
        ));
    }
    Ok(name)
}

/// A birthday: YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, full-width digits), a real
/// date, not in the future and not before 1900.
pub fn check_birthday(input: &str, today: NaiveDate) -> Result<NaiveDate> {
    let t: String = crate::text::half_width(input)
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            '日' => ' ',
            _ => c,
        })
        .collect();
    let t = t.trim();
    let parsed = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(t, "%Y%m%d")
    } else {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
    };
    let d = parsed.map_err(|_| {
        PosError::new(
            ErrorCode::InvalidBirthday,
            format!("生日“{input}”不是有效日期，请按 1980-05-17 的格式填写"),
        )
    })?;
    if d > today {
        return Err(PosError::new(
            ErrorCode::InvalidBirthday,
            format!("生日 {d} 在今天之后，请核对"),
        ));
    }
    if d.year() < 1900 {
        return Err(PosError::new(
            ErrorCode::InvalidBirthday,
            format!("生日 {d} 太早，请核对"),
        ));
    }
    Ok(d)
}

fn check_text(field: &str, label: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(PosError::invalid_field(
            field,
            format!("{label}太长：最多 {max} 个字"),
        ));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(PosError::invalid_field(
            field,
            format!("{label}含有不可见的控制字符"),
        ));
    }
    Ok(v.to_owned())
}

fn check_tags(tags: &[String]) -> Result<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = check_text("tags", "标签", t, 20)?;
        if t.contains('|') {
            return Err(PosError::invalid_field("tags", "标签不能含有“|”"));
        }
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > 10 {
        return Err(PosError::invalid_field("tags", "标签最多 10 个"));
    }
    Ok(out.join("|"))
}

fn split_tags(s: &str) -> Vec<String> {
    s.split('|')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn not_found() -> PosError {
    PosError::new(
        ErrorCode::MemberNotFound,
        "没有找到这位会员，请核对手机号或卡号，或为顾客注册",
    )
}

// ---------------------------------------------------------------- reading

/// A row of the member table with what the summary needs.
struct Row0 {
    id: MemberId,
    card_no: String,
    name: String,
    phone: String,
    gender: Gender,
    tier: Tier,
    birth_month: Option<u32>,
    confirmed_at: String,
    anonymized: bool,
}

const SUMMARY_COLUMNS: &str =
    "id, card_no, name, phone, gender, tier, birth_month, confirmed_at, status";

fn row0(r: &Row<'_>) -> rusqlite::Result<Row0> {
    Ok(Row0 {
        id: r.get(0)?,
        card_no: r.get(1)?,
        name: r.get(2)?,
        phone: r.get(3)?,
        gender: Gender::parse(&r.get::<_, String>(4)?),
        tier: r.get(5)?,
        birth_month: r.get(6)?,
        confirmed_at: r.get(7)?,
        anonymized: r.get::<_, String>(8)? == "anonymized",
    })
}

fn summarize(
    c: &Connection,
    m: Row0,
    today: NaiveDate,
    rules: &BusinessRules,
) -> Result<MemberSummary> {
    let needs_confirm = !m.anonymized
        && parse_stamp(&m.confirmed_at)
            .map(|t| {
                let confirmed = t.with_timezone(&crate::clock::china()).date_naive();
                today - confirmed > Duration::days(i64::from(rules.confirm_profile_after_days))
            })
            .unwrap_or(true);
    let (points_balance, points_expiring_this_year) = points::standing(c, m.id, today)?;
    Ok(MemberSummary {
        points_balance,
        points_expiring_this_year,
        coupons: if m.anonymized {
            vec![]
        } else {
            coupon::available(c, m.id, today)?
        },
        birthday_this_month: m.birth_month == Some(today.month()),
        allergy_badge: health::has_allergy(c, m.id)?,
        needs_confirm,
        id: m.id,
        card_no: m.card_no,
        name: m.name,
        phone_masked: phone::mask(&m.phone),
        gender: m.gender,
        tier: m.tier,
        anonymized: m.anonymized,
    })
}

fn summaries(
    c: &Connection,
    sql_where: &str,
    params: impl rusqlite::Params,
    today: NaiveDate,
) -> Result<Vec<MemberSummary>> {
    let rules = rules::get(c)?;
    let rows = c
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM member WHERE {sql_where}"
        ))?
        .query_map(params, row0)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|m| summarize(c, m, today, &rules))
        .collect()
}

pub fn summary(c: &Connection, id: MemberId, today: NaiveDate) -> Result<MemberSummary> {
    summaries(c, "id = ?1", [id], today)?
        .pop()
        .ok_or_else(not_found)
}

/// Whether the member exists and has not been anonymized.
pub fn require_active(c: &Connection, id: MemberId) -> Result<()> {
    let row: Option<(String, Option<String>)> = c
        .prepare_cached(
            "SELECT m.status, s.card_no FROM member m LEFT JOIN member s ON s.id = m.merged_into
             WHERE m.id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let status = row.as_ref().map(|r| r.0.as_str());
    if let Some((_, Some(card))) = &row {
        return Err(PosError::new(
            ErrorCode::MemberMerged,
            format!("该会员已由总部与同手机号的会员合并，请改用会员卡号 {card}（积分已合并）"),
        )
        .with_details(serde_json::json!({ "survivor_card_no": card })));
    }
    match status {
        Some("active") => Ok(()),
        Some(_) => Err(PosError::new(
            ErrorCode::MemberAnonymized,
            "该会员已应本人要求注销并匿名化，不能再修改或使用",
        )),
        None => Err(not_found()),
    }
}

/// Finds members by what a cashier types or scans:
/// - 11 digits (or +86…): the full phone;
/// - 4 digits: the last four digits of the phone (a short list, newest members first);
/// - 13 digits starting with 29: a member card (the check digit is verified);
/// - letters: pinyin initials of the name (`zw` finds 张伟), as a prefix;
/// - anything else: the name, as a prefix.
pub fn find(c: &Connection, query: &str, today: NaiveDate) -> Result<Vec<MemberSummary>> {
    let q = crate::text::half_width(query);
    let compact: String = q.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let limit = SEARCH_LIMIT;
    if compact.is_empty() {
        return Err(PosError::new(
            ErrorCode::InvalidMemberQuery,
            "请输入手机号、手机后 4 位、会员卡号、姓名或拼音首字母",
        ));
    }
    let digits = compact.trim_start_matches('+');
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return match digits.len() {
            4 => summaries(
                c,
                "phone_last4 = ?1 AND status = 'active' AND merged_into IS NULL ORDER BY created_at DESC, rowid DESC LIMIT ?2",
                (digits, limit),
                today,
            ),
            13 if digits.starts_with(card::PREFIX) => {
                let card = card::parse(digits)?;
                summaries(c, "card_no = ?1", [card], today)
            }
            10..=15 => {
                let phone = phone::parse(&compact)?;
                summaries(c, "phone = ?1 AND status = 'active' AND merged_into IS NULL", [phone], today)
            }
            n => Err(PosError::new(
                ErrorCode::InvalidMemberQuery,
                format!("“{query}”是 {n} 位数字：请输入 11 位手机号、手机后 4 位或 13 位会员卡号"),
            )),
        };
    }
    if compact.bytes().any(|b| b.is_ascii_digit()) {
        return Err(PosError::new(
            ErrorCode::InvalidMemberQuery,
            format!("“{query}”既不是手机号、卡号，也不是姓名；请只输入数字或只输入姓名/拼音首字母"),
        ));
    }
    if compact.chars().all(|c| c.is_ascii_alphabetic()) {
        let p = compact.to_ascii_lowercase();
        return summaries(
            c,
            "name_initials >= ?1 AND name_initials < ?2 AND status = 'active' AND merged_into IS NULL LIMIT ?3",
            (&p, format!("{p}\u{7f}"), limit),
            today,
        );
    }
    let name = q.trim();
    summaries(
        c,
        "name >= ?1 AND name < ?2 AND status = 'active' AND merged_into IS NULL LIMIT ?3",
        (name, format!("{name}\u{10FFFF}"), limit),
        today,
    )
}

pub fn profile(
    c: &Connection,
    id: MemberId,
    today: NaiveDate,
    show_phone: bool,
) -> Result<MemberProfile> {
    let summary = summary(c, id, today)?;
    c.query_row(
        "SELECT m.phone, m.birthday, m.address, m.occupation, m.tags, m.store_id, m.registered_by,
                r.name, m.owner_staff_id, o.name, m.created_at, m.confirmed_at
         FROM member m LEFT JOIN staff r ON r.id = m.registered_by
         LEFT JOIN staff o ON o.id = m.owner_staff_id WHERE m.id = ?1",
        [id],
        |r| {
            Ok(MemberProfile {
                summary: summary.clone(),
                phone: if show_phone {
                    Some(r.get::<_, String>(0)?).filter(|p| !p.is_empty())
                } else {
                    None
                },
                birthday: r.get(1)?,
                address: r.get(2)?,
                occupation: r.get(3)?,
                tags: split_tags(&r.get::<_, String>(4)?),
                store_id: r.get(5)?,
                store_name: None,
                registered_by: r.get(6)?,
                registered_by_name: r.get(7)?,
                owner_staff_id: r.get(8)?,
                owner_name: r.get(9)?,
                created_at: r.get(10)?,
                confirmed_at: r.get(11)?,
                basic_consent: false,
                health_consent: false,
                contact_consent: false,
                spend_365: crate::money::Money::ZERO,
                tier_history: vec![],
            })
        },
    )
    .optional()?
    .ok_or_else(not_found)
    .and_then(|mut p| {
        p.basic_consent = consent::granted(c, id, ConsentScope::Basic)?;
        p.health_consent = consent::granted(c, id, ConsentScope::Health)?;
        p.contact_consent = consent::granted(c, id, ConsentScope::Contact)?;
        p.spend_365 = tier::spend(c, id, today)?;
        p.tier_history = tier::history(c, id)?;
        p.store_name = crate::settings::store_name(c, &p.store_id)?;
        Ok(p)
    })
}

/// The edit history, newest first. Old and new phone numbers are masked unless `show_phone`
/// (pharmacists, managers, the member's own export), like the phone itself.
pub fn field_history(c: &Connection, id: MemberId, show_phone: bool) -> Result<Vec<FieldEdit>> {
    let mut st = c.prepare(
        "SELECT e.field, e.old_value, e.new_value, e.at, e.by_staff, s.name
         FROM member_field_edit e LEFT JOIN staff s ON s.id = e.by_staff
         WHERE e.member_id = ?1 ORDER BY e.hlc_wall_ms DESC, e.hlc_counter DESC, e.rowid DESC",
    )?;
    let rows = st
        .query_map([id], |r| {
            let field: String = r.get(0)?;
            let shown = |v: Option<String>| match v {
                Some(p) if field == "phone" && !show_phone => Some(phone::mask(&p)),
                v => v,
            };
            Ok(FieldEdit {
                old_value: shown(r.get(1)?),
                new_value: shown(r.get(2)?),
                field,
                at: r.get(3)?,
                by_staff: r.get(4)?,
                by_name: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

// ---------------------------------------------------------------- writing

fn active_by_phone(c: &Connection, phone: &str) -> Result<Option<MemberId>> {
    Ok(c.prepare_cached(
        "SELECT id FROM member WHERE phone = ?1 AND status = 'active' AND merged_into IS NULL",
    )?
    .query_row([phone], |r| r.get(0))
    .optional()?)
}

fn new_card_no(c: &Connection) -> Result<String> {
    loop {
        let card = card::from_random(random_u64());
        let taken: Option<i64> = c
            .prepare_cached("SELECT 1 FROM member WHERE card_no = ?1")?
            .query_row([&card], |r| r.get(0))
            .optional()?;
        if taken.is_none() {
            return Ok(card);
        }
    }
}

/// Registers a member, or returns the active member who already has this phone.
pub fn register(tx: &Tx<'_>, by: StaffId, new: NewMember) -> Result<Registration> {
    let today = tx.clock.today();
    let phone = phone::parse(&new.phone)?;
    if let Some(existing) = active_by_phone(tx, &phone)? {
        return Ok(Registration {
            member: summary(tx, existing, today)?,
            created: false,
            coupon: None,
        });
    }
    let name = check_name(&new.name)?;
    let birthday = match new.birthday.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(b) => Some(check_birthday(b, today)?),
    };
    let address = check_text("address", "地址", new.address.as_deref().unwrap_or(""), 120)?;
    let occupation = check_text(
        "occupation",
        "职业",
        new.occupation.as_deref().unwrap_or(""),
        30,
    )?;
    let tags = check_tags(new.tags.as_deref().unwrap_or(&[]))?;
    if !new.basic_consent {
        return Err(PosError::new(
            ErrorCode::ConsentRequired,
            "注册会员须经顾客同意《会员隐私告知》，请向顾客说明并勾选“已同意”",
        ));
    }
    let notice = new
        .notice_version
        .clone()
        .unwrap_or_else(|| consent::CURRENT_NOTICE.to_owned());
    let rules = rules::get(tx)?;
    let id = MemberId::new(tx.clock);
    let card_no = new_card_no(tx)?;
    let at = stamp(tx.clock.now());
    let gender = new.gender.unwrap_or_default();
    let birthday_text = birthday.map(|d| d.to_string());
    let store_id = till_identity(tx)?.store_id;
    tx.execute(
        "INSERT INTO member (id, card_no, phone, name, name_initials, gender, birthday, address,
                             occupation, tags, store_id, registered_by, owner_staff_id, status, tier,
                             created_at, confirmed_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, 'active', 'normal',
                 ?13, ?13, ?13)",
        rusqlite::params![
            id,
            card_no,
            phone,
            name,
            initials(&name),
            gender.as_str(),
            birthday_text,
            address,
            occupation,
            tags,
            store_id,
            by,
            at,
        ],
    )?;
    outbox::append(
        tx,
        Payload::MemberRegistered(ev::MemberRegisteredV1 {
            id: id.0,
            card_no: card_no.clone(),
            phone: phone.clone(),
            name: name.clone(),
            gender: gender.as_str().to_string(),
            birthday: birthday_text.clone(),
            address: address.clone(),
            occupation: occupation.clone(),
            tags: tags.clone(),
            store_id: store_id.0,
            registered_by: by.0,
            created_at: at.clone(),
            hlc: hlc::next(tx)?.into(),
        }),
    )?;
    consent::write(tx, id, ConsentScope::Basic, true, &notice, by)?;
    if new.health_consent {
        consent::write(tx, id, ConsentScope::Health, true, &notice, by)?;
    }
    if new.contact_consent {
        consent::write(tx, id, ConsentScope::Contact, true, &notice, by)?;
    }
    let coupon_id = coupon::issue_new_member(tx, id, &rules.new_member_coupon, by)?;
    // Registered in the birthday month: this month's birthday coupon now (housekeeping issues
    // it at the start of later birthday months).
    if let Some(d) = birthday.filter(|d| d.month() == today.month()) {
        coupon::issue_birthday(tx, id, d.month(), &rules.birthday_coupon)?;
    }
    let coupon = coupon_id.map(|c| coupon::get(tx, c, today)).transpose()?;
    Ok(Registration {
        member: summary(tx, id, today)?,
        created: true,
        coupon,
    })
}

/// Records one field edit with its HLC stamp and tells headquarters.
fn record_edit(
    tx: &Tx<'_>,
    member: MemberId,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    by: StaffId,
) -> Result<()> {
    let stamp_hlc = hlc::next(tx)?;
    let at = stamp(tx.clock.now());
    let id = EditId::new(tx.clock);
    tx.prepare_cached(
        "INSERT INTO member_field_edit (id, member_id, field, old_value, new_value, at, by_staff,
                                        hlc_wall_ms, hlc_counter, hlc_device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(rusqlite::params![
        id,
        member,
        field,
        old,
        new,
        at,
        by,
        stamp_hlc.wall_ms,
        stamp_hlc.counter,
        stamp_hlc.device,
    ])?;
    outbox::append(
        tx,
        Payload::MemberFieldEdited(ev::MemberFieldEditedV1 {
            edit_id: id.0,
            member_id: member.0,
            field: field.to_string(),
            value: new.map(str::to_string),
            at,
            by_staff: by.0,
            hlc: stamp_hlc.into(),
        }),
    )?;
    Ok(())
}

/// Applies field changes; each changed field is recorded (who, when, old → new, HLC stamp).
/// Returns the names of the fields that changed.
pub fn update(
    tx: &Tx<'_>,
    by: StaffId,
    id: MemberId,
    changes: MemberChanges,
) -> Result<Vec<String>> {
    require_active(tx, id)?;
    let today = tx.clock.today();
    let (phone, name, gender, birthday, address, occupation, tags): (
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
    ) = tx.query_row(
        "SELECT phone, name, gender, birthday, address, occupation, tags FROM member WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        },
    )?;
    // Validate everything before writing anything.
    let mut sets: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
    if let Some(p) = &changes.phone {
        let p = phone::parse(p)?;
        if p != phone {
            if active_by_phone(tx, &p)?.is_some() {
                return Err(PosError::new(
                    ErrorCode::DuplicatePhone,
                    format!("手机号 {} 已是另一位会员的号码，请核对", phone::mask(&p)),
                ));
            }
            sets.push(("phone", Some(phone.clone()), Some(p)));
        }
    }
    if let Some(n) = &changes.name {
        let n = check_name(n)?;
        if n != name {
            sets.push(("name", Some(name.clone()), Some(n)));
        }
    }
    if let Some(g) = changes.gender {
        if g.as_str() != gender {
            sets.push(("gender", Some(gender.clone()), Some(g.as_str().to_owned())));
        }
    }
    if let Some(b) = &changes.birthday {
        let b = match b.trim() {
            "" => None,
            b => Some(check_birthday(b, today)?.to_string()),
        };
        if b != birthday {
            sets.push(("birthday", birthday.clone(), b));
        }
    }
    if let Some(a) = &changes.address {
        let a = check_text("address", "地址", a, 120)?;
        if a != address {
            sets.push(("address", Some(address.clone()), Some(a)));
        }
    }
    if let Some(o) = &changes.occupation {
        let o = check_text("occupation", "职业", o, 30)?;
        if o != occupation {
            sets.push(("occupation", Some(occupation.clone()), Some(o)));
        }
    }
    if let Some(t) = &changes.tags {
        let t = check_tags(t)?;
        if t != tags {
            sets.push(("tags", Some(tags.clone()), Some(t)));
        }
    }
    let at = stamp(tx.clock.now());
    for (field, old, new) in &sets {
        let v = new.as_deref();
        match *field {
            "phone" => {
                tx.execute(
                    "UPDATE member SET phone = ?2, confirmed_at = ?3 WHERE id = ?1",
                    (id, v, &at),
                )?;
            }
            "name" => {
                tx.execute(
                    "UPDATE member SET name = ?2, name_initials = ?3 WHERE id = ?1",
                    (id, v, initials(v.unwrap_or_default())),
                )?;
            }
            // The remaining fields are plain columns named like the field (the last four digits
            // and the birth month follow phone and birthday by themselves: generated columns).
            "gender" | "birthday" | "address" | "occupation" | "tags" => {
                tx.execute(
                    &format!("UPDATE member SET {field} = ?2 WHERE id = ?1"),
                    (id, v),
                )?;
            }
            _ => unreachable!("only the fields above are collected"),
        }
        record_edit(tx, id, field, old.as_deref(), v, by)?;
    }
    if !sets.is_empty() {
        tx.execute("UPDATE member SET updated_at = ?2 WHERE id = ?1", (id, &at))?;
    }
    // A birthday set to this month earns this month's birthday coupon now, not next month.
    if let Some((_, _, Some(b))) = sets.iter().find(|(f, _, _)| *f == "birthday") {
        if let Ok(d) = NaiveDate::parse_from_str(b, "%Y-%m-%d") {
            if d.month() == today.month() {
                let rule = rules::get(tx)?.birthday_coupon;
                coupon::issue_birthday(tx, id, d.month(), &rule)?;
            }
        }
    }
    Ok(sets.into_iter().map(|(f, _, _)| f.to_owned()).collect())
}

/// The member confirmed at the counter that the phone on file is still theirs.
pub fn confirm(tx: &Tx<'_>, by: StaffId, id: MemberId) -> Result<()> {
    require_active(tx, id)?;
    let old: String = tx.query_row("SELECT confirmed_at FROM member WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    let at = stamp(tx.clock.now());
    tx.execute(
        "UPDATE member SET confirmed_at = ?2, updated_at = ?2 WHERE id = ?1",
        (id, &at),
    )?;
    record_edit(tx, id, "confirmed_at", Some(&old), Some(&at), by)
}

/// Hands every active member owned by `from` to `to` (when a staff member leaves).
pub fn transfer_owner(tx: &Tx<'_>, by: StaffId, from: StaffId, to: StaffId) -> Result<u32> {
    let target_active: Option<bool> = tx
        .query_row("SELECT active FROM staff WHERE id = ?1", [to], |r| r.get(0))
        .optional()?;
    if target_active != Some(true) {
        return Err(PosError::invalid_field(
            "to_staff_id",
            "接手的员工不存在或已停用，请另选",
        ));
    }
    if from == to {
        return Err(PosError::invalid_field(
            "to_staff_id",
            "接手的员工与原负责员工相同",
        ));
    }
    let ids: Vec<MemberId> = tx
        .prepare("SELECT id FROM member WHERE owner_staff_id = ?1 AND status = 'active' AND merged_into IS NULL")?
        .query_map([from], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let at = stamp(tx.clock.now());
    let (from_s, to_s) = (from.to_string(), to.to_string());
    for id in &ids {
        tx.execute(
            "UPDATE member SET owner_staff_id = ?2, updated_at = ?3 WHERE id = ?1",
            (id, to, &at),
        )?;
        record_edit(tx, *id, "owner_staff_id", Some(&from_s), Some(&to_s), by)?;
    }
    Ok(ids.len() as u32)
}

/// The erasing part of [`anonymize`], shared with a member anonymized at another store.
pub(crate) fn erase(tx: &Tx<'_>, id: MemberId, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE member SET phone = '', name = ?2, name_initials = '',
                gender = 'unknown', birthday = NULL, address = '',
                occupation = '', tags = '', status = 'anonymized', updated_at = ?3
         WHERE id = ?1",
        (id, ANONYMIZED_NAME, at),
    )?;
    // The history's old and new values are personal data too; who edited and when stay.
    tx.execute(
        "UPDATE member_field_edit SET old_value = NULL, new_value = NULL WHERE member_id = ?1",
        [id],
    )?;
    tx.execute("DELETE FROM member_health_item WHERE member_id = ?1", [id])?;
    Ok(())
}

/// Erases a member's personal data on request (PIPL): name, phone, birthday, address,
/// occupation, tags and the health part go, and the old values in the edit history with them.
/// Sales, points entries and coupons stay as facts tied to the id, now without a person.
pub fn anonymize(tx: &Tx<'_>, by: StaffId, id: MemberId, reason: &str) -> Result<()> {
    require_active(tx, id)?;
    let reason = crate::text::reason(reason, "注销会员须写明原因，如“会员本人申请”")?;
    let at = stamp(tx.clock.now());
    erase(tx, id, &at)?;
    consent::write(
        tx,
        id,
        ConsentScope::Health,
        false,
        consent::CURRENT_NOTICE,
        by,
    )?;
    consent::write(
        tx,
        id,
        ConsentScope::Basic,
        false,
        consent::CURRENT_NOTICE,
        by,
    )?;
    outbox::append(
        tx,
        Payload::MemberAnonymized(ev::MemberAnonymizedV1 {
            member_id: id.0,
            at,
            by_staff: by.0,
            reason: reason.to_string(),
        }),
    )?;
    Ok(())
}
