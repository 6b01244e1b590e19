//! The committed sale. Payment turns an open cart into an immutable sale in ONE transaction:
//! the sale, its lines with their allocated final nets, the payments, the coupon use, the points
//! redeemed and earned, the member's spend (and tier), the ephedrine register, the prescription
//! and allergy acknowledgements, and the outbox event for headquarters. Either all of it is on
//! disk or none of it is (SQLite WAL, synchronous=FULL). The sale id is the cart id, minted when
//! the cart opened, so a double-clicked Pay or a retried request records exactly one sale: the
//! second attempt finds the cart paid and is refused with `ALREADY_PAID`.

pub mod generate;
pub mod journal;
pub mod receipt;
pub mod returns;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cart::{self, CartStatus};
use crate::clock::stamp;
use crate::db::{till_identity, Tx};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{EventId, LineId, MemberId, SaleId, StaffId};
use crate::member::{coupon, points, tier};
use crate::money::Money;
use crate::pricing::{self, CouponOutcome, Discounts, LineRule, Tender, TenderKind};
use crate::rules::{self, Tier};
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SaleLine {
    pub id: LineId,
    pub product_id: crate::ids::ProductId,
    pub barcode: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    /// 生产厂家, as the product had it when the sale was paid (the catalog's for older sales).
    pub manufacturer: Option<String>,
    pub batch_no: Option<String>,
    pub batch_expires_on: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
    pub list_amount: Money,
    pub rule: LineRule,
    /// The tier or member-day rate of the line ("1" when none).
    #[ts(type = "string")]
    pub rate: rust_decimal::Decimal,
    pub net: Money,
    pub coupon_share: Money,
    pub points_share: Money,
    pub small_change_share: Money,
    pub final_net: Money,
    pub rx: bool,
    pub ephedrine: bool,
    pub insurance: bool,
    pub points_eligible: bool,
    pub guidance: Option<String>,
    /// Quantity already returned.
    pub returned_quantity: u32,
    /// Packs of this line whose 药品追溯码 is still out (sold and not brought back): a partial
    /// return of the line scans one code per pack brought back, up to this many.
    #[serde(default)]
    pub trace_codes_out: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SaleMember {
    pub id: MemberId,
    pub card_no: String,
    pub name: String,
    pub phone_masked: String,
    /// The tier the sale was priced at.
    pub tier: Tier,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Sale {
    pub id: SaleId,
    pub receipt_no: String,
    pub business_date: String,
    pub at: String,
    pub cashier_id: StaffId,
    pub cashier_name: Option<String>,
    pub member: Option<SaleMember>,
    pub lines: Vec<SaleLine>,
    pub payments: Vec<Tender>,
    pub subtotal: Money,
    pub discounts: Discounts,
    pub payable: Money,
    pub tendered: Money,
    pub change: Money,
    pub insurance: Money,
    #[ts(type = "number")]
    pub points_used: i64,
    #[ts(type = "number")]
    pub points_earned: i64,
    /// The member's points balance right after this sale (what its receipt prints).
    #[ts(type = "number | null")]
    pub points_balance: Option<i64>,
    pub rx_reviewed_by: Option<StaffId>,
    pub rx_reviewed_by_name: Option<String>,
    /// Returns made against this sale, by receipt number.
    pub returns: Vec<String>,
    /// The coupon used, as the cart showed it (`满 50 减 10`, `9 折券（限 感冒类）`).
    #[serde(default)]
    pub coupon_description: Option<String>,
    /// Why the member earned more points than the base (rule 9): `会员日 2 倍积分`,
    /// `加倍积分商品 维生素C片 3 倍`. Empty when nothing was multiplied.
    #[serde(default)]
    pub points_notes: Vec<String>,
}

/// One line of a sale, as `pay` writes it and a rebuilt till writes it back (28 parameters).
pub(crate) const INSERT_SALE_LINE: &str = "INSERT INTO sale_line (id, sale_id, position, product_id, barcode, name, spec, unit, batch_no,
                                batch_expires_on, unit_price_fen, quantity, list_fen, rule, rate, net_fen,
                                coupon_share_fen, points_share_fen, small_change_share_fen, final_net_fen,
                                rx, ephedrine, insurance, points_eligible, override_by, override_reason,
                                guidance, manufacturer)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)";

/// Receipt numbers are all digits: business date (8) + till number (2) + the day's sequence
/// (4), e.g. `20261123010007`, so a keyboard-wedge scanner types them like any barcode.
pub fn next_receipt_no(tx: &Tx<'_>, today: NaiveDate) -> Result<String> {
    let till_no: i64 = tx.query_row("SELECT till_no FROM till", [], |r| r.get(0))?;
    let d = today.format("%Y%m%d").to_string();
    let seq: i64 = tx.query_row(
        "INSERT INTO receipt_counter (business_date, last_seq) VALUES (?1, 1)
         ON CONFLICT (business_date) DO UPDATE SET last_seq = last_seq + 1
         RETURNING last_seq",
        [&d],
        |r| r.get(0),
    )?;
    Ok(format!("{d}{:02}{seq:04}", till_no % 100))
}

/// Whether `s` looks like a receipt number (14 digits).
pub fn looks_like_receipt_no(s: &str) -> bool {
    s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Pays the open cart `id` with `tenders`: checks every gate and the tenders, then writes the
/// sale and everything that belongs to it in the caller's transaction.
pub fn pay(tx: &Tx<'_>, id: SaleId, tenders: &[Tender], by: StaffId) -> Result<Sale> {
    cart::require_open(tx, id)?;
    let today = tx.clock.today();
    let c = cart::get(tx, id, today)?;
    debug_assert_eq!(c.status, CartStatus::Open);
    if c.lines.is_empty() {
        return Err(PosError::new(
            ErrorCode::EmptyCart,
            "购物单是空的，请先扫描商品",
        ));
    }
    // Gates, in the order the cashier resolves them.
    if let Some(code) = c.gates.blocked.first() {
        return Err(gate_error(code, &c));
    }
    let t = today.to_string();
    if let Some(l) = c.lines.iter().find(|l| {
        l.batch_expires_on
            .as_deref()
            .is_some_and(|e| e < t.as_str())
    }) {
        return Err(PosError::new(
            ErrorCode::ExpiredStock,
            format!(
                "{} 的批号 {} 已过期，不能销售；请删除该行并下架",
                l.name,
                l.batch_no.clone().unwrap_or_default()
            ),
        ));
    }
    let p = &c.pricing;
    if let Some(cp) = &p.coupon {
        if cp.outcome == CouponOutcome::MinimumNotMet || cp.outcome == CouponOutcome::NoMember {
            return Err(PosError::new(
                ErrorCode::CouponNotAvailable,
                format!(
                    "所选优惠券需可折扣商品满 {}（现为 {}），请取消用券或继续加购",
                    cp.min_spend, cp.eligible_net
                ),
            ));
        }
    }
    let settlement = pricing::settle(p, tenders)?;
    // 医保 settles only when every pack of its listed lines has its 药品追溯码 (since 2025-07-01).
    if settlement.insurance.fen() > 0 {
        if let Some(e) = trace_codes_missing(&c, |l| l.insurance) {
            return Err(e);
        }
    }
    // A coupon that would take off 0.00 is not used: it stays with the member (rule 4).
    let coupon_used = p
        .coupon
        .as_ref()
        .filter(|cp| cp.outcome == CouponOutcome::Applied);
    let rules = rules::get(tx)?;
    let till = till_identity(tx)?;
    // The day of record: the business day (a day closed already passes its sales to the next).
    let business_date = crate::business_day::today(tx)?;
    let receipt_no = next_receipt_no(tx, business_date)?;
    let business_date = business_date.to_string();
    let shift = crate::shift::current_id(tx)?;
    let at = stamp(tx.clock.now());
    let tier = c.member.as_ref().map(|m| m.tier);
    let earned = pricing::points_earned(p, settlement.insurance, tier, &rules);
    let prescription = c.gates.prescription.clone();
    let rx_reviewed_by = prescription.as_ref().and_then(|p| p.approved_by);
    let d = &p.discounts;
    tx.execute(
        "INSERT INTO sale (id, receipt_no, store_id, device_id, business_date, at, cashier_id, member_id,
                           member_tier, subtotal_fen, tier_fen, member_day_fen, manual_fen, coupon_fen,
                           points_fen, small_change_fen, payable_fen, tendered_fen, change_fen,
                           insurance_fen, coupon_id, points_used, points_earned, line_count,
                           rx_reviewed_by, pricing, shift_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
        rusqlite::params![
            id,
            receipt_no,
            till.store_id,
            till.device_id,
            business_date,
            at,
            by,
            c.member.as_ref().map(|m| m.id),
            tier,
            p.subtotal.fen(),
            d.tier.fen(),
            d.member_day.fen(),
            d.manual.fen(),
            d.coupon.fen(),
            d.points.fen(),
            d.small_change.fen(),
            p.payable.fen(),
            settlement.tendered.fen(),
            settlement.change.fen(),
            settlement.insurance.fen(),
            coupon_used.map(|cp| cp.id),
            p.points_used,
            earned,
            c.lines.len() as i64,
            rx_reviewed_by,
            serde_json::to_string(p).map_err(PosError::storage)?,
            shift,
        ],
    )?;
    let mut line_st = tx.prepare_cached(INSERT_SALE_LINE)?;
    let mut maker_st = tx.prepare_cached("SELECT manufacturer FROM product WHERE id = ?1")?;
    for (i, (l, pl)) in c.lines.iter().zip(&p.lines).enumerate() {
        // The receipt names the manufacturer as it is at the time of sale.
        let manufacturer: Option<String> = maker_st
            .query_row([l.product_id], |r| r.get(0))
            .optional()?;
        debug_assert_eq!(l.id, pl.line_id);
        let override_by: Option<StaffId> = if l.override_price.is_some() {
            tx.query_row(
                "SELECT override_by FROM cart_line WHERE id = ?1",
                [l.id],
                |r| r.get(0),
            )?
        } else {
            None
        };
        line_st.execute(rusqlite::params![
            l.id,
            id,
            i as i64 + 1,
            l.product_id,
            l.barcode,
            l.name,
            l.spec,
            l.unit,
            l.batch_no,
            l.batch_expires_on,
            l.override_price.unwrap_or(l.unit_price).fen(),
            l.quantity,
            pl.list_amount.fen(),
            serde_json::to_value(pl.rule)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            pl.rate.to_string(),
            pl.net.fen(),
            pl.coupon_share.fen(),
            pl.points_share.fen(),
            pl.small_change_share.fen(),
            pl.final_net.fen(),
            l.rx,
            l.ephedrine,
            l.insurance,
            l.points,
            override_by,
            l.override_reason,
            l.guidance,
            manufacturer,
        ])?;
    }
    for (i, t) in settlement.tenders.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO sale_payment (sale_id, position, kind, amount_fen, settlement_no, reference)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute((
            id,
            i as i64 + 1,
            t.kind.as_str(),
            t.amount.fen(),
            &t.settlement_no,
            &t.reference,
        ))?;
    }
    crate::trace::record_sale(tx, id, &business_date)?;
    if let Some(m) = &c.member {
        if let Some(cp) = coupon_used {
            coupon::redeem(tx, cp.id, m.id, id, by)?;
        }
        if p.points_used > 0 {
            points::redeem(tx, m.id, p.points_used, Some(id), by)?;
        }
        if earned > 0 {
            points::earn(tx, m.id, earned, id, by)?;
        }
        // After pricing: the sale that crosses a threshold was priced at the old tier.
        tier::record_spend(tx, &id.to_string(), m.id, p.payable.fen(), "sale")?;
        // The balance the receipt prints, now and on every reprint.
        tx.execute(
            "UPDATE sale SET points_balance_after = ?2 WHERE id = ?1",
            (id, points::balance(tx, m.id)?),
        )?;
    }
    if let Some(pr) = &prescription {
        tx.execute(
            "INSERT INTO prescription (sale_id, hospital, doctor, prescribed_on, diagnosis, image_path,
                                       approved_by, approved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                id,
                pr.hospital,
                pr.doctor,
                pr.prescribed_on,
                pr.diagnosis,
                pr.image_path,
                pr.approved_by,
                pr.approved_at
            ],
        )?;
        // The patient captured with the prescription (name, sex, age) goes with it.
        crate::pharmacy::registers::record_patient(tx, id)?;
    }
    let buyer: Option<(String, String)> = tx
        .query_row(
            "SELECT buyer_name, id_number FROM cart_ephedrine_buyer WHERE cart_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((name, number)) = &buyer {
        for l in c.lines.iter().filter(|l| l.ephedrine) {
            tx.execute(
                "INSERT INTO ephedrine_register (id, sale_id, sale_line_id, buyer_name, id_number,
                     product_id, name, spec, quantity, batch_no, at, business_date, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                rusqlite::params![
                    EventId::new(tx.clock).to_string(),
                    id,
                    l.id,
                    name,
                    number,
                    l.product_id,
                    l.name,
                    l.spec,
                    l.quantity,
                    l.batch_no,
                    at,
                    business_date,
                    by,
                ],
            )?;
        }
    }
    let acks: Vec<(LineId, String, StaffId)> = tx
        .prepare("SELECT line_id, classes, pharmacist_id FROM cart_allergy_ack WHERE cart_id = ?1")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (line, classes, pharmacist) in &acks {
        tx.execute(
            "INSERT INTO allergy_ack (sale_id, sale_line_id, classes, pharmacist_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (id, line, classes, pharmacist, &at),
        )?;
    }
    tx.execute("UPDATE cart SET status = 'paid' WHERE id = ?1", [id])?;
    let sale = get(tx, id)?;
    outbox::append(
        tx,
        Payload::SaleCommitted(ev::SaleCommittedV1 {
            sale: sale_event(tx, &sale)?,
            store_id: till.store_id.0,
            device_id: till.device_id.0,
            prescription: prescription.map(|p| ev::PrescriptionV1 {
                hospital: p.hospital,
                doctor: p.doctor,
                prescribed_on: p.prescribed_on,
                diagnosis: p.diagnosis,
                approved_by: p.approved_by.map(|s| s.0),
                approved_at: p.approved_at,
            }),
            ephedrine_buyer: buyer,
            allergy_acks: acks.into_iter().map(|(l, c, p)| (l.0, c, p.0)).collect(),
        }),
    )?;
    // Guidance given on the cart goes to headquarters with the sale, after it.
    crate::pharmacy::guidance::at_commit(tx, id, c.member.as_ref().map(|m| m.id))?;
    // Rule 12: follow-up tasks and refill reminders, in this same write.
    crate::pharmacy::follow_up::schedule_sale(tx, &sale)?;
    Ok(sale)
}

/// `TRACE_CODES_REQUIRED` naming the lines of `gates.trace_pending` that `which` picks (the
/// 医保-listed ones when 医保 pays; all of them under the chain rule); `None` when none is short.
fn trace_codes_missing(
    c: &cart::Cart,
    which: impl Fn(&cart::CartLine) -> bool,
) -> Option<PosError> {
    let short: Vec<&cart::CartLine> = c
        .lines
        .iter()
        .filter(|l| c.gates.trace_pending.contains(&l.id) && which(l))
        .collect();
    if short.is_empty() {
        return None;
    }
    let names: Vec<String> = short
        .iter()
        .map(|l| {
            format!(
                "{}（{} 盒，已扫 {}）",
                l.name,
                l.quantity,
                l.trace_codes.len()
            )
        })
        .collect();
    let ids: Vec<LineId> = short.iter().map(|l| l.id).collect();
    Some(
        PosError::new(
            ErrorCode::TraceCodesRequired,
            format!("收款前须逐盒扫描药品追溯码：{}", names.join("、")),
        )
        .with_details(serde_json::json!({ "lines": ids })),
    )
}

fn gate_error(code: &str, c: &cart::Cart) -> PosError {
    match code {
        "ALLERGY_ACK_REQUIRED" => {
            let names: Vec<String> = c
                .lines
                .iter()
                .filter(|l| c.gates.allergy_pending.contains(&l.id))
                .map(|l| format!("{}（{}）", l.name, l.allergy_conflict.join("、")))
                .collect();
            PosError::new(
                ErrorCode::AllergyAckRequired,
                format!(
                    "会员有过敏史，与 {} 的过敏原类别相符：须药师确认后才能收款",
                    names.join("、")
                ),
            )
            .with_details(serde_json::json!({ "lines": c.gates.allergy_pending }))
        }
        "PRESCRIPTION_REQUIRED" => PosError::new(
            ErrorCode::PrescriptionRequired,
            "本单含处方药：请登记处方（医院、医师、日期、诊断），再请药师审核",
        ),
        "RX_APPROVAL_REQUIRED" => PosError::new(
            ErrorCode::RxApprovalRequired,
            "本单含处方药：须药师用本人工号和 PIN 审核后才能收款",
        ),
        "EPHEDRINE_LIMIT" => PosError::new(
            ErrorCode::EphedrineLimit,
            format!(
                "含麻黄碱类复方制剂每次最多销售 {} 个最小包装（本单 {} 个），请减少数量",
                cart::EPHEDRINE_LIMIT,
                c.gates.ephedrine_quantity
            ),
        ),
        "TRACE_CODES_REQUIRED" => trace_codes_missing(c, |_| true).unwrap_or_else(|| {
            PosError::new(ErrorCode::TraceCodesRequired, "收款前须逐盒扫描药品追溯码")
        }),
        _ => PosError::new(
            ErrorCode::EphedrineBuyerRequired,
            "本单含麻黄碱类复方制剂：须登记购买人姓名和身份证号",
        ),
    }
}

fn sale_not_found() -> PosError {
    PosError::new(ErrorCode::SaleNotFound, "找不到这笔销售，请核对小票号")
}

/// A committed sale, with what has been returned of it.
pub fn get(c: &Connection, id: SaleId) -> Result<Sale> {
    let mut sale = c
        .query_row(
            "SELECT s.receipt_no, s.business_date, s.at, s.cashier_id, st.name, s.member_id, s.member_tier,
                    m.card_no, m.name, m.phone, s.subtotal_fen, s.tier_fen, s.member_day_fen,
                    s.manual_fen, s.coupon_fen, s.points_fen, s.small_change_fen, s.payable_fen,
                    s.tendered_fen, s.change_fen, s.insurance_fen, s.points_used, s.points_earned,
                    s.rx_reviewed_by, rv.name, s.points_balance_after
             FROM sale s LEFT JOIN staff st ON st.id = s.cashier_id
             LEFT JOIN member m ON m.id = s.member_id
             LEFT JOIN staff rv ON rv.id = s.rx_reviewed_by
             WHERE s.id = ?1",
            [id],
            |r| {
                let member = match r.get::<_, Option<MemberId>>(5)? {
                    Some(mid) => Some(SaleMember {
                        id: mid,
                        tier: r.get::<_, Option<Tier>>(6)?.unwrap_or(Tier::Normal),
                        card_no: r.get(7)?,
                        name: r.get(8)?,
                        phone_masked: crate::member::phone::mask(&r.get::<_, String>(9)?),
                    }),
                    None => None,
                };
                let f = |i: usize| -> rusqlite::Result<Money> { Ok(Money::from_fen(r.get(i)?)) };
                Ok(Sale {
                    id,
                    receipt_no: r.get(0)?,
                    business_date: r.get(1)?,
                    at: r.get(2)?,
                    cashier_id: r.get(3)?,
                    cashier_name: r.get(4)?,
                    member,
                    lines: vec![],
                    payments: vec![],
                    subtotal: f(10)?,
                    discounts: Discounts {
                        tier: f(11)?,
                        member_day: f(12)?,
                        manual: f(13)?,
                        coupon: f(14)?,
                        points: f(15)?,
                        small_change: f(16)?,
                    },
                    payable: f(17)?,
                    tendered: f(18)?,
                    change: f(19)?,
                    insurance: f(20)?,
                    points_used: r.get(21)?,
                    points_earned: r.get(22)?,
                    points_balance: r.get(25)?,
                    rx_reviewed_by: r.get(23)?,
                    rx_reviewed_by_name: r.get(24)?,
                    returns: vec![],
                    coupon_description: None,
                    points_notes: vec![],
                })
            },
        )
        .optional()?
        .ok_or_else(sale_not_found)?;
    let mut st = c.prepare_cached(
        "SELECT l.id, l.product_id, l.barcode, l.name, l.spec, l.unit, l.batch_no, l.batch_expires_on,
                l.unit_price_fen, l.quantity, l.list_fen, l.rule, l.net_fen, l.coupon_share_fen,
                l.points_share_fen, l.small_change_share_fen, l.final_net_fen, l.rx, l.ephedrine,
                l.insurance, l.guidance,
                (SELECT coalesce(sum(r.quantity), 0) FROM return_line r WHERE r.sale_line_id = l.id),
                l.points_eligible, l.rate,
                coalesce(l.manufacturer, (SELECT p.manufacturer FROM product p WHERE p.id = l.product_id)),
                (SELECT count(*) FROM sale_trace_code t
                  WHERE t.sale_id = l.sale_id AND t.sale_line_id = l.id AND t.return_id IS NULL)
         FROM sale_line l WHERE l.sale_id = ?1 ORDER BY l.position",
    )?;
    sale.lines = st
        .query_map([id], |r| {
            let f = |i: usize| -> rusqlite::Result<Money> { Ok(Money::from_fen(r.get(i)?)) };
            let rule: String = r.get(11)?;
            Ok(SaleLine {
                id: r.get(0)?,
                product_id: r.get(1)?,
                barcode: r.get(2)?,
                name: r.get(3)?,
                spec: r.get(4)?,
                unit: r.get(5)?,
                manufacturer: r.get(24)?,
                batch_no: r.get(6)?,
                batch_expires_on: r.get(7)?,
                unit_price: f(8)?,
                quantity: r.get(9)?,
                list_amount: f(10)?,
                rule: serde_json::from_value(serde_json::Value::String(rule))
                    .unwrap_or(LineRule::NonMember),
                rate: r
                    .get::<_, String>(23)?
                    .parse()
                    .unwrap_or(rust_decimal::Decimal::ONE),
                net: f(12)?,
                coupon_share: f(13)?,
                points_share: f(14)?,
                small_change_share: f(15)?,
                final_net: f(16)?,
                rx: r.get(17)?,
                ephedrine: r.get(18)?,
                insurance: r.get(19)?,
                guidance: r.get(20)?,
                returned_quantity: r.get(21)?,
                points_eligible: r.get(22)?,
                trace_codes_out: r.get(25)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // The coupon's description and the points multipliers are read from the pricing the sale
    // stored (sales paid before they existed have none).
    let pricing: String =
        c.query_row("SELECT pricing FROM sale WHERE id = ?1", [id], |r| r.get(0))?;
    let pricing: serde_json::Value = serde_json::from_str(&pricing).unwrap_or_default();
    if sale.discounts.coupon.fen() > 0 {
        sale.coupon_description = pricing["coupon"]["description"]
            .as_str()
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
    }
    if sale.member.is_some() {
        let bonus: Vec<(String, rust_decimal::Decimal)> = sale
            .lines
            .iter()
            .zip(line_points_multipliers(&pricing, sale.lines.len()))
            .filter(|(l, _)| l.points_eligible)
            .map(|(l, m)| (l.name.clone(), m))
            .collect();
        sale.points_notes =
            pricing::points_notes(stored_multiplier(&pricing["points_day_multiplier"]), &bonus);
    }
    // Guidance recorded after payment (or corrected) is read over what payment wrote on the line.
    for (line, text) in crate::pharmacy::guidance::sale_texts(c, id)? {
        if let Some(l) = sale.lines.iter_mut().find(|l| l.id == line) {
            l.guidance = Some(text);
        }
    }
    let mut st = c.prepare_cached(
        "SELECT kind, amount_fen, settlement_no, reference FROM sale_payment WHERE sale_id = ?1 ORDER BY position",
    )?;
    sale.payments = st
        .query_map([id], |r| {
            Ok(Tender {
                kind: TenderKind::parse(&r.get::<_, String>(0)?).unwrap_or(TenderKind::Cash),
                amount: Money::from_fen(r.get(1)?),
                settlement_no: r.get(2)?,
                reference: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    sale.returns = c
        .prepare_cached("SELECT receipt_no FROM sale_return WHERE sale_id = ?1 ORDER BY at")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(sale)
}

/// The sale with this receipt number.
/// A multiplier as the sale's stored pricing holds it (a decimal string); 1 when absent (sales
/// paid before points multipliers existed).
fn stored_multiplier(v: &serde_json::Value) -> rust_decimal::Decimal {
    v.as_str()
        .and_then(|m| m.parse::<rust_decimal::Decimal>().ok())
        .unwrap_or(rust_decimal::Decimal::ONE)
}

/// Each line's bonus-points multiplier (rule 9) from the sale's stored pricing, in line order;
/// `n` values, 1 where the pricing has none.
fn line_points_multipliers(pricing: &serde_json::Value, n: usize) -> Vec<rust_decimal::Decimal> {
    let lines = pricing["lines"].as_array();
    (0..n)
        .map(|i| {
            lines
                .and_then(|ls| ls.get(i))
                .map_or(rust_decimal::Decimal::ONE, |p| {
                    stored_multiplier(&p["points_multiplier"])
                })
        })
        .collect()
}

/// The bonus-points multiplier each line of sale `id` earned with, in hundredths (2.00 → 200),
/// by line id: what a partial return weighs its lines' points by.
pub(crate) fn points_weights(c: &Connection, s: &Sale) -> Result<Vec<(LineId, i64)>> {
    let pricing: String = c.query_row("SELECT pricing FROM sale WHERE id = ?1", [s.id], |r| {
        r.get(0)
    })?;
    let pricing: serde_json::Value = serde_json::from_str(&pricing).unwrap_or_default();
    Ok(s.lines
        .iter()
        .zip(line_points_multipliers(&pricing, s.lines.len()))
        .map(|(l, m)| {
            let hundredths = (m * rust_decimal::Decimal::ONE_HUNDRED).trunc();
            (l.id, i64::try_from(hundredths).unwrap_or(100))
        })
        .collect())
}

pub fn by_receipt_no(c: &Connection, receipt_no: &str) -> Result<SaleId> {
    let no: String = receipt_no
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if let Some(id) = c
        .prepare_cached("SELECT id FROM sale WHERE receipt_no = ?1")?
        .query_row([&no], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    let is_return: Option<i64> = c
        .prepare_cached("SELECT 1 FROM sale_return WHERE receipt_no = ?1")?
        .query_row([&no], |r| r.get(0))
        .optional()?;
    if is_return.is_some() {
        return Err(PosError::new(
            ErrorCode::ReturnOfReturn,
            format!("{no} 是退货单，不能再退；请扫描原销售小票"),
        ));
    }
    if !looks_like_receipt_no(&no) {
        return Err(PosError::new(
            ErrorCode::SaleNotFound,
            format!("“{receipt_no}”不是小票号：小票号为 14 位数字，印在小票条码下方"),
        ));
    }
    Err(sale_not_found())
}

/// The sale as headquarters reads it (`sale.committed@1`), not the screen's type: everything a
/// rebuilt till needs to have the sale back as it was.
fn sale_event(tx: &Tx<'_>, s: &Sale) -> Result<ev::SaleV1> {
    let (coupon_id, pricing, balance_after): (Option<String>, String, Option<i64>) = tx.query_row(
        "SELECT coupon_id, pricing, points_balance_after FROM sale WHERE id = ?1",
        [s.id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut extra = tx
        .prepare_cached("SELECT rate, override_by, override_reason FROM sale_line WHERE id = ?1")?;
    let mut lines = Vec::with_capacity(s.lines.len());
    for l in &s.lines {
        let (rate, override_by, override_reason): (String, Option<String>, Option<String>) =
            extra.query_row([l.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        lines.push(ev::SaleLineV1 {
            id: l.id.0,
            product_id: l.product_id.0,
            barcode: l.barcode.clone(),
            name: l.name.clone(),
            spec: l.spec.clone(),
            unit: l.unit.clone(),
            manufacturer: l.manufacturer.clone(),
            batch_no: l.batch_no.clone(),
            batch_expires_on: l.batch_expires_on.clone(),
            unit_price: l.unit_price.decimal(),
            quantity: l.quantity,
            list_amount: Some(l.list_amount.decimal()),
            rate: Some(rate),
            override_by: override_by.and_then(|s| uuid::Uuid::parse_str(&s).ok()),
            override_reason,
            rule: crate::sync::tag(&l.rule),
            net: l.net.decimal(),
            coupon_share: l.coupon_share.decimal(),
            points_share: l.points_share.decimal(),
            small_change_share: l.small_change_share.decimal(),
            final_net: l.final_net.decimal(),
            rx: l.rx,
            ephedrine: l.ephedrine,
            insurance: l.insurance,
            points_eligible: l.points_eligible,
            guidance: l.guidance.clone(),
            trace_codes: crate::trace::sale_line_codes(tx, l.id)?
                .into_iter()
                .map(|t| ev::TraceCodeV1 {
                    code: t.code,
                    kind: t.kind.as_str().to_owned(),
                    gtin: t.gtin,
                    batch_no: t.batch_no,
                    expires_on: t.expires_on,
                    serial: t.serial,
                })
                .collect(),
        });
    }
    Ok(ev::SaleV1 {
        id: s.id.0,
        receipt_no: s.receipt_no.clone(),
        business_date: s.business_date.clone(),
        at: s.at.clone(),
        cashier_id: s.cashier_id.0,
        member: s.member.as_ref().map(|m| ev::SaleMemberV1 {
            id: m.id.0,
            card_no: m.card_no.clone(),
            tier: crate::sync::tag(&m.tier),
        }),
        lines,
        payments: s
            .payments
            .iter()
            .map(|t| ev::TenderV1 {
                kind: t.kind.as_str().to_string(),
                amount: t.amount.decimal(),
                settlement_no: t.settlement_no.clone(),
                reference: t.reference.clone(),
            })
            .collect(),
        subtotal: s.subtotal.decimal(),
        discounts: ev::DiscountsV1 {
            tier: s.discounts.tier.decimal(),
            member_day: s.discounts.member_day.decimal(),
            manual: s.discounts.manual.decimal(),
            coupon: s.discounts.coupon.decimal(),
            points: s.discounts.points.decimal(),
            small_change: s.discounts.small_change.decimal(),
        },
        payable: s.payable.decimal(),
        tendered: s.tendered.decimal(),
        change: s.change.decimal(),
        insurance: s.insurance.decimal(),
        points_used: s.points_used,
        points_earned: s.points_earned,
        rx_reviewed_by: s.rx_reviewed_by.map(|r| r.0),
        coupon_id: coupon_id.and_then(|c| uuid::Uuid::parse_str(&c).ok()),
        points_balance_after: balance_after,
        pricing: Some(pricing),
    })
}
