//! The sale being built at the till (the cart). Its id is minted when it opens and becomes the
//! sale id at payment, so a retried or double-clicked request can never make two sales. The cart
//! lives in the store file, so a crash or restart loses nothing the cashier scanned.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{self, Product};
use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{LineId, MemberId, ProductId, SaleId, StaffId};
use crate::member::{self, MemberSummary};
use crate::money::Money;

/// The largest quantity of one line; anything above is almost certainly a mis-scan.
pub const MAX_QUANTITY: u32 = 999;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CartLine {
    pub id: LineId,
    pub product_id: ProductId,
    pub barcode: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    pub unit_price: Money,
    pub quantity: u32,
    /// unit price × quantity, before any member pricing
    pub amount: Money,
    pub rx: bool,
    pub ephedrine: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Cart {
    pub id: SaleId,
    pub opened_at: String,
    pub lines: Vec<CartLine>,
    /// Σ quantities
    pub item_count: u32,
    /// Σ line amounts
    pub total: Money,
    /// The member the sale is for, attached at any time before payment.
    pub member: Option<MemberSummary>,
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
    let existing: Option<SaleId> = tx
        .query_row(
            "SELECT id FROM cart WHERE status = 'open' AND opened_by = ?1 ORDER BY opened_at DESC LIMIT 1",
            [staff],
            |r| r.get(0),
        )
        .optional()?;
    let id = match existing {
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

pub fn get(c: &Connection, id: SaleId, today: chrono::NaiveDate) -> Result<Cart> {
    let (opened_at, member_id): (String, Option<MemberId>) = c
        .query_row(
            "SELECT opened_at, member_id FROM cart WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(cart_not_found)?;
    let mut st = c.prepare_cached(
        "SELECT l.id, l.product_id, p.barcode, p.name, p.spec, p.unit, l.unit_price_fen, l.quantity,
                p.rx, p.ephedrine
         FROM cart_line l JOIN product p ON p.id = l.product_id
         WHERE l.cart_id = ?1 AND l.removed_at IS NULL ORDER BY l.position",
    )?;
    let lines = st
        .query_map([id], |r| {
            let unit_price = Money::from_fen(r.get(6)?);
            let quantity: u32 = r.get(7)?;
            Ok(CartLine {
                id: r.get(0)?,
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
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let member = match member_id {
        Some(m) => Some(member::summary(c, m, today)?),
        None => None,
    };
    Ok(Cart {
        id,
        opened_at,
        member,
        item_count: lines.iter().map(|l| l.quantity).sum(),
        total: lines.iter().map(|l| l.amount).sum(),
        lines,
    })
}

fn cart_not_found() -> PosError {
    PosError::new(
        ErrorCode::CartNotFound,
        "这笔销售已结束或不存在，请重新开始收银",
    )
}

fn require_open(tx: &Tx<'_>, id: SaleId) -> Result<()> {
    let status: Option<String> = tx
        .query_row("SELECT status FROM cart WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    match status.as_deref() {
        Some("open") => Ok(()),
        _ => Err(cart_not_found()),
    }
}

/// Adds `quantity` of a product; the same product again raises that line's quantity.
pub fn add(tx: &Tx<'_>, id: SaleId, product: &Product, quantity: u32, by: StaffId) -> Result<Cart> {
    require_open(tx, id)?;
    let existing: Option<(LineId, u32)> = tx
        .query_row(
            "SELECT id, quantity FROM cart_line
             WHERE cart_id = ?1 AND product_id = ?2 AND removed_at IS NULL",
            (id, product.id),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match existing {
        Some((line, q)) => {
            let q = check_quantity(i64::from(q) + i64::from(quantity))?;
            tx.execute(
                "UPDATE cart_line SET quantity = ?2 WHERE id = ?1",
                (line, q),
            )?;
        }
        None => {
            let position: i64 = tx.query_row(
                "SELECT coalesce(max(position), 0) + 1 FROM cart_line WHERE cart_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO cart_line (id, cart_id, position, product_id, unit_price_fen, quantity, added_at, added_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                (
                    LineId::new(tx.clock),
                    id,
                    position,
                    product.id,
                    product.price.fen(),
                    quantity,
                    stamp(tx.clock.now()),
                    by,
                ),
            )?;
        }
    }
    get(tx, id, tx.clock.today())
}

/// Scans a barcode into the cart.
pub fn scan(tx: &Tx<'_>, id: SaleId, barcode: &str, quantity: u32, by: StaffId) -> Result<Cart> {
    let product = catalog::by_barcode(tx, barcode)?;
    add(tx, id, &product, quantity, by)
}

pub fn set_quantity(tx: &Tx<'_>, id: SaleId, line: LineId, quantity: u32) -> Result<Cart> {
    require_open(tx, id)?;
    let n = tx.execute(
        "UPDATE cart_line SET quantity = ?3 WHERE id = ?1 AND cart_id = ?2 AND removed_at IS NULL",
        (line, id, quantity),
    )?;
    if n == 0 {
        return Err(line_not_found());
    }
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
    get(tx, id, tx.clock.today())
}

/// Attaches a member to the sale, or detaches with `None`; an anonymized member cannot be attached.
pub fn set_member(tx: &Tx<'_>, id: SaleId, member: Option<MemberId>) -> Result<Cart> {
    require_open(tx, id)?;
    if let Some(m) = member {
        member::require_active(tx, m)?;
    }
    tx.execute("UPDATE cart SET member_id = ?2 WHERE id = ?1", (id, member))?;
    get(tx, id, tx.clock.today())
}

fn line_not_found() -> PosError {
    PosError::new(
        ErrorCode::CartLineNotFound,
        "这一行已不在购物单中，请刷新后重试",
    )
}
