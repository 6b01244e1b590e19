//! Generated realistic members for benchmarks and load tests (`pharmapos gen-members`): Chinese
//! names from common surnames and given-name characters, unique mainland mobile numbers, valid
//! card numbers, birthdays, a points ledger (lots from last year and this, some redeemed), spend
//! over the last year, tiers that follow it, and new-member coupons. Deterministic for a seed.
//!
//! It writes rows directly in large transactions, without outbox events: the data stands for
//! members a store already has (as if registered long ago and synced), not for new activity.

use chrono::{Datelike, Duration, NaiveDate};

use crate::catalog::generate::Mix;
use crate::catalog::initials;
use crate::clock::stamp;
use crate::db::{till_identity, Store};
use crate::error::Result;
use crate::ids::{CouponId, MemberId, PointsEntryId, StaffId};
use crate::member::{card, points};
use crate::rules::BusinessRules;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红", "建", "国", "文", "辉",
    "鹏", "宇", "浩", "婷", "雪", "琳", "晨", "欣", "佳", "颖", "子", "涵", "梓", "睿", "博", "思",
    "雨", "嘉", "志", "春", "海", "燕", "波", "凤", "慧", "俊", "峰", "丹",
];
const PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "198", "199",
];

/// The phone of generated member `i`: a 3-digit prefix and 8 digits, unique for every `i` below
/// 10⁸ (multiplying by a number coprime with 10⁸ permutes the 8-digit bodies).
pub fn phone_of(i: u64) -> String {
    let body = (i.wrapping_mul(387_420_489) + 12_345) % 100_000_000;
    format!(
        "{}{:08}",
        PREFIXES[(i % PREFIXES.len() as u64) as usize],
        body
    )
}

/// The card number of generated member `i` (unique likewise).
pub fn card_of(i: u64) -> String {
    card::from_random((i.wrapping_mul(7_629_394_531) + 777) % 10_000_000_000)
}

/// Writes `count` members into `store`, registered by `staff`, with `today` as the business date
/// the data leads up to. Calls `progress(done)` after each batch.
pub fn populate(
    store: &Store,
    count: u64,
    seed: u64,
    staff: StaffId,
    today: NaiveDate,
    mut progress: impl FnMut(u64),
) -> Result<()> {
    const BATCH: u64 = 20_000;
    let rules = BusinessRules::default();
    let mut rng = Mix(seed);
    let store_id = store.read(till_identity)?.store_id;
    let clock = store.clock();
    let mut done = 0;
    while done < count {
        let end = (done + BATCH).min(count);
        store.write(|tx| {
            let mut member = tx.prepare_cached(
                "INSERT INTO member (id, card_no, phone, name, name_initials, gender, birthday,
                     address, occupation, tags, store_id, registered_by, owner_staff_id, status,
                     tier, created_at, confirmed_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', '', '', ?8, ?9, ?9, 'active',
                         ?10, ?11, ?11, ?11)",
            )?;
            let mut consent = tx.prepare_cached(
                "INSERT INTO consent_event (id, member_id, scope, action, notice_version, at, by_staff)
                 VALUES (?1, ?2, 'basic', 'grant', '2026-11', ?3, ?4)",
            )?;
            let mut lot = tx.prepare_cached(
                "INSERT INTO points_entry (id, member_id, kind, points, expires_on, reason, at, business_date)
                 VALUES (?1, ?2, 'earn', ?3, ?4, '消费积分', ?5, ?6)",
            )?;
            let mut redeem = tx.prepare_cached(
                "INSERT INTO points_entry (id, member_id, kind, points, reason, at, business_date)
                 VALUES (?1, ?2, 'redeem', ?3, '积分抵现', ?4, ?5)",
            )?;
            let mut draw = tx.prepare_cached(
                "INSERT INTO points_draw (entry_id, lot_id, points) VALUES (?1, ?2, ?3)",
            )?;
            let mut spend = tx.prepare_cached(
                "INSERT INTO member_spend (id, member_id, store_id, business_date, net_fen, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut coupon = tx.prepare_cached(
                "INSERT INTO coupon (id, member_id, kind, face_fen, min_spend_fen, valid_from, valid_until,
                                     issue_key, reason, issued_at, issued_by)
                 VALUES (?1, ?2, 'new_member', ?3, ?4, ?5, ?6, ?7, '新会员注册', ?8, ?9)",
            )?;
            for i in done..end {
                let id = MemberId::new(clock);
                let phone = phone_of(i);
                let name = format!(
                    "{}{}{}",
                    rng.pick(SURNAMES),
                    rng.pick(GIVEN),
                    if rng.next() % 3 == 0 { "" } else { rng.pick(GIVEN) }
                );
                let age_days = 6_570 + (rng.next() % 21_900) as i64; // 18 to 78 years
                let birthday = today - Duration::days(age_days);
                let registered = today - Duration::days((rng.next() % 1_500) as i64);
                let at = stamp(
                    registered
                        .and_hms_opt(2, (rng.next() % 60) as u32, 0)
                        .expect("valid time")
                        .and_utc(),
                );
                // Spend over the last year: zero to six purchases of 5–400 yuan.
                let mut spent = 0;
                let purchases: Vec<(NaiveDate, i64)> = (0..rng.next() % 7)
                    .map(|_| {
                        let day = today - Duration::days((rng.next() % 365) as i64);
                        let fen = 500 + (rng.next() % 39_500) as i64;
                        spent += fen;
                        (day, fen)
                    })
                    .collect();
                let tier = rules.tier_for(crate::money::Money::from_fen(spent));
                member.execute(rusqlite::params![
                    id,
                    card_of(i),
                    phone,
                    name,
                    initials(&name),
                    ["female", "male", "unknown"][(rng.next() % 3) as usize],
                    birthday.to_string(),
                    store_id,
                    staff,
                    tier,
                    at,
                ])?;
                consent.execute((crate::ids::EditId::new(clock), id, &at, staff))?;
                for (n, (day, fen)) in purchases.iter().enumerate() {
                    spend.execute((
                        format!("gen-{i}-{n}"),
                        id,
                        store_id,
                        day.to_string(),
                        fen,
                        stamp(day.and_hms_opt(3, 0, 0).expect("valid time").and_utc()),
                    ))?;
                }
                // Lots from last year and this year; half the members redeemed some.
                let mut lots = Vec::new();
                for year_back in [1, 0] {
                    if rng.next() % 4 == 0 {
                        continue;
                    }
                    let day = NaiveDate::from_ymd_opt(today.year() - year_back, 1, 1)
                        .expect("1 January exists")
                        + Duration::days((rng.next() % 300) as i64);
                    let day = day.min(today);
                    let n = 10 + (rng.next() % 3_000) as i64;
                    let lot_id = PointsEntryId::new(clock);
                    lot.execute(rusqlite::params![
                        lot_id,
                        id,
                        n,
                        points::expiry_for(day).to_string(),
                        stamp(day.and_hms_opt(3, 0, 0).expect("valid time").and_utc()),
                        day.to_string(),
                    ])?;
                    lots.push((lot_id, n));
                }
                if let Some(&(lot_id, n)) = lots.first() {
                    if rng.next() % 2 == 0 && n >= 100 {
                        let r = PointsEntryId::new(clock);
                        let used = n / 100 * 100;
                        redeem.execute((r, id, -used, stamp(clock.now()), today.to_string()))?;
                        draw.execute((r, lot_id, used))?;
                    }
                }
                if rng.next() % 5 == 0 {
                    let from = registered;
                    coupon.execute(rusqlite::params![
                        CouponId::new(clock),
                        id,
                        rules.new_member_coupon.face.fen(),
                        rules.new_member_coupon.min_spend.fen(),
                        from.to_string(),
                        (from + Duration::days(29)).to_string(),
                        format!("new_member:{id}"),
                        at,
                        staff,
                    ])?;
                }
            }
            Ok(())
        })?;
        done = end;
        progress(done);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_cards_are_unique_and_valid() {
        let mut phones = std::collections::HashSet::new();
        let mut cards = std::collections::HashSet::new();
        for i in 0..50_000 {
            let p = phone_of(i);
            assert_eq!(crate::member::phone::parse(&p).unwrap(), p);
            assert!(phones.insert(p));
            let c = card_of(i);
            assert_eq!(card::parse(&c).unwrap(), c);
            assert!(cards.insert(c));
        }
    }
}
