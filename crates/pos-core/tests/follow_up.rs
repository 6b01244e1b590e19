//! Follow-ups (用药随访, rule 12) and the member health view, through the typed API on a real
//! store file with an injected clock: which sales make tasks and on which days, never twice,
//! returns closing them, refill reminders, outcomes and the next visit, consent, and the
//! cashier kept out (and logged).

mod common;

use chrono::Duration;
use common::counter::*;
use common::Till;
use pos_core::api::*;
use pos_core::ids::{FollowUpId, MemberId};
use pos_core::member::consent::ConsentScope;
use pos_core::member::NewMember;
use pos_core::pharmacy::follow_up::{
    Adherence, Advice, Channel, Effect, OutcomeInput, TaskKind, TaskStatus, Worklist,
};
use pos_core::sale::returns::ReturnReason;
use pos_core::sale::Sale;
use pos_core::ErrorCode;

/// 苯磺酸氨氯地平片: Rx, follow-up, 28 days a pack.
const AMLODIPINE: &str = "6906055036961";
/// 钙尔奇碳酸钙D3片: neither Rx nor follow-up, 60 days a pack.
const CALTRATE: &str = "6936765036333";

/// A member with (or without) health consent, born on `birthday`, registered by the cashier.
fn member(t: &Till, phone: &str, name: &str, birthday: &str, health: bool) -> MemberId {
    t.api
        .call(NewMember {
            phone: phone.into(),
            name: name.into(),
            birthday: Some(birthday.into()),
            basic_consent: true,
            health_consent: health,
            ..Default::default()
        })
        .unwrap()
        .member
        .id
}

/// A cash sale of `(barcode, quantity)` lines to `member` (the prescription recorded and
/// approved by the pharmacist when a line is Rx).
fn sell(t: &Till, member: Option<MemberId>, lines: &[(&str, i64)]) -> Sale {
    let mut c = t.cart();
    for (code, qty) in lines {
        c = t.scan(&c, code, *qty).unwrap();
    }
    if let Some(m) = member {
        c = t.attach(&c, m);
    }
    if c.lines.iter().any(|l| l.rx) {
        let prescription = serde_json::from_value(serde_json::json!({
            "hospital": "浦东新区人民医院",
            "doctor": "刘医生",
            "prescribed_on": "2026-11-22",
            "diagnosis": "高血压",
        }))
        .unwrap();
        t.api
            .call(CartSetPrescription {
                cart_id: c.id,
                prescription,
            })
            .unwrap();
        c = t
            .api
            .call(CartApproveRx {
                cart_id: c.id,
                pharmacist: pharmacist(),
            })
            .unwrap();
    }
    let due = c.pricing.payable;
    t.pay(&c, vec![cash(&due.to_string())]).unwrap()
}

fn worklist(t: &Till) -> Worklist {
    t.api.call(FollowUpList::default()).unwrap()
}

fn outcome(next: Option<String>) -> OutcomeInput {
    OutcomeInput {
        channel: Channel::Phone,
        effect: Effect::Good,
        adverse_reactions: String::new(),
        adherence: Adherence::Good,
        advice: Advice::Continue,
        note: "血压控制平稳".into(),
        next_due_on: next,
    }
}

fn tasks_of(t: &Till, sale: &Sale) -> i64 {
    t.count(&format!(
        "SELECT count(*) FROM follow_up_task WHERE sale_id = '{}'",
        sale.id
    ))
}

/// Moves the till's clock to 10:00 (China) on `date`.
fn on(t: &Till, date: &str) {
    t.clock.set(at(&format!("{date}T02:00:00Z")));
}

#[test]
fn an_rx_sale_to_a_70_year_old_makes_the_visits_on_the_schedule_days_and_never_twice() {
    let t = cashier();
    let m = member(&t, "13800138001", "王大爷", "1956-03-01", true);
    let s = sell(&t, Some(m), &[(AMLODIPINE, 1), (PARACETAMOL, 1)]);
    // The first visit (一期, day 3) about both lines (the age calls for every line), and the
    // refill reminder of the 28-day pack 3 days before it runs out.
    assert_eq!(tasks_of(&t, &s), 2);
    t.login("2001", "2222");
    let w = worklist(&t);
    assert_eq!(w.today, "2026-11-23");
    assert_eq!(w.counts.upcoming, 1, "{w:?}");
    assert_eq!((w.counts.due_today, w.counts.overdue), (0, 0));
    let v1 = &w.upcoming[0];
    assert_eq!(v1.kind, TaskKind::Visit);
    assert_eq!(v1.visit_no, Some(1));
    assert_eq!(v1.due_on, "2026-11-26");
    assert_eq!(v1.reasons, vec!["rx", "follow_up", "elderly"]);
    assert_eq!(v1.phone_masked, "138****8001");
    let refill: String = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT due_on FROM follow_up_task WHERE kind = 'refill'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(refill, "2026-12-18"); // 23 Nov + 28 days − 3

    // A retried write of the same sale adds nothing: the second pay is refused, and running
    // the scheduling again in a new write finds every key taken.
    let again = t
        .api
        .store()
        .write(|tx| {
            let sale = pos_core::sale::get(tx, s.id)?;
            pos_core::pharmacy::follow_up::schedule_sale(tx, &sale)
        })
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(tasks_of(&t, &s), 2);
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'followup.scheduled@1'"),
        1
    );

    // Day 3: due today. Each completion with the default next date schedules the next visit
    // of the schedule: day 7, 14, 21, 28 after the sale; after the fifth, none.
    let mut task = v1.id;
    let mut dues = vec![];
    for (n, day) in [
        "2026-11-26",
        "2026-11-30",
        "2026-12-07",
        "2026-12-14",
        "2026-12-21",
    ]
    .into_iter()
    .enumerate()
    {
        on(&t, day);
        let w = worklist(&t);
        let row = w
            .due_today
            .iter()
            .find(|r| r.kind == TaskKind::Visit)
            .unwrap_or_else(|| panic!("visit {} due on {day}: {w:?}", n + 1));
        assert_eq!(row.id, task);
        assert_eq!(row.visit_no, Some(n as u32 + 1));
        dues.push(row.due_on.clone());
        let d = t.api.call(FollowUpGet { task_id: task }).unwrap();
        let done = t
            .api
            .call(FollowUpComplete {
                task_id: task,
                outcome: outcome(d.default_next_due_on.clone()),
            })
            .unwrap();
        let o = done.outcome.expect("recorded");
        assert_eq!(done.task.status, TaskStatus::Done);
        assert_eq!(o.recorded_by_name.as_deref(), Some("李建国"));
        if n < 4 {
            task = o.next_task_id.expect("the next visit");
        } else {
            assert_eq!(d.default_next_due_on, None);
            assert_eq!(o.next_task_id, None);
        }
    }
    assert_eq!(
        dues,
        [
            "2026-11-26",
            "2026-11-30",
            "2026-12-07",
            "2026-12-14",
            "2026-12-21"
        ]
    );
    // A task is worked once.
    let e = t
        .api
        .call(FollowUpComplete {
            task_id: task,
            outcome: outcome(None),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::FollowUpNotOpen);
    assert_eq!(
        t.count("SELECT count(*) FROM follow_up_task WHERE kind = 'visit'"),
        5
    );
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'followup.completed@1'"),
        5
    );
}

#[test]
fn a_return_closes_the_open_tasks_of_the_lines_that_came_back() {
    let t = cashier();
    let m = member(&t, "13800138002", "李奶奶", "1950-07-15", true);
    let s = sell(&t, Some(m), &[(AMLODIPINE, 2), (PARACETAMOL, 1)]);
    assert_eq!(tasks_of(&t, &s), 2);
    let amlodipine = s.lines.iter().find(|l| l.barcode == AMLODIPINE).unwrap().id;
    let paracetamol = s
        .lines
        .iter()
        .find(|l| l.barcode == PARACETAMOL)
        .unwrap()
        .id;
    let refill_due = |t: &Till| -> String {
        t.api
            .store()
            .read(|c| {
                Ok(c.query_row(
                    "SELECT due_on FROM follow_up_task WHERE kind = 'refill'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap()
    };
    assert_eq!(refill_due(&t), "2027-01-15"); // 23 Nov + 2 × 28 days − 3

    // The paracetamol comes back: the visit is still about the amlodipine, so it stays open.
    t.ret(
        s.id,
        &[(paracetamol, 1)],
        ReturnReason::Damaged,
        "",
        manager(),
    )
    .unwrap();
    assert_eq!(
        t.count("SELECT count(*) FROM follow_up_task WHERE status = 'open'"),
        2
    );
    // One of the two amlodipine packs comes back: the refill reminder moves to the one left.
    t.ret(
        s.id,
        &[(amlodipine, 1)],
        ReturnReason::Damaged,
        "",
        manager(),
    )
    .unwrap();
    assert_eq!(refill_due(&t), "2026-12-18");
    assert_eq!(
        t.count("SELECT count(*) FROM follow_up_task WHERE status = 'open'"),
        2
    );
    // The last pack: everything of the sale is back, every open task is closed.
    t.ret(
        s.id,
        &[(amlodipine, 1)],
        ReturnReason::Damaged,
        "",
        manager(),
    )
    .unwrap();
    assert_eq!(
        t.count(
            "SELECT count(*) FROM follow_up_task WHERE status = 'closed' AND closed_reason = 'returned'"
        ),
        2
    );
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'followup.closed@1'"),
        1
    );
    t.login("2001", "2222");
    on(&t, "2026-11-26");
    let w = worklist(&t);
    assert_eq!(
        (w.counts.overdue, w.counts.due_today, w.counts.upcoming),
        (0, 0, 0)
    );
    // A closed task cannot be worked.
    let id: FollowUpId = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM follow_up_task WHERE kind = 'visit'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let e = t
        .api
        .call(FollowUpComplete {
            task_id: id,
            outcome: outcome(None),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::FollowUpNotOpen);

    // A whole return of a sale in one go closes all its tasks too.
    t.login("1001", "1111");
    let s2 = sell(&t, Some(m), &[(AMLODIPINE, 1)]);
    assert_eq!(tasks_of(&t, &s2), 2);
    let lines: Vec<_> = s2.lines.iter().map(|l| (l.id, l.quantity)).collect();
    t.ret(s2.id, &lines, ReturnReason::Damaged, "", manager())
        .unwrap();
    assert_eq!(
        t.count(&format!(
            "SELECT count(*) FROM follow_up_task WHERE sale_id = '{}' AND status = 'open'",
            s2.id
        )),
        0
    );
}

#[test]
fn a_refill_reminder_lands_three_days_before_the_supply_runs_out() {
    let t = cashier();
    // 36 years old, a product that is neither Rx nor follow-up: only the refill reminder.
    let m = member(&t, "13800138003", "张先生", "1990-01-10", true);
    let s = sell(&t, Some(m), &[(CALTRATE, 1)]);
    assert_eq!(tasks_of(&t, &s), 1);
    t.login("2001", "2222");
    on(&t, "2027-01-18");
    let w = worklist(&t);
    assert_eq!(w.counts.due_today, 0);
    assert_eq!(w.upcoming.len(), 1);
    // 60 days from 23 Nov is 22 Jan; three days before is 19 Jan.
    on(&t, "2027-01-19");
    let w = worklist(&t);
    assert_eq!(w.due_today.len(), 1, "{w:?}");
    let r = &w.due_today[0];
    assert_eq!((r.kind, r.visit_no), (TaskKind::Refill, None));
    assert_eq!(r.reasons, vec!["refill"]);
    let d = t.api.call(FollowUpGet { task_id: r.id }).unwrap();
    assert_eq!(d.lines.len(), 1);
    assert_eq!(d.lines[0].name, "钙尔奇碳酸钙D3片");
    assert_eq!(d.default_next_due_on, None);
    assert_eq!(d.phone, "13800138003");
    // Overdue the day after.
    on(&t, "2027-01-21");
    let w = worklist(&t);
    assert_eq!(w.counts.overdue, 1);
    assert_eq!(w.overdue[0].days_overdue, 2);

    // Bought again before the reminder: the old reminder is closed, the new one counts.
    t.login("1001", "1111");
    on(&t, "2027-01-05");
    let again = sell(&t, Some(m), &[(CALTRATE, 1)]);
    assert_eq!(tasks_of(&t, &again), 1);
    assert_eq!(
        t.count("SELECT count(*) FROM follow_up_task WHERE closed_reason = 'refilled'"),
        1
    );
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'followup.closed@1'"),
        1
    );
    // A walk-in cannot be called: no task. A child (under 12) is followed up like the elderly.
    t.login("1001", "1111");
    on(&t, "2026-11-24");
    let walk_in = sell(&t, None, &[(AMLODIPINE, 1)]);
    assert_eq!(tasks_of(&t, &walk_in), 0);
    let kid = member(&t, "13800138004", "小明", "2018-06-01", true);
    let s = sell(&t, Some(kid), &[(PARACETAMOL, 1)]);
    assert_eq!(tasks_of(&t, &s), 1);
    let reasons: String = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT reasons FROM follow_up_task WHERE sale_id = ?1",
                [s.id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(reasons, "child");
    // A 30-year-old buying paracetamol: nothing to follow up.
    let adult = member(&t, "13800138005", "赵女士", "1996-06-01", true);
    let s = sell(&t, Some(adult), &[(PARACETAMOL, 1)]);
    assert_eq!(tasks_of(&t, &s), 0);
}

#[test]
fn completing_records_the_outcome_and_an_adverse_reaction_goes_to_the_health_part() {
    let t = cashier();
    let m = member(&t, "13800138006", "陈阿姨", "1958-02-02", true);
    sell(&t, Some(m), &[(AMLODIPINE, 1)]);
    t.login("2001", "2222");
    on(&t, "2026-11-27"); // a day late
    let w = worklist(&t);
    assert_eq!(w.counts.overdue, 1);
    let id = w.overdue[0].id;
    let d = t.api.call(FollowUpGet { task_id: id }).unwrap();
    // The default next visit is day 7 of the schedule (30 Nov).
    assert_eq!(d.default_next_due_on.as_deref(), Some("2026-11-30"));
    assert_eq!(d.health.drugs_bought.len(), 1);
    assert!(d.health.drugs_bought[0].long_term && d.health.drugs_bought[0].rx);
    // A next date that is not after today is refused.
    let mut o = outcome(Some("2026-11-27".into()));
    o.adverse_reactions = "脚踝轻度水肿".into();
    o.advice = Advice::SeeDoctor;
    o.channel = Channel::Wechat;
    o.effect = Effect::Partial;
    o.adherence = Adherence::Partial;
    let e = t
        .api
        .call(FollowUpComplete {
            task_id: id,
            outcome: o.clone(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidFollowUp);
    o.next_due_on = Some("2026-12-04".into());
    let done = t
        .api
        .call(FollowUpComplete {
            task_id: id,
            outcome: o,
        })
        .unwrap();
    let out = done.outcome.unwrap();
    assert_eq!(
        (out.channel, out.effect, out.adherence, out.advice),
        (
            Channel::Wechat,
            Effect::Partial,
            Adherence::Partial,
            Advice::SeeDoctor
        )
    );
    assert_eq!(out.next_due_on.as_deref(), Some("2026-12-04"));
    // The adverse reaction is in the health part, and the history shows the outcome.
    let v = t.api.call(MemberHealthViewGet { member_id: m }).unwrap();
    assert!(v.consent);
    assert_eq!(v.age, Some(68));
    assert_eq!(v.reactions.len(), 1);
    assert!(v.reactions[0].note.contains("苯磺酸氨氯地平片"));
    assert!(v.reactions[0].note.contains("脚踝轻度水肿"));
    assert_eq!(v.follow_ups.len(), 3, "visit 1, visit 2 and the refill");
    let worked = v.follow_ups.iter().find(|h| h.id == id).unwrap();
    assert_eq!(
        worked.outcome.as_ref().unwrap().adverse_reactions,
        "脚踝轻度水肿"
    );
    let next = v.follow_ups.iter().find(|h| h.visit_no == Some(2)).unwrap();
    assert_eq!(
        (next.due_on.as_str(), next.status),
        ("2026-12-04", TaskStatus::Open)
    );
    // Every read of the health data is logged.
    assert!(
        t.count(&format!(
            "SELECT count(*) FROM health_access_log WHERE member_id = '{m}' AND action = 'read'"
        )) >= 3
    );
}

#[test]
fn without_health_consent_no_task_is_made_and_no_health_data_is_shown() {
    let t = cashier();
    let no = member(&t, "13800138007", "刘大爷", "1950-01-01", false);
    let s = sell(&t, Some(no), &[(AMLODIPINE, 1), (CALTRATE, 1)]);
    assert_eq!(tasks_of(&t, &s), 0);

    let yes = member(&t, "13800138008", "周大爷", "1950-01-01", true);
    sell(&t, Some(yes), &[(AMLODIPINE, 1)]);
    t.login("2001", "2222");
    let v = t.api.call(MemberHealthViewGet { member_id: no }).unwrap();
    assert!(!v.consent);
    assert!(v.drugs_bought.is_empty() && v.follow_ups.is_empty() && v.guidance.is_empty());
    let w = worklist(&t);
    assert_eq!(w.counts.upcoming, 1);
    let id = w.upcoming[0].id;

    // The member withdraws health consent: the task leaves the worklist, cannot be opened, and
    // the health view shows nothing although the member bought drugs.
    t.api
        .call(MemberConsent {
            member_id: yes,
            scope: ConsentScope::Health,
            grant: false,
            notice_version: None,
        })
        .unwrap();
    let w = worklist(&t);
    assert_eq!(w.counts.upcoming, 0);
    assert_eq!(
        t.api.call(FollowUpGet { task_id: id }).unwrap_err().code,
        ErrorCode::HealthConsentRequired
    );
    let v = t.api.call(MemberHealthViewGet { member_id: yes }).unwrap();
    assert!(!v.consent);
    assert!(v.drugs_bought.is_empty() && v.follow_ups.is_empty() && v.reactions.is_empty());
    // A later sale makes no task either.
    t.login("1001", "1111");
    let s = sell(&t, Some(yes), &[(AMLODIPINE, 1)]);
    assert_eq!(tasks_of(&t, &s), 0);
}

#[test]
fn a_cashier_is_refused_with_a_stable_code_and_the_attempt_is_logged() {
    let t = cashier();
    let m = member(&t, "13800138009", "吴奶奶", "1949-09-09", true);
    sell(&t, Some(m), &[(AMLODIPINE, 1)]);
    let id: FollowUpId = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM follow_up_task WHERE kind = 'visit'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let before = t.count("SELECT count(*) FROM follow_up_outcome");
    for e in [
        t.api.call(FollowUpList::default()).unwrap_err(),
        t.api.call(FollowUpGet { task_id: id }).unwrap_err(),
        t.api
            .call(FollowUpComplete {
                task_id: id,
                outcome: outcome(None),
            })
            .unwrap_err(),
        t.api
            .call(MemberHealthViewGet { member_id: m })
            .unwrap_err(),
    ] {
        assert_eq!(e.code, ErrorCode::Forbidden, "{}", e.message);
        assert!(e.message.contains("药师"), "{}", e.message);
    }
    assert_eq!(t.count("SELECT count(*) FROM follow_up_outcome"), before);
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'follow_up.denied'"),
        4
    );
    assert_eq!(
        t.count(&format!(
            "SELECT count(*) FROM health_access_log WHERE member_id = '{m}' AND action = 'denied'"
        )),
        3
    );
}

#[test]
fn the_worklist_filters_by_member_and_by_owner() {
    let t = cashier();
    // Registered by the cashier (she owns them) and by the pharmacist.
    let a = member(&t, "13800138010", "郑大爷", "1950-01-01", true);
    t.login("2001", "2222");
    let b = member(&t, "13800138011", "孙奶奶", "1950-01-01", true);
    t.login("1001", "1111");
    sell(&t, Some(a), &[(AMLODIPINE, 1)]);
    sell(&t, Some(b), &[(AMLODIPINE, 1)]);
    t.login("2001", "2222");
    t.clock.advance(Duration::days(3));
    assert_eq!(worklist(&t).counts.due_today, 2);
    let mine = t
        .api
        .call(FollowUpList {
            mine: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(mine.due_today.len(), 1);
    assert_eq!(mine.due_today[0].member_id, b);
    assert_eq!(mine.due_today[0].owner_name.as_deref(), Some("李建国"));
    let of_a = t
        .api
        .call(FollowUpList {
            member_id: Some(a),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(of_a.counts.due_today, 1);
    assert_eq!(of_a.due_today[0].member_name, "郑大爷");
}
