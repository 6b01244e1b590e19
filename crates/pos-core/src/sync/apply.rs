//! Applying what the till pulls from headquarters: other stores' members, points, coupons and
//! member spend, and headquarters' own events. Every pulled event is first kept in `sync_inbox`
//! (the event id is the key), so a page applied twice changes nothing and nothing pulled is lost:
//! an event that cannot be applied yet (its member has not arrived) waits there and is tried
//! again after every page; one that conflicts with this till's own records is kept for
//! headquarters' merge or a person.
//!
//! The merge rules are SYNC-DESIGN.md's: facts (points entries, coupon uses, spend) are keyed by
//! their own ids, so any order gives the same sums; member fields are last-writer-wins per field
//! by HLC stamp; health items are an add-wins set with explicit removal.

use pos_sync_proto::catalogue as ev;
use pos_sync_proto::{Payload, PullPage, PulledEvent, HQ_STORE};
use rusqlite::OptionalExtension;

use crate::catalog::initials;
use crate::clock::stamp;
use crate::db::{till_identity, Tx};
use crate::error::Result;
use crate::hlc;
use crate::ids::MemberId;

/// What applying one page did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Events new to this till.
    pub received: u32,
    /// Applied now (including waiting events of earlier pages that could now be applied).
    pub applied: u32,
    /// Still waiting for an event not here yet.
    pub waiting: u32,
    /// Kept as conflicts (for headquarters' merge or a person).
    pub conflicts: u32,
}

/// The outcome of one event.
pub(crate) enum Outcome {
    Applied,
    Waiting(String),
    Ignored(&'static str),
    Conflict(String),
    Bad(String),
}

impl Outcome {
    fn column(&self) -> (&'static str, String) {
        match self {
            Outcome::Applied => ("applied", String::new()),
            Outcome::Waiting(n) => ("waiting", n.clone()),
            Outcome::Ignored(n) => ("ignored", (*n).to_string()),
            Outcome::Conflict(n) => ("conflict", n.clone()),
            Outcome::Bad(n) => ("bad", n.clone()),
        }
    }
}

/// Keeps and applies one pulled page, then retries the events still waiting, and moves the
/// pull cursor, all in the caller's transaction.
pub fn page(tx: &Tx<'_>, page: &PullPage) -> Result<Applied> {
    let applied = keep_and_apply(tx, page, false)?;
    tx.execute(
        "UPDATE sync_state SET pull_cursor = max(pull_cursor, ?1)",
        [page.next_cursor],
    )?;
    Ok(applied)
}

/// Keeps and applies one page of this store's own events while a lost till is rebuilt
/// (`super::restore`); the pull cursor is not moved (the chain's events are pulled after).
pub fn restore_page(tx: &Tx<'_>, page: &PullPage) -> Result<Applied> {
    keep_and_apply(tx, page, true)
}

fn keep_and_apply(tx: &Tx<'_>, page: &PullPage, restoring: bool) -> Result<Applied> {
    let own = till_identity(tx)?.store_id;
    let mut out = Applied::default();
    let received_at = stamp(tx.clock.now());
    for p in &page.events {
        if p.event.store_id == own.0 && !restoring {
            continue; // our own event, echoed: we have it already
        }
        let new = tx
            .prepare_cached(
                "INSERT INTO sync_inbox (event_id, cursor, store_id, device_id, seq, kind, payload,
                                         payload_hash, created_at, received_at, order_hlc, outcome)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'waiting')
                 ON CONFLICT (event_id) DO NOTHING",
            )?
            .execute(rusqlite::params![
                p.event.event_id.to_string(),
                p.cursor,
                p.event.store_id.to_string(),
                p.event.device_id.to_string(),
                p.event.seq,
                p.event.kind,
                p.event.payload,
                p.event.payload_hash,
                p.event.created_at,
                received_at,
                p.order_hlc
                    .map(|h| serde_json::to_string(&h).expect("a stamp serializes")),
            ])?;
        if new == 0 {
            continue;
        }
        out.received += 1;
        let o = one(tx, p)?;
        count(&mut out, &o);
        record(tx, p.event.event_id, &o)?;
    }
    retry_waiting(tx, &mut out)?;
    Ok(out)
}

fn count(out: &mut Applied, o: &Outcome) {
    match o {
        Outcome::Applied => out.applied += 1,
        Outcome::Waiting(_) => out.waiting += 1,
        Outcome::Conflict(_) => out.conflicts += 1,
        Outcome::Ignored(_) | Outcome::Bad(_) => {}
    }
}

fn record(tx: &Tx<'_>, id: uuid::Uuid, o: &Outcome) -> Result<()> {
    let (outcome, note) = o.column();
    tx.prepare_cached("UPDATE sync_inbox SET outcome = ?2, note = ?3 WHERE event_id = ?1")?
        .execute((id.to_string(), outcome, note))?;
    Ok(())
}

/// Tries the waiting events again, oldest first, until a round applies nothing new.
fn retry_waiting(tx: &Tx<'_>, out: &mut Applied) -> Result<()> {
    loop {
        let waiting: Vec<PulledEvent> = {
            let mut st = tx.prepare_cached(
                "SELECT cursor, event_id, store_id, device_id, seq, kind, payload, payload_hash,
                        created_at, order_hlc
                 FROM sync_inbox WHERE outcome = 'waiting' ORDER BY cursor",
            )?;
            let rows = st.query_map([], |r| {
                let uuid = |i| super::uuid_at(r, i);
                Ok(PulledEvent {
                    cursor: r.get(0)?,
                    event: pos_sync_proto::Envelope {
                        event_id: uuid(1)?,
                        store_id: uuid(2)?,
                        device_id: uuid(3)?,
                        seq: r.get(4)?,
                        kind: r.get(5)?,
                        payload: r.get(6)?,
                        payload_hash: r.get(7)?,
                        created_at: r.get(8)?,
                    },
                    order_hlc: r
                        .get::<_, Option<String>>(9)?
                        .and_then(|s| serde_json::from_str(&s).ok()),
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut progressed = false;
        for p in &waiting {
            let o = one(tx, p)?;
            if matches!(o, Outcome::Waiting(_)) {
                continue;
            }
            out.waiting = out.waiting.saturating_sub(1);
            count(out, &o);
            record(tx, p.event.event_id, &o)?;
            progressed = true;
        }
        if !progressed {
            return Ok(());
        }
    }
}

fn member_exists(tx: &Tx<'_>, id: uuid::Uuid) -> Result<bool> {
    super::exists(tx, "SELECT 1 FROM member WHERE id = ?1", id)
}

fn waiting_for_member(id: uuid::Uuid) -> Outcome {
    Outcome::Waiting(format!("会员 {id} 尚未同步到本店"))
}

/// Applies one event (already kept in the inbox).
fn one(tx: &Tx<'_>, p: &PulledEvent) -> Result<Outcome> {
    let e = &p.event;
    if !e.hash_matches() {
        return Ok(Outcome::Bad("内容校验值不符".into()));
    }
    let payload = match Payload::parse(&e.kind, &e.payload) {
        Ok(p) => p,
        Err(err) => return Ok(Outcome::Bad(err.to_string())),
    };
    // This store's own events come back only when a lost till is rebuilt: they carry the rows
    // the till had (sales, returns, staff, its details), not only what other stores need.
    if e.store_id == till_identity(tx)?.store_id.0 {
        use super::restore;
        match &payload {
            Payload::SaleCommitted(s) => return restore::sale(tx, s),
            Payload::ReturnCommitted(r) => return restore::sale_return(tx, e.store_id, r),
            Payload::StaffCreated(s) => return restore::staff(tx, s, &e.created_at),
            Payload::StaffUpdated(s) => return restore::staff_updated(tx, s),
            Payload::PharmacySettingsUpdated(p) => return restore::pharmacy(tx, p, &e.created_at),
            Payload::MemberTierChanged(t) => return restore::tier(tx, t),
            Payload::DayClosed(d) => return restore::day_closed(tx, d),
            Payload::RulesUpdated(r) => return rules(tx, r.document.clone()),
            Payload::CatalogProduct(c) => return catalog_product(tx, c, "从总部恢复"),
            Payload::GuidanceRecorded(g) => return restore::guidance(tx, g),
            _ => {}
        }
    }
    match payload {
        Payload::MemberRegistered(m) => member_registered(tx, e.store_id, &m),
        Payload::MemberFieldEdited(f) => field_edited(tx, &f, p.order_hlc.unwrap_or(f.hlc)),
        Payload::MemberAnonymized(a) => {
            if !member_exists(tx, a.member_id)? {
                return Ok(waiting_for_member(a.member_id));
            }
            crate::member::erase(tx, MemberId(a.member_id), &a.at)?;
            Ok(Outcome::Applied)
        }
        Payload::MemberConsent(c) => {
            if !member_exists(tx, c.member_id)? {
                return Ok(waiting_for_member(c.member_id));
            }
            tx.prepare_cached(
                "INSERT INTO consent_event (id, member_id, scope, action, notice_version, at, by_staff)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING",
            )?
            .execute((
                c.event.id.to_string(),
                c.member_id.to_string(),
                &c.event.scope,
                if c.event.granted { "grant" } else { "withdraw" },
                &c.event.notice_version,
                &c.event.at,
                c.event.by_staff.to_string(),
            ))?;
            Ok(Outcome::Applied)
        }
        Payload::HealthItemAdded(h) => {
            if !member_exists(tx, h.member_id)? {
                return Ok(waiting_for_member(h.member_id));
            }
            let removal: Option<(String, String)> = tx
                .prepare_cached("SELECT at, by_staff FROM sync_health_removal WHERE item_id = ?1")?
                .query_row([h.item.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            tx.prepare_cached(
                "INSERT INTO member_health_item (id, member_id, kind, code, note, added_at, added_by,
                                                 removed_at, removed_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
            )?
            .execute(rusqlite::params![
                h.item.id.to_string(),
                h.member_id.to_string(),
                h.item.kind,
                h.item.code,
                h.item.note,
                h.item.added_at,
                h.item.added_by.to_string(),
                removal.as_ref().map(|r| &r.0),
                removal.as_ref().map(|r| &r.1),
            ])?;
            Ok(Outcome::Applied)
        }
        Payload::HealthItemRemoved(h) => {
            tx.prepare_cached(
                "INSERT INTO sync_health_removal (item_id, member_id, at, by_staff)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (item_id) DO NOTHING",
            )?
            .execute((
                h.item_id.to_string(),
                h.member_id.to_string(),
                &h.at,
                h.by_staff.to_string(),
            ))?;
            tx.prepare_cached(
                "UPDATE member_health_item SET removed_at = ?2, removed_by = ?3
                 WHERE id = ?1 AND removed_at IS NULL",
            )?
            .execute((h.item_id.to_string(), &h.at, h.by_staff.to_string()))?;
            Ok(Outcome::Applied)
        }
        Payload::MemberTierChanged(_) => Ok(Outcome::Ignored("等级由本店按全连锁消费重新计算")),
        Payload::PointsEntry(pe) => points_entry(tx, &pe),
        Payload::CouponIssued(c) => coupon_issued(tx, &c),
        Payload::CouponUsed(u) => {
            if !coupon_exists(tx, u.coupon_id)? {
                return Ok(Outcome::Waiting(format!(
                    "券 {} 尚未同步到本店",
                    u.coupon_id
                )));
            }
            let n = tx
                .prepare_cached(
                    "INSERT INTO coupon_use (coupon_id, sale_id, at, by_staff) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (coupon_id) DO NOTHING",
                )?
                .execute((
                    u.coupon_id.to_string(),
                    u.sale_id.to_string(),
                    &u.at,
                    u.by_staff.to_string(),
                ))?;
            if n == 0 {
                let sale: String = tx.query_row(
                    "SELECT sale_id FROM coupon_use WHERE coupon_id = ?1",
                    [u.coupon_id.to_string()],
                    |r| r.get(0),
                )?;
                if sale != u.sale_id.to_string() {
                    return Ok(Outcome::Conflict(format!(
                        "券 {} 已在另一笔销售 {sale} 中使用（两店离线各用一次）",
                        u.coupon_id
                    )));
                }
            }
            Ok(Outcome::Applied)
        }
        // Headquarters does not relay other stores' sales (they carry prescriptions and ID
        // numbers); it sends the member's spend and ephedrine purchases by digest instead.
        Payload::SaleCommitted(_) | Payload::ReturnCommitted(_) => {
            Ok(Outcome::Ignored("其他门店的销售只以会员消费额同步"))
        }
        Payload::MemberSpend(m) if e.store_id == HQ_STORE => member_spend(tx, &m),
        Payload::EphedrineKey(k) if e.store_id == HQ_STORE => {
            tx.prepare_cached(
                "INSERT INTO chain_key (key_id, key_hex) VALUES (?1, ?2) ON CONFLICT (key_id) DO NOTHING",
            )?
            .execute((k.key_id.to_string(), &k.key))?;
            Ok(Outcome::Applied)
        }
        Payload::EphedrinePurchase(p) if e.store_id == HQ_STORE => {
            tx.prepare_cached(
                "INSERT INTO ephedrine_chain_purchase (sale_id, store_id, key_id, digest, business_date, packages)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sale_id) DO NOTHING",
            )?
            .execute((
                p.sale_id.to_string(),
                p.store_id.to_string(),
                p.key_id.to_string(),
                &p.digest,
                &p.business_date,
                p.packages,
            ))?;
            Ok(Outcome::Applied)
        }
        Payload::TraceConflict(t) if e.store_id == HQ_STORE => {
            crate::trace::apply_conflict(tx, &t)?;
            Ok(Outcome::Applied)
        }
        Payload::MemberSpend(_)
        | Payload::EphedrineKey(_)
        | Payload::EphedrinePurchase(_)
        | Payload::TraceConflict(_) => Ok(Outcome::Bad("只有总部可以发出此类事件".into())),
        Payload::CatalogProduct(c) if e.store_id == HQ_STORE => catalog_product(tx, &c, "总部目录"),
        Payload::CatalogProduct(_) => Ok(Outcome::Ignored(
            "门店自己的目录只在本店生效；连锁目录由总部下发",
        )),
        Payload::RulesUpdated(r) if e.store_id == HQ_STORE => rules(tx, r.document),
        Payload::RulesUpdated(_) => Ok(Outcome::Ignored(
            "门店的规则只在本店生效；连锁规则由总部下发",
        )),
        Payload::MemberMerged(m) if e.store_id == HQ_STORE => member_merged(tx, &m),
        Payload::MemberMerged(_) => Ok(Outcome::Bad("合并会员只能由总部发出".into())),
        Payload::CatalogImported(_)
        | Payload::PharmacySettingsUpdated(_)
        | Payload::StaffCreated(_)
        | Payload::StaffUpdated(_)
        | Payload::StaffPinChanged(_)
        | Payload::DayClosed(_)
        | Payload::ComplaintLogged(_)
        | Payload::ComplaintUpdated(_)
        | Payload::FollowUpScheduled(_)
        | Payload::FollowUpCompleted(_)
        | Payload::FollowUpClosed(_)
        | Payload::GuidanceRecorded(_)
        | Payload::MemberContacted(_) => Ok(Outcome::Ignored("只与发出的门店有关")),
    }
}

/// A product of the chain's catalog (from headquarters) or of this store's own (when rebuilt):
/// added, or updated by barcode with its price history.
fn catalog_product(tx: &Tx<'_>, c: &ev::CatalogProductV1, source: &str) -> Result<Outcome> {
    let barcode_ok = !c.barcode.is_empty()
        && c.barcode.len() <= 20
        && c.barcode.bytes().all(|b| b.is_ascii_digit());
    if !barcode_ok || c.name.trim().is_empty() || c.price.is_sign_negative() {
        return Ok(Outcome::Bad(format!(
            "商品资料不完整或条码、价格无效：{}",
            c.barcode
        )));
    }
    let product = match crate::catalog::import::product_from_event(tx, c) {
        Ok(p) => p,
        Err(e) => return Ok(Outcome::Bad(e.message)),
    };
    crate::catalog::import::upsert(tx, &product, None, source)?;
    Ok(Outcome::Applied)
}

/// The business rules document, from headquarters (or this store's own, when rebuilt).
fn rules(tx: &Tx<'_>, document: serde_json::Value) -> Result<Outcome> {
    let rules: crate::rules::BusinessRules = match serde_json::from_value(document) {
        Ok(rules) => rules,
        Err(err) => return Ok(Outcome::Bad(format!("规则格式不正确：{err}"))),
    };
    let rules = match rules.validated() {
        Ok(rules) => rules,
        Err(err) => return Ok(Outcome::Bad(err.message)),
    };
    let json = serde_json::to_string(&rules).map_err(crate::error::PosError::storage)?;
    tx.execute(
        "INSERT INTO business_rules (singleton, rules, updated_at, updated_by)
         VALUES (1, ?1, ?2, NULL)
         ON CONFLICT (singleton) DO UPDATE SET rules = excluded.rules,
           updated_at = excluded.updated_at, updated_by = NULL",
        (&json, stamp(tx.clock.now())),
    )?;
    Ok(Outcome::Applied)
}

fn member_registered(
    tx: &Tx<'_>,
    from_store: uuid::Uuid,
    m: &ev::MemberRegisteredV1,
) -> Result<Outcome> {
    if member_exists(tx, m.id)? {
        return Ok(Outcome::Applied);
    }
    // Merged already (headquarters' merge arrived first): kept, but found by no lookup.
    let merged_into: Option<String> = tx
        .prepare_cached("SELECT survivor_id FROM member_merge WHERE merged_id = ?1")?
        .query_row([m.id.to_string()], |r| r.get(0))
        .optional()?;
    let same_phone: Option<String> = tx
        .prepare_cached(
            "SELECT id FROM member WHERE phone = ?1 AND status = 'active' AND merged_into IS NULL",
        )?
        .query_row([&m.phone], |r| r.get(0))
        .optional()?;
    if let (Some(other), None) = (&same_phone, &merged_into) {
        return Ok(Outcome::Conflict(format!(
            "手机号已属会员 {other}：同一手机号在两店登记，等待总部合并"
        )));
    }
    let card_taken = tx
        .prepare_cached("SELECT 1 FROM member WHERE card_no = ?1")?
        .query_row([&m.card_no], |_| Ok(()))
        .optional()?
        .is_some();
    if card_taken {
        return Ok(Outcome::Conflict(format!(
            "会员卡号 {} 已被本店会员使用",
            m.card_no
        )));
    }
    let store = if from_store == HQ_STORE {
        m.store_id
    } else {
        from_store
    };
    tx.prepare_cached(
        "INSERT INTO member (id, card_no, phone, name, name_initials, gender, birthday, address,
                             occupation, tags, store_id, registered_by, owner_staff_id, status, tier,
                             created_at, confirmed_at, updated_at, merged_into)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, 'active', 'normal',
                 ?13, ?13, ?13, ?14)",
    )?
    .execute(rusqlite::params![
        m.id.to_string(),
        m.card_no,
        m.phone,
        m.name,
        initials(&m.name),
        m.gender,
        m.birthday,
        m.address,
        m.occupation,
        m.tags,
        store.to_string(),
        m.registered_by.to_string(),
        m.created_at,
        merged_into,
    ])?;
    hlc::observe(tx, m.hlc.into())?;
    Ok(Outcome::Applied)
}

/// Headquarters merged `merged` into `survivor` (the same phone registered twice offline): the
/// merged member is found by no lookup from now on, and the survivor's sums include it. A
/// registration kept as a conflict because of that phone is tried again.
fn member_merged(tx: &Tx<'_>, m: &ev::MemberMergedV1) -> Result<Outcome> {
    let (merged, survivor) = (m.merged.to_string(), m.survivor.to_string());
    tx.prepare_cached(
        "INSERT INTO member_merge (merged_id, survivor_id, at) VALUES (?1, ?2, ?3)
         ON CONFLICT (merged_id) DO NOTHING",
    )?
    .execute((&merged, &survivor, &m.at))?;
    // A member merged earlier into `merged` now belongs to the survivor too (chains stay flat).
    tx.prepare_cached("UPDATE member_merge SET survivor_id = ?2 WHERE survivor_id = ?1")?
        .execute((&merged, &survivor))?;
    tx.prepare_cached(
        "UPDATE member SET merged_into = ?2 WHERE (id = ?1 OR merged_into = ?1) AND id <> ?2",
    )?
    .execute((&merged, &survivor))?;
    tx.prepare_cached(
        "UPDATE sync_inbox SET outcome = 'waiting', note = '合并后重试'
         WHERE outcome = 'conflict' AND kind LIKE 'member.registered@%' AND payload LIKE ?1",
    )?
    .execute([format!("%\"phone\":\"{}\"%", m.phone)])?;
    Ok(Outcome::Applied)
}

/// Headquarters clamped the stamps of some of this till's own member edits (its clock was far
/// ahead): from now on they are ordered by headquarters' stamps here too, and each field they
/// touched is given to its winner again, so this till agrees with every other store.
pub fn clamped(tx: &Tx<'_>, clamps: &[pos_sync_proto::Clamped]) -> Result<()> {
    for c in clamps {
        let payload: Option<String> = tx
            .prepare_cached(
                "SELECT payload FROM outbox WHERE event_id = ?1 AND kind LIKE 'member.field_edited@%'",
            )?
            .query_row([c.event_id.to_string()], |r| r.get(0))
            .optional()?;
        let Some(Ok(f)) = payload.map(|p| serde_json::from_str::<ev::MemberFieldEditedV1>(&p))
        else {
            continue;
        };
        tx.prepare_cached(
            "UPDATE member_field_edit SET hlc_wall_ms = ?2, hlc_counter = ?3, hlc_device = ?4
             WHERE id = ?1",
        )?
        .execute((
            f.edit_id.to_string(),
            c.hlc.wall_ms,
            c.hlc.counter,
            c.hlc.device.to_string(),
        ))?;
        let Some(column) = field_column(&f.field) else {
            continue;
        };
        let winner: Option<String> = tx.query_row(
            "SELECT new_value FROM member_field_edit WHERE member_id = ?1 AND field = ?2
             ORDER BY hlc_wall_ms DESC, hlc_counter DESC, hlc_device DESC LIMIT 1",
            (f.member_id.to_string(), &f.field),
            |r| r.get(0),
        )?;
        tx.execute(
            &format!("UPDATE member SET {column} = ?2 WHERE id = ?1 AND status = 'active'"),
            (f.member_id.to_string(), &winner),
        )?;
        if column == "name" {
            tx.execute(
                "UPDATE member SET name_initials = ?2 WHERE id = ?1 AND status = 'active'",
                (
                    f.member_id.to_string(),
                    initials(winner.as_deref().unwrap_or("")),
                ),
            )?;
        }
    }
    Ok(())
}

/// Member columns a field edit may set, by the edit's field name.
fn field_column(field: &str) -> Option<&'static str> {
    Some(match field {
        "phone" => "phone",
        "name" => "name",
        "gender" => "gender",
        "birthday" => "birthday",
        "address" => "address",
        "occupation" => "occupation",
        "tags" => "tags",
        "owner_staff_id" => "owner_staff_id",
        "confirmed_at" => "confirmed_at",
        _ => return None,
    })
}

/// A remote edit, ordered by `order` (its own stamp, or headquarters' clamp of it).
fn field_edited(tx: &Tx<'_>, f: &ev::MemberFieldEditedV1, order: ev::HlcStamp) -> Result<Outcome> {
    let Some(column) = field_column(&f.field) else {
        return Ok(Outcome::Bad(format!("未知的会员字段 {}", f.field)));
    };
    if !member_exists(tx, f.member_id)? {
        return Ok(waiting_for_member(f.member_id));
    }
    let incoming = (order.wall_ms, order.counter, order.device.to_string());
    let latest: Option<(i64, u32, String)> = tx
        .prepare_cached(
            "SELECT hlc_wall_ms, hlc_counter, hlc_device FROM member_field_edit
             WHERE member_id = ?1 AND field = ?2
             ORDER BY hlc_wall_ms DESC, hlc_counter DESC, hlc_device DESC LIMIT 1",
        )?
        .query_row((f.member_id.to_string(), &f.field), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let wins = latest.is_none_or(|l| incoming > l);
    let status: String = tx.query_row(
        "SELECT status FROM member WHERE id = ?1",
        [f.member_id.to_string()],
        |r| r.get(0),
    )?;
    if wins && status == "active" {
        if column == "phone" {
            if let Some(v) = &f.value {
                let clash: Option<String> = tx
                    .query_row(
                        "SELECT id FROM member WHERE phone = ?1 AND status = 'active' AND id <> ?2",
                        (v, f.member_id.to_string()),
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(other) = clash {
                    return Ok(Outcome::Conflict(format!(
                        "新手机号已属本店会员 {other}，等待总部处理"
                    )));
                }
            }
        }
        let old: Option<String> = tx.query_row(
            &format!("SELECT {column} FROM member WHERE id = ?1"),
            [f.member_id.to_string()],
            |r| r.get(0),
        )?;
        tx.execute(
            &format!("UPDATE member SET {column} = ?2, updated_at = ?3 WHERE id = ?1"),
            (f.member_id.to_string(), &f.value, &f.at),
        )?;
        if column == "name" {
            tx.execute(
                "UPDATE member SET name_initials = ?2 WHERE id = ?1",
                (
                    f.member_id.to_string(),
                    initials(f.value.as_deref().unwrap_or("")),
                ),
            )?;
        }
        insert_edit(tx, f, old.as_deref(), order)?;
    } else if status == "active" {
        // A losing edit is history too: who changed what, and when.
        insert_edit(tx, f, None, order)?;
    } else {
        // An anonymized member keeps no personal data, not even in an edit that arrives late:
        // who and when stay, the value does not.
        let blank = ev::MemberFieldEditedV1 {
            value: None,
            ..f.clone()
        };
        insert_edit(tx, &blank, None, order)?;
    }
    hlc::observe(tx, order.into())?;
    Ok(Outcome::Applied)
}

fn insert_edit(
    tx: &Tx<'_>,
    f: &ev::MemberFieldEditedV1,
    old: Option<&str>,
    order: ev::HlcStamp,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO member_field_edit (id, member_id, field, old_value, new_value, at, by_staff,
                                        hlc_wall_ms, hlc_counter, hlc_device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING",
    )?
    .execute(rusqlite::params![
        f.edit_id.to_string(),
        f.member_id.to_string(),
        f.field,
        old,
        f.value,
        f.at,
        f.by_staff.to_string(),
        order.wall_ms,
        order.counter,
        order.device.to_string(),
    ])?;
    Ok(())
}

fn points_entry(tx: &Tx<'_>, pe: &ev::PointsEntryV1) -> Result<Outcome> {
    if !member_exists(tx, pe.member_id)? {
        return Ok(waiting_for_member(pe.member_id));
    }
    for (lot, _) in &pe.draws {
        if !super::exists(tx, "SELECT 1 FROM points_entry WHERE id = ?1", *lot)? {
            return Ok(Outcome::Waiting(format!("积分批次 {lot} 尚未同步到本店")));
        }
    }
    let n = tx
        .prepare_cached(
            "INSERT INTO points_entry (id, member_id, kind, points, expires_on, sale_id, reverses,
                                       reason, by_staff, at, business_date)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(rusqlite::params![
            pe.id.to_string(),
            pe.member_id.to_string(),
            pe.kind,
            pe.points,
            pe.expires_on,
            pe.sale_id.map(|s| s.to_string()),
            pe.reverses.map(|s| s.to_string()),
            pe.reason,
            pe.by_staff.map(|s| s.to_string()),
            pe.at,
            pe.business_date,
        ])?;
    if n == 1 {
        for (lot, points) in &pe.draws {
            tx.prepare_cached(
                "INSERT INTO points_draw (entry_id, lot_id, points) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?
            .execute((pe.id.to_string(), lot.to_string(), points))?;
        }
    }
    Ok(Outcome::Applied)
}

fn coupon_exists(tx: &Tx<'_>, id: uuid::Uuid) -> Result<bool> {
    super::exists(tx, "SELECT 1 FROM coupon WHERE id = ?1", id)
}

fn coupon_issued(tx: &Tx<'_>, c: &ev::CouponIssuedV1) -> Result<Outcome> {
    if !member_exists(tx, c.member_id)? {
        return Ok(waiting_for_member(c.member_id));
    }
    if coupon_exists(tx, c.id)? {
        return Ok(Outcome::Applied);
    }
    if let Some(key) = &c.issue_key {
        let taken: Option<String> = tx
            .prepare_cached("SELECT id FROM coupon WHERE issue_key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?;
        if let Some(other) = taken {
            return Ok(Outcome::Conflict(format!(
                "同一发放批次（{key}）的券已由本店发出（{other}），不重复发放"
            )));
        }
    }
    let fen = |d: rust_decimal::Decimal| crate::money::Money::from_decimal(d).map(|m| m.fen());
    let (Ok(face), Ok(min_spend)) = (fen(c.face), fen(c.min_spend)) else {
        return Ok(Outcome::Bad("券面额或门槛金额格式不正确".into()));
    };
    let cap = match c.cap.map(fen) {
        None => None,
        Some(Ok(cap)) if c.percent.is_some() && cap > 0 => Some(cap),
        Some(_) => return Ok(Outcome::Bad("折扣券的封顶金额不正确".into())),
    };
    if c.percent.is_some_and(|p| !(1..=99).contains(&p)) {
        return Ok(Outcome::Bad("折扣券的减免比例须为 1–99".into()));
    }
    let products =
        serde_json::to_string(&c.scope_products).map_err(crate::error::PosError::storage)?;
    let categories =
        serde_json::to_string(&c.scope_categories).map_err(crate::error::PosError::storage)?;
    tx.prepare_cached(
        "INSERT INTO coupon (id, member_id, kind, face_fen, min_spend_fen, valid_from, valid_until,
                             issue_key, reason, issued_at, issued_by, percent, cap_fen,
                             scope_products, scope_categories)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(rusqlite::params![
        c.id.to_string(),
        c.member_id.to_string(),
        c.kind,
        face,
        min_spend,
        c.valid_from,
        c.valid_until,
        c.issue_key,
        c.reason,
        c.issued_at,
        c.issued_by.map(|s| s.to_string()),
        c.percent,
        cap,
        products,
        categories,
    ])?;
    Ok(Outcome::Applied)
}

/// A member's spend at another store counts towards their tier here too (tiers are chain-wide).
fn member_spend(tx: &Tx<'_>, m: &ev::MemberSpendV1) -> Result<Outcome> {
    if !member_exists(tx, m.member_id)? {
        return Ok(waiting_for_member(m.member_id));
    }
    let Ok(net) = crate::money::Money::from_decimal(m.net) else {
        return Ok(Outcome::Bad("消费金额格式不正确".into()));
    };
    let fact = crate::member::tier::SpendFact {
        id: m.id,
        member: m.member_id,
        store: m.store_id,
        business_date: &m.business_date,
        net_fen: net.fen(),
        at: &m.at,
    };
    if crate::member::tier::keep_spend(tx, &fact)? {
        let reason = if net.fen() < 0 { "return" } else { "sale" };
        crate::member::tier::recompute(tx, MemberId(m.member_id), reason)?;
    }
    Ok(Outcome::Applied)
}
