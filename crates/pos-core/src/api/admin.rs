//! Commands of the manager's settings and staff: the pharmacy's details and the staff accounts.

use serde::Deserialize;
use ts_rs::TS;

use super::{Command, Ctx};
use crate::error::Result;
use crate::ids::StaffId;
use crate::settings::{self, PharmacySettings};
use crate::staff::{self, NewStaff, Role, StaffInfo};

/// `settings_get`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsGet {}

impl Command for SettingsGet {
    const NAME: &'static str = "settings_get";
    const ROLES: &'static [Role] = &[];
    type Output = PharmacySettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<PharmacySettings> {
        ctx.store.read(settings::get)
    }
}

/// `settings_update`: manager only.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub licence_no: String,
    pub store_code: String,
}

impl Command for SettingsUpdate {
    const NAME: &'static str = "settings_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = PharmacySettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<PharmacySettings> {
        let by = ctx.me()?.staff.id;
        let s = PharmacySettings {
            name: self.name,
            address: self.address,
            phone: self.phone,
            licence_no: self.licence_no,
            store_code: self.store_code,
        };
        ctx.store.write(|tx| settings::update(tx, Some(by), s))
    }
}

/// `staff_list`: manager only.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffList {}

impl Command for StaffList {
    const NAME: &'static str = "staff_list";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<StaffInfo>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<StaffInfo>> {
        ctx.store.read(staff::list)
    }
}

/// `staff_create`: manager only.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffCreate {
    pub staff_no: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub pin: String,
}

impl Command for StaffCreate {
    const NAME: &'static str = "staff_create";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = StaffInfo;
    fn run(self, ctx: &Ctx<'_>) -> Result<StaffInfo> {
        let new = NewStaff {
            staff_no: self.staff_no,
            name: self.name,
            roles: self.roles,
            pin: self.pin,
        };
        let by = ctx.my_id()?;
        ctx.store.write(|tx| {
            let info = staff::create(tx, new)?;
            crate::audit::record(
                tx,
                Some(by),
                "staff.create",
                &info.staff_no,
                serde_json::json!({ "name": info.name, "roles": info.roles }),
            )?;
            Ok(info)
        })
    }
}

/// `staff_set_active`: deactivates a leaver (停用) or reactivates them; manager only, audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffSetActive {
    pub staff_id: StaffId,
    pub active: bool,
}

impl Command for StaffSetActive {
    const NAME: &'static str = "staff_set_active";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = StaffInfo;
    fn run(self, ctx: &Ctx<'_>) -> Result<StaffInfo> {
        let by = ctx.my_id()?;
        ctx.store
            .write(|tx| staff::set_active(tx, by, self.staff_id, self.active))
    }
}

/// `staff_reset_pin`: a manager sets a new PIN for someone who forgot theirs; audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffResetPin {
    pub staff_id: StaffId,
    pub new_pin: String,
}

impl Command for StaffResetPin {
    const NAME: &'static str = "staff_reset_pin";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = StaffInfo;
    fn run(self, ctx: &Ctx<'_>) -> Result<StaffInfo> {
        let by = ctx.my_id()?;
        ctx.store
            .write(|tx| staff::reset_pin(tx, by, self.staff_id, &self.new_pin))
    }
}

/// `staff_set_roles`: changes someone's roles; manager only, audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffSetRoles {
    pub staff_id: StaffId,
    pub roles: Vec<Role>,
}

impl Command for StaffSetRoles {
    const NAME: &'static str = "staff_set_roles";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = StaffInfo;
    fn run(self, ctx: &Ctx<'_>) -> Result<StaffInfo> {
        let by = ctx.my_id()?;
        ctx.store
            .write(|tx| staff::set_roles(tx, by, self.staff_id, &self.roles))
    }
}
