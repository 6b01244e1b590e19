//! Medication guidance (用药指导, PRODUCT.md §1–§2): what a pharmacist tells the customer about
//! one line of a sale — dose, frequency, timing, duration, adverse reactions to watch, diet and
//! drug taboos, a note — with who said it and when.
//!
//! A record belongs to a line: a cart line before payment or the same line of the committed sale
//! after it (a cart line's id becomes its sale line's id). Records are append-only: the newest
//! record of a line is its guidance, the older ones stay as its history. A committed sale is
//! never updated, so guidance given later lives only here; `sale::get` reads it back over the
//! line. Before payment the record also leaves its compact text on the cart line, which payment
//! copies onto the sale line (so the receipt and `sale.committed@1` carry it).
//!
//! Headquarters learns each record as `guidance.recorded@1`: written with the record after
//! payment, and at the sale's commit for records made on the cart. Who may record is the API's
//! business (a pharmacist's own login, or a pharmacist's staff number and PIN at a till): this
//! module takes the [`Author`] already checked.
//!
//! A product carries default guidance ([`product_default`]) the pharmacist's form starts from:
//! the structured default when one was saved, else the catalog's free text as the note.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{EventId, LineId, MemberId, ProductId, SaleId, StaffId};
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// The timings a pharmacist picks from (any other text may be typed).
pub const TIMINGS: &[&str] = &["饭前", "饭后", "随餐", "空腹", "睡前", "晨起", "必要时"];

/// The structured guidance of one line. Every field is optional text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct Guidance {
    /// 用量: `一次2粒`.
    pub dose: String,
    /// 频次: `一日3次`.
    pub frequency: String,
    /// 服用时间: 饭前 / 饭后 / 睡前 / 随餐 / 空腹 …
    pub timing: String,
    /// 疗程: `连服7天`.
    pub duration: String,
    /// 需留意的不良反应.
    pub watch_for: String,
    /// 饮食与药物禁忌.
    pub taboos: String,
    /// 其他说明.
    pub note: String,
}

/// The longest text of each field (characters): short fields print on one receipt line.
const SHORT: usize = 40;
const LONG: usize = 200;

impl Guidance {
    /// (field, label, value, limit) in printing order. Labels are at most four characters, so
    /// they fit their column on a 58 mm slip.
    pub fn fields(&self) -> [(&'static str, &'static str, &str, usize); 7] {
        [
            ("dose", "用量", &self.dose, SHORT),
            ("frequency", "频次", &self.frequency, SHORT),
            ("timing", "服用时间", &self.timing, SHORT),
            ("duration", "疗程", &self.duration, SHORT),
            ("watch_for", "不良反应", &self.watch_for, LONG),
            ("taboos", "禁忌事项", &self.taboos, LONG),
            ("note", "其他说明", &self.note, LONG),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, _, v, _)| v.is_empty())
    }

    /// Trimmed, on one line each, within their lengths; an empty record is refused.
    pub fn checked(self) -> Result<Guidance> {
        let clean = |s: String| -> String {
            let one_line: String = s
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            one_line.trim().to_owned()
        };
        let g = Guidance {
            dose: clean(self.dose),
            frequency: clean(self.frequency),
            timing: clean(self.timing),
            duration: clean(self.duration),
            watch_for: clean(self.watch_for),
            taboos: clean(self.taboos),
            note: clean(self.note),
        };
        for (field, label, value, limit) in g.fields() {
            if value.chars().count() > limit {
                return Err(PosError::invalid_field(
                    field,
                    format!("{label}最多 {limit} 个字，请精简"),
                ));
            }
        }
        if g.is_empty() {
            return Err(PosError::invalid_field(
                "dose",
                "用药指导是空的：请至少填写用量、频次、服用时间或注意事项中的一项",
            ));
        }
        Ok(g)
    }

    /// 用法 on one line: `一次2粒，一日3次，饭后，连服7天` (empty parts left out).
    pub fn usage(&self) -> String {
        [&self.dose, &self.frequency, &self.timing, &self.duration]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("，")
    }

    /// The compact text printed under a receipt line, one part per line (`\n`): the usage, then
    /// 留意 / 禁忌 / 备注, then the pharmacist.
    pub fn compact(&self, pharmacist: &str) -> String {
        let mut parts = Vec::new();
        let usage = self.usage();
        if !usage.is_empty() {
            parts.push(usage);
        }
        for (label, value) in [
            ("留意", &self.watch_for),
            ("禁忌", &self.taboos),
            ("备注", &self.note),
        ] {
            if !value.is_empty() {
                parts.push(format!("{label}：{value}"));
            }
        }
        if !pharmacist.is_empty() {
            parts.push(format!("指导药师：{pharmacist}"));
        }
        parts.join("\n")
    }
}

/// How the pharmacist was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Logged in as themselves.
    Login,
    /// Their staff number and PIN typed at a colleague's till.
    Pin,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Login => "login",
            Via::Pin => "pin",
        }
    }
    fn parse(s: &str) -> Via {
        if s == "pin" {
            Via::Pin
        } else {
            Via::Login
        }
    }
}

/// When it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// On the cart, before payment.
    Cart,
    /// On a committed sale.
    Sale,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Cart => "cart",
            Stage::Sale => "sale",
        }
    }
    fn parse(s: &str) -> Stage {
        if s == "sale" {
            Stage::Sale
        } else {
            Stage::Cart
        }
    }
}

/// The pharmacist behind a record, already checked by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: StaffId,
    pub name: String,
    pub via: Via,
}

/// One guidance record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuidanceRecord {
    #[ts(type = "string")]
    pub id: Uuid,
    /// The cart id, which is the sale id once paid.
    pub sale_id: SaleId,
    pub line_id: LineId,
    pub product_id: ProductId,
    pub guidance: Guidance,
    pub pharmacist_id: StaffId,
    pub pharmacist_name: String,
    pub via: Via,
    /// Who was logged in at the till when it was recorded.
    pub recorded_by: StaffId,
    pub stage: Stage,
    /// RFC 3339 UTC.
    pub at: String,
    pub business_date: String,
}

const RECORD_COLUMNS: &str = "id, sale_id, line_id, product_id, dose, frequency, timing, duration,
    watch_for, taboos, note, pharmacist_id, pharmacist_name, via, recorded_by, stage, at,
    business_date";

fn record_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<GuidanceRecord> {
    let id: String = r.get(0)?;
    Ok(GuidanceRecord {
        id: Uuid::parse_str(&id).unwrap_or_default(),
        sale_id: r.get(1)?,
        line_id: r.get(2)?,
        product_id: r.get(3)?,
        guidance: Guidance {
            dose: r.get(4)?,
            frequency: r.get(5)?,
            timing: r.get(6)?,
            duration: r.get(7)?,
            watch_for: r.get(8)?,
            taboos: r.get(9)?,
            note: r.get(10)?,
        },
        pharmacist_id: r.get(11)?,
        pharmacist_name: r.get(12)?,
        via: Via::parse(&r.get::<_, String>(13)?),
        recorded_by: r.get(14)?,
        stage: Stage::parse(&r.get::<_, String>(15)?),
        at: r.get(16)?,
        business_date: r.get(17)?,
    })
}

fn insert(tx: &Tx<'_>, g: &GuidanceRecord) -> Result<()> {
    let x = &g.guidance;
    tx.prepare_cached(&format!(
        "INSERT INTO guidance ({RECORD_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
    ))?
    .execute(rusqlite::params![
        g.id.to_string(),
        g.sale_id,
        g.line_id,
        g.product_id,
        x.dose,
        x.frequency,
        x.timing,
        x.duration,
        x.watch_for,
        x.taboos,
        x.note,
        g.pharmacist_id,
        g.pharmacist_name,
        g.via.as_str(),
        g.recorded_by,
        g.stage.as_str(),
        g.at,
        g.business_date,
    ])?;
    Ok(())
}

fn sale_not_found() -> PosError {
    PosError::new(
        ErrorCode::SaleNotFound,
        "找不到这笔销售或这一行，请核对小票号后重新选择",
    )
}

/// Records `guidance` for line `line` of the cart or committed sale `sale`, by `author`, with
/// `recorded_by` logged in at the till. After payment the `guidance.recorded@1` event is written
/// in the same transaction; on an open cart the line's compact text is updated and the event
/// waits for the sale's commit ([`at_commit`]).
pub fn record(
    tx: &Tx<'_>,
    sale: SaleId,
    line: LineId,
    guidance: Guidance,
    author: &Author,
    recorded_by: StaffId,
) -> Result<GuidanceRecord> {
    let guidance = guidance.checked()?;
    let committed: Option<ProductId> = tx
        .prepare_cached("SELECT product_id FROM sale_line WHERE id = ?1 AND sale_id = ?2")?
        .query_row((line, sale), |r| r.get(0))
        .optional()?;
    let sale_exists: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sale WHERE id = ?1)")?
        .query_row([sale], |r| r.get(0))?;
    let (stage, product_id) = match committed {
        Some(p) => (Stage::Sale, p),
        None if sale_exists => return Err(sale_not_found()),
        None => {
            let open: Option<String> = tx
                .prepare_cached("SELECT status FROM cart WHERE id = ?1")?
                .query_row([sale], |r| r.get(0))
                .optional()?;
            if open.is_none() {
                return Err(sale_not_found());
            }
            crate::cart::require_open(tx, sale)?;
            let product: Option<ProductId> = tx
                .prepare_cached(
                    "SELECT product_id FROM cart_line
                     WHERE id = ?1 AND cart_id = ?2 AND removed_at IS NULL",
                )?
                .query_row((line, sale), |r| r.get(0))
                .optional()?;
            let product = product.ok_or_else(|| {
                PosError::new(
                    ErrorCode::CartLineNotFound,
                    "这一行已不在购物单中，请刷新后重试",
                )
            })?;
            (Stage::Cart, product)
        }
    };
    let now = tx.clock.now();
    let rec = GuidanceRecord {
        id: EventId::new(tx.clock).0,
        sale_id: sale,
        line_id: line,
        product_id,
        guidance,
        pharmacist_id: author.id,
        pharmacist_name: author.name.clone(),
        via: author.via,
        recorded_by,
        stage,
        at: stamp(now),
        business_date: crate::business_day::today(tx)?.to_string(),
    };
    insert(tx, &rec)?;
    match stage {
        Stage::Cart => {
            tx.execute(
                "UPDATE cart_line SET guidance = ?2 WHERE id = ?1",
                (line, rec.guidance.compact(&rec.pharmacist_name)),
            )?;
        }
        Stage::Sale => {
            let member: Option<MemberId> =
                tx.query_row("SELECT member_id FROM sale WHERE id = ?1", [sale], |r| {
                    r.get(0)
                })?;
            outbox::append(tx, Payload::GuidanceRecorded(event(&rec, member)))?;
        }
    }
    crate::audit::record(
        tx,
        Some(recorded_by),
        "guidance.record",
        &line.to_string(),
        serde_json::json!({
            "sale": sale, "pharmacist": author.id, "via": author.via.as_str(),
            "stage": stage.as_str(),
        }),
    )?;
    Ok(rec)
}

fn event(g: &GuidanceRecord, member: Option<MemberId>) -> ev::GuidanceRecordedV1 {
    let x = &g.guidance;
    ev::GuidanceRecordedV1 {
        id: g.id,
        sale_id: g.sale_id.0,
        line_id: g.line_id.0,
        product_id: g.product_id.0,
        member_id: member.map(|m| m.0),
        dose: x.dose.clone(),
        frequency: x.frequency.clone(),
        timing: x.timing.clone(),
        duration: x.duration.clone(),
        watch_for: x.watch_for.clone(),
        taboos: x.taboos.clone(),
        note: x.note.clone(),
        pharmacist_id: g.pharmacist_id.0,
        pharmacist_name: g.pharmacist_name.clone(),
        via: g.via.as_str().to_owned(),
        recorded_by: g.recorded_by.0,
        stage: g.stage.as_str().to_owned(),
        at: g.at.clone(),
        business_date: g.business_date.clone(),
    }
}

/// At a sale's commit (`sale::pay`, same transaction): every record made on its cart, for lines
/// still on it, goes to headquarters as `guidance.recorded@1`, oldest first.
pub fn at_commit(tx: &Tx<'_>, sale: SaleId, member: Option<MemberId>) -> Result<()> {
    let records: Vec<GuidanceRecord> = tx
        .prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM guidance g
             WHERE g.sale_id = ?1 AND g.stage = 'cart'
               AND EXISTS (SELECT 1 FROM sale_line l WHERE l.id = g.line_id AND l.sale_id = ?1)
             ORDER BY g.at, g.id"
        ))?
        .query_map([sale], record_row)?
        .collect::<rusqlite::Result<_>>()?;
    for r in &records {
        outbox::append(tx, Payload::GuidanceRecorded(event(r, member)))?;
    }
    Ok(())
}

/// A record received back from headquarters when a lost till is rebuilt (kept once by id).
pub fn restore(tx: &Tx<'_>, e: &ev::GuidanceRecordedV1) -> Result<()> {
    let rec = GuidanceRecord {
        id: e.id,
        sale_id: SaleId(e.sale_id),
        line_id: LineId(e.line_id),
        product_id: ProductId(e.product_id),
        guidance: Guidance {
            dose: e.dose.clone(),
            frequency: e.frequency.clone(),
            timing: e.timing.clone(),
            duration: e.duration.clone(),
            watch_for: e.watch_for.clone(),
            taboos: e.taboos.clone(),
            note: e.note.clone(),
        },
        pharmacist_id: StaffId(e.pharmacist_id),
        pharmacist_name: e.pharmacist_name.clone(),
        via: Via::parse(&e.via),
        recorded_by: StaffId(e.recorded_by),
        stage: Stage::parse(&e.stage),
        at: e.at.clone(),
        business_date: e.business_date.clone(),
    };
    let known: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM guidance WHERE id = ?1)",
        [e.id.to_string()],
        |r| r.get(0),
    )?;
    if !known {
        insert(tx, &rec)?;
    }
    Ok(())
}

/// The guidance of a line now: its newest record.
pub fn current(c: &Connection, line: LineId) -> Result<Option<GuidanceRecord>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM guidance WHERE line_id = ?1 ORDER BY at DESC, id DESC LIMIT 1"
    ))?
    .query_row([line], record_row)
    .optional()?)
}

/// Every record of a line, newest first.
pub fn history(c: &Connection, line: LineId) -> Result<Vec<GuidanceRecord>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM guidance WHERE line_id = ?1 ORDER BY at DESC, id DESC"
    ))?
    .query_map([line], record_row)?
    .collect::<rusqlite::Result<_>>()?)
}

/// The compact text of each line of a sale that has a record (newest), for `sale::get` to print
/// over what payment wrote on the line.
pub fn sale_texts(c: &Connection, sale: SaleId) -> Result<Vec<(LineId, String)>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM guidance g
         WHERE g.sale_id = ?1 AND NOT EXISTS (
             SELECT 1 FROM guidance n WHERE n.line_id = g.line_id AND (n.at, n.id) > (g.at, g.id))"
    ))?;
    let rows = st
        .query_map([sale], record_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|r| (r.line_id, r.guidance.compact(&r.pharmacist_name)))
        .collect())
}

/// The default guidance of a product: the structured default saved for it, else the catalog's
/// free text as the note (empty when it has neither).
pub fn product_default(c: &Connection, product: ProductId) -> Result<Guidance> {
    let saved = c
        .prepare_cached(
            "SELECT dose, frequency, timing, duration, watch_for, taboos, note
             FROM product_guidance WHERE product_id = ?1",
        )?
        .query_row([product], |r| {
            Ok(Guidance {
                dose: r.get(0)?,
                frequency: r.get(1)?,
                timing: r.get(2)?,
                duration: r.get(3)?,
                watch_for: r.get(4)?,
                taboos: r.get(5)?,
                note: r.get(6)?,
            })
        })
        .optional()?;
    if let Some(g) = saved {
        return Ok(g);
    }
    let text: Option<String> = c
        .prepare_cached("SELECT guidance FROM product WHERE id = ?1")?
        .query_row([product], |r| r.get(0))
        .optional()?;
    let Some(text) = text else {
        return Err(PosError::new(ErrorCode::ProductNotFound, "找不到这个商品"));
    };
    Ok(Guidance {
        note: text.trim().to_owned(),
        ..Guidance::default()
    })
}

/// Saves a product's structured default guidance (replacing the one before).
pub fn set_product_default(
    tx: &Tx<'_>,
    product: ProductId,
    guidance: Guidance,
    by: StaffId,
) -> Result<Guidance> {
    let g = guidance.checked()?;
    product_default(tx, product)?;
    tx.execute(
        "INSERT INTO product_guidance (product_id, dose, frequency, timing, duration, watch_for,
                                       taboos, note, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (product_id) DO UPDATE SET dose = ?2, frequency = ?3, timing = ?4,
             duration = ?5, watch_for = ?6, taboos = ?7, note = ?8, updated_at = ?9, updated_by = ?10",
        rusqlite::params![
            product,
            g.dose,
            g.frequency,
            g.timing,
            g.duration,
            g.watch_for,
            g.taboos,
            g.note,
            stamp(tx.clock.now()),
            by
        ],
    )?;
    crate::audit::record(
        tx,
        Some(by),
        "guidance.product_default",
        &product.to_string(),
        serde_json::json!({}),
    )?;
    Ok(g)
}

/// Guidance given to a member, as their file shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberGuidance {
    pub sale_id: SaleId,
    pub receipt_no: String,
    /// When the sale was paid (RFC 3339 UTC).
    pub sold_at: String,
    pub line_id: LineId,
    pub product_id: ProductId,
    pub name: String,
    pub spec: String,
    pub batch_no: Option<String>,
    pub quantity: u32,
    pub guidance: Guidance,
    /// `None` for free-text guidance recorded before guidance had an author.
    pub pharmacist_name: Option<String>,
    /// When the guidance was given (the sale's time for free-text guidance).
    pub at: String,
    /// How many times it was recorded for this line (corrections included).
    pub revisions: u32,
}

/// The guidance given to a member on their committed sales (also under a member merged into
/// them): each line's current guidance, newest first. Lines whose guidance predates authored
/// records (free text on the sale line) are included with the text as the note and no
/// pharmacist. The caller checks the role (pharmacists and managers).
pub fn for_member(c: &Connection, member: MemberId) -> Result<Vec<MemberGuidance>> {
    let mut st = c.prepare_cached(
        "SELECT s.id, s.receipt_no, s.at, l.id, l.product_id, l.name, l.spec, l.batch_no,
                l.quantity, g.dose, g.frequency, g.timing, g.duration, g.watch_for, g.taboos,
                g.note, g.pharmacist_name, g.at,
                (SELECT count(*) FROM guidance h WHERE h.line_id = l.id), l.guidance
         FROM sale s
         JOIN sale_line l ON l.sale_id = s.id
         LEFT JOIN guidance g ON g.id = (
             SELECT n.id FROM guidance n WHERE n.line_id = l.id ORDER BY n.at DESC, n.id DESC LIMIT 1)
         WHERE (s.member_id = ?1 OR s.member_id IN (SELECT id FROM member WHERE merged_into = ?1))
           AND (g.id IS NOT NULL OR (l.guidance IS NOT NULL AND trim(l.guidance) <> ''))",
    )?;
    let mut rows = st
        .query_map([member], |r| {
            let authored: Option<String> = r.get(16)?;
            let legacy: Option<String> = r.get(19)?;
            let (guidance, at) = match &authored {
                Some(_) => (
                    Guidance {
                        dose: r.get(9)?,
                        frequency: r.get(10)?,
                        timing: r.get(11)?,
                        duration: r.get(12)?,
                        watch_for: r.get(13)?,
                        taboos: r.get(14)?,
                        note: r.get(15)?,
                    },
                    r.get::<_, String>(17)?,
                ),
                None => (
                    Guidance {
                        note: legacy.unwrap_or_default().trim().to_owned(),
                        ..Guidance::default()
                    },
                    r.get::<_, String>(2)?,
                ),
            };
            Ok(MemberGuidance {
                sale_id: r.get(0)?,
                receipt_no: r.get(1)?,
                sold_at: r.get(2)?,
                line_id: r.get(3)?,
                product_id: r.get(4)?,
                name: r.get(5)?,
                spec: r.get(6)?,
                batch_no: r.get(7)?,
                quantity: r.get(8)?,
                guidance,
                pharmacist_name: authored,
                at,
                revisions: r.get(18)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.line_id.cmp(&a.line_id)));
    Ok(rows)
}

/// One line of a sale as the guidance screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuidanceLine {
    pub line_id: LineId,
    pub product_id: ProductId,
    pub name: String,
    pub spec: String,
    pub unit: String,
    pub manufacturer: Option<String>,
    pub batch_no: Option<String>,
    pub expires_on: Option<String>,
    pub quantity: u32,
    pub rx: bool,
    /// The newest record, if any.
    pub current: Option<GuidanceRecord>,
    /// Free-text guidance written on the line before records had an author.
    pub legacy_text: Option<String>,
    /// What the form starts from when there is no record: the product's default.
    pub default_guidance: Guidance,
    /// Records of this line (corrections included).
    pub revisions: u32,
}

/// A committed sale as the guidance screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SaleGuidance {
    pub sale_id: SaleId,
    pub receipt_no: String,
    pub at: String,
    pub business_date: String,
    pub cashier_name: Option<String>,
    /// `138****5678` when the sale had a member.
    pub member_phone_masked: Option<String>,
    pub member_name: Option<String>,
    pub lines: Vec<GuidanceLine>,
}

/// The lines of a committed sale with their guidance and the products' defaults.
pub fn for_sale(c: &Connection, sale: SaleId) -> Result<SaleGuidance> {
    let s = crate::sale::get(c, sale)?;
    let mut lines = Vec::with_capacity(s.lines.len());
    let mut legacy_st = c.prepare_cached("SELECT guidance FROM sale_line WHERE id = ?1")?;
    for l in &s.lines {
        let current = current(c, l.id)?;
        let legacy: Option<String> = legacy_st.query_row([l.id], |r| r.get(0))?;
        let revisions: u32 = c
            .prepare_cached("SELECT count(*) FROM guidance WHERE line_id = ?1")?
            .query_row([l.id], |r| r.get(0))?;
        let default_guidance = product_default(c, l.product_id).unwrap_or_default();
        lines.push(GuidanceLine {
            line_id: l.id,
            product_id: l.product_id,
            name: l.name.clone(),
            spec: l.spec.clone(),
            unit: l.unit.clone(),
            manufacturer: l.manufacturer.clone(),
            batch_no: l.batch_no.clone(),
            expires_on: l.batch_expires_on.clone(),
            quantity: l.quantity,
            rx: l.rx,
            legacy_text: if current.is_none() {
                legacy.filter(|t| !t.trim().is_empty())
            } else {
                None
            },
            current,
            default_guidance,
            revisions,
        });
    }
    Ok(SaleGuidance {
        sale_id: s.id,
        receipt_no: s.receipt_no,
        at: s.at,
        business_date: s.business_date,
        cashier_name: s.cashier_name,
        member_phone_masked: s.member.as_ref().map(|m| m.phone_masked.clone()),
        member_name: s.member.as_ref().map(|m| m.name.clone()),
        lines,
    })
}

/// A sale of a business day, for the guidance screen's pick list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuidanceSaleRow {
    pub sale_id: SaleId,
    pub receipt_no: String,
    pub at: String,
    pub cashier_name: Option<String>,
    pub member_phone_masked: Option<String>,
    /// The first line's name (and how many more).
    pub summary: String,
    pub lines: u32,
    /// Lines with guidance (authored or free text).
    pub guided: u32,
}

/// The sales of `business_date`, newest first.
pub fn sales_of_day(c: &Connection, business_date: &str) -> Result<Vec<GuidanceSaleRow>> {
    let mut st = c.prepare_cached(
        "SELECT s.id, s.receipt_no, s.at, st.name, m.phone,
                (SELECT l.name FROM sale_line l WHERE l.sale_id = s.id ORDER BY l.position LIMIT 1),
                (SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id),
                (SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id
                   AND (EXISTS (SELECT 1 FROM guidance g WHERE g.line_id = l.id)
                        OR trim(coalesce(l.guidance, '')) <> ''))
         FROM sale s LEFT JOIN staff st ON st.id = s.cashier_id
         LEFT JOIN member m ON m.id = s.member_id
         WHERE s.business_date = ?1
         ORDER BY s.at DESC, s.receipt_no DESC",
    )?;
    let rows = st
        .query_map([business_date], |r| {
            let first: Option<String> = r.get(5)?;
            let lines: u32 = r.get(6)?;
            let summary = match (first, lines) {
                (Some(n), 1) => n,
                (Some(n), k) => format!("{n} 等 {k} 种"),
                (None, _) => String::new(),
            };
            Ok(GuidanceSaleRow {
                sale_id: r.get(0)?,
                receipt_no: r.get(1)?,
                at: r.get(2)?,
                cashier_name: r.get(3)?,
                member_phone_masked: r
                    .get::<_, Option<String>>(4)?
                    .map(|p| crate::member::phone::mask(&p)),
                summary,
                lines,
                guided: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The paper a guidance slip (用药指导单) is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SlipPaper {
    /// The till's receipt roll (its 80 or 58 mm setting).
    Receipt,
    /// A5 portrait (148 × 210 mm), for an office printer.
    A5,
}

/// The member on a slip: masked, as on the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SlipMember {
    pub card_masked: String,
    pub phone_masked: String,
}

/// One drug on a slip with its guidance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SlipItem {
    pub name: String,
    pub spec: String,
    pub manufacturer: String,
    pub batch_no: Option<String>,
    pub expires_on: Option<String>,
    pub quantity: u32,
    pub unit: String,
    pub guidance: Guidance,
    /// The pharmacist who gave it (empty for free-text guidance without an author).
    pub pharmacist: String,
    /// When it was given, store time `2026-11-23 10:05`.
    pub at: String,
}

/// The guidance slip (用药指导单) of a sale: the pharmacy's contact details, the sale, the
/// member (masked), and each guided drug with its guidance and pharmacist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuidanceSlip {
    pub pharmacy: crate::settings::PharmacySettings,
    pub receipt_no: String,
    /// The sale's time, store time.
    pub sale_time: String,
    pub member: Option<SlipMember>,
    pub items: Vec<SlipItem>,
    /// When the slip was printed, store time.
    pub printed_at: String,
    pub footer: Vec<String>,
}

fn local(rfc3339: &str, format: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&crate::clock::china())
                .format(format)
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// The slip of sale `sale`: line `line` only, or every line with guidance. A line (or a sale)
/// without guidance is refused with GUIDANCE_NOT_RECORDED.
pub fn slip(
    c: &Connection,
    sale: SaleId,
    line: Option<LineId>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<GuidanceSlip> {
    let s = crate::sale::get(c, sale)?;
    if let Some(l) = line {
        if !s.lines.iter().any(|x| x.id == l) {
            return Err(sale_not_found());
        }
    }
    let view = for_sale(c, sale)?;
    let mut items = Vec::new();
    for (l, v) in s.lines.iter().zip(&view.lines) {
        if line.is_some_and(|want| want != l.id) {
            continue;
        }
        let (guidance, pharmacist, at) = match (&v.current, &v.legacy_text) {
            (Some(r), _) => (
                r.guidance.clone(),
                r.pharmacist_name.clone(),
                local(&r.at, "%Y-%m-%d %H:%M"),
            ),
            (None, Some(text)) => (
                Guidance {
                    note: text.clone(),
                    ..Guidance::default()
                },
                String::new(),
                local(&s.at, "%Y-%m-%d %H:%M"),
            ),
            (None, None) => continue,
        };
        items.push(SlipItem {
            name: l.name.clone(),
            spec: l.spec.clone(),
            manufacturer: l.manufacturer.clone().unwrap_or_default(),
            batch_no: l.batch_no.clone(),
            expires_on: l.batch_expires_on.clone(),
            quantity: l.quantity,
            unit: l.unit.clone(),
            guidance,
            pharmacist,
            at,
        });
    }
    if items.is_empty() {
        return Err(PosError::new(
            ErrorCode::GuidanceNotRecorded,
            match line {
                Some(_) => "这一行还没有用药指导：请先录入并保存，再打印用药指导单",
                None => "这笔销售还没有用药指导：请先选择商品录入并保存，再打印用药指导单",
            },
        ));
    }
    Ok(GuidanceSlip {
        pharmacy: crate::settings::get(c)?,
        receipt_no: s.receipt_no.clone(),
        sale_time: local(&s.at, "%Y-%m-%d %H:%M:%S"),
        member: s.member.as_ref().map(|m| SlipMember {
            card_masked: crate::member::card::mask(&m.card_no),
            phone_masked: m.phone_masked.clone(),
        }),
        items,
        printed_at: now
            .with_timezone(&crate::clock::china())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        footer: vec![
            "请按药师指导用药；如出现不适或上述不良反应，请停药并及时就医。".to_owned(),
            "请将药品放在儿童接触不到的地方。".to_owned(),
        ],
    })
}
