//! Rebuilding a till whose file was lost, from headquarters (SYNC-DESIGN.md: "headquarters as
//! the till's second copy"). A new, empty store file takes the lost till's store id, gets every
//! event the store ever pushed back (`GET /v1/restore`) and turns them into its rows again —
//! sales with their lines, payments, prescriptions and registers, medication guidance, returns,
//! staff, pharmacy details, rules, members, points and coupons — then pulls the rest of the chain as usual. Only
//! what the lost till had not yet pushed (the unsynced tail its status bar showed) is gone.
//!
//! The rebuilt till is a new device (its own id and outbox sequence); none of the restored
//! events is in its outbox, since headquarters has them all. PINs never leave a till, so staff
//! come back without a usable PIN except the manager who restores, who sets a new one.

use pos_sync_proto::catalogue as ev;
use rusqlite::OptionalExtension;
use uuid::Uuid;

use super::apply::Outcome;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::money::Money;

/// Takes the lost till's store id; refused unless this file is new (no staff, no sales, nothing
/// unsynced) or holds an unfinished restore of the same store, so a restore can never
/// overwrite a till's own records (nor reset a PIN on a working till).
pub fn begin(tx: &Tx<'_>, store: Uuid) -> Result<()> {
    let (staff, sales, unsynced): (i64, i64, i64) = tx.query_row(
        "SELECT (SELECT count(*) FROM staff), (SELECT count(*) FROM sale),
                (SELECT count(*) FROM outbox WHERE acked_at IS NULL)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let current: String = tx.query_row("SELECT store_id FROM till", [], |r| r.get(0))?;
    let finished: bool = tx.query_row(
        "SELECT last_success_at IS NOT NULL FROM sync_state",
        [],
        |r| r.get(0),
    )?;
    let resuming = current == store.to_string() && !finished && unsynced == 0;
    if !resuming && (staff > 0 || sales > 0 || unsynced > 0) {
        return Err(PosError::new(
            ErrorCode::RestoreNotEmpty,
            format!(
                "本机数据文件已有数据（员工 {staff} 人、销售 {sales} 笔、未同步 {unsynced} 条），\
                 不能用总部数据覆盖；请在新的空数据文件上恢复"
            ),
        ));
    }
    tx.execute("UPDATE till SET store_id = ?1", [store.to_string()])?;
    Ok(())
}

fn fen(d: rust_decimal::Decimal) -> std::result::Result<i64, Outcome> {
    Money::from_decimal(d)
        .map(Money::fen)
        .map_err(|e| Outcome::Bad(e.message))
}

use super::exists;

/// One of this store's own sales, back with everything its receipt and registers need.
pub(crate) fn sale(tx: &Tx<'_>, e: &ev::SaleCommittedV1) -> Result<Outcome> {
    let s = &e.sale;
    if exists(tx, "SELECT 1 FROM sale WHERE id = ?1", s.id)? {
        return Ok(Outcome::Applied);
    }
    if let Some(m) = &s.member {
        if !exists(tx, "SELECT 1 FROM member WHERE id = ?1", m.id)? {
            return Ok(Outcome::Waiting(format!("会员 {} 尚未恢复", m.id)));
        }
    }
    match sale_rows(tx, e) {
        Ok(Ok(())) => {}
        Ok(Err(bad)) => return Ok(bad),
        Err(err) => return Err(err),
    }
    if let Some(m) = &s.member {
        spend(
            tx,
            s.id,
            m.id,
            e.store_id,
            &s.business_date,
            &s.payable,
            &s.at,
        )?;
    }
    Ok(Outcome::Applied)
}

fn sale_rows(tx: &Tx<'_>, e: &ev::SaleCommittedV1) -> Result<std::result::Result<(), Outcome>> {
    let s = &e.sale;
    let money = |d: &rust_decimal::Decimal| fen(*d);
    let amounts = (|| {
        Ok::<_, Outcome>([
            money(&s.subtotal)?,
            money(&s.discounts.tier)?,
            money(&s.discounts.member_day)?,
            money(&s.discounts.manual)?,
            money(&s.discounts.coupon)?,
            money(&s.discounts.points)?,
            money(&s.discounts.small_change)?,
            money(&s.payable)?,
            money(&s.tendered)?,
            money(&s.change)?,
            money(&s.insurance)?,
        ])
    })();
    let a = match amounts {
        Ok(a) => a,
        Err(bad) => return Ok(Err(bad)),
    };
    tx.execute(
        "INSERT INTO sale (id, receipt_no, store_id, device_id, business_date, at, cashier_id, member_id,
                           member_tier, subtotal_fen, tier_fen, member_day_fen, manual_fen, coupon_fen,
                           points_fen, small_change_fen, payable_fen, tendered_fen, change_fen,
                           insurance_fen, coupon_id, points_used, points_earned, points_balance_after,
                           line_count, rx_reviewed_by, pricing)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
        rusqlite::params![
            s.id.to_string(),
            s.receipt_no,
            e.store_id.to_string(),
            e.device_id.to_string(),
            s.business_date,
            s.at,
            s.cashier_id.to_string(),
            s.member.as_ref().map(|m| m.id.to_string()),
            s.member.as_ref().map(|m| m.tier.clone()),
            a[0],
            a[1],
            a[2],
            a[3],
            a[4],
            a[5],
            a[6],
            a[7],
            a[8],
            a[9],
            a[10],
            s.coupon_id.map(|c| c.to_string()),
            s.points_used,
            s.points_earned,
            s.points_balance_after,
            s.lines.len() as i64,
            s.rx_reviewed_by.map(|r| r.to_string()),
            s.pricing.clone().unwrap_or_else(|| "{}".into()),
        ],
    )?;
    let mut line_st = tx.prepare_cached(crate::sale::INSERT_SALE_LINE)?;
    for (i, l) in s.lines.iter().enumerate() {
        let list = l
            .list_amount
            .unwrap_or(l.unit_price * rust_decimal::Decimal::from(l.quantity));
        let f = (|| {
            Ok::<_, Outcome>([
                money(&l.unit_price)?,
                money(&list)?,
                money(&l.net)?,
                money(&l.coupon_share)?,
                money(&l.points_share)?,
                money(&l.small_change_share)?,
                money(&l.final_net)?,
            ])
        })();
        let f = match f {
            Ok(f) => f,
            Err(bad) => return Ok(Err(bad)),
        };
        line_st.execute(rusqlite::params![
            l.id.to_string(),
            s.id.to_string(),
            i as i64 + 1,
            l.product_id.to_string(),
            l.barcode,
            l.name,
            l.spec,
            l.unit,
            l.batch_no,
            l.batch_expires_on,
            f[0],
            l.quantity,
            f[1],
            l.rule,
            l.rate.clone().unwrap_or_default(),
            f[2],
            f[3],
            f[4],
            f[5],
            f[6],
            l.rx,
            l.ephedrine,
            l.insurance,
            l.points_eligible,
            l.override_by.map(|o| o.to_string()),
            l.override_reason,
            l.guidance,
            l.manufacturer,
        ])?;
    }
    for (i, t) in s.payments.iter().enumerate() {
        let amount = match fen(t.amount) {
            Ok(a) => a,
            Err(bad) => return Ok(Err(bad)),
        };
        tx.prepare_cached(
            "INSERT INTO sale_payment (sale_id, position, kind, amount_fen, settlement_no, reference)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute((
            s.id.to_string(),
            i as i64 + 1,
            &t.kind,
            amount,
            &t.settlement_no,
            &t.reference,
        ))?;
    }
    for l in &s.lines {
        for c in &l.trace_codes {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO sale_trace_code (code, sale_id, sale_line_id, kind, gtin, batch_no,
                                                        expires_on, serial, business_date)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(rusqlite::params![
                c.code,
                s.id.to_string(),
                l.id.to_string(),
                c.kind,
                c.gtin,
                c.batch_no,
                c.expires_on,
                c.serial,
                s.business_date,
            ])?;
        }
    }
    if let Some(p) = &e.prescription {
        tx.execute(
            "INSERT INTO prescription (sale_id, hospital, doctor, prescribed_on, diagnosis, image_path,
                                       approved_by, approved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7)",
            rusqlite::params![
                s.id.to_string(),
                p.hospital,
                p.doctor,
                p.prescribed_on,
                p.diagnosis,
                p.approved_by.map(|a| a.to_string()).unwrap_or_default(),
                p.approved_at.clone().unwrap_or_else(|| s.at.clone()),
            ],
        )?;
    }
    if let Some((name, number)) = &e.ephedrine_buyer {
        for l in s.lines.iter().filter(|l| l.ephedrine) {
            tx.execute(
                "INSERT INTO ephedrine_register (id, sale_id, sale_line_id, buyer_name, id_number,
                     product_id, name, spec, quantity, batch_no, at, business_date, recorded_by)
                 VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                rusqlite::params![
                    l.id.to_string(),
                    s.id.to_string(),
                    name,
                    number,
                    l.product_id.to_string(),
                    l.name,
                    l.spec,
                    l.quantity,
                    l.batch_no,
                    s.at,
                    s.business_date,
                    s.cashier_id.to_string(),
                ],
            )?;
        }
    }
    for (line, classes, pharmacist) in &e.allergy_acks {
        tx.execute(
            "INSERT INTO allergy_ack (sale_id, sale_line_id, classes, pharmacist_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (
                s.id.to_string(),
                line.to_string(),
                classes,
                pharmacist.to_string(),
                &s.at,
            ),
        )?;
    }
    Ok(Ok(()))
}

/// One of this store's own returns, back with its lines and refunds.
pub(crate) fn sale_return(tx: &Tx<'_>, store: Uuid, r: &ev::ReturnCommittedV1) -> Result<Outcome> {
    if exists(tx, "SELECT 1 FROM sale_return WHERE id = ?1", r.id)? {
        return Ok(Outcome::Applied);
    }
    let sale: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT device_id, member_id FROM sale WHERE id = ?1",
            [r.sale_id.to_string()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((device, member)) = sale else {
        return Ok(Outcome::Waiting(format!("原销售 {} 尚未恢复", r.sale_id)));
    };
    let refund = match fen(r.refund) {
        Ok(f) => f,
        Err(bad) => return Ok(bad),
    };
    tx.execute(
        "INSERT INTO sale_return (id, receipt_no, sale_id, store_id, device_id, business_date, at,
                                  cashier_id, approved_by, reason_code, reason_note, refund_fen,
                                  points_taken_back, points_given_back, points_balance_after, full)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?16, ?15)",
        rusqlite::params![
            r.id.to_string(),
            r.receipt_no,
            r.sale_id.to_string(),
            store.to_string(),
            device,
            r.business_date,
            r.at,
            r.cashier_id.to_string(),
            r.approved_by.to_string(),
            r.reason,
            r.reason_note,
            refund,
            r.points_taken_back,
            r.points_given_back,
            r.full,
            r.points_balance_after,
        ],
    )?;
    for l in &r.lines {
        let f = match fen(l.refund) {
            Ok(f) => f,
            Err(bad) => return Ok(bad),
        };
        tx.execute(
            "INSERT INTO return_line (return_id, sale_line_id, quantity, refund_fen)
             VALUES (?1, ?2, ?3, ?4)",
            (r.id.to_string(), l.sale_line_id.to_string(), l.quantity, f),
        )?;
        for code in &l.trace_codes {
            tx.execute(
                "UPDATE sale_trace_code SET return_id = ?3 WHERE sale_line_id = ?1 AND code = ?2",
                (l.sale_line_id.to_string(), code, r.id.to_string()),
            )?;
        }
    }
    for (i, f) in r.refunds.iter().enumerate() {
        let amount = match fen(f.amount) {
            Ok(a) => a,
            Err(bad) => return Ok(bad),
        };
        tx.execute(
            "INSERT INTO return_refund (return_id, position, kind, amount_fen) VALUES (?1, ?2, ?3, ?4)",
            (r.id.to_string(), i as i64 + 1, &f.kind, amount),
        )?;
    }
    if let Some(m) = member {
        let m = Uuid::parse_str(&m).map_err(PosError::storage)?;
        spend(tx, r.id, m, store, &r.business_date, &-r.refund, &r.at)?;
    }
    Ok(Outcome::Applied)
}

/// The spend fact of a restored sale or return, without recomputing the tier: the tier comes
/// back from the store's own `member.tier_changed` events, as it was.
fn spend(
    tx: &Tx<'_>,
    id: Uuid,
    member: Uuid,
    store: Uuid,
    business_date: &str,
    net: &rust_decimal::Decimal,
    at: &str,
) -> Result<()> {
    let fact = crate::member::tier::SpendFact {
        id,
        member,
        store,
        business_date,
        net_fen: Money::from_decimal(*net)?.fen(),
        at,
    };
    crate::member::tier::keep_spend(tx, &fact).map(|_| ())
}

/// A staff member of this store, back without a usable PIN (PINs never leave a till).
pub(crate) fn staff(tx: &Tx<'_>, s: &ev::StaffCreatedV1, at: &str) -> Result<Outcome> {
    if exists(tx, "SELECT 1 FROM staff WHERE id = ?1", s.id)? {
        return Ok(Outcome::Applied);
    }
    let unusable = crate::staff::hash_pin(&Uuid::new_v4().simple().to_string())?;
    let has = |role: &str| s.roles.iter().any(|r| r == role);
    tx.execute(
        "INSERT INTO staff (id, staff_no, name, is_cashier, is_pharmacist, is_manager, pin_hash,
                            active, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            s.id.to_string(),
            s.staff_no,
            s.name,
            has("cashier"),
            has("pharmacist"),
            has("manager"),
            unusable,
            s.active,
            at,
        ],
    )?;
    Ok(Outcome::Applied)
}

/// A staff member's later state (deactivated, other roles), in the order the till recorded it.
pub(crate) fn staff_updated(tx: &Tx<'_>, s: &ev::StaffUpdatedV1) -> Result<Outcome> {
    if !exists(tx, "SELECT 1 FROM staff WHERE id = ?1", s.id)? {
        return Ok(Outcome::Waiting(format!("员工 {} 尚未恢复", s.staff_no)));
    }
    let has = |role: &str| s.roles.iter().any(|r| r == role);
    tx.execute(
        "UPDATE staff SET is_cashier = ?2, is_pharmacist = ?3, is_manager = ?4, active = ?5
         WHERE id = ?1",
        rusqlite::params![
            s.id.to_string(),
            has("cashier"),
            has("pharmacist"),
            has("manager"),
            s.active
        ],
    )?;
    Ok(Outcome::Applied)
}

pub(crate) fn pharmacy(
    tx: &Tx<'_>,
    p: &ev::PharmacySettingsUpdatedV1,
    at: &str,
) -> Result<Outcome> {
    tx.execute(
        "INSERT INTO pharmacy_settings (singleton, name, address, phone, licence_no, store_code, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (singleton) DO UPDATE SET name = ?1, address = ?2, phone = ?3,
            licence_no = ?4, store_code = ?5, updated_at = ?6",
        (&p.name, &p.address, &p.phone, &p.licence_no, &p.store_code, at),
    )?;
    Ok(Outcome::Applied)
}

/// A day the store had closed stays closed (and its report stays as signed). The audit chain
/// itself is not rebuilt, so the sealed hash is kept for reference only.
pub(crate) fn day_closed(tx: &Tx<'_>, d: &ev::DayClosedV1) -> Result<Outcome> {
    tx.execute(
        "INSERT INTO day_close (business_date, number, closed_at, closed_by, report, audit_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (business_date) DO NOTHING",
        rusqlite::params![
            d.business_date,
            d.number,
            d.closed_at,
            d.closed_by.to_string(),
            d.report.to_string(),
            d.audit_hash
        ],
    )?;
    Ok(Outcome::Applied)
}

/// A medication guidance record (`guidance.recorded@1`), kept once by its id.
pub(crate) fn guidance(tx: &Tx<'_>, g: &ev::GuidanceRecordedV1) -> Result<Outcome> {
    crate::pharmacy::guidance::restore(tx, g)?;
    Ok(Outcome::Applied)
}

/// The member's tier as the store's own records said.
pub(crate) fn tier(tx: &Tx<'_>, t: &ev::MemberTierChangedV1) -> Result<Outcome> {
    if !exists(tx, "SELECT 1 FROM member WHERE id = ?1", t.member_id)? {
        return Ok(Outcome::Waiting(format!("会员 {} 尚未恢复", t.member_id)));
    }
    tx.execute(
        "UPDATE member SET tier = ?2 WHERE id = ?1",
        (t.member_id.to_string(), &t.to),
    )?;
    Ok(Outcome::Applied)
}

/// After the last page: receipt numbers go on after the restored ones, and the manager who
/// restores gets a new PIN (every other PIN is reset by a manager afterwards).
pub fn finish(tx: &Tx<'_>, manager_no: &str, pin: &str) -> Result<()> {
    crate::staff::check_pin(pin)?;
    tx.execute_batch(
        "INSERT INTO receipt_counter (business_date, last_seq)
           SELECT substr(receipt_no, 1, 8), max(CAST(substr(receipt_no, 11) AS INTEGER))
           FROM (SELECT receipt_no FROM sale UNION ALL SELECT receipt_no FROM sale_return)
           GROUP BY 1
         ON CONFLICT (business_date) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq);",
    )?;
    let n = tx.execute(
        "UPDATE staff SET pin_hash = ?2, failed_pins = 0, locked_until = NULL
         WHERE staff_no = ?1 AND is_manager = 1 AND active = 1",
        (manager_no, crate::staff::hash_pin(pin)?),
    )?;
    if n == 0 {
        return Err(PosError::invalid_field(
            "manager_staff_no",
            format!("总部的本店资料里没有在职店长 {manager_no}；请填写本店店长的工号"),
        ));
    }
    Ok(())
}
