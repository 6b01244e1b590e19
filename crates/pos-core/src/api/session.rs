//! Commands of setting up and logging in: the login screen's first look, the first manager,
//! login and logout, who is logged in, and changing one's own PIN.

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

/// `login`: staff number + PIN. The session belongs to this till (this process).
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
        let s = staff::login(ctx.store, &self.staff_no, &self.pin)?;
        ctx.api.set_session(Some(s.clone()));
        Ok(s)
    }
}

/// `logout`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Logout {}

impl Command for Logout {
    const NAME: &'static str = "logout";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = ();
    fn run(self, ctx: &Ctx<'_>) -> Result<()> {
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
