//! The member programme (issue 10): classes, dormant and slipping members, points expiring,
//! birthdays and the sales figures, on members registered through the API and an injected clock.
//! Spend facts are recorded with `tier::record_spend` (what a sale, a return or sync records).

mod common;

use chrono::{Duration, NaiveDate};
use common::counter::*;
use common::Till;
use pos_core::api::*;
use pos_core::clock::Clock;
use pos_core::ids::MemberId;
use pos_core::member::analytics::{self, MemberClass, MemberSet, Period};
use pos_core::member::NewMember;
use pos_core::money::Money;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Noon in China on `day`.
fn noon(day: &str) -> chrono::DateTime<chrono::Utc> {
    at(&format!("{day}T04:00:00Z"))
}

impl Till {
    fn registered(&self, n: u32, birthday: Option<&str>) -> MemberId {
        self.api
            .call(NewMember {
                phone: format!("139{:08}", n),
                name: format!("会员{n}"),
                birthday: birthday.map(str::to_owned),
                basic_consent: true,
                ..Default::default()
            })
            .unwrap()
            .member
            .id
    }

    /// A spend fact of `fen` for `member` on `day` (a sale when > 0, a return when < 0).
    fn spent(&self, member: MemberId, day: &str, fen: i64) {
        let back = self.clock.now();
        self.clock.set(noon(day));
        let id = uuid::Uuid::now_v7().to_string();
        self.api
            .store()
            .write(|tx| pos_core::member::tier::record_spend(tx, &id, member, fen, "sale"))
            .unwrap();
        self.clock.set(back);
    }

    fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    fn ids(&self, set: MemberSet) -> Vec<MemberId> {
        let today = self.today();
        self.api
            .store()
            .read(|c| analytics::member_ids(c, today, &set))
            .unwrap()
    }

    fn figures(&self, period: Period) -> analytics::ProgrammeFigures {
        let today = self.today();
        self.api
            .store()
            .read(|c| analytics::figures(c, today, period))
            .unwrap()
    }
}

fn sorted(mut v: Vec<MemberId>) -> Vec<MemberId> {
    v.sort_by_key(|m| m.0);
    v
}

#[test]
fn classes_cut_at_the_top_five_and_next_fifteen_percent_and_never_split_a_tie() {
    let t = cashier();
    t.clock.set(noon("2026-11-30"));
    // 40 members who spent 1.00 … 40.00 in the last month, one who never bought.
    let members: Vec<MemberId> = (1..=40).map(|i| t.registered(i, None)).collect();
    for (i, m) in members.iter().enumerate() {
        t.spent(*m, "2026-11-10", (i as i64 + 1) * 100);
    }
    let never = t.registered(99, None);
    // A = ceil(5 % of 40) = 2 members, B = ceil(20 % of 40) − 2 = 6 members.
    let expect_a: Vec<MemberId> = members[38..].to_vec();
    let expect_b: Vec<MemberId> = members[32..38].to_vec();
    assert_eq!(
        sorted(t.ids(MemberSet::Class {
            class: MemberClass::A
        })),
        sorted(expect_a.clone())
    );
    assert_eq!(
        sorted(t.ids(MemberSet::Class {
            class: MemberClass::B
        })),
        sorted(expect_b)
    );
    assert_eq!(
        t.ids(MemberSet::Class {
            class: MemberClass::C
        })
        .len(),
        32
    );
    assert_eq!(
        t.ids(MemberSet::Class {
            class: MemberClass::Zero
        }),
        vec![never]
    );
    // The A list is ordered by spend, highest first.
    assert_eq!(
        t.ids(MemberSet::Class {
            class: MemberClass::A
        }),
        vec![members[39], members[38]]
    );

    // Member 38 now ties with the last A member (39.00): the tie is in A, not split.
    t.spent(members[37], "2026-11-11", 100);
    let a = t.ids(MemberSet::Class {
        class: MemberClass::A,
    });
    assert_eq!(a.len(), 3, "{a:?}");
    assert!(a.contains(&members[37]));

    // The figures count the same classes, and their spend shares add up.
    let f = t.figures(Period::last_30_days(t.today()));
    let count = |c: MemberClass| f.classes.iter().find(|x| x.class == c).unwrap().members;
    assert_eq!(count(MemberClass::A), 3);
    assert_eq!(count(MemberClass::Zero), 1);
    assert_eq!(
        f.classes.iter().map(|c| c.members).sum::<u32>(),
        f.active_members
    );
    let spend_a: i64 = [40, 39, 39].iter().map(|y| y * 100).sum();
    assert_eq!(
        f.classes
            .iter()
            .find(|x| x.class == MemberClass::A)
            .unwrap()
            .spend,
        Money::from_fen(spend_a)
    );
    assert_eq!(f.cutoffs.a_from, Some(Money::from_fen(3900)));
}

#[test]
fn a_store_with_fewer_than_twenty_spenders_still_has_an_a_member() {
    let t = cashier();
    t.clock.set(noon("2026-11-30"));
    let members: Vec<MemberId> = (1..=7).map(|i| t.registered(i, None)).collect();
    for (i, m) in members.iter().enumerate() {
        t.spent(*m, "2026-11-01", (i as i64 + 1) * 1000);
    }
    // ceil(5 % of 7) = 1 A; ceil(20 % of 7) = 2, so 1 B.
    assert_eq!(
        t.ids(MemberSet::Class {
            class: MemberClass::A
        }),
        vec![members[6]]
    );
    assert_eq!(
        t.ids(MemberSet::Class {
            class: MemberClass::B
        }),
        vec![members[5]]
    );
    // A net return that takes a member to 0 makes them zero-spend.
    t.spent(members[0], "2026-11-02", -1000);
    assert!(t
        .ids(MemberSet::Class {
            class: MemberClass::Zero
        })
        .contains(&members[0]));
}

#[test]
fn dormant_starts_on_the_ninetieth_day_without_a_purchase() {
    let t = cashier();
    let today = "2026-11-30";
    t.clock.set(noon(today));
    let (a, b, c, d_) = (
        t.registered(1, None),
        t.registered(2, None),
        t.registered(3, None),
        t.registered(4, None),
    );
    let day = |n: i64| (d(today) - Duration::days(n)).to_string();
    t.spent(a, &day(89), 5000); // 89 days ago: still active
    t.spent(b, &day(90), 5000); // 90 days ago: dormant
    t.spent(c, &day(200), 5000); // long ago
    t.spent(c, &day(10), -100); // a return is not a purchase: still dormant
                                // Many spenders above them, so they are not A/B.
    for i in 10..30 {
        let m = t.registered(i, None);
        t.spent(m, &day(5), 100_000);
    }
    let dormant = t.ids(MemberSet::Dormant);
    assert!(!dormant.contains(&a));
    assert!(dormant.contains(&b));
    assert!(dormant.contains(&c));
    assert!(
        !dormant.contains(&d_),
        "never bought: zero-spend, not dormant"
    );
    let class_d = t.ids(MemberSet::Class {
        class: MemberClass::D,
    });
    assert_eq!(sorted(class_d), sorted(vec![b, c]));
    assert!(t
        .ids(MemberSet::Class {
            class: MemberClass::C
        })
        .contains(&a));
}

#[test]
fn slipping_is_a_drop_of_half_or_more_against_the_previous_ninety_days() {
    let t = cashier();
    let today = "2026-11-30";
    t.clock.set(noon(today));
    let day = |n: i64| (d(today) - Duration::days(n)).to_string();
    let (half, less, steady, gone) = (
        t.registered(1, None),
        t.registered(2, None),
        t.registered(3, None),
        t.registered(4, None),
    );
    // The previous period is days 90–179 ago, the current one days 0–89 ago.
    for m in [half, less, steady, gone] {
        t.spent(m, &day(179), 10_000);
    }
    t.spent(half, &day(89), 5_000); // exactly half: slipping
    t.spent(less, &day(0), 5_001); // a fen more than half: not slipping
    t.spent(steady, &day(30), 10_000);
    // `gone` bought nothing since: dormant, not slipping.
    let slipping = t.ids(MemberSet::Slipping);
    assert_eq!(slipping, vec![half]);
    assert!(t.ids(MemberSet::Dormant).contains(&gone));
    let f = t.figures(Period::last_30_days(t.today()));
    assert_eq!(f.slipping, 1);
    assert_eq!(f.dormant, 1);
}

#[test]
fn points_expiring_lists_follow_the_lots_expiry_dates() {
    let t = cashier();
    // Points given in 2025 expire at the end of 2026; points given in 2026 at the end of 2027.
    t.clock.set(noon("2025-06-01"));
    let old = t.registered(1, None);
    t.give_points(old, 800);
    t.clock.set(noon("2026-03-01"));
    let new = t.registered(2, None);
    t.give_points(new, 500);
    t.give_points(old, 300);

    assert_eq!(
        sorted(t.ids(MemberSet::PointsHolders)),
        sorted(vec![old, new])
    );
    assert_eq!(t.ids(MemberSet::All).len(), 2);
    let expiring = |t: &Till, days: u32| t.ids(MemberSet::PointsExpiring { days });
    t.clock.set(noon("2026-12-01"));
    assert_eq!(expiring(&t, 30), vec![old]); // 31 Dec is 30 days away
    assert!(expiring(&t, 7).is_empty());
    t.clock.set(noon("2026-12-24"));
    assert_eq!(expiring(&t, 7), vec![old]);
    assert!(expiring(&t, 1).is_empty());
    t.clock.set(noon("2026-12-30"));
    assert_eq!(expiring(&t, 1), vec![old]);
    let f = t.figures(Period::last_30_days(t.today()));
    assert_eq!(f.points.expiring_year_end, 800);
    assert_eq!(f.points.expiring_value, Money::from_fen(800));
    assert_eq!(f.points.outstanding, 1600);
    assert_eq!(f.points.outstanding_value, Money::from_fen(1600));
    // Points used come from the oldest lot first: the expiring lot shrinks.
    t.login("3001", "3333");
    t.api
        .call(PointsAdjust {
            member_id: old,
            points: -500,
            reason: "测试".into(),
        })
        .unwrap();
    let f = t.figures(Period::last_30_days(t.today()));
    assert_eq!(f.points.expiring_year_end, 300);
    assert_eq!(expiring(&t, 1), vec![old]);
}

#[test]
fn a_member_born_on_29_february_has_the_birthday_on_the_28th_in_other_years() {
    let t = cashier();
    t.clock.set(noon("2027-02-27"));
    let leap = t.registered(1, Some("2000-02-29"));
    let on_28 = t.registered(2, Some("1990-02-28"));
    let march = t.registered(3, Some("1980-03-01"));
    assert_eq!(
        sorted(t.ids(MemberSet::BirthdaysTomorrow)),
        sorted(vec![leap, on_28])
    );
    t.clock.set(noon("2028-02-27"));
    assert_eq!(t.ids(MemberSet::BirthdaysTomorrow), vec![on_28]);
    t.clock.set(noon("2028-02-28"));
    assert_eq!(t.ids(MemberSet::BirthdaysTomorrow), vec![leap]);
    t.clock.set(noon("2028-02-29"));
    assert_eq!(t.ids(MemberSet::BirthdaysTomorrow), vec![march]);
    assert_eq!(
        sorted(t.ids(MemberSet::BirthdaysThisMonth)),
        sorted(vec![leap, on_28])
    );
    let f = t.figures(Period::last_30_days(t.today()));
    assert_eq!((f.birthdays_tomorrow, f.birthdays_this_month), (1, 2));
}

#[test]
fn member_share_and_average_tickets_equal_the_sums_of_the_sales() {
    let t = cashier();
    t.clock.set(noon("2026-11-24"));
    let zhang = t.registered(1, None);
    let li = t.registered(2, None);
    let basket: [(&str, i64, Option<MemberId>); 5] = [
        ("6909203051489", 2, Some(zhang)),
        ("6904511060918", 1, None),
        ("6939512067970", 3, Some(li)),
        ("6909203051489", 1, Some(zhang)),
        ("6939512067970", 1, None),
    ];
    let mut paid: Vec<(i64, bool, Option<MemberId>)> = Vec::new();
    for (code, qty, member) in basket {
        let mut c = t.cart();
        c = t.scan(&c, code, qty).unwrap();
        if let Some(m) = member {
            c = t.attach(&c, m);
        }
        let due = c.pricing.payable;
        let s = t.pay(&c, vec![cash(&due.to_string())]).unwrap();
        paid.push((s.payable.fen(), member.is_some(), member));
    }
    let total: i64 = paid.iter().map(|p| p.0).sum();
    let member_total: i64 = paid.iter().filter(|p| p.1).map(|p| p.0).sum();
    let member_n = paid.iter().filter(|p| p.1).count() as i64;
    let other_n = paid.len() as i64 - member_n;
    let f = t.figures(Period {
        from: d("2026-11-24"),
        to: d("2026-11-24"),
    });
    assert_eq!(f.sales.total, Money::from_fen(total));
    assert_eq!(f.sales.member_total, Money::from_fen(member_total));
    assert_eq!(f.sales.count, 5);
    assert_eq!(f.sales.member_count, 3);
    // Half up to the fen, computed here independently.
    let avg = |sum: i64, n: i64| ((sum * 10 / n) + 5) / 10;
    assert_eq!(f.sales.member_ticket.fen(), avg(member_total, member_n));
    assert_eq!(
        f.sales.non_member_ticket.fen(),
        avg(total - member_total, other_n)
    );
    let pct = (member_total * 1000 * 10 / total + 5) / 10;
    assert_eq!(
        f.sales.member_share_pct,
        format!("{}.{}", pct / 10, pct % 10)
    );
    assert_eq!(f.sales.buying_members, 2);
    assert_eq!(f.sales.visits_per_member, "1.5");
    // The buyers' list is the two members, the bigger spender first.
    let zhang_total: i64 = paid
        .iter()
        .filter(|p| p.2 == Some(zhang))
        .map(|p| p.0)
        .sum();
    let li_total: i64 = paid.iter().filter(|p| p.2 == Some(li)).map(|p| p.0).sum();
    let buyers = t.ids(MemberSet::Buyers { period: f.period });
    assert_eq!(
        buyers,
        if zhang_total >= li_total {
            vec![zhang, li]
        } else {
            vec![li, zhang]
        }
    );
    // New members of the day, by owner (the cashier who registered them).
    assert_eq!(f.new_members.total, 2);
    assert_eq!(f.new_members.by_day[0].key, "2026-11-24");
    assert_eq!(f.new_members.by_owner[0].members, 2);
}

fn consenting(t: &Till, n: u32, birthday: &str, contact: bool) -> MemberId {
    t.api
        .call(NewMember {
            phone: format!("137{:08}", n),
            name: format!("关怀{n}"),
            birthday: Some(birthday.to_owned()),
            basic_consent: true,
            contact_consent: contact,
            ..Default::default()
        })
        .unwrap()
        .member
        .id
}

#[test]
fn care_lists_and_message_lists_hold_only_members_who_consented_to_contact() {
    let t = cashier();
    t.clock.set(noon("2026-11-29"));
    let yes = consenting(&t, 1, "1970-11-30", true);
    let withdrew = consenting(&t, 2, "1980-11-30", true);
    let never = consenting(&t, 3, "1990-11-30", false);
    t.api
        .call(MemberConsent {
            member_id: withdrew,
            scope: pos_core::member::consent::ConsentScope::Contact,
            grant: false,
            notice_version: None,
        })
        .unwrap();
    // All three have their birthday tomorrow.
    assert_eq!(t.ids(MemberSet::BirthdaysTomorrow).len(), 3);

    // The cashier may not open the care lists.
    let refused = t
        .api
        .call(CareListGet {
            list: pos_core::member::care::CareList::BirthdaysTomorrow,
        })
        .unwrap_err();
    assert_eq!(refused.code.as_str(), "FORBIDDEN");

    t.login("3001", "3333");
    let view = t
        .api
        .call(CareListGet {
            list: pos_core::member::care::CareList::BirthdaysTomorrow,
        })
        .unwrap();
    assert_eq!(
        view.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![yes]
    );
    assert_eq!(view.without_consent, 2);
    assert!(view.rows[0].phone_masked.contains("****"));

    let saved = t
        .api
        .call(CareListExport {
            list: pos_core::member::care::CareList::BirthdaysTomorrow,
            kind: CareExportKind::MessageList,
            format: ReportExportFormat::Csv,
        })
        .unwrap();
    let csv = std::fs::read_to_string(&saved.path).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "手机号,姓名,短信内容");
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with("13700000001,关怀1,"), "{}", lines[1]);
    assert!(lines[1].contains("明天是您的生日"));
    assert!(!csv.contains("13700000002") && !csv.contains("13700000003"));
    // The export with whole numbers is in the audit log.
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'care_list.export'"),
        1
    );

    // The call list (XLSX is the renderer's; CSV here) has the whole number too.
    let call = t
        .api
        .call(CareListExport {
            list: pos_core::member::care::CareList::BirthdaysTomorrow,
            kind: CareExportKind::CallList,
            format: ReportExportFormat::Csv,
        })
        .unwrap();
    let call_csv = std::fs::read_to_string(&call.path).unwrap();
    assert!(call_csv.contains("13700000001"));
    assert!(!call_csv.contains("13700000002"));

    // A care call is logged only for a member who consented.
    let input = |m| ContactInput {
        member_id: m,
        channel: pos_core::member::care::ContactChannel::Phone,
        topic: pos_core::member::care::ContactTopic::Birthday,
        answer: pos_core::member::care::ContactAnswer::Reached,
        note: "祝福已送达".into(),
    };
    for m in [withdrew, never] {
        assert_eq!(
            t.api.call(input(m)).unwrap_err().code.as_str(),
            "CONTACT_CONSENT_REQUIRED"
        );
    }
    let entry = t.api.call(input(yes)).unwrap();
    assert_eq!(entry.note, "祝福已送达");
    let log = t.api.call(MemberContacts { member_id: yes }).unwrap();
    assert_eq!(log, vec![entry]);
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'member.contacted@1'"),
        1
    );
}

#[test]
fn campaigns_run_twice_in_a_period_issue_nothing_new() {
    let t = cashier();
    t.clock.set(noon("2026-11-02"));
    // Born in November: registered before November, so no birthday coupon at registration.
    t.clock.set(noon("2026-10-20"));
    let born_nov: Vec<MemberId> = (1..=3)
        .map(|i| consenting(&t, i, "1975-11-15", false))
        .collect();
    let born_dec = consenting(&t, 9, "1975-12-15", false);
    for (i, m) in born_nov.iter().enumerate() {
        t.spent(*m, "2026-10-21", (i as i64 + 1) * 10_000);
    }
    t.clock.set(noon("2026-11-02"));
    t.login("3001", "3333");
    let birthday = |t: &Till| {
        t.api
            .call(CampaignRunCmd {
                kind: pos_core::member::care::CampaignKind::Birthday,
            })
            .unwrap()
    };
    let first = birthday(&t);
    assert_eq!((first.eligible, first.issued, first.already), (3, 3, 0));
    let again = birthday(&t);
    assert_eq!((again.eligible, again.issued, again.already), (3, 0, 3));
    assert_eq!(
        t.count("SELECT count(*) FROM coupon WHERE kind = 'birthday'"),
        3
    );
    let _ = born_dec;
    let top = |t: &Till| {
        t.api
            .call(CampaignRunCmd {
                kind: pos_core::member::care::CampaignKind::TopSpender,
            })
            .unwrap()
    };
    let first = top(&t);
    // 3 spenders: A = 1, B = ceil(0.6) − 1 = 0.
    assert_eq!((first.eligible, first.issued), (1, 1));
    assert_eq!(top(&t).issued, 0);
    // Next month the top-spender coupon is issued again.
    t.clock.set(noon("2026-12-01"));
    assert_eq!(top(&t).issued, 1);
    assert_eq!(t.count("SELECT count(*) FROM campaign_run"), 5);
}

#[test]
fn the_class_a_export_lists_the_same_members_as_the_core() {
    let t = cashier();
    t.clock.set(noon("2026-11-30"));
    let members: Vec<MemberId> = (1..=30).map(|i| t.registered(i, None)).collect();
    for (i, m) in members.iter().enumerate() {
        t.spent(*m, "2026-11-10", (i as i64 + 1) * 1000);
    }
    let a = t.ids(MemberSet::Class {
        class: MemberClass::A,
    });
    assert_eq!(a, vec![members[29], members[28]]);
    t.login("3001", "3333");
    let page = t
        .api
        .call(MemberList {
            set: MemberSet::Class {
                class: MemberClass::A,
            },
            page: Some(0),
            page_size: Some(1),
        })
        .unwrap();
    assert_eq!((page.total, page.rows.len()), (2, 1));
    assert_eq!(page.rows[0].id, a[0]);
    assert_eq!(page.rows[0].spend_12m, Money::from_fen(30_000));
    let saved = t
        .api
        .call(MemberListExport {
            set: MemberSet::Class {
                class: MemberClass::A,
            },
            format: ReportExportFormat::Csv,
        })
        .unwrap();
    let csv = std::fs::read_to_string(&saved.path).unwrap();
    // The masked phones of exactly the A members, and no whole number.
    for (i, m) in members.iter().enumerate() {
        let masked = format!("139****{:04}", i + 1);
        assert_eq!(csv.contains(&masked), a.contains(m), "{masked}");
    }
    assert!(!csv.contains("13900000030"));
}

#[test]
fn each_staff_member_sees_the_members_they_own_with_the_care_reasons_of_today() {
    let t = cashier();
    // Registered three weeks ago, no birthday soon: no care reason today.
    t.clock.set(noon("2026-11-08"));
    let mine_quiet = consenting(&t, 2, "1970-05-01", false);
    t.clock.set(noon("2026-11-29"));
    let mine = consenting(&t, 1, "1970-11-30", true);
    t.login("2001", "2222");
    let theirs = consenting(&t, 3, "1970-11-30", true);
    t.login("1001", "1111");
    let list = t.api.call(OwnerWorklistGet::default()).unwrap();
    assert_eq!(list.total, 2);
    let ids: Vec<MemberId> = list.members.iter().map(|m| m.member.id).collect();
    assert_eq!(ids[0], mine, "the member with a care reason first");
    assert!(ids.contains(&mine_quiet) && !ids.contains(&theirs));
    let first = &list.members[0];
    assert_eq!(
        first.reasons,
        vec![
            pos_core::member::care::CareList::BirthdaysTomorrow,
            pos_core::member::care::CareList::NewToThank
        ]
    );
    assert_eq!(first.phone.as_deref(), Some("13700000001"));
    assert_eq!(list.members[1].phone, None, "no contact consent, no number");
    assert!(list.members[1].reasons.is_empty());
    // Someone else's list is the manager's to open.
    let pharmacist: pos_core::ids::StaffId = t
        .api
        .store()
        .read(|c| {
            Ok(
                c.query_row("SELECT id FROM staff WHERE staff_no = '2001'", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    let other = t.api.call(OwnerWorklistGet {
        owner: Some(pharmacist),
        limit: None,
    });
    assert_eq!(other.unwrap_err().code.as_str(), "FORBIDDEN");
}

/// The classes, lists and figures are held between calls (member/analytics/held.rs); a spend
/// fact recorded later the same day, a return, a write that is rolled back and a member leaving
/// must each show in the next call, as a first call on the same data would.
#[test]
fn what_is_held_between_calls_follows_each_later_change() {
    let t = cashier();
    t.clock.set(noon("2026-11-30"));
    let members: Vec<MemberId> = (1..=20).map(|i| t.registered(i, None)).collect();
    for (i, m) in members.iter().enumerate() {
        t.spent(*m, "2026-11-10", (i as i64 + 1) * 100);
    }
    let a = |t: &Till| {
        t.ids(MemberSet::Class {
            class: MemberClass::A,
        })
    };
    let top = |t: &Till| {
        let f = t.figures(Period::last_30_days(t.today()));
        (f.cutoffs.a_from, f.cutoffs.spenders, f.active_members)
    };
    // A = the top 5 % of 20 = 1 member.
    assert_eq!(a(&t), vec![members[19]]);
    assert_eq!(top(&t), (Some(Money::from_fen(2000)), 20, 20));

    // A sale later the same day makes member 1 the top spender.
    t.spent(members[0], "2026-11-30", 5000);
    assert_eq!(a(&t), vec![members[0]]);
    assert_eq!(top(&t), (Some(Money::from_fen(5100)), 20, 20));
    // Its return puts member 20 back.
    t.spent(members[0], "2026-11-30", -5000);
    assert_eq!(a(&t), vec![members[19]]);
    assert_eq!(top(&t), (Some(Money::from_fen(2000)), 20, 20));

    // A write that reads the classes and is then rolled back leaves nothing behind: the next
    // committed fact (which may take the same row number) counts as itself.
    let today = t.today();
    let r: pos_core::Result<()> = t.api.store().write(|tx| {
        pos_core::member::tier::record_spend(tx, "rolled-back", members[1], 9000, "sale")?;
        let ids = analytics::member_ids(
            tx,
            today,
            &MemberSet::Class {
                class: MemberClass::A,
            },
        )?;
        assert_eq!(ids, vec![members[1]]);
        Err(pos_core::error::PosError::storage("rolled back"))
    });
    assert!(r.is_err());
    assert_eq!(a(&t), vec![members[19]]);
    t.spent(members[2], "2026-11-30", 8000);
    assert_eq!(a(&t), vec![members[2]]);
    assert_eq!(top(&t), (Some(Money::from_fen(8300)), 20, 20));

    // A member who leaves (anonymized) is out of the classes and the counts.
    let staff = t.api.store().read(pos_core::staff::list).unwrap()[0].id;
    t.api
        .store()
        .write(|tx| pos_core::member::anonymize(tx, staff, members[2], "会员要求注销"))
        .unwrap();
    assert_eq!(a(&t), vec![members[19]]);
    assert_eq!(top(&t), (Some(Money::from_fen(2000)), 19, 19));

    // The next day's classes are read for that day (the window moves).
    t.clock.set(noon("2026-12-01"));
    assert_eq!(a(&t), vec![members[19]]);
}
