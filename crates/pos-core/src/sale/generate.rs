//! Generated sales for benchmarks and load tests: a year (or any number of days) of realistic
//! counter traffic made through the real code path — cart, member, coupon-free pricing, points,
//! split tenders, `sale::pay` — one transaction per business day so it takes minutes, not hours.
//! Products with gates (Rx, ephedrine) are left out so no approvals are needed. Deterministic for
//! a seed.

use chrono::Duration;

use crate::clock::{Clock, FixedClock};

use crate::cart;
use crate::catalog::generate::Mix;
use crate::db::Store;
use crate::error::Result;
use crate::ids::{MemberId, ProductId, StaffId};
use crate::money::Money;
use crate::pricing::{Tender, TenderKind};
use crate::sale;

/// Products a generated sale may contain: no Rx and no ephedrine (they need approvals).
pub fn plain_products(store: &Store) -> Result<Vec<ProductId>> {
    store.read(|c| {
        let mut st =
            c.prepare("SELECT id FROM product WHERE rx = 0 AND ephedrine = 0 ORDER BY barcode")?;
        let ids = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    })
}

/// Writes `per_day` sales on each of the `days` days before `clock`'s current day, between 08:00
/// and 20:00 China time, then puts the clock back. About 60 % of sales are to one of `members`.
/// Returns the number of sales.
#[allow(clippy::too_many_arguments)]
pub fn populate(
    store: &Store,
    clock: &FixedClock,
    days: i64,
    per_day: u32,
    seed: u64,
    staff: StaffId,
    members: &[MemberId],
    products: &[ProductId],
) -> Result<u64> {
    let mut rng = Mix(seed);
    let mut count = 0;
    let now = clock.now();
    // 00:00 UTC is 08:00 in China.
    let today_start = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let step = Duration::seconds(12 * 3600 / i64::from(per_day.max(1)));
    for d in (1..=days).rev() {
        let day_start = today_start - Duration::days(d);
        store.write(|tx| {
            for i in 0..per_day {
                clock.set(day_start + step * i as i32);
                let c = cart::open(tx, staff)?;
                for _ in 0..1 + rng.next() % 4 {
                    let p = crate::catalog::by_id(tx, *rng.pick(products))?;
                    cart::add(tx, c.id, &p, 1 + (rng.next() % 2) as u32, staff)?;
                }
                if !members.is_empty() && rng.next() % 10 < 6 {
                    cart::set_member(tx, c.id, Some(*rng.pick(members)))?;
                }
                pay_in_one_tender(tx, c.id, rng.next(), staff)?;
                count += 1;
            }
            Ok(())
        })?;
    }
    clock.set(now);
    Ok(count)
}

/// Pays cart `cart` in one tender as a counter does: cash (rounded up to the next yuan, change
/// given), WeChat or Alipay (the amount due), chosen by `choice` (mod 3).
pub fn pay_in_one_tender(
    tx: &crate::db::Tx<'_>,
    cart: crate::ids::SaleId,
    choice: u64,
    by: StaffId,
) -> Result<()> {
    let due = cart::get(tx, cart, tx.clock.today())?.pricing.payable;
    let kind = match choice % 3 {
        0 => TenderKind::Cash,
        1 => TenderKind::Wechat,
        _ => TenderKind::Alipay,
    };
    let amount = if kind == TenderKind::Cash {
        Money::from_fen((due.fen() + 99) / 100 * 100)
    } else {
        due
    };
    let tenders = [Tender {
        kind,
        amount,
        settlement_no: None,
        reference: None,
    }];
    sale::pay(tx, cart, &tenders, by)?;
    Ok(())
}
