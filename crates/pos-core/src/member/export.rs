//! A member's own data, exported on request (PIPL right of access): the basic file, consent
//! events, the health part (when health consent is in force), points, coupons, purchases and the
//! edit history. The same document is written as JSON here and as a PDF by `pos-receipt`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Tx;
use crate::error::Result;
use crate::ids::{MemberId, StaffId};
use crate::member::{self, consent, coupon, health, points, tier};
use crate::settings::{self, PharmacySettings};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberExport {
    pub pharmacy: PharmacySettings,
    pub exported_at: String,
    pub profile: member::MemberProfile,
    pub consents: Vec<consent::ConsentEvent>,
    pub health: Vec<health::HealthItem>,
    pub points: Vec<points::PointsEntry>,
    pub coupons: Vec<coupon::Coupon>,
    pub purchases: Vec<tier::SpendRecord>,
    pub edits: Vec<member::FieldEdit>,
}

/// Gathers the export; reading the health part is logged like any other read.
pub fn gather(tx: &Tx<'_>, by: StaffId, id: MemberId, today: NaiveDate) -> Result<MemberExport> {
    let profile = member::profile(tx, id, today, true)?;
    let health = if profile.health_consent {
        health::log_access(tx, by, id, "export", None)?;
        health::read(tx, by, id)?.items
    } else {
        vec![]
    };
    Ok(MemberExport {
        pharmacy: settings::get(tx)?,
        exported_at: crate::clock::stamp(tx.clock.now()),
        consents: consent::events(tx, id)?,
        health,
        points: points::history(tx, id, u32::MAX)?,
        coupons: coupon::all_of(tx, id, today)?,
        purchases: tier::purchases(tx, id, u32::MAX)?,
        edits: member::field_history(tx, id, true)?,
        profile,
    })
}
