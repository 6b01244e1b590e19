//! Pharmacy settings: what the receipt prints at the top (name, address, phone, 药品经营许可证)
//! and the store code. Editable by a manager; every change goes to the outbox.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{PosError, Result};
use crate::ids::StaffId;
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct PharmacySettings {
    /// 药店名称
    pub name: String,
    /// 地址
    pub address: String,
    /// 电话
    pub phone: String,
    /// 药品经营许可证号
    pub licence_no: String,
    /// 门店编码
    pub store_code: String,
}

impl PharmacySettings {
    /// Trims every field and checks lengths; an empty name or a phone with letters is refused.
    pub fn validated(mut self) -> Result<Self> {
        for (field, value, max, label) in [
            ("name", &mut self.name, 60, "药店名称"),
            ("address", &mut self.address, 120, "地址"),
            ("phone", &mut self.phone, 30, "电话"),
            ("licence_no", &mut self.licence_no, 40, "药品经营许可证号"),
            ("store_code", &mut self.store_code, 20, "门店编码"),
        ] {
            *value = value.trim().to_owned();
            if value.chars().count() > max {
                return Err(PosError::invalid_field(
                    field,
                    format!("{label}太长：最多 {max} 个字"),
                ));
            }
        }
        if self.name.is_empty() {
            return Err(PosError::invalid_field("name", "请填写药店名称"));
        }
        if !self
            .phone
            .chars()
            .all(|c| c.is_ascii_digit() || " -+()转".contains(c))
        {
            return Err(PosError::invalid_field(
                "phone",
                "电话只能包含数字、空格、- + ( ) 和“转”",
            ));
        }
        if !self
            .store_code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(PosError::invalid_field(
                "store_code",
                "门店编码只能包含字母、数字和 -",
            ));
        }
        Ok(self)
    }
}

pub fn get(c: &Connection) -> Result<PharmacySettings> {
    let s = c
        .query_row(
            "SELECT name, address, phone, licence_no, store_code FROM pharmacy_settings",
            [],
            |r| {
                Ok(PharmacySettings {
                    name: r.get(0)?,
                    address: r.get(1)?,
                    phone: r.get(2)?,
                    licence_no: r.get(3)?,
                    store_code: r.get(4)?,
                })
            },
        )
        .optional()?;
    Ok(s.unwrap_or_else(|| PharmacySettings {
        name: "未命名药店".to_owned(),
        ..PharmacySettings::default()
    }))
}

pub fn update(tx: &Tx<'_>, by: Option<StaffId>, s: PharmacySettings) -> Result<PharmacySettings> {
    let s = s.validated()?;
    tx.execute(
        "INSERT INTO pharmacy_settings (singleton, name, address, phone, licence_no, store_code, updated_at, updated_by)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (singleton) DO UPDATE SET name = ?1, address = ?2, phone = ?3,
            licence_no = ?4, store_code = ?5, updated_at = ?6, updated_by = ?7",
        (&s.name, &s.address, &s.phone, &s.licence_no, &s.store_code, stamp(tx.clock.now()), by),
    )?;
    outbox::append(
        tx,
        Payload::PharmacySettingsUpdated(ev::PharmacySettingsUpdatedV1 {
            name: s.name.clone(),
            address: s.address.clone(),
            phone: s.phone.clone(),
            licence_no: s.licence_no.clone(),
            store_code: s.store_code.clone(),
        }),
    )?;
    crate::audit::record(
        tx,
        by,
        "settings.pharmacy",
        "pharmacy_settings",
        serde_json::to_value(&s).map_err(PosError::storage)?,
    )?;
    Ok(s)
}

/// What staff call a store: "code name" for this till's own store, from the pharmacy settings;
/// `None` for another store of the chain (the till keeps no directory of the chain's stores).
pub fn store_name(c: &Connection, store_id: &str) -> Result<Option<String>> {
    Ok(StoreNames::of(c)?.name(store_id))
}

/// `store_name` for many rows: this till's store is looked up once.
pub struct StoreNames {
    own_id: String,
    own_name: String,
}

impl StoreNames {
    pub fn of(c: &Connection) -> Result<StoreNames> {
        let s = get(c)?;
        Ok(StoreNames {
            own_id: crate::db::till_identity(c)?.store_id.to_string(),
            own_name: if s.store_code.is_empty() {
                s.name
            } else {
                format!("{} {}", s.store_code, s.name)
            },
        })
    }

    pub fn name(&self, store_id: &str) -> Option<String> {
        (store_id == self.own_id).then(|| self.own_name.clone())
    }
}
