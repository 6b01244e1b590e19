//! The sales journal (销售流水): past sales, returns and cancelled sales (作废), newest first,
//! searchable by date, receipt number, member, cashier, product and tender. Each row opens the
//! sale (reprint marked 重印, start its return) or shows who cancelled what and why.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use chrono::NaiveDate;

use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{MemberId, SaleId, StaffId};
use crate::money::Money;
use crate::pricing::TenderKind;

/// What a journal row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JournalKind {
    Sale,
    Return,
    /// 作废: a cart cancelled before payment.
    Cancelled,
}

/// The journal's filters; empty ones do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct JournalFilter {
    /// First business date, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last business date, `YYYY-MM-DD` (inclusive).
    pub to: Option<String>,
    /// A whole receipt number (a sale's or a return's).
    pub receipt_no: Option<String>,
    pub member_id: Option<MemberId>,
    /// A member's phone, card number or the last 4 digits of the phone, as typed: it must name
    /// exactly one member (`resolve_member`), whose rows are then listed.
    pub member_query: Option<String>,
    pub cashier_id: Option<StaffId>,
    /// A product's barcode, or part of its name.
    pub product: Option<String>,
    pub tender: Option<TenderKind>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<JournalKind>,
    /// At most this many rows (default 100, at most 500).
    pub limit: Option<u32>,
}

/// One row of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JournalRow {
    pub kind: JournalKind,
    /// The sale's, the return's or the cancelled cart's id.
    pub id: SaleId,
    /// None for a cancelled cart (it never got one).
    pub receipt_no: Option<String>,
    /// For a return: the receipt number of the sale it returns.
    pub sale_receipt_no: Option<String>,
    pub business_date: String,
    pub at: String,
    pub cashier_name: Option<String>,
    pub member_name: Option<String>,
    /// Amount due (sale), refund (return), or the list total of the lines (cancelled).
    pub amount: Money,
    #[ts(type = "number")]
    pub lines: i64,
    /// Tenders as `kind amount` pairs, e.g. `cash 50.00`.
    pub tenders: Vec<String>,
    /// Why (a return's reason code, a cancellation's written reason).
    pub reason: Option<String>,
}

/// Turns the filter's `member_query` into its member id: one member, or MEMBER_NOT_FOUND, or
/// INVALID_MEMBER_QUERY when several match (a name, or 4 digits many phones end with).
pub fn resolve_member(c: &Connection, f: &mut JournalFilter, today: NaiveDate) -> Result<()> {
    let Some(q) = f.member_query.take().filter(|q| !q.trim().is_empty()) else {
        return Ok(());
    };
    let found = crate::member::find(c, &q, today)?;
    match found.as_slice() {
        [one] => {
            f.member_id = Some(one.id);
            Ok(())
        }
        [] => Err(PosError::new(
            ErrorCode::MemberNotFound,
            format!("没有找到会员“{q}”，请核对手机号或卡号"),
        )),
        _ => Err(PosError::new(
            ErrorCode::InvalidMemberQuery,
            format!("“{q}”对应多位会员，请输入完整手机号或卡号"),
        )),
    }
}

fn parse_date(field: &str, s: &str) -> Result<String> {
    crate::business_day::parse_date(field, s).map(|d| d.to_string())
}

/// One row from any of the three queries, which all select these columns in this order:
/// id, receipt_no, sale_receipt_no, business_date, at, cashier_name, member_name, amount_fen,
/// lines, tenders (`kind amount,…`), reason.
fn row(kind: JournalKind, r: &rusqlite::Row<'_>) -> rusqlite::Result<JournalRow> {
    Ok(JournalRow {
        kind,
        id: r.get(0)?,
        receipt_no: r.get(1)?,
        sale_receipt_no: r.get(2)?,
        business_date: r.get(3)?,
        at: r.get(4)?,
        cashier_name: r.get(5)?,
        member_name: r.get(6)?,
        amount: Money::from_fen(r.get(7)?),
        lines: r.get(8)?,
        tenders: split(r.get(9)?),
        reason: r.get(10)?,
    })
}

/// Searches the journal. Each kind's query holds only the conditions of the filters given, so
/// SQLite can use the index each one needs (business date, receipt number, member, cashier).
pub fn search(c: &Connection, f: &JournalFilter) -> Result<Vec<JournalRow>> {
    let from = f
        .from
        .as_deref()
        .map(|d| parse_date("from", d))
        .transpose()?;
    let to = f.to.as_deref().map(|d| parse_date("to", d)).transpose()?;
    let limit = f.limit.unwrap_or(100).clamp(1, 500);
    let receipt = f
        .receipt_no
        .as_deref()
        .map(|r| r.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|r| !r.is_empty());
    let product = f
        .product
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.to_string());
    let like = product
        .as_ref()
        .map(|p| format!("%{}%", p.replace(['%', '_'], "")));
    let tender = f.tender.map(|t| t.as_str().to_string());
    let wants = |k: JournalKind| f.kinds.is_empty() || f.kinds.contains(&k);
    let mut rows = Vec::new();

    if wants(JournalKind::Sale) {
        let mut q = Query::default();
        q.cond_opt("s.business_date >= ?", &from);
        q.cond_opt("s.business_date <= ?", &to);
        q.cond_opt("s.receipt_no = ?", &receipt);
        q.cond_opt("s.member_id = ?", &f.member_id.map(|m| m.to_string()));
        q.cond_opt("s.cashier_id = ?", &f.cashier_id.map(|m| m.to_string()));
        if let (Some(p), Some(l)) = (&product, &like) {
            q.cond(
                "EXISTS (SELECT 1 FROM sale_line l WHERE l.sale_id = s.id AND (l.barcode = ? OR l.name LIKE ?))",
                &[p, l],
            );
        }
        q.cond_opt(
            "EXISTS (SELECT 1 FROM sale_payment p WHERE p.sale_id = s.id AND p.kind = ?)",
            &tender,
        );
        let sql = format!(
            "SELECT s.id, s.receipt_no, NULL, s.business_date, s.at, st.name, m.name, s.payable_fen,
                    s.line_count,
                    (SELECT group_concat(p.kind || ' ' || printf('%.2f', p.amount_fen / 100.0), ',')
                     FROM sale_payment p WHERE p.sale_id = s.id),
                    NULL
             FROM sale s
             LEFT JOIN staff st ON st.id = s.cashier_id
             LEFT JOIN member m ON m.id = s.member_id
             {}
             ORDER BY s.at DESC LIMIT {limit}",
            q.where_clause()
        );
        let mut st = c.prepare_cached(&sql)?;
        let found = st.query_map(rusqlite::params_from_iter(&q.params), |r| {
            row(JournalKind::Sale, r)
        })?;
        rows.extend(found.collect::<rusqlite::Result<Vec<_>>>()?);
    }

    if wants(JournalKind::Return) {
        let mut q = Query::default();
        q.cond_opt("r.business_date >= ?", &from);
        q.cond_opt("r.business_date <= ?", &to);
        if let Some(no) = &receipt {
            // The return itself, or the returns of the sale with that number.
            q.cond(
                "r.id IN (SELECT id FROM sale_return WHERE receipt_no = ?
                          UNION ALL
                          SELECT r2.id FROM sale s2 JOIN sale_return r2 ON r2.sale_id = s2.id
                          WHERE s2.receipt_no = ?)",
                &[no, no],
            );
        }
        q.cond_opt("s.member_id = ?", &f.member_id.map(|m| m.to_string()));
        q.cond_opt("r.cashier_id = ?", &f.cashier_id.map(|m| m.to_string()));
        if let (Some(p), Some(l)) = (&product, &like) {
            q.cond(
                "EXISTS (SELECT 1 FROM return_line rl JOIN sale_line l ON l.id = rl.sale_line_id
                         WHERE rl.return_id = r.id AND (l.barcode = ? OR l.name LIKE ?))",
                &[p, l],
            );
        }
        q.cond_opt(
            "EXISTS (SELECT 1 FROM return_refund f WHERE f.return_id = r.id AND f.kind = ?)",
            &tender,
        );
        let sql = format!(
            "SELECT r.id, r.receipt_no, s.receipt_no, r.business_date, r.at, st.name, m.name,
                    r.refund_fen, (SELECT count(*) FROM return_line rl WHERE rl.return_id = r.id),
                    (SELECT group_concat(f.kind || ' ' || printf('%.2f', f.amount_fen / 100.0), ',')
                     FROM return_refund f WHERE f.return_id = r.id),
                    r.reason_code
             FROM sale_return r
             JOIN sale s ON s.id = r.sale_id
             LEFT JOIN staff st ON st.id = r.cashier_id
             LEFT JOIN member m ON m.id = s.member_id
             {}
             ORDER BY r.at DESC LIMIT {limit}",
            q.where_clause()
        );
        let mut st = c.prepare_cached(&sql)?;
        let found = st.query_map(rusqlite::params_from_iter(&q.params), |r| {
            row(JournalKind::Return, r)
        })?;
        rows.extend(found.collect::<rusqlite::Result<Vec<_>>>()?);
    }

    // Cancelled carts have no receipt number and no tender.
    if wants(JournalKind::Cancelled) && receipt.is_none() && tender.is_none() {
        let mut q = Query::default();
        q.cond("c.void_reason IS NOT NULL", &[]);
        q.cond_opt("c.void_business_date >= ?", &from);
        q.cond_opt("c.void_business_date <= ?", &to);
        q.cond_opt("c.member_id = ?", &f.member_id.map(|m| m.to_string()));
        q.cond_opt("c.voided_by = ?", &f.cashier_id.map(|m| m.to_string()));
        if let (Some(p), Some(l)) = (&product, &like) {
            q.cond(
                "EXISTS (SELECT 1 FROM cart_line l JOIN product p ON p.id = l.product_id
                         WHERE l.cart_id = c.id AND (p.barcode = ? OR p.name LIKE ?))",
                &[p, l],
            );
        }
        let sql = format!(
            "SELECT c.id, NULL, NULL, c.void_business_date, c.voided_at, st.name, m.name,
                    (SELECT COALESCE(sum(l.unit_price_fen * l.quantity), 0) FROM cart_line l
                     WHERE l.cart_id = c.id AND l.removed_at IS NULL),
                    (SELECT count(*) FROM cart_line l WHERE l.cart_id = c.id AND l.removed_at IS NULL),
                    NULL, c.void_reason
             FROM cart c
             LEFT JOIN staff st ON st.id = c.voided_by
             LEFT JOIN member m ON m.id = c.member_id
             {}
             ORDER BY c.voided_at DESC LIMIT {limit}",
            q.where_clause()
        );
        let mut st = c.prepare_cached(&sql)?;
        let found = st.query_map(rusqlite::params_from_iter(&q.params), |r| {
            row(JournalKind::Cancelled, r)
        })?;
        rows.extend(found.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    rows.sort_by(|a, b| b.at.cmp(&a.at));
    rows.truncate(limit as usize);
    Ok(rows)
}

/// The conditions of one query and their parameters, in order.
#[derive(Default)]
struct Query {
    conds: Vec<&'static str>,
    params: Vec<String>,
}

impl Query {
    fn cond(&mut self, sql: &'static str, params: &[&String]) {
        self.conds.push(sql);
        self.params.extend(params.iter().map(|p| (*p).clone()));
    }

    fn cond_opt(&mut self, sql: &'static str, param: &Option<String>) {
        if let Some(p) = param {
            self.cond(sql, &[p]);
        }
    }

    fn where_clause(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conds.join(" AND "))
        }
    }
}

fn split(s: Option<String>) -> Vec<String> {
    s.map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}
