//! The product catalog: products by barcode, search by name, generic name or pinyin initials
//! (`amxl` finds 阿莫西林胶囊), CSV import with price history.

pub mod barcode;
pub mod generate;
pub mod import;

use pinyin::ToPinyin;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, PosError, Result};
use crate::ids::ProductId;
use crate::money::Money;

/// A product as the till sells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Product {
    pub id: ProductId,
    pub barcode: String,
    /// 商品名称, as printed on the box
    pub name: String,
    /// 通用名
    pub generic_name: String,
    /// 规格, e.g. 0.25g*24粒
    pub spec: String,
    /// 剂型
    pub dosage_form: String,
    /// 生产厂家
    pub manufacturer: String,
    /// 单位, e.g. 盒
    pub unit: String,
    pub price: Money,
    pub category: String,
    /// 处方药
    pub rx: bool,
    /// 含麻黄碱类复方制剂
    pub ephedrine: bool,
    /// 医保目录内
    pub insurance: bool,
    /// gets member pricing (off for special-price items)
    pub member_discount: bool,
    /// earns points
    pub points: bool,
    /// creates follow-up tasks (chronic, insulin, inhalers)
    pub follow_up: bool,
    /// 过敏原类别, e.g. 青霉素类
    pub allergen_classes: Vec<String>,
    /// days one package lasts at the usual dose
    pub days_of_supply: Option<u32>,
    /// default 用药指导
    pub guidance: String,
}

pub(crate) const PRODUCT_COLUMNS: &str = "id, barcode, name, generic_name, spec, dosage_form, \
    manufacturer, unit, price_fen, category, rx, ephedrine, insurance, member_discount, points, \
    follow_up, allergen_classes, days_of_supply, guidance";

pub(crate) fn product_from_row(r: &Row<'_>) -> rusqlite::Result<Product> {
    let allergens: String = r.get(16)?;
    Ok(Product {
        id: r.get(0)?,
        barcode: r.get(1)?,
        name: r.get(2)?,
        generic_name: r.get(3)?,
        spec: r.get(4)?,
        dosage_form: r.get(5)?,
        manufacturer: r.get(6)?,
        unit: r.get(7)?,
        price: Money::from_fen(r.get(8)?),
        category: r.get(9)?,
        rx: r.get(10)?,
        ephedrine: r.get(11)?,
        insurance: r.get(12)?,
        member_discount: r.get(13)?,
        points: r.get(14)?,
        follow_up: r.get(15)?,
        allergen_classes: split_allergens(&allergens),
        days_of_supply: r.get(17)?,
        guidance: r.get(18)?,
    })
}

pub(crate) fn split_allergens(s: &str) -> Vec<String> {
    s.split(['|', '；', ';', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Pinyin initials of a name, lower case: 阿莫西林胶囊 → `amxljn`. ASCII letters and digits are
/// kept (维生素C片 → `wssCp` → `wsscp`); other characters are dropped.
pub fn initials(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else {
                c.to_pinyin().and_then(|p| p.first_letter().chars().next())
            }
        })
        .collect()
}

/// The product with this barcode. A malformed barcode is refused before any lookup.
pub fn by_barcode(c: &Connection, barcode: &str) -> Result<Product> {
    let code = barcode::parse(barcode)?;
    c.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM product WHERE barcode = ?1"
    ))?
    .query_row([&code], product_from_row)
    .optional()?
    .ok_or_else(|| {
        PosError::new(
            ErrorCode::ProductNotFound,
            format!("条码 {code} 不在商品目录中，请核对商品或让店长导入目录"),
        )
    })
}

pub fn by_id(c: &Connection, id: ProductId) -> Result<Product> {
    c.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM product WHERE id = ?1"
    ))?
    .query_row([id], product_from_row)
    .optional()?
    .ok_or_else(|| PosError::new(ErrorCode::ProductNotFound, "商品不存在，可能已被删除"))
}

pub const DEFAULT_SEARCH_LIMIT: u32 = 20;
pub const MAX_SEARCH_LIMIT: u32 = 100;

/// Search as a cashier types: pinyin initials prefix (`amxl`), barcode prefix (digits), or a
/// part of the name or generic name (汉字).
///
/// Letters and digits walk three indexes in order (name initials, generic-name initials,
/// barcode) and stop as soon as `limit` products are found, so a one-letter query costs no more
/// than a precise one. Other text scans the covering name index for a bounded number of
/// candidates and ranks them: names starting with the text first, then shorter names.
pub fn search(c: &Connection, query: &str, limit: Option<u32>) -> Result<Vec<Product>> {
    let q = query.trim().to_lowercase();
    let limit = limit
        .unwrap_or(DEFAULT_SEARCH_LIMIT)
        .clamp(1, MAX_SEARCH_LIMIT) as usize;
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<ProductId> = Vec::new();
    if q.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        // `x >= q AND x < q || U+FFFF` is a prefix match that walks the index in order.
        let upper = format!("{q}\u{ffff}");
        for column in ["name_initials", "generic_initials", "barcode"] {
            let mut st = c.prepare_cached(&format!(
                "SELECT id FROM product WHERE {column} >= ?1 AND {column} < ?2 ORDER BY {column} LIMIT ?3"
            ))?;
            let found = st.query_map((&q, &upper, limit as i64), |r| r.get::<_, ProductId>(0))?;
            for id in found {
                let id = id?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if ids.len() >= limit {
                break;
            }
        }
        ids.truncate(limit);
    } else {
        let text = query.trim();
        let mut st = c.prepare_cached(
            "SELECT id, name FROM product INDEXED BY product_names
             WHERE instr(name, ?1) > 0 OR instr(generic_name, ?1) > 0 LIMIT ?2",
        )?;
        let mut found = st
            .query_map((text, (limit * 10) as i64), |r| {
                Ok((r.get::<_, ProductId>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let rank = |name: &str| (!name.starts_with(text), name.chars().count());
        found.sort_by(|(_, a), (_, b)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
        ids = found.into_iter().take(limit).map(|(id, _)| id).collect();
    }
    ids.into_iter().map(|id| by_id(c, id)).collect()
}

pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM product", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_drug_names() {
        assert_eq!(initials("阿莫西林胶囊"), "amxljn");
        assert_eq!(initials("维生素C片"), "wsscp");
        assert_eq!(initials("复方磺胺甲噁唑片"), "ffhajezp");
    }
}
