//! Member analytics (会员分析, issue 10): the figures a member manager steers the programme by,
//! and the member list behind every figure (the drill-down).
//!
//! Definitions (PRODUCT.md §2, docs/business-rules.md "Member programme"):
//! - **Spend** is a member's net spend (`member_spend`: sales +, returns −, all stores) over the
//!   365 days ending today, the tier window; merged members count for the member they went into.
//! - **Classes**: members with spend > 0 ranked by it. A = the top 5 % (rounded up, so a store
//!   with one spender has an A member), B = the next 15 % (up to 20 % rounded up). A member who
//!   spent exactly as much as the last member of a class is in that class too (ties are never
//!   split). The other spenders are C, or D when dormant. Members with no spend are `zero`.
//! - **Dormant**: the last purchase (a sale, any store) was `dormant_days` (90) or more days ago.
//!   Members who never bought are not dormant: they are zero-spend.
//! - **Slipping**: not dormant, and spend in the `slipping_period_days` (90) ending today is at
//!   least `slipping_drop_percent` (50 %) below the spend of the period before (which was > 0).
//! - **Member share, average ticket, visits**: this store's sales (payable) by business date in
//!   the period, as the day close counts them (returns are not subtracted).
//! - **Birthdays**: a member born on 29 February has the birthday on 28 February in other years.
//! - **Points**: the outstanding balance of active members and what expires by a date; 100
//!   points = ¥1.00 (rule 5, `points_per_yuan`).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{PosError, Result};
use crate::ids::{MemberId, StaffId};
use crate::member::{card, phone, Gender};
use crate::money::Money;
use crate::rules::{self, BusinessRules, Tier};

mod held;

/// A class by 12-month spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum MemberClass {
    /// A 类：消费前 5 %
    A,
    /// B 类：其后 15 %
    B,
    /// C 类：其他活跃会员
    C,
    /// D 类：沉睡会员
    D,
    /// 近 12 个月无消费
    Zero,
}

impl MemberClass {
    pub const ALL: [MemberClass; 5] = [
        MemberClass::A,
        MemberClass::B,
        MemberClass::C,
        MemberClass::D,
        MemberClass::Zero,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MemberClass::A => "A 类（前 5%）",
            MemberClass::B => "B 类（其后 15%）",
            MemberClass::C => "C 类（活跃）",
            MemberClass::D => "D 类（沉睡）",
            MemberClass::Zero => "近 12 个月无消费",
        }
    }
}

/// Age bands of the age distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// 12 岁以下
    Under12,
    /// 12–17
    Teen,
    /// 18–34
    Young,
    /// 35–49
    Middle,
    /// 50–64
    Senior,
    /// 65 岁及以上
    Elderly,
    /// 未填生日
    Unknown,
}

impl AgeBand {
    pub const ALL: [AgeBand; 7] = [
        AgeBand::Under12,
        AgeBand::Teen,
        AgeBand::Young,
        AgeBand::Middle,
        AgeBand::Senior,
        AgeBand::Elderly,
        AgeBand::Unknown,
    ];

    pub fn of(age: Option<u32>) -> AgeBand {
        match age {
            None => AgeBand::Unknown,
            Some(a) if a < 12 => AgeBand::Under12,
            Some(a) if a < 18 => AgeBand::Teen,
            Some(a) if a < 35 => AgeBand::Young,
            Some(a) if a < 50 => AgeBand::Middle,
            Some(a) if a < 65 => AgeBand::Senior,
            Some(_) => AgeBand::Elderly,
        }
    }
}

/// Full years between `birthday` and `on` (0 before the first birthday).
pub fn age_on(birthday: NaiveDate, on: NaiveDate) -> Option<u32> {
    if birthday > on {
        return None;
    }
    let mut years = on.year() - birthday.year();
    if (on.month(), on.day()) < (birthday.month(), birthday.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// The age band of a member with `birthday` (as stored, YYYY-MM-DD) on `today`.
fn band_of(birthday: Option<&str>, today: NaiveDate) -> AgeBand {
    let age = birthday
        .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
        .and_then(|b| age_on(b, today));
    AgeBand::of(age)
}

/// The day a member born on `birthday` celebrates in `year` (29 February → 28 February in a
/// year that has none).
pub fn birthday_in(birthday: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, birthday.month(), birthday.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .expect("28 February exists")
}

/// What one active member contributes to the figures: read once, classified in memory.
#[derive(Debug, Clone)]
struct Facts {
    id: MemberId,
    spend_fen: i64,
    /// Spend in the slipping period ending today and in the period before it.
    current_fen: i64,
    previous_fen: i64,
    last_purchase: Option<NaiveDate>,
}

impl Facts {
    /// A member with no spend yet.
    fn none(id: MemberId) -> Facts {
        Facts {
            id,
            spend_fen: 0,
            current_fen: 0,
            previous_fen: 0,
            last_purchase: None,
        }
    }
}

/// The analytics' settings, from the business rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    pub today: NaiveDate,
    pub dormant_days: u32,
    pub slipping_days: u32,
    pub slipping_drop_percent: u32,
}

impl Windows {
    pub fn of(rules: &BusinessRules, today: NaiveDate) -> Windows {
        Windows {
            today,
            dormant_days: rules.dormant_days,
            slipping_days: rules.slipping_period_days,
            slipping_drop_percent: rules.slipping_drop_percent,
        }
    }

    fn year_start(&self) -> NaiveDate {
        crate::member::tier::window_start(self.today)
    }

    /// The first days of the slipping period ending today and of the one before it.
    fn slipping_starts(&self) -> (NaiveDate, NaiveDate) {
        let p = i64::from(self.slipping_days);
        let current_from = self.today - Duration::days(p - 1);
        (current_from, current_from - Duration::days(p))
    }

    /// `f` with one more spend fact (`net_fen` on `day`, which is not after today).
    fn add(&self, f: &mut Facts, day: NaiveDate, net_fen: i64) {
        let (current_from, previous_from) = self.slipping_starts();
        if day >= self.year_start() {
            f.spend_fen += net_fen;
        }
        if day >= current_from {
            f.current_fen += net_fen;
        } else if day >= previous_from {
            f.previous_fen += net_fen;
        }
        if net_fen > 0 && f.last_purchase.is_none_or(|l| l < day) {
            f.last_purchase = Some(day);
        }
    }

    fn dormant(&self, last_purchase: Option<NaiveDate>) -> bool {
        last_purchase
            .is_some_and(|d| d <= self.today - Duration::days(i64::from(self.dormant_days)))
    }

    fn slipping(&self, f: &Facts) -> bool {
        !self.dormant(f.last_purchase)
            && f.previous_fen > 0
            && i128::from(f.current_fen) * 100
                <= i128::from(f.previous_fen)
                    * i128::from(100 - self.slipping_drop_percent.min(100))
    }
}

/// Reads every active member that ever bought: spend in the year, in the two slipping periods,
/// and the last purchase. Members with no spend fact at all are not in the list.
///
/// The facts are summed per member on `member_spend_member_net` (in member order, from the index
/// alone), and each member's row is looked up once for whom they count (a merged member's spend
/// is its survivor's); not a member lookup per fact, which read 3 million rows at random.
fn facts(c: &Connection, w: &Windows) -> Result<Vec<Facts>> {
    let (current_from, previous_from) = w.slipping_starts();
    let mut st = c.prepare_cached(
        "SELECT g.member_id, m.status = 'active', m.merged_into, g.spend, g.current, g.previous,
                g.last
         FROM (SELECT member_id,
                      sum(CASE WHEN business_date >= ?1 THEN net_fen ELSE 0 END) AS spend,
                      sum(CASE WHEN business_date >= ?2 THEN net_fen ELSE 0 END) AS current,
                      sum(CASE WHEN business_date >= ?3 AND business_date < ?2 THEN net_fen ELSE 0 END)
                          AS previous,
                      max(CASE WHEN net_fen > 0 THEN business_date END) AS last
               FROM member_spend INDEXED BY member_spend_member_net
               WHERE business_date <= ?4
               GROUP BY member_id) g
         JOIN member m ON m.id = g.member_id",
    )?;
    let mut rows = st.query((
        w.year_start().to_string(),
        current_from.to_string(),
        previous_from.to_string(),
        w.today.to_string(),
    ))?;
    let mut all = Vec::new();
    let mut merged = Vec::new();
    while let Some(r) = rows.next()? {
        let f = Facts {
            id: r.get(0)?,
            spend_fen: r.get(3)?,
            current_fen: r.get(4)?,
            previous_fen: r.get(5)?,
            last_purchase: r
                .get::<_, Option<String>>(6)?
                .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
        };
        match r.get::<_, Option<MemberId>>(2)? {
            Some(into) => merged.push((into, f)),
            None if r.get::<_, bool>(1)? => all.push(f),
            None => {}
        }
    }
    // A merged member's facts count for the member it went into, if that one counts.
    if !merged.is_empty() {
        all.sort_by_key(|f| f.id);
        let mut counts = c.prepare_cached(
            "SELECT 1 FROM member WHERE id = ?1 AND status = 'active' AND merged_into IS NULL",
        )?;
        for (into, f) in merged {
            if !counts.exists([into])? {
                continue;
            }
            let i = match all.binary_search_by_key(&into, |x| x.id) {
                Ok(i) => i,
                Err(i) => {
                    all.insert(i, Facts::none(into));
                    i
                }
            };
            let t = &mut all[i];
            t.spend_fen += f.spend_fen;
            t.current_fen += f.current_fen;
            t.previous_fen += f.previous_fen;
            t.last_purchase = t.last_purchase.max(f.last_purchase);
        }
    }
    Ok(all)
}

/// The A/B cut-offs: the least spend that is still A, and still B (None: nobody is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Cutoffs {
    pub a_from: Option<Money>,
    pub b_from: Option<Money>,
    /// Members with spend > 0 in the 12 months.
    pub spenders: u32,
}

/// The cut-offs of a set of spends (fen, any order; only those > 0 count).
pub fn cutoffs(spends: &[i64]) -> Cutoffs {
    let mut ranked: Vec<i64> = spends.iter().copied().filter(|s| *s > 0).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    let n = ranked.len();
    let a = n.div_ceil(20);
    let ab = (n * 20).div_ceil(100).max(a);
    Cutoffs {
        a_from: (a > 0).then(|| Money::from_fen(ranked[a - 1])),
        b_from: (ab > 0).then(|| Money::from_fen(ranked[ab - 1])),
        spenders: n as u32,
    }
}

impl Cutoffs {
    fn class(&self, w: &Windows, spend_fen: i64, last_purchase: Option<NaiveDate>) -> MemberClass {
        Classifier::of(self, w).class(spend_fen, last_purchase)
    }
}

/// The cut-offs in fen and the last day that is dormant, worked out once for classifying many
/// members (a million `Money` conversions and date subtractions are a noticeable part of a
/// call otherwise).
#[derive(Debug, Clone, Copy)]
struct Classifier {
    a_fen: Option<i64>,
    b_fen: Option<i64>,
    dormant_on_or_before: NaiveDate,
}

impl Classifier {
    fn of(cut: &Cutoffs, w: &Windows) -> Classifier {
        Classifier {
            a_fen: cut.a_from.map(Money::fen),
            b_fen: cut.b_from.map(Money::fen),
            dormant_on_or_before: w.today - Duration::days(i64::from(w.dormant_days)),
        }
    }

    fn dormant(&self, last_purchase: Option<NaiveDate>) -> bool {
        last_purchase.is_some_and(|d| d <= self.dormant_on_or_before)
    }

    fn class(&self, spend_fen: i64, last_purchase: Option<NaiveDate>) -> MemberClass {
        if spend_fen <= 0 {
            MemberClass::Zero
        } else if self.a_fen.is_some_and(|a| spend_fen >= a) {
            MemberClass::A
        } else if self.b_fen.is_some_and(|b| spend_fen >= b) {
            MemberClass::B
        } else if self.dormant(last_purchase) {
            MemberClass::D
        } else {
            MemberClass::C
        }
    }
}

/// Every active member's class, and the cut-offs (members with no spend fact are `Zero`).
pub fn classes(c: &Connection, w: &Windows) -> Result<(Cutoffs, HashMap<MemberId, MemberClass>)> {
    let s = held::standing(c, w)?;
    let classify = Classifier::of(&s.cut, w);
    let map = s
        .facts
        .iter()
        .map(|f| (f.id, classify.class(f.spend_fen, f.last_purchase)))
        .collect();
    Ok((s.cut, map))
}

/// A period of business dates, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Period {
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    pub to: NaiveDate,
}

impl Period {
    /// The 30 days ending `today`.
    pub fn last_30_days(today: NaiveDate) -> Period {
        Period {
            from: today - Duration::days(29),
            to: today,
        }
    }

    pub fn checked(self) -> Result<Period> {
        if self.from > self.to {
            return Err(PosError::invalid_field("from", "开始日期不能晚于结束日期"));
        }
        if (self.to - self.from).num_days() > 731 {
            return Err(PosError::invalid_field("to", "统计期最长两年"));
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClassFigure {
    pub class: MemberClass,
    pub members: u32,
    /// Their 12-month spend together.
    pub spend: Money,
    /// Their share of all members' 12-month spend, percent with one decimal ("12.5").
    pub share_pct: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TierMembers {
    pub tier: Tier,
    pub members: u32,
}

/// The tier distribution at the end of a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TierMonth {
    /// `YYYY-MM`
    pub month: String,
    pub counts: Vec<TierMembers>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SalesFigures {
    /// Sales (payable) of the period at this store, and how many.
    pub total: Money,
    pub count: u32,
    pub member_total: Money,
    pub member_count: u32,
    /// Member sales / all sales, percent with one decimal.
    pub member_share_pct: String,
    /// 客单价: average payable per sale.
    pub member_ticket: Money,
    pub non_member_ticket: Money,
    /// Members who bought in the period, and their visits (sales) per member, one decimal.
    pub buying_members: u32,
    pub visits_per_member: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DayCount {
    /// A date, the Monday of a week, or `YYYY-MM`.
    pub key: String,
    pub members: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OwnerCount {
    pub staff_id: StaffId,
    pub name: String,
    pub members: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewMembers {
    pub total: u32,
    pub by_day: Vec<DayCount>,
    pub by_week: Vec<DayCount>,
    pub by_month: Vec<DayCount>,
    pub by_owner: Vec<OwnerCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PointsFigures {
    #[ts(type = "number")]
    pub outstanding: i64,
    pub outstanding_value: Money,
    /// The last day of this year, and the points that expire then unless used.
    #[ts(type = "string")]
    pub year_end: NaiveDate,
    #[ts(type = "number")]
    pub expiring_year_end: i64,
    pub expiring_value: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgeCount {
    pub band: AgeBand,
    pub members: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GenderCount {
    pub gender: Gender,
    pub members: u32,
}

/// The 会员分析 screen's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgrammeFigures {
    #[ts(type = "string")]
    pub today: NaiveDate,
    pub period: Period,
    pub active_members: u32,
    pub tiers: Vec<TierMembers>,
    pub tier_trend: Vec<TierMonth>,
    pub cutoffs: Cutoffs,
    pub classes: Vec<ClassFigure>,
    pub sales: SalesFigures,
    pub new_members: NewMembers,
    pub dormant: u32,
    pub slipping: u32,
    pub points: PointsFigures,
    pub birthdays_tomorrow: u32,
    pub birthdays_this_month: u32,
    pub ages: Vec<AgeCount>,
    pub genders: Vec<GenderCount>,
    /// The settings the figures used.
    pub dormant_days: u32,
    pub slipping_period_days: u32,
    pub slipping_drop_percent: u32,
}

/// `part / whole` as a percent with one decimal, half up ("0.0" when `whole` is 0).
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0.0".to_owned();
    }
    let permille = (i128::from(part) * 2000 + i128::from(whole)) / (2 * i128::from(whole));
    format!("{}.{}", permille / 10, permille % 10)
}

/// `total / n` to the fen, half up (0 when `n` is 0).
fn average(total_fen: i64, n: i64) -> Money {
    if n == 0 {
        return Money::ZERO;
    }
    Money::from_fen((2 * total_fen + n) / (2 * n))
}

/// `a / b` with one decimal, half up.
fn ratio1(a: i64, b: i64) -> String {
    if b == 0 {
        return "0.0".to_owned();
    }
    let tenths = (20 * a + b) / (2 * b);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Reads ahead what the figures, the lists and the care lists hold between calls (`held`), so
/// that the manager's first 会员分析 of the day does not wait for it: on a store of a million
/// members that first read takes 10–20 s, on a store's usual tens of thousands well under one.
/// The desktop's housekeeping thread calls it after the day's jobs; once held and unchanged it
/// costs one call of the figures (BENCHMARKS.md).
pub fn warm(store: &crate::db::Store) -> Result<()> {
    let today = store.clock().today();
    store.report(|c| figures(c, today, Period::last_30_days(today)).map(drop))
}

/// Everything on the 会员分析 screen, for `period` (sales, new members) and today.
pub fn figures(c: &Connection, today: NaiveDate, period: Period) -> Result<ProgrammeFigures> {
    let period = period.checked()?;
    let r = rules::get(c)?;
    let w = Windows::of(&r, today);
    let standing = held::standing(c, &w)?;
    let (all, cut) = (&standing.facts, standing.cut);
    let census = held::census(c, today)?;
    let active_members = census.active;
    let classify = Classifier::of(&cut, &w);
    // Members and spend by class, in the order of `MemberClass::ALL`.
    let index = |class: MemberClass| MemberClass::ALL.iter().position(|c| *c == class);
    let mut by_class = [(0u32, 0i64); 5];
    let (mut dormant, mut slipping) = (0u32, 0u32);
    for f in all {
        if let Some(i) = index(classify.class(f.spend_fen, f.last_purchase)) {
            by_class[i].0 += 1;
            by_class[i].1 += f.spend_fen.max(0);
        }
        if classify.dormant(f.last_purchase) {
            dormant += 1;
        } else if w.slipping(f) {
            slipping += 1;
        }
    }
    // Members with no spend fact at all are zero-spend too.
    let with_facts = all.len() as u32;
    if let Some(i) = index(MemberClass::Zero) {
        by_class[i].0 += active_members.saturating_sub(with_facts);
    }
    let spend_total: i64 = by_class.iter().map(|(_, s)| s).sum();
    let classes = MemberClass::ALL
        .into_iter()
        .zip(by_class)
        .map(|(class, (members, spend))| ClassFigure {
            class,
            members,
            spend: Money::from_fen(spend),
            share_pct: percent(spend, spend_total),
        })
        .collect();

    Ok(ProgrammeFigures {
        today,
        period,
        active_members,
        tiers: census.tiers.clone(),
        tier_trend: census.tier_trend.clone(),
        cutoffs: cut,
        classes,
        sales: sales(c, period)?,
        new_members: new_members(c, period)?,
        dormant,
        slipping,
        points: points(c, &r, today)?,
        birthdays_tomorrow: census.birthdays_tomorrow,
        birthdays_this_month: census.birthdays_this_month,
        ages: census.ages.clone(),
        genders: census.genders.clone(),
        dormant_days: w.dormant_days,
        slipping_period_days: w.slipping_days,
        slipping_drop_percent: w.slipping_drop_percent,
    })
}

/// The member counts of the screen, read together in one pass over the members and held between
/// calls (`held::census`).
#[derive(Debug)]
struct Census {
    active: u32,
    tiers: Vec<TierMembers>,
    tier_trend: Vec<TierMonth>,
    ages: Vec<AgeCount>,
    genders: Vec<GenderCount>,
    /// As `birthday_ids` counts them (tomorrow; this month).
    birthdays_tomorrow: u32,
    birthdays_this_month: u32,
}

fn census(c: &Connection, today: NaiveDate) -> Result<Census> {
    let mut active = 0u32;
    let mut tiers: HashMap<Tier, u32> = HashMap::new();
    let mut ages: HashMap<AgeBand, u32> = HashMap::new();
    let mut genders = [0u32; 3];
    let order = [Gender::Female, Gender::Male, Gender::Unknown];
    let tomorrow = today + Duration::days(1);
    let (mut birthdays_tomorrow, mut birthdays_this_month) = (0u32, 0u32);
    let mut st = c.prepare_cached(
        "SELECT tier, gender, birthday FROM member WHERE status = 'active' AND merged_into IS NULL",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        active += 1;
        *tiers.entry(r.get(0)?).or_default() += 1;
        let gender = Gender::parse(r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?);
        if let Some(i) = order.iter().position(|g| *g == gender) {
            genders[i] += 1;
        }
        let birthday = r
            .get_ref(2)?
            .as_str_or_null()
            .map_err(rusqlite::Error::from)?;
        *ages.entry(band_of(birthday, today)).or_default() += 1;
        if let Some(b) = birthday.and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()) {
            if b.month() == today.month() {
                birthdays_this_month += 1;
            }
            if b.month() == tomorrow.month() && birthday_in(b, tomorrow.year()) == tomorrow {
                birthdays_tomorrow += 1;
            }
        }
    }
    let now: HashMap<Tier, i64> = tiers.iter().map(|(t, n)| (*t, i64::from(*n))).collect();
    Ok(Census {
        active,
        tiers: Tier::ALL
            .into_iter()
            .map(|tier| TierMembers {
                tier,
                members: tiers.get(&tier).copied().unwrap_or(0),
            })
            .collect(),
        tier_trend: tier_trend(c, today, &now)?,
        ages: AgeBand::ALL
            .into_iter()
            .map(|band| AgeCount {
                band,
                members: ages.get(&band).copied().unwrap_or(0),
            })
            .collect(),
        genders: order
            .into_iter()
            .zip(genders)
            .map(|(gender, members)| GenderCount { gender, members })
            .collect(),
        birthdays_tomorrow,
        birthdays_this_month,
    })
}

/// The tier distribution at the end of each of the last 12 months (the current month: today),
/// worked back from today's tiers (`now`): each tier change after a month's end is undone, and
/// members registered after it are taken out. The changes and the registrations since the
/// first month's end are read once and counted for each month.
fn tier_trend(
    c: &Connection,
    today: NaiveDate,
    now: &HashMap<Tier, i64>,
) -> Result<Vec<TierMonth>> {
    let mut months = Vec::new();
    let mut end = today;
    for _ in 0..12 {
        months.push(end);
        let first = end.with_day(1).expect("day 1 exists");
        end = first - Duration::days(1);
    }
    months.reverse();
    // Stamps are UTC; a month's end is the end of its last day in China (UTC+8).
    let cutoff_of = |end: NaiveDate| {
        crate::clock::stamp(
            (end.succ_opt()
                .expect("a next day")
                .and_time(chrono::NaiveTime::MIN)
                - Duration::hours(8))
            .and_utc(),
        )
    };
    let first = cutoff_of(months[0]);
    let changes: Vec<(String, Tier, Tier)> = c
        .prepare_cached(
            "SELECT h.at, h.from_tier, h.to_tier FROM member_tier_history h
             JOIN member m ON m.id = h.member_id
             WHERE h.at >= ?1 AND m.status = 'active' AND m.merged_into IS NULL",
        )?
        .query_map([&first], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Registered after a cut-off: at their first tier (undone with the changes), so out of it.
    let late: Vec<(String, Tier)> = c
        .prepare_cached(
            "SELECT m.created_at,
                    coalesce((SELECT h.from_tier FROM member_tier_history h
                              WHERE h.member_id = m.id ORDER BY h.at, h.rowid LIMIT 1), m.tier)
             FROM member m
             WHERE m.created_at >= ?1 AND m.status = 'active' AND m.merged_into IS NULL",
        )?
        .query_map([&first], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for end in months {
        let cutoff = cutoff_of(end);
        let mut counts = now.clone();
        for (at, from, to) in &changes {
            if *at >= cutoff {
                *counts.entry(*to).or_default() -= 1;
                *counts.entry(*from).or_default() += 1;
            }
        }
        for (created, tier) in &late {
            if *created >= cutoff {
                *counts.entry(*tier).or_default() -= 1;
            }
        }
        out.push(TierMonth {
            month: format!("{:04}-{:02}", end.year(), end.month()),
            counts: Tier::ALL
                .into_iter()
                .map(|tier| TierMembers {
                    tier,
                    members: counts.get(&tier).copied().unwrap_or(0).max(0) as u32,
                })
                .collect(),
        });
    }
    Ok(out)
}

fn sales(c: &Connection, p: Period) -> Result<SalesFigures> {
    let (total, count, member_total, member_count, buying): (i64, i64, i64, i64, i64) = c
        .prepare_cached(
            "SELECT coalesce(sum(payable_fen), 0), count(*),
                    coalesce(sum(CASE WHEN member_id IS NOT NULL THEN payable_fen END), 0),
                    count(member_id), count(DISTINCT member_id)
             FROM sale WHERE business_date >= ?1 AND business_date <= ?2",
        )?
        .query_row((p.from.to_string(), p.to.to_string()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    Ok(SalesFigures {
        total: Money::from_fen(total),
        count: count as u32,
        member_total: Money::from_fen(member_total),
        member_count: member_count as u32,
        member_share_pct: percent(member_total, total),
        member_ticket: average(member_total, member_count),
        non_member_ticket: average(total - member_total, count - member_count),
        buying_members: buying as u32,
        visits_per_member: ratio1(member_count, buying),
    })
}

fn new_members(c: &Connection, p: Period) -> Result<NewMembers> {
    let (start, _) = crate::business_day::window(c, p.from)?;
    let (_, end) = crate::business_day::window(c, p.to)?;
    let mut st = c.prepare_cached(
        "SELECT created_at, owner_staff_id FROM member
         WHERE created_at >= ?1 AND created_at < ?2 AND status = 'active' AND merged_into IS NULL",
    )?;
    let rows: Vec<(String, StaffId)> = st
        .query_map((&start, &end), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut by_day: std::collections::BTreeMap<NaiveDate, u32> = Default::default();
    let mut by_owner: HashMap<StaffId, u32> = HashMap::new();
    let mut days = crate::business_day::Days::new(c)?;
    for (at, owner) in &rows {
        let day = crate::clock::parse_stamp(at)
            .map(|t| days.of(t))
            .transpose()?
            .unwrap_or(p.from);
        *by_day.entry(day).or_default() += 1;
        *by_owner.entry(*owner).or_default() += 1;
    }
    let mut by_week: std::collections::BTreeMap<NaiveDate, u32> = Default::default();
    let mut by_month: std::collections::BTreeMap<String, u32> = Default::default();
    for (day, n) in &by_day {
        let monday = *day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        *by_week.entry(monday).or_default() += n;
        *by_month
            .entry(format!("{:04}-{:02}", day.year(), day.month()))
            .or_default() += n;
    }
    let mut owners: Vec<OwnerCount> = by_owner
        .into_iter()
        .map(|(staff_id, members)| {
            let name: String = c
                .query_row("SELECT name FROM staff WHERE id = ?1", [staff_id], |r| {
                    r.get(0)
                })
                .unwrap_or_else(|_| "（未知员工）".to_owned());
            OwnerCount {
                staff_id,
                name,
                members,
            }
        })
        .collect();
    owners.sort_by(|a, b| b.members.cmp(&a.members).then(a.name.cmp(&b.name)));
    Ok(NewMembers {
        total: rows.len() as u32,
        by_day: by_day
            .into_iter()
            .map(|(d, members)| DayCount {
                key: d.to_string(),
                members,
            })
            .collect(),
        by_week: by_week
            .into_iter()
            .map(|(d, members)| DayCount {
                key: d.to_string(),
                members,
            })
            .collect(),
        by_month: by_month
            .into_iter()
            .map(|(key, members)| DayCount { key, members })
            .collect(),
        by_owner: owners,
    })
}

fn points(c: &Connection, r: &BusinessRules, today: NaiveDate) -> Result<PointsFigures> {
    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31).expect("31 December exists");
    let (outstanding, expiring) = held::points(c, today)?;
    let value = |p: i64| Money::from_fen(p * 100 / i64::from(r.points_per_yuan.max(1)));
    Ok(PointsFigures {
        outstanding,
        outstanding_value: value(outstanding),
        year_end,
        expiring_year_end: expiring,
        expiring_value: value(expiring),
    })
}

/// The points balance of all active members: every entry's points less those of members who
/// are not active (few, found on `member_not_active`), not a member lookup per entry.
fn points_outstanding(c: &Connection) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT (SELECT coalesce(sum(points), 0) FROM points_entry)
              - (SELECT coalesce(sum(e.points), 0)
                 FROM member m INDEXED BY member_not_active
                 CROSS JOIN points_entry e ON e.member_id = m.id
                 WHERE m.status <> 'active')",
    )?
    .query_row([], |r| r.get(0))?)
}

/// Points left in lots that expire from `today` to `until` (both included), all active members.
fn points_expiring_total(c: &Connection, today: NaiveDate, until: NaiveDate) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT coalesce(sum(left), 0) FROM (
               SELECT e.points - coalesce((SELECT sum(d.points) FROM points_draw d
                                           WHERE d.lot_id = e.id), 0) AS left
               FROM points_entry e
               WHERE e.points > 0 AND e.expires_on >= ?1 AND e.expires_on <= ?2
                 AND e.member_id NOT IN (SELECT id FROM member WHERE status <> 'active'))
             WHERE left > 0",
    )?
    .query_row((today.to_string(), until.to_string()), |r| r.get(0))?)
}

/// Members whose birthday is `day` (29 February counted on 28 February in other years); with
/// `whole_month`, every member born in `day`'s month.
fn birthday_ids(c: &Connection, day: NaiveDate, whole_month: bool) -> Result<Vec<MemberId>> {
    let mut st = c.prepare_cached(
        "SELECT id, birthday FROM member INDEXED BY member_birth_month
         WHERE birth_month = ?1 AND status = 'active' AND merged_into IS NULL",
    )?;
    let rows = st.query_map([day.month()], |r| {
        Ok((r.get::<_, MemberId>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut ids = Vec::new();
    for row in rows {
        let (id, birthday) = row?;
        let Ok(b) = NaiveDate::parse_from_str(&birthday, "%Y-%m-%d") else {
            continue;
        };
        if whole_month || birthday_in(b, day.year()) == day {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Which members a drill-down (or a care list) lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MemberSet {
    /// Every active member.
    All,
    /// Members with a points balance above 0.
    PointsHolders,
    Class {
        class: MemberClass,
    },
    Tier {
        tier: Tier,
    },
    Dormant,
    Slipping,
    BirthdaysTomorrow,
    BirthdaysThisMonth,
    /// Members with points in lots that expire within `days` days (today included).
    PointsExpiring {
        days: u32,
    },
    /// Members registered in the period, optionally only those `owner` owns.
    NewMembers {
        period: Period,
        owner: Option<StaffId>,
    },
    /// Members who bought at this store in the period.
    Buyers {
        period: Period,
    },
    Age {
        band: AgeBand,
    },
    Gender {
        gender: Gender,
    },
    /// The members a staff member owns (the owner's worklist).
    OwnedBy {
        owner: StaffId,
    },
}

impl MemberSet {
    /// What the list is called (screen title, export file name).
    pub fn title(&self) -> String {
        match self {
            MemberSet::All => "全部会员".into(),
            MemberSet::PointsHolders => "有积分余额的会员".into(),
            MemberSet::Class { class } => format!("{}会员", class.label()),
            MemberSet::Tier { tier } => format!("{}会员", tier.label()),
            MemberSet::Dormant => "沉睡会员".into(),
            MemberSet::Slipping => "消费下滑会员".into(),
            MemberSet::BirthdaysTomorrow => "明日生日会员".into(),
            MemberSet::BirthdaysThisMonth => "本月生日会员".into(),
            MemberSet::PointsExpiring { days } => format!("{days} 天内积分到期会员"),
            MemberSet::NewMembers { period, .. } => {
                format!("新会员 {} 至 {}", period.from, period.to)
            }
            MemberSet::Buyers { period } => format!("消费会员 {} 至 {}", period.from, period.to),
            MemberSet::Age { .. } => "年龄段会员".into(),
            MemberSet::Gender { .. } => "性别会员".into(),
            MemberSet::OwnedBy { .. } => "我的会员".into(),
        }
    }
}

/// The ids of the members in `set`, in the list's order (classes by spend, the rest by spend
/// then registration).
pub fn member_ids(c: &Connection, today: NaiveDate, set: &MemberSet) -> Result<Vec<MemberId>> {
    let r = rules::get(c)?;
    let w = Windows::of(&r, today);
    let by_spend = |keep: &dyn Fn(&Facts, MemberClass) -> bool| -> Result<Vec<MemberId>> {
        let s = held::standing(c, &w)?;
        let classify = Classifier::of(&s.cut, &w);
        let mut picked: Vec<&Facts> = s
            .facts
            .iter()
            .filter(|f| keep(f, classify.class(f.spend_fen, f.last_purchase)))
            .collect();
        picked.sort_unstable_by(|a, b| b.spend_fen.cmp(&a.spend_fen).then(a.id.cmp(&b.id)));
        Ok(picked.into_iter().map(|f| f.id).collect())
    };
    let simple = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> Result<Vec<MemberId>> {
        let mut st = c.prepare_cached(sql)?;
        let ids = st
            .query_map(params, |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<MemberId>>>()?;
        Ok(ids)
    };
    match set {
        MemberSet::All => simple(
            "SELECT id FROM member WHERE status = 'active' AND merged_into IS NULL
             ORDER BY created_at, id",
            &[],
        ),
        MemberSet::PointsHolders => simple(
            "SELECT e.member_id FROM points_entry e JOIN member m ON m.id = e.member_id
             WHERE m.status = 'active' AND m.merged_into IS NULL
             GROUP BY e.member_id HAVING sum(e.points) > 0
             ORDER BY sum(e.points) DESC, e.member_id",
            &[],
        ),
        MemberSet::Class {
            class: MemberClass::Zero,
        } => {
            let s = held::standing(c, &w)?;
            Ok(simple(
                "SELECT id FROM member WHERE status = 'active' AND merged_into IS NULL
                 ORDER BY created_at, id",
                &[],
            )?
            .into_iter()
            .filter(|id| s.get(*id).is_none_or(|f| f.spend_fen <= 0))
            .collect())
        }
        MemberSet::Class { class } => by_spend(&|_, k| k == *class),
        MemberSet::Dormant => by_spend(&|f, _| w.dormant(f.last_purchase)),
        MemberSet::Slipping => by_spend(&|f, _| w.slipping(f)),
        MemberSet::Tier { tier } => simple(
            "SELECT id FROM member WHERE tier = ?1 AND status = 'active' AND merged_into IS NULL
             ORDER BY created_at, id",
            &[tier],
        ),
        MemberSet::BirthdaysTomorrow => birthday_ids(c, today + Duration::days(1), false),
        MemberSet::BirthdaysThisMonth => birthday_ids(c, today, true),
        MemberSet::PointsExpiring { days } => {
            let until = today + Duration::days(i64::from(*days));
            simple(
                "SELECT e.member_id FROM points_entry e JOIN member m ON m.id = e.member_id
                 WHERE e.points > 0 AND e.expires_on >= ?1 AND e.expires_on <= ?2
                   AND m.status = 'active' AND m.merged_into IS NULL
                   AND e.points > coalesce((SELECT sum(d.points) FROM points_draw d
                                            WHERE d.lot_id = e.id), 0)
                 GROUP BY e.member_id ORDER BY e.member_id",
                &[&today.to_string(), &until.to_string()],
            )
        }
        MemberSet::NewMembers { period, owner } => {
            let period = period.checked()?;
            let (start, _) = crate::business_day::window(c, period.from)?;
            let (_, end) = crate::business_day::window(c, period.to)?;
            simple(
                "SELECT id FROM member
                 WHERE created_at >= ?1 AND created_at < ?2 AND status = 'active'
                   AND merged_into IS NULL AND (?3 IS NULL OR owner_staff_id = ?3)
                 ORDER BY created_at, id",
                &[&start, &end, owner],
            )
        }
        MemberSet::Buyers { period } => {
            let period = period.checked()?;
            simple(
                "SELECT s.member_id FROM sale s JOIN member m ON m.id = s.member_id
                 WHERE s.business_date >= ?1 AND s.business_date <= ?2
                   AND m.status = 'active' AND m.merged_into IS NULL
                 GROUP BY s.member_id ORDER BY sum(s.payable_fen) DESC, s.member_id",
                &[&period.from.to_string(), &period.to.to_string()],
            )
        }
        MemberSet::Age { band } => {
            let mut st = c.prepare_cached(
                "SELECT id, birthday FROM member WHERE status = 'active' AND merged_into IS NULL
                 ORDER BY created_at, id",
            )?;
            let rows = st.query_map([], |r| {
                Ok((r.get::<_, MemberId>(0)?, r.get::<_, Option<String>>(1)?))
            })?;
            let mut ids = Vec::new();
            for row in rows {
                let (id, birthday) = row?;
                if band_of(birthday.as_deref(), today) == *band {
                    ids.push(id);
                }
            }
            Ok(ids)
        }
        MemberSet::Gender { gender } => simple(
            "SELECT id FROM member WHERE gender = ?1 AND status = 'active' AND merged_into IS NULL
             ORDER BY created_at, id",
            &[&gender.as_str()],
        ),
        MemberSet::OwnedBy { owner } => simple(
            "SELECT id FROM member
             WHERE owner_staff_id = ?1 AND status = 'active' AND merged_into IS NULL
             ORDER BY created_at, id",
            &[owner],
        ),
    }
}

/// One member in a list: what a member manager reads (phones masked; whole numbers only in a
/// care list's call-list export, and only for members who consented to contact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ListedMember {
    pub id: MemberId,
    pub card_masked: String,
    pub name: String,
    pub phone_masked: String,
    pub gender: Gender,
    pub age: Option<u32>,
    pub birthday: Option<String>,
    pub tier: Tier,
    pub class: MemberClass,
    /// Net spend over the last 12 months.
    pub spend_12m: Money,
    pub last_purchase: Option<String>,
    #[ts(type = "number")]
    pub points: i64,
    /// Points that expire by the end of this year.
    #[ts(type = "number")]
    pub points_expiring: i64,
    pub owner_name: String,
    pub registered_on: String,
    pub contact_consent: bool,
}

/// A page of a member list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberListPage {
    pub title: String,
    pub rows: Vec<ListedMember>,
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
}

/// The most rows a page holds.
pub const MAX_PAGE_SIZE: u32 = 200;

/// A page of `set` (page 0 first).
pub fn list_page(
    c: &Connection,
    today: NaiveDate,
    set: &MemberSet,
    page: u32,
    page_size: u32,
) -> Result<MemberListPage> {
    let size = page_size.clamp(1, MAX_PAGE_SIZE);
    let ids = member_ids(c, today, set)?;
    let start = (page as usize).saturating_mul(size as usize).min(ids.len());
    let end = (start + size as usize).min(ids.len());
    let (cut, w) = class_context(c, today)?;
    let rows = ids[start..end]
        .iter()
        .map(|id| listed(c, &w, &cut, *id))
        .collect::<Result<Vec<_>>>()?;
    Ok(MemberListPage {
        title: set.title(),
        rows,
        total: ids.len() as u32,
        page,
        page_size: size,
    })
}

/// Every member of `set` (exports).
pub fn list_all(c: &Connection, today: NaiveDate, set: &MemberSet) -> Result<Vec<ListedMember>> {
    listed_many(c, today, &member_ids(c, today, set)?)
}

/// The list rows of `ids`, in that order.
pub fn listed_many(
    c: &Connection,
    today: NaiveDate,
    ids: &[MemberId],
) -> Result<Vec<ListedMember>> {
    let (cut, w) = class_context(c, today)?;
    ids.iter().map(|id| listed(c, &w, &cut, *id)).collect()
}

/// The cut-offs and windows every listed row is classified by: the same facts as the figures
/// (active members only), so a row's class always agrees with the list it is on.
fn class_context(c: &Connection, today: NaiveDate) -> Result<(Cutoffs, Windows)> {
    let w = Windows::of(&rules::get(c)?, today);
    Ok((held::standing(c, &w)?.cut, w))
}

fn listed(c: &Connection, w: &Windows, cut: &Cutoffs, id: MemberId) -> Result<ListedMember> {
    let (card_no, name, phone_no, gender, birthday, tier, owner, created): (
        String,
        String,
        String,
        String,
        Option<String>,
        Tier,
        String,
        String,
    ) = c
        .prepare_cached(
            "SELECT m.card_no, m.name, m.phone, m.gender, m.birthday, m.tier,
                    coalesce((SELECT name FROM staff WHERE id = m.owner_staff_id), ''), m.created_at
             FROM member m WHERE m.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?;
    let (spend, last): (i64, Option<String>) = c
        .prepare_cached(
            "SELECT coalesce(sum(CASE WHEN business_date >= ?2 THEN net_fen END), 0),
                    max(CASE WHEN net_fen > 0 THEN business_date END)
             FROM member_spend
             WHERE member_id IN (SELECT ?1 UNION ALL SELECT id FROM member WHERE merged_into = ?1)
               AND business_date <= ?3",
        )?
        .query_row((id, w.year_start().to_string(), w.today.to_string()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let last_date = last
        .as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let (points, expiring) = crate::member::points::standing(c, id, w.today)?;
    let birth = birthday
        .as_deref()
        .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok());
    let registered_on = crate::clock::parse_stamp(&created)
        .map(|t| crate::business_day::of(c, t))
        .transpose()?
        .map(|d| d.to_string())
        .unwrap_or_default();
    Ok(ListedMember {
        id,
        card_masked: card::mask(&card_no),
        name,
        phone_masked: phone::mask(&phone_no),
        gender: Gender::parse(&gender),
        age: birth.and_then(|b| age_on(b, w.today)),
        birthday,
        tier,
        class: cut.class(w, spend, last_date),
        spend_12m: Money::from_fen(spend),
        last_purchase: last,
        points,
        points_expiring: expiring,
        owner_name: owner,
        registered_on,
        contact_consent: crate::member::consent::granted(
            c,
            id,
            crate::member::consent::ConsentScope::Contact,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_is_the_top_five_percent_and_b_the_next_fifteen_rounded_up() {
        // 40 spenders: A = 2, B = 6 more.
        let spends: Vec<i64> = (1..=40).map(|i| i * 100).collect();
        let cut = cutoffs(&spends);
        assert_eq!(cut.a_from, Some(Money::from_fen(3900)));
        assert_eq!(cut.b_from, Some(Money::from_fen(3300)));
        assert_eq!(cut.spenders, 40);
    }

    #[test]
    fn fewer_than_twenty_spenders_still_have_one_a_member() {
        let cut = cutoffs(&[500, 300, 0, -20, 100]);
        assert_eq!(cut.spenders, 3);
        assert_eq!(cut.a_from, Some(Money::from_fen(500)));
        // 20 % of 3 rounded up is 1: B is empty (its cut-off is A's).
        assert_eq!(cut.b_from, Some(Money::from_fen(500)));
        assert_eq!(cutoffs(&[]).a_from, None);
    }

    #[test]
    fn ages_and_leap_day_birthdays() {
        assert_eq!(age_on(d("1956-03-01"), d("2026-02-28")), Some(69));
        assert_eq!(age_on(d("1956-03-01"), d("2026-03-01")), Some(70));
        assert_eq!(age_on(d("2030-01-01"), d("2026-03-01")), None);
        assert_eq!(birthday_in(d("2000-02-29"), 2026), d("2026-02-28"));
        assert_eq!(birthday_in(d("2000-02-29"), 2028), d("2028-02-29"));
        assert_eq!(AgeBand::of(Some(65)), AgeBand::Elderly);
        assert_eq!(AgeBand::of(Some(11)), AgeBand::Under12);
        assert_eq!(AgeBand::of(Some(12)), AgeBand::Teen);
    }

    #[test]
    fn percent_and_averages_round_half_up() {
        assert_eq!(percent(1, 8), "12.5");
        assert_eq!(percent(2, 3), "66.7");
        assert_eq!(percent(5, 0), "0.0");
        assert_eq!(average(1001, 2), Money::from_fen(501));
        assert_eq!(ratio1(5, 4), "1.3");
    }
}
