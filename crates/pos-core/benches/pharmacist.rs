//! The pharmacist's workbench on a store with 1 000 000 members and a year of sales (issue 11):
//! the follow-up worklist (`follow_up::worklist`, as the workbench opens it, and filtered by
//! owner and by member) and the two registers (`registers::search_prescriptions` and
//! `search_ephedrine`, over a month and over the year, with no filter and by each criterion),
//! each beside a floor: the same rows fetched by plain SQL on the same connection.
//! Run: `cargo bench -p pos-core --bench pharmacist`. The first run builds the store file under
//! target/tmp/bench-data and later runs reuse it: 12 minutes on the busy 2-core machine with the
//! members bench's file present, plus about 15 for the members when it is not. The counts differ
//! a little from one build to the next (which tasks are left undone follows the order of task
//! ids, whose random part differs); `main` prints them, and checks that every floor fetches as
//! many rows as the call beside it.
//!
//! How the store is made, all of it through the real code paths except the first two steps:
//! - 1 000 000 members: the members bench's file copied when it is ready, else generated the
//!   same way (`member::generate::populate`, rows written directly as that generator does);
//!   their owner (`member.owner_staff_id`) spread over the three demo staff by a direct UPDATE
//!   (the generator gives every member to one staff member, which would make the owner filter a
//!   no-op).
//! - Health consent for one member in five (chosen by a seeded generator), granted through
//!   `member::consent::record` (an event and its outbox entry each) before the first sale day.
//! - 365 days, each: 300 counter sales (`sale::generate::populate`: 1–4 lines of the non-Rx,
//!   non-ephedrine catalog, which includes the follow-up and days-of-supply products; 60 % to one
//!   of 20 000 sampled members, so about a fifth of member sales are to consenting members);
//!   30 prescription sales (`cart::open`, `cart::add` of 1–2 Rx products and sometimes an OTC
//!   line, half to a sampled member, `cart::set_prescription` with a hospital, a doctor out of 60
//!   and a diagnosis, `registers::set_patient`, `cart::approve_rx` by the pharmacist,
//!   `sale::pay`); 10 ephedrine sales (`cart::add` of 1–2 packs, `cart::set_ephedrine_buyer` with
//!   one of 2 500 buyers and a valid ID number, `sale::pay`). Every sale goes through
//!   `sale::pay`, so rule 12 (`follow_up::schedule_sale`) makes the tasks.
//! - The pharmacist's day, after that day's sales: every open task due that day is opened
//!   (`follow_up::open`) and 95 % of them completed (`follow_up::complete`, which schedules the
//!   next visit on the default date); the other 5 % are left and stay overdue.
//! - `ANALYZE`. "Today" is 2026-11-23, the day after the last sales day, before any work.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use divan::Bencher;
use pos_core::cart::{self, PrescriptionInput};
use pos_core::clock::{Clock, FixedClock};
use pos_core::db::{Store, Tx};
use pos_core::ids::{FollowUpId, MemberId, ProductId, StaffId};
use pos_core::member::consent::{self, ConsentScope};
use pos_core::pharmacy::follow_up::{
    self, Adherence, Advice, Channel, Effect, OutcomeInput, WorklistFilter, GROUP_LIMIT,
    UPCOMING_DAYS,
};
use pos_core::pharmacy::registers::{self, EphedrineFilter, PrescriptionFilter, RxPatient, Sex};
use pos_core::sale::generate;

mod common;

const DAYS: i64 = 365;
const SALES_PER_DAY: u32 = 300;
const RX_PER_DAY: u32 = 30;
const EPHEDRINE_PER_DAY: u32 = 10;
/// One member in this many has given health consent.
const HEALTH_CONSENT_ONE_IN: u64 = 5;
/// Tasks due on a day the pharmacist leaves undone, in percent.
const LEFT_UNDONE_PCT: u64 = 5;
const NOW: &str = "2026-11-23T02:00:00Z";
const FILE: &str = "pharmacist-1m-members-1y-v2";

/// SplitMix64, as the generators use (theirs is private to the crate).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红", "建", "国", "文", "辉",
];
const HOSPITALS: &[&str] = &[
    "浦东新区人民医院",
    "上海市第一人民医院",
    "仁济医院（东院）",
    "上海市东方医院",
    "上海市第七人民医院",
    "浦东新区公利医院",
    "曙光医院（东院）",
    "张江社区卫生服务中心",
    "洋泾社区卫生服务中心",
    "花木社区卫生服务中心",
];
const DIAGNOSES: &[&str] = &[
    "高血压",
    "2型糖尿病",
    "高脂血症",
    "冠心病",
    "急性上呼吸道感染",
    "急性支气管炎",
    "支气管哮喘",
    "慢性胃炎",
    "过敏性鼻炎",
    "尿路感染",
    "失眠",
    "骨关节炎",
];
const REGIONS: &[&str] = &[
    "310115", "310104", "310110", "110105", "320102", "330106", "340104", "440305", "510107",
];

fn name(rng: &mut Mix) -> String {
    format!(
        "{}{}{}",
        rng.pick(SURNAMES),
        rng.pick(GIVEN),
        if rng.below(3) == 0 {
            ""
        } else {
            rng.pick(GIVEN)
        }
    )
}

/// A valid resident ID number born between 1950 and 2005.
fn id_number(rng: &mut Mix) -> String {
    let born =
        NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + Duration::days(rng.below(365 * 55) as i64);
    let first17 = format!(
        "{}{}{:03}",
        rng.pick(REGIONS),
        born.format("%Y%m%d"),
        rng.below(1000)
    );
    let check = pos_core::id_card::check_char(&first17).unwrap();
    format!("{first17}{check}")
}

struct Fixture {
    store: Store,
    today: NaiveDate,
    pharmacist: StaffId,
    /// A member with open tasks (the most of any).
    member_with_tasks: MemberId,
    /// Search terms taken from the data (printed by `main`).
    member_name_part: String,
    member_phone: String,
    doctor: String,
    buyer_name_part: String,
    id_last4: String,
}

const DRUG: &str = "二甲双胍";

fn day_start(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
        let path = dir.join(format!("{FILE}.sqlite"));
        let ready = dir.join(format!("{FILE}.ready"));
        let clock = Arc::new(FixedClock::at(NOW));
        if !ready.exists() {
            build(&dir, &path, &clock);
            std::fs::write(&ready, b"ok").unwrap();
        }
        clock.set(chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc());
        let store = Store::open(&path, clock).unwrap();
        let pharmacist = staff_no(&store, "2001");
        let today = store.clock().today();
        let q = |sql: &str| -> String {
            store
                .read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
                .unwrap()
        };
        let member_with_tasks: MemberId = store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT member_id FROM follow_up_task WHERE status = 'open'
                     GROUP BY member_id ORDER BY count(*) DESC, member_id LIMIT 1",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        // The newest member prescription: its member's phone and the first two characters of
        // the member's name; the newest prescription's doctor; the newest register line's buyer.
        let newest_member_rx = "FROM prescription p JOIN sale s ON s.id = p.sale_id
             JOIN member m ON m.id = s.member_id ORDER BY s.at DESC LIMIT 1";
        let member_phone = q(&format!("SELECT m.phone {newest_member_rx}"));
        let member_name_part = q(&format!("SELECT substr(m.name, 1, 2) {newest_member_rx}"));
        let doctor = q(
            "SELECT p.doctor FROM prescription p JOIN sale s ON s.id = p.sale_id
                        ORDER BY s.at DESC LIMIT 1",
        );
        let buyer_name_part =
            q("SELECT substr(buyer_name, 1, 2) FROM ephedrine_register ORDER BY at DESC LIMIT 1");
        let id_last4 =
            q("SELECT substr(id_number, 15) FROM ephedrine_register ORDER BY at DESC LIMIT 1");
        Fixture {
            store,
            today,
            pharmacist,
            member_with_tasks,
            member_name_part,
            member_phone,
            doctor,
            buyer_name_part,
            id_last4,
        }
    })
}

fn staff_no(store: &Store, no: &str) -> StaffId {
    store
        .read(pos_core::staff::list)
        .unwrap()
        .into_iter()
        .find(|s| s.staff_no == no)
        .unwrap()
        .id
}

fn products(store: &Store, filter: &str) -> Vec<ProductId> {
    store
        .read(|c| {
            let mut st = c.prepare(&format!(
                "SELECT id FROM product WHERE {filter} ORDER BY barcode"
            ))?;
            let ids = st
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ids)
        })
        .unwrap()
}

fn build(dir: &std::path::Path, path: &std::path::Path, clock: &Arc<FixedClock>) {
    let started = Instant::now();
    let (store, cashier) = common::members_store(dir, path, clock.clone());
    let pharmacist = staff_no(&store, "2001");
    let staff: Vec<StaffId> = store
        .read(pos_core::staff::list)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let today = store.clock().today();
    let first_day = today - Duration::days(DAYS);
    eprintln!("members ready ({:?})", started.elapsed());

    // Owners spread over the staff, as if each had registered a third of the members.
    store
        .write(|tx| {
            tx.execute(
                "UPDATE member SET owner_staff_id = CASE rowid % 3 WHEN 0 THEN ?1 WHEN 1 THEN ?2 ELSE ?3 END",
                (staff[0], staff[1], staff[2]),
            )?;
            Ok(())
        })
        .unwrap();
    eprintln!("owners spread ({:?})", started.elapsed());

    // Health consent for one member in five, before the first sales day.
    clock.set(day_start(first_day) - Duration::hours(2));
    let all: Vec<MemberId> = store
        .read(|c| {
            let mut st = c.prepare("SELECT id FROM member ORDER BY rowid")?;
            let ids = st
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ids)
        })
        .unwrap();
    let mut rng = Mix(42);
    let consenting: Vec<MemberId> = all
        .into_iter()
        .filter(|_| rng.below(HEALTH_CONSENT_ONE_IN) == 0)
        .collect();
    for (n, chunk) in consenting.chunks(20_000).enumerate() {
        store
            .write(|tx| {
                for m in chunk {
                    consent::record(
                        tx,
                        *m,
                        ConsentScope::Health,
                        true,
                        consent::CURRENT_NOTICE,
                        cashier,
                    )?;
                }
                Ok(())
            })
            .unwrap();
        eprintln!(
            "health consent: {} members ({:?})",
            n * 20_000 + chunk.len(),
            started.elapsed()
        );
    }
    drop(consenting);

    let shoppers = common::sample_members(&store, 20_000);
    let plain = generate::plain_products(&store).unwrap();
    let rx = products(&store, "rx = 1 AND ephedrine = 0");
    let ephedrine = products(&store, "ephedrine = 1 AND rx = 0");
    let mut rng = Mix(7);
    let doctors: Vec<String> = (0..60).map(|_| name(&mut rng)).collect();
    let buyers: Vec<(String, String)> = (0..2_500)
        .map(|_| (name(&mut rng), id_number(&mut rng)))
        .collect();

    let mut completed = 0u64;
    let mut left = 0u64;
    for d in 0..DAYS {
        let day = first_day + Duration::days(d);
        // The counter's day: 300 sales through the generator (it writes the day before the
        // clock's day), then the prescription and ephedrine sales.
        clock.set(day_start(day + Duration::days(1)) + Duration::hours(2));
        generate::populate(
            &store,
            clock,
            1,
            SALES_PER_DAY,
            1_000 + d as u64,
            cashier,
            &shoppers,
            &plain,
        )
        .unwrap();
        store
            .write(|tx| {
                let gated = RX_PER_DAY + EPHEDRINE_PER_DAY;
                let step = Duration::seconds(12 * 3600 / i64::from(gated));
                for i in 0..gated {
                    clock.set(day_start(day) + Duration::minutes(7) + step * i as i32);
                    if i % 4 == 3 {
                        ephedrine_sale(tx, &mut rng, cashier, &ephedrine, &plain, &buyers)?;
                    } else {
                        rx_sale(
                            tx, &mut rng, cashier, pharmacist, &rx, &plain, &shoppers, &doctors,
                        )?;
                    }
                }
                Ok(())
            })
            .unwrap();
        // The pharmacist's afternoon: the tasks due today.
        clock.set(day_start(day) + Duration::hours(6) + Duration::minutes(30));
        store
            .write(|tx| {
                let due: Vec<FollowUpId> = tx
                    .prepare(
                        "SELECT id FROM follow_up_task WHERE status = 'open' AND due_on = ?1
                         ORDER BY id",
                    )?
                    .query_map([day.to_string()], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for id in due {
                    if rng.below(100) < LEFT_UNDONE_PCT {
                        left += 1;
                        continue;
                    }
                    clock.set(clock.now() + Duration::seconds(90));
                    work_task(tx, &mut rng, pharmacist, id)?;
                    completed += 1;
                }
                Ok(())
            })
            .unwrap();
        if (d + 1) % 30 == 0 || d + 1 == DAYS {
            eprintln!(
                "day {} ({day}): {completed} tasks completed, {left} left undone ({:?})",
                d + 1,
                started.elapsed()
            );
        }
    }
    clock.set(chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc());
    let t = Instant::now();
    store.read(|c| Ok(c.execute_batch("ANALYZE")?)).unwrap();
    eprintln!(
        "ANALYZE {:?}; store built in {:?}",
        t.elapsed(),
        started.elapsed()
    );
}

fn pay(
    tx: &Tx<'_>,
    rng: &mut Mix,
    cart: pos_core::ids::SaleId,
    by: StaffId,
) -> pos_core::Result<()> {
    pos_core::sale::generate::pay_in_one_tender(tx, cart, rng.below(3), by)
}

#[allow(clippy::too_many_arguments)]
fn rx_sale(
    tx: &Tx<'_>,
    rng: &mut Mix,
    cashier: StaffId,
    pharmacist: StaffId,
    rx: &[ProductId],
    plain: &[ProductId],
    shoppers: &[MemberId],
    doctors: &[String],
) -> pos_core::Result<()> {
    let today = tx.clock.today();
    let c = cart::open(tx, cashier)?;
    for _ in 0..1 + rng.below(2) {
        let p = pos_core::catalog::by_id(tx, *rng.pick(rx))?;
        cart::add(tx, c.id, &p, 1 + rng.below(2) as u32, cashier)?;
    }
    if rng.below(4) == 0 {
        let p = pos_core::catalog::by_id(tx, *rng.pick(plain))?;
        cart::add(tx, c.id, &p, 1, cashier)?;
    }
    let member = (rng.below(2) == 0).then(|| *rng.pick(shoppers));
    if let Some(m) = member {
        cart::set_member(tx, c.id, Some(m))?;
    }
    let diagnosis = *rng.pick(DIAGNOSES);
    cart::set_prescription(
        tx,
        c.id,
        PrescriptionInput {
            hospital: (*rng.pick(HOSPITALS)).to_owned(),
            doctor: rng.pick(doctors).clone(),
            prescribed_on: (today - Duration::days(rng.below(3) as i64)).to_string(),
            diagnosis: diagnosis.to_owned(),
            image_path: None,
        },
        cashier,
    )?;
    // The patient: the member themself mostly, else a relative or a walk-in customer.
    let own: Option<(String, String, Option<String>)> = match member {
        Some(m) if rng.below(5) != 0 => Some(tx.query_row(
            "SELECT name, gender, birthday FROM member WHERE id = ?1",
            [m],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?),
        _ => None,
    };
    let patient = match own {
        Some((n, gender, birthday)) => RxPatient {
            name: n,
            sex: if gender == "male" {
                Sex::Male
            } else {
                Sex::Female
            },
            age: birthday
                .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok())
                .map_or(40, |b| follow_up::age_on(b, today)),
        },
        None => RxPatient {
            name: name(rng),
            sex: if rng.below(2) == 0 {
                Sex::Male
            } else {
                Sex::Female
            },
            age: rng.below(90) as u32,
        },
    };
    registers::set_patient(tx, c.id, &patient)?;
    cart::approve_rx(tx, c.id, pharmacist)?;
    pay(tx, rng, c.id, cashier)
}

fn ephedrine_sale(
    tx: &Tx<'_>,
    rng: &mut Mix,
    cashier: StaffId,
    ephedrine: &[ProductId],
    plain: &[ProductId],
    buyers: &[(String, String)],
) -> pos_core::Result<()> {
    let c = cart::open(tx, cashier)?;
    if rng.below(10) == 0 {
        for _ in 0..2 {
            let p = pos_core::catalog::by_id(tx, *rng.pick(ephedrine))?;
            cart::add(tx, c.id, &p, 1, cashier)?;
        }
    } else {
        let p = pos_core::catalog::by_id(tx, *rng.pick(ephedrine))?;
        cart::add(tx, c.id, &p, 1 + rng.below(2) as u32, cashier)?;
    }
    if rng.below(3) == 0 {
        let p = pos_core::catalog::by_id(tx, *rng.pick(plain))?;
        cart::add(tx, c.id, &p, 1, cashier)?;
    }
    let (buyer, number) = rng.pick(buyers);
    cart::set_ephedrine_buyer(tx, c.id, buyer, number, cashier)?;
    pay(tx, rng, c.id, cashier)
}

/// Opens a task as the workbench does and records an outcome, the next visit on the default
/// date (a tenth of the series are ended early with "stop").
fn work_task(tx: &Tx<'_>, rng: &mut Mix, by: StaffId, id: FollowUpId) -> pos_core::Result<()> {
    let detail = follow_up::open(tx, by, id)?;
    let stop = rng.below(10) == 0;
    let outcome = OutcomeInput {
        channel: match rng.below(20) {
            0 => Channel::Visit,
            1..=5 => Channel::Wechat,
            _ => Channel::Phone,
        },
        effect: match rng.below(10) {
            0 => Effect::Unknown,
            1 | 2 => Effect::Partial,
            3 => Effect::None,
            _ => Effect::Good,
        },
        adverse_reactions: if rng.below(50) == 0 {
            "轻微头晕".to_owned()
        } else {
            String::new()
        },
        adherence: match rng.below(10) {
            0 => Adherence::Poor,
            1 | 2 => Adherence::Partial,
            _ => Adherence::Good,
        },
        advice: if stop {
            Advice::Stop
        } else if rng.below(20) == 0 {
            Advice::SeeDoctor
        } else {
            Advice::Continue
        },
        note: String::new(),
        next_due_on: if stop {
            None
        } else {
            detail.default_next_due_on
        },
    };
    follow_up::complete(tx, by, id, &outcome)?;
    Ok(())
}

fn main() {
    let f = fixture();
    let n = |sql: &str| -> i64 {
        f.store
            .read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    };
    let today = f.today.to_string();
    let horizon = (f.today + Duration::days(i64::from(UPCOMING_DAYS))).to_string();
    eprintln!(
        "store: {} members ({} with health consent), {} sales, {} prescriptions, {} ephedrine register lines in {} sales",
        n("SELECT count(*) FROM member"),
        n("SELECT count(DISTINCT member_id) FROM consent_event WHERE scope = 'health'"),
        n("SELECT count(*) FROM sale"),
        n("SELECT count(*) FROM prescription"),
        n("SELECT count(*) FROM ephedrine_register"),
        n("SELECT count(DISTINCT sale_id) FROM ephedrine_register"),
    );
    eprintln!(
        "tasks: {} ({} visits, {} refill reminders): {} done, {} closed (refilled/returned), {} open: {} overdue, {} due today ({today}), {} upcoming to {horizon}, {} later",
        n("SELECT count(*) FROM follow_up_task"),
        n("SELECT count(*) FROM follow_up_task WHERE kind = 'visit'"),
        n("SELECT count(*) FROM follow_up_task WHERE kind = 'refill'"),
        n("SELECT count(*) FROM follow_up_task WHERE status = 'done'"),
        n("SELECT count(*) FROM follow_up_task WHERE status = 'closed'"),
        n("SELECT count(*) FROM follow_up_task WHERE status = 'open'"),
        n(&format!("SELECT count(*) FROM follow_up_task WHERE status = 'open' AND due_on < '{today}'")),
        n(&format!("SELECT count(*) FROM follow_up_task WHERE status = 'open' AND due_on = '{today}'")),
        n(&format!("SELECT count(*) FROM follow_up_task WHERE status = 'open' AND due_on > '{today}' AND due_on <= '{horizon}'")),
        n(&format!("SELECT count(*) FROM follow_up_task WHERE status = 'open' AND due_on > '{horizon}'")),
    );
    eprintln!(
        "store file: {:.2} GB; search terms: member {:?} / phone {}, drug {DRUG:?}, doctor {:?}, buyer {:?}, ID last 4 {:?}; member with the most open tasks: {}",
        std::fs::metadata(f.store.path()).unwrap().len() as f64 / 1e9,
        f.member_name_part,
        pos_core::member::phone::mask(&f.member_phone),
        f.doctor,
        f.buyer_name_part,
        f.id_last4,
        f.member_with_tasks,
    );
    // What each call returns, and a check that each floor fetches the same rows.
    for view in WORKLIST {
        let w = worklist_of(f, view);
        let floor = worklist_floor_of(f, view);
        let shown = w.overdue.len() + w.due_today.len() + w.upcoming.len();
        eprintln!(
            "worklist {view}: {} overdue, {} due today, {} upcoming ({shown} rows); floor {} rows, counts {:?}",
            w.counts.overdue, w.counts.due_today, w.counts.upcoming, floor.0, floor.1
        );
        assert_eq!(shown, floor.0);
        assert_eq!(
            (w.counts.overdue, w.counts.due_today, w.counts.upcoming),
            floor.1
        );
    }
    for period in PERIODS {
        for filter in RX_FILTERS {
            let p = prescriptions_of(f, period, filter);
            let floor = prescriptions_floor_of(f, period, filter);
            eprintln!(
                "prescriptions {period} {filter}: {} of {}; floor {} of {}",
                p.rows.len(),
                p.total,
                floor.0,
                floor.1
            );
            assert_eq!((p.rows.len(), i64::from(p.total)), floor);
        }
        for filter in EPHEDRINE_FILTERS {
            let p = ephedrine_of(f, period, filter);
            let floor = ephedrine_floor_of(f, period, filter);
            eprintln!(
                "ephedrine {period} {filter}: {} of {}; floor {} of {}",
                p.rows.len(),
                p.total,
                floor.0,
                floor.1
            );
            assert_eq!((p.rows.len(), i64::from(p.total)), floor);
        }
    }
    eprintln!("load average before: {}", load_average());
    divan::main();
    eprintln!("load average after: {}", load_average());
}

/// The 1, 5 and 15-minute load averages (the machine is shared).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The worklist

const WORKLIST: [&str; 3] = ["default", "owner", "member"];

fn filter_of(f: &Fixture, view: &str) -> WorklistFilter {
    match view {
        "owner" => WorklistFilter {
            owner: Some(f.pharmacist),
            ..Default::default()
        },
        "member" => WorklistFilter {
            member_id: Some(f.member_with_tasks),
            ..Default::default()
        },
        _ => WorklistFilter::default(),
    }
}

/// As `follow_up_list` runs it: the business day, then the worklist, on the store's connection.
fn worklist_of(f: &Fixture, view: &str) -> follow_up::Worklist {
    let filter = filter_of(f, view);
    f.store
        .read(|c| {
            let today = pos_core::business_day::of(c, f.store.clock().now())?;
            follow_up::worklist(c, today, &filter)
        })
        .unwrap()
}

/// The floor: the open tasks of the three groups (up to `GROUP_LIMIT` each, by due date) and
/// their counts by plain SQL, the task columns only (no member name, owner name, sale date, no
/// consent check): one pass over the open tasks to the horizon in due order, each counted in
/// its group and kept while the group has room. Rows fetched and the three counts.
fn worklist_floor_of(f: &Fixture, view: &str) -> (usize, (i64, i64, i64)) {
    let today = f.today.to_string();
    let horizon = (f.today + Duration::days(i64::from(UPCOMING_DAYS))).to_string();
    let (from, cond, arg): (&str, &str, String) = match view {
        // CROSS JOIN: the tasks first, as the worklist reads them (by the owner index SQLite
        // would read a third of the members).
        "owner" => (
            "follow_up_task t CROSS JOIN member m ON m.id = t.member_id",
            "m.owner_staff_id = ?2",
            f.pharmacist.to_string(),
        ),
        "member" => (
            "follow_up_task t",
            "t.member_id = ?2",
            f.member_with_tasks.to_string(),
        ),
        _ => ("follow_up_task t", "?2 IS NOT NULL", String::new()),
    };
    f.store
        .read(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT t.id, t.kind, t.visit_no, t.reasons, t.due_on, t.member_id, t.sale_id
                 FROM {from} WHERE t.status = 'open' AND t.due_on <= ?1 AND {cond}
                 ORDER BY t.due_on"
            ))?;
            let mut r = st.query((&horizon, &arg))?;
            let (mut counts, mut rows) = ([0i64; 3], 0);
            while let Some(row) = r.next()? {
                let due: String = row.get(4)?;
                let group = match due.cmp(&today) {
                    std::cmp::Ordering::Less => 0,
                    std::cmp::Ordering::Equal => 1,
                    std::cmp::Ordering::Greater => 2,
                };
                counts[group] += 1;
                if counts[group] <= i64::from(GROUP_LIMIT) {
                    let _: (String, String) = (row.get(0)?, row.get(3)?);
                    rows += 1;
                }
            }
            Ok((rows, (counts[0], counts[1], counts[2])))
        })
        .unwrap()
}

#[divan::bench(args = WORKLIST)]
fn worklist(bencher: Bencher, view: &str) {
    let f = fixture();
    bencher.bench_local(|| worklist_of(f, view));
}

#[divan::bench(args = WORKLIST)]
fn worklist_floor(bencher: Bencher, view: &str) {
    let f = fixture();
    bencher.bench_local(|| worklist_floor_of(f, view));
}

// ---------------------------------------------------------------------------------------------
// The registers

const PERIODS: [&str; 2] = ["month", "year"];
const RX_FILTERS: [&str; 5] = ["none", "member_name", "member_phone", "drug", "doctor"];
const EPHEDRINE_FILTERS: [&str; 3] = ["none", "buyer_name", "id_last4"];

/// The last 30 days up to yesterday (the last sales day), or the whole year up to today.
fn period_of(f: &Fixture, period: &str) -> (String, String) {
    let days = if period == "year" { DAYS } else { 30 };
    (
        (f.today - Duration::days(days)).to_string(),
        f.today.to_string(),
    )
}

fn prescription_filter(f: &Fixture, period: &str, filter: &str) -> PrescriptionFilter {
    let (from, to) = period_of(f, period);
    let mut p = PrescriptionFilter {
        from,
        to,
        ..Default::default()
    };
    match filter {
        "member_name" => p.member = Some(f.member_name_part.clone()),
        "member_phone" => p.member = Some(f.member_phone.clone()),
        "drug" => p.drug = Some(DRUG.to_owned()),
        "doctor" => p.doctor = Some(f.doctor.clone()),
        _ => {}
    }
    p
}

fn prescriptions_of(f: &Fixture, period: &str, filter: &str) -> registers::PrescriptionPage {
    let p = prescription_filter(f, period, filter);
    f.store
        .report(|c| registers::search_prescriptions(c, &p))
        .unwrap()
}

/// The floor: the first page (50) of the same prescriptions, newest first, and their count, by
/// plain SQL on the prescription table (its own columns only: no receipt number, member name,
/// drug list or staff name), joining the record's member only for a member criterion and with
/// only the condition of the filter given; a criterion in one pass (every match counted, the
/// first 50 kept), the period alone counted on its index.
fn prescriptions_floor_of(f: &Fixture, period: &str, filter: &str) -> (usize, i64) {
    let (from, to) = period_of(f, period);
    let (join, cond, arg) = match filter {
        "member_name" => (
            "LEFT JOIN member m ON m.id = p.member_id",
            "(m.name LIKE ?3 OR p.patient_name LIKE ?3)",
            format!("%{}%", f.member_name_part),
        ),
        "member_phone" => (
            "JOIN member m ON m.id = p.member_id",
            "m.phone = ?3",
            f.member_phone.clone(),
        ),
        "drug" => (
            "",
            "EXISTS (SELECT 1 FROM sale_line l WHERE l.sale_id = p.sale_id AND l.rx = 1 AND l.name LIKE ?3)",
            format!("%{DRUG}%"),
        ),
        "doctor" => ("", "p.doctor LIKE ?3", format!("%{}%", f.doctor)),
        _ => ("", "?3 IS NOT NULL", String::new()),
    };
    let from_where =
        format!("FROM prescription p {join} WHERE p.business_date BETWEEN ?1 AND ?2 AND {cond}");
    f.store
        .report(|c| {
            let columns = "SELECT p.sale_id, p.business_date, p.at, p.hospital, p.doctor,
                                  p.prescribed_on, p.diagnosis, p.patient_name";
            let order = "ORDER BY p.business_date DESC, p.at DESC";
            if filter == "none" {
                // The period alone: counted from the index, its first page read.
                let total: i64 = c
                    .prepare_cached(&format!("SELECT count(*) {from_where}"))?
                    .query_row((&from, &to, &arg), |r| r.get(0))?;
                let mut st =
                    c.prepare_cached(&format!("{columns} {from_where} {order} LIMIT 50"))?;
                let mut r = st.query((&from, &to, &arg))?;
                let mut rows = 0;
                while let Some(row) = r.next()? {
                    let _: (String, String) = (row.get(0)?, row.get(4)?);
                    rows += 1;
                }
                return Ok((rows, total));
            }
            // A criterion checks every record of the period: once, every match counted and
            // the first 50 kept.
            let mut st = c.prepare_cached(&format!("{columns} {from_where} {order}"))?;
            let mut r = st.query((&from, &to, &arg))?;
            let (mut rows, mut total) = (0, 0);
            while let Some(row) = r.next()? {
                total += 1;
                if rows < 50 {
                    let _: (String, String) = (row.get(0)?, row.get(4)?);
                    rows += 1;
                }
            }
            Ok((rows, total))
        })
        .unwrap()
}

fn ephedrine_filter(f: &Fixture, period: &str, filter: &str) -> EphedrineFilter {
    let (from, to) = period_of(f, period);
    let mut e = EphedrineFilter {
        from,
        to,
        ..Default::default()
    };
    match filter {
        "buyer_name" => e.buyer = Some(f.buyer_name_part.clone()),
        "id_last4" => e.id_number = Some(f.id_last4.clone()),
        _ => {}
    }
    e
}

fn ephedrine_of(f: &Fixture, period: &str, filter: &str) -> registers::EphedrinePage {
    let e = ephedrine_filter(f, period, filter);
    f.store
        .report(|c| registers::search_ephedrine(c, &e))
        .unwrap()
}

/// The floor: the first page (50) of the same register lines, newest first, and their count,
/// by plain SQL (no receipt number, staff name or repeat-buyer count).
fn ephedrine_floor_of(f: &Fixture, period: &str, filter: &str) -> (usize, i64) {
    let (from, to) = period_of(f, period);
    let (cond, arg) = match filter {
        "buyer_name" => ("buyer_name LIKE ?3", format!("%{}%", f.buyer_name_part)),
        "id_last4" => ("id_number LIKE ?3", format!("%{}", f.id_last4)),
        _ => ("?3 IS NOT NULL", String::new()),
    };
    let from_where =
        format!("FROM ephedrine_register WHERE business_date BETWEEN ?1 AND ?2 AND {cond}");
    f.store
        .report(|c| {
            let total: i64 = c
                .prepare_cached(&format!("SELECT count(*) {from_where}"))?
                .query_row((&from, &to, &arg), |r| r.get(0))?;
            let mut st = c.prepare_cached(&format!(
                "SELECT id, sale_id, business_date, at, buyer_name, id_number, name, spec, quantity,
                        batch_no
                 {from_where} ORDER BY business_date DESC, at DESC LIMIT 50"
            ))?;
            let mut r = st.query((&from, &to, &arg))?;
            let mut rows = 0;
            while let Some(row) = r.next()? {
                let _: (String, String) = (row.get(0)?, row.get(5)?);
                rows += 1;
            }
            Ok((rows, total))
        })
        .unwrap()
}

#[divan::bench(args = RX_FILTERS)]
fn prescriptions_month(bencher: Bencher, filter: &str) {
    let f = fixture();
    bencher.bench_local(|| prescriptions_of(f, "month", filter));
}

#[divan::bench(args = RX_FILTERS)]
fn prescriptions_month_floor(bencher: Bencher, filter: &str) {
    let f = fixture();
    bencher.bench_local(|| prescriptions_floor_of(f, "month", filter));
}

#[divan::bench(args = RX_FILTERS)]
fn prescriptions_year(bencher: Bencher, filter: &str) {
    let f = fixture();
    bencher.bench_local(|| prescriptions_of(f, "year", filter));
}

#[divan::bench(args = RX_FILTERS)]
fn prescriptions_year_floor(bencher: Bencher, filter: &str) {
    let f = fixture();
    bencher.bench_local(|| prescriptions_floor_of(f, "year", filter));
}

#[divan::bench(args = EPHEDRINE_FILTERS)]
fn ephedrine_month(bencher: Bencher, filter: &str) {
    let f = fixture();
    bencher.bench_local(|| ephedrine_of(f, "month", filter));
}

#[divan::bench(args = EPHEDRINE_FILTERS)]
fn ephedrine_month_floor(bencher: Bencher, filter: &str) {
    let f = fixture();
    bencher.bench_local(|| ephedrine_floor_of(f, "month", filter));
}

#[divan::bench(args = EPHEDRINE_FILTERS)]
fn ephedrine_year(bencher: Bencher, filter: &str) {
    let f = fixture();
    bencher.bench_local(|| ephedrine_of(f, "year", filter));
}

#[divan::bench(args = EPHEDRINE_FILTERS)]
fn ephedrine_year_floor(bencher: Bencher, filter: &str) {
    let f = fixture();
    bencher.bench_local(|| ephedrine_floor_of(f, "year", filter));
}

// ------------------------------------------------------------------ the member programme (issue 10)
//
// On the same store (1 000 000 members, a year of sales): the 会员分析 screen's figures
// (`analytics::figures`, every figure of the screen in one call), one page of the class A list
// (`analytics::list_page`: classifies every member, then builds 50 rows), and the birthday
// campaign run again (every member born this month already has this year's coupon after the
// first run, so each iteration is the idempotent run: the check per member, no new coupon).
// Floors: the same member facts read by plain SQL (the grouped spend of every member; the 50
// biggest spenders; the ids born this month).

mod programme {
    use super::*;
    use pos_core::member::analytics::{self, MemberClass, MemberSet, Period};

    /// Times and prints the first call in the process: what the analytics hold between calls
    /// (member/analytics/held.rs) is read then, so it costs what a first call of the day costs
    /// (the class A page runs first: the spend facts; then the figures: the member counts and
    /// points). The bench's samples are the calls after it.
    fn first_call<T>(what: &str, call: impl FnOnce() -> T) {
        let t = Instant::now();
        call();
        eprintln!("{what}, first call: {:?}", t.elapsed());
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn figures(bencher: Bencher) {
        let f = fixture();
        first_call("figures", || {
            f.store
                .report(|c| analytics::figures(c, f.today, Period::last_30_days(f.today)))
                .unwrap()
        });
        bencher.bench_local(|| {
            f.store
                .report(|c| analytics::figures(c, f.today, Period::last_30_days(f.today)))
                .unwrap()
        });
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn figures_floor(bencher: Bencher) {
        let f = fixture();
        bencher.bench_local(|| {
            f.store
                .report(|c| {
                    let mut st = c.prepare_cached(
                        "SELECT member_id, sum(net_fen), max(business_date) FROM member_spend
                         WHERE business_date <= ?1 GROUP BY member_id",
                    )?;
                    let n = st
                        .query_map([f.today.to_string()], |r| r.get::<_, i64>(1))?
                        .count();
                    Ok(n)
                })
                .unwrap()
        });
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn class_a_page(bencher: Bencher) {
        let f = fixture();
        let set = MemberSet::Class {
            class: MemberClass::A,
        };
        first_call("class A page", || {
            f.store
                .report(|c| analytics::list_page(c, f.today, &set, 0, 50))
                .unwrap()
        });
        bencher.bench_local(|| {
            f.store
                .report(|c| analytics::list_page(c, f.today, &set, 0, 50))
                .unwrap()
        });
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn class_a_page_floor(bencher: Bencher) {
        let f = fixture();
        bencher.bench_local(|| {
            f.store
                .report(|c| {
                    let mut st = c.prepare_cached(
                        "SELECT m.name, m.phone, s.total FROM
                           (SELECT member_id, sum(net_fen) AS total FROM member_spend
                            WHERE business_date >= ?1 GROUP BY member_id
                            ORDER BY total DESC LIMIT 50) s
                         JOIN member m ON m.id = s.member_id",
                    )?;
                    let from = (f.today - Duration::days(364)).to_string();
                    let n = st.query_map([from], |r| r.get::<_, String>(0))?.count();
                    Ok(n)
                })
                .unwrap()
        });
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn birthday_campaign_again(bencher: Bencher) {
        let f = fixture();
        // The first run issues this year's coupons (timed once, printed); the bench is the rerun.
        let t = Instant::now();
        let first = f
            .store
            .write(|tx| {
                pos_core::member::care::run_campaign(
                    tx,
                    f.pharmacist,
                    pos_core::member::care::CampaignKind::Birthday,
                )
            })
            .unwrap();
        eprintln!(
            "birthday campaign, first run: {} eligible, {} issued, {} already, in {:?}",
            first.eligible,
            first.issued,
            first.already,
            t.elapsed()
        );
        bencher.bench_local(|| {
            f.store
                .write(|tx| {
                    pos_core::member::care::run_campaign(
                        tx,
                        f.pharmacist,
                        pos_core::member::care::CampaignKind::Birthday,
                    )
                })
                .unwrap()
        });
    }

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn birthday_campaign_floor(bencher: Bencher) {
        let f = fixture();
        bencher.bench_local(|| {
            f.store
                .read(|c| {
                    let mut st = c.prepare_cached(
                        "SELECT id FROM member INDEXED BY member_birth_month
                         WHERE birth_month = ?1 AND status = 'active'",
                    )?;
                    let n = st
                        .query_map([chrono::Datelike::month(&f.today)], |r| {
                            r.get::<_, String>(0)
                        })?
                        .count();
                    Ok(n)
                })
                .unwrap()
        });
    }
}
