//! Commands of setting up and logging in: the login screen's first look, the first manager,
//! login and logout, who is logged in, changing one's own PIN, and locking the till while its
//! cashier steps away (Ctrl+L): the session stays, and so does the sale on screen.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Command, Ctx};
use crate::error::{ErrorCode, PosError, Result};
use crate::settings::{self, PharmacySettings};
use crate::staff::{self, NewStaff, Role, Session, StaffInfo};

/// `setup_status`: what the login screen needs before anyone logs in.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SetupStatusArgs {}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SetupStatus {
    /// No staff yet: the UI asks for the first manager.
    pub needs_first_manager: bool,
    /// This is the demo database.
    pub demo: bool,
    pub pharmacy: PharmacySettings,
}

impl Command for SetupStatusArgs {
    const NAME: &'static str = "setup_status";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = SetupStatus;
    fn run(self, ctx: &Ctx<'_>) -> Result<SetupStatus> {
        ctx.store.read(|c| {
            Ok(SetupStatus {
                needs_first_manager: staff::count(c)? == 0,
                demo: crate::db::till_identity(c)?.demo,
                pharmacy: settings::get(c)?,
            })
        })
    }
}

/// `create_first_manager`: only on a store with no staff at all.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateFirstManager {
    pub staff_no: String,
    pub name: String,
    pub pin: String,
}

impl Command for CreateFirstManager {
    const NAME: &'static str = "create_first_manager";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = StaffInfo;
    fn run(self, ctx: &Ctx<'_>) -> Result<StaffInfo> {
        ctx.store.write(|tx| {
            if staff::count(tx)? > 0 {
                return Err(PosError::new(
                    ErrorCode::SetupAlreadyDone,
                    "已有员工账号，请用店长账号登录后在“员工”中添加",
                ));
            }
            let info = staff::create(
                tx,
                NewStaff {
                    staff_no: self.staff_no,
                    name: self.name,
                    roles: vec![Role::Manager, Role::Cashier],
                    pin: self.pin,
                },
            )?;
            crate::audit::record(
                tx,
                Some(info.id),
                "staff.create",
                &info.staff_no,
                serde_json::json!({ "name": info.name, "roles": info.roles, "first_manager": true }),
            )?;
            Ok(info)
        })
    }
}

/// `login`: staff number + PIN. The session belongs to this till (this process). Refused while
/// the till is locked: only the locked session's own PIN (`session_unlock`) opens it again.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub staff_no: String,
    pub pin: String,
}

impl Command for Login {
    const NAME: &'static str = "login";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = Session;
    fn run(self, ctx: &Ctx<'_>) -> Result<Session> {
        refuse_while_locked(ctx)?;
        let s = staff::login(ctx.store, &self.staff_no, &self.pin)?;
        ctx.api.set_session(Some(s.clone()));
        Ok(s)
    }
}

/// `logout`. Refused while the till is locked (unlock first).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Logout {}

impl Command for Logout {
    const NAME: &'static str = "logout";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = ();
    fn run(self, ctx: &Ctx<'_>) -> Result<()> {
        refuse_while_locked(ctx)?;
        ctx.api.set_session(None);
        Ok(())
    }
}

/// `current_session`: who is logged in, if anyone.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CurrentSession {}

impl Command for CurrentSession {
    const NAME: &'static str = "current_session";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = Option<Session>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Option<Session>> {
        Ok(ctx.session.cloned())
    }
}

/// `change_pin`: the caller's own PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ChangePin {
    pub old_pin: String,
    pub new_pin: String,
}

impl Command for ChangePin {
    const NAME: &'static str = "change_pin";
    const ROLES: &'static [Role] = &[];
    type Output = ();
    fn run(self, ctx: &Ctx<'_>) -> Result<()> {
        let me = ctx.me()?.staff.id;
        ctx.store
            .write(|tx| staff::change_pin(tx, me, &self.old_pin, &self.new_pin))
    }
}

/// `session_lock`: the person logged in steps away from the till (Ctrl+L). From now on the core
/// refuses every command that needs a login with SESSION_LOCKED, except `session_unlock`; the
/// session stays, and with it the cashier's open cart. Locking a locked till changes nothing.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SessionLock {}

impl Command for SessionLock {
    const NAME: &'static str = "session_lock";
    const ROLES: &'static [Role] = &[];
    const WHILE_LOCKED: bool = true;
    type Output = Session;
    fn run(self, ctx: &Ctx<'_>) -> Result<Session> {
        ctx.api.set_locked(true)
    }
}

/// `session_unlock`: the PIN of the staff member logged in, typed at the lock screen. It is
/// checked as a login checks it (wrong PINs count towards the same lockout); another staff
/// member's PIN is simply a wrong PIN: only the same person unlocks the till.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SessionUnlock {
    pub pin: String,
}

impl Command for SessionUnlock {
    const NAME: &'static str = "session_unlock";
    const ROLES: &'static [Role] = &[];
    const WHILE_LOCKED: bool = true;
    type Output = Session;
    fn run(self, ctx: &Ctx<'_>) -> Result<Session> {
        let me = ctx.me()?;
        staff::unlock(ctx.store, &me.staff.staff_no, &self.pin).map_err(|e| {
            if e.code != ErrorCode::WrongPin {
                return e;
            }
            let left = e
                .details
                .as_ref()
                .and_then(|d| d.get("tries_left"))
                .and_then(|n| n.as_i64());
            let message = match left {
                Some(n) => format!(
                    "PIN 不正确，还可再试 {n} 次；只有{}本人的 PIN 能解锁",
                    me.staff.name
                ),
                None => format!("PIN 不正确；只有{}本人的 PIN 能解锁", me.staff.name),
            };
            PosError { message, ..e }
        })?;
        ctx.api.set_locked(false)
    }
}

/// A locked till stays with its cashier: nobody logs out or in over the lock. (The session lives
/// as long as the process: closing the program ends it, lock and all.)
fn refuse_while_locked(ctx: &Ctx<'_>) -> Result<()> {
    match ctx.session {
        Some(s) if s.locked => Err(PosError::new(
            ErrorCode::SessionLocked,
            format!("收银台已锁定，请{}输入 PIN 解锁", s.staff.name),
        )),
        _ => Ok(()),
    }
}
