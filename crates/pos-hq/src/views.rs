//! Read-only views for headquarters staff (and for tests): stores, gaps, quarantine, members,
//! the merge queue.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use pos_sync_proto::Gap;
use rust_decimal::Decimal;
use serde::Serialize;
use tokio_postgres::GenericClient;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoreView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub last_push_at: Option<DateTime<Utc>>,
    pub last_pull_at: Option<DateTime<Utc>>,
    pub events: i64,
    pub quarantined: i64,
}

pub async fn stores(c: &impl GenericClient) -> Result<Vec<StoreView>> {
    let rows = c
        .query(
            "SELECT s.id, s.code, s.name, s.last_push_at, s.last_pull_at,
                    (SELECT count(*) FROM event e WHERE e.store_id = s.id),
                    (SELECT count(*) FROM quarantine q WHERE q.store_id = s.id)
             FROM store s ORDER BY s.code",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| StoreView {
            id: r.get(0),
            code: r.get(1),
            name: r.get(2),
            last_push_at: r.get(3),
            last_pull_at: r.get(4),
            events: r.get(5),
            quarantined: r.get(6),
        })
        .collect())
}

/// The holes in every device's sequence.
pub async fn all_gaps(c: &impl GenericClient) -> Result<Vec<Gap>> {
    let rows = c
        .query(
            "SELECT device_id, prev + 1, seq - 1 FROM (
                 SELECT device_id, seq,
                        lag(seq, 1, 0::bigint) OVER (PARTITION BY device_id ORDER BY seq) AS prev
                 FROM (SELECT DISTINCT device_id, seq FROM event WHERE seq >= 1) s
             ) t
             WHERE seq > prev + 1
             ORDER BY 1, 2",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Gap {
            device_id: r.get(0),
            from_seq: r.get(1),
            to_seq: r.get(2),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuarantineView {
    pub event_id: Uuid,
    pub store_id: Uuid,
    pub device_id: Uuid,
    pub kind: String,
    pub reason: String,
    pub message: String,
    pub received_at: DateTime<Utc>,
    pub envelope: serde_json::Value,
}

/// The most recent quarantined events first.
pub async fn quarantine(c: &impl GenericClient, limit: i64) -> Result<Vec<QuarantineView>> {
    let rows = c
        .query(
            "SELECT event_id, store_id, device_id, kind, reason, message, received_at, envelope
             FROM quarantine ORDER BY received_at DESC, id DESC LIMIT $1",
            &[&limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| QuarantineView {
            event_id: r.get(0),
            store_id: r.get(1),
            device_id: r.get(2),
            kind: r.get(3),
            reason: r.get(4),
            message: r.get(5),
            received_at: r.get(6),
            envelope: r.get(7),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HealthItemView {
    pub id: Uuid,
    pub kind: String,
    pub code: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConsentView {
    pub scope: String,
    pub granted: bool,
    pub at: DateTime<Utc>,
}

/// A member as headquarters projects it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MemberView {
    pub id: Uuid,
    pub registered: bool,
    pub card_no: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub gender: Option<String>,
    pub birthday: Option<String>,
    pub address: Option<String>,
    pub occupation: Option<String>,
    pub tags: Option<String>,
    pub owner_staff_id: Option<String>,
    /// The registering store.
    pub store_id: Option<Uuid>,
    pub store_code: Option<String>,
    pub store_name: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub anonymized: bool,
    pub merged_into: Option<Uuid>,
    /// Σ points entries of this member and of every member merged into it.
    pub points_balance: i64,
    /// Health items present (added and not removed).
    pub health_items: Vec<HealthItemView>,
    pub consents: Vec<ConsentView>,
}

const MEMBER_SELECT: &str = "SELECT m.id, m.registered, m.card_no, m.phone, m.name, m.gender,
        m.birthday, m.address, m.occupation, m.tags, m.owner_staff_id, m.store_id, s.code, s.name,
        m.created_at, m.anonymized_at IS NOT NULL, m.merged_into
    FROM member m LEFT JOIN store s ON s.id = m.store_id";

async fn member_views(
    c: &impl GenericClient,
    rows: Vec<tokio_postgres::Row>,
) -> Result<Vec<MemberView>> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: Uuid = r.get(0);
        out.push(MemberView {
            id,
            registered: r.get(1),
            card_no: r.get(2),
            phone: r.get(3),
            name: r.get(4),
            gender: r.get(5),
            birthday: r.get(6),
            address: r.get(7),
            occupation: r.get(8),
            tags: r.get(9),
            owner_staff_id: r.get(10),
            store_id: r.get(11),
            store_code: r.get(12),
            store_name: r.get(13),
            created_at: r.get(14),
            anonymized: r.get(15),
            merged_into: r.get(16),
            points_balance: points_balance(c, id).await?,
            health_items: health_items(c, id).await?,
            consents: consents(c, id).await?,
        });
    }
    Ok(out)
}

/// Registered members with this phone, the survivor first.
pub async fn members_by_phone(c: &impl GenericClient, phone: &str) -> Result<Vec<MemberView>> {
    let sql = format!(
        "{MEMBER_SELECT} WHERE m.phone = $1 AND m.registered
         ORDER BY m.merged_into IS NOT NULL, m.created_at, m.id"
    );
    let rows = c.query(&sql, &[&phone]).await?;
    member_views(c, rows).await
}

pub async fn member(c: &impl GenericClient, id: Uuid) -> Result<Option<MemberView>> {
    let sql = format!("{MEMBER_SELECT} WHERE m.id = $1");
    let rows = c.query(&sql, &[&id]).await?;
    Ok(member_views(c, rows).await?.into_iter().next())
}

/// The points of a member: its own entries and those of every member merged into it (no
/// transfer entries are written at a merge; this sum is the rule).
pub async fn points_balance(c: &impl GenericClient, member: Uuid) -> Result<i64> {
    let row = c
        .query_one(
            "SELECT COALESCE(sum(points), 0)::bigint FROM points_entry
             WHERE member_id = $1 OR member_id IN (SELECT id FROM member WHERE merged_into = $1)",
            &[&member],
        )
        .await?;
    Ok(row.get(0))
}

pub async fn health_items(c: &impl GenericClient, member: Uuid) -> Result<Vec<HealthItemView>> {
    let rows = c
        .query(
            "SELECT h.id, h.kind, h.code, h.note FROM health_item h
             WHERE h.member_id = $1
               AND NOT EXISTS (SELECT 1 FROM health_item_removal x WHERE x.item_id = h.id)
             ORDER BY h.added_at, h.id",
            &[&member],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| HealthItemView {
            id: r.get(0),
            kind: r.get(1),
            code: r.get(2),
            note: r.get(3),
        })
        .collect())
}

pub async fn consents(c: &impl GenericClient, member: Uuid) -> Result<Vec<ConsentView>> {
    let rows = c
        .query(
            "SELECT scope, granted, at FROM member_consent WHERE member_id = $1 ORDER BY scope",
            &[&member],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| ConsentView {
            scope: r.get(0),
            granted: r.get(1),
            at: r.get(2),
        })
        .collect())
}

/// Net spend (Σ payable − Σ refunds) of a member and the members merged into it over the 365
/// days up to `as_of`, for chain-wide tiers.
pub async fn net_spend(c: &impl GenericClient, member: Uuid, as_of: NaiveDate) -> Result<Decimal> {
    let row = c
        .query_one("SELECT member_net_spend($1, $2)::text", &[&member, &as_of])
        .await?;
    let text: String = row.get(0);
    Ok(text.parse()?)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MergeQueueView {
    pub id: i64,
    pub merged: Uuid,
    pub survivor: Uuid,
    pub phone: String,
    pub merged_name: Option<String>,
    pub survivor_name: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

pub async fn merge_queue(c: &impl GenericClient) -> Result<Vec<MergeQueueView>> {
    let rows = c
        .query(
            "SELECT id, merged, survivor, phone, merged_name, survivor_name, status, created_at
             FROM merge_queue ORDER BY id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| MergeQueueView {
            id: r.get(0),
            merged: r.get(1),
            survivor: r.get(2),
            phone: r.get(3),
            merged_name: r.get(4),
            survivor_name: r.get(5),
            status: r.get(6),
            created_at: r.get(7),
        })
        .collect())
}

/// A member whose points, summed over every store (and every member merged into them), are below
/// zero: the same points redeemed at two stores offline. Headquarters flags it for a person;
/// the daily offline redemption cap at each till bounds how far below zero it can go.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NegativeBalanceView {
    pub member_id: Uuid,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub balance: i64,
}

pub async fn negative_balances(c: &impl GenericClient) -> Result<Vec<NegativeBalanceView>> {
    let rows = c
        .query(
            "SELECT b.who, m.phone, m.name, b.balance
             FROM (SELECT coalesce(m.merged_into, p.member_id) AS who, sum(p.points)::bigint AS balance
                   FROM points_entry p LEFT JOIN member m ON m.id = p.member_id
                   GROUP BY 1) b
             LEFT JOIN member m ON m.id = b.who
             WHERE b.balance < 0
             ORDER BY b.balance, b.who",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| NegativeBalanceView {
            member_id: r.get(0),
            phone: r.get(1),
            name: r.get(2),
            balance: r.get(3),
        })
        .collect())
}

/// A 药品追溯码 out (sold and not returned) at more than one sale at once — the same pack sold at
/// two stores, or a copied code. Both sales stand (they happened); headquarters lists the code
/// with every sale that holds it, for a person to look into.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TraceCodeConflictView {
    pub code: String,
    pub sales: Vec<TraceCodeSaleView>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TraceCodeSaleView {
    pub store_id: Uuid,
    pub sale_id: Uuid,
    pub receipt_no: Option<String>,
    pub business_date: NaiveDate,
}

pub async fn trace_code_conflicts(c: &impl GenericClient) -> Result<Vec<TraceCodeConflictView>> {
    let rows = c
        .query(
            "SELECT t.code, t.store_id, t.sale_id, s.receipt_no, t.business_date
             FROM trace_code_sale t LEFT JOIN sale s ON s.id = t.sale_id
             WHERE t.returned_by IS NULL
               AND t.code IN (SELECT code FROM trace_code_sale WHERE returned_by IS NULL
                              GROUP BY code HAVING count(*) > 1)
             ORDER BY t.code, t.business_date, t.sale_id",
            &[],
        )
        .await?;
    let mut out: Vec<TraceCodeConflictView> = Vec::new();
    for r in &rows {
        let code: String = r.get(0);
        let sale = TraceCodeSaleView {
            store_id: r.get(1),
            sale_id: r.get(2),
            receipt_no: r.get(3),
            business_date: r.get(4),
        };
        match out.last_mut() {
            Some(last) if last.code == code => last.sales.push(sale),
            _ => out.push(TraceCodeConflictView {
                code,
                sales: vec![sale],
            }),
        }
    }
    Ok(out)
}
