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

/// Applies one newly stored event. Kinds without a projection (staff, catalog, settings, rules,
/// tiers, merges) are kept in the event log only.
pub async fn apply(tx: &Transaction<'_>, env: &Envelope, payload: &Payload, r: &Receipt) -> R {
    match payload {
        Payload::MemberRegistered(p) => member_registered(tx, env, p, r).await,
        Payload::MemberFieldEdited(p) => field_edited(tx, env, p, r).await,
        Payload::MemberAnonymized(p) => anonymized(tx, p).await,
        Payload::MemberConsent(p) => consent(tx, p).await,
        Payload::HealthItemAdded(p) => health_item_added(tx, p).await,
        Payload::HealthItemRemoved(p) => health_item_removed(tx, p).await,
        Payload::PointsEntry(p) => points_entry(tx, env, p).await,
        Payload::CouponIssued(p) => coupon_issued(tx, env, p).await,
        Payload::CouponUsed(p) => coupon_used(tx, env, p).await,
        Payload::SaleCommitted(p) => sale(tx, env, p, r).await,
        Payload::ReturnCommitted(p) => sale_return(tx, env, p, r).await,
        _ => Ok(()),
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
async fn ensure_member(tx: &Transaction<'_>, id: Uuid) -> R {
    exec(
        tx,
        "INSERT INTO member (id) VALUES ($1) ON CONFLICT (id) DO NOTHING",
        &[&id],
    )
    .await?;
    Ok(())
}

/// Offers a value for one field; it wins if its stamp is greater than the stored winner's.
async fn offer_field(
    tx: &Transaction<'_>,
    member: Uuid,
    field: &str,
    value: Option<&str>,
    stamp: HlcStamp,
    r: &Receipt,
    event_id: Uuid,
) -> R {
    let anonymized: bool = one(
        tx,
        "SELECT anonymized_at IS NOT NULL FROM member WHERE id = $1",
        &[&member],
    )
    .await?
    .get(0);
    // An anonymized member keeps no personal data, even from edits that arrive later.
    let value = if anonymized { None } else { value };
    let effective = clamp(stamp, r.now);
    exec(
        tx,
        "INSERT INTO member_field (member_id, field, value, wall_ms, counter, device, event_id, orig_wall_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (member_id, field) DO UPDATE SET
             value = EXCLUDED.value, wall_ms = EXCLUDED.wall_ms, counter = EXCLUDED.counter,
             device = EXCLUDED.device, event_id = EXCLUDED.event_id,
             orig_wall_ms = EXCLUDED.orig_wall_ms
         WHERE (EXCLUDED.wall_ms, EXCLUDED.counter, EXCLUDED.device, EXCLUDED.event_id)
             > (member_field.wall_ms, member_field.counter, member_field.device, member_field.event_id)",
        &[
            &member,
            &field,
            &value,
            &effective.wall_ms,
            &i64::from(effective.counter),
            &effective.device,
            &event_id,
            &stamp.wall_ms,
        ],
    )
    .await?;
    Ok(())
}

/// Copies the winning field values into the member row (empty when anonymized).
async fn refresh_member(tx: &Transaction<'_>, member: Uuid) -> R {
    let mut sets = Vec::new();
    let mut cols = Vec::new();
    for f in MEMBER_FIELDS {
        sets.push(format!(
            "{f} = CASE WHEN m.anonymized_at IS NULL THEN f.{f} END"
        ));
        cols.push(format!("max(value) FILTER (WHERE field = '{f}') AS {f}"));
    }
    let sql = format!(
        "UPDATE member m SET {}
         FROM (SELECT {} FROM member_field WHERE member_id = $1) f
         WHERE m.id = $1",
        sets.join(", "),
        cols.join(", ")
    );
    exec(tx, &sql, &[&member]).await?;
    Ok(())
}

async fn member_registered(
    tx: &Transaction<'_>,
    env: &Envelope,
    p: &MemberRegisteredV1,
    r: &Receipt,
) -> R {
    ensure_member(tx, p.id).await?;
    exec(
        tx,
        "UPDATE member SET registered = true, card_no = $2, store_id = $3, registered_by = $4,
             created_at = $5::text::timestamptz
         WHERE id = $1",
        &[
            &p.id,
            &p.card_no,
            &env.store_id,
            &p.registered_by,
            &p.created_at,
        ],
    )
    .await?;
    let fields: [(&str, Option<&str>); 7] = [
        ("phone", Some(&p.phone)),
        ("name", Some(&p.name)),
        ("gender", Some(&p.gender)),
        ("birthday", p.birthday.as_deref()),
        ("address", Some(&p.address)),
        ("occupation", Some(&p.occupation)),
        ("tags", Some(&p.tags)),
    ];
    for (field, value) in fields {
        offer_field(tx, p.id, field, value, p.hlc, r, env.event_id).await?;
    }
    refresh_member(tx, p.id).await?;
    reconcile_member_phone(tx, p.id, r).await
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
    ensure_member(tx, p.member_id).await?;
    offer_field(
        tx,
        p.member_id,
        &p.field,
        p.value.as_deref(),
        p.hlc,
        r,
        env.event_id,
    )
    .await?;
    refresh_member(tx, p.member_id).await?;
    if p.field == "phone" {
        reconcile_member_phone(tx, p.member_id, r).await?;
    }
    Ok(())
}

async fn anonymized(tx: &Transaction<'_>, p: &MemberAnonymizedV1) -> R {
    ensure_member(tx, p.member_id).await?;
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
    refresh_member(tx, p.member_id).await
}

async fn consent(tx: &Transaction<'_>, p: &MemberConsentV1) -> R {
    let e = &p.event;
    ensure_member(tx, p.member_id).await?;
    exec(
        tx,
        "INSERT INTO consent_event (id, member_id, scope, granted, notice_version, at, by_staff)
         VALUES ($1, $2, $3, $4, $5, $6::text::timestamptz, $7)
         ON CONFLICT (id) DO NOTHING",
        &[
            &e.id,
            &p.member_id,
            &e.scope,
            &e.granted,
            &e.notice_version,
            &e.at,
            &e.by_staff,
        ],
    )
    .await?;
    // The latest by `at`; on a tie a withdrawal (NOT granted = true) beats a grant; then the id.
    exec(
        tx,
        "INSERT INTO member_consent (member_id, scope, granted, at, consent_id)
         VALUES ($1, $2, $3, $4::text::timestamptz, $5)
         ON CONFLICT (member_id, scope) DO UPDATE SET
             granted = EXCLUDED.granted, at = EXCLUDED.at, consent_id = EXCLUDED.consent_id
         WHERE (EXCLUDED.at, NOT EXCLUDED.granted, EXCLUDED.consent_id)
             > (member_consent.at, NOT member_consent.granted, member_consent.consent_id)",
        &[&p.member_id, &e.scope, &e.granted, &e.at, &e.id],
    )
    .await?;
    Ok(())
}

async fn health_item_added(tx: &Transaction<'_>, p: &HealthItemAddedV1) -> R {
    let i = &p.item;
    ensure_member(tx, p.member_id).await?;
    exec(
        tx,
        "INSERT INTO health_item (id, member_id, kind, code, note, added_at, added_by)
         VALUES ($1, $2, $3, $4, $5, $6::text::timestamptz, $7)
         ON CONFLICT (id) DO NOTHING",
        &[
            &i.id,
            &p.member_id,
            &i.kind,
            &i.code,
            &i.note,
            &i.added_at,
            &i.added_by,
        ],
    )
    .await?;
    Ok(())
}

async fn health_item_removed(tx: &Transaction<'_>, p: &HealthItemRemovedV1) -> R {
    ensure_member(tx, p.member_id).await?;
    exec(
        tx,
        "INSERT INTO health_item_removal (item_id, member_id, at, by_staff)
         VALUES ($1, $2, $3::text::timestamptz, $4)
         ON CONFLICT (item_id) DO NOTHING",
        &[&p.item_id, &p.member_id, &p.at, &p.by_staff],
    )
    .await?;
    Ok(())
}

async fn points_entry(tx: &Transaction<'_>, env: &Envelope, p: &PointsEntryV1) -> R {
    ensure_member(tx, p.member_id).await?;
    exec(
        tx,
        "INSERT INTO points_entry (id, member_id, kind, points, expires_on, sale_id, reverses,
             reason, at, business_date, store_id)
         VALUES ($1, $2, $3, $4, $5::text::date, $6, $7, $8, $9::text::timestamptz, $10::text::date, $11)
         ON CONFLICT (id) DO NOTHING",
        &[
            &p.id,
            &p.member_id,
            &p.kind,
            &p.points,
            &p.expires_on,
            &p.sale_id,
            &p.reverses,
            &p.reason,
            &p.at,
            &p.business_date,
            &env.store_id,
        ],
    )
    .await?;
    Ok(())
}

async fn coupon_issued(tx: &Transaction<'_>, env: &Envelope, p: &CouponIssuedV1) -> R {
    exec(
        tx,
        "INSERT INTO coupon (id, member_id, kind, face, min_spend, valid_from, valid_until,
             issue_key, reason, issued_at, issued_by, store_id)
         VALUES ($1, $2, $3, $4::text::numeric, $5::text::numeric, $6, $7, $8, $9,
             $10::text::timestamptz, $11, $12)
         ON CONFLICT (id) DO NOTHING",
        &[
            &p.id,
            &p.member_id,
            &p.kind,
            &p.face.to_string(),
            &p.min_spend.to_string(),
            &p.valid_from,
            &p.valid_until,
            &p.issue_key,
            &p.reason,
            &p.issued_at,
            &p.issued_by,
            &env.store_id,
        ],
    )
    .await?;
    Ok(())
}

async fn coupon_used(tx: &Transaction<'_>, env: &Envelope, p: &CouponUsedV1) -> R {
    exec(
        tx,
        "INSERT INTO coupon_use (coupon_id, sale_id, member_id, at, by_staff, store_id)
         VALUES ($1, $2, $3, $4::text::timestamptz, $5, $6)
         ON CONFLICT (coupon_id, sale_id) DO NOTHING",
        &[
            &p.coupon_id,
            &p.sale_id,
            &p.member_id,
            &p.at,
            &p.by_staff,
            &env.store_id,
        ],
    )
    .await?;
    Ok(())
}

async fn sale(tx: &Transaction<'_>, env: &Envelope, p: &SaleCommittedV1, r: &Receipt) -> R {
    let s = &p.sale;
    let member = s.member.as_ref().map(|m| m.id);
    let n = exec(
            tx,
            "INSERT INTO sale (id, store_id, device_id, receipt_no, business_date, at, member_id,
                 payable, points_used, points_earned)
             VALUES ($1, $2, $3, $4, $5::text::date, $6::text::timestamptz, $7, $8::text::numeric, $9, $10)
             ON CONFLICT (id) DO NOTHING",
            &[
                &s.id,
                &env.store_id,
                &env.device_id,
                &s.receipt_no,
                &s.business_date,
                &s.at,
                &member,
                &s.payable.to_string(),
                &s.points_used,
                &s.points_earned,
            ],
        )
        .await?;
    if n == 0 {
        return Ok(());
    }
    for l in &s.lines {
        exec(
            tx,
            "INSERT INTO sale_line (id, sale_id, product_id, barcode, name, quantity, unit_price, final_net)
             VALUES ($1, $2, $3, $4, $5, $6, $7::text::numeric, $8::text::numeric)
             ON CONFLICT (id) DO NOTHING",
            &[
                &l.id,
                &s.id,
                &l.product_id,
                &l.barcode,
                &l.name,
                &i32::try_from(l.quantity).map_err(|_| {
                    ProjectionError::Invalid(format!("数量 {} 超出范围", l.quantity))
                })?,
                &l.unit_price.to_string(),
                &l.final_net.to_string(),
            ],
        )
        .await?;
    }
    // What the other tills learn of this sale: the member's spend, and an ephedrine purchase by
    // the buyer's ID digest — never the sale itself (it carries prescriptions and ID numbers).
    if let Some(m) = member {
        let spend = MemberSpendV1 {
            id: s.id,
            member_id: m,
            store_id: env.store_id,
            business_date: s.business_date.clone(),
            net: s.payable,
            at: s.at.clone(),
        };
        emit(tx, &Payload::MemberSpend(spend), r.now).await?;
    }
    if let Some((_, id_number)) = &p.ephedrine_buyer {
        let (key_id, key) = chain_key(tx, r).await?;
        let packages: u32 = s
            .lines
            .iter()
            .filter(|l| l.ephedrine)
            .map(|l| l.quantity)
            .sum();
        let purchase = EphedrinePurchaseV1 {
            sale_id: s.id,
            store_id: env.store_id,
            key_id,
            digest: pos_sync_proto::catalogue::id_digest(&key, id_number),
            business_date: s.business_date.clone(),
            packages,
        };
        emit(tx, &Payload::EphedrinePurchase(purchase), r.now).await?;
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
    emit(tx, &Payload::EphedrineKey(announce), r.now).await?;
    Ok((id, key))
}

async fn sale_return(
    tx: &Transaction<'_>,
    env: &Envelope,
    p: &ReturnCommittedV1,
    r: &Receipt,
) -> R {
    let n = exec(
        tx,
        "INSERT INTO sale_return (id, sale_id, store_id, receipt_no, business_date, at, refund,
             points_taken_back, points_given_back)
         VALUES ($1, $2, $3, $4, $5::text::date, $6::text::timestamptz, $7::text::numeric, $8, $9)
         ON CONFLICT (id) DO NOTHING",
        &[
            &p.id,
            &p.sale_id,
            &env.store_id,
            &p.receipt_no,
            &p.business_date,
            &p.at,
            &p.refund.to_string(),
            &p.points_taken_back,
            &p.points_given_back,
        ],
    )
    .await?;
    if n == 0 {
        return Ok(());
    }
    let member: Option<Uuid> = opt(
        tx,
        "SELECT member_id FROM sale WHERE id = $1",
        &[&p.sale_id],
    )
    .await?
    .and_then(|row| row.get(0));
    if let Some(m) = member {
        let spend = MemberSpendV1 {
            id: p.id,
            member_id: m,
            store_id: env.store_id,
            business_date: p.business_date.clone(),
            net: -p.refund,
            at: p.at.clone(),
        };
        emit(tx, &Payload::MemberSpend(spend), r.now).await?;
    }
    Ok(())
}

async fn reconcile_member_phone(tx: &Transaction<'_>, member: Uuid, r: &Receipt) -> R {
    let row = one(tx, "SELECT phone FROM member WHERE id = $1", &[&member]).await?;
    match row.get::<_, Option<String>>(0) {
        Some(phone) if !phone.is_empty() => reconcile_phone(tx, &phone, r).await,
        _ => Ok(()),
    }
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
    for row in &rows {
        let field: String = row.get(0);
        let value: Option<String> = row.get(1);
        let stamp = HlcStamp {
            wall_ms: row.get(2),
            counter: u32::try_from(row.get::<_, i64>(3)).unwrap_or(u32::MAX),
            device: row.get(4),
        };
        let event_id: Uuid = row.get(5);
        offer_field(tx, survivor, &field, value.as_deref(), stamp, r, event_id).await?;
        let edit = MemberFieldEditedV1 {
            edit_id: new_event_id(r.now),
            member_id: survivor,
            field,
            value,
            at: r.now.to_rfc3339_opts(SecondsFormat::Millis, true),
            by_staff: Uuid::nil(),
            hlc: stamp,
        };
        emit(tx, &Payload::MemberFieldEdited(edit), r.now).await?;
    }
    refresh_member(tx, survivor).await
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
    emit(tx, &payload, r.now).await?;
    Ok(())
}

/// Writes one of headquarters' own events (signed `HQ_STORE`, its own sequence) for every till
/// to pull. Returns its id.
pub async fn emit(
    tx: &Transaction<'_>,
    payload: &Payload,
    now: DateTime<Utc>,
) -> Result<Uuid, tokio_postgres::Error> {
    let seq: i64 = one(
        tx,
        "SELECT COALESCE(max(seq), 0) + 1 FROM event WHERE device_id = $1",
        &[&Uuid::nil()],
    )
    .await?
    .get(0);
    let json = payload.to_json();
    let env = Envelope {
        event_id: new_event_id(now),
        store_id: HQ_STORE,
        device_id: Uuid::nil(),
        seq,
        kind: payload.kind().to_string(),
        payload_hash: payload_hash(json.as_bytes()),
        payload: json,
        created_at: now.to_rfc3339_opts(SecondsFormat::Millis, true),
    };
    crate::push::insert_event_cached(tx, &env).await?;
    Ok(env.event_id)
}

/// A UUIDv7 from headquarters' clock (time is an input here too).
fn new_event_id(now: DateTime<Utc>) -> Uuid {
    let secs = u64::try_from(now.timestamp()).unwrap_or(0);
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, secs, now.timestamp_subsec_nanos());
    Uuid::new_v7(ts)
}
