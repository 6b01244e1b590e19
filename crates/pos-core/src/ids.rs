//! Id newtypes over UUIDv7. Ids are born on the till before the first write, so a retried request
//! or a replayed sync can never double anything (SYNC-DESIGN.md).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::error::{ErrorCode, PosError};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new UUIDv7 whose time part comes from the injected clock.
            pub fn new(clock: &dyn Clock) -> Self {
                $name(new_v7(clock))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = PosError;
            fn from_str(s: &str) -> Result<Self, PosError> {
                uuid::Uuid::parse_str(s).map($name).map_err(|_| {
                    PosError::new(ErrorCode::BadRequest, format!("编号“{s}”格式不正确"))
                })
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.0.to_string()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                uuid::Uuid::parse_str(s)
                    .map($name)
                    .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    )*};
}

id_type!(
    /// A staff member.
    StaffId,
    /// A catalog product.
    ProductId,
    /// A sale; minted when its cart opens, so the cart id becomes the sale id.
    SaleId,
    /// One line of a cart or sale.
    LineId,
    /// An outbox event.
    EventId,
    /// A store (one per pharmacy shop).
    StoreId,
    /// A till (one SQLite file).
    DeviceId,
    /// A member (会员).
    MemberId,
    /// An entry of the points ledger.
    PointsEntryId,
    /// A coupon issued to a member.
    CouponId,
    /// An item of a member's health part (an allergy, a condition, a medicine, a group).
    HealthItemId,
    /// A recorded edit of a member field, or a consent event.
    EditId,
    /// A follow-up task (用药随访) or refill reminder.
    FollowUpId,
    /// A complaint (投诉).
    ComplaintId,
);

/// 64 random bits from the operating system, for numbers that must not be guessable or collide
/// (member card numbers).
pub fn random_u64() -> u64 {
    let b = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[9], b[10]])
}

fn new_v7(clock: &dyn Clock) -> uuid::Uuid {
    let ms = clock.now().timestamp_millis().max(0) as u64;
    let ts =
        uuid::Timestamp::from_unix(uuid::NoContext, ms / 1000, ((ms % 1000) * 1_000_000) as u32);
    uuid::Uuid::new_v7(ts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    #[test]
    fn ids_are_v7_and_ordered_by_clock() {
        let clock = FixedClock::at("2026-11-23T08:00:00Z");
        let a = SaleId::new(&clock);
        clock.advance_ms(5);
        let b = SaleId::new(&clock);
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a < b);
        assert_eq!(a.to_string().parse::<SaleId>().unwrap(), a);
        assert_eq!(
            "nope".parse::<SaleId>().unwrap_err().code,
            ErrorCode::BadRequest
        );
    }
}
