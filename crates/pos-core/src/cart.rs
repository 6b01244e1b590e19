//! The sale being built at the till (the cart). Its id is minted when it opens and becomes the
//! sale id at payment, so a retried or double-clicked request can never make two sales. The cart
//! lives in the store file, so a crash or restart loses nothing the cashier scanned.
//!
//! Everything a cashier does before payment happens here: lines (with the batch that expires
//! first), the member, the coupon, the points to redeem, a manager's price override, holding and
//! recalling (挂单), and the pharmacy gates' records (prescription and approval, the ephedrine
//! buyer, allergy acknowledgements). `get` prices the cart with the pricing engine every time, so
//! the screen always shows what payment would charge.

use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{self, Product};
use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::id_card;
use crate::ids::{CouponId, LineId, MemberId, ProductId, SaleId, StaffId};
use crate::member::{self, coupon, health, points, MemberSummary};
use crate::money::Money;
use crate::pricing::{self, PriceLine, Pricing, PricingInput};
use crate::rules;
use crate::trace;

/// The largest quantity of one line; anything above is almost certainly a mis-scan.
pub const MAX_QUANTITY: u32 = 999;
/// At most this many packages of ephedrine-containing preparations in one sale (all lines).
pub const EPHEDRINE_LIMIT: u32 = 2;
/// Purchases by the same ID number within this many days are flagged as repeated buying.
pub const EPHEDRINE_REPEAT_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CartLine {
    pub id: LineId,
    pub product_id: ProductId,
    pub barcode: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    /// The catalog price when the line was added.
    pub unit_price: Money,
    pub quantity: u32,
    /// unit price × quantity, before any member pricing
    pub amount: Money,
    pub rx: bool,
    pub ephedrine: bool,
    pub insurance: bool,
    pub member_discount: bool,
    pub points: bool,
    pub allergen_classes: Vec<String>,
    /// 批号 and its last day (FEFO: the batch that expires first among the unexpired).
    pub batch_no: Option<String>,
    pub batch_expires_on: Option<String>,
    /// A manager's unit price, with who and why.
    pub override_price: Option<Money>,
    pub override_reason: Option<String>,
    /// 用药指导 recorded by the pharmacist for this sale (printed on the receipt).
    pub guidance: Option<String>,
    /// The product's default guidance from the catalog, for the pharmacist to start from.
    pub default_guidance: String,
    /// Allergen classes of this product that match the member's recorded allergies.
    pub allergy_conflict: Vec<String>,
    pub allergy_acknowledged: bool,
    /// 药品追溯码 scanned for this line, one per pack, in scan order.
    pub trace_codes: Vec<String>,
    /// Every pack of this line needs its code before payment: always when the chain collects
    /// codes on all lines, and for a 医保-listed line when 医保 pays.
    pub trace_required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum CartStatus {
    Open,
    /// 挂单: put aside, to be recalled.
    Held,
    Paid,
    Voided,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PrescriptionView {
    pub hospital: String,
    pub doctor: String,
    pub prescribed_on: String,
    pub diagnosis: String,
    pub image_path: Option<String>,
    pub approved_by: Option<StaffId>,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EphedrineBuyer {
    pub buyer_name: String,
    /// 110105********002X
    pub id_masked: String,
    /// Purchases (sales) by the same ID number in the last 30 days, at this store and, once
    /// synced, anywhere in the chain (repeated buying is flagged).
    pub recent_purchases: u32,
}

/// What stands between this cart and payment; payment is refused until `blocked` is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Gates {
    pub rx_required: bool,
    pub prescription: Option<PrescriptionView>,
    /// Every Rx line is covered by a pharmacist's approval.
    pub rx_approved: bool,
    /// Σ quantities of ephedrine-containing lines.
    pub ephedrine_quantity: u32,
    pub ephedrine_buyer: Option<EphedrineBuyer>,
    /// Lines whose allergen classes match the member's allergies and are not yet acknowledged.
    pub allergy_pending: Vec<LineId>,
    /// Lines that need a 药品追溯码 per pack and have fewer codes than packs.
    pub trace_pending: Vec<LineId>,
    /// Stable codes of what still blocks payment, in the order to resolve them.
    pub blocked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Cart {
    pub id: SaleId,
    pub status: CartStatus,
    pub opened_at: String,
    pub held_at: Option<String>,
    pub lines: Vec<CartLine>,
    /// Σ quantities
    pub item_count: u32,
    /// Σ line amounts at catalog price
    pub total: Money,
    /// The member the sale is for, attached at any time before payment.
    pub member: Option<MemberSummary>,
    pub coupon_id: Option<CouponId>,
    #[ts(type = "number")]
    pub points_asked: i64,
    /// What payment would charge now, line by line, with the rule behind each price.
    pub pricing: Pricing,
    pub gates: Gates,
}

/// A held cart in the recall list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HeldCart {
    pub id: SaleId,
    pub held_at: String,
    pub opened_by_name: Option<String>,
    pub member_name: Option<String>,
    pub item_count: u32,
    pub total: Money,
}

/// Checks a quantity typed or sent by the UI: a whole number of packages in 1..=999.
pub fn check_quantity(q: i64) -> Result<u32> {
    if q < 1 {
        return Err(PosError::new(ErrorCode::InvalidQuantity, "数量须至少为 1"));
    }
    if q > i64::from(MAX_QUANTITY) {
        return Err(PosError::new(
            ErrorCode::InvalidQuantity,
            format!("数量 {q} 过大：单行最多 {MAX_QUANTITY}，请核对"),
        ));
    }
    Ok(q as u32)
}

/// This staff member's open cart, or a new one.
pub fn open(tx: &Tx<'_>, staff: StaffId) -> Result<Cart> {
    let id = match current(tx, staff)? {
        Some(id) => id,
        None => {
            let id = SaleId::new(tx.clock);
            tx.execute(
                "INSERT INTO cart (id, opened_at, opened_by, status) VALUES (?1, ?2, ?3, 'open')",
                (id, stamp(tx.clock.now()), staff),
            )?;
            id
        }
    };
    get(tx, id, tx.clock.today())
}

fn current(c: &Connection, staff: StaffId) -> Result<Option<SaleId>> {
    Ok(c
        .query_row(
            "SELECT id FROM cart WHERE status = 'open' AND opened_by = ?1 ORDER BY opened_at DESC LIMIT 1",
            [staff],
            |r| r.get(0),
        )
        .optional()?)
}

struct Header {
    status: String,
    opened_at: String,
    held_at: Option<String>,
    member_id: Option<MemberId>,
    coupon_id: Option<CouponId>,
    points_asked: i64,
}

fn header(c: &Connection, id: SaleId) -> Result<Header> {
    c.prepare_cached(
        "SELECT status, opened_at, held_at, member_id, coupon_id, points_asked FROM cart WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Header {
            status: r.get(0)?,
            opened_at: r.get(1)?,
            held_at: r.get(2)?,
            member_id: r.get(3)?,
            coupon_id: r.get(4)?,
            points_asked: r.get(5)?,
        })
    })
    .optional()?
    .ok_or_else(cart_not_found)
}

/// The cart with its member, pricing and gates as of `today`.
pub fn get(c: &Connection, id: SaleId, today: NaiveDate) -> Result<Cart> {
    let h = header(c, id)?;
    let member = match h.member_id {
        Some(m) => Some(member::summary(c, m, today)?),
        None => None,
    };
    let allergies: Vec<String> = match h.member_id {
        Some(m) => health::allergen_classes(c, m)?,
        None => vec![],
    };
    let acked: Vec<LineId> = c
        .prepare_cached("SELECT line_id FROM cart_allergy_ack WHERE cart_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached(
        "SELECT l.id, l.product_id, p.barcode, p.name, p.spec, p.unit, l.unit_price_fen, l.quantity,
                p.rx, p.ephedrine, p.insurance, p.member_discount, p.points, p.allergen_classes,
                l.batch_no, l.batch_expires_on, l.override_price_fen, l.override_reason, l.guidance,
                p.guidance, p.category
         FROM cart_line l JOIN product p ON p.id = l.product_id
         WHERE l.cart_id = ?1 AND l.removed_at IS NULL ORDER BY l.position",
    )?;
    let lines = st
        .query_map([id], |r| {
            let unit_price = Money::from_fen(r.get(6)?);
            let quantity: u32 = r.get(7)?;
            let classes = catalog::split_allergens(&r.get::<_, String>(13)?);
            let line_id: LineId = r.get(0)?;
            let conflict: Vec<String> = classes
                .iter()
                .filter(|c| allergies.iter().any(|a| a == *c))
                .cloned()
                .collect();
            let line = CartLine {
                id: line_id,
                product_id: r.get(1)?,
                barcode: r.get(2)?,
                name: r.get(3)?,
                spec: r.get(4)?,
                unit: r.get(5)?,
                unit_price,
                quantity,
                amount: unit_price.times(quantity),
                rx: r.get(8)?,
                ephedrine: r.get(9)?,
                insurance: r.get(10)?,
                member_discount: r.get(11)?,
                points: r.get(12)?,
                allergen_classes: classes,
                batch_no: r.get(14)?,
                batch_expires_on: r.get(15)?,
                override_price: r.get::<_, Option<i64>>(16)?.map(Money::from_fen),
                override_reason: r.get(17)?,
                guidance: r.get(18)?,
                default_guidance: r.get(19)?,
                allergy_acknowledged: !conflict.is_empty() && acked.contains(&line_id),
                allergy_conflict: conflict,
                trace_codes: vec![],
                trace_required: false,
            };
            Ok((line, r.get::<_, String>(20)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (mut lines, categories): (Vec<CartLine>, Vec<String>) = lines.into_iter().unzip();
    let rules = rules::get(c)?;
    for (line, code) in trace::cart_codes(c, id)? {
        if let Some(l) = lines.iter_mut().find(|l| l.id == line) {
            l.trace_codes.push(code);
        }
    }
    for l in &mut lines {
        l.trace_required = trace::line_needs_code(rules.trace_codes_all_lines, l.insurance);
    }
    let coupon = match (h.coupon_id, &member) {
        (Some(cid), Some(_)) => Some(coupon::get(c, cid, today)?.terms()),
        _ => None,
    };
    let points_available = match &member {
        Some(m) => {
            let used_today = redeemed_on(c, m.id, today)?;
            m.points_balance
                .min(i64::from(rules.daily_redeem_cap_points) - used_today)
                .max(0)
        }
        None => 0,
    };
    let price_lines: Vec<PriceLine> = lines
        .iter()
        .zip(categories)
        .map(|(l, category)| PriceLine {
            line_id: l.id,
            unit_price: l.unit_price,
            quantity: l.quantity,
            member_discount: l.member_discount,
            points: l.points,
            insurance: l.insurance,
            override_price: l.override_price,
            product_id: l.product_id,
            category,
            barcode: l.barcode.clone(),
        })
        .collect();
    let pricing = pricing::price(&PricingInput {
        lines: &price_lines,
        tier: member.as_ref().map(|m| m.tier),
        coupon,
        points_asked: h.points_asked,
        points_available,
        rules: &rules,
        date: today,
    });
    let mut gates = gates(c, id, &lines, today)?;
    gates.trace_pending = lines
        .iter()
        .filter(|l| l.trace_required && (l.trace_codes.len() as u32) < l.quantity)
        .map(|l| l.id)
        .collect();
    if rules.trace_codes_all_lines && !gates.trace_pending.is_empty() {
        gates
            .blocked
            .push(ErrorCode::TraceCodesRequired.as_str().to_owned());
    }
    Ok(Cart {
        id,
        status: match h.status.as_str() {
            "open" => CartStatus::Open,
            "held" => CartStatus::Held,
            "paid" => CartStatus::Paid,
            _ => CartStatus::Voided,
        },
        opened_at: h.opened_at,
        held_at: h.held_at,
        item_count: lines.iter().map(|l| l.quantity).sum(),
        total: lines.iter().map(|l| l.amount).sum(),
        lines,
        member,
        coupon_id: h.coupon_id,
        points_asked: h.points_asked,
        pricing,
        gates,
    })
}

/// Points the member redeemed on `day` (for the offline daily cap).
fn redeemed_on(c: &Connection, member: MemberId, day: NaiveDate) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT coalesce(-sum(points), 0) FROM points_entry
             WHERE member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1)
               AND business_date = ?2 AND kind = 'redeem'",
    )?
    .query_row((member, day.to_string()), |r| r.get(0))?)
}

fn gates(c: &Connection, id: SaleId, lines: &[CartLine], today: NaiveDate) -> Result<Gates> {
    let rx_lines: Vec<LineId> = lines.iter().filter(|l| l.rx).map(|l| l.id).collect();
    let prescription: Option<(PrescriptionView, String)> = c
        .prepare_cached(
            "SELECT p.hospital, p.doctor, p.prescribed_on, p.diagnosis, p.image_path, p.approved_by,
                    s.name, p.approved_at, p.approved_lines
             FROM cart_prescription p LEFT JOIN staff s ON s.id = p.approved_by WHERE p.cart_id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                PrescriptionView {
                    hospital: r.get(0)?,
                    doctor: r.get(1)?,
                    prescribed_on: r.get(2)?,
                    diagnosis: r.get(3)?,
                    image_path: r.get(4)?,
                    approved_by: r.get(5)?,
                    approved_by_name: r.get(6)?,
                    approved_at: r.get(7)?,
                },
                r.get(8)?,
            ))
        })
        .optional()?;
    let rx_approved = match &prescription {
        Some((p, covered)) if p.approved_by.is_some() => rx_lines
            .iter()
            .all(|l| covered.split('|').any(|c| c == l.to_string())),
        _ => false,
    };
    let ephedrine_quantity: u32 = lines
        .iter()
        .filter(|l| l.ephedrine)
        .map(|l| l.quantity)
        .sum();
    let buyer: Option<(String, String)> = c
        .prepare_cached(
            "SELECT buyer_name, id_number FROM cart_ephedrine_buyer WHERE cart_id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let ephedrine_buyer = match buyer {
        Some((name, number)) => Some(EphedrineBuyer {
            recent_purchases: recent_ephedrine(c, &number, today)?,
            buyer_name: name,
            id_masked: id_card::mask(&number),
        }),
        None => None,
    };
    let allergy_pending: Vec<LineId> = lines
        .iter()
        .filter(|l| !l.allergy_conflict.is_empty() && !l.allergy_acknowledged)
        .map(|l| l.id)
        .collect();
    let mut blocked = Vec::new();
    if !allergy_pending.is_empty() {
        blocked.push(ErrorCode::AllergyAckRequired.as_str().to_owned());
    }
    if !rx_lines.is_empty() && prescription.is_none() {
        blocked.push(ErrorCode::PrescriptionRequired.as_str().to_owned());
    } else if !rx_lines.is_empty() && !rx_approved {
        blocked.push(ErrorCode::RxApprovalRequired.as_str().to_owned());
    }
    if ephedrine_quantity > EPHEDRINE_LIMIT {
        blocked.push(ErrorCode::EphedrineLimit.as_str().to_owned());
    }
    if ephedrine_quantity > 0 && ephedrine_buyer.is_none() {
        blocked.push(ErrorCode::EphedrineBuyerRequired.as_str().to_owned());
    }
    Ok(Gates {
        rx_required: !rx_lines.is_empty(),
        prescription: prescription.map(|(p, _)| p),
        rx_approved,
        ephedrine_quantity,
        ephedrine_buyer,
        allergy_pending,
        trace_pending: vec![],
        blocked,
    })
}

/// Purchases by this ID number in the last 30 days: this store's register, plus the chain's
/// purchases headquarters announced by the number's keyed digest (each sale counted once).
pub fn recent_ephedrine(c: &Connection, id_number: &str, today: NaiveDate) -> Result<u32> {
    let since = (today - Duration::days(EPHEDRINE_REPEAT_DAYS)).to_string();
    let here: u32 = c
        .prepare_cached(
            "SELECT count(DISTINCT sale_id) FROM ephedrine_register
             WHERE id_number = ?1 AND business_date >= ?2",
        )?
        .query_row((id_number, &since), |r| r.get(0))?;
    let mut elsewhere = 0u32;
    let keys: Vec<(String, String)> = c
        .prepare_cached("SELECT key_id, key_hex FROM chain_key")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (key_id, key_hex) in keys {
        let Some(key) = hex_bytes(&key_hex) else {
            continue;
        };
        let digest = pos_sync_proto::catalogue::id_digest(&key, id_number);
        elsewhere += c
            .prepare_cached(
                "SELECT count(*) FROM ephedrine_chain_purchase p
                 WHERE p.key_id = ?1 AND p.digest = ?2 AND p.business_date >= ?3
                   AND NOT EXISTS (SELECT 1 FROM ephedrine_register r WHERE r.sale_id = p.sale_id)",
            )?
            .query_row((key_id, digest, &since), |r| r.get::<_, u32>(0))?;
    }
    Ok(here + elsewhere)
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    (s.len() % 2 == 0)
        .then(|| {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
                .collect()
        })
        .flatten()
}

fn cart_not_found() -> PosError {
    PosError::new(
        ErrorCode::CartNotFound,
        "这笔销售已结束或不存在，请重新开始收银",
    )
}

/// Ok when the cart is open for changes. A paid cart answers `ALREADY_PAID` with its sale.
pub fn require_open(c: &Connection, id: SaleId) -> Result<()> {
    let status: Option<String> = c
        .prepare_cached("SELECT status FROM cart WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match status.as_deref() {
        Some("open") => Ok(()),
        Some("paid") => Err(PosError::new(
            ErrorCode::AlreadyPaid,
            "这笔销售已经收款完成，不能再修改或重复收款",
        )
        .with_details(serde_json::json!({ "sale_id": id }))),
        Some("held") => Err(PosError::new(
            ErrorCode::CartHeld,
            "这笔销售已挂单，请先取单再继续",
        )),
        _ => Err(cart_not_found()),
    }
}

fn ephedrine_quantity_in(tx: &Tx<'_>, id: SaleId, except: Option<LineId>) -> Result<u32> {
    Ok(tx.query_row(
        "SELECT coalesce(sum(l.quantity), 0) FROM cart_line l JOIN product p ON p.id = l.product_id
         WHERE l.cart_id = ?1 AND l.removed_at IS NULL AND p.ephedrine = 1 AND l.id IS NOT ?2",
        (id, except),
        |r| r.get(0),
    )?)
}

fn ephedrine_refused(total: u32) -> PosError {
    PosError::new(
        ErrorCode::EphedrineLimit,
        format!(
            "含麻黄碱类复方制剂每次最多销售 {EPHEDRINE_LIMIT} 个最小包装（本单将为 {total} 个），请减少数量"
        ),
    )
    .with_details(serde_json::json!({ "limit": EPHEDRINE_LIMIT, "quantity": total }))
}

/// The batch to sell: the one that expires first among those not expired. `None` when the
/// product has no batches on record; `EXPIRED_STOCK` when every batch on record has expired.
fn pick_batch(
    c: &Connection,
    product: &Product,
    today: NaiveDate,
) -> Result<Option<(String, String)>> {
    let mut st = c.prepare_cached(
        "SELECT batch_no, expires_on FROM product_batch WHERE product_id = ?1 ORDER BY expires_on, batch_no",
    )?;
    let batches = st
        .query_map([product.id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if batches.is_empty() {
        return Ok(None);
    }
    let t = today.to_string();
    match batches.into_iter().find(|(_, e)| *e >= t) {
        Some(b) => Ok(Some(b)),
        None => Err(PosError::new(
            ErrorCode::ExpiredStock,
            format!(
                "{} 的库存批号均已过期，不能销售；请下架并联系店长",
                product.name
            ),
        )),
    }
}

/// Adds `quantity` of a product; the same product again raises that line's quantity.
pub fn add(tx: &Tx<'_>, id: SaleId, product: &Product, quantity: u32, by: StaffId) -> Result<Cart> {
    require_open(tx, id)?;
    let today = tx.clock.today();
    let existing: Option<(LineId, u32)> = tx
        .query_row(
            "SELECT id, quantity FROM cart_line
             WHERE cart_id = ?1 AND product_id = ?2 AND removed_at IS NULL",
            (id, product.id),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if product.ephedrine {
        let total = ephedrine_quantity_in(tx, id, None)? + quantity;
        if total > EPHEDRINE_LIMIT {
            return Err(ephedrine_refused(total));
        }
    }
    let line = match existing {
        Some((line, q)) => {
            let q = check_quantity(i64::from(q) + i64::from(quantity))?;
            tx.execute(
                "UPDATE cart_line SET quantity = ?2 WHERE id = ?1",
                (line, q),
            )?;
            line
        }
        None => {
            let line = LineId::new(tx.clock);
            let batch = pick_batch(tx, product, today)?;
            let position: i64 = tx.query_row(
                "SELECT coalesce(max(position), 0) + 1 FROM cart_line WHERE cart_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO cart_line (id, cart_id, position, product_id, unit_price_fen, quantity,
                                        added_at, added_by, batch_no, batch_expires_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                rusqlite::params![
                    line,
                    id,
                    position,
                    product.id,
                    product.price.fen(),
                    quantity,
                    stamp(tx.clock.now()),
                    by,
                    batch.as_ref().map(|b| &b.0),
                    batch.as_ref().map(|b| &b.1),
                ],
            )?;
            line
        }
    };
    tx.execute(
        "UPDATE cart SET last_line_id = ?2 WHERE id = ?1",
        (id, line),
    )?;
    get(tx, id, today)
}

/// Scans a barcode into the cart. A 药品追溯码 is never read as a barcode: it goes onto its pack's
/// line (`trace::scan_into_cart`).
pub fn scan(tx: &Tx<'_>, id: SaleId, barcode: &str, quantity: u32, by: StaffId) -> Result<Cart> {
    if trace::looks_like_code(barcode) {
        trace::scan_into_cart(tx, id, barcode, by)?;
        return get(tx, id, tx.clock.today());
    }
    let product = catalog::by_barcode(tx, barcode)?;
    add(tx, id, &product, quantity, by)
}

pub fn set_quantity(tx: &Tx<'_>, id: SaleId, line: LineId, quantity: u32) -> Result<Cart> {
    require_open(tx, id)?;
    let ephedrine: Option<bool> = tx
        .query_row(
            "SELECT p.ephedrine FROM cart_line l JOIN product p ON p.id = l.product_id
             WHERE l.id = ?1 AND l.cart_id = ?2 AND l.removed_at IS NULL",
            (line, id),
            |r| r.get(0),
        )
        .optional()?;
    match ephedrine {
        None => return Err(line_not_found()),
        Some(true) => {
            let total = ephedrine_quantity_in(tx, id, Some(line))? + quantity;
            if total > EPHEDRINE_LIMIT {
                return Err(ephedrine_refused(total));
            }
        }
        Some(false) => {}
    }
    tx.execute(
        "UPDATE cart_line SET quantity = ?3 WHERE id = ?1 AND cart_id = ?2 AND removed_at IS NULL",
        (line, id, quantity),
    )?;
    trace::trim_line(tx, line, quantity)?;
    get(tx, id, tx.clock.today())
}

/// Removes a line; the row stays with who removed it and when (for the manager's review).
pub fn remove_line(tx: &Tx<'_>, id: SaleId, line: LineId, by: StaffId) -> Result<Cart> {
    require_open(tx, id)?;
    let n = tx.execute(
        "UPDATE cart_line SET removed_at = ?3, removed_by = ?4
         WHERE id = ?1 AND cart_id = ?2 AND removed_at IS NULL",
        (line, id, stamp(tx.clock.now()), by),
    )?;
    if n == 0 {
        return Err(line_not_found());
    }
    trace::trim_line(tx, line, 0)?;
    get(tx, id, tx.clock.today())
}

/// Attaches a member to the sale, or detaches with `None` (which also drops the coupon and the
/// points asked for); an anonymized member cannot be attached.
pub fn set_member(tx: &Tx<'_>, id: SaleId, member: Option<MemberId>) -> Result<Cart> {
    require_open(tx, id)?;
    if let Some(m) = member {
        member::require_active(tx, m)?;
    }
    let before: Option<MemberId> =
        tx.query_row("SELECT member_id FROM cart WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    if before != member {
        tx.execute(
            "UPDATE cart SET member_id = ?2, coupon_id = NULL, points_asked = 0 WHERE id = ?1",
            (id, member),
        )?;
        tx.execute("DELETE FROM cart_allergy_ack WHERE cart_id = ?1", [id])?;
    }
    get(tx, id, tx.clock.today())
}

/// Picks the coupon for the sale (`None` removes it). It must be the member's and usable today.
pub fn set_coupon(tx: &Tx<'_>, id: SaleId, coupon_id: Option<CouponId>) -> Result<Cart> {
    require_open(tx, id)?;
    let today = tx.clock.today();
    if let Some(cid) = coupon_id {
        let member: Option<MemberId> =
            tx.query_row("SELECT member_id FROM cart WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        let Some(member) = member else {
            return Err(PosError::new(
                ErrorCode::MemberRequired,
                "优惠券仅限会员使用，请先查找或登记会员",
            ));
        };
        coupon::check_usable(&coupon::get(tx, cid, today)?, member)?;
    }
    tx.execute(
        "UPDATE cart SET coupon_id = ?2 WHERE id = ?1",
        (id, coupon_id),
    )?;
    get(tx, id, today)
}

/// How many points the cashier wants to redeem; pricing caps it (rule 5) and shows the cap.
pub fn set_points(tx: &Tx<'_>, id: SaleId, points_asked: i64) -> Result<Cart> {
    require_open(tx, id)?;
    if !(0..=points::MAX_POINTS).contains(&points_asked) {
        return Err(PosError::new(
            ErrorCode::InvalidPoints,
            "抵扣积分须为 0 或正整数",
        ));
    }
    if points_asked > 0 {
        let member: Option<MemberId> =
            tx.query_row("SELECT member_id FROM cart WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        if member.is_none() {
            return Err(PosError::new(
                ErrorCode::MemberRequired,
                "积分抵现仅限会员，请先查找或登记会员",
            ));
        }
    }
    tx.execute(
        "UPDATE cart SET points_asked = ?2 WHERE id = ?1",
        (id, points_asked),
    )?;
    get(tx, id, tx.clock.today())
}

/// A manager's unit price for a line (authorised by the caller with the manager's staff number
/// and PIN); the line then gets no member pricing. `None` restores the catalog price.
pub fn override_price(
    tx: &Tx<'_>,
    id: SaleId,
    line: LineId,
    price: Option<Money>,
    reason: &str,
    manager: StaffId,
) -> Result<Cart> {
    require_open(tx, id)?;
    let reason = match price {
        Some(_) => crate::text::reason(reason, "改价须写明原因")?,
        None => "",
    };
    let n = tx.execute(
        "UPDATE cart_line SET override_price_fen = ?3, override_by = ?4, override_reason = ?5, override_at = ?6
         WHERE id = ?1 AND cart_id = ?2 AND removed_at IS NULL",
        rusqlite::params![
            line,
            id,
            price.map(Money::fen),
            price.map(|_| manager),
            price.map(|_| reason),
            price.map(|_| stamp(tx.clock.now())),
        ],
    )?;
    if n == 0 {
        return Err(line_not_found());
    }
    crate::audit::record(
        tx,
        Some(manager),
        "price.override",
        &id.to_string(),
        serde_json::json!({ "line": line, "price": price, "reason": reason }),
    )?;
    get(tx, id, tx.clock.today())
}

/// The pharmacist's 用药指导 for a line of this sale (printed on the receipt); empty clears it.
pub fn set_guidance(tx: &Tx<'_>, id: SaleId, line: LineId, text: &str) -> Result<Cart> {
    require_open(tx, id)?;
    let text = text.trim();
    if text.chars().count() > 200 {
        return Err(PosError::invalid_field("guidance", "用药指导最多 200 字"));
    }
    let n = tx.execute(
        "UPDATE cart_line SET guidance = ?3 WHERE id = ?1 AND cart_id = ?2 AND removed_at IS NULL",
        (line, id, if text.is_empty() { None } else { Some(text) }),
    )?;
    if n == 0 {
        return Err(line_not_found());
    }
    get(tx, id, tx.clock.today())
}

/// 挂单: puts the open cart aside; the caller's next `open` starts a new one.
pub fn hold(tx: &Tx<'_>, id: SaleId) -> Result<Cart> {
    require_open(tx, id)?;
    let lines: i64 = tx.query_row(
        "SELECT count(*) FROM cart_line WHERE cart_id = ?1 AND removed_at IS NULL",
        [id],
        |r| r.get(0),
    )?;
    if lines == 0 {
        return Err(PosError::new(
            ErrorCode::EmptyCart,
            "购物单是空的，无需挂单",
        ));
    }
    tx.execute(
        "UPDATE cart SET status = 'held', held_at = ?2 WHERE id = ?1",
        (id, stamp(tx.clock.now())),
    )?;
    get(tx, id, tx.clock.today())
}

/// Held carts at this till, oldest first.
pub fn held(c: &Connection) -> Result<Vec<HeldCart>> {
    let mut st = c.prepare(
        "SELECT c.id, c.held_at, s.name, m.name,
                (SELECT coalesce(sum(quantity), 0) FROM cart_line WHERE cart_id = c.id AND removed_at IS NULL),
                (SELECT coalesce(sum(unit_price_fen * quantity), 0) FROM cart_line WHERE cart_id = c.id AND removed_at IS NULL)
         FROM cart c LEFT JOIN staff s ON s.id = c.opened_by LEFT JOIN member m ON m.id = c.member_id
         WHERE c.status = 'held' ORDER BY c.held_at",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok(HeldCart {
                id: r.get(0)?,
                held_at: r.get(1)?,
                opened_by_name: r.get(2)?,
                member_name: r.get(3)?,
                item_count: r.get(4)?,
                total: Money::from_fen(r.get(5)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// 取单: reopens a held cart for the caller. The caller's current open cart is held first when it
/// has lines, or voided when empty, so nothing scanned is ever lost.
pub fn recall(tx: &Tx<'_>, id: SaleId, staff: StaffId) -> Result<Cart> {
    let status: Option<String> = tx
        .query_row("SELECT status FROM cart WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    if status.as_deref() != Some("held") {
        return Err(PosError::new(
            ErrorCode::CartNotFound,
            "这张挂单已被取走或不存在，请刷新挂单列表",
        ));
    }
    if let Some(mine) = current(tx, staff)? {
        let lines: i64 = tx.query_row(
            "SELECT count(*) FROM cart_line WHERE cart_id = ?1 AND removed_at IS NULL",
            [mine],
            |r| r.get(0),
        )?;
        if lines > 0 {
            hold(tx, mine)?;
        } else {
            tx.execute("UPDATE cart SET status = 'voided' WHERE id = ?1", [mine])?;
        }
    }
    tx.execute(
        "UPDATE cart SET status = 'open', held_at = NULL, opened_by = ?2 WHERE id = ?1",
        (id, staff),
    )?;
    get(tx, id, tx.clock.today())
}

/// 作废: the cashier cancels the sale being rung up (open or held), with a reason. The cart and
/// its lines stay, marked with who, when and why, and the sales journal lists it.
pub fn cancel(tx: &Tx<'_>, id: SaleId, by: StaffId, reason: &str) -> Result<()> {
    let status: Option<String> = tx
        .query_row("SELECT status FROM cart WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    match status.as_deref() {
        Some("open") | Some("held") => {}
        Some("voided") => return Err(PosError::new(ErrorCode::CartNotFound, "这笔已经作废过了")),
        Some(_) => {
            return Err(PosError::new(
                ErrorCode::CartNotFound,
                "这笔已收款，不能作废；如需退款请走退货",
            ))
        }
        None => return Err(PosError::new(ErrorCode::CartNotFound, "没有这笔购物单")),
    }
    let reason = crate::text::reason(reason, "作废须写明原因")?;
    let (lines, total): (i64, i64) = tx.query_row(
        "SELECT count(*), COALESCE(sum(unit_price_fen * quantity), 0) FROM cart_line
         WHERE cart_id = ?1 AND removed_at IS NULL",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tx.execute(
        "UPDATE cart SET status = 'voided', voided_at = ?2, voided_by = ?3, void_reason = ?4,
                         void_business_date = ?5
         WHERE id = ?1",
        rusqlite::params![
            id,
            stamp(tx.clock.now()),
            by,
            reason,
            crate::business_day::today(tx)?.to_string()
        ],
    )?;
    crate::audit::record(
        tx,
        Some(by),
        "sale.cancel",
        &id.to_string(),
        serde_json::json!({ "lines": lines, "total": Money::from_fen(total), "reason": reason }),
    )
}

/// A prescription to record for the Rx lines.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionInput {
    pub hospital: String,
    pub doctor: String,
    /// YYYY-MM-DD
    pub prescribed_on: String,
    pub diagnosis: String,
    /// A photo or scan of the prescription on this machine.
    #[serde(default)]
    #[ts(optional)]
    pub image_path: Option<String>,
}

/// Records (or replaces) the prescription; a replaced prescription needs approval again.
pub fn set_prescription(
    tx: &Tx<'_>,
    id: SaleId,
    p: PrescriptionInput,
    by: StaffId,
) -> Result<Cart> {
    require_open(tx, id)?;
    let today = tx.clock.today();
    let field = |name: &str, label: &str, v: &str, max: usize| -> Result<String> {
        let v = v.trim();
        if v.is_empty() || v.chars().count() > max {
            return Err(PosError::invalid_field(
                name,
                format!("请填写处方{label}（最多 {max} 字）"),
            ));
        }
        Ok(v.to_owned())
    };
    let hospital = field("hospital", "医院", &p.hospital, 60)?;
    let doctor = field("doctor", "医师", &p.doctor, 30)?;
    let diagnosis = field("diagnosis", "诊断", &p.diagnosis, 100)?;
    let date = NaiveDate::parse_from_str(p.prescribed_on.trim(), "%Y-%m-%d")
        .map_err(|_| PosError::invalid_field("prescribed_on", "处方日期格式应为 2026-11-23"))?;
    if date > today {
        return Err(PosError::invalid_field(
            "prescribed_on",
            "处方日期不能晚于今天",
        ));
    }
    let image = match p.image_path.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(path) => {
            if !std::path::Path::new(path).is_file() {
                return Err(PosError::invalid_field(
                    "image_path",
                    format!("找不到处方图片文件 {path}，请重新选择"),
                ));
            }
            Some(path.to_owned())
        }
    };
    tx.execute(
        "INSERT INTO cart_prescription (cart_id, hospital, doctor, prescribed_on, diagnosis, image_path,
                                        recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (cart_id) DO UPDATE SET hospital = excluded.hospital, doctor = excluded.doctor,
           prescribed_on = excluded.prescribed_on, diagnosis = excluded.diagnosis,
           image_path = excluded.image_path, recorded_by = excluded.recorded_by,
           recorded_at = excluded.recorded_at, approved_by = NULL, approved_at = NULL,
           approved_lines = ''",
        rusqlite::params![
            id,
            hospital,
            doctor,
            date.to_string(),
            diagnosis,
            image,
            by,
            stamp(tx.clock.now())
        ],
    )?;
    get(tx, id, today)
}

/// A pharmacist's approval of the Rx lines now in the cart (authorised by the caller with the
/// pharmacist's own staff number and PIN).
pub fn approve_rx(tx: &Tx<'_>, id: SaleId, pharmacist: StaffId) -> Result<Cart> {
    require_open(tx, id)?;
    let rx_lines: Vec<LineId> = tx
        .prepare(
            "SELECT l.id FROM cart_line l JOIN product p ON p.id = l.product_id
             WHERE l.cart_id = ?1 AND l.removed_at IS NULL AND p.rx = 1",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if rx_lines.is_empty() {
        return Err(PosError::new(
            ErrorCode::RxApprovalRequired,
            "本单没有处方药，无需审方",
        ));
    }
    let covered: Vec<String> = rx_lines.iter().map(LineId::to_string).collect();
    let n = tx.execute(
        "UPDATE cart_prescription SET approved_by = ?2, approved_at = ?3, approved_lines = ?4
         WHERE cart_id = ?1",
        (id, pharmacist, stamp(tx.clock.now()), covered.join("|")),
    )?;
    if n == 0 {
        return Err(PosError::new(
            ErrorCode::PrescriptionRequired,
            "请先登记处方（医院、医师、日期、诊断），再请药师审核",
        ));
    }
    get(tx, id, tx.clock.today())
}

/// Records the buyer of ephedrine-containing preparations (name and resident ID number).
pub fn set_ephedrine_buyer(
    tx: &Tx<'_>,
    id: SaleId,
    name: &str,
    id_number: &str,
    by: StaffId,
) -> Result<Cart> {
    require_open(tx, id)?;
    let today = tx.clock.today();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(PosError::invalid_field(
            "buyer_name",
            "请填写购买人姓名（最多 30 字）",
        ));
    }
    let number = id_card::parse(id_number, today)?;
    tx.execute(
        "INSERT INTO cart_ephedrine_buyer (cart_id, buyer_name, id_number, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (cart_id) DO UPDATE SET buyer_name = excluded.buyer_name,
           id_number = excluded.id_number, recorded_by = excluded.recorded_by,
           recorded_at = excluded.recorded_at",
        (id, name, &number, by, stamp(tx.clock.now())),
    )?;
    get(tx, id, today)
}

/// A pharmacist acknowledges the allergy warning of a line (authorised with their own staff
/// number and PIN by the caller).
pub fn acknowledge_allergy(
    tx: &Tx<'_>,
    id: SaleId,
    line: LineId,
    pharmacist: StaffId,
) -> Result<Cart> {
    require_open(tx, id)?;
    let today = tx.clock.today();
    let cart = get(tx, id, today)?;
    let l = cart
        .lines
        .iter()
        .find(|l| l.id == line)
        .ok_or_else(line_not_found)?;
    if l.allergy_conflict.is_empty() {
        return Ok(cart);
    }
    tx.execute(
        "INSERT INTO cart_allergy_ack (cart_id, line_id, classes, pharmacist_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (cart_id, line_id) DO NOTHING",
        (
            id,
            line,
            l.allergy_conflict.join("|"),
            pharmacist,
            stamp(tx.clock.now()),
        ),
    )?;
    get(tx, id, today)
}

fn line_not_found() -> PosError {
    PosError::new(
        ErrorCode::CartLineNotFound,
        "这一行已不在购物单中，请刷新后重试",
    )
}
