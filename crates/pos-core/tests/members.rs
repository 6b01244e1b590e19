//! Member scenarios on a real store file with an injected clock: registration and lookup, tiers
//! over the 365-day window, the points ledger (FIFO, expiry at the end of Y+1), coupons, consent
//! and the health part, bad input, anonymization, and the outbox every change must feed.

mod common;

use chrono::{DateTime, Utc};
use common::Till;
use pos_core::api::*;
use pos_core::ids::{MemberId, SaleId, StaffId};
use pos_core::member::coupon::{CouponKind, CouponStatus};
use pos_core::member::health::HealthKind;
use pos_core::member::points::{self, PointsKind};
use pos_core::member::{self, consent::ConsentScope, tier, MemberChanges, NewMember};
use pos_core::rules::Tier;
use pos_core::{ErrorCode, Money};

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

fn new_member(phone: &str, name: &str) -> NewMember {
    NewMember {
        phone: phone.into(),
        name: name.into(),
        basic_consent: true,
        ..Default::default()
    }
}

impl Till {
    fn register(&self, phone: &str, name: &str) -> MemberId {
        let r = self.api.call(new_member(phone, name)).unwrap();
        assert!(r.created, "{phone} should be new");
        r.member.id
    }

    /// A member who also gave the separate health consent.
    fn register_with_health_consent(&self, phone: &str, name: &str) -> MemberId {
        self.api
            .call(NewMember {
                health_consent: true,
                ..new_member(phone, name)
            })
            .unwrap()
            .member
            .id
    }

    fn me(&self) -> StaffId {
        self.api.call(CurrentSession {}).unwrap().unwrap().staff.id
    }

    /// A sale (or, negative, a return) of `yuan` for the member, recorded on today's date.
    fn spend(&self, member: MemberId, fen: i64) -> Tier {
        let id = SaleId::new(self.api.store().clock()).to_string();
        self.api
            .store()
            .write(|tx| tier::record_spend(tx, &id, member, fen, "sale"))
            .unwrap()
    }

    fn tier_of(&self, member: MemberId) -> Tier {
        self.api
            .call(MemberGet { member_id: member })
            .unwrap()
            .summary
            .tier
    }

    fn balance(&self, member: MemberId) -> i64 {
        self.api
            .store()
            .read(|c| points::balance(c, member))
            .unwrap()
    }

    fn earn(&self, member: MemberId, n: i64) -> pos_core::ids::PointsEntryId {
        let me = self.me();
        let sale = SaleId::new(self.api.store().clock());
        self.api
            .store()
            .write(|tx| points::earn(tx, member, n, sale, me))
            .unwrap()
    }

    fn outbox_kinds(&self) -> Vec<String> {
        self.api
            .store()
            .read(|c| {
                let mut st = c.prepare("SELECT kind FROM outbox ORDER BY seq")?;
                let v = st
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?;
                Ok(v)
            })
            .unwrap()
    }
}

fn cashier() -> Till {
    let t = Till::demo();
    t.login("1001", "1111");
    t
}

// ---------------------------------------------------------------- registration and lookup

#[test]
fn registration_needs_only_phone_name_and_consent_and_gives_the_new_member_coupon() {
    let t = cashier();
    let r = t.api.call(new_member("139 1234 5678", "张伟")).unwrap();
    assert!(r.created);
    let m = &r.member;
    assert_eq!(m.phone_masked, "139****5678");
    assert_eq!(m.tier, Tier::Normal);
    assert_eq!(m.card_no.len(), 13);
    assert!(m.card_no.starts_with("29"));
    let coupon = r.coupon.expect("new-member coupon");
    assert_eq!(coupon.kind, CouponKind::NewMember);
    assert_eq!(
        (coupon.face.to_string(), coupon.min_spend.to_string()),
        ("3.00".into(), "0.00".into())
    );
    // Registered 2026-11-23 (China time): valid 30 days including today.
    assert_eq!(
        (coupon.valid_from.as_str(), coupon.valid_until.as_str()),
        ("2026-11-23", "2026-12-22")
    );
    assert_eq!(m.coupons.len(), 1);
    assert!(!m.needs_confirm);
    // The registration, the basic consent and the coupon each went to the outbox.
    let kinds = t.outbox_kinds();
    for k in ["member.registered@1", "member.consent@1", "coupon.issued@1"] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing from {kinds:?}");
    }
}

#[test]
fn a_phone_already_registered_opens_that_member_instead_of_a_duplicate() {
    let t = cashier();
    let first = t.register("13912345678", "张伟");
    let again = t
        .api
        .call(new_member("+86 139-1234-5678", "张 伟"))
        .unwrap();
    assert!(!again.created);
    assert!(again.coupon.is_none(), "no second new-member coupon");
    assert_eq!(again.member.id, first);
    assert_eq!(t.count("SELECT count(*) FROM member"), 1);
    assert_eq!(t.count("SELECT count(*) FROM coupon"), 1);

    // A cashier sees a changed phone masked in the history, like everywhere else.
    t.api
        .call(MemberUpdate {
            member_id: first,
            changes: MemberChanges {
                phone: Some("13700002222".into()),
                ..Default::default()
            },
        })
        .unwrap();
    let edits = t.api.call(MemberEdits { member_id: first }).unwrap();
    assert_eq!(
        (edits[0].old_value.as_deref(), edits[0].new_value.as_deref()),
        (Some("139****5678"), Some("137****2222"))
    );
    t.login("2001", "2222");
    let edits = t.api.call(MemberEdits { member_id: first }).unwrap();
    assert_eq!(edits[0].new_value.as_deref(), Some("13700002222"));
    t.login("1001", "1111");

    // Changing another member's phone to this one is refused.
    let other = t.register("13800001111", "李娜");
    let e = t
        .api
        .call(MemberUpdate {
            member_id: other,
            changes: MemberChanges {
                phone: Some("13700002222".into()),
                ..Default::default()
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DuplicatePhone);
}

#[test]
fn lookup_by_phone_last_four_card_name_and_pinyin() {
    let t = cashier();
    let zhang = t.register("13912345678", "张伟");
    let zhao = t.register("13612345678", "赵敏");
    let li = t.register("13800001111", "李娜");
    let card = t
        .api
        .call(MemberGet { member_id: li })
        .unwrap()
        .summary
        .card_no;

    let ids = |q: &str| -> Vec<MemberId> {
        t.api
            .call(MemberFind { query: q.into() })
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .into_iter()
            .map(|m| m.id)
            .collect()
    };
    assert_eq!(ids("13912345678"), [zhang]);
    assert_eq!(ids("１３９１２３４５６７８"), [zhang], "full-width digits");
    // Last four digits: a short list, newest member first.
    assert_eq!(ids("5678"), [zhao, zhang]);
    assert_eq!(ids(&card), [li]);
    assert_eq!(ids("张"), [zhang]);
    assert_eq!(ids("张伟"), [zhang]);
    assert_eq!(ids("zw"), [zhang]);
    assert_eq!(ids("ZW"), [zhang]);
    assert_eq!(ids("z").len(), 2, "张伟 and 赵敏");
    assert!(ids("9999").is_empty());

    let err = |q: &str| t.api.call(MemberFind { query: q.into() }).unwrap_err().code;
    let mut wrong = card.clone();
    let last = wrong.pop().unwrap().to_digit(10).unwrap();
    wrong.push(char::from_digit((last + 1) % 10, 10).unwrap());
    assert_eq!(err(&wrong), ErrorCode::InvalidCardNo);
    assert_eq!(err("139123"), ErrorCode::InvalidMemberQuery);
    assert_eq!(err("  "), ErrorCode::InvalidMemberQuery);
    assert_eq!(err("张3"), ErrorCode::InvalidMemberQuery);
    assert_eq!(err("23912345678"), ErrorCode::InvalidPhone);
}

#[test]
fn bad_input_is_refused_with_a_stable_code_and_nothing_is_saved() {
    let t = cashier();
    let members = || t.count("SELECT count(*) FROM member");
    let events = || t.count("SELECT count(*) FROM outbox");
    let (m0, e0) = (members(), events());
    let long_name = "名".repeat(51);
    let cases: Vec<(NewMember, ErrorCode)> = vec![
        (new_member("1391234567", "张伟"), ErrorCode::InvalidPhone),
        (new_member("23912345678", "张伟"), ErrorCode::InvalidPhone),
        (new_member("139abcd5678", "张伟"), ErrorCode::InvalidPhone),
        (new_member("", "张伟"), ErrorCode::InvalidPhone),
        (new_member("13912345678", ""), ErrorCode::InvalidMemberName),
        (
            new_member("13912345678", &long_name),
            ErrorCode::InvalidMemberName,
        ),
        (
            NewMember {
                birthday: Some("2030-01-01".into()),
                ..new_member("13912345678", "张伟")
            },
            ErrorCode::InvalidBirthday,
        ),
        (
            NewMember {
                birthday: Some("2026-11-24".into()),
                ..new_member("13912345678", "张伟")
            },
            ErrorCode::InvalidBirthday,
        ),
        (
            NewMember {
                birthday: Some("1980-02-30".into()),
                ..new_member("13912345678", "张伟")
            },
            ErrorCode::InvalidBirthday,
        ),
        (
            NewMember {
                basic_consent: false,
                ..new_member("13912345678", "张伟")
            },
            ErrorCode::ConsentRequired,
        ),
    ];
    for (input, code) in cases {
        let label = format!("{:?}/{:?}", input.phone, input.birthday);
        let e = t.api.call(input).unwrap_err();
        assert_eq!(e.code, code, "{label}");
        assert!(
            !e.message.is_empty() && !e.message.is_ascii(),
            "a Chinese message: {}",
            e.message
        );
    }
    assert_eq!((members(), events()), (m0, e0), "nothing saved");

    // Full-width digits are normalised, and 50 characters is still a name.
    let ok = t
        .api
        .call(NewMember {
            birthday: Some("１９８０/０５/１７".into()),
            ..new_member("１３９１２３４５６７８", &"名".repeat(50))
        })
        .unwrap();
    assert_eq!(ok.member.phone_masked, "139****5678");
    let p = t
        .api
        .call(MemberGet {
            member_id: ok.member.id,
        })
        .unwrap();
    assert_eq!(p.birthday.as_deref(), Some("1980-05-17"));
    assert_eq!(p.phone, None, "a cashier never gets the whole number");
}

#[test]
fn field_edits_keep_history_with_increasing_hlc_stamps_and_go_to_the_outbox() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    t.clock.advance_ms(1000);
    let changed = |changes: MemberChanges| {
        t.api
            .call(MemberUpdate {
                member_id: m,
                changes,
            })
            .unwrap()
    };
    changed(MemberChanges {
        name: Some("张伟明".into()),
        address: Some("浦东新区 1 号".into()),
        ..Default::default()
    });
    // The wall clock steps back: the next stamp must still be later.
    t.clock.advance_ms(-60_000);
    let p = changed(MemberChanges {
        name: Some("张卫明".into()),
        tags: Some(vec!["高血压".into(), "慢病".into()]),
        ..Default::default()
    });
    assert_eq!(p.summary.name, "张卫明");
    assert_eq!(p.tags, ["高血压", "慢病"]);
    // Unchanged values are not edits.
    changed(MemberChanges {
        name: Some("张卫明".into()),
        ..Default::default()
    });
    let edits = t.api.call(MemberEdits { member_id: m }).unwrap();
    let names: Vec<(Option<&str>, Option<&str>)> = edits
        .iter()
        .filter(|e| e.field == "name")
        .map(|e| (e.old_value.as_deref(), e.new_value.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            (Some("张伟明"), Some("张卫明")),
            (Some("张伟"), Some("张伟明"))
        ]
    );
    assert_eq!(edits.len(), 4);
    assert_eq!(edits[0].by_name.as_deref(), Some("王晓燕"));
    let stamps: Vec<(i64, i64)> = t
        .api
        .store()
        .read(|c| {
            let mut st =
                c.prepare("SELECT hlc_wall_ms, hlc_counter FROM member_field_edit ORDER BY rowid")?;
            let v = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })
        .unwrap();
    assert!(stamps.windows(2).all(|w| w[0] < w[1]), "{stamps:?}");
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'member.field_edited@1'"),
        4
    );
    // The pinyin index follows the name.
    let found = t
        .api
        .call(MemberFind {
            query: "zwm".into(),
        })
        .unwrap();
    assert_eq!(found.len(), 1);
}

#[test]
fn the_phone_is_confirmed_again_after_180_days() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    t.clock.set(at("2027-05-22T02:00:00Z")); // 180 days later: still fine
    assert!(
        !t.api
            .call(MemberGet { member_id: m })
            .unwrap()
            .summary
            .needs_confirm
    );
    t.clock.set(at("2027-05-23T02:00:00Z")); // 181 days
    assert!(
        t.api
            .call(MemberGet { member_id: m })
            .unwrap()
            .summary
            .needs_confirm
    );
    let s = t.api.call(MemberConfirm { member_id: m }).unwrap();
    assert!(!s.needs_confirm);
}

// ---------------------------------------------------------------- tiers

#[test]
fn tiers_rise_at_1000_3000_8000_and_fall_when_old_spend_leaves_the_window() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    t.clock.set(at("2026-01-10T02:00:00Z"));
    assert_eq!(t.spend(m, 99_999), Tier::Normal);
    assert_eq!(t.spend(m, 1), Tier::Silver, "exactly 1 000.00");
    t.clock.set(at("2026-03-01T02:00:00Z"));
    assert_eq!(t.spend(m, 199_999), Tier::Silver);
    assert_eq!(t.spend(m, 1), Tier::Gold, "exactly 3 000.00");
    t.clock.set(at("2026-06-01T02:00:00Z"));
    assert_eq!(t.spend(m, 500_000), Tier::Diamond, "8 000.00");
    // A return takes the spend back below 8 000.
    assert_eq!(t.spend(m, -1), Tier::Gold);
    assert_eq!(t.spend(m, 1), Tier::Diamond);

    // 2027-01-09 is the last day the January spend (2 000) counts: still 8 000.
    t.clock.set(at("2027-01-09T02:00:00Z"));
    let report = t.api.call(HousekeepingRun {}).unwrap_err();
    assert_eq!(
        report.code,
        ErrorCode::Forbidden,
        "housekeeping is for managers"
    );
    pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(t.tier_of(m), Tier::Diamond);
    // On 2027-01-10 the 1 000.00 of 2026-01-10 has left the window: 7 000 → gold.
    t.clock.set(at("2027-01-10T02:00:00Z"));
    let r = pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(r.tier_changes, 1);
    assert_eq!(t.tier_of(m), Tier::Gold);
    // Running again the same day changes nothing.
    let r = pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(r.tier_changes, 0);
    // The March spend leaves on 2027-03-01 (5 000 left: gold), June's on 2027-06-01 (0: normal).
    t.clock.set(at("2027-03-01T02:00:00Z"));
    pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(t.tier_of(m), Tier::Gold);
    t.clock.set(at("2027-07-01T02:00:00Z"));
    pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(t.tier_of(m), Tier::Normal);

    let history = t.api.call(MemberGet { member_id: m }).unwrap().tier_history;
    let path: Vec<(Tier, Tier, &str)> = history
        .iter()
        .rev()
        .map(|h| (h.from_tier, h.to_tier, h.reason.as_str()))
        .collect();
    use Tier::*;
    assert_eq!(
        path,
        [
            (Normal, Silver, "sale"),
            (Silver, Gold, "sale"),
            (Gold, Diamond, "sale"),
            (Diamond, Gold, "sale"),
            (Gold, Diamond, "sale"),
            (Diamond, Gold, "nightly"),
            (Gold, Normal, "nightly"),
        ]
    );
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'member.tier_changed@1'"),
        7
    );
}

// ---------------------------------------------------------------- points

#[test]
fn points_expire_at_the_end_of_the_next_year_and_redemption_uses_the_oldest_first() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    t.clock.set(at("2025-03-01T02:00:00Z"));
    let lot_2025 = t.earn(m, 300);
    t.clock.set(at("2026-02-01T02:00:00Z"));
    let lot_2026 = t.earn(m, 500);
    assert_eq!(t.balance(m), 800);

    // 2026: the 2025 points expire at the end of this year.
    let s = t.api.call(MemberGet { member_id: m }).unwrap().summary;
    assert_eq!((s.points_balance, s.points_expiring_this_year), (800, 300));

    // Redeem 400: 300 from 2025 first, then 100 from 2026.
    let me = t.me();
    let redeem = t
        .api
        .store()
        .write(|tx| points::redeem(tx, m, 400, None, me))
        .unwrap();
    let draws = t.api.store().read(|c| points::draws_of(c, redeem)).unwrap();
    assert_eq!(draws, [(lot_2025, 300), (lot_2026, 100)]);
    assert_eq!(t.balance(m), 400);

    // Asking for more than is left is refused and writes nothing.
    let before = t.count("SELECT count(*) FROM points_entry");
    let e = t
        .api
        .store()
        .write(|tx| points::redeem(tx, m, 401, None, me))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InsufficientPoints);
    assert_eq!(t.count("SELECT count(*) FROM points_entry"), before);

    // 2026 points are good through 2027-12-31 and gone on 2028-01-01.
    t.clock.set(at("2027-12-31T15:59:00Z")); // 23:59 China time
    let r = pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(r.points_expired, 0);
    assert_eq!(t.balance(m), 400);
    t.clock.set(at("2027-12-31T16:00:00Z")); // 2028-01-01 00:00 China time
    let r = pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!((r.points_expired, r.members_with_expired_points), (400, 1));
    assert_eq!(t.balance(m), 0);
    // Idempotent: a second run, even the next day, expires nothing more.
    t.clock.advance(chrono::Duration::days(1));
    let r = pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(r.points_expired, 0);
    let kinds: Vec<PointsKind> = t
        .api
        .call(MemberPoints {
            member_id: m,
            limit: None,
        })
        .unwrap()
        .iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            PointsKind::Expire,
            PointsKind::Redeem,
            PointsKind::Earn,
            PointsKind::Earn
        ]
    );
}

#[test]
fn expired_points_are_never_redeemed_even_before_housekeeping_runs() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    t.clock.set(at("2024-06-01T02:00:00Z"));
    t.earn(m, 1000);
    t.clock.set(at("2026-01-05T02:00:00Z")); // the 2024 points expired on 2025-12-31
    t.earn(m, 200);
    let me = t.me();
    let e = t
        .api
        .store()
        .write(|tx| points::redeem(tx, m, 300, None, me))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InsufficientPoints);
    t.api
        .store()
        .write(|tx| points::redeem(tx, m, 200, None, me))
        .unwrap();
    assert_eq!(t.balance(m), 0);
}

#[test]
fn reversing_a_sale_restores_the_balance_exactly() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    t.clock.set(at("2026-03-01T02:00:00Z"));
    t.earn(m, 600);
    t.clock.set(at("2026-05-01T02:00:00Z"));
    let before = t.balance(m);
    // A sale that redeems 500 and earns 80.
    let me = t.me();
    let sale = SaleId::new(t.api.store().clock());
    let (redeem, earn) = t
        .api
        .store()
        .write(|tx| {
            Ok((
                points::redeem(tx, m, 500, Some(sale), me)?,
                points::earn(tx, m, 80, sale, me)?,
            ))
        })
        .unwrap();
    assert_eq!(t.balance(m), before - 500 + 80);
    // The full return: earned points back out, redeemed points given back.
    t.api
        .store()
        .write(|tx| {
            points::reverse(tx, earn, None, Some(sale), me)?;
            points::reverse(tx, redeem, None, Some(sale), me)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(t.balance(m), before);
    // Nothing is left to reverse a second time.
    let again = t
        .api
        .store()
        .write(|tx| points::reverse(tx, earn, None, Some(sale), me))
        .unwrap();
    assert!(again.is_empty());
    let e = t
        .api
        .store()
        .write(|tx| points::reverse(tx, redeem, Some(1), Some(sale), me))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidPoints);
}

#[test]
fn a_manager_adjusts_points_with_a_reason_and_a_cashier_cannot() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    let e = t
        .api
        .call(PointsAdjust {
            member_id: m,
            points: 100,
            reason: "补录".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    t.login("3001", "3333");
    let e = t
        .api
        .call(PointsAdjust {
            member_id: m,
            points: 100,
            reason: "  ".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReasonRequired);
    let s = t
        .api
        .call(PointsAdjust {
            member_id: m,
            points: 250,
            reason: "系统故障补录积分".into(),
        })
        .unwrap();
    assert_eq!(s.points_balance, 250);
    let e = t
        .api
        .call(PointsAdjust {
            member_id: m,
            points: -300,
            reason: "误录".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InsufficientPoints);
    let s = t
        .api
        .call(PointsAdjust {
            member_id: m,
            points: -50,
            reason: "误录".into(),
        })
        .unwrap();
    assert_eq!(s.points_balance, 200);
}

// ---------------------------------------------------------------- coupons

#[test]
fn coupons_expire_by_their_dates_and_are_used_once() {
    let t = cashier();
    let m = t.register("13912345678", "张伟"); // new-member coupon until 2026-12-22
    let coupon = t.api.call(MemberCoupons { member_id: m }).unwrap()[0].clone();
    t.clock.set(at("2026-12-22T15:00:00Z")); // 23:00 on the last day
    assert_eq!(
        t.api
            .call(MemberGet { member_id: m })
            .unwrap()
            .summary
            .coupons
            .len(),
        1
    );
    t.clock.set(at("2026-12-22T16:00:00Z")); // 00:00 the day after
    let s = t.api.call(MemberGet { member_id: m }).unwrap().summary;
    assert!(s.coupons.is_empty());
    let all = t.api.call(MemberCoupons { member_id: m }).unwrap();
    assert_eq!(all[0].status, CouponStatus::Expired);
    let me = t.me();
    let sale = SaleId::new(t.api.store().clock());
    let e = t
        .api
        .store()
        .write(|tx| pos_core::member::coupon::redeem(tx, coupon.id, m, sale, me))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::CouponNotAvailable);

    // A manual coupon from the manager is used once.
    t.login("3001", "3333");
    let manual = t
        .api
        .call(CouponIssue {
            member_id: m,
            face: Money::parse_amount("5").unwrap(),
            min_spend: Money::parse_amount("20").unwrap(),
            valid_days: 7,
            reason: "投诉补偿".into(),
            percent: None,
            cap: None,
            products: None,
            product_barcodes: None,
            categories: None,
        })
        .unwrap();
    assert_eq!(manual.kind, CouponKind::Manual);
    let use_it = || {
        t.api
            .store()
            .write(|tx| pos_core::member::coupon::redeem(tx, manual.id, m, sale, me))
    };
    assert_eq!(use_it().unwrap().status, CouponStatus::Used);
    assert_eq!(use_it().unwrap_err().code, ErrorCode::CouponNotAvailable);
    // Another member cannot use someone's coupon.
    t.login("1001", "1111");
    let other = t.register("13800001111", "李娜");
    let theirs = t.api.call(MemberCoupons { member_id: other }).unwrap()[0].id;
    let e = t
        .api
        .store()
        .write(|tx| pos_core::member::coupon::redeem(tx, theirs, m, sale, me))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::CouponNotAvailable);
}

#[test]
fn birthday_coupons_are_issued_once_in_the_birthday_month() {
    let t = cashier();
    let dec = t
        .api
        .call(NewMember {
            birthday: Some("1980-12-05".into()),
            ..new_member("13912345678", "张伟")
        })
        .unwrap()
        .member
        .id;
    let nov = t
        .api
        .call(NewMember {
            birthday: Some("1990-11-30".into()),
            ..new_member("13800001111", "李娜")
        })
        .unwrap();
    // Registered in the birthday month: the coupon comes at once.
    assert!(nov.member.birthday_this_month);
    assert!(nov
        .member
        .coupons
        .iter()
        .any(|c| c.kind == CouponKind::Birthday));
    t.clock.set(at("2026-12-01T01:00:00Z"));
    let r = pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(r.birthday_coupons, 1);
    let s = t.api.call(MemberGet { member_id: dec }).unwrap().summary;
    let b = s
        .coupons
        .iter()
        .find(|c| c.kind == CouponKind::Birthday)
        .unwrap();
    assert_eq!(
        (b.valid_from.as_str(), b.valid_until.as_str()),
        ("2026-12-01", "2026-12-31")
    );
    assert_eq!(
        (b.face.to_string(), b.min_spend.to_string()),
        ("10.00".into(), "50.00".into())
    );
    t.clock.set(at("2026-12-15T01:00:00Z"));
    let r = pos_core::housekeeping::run(t.api.store()).unwrap();
    assert_eq!(r.birthday_coupons, 0, "once a year");
}

#[test]
fn top_spenders_get_the_class_coupon_once_a_month() {
    let t = cashier();
    let mut ids = Vec::new();
    for i in 0..10 {
        let m = t.register(&format!("1390000{:04}", i), &format!("会员{i}"));
        t.spend(m, 10_000 * (i + 1));
        ids.push(m);
    }
    t.login("3001", "3333");
    let r = t.api.call(CouponsIssueTopSpenders {}).unwrap();
    // 10 members: A = top 5 % rounded up = 1, A+B = top 20 % = 2.
    assert_eq!((r.class_a, r.class_b, r.issued), (1, 1, 2));
    let has = |m: MemberId| {
        t.api
            .call(MemberCoupons { member_id: m })
            .unwrap()
            .iter()
            .any(|c| c.kind == CouponKind::TopSpender)
    };
    assert!(has(ids[9]) && has(ids[8]) && !has(ids[7]));
    assert_eq!(t.api.call(CouponsIssueTopSpenders {}).unwrap().issued, 0);
}

// ---------------------------------------------------------------- consent and health

#[test]
fn a_cashier_is_refused_health_data_and_the_attempt_is_logged() {
    let t = cashier();
    let m = t.register_with_health_consent("13912345678", "张伟");
    let e = t.api.call(MemberHealthGet { member_id: m }).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = t
        .api
        .call(MemberHealthAdd {
            member_id: m,
            kind: HealthKind::Allergy,
            code: "青霉素类".into(),
            note: String::new(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert_eq!(t.count("SELECT count(*) FROM member_health_item"), 0);
    assert_eq!(
        t.count("SELECT count(*) FROM health_access_log WHERE action = 'denied'"),
        2
    );

    // The pharmacist records an allergy; the cashier then sees only the badge.
    t.login("2001", "2222");
    let rec = t
        .api
        .call(MemberHealthAdd {
            member_id: m,
            kind: HealthKind::Allergy,
            code: "青霉素类".into(),
            note: "皮疹".into(),
        })
        .unwrap();
    assert_eq!(rec.items.len(), 1);
    t.login("1001", "1111");
    let s = t
        .api
        .call(MemberFind {
            query: "13912345678".into(),
        })
        .unwrap();
    assert!(s[0].allergy_badge);
    t.login("3001", "3333");
    let log = t.api.call(MemberHealthLog { member_id: m }).unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|l| l.action.as_str()).collect();
    assert_eq!(actions, ["denied", "denied", "add", "read"]);
}

#[test]
fn withdrawing_health_consent_hides_the_health_part() {
    let t = cashier();
    let m = t.register_with_health_consent("13912345678", "张伟");
    t.login("2001", "2222");
    for (kind, code, note) in [
        (HealthKind::Allergy, "头孢菌素类", ""),
        (HealthKind::Condition, "高血压", ""),
        (
            HealthKind::Medicine,
            "other",
            "苯磺酸氨氯地平片 5mg 每日一次",
        ),
    ] {
        t.api
            .call(MemberHealthAdd {
                member_id: m,
                kind,
                code: code.into(),
                note: note.into(),
            })
            .unwrap();
    }
    assert_eq!(
        t.api
            .call(MemberHealthGet { member_id: m })
            .unwrap()
            .items
            .len(),
        3
    );
    let p = t
        .api
        .call(MemberConsent {
            member_id: m,
            scope: ConsentScope::Health,
            grant: false,
            notice_version: None,
        })
        .unwrap();
    assert!(!p.health_consent && p.basic_consent);
    let rec = t.api.call(MemberHealthGet { member_id: m }).unwrap();
    assert!(!rec.consent);
    assert!(rec.items.is_empty(), "hidden after withdrawal");
    assert!(!p.summary.allergy_badge, "no badge either");
    let allergens = t
        .api
        .store()
        .read(|c| member::health::allergen_classes(c, m))
        .unwrap();
    assert!(allergens.is_empty());
    // Nothing new may be recorded without consent.
    let e = t
        .api
        .call(MemberHealthAdd {
            member_id: m,
            kind: HealthKind::Group,
            code: "老人".into(),
            note: String::new(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::HealthConsentRequired);
    // Basic consent cannot be withdrawn on its own: that is anonymization.
    let e = t
        .api
        .call(MemberConsent {
            member_id: m,
            scope: ConsentScope::Basic,
            grant: false,
            notice_version: None,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ConsentRequired);
    // Granting again shows the items, which were hidden, not deleted.
    t.api
        .call(MemberConsent {
            member_id: m,
            scope: ConsentScope::Health,
            grant: true,
            notice_version: Some("2026-11".into()),
        })
        .unwrap();
    assert_eq!(
        t.api
            .call(MemberHealthGet { member_id: m })
            .unwrap()
            .items
            .len(),
        3
    );
    let consent_events = t.count("SELECT count(*) FROM outbox WHERE kind = 'member.consent@1'");
    assert_eq!(
        consent_events, 4,
        "basic + health at registration, withdraw, grant"
    );
}

#[test]
fn health_items_from_outside_the_controlled_list_need_a_note() {
    let t = cashier();
    let m = t.register_with_health_consent("13912345678", "张伟");
    t.login("2001", "2222");
    let add = |code: &str, note: &str| {
        t.api.call(MemberHealthAdd {
            member_id: m,
            kind: HealthKind::Allergy,
            code: code.into(),
            note: note.into(),
        })
    };
    assert_eq!(
        add("海鲜", "").unwrap_err().code,
        ErrorCode::InvalidHealthItem
    );
    assert_eq!(
        add("other", "").unwrap_err().code,
        ErrorCode::InvalidHealthItem
    );
    let rec = add("other", "芒果").unwrap();
    let item = rec.items[0].id;
    let allergens = t
        .api
        .store()
        .read(|c| member::health::allergen_classes(c, m))
        .unwrap();
    assert_eq!(allergens, ["芒果"]);
    let rec = t
        .api
        .call(MemberHealthRemove {
            member_id: m,
            item_id: item,
        })
        .unwrap();
    assert!(rec.items.is_empty());
    assert_eq!(
        t.count("SELECT count(*) FROM member_health_item WHERE removed_by IS NOT NULL"),
        1,
        "the removed row stays with who removed it"
    );
}

// ---------------------------------------------------------------- privacy: export, anonymize

#[test]
fn anonymizing_removes_personal_fields_and_keeps_the_facts() {
    let t = cashier();
    let m = t
        .api
        .call(NewMember {
            birthday: Some("1980-05-17".into()),
            address: Some("浦东新区 1 号".into()),
            health_consent: true,
            ..new_member("13912345678", "张伟")
        })
        .unwrap()
        .member
        .id;
    t.earn(m, 120);
    t.spend(m, 5_000);
    t.api
        .call(MemberUpdate {
            member_id: m,
            changes: MemberChanges {
                name: Some("张伟明".into()),
                ..Default::default()
            },
        })
        .unwrap();
    t.login("3001", "3333");
    t.api
        .call(MemberHealthAdd {
            member_id: m,
            kind: HealthKind::Allergy,
            code: "青霉素类".into(),
            note: String::new(),
        })
        .unwrap();
    let e = t
        .api
        .call(MemberAnonymize {
            member_id: m,
            reason: "".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReasonRequired);
    let s = t
        .api
        .call(MemberAnonymize {
            member_id: m,
            reason: "会员本人申请注销".into(),
        })
        .unwrap();
    assert!(s.anonymized);
    assert_eq!(s.name, "已注销会员");
    assert_eq!(s.points_balance, 120, "points entries stay");
    let leftover = t.count(
        "SELECT count(*) FROM member WHERE phone <> '' OR address <> '' OR birthday IS NOT NULL",
    );
    assert_eq!(leftover, 0);
    assert_eq!(t.count("SELECT count(*) FROM member_health_item"), 0);
    assert_eq!(
        t.count("SELECT count(*) FROM member_field_edit WHERE old_value IS NOT NULL OR new_value IS NOT NULL"),
        0
    );
    assert_eq!(
        t.count("SELECT count(*) FROM member_spend"),
        1,
        "sales facts stay"
    );
    // The phone is free for a new registration; the old member cannot be found or changed.
    assert!(t
        .api
        .call(MemberFind {
            query: "13912345678".into()
        })
        .unwrap()
        .is_empty());
    let e = t
        .api
        .call(MemberUpdate {
            member_id: m,
            changes: MemberChanges {
                name: Some("x".into()),
                ..Default::default()
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::MemberAnonymized);
    assert!(
        t.api
            .call(new_member("13912345678", "张伟"))
            .unwrap()
            .created
    );
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'member.anonymized@1'"),
        1
    );
}

#[test]
fn a_member_exports_as_json_with_everything_on_file() {
    let t = cashier();
    let m = t.register_with_health_consent("13912345678", "张伟");
    t.earn(m, 50);
    let e = t
        .api
        .call(MemberExportFile {
            member_id: m,
            format: ExportFormat::Json,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "not for cashiers");
    t.login("2001", "2222");
    t.api
        .call(MemberHealthAdd {
            member_id: m,
            kind: HealthKind::Condition,
            code: "糖尿病".into(),
            note: String::new(),
        })
        .unwrap();
    let f = t
        .api
        .call(MemberExportFile {
            member_id: m,
            format: ExportFormat::Json,
        })
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&f.path).unwrap()).unwrap();
    assert_eq!(
        json["profile"]["phone"], "13912345678",
        "the member's own data, whole"
    );
    assert_eq!(json["health"][0]["code"], "糖尿病");
    assert_eq!(json["points"][0]["points"], 50);
    assert_eq!(json["consents"].as_array().unwrap().len(), 2);
    assert!(f.path.contains("exports"));
}

#[test]
fn ownership_is_handed_over_in_bulk() {
    let t = cashier();
    let a = t.register("13912345678", "张伟");
    let b = t.register("13800001111", "李娜");
    let cashier_id = t.me();
    t.login("3001", "3333");
    let staff = t.api.call(StaffList {}).unwrap();
    let pharmacist = staff.iter().find(|s| s.staff_no == "2001").unwrap().id;
    let n = t
        .api
        .call(MemberTransferOwner {
            from_staff_id: cashier_id,
            to_staff_id: pharmacist,
        })
        .unwrap();
    assert_eq!(n, 2);
    for m in [a, b] {
        let p = t.api.call(MemberGet { member_id: m }).unwrap();
        assert_eq!(p.owner_name.as_deref(), Some("李建国"));
        assert_eq!(
            p.registered_by_name.as_deref(),
            Some("王晓燕"),
            "who registered stays"
        );
    }
}

#[test]
fn a_member_is_attached_to_the_sale_and_shows_in_the_cart() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    let cart = t.api.call(CartOpen {}).unwrap();
    let cart = t
        .api
        .call(CartSetMember {
            cart_id: cart.id,
            member_id: Some(m),
        })
        .unwrap();
    let member = cart.member.expect("attached");
    assert_eq!(member.phone_masked, "139****5678");
    // The draft survives a restart with its member.
    let again = t.api.call(CartOpen {}).unwrap();
    assert_eq!(again.member.map(|m| m.id), Some(m));
    let cart = t
        .api
        .call(CartSetMember {
            cart_id: cart.id,
            member_id: None,
        })
        .unwrap();
    assert!(cart.member.is_none());
}

#[test]
fn the_profile_names_this_store_and_leaves_other_stores_as_ids() {
    let t = cashier();
    let m = t.register("13912345678", "张伟");
    t.spend(m, 5_000);
    // (profile's store name, first purchase's store name)
    let names = || {
        let profile = t.api.call(MemberGet { member_id: m }).unwrap();
        let bought = t
            .api
            .call(MemberPurchases {
                member_id: m,
                limit: None,
            })
            .unwrap();
        (profile.store_name, bought[0].store_name.clone())
    };
    let own = Some("SH001 康宁大药房（演示店）".to_owned());
    assert_eq!(names(), (own.clone(), own));

    // A member and a purchase from another store of the chain (as the nightly sync brings them).
    let other = "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b";
    t.api
        .store()
        .write(|tx| {
            tx.execute("UPDATE member SET store_id = ?1", [other])?;
            tx.execute("UPDATE member_spend SET store_id = ?1", [other])?;
            Ok(())
        })
        .unwrap();
    assert_eq!(names(), (None, None));
    let p = t.api.call(MemberGet { member_id: m }).unwrap();
    assert_eq!(p.store_id, other, "the id is still there for the tooltip");
}
