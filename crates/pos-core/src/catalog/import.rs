//! Catalog import from CSV, in UTF-8 (with or without BOM) or GBK/GB18030 (what Chinese
//! spreadsheets export). The whole file is checked first; every bad row is reported with its
//! line number and reason, and nothing is written unless the file is clean or the caller asked
//! for the good rows only. Re-import updates products by barcode and records price changes.

use std::collections::HashMap;

use base64::Engine;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{barcode, initials, product_from_row, split_allergens, Product, PRODUCT_COLUMNS};
use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{ProductId, StaffId};
use crate::money::Money;
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// Where the CSV comes from: a path on this machine (CLI) or the file's bytes (UI).
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct ImportSource {
    pub path: Option<String>,
    pub content_base64: Option<String>,
}

impl ImportSource {
    pub fn bytes(&self) -> Result<Vec<u8>> {
        match (&self.path, &self.content_base64) {
            (Some(p), _) => std::fs::read(p).map_err(|e| {
                PosError::new(
                    ErrorCode::ImportUnreadable,
                    format!("无法读取文件 {p}：{e}"),
                )
            }),
            (None, Some(b)) => base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|_| {
                    PosError::new(
                        ErrorCode::ImportUnreadable,
                        "文件内容传输损坏，请重新选择文件",
                    )
                }),
            (None, None) => Err(PosError::new(
                ErrorCode::BadRequest,
                "请选择要导入的 CSV 文件",
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportRowError {
    /// Line in the file, counting the header as line 1.
    #[ts(type = "number")]
    pub line: u64,
    pub barcode: Option<String>,
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportReport {
    /// `utf-8`, `utf-8-bom` or `gbk`
    pub encoding: String,
    #[ts(type = "number")]
    pub total_rows: u64,
    #[ts(type = "number")]
    pub good_rows: u64,
    pub errors: Vec<ImportRowError>,
    /// Whether anything was written.
    pub imported: bool,
    #[ts(type = "number")]
    pub created: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    #[ts(type = "number")]
    pub price_changes: u64,
}

/// The columns and the header names accepted for each (English first, then Chinese).
const COLUMNS: &[(&str, &[&str])] = &[
    ("barcode", &["barcode", "条码", "条形码", "商品条码"]),
    ("name", &["name", "商品名称", "名称", "品名"]),
    ("generic_name", &["generic_name", "通用名", "通用名称"]),
    ("spec", &["spec", "规格"]),
    ("dosage_form", &["dosage_form", "剂型"]),
    (
        "manufacturer",
        &["manufacturer", "生产厂家", "生产企业", "厂家"],
    ),
    ("unit", &["unit", "单位"]),
    ("price", &["price", "零售价", "售价", "价格"]),
    ("category", &["category", "分类", "类别"]),
    ("rx", &["rx", "处方药"]),
    ("ephedrine", &["ephedrine", "含麻黄碱", "含麻"]),
    ("insurance", &["insurance", "医保"]),
    ("member_discount", &["member_discount", "会员折扣"]),
    ("points", &["points", "积分"]),
    ("follow_up", &["follow_up", "随访"]),
    (
        "allergen_classes",
        &["allergen_classes", "过敏原类别", "过敏原"],
    ),
    (
        "days_of_supply",
        &["days_of_supply", "可用天数", "用药天数"],
    ),
    ("guidance", &["guidance", "用药指导"]),
];
const REQUIRED: &[&str] = &["barcode", "name", "price"];

/// A parsed file: the encoding, the clean rows with their line numbers, the row errors.
#[derive(Debug)]
pub struct Parsed {
    pub encoding: &'static str,
    /// Clean rows as products whose id is still nil: the id is minted when the row is written,
    /// or taken from the product with the same barcode.
    pub rows: Vec<(u64, Product)>,
    pub errors: Vec<ImportRowError>,
    pub total_rows: u64,
}

/// Decodes the bytes: a UTF-8 BOM means UTF-8; valid UTF-8 is UTF-8; anything else is read as
/// GB18030 (a superset of GBK and GB2312) and refused if that fails too.
pub fn decode(bytes: &[u8]) -> Result<(&'static str, String)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let s = std::str::from_utf8(rest).map_err(|_| unreadable_encoding())?;
        return Ok(("utf-8-bom", s.to_owned()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(("utf-8", s.to_owned()));
    }
    let (s, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(unreadable_encoding());
    }
    Ok(("gbk", s.into_owned()))
}

fn unreadable_encoding() -> PosError {
    PosError::new(
        ErrorCode::ImportUnreadable,
        "文件编码无法识别：请在表格软件中另存为 CSV（UTF-8 或 GBK）后重试",
    )
}

/// Parses and checks the whole file without writing anything.
pub fn parse(bytes: &[u8], mut progress: impl FnMut(u64, u64)) -> Result<Parsed> {
    let (encoding, text) = decode(bytes)?;
    let total_lines = text.lines().count().saturating_sub(1) as u64;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| PosError::new(ErrorCode::ImportUnreadable, format!("无法读取表头：{e}")))?
        .clone();
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().to_lowercase();
        if let Some((col, _)) = COLUMNS
            .iter()
            .find(|(_, names)| names.contains(&h.as_str()))
        {
            index.insert(col, i);
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(PosError::new(
            ErrorCode::ImportUnreadable,
            format!(
                "表头缺少必需的列：{}（第 1 行应为列名，如 barcode,name,price）",
                missing.join(", ")
            ),
        )
        .with_details(serde_json::json!({ "missing_columns": missing })));
    }

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut total_rows = 0;
    for record in reader.records() {
        total_rows += 1;
        if total_rows % 1000 == 0 {
            progress(total_rows, total_lines);
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(total_rows + 1);
                errors.push(row_error(line, None, format!("无法解析此行：{e}")));
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| p.line())
            .unwrap_or(total_rows + 1);
        if record.iter().all(|f| f.trim().is_empty()) {
            total_rows -= 1;
            continue;
        }
        let fields = Fields {
            index: &index,
            record: &record,
        };
        match check_row(&fields) {
            Ok(row) => {
                if let Some(first) = seen.get(&row.barcode) {
                    errors.push(row_error(
                        line,
                        Some(row.barcode.clone()),
                        format!("条码重复：与第 {first} 行相同"),
                    ));
                } else {
                    seen.insert(row.barcode.clone(), line);
                    rows.push((line, row));
                }
            }
            Err(msg) => {
                let code = fields.get("barcode");
                let code = (!code.is_empty()).then(|| code.to_owned());
                errors.push(row_error(line, code, msg));
            }
        }
    }
    progress(total_rows, total_rows);
    Ok(Parsed {
        encoding,
        rows,
        errors,
        total_rows,
    })
}

fn row_error(line: u64, barcode: Option<String>, message: String) -> ImportRowError {
    ImportRowError {
        line,
        barcode,
        code: ErrorCode::ImportRow,
        message,
    }
}

/// One record's fields, looked up by column name; missing columns read as empty.
struct Fields<'a> {
    index: &'a HashMap<&'static str, usize>,
    record: &'a csv::StringRecord,
}

impl<'a> Fields<'a> {
    fn get(&self, col: &str) -> &'a str {
        self.index
            .get(col)
            .and_then(|i| self.record.get(*i))
            .map(str::trim)
            .unwrap_or("")
    }
}

fn check_row(f: &Fields<'_>) -> std::result::Result<Product, String> {
    let field = |col: &str| f.get(col);
    let barcode = barcode::parse(field("barcode")).map_err(|e| e.message)?;
    let name = text(field("name"), "商品名称", 60)?;
    if name.is_empty() {
        return Err("商品名称为空".to_owned());
    }
    let price = Money::parse_amount(field("price")).map_err(|e| e.message)?;
    let flag = |col: &str, label: &str, default: bool| -> std::result::Result<bool, String> {
        match field(col).to_lowercase().as_str() {
            "" => Ok(default),
            "1" | "是" | "y" | "yes" | "true" => Ok(true),
            "0" | "否" | "n" | "no" | "false" => Ok(false),
            other => Err(format!("“{label}”的值“{other}”无法识别：请填 1/0 或 是/否")),
        }
    };
    let days_of_supply = match field("days_of_supply") {
        "" => None,
        s => match s.parse::<u32>() {
            Ok(d) if (1..=3650).contains(&d) => Some(d),
            _ => return Err(format!("可用天数“{s}”无效：应为 1–3650 的整数")),
        },
    };
    let allergen_classes = split_allergens(field("allergen_classes"));
    if allergen_classes.iter().any(|a| a.chars().count() > 20) {
        return Err("过敏原类别太长：每项最多 20 个字".to_owned());
    }
    Ok(Product {
        id: ProductId(uuid::Uuid::nil()),
        barcode,
        generic_name: text(field("generic_name"), "通用名", 60)?,
        spec: text(field("spec"), "规格", 40)?,
        dosage_form: text(field("dosage_form"), "剂型", 20)?,
        manufacturer: text(field("manufacturer"), "生产厂家", 60)?,
        unit: text(field("unit"), "单位", 8)?,
        category: text(field("category"), "分类", 20)?,
        guidance: text(field("guidance"), "用药指导", 200)?,
        price,
        rx: flag("rx", "处方药", false)?,
        ephedrine: flag("ephedrine", "含麻黄碱", false)?,
        insurance: flag("insurance", "医保", false)?,
        member_discount: flag("member_discount", "会员折扣", true)?,
        points: flag("points", "积分", true)?,
        follow_up: flag("follow_up", "随访", false)?,
        allergen_classes,
        days_of_supply,
        name,
    })
}

fn text(s: &str, label: &str, max: usize) -> std::result::Result<String, String> {
    if s.chars().count() > max {
        return Err(format!("{label}太长：最多 {max} 个字"));
    }
    Ok(s.to_owned())
}

/// Runs the product insert or update statement; both take the same 22 parameters in this order.
/// What [`upsert`] did to one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Unchanged,
    Created,
    Updated { price_changed: bool },
}

/// Adds the product, or updates the one with its barcode (keeping this till's id); every price
/// a product has had goes to the history, starting with its first.
pub fn upsert(tx: &Tx<'_>, row: &Product, by: Option<StaffId>, source: &str) -> Result<Change> {
    let now = stamp(tx.clock.now());
    let existing = tx
        .prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM product WHERE barcode = ?1"
        ))?
        .query_row([&row.barcode], product_from_row)
        .optional()?;
    let incoming = |id| Product { id, ..row.clone() };
    let record_price = |id: ProductId, old_fen: Option<i64>| -> Result<()> {
        tx.prepare_cached(
            "INSERT INTO product_price_history (product_id, old_price_fen, new_price_fen, changed_at, changed_by, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![id, old_fen, row.price.fen(), now, by, source])?;
        Ok(())
    };
    Ok(match existing {
        Some(old) if old == incoming(old.id) => Change::Unchanged,
        Some(old) => {
            // Insert and update take the same parameters (see `execute_product`).
            let mut update = tx.prepare_cached(
                "UPDATE product SET barcode = ?2, name = ?3, generic_name = ?4, spec = ?5, dosage_form = ?6,
                    manufacturer = ?7, unit = ?8, price_fen = ?9, category = ?10, rx = ?11, ephedrine = ?12,
                    insurance = ?13, member_discount = ?14, points = ?15, follow_up = ?16,
                    allergen_classes = ?17, days_of_supply = ?18, guidance = ?19, name_initials = ?20,
                    generic_initials = ?21, updated_at = ?22
                 WHERE id = ?1",
            )?;
            execute_product(&mut update, &incoming(old.id), &now)?;
            let price_changed = old.price != row.price;
            if price_changed {
                record_price(old.id, Some(old.price.fen()))?;
            }
            Change::Updated { price_changed }
        }
        None => {
            let id = ProductId::new(tx.clock);
            let mut insert = tx.prepare_cached(
                "INSERT INTO product (id, barcode, name, generic_name, spec, dosage_form, manufacturer, unit,
                    price_fen, category, rx, ephedrine, insurance, member_discount, points, follow_up,
                    allergen_classes, days_of_supply, guidance, name_initials, generic_initials, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?22)",
            )?;
            execute_product(&mut insert, &incoming(id), &now)?;
            record_price(id, None)?;
            Change::Created
        }
    })
}

/// The product as the sync carries it (`catalog.product@1`).
pub fn product_event(p: &Product) -> ev::CatalogProductV1 {
    ev::CatalogProductV1 {
        barcode: p.barcode.clone(),
        name: p.name.clone(),
        generic_name: p.generic_name.clone(),
        spec: p.spec.clone(),
        dosage_form: p.dosage_form.clone(),
        manufacturer: p.manufacturer.clone(),
        unit: p.unit.clone(),
        price: p.price.decimal(),
        category: p.category.clone(),
        rx: p.rx,
        ephedrine: p.ephedrine,
        insurance: p.insurance,
        member_discount: p.member_discount,
        points: p.points,
        follow_up: p.follow_up,
        allergen_classes: p.allergen_classes.clone(),
        days_of_supply: p.days_of_supply,
        guidance: p.guidance.clone(),
    }
}

/// A synced product as this till stores it (a new id when the barcode is new here).
pub fn product_from_event(tx: &Tx<'_>, e: &ev::CatalogProductV1) -> Result<Product> {
    Ok(Product {
        id: ProductId::new(tx.clock),
        barcode: e.barcode.clone(),
        name: e.name.clone(),
        generic_name: e.generic_name.clone(),
        spec: e.spec.clone(),
        dosage_form: e.dosage_form.clone(),
        manufacturer: e.manufacturer.clone(),
        unit: e.unit.clone(),
        price: Money::from_decimal(e.price)?,
        category: e.category.clone(),
        rx: e.rx,
        ephedrine: e.ephedrine,
        insurance: e.insurance,
        member_discount: e.member_discount,
        points: e.points,
        follow_up: e.follow_up,
        allergen_classes: e.allergen_classes.clone(),
        days_of_supply: e.days_of_supply,
        guidance: e.guidance.clone(),
    })
}

fn execute_product(
    stmt: &mut rusqlite::CachedStatement<'_>,
    p: &Product,
    now: &str,
) -> rusqlite::Result<usize> {
    stmt.execute(rusqlite::params![
        p.id,
        p.barcode,
        p.name,
        p.generic_name,
        p.spec,
        p.dosage_form,
        p.manufacturer,
        p.unit,
        p.price.fen(),
        p.category,
        p.rx,
        p.ephedrine,
        p.insurance,
        p.member_discount,
        p.points,
        p.follow_up,
        p.allergen_classes.join("|"),
        p.days_of_supply,
        p.guidance,
        initials(&p.name),
        initials(&p.generic_name),
        now,
    ])
}

impl Parsed {
    pub fn report(&self) -> ImportReport {
        ImportReport {
            encoding: self.encoding.to_owned(),
            total_rows: self.total_rows,
            good_rows: self.rows.len() as u64,
            errors: self.errors.clone(),
            imported: false,
            created: 0,
            updated: 0,
            unchanged: 0,
            price_changes: 0,
        }
    }
}

/// Writes the parsed rows inside `tx`. Refuses a file with bad rows unless `only_good_rows`.
pub fn write(
    tx: &Tx<'_>,
    parsed: &Parsed,
    only_good_rows: bool,
    by: Option<StaffId>,
    source: &str,
    mut progress: impl FnMut(u64, u64),
) -> Result<ImportReport> {
    let mut report = parsed.report();
    if !parsed.errors.is_empty() && !only_good_rows {
        return Err(PosError::new(
            ErrorCode::ImportHasErrors,
            format!(
                "文件有 {} 行错误，未导入任何商品：请修改后重新导入，或选择“仅导入无误的行”",
                parsed.errors.len()
            ),
        )
        .with_details(serde_json::to_value(&report).unwrap_or_default()));
    }
    let total = parsed.rows.len() as u64;
    for (i, (_, row)) in parsed.rows.iter().enumerate() {
        if i % 1000 == 0 {
            progress(i as u64, total);
        }
        match upsert(tx, row, by, source)? {
            Change::Unchanged => report.unchanged += 1,
            change => {
                match change {
                    Change::Created => report.created += 1,
                    Change::Updated { price_changed } => {
                        report.updated += 1;
                        report.price_changes += u64::from(price_changed);
                    }
                    Change::Unchanged => {}
                }
                // Headquarters keeps the store's catalog too: a rebuilt till gets it back.
                outbox::append(tx, Payload::CatalogProduct(product_event(row)))?;
            }
        }
    }
    progress(total, total);
    report.imported = true;
    outbox::append(
        tx,
        Payload::CatalogImported(ev::CatalogImportedV1 {
            source: source.to_string(),
            created: report.created,
            updated: report.updated,
            price_changes: report.price_changes,
            skipped_rows: parsed.errors.len() as u64,
        }),
    )?;
    Ok(report)
}
