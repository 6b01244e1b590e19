//! Commands of the cart being rung up: opening it, scanning and adding products, quantities,
//! removing lines, and attaching a member.

use serde::Deserialize;
use ts_rs::TS;

use super::{Command, Ctx, SELLERS};
use crate::cart::{self, Cart};
use crate::catalog;
use crate::error::Result;
use crate::ids::{LineId, MemberId, ProductId, SaleId};
use crate::staff::Role;

/// `cart_open`: this staff member's open cart, or a new one (its id is the future sale id).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartOpen {}

impl Command for CartOpen {
    const NAME: &'static str = "cart_open";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.me()?.staff.id;
        ctx.store.write(|tx| cart::open(tx, me))
    }
}

/// `cart_get`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartGet {
    pub cart_id: SaleId,
}

impl Command for CartGet {
    const NAME: &'static str = "cart_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let today = ctx.store.clock().today();
        ctx.store.read(|c| cart::get(c, self.cart_id, today))
    }
}

/// `cart_scan`: a barcode from the scanner or typed; the same product again adds to its line.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartScan {
    pub cart_id: SaleId,
    pub barcode: String,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub quantity: Option<i64>,
}

impl Command for CartScan {
    const NAME: &'static str = "cart_scan";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.me()?.staff.id;
        let q = cart::check_quantity(self.quantity.unwrap_or(1))?;
        ctx.store
            .write(|tx| cart::scan(tx, self.cart_id, &self.barcode, q, me))
    }
}

/// `cart_add_product`: a product chosen from search results.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartAddProduct {
    pub cart_id: SaleId,
    pub product_id: ProductId,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub quantity: Option<i64>,
}

impl Command for CartAddProduct {
    const NAME: &'static str = "cart_add_product";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.me()?.staff.id;
        let q = cart::check_quantity(self.quantity.unwrap_or(1))?;
        ctx.store.write(|tx| {
            let p = catalog::by_id(tx, self.product_id)?;
            cart::add(tx, self.cart_id, &p, q, me)
        })
    }
}

/// `cart_set_quantity`: 1..=999.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetQuantity {
    pub cart_id: SaleId,
    pub line_id: LineId,
    #[ts(type = "number")]
    pub quantity: i64,
}

impl Command for CartSetQuantity {
    const NAME: &'static str = "cart_set_quantity";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let q = cart::check_quantity(self.quantity)?;
        ctx.store
            .write(|tx| cart::set_quantity(tx, self.cart_id, self.line_id, q))
    }
}

/// `cart_remove_line`: recorded with who removed it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartRemoveLine {
    pub cart_id: SaleId,
    pub line_id: LineId,
}

impl Command for CartRemoveLine {
    const NAME: &'static str = "cart_remove_line";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.me()?.staff.id;
        ctx.store
            .write(|tx| cart::remove_line(tx, self.cart_id, self.line_id, me))
    }
}

/// `cart_set_member`: attaches a member to the sale (or detaches with `null`) before payment.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetMember {
    pub cart_id: SaleId,
    pub member_id: Option<MemberId>,
}

impl Command for CartSetMember {
    const NAME: &'static str = "cart_set_member";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store
            .write(|tx| cart::set_member(tx, self.cart_id, self.member_id))
    }
}
