//! Complaints (投诉, PRODUCT.md §2): listen → understand → verify → resolve → call back. A
//! complaint is taken by any staff member (a member found like at the counter, or a walk-in with
//! a name and a phone), verified with notes, resolved (a return through the return flow, an
//! exchange for a quality problem, an explanation, an apology, a compensation coupon), called
//! back, and closed. Its status moves 待核实 → 处理中 → 待回访 → 已关闭 and every move is kept.
//!
//! The complainant's name and phone are personal data: lists and the complaint's page carry
//! them masked; the whole name and phone come only from [`contact`], which the API gives to
//! pharmacists and managers (each view audited) and refuses to cashiers (the attempt audited).
//!
//! Every change writes one outbox event (`complaint.logged@1`, `complaint.updated@1`) in its
//! own transaction. The monthly summary for the manager counts the complaints taken in a
//! month (by business date) by category and status.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{ComplaintId, CouponId, MemberId, ProductId, SaleId, StaffId};
use crate::member::coupon::{self, CouponKind, NewCoupon};
use crate::member::phone;
use crate::money::Money;
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// How the complaint reached the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintChannel {
    /// 到店
    Counter,
    /// 电话
    Phone,
    /// 微信
    Wechat,
    /// 其他
    Other,
}

/// What the complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintCategory {
    /// 药品质量
    Quality,
    /// 服务
    Service,
    /// 价格
    Price,
    /// 其他
    Other,
}

/// Where the complaint is in the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// 待核实
    Verifying,
    /// 处理中
    Handling,
    /// 待回访
    AwaitingCallback,
    /// 已关闭
    Closed,
}

/// What was done about the complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionKind {
    /// 退货（经退货流程）
    Return,
    /// 换货（质量问题）
    Exchange,
    /// 解释说明
    Explanation,
    /// 致歉
    Apology,
    /// 补偿券
    Coupon,
}

macro_rules! text_enum {
    ($t:ty { $($v:ident = $s:literal / $label:literal),* $(,)? }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            /// The Chinese word staff see.
            pub fn label(self) -> &'static str {
                match self { $(<$t>::$v => $label),* }
            }
            fn parse(s: &str) -> rusqlite::Result<$t> {
                match s {
                    $($s => Ok(<$t>::$v),)*
                    _ => Err(rusqlite::Error::InvalidColumnType(
                        0, s.to_owned(), rusqlite::types::Type::Text)),
                }
            }
        }
    };
}

text_enum!(ComplaintChannel { Counter = "counter" / "到店", Phone = "phone" / "电话", Wechat = "wechat" / "微信", Other = "other" / "其他" });
text_enum!(ComplaintCategory { Quality = "quality" / "药品质量", Service = "service" / "服务", Price = "price" / "价格", Other = "other" / "其他" });
text_enum!(ComplaintStatus { Verifying = "verifying" / "待核实", Handling = "handling" / "处理中", AwaitingCallback = "awaiting_callback" / "待回访", Closed = "closed" / "已关闭" });
text_enum!(ResolutionKind { Return = "return" / "退货", Exchange = "exchange" / "换货", Explanation = "explanation" / "解释说明", Apology = "apology" / "致歉", Coupon = "coupon" / "补偿券" });

/// A complaint to take. Either `member_id`, or `walk_in_name` and `walk_in_phone`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewComplaint {
    #[serde(default)]
    #[ts(optional)]
    pub member_id: Option<MemberId>,
    #[serde(default)]
    #[ts(optional)]
    pub walk_in_name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub walk_in_phone: Option<String>,
    pub channel: ComplaintChannel,
    pub category: ComplaintCategory,
    pub description: String,
    /// The receipt the complaint is about (a sale of this store).
    #[serde(default)]
    #[ts(optional)]
    pub receipt_no: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<ProductId>,
}

/// A line of the complaints list: the complainant masked for everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ComplaintRow {
    pub id: ComplaintId,
    pub complaint_no: String,
    pub taken_at: String,
    pub business_date: String,
    pub status: ComplaintStatus,
    pub category: ComplaintCategory,
    pub channel: ComplaintChannel,
    /// 张* (a member's or a walk-in's name, masked).
    pub name_masked: String,
    /// 138****5678.
    pub phone_masked: String,
    pub member_card_no: Option<String>,
    pub description: String,
    pub receipt_no: Option<String>,
    pub callback_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ComplaintNote {
    pub at: String,
    pub by: StaffId,
    pub by_name: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ComplaintResolution {
    pub kind: ResolutionKind,
    pub note: String,
    pub return_id: Option<SaleId>,
    /// The return's receipt number.
    pub return_receipt_no: Option<String>,
    pub coupon_id: Option<CouponId>,
    pub coupon_face: Option<Money>,
    pub at: String,
    pub by: StaffId,
    pub by_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ComplaintStatusChange {
    pub from: Option<ComplaintStatus>,
    pub to: ComplaintStatus,
    pub at: String,
    pub by: StaffId,
    pub by_name: String,
}

/// A complaint's page: the row plus what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Complaint {
    pub row: ComplaintRow,
    pub member_id: Option<MemberId>,
    pub sale_id: Option<SaleId>,
    pub product_id: Option<ProductId>,
    pub product_name: Option<String>,
    pub taken_by: StaffId,
    pub taken_by_name: String,
    pub callback_result: Option<String>,
    pub callback_at: Option<String>,
    pub callback_by_name: Option<String>,
    pub closed_at: Option<String>,
    pub notes: Vec<ComplaintNote>,
    pub resolutions: Vec<ComplaintResolution>,
    pub history: Vec<ComplaintStatusChange>,
    /// Returns of the complaint's sale not yet linked to any complaint (to link after the return
    /// flow), as (return id, receipt number).
    pub unlinked_returns: Vec<(SaleId, String)>,
    /// The status changes allowed from here (what the page offers).
    pub next: Vec<ComplaintStatus>,
}

/// The complainant's whole name and phone: pharmacists and managers only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ComplaintContact {
    pub complaint_id: ComplaintId,
    pub name: String,
    pub phone: String,
}

/// A compensation coupon for the member who complained (rule 4's kind of coupon, `manual`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CompensationCoupon {
    pub face: Money,
    pub min_spend: Money,
    pub valid_days: u32,
}

const MAX_TEXT: usize = 1000;

fn text(field: &str, input: &str, what: &str) -> Result<String> {
    let t = input.trim();
    let n = t.chars().count();
    if n == 0 || n > MAX_TEXT {
        return Err(PosError::invalid_field(
            field,
            format!("请填写{what}（最多 {MAX_TEXT} 字）"),
        ));
    }
    Ok(t.to_owned())
}

/// 张三 → 张*, 欧阳娜娜 → 欧***: the first character kept.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count();
            format!("{first}{}", "*".repeat(rest.max(1)))
        }
        None => String::new(),
    }
}

fn not_found() -> PosError {
    PosError::new(ErrorCode::ComplaintNotFound, "没有这条投诉记录，请刷新列表")
}

/// The status changes the process allows from `from`.
pub fn allowed_next(from: ComplaintStatus) -> &'static [ComplaintStatus] {
    match from {
        ComplaintStatus::Verifying => &[ComplaintStatus::Handling],
        ComplaintStatus::Handling => &[ComplaintStatus::AwaitingCallback, ComplaintStatus::Closed],
        // The call-back found the problem unsolved: back to handling.
        ComplaintStatus::AwaitingCallback => &[ComplaintStatus::Closed, ComplaintStatus::Handling],
        ComplaintStatus::Closed => &[],
    }
}

/// What a change needs to know of the complaint.
struct State {
    status: ComplaintStatus,
    category: ComplaintCategory,
    member_id: Option<MemberId>,
    sale_id: Option<SaleId>,
    complaint_no: String,
    callback_on: Option<String>,
    callback_result: Option<String>,
}

fn state(c: &Connection, id: ComplaintId) -> Result<State> {
    c.prepare_cached(
        "SELECT status, category, member_id, sale_id, complaint_no, callback_on, callback_result
         FROM complaint WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(State {
            status: ComplaintStatus::parse(&r.get::<_, String>(0)?)?,
            category: ComplaintCategory::parse(&r.get::<_, String>(1)?)?,
            member_id: r.get(2)?,
            sale_id: r.get(3)?,
            complaint_no: r.get(4)?,
            callback_on: r.get(5)?,
            callback_result: r.get(6)?,
        })
    })
    .optional()?
    .ok_or_else(not_found)
}

/// The complaint, refused with COMPLAINT_CLOSED once it is closed.
fn open_state(c: &Connection, id: ComplaintId) -> Result<State> {
    let s = state(c, id)?;
    if s.status == ComplaintStatus::Closed {
        return Err(PosError::new(
            ErrorCode::ComplaintClosed,
            format!("投诉 {} 已关闭，不能再修改", s.complaint_no),
        ));
    }
    Ok(s)
}

/// One `complaint.updated@1` event.
struct Update<'a> {
    action: &'a str,
    status: ComplaintStatus,
    text: Option<&'a str>,
    resolution: Option<ResolutionKind>,
    return_id: Option<SaleId>,
    coupon_id: Option<CouponId>,
    callback_on: Option<&'a str>,
}

impl<'a> Update<'a> {
    fn new(action: &'a str, status: ComplaintStatus) -> Self {
        Update {
            action,
            status,
            text: None,
            resolution: None,
            return_id: None,
            coupon_id: None,
            callback_on: None,
        }
    }

    fn emit(self, tx: &Tx<'_>, id: ComplaintId, by: StaffId, at: &str) -> Result<()> {
        outbox::append(
            tx,
            Payload::ComplaintUpdated(ev::ComplaintUpdatedV1 {
                complaint_id: id.0,
                action: self.action.to_owned(),
                at: at.to_owned(),
                by_staff: by.0,
                status: self.status.as_str().to_owned(),
                text: self.text.map(str::to_owned),
                resolution: self.resolution.map(|k| k.as_str().to_owned()),
                return_id: self.return_id.map(|r| r.0),
                coupon_id: self.coupon_id.map(|c| c.0),
                callback_on: self.callback_on.map(str::to_owned),
            }),
        )?;
        Ok(())
    }
}

/// `TS` + business date (8) + till number (2) + the day's sequence (3).
fn next_no(tx: &Tx<'_>, today: NaiveDate) -> Result<String> {
    let till_no: i64 = tx.query_row("SELECT till_no FROM till", [], |r| r.get(0))?;
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM complaint WHERE business_date = ?1",
        [today.to_string()],
        |r| r.get(0),
    )?;
    Ok(format!(
        "TS{}{:02}{:03}",
        today.format("%Y%m%d"),
        till_no % 100,
        n + 1
    ))
}

/// Takes a complaint: status 待核实, taken by `by` now.
pub fn log(tx: &Tx<'_>, by: StaffId, new: NewComplaint) -> Result<ComplaintId> {
    let description = text("description", &new.description, "投诉内容")?;
    let walk_in = match (new.member_id, &new.walk_in_name, &new.walk_in_phone) {
        (Some(m), None, None) => {
            crate::member::require_active(tx, m)?;
            None
        }
        (None, Some(name), Some(p)) => {
            let name = crate::member::check_name(name)?;
            let phone = phone::parse(p)?;
            Some((name, phone))
        }
        (Some(_), _, _) => {
            return Err(PosError::invalid_field(
                "member_id",
                "会员投诉不再填写姓名和电话（取自会员档案）",
            ))
        }
        (None, None, _) => {
            return Err(PosError::invalid_field(
                "walk_in_name",
                "请查找会员，或填写投诉人的姓名和手机号",
            ))
        }
        (None, Some(_), None) => {
            return Err(PosError::new(
                ErrorCode::InvalidPhone,
                "请填写投诉人的手机号，以便回访",
            ))
        }
    };
    let sale_id = match new.receipt_no.as_deref().map(str::trim) {
        Some(no) if !no.is_empty() => Some(crate::sale::by_receipt_no(
            tx,
            &crate::text::half_width(no),
        )?),
        _ => None,
    };
    if let Some(p) = new.product_id {
        let found: Option<i64> = tx
            .prepare_cached("SELECT 1 FROM product WHERE id = ?1")?
            .query_row([p], |r| r.get(0))
            .optional()?;
        if found.is_none() {
            return Err(PosError::new(
                ErrorCode::ProductNotFound,
                "没有这个商品，请重新选择",
            ));
        }
    }
    let id = ComplaintId::new(tx.clock);
    let today = crate::business_day::today(tx)?;
    let no = next_no(tx, today)?;
    let at = stamp(tx.clock.now());
    tx.prepare_cached(
        "INSERT INTO complaint (id, complaint_no, member_id, walk_in_name, walk_in_phone, channel,
                                category, description, sale_id, product_id, taken_by, taken_at,
                                business_date, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'verifying')",
    )?
    .execute(rusqlite::params![
        id,
        no,
        new.member_id,
        walk_in.as_ref().map(|w| &w.0),
        walk_in.as_ref().map(|w| &w.1),
        new.channel.as_str(),
        new.category.as_str(),
        description,
        sale_id,
        new.product_id,
        by,
        at,
        today.to_string(),
    ])?;
    tx.prepare_cached(
        "INSERT INTO complaint_status_change (complaint_id, from_status, to_status, at, by_staff)
         VALUES (?1, NULL, 'verifying', ?2, ?3)",
    )?
    .execute((id, &at, by))?;
    outbox::append(
        tx,
        Payload::ComplaintLogged(ev::ComplaintLoggedV1 {
            id: id.0,
            complaint_no: no,
            member_id: new.member_id.map(|m| m.0),
            walk_in: walk_in.map(|(name, phone)| ev::ComplaintWalkInV1 { name, phone }),
            channel: new.channel.as_str().to_owned(),
            category: new.category.as_str().to_owned(),
            description,
            sale_id: sale_id.map(|s| s.0),
            product_id: new.product_id.map(|p| p.0),
            taken_by: by.0,
            taken_at: at,
            business_date: today.to_string(),
        }),
    )?;
    Ok(id)
}

/// A verification note (核实记录).
pub fn add_note(tx: &Tx<'_>, by: StaffId, id: ComplaintId, note: &str) -> Result<()> {
    let s = open_state(tx, id)?;
    let note = text("text", note, "核实记录")?;
    let at = stamp(tx.clock.now());
    tx.prepare_cached(
        "INSERT INTO complaint_note (complaint_id, at, by_staff, text) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((id, &at, by, &note))?;
    let mut u = Update::new("note", s.status);
    u.text = Some(&note);
    u.emit(tx, id, by, &at)
}

fn require_verified(s: &State) -> Result<()> {
    if s.status == ComplaintStatus::Verifying {
        return Err(PosError::new(
            ErrorCode::ComplaintStatusInvalid,
            "请先核实情况（记录核实结果并转为“处理中”）再处理",
        ));
    }
    Ok(())
}

/// What a resolution points at: the return it was, or the coupon given.
#[derive(Clone, Copy)]
enum Link {
    Nothing,
    Return(SaleId),
    Coupon(CouponId),
}

fn insert_resolution(
    tx: &Tx<'_>,
    (id, status): (ComplaintId, ComplaintStatus),
    kind: ResolutionKind,
    note: &str,
    link: Link,
    by: StaffId,
) -> Result<()> {
    let (return_id, coupon_id) = match link {
        Link::Nothing => (None, None),
        Link::Return(r) => (Some(r), None),
        Link::Coupon(c) => (None, Some(c)),
    };
    let at = stamp(tx.clock.now());
    tx.prepare_cached(
        "INSERT INTO complaint_resolution (complaint_id, kind, note, return_id, coupon_id, at, by_staff)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        id,
        kind.as_str(),
        note,
        return_id,
        coupon_id,
        at,
        by
    ])?;
    let mut u = Update::new("resolution", status);
    u.text = Some(note);
    u.resolution = Some(kind);
    u.return_id = return_id;
    u.coupon_id = coupon_id;
    u.emit(tx, id, by, &at)
}

/// Records an exchange, an explanation or an apology. A return is recorded by the return flow
/// and linked with [`link_return`]; a coupon is issued with [`compensate`].
pub fn resolve(
    tx: &Tx<'_>,
    by: StaffId,
    id: ComplaintId,
    kind: ResolutionKind,
    note: &str,
) -> Result<()> {
    let s = open_state(tx, id)?;
    require_verified(&s)?;
    match kind {
        ResolutionKind::Return => {
            return Err(PosError::new(
                ErrorCode::ComplaintResolutionInvalid,
                "退货须在“退货”页面办理（经店长批准），办理后再关联到投诉",
            ))
        }
        ResolutionKind::Coupon => {
            return Err(PosError::new(
                ErrorCode::ComplaintResolutionInvalid,
                "补偿券请用“发补偿券”办理",
            ))
        }
        ResolutionKind::Exchange if s.category != ComplaintCategory::Quality => {
            return Err(PosError::new(
                ErrorCode::ComplaintResolutionInvalid,
                "药品只有质量问题才能换货（GSP）；请改为解释说明或致歉",
            ))
        }
        _ => {}
    }
    let note = text("note", note, "处理说明")?;
    insert_resolution(tx, (id, s.status), kind, &note, Link::Nothing, by)
}

/// Links a return recorded through the return flow to the complaint: it must be a return of the
/// complaint's sale and not linked to another complaint. Linking it again does nothing.
pub fn link_return(tx: &Tx<'_>, by: StaffId, id: ComplaintId, return_id: SaleId) -> Result<()> {
    let s = open_state(tx, id)?;
    require_verified(&s)?;
    let ret: Option<(SaleId, String)> = tx
        .prepare_cached("SELECT sale_id, receipt_no FROM sale_return WHERE id = ?1")?
        .query_row([return_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((sale, receipt)) = ret else {
        return Err(PosError::new(
            ErrorCode::SaleNotFound,
            "没有这张退货单，请刷新",
        ));
    };
    if s.sale_id != Some(sale) {
        return Err(PosError::new(
            ErrorCode::ComplaintResolutionInvalid,
            format!("退货单 {receipt} 不是这条投诉所涉小票的退货"),
        ));
    }
    let linked: Option<ComplaintId> = tx
        .prepare_cached("SELECT complaint_id FROM complaint_resolution WHERE return_id = ?1")?
        .query_row([return_id], |r| r.get(0))
        .optional()?;
    match linked {
        Some(c) if c == id => return Ok(()),
        Some(_) => {
            return Err(PosError::new(
                ErrorCode::ComplaintResolutionInvalid,
                format!("退货单 {receipt} 已关联到另一条投诉"),
            ))
        }
        None => {}
    }
    let note = format!("退货单 {receipt}");
    insert_resolution(
        tx,
        (id, s.status),
        ResolutionKind::Return,
        &note,
        Link::Return(return_id),
        by,
    )
}

/// Issues the member who complained a compensation coupon, once: a repeated request (a retry, a
/// second click) returns the coupon issued the first time and issues nothing.
pub fn compensate(
    tx: &Tx<'_>,
    by: StaffId,
    id: ComplaintId,
    c: &CompensationCoupon,
) -> Result<CouponId> {
    let s = open_state(tx, id)?;
    let existing: Option<CouponId> = tx
        .prepare_cached(
            "SELECT coupon_id FROM complaint_resolution WHERE complaint_id = ?1 AND kind = 'coupon'",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(coupon) = existing {
        return Ok(coupon);
    }
    require_verified(&s)?;
    let Some(member) = s.member_id else {
        return Err(PosError::new(
            ErrorCode::MemberRequired,
            "补偿券只能发给会员；非会员请先登记为会员再发券",
        ));
    };
    crate::member::require_active(tx, member)?;
    if !(1..=366).contains(&c.valid_days) {
        return Err(PosError::invalid_field(
            "valid_days",
            "有效天数须为 1–366 天",
        ));
    }
    let today = tx.clock.today();
    let reason = format!("投诉补偿 {}", s.complaint_no);
    let coupon = coupon::issue(
        tx,
        NewCoupon {
            member,
            kind: CouponKind::Manual,
            face: c.face,
            min_spend: c.min_spend,
            options: coupon::CouponOptions::default(),
            valid_from: today,
            valid_until: coupon::last_day_of_validity(today, c.valid_days),
            issue_key: Some(format!("complaint:{id}")),
            reason: &reason,
            by: Some(by),
        },
    )?
    .ok_or_else(|| PosError::storage("补偿券已发出但未关联到投诉"))?;
    let note = format!("补偿券 ¥{}", c.face);
    insert_resolution(
        tx,
        (id, s.status),
        ResolutionKind::Coupon,
        &note,
        Link::Coupon(coupon),
        by,
    )?;
    Ok(coupon)
}

/// Sets (or moves) the call-back date: today or later.
pub fn set_callback(tx: &Tx<'_>, by: StaffId, id: ComplaintId, on: NaiveDate) -> Result<()> {
    let s = open_state(tx, id)?;
    let today = crate::business_day::today(tx)?;
    if on < today {
        return Err(PosError::invalid_field(
            "callback_on",
            format!("回访日期不能早于今天（{today}）"),
        ));
    }
    let on = on.to_string();
    let at = stamp(tx.clock.now());
    tx.prepare_cached("UPDATE complaint SET callback_on = ?2 WHERE id = ?1")?
        .execute((id, &on))?;
    let mut u = Update::new("callback_set", s.status);
    u.callback_on = Some(&on);
    u.emit(tx, id, by, &at)
}

/// Records what the call-back found.
pub fn record_callback(tx: &Tx<'_>, by: StaffId, id: ComplaintId, result: &str) -> Result<()> {
    let s = open_state(tx, id)?;
    if s.callback_on.is_none() {
        return Err(PosError::invalid_field("callback_on", "请先设定回访日期"));
    }
    let result = text("result", result, "回访结果")?;
    let at = stamp(tx.clock.now());
    tx.prepare_cached(
        "UPDATE complaint SET callback_result = ?2, callback_by = ?3, callback_at = ?4 WHERE id = ?1",
    )?
    .execute((id, &result, by, &at))?;
    let mut u = Update::new("callback_result", s.status);
    u.text = Some(&result);
    u.emit(tx, id, by, &at)
}

/// Moves the complaint to `to`, if the process allows it from where it is.
pub fn move_to(tx: &Tx<'_>, by: StaffId, id: ComplaintId, to: ComplaintStatus) -> Result<()> {
    let s = open_state(tx, id)?;
    if !allowed_next(s.status).contains(&to) {
        return Err(PosError::new(
            ErrorCode::ComplaintStatusInvalid,
            format!(
                "投诉不能从“{}”转为“{}”（流程：待核实 → 处理中 → 待回访 → 已关闭）",
                s.status.label(),
                to.label()
            ),
        )
        .with_details(serde_json::json!({ "from": s.status, "to": to })));
    }
    let resolutions: i64 = tx
        .prepare_cached("SELECT count(*) FROM complaint_resolution WHERE complaint_id = ?1")?
        .query_row([id], |r| r.get(0))?;
    if matches!(
        to,
        ComplaintStatus::Closed | ComplaintStatus::AwaitingCallback
    ) && resolutions == 0
    {
        return Err(PosError::new(
            ErrorCode::ComplaintResolutionRequired,
            "请先记录处理结果（退货、换货、解释说明、致歉或补偿券）",
        ));
    }
    if to == ComplaintStatus::AwaitingCallback && s.callback_on.is_none() {
        return Err(PosError::invalid_field("callback_on", "请先设定回访日期"));
    }
    if to == ComplaintStatus::Closed && s.callback_on.is_some() && s.callback_result.is_none() {
        return Err(PosError::new(
            ErrorCode::ComplaintCallbackResultRequired,
            format!(
                "已约定 {} 回访：请先记录回访结果再关闭",
                s.callback_on.as_deref().unwrap_or_default()
            ),
        ));
    }
    let at = stamp(tx.clock.now());
    let (closed_at, closed_by) = if to == ComplaintStatus::Closed {
        (Some(at.as_str()), Some(by))
    } else {
        (None, None)
    };
    tx.prepare_cached(
        "UPDATE complaint SET status = ?2, closed_at = ?3, closed_by = ?4 WHERE id = ?1",
    )?
    .execute(rusqlite::params![id, to.as_str(), closed_at, closed_by])?;
    tx.prepare_cached(
        "INSERT INTO complaint_status_change (complaint_id, from_status, to_status, at, by_staff)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((id, s.status.as_str(), to.as_str(), &at, by))?;
    Update::new("status", to).emit(tx, id, by, &at)
}

const ROW_COLUMNS: &str = "c.id, c.complaint_no, c.taken_at, c.business_date, c.status, c.category,
    c.channel, coalesce(m.name, c.walk_in_name), coalesce(m.phone, c.walk_in_phone), m.card_no,
    c.description, s.receipt_no, c.callback_on";
const ROW_JOINS: &str = "FROM complaint c LEFT JOIN member m ON m.id = c.member_id
    LEFT JOIN sale s ON s.id = c.sale_id";

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<ComplaintRow> {
    let name: String = r.get(7)?;
    let phone: String = r.get(8)?;
    Ok(ComplaintRow {
        id: r.get(0)?,
        complaint_no: r.get(1)?,
        taken_at: r.get(2)?,
        business_date: r.get(3)?,
        status: ComplaintStatus::parse(&r.get::<_, String>(4)?)?,
        category: ComplaintCategory::parse(&r.get::<_, String>(5)?)?,
        channel: ComplaintChannel::parse(&r.get::<_, String>(6)?)?,
        name_masked: mask_name(&name),
        phone_masked: phone::mask(&phone),
        member_card_no: r.get(9)?,
        description: r.get(10)?,
        receipt_no: r.get(11)?,
        callback_on: r.get(12)?,
    })
}

/// The complaints, newest first; `status` narrows to one status.
pub fn list(
    c: &Connection,
    status: Option<ComplaintStatus>,
    limit: u32,
) -> Result<Vec<ComplaintRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} {ROW_JOINS}
         WHERE ?1 IS NULL OR c.status = ?1
         ORDER BY c.taken_at DESC, c.id DESC LIMIT ?2"
    ))?;
    let rows = st
        .query_map(
            rusqlite::params![status.map(ComplaintStatus::as_str), limit.clamp(1, 1000)],
            row_from,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn staff_name(c: &Connection, id: StaffId) -> Result<String> {
    Ok(c.prepare_cached("SELECT name FROM staff WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// The complaint's page (the complainant masked).
pub fn get(c: &Connection, id: ComplaintId) -> Result<Complaint> {
    let row = c
        .prepare_cached(&format!("SELECT {ROW_COLUMNS} {ROW_JOINS} WHERE c.id = ?1"))?
        .query_row([id], row_from)
        .optional()?
        .ok_or_else(not_found)?;
    #[allow(clippy::type_complexity)]
    let (
        member_id,
        sale_id,
        product_id,
        product_name,
        taken_by,
        cb_result,
        cb_at,
        cb_by,
        closed_at,
    ): (
        Option<MemberId>,
        Option<SaleId>,
        Option<ProductId>,
        Option<String>,
        StaffId,
        Option<String>,
        Option<String>,
        Option<StaffId>,
        Option<String>,
    ) = c.query_row(
        "SELECT c.member_id, c.sale_id, c.product_id, p.name, c.taken_by, c.callback_result,
                c.callback_at, c.callback_by, c.closed_at
         FROM complaint c LEFT JOIN product p ON p.id = c.product_id WHERE c.id = ?1",
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
                r.get(7)?,
                r.get(8)?,
            ))
        },
    )?;
    let notes = c
        .prepare_cached(
            "SELECT n.at, n.by_staff, coalesce(s.name, ''), n.text FROM complaint_note n
             LEFT JOIN staff s ON s.id = n.by_staff WHERE n.complaint_id = ?1 ORDER BY n.id",
        )?
        .query_map([id], |r| {
            Ok(ComplaintNote {
                at: r.get(0)?,
                by: r.get(1)?,
                by_name: r.get(2)?,
                text: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let resolutions = c
        .prepare_cached(
            "SELECT r.kind, r.note, r.return_id, sr.receipt_no, r.coupon_id, cp.face_fen, r.at,
                    r.by_staff, coalesce(s.name, '')
             FROM complaint_resolution r
             LEFT JOIN sale_return sr ON sr.id = r.return_id
             LEFT JOIN coupon cp ON cp.id = r.coupon_id
             LEFT JOIN staff s ON s.id = r.by_staff
             WHERE r.complaint_id = ?1 ORDER BY r.id",
        )?
        .query_map([id], |r| {
            Ok(ComplaintResolution {
                kind: ResolutionKind::parse(&r.get::<_, String>(0)?)?,
                note: r.get(1)?,
                return_id: r.get(2)?,
                return_receipt_no: r.get(3)?,
                coupon_id: r.get(4)?,
                coupon_face: r.get::<_, Option<i64>>(5)?.map(Money::from_fen),
                at: r.get(6)?,
                by: r.get(7)?,
                by_name: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let history = c
        .prepare_cached(
            "SELECT h.from_status, h.to_status, h.at, h.by_staff, coalesce(s.name, '')
             FROM complaint_status_change h LEFT JOIN staff s ON s.id = h.by_staff
             WHERE h.complaint_id = ?1 ORDER BY h.id",
        )?
        .query_map([id], |r| {
            Ok(ComplaintStatusChange {
                from: r
                    .get::<_, Option<String>>(0)?
                    .map(|s| ComplaintStatus::parse(&s))
                    .transpose()?,
                to: ComplaintStatus::parse(&r.get::<_, String>(1)?)?,
                at: r.get(2)?,
                by: r.get(3)?,
                by_name: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let unlinked_returns = match sale_id {
        Some(sale) => c
            .prepare_cached(
                "SELECT sr.id, sr.receipt_no FROM sale_return sr
                 WHERE sr.sale_id = ?1
                   AND NOT EXISTS (SELECT 1 FROM complaint_resolution r WHERE r.return_id = sr.id)
                 ORDER BY sr.at",
            )?
            .query_map([sale], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => vec![],
    };
    let taken_by_name = staff_name(c, taken_by)?;
    let callback_by_name = cb_by.map(|s| staff_name(c, s)).transpose()?;
    let next = allowed_next(row.status).to_vec();
    Ok(Complaint {
        row,
        member_id,
        sale_id,
        product_id,
        product_name,
        taken_by,
        taken_by_name,
        callback_result: cb_result,
        callback_at: cb_at,
        callback_by_name,
        closed_at,
        notes,
        resolutions,
        history,
        unlinked_returns,
        next,
    })
}

/// The complainant's whole name and phone (the API decides who may see them).
pub fn contact(c: &Connection, id: ComplaintId) -> Result<ComplaintContact> {
    c.prepare_cached(
        "SELECT coalesce(m.name, c.walk_in_name), coalesce(m.phone, c.walk_in_phone)
         FROM complaint c LEFT JOIN member m ON m.id = c.member_id WHERE c.id = ?1",
    )?
    .query_row([id], |r| {
        Ok(ComplaintContact {
            complaint_id: id,
            name: r.get(0)?,
            phone: r.get(1)?,
        })
    })
    .optional()?
    .ok_or_else(not_found)
}

/// The cashier-facing refusal of the complainant's whole name and phone.
pub fn contact_refused() -> PosError {
    PosError::new(
        ErrorCode::Forbidden,
        "投诉人的姓名和电话仅药师或店长可查看，请请药师或店长协助",
    )
    .with_details(serde_json::json!({ "what": "complaint_contact" }))
}

/// One category's line of the monthly summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ComplaintCategoryLine {
    pub category: ComplaintCategory,
    pub total: u32,
    pub verifying: u32,
    pub handling: u32,
    pub awaiting_callback: u32,
    pub closed: u32,
}

/// The manager's monthly summary: the complaints taken in `month` (by business date).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ComplaintMonthlySummary {
    /// `YYYY-MM`.
    pub month: String,
    pub lines: Vec<ComplaintCategoryLine>,
    pub total: ComplaintTotals,
    /// Average days from intake to close of the month's closed complaints, to 0.1 day; None
    /// when none is closed.
    pub average_days_to_close: Option<f64>,
    /// The month's complaints with a call-back date and no result yet.
    pub open_callbacks: u32,
    /// Of those, the ones whose call-back date has passed.
    pub overdue_callbacks: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ComplaintTotals {
    pub total: u32,
    pub verifying: u32,
    pub handling: u32,
    pub awaiting_callback: u32,
    pub closed: u32,
}

/// `YYYY-MM` → its first day.
pub fn parse_month(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").map_err(|_| {
        PosError::invalid_field("month", format!("月份“{s}”格式不对，应为 2026-12 这样"))
    })
}

/// The summary of the complaints taken in the month of `first` (business dates).
pub fn summary(
    c: &Connection,
    first: NaiveDate,
    today: NaiveDate,
) -> Result<ComplaintMonthlySummary> {
    let last = coupon::last_day_of_month(first);
    let mut st = c.prepare_cached(
        "SELECT category, status, taken_at, closed_at, callback_on, callback_result
         FROM complaint WHERE business_date >= ?1 AND business_date <= ?2",
    )?;
    let rows = st
        .query_map((first.to_string(), last.to_string()), |r| {
            Ok((
                ComplaintCategory::parse(&r.get::<_, String>(0)?)?,
                ComplaintStatus::parse(&r.get::<_, String>(1)?)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut lines: Vec<ComplaintCategoryLine> = ComplaintCategory::ALL
        .iter()
        .map(|&category| ComplaintCategoryLine {
            category,
            total: 0,
            verifying: 0,
            handling: 0,
            awaiting_callback: 0,
            closed: 0,
        })
        .collect();
    let mut close_ms: Vec<i64> = vec![];
    let (mut open_callbacks, mut overdue_callbacks) = (0, 0);
    let parse = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc));
    for (category, status, taken, closed, cb_on, cb_result) in &rows {
        let line = lines
            .iter_mut()
            .find(|l| l.category == *category)
            .ok_or_else(|| PosError::storage("未知的投诉类别"))?;
        line.total += 1;
        *match status {
            ComplaintStatus::Verifying => &mut line.verifying,
            ComplaintStatus::Handling => &mut line.handling,
            ComplaintStatus::AwaitingCallback => &mut line.awaiting_callback,
            ComplaintStatus::Closed => &mut line.closed,
        } += 1;
        if let (Some(closed), Ok(taken)) = (closed, parse(taken)) {
            if let Ok(closed) = parse(closed) {
                close_ms.push((closed - taken).num_milliseconds());
            }
        }
        if let (Some(on), None) = (cb_on, cb_result) {
            open_callbacks += 1;
            if on.as_str() < today.to_string().as_str() {
                overdue_callbacks += 1;
            }
        }
    }
    let sum = |f: fn(&ComplaintCategoryLine) -> u32| lines.iter().map(f).sum::<u32>();
    let total = ComplaintTotals {
        total: sum(|l| l.total),
        verifying: sum(|l| l.verifying),
        handling: sum(|l| l.handling),
        awaiting_callback: sum(|l| l.awaiting_callback),
        closed: sum(|l| l.closed),
    };
    let average_days_to_close = (!close_ms.is_empty()).then(|| {
        let avg_ms = close_ms.iter().sum::<i64>() as f64 / close_ms.len() as f64;
        (avg_ms / 86_400_000.0 * 10.0).round() / 10.0
    });
    Ok(ComplaintMonthlySummary {
        month: format!("{:04}-{:02}", first.year(), first.month()),
        lines,
        total,
        average_days_to_close,
        open_callbacks,
        overdue_callbacks,
    })
}

/// The summary as CSV (UTF-8 with a BOM, so Excel opens the Chinese right).
pub fn summary_csv(s: &ComplaintMonthlySummary) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let fail = |e: csv::Error| PosError::storage(e);
    w.write_record([
        "月份",
        "类别",
        "合计",
        "待核实",
        "处理中",
        "待回访",
        "已关闭",
    ])
    .map_err(fail)?;
    for l in &s.lines {
        w.write_record([
            s.month.clone(),
            l.category.label().to_owned(),
            l.total.to_string(),
            l.verifying.to_string(),
            l.handling.to_string(),
            l.awaiting_callback.to_string(),
            l.closed.to_string(),
        ])
        .map_err(fail)?;
    }
    let t = &s.total;
    w.write_record([
        s.month.clone(),
        "合计".to_owned(),
        t.total.to_string(),
        t.verifying.to_string(),
        t.handling.to_string(),
        t.awaiting_callback.to_string(),
        t.closed.to_string(),
    ])
    .map_err(fail)?;
    w.write_record([""; 7]).map_err(fail)?;
    w.write_record([
        "平均结案天数".to_owned(),
        s.average_days_to_close
            .map(|d| format!("{d:.1}"))
            .unwrap_or_else(|| "—".to_owned()),
    ])
    .map_err(fail)?;
    w.write_record([
        "待回访（未记录结果）".to_owned(),
        s.open_callbacks.to_string(),
    ])
    .map_err(fail)?;
    w.write_record(["其中已逾期".to_owned(), s.overdue_callbacks.to_string()])
        .map_err(fail)?;
    w.into_inner().map_err(|e| PosError::storage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_but_for_the_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("李"), "李*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn the_process_only_moves_forward_or_back_from_the_call_back() {
        assert_eq!(
            allowed_next(ComplaintStatus::Verifying),
            &[ComplaintStatus::Handling]
        );
        assert!(!allowed_next(ComplaintStatus::Verifying).contains(&ComplaintStatus::Closed));
        assert!(allowed_next(ComplaintStatus::Closed).is_empty());
        assert!(
            allowed_next(ComplaintStatus::AwaitingCallback).contains(&ComplaintStatus::Handling)
        );
    }
}
