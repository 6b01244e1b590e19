//! What a change of the business rules does, shown before it is saved (issue 9, store admin):
//! members per tier now and under the proposed rules, the same example baskets priced both ways,
//! the next member days, and the value of the points members hold.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::ids::LineId;
use crate::member::tier::window_start;
use crate::money::Money;
use crate::pricing::{self, PriceLine, PricingInput};
use crate::rules::{BusinessRules, Tier};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TierCount {
    pub tier: Tier,
    #[ts(type = "number")]
    pub now: i64,
    #[ts(type = "number")]
    pub proposed: i64,
}

/// One example basket priced under the rules in force and under the proposed ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExampleSale {
    /// What the example is, e.g. "金卡会员，2 件共 ¥128.00".
    pub title: String,
    pub subtotal: Money,
    pub payable_now: Money,
    pub payable_proposed: Money,
    #[ts(type = "number")]
    pub points_now: i64,
    #[ts(type = "number")]
    pub points_proposed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RulesPreview {
    /// What differs, one line each, in Chinese (empty when nothing does).
    pub changes: Vec<String>,
    pub tiers: Vec<TierCount>,
    #[ts(type = "number")]
    pub members_moving_up: i64,
    #[ts(type = "number")]
    pub members_moving_down: i64,
    pub examples: Vec<ExampleSale>,
    /// The next three member days under the proposed rules (`YYYY-MM-DD`).
    pub next_member_days: Vec<String>,
    /// Points members hold now, and what they are worth when redeemed, now and proposed.
    #[ts(type = "number")]
    pub points_outstanding: i64,
    pub points_value_now: Money,
    pub points_value_proposed: Money,
}

/// Previews `proposed` (already validated) against the rules in force `now`, on `today`.
pub fn preview(
    c: &Connection,
    now: &BusinessRules,
    proposed: &BusinessRules,
    today: NaiveDate,
) -> Result<RulesPreview> {
    // Members' trailing spend, classified both ways (members without spend are 普通 either way
    // unless a threshold of 0 says otherwise).
    let mut st = c.prepare(
        // A survivor's spend counts the members merged into it (as `tier::spend` does).
        "SELECT m.id, COALESCE(sp.net, 0) FROM member m
         LEFT JOIN (SELECT COALESCE(w.merged_into, w.id) AS who, sum(s.net_fen) AS net
                    FROM member_spend s JOIN member w ON w.id = s.member_id
                    WHERE s.business_date >= ?1 AND s.business_date <= ?2 GROUP BY who) sp
           ON sp.who = m.id
         WHERE m.status = 'active' AND m.merged_into IS NULL",
    )?;
    let spends: Vec<i64> = st
        .query_map([window_start(today).to_string(), today.to_string()], |r| {
            r.get(1)
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut tiers: Vec<TierCount> = Tier::ALL
        .iter()
        .map(|&tier| TierCount {
            tier,
            now: 0,
            proposed: 0,
        })
        .collect();
    let (mut up, mut down) = (0, 0);
    for fen in spends {
        let spend = Money::from_fen(fen);
        let (a, b) = (now.tier_for(spend), proposed.tier_for(spend));
        tiers[a as usize].now += 1;
        tiers[b as usize].proposed += 1;
        match b.cmp(&a) {
            std::cmp::Ordering::Greater => up += 1,
            std::cmp::Ordering::Less => down += 1,
            std::cmp::Ordering::Equal => {}
        }
    }
    let points_outstanding: i64 = c.query_row(
        "SELECT COALESCE(sum(points), 0) FROM points_entry",
        [],
        |r| r.get(0),
    )?;
    let value = |r: &BusinessRules| {
        Money::from_fen(points_outstanding * 100 / i64::from(r.points_per_yuan.max(1)))
    };
    let next_member_days = next_member_days(proposed, today, 3);
    let examples = examples(now, proposed, today);
    Ok(RulesPreview {
        changes: changes(now, proposed),
        tiers,
        members_moving_up: up,
        members_moving_down: down,
        examples,
        next_member_days,
        points_outstanding,
        points_value_now: value(now),
        points_value_proposed: value(proposed),
    })
}

fn next_member_days(r: &BusinessRules, today: NaiveDate, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = today;
    for _ in 0..400 {
        if r.member_days.contains(&d.day()) {
            out.push(d.to_string());
            if out.len() == n {
                break;
            }
        }
        d = match d.succ_opt() {
            Some(next) => next,
            None => break,
        };
    }
    out
}

/// The example baskets: a non-member's small basket (抹零 shows), and for each paying tier a
/// two-line basket, on an ordinary day and on the next member day.
fn examples(now: &BusinessRules, proposed: &BusinessRules, today: NaiveDate) -> Vec<ExampleSale> {
    let line = |fen: i64, qty: u32| PriceLine {
        line_id: LineId(uuid::Uuid::nil()),
        unit_price: Money::from_fen(fen),
        quantity: qty,
        member_discount: true,
        points: true,
        insurance: false,
        override_price: None,
        product_id: crate::ids::ProductId(uuid::Uuid::nil()),
        category: String::new(),
        barcode: String::new(),
    };
    let small = [line(1_280, 1), line(356, 2)];
    let basket = [line(5_880, 1), line(3_460, 2)];
    let ordinary = (0..31)
        .filter_map(|k| today.checked_add_signed(chrono::Duration::days(k)))
        .find(|d| !proposed.member_days.contains(&d.day()) && !now.member_days.contains(&d.day()))
        .unwrap_or(today);
    let member_day = next_member_days(proposed, today, 1)
        .first()
        .and_then(|d| d.parse().ok());
    let mut cases: Vec<(String, &[PriceLine], Option<Tier>, NaiveDate)> =
        vec![("非会员".to_string(), &small, None, ordinary)];
    for tier in Tier::ALL {
        cases.push((
            format!("{}会员", tier.label()),
            &basket,
            Some(tier),
            ordinary,
        ));
    }
    if let Some(d) = member_day {
        cases.push((
            format!("普通会员，会员日 {d}"),
            &basket,
            Some(Tier::Normal),
            d,
        ));
    }
    cases
        .into_iter()
        .map(|(who, lines, tier, date)| {
            let price = |rules: &BusinessRules| {
                let p = pricing::price(&PricingInput {
                    lines,
                    tier,
                    coupon: None,
                    points_asked: 0,
                    points_available: 0,
                    rules,
                    date,
                });
                let points = pricing::points_earned(&p, Money::ZERO, tier, rules);
                (p, points)
            };
            let (a, pa) = price(now);
            let (b, pb) = price(proposed);
            let items: u32 = lines.iter().map(|l| l.quantity).sum();
            ExampleSale {
                title: format!("{who}，{items} 件共 ¥{}", a.subtotal),
                subtotal: a.subtotal,
                payable_now: a.payable,
                payable_proposed: b.payable,
                points_now: pa,
                points_proposed: pb,
            }
        })
        .collect()
}

/// The differences, one readable line each.
fn changes(a: &BusinessRules, b: &BusinessRules) -> Vec<String> {
    let mut out = Vec::new();
    for (x, y) in a.tiers.iter().zip(&b.tiers) {
        if x != y {
            out.push(format!(
                "{}：门槛 ¥{} → ¥{}，折扣 {} → {}，积分倍数 {} → {}",
                x.tier.label(),
                x.threshold,
                y.threshold,
                x.rate,
                y.rate,
                x.multiplier,
                y.multiplier
            ));
        }
    }
    if a.member_days != b.member_days || a.member_day_rate != b.member_day_rate {
        out.push(format!(
            "会员日：每月 {:?} 日 折扣 {} → 每月 {:?} 日 折扣 {}",
            a.member_days, a.member_day_rate, b.member_days, b.member_day_rate
        ));
    }
    if a.member_day_points_multiplier != b.member_day_points_multiplier {
        out.push(format!(
            "会员日积分倍数：{} → {}",
            a.member_day_points_multiplier, b.member_day_points_multiplier
        ));
    }
    if a.bonus_points_products != b.bonus_points_products {
        let list = |r: &BusinessRules| {
            let v: Vec<String> = r
                .bonus_points_products
                .iter()
                .map(|p| format!("{} ×{}", p.barcode, p.multiplier))
                .collect();
            if v.is_empty() {
                "无".to_owned()
            } else {
                v.join("、")
            }
        };
        out.push(format!("加倍积分商品：{} → {}", list(a), list(b)));
    }
    for (name, x, y) in [
        ("新会员券", &a.new_member_coupon, &b.new_member_coupon),
        ("生日券", &a.birthday_coupon, &b.birthday_coupon),
        ("高价值会员券", &a.top_spender_coupon, &b.top_spender_coupon),
    ] {
        if x != y {
            out.push(format!(
                "{name}：面额 ¥{} 满 ¥{} 有效 {} 天 → 面额 ¥{} 满 ¥{} 有效 {} 天",
                x.face, x.min_spend, x.valid_days, y.face, y.min_spend, y.valid_days
            ));
        }
    }
    let nums = [
        (
            "积分抵现（多少分抵 1 元）",
            a.points_per_yuan,
            b.points_per_yuan,
        ),
        (
            "积分抵现上限（%）",
            a.points_cap_percent,
            b.points_cap_percent,
        ),
        (
            "每元积分",
            a.points_earned_per_yuan,
            b.points_earned_per_yuan,
        ),
        (
            "每日离线抵扣上限（分）",
            a.daily_redeem_cap_points,
            b.daily_redeem_cap_points,
        ),
        (
            "资料确认间隔（天）",
            a.confirm_profile_after_days,
            b.confirm_profile_after_days,
        ),
        (
            "续药提醒（用完前几天）",
            a.refill_reminder_days_before,
            b.refill_reminder_days_before,
        ),
        ("沉睡会员（未消费天数）", a.dormant_days, b.dormant_days),
        (
            "消费下滑比较期（天）",
            a.slipping_period_days,
            b.slipping_period_days,
        ),
        (
            "消费下滑幅度（%）",
            a.slipping_drop_percent,
            b.slipping_drop_percent,
        ),
    ];
    for (name, x, y) in nums {
        if x != y {
            out.push(format!("{name}：{x} → {y}"));
        }
    }
    if a.drop_small_change != b.drop_small_change {
        let s = |on: bool| if on { "开" } else { "关" };
        out.push(format!(
            "抹零：{} → {}",
            s(a.drop_small_change),
            s(b.drop_small_change)
        ));
    }
    if a.trace_codes_all_lines != b.trace_codes_all_lines {
        let s = |on: bool| {
            if on {
                "所有药品"
            } else {
                "按商品设置"
            }
        };
        out.push(format!(
            "追溯码扫码：{} → {}",
            s(a.trace_codes_all_lines),
            s(b.trace_codes_all_lines)
        ));
    }
    if a.follow_up_days != b.follow_up_days {
        out.push(format!(
            "随访天数：{:?} → {:?}",
            a.follow_up_days, b.follow_up_days
        ));
    }
    out
}
