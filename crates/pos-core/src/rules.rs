//! The business rules a fresh install ships with (PRODUCT.md §4, docs/business-rules.md): tiers,
//! member days, coupons, points, 抹零, profile confirmation. All of them are settings a manager can
//! change; they are stored as one JSON document and read with the defaults filled in, so a rule
//! added later takes its default on an existing store.

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::stamp;
use crate::db::Tx;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::StaffId;
use crate::money::Money;
use crate::sync::outbox;
use pos_sync_proto::catalogue as ev;
use pos_sync_proto::Payload;

/// 会员等级, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// 普通
    Normal,
    /// 银卡
    Silver,
    /// 金卡
    Gold,
    /// 钻石
    Diamond,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Normal, Tier::Silver, Tier::Gold, Tier::Diamond];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Normal => "normal",
            Tier::Silver => "silver",
            Tier::Gold => "gold",
            Tier::Diamond => "diamond",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tier::Normal => "普通",
            Tier::Silver => "银卡",
            Tier::Gold => "金卡",
            Tier::Diamond => "钻石",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl rusqlite::types::ToSql for Tier {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for Tier {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let s = v.as_str()?;
        Tier::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(s.into()))
    }
}

/// One tier: from what trailing-365-day net spend, its discount rate and points multiplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TierRule {
    pub tier: Tier,
    pub threshold: Money,
    /// e.g. "0.95": line net = round(price × quantity × rate)
    #[ts(type = "string")]
    pub rate: Decimal,
    /// e.g. "1.5": points earned = floor(base × multiplier)
    #[ts(type = "string")]
    pub multiplier: Decimal,
}

/// A kind of coupon a rule issues automatically: face value, minimum spend, validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CouponRule {
    pub face: Money,
    pub min_spend: Money,
    /// Days valid from issue (the birthday coupon ignores this: it is valid in the birthday month).
    pub valid_days: u32,
}

/// A bonus-points product (rule 9): its lines earn `multiplier` times the points.
///
/// Kept in the rules document, by barcode, rather than as a product column: a bonus is a
/// promotion the manager (or headquarters, with the rest of the rules) switches on and off, not a
/// fact about the drug; the document already syncs chain-wide as `rules.updated@1` and takes
/// effect on every till at once, with no migration and no catalog event; and the barcode is the
/// name every store and the manager's screen share, where a product id is a till's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BonusPointsProduct {
    pub barcode: String,
    /// e.g. "3": the line earns 3 × the points (1–10).
    #[ts(type = "string")]
    pub multiplier: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct BusinessRules {
    /// Rule 1: the four tiers, lowest first.
    pub tiers: Vec<TierRule>,
    /// Rule 2: days of the month that are member days.
    pub member_days: Vec<u32>,
    #[ts(type = "string")]
    pub member_day_rate: Decimal,
    /// Rule 9: on a member day a member's points are multiplied by this (1–10; "1" = no bonus,
    /// "2" = 会员日双倍积分).
    #[ts(type = "string")]
    pub member_day_points_multiplier: Decimal,
    /// Rule 9: products whose lines earn more points (at most 200, one entry per barcode).
    pub bonus_points_products: Vec<BonusPointsProduct>,
    /// Rule 4: coupons.
    pub new_member_coupon: CouponRule,
    pub birthday_coupon: CouponRule,
    pub top_spender_coupon: CouponRule,
    /// Rule 5: points that make 1.00 yuan when redeemed.
    pub points_per_yuan: u32,
    /// Rule 5: at most this percent of the amount after the coupon may be paid with points.
    pub points_cap_percent: u32,
    /// Rule 6: 抹零 (round the amount due down to 0.10).
    pub drop_small_change: bool,
    /// Rule 9: points earned per yuan of eligible net, before the tier multiplier.
    pub points_earned_per_yuan: u32,
    /// Rule 12: follow-up days after the sale's business date (一期, 二期, …).
    pub follow_up_days: Vec<u32>,
    /// Rule 12: a refill reminder is due this many days before the days of supply sold run out.
    pub refill_reminder_days_before: u32,
    /// The cashier confirms the phone when the profile was last confirmed this many days ago.
    pub confirm_profile_after_days: u32,
    /// SYNC-DESIGN: offline redemption is capped per member per day (points).
    pub daily_redeem_cap_points: u32,
    /// 药品追溯码: every pack of every line needs its code before payment. Off: only the 医保-
    /// listed lines of a sale that 医保 pays (required by 医保 since 2025-07-01). A chain setting,
    /// published by headquarters with the rest of the rules.
    pub trace_codes_all_lines: bool,
    /// Member programme: a member whose last purchase was this many days ago or more is dormant
    /// (沉睡, class D).
    pub dormant_days: u32,
    /// Member programme: a member is slipping when the spend of this many days ending today is
    /// at least `slipping_drop_percent` below the spend of the same number of days before.
    pub slipping_period_days: u32,
    pub slipping_drop_percent: u32,
}

impl Default for BusinessRules {
    fn default() -> Self {
        let d = |s: &str| s.parse::<Decimal>().expect("valid literal");
        let m = |fen| Money::from_fen(fen);
        BusinessRules {
            tiers: vec![
                TierRule {
                    tier: Tier::Normal,
                    threshold: m(0),
                    rate: d("1.00"),
                    multiplier: d("1.0"),
                },
                TierRule {
                    tier: Tier::Silver,
                    threshold: m(100_000),
                    rate: d("0.98"),
                    multiplier: d("1.2"),
                },
                TierRule {
                    tier: Tier::Gold,
                    threshold: m(300_000),
                    rate: d("0.95"),
                    multiplier: d("1.5"),
                },
                TierRule {
                    tier: Tier::Diamond,
                    threshold: m(800_000),
                    rate: d("0.90"),
                    multiplier: d("2.0"),
                },
            ],
            member_days: vec![1, 11, 21],
            member_day_rate: d("0.90"),
            member_day_points_multiplier: Decimal::ONE,
            bonus_points_products: vec![],
            new_member_coupon: CouponRule {
                face: m(300),
                min_spend: m(0),
                valid_days: 30,
            },
            birthday_coupon: CouponRule {
                face: m(1000),
                min_spend: m(5000),
                valid_days: 0,
            },
            top_spender_coupon: CouponRule {
                face: m(2000),
                min_spend: m(10_000),
                valid_days: 30,
            },
            points_per_yuan: 100,
            points_cap_percent: 50,
            drop_small_change: false,
            points_earned_per_yuan: 1,
            follow_up_days: vec![3, 7, 14, 21, 28],
            refill_reminder_days_before: 3,
            confirm_profile_after_days: 180,
            daily_redeem_cap_points: 20_000,
            trace_codes_all_lines: false,
            dormant_days: 90,
            slipping_period_days: 90,
            slipping_drop_percent: 50,
        }
    }
}

impl BusinessRules {
    /// The tier a trailing-365-day net spend earns.
    pub fn tier_for(&self, spend: Money) -> Tier {
        self.tiers
            .iter()
            .filter(|t| spend >= t.threshold)
            .map(|t| t.tier)
            .max()
            .unwrap_or(Tier::Normal)
    }

    pub fn tier_rule(&self, tier: Tier) -> TierRule {
        self.tiers
            .iter()
            .find(|t| t.tier == tier)
            .cloned()
            .unwrap_or(TierRule {
                tier,
                threshold: Money::ZERO,
                rate: Decimal::ONE,
                multiplier: Decimal::ONE,
            })
    }

    /// The bonus-points multiplier of a product (1 when it has none).
    pub fn bonus_points_multiplier(&self, barcode: &str) -> Decimal {
        self.bonus_points_products
            .iter()
            .find(|b| b.barcode == barcode)
            .map_or(Decimal::ONE, |b| b.multiplier)
    }

    /// Refuses rules that would make pricing meaningless.
    pub fn validated(self) -> Result<Self> {
        let bad = |msg: String| PosError::new(ErrorCode::InvalidRules, msg);
        let mut seen: Vec<Tier> = self.tiers.iter().map(|t| t.tier).collect();
        seen.sort();
        if seen != Tier::ALL {
            return Err(bad(
                "四个会员等级（普通、银卡、金卡、钻石）须各设一次".into()
            ));
        }
        let mut by_tier = self.tiers.clone();
        by_tier.sort_by_key(|t| t.tier);
        for w in by_tier.windows(2) {
            if w[1].threshold <= w[0].threshold {
                return Err(bad(format!(
                    "{}的门槛须高于{}",
                    w[1].tier.label(),
                    w[0].tier.label()
                )));
            }
        }
        for t in &self.tiers {
            if t.rate <= Decimal::ZERO || t.rate > Decimal::ONE {
                return Err(bad(format!("{}折扣率须在 0 与 1 之间", t.tier.label())));
            }
            if t.multiplier < Decimal::ZERO || t.multiplier > Decimal::TEN {
                return Err(bad(format!("{}积分倍数须在 0 与 10 之间", t.tier.label())));
            }
        }
        if self.member_day_rate <= Decimal::ZERO || self.member_day_rate > Decimal::ONE {
            return Err(bad("会员日折扣率须在 0 与 1 之间".into()));
        }
        let multiplier_ok = |m: Decimal| m >= Decimal::ONE && m <= Decimal::TEN && m.scale() <= 2;
        if !multiplier_ok(self.member_day_points_multiplier) {
            return Err(bad(
                "会员日积分倍数须在 1 与 10 之间（最多两位小数，1 为不加倍）".into(),
            ));
        }
        if self.bonus_points_products.len() > 200 {
            return Err(bad("加倍积分商品最多 200 个".into()));
        }
        for (i, b) in self.bonus_points_products.iter().enumerate() {
            if b.barcode.trim().is_empty() || b.barcode.chars().count() > 32 {
                return Err(bad(format!("第 {} 个加倍积分商品须填写条码", i + 1)));
            }
            if !multiplier_ok(b.multiplier) {
                return Err(bad(format!(
                    "加倍积分商品 {} 的倍数须在 1 与 10 之间（最多两位小数）",
                    b.barcode
                )));
            }
            if self.bonus_points_products[..i]
                .iter()
                .any(|o| o.barcode == b.barcode)
            {
                return Err(bad(format!("加倍积分商品 {} 重复设置", b.barcode)));
            }
        }
        if self.member_days.iter().any(|d| !(1..=31).contains(d)) {
            return Err(bad("会员日须为每月 1–31 日".into()));
        }
        if self.follow_up_days.len() > 10
            || self.follow_up_days.iter().any(|d| !(1..=365).contains(d))
            || self.follow_up_days.windows(2).any(|w| w[1] <= w[0])
        {
            return Err(bad(
                "随访天数须为 1–365 天、由小到大、最多 10 次（如 3, 7, 14, 21, 28）".into(),
            ));
        }
        if self.refill_reminder_days_before > 30 {
            return Err(bad("续药提醒须在用完前 0–30 天".into()));
        }
        if !(7..=730).contains(&self.dormant_days) {
            return Err(bad("沉睡天数须在 7–730 天之间".into()));
        }
        if !(7..=365).contains(&self.slipping_period_days)
            || !(1..=100).contains(&self.slipping_drop_percent)
        {
            return Err(bad(
                "消费下滑的比较期须为 7–365 天，下降幅度须为 1–100%".into()
            ));
        }
        if self.points_per_yuan == 0 || self.points_cap_percent > 100 {
            return Err(bad("积分抵现比例或上限不正确".into()));
        }
        Ok(self)
    }
}

pub fn get(c: &Connection) -> Result<BusinessRules> {
    let json: Option<String> = c
        .query_row("SELECT rules FROM business_rules", [], |r| r.get(0))
        .optional()?;
    match json {
        None => Ok(BusinessRules::default()),
        Some(j) => serde_json::from_str(&j).map_err(PosError::storage),
    }
}

/// Stores new rules (manager only; checked by the API) and tells headquarters.
pub fn update(tx: &Tx<'_>, by: StaffId, rules: BusinessRules) -> Result<BusinessRules> {
    let rules = rules.validated()?;
    let json = serde_json::to_string(&rules).map_err(PosError::storage)?;
    tx.execute(
        "INSERT INTO business_rules (singleton, rules, updated_at, updated_by) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (singleton) DO UPDATE SET rules = excluded.rules,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        (&json, stamp(tx.clock.now()), by),
    )?;
    outbox::append(
        tx,
        Payload::RulesUpdated(ev::RulesUpdatedV1 {
            document: serde_json::to_value(&rules).map_err(PosError::storage)?,
        }),
    )?;
    crate::audit::record(
        tx,
        Some(by),
        "rules.update",
        "business_rules",
        serde_json::to_value(&rules).map_err(PosError::storage)?,
    )?;
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tiers_follow_the_thresholds() {
        let r = BusinessRules::default();
        for (fen, tier) in [
            (0, Tier::Normal),
            (99_999, Tier::Normal),
            (100_000, Tier::Silver),
            (299_999, Tier::Silver),
            (300_000, Tier::Gold),
            (800_000, Tier::Diamond),
            (-500, Tier::Normal),
        ] {
            assert_eq!(r.tier_for(Money::from_fen(fen)), tier, "{fen}");
        }
        assert!(r.clone().validated().is_ok());
    }

    #[test]
    fn missing_fields_take_their_defaults() {
        let r: BusinessRules = serde_json::from_str(r#"{"drop_small_change": true}"#).unwrap();
        assert!(r.drop_small_change);
        assert_eq!(r.member_days, vec![1, 11, 21]);
    }

    #[test]
    fn refuses_points_multipliers_out_of_bounds() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for bad in ["0.5", "0", "10.5", "1.234"] {
            let r = BusinessRules {
                member_day_points_multiplier: d(bad),
                ..BusinessRules::default()
            };
            let e = r.validated().unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidRules, "{bad}");
            assert!(e.message.contains("会员日积分倍数"), "{bad}: {}", e.message);
        }
        let bonus = |barcode: &str, m: &str| BonusPointsProduct {
            barcode: barcode.into(),
            multiplier: d(m),
        };
        let ok = BusinessRules {
            member_day_points_multiplier: d("2"),
            bonus_points_products: vec![bonus("6901234567892", "3")],
            ..BusinessRules::default()
        };
        assert_eq!(ok.clone().validated().unwrap(), ok);
        assert_eq!(ok.bonus_points_multiplier("6901234567892"), d("3"));
        assert_eq!(ok.bonus_points_multiplier("0000"), Decimal::ONE);
        for (list, says) in [
            (vec![bonus("6901234567892", "11")], "倍数须在 1 与 10"),
            (vec![bonus(" ", "2")], "须填写条码"),
            (
                vec![bonus("6901234567892", "2"), bonus("6901234567892", "3")],
                "重复",
            ),
        ] {
            let r = BusinessRules {
                bonus_points_products: list,
                ..BusinessRules::default()
            };
            let e = r.validated().unwrap_err();
            assert!(e.message.contains(says), "{}", e.message);
        }
    }

    #[test]
    fn refuses_thresholds_out_of_order() {
        let mut r = BusinessRules::default();
        r.tiers[2].threshold = Money::from_fen(50_000);
        assert_eq!(r.validated().unwrap_err().code, ErrorCode::InvalidRules);
    }
}
