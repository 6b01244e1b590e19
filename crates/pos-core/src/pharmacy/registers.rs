//! The two registers a pharmacy shows an inspector: the prescription register (处方登记, kept at
//! least 2 years) and the register of ephedrine-containing compound preparations (含麻黄碱类复方
//! 制剂登记). Both are written at checkout (`sale::commit`); this module reads them back —
//! searched, paged, printed (A4, through the generic report model `report_doc`) and exported —
//! and adds what the counter captures with a prescription: the patient (name, sex, age) and a
//! photo or scan of it, copied beside the store file so the record does not depend on a USB stick
//! or a scanner folder that is emptied.
//!
//! ID numbers are personal information (PIPL): lists show them masked (`110101********1234`); a
//! pharmacist or manager sees a whole number on an explicit reveal of one line, printed or
//! exported registers carry them whole, and each of those is audited (`api::registers`).
//!
//! A repeat buyer is flagged on the line that makes the purchase a repeat: the same ID number
//! bought in at least `repeat_min_purchases` sales (this one included) within
//! `repeat_window_days` days up to this line's business day (defaults 2 within 30 days, the
//! window of the counter's own warning, `cart::EPHEDRINE_REPEAT_DAYS`).

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{china, parse_stamp};
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::SaleId;
use crate::report_doc::{Column, ReportDoc, ReportKind, Row, Section, Table, Value};
use crate::settings::PharmacySettings;

/// The largest prescription image taken (a phone photo is 2–6 MB; a scan at 300 dpi about 1 MB).
pub const IMAGE_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Images offered from the scanner folder: the newest ones.
pub const SCANNER_NEWEST: usize = 12;
/// Rows per page when the caller does not say; the most a page may have.
pub const PAGE_SIZE: u32 = 50;
pub const PAGE_MAX: u32 = 500;

// ---------------------------------------------------------------------------------------------
// Settings

/// This till's register settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegisterSettings {
    /// The folder the prescription scanner saves images in; `null`: pick from a file only.
    pub scanner_dir: Option<String>,
    /// A repeat buyer: this many purchases (sales) by one ID number, this one included …
    pub repeat_min_purchases: u32,
    /// … within this many days up to the purchase.
    pub repeat_window_days: u32,
}

pub fn settings(c: &Connection) -> Result<RegisterSettings> {
    Ok(c.query_row(
        "SELECT scanner_dir, repeat_min_purchases, repeat_window_days FROM register_settings WHERE id = 1",
        [],
        |r| {
            Ok(RegisterSettings {
                scanner_dir: r.get(0)?,
                repeat_min_purchases: r.get(1)?,
                repeat_window_days: r.get(2)?,
            })
        },
    )?)
}

pub fn update_settings(
    tx: &Tx<'_>,
    by: crate::ids::StaffId,
    s: RegisterSettings,
) -> Result<RegisterSettings> {
    let dir = s
        .scanner_dir
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if let Some(d) = dir {
        if !Path::new(d).is_dir() {
            return Err(PosError::invalid_field(
                "scanner_dir",
                format!("找不到扫描仪文件夹 {d}，请确认扫描仪保存图片的位置"),
            ));
        }
    }
    if !(2..=99).contains(&s.repeat_min_purchases) {
        return Err(PosError::invalid_field(
            "repeat_min_purchases",
            "重复购买次数应在 2–99 之间",
        ));
    }
    if !(1..=366).contains(&s.repeat_window_days) {
        return Err(PosError::invalid_field(
            "repeat_window_days",
            "重复购买的统计天数应在 1–366 之间",
        ));
    }
    tx.execute(
        "UPDATE register_settings SET scanner_dir = ?1, repeat_min_purchases = ?2,
                repeat_window_days = ?3 WHERE id = 1",
        (dir, s.repeat_min_purchases, s.repeat_window_days),
    )?;
    crate::audit::record(
        tx,
        Some(by),
        "register.settings",
        "register_settings",
        serde_json::json!({
            "scanner_dir": dir,
            "repeat_min_purchases": s.repeat_min_purchases,
            "repeat_window_days": s.repeat_window_days,
        }),
    )?;
    settings(tx)
}

// ---------------------------------------------------------------------------------------------
// The patient and the image of a prescription at the counter

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    fn parse(s: &str) -> Option<Sex> {
        match s {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// The patient a prescription was written for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RxPatient {
    pub name: String,
    pub sex: Sex,
    /// Years (0 for a baby under one).
    pub age: u32,
}

fn no_prescription() -> PosError {
    PosError::new(
        ErrorCode::PrescriptionRequired,
        "请先登记处方（医院、医师、日期、诊断），再填写患者信息或附处方图片",
    )
}

/// Records the patient of the cart's prescription; like a replaced prescription, it needs the
/// pharmacist's approval again.
pub fn set_patient(tx: &Tx<'_>, cart: SaleId, p: &RxPatient) -> Result<()> {
    crate::cart::require_open(tx, cart)?;
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(PosError::invalid_field(
            "patient_name",
            "请填写患者姓名（最多 30 字）",
        ));
    }
    if p.age > 150 {
        return Err(PosError::invalid_field(
            "patient_age",
            "患者年龄应在 0–150 岁之间",
        ));
    }
    let n = tx.execute(
        "UPDATE cart_prescription SET patient_name = ?2, patient_sex = ?3, patient_age = ?4,
                approved_by = NULL, approved_at = NULL, approved_lines = ''
         WHERE cart_id = ?1",
        (cart, name, p.sex.as_str(), p.age),
    )?;
    if n == 0 {
        return Err(no_prescription());
    }
    Ok(())
}

/// Copies the patient onto the sale's prescription record, in the transaction that commits the
/// sale (the record is written from the cart's prescription just before).
pub fn record_patient(tx: &Tx<'_>, sale: SaleId) -> Result<()> {
    tx.execute(
        "UPDATE prescription SET
             patient_name = (SELECT patient_name FROM cart_prescription WHERE cart_id = ?1),
             patient_sex = (SELECT patient_sex FROM cart_prescription WHERE cart_id = ?1),
             patient_age = (SELECT patient_age FROM cart_prescription WHERE cart_id = ?1)
         WHERE sale_id = ?1 AND EXISTS (SELECT 1 FROM cart_prescription WHERE cart_id = ?1)",
        [sale],
    )?;
    Ok(())
}

fn image_error(message: String) -> PosError {
    PosError::new(ErrorCode::PrescriptionImageInvalid, message)
}

/// The image format by its first bytes (the name's extension can lie): JPEG, PNG, GIF, BMP,
/// TIFF, WebP — what phones and document scanners save.
pub fn image_kind(head: &[u8]) -> Option<&'static str> {
    match head {
        [0xFF, 0xD8, 0xFF, ..] => Some("jpg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("png"),
        [b'G', b'I', b'F', b'8', ..] => Some("gif"),
        [b'B', b'M', ..] => Some("bmp"),
        [b'I', b'I', 0x2A, 0x00, ..] | [b'M', b'M', 0x00, 0x2A, ..] => Some("tif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("webp"),
        _ => None,
    }
}

/// `prescriptions/` beside the store file.
pub fn images_dir(store_file: &Path) -> PathBuf {
    store_file
        .parent()
        .map(|d| d.join("prescriptions"))
        .unwrap_or_else(|| PathBuf::from("prescriptions"))
}

/// Checks `source` is an image of at most [`IMAGE_MAX_BYTES`] and copies it to
/// `<dir>/<sale id>.<ext>`; the copy's path.
pub fn copy_image(source: &Path, dir: &Path, sale: SaleId) -> Result<PathBuf> {
    let meta = std::fs::metadata(source).map_err(|_| {
        image_error(format!(
            "找不到处方图片文件 {}，请重新选择",
            source.display()
        ))
    })?;
    if !meta.is_file() {
        return Err(image_error(format!(
            "{} 不是文件，请选择处方的照片或扫描图片",
            source.display()
        )));
    }
    if meta.len() > IMAGE_MAX_BYTES {
        return Err(image_error(format!(
            "处方图片太大（{:.1} MB），最大 {} MB；请降低扫描分辨率或压缩后再选",
            meta.len() as f64 / 1_048_576.0,
            IMAGE_MAX_BYTES / 1_048_576
        )));
    }
    let bytes = std::fs::read(source)
        .map_err(|e| image_error(format!("无法读取处方图片 {}：{e}", source.display())))?;
    let ext = image_kind(&bytes).ok_or_else(|| {
        image_error(format!(
            "{} 不是图片（支持 JPG、PNG、GIF、BMP、TIFF、WebP），请重新选择",
            source.display()
        ))
    })?;
    std::fs::create_dir_all(dir).map_err(|e| {
        image_error(format!(
            "无法创建处方图片文件夹 {}：{e}；请检查磁盘空间和权限",
            dir.display()
        ))
    })?;
    let target = dir.join(format!("{sale}.{ext}"));
    std::fs::write(&target, &bytes).map_err(|e| {
        image_error(format!(
            "无法保存处方图片到 {}：{e}；请检查磁盘空间和权限",
            target.display()
        ))
    })?;
    Ok(target)
}

/// Points the cart's prescription at its copied image (a new image needs approval again).
pub fn set_image(tx: &Tx<'_>, cart: SaleId, copied: &Path) -> Result<()> {
    crate::cart::require_open(tx, cart)?;
    let n = tx.execute(
        "UPDATE cart_prescription SET image_path = ?2,
                approved_by = NULL, approved_at = NULL, approved_lines = ''
         WHERE cart_id = ?1",
        (cart, copied.to_string_lossy()),
    )?;
    if n == 0 {
        return Err(no_prescription());
    }
    Ok(())
}

/// An image in the scanner folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ScannedImage {
    pub path: String,
    pub file_name: String,
    /// When the scanner saved it (store time, `YYYY-MM-DD HH:MM:SS`).
    pub modified: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The newest images in `dir` (by modification time), newest first; files that are not images
/// by their first bytes are left out.
pub fn scanner_images(dir: &Path, limit: usize) -> Result<Vec<ScannedImage>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        image_error(format!(
            "无法打开扫描仪文件夹 {}：{e}；请在收银台设置中检查文件夹",
            dir.display()
        ))
    })?;
    let mut found: Vec<(std::time::SystemTime, PathBuf, u64)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            if !meta.is_file() {
                return None;
            }
            Some((meta.modified().ok()?, e.path(), meta.len()))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out = Vec::new();
    for (modified, path, bytes) in found {
        if out.len() == limit {
            break;
        }
        let mut head = [0u8; 12];
        let n = std::fs::File::open(&path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        if image_kind(&head[..n]).is_none() {
            continue;
        }
        let at: DateTime<Utc> = modified.into();
        out.push(ScannedImage {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.to_string_lossy().into_owned(),
            modified: local(at, "%Y-%m-%d %H:%M:%S"),
            bytes,
        });
    }
    Ok(out)
}

/// The image as a `data:` URL the approval dialog shows (`None` when it is gone or unreadable).
pub fn image_data_url(path: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = std::fs::read(path).ok()?;
    let mime = match image_kind(&bytes)? {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "tif" => "image/tiff",
        _ => "image/webp",
    };
    Some(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// What the pharmacist reviews before approving an Rx sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RxReview {
    pub hospital: String,
    pub doctor: String,
    pub prescribed_on: String,
    pub diagnosis: String,
    pub patient: Option<RxPatient>,
    pub image_path: Option<String>,
    /// The image itself, ready to show; `null` without one.
    pub image_data_url: Option<String>,
    /// The Rx lines: `name spec ×qty`.
    pub rx_lines: Vec<String>,
    /// The member of the sale, if any.
    pub member_name: Option<String>,
}

pub fn rx_review(c: &Connection, cart: SaleId) -> Result<RxReview> {
    let row = c
        .query_row(
            "SELECT hospital, doctor, prescribed_on, diagnosis, image_path, patient_name,
                    patient_sex, patient_age
             FROM cart_prescription WHERE cart_id = ?1",
            [cart],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<u32>>(7)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(no_prescription)?;
    let (hospital, doctor, prescribed_on, diagnosis, image_path, pname, psex, page) = row;
    let patient = match (Sex::parse(&psex), page) {
        (Some(sex), Some(age)) if !pname.is_empty() => Some(RxPatient {
            name: pname,
            sex,
            age,
        }),
        _ => None,
    };
    let rx_lines = c
        .prepare(
            "SELECT p.name, p.spec, l.quantity FROM cart_line l JOIN product p ON p.id = l.product_id
             WHERE l.cart_id = ?1 AND l.removed_at IS NULL AND p.rx = 1 ORDER BY l.position",
        )?
        .query_map([cart], |r| {
            Ok(format!(
                "{} {} ×{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let member_name = c
        .query_row(
            "SELECT m.name FROM cart k JOIN member m ON m.id = k.member_id WHERE k.id = ?1",
            [cart],
            |r| r.get(0),
        )
        .optional()?;
    Ok(RxReview {
        image_data_url: image_path.as_deref().and_then(image_data_url),
        hospital,
        doctor,
        prescribed_on,
        diagnosis,
        patient,
        image_path,
        rx_lines,
        member_name,
    })
}

// ---------------------------------------------------------------------------------------------
// Searching

fn local(t: DateTime<Utc>, fmt: &str) -> String {
    t.with_timezone(&china()).format(fmt).to_string()
}

fn local_stamp(s: &str) -> String {
    parse_stamp(s).map_or_else(|| s.to_owned(), |t| local(t, "%Y-%m-%d %H:%M"))
}

/// A period of business days, both ends included.
fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate)> {
    let from = crate::business_day::parse_date("from", from)?;
    let to = crate::business_day::parse_date("to", to)?;
    if to < from {
        return Err(PosError::invalid_field("to", "结束日期不能早于开始日期"));
    }
    Ok((from, to))
}

fn page_of(page: u32, page_size: Option<u32>) -> (u32, u32) {
    let size = page_size.unwrap_or(PAGE_SIZE).clamp(1, PAGE_MAX);
    (page, size)
}

/// `%text%` for LIKE, with the user's `%` and `_` taken literally; `None` for an empty text.
fn like(s: Option<&str>) -> Option<String> {
    let s = s.map(str::trim).filter(|s| !s.is_empty())?;
    let escaped: String = s
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    Some(format!("%{escaped}%"))
}

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// What the prescription register is searched by; every criterion is optional but the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionFilter {
    /// First business day, `YYYY-MM-DD`.
    pub from: String,
    /// Last business day (included).
    pub to: String,
    /// A member's phone, card number, last 4 digits of the phone, or part of the member's or the
    /// patient's name.
    #[serde(default)]
    #[ts(optional)]
    pub member: Option<String>,
    /// Part of an Rx drug's name, or its barcode.
    #[serde(default)]
    #[ts(optional)]
    pub drug: Option<String>,
    /// Part of the prescribing doctor's name.
    #[serde(default)]
    #[ts(optional)]
    pub doctor: Option<String>,
    /// 0-based.
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    #[ts(optional)]
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PrescriptionRow {
    pub sale_id: SaleId,
    pub receipt_no: String,
    pub business_date: String,
    /// The sale's time, store time `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub hospital: String,
    pub doctor: String,
    pub prescribed_on: String,
    pub diagnosis: String,
    pub patient_name: String,
    pub patient_sex: Option<Sex>,
    pub patient_age: Option<u32>,
    pub member_name: Option<String>,
    /// The Rx lines: `name ×qty`, joined by 、.
    pub drugs: String,
    pub approved_by_name: Option<String>,
    pub image_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PrescriptionPage {
    pub rows: Vec<PrescriptionRow>,
    /// All rows the filter matches.
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
}

/// The conditions of a prescription search and their named parameters. A filter not given adds
/// nothing, so each search is planned on its own conditions (the period on `prescription_day`,
/// migration 0018), not on one text for every filter (`:x IS NULL OR …` cannot use an index).
fn prescription_conditions(
    f: &PrescriptionFilter,
) -> Result<(String, Vec<(&'static str, String)>)> {
    let (from, to) = period(&f.from, &f.to)?;
    let mut sql = String::from("p.business_date BETWEEN :from AND :to");
    let mut params = vec![(":from", from.to_string()), (":to", to.to_string())];
    let member = f.member.as_deref();
    if let (Some(whole), Some(part)) = (trimmed(member), like(member)) {
        // A member's phone, card number or last 4 digits, or part of the member's or the
        // patient's name. The members of the period's records (on the record since migration
        // 0022) are checked once each, not a sale and a member per record.
        sql.push_str(
            " AND (p.patient_name LIKE :member_part ESCAPE '\\'
                   OR p.member_id IN (
                       SELECT mm.id FROM member mm
                       WHERE mm.id IN (SELECT q.member_id FROM prescription q
                                       WHERE q.business_date BETWEEN :from AND :to
                                         AND q.member_id IS NOT NULL)
                         AND (mm.phone = :member OR mm.card_no = :member
                              OR mm.phone_last4 = :member
                              OR mm.name LIKE :member_part ESCAPE '\\')))",
        );
        params.push((":member", whole));
        params.push((":member_part", part));
    }
    let drug = f.drug.as_deref();
    if let (Some(whole), Some(part)) = (trimmed(drug), like(drug)) {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM sale_line l WHERE l.sale_id = p.sale_id AND l.rx = 1
                            AND (l.name LIKE :drug_part ESCAPE '\\' OR l.barcode = :drug))",
        );
        params.push((":drug", whole));
        params.push((":drug_part", part));
    }
    if let Some(part) = like(f.doctor.as_deref()) {
        sql.push_str(" AND p.doctor LIKE :doctor_part ESCAPE '\\'");
        params.push((":doctor_part", part));
    }
    Ok((sql, params))
}

/// A prescription record as the register lists it: `p` the record, `s` its sale, `m` its member.
const PRESCRIPTION_ROW: &str = "
    SELECT p.sale_id, s.receipt_no, p.business_date, s.at, p.hospital, p.doctor,
           p.prescribed_on, p.diagnosis, p.patient_name, p.patient_sex, p.patient_age, m.name,
           (SELECT group_concat(l.name || ' ×' || l.quantity, '、') FROM sale_line l
             WHERE l.sale_id = p.sale_id AND l.rx = 1),
           (SELECT name FROM staff WHERE id = p.approved_by), p.image_path
    FROM prescription p
    JOIN sale s ON s.id = p.sale_id
    LEFT JOIN member m ON m.id = s.member_id";

fn prescription_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PrescriptionRow> {
    Ok(PrescriptionRow {
        sale_id: r.get(0)?,
        receipt_no: r.get(1)?,
        business_date: r.get(2)?,
        at: local_stamp(&r.get::<_, String>(3)?),
        hospital: r.get(4)?,
        doctor: r.get(5)?,
        prescribed_on: r.get(6)?,
        diagnosis: r.get(7)?,
        patient_name: r.get(8)?,
        patient_sex: Sex::parse(&r.get::<_, String>(9)?),
        patient_age: r.get(10)?,
        member_name: r.get(11)?,
        drugs: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
        approved_by_name: r.get(13)?,
        image_path: r.get(14)?,
    })
}

/// A page of the prescription register, newest first, and how many records the filter matches.
/// The period alone is counted on `prescription_day` and its page walked on it. A criterion is
/// checked on every record of the period (a member criterion: a member lookup for each), so it
/// runs once, for the ids of the records it matches in the register's order (their number is
/// the total), and the page's records are then read by id; a count and a page query ran it twice.
pub fn search_prescriptions(c: &Connection, f: &PrescriptionFilter) -> Result<PrescriptionPage> {
    let (page, size) = page_of(f.page, f.page_size);
    let (conditions, params) = prescription_conditions(f)?;
    let mut args: Vec<(&str, &dyn rusqlite::ToSql)> = params
        .iter()
        .map(|(name, value)| (*name, value as &dyn rusqlite::ToSql))
        .collect();
    let order = "ORDER BY p.business_date DESC, p.at DESC, p.sale_id";
    let period_only = params.len() == 2; // :from and :to
    let (total, rows) = if period_only {
        let total: u32 = c
            .prepare_cached(&format!(
                "SELECT count(*) FROM prescription p WHERE {conditions}"
            ))?
            .query_row(&*args, |r| r.get(0))?;
        let limit = i64::from(size);
        let offset = i64::from(page) * i64::from(size);
        args.push((":limit", &limit));
        args.push((":offset", &offset));
        let rows = c
            .prepare_cached(&format!(
                "{PRESCRIPTION_ROW} WHERE {conditions} {order} LIMIT :limit OFFSET :offset"
            ))?
            .query_map(&*args, prescription_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        (total, rows)
    } else {
        let ids: Vec<SaleId> = c
            .prepare_cached(&format!(
                "SELECT p.sale_id FROM prescription p WHERE {conditions} {order}"
            ))?
            .query_map(&*args, |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let start = (page as usize).saturating_mul(size as usize).min(ids.len());
        let end = start.saturating_add(size as usize).min(ids.len());
        let mut st = c.prepare_cached(&format!("{PRESCRIPTION_ROW} WHERE p.sale_id = ?1"))?;
        let rows = ids[start..end]
            .iter()
            .map(|id| st.query_row([id], prescription_row))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        (u32::try_from(ids.len()).unwrap_or(u32::MAX), rows)
    };
    Ok(PrescriptionPage {
        rows,
        total,
        page,
        page_size: size,
    })
}

/// What the ephedrine register is searched by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EphedrineFilter {
    /// First business day, `YYYY-MM-DD`.
    pub from: String,
    /// Last business day (included).
    pub to: String,
    /// Part of the buyer's name.
    #[serde(default)]
    #[ts(optional)]
    pub buyer: Option<String>,
    /// A whole ID number, or its last digits (e.g. the last 4).
    #[serde(default)]
    #[ts(optional)]
    pub id_number: Option<String>,
    /// 0-based.
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    #[ts(optional)]
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EphedrineRow {
    /// The register line's id (for a reveal).
    pub id: String,
    pub sale_id: SaleId,
    pub receipt_no: String,
    pub business_date: String,
    /// Store time `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub buyer_name: String,
    /// `110101********1234`.
    pub id_masked: String,
    pub drug: String,
    pub spec: String,
    pub quantity: u32,
    pub batch_no: Option<String>,
    pub staff_name: Option<String>,
    /// Purchases (sales) by this ID number within the window up to this one, this one included.
    pub purchases_in_window: u32,
    /// A repeat buyer: `purchases_in_window` reached the threshold.
    pub repeat: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EphedrinePage {
    pub rows: Vec<EphedrineRow>,
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
    /// The repeat-buyer rule the flags follow.
    pub repeat_min_purchases: u32,
    pub repeat_window_days: u32,
}

const EPHEDRINE_WHERE: &str = "
    FROM ephedrine_register r JOIN sale s ON s.id = r.sale_id
    WHERE r.business_date BETWEEN ?1 AND ?2
      AND (?3 IS NULL OR r.buyer_name LIKE ?3 ESCAPE '\\')
      AND (?4 IS NULL OR r.id_number = ?4 OR (length(?4) < 18 AND r.id_number LIKE '%' || ?4))";

/// One line of the register with its whole ID number (for the inspector's print and exports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EphedrineLine {
    pub row: EphedrineRow,
    pub id_number: String,
}

fn ephedrine_query(
    c: &Connection,
    f: &EphedrineFilter,
    s: &RegisterSettings,
    limit: Option<(u32, u32)>,
) -> Result<(Vec<EphedrineLine>, u32)> {
    let (from, to) = period(&f.from, &f.to)?;
    let id = f
        .id_number
        .as_deref()
        .map(|i| crate::text::half_width(i).trim().to_uppercase())
        .filter(|i| !i.is_empty());
    let base = rusqlite::params![
        from.to_string(),
        to.to_string(),
        like(f.buyer.as_deref()),
        id
    ];
    let total: u32 = c
        .prepare_cached(&format!("SELECT count(*) {EPHEDRINE_WHERE}"))?
        .query_row(base, |r| r.get(0))?;
    let (size, offset) = limit.map_or((-1i64, 0i64), |(page, size)| {
        (i64::from(size), i64::from(page) * i64::from(size))
    });
    let sql = format!(
        "SELECT r.id, r.sale_id, s.receipt_no, r.business_date, r.at, r.buyer_name, r.id_number,
                r.name, r.spec, r.quantity, r.batch_no, (SELECT name FROM staff WHERE id = r.recorded_by),
                (SELECT count(DISTINCT r2.sale_id) FROM ephedrine_register r2
                  WHERE r2.id_number = r.id_number AND r2.business_date >= date(r.business_date, ?5)
                    AND r2.business_date <= r.business_date AND r2.at <= r.at)
         {EPHEDRINE_WHERE}
         ORDER BY r.business_date DESC, r.at DESC, r.id
         LIMIT ?6 OFFSET ?7"
    );
    let window = format!("-{} days", s.repeat_window_days);
    let lines = c
        .prepare_cached(&sql)?
        .query_map(
            rusqlite::params![
                from.to_string(),
                to.to_string(),
                like(f.buyer.as_deref()),
                id,
                window,
                size,
                offset
            ],
            |r| {
                let number: String = r.get(6)?;
                let purchases: u32 = r.get(12)?;
                Ok(EphedrineLine {
                    row: EphedrineRow {
                        id: r.get(0)?,
                        sale_id: r.get(1)?,
                        receipt_no: r.get(2)?,
                        business_date: r.get(3)?,
                        at: local_stamp(&r.get::<_, String>(4)?),
                        buyer_name: r.get(5)?,
                        id_masked: crate::id_card::mask(&number),
                        drug: r.get(7)?,
                        spec: r.get(8)?,
                        quantity: r.get(9)?,
                        batch_no: r.get(10)?,
                        staff_name: r.get(11)?,
                        purchases_in_window: purchases,
                        repeat: purchases >= s.repeat_min_purchases,
                    },
                    id_number: number,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((lines, total))
}

/// A page of the register, ID numbers masked.
pub fn search_ephedrine(c: &Connection, f: &EphedrineFilter) -> Result<EphedrinePage> {
    let s = settings(c)?;
    let (page, size) = page_of(f.page, f.page_size);
    let (lines, total) = ephedrine_query(c, f, &s, Some((page, size)))?;
    Ok(EphedrinePage {
        rows: lines.into_iter().map(|l| l.row).collect(),
        total,
        page,
        page_size: size,
        repeat_min_purchases: s.repeat_min_purchases,
        repeat_window_days: s.repeat_window_days,
    })
}

/// Every line the filter matches (not paged), with whole ID numbers, oldest first: the
/// inspector's print and the exports.
pub fn ephedrine_lines(c: &Connection, f: &EphedrineFilter) -> Result<Vec<EphedrineLine>> {
    let s = settings(c)?;
    let (mut lines, _) = ephedrine_query(c, f, &s, None)?;
    lines.reverse();
    Ok(lines)
}

/// The whole ID number of one register line (`None`: no such line).
pub fn whole_id(c: &Connection, entry: &str) -> Result<Option<(String, String)>> {
    Ok(c.query_row(
        "SELECT id_number, sale_id FROM ephedrine_register WHERE id = ?1",
        [entry],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?)
}

/// Every prescription the filter matches (not paged), oldest first, for the exports.
pub fn prescription_lines(c: &Connection, f: &PrescriptionFilter) -> Result<Vec<PrescriptionRow>> {
    let mut all = Vec::new();
    let mut page = 0;
    loop {
        let p = search_prescriptions(
            c,
            &PrescriptionFilter {
                page,
                page_size: Some(PAGE_MAX),
                ..f.clone()
            },
        )?;
        let n = p.rows.len();
        all.extend(p.rows);
        if n < PAGE_MAX as usize {
            break;
        }
        page += 1;
    }
    all.reverse();
    Ok(all)
}

// ---------------------------------------------------------------------------------------------
// Documents

/// Who prints or exports, and when.
#[derive(Debug, Clone, Copy)]
pub struct Issued<'a> {
    pub at: DateTime<Utc>,
    pub by: &'a str,
    pub export: bool,
}

fn issued_rows(i: Issued<'_>) -> [Row; 2] {
    let (when, who) = if i.export {
        ("导出时间", "导出人")
    } else {
        ("打印时间", "打印人")
    };
    [
        Row::new(when, Value::text(local(i.at, "%Y-%m-%d %H:%M:%S"))),
        Row::new(who, Value::text(i.by)),
    ]
}

fn criteria(pairs: &[(&str, Option<&str>)]) -> Option<Row> {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(label, v)| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{label}：{v}"))
        })
        .collect();
    (!parts.is_empty()).then(|| Row::new("查询条件", Value::text(parts.join("；"))))
}

fn section(title: &str, rows: Vec<Row>, table: Option<Table>, note: Option<&str>) -> Section {
    Section {
        title: title.to_owned(),
        rows,
        table,
        note: note.map(str::to_owned),
    }
}

/// The ephedrine register of a period for an inspector: the pharmacy (name, licence), the
/// period, every line with whole ID numbers (repeat buyers marked), totals per drug, signatures.
pub fn ephedrine_doc(
    pharmacy: PharmacySettings,
    f: &EphedrineFilter,
    lines: &[EphedrineLine],
    s: &RegisterSettings,
    issued: Issued<'_>,
) -> ReportDoc {
    let mut info = vec![Row::new(
        "登记期间",
        Value::text(format!("{} 至 {}", f.from, f.to)),
    )];
    info.extend(criteria(&[
        ("购买人", f.buyer.as_deref()),
        ("身份证号", f.id_number.as_deref()),
    ]));
    info.extend(issued_rows(issued));
    let detail = Table {
        columns: vec![
            Column::text("时间", 4),
            Column::text("购买人", 3),
            Column::text("身份证号", 7),
            Column::text("药品名称", 4),
            Column::text("规格", 2),
            Column::text("批号", 3),
            Column::number("数量", 2),
            Column::text("经办人", 2),
        ],
        rows: lines
            .iter()
            .map(|l| {
                let r = &l.row;
                let buyer = if r.repeat {
                    format!("{}（重复）", r.buyer_name)
                } else {
                    r.buyer_name.clone()
                };
                vec![
                    Value::text(&r.at),
                    Value::text(buyer),
                    Value::text(&l.id_number),
                    Value::text(&r.drug),
                    Value::text(&r.spec),
                    Value::text(r.batch_no.clone().unwrap_or_default()),
                    Value::count(i64::from(r.quantity), ""),
                    Value::text(r.staff_name.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    };
    // Totals per drug (name + spec), in name order.
    let mut per_drug: std::collections::BTreeMap<(String, String), (i64, i64)> =
        std::collections::BTreeMap::new();
    for l in lines {
        let e = per_drug
            .entry((l.row.drug.clone(), l.row.spec.clone()))
            .or_default();
        e.0 += 1;
        e.1 += i64::from(l.row.quantity);
    }
    let buyers: std::collections::BTreeSet<&str> =
        lines.iter().map(|l| l.id_number.as_str()).collect();
    let repeats = lines.iter().filter(|l| l.row.repeat).count();
    let quantity: i64 = lines.iter().map(|l| i64::from(l.row.quantity)).sum();
    let totals = Table {
        columns: vec![
            Column::text("药品名称", 5),
            Column::text("规格", 4),
            Column::number("登记条数", 2),
            Column::number("数量合计", 2),
        ],
        rows: per_drug
            .into_iter()
            .map(|((drug, spec), (n, q))| {
                vec![
                    Value::text(drug),
                    Value::text(spec),
                    Value::count(n, "条"),
                    Value::count(q, ""),
                ]
            })
            .collect(),
    };
    ReportDoc {
        kind: ReportKind::Register,
        pharmacy,
        title: "含麻黄碱类复方制剂销售登记表".to_owned(),
        banner: None,
        info,
        sections: vec![
            section(
                "登记明细",
                Vec::new(),
                Some(detail),
                Some(&format!(
                    "“（重复）”：同一身份证号 {} 天内第 {} 次及以上购买",
                    s.repeat_window_days, s.repeat_min_purchases
                )),
            ),
            section(
                "合计",
                vec![
                    Row::strong("登记条数", Value::count(lines.len() as i64, "条")),
                    Row::strong("数量合计", Value::count(quantity, "")),
                    Row::new("购买人数", Value::count(buyers.len() as i64, "人")),
                    Row::new("重复购买", Value::count(repeats as i64, "条")),
                ],
                Some(totals),
                None,
            ),
        ],
        signatures: vec!["登记药师签字".to_owned(), "质量负责人签字".to_owned()],
        issued_at: issued.at,
        file_stem: format!("ephedrine-register-{}-{}", f.from, f.to),
    }
}

/// The prescription register of a period as a document (exported as CSV / XLSX).
pub fn prescription_doc(
    pharmacy: PharmacySettings,
    f: &PrescriptionFilter,
    rows: &[PrescriptionRow],
    issued: Issued<'_>,
) -> ReportDoc {
    let mut info = vec![Row::new(
        "期间",
        Value::text(format!("{} 至 {}", f.from, f.to)),
    )];
    info.extend(criteria(&[
        ("会员/患者", f.member.as_deref()),
        ("药品", f.drug.as_deref()),
        ("医师", f.doctor.as_deref()),
    ]));
    info.extend(issued_rows(issued));
    let table = Table {
        columns: vec![
            Column::text("营业日", 2),
            Column::text("小票号", 3),
            Column::text("患者", 2),
            Column::text("性别", 1),
            Column::number("年龄", 1),
            Column::text("会员", 2),
            Column::text("医院", 3),
            Column::text("医师", 2),
            Column::text("处方日期", 2),
            Column::text("诊断", 3),
            Column::text("处方药", 4),
            Column::text("审方药师", 2),
            Column::text("处方图片", 3),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Value::text(&r.business_date),
                    Value::text(&r.receipt_no),
                    Value::text(&r.patient_name),
                    Value::text(r.patient_sex.map_or("", Sex::label)),
                    r.patient_age
                        .map_or(Value::text(""), |a| Value::count(i64::from(a), "")),
                    Value::text(r.member_name.clone().unwrap_or_default()),
                    Value::text(&r.hospital),
                    Value::text(&r.doctor),
                    Value::text(&r.prescribed_on),
                    Value::text(&r.diagnosis),
                    Value::text(&r.drugs),
                    Value::text(r.approved_by_name.clone().unwrap_or_default()),
                    Value::text(r.image_path.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    };
    ReportDoc {
        kind: ReportKind::Register,
        pharmacy,
        title: "处方登记表".to_owned(),
        banner: None,
        info,
        sections: vec![section(
            "处方",
            vec![Row::strong("处方数", Value::count(rows.len() as i64, "张"))],
            Some(table),
            Some("处方记录至少保存 2 年"),
        )],
        signatures: Vec::new(),
        issued_at: issued.at,
        file_stem: format!("prescription-register-{}-{}", f.from, f.to),
    }
}
