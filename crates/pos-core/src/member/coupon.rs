//! Coupons (券): a fixed amount off with a minimum spend and a validity window (rule 4). Kinds:
//! new member (at registration), birthday (valid in the birthday month), top spender (class A/B),
//! manual (a manager, with a reason). A coupon is used at most once (`coupon_use` is keyed by the
//! coupon) and is never given back on a return (rule 11). Expiry needs no write: a coupon whose
//! last day has passed is expired by its dates.

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{CouponId, MemberId, SaleId, StaffId};
use crate::money::Money;
use crate::rules::CouponRule;
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CouponKind {
    /// 新会员券
    NewMember,
    /// 生日券
    Birthday,
    /// 高价值会员券（A/B 类）
    TopSpender,
    /// 手工发放
    Manual,
}

impl CouponKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CouponKind::NewMember => "new_member",
            CouponKind::Birthday => "birthday",
            CouponKind::TopSpender => "top_spender",
            CouponKind::Manual => "manual",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CouponKind::NewMember => "新会员券",
            CouponKind::Birthday => "生日券",
            CouponKind::TopSpender => "尊享券",
            CouponKind::Manual => "店长赠券",
        }
    }

    fn parse(s: &str) -> CouponKind {
        match s {
            "new_member" => CouponKind::NewMember,
            "birthday" => CouponKind::Birthday,
            "top_spender" => CouponKind::TopSpender,
            _ => CouponKind::Manual,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CouponStatus {
    /// 可用
    Available,
    /// 未到期（尚未生效）
    NotYetValid,
    /// 已使用
    Used,
    /// 已过期
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Coupon {
    pub id: CouponId,
    pub member_id: MemberId,
    pub kind: CouponKind,
    pub face: Money,
    pub min_spend: Money,
    pub valid_from: String,
    pub valid_until: String,
    pub reason: String,
    pub issued_at: String,
    pub status: CouponStatus,
    pub used_in_sale: Option<SaleId>,
}

/// A coupon to issue.
pub struct NewCoupon<'a> {
    pub member: MemberId,
    pub kind: CouponKind,
    pub face: Money,
    pub min_spend: Money,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// Issuing twice with the same key issues once (automatic kinds).
    pub issue_key: Option<String>,
    pub reason: &'a str,
    pub by: Option<StaffId>,
}

/// Issues a coupon; `None` when one with the same issue key exists already.
pub fn issue(tx: &Tx<'_>, new: NewCoupon<'_>) -> Result<Option<CouponId>> {
    if new.face.fen() <= 0 {
        return Err(PosError::new(ErrorCode::InvalidAmount, "券面额须大于 0"));
    }
    if new.valid_until < new.valid_from {
        return Err(PosError::invalid_field(
            "valid_until",
            "券的有效期结束日不能早于开始日",
        ));
    }
    let id = CouponId::new(tx.clock);
    let at = stamp(tx.clock.now());
    let n = tx
        .prepare_cached(
            "INSERT INTO coupon (id, member_id, kind, face_fen, min_spend_fen, valid_from, valid_until,
                                 issue_key, reason, issued_at, issued_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (issue_key) DO NOTHING",
        )?
        .execute(rusqlite::params![
            id,
            new.member,
            new.kind.as_str(),
            new.face.fen(),
            new.min_spend.fen(),
            new.valid_from.to_string(),
            new.valid_until.to_string(),
            new.issue_key,
            new.reason,
            at,
            new.by,
        ])?;
    if n == 0 {
        return Ok(None);
    }
    outbox::append(
        tx,
        Payload::CouponIssued(ev::CouponIssuedV1 {
            id: id.0,
            member_id: new.member.0,
            kind: new.kind.as_str().to_string(),
            face: new.face.decimal(),
            min_spend: new.min_spend.decimal(),
            valid_from: new.valid_from.to_string(),
            valid_until: new.valid_until.to_string(),
            issue_key: new.issue_key.clone(),
            reason: new.reason.to_string(),
            issued_at: at.clone(),
            issued_by: new.by.map(|b| b.0),
        }),
    )?;
    Ok(Some(id))
}

/// The new-member coupon (once per member).
pub fn issue_new_member(
    tx: &Tx<'_>,
    member: MemberId,
    rule: &CouponRule,
    by: StaffId,
) -> Result<Option<CouponId>> {
    let today = tx.clock.today();
    issue(
        tx,
        NewCoupon {
            member,
            kind: CouponKind::NewMember,
            face: rule.face,
            min_spend: rule.min_spend,
            valid_from: today,
            valid_until: last_day_of_validity(today, rule.valid_days),
            issue_key: Some(format!("new_member:{member}")),
            reason: "新会员注册",
            by: Some(by),
        },
    )
}

/// The birthday coupon for this year, valid in the birthday month (once per member per year).
pub fn issue_birthday(
    tx: &Tx<'_>,
    member: MemberId,
    birth_month: u32,
    rule: &CouponRule,
) -> Result<Option<CouponId>> {
    let today = tx.clock.today();
    let Some(first) = NaiveDate::from_ymd_opt(today.year(), birth_month, 1) else {
        return Ok(None);
    };
    let last = last_day_of_month(first);
    if last < today {
        return Ok(None); // this year's birthday month is over
    }
    issue(
        tx,
        NewCoupon {
            member,
            kind: CouponKind::Birthday,
            face: rule.face,
            min_spend: rule.min_spend,
            valid_from: first,
            valid_until: last,
            issue_key: Some(format!("birthday:{member}:{}", today.year())),
            reason: "生日月赠券",
            by: None,
        },
    )
}

/// A manager's coupon for a member: any face value and minimum, 1–366 days from today, with a
/// written reason.
pub fn issue_manual(
    tx: &Tx<'_>,
    member: MemberId,
    face: Money,
    min_spend: Money,
    valid_days: u32,
    reason: &str,
    by: StaffId,
) -> Result<Coupon> {
    let reason = crate::text::reason(reason, "发券须写明原因")?;
    if !(1..=366).contains(&valid_days) {
        return Err(PosError::invalid_field(
            "valid_days",
            "有效天数须为 1–366 天",
        ));
    }
    crate::member::require_active(tx, member)?;
    let today = tx.clock.today();
    let id = issue(
        tx,
        NewCoupon {
            member,
            kind: CouponKind::Manual,
            face,
            min_spend,
            valid_from: today,
            valid_until: last_day_of_validity(today, valid_days),
            issue_key: None,
            reason,
            by: Some(by),
        },
    )?
    .ok_or_else(|| PosError::storage("coupon not written"))?;
    get(tx, id, today)
}

/// Why a coupon cannot be used by `member` today, as the error to show; Ok when it can.
pub fn check_usable(coupon: &Coupon, member: MemberId) -> Result<()> {
    let refuse = |msg: String| {
        Err(PosError::new(ErrorCode::CouponNotAvailable, msg)
            .with_details(serde_json::json!({ "coupon_id": coupon.id, "status": coupon.status })))
    };
    if coupon.member_id != member {
        return refuse("这张券不属于当前会员".into());
    }
    match coupon.status {
        CouponStatus::Available => Ok(()),
        CouponStatus::Used => refuse("这张券已经用过了，请另选".into()),
        CouponStatus::Expired => refuse(format!("这张券已于 {} 过期，请另选", coupon.valid_until)),
        CouponStatus::NotYetValid => {
            refuse(format!("这张券 {} 起才能使用，请另选", coupon.valid_from))
        }
    }
}

/// Valid for `days` days including the day of issue.
pub fn last_day_of_validity(from: NaiveDate, days: u32) -> NaiveDate {
    from + Duration::days(i64::from(days.max(1)) - 1)
}

pub fn last_day_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("first of a month exists") - Duration::days(1)
}

const COUPON_COLUMNS: &str =
    "c.id, c.member_id, c.kind, c.face_fen, c.min_spend_fen, c.valid_from, \
    c.valid_until, c.reason, c.issued_at, u.sale_id";

fn coupon_from_row(r: &Row<'_>, today: &str) -> rusqlite::Result<Coupon> {
    let valid_from: String = r.get(5)?;
    let valid_until: String = r.get(6)?;
    let used: Option<SaleId> = r.get(9)?;
    let status = if used.is_some() {
        CouponStatus::Used
    } else if valid_until.as_str() < today {
        CouponStatus::Expired
    } else if valid_from.as_str() > today {
        CouponStatus::NotYetValid
    } else {
        CouponStatus::Available
    };
    Ok(Coupon {
        id: r.get(0)?,
        member_id: r.get(1)?,
        kind: CouponKind::parse(&r.get::<_, String>(2)?),
        face: Money::from_fen(r.get(3)?),
        min_spend: Money::from_fen(r.get(4)?),
        valid_from,
        valid_until,
        reason: r.get(7)?,
        issued_at: r.get(8)?,
        status,
        used_in_sale: used,
    })
}

/// Every coupon of a member, newest first.
pub fn all_of(c: &Connection, member: MemberId, today: NaiveDate) -> Result<Vec<Coupon>> {
    let today = today.to_string();
    let mut st = c.prepare_cached(&format!(
        "SELECT {COUPON_COLUMNS} FROM coupon c LEFT JOIN coupon_use u ON u.coupon_id = c.id
         WHERE c.member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1) ORDER BY c.issued_at DESC, c.id DESC"
    ))?;
    let rows = st
        .query_map([member], |r| coupon_from_row(r, &today))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The coupons a member can use today, the soonest to expire first.
pub fn available(c: &Connection, member: MemberId, today: NaiveDate) -> Result<Vec<Coupon>> {
    let t = today.to_string();
    let mut st = c.prepare_cached(&format!(
        "SELECT {COUPON_COLUMNS} FROM coupon c LEFT JOIN coupon_use u ON u.coupon_id = c.id
         WHERE c.member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1) AND c.valid_until >= ?2 AND c.valid_from <= ?2 AND u.coupon_id IS NULL
         ORDER BY c.valid_until, c.face_fen DESC"
    ))?;
    let rows = st
        .query_map((member, &t), |r| coupon_from_row(r, &t))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn get(c: &Connection, id: CouponId, today: NaiveDate) -> Result<Coupon> {
    let t = today.to_string();
    c.query_row(
        &format!(
            "SELECT {COUPON_COLUMNS} FROM coupon c LEFT JOIN coupon_use u ON u.coupon_id = c.id
             WHERE c.id = ?1"
        ),
        [id],
        |r| coupon_from_row(r, &t),
    )
    .optional()?
    .ok_or_else(|| PosError::new(ErrorCode::CouponNotAvailable, "没有这张券，请刷新后重选"))
}

/// Uses a coupon in a sale. Refused unless it is the member's and available today.
pub fn redeem(
    tx: &Tx<'_>,
    id: CouponId,
    member: MemberId,
    sale: SaleId,
    by: StaffId,
) -> Result<Coupon> {
    check_usable(&get(tx, id, tx.clock.today())?, member)?;
    let at = stamp(tx.clock.now());
    tx.execute(
        "INSERT INTO coupon_use (coupon_id, sale_id, at, by_staff) VALUES (?1, ?2, ?3, ?4)",
        (id, sale, &at, by),
    )?;
    outbox::append(
        tx,
        Payload::CouponUsed(ev::CouponUsedV1 {
            coupon_id: id.0,
            member_id: member.0,
            sale_id: sale.0,
            at: at.clone(),
            by_staff: by.0,
        }),
    )?;
    get(tx, id, tx.clock.today())
}

/// Issues this month's top-spender coupon to every member of class A and B (the classes of
/// `member::analytics`: by net spend over the last 12 months, A the top 5 %, B the next 15 %,
/// ties never split). Returns (class A size, class B size, coupons issued now).
pub fn issue_top_spenders(tx: &Tx<'_>, by: StaffId) -> Result<(u32, u32, u32)> {
    use crate::member::analytics::{member_ids, MemberClass, MemberSet};
    let rule = crate::rules::get(tx)?.top_spender_coupon;
    let today = tx.clock.today();
    let class_a = member_ids(
        tx,
        today,
        &MemberSet::Class {
            class: MemberClass::A,
        },
    )?;
    let class_b = member_ids(
        tx,
        today,
        &MemberSet::Class {
            class: MemberClass::B,
        },
    )?;
    let a = class_a.len();
    let ab = a + class_b.len();
    let ranked: Vec<MemberId> = class_a.into_iter().chain(class_b).collect();
    let month = format!("{:04}-{:02}", today.year(), today.month());
    let mut issued = 0;
    for (i, member) in ranked.iter().take(ab).enumerate() {
        let class = if i < a { "A" } else { "B" };
        let reason = format!(
            "{class} 类会员（近 12 个月消费前 {}%）",
            if i < a { 5 } else { 20 }
        );
        let id = issue(
            tx,
            NewCoupon {
                member: *member,
                kind: CouponKind::TopSpender,
                face: rule.face,
                min_spend: rule.min_spend,
                valid_from: today,
                valid_until: last_day_of_validity(today, rule.valid_days),
                issue_key: Some(format!("top_spender:{member}:{month}")),
                reason: &reason,
                by: Some(by),
            },
        )?;
        if id.is_some() {
            issued += 1;
        }
    }
    Ok((a as u32, (ab - a) as u32, issued))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_counts_the_day_of_issue() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(last_day_of_validity(d("2026-11-23"), 30), d("2026-12-22"));
        assert_eq!(last_day_of_month(d("2026-02-10")), d("2026-02-28"));
        assert_eq!(last_day_of_month(d("2026-12-31")), d("2026-12-31"));
    }
}
