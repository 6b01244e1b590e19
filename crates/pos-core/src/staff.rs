//! Staff and roles. Login is staff number + PIN (argon2 hashes); five wrong PINs in a row lock the
//! account for five minutes. Roles are checked here in the core, never only in the UI.

use argon2::password_hash::SaltString;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{parse_stamp, stamp};
use crate::db::{Store, Tx};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::StaffId;
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// Wrong PINs in a row before the account locks.
pub const MAX_WRONG_PINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 收银员
    Cashier,
    /// 药师
    Pharmacist,
    /// 店长
    Manager,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Cashier => "收银员",
            Role::Pharmacist => "药师",
            Role::Manager => "店长",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StaffInfo {
    pub id: StaffId,
    pub staff_no: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub active: bool,
}

impl StaffInfo {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Pharmacists and managers see what cashiers must not (PIPL): a member's whole phone
    /// number and the health part.
    pub fn sees_member_details(&self) -> bool {
        self.has(Role::Pharmacist) || self.has(Role::Manager)
    }
}

/// Who is logged in at this till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Session {
    pub staff: StaffInfo,
    pub logged_in_at: String,
    /// The till is locked (`session_lock`, Ctrl+L): only this staff member's PIN unlocks it.
    #[serde(default)]
    pub locked: bool,
}

impl Session {
    /// Ok when the session holds any of `roles`; otherwise a FORBIDDEN error naming them.
    pub fn require(&self, roles: &[Role]) -> Result<()> {
        if roles.is_empty() || roles.iter().any(|r| self.staff.has(*r)) {
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
        Err(PosError::new(
            ErrorCode::Forbidden,
            format!(
                "此操作需要{}权限，请让有权限的同事登录后操作",
                names.join("或")
            ),
        ))
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewStaff {
    pub staff_no: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub pin: String,
}

const STAFF_COLUMNS: &str = "id, staff_no, name, is_cashier, is_pharmacist, is_manager, active";

fn staff_from_row(r: &Row<'_>) -> rusqlite::Result<StaffInfo> {
    let mut roles = Vec::new();
    for (i, role) in [
        (3, Role::Cashier),
        (4, Role::Pharmacist),
        (5, Role::Manager),
    ] {
        if r.get::<_, bool>(i)? {
            roles.push(role);
        }
    }
    Ok(StaffInfo {
        id: r.get(0)?,
        staff_no: r.get(1)?,
        name: r.get(2)?,
        roles,
        active: r.get(6)?,
    })
}

pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?)
}

pub fn list(c: &Connection) -> Result<Vec<StaffInfo>> {
    let mut st = c.prepare(&format!(
        "SELECT {STAFF_COLUMNS} FROM staff ORDER BY staff_no"
    ))?;
    let rows = st.query_map([], staff_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn by_id(c: &Connection, id: StaffId) -> Result<Option<StaffInfo>> {
    Ok(c.query_row(
        &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?1"),
        [id],
        staff_from_row,
    )
    .optional()?)
}

fn check_staff_no(s: &str) -> Result<String> {
    let s = s.trim();
    if s.is_empty() || s.len() > 16 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(PosError::new(
            ErrorCode::InvalidStaffNo,
            "工号须为 1–16 位字母或数字",
        ));
    }
    Ok(s.to_owned())
}

/// PINs are 4–8 half-width digits.
pub fn check_pin(pin: &str) -> Result<()> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PosError::new(ErrorCode::InvalidPin, "PIN 须为 4–8 位数字"));
    }
    Ok(())
}

pub(crate) fn hash_pin(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PosError::storage(format!("PIN 加密失败：{e}")))
}

fn pin_matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Adds a staff member. Needs at least one role.
pub fn create(tx: &Tx<'_>, new: NewStaff) -> Result<StaffInfo> {
    let staff_no = check_staff_no(&new.staff_no)?;
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(PosError::invalid_field(
            "name",
            "请填写姓名（最多 30 个字）",
        ));
    }
    if new.roles.is_empty() {
        return Err(PosError::invalid_field(
            "roles",
            "请至少选择一个岗位：收银员、药师或店长",
        ));
    }
    check_pin(&new.pin)?;
    let taken: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM staff WHERE staff_no = ?1",
            [&staff_no],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(PosError::new(
            ErrorCode::DuplicateStaffNo,
            format!("工号 {staff_no} 已被使用，请换一个工号"),
        ));
    }
    let id = StaffId::new(tx.clock);
    let has = |r: Role| new.roles.contains(&r);
    tx.execute(
        "INSERT INTO staff (id, staff_no, name, is_cashier, is_pharmacist, is_manager, pin_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        (
            id,
            &staff_no,
            &name,
            has(Role::Cashier),
            has(Role::Pharmacist),
            has(Role::Manager),
            hash_pin(&new.pin)?,
            stamp(tx.clock.now()),
        ),
    )?;
    let info = by_id(tx, id)?.ok_or_else(|| PosError::storage("新员工写入后读不到"))?;
    // PIN hashes never leave the till.
    outbox::append(
        tx,
        Payload::StaffCreated(ev::StaffCreatedV1 {
            id: info.id.0,
            staff_no: info.staff_no.clone(),
            name: info.name.clone(),
            roles: info.roles.iter().map(crate::sync::tag).collect(),
            active: info.active,
        }),
    )?;
    Ok(info)
}

/// The staff member `id`, or STAFF_NOT_FOUND.
fn require(c: &Connection, id: StaffId) -> Result<StaffInfo> {
    by_id(c, id)?.ok_or_else(|| PosError::new(ErrorCode::StaffNotFound, "没有这名员工"))
}

/// Active managers other than `except`.
fn other_active_managers(c: &Connection, except: StaffId) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM staff WHERE is_manager = 1 AND active = 1 AND id <> ?1",
        [except],
        |r| r.get(0),
    )?)
}

/// Tells headquarters (and a rebuilt till) what the staff member is now.
fn announce(tx: &Tx<'_>, info: &StaffInfo) -> Result<()> {
    outbox::append(
        tx,
        Payload::StaffUpdated(ev::StaffUpdatedV1 {
            id: info.id.0,
            staff_no: info.staff_no.clone(),
            name: info.name.clone(),
            roles: info.roles.iter().map(crate::sync::tag).collect(),
            active: info.active,
        }),
    )?;
    Ok(())
}

/// Deactivates a leaver (停用) or reactivates them (a manager). A deactivated account cannot log
/// in; its records stay. Nobody deactivates themselves, and the last active manager stays.
pub fn set_active(tx: &Tx<'_>, by: StaffId, id: StaffId, active: bool) -> Result<StaffInfo> {
    let who = require(tx, id)?;
    if !active && id == by {
        return Err(PosError::new(
            ErrorCode::LastManager,
            "不能停用自己的工号，请让另一位店长操作",
        ));
    }
    if !active && who.has(Role::Manager) && other_active_managers(tx, id)? == 0 {
        return Err(PosError::new(
            ErrorCode::LastManager,
            "这是本店唯一在用的店长工号，停用前请先设立另一位店长",
        ));
    }
    tx.execute(
        "UPDATE staff SET active = ?2, failed_pins = 0, locked_until = NULL WHERE id = ?1",
        (id, active),
    )?;
    let info = require(tx, id)?;
    crate::audit::record(
        tx,
        Some(by),
        if active {
            "staff.activate"
        } else {
            "staff.deactivate"
        },
        &info.staff_no,
        serde_json::json!({ "name": info.name }),
    )?;
    announce(tx, &info)?;
    Ok(info)
}

/// A manager sets a new PIN for someone who forgot theirs (and unlocks the account). The PIN
/// itself never leaves the till.
pub fn reset_pin(tx: &Tx<'_>, by: StaffId, id: StaffId, new_pin: &str) -> Result<StaffInfo> {
    let who = require(tx, id)?;
    check_pin(new_pin)?;
    tx.execute(
        "UPDATE staff SET pin_hash = ?2, failed_pins = 0, locked_until = NULL WHERE id = ?1",
        (id, hash_pin(new_pin)?),
    )?;
    crate::audit::record(
        tx,
        Some(by),
        "staff.pin_reset",
        &who.staff_no,
        serde_json::json!({ "name": who.name }),
    )?;
    outbox::append(
        tx,
        Payload::StaffPinChanged(ev::StaffPinChangedV1 { staff_id: id.0 }),
    )?;
    Ok(who)
}

/// Changes someone's roles (a manager). At least one role; the last active manager keeps it.
pub fn set_roles(tx: &Tx<'_>, by: StaffId, id: StaffId, roles: &[Role]) -> Result<StaffInfo> {
    let who = require(tx, id)?;
    if roles.is_empty() {
        return Err(PosError::invalid_field(
            "roles",
            "请至少选择一个岗位：收银员、药师或店长",
        ));
    }
    if who.has(Role::Manager)
        && !roles.contains(&Role::Manager)
        && who.active
        && other_active_managers(tx, id)? == 0
    {
        return Err(PosError::new(
            ErrorCode::LastManager,
            "这是本店唯一在用的店长工号，不能取消店长岗位",
        ));
    }
    let has = |r: Role| roles.contains(&r);
    tx.execute(
        "UPDATE staff SET is_cashier = ?2, is_pharmacist = ?3, is_manager = ?4 WHERE id = ?1",
        (
            id,
            has(Role::Cashier),
            has(Role::Pharmacist),
            has(Role::Manager),
        ),
    )?;
    let info = require(tx, id)?;
    crate::audit::record(
        tx,
        Some(by),
        "staff.roles",
        &info.staff_no,
        serde_json::json!({ "before": who.roles, "after": info.roles }),
    )?;
    announce(tx, &info)?;
    Ok(info)
}

enum Attempt {
    Ok(StaffInfo),
    Refused(PosError),
}

/// Checks staff number + PIN. Wrong PINs are counted (and committed) even though the call fails.
pub fn login(store: &Store, staff_no: &str, pin: &str) -> Result<Session> {
    verify_pin(store, staff_no, pin, PinCheck::Login)
}

/// Checks the PIN of the staff member logged in at a locked till, exactly as a login does (the
/// same wrong-PIN count and lockout, `login_log` and the audit log, marked `unlock`).
pub fn unlock(store: &Store, staff_no: &str, pin: &str) -> Result<Session> {
    verify_pin(store, staff_no, pin, PinCheck::Unlock)
}

/// Why a PIN is checked: the audit entry says so.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PinCheck {
    Login,
    Unlock,
}

fn verify_pin(store: &Store, staff_no: &str, pin: &str, why: PinCheck) -> Result<Session> {
    // A damaged store takes no sales, but its manager must still log in to restore it.
    let outcome = store.write_even_if_damaged(|tx| {
        let now = tx.clock.now();
        let row = tx
            .query_row(
                &format!(
                    "SELECT {STAFF_COLUMNS}, pin_hash, failed_pins, locked_until FROM staff WHERE staff_no = ?1"
                ),
                [staff_no.trim()],
                |r| {
                    Ok((
                        staff_from_row(r)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, i64>(8)?,
                        r.get::<_, Option<String>>(9)?,
                    ))
                },
            )
            .optional()?;
        let log = |outcome: &str, who: Option<StaffId>| -> Result<()> {
            tx.execute(
                "INSERT INTO login_log (at, staff_no, outcome) VALUES (?1, ?2, ?3)",
                (stamp(now), staff_no.trim(), outcome),
            )?;
            let detail = match why {
                PinCheck::Login => serde_json::json!({ "outcome": outcome }),
                PinCheck::Unlock => serde_json::json!({ "outcome": outcome, "unlock": true }),
            };
            crate::audit::record(tx, who, "login", staff_no.trim(), detail)
        };
        let Some((staff, hash, failed, locked_until)) = row else {
            log("unknown_staff_no", None)?;
            return Ok(Attempt::Refused(wrong_pin(None)));
        };
        if !staff.active {
            log("inactive", Some(staff.id))?;
            return Ok(Attempt::Refused(PosError::new(
                ErrorCode::AccountInactive,
                "该工号已停用，请联系店长",
            )));
        }
        if let Some(until) = locked_until.as_deref().and_then(parse_stamp) {
            if until > now {
                log("locked", Some(staff.id))?;
                return Ok(Attempt::Refused(locked(until, now)));
            }
        }
        if pin_matches(pin, &hash) {
            tx.execute(
                "UPDATE staff SET failed_pins = 0, locked_until = NULL WHERE id = ?1",
                [staff.id],
            )?;
            log("ok", Some(staff.id))?;
            return Ok(Attempt::Ok(staff));
        }
        let failed = failed + 1;
        log("wrong_pin", Some(staff.id))?;
        if failed >= MAX_WRONG_PINS {
            let until = now + Duration::minutes(LOCK_MINUTES);
            tx.execute(
                "UPDATE staff SET failed_pins = 0, locked_until = ?2 WHERE id = ?1",
                (staff.id, stamp(until)),
            )?;
            Ok(Attempt::Refused(locked(until, now)))
        } else {
            tx.execute("UPDATE staff SET failed_pins = ?2 WHERE id = ?1", (staff.id, failed))?;
            Ok(Attempt::Refused(wrong_pin(Some(MAX_WRONG_PINS - failed))))
        }
    })?;
    match outcome {
        Attempt::Ok(staff) => Ok(Session {
            staff,
            logged_in_at: stamp(store.clock().now()),
            locked: false,
        }),
        Attempt::Refused(e) => Err(e),
    }
}

fn wrong_pin(left: Option<i64>) -> PosError {
    match left {
        Some(n) => PosError::new(
            ErrorCode::WrongPin,
            format!("工号或 PIN 不正确，还可再试 {n} 次"),
        )
        .with_details(serde_json::json!({ "tries_left": n })),
        None => PosError::new(ErrorCode::WrongPin, "工号或 PIN 不正确，请重新输入"),
    }
}

fn locked(until: DateTime<Utc>, now: DateTime<Utc>) -> PosError {
    let secs = (until - now).num_seconds().max(1);
    let minutes = (secs + 59) / 60;
    PosError::new(
        ErrorCode::AccountLocked,
        format!("PIN 连续输错 {MAX_WRONG_PINS} 次，账号已锁定，请 {minutes} 分钟后再试或联系店长"),
    )
    .with_details(serde_json::json!({ "locked_until": stamp(until) }))
}

/// Changes the caller's own PIN after checking the old one.
pub fn change_pin(tx: &Tx<'_>, id: StaffId, old_pin: &str, new_pin: &str) -> Result<()> {
    let hash: String = tx.query_row("SELECT pin_hash FROM staff WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    if !pin_matches(old_pin, &hash) {
        return Err(PosError::new(ErrorCode::WrongPin, "原 PIN 不正确"));
    }
    check_pin(new_pin)?;
    if old_pin == new_pin {
        return Err(PosError::new(
            ErrorCode::InvalidPin,
            "新 PIN 不能与原 PIN 相同",
        ));
    }
    tx.execute(
        "UPDATE staff SET pin_hash = ?2 WHERE id = ?1",
        (id, hash_pin(new_pin)?),
    )?;
    outbox::append(
        tx,
        Payload::StaffPinChanged(ev::StaffPinChangedV1 { staff_id: id.0 }),
    )?;
    crate::audit::record(
        tx,
        Some(id),
        "staff.pin_change",
        &id.to_string(),
        serde_json::json!({}),
    )?;
    Ok(())
}
