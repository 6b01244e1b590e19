//! Coupons (券): a fixed amount off, or a percent off with an optional cap, with a minimum spend,
//! a validity window (rule 4) and optionally a limit to chosen products or categories. Kinds:
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
use crate::ids::{CouponId, MemberId, ProductId, SaleId, StaffId};
use crate::money::{Money, MAX_FEN};
use crate::pricing::{CouponTerms, CouponValue};
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
    /// A percent coupon's percent off (10 = 9 折); `None` for a fixed amount (`face`).
    pub percent: Option<u32>,
    /// A percent coupon's cap; `None` = no cap.
    pub cap: Option<Money>,
    /// Limited to these products and/or categories; both empty = every discount-eligible line.
    pub scope_products: Vec<ProductId>,
    pub scope_categories: Vec<String>,
    /// What the cart and the receipt call it: `满 50 减 10`, `9 折券（限 感冒类）`.
    pub description: String,
}

impl Coupon {
    /// The terms the pricing engine applies.
    pub fn terms(&self) -> CouponTerms {
        CouponTerms {
            id: self.id,
            value: match self.percent {
                Some(percent) => CouponValue::Percent {
                    percent,
                    cap: self.cap,
                },
                None => CouponValue::Amount(self.face),
            },
            min_spend: self.min_spend,
            products: self.scope_products.clone(),
            categories: self.scope_categories.clone(),
            description: self.description.clone(),
        }
    }
}

/// A coupon's value and scope beyond a fixed amount on every line (the default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CouponOptions {
    /// Percent off (1–99); `None` = the face is a fixed amount.
    pub percent: Option<u32>,
    /// The most a percent coupon takes off.
    pub cap: Option<Money>,
    pub products: Vec<ProductId>,
    pub categories: Vec<String>,
}

/// `满 50 减 10`, `减 3 元`, `9 折券`, `85 折券（满 100 可用，最多减 20）`, each followed by
/// `（限 感冒类、对乙酰氨基酚片）` when the coupon is limited: the products by name when there
/// are at most three and all are in the catalog (`product_names`, in the coupon's order),
/// otherwise `指定商品 5 种`.
pub fn describe(
    face: Money,
    min_spend: Money,
    percent: Option<u32>,
    cap: Option<Money>,
    products: &[ProductId],
    product_names: &[String],
    categories: &[String],
) -> String {
    let yuan = |m: Money| m.decimal().normalize().to_string();
    let mut notes: Vec<String> = vec![];
    let text = match percent {
        Some(p) => {
            if min_spend.fen() > 0 {
                notes.push(format!("满 {} 可用", yuan(min_spend)));
            }
            if let Some(cap) = cap {
                notes.push(format!("最多减 {}", yuan(cap)));
            }
            let rate = rust_decimal::Decimal::new(i64::from(100 - p.min(99)), 2);
            let zhe = crate::sale::receipt::zhe(rate);
            format!("{} 折券", zhe.trim_end_matches('折'))
        }
        None if min_spend.fen() > 0 => format!("满 {} 减 {}", yuan(min_spend), yuan(face)),
        None => format!("减 {} 元", yuan(face)),
    };
    let mut limits: Vec<String> = categories.to_vec();
    if products.len() <= 3 && product_names.len() == products.len() {
        limits.extend(product_names.iter().cloned());
    } else {
        limits.push(format!("指定商品 {} 种", products.len()));
    }
    if !limits.is_empty() {
        notes.push(format!("限 {}", limits.join("、")));
    }
    if notes.is_empty() {
        text
    } else {
        format!("{text}（{}）", notes.join("，"))
    }
}

/// Checks a coupon's value and scope: percent 1–99, a cap only on a percent coupon and above
/// 0.00, at most 50 products (each in the catalog) and 20 categories (each with a product).
pub fn check_options(c: &Connection, o: &CouponOptions) -> Result<CouponOptions> {
    if let Some(p) = o.percent {
        if !(1..=99).contains(&p) {
            return Err(PosError::invalid_field(
                "percent",
                "折扣券的减免比例须为 1–99（如 10 表示 9 折）",
            ));
        }
    }
    if let Some(cap) = o.cap {
        if o.percent.is_none() {
            return Err(PosError::invalid_field(
                "cap",
                "只有折扣券可以设封顶金额；满减券请直接填面额",
            ));
        }
        if cap.fen() <= 0 {
            return Err(PosError::new(
                ErrorCode::InvalidAmount,
                "折扣券的封顶金额须大于 0（不封顶请留空）",
            ));
        }
    }
    let mut products: Vec<ProductId> = vec![];
    for p in &o.products {
        if !products.contains(p) {
            products.push(*p);
        }
    }
    if products.len() > 50 {
        return Err(PosError::invalid_field(
            "products",
            "一张券最多限定 50 种商品",
        ));
    }
    for p in &products {
        let known: Option<i64> = c
            .prepare_cached("SELECT 1 FROM product WHERE id = ?1")?
            .query_row([p], |r| r.get(0))
            .optional()?;
        if known.is_none() {
            return Err(PosError::invalid_field(
                "products",
                "限定的商品不在商品目录中，请重新选择",
            ));
        }
    }
    let mut categories: Vec<String> = vec![];
    for cat in &o.categories {
        let cat = cat.trim();
        if cat.is_empty() || cat.chars().count() > 30 {
            return Err(PosError::invalid_field(
                "categories",
                "限定的品类名称不能为空，最多 30 个字",
            ));
        }
        if !categories.iter().any(|c| c == cat) {
            categories.push(cat.to_owned());
        }
    }
    if categories.len() > 20 {
        return Err(PosError::invalid_field(
            "categories",
            "一张券最多限定 20 个品类",
        ));
    }
    for cat in &categories {
        let known: Option<i64> = c
            .prepare_cached("SELECT 1 FROM product WHERE category = ?1 LIMIT 1")?
            .query_row([cat], |r| r.get(0))
            .optional()?;
        if known.is_none() {
            return Err(PosError::invalid_field(
                "categories",
                format!("商品目录中没有品类“{cat}”，请核对名称"),
            ));
        }
    }
    Ok(CouponOptions {
        percent: o.percent,
        cap: o.cap,
        products,
        categories,
    })
}

/// A coupon to issue.
pub struct NewCoupon<'a> {
    pub member: MemberId,
    pub kind: CouponKind,
    /// A fixed coupon's amount off (ignored for a percent coupon).
    pub face: Money,
    pub min_spend: Money,
    /// Percent, cap and scope (checked by `check_options`); default: a fixed amount on all lines.
    pub options: CouponOptions,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// Issuing twice with the same key issues once (automatic kinds).
    pub issue_key: Option<String>,
    pub reason: &'a str,
    pub by: Option<StaffId>,
}

/// Issues a coupon; `None` when one with the same issue key exists already.
pub fn issue(tx: &Tx<'_>, new: NewCoupon<'_>) -> Result<Option<CouponId>> {
    let o = &new.options;
    if o.percent.is_none() && new.face.fen() <= 0 {
        return Err(PosError::new(ErrorCode::InvalidAmount, "券面额须大于 0"));
    }
    // A percent coupon's face_fen is the most it takes off (migration 0019).
    let face = match o.percent {
        Some(_) => o.cap.unwrap_or(Money::from_fen(MAX_FEN)),
        None => new.face,
    };
    let products = serde_json::to_string(&o.products).map_err(PosError::storage)?;
    let categories = serde_json::to_string(&o.categories).map_err(PosError::storage)?;
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
                                 issue_key, reason, issued_at, issued_by, percent, cap_fen,
                                 scope_products, scope_categories)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (issue_key) DO NOTHING",
        )?
        .execute(rusqlite::params![
            id,
            new.member,
            new.kind.as_str(),
            face.fen(),
            new.min_spend.fen(),
            new.valid_from.to_string(),
            new.valid_until.to_string(),
            new.issue_key,
            new.reason,
            at,
            new.by,
            o.percent,
            o.cap.map(Money::fen),
            products,
            categories,
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
            face: face.decimal(),
            min_spend: new.min_spend.decimal(),
            valid_from: new.valid_from.to_string(),
            valid_until: new.valid_until.to_string(),
            issue_key: new.issue_key.clone(),
            reason: new.reason.to_string(),
            issued_at: at.clone(),
            issued_by: new.by.map(|b| b.0),
            percent: o.percent,
            cap: o.cap.map(Money::decimal),
            scope_products: o.products.iter().map(|p| p.0).collect(),
            scope_categories: o.categories.clone(),
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
            options: CouponOptions::default(),
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
            options: CouponOptions::default(),
            issue_key: Some(format!("birthday:{member}:{}", today.year())),
            reason: "生日月赠券",
            by: None,
        },
    )
}

/// A manager's coupon for a member: a fixed amount (any face value) or a percent off with an
/// optional cap, any minimum, optionally limited to products or categories, 1–366 days from
/// today, with a written reason.
#[allow(clippy::too_many_arguments)]
pub fn issue_manual(
    tx: &Tx<'_>,
    member: MemberId,
    face: Money,
    min_spend: Money,
    options: &CouponOptions,
    valid_days: u32,
    reason: &str,
    by: StaffId,
) -> Result<Coupon> {
    let options = check_options(tx, options)?;
    if options.percent.is_some() && face.fen() != 0 {
        return Err(PosError::invalid_field(
            "face",
            "折扣券不填面额（填 0），封顶金额请填在“最多减”",
        ));
    }
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
            options,
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
    c.valid_until, c.reason, c.issued_at, u.sale_id, c.percent, c.cap_fen, c.scope_products, \
    c.scope_categories, \
    (SELECT json_group_array(name) FROM (SELECT p.name FROM json_each(c.scope_products) j \
     JOIN product p ON p.id = j.value ORDER BY j.key))";

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
    let list = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let products: Vec<ProductId> = serde_json::from_str(&list(12)?).unwrap_or_default();
    let categories: Vec<String> = serde_json::from_str(&list(13)?).unwrap_or_default();
    let product_names: Vec<String> = serde_json::from_str(&list(14)?).unwrap_or_default();
    let percent: Option<u32> = r.get(10)?;
    let cap = r.get::<_, Option<i64>>(11)?.map(Money::from_fen);
    let face = Money::from_fen(r.get(3)?);
    let min_spend = Money::from_fen(r.get(4)?);
    Ok(Coupon {
        id: r.get(0)?,
        member_id: r.get(1)?,
        kind: CouponKind::parse(&r.get::<_, String>(2)?),
        description: describe(
            face,
            min_spend,
            percent,
            cap,
            &products,
            &product_names,
            &categories,
        ),
        face,
        min_spend,
        percent,
        cap,
        scope_products: products,
        scope_categories: categories,
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
                options: CouponOptions::default(),
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
    fn a_limited_coupon_names_up_to_three_products() {
        let m = |fen| Money::from_fen(fen);
        let ids: Vec<ProductId> = (0..4).map(|_| ProductId(uuid::Uuid::now_v7())).collect();
        let names: Vec<String> = [
            "对乙酰氨基酚片",
            "布洛芬缓释胶囊",
            "维C银翘片",
            "板蓝根颗粒",
        ]
        .map(String::from)
        .to_vec();
        let cats = vec!["感冒用药".to_owned()];
        assert_eq!(
            describe(m(0), m(2000), Some(10), None, &ids[..1], &names[..1], &cats),
            "9 折券（满 20 可用，限 感冒用药、对乙酰氨基酚片）"
        );
        assert_eq!(
            describe(m(300), m(0), None, None, &ids[..3], &names[..3], &[]),
            "减 3 元（限 对乙酰氨基酚片、布洛芬缓释胶囊、维C银翘片）"
        );
        // Four products, or one no longer in the catalog: counted, not named.
        assert_eq!(
            describe(m(300), m(0), None, None, &ids, &names, &[]),
            "减 3 元（限 指定商品 4 种）"
        );
        assert_eq!(
            describe(m(300), m(0), None, None, &ids[..2], &names[..1], &[]),
            "减 3 元（限 指定商品 2 种）"
        );
    }

    #[test]
    fn validity_counts_the_day_of_issue() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(last_day_of_validity(d("2026-11-23"), 30), d("2026-12-22"));
        assert_eq!(last_day_of_month(d("2026-02-10")), d("2026-02-28"));
        assert_eq!(last_day_of_month(d("2026-12-31")), d("2026-12-31"));
    }
}
