//! Projections: what headquarters derives from the events, inside the push transaction.
//!
//! Facts (sales, returns, points entries, coupons, consents, health items) are keyed by their own
//! ids and inserted once, so any order of arrival gives the same tables. The mutable parts follow
//! rules that are order-independent too:
//! - member fields: last writer wins per field by HLC stamp (wall_ms, counter, device), ties by
//!   event id; a stamp more than [`MAX_CLOCK_LEAD_MS`] ahead of headquarters' clock at receipt
//!   is clamped for ordering (the event keeps the original);
//! - consent: per (member, scope) the latest by `at`, a withdrawal winning a tie;
//! - health items: an item is present unless a removal of its id exists;
//! - the same phone registered twice: the earliest registration (created_at, then id)
//!   survives, the others get `merged_into` and headquarters emits `member.merged@1`.
//!
//! Every projection is written for a set of events (`unnest` of one array per column): a push
//! applies its whole batch a table at a time, and the careful path applies one event through the
//! very same statements.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use deadpool_postgres::Transaction;
use pos_sync_proto::catalogue::*;
use pos_sync_proto::{payload_hash, Envelope, Payload, HQ_STORE};
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;
use uuid::Uuid;

/// How far ahead of headquarters' clock a till's HLC stamp may be before it is clamped.
pub const MAX_CLOCK_LEAD_MS: i64 = 5 * 60 * 1000;

// Statements are prepared once per connection (deadpool's statement cache): a push runs the same
// few statements for thousands of events, and preparing a query string again costs a round trip.
type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

async fn exec(
    tx: &Transaction<'_>,
    sql: &str,
    params: Params<'_>,
) -> Result<u64, tokio_postgres::Error> {
    let st = tx.prepare_cached(sql).await?;
    tx.execute(&st, params).await
}

async fn one(
    tx: &Transaction<'_>,
    sql: &str,
    params: Params<'_>,
) -> Result<Row, tokio_postgres::Error> {
    let st = tx.prepare_cached(sql).await?;
    tx.query_one(&st, params).await
}

async fn opt(
    tx: &Transaction<'_>,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<Row>, tokio_postgres::Error> {
    let st = tx.prepare_cached(sql).await?;
    tx.query_opt(&st, params).await
}

async fn all(
    tx: &Transaction<'_>,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<Row>, tokio_postgres::Error> {
    let st = tx.prepare_cached(sql).await?;
    tx.query(&st, params).await
}

/// The member fields an edit may change (`member.field_edited@1`).
pub const MEMBER_FIELDS: &[&str] = &[
    "name",
    "phone",
    "gender",
    "birthday",
    "address",
    "occupation",
    "tags",
    "owner_staff_id",
];

/// The circumstances of one push.
#[derive(Debug, Clone, Copy)]
pub struct Receipt {
    /// Headquarters' clock when the batch arrived.
    pub now: DateTime<Utc>,
    /// The pushing store (the token's).
    pub store: Uuid,
}

#[derive(Debug)]
pub enum ProjectionError {
    /// The payload parsed but says something impossible (quarantined as bad_payload).
    Invalid(String),
    Db(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for ProjectionError {
    fn from(e: tokio_postgres::Error) -> Self {
        ProjectionError::Db(e)
    }
}

type R = Result<(), ProjectionError>;

/// Applies one newly stored event (the careful path: one event in its own savepoint).
pub async fn apply(tx: &Transaction<'_>, env: &Envelope, payload: &Payload, r: &Receipt) -> R {
    apply_all(tx, &[(env, payload)], r).await
}

/// Applies newly stored events, a set per table: one statement for all the batch's points
/// entries, one for its sales, and so on, so a batch of 500 costs a few dozen round trips
/// instead of thousands. Facts are order-independent (keyed by their ids); member field edits
/// and anonymizations are applied one by one in batch order after the registrations. Kinds
/// without a projection (staff, catalog, settings, rules, tiers) are kept in the event log only.
pub async fn apply_all(tx: &Transaction<'_>, events: &[(&Envelope, &Payload)], r: &Receipt) -> R {
    let g = Groups::of(events);
    ensure_members(tx, &g.members).await?;
    registrations(tx, &g.registered, r).await?;
    for (env, payload) in &g.member_edits {
        match payload {
            Payload::MemberFieldEdited(p) => field_edited(tx, env, p, r).await?,
            Payload::MemberAnonymized(p) => anonymized(tx, p).await?,
            _ => {}
        }
    }
    consents(tx, &g.consents).await?;
    health_items_added(tx, &g.health_added).await?;
    health_items_removed(tx, &g.health_removed).await?;
    points_entries(tx, &g.points).await?;
    coupons_issued(tx, &g.coupons_issued).await?;
    coupons_used(tx, &g.coupons_used).await?;
    let mut spends = sales(tx, &g.sales, r).await?;
    spends.extend(returns(tx, &g.returns, r).await?);
    // What the other tills learn of sales and returns: the member's spend (never the sale
    // itself: it carries prescriptions and ID numbers).
    let spends: Vec<Payload> = spends.into_iter().map(Payload::MemberSpend).collect();
    emit_all(tx, &spends, r.now).await?;
    Ok(())
}

/// A batch's events grouped by what they change.
#[derive(Default)]
struct Groups<'a> {
    /// Every member an event names: its row is made first, registered or not yet.
    members: Vec<Uuid>,
    registered: Vec<(&'a Envelope, &'a MemberRegisteredV1)>,
    /// Field edits and anonymizations, in batch order.
    member_edits: Vec<(&'a Envelope, &'a Payload)>,
    consents: Vec<&'a MemberConsentV1>,
    health_added: Vec<&'a HealthItemAddedV1>,
    health_removed: Vec<&'a HealthItemRemovedV1>,
    points: Vec<(&'a Envelope, &'a PointsEntryV1)>,
    coupons_issued: Vec<(&'a Envelope, &'a CouponIssuedV1)>,
    coupons_used: Vec<(&'a Envelope, &'a CouponUsedV1)>,
    sales: Vec<(&'a Envelope, &'a SaleCommittedV1)>,
    returns: Vec<(&'a Envelope, &'a ReturnCommittedV1)>,
}

impl<'a> Groups<'a> {
    fn of(events: &[(&'a Envelope, &'a Payload)]) -> Self {
        let mut g = Groups::default();
        for &(env, payload) in events {
            match payload {
                Payload::MemberRegistered(p) => {
                    g.members.push(p.id);
                    g.registered.push((env, p));
                }
                Payload::MemberFieldEdited(MemberFieldEditedV1 { member_id, .. })
                | Payload::MemberAnonymized(MemberAnonymizedV1 { member_id, .. }) => {
                    g.members.push(*member_id);
                    g.member_edits.push((env, payload));
                }
                Payload::MemberConsent(p) => {
                    g.members.push(p.member_id);
                    g.consents.push(p);
                }
                Payload::HealthItemAdded(p) => {
                    g.members.push(p.member_id);
                    g.health_added.push(p);
                }
                Payload::HealthItemRemoved(p) => {
                    g.members.push(p.member_id);
                    g.health_removed.push(p);
                }
                Payload::PointsEntry(p) => {
                    g.members.push(p.member_id);
                    g.points.push((env, p));
                }
                Payload::CouponIssued(p) => g.coupons_issued.push((env, p)),
                Payload::CouponUsed(p) => g.coupons_used.push((env, p)),
                Payload::SaleCommitted(p) => g.sales.push((env, p)),
                Payload::ReturnCommitted(p) => g.returns.push((env, p)),
                _ => {}
            }
        }
        g.members.sort_unstable();
        g.members.dedup();
        g
    }
}

/// The stamp as headquarters orders it.
pub fn clamp(stamp: HlcStamp, now: DateTime<Utc>) -> HlcStamp {
    HlcStamp {
        wall_ms: stamp
            .wall_ms
            .min(now.timestamp_millis() + MAX_CLOCK_LEAD_MS),
        ..stamp
    }
}

/// A member row exists for every member an event names, registered or not yet.
async fn ensure_members(tx: &Transaction<'_>, ids: &[Uuid]) -> R {
    if !ids.is_empty() {
        exec(
            tx,
            "INSERT INTO member (id) SELECT id FROM unnest($1::uuid[]) AS t(id)
             ON CONFLICT (id) DO NOTHING",
            &[&ids],
        )
        .await?;
    }
    Ok(())
}

/// A value offered for one member field, with the stamp its till wrote it at.
struct Offer<'a> {
    member: Uuid,
    field: &'a str,
    value: Option<&'a str>,
    stamp: HlcStamp,
    event_id: Uuid,
}

/// Offers values for member fields; each wins if its (clamped) stamp is greater than the stored
/// winner's. An anonymized member keeps no personal data, even from edits that arrive later.
/// At most one offer per (member, field) in one call.
async fn offer_fields(tx: &Transaction<'_>, offers: &[Offer<'_>], r: &Receipt) -> R {
    if offers.is_empty() {
        return Ok(());
    }
    let mut members = Vec::with_capacity(offers.len());
    let mut fields = Vec::with_capacity(offers.len());
    let mut values = Vec::with_capacity(offers.len());
    let mut walls = Vec::with_capacity(offers.len());
    let mut counters = Vec::with_capacity(offers.len());
    let mut devices = Vec::with_capacity(offers.len());
    let mut events = Vec::with_capacity(offers.len());
    let mut orig_walls = Vec::with_capacity(offers.len());
    for o in offers {
        let effective = clamp(o.stamp, r.now);
        members.push(o.member);
        fields.push(o.field);
        values.push(o.value);
        walls.push(effective.wall_ms);
        counters.push(i64::from(effective.counter));
        devices.push(effective.device);
        events.push(o.event_id);
        orig_walls.push(o.stamp.wall_ms);
    }
    exec(
        tx,
        "INSERT INTO member_field (member_id, field, value, wall_ms, counter, device, event_id, orig_wall_ms)
         SELECT o.member_id, o.field, CASE WHEN m.anonymized_at IS NULL THEN o.value END,
                o.wall_ms, o.counter, o.device, o.event_id, o.orig_wall_ms
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::uuid[],
                     $7::uuid[], $8::int8[])
              AS o(member_id, field, value, wall_ms, counter, device, event_id, orig_wall_ms)
         JOIN member m ON m.id = o.member_id
         ON CONFLICT (member_id, field) DO UPDATE SET
             value = EXCLUDED.value, wall_ms = EXCLUDED.wall_ms, counter = EXCLUDED.counter,
             device = EXCLUDED.device, event_id = EXCLUDED.event_id,
             orig_wall_ms = EXCLUDED.orig_wall_ms
         WHERE (EXCLUDED.wall_ms, EXCLUDED.counter, EXCLUDED.device, EXCLUDED.event_id)
             > (member_field.wall_ms, member_field.counter, member_field.device, member_field.event_id)",
        &[
            &members,
            &fields,
            &values,
            &walls,
            &counters,
            &devices,
            &events,
            &orig_walls,
        ],
    )
    .await?;
    Ok(())
}

/// Copies the winning field values into the member rows (empty when anonymized).
async fn refresh_members(tx: &Transaction<'_>, ids: &[Uuid]) -> R {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        let sets: Vec<String> = MEMBER_FIELDS
            .iter()
            .map(|f| format!("{f} = CASE WHEN m.anonymized_at IS NULL THEN f.{f} END"))
            .collect();
        let cols: Vec<String> = MEMBER_FIELDS
            .iter()
            .map(|f| format!("max(value) FILTER (WHERE field = '{f}') AS {f}"))
            .collect();
        format!(
            "UPDATE member m SET {}
             FROM (SELECT member_id, {} FROM member_field
                   WHERE member_id = ANY($1) GROUP BY member_id) f
             WHERE m.id = f.member_id",
            sets.join(", "),
            cols.join(", ")
        )
    });
    if !ids.is_empty() {
        exec(tx, sql, &[&ids]).await?;
    }
    Ok(())
}

async fn registrations(
    tx: &Transaction<'_>,
    regs: &[(&Envelope, &MemberRegisteredV1)],
    r: &Receipt,
) -> R {
    if regs.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = regs.iter().map(|(_, p)| p.id).collect();
    let cards: Vec<&str> = regs.iter().map(|(_, p)| p.card_no.as_str()).collect();
    let stores: Vec<Uuid> = regs.iter().map(|(env, _)| env.store_id).collect();
    let by: Vec<Uuid> = regs.iter().map(|(_, p)| p.registered_by).collect();
    let created: Vec<&str> = regs.iter().map(|(_, p)| p.created_at.as_str()).collect();
    exec(
        tx,
        "UPDATE member m SET registered = true, card_no = n.card_no, store_id = n.store_id,
             registered_by = n.registered_by, created_at = n.created_at::timestamptz
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[])
              AS n(id, card_no, store_id, registered_by, created_at)
         WHERE m.id = n.id",
        &[&ids, &cards, &stores, &by, &created],
    )
    .await?;
    let mut offers = Vec::with_capacity(regs.len() * 7);
    for (env, p) in regs {
        let fields: [(&str, Option<&str>); 7] = [
            ("phone", Some(&p.phone)),
            ("name", Some(&p.name)),
            ("gender", Some(&p.gender)),
            ("birthday", p.birthday.as_deref()),
            ("address", Some(&p.address)),
            ("occupation", Some(&p.occupation)),
            ("tags", Some(&p.tags)),
        ];
        offers.extend(fields.into_iter().map(|(field, value)| Offer {
            member: p.id,
            field,
            value,
            stamp: p.hlc,
            event_id: env.event_id,
        }));
    }
    offer_fields(tx, &offers, r).await?;
    refresh_members(tx, &ids).await?;
    reconcile_phones_of(tx, &ids, r).await
}

async fn field_edited(
    tx: &Transaction<'_>,
    env: &Envelope,
    p: &MemberFieldEditedV1,
    r: &Receipt,
) -> R {
    if !MEMBER_FIELDS.contains(&p.field.as_str()) {
        return Err(ProjectionError::Invalid(format!(
            "会员资料没有“{}”这一项",
            p.field
        )));
    }
    let offer = Offer {
        member: p.member_id,
        field: &p.field,
        value: p.value.as_deref(),
        stamp: p.hlc,
        event_id: env.event_id,
    };
    offer_fields(tx, &[offer], r).await?;
    refresh_members(tx, &[p.member_id]).await?;
    if p.field == "phone" {
        reconcile_phones_of(tx, &[p.member_id], r).await?;
    }
    Ok(())
}

async fn anonymized(tx: &Transaction<'_>, p: &MemberAnonymizedV1) -> R {
    // LEAST ignores NULL: the first anonymization sets it, a repeated one keeps the earliest.
    exec(
        tx,
        "UPDATE member SET anonymized_at = LEAST(anonymized_at, $2::text::timestamptz) WHERE id = $1",
        &[&p.member_id, &p.at],
    )
    .await?;
    exec(
        tx,
        "UPDATE member_field SET value = NULL WHERE member_id = $1",
        &[&p.member_id],
    )
    .await?;
    refresh_members(tx, &[p.member_id]).await
}

async fn consents(tx: &Transaction<'_>, cs: &[&MemberConsentV1]) -> R {
    if cs.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = cs.iter().map(|p| p.event.id).collect();
    let members: Vec<Uuid> = cs.iter().map(|p| p.member_id).collect();
    let scopes: Vec<&str> = cs.iter().map(|p| p.event.scope.as_str()).collect();
    let granted: Vec<bool> = cs.iter().map(|p| p.event.granted).collect();
    let notices: Vec<&str> = cs.iter().map(|p| p.event.notice_version.as_str()).collect();
    let ats: Vec<&str> = cs.iter().map(|p| p.event.at.as_str()).collect();
    let by: Vec<Uuid> = cs.iter().map(|p| p.event.by_staff).collect();
    exec(
        tx,
        "INSERT INTO consent_event (id, member_id, scope, granted, notice_version, at, by_staff)
         SELECT id, member_id, scope, granted, notice_version, at::timestamptz, by_staff
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bool[], $5::text[], $6::text[],
                     $7::uuid[]) AS c(id, member_id, scope, granted, notice_version, at, by_staff)
         ON CONFLICT (id) DO NOTHING",
        &[&ids, &members, &scopes, &granted, &notices, &ats, &by],
    )
    .await?;
    // The latest by `at`; on a tie a withdrawal (NOT granted = true) beats a grant; then the id.
    // DISTINCT ON picks that winner within the batch, the WHERE against what is stored.
    exec(
        tx,
        "INSERT INTO member_consent (member_id, scope, granted, at, consent_id)
         SELECT DISTINCT ON (member_id, scope) member_id, scope, granted, at, id
         FROM (SELECT id, member_id, scope, granted, at::timestamptz AS at
               FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bool[], $5::text[])
                    AS u(id, member_id, scope, granted, at)) c
         ORDER BY member_id, scope, at DESC, (NOT granted) DESC, id DESC
         ON CONFLICT (member_id, scope) DO UPDATE SET
             granted = EXCLUDED.granted, at = EXCLUDED.at, consent_id = EXCLUDED.consent_id
         WHERE (EXCLUDED.at, NOT EXCLUDED.granted, EXCLUDED.consent_id)
             > (member_consent.at, NOT member_consent.granted, member_consent.consent_id)",
        &[&ids, &members, &scopes, &granted, &ats],
    )
    .await?;
    Ok(())
}

async fn health_items_added(tx: &Transaction<'_>, items: &[&HealthItemAddedV1]) -> R {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = items.iter().map(|p| p.item.id).collect();
    let members: Vec<Uuid> = items.iter().map(|p| p.member_id).collect();
    let kinds: Vec<&str> = items.iter().map(|p| p.item.kind.as_str()).collect();
    let codes: Vec<&str> = items.iter().map(|p| p.item.code.as_str()).collect();
    let notes: Vec<&str> = items.iter().map(|p| p.item.note.as_str()).collect();
    let ats: Vec<&str> = items.iter().map(|p| p.item.added_at.as_str()).collect();
    let by: Vec<Uuid> = items.iter().map(|p| p.item.added_by).collect();
    exec(
        tx,
        "INSERT INTO health_item (id, member_id, kind, code, note, added_at, added_by)
         SELECT id, member_id, kind, code, note, added_at::timestamptz, added_by
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::uuid[]) AS h(id, member_id, kind, code, note, added_at, added_by)
         ON CONFLICT (id) DO NOTHING",
        &[&ids, &members, &kinds, &codes, &notes, &ats, &by],
    )
    .await?;
    Ok(())
}

async fn health_items_removed(tx: &Transaction<'_>, items: &[&HealthItemRemovedV1]) -> R {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = items.iter().map(|p| p.item_id).collect();
    let members: Vec<Uuid> = items.iter().map(|p| p.member_id).collect();
    let ats: Vec<&str> = items.iter().map(|p| p.at.as_str()).collect();
    let by: Vec<Uuid> = items.iter().map(|p| p.by_staff).collect();
    exec(
        tx,
        "INSERT INTO health_item_removal (item_id, member_id, at, by_staff)
         SELECT item_id, member_id, at::timestamptz, by_staff
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[]) AS h(item_id, member_id, at, by_staff)
         ON CONFLICT (item_id) DO NOTHING",
        &[&ids, &members, &ats, &by],
    )
    .await?;
    Ok(())
}

async fn points_entries(tx: &Transaction<'_>, entries: &[(&Envelope, &PointsEntryV1)]) -> R {
    if entries.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = entries.iter().map(|(_, p)| p.id).collect();
    let members: Vec<Uuid> = entries.iter().map(|(_, p)| p.member_id).collect();
    let kinds: Vec<&str> = entries.iter().map(|(_, p)| p.kind.as_str()).collect();
    let points: Vec<i64> = entries.iter().map(|(_, p)| p.points).collect();
    let expires: Vec<Option<&str>> = entries
        .iter()
        .map(|(_, p)| p.expires_on.as_deref())
        .collect();
    let sales: Vec<Option<Uuid>> = entries.iter().map(|(_, p)| p.sale_id).collect();
    let reverses: Vec<Option<Uuid>> = entries.iter().map(|(_, p)| p.reverses).collect();
    let reasons: Vec<&str> = entries.iter().map(|(_, p)| p.reason.as_str()).collect();
    let ats: Vec<&str> = entries.iter().map(|(_, p)| p.at.as_str()).collect();
    let dates: Vec<&str> = entries
        .iter()
        .map(|(_, p)| p.business_date.as_str())
        .collect();
    let stores: Vec<Uuid> = entries.iter().map(|(env, _)| env.store_id).collect();
    exec(
        tx,
        "INSERT INTO points_entry (id, member_id, kind, points, expires_on, sale_id, reverses,
             reason, at, business_date, store_id)
         SELECT id, member_id, kind, points, expires_on::date, sale_id, reverses, reason,
                at::timestamptz, business_date::date, store_id
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int8[], $5::text[], $6::uuid[],
                     $7::uuid[], $8::text[], $9::text[], $10::text[], $11::uuid[])
              AS p(id, member_id, kind, points, expires_on, sale_id, reverses, reason, at,
                   business_date, store_id)
         ON CONFLICT (id) DO NOTHING",
        &[
            &ids, &members, &kinds, &points, &expires, &sales, &reverses, &reasons, &ats, &dates,
            &stores,
        ],
    )
    .await?;
    Ok(())
}

async fn coupons_issued(tx: &Transaction<'_>, coupons: &[(&Envelope, &CouponIssuedV1)]) -> R {
    if coupons.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = coupons.iter().map(|(_, p)| p.id).collect();
    let members: Vec<Uuid> = coupons.iter().map(|(_, p)| p.member_id).collect();
    let kinds: Vec<&str> = coupons.iter().map(|(_, p)| p.kind.as_str()).collect();
    let faces: Vec<String> = coupons.iter().map(|(_, p)| p.face.to_string()).collect();
    let mins: Vec<String> = coupons
        .iter()
        .map(|(_, p)| p.min_spend.to_string())
        .collect();
    let froms: Vec<&str> = coupons.iter().map(|(_, p)| p.valid_from.as_str()).collect();
    let untils: Vec<&str> = coupons
        .iter()
        .map(|(_, p)| p.valid_until.as_str())
        .collect();
    let keys: Vec<Option<&str>> = coupons
        .iter()
        .map(|(_, p)| p.issue_key.as_deref())
        .collect();
    let reasons: Vec<&str> = coupons.iter().map(|(_, p)| p.reason.as_str()).collect();
    let ats: Vec<&str> = coupons.iter().map(|(_, p)| p.issued_at.as_str()).collect();
    let by: Vec<Option<Uuid>> = coupons.iter().map(|(_, p)| p.issued_by).collect();
    let stores: Vec<Uuid> = coupons.iter().map(|(env, _)| env.store_id).collect();
    let percents: Vec<Option<i32>> = coupons
        .iter()
        .map(|(_, p)| p.percent.and_then(|v| i32::try_from(v).ok()))
        .collect();
    let caps: Vec<Option<String>> = coupons
        .iter()
        .map(|(_, p)| p.cap.map(|c| c.to_string()))
        .collect();
    // Arrays of different lengths cannot be unnested side by side: each scope travels as JSON.
    let products: Vec<String> = coupons
        .iter()
        .map(|(_, p)| serde_json::json!(p.scope_products).to_string())
        .collect();
    let categories: Vec<String> = coupons
        .iter()
        .map(|(_, p)| serde_json::json!(p.scope_categories).to_string())
        .collect();
    exec(
        tx,
        "INSERT INTO coupon (id, member_id, kind, face, min_spend, valid_from, valid_until,
             issue_key, reason, issued_at, issued_by, store_id, percent, cap, scope_products,
             scope_categories)
         SELECT id, member_id, kind, face::numeric, min_spend::numeric, valid_from, valid_until,
                issue_key, reason, issued_at::timestamptz, issued_by, store_id, percent,
                cap::numeric,
                ARRAY(SELECT jsonb_array_elements_text(products::jsonb))::uuid[],
                ARRAY(SELECT jsonb_array_elements_text(categories::jsonb))
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::text[], $11::uuid[], $12::uuid[],
                     $13::int4[], $14::text[], $15::text[], $16::text[])
              AS c(id, member_id, kind, face, min_spend, valid_from, valid_until, issue_key,
                   reason, issued_at, issued_by, store_id, percent, cap, products, categories)
         ON CONFLICT (id) DO NOTHING",
        &[
            &ids,
            &members,
            &kinds,
            &faces,
            &mins,
            &froms,
            &untils,
            &keys,
            &reasons,
            &ats,
            &by,
            &stores,
            &percents,
            &caps,
            &products,
            &categories,
        ],
    )
    .await?;
    Ok(())
}

async fn coupons_used(tx: &Transaction<'_>, uses: &[(&Envelope, &CouponUsedV1)]) -> R {
    if uses.is_empty() {
        return Ok(());
    }
    let coupons: Vec<Uuid> = uses.iter().map(|(_, p)| p.coupon_id).collect();
    let sales: Vec<Uuid> = uses.iter().map(|(_, p)| p.sale_id).collect();
    let members: Vec<Uuid> = uses.iter().map(|(_, p)| p.member_id).collect();
    let ats: Vec<&str> = uses.iter().map(|(_, p)| p.at.as_str()).collect();
    let by: Vec<Uuid> = uses.iter().map(|(_, p)| p.by_staff).collect();
    let stores: Vec<Uuid> = uses.iter().map(|(env, _)| env.store_id).collect();
    exec(
        tx,
        "INSERT INTO coupon_use (coupon_id, sale_id, member_id, at, by_staff, store_id)
         SELECT coupon_id, sale_id, member_id, at::timestamptz, by_staff, store_id
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[])
              AS u(coupon_id, sale_id, member_id, at, by_staff, store_id)
         ON CONFLICT (coupon_id, sale_id) DO NOTHING",
        &[&coupons, &sales, &members, &ats, &by, &stores],
    )
    .await?;
    Ok(())
}

/// Stores the sales not stored before, with their lines; returns the member spends to
/// announce and records each ephedrine purchase by the buyer's ID digest.
async fn sales(
    tx: &Transaction<'_>,
    sales: &[(&Envelope, &SaleCommittedV1)],
    r: &Receipt,
) -> Result<Vec<MemberSpendV1>, ProjectionError> {
    if sales.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = sales.iter().map(|(_, p)| p.sale.id).collect();
    let stores: Vec<Uuid> = sales.iter().map(|(env, _)| env.store_id).collect();
    let devices: Vec<Uuid> = sales.iter().map(|(env, _)| env.device_id).collect();
    let receipts: Vec<&str> = sales
        .iter()
        .map(|(_, p)| p.sale.receipt_no.as_str())
        .collect();
    let dates: Vec<&str> = sales
        .iter()
        .map(|(_, p)| p.sale.business_date.as_str())
        .collect();
    let ats: Vec<&str> = sales.iter().map(|(_, p)| p.sale.at.as_str()).collect();
    let members: Vec<Option<Uuid>> = sales
        .iter()
        .map(|(_, p)| p.sale.member.as_ref().map(|m| m.id))
        .collect();
    let payables: Vec<String> = sales
        .iter()
        .map(|(_, p)| p.sale.payable.to_string())
        .collect();
    let used: Vec<i64> = sales.iter().map(|(_, p)| p.sale.points_used).collect();
    let earned: Vec<i64> = sales.iter().map(|(_, p)| p.sale.points_earned).collect();
    let rows = all(
        tx,
        "INSERT INTO sale (id, store_id, device_id, receipt_no, business_date, at, member_id,
             payable, points_used, points_earned)
         SELECT id, store_id, device_id, receipt_no, business_date::date, at::timestamptz,
                member_id, payable::numeric, points_used, points_earned
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                     $7::uuid[], $8::text[], $9::int8[], $10::int8[])
              AS s(id, store_id, device_id, receipt_no, business_date, at, member_id, payable,
                   points_used, points_earned)
         ON CONFLICT (id) DO NOTHING
         RETURNING id",
        &[
            &ids, &stores, &devices, &receipts, &dates, &ats, &members, &payables, &used, &earned,
        ],
    )
    .await?;
    let mut new: HashSet<Uuid> = rows.iter().map(|row| row.get(0)).collect();
    // A sale stored before (or twice in this batch) is skipped whole, as one statement would.
    let new_sales: Vec<&(&Envelope, &SaleCommittedV1)> = sales
        .iter()
        .filter(|(_, p)| new.remove(&p.sale.id))
        .collect();
    let mut line_ids = Vec::new();
    let mut line_sales = Vec::new();
    let mut products = Vec::new();
    let mut barcodes = Vec::new();
    let mut names = Vec::new();
    let mut quantities = Vec::new();
    let mut prices = Vec::new();
    let mut nets = Vec::new();
    for (_, p) in &new_sales {
        for l in &p.sale.lines {
            line_ids.push(l.id);
            line_sales.push(p.sale.id);
            products.push(l.product_id);
            barcodes.push(l.barcode.as_str());
            names.push(l.name.as_str());
            quantities.push(
                i32::try_from(l.quantity).map_err(|_| {
                    ProjectionError::Invalid(format!("数量 {} 超出范围", l.quantity))
                })?,
            );
            prices.push(l.unit_price.to_string());
            nets.push(l.final_net.to_string());
        }
    }
    if !line_ids.is_empty() {
        exec(
            tx,
            "INSERT INTO sale_line (id, sale_id, product_id, barcode, name, quantity, unit_price, final_net)
             SELECT id, sale_id, product_id, barcode, name, quantity, unit_price::numeric,
                    final_net::numeric
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int4[],
                         $7::text[], $8::text[])
                  AS l(id, sale_id, product_id, barcode, name, quantity, unit_price, final_net)
             ON CONFLICT (id) DO NOTHING",
            &[
                &line_ids,
                &line_sales,
                &products,
                &barcodes,
                &names,
                &quantities,
                &prices,
                &nets,
            ],
        )
        .await?;
    }
    trace_codes_sold(tx, &new_sales, r).await?;
    let mut spends = Vec::new();
    for (env, p) in new_sales {
        let s = &p.sale;
        if let Some(m) = &s.member {
            spends.push(MemberSpendV1 {
                id: s.id,
                member_id: m.id,
                store_id: env.store_id,
                business_date: s.business_date.clone(),
                net: s.payable,
                at: s.at.clone(),
            });
        }
        if let Some((_, id_number)) = &p.ephedrine_buyer {
            ephedrine_purchase(tx, env, p, id_number, r).await?;
        }
    }
    Ok(spends)
}

/// The 药品追溯码 of newly stored sales, one row per pack.
async fn trace_codes_sold(
    tx: &Transaction<'_>,
    sales: &[&(&Envelope, &SaleCommittedV1)],
    r: &Receipt,
) -> R {
    let (mut codes, mut sale_ids, mut lines, mut stores, mut dates) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (env, p) in sales {
        for l in &p.sale.lines {
            for c in &l.trace_codes {
                codes.push(c.code.as_str());
                sale_ids.push(p.sale.id);
                lines.push(l.id);
                stores.push(env.store_id);
                dates.push(p.sale.business_date.as_str());
            }
        }
    }
    if codes.is_empty() {
        return Ok(());
    }
    exec(
        tx,
        "INSERT INTO trace_code_sale (code, sale_id, sale_line_id, store_id, business_date)
         SELECT code, sale_id, line_id, store_id, business_date::date
         FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[])
              AS t(code, sale_id, line_id, store_id, business_date)
         ON CONFLICT DO NOTHING",
        &[&codes, &sale_ids, &lines, &stores, &dates],
    )
    .await?;
    trace_conflicts(tx, &codes, r).await
}

/// Tells every till where each of `codes` is out (`trace.conflict@1`), for the codes sold more
/// than once in the chain: a new conflict, a longer list, or a list a return made short again
/// (which clears the flag at the tills). A code sold once, the usual case, sends nothing.
async fn trace_conflicts(tx: &Transaction<'_>, codes: &[&str], r: &Receipt) -> R {
    let repeated: Vec<String> = all(
        tx,
        "SELECT code FROM trace_code_sale WHERE code = ANY($1::text[])
         GROUP BY code HAVING count(*) > 1",
        &[&codes],
    )
    .await?
    .iter()
    .map(|row| row.get(0))
    .collect();
    if repeated.is_empty() {
        return Ok(());
    }
    let rows = all(
        tx,
        "SELECT t.code, t.sale_id, t.store_id, coalesce(st.name, ''), coalesce(s.receipt_no, ''),
                t.business_date::text
         FROM trace_code_sale t
         LEFT JOIN sale s ON s.id = t.sale_id
         LEFT JOIN store st ON st.id = t.store_id
         WHERE t.code = ANY($1::text[]) AND t.returned_by IS NULL
         ORDER BY t.business_date, s.receipt_no",
        &[&repeated],
    )
    .await?;
    let mut lists: std::collections::BTreeMap<String, Vec<TraceConflictSaleV1>> =
        repeated.into_iter().map(|c| (c, Vec::new())).collect();
    for row in rows {
        if let Some(list) = lists.get_mut(&row.get::<_, String>(0)) {
            list.push(TraceConflictSaleV1 {
                sale_id: row.get(1),
                store_id: row.get(2),
                store_name: row.get(3),
                receipt_no: row.get(4),
                business_date: row.get(5),
            });
        }
    }
    let payloads: Vec<Payload> = lists
        .into_iter()
        .map(|(code, sales)| Payload::TraceConflict(TraceConflictV1 { code, sales }))
        .collect();
    emit_all(tx, &payloads, r.now).await?;
    Ok(())
}

/// What other tills learn of an ephedrine sale: the buyer's ID digest and the packages.
async fn ephedrine_purchase(
    tx: &Transaction<'_>,
    env: &Envelope,
    p: &SaleCommittedV1,
    id_number: &str,
    r: &Receipt,
) -> R {
    let (key_id, key) = chain_key(tx, r).await?;
    let packages: u32 = p
        .sale
        .lines
        .iter()
        .filter(|l| l.ephedrine)
        .map(|l| l.quantity)
        .sum();
    let purchase = EphedrinePurchaseV1 {
        sale_id: p.sale.id,
        store_id: env.store_id,
        key_id,
        digest: pos_sync_proto::catalogue::id_digest(&key, id_number),
        business_date: p.sale.business_date.clone(),
        packages,
    };
    emit_all(tx, &[Payload::EphedrinePurchase(purchase)], r.now).await?;
    Ok(())
}

/// Stores the returns not stored before; returns the (negative) member spends to announce.
async fn returns(
    tx: &Transaction<'_>,
    returns: &[(&Envelope, &ReturnCommittedV1)],
    r: &Receipt,
) -> Result<Vec<MemberSpendV1>, ProjectionError> {
    if returns.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = returns.iter().map(|(_, p)| p.id).collect();
    let sales: Vec<Uuid> = returns.iter().map(|(_, p)| p.sale_id).collect();
    let stores: Vec<Uuid> = returns.iter().map(|(env, _)| env.store_id).collect();
    let receipts: Vec<&str> = returns.iter().map(|(_, p)| p.receipt_no.as_str()).collect();
    let dates: Vec<&str> = returns
        .iter()
        .map(|(_, p)| p.business_date.as_str())
        .collect();
    let ats: Vec<&str> = returns.iter().map(|(_, p)| p.at.as_str()).collect();
    let refunds: Vec<String> = returns.iter().map(|(_, p)| p.refund.to_string()).collect();
    let taken: Vec<i64> = returns.iter().map(|(_, p)| p.points_taken_back).collect();
    let given: Vec<i64> = returns.iter().map(|(_, p)| p.points_given_back).collect();
    let rows = all(
        tx,
        "WITH new AS (
             INSERT INTO sale_return (id, sale_id, store_id, receipt_no, business_date, at, refund,
                 points_taken_back, points_given_back)
             SELECT id, sale_id, store_id, receipt_no, business_date::date, at::timestamptz,
                    refund::numeric, points_taken_back, points_given_back
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::int8[], $9::int8[])
                  AS r(id, sale_id, store_id, receipt_no, business_date, at, refund,
                       points_taken_back, points_given_back)
             ON CONFLICT (id) DO NOTHING
             RETURNING id, sale_id
         )
         SELECT new.id, s.member_id FROM new LEFT JOIN sale s ON s.id = new.sale_id",
        &[
            &ids, &sales, &stores, &receipts, &dates, &ats, &refunds, &taken, &given,
        ],
    )
    .await?;
    let mut new: HashMap<Uuid, Option<Uuid>> =
        rows.iter().map(|row| (row.get(0), row.get(1))).collect();
    // The packs a new return brought back: their codes are no longer out.
    let (mut back_codes, mut back_lines, mut back_by) = (Vec::new(), Vec::new(), Vec::new());
    for (_, p) in returns.iter().filter(|(_, p)| new.contains_key(&p.id)) {
        for l in &p.lines {
            for c in &l.trace_codes {
                back_codes.push(c.as_str());
                back_lines.push(l.sale_line_id);
                back_by.push(p.id);
            }
        }
    }
    if !back_codes.is_empty() {
        exec(
            tx,
            "UPDATE trace_code_sale t SET returned_by = b.by
             FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS b(code, line_id, by)
             WHERE t.code = b.code AND t.sale_line_id = b.line_id",
            &[&back_codes, &back_lines, &back_by],
        )
        .await?;
        trace_conflicts(tx, &back_codes, r).await?;
    }
    let mut spends = Vec::new();
    for (env, p) in returns {
        if let Some(Some(member)) = new.remove(&p.id) {
            spends.push(MemberSpendV1 {
                id: p.id,
                member_id: member,
                store_id: env.store_id,
                business_date: p.business_date.clone(),
                net: -p.refund,
                at: p.at.clone(),
            });
        }
    }
    Ok(spends)
}

/// The phones of these members that two or more registered, not anonymized members share, each
/// reconciled to one surviving member.
async fn reconcile_phones_of(tx: &Transaction<'_>, ids: &[Uuid], r: &Receipt) -> R {
    let rows = all(
        tx,
        "SELECT m.phone FROM member m
         WHERE m.phone IN (SELECT phone FROM member WHERE id = ANY($1) AND phone <> '')
           AND m.registered AND m.anonymized_at IS NULL
         GROUP BY m.phone HAVING count(*) > 1
         ORDER BY m.phone",
        &[&ids],
    )
    .await?;
    for row in rows {
        let phone: String = row.get(0);
        reconcile_phone(tx, &phone, r).await?;
    }
    Ok(())
}

/// The chain's ID-digest key, made (and announced to the tills) on first need.
async fn chain_key(tx: &Transaction<'_>, r: &Receipt) -> Result<(Uuid, Vec<u8>), ProjectionError> {
    if let Some(row) = opt(tx, "SELECT id, key_hex FROM chain_key LIMIT 1", &[]).await? {
        let hex_key: String = row.get(1);
        let key = hex::decode(&hex_key)
            .map_err(|e| ProjectionError::Invalid(format!("chain key: {e}")))?;
        return Ok((row.get(0), key));
    }
    let mut key = vec![0u8; 32];
    getrandom::getrandom(&mut key)
        .map_err(|e| ProjectionError::Invalid(format!("no randomness for the chain key: {e}")))?;
    let id = new_event_id(r.now);
    exec(
        tx,
        "INSERT INTO chain_key (id, key_hex) VALUES ($1, $2)",
        &[&id, &hex::encode(&key)],
    )
    .await?;
    let announce = EphedrineKeyV1 {
        key_id: id,
        key: hex::encode(&key),
    };
    emit_all(tx, &[Payload::EphedrineKey(announce)], r.now).await?;
    Ok((id, key))
}

/// One surviving member per phone: the earliest registration (created_at, then id) among the
/// registered, not anonymized members with that phone. Every other one is merged into it, with a
/// `member.merged@1` event for the tills; different names go to the merge queue for a person.
/// The outcome depends only on the set of members, not on the order they arrived in.
async fn reconcile_phone(tx: &Transaction<'_>, phone: &str, r: &Receipt) -> R {
    let rows = all(
        tx,
        "SELECT id, name, merged_into FROM member
             WHERE phone = $1 AND registered AND anonymized_at IS NULL
             ORDER BY created_at NULLS LAST, id",
        &[&phone],
    )
    .await?;
    if rows.len() < 2 {
        return Ok(());
    }
    let survivor: Uuid = rows[0].get(0);
    let survivor_name: Option<String> = rows[0].get(1);
    exec(
        tx,
        "UPDATE member SET merged_into = NULL WHERE id = $1 AND merged_into IS NOT NULL",
        &[&survivor],
    )
    .await?;
    for row in &rows[1..] {
        let merged: Uuid = row.get(0);
        let name: Option<String> = row.get(1);
        let merged_into: Option<Uuid> = row.get(2);
        if merged_into == Some(survivor) {
            continue;
        }
        // Members merged into this one follow it to the survivor (one level, so a balance is a
        // sum over the survivor and the members whose merged_into is the survivor).
        exec(
            tx,
            "UPDATE member SET merged_into = $2 WHERE id = $1 OR merged_into = $1",
            &[&merged, &survivor],
        )
        .await?;
        emit_merged(tx, merged, survivor, phone, r).await?;
        merge_fields(tx, merged, survivor, r).await?;
        if name != survivor_name {
            exec(
                tx,
                "INSERT INTO merge_queue (merged, survivor, phone, merged_name, survivor_name)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (merged, survivor) DO NOTHING",
                &[&merged, &survivor, &phone, &name, &survivor_name],
            )
            .await?;
        }
        tracing::info!(%merged, %survivor, "member merged (same phone)");
    }
    Ok(())
}

/// Fields merge per field: where the merged member's value was written later (by HLC stamp) than
/// the survivor's, the survivor takes it, and the tills hear of it as headquarters' own field
/// edit with that stamp (so they order it exactly as headquarters does). The name is not merged
/// (differing names go to the merge queue for a person), nor the phone (it is the same).
async fn merge_fields(tx: &Transaction<'_>, merged: Uuid, survivor: Uuid, r: &Receipt) -> R {
    let rows = all(
        tx,
        "SELECT f.field, f.value, f.wall_ms, f.counter, f.device, f.event_id
             FROM member_field f
             LEFT JOIN member_field s ON s.member_id = $2 AND s.field = f.field
             WHERE f.member_id = $1 AND f.field NOT IN ('name', 'phone')
               AND (s.member_id IS NULL
                    OR (f.wall_ms, f.counter, f.device, f.event_id)
                       > (s.wall_ms, s.counter, s.device, s.event_id))",
        &[&merged, &survivor],
    )
    .await?;
    let fields: Vec<(String, Option<String>, HlcStamp, Uuid)> = rows
        .iter()
        .map(|row| {
            let stamp = HlcStamp {
                wall_ms: row.get(2),
                counter: u32::try_from(row.get::<_, i64>(3)).unwrap_or(u32::MAX),
                device: row.get(4),
            };
            (row.get(0), row.get(1), stamp, row.get(5))
        })
        .collect();
    let offers: Vec<Offer> = fields
        .iter()
        .map(|(field, value, stamp, event_id)| Offer {
            member: survivor,
            field,
            value: value.as_deref(),
            stamp: *stamp,
            event_id: *event_id,
        })
        .collect();
    offer_fields(tx, &offers, r).await?;
    let edits: Vec<Payload> = fields
        .into_iter()
        .map(|(field, value, hlc, _)| {
            Payload::MemberFieldEdited(MemberFieldEditedV1 {
                edit_id: new_event_id(r.now),
                member_id: survivor,
                field,
                value,
                at: r.now.to_rfc3339_opts(SecondsFormat::Millis, true),
                by_staff: Uuid::nil(),
                hlc,
            })
        })
        .collect();
    emit_all(tx, &edits, r.now).await?;
    refresh_members(tx, &[survivor]).await
}

/// Headquarters' own event: store [`HQ_STORE`], device nil, its own gapless seq series.
async fn emit_merged(
    tx: &Transaction<'_>,
    merged: Uuid,
    survivor: Uuid,
    phone: &str,
    r: &Receipt,
) -> R {
    let payload = Payload::MemberMerged(MemberMergedV1 {
        merged,
        survivor,
        phone: phone.to_string(),
        at: r.now.to_rfc3339_opts(SecondsFormat::Millis, true),
    });
    emit_all(tx, &[payload], r.now).await?;
    Ok(())
}

/// Writes headquarters' own events (signed `HQ_STORE`, device nil, its own gapless `seq`
/// series) for every till to pull, in this order, in one statement. Returns their ids.
pub async fn emit_all(
    tx: &Transaction<'_>,
    payloads: &[Payload],
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, tokio_postgres::Error> {
    if payloads.is_empty() {
        return Ok(Vec::new());
    }
    let first: i64 = one(
        tx,
        "SELECT COALESCE(max(seq), 0) + 1 FROM event WHERE device_id = $1",
        &[&Uuid::nil()],
    )
    .await?
    .get(0);
    let created_at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let envs: Vec<Envelope> = payloads
        .iter()
        .zip(first..)
        .map(|(payload, seq)| {
            let json = payload.to_json();
            Envelope {
                event_id: new_event_id(now),
                store_id: HQ_STORE,
                device_id: Uuid::nil(),
                seq,
                kind: payload.kind().to_string(),
                payload_hash: payload_hash(json.as_bytes()),
                payload: json,
                created_at: created_at.clone(),
            }
        })
        .collect();
    let refs: Vec<&Envelope> = envs.iter().collect();
    crate::push::insert_events(tx, &refs, &vec![None; refs.len()]).await?;
    Ok(envs.into_iter().map(|e| e.event_id).collect())
}

/// A UUIDv7 from headquarters' clock (time is an input here too).
fn new_event_id(now: DateTime<Utc>) -> Uuid {
    let secs = u64::try_from(now.timestamp()).unwrap_or(0);
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, secs, now.timestamp_subsec_nanos());
    Uuid::new_v7(ts)
}
