//! Complaints (投诉) on a real store file through the API, with the injected clock: intake by
//! any staff member, the process 待核实 → 处理中 → 待回访 → 已关闭 and the moves it refuses,
//! resolutions (a return through the return flow, a compensation coupon issued once), the
//! complainant's personal details kept from cashiers, the manager's monthly summary across a
//! month boundary, and the outbox events written with each change.

mod common;

use chrono::Duration;
use common::counter::*;
use common::Till;
use pos_core::api::*;
use pos_core::clock::Clock;
use pos_core::ids::{ComplaintId, MemberId};
use pos_core::pharmacy::complaint::{
    CompensationCoupon, Complaint, ComplaintCategory, ComplaintChannel, ComplaintStatus,
    NewComplaint, ResolutionKind,
};
use pos_core::sale::returns::ReturnReason;
use pos_core::{ErrorCode, PosError};
use pos_sync_proto::Payload;

const CASHIER: (&str, &str) = ("1001", "1111");
const PHARMACIST: (&str, &str) = ("2001", "2222");
const MANAGER: (&str, &str) = ("3001", "3333");

fn as_(t: &Till, who: (&str, &str)) {
    t.login(who.0, who.1);
}

fn walk_in(category: ComplaintCategory, description: &str) -> NewComplaint {
    NewComplaint {
        member_id: None,
        walk_in_name: Some("王小明".into()),
        walk_in_phone: Some("139 0000 1234".into()),
        channel: ComplaintChannel::Phone,
        category,
        description: description.into(),
        receipt_no: None,
        product_id: None,
    }
}

fn of_member(member: MemberId, category: ComplaintCategory, receipt: Option<&str>) -> NewComplaint {
    NewComplaint {
        member_id: Some(member),
        walk_in_name: None,
        walk_in_phone: None,
        channel: ComplaintChannel::Counter,
        category,
        description: "胶囊外壳破损，怀疑受潮".into(),
        receipt_no: receipt.map(str::to_owned),
        product_id: None,
    }
}

fn log(t: &Till, new: NewComplaint) -> Complaint {
    t.api.call(new).unwrap()
}

fn note(t: &Till, id: ComplaintId, text: &str) -> Result<Complaint, PosError> {
    t.api.call(ComplaintNoteAdd {
        complaint_id: id,
        text: text.into(),
    })
}

fn move_to(t: &Till, id: ComplaintId, to: ComplaintStatus) -> Result<Complaint, PosError> {
    t.api.call(ComplaintMove {
        complaint_id: id,
        to,
    })
}

fn resolve(
    t: &Till,
    id: ComplaintId,
    kind: ResolutionKind,
    text: &str,
) -> Result<Complaint, PosError> {
    t.api.call(ComplaintResolve {
        complaint_id: id,
        kind,
        note: text.into(),
    })
}

fn callback(
    t: &Till,
    id: ComplaintId,
    on: Option<&str>,
    result: Option<&str>,
) -> Result<Complaint, PosError> {
    t.api.call(ComplaintCallback {
        complaint_id: id,
        on: on.map(str::to_owned),
        result: result.map(str::to_owned),
    })
}

fn code(r: Result<Complaint, PosError>) -> ErrorCode {
    r.expect_err("refused").code
}

fn compensate(t: &Till, id: ComplaintId) -> Result<Compensation, PosError> {
    t.api.call(ComplaintCompensate {
        complaint_id: id,
        coupon: CompensationCoupon {
            face: m("10.00"),
            min_spend: m("0"),
            valid_days: 30,
        },
    })
}

#[test]
fn a_complaint_moves_through_the_process_and_refuses_the_moves_it_does_not_allow() {
    let t = Till::demo();
    as_(&t, CASHIER);
    // Any staff member takes a complaint; a walk-in's phone follows the phone rules.
    let mut bad = walk_in(ComplaintCategory::Service, "收银员态度差");
    bad.walk_in_phone = Some("12345".into());
    assert_eq!(t.api.call(bad).unwrap_err().code, ErrorCode::InvalidPhone);
    let mut no_phone = walk_in(ComplaintCategory::Service, "收银员态度差");
    no_phone.walk_in_phone = None;
    assert_eq!(
        t.api.call(no_phone).unwrap_err().code,
        ErrorCode::InvalidPhone
    );
    let mut empty = walk_in(ComplaintCategory::Service, "  ");
    empty.description = " ".into();
    assert_eq!(t.api.call(empty).unwrap_err().code, ErrorCode::InvalidField);
    let c = log(
        &t,
        walk_in(ComplaintCategory::Service, "收银员态度差，找零时扔在台面上"),
    );
    let id = c.row.id;
    assert_eq!(c.row.status, ComplaintStatus::Verifying);
    assert_eq!(c.row.complaint_no, "TS2026112301001");
    assert_eq!(c.row.name_masked, "王**");
    assert_eq!(c.row.phone_masked, "139****1234");
    assert_eq!(c.taken_by_name, "王晓燕");
    assert_eq!(c.row.taken_at, "2026-11-23T02:00:00.000Z");
    // A cashier takes complaints but does not work them.
    assert_eq!(code(note(&t, id, "核实")), ErrorCode::Forbidden);

    as_(&t, PHARMACIST);
    t.clock.advance(Duration::minutes(10));
    // Straight to closed or to the call-back: refused, with where it was and where it was sent.
    let e = move_to(&t, id, ComplaintStatus::Closed).unwrap_err();
    assert_eq!(e.code, ErrorCode::ComplaintStatusInvalid);
    assert_eq!(
        e.details.unwrap(),
        serde_json::json!({ "from": "verifying", "to": "closed" })
    );
    assert_eq!(
        code(move_to(&t, id, ComplaintStatus::AwaitingCallback)),
        ErrorCode::ComplaintStatusInvalid
    );
    // Resolving before verifying is refused too.
    assert_eq!(
        code(resolve(&t, id, ResolutionKind::Apology, "致歉")),
        ErrorCode::ComplaintStatusInvalid
    );
    note(&t, id, "调取监控：找零时确有将零钱放在台面上").unwrap();
    t.clock.advance(Duration::minutes(5));
    let c = note(&t, id, "与当班收银员核实，承认态度欠佳").unwrap();
    assert_eq!(c.notes.len(), 2);
    assert_eq!(c.notes[0].by_name, "李建国");
    assert_eq!(c.notes[1].at, "2026-11-23T02:15:00.000Z");
    let c = move_to(&t, id, ComplaintStatus::Handling).unwrap();
    assert_eq!(c.row.status, ComplaintStatus::Handling);
    // Closing needs a resolution.
    assert_eq!(
        code(move_to(&t, id, ComplaintStatus::Closed)),
        ErrorCode::ComplaintResolutionRequired
    );
    // An exchange is for quality problems only (GSP); a return only through the return flow.
    assert_eq!(
        code(resolve(&t, id, ResolutionKind::Exchange, "换货")),
        ErrorCode::ComplaintResolutionInvalid
    );
    assert_eq!(
        code(resolve(&t, id, ResolutionKind::Return, "退货")),
        ErrorCode::ComplaintResolutionInvalid
    );
    resolve(
        &t,
        id,
        ResolutionKind::Apology,
        "店长电话致歉，已对收银员进行服务培训",
    )
    .unwrap();
    // A call-back date in the past is refused; then set, and closing waits for its result.
    assert_eq!(
        code(callback(&t, id, Some("2026-11-22"), None)),
        ErrorCode::InvalidField
    );
    assert_eq!(
        code(callback(&t, id, None, Some("满意"))),
        ErrorCode::InvalidField,
        "a result needs a call-back date first"
    );
    callback(&t, id, Some("2026-11-26"), None).unwrap();
    assert_eq!(
        code(move_to(&t, id, ComplaintStatus::Closed)),
        ErrorCode::ComplaintCallbackResultRequired
    );
    move_to(&t, id, ComplaintStatus::AwaitingCallback).unwrap();
    assert_eq!(
        code(move_to(&t, id, ComplaintStatus::Closed)),
        ErrorCode::ComplaintCallbackResultRequired
    );
    t.clock.advance(Duration::days(3));
    callback(&t, id, None, Some("顾客表示满意，接受道歉")).unwrap();
    let c = move_to(&t, id, ComplaintStatus::Closed).unwrap();
    assert_eq!(c.row.status, ComplaintStatus::Closed);
    assert_eq!(c.closed_at.as_deref(), Some("2026-11-26T02:15:00.000Z"));
    assert_eq!(c.callback_by_name.as_deref(), Some("李建国"));
    assert!(c.next.is_empty());
    // Every move is kept with who made it.
    let moves: Vec<_> = c.history.iter().map(|h| (h.from, h.to)).collect();
    assert_eq!(
        moves,
        vec![
            (None, ComplaintStatus::Verifying),
            (Some(ComplaintStatus::Verifying), ComplaintStatus::Handling),
            (
                Some(ComplaintStatus::Handling),
                ComplaintStatus::AwaitingCallback
            ),
            (
                Some(ComplaintStatus::AwaitingCallback),
                ComplaintStatus::Closed
            ),
        ]
    );
    assert_eq!(c.history[0].by_name, "王晓燕");
    assert!(c.history[1..].iter().all(|h| h.by_name == "李建国"));
    // A closed complaint takes nothing more.
    assert_eq!(code(note(&t, id, "补记")), ErrorCode::ComplaintClosed);
    assert_eq!(
        code(move_to(&t, id, ComplaintStatus::Handling)),
        ErrorCode::ComplaintClosed
    );
    // One event per change, in the same writes: logged, 2 notes, 4 other changes... counted.
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'complaint.logged@1'"),
        1
    );
    // note ×2, handling, apology, callback date, awaiting, result, closed
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'complaint.updated@1'"),
        8
    );
    let last: (String, String) = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT kind, payload FROM outbox ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    match Payload::parse(&last.0, &last.1).unwrap() {
        Payload::ComplaintUpdated(u) => {
            assert_eq!((u.action.as_str(), u.status.as_str()), ("status", "closed"));
            assert_eq!(u.complaint_id, id.0);
        }
        other => panic!("{other:?}"),
    }
    // The intake event carries the walk-in (headquarters is the store's second copy).
    let logged: String = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT payload FROM outbox WHERE kind = 'complaint.logged@1'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    match Payload::parse("complaint.logged@1", &logged).unwrap() {
        Payload::ComplaintLogged(l) => {
            assert_eq!(l.walk_in.unwrap().phone, "13900001234");
            assert_eq!(
                (l.channel.as_str(), l.category.as_str()),
                ("phone", "service")
            );
            assert_eq!(l.business_date, "2026-11-23");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_call_back_can_send_a_complaint_back_to_handling() {
    let t = Till::demo();
    as_(&t, PHARMACIST);
    let id = log(&t, walk_in(ComplaintCategory::Price, "同一药品比隔壁店贵"))
        .row
        .id;
    note(&t, id, "价格核对无误").unwrap();
    move_to(&t, id, ComplaintStatus::Handling).unwrap();
    resolve(&t, id, ResolutionKind::Explanation, "解释了会员价与原价").unwrap();
    callback(&t, id, Some("2026-11-23"), None).unwrap();
    move_to(&t, id, ComplaintStatus::AwaitingCallback).unwrap();
    callback(&t, id, None, Some("仍不满意")).unwrap();
    let c = move_to(&t, id, ComplaintStatus::Handling).unwrap();
    assert_eq!(c.row.status, ComplaintStatus::Handling);
    assert_eq!(
        c.next,
        vec![ComplaintStatus::AwaitingCallback, ComplaintStatus::Closed],
        "the page offers the moves the process allows"
    );
}

#[test]
fn a_compensation_coupon_is_issued_once_even_when_asked_twice() {
    let t = Till::demo();
    as_(&t, CASHIER);
    let member = t.member("13800138000", "陈静");
    let id = log(&t, of_member(member, ComplaintCategory::Service, None))
        .row
        .id;
    as_(&t, PHARMACIST);
    // Coupons are the manager's.
    assert_eq!(compensate(&t, id).unwrap_err().code, ErrorCode::Forbidden);
    as_(&t, MANAGER);
    assert_eq!(
        compensate(&t, id).unwrap_err().code,
        ErrorCode::ComplaintStatusInvalid,
        "verified first"
    );
    note(&t, id, "属实").unwrap();
    move_to(&t, id, ComplaintStatus::Handling).unwrap();
    let coupons_before = t.count("SELECT count(*) FROM coupon");
    let first = compensate(&t, id).unwrap();
    assert_eq!(first.coupon.face.to_string(), "10.00");
    assert_eq!(first.coupon.member_id, member);
    assert_eq!(first.coupon.valid_until, "2026-12-22");
    assert!(first
        .coupon
        .reason
        .contains(&first.complaint.row.complaint_no));
    // Asked again (a retry, a second Enter): the same coupon, nothing new.
    let again = compensate(&t, id).unwrap();
    assert_eq!(again.coupon.id, first.coupon.id);
    assert_eq!(t.count("SELECT count(*) FROM coupon"), coupons_before + 1);
    assert_eq!(
        t.count(
            "SELECT count(*) FROM outbox WHERE kind = 'coupon.issued@1' \
             AND payload LIKE '%complaint:%'"
        ),
        1
    );
    let c = t.api.call(ComplaintGet { complaint_id: id }).unwrap();
    assert_eq!(c.resolutions.len(), 1);
    assert_eq!(c.resolutions[0].kind, ResolutionKind::Coupon);
    assert_eq!(c.resolutions[0].coupon_id, Some(first.coupon.id));
    // The member has it to use.
    let coupons = t.api.call(MemberCoupons { member_id: member }).unwrap();
    assert!(coupons.iter().any(|cp| cp.id == first.coupon.id));
    // A walk-in cannot be given a coupon.
    let w = log(&t, walk_in(ComplaintCategory::Service, "排队太久"))
        .row
        .id;
    note(&t, w, "属实").unwrap();
    move_to(&t, w, ComplaintStatus::Handling).unwrap();
    assert_eq!(
        compensate(&t, w).unwrap_err().code,
        ErrorCode::MemberRequired
    );
}

#[test]
fn a_return_made_through_the_return_flow_is_linked_to_the_complaint() {
    let t = Till::demo();
    as_(&t, CASHIER);
    let member = t.member("13800138001", "赵强");
    let c = t.cart();
    t.attach(&c, member);
    let c = t.scan(&c, GANMAOLING, 2).unwrap();
    let sale = t.pay(&c, vec![cash("40")]).unwrap();
    let c2 = t.cart();
    let c2 = t.scan(&c2, PARACETAMOL, 1).unwrap();
    let other_sale = t.pay(&c2, vec![cash("5")]).unwrap();

    // The receipt is checked against this store's sales.
    assert_eq!(
        t.api
            .call(of_member(
                member,
                ComplaintCategory::Quality,
                Some("20261123019999")
            ))
            .unwrap_err()
            .code,
        ErrorCode::SaleNotFound
    );
    let c = log(
        &t,
        of_member(member, ComplaintCategory::Quality, Some(&sale.receipt_no)),
    );
    let id = c.row.id;
    assert_eq!(c.sale_id, Some(sale.id));
    assert_eq!(c.row.receipt_no.as_deref(), Some(sale.receipt_no.as_str()));
    assert!(c.row.member_card_no.is_some());

    as_(&t, PHARMACIST);
    note(&t, id, "检查退回的包装：同批号胶囊受潮结块").unwrap();
    move_to(&t, id, ComplaintStatus::Handling).unwrap();
    // The return goes through the return flow (the manager's approval), then is linked.
    as_(&t, CASHIER);
    let line = sale.lines[0].id;
    let ret = t
        .ret(sale.id, &[(line, 1)], ReturnReason::Damaged, "", manager())
        .unwrap();
    let other_ret = t
        .ret(
            other_sale.id,
            &[(other_sale.lines[0].id, 1)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap();
    let before = t.api.call(ComplaintGet { complaint_id: id }).unwrap();
    assert_eq!(
        before.unlinked_returns,
        vec![(ret.id, ret.receipt_no.clone())],
        "the page offers the returns of its receipt"
    );
    // A return of another sale is not this complaint's.
    let e = t
        .api
        .call(ComplaintLinkReturn {
            complaint_id: id,
            return_id: other_ret.id,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ComplaintResolutionInvalid);
    let c = t
        .api
        .call(ComplaintLinkReturn {
            complaint_id: id,
            return_id: ret.id,
        })
        .unwrap();
    assert_eq!(c.resolutions.len(), 1);
    assert_eq!(c.resolutions[0].kind, ResolutionKind::Return);
    assert_eq!(c.resolutions[0].return_id, Some(ret.id));
    assert_eq!(
        c.resolutions[0].return_receipt_no.as_deref(),
        Some(ret.receipt_no.as_str())
    );
    assert!(c.unlinked_returns.is_empty());
    // Linking again changes nothing; another complaint cannot take the same return.
    t.api
        .call(ComplaintLinkReturn {
            complaint_id: id,
            return_id: ret.id,
        })
        .unwrap();
    assert_eq!(
        t.count("SELECT count(*) FROM complaint_resolution WHERE kind = 'return'"),
        1
    );
    let second = log(
        &t,
        of_member(member, ComplaintCategory::Quality, Some(&sale.receipt_no)),
    )
    .row
    .id;
    as_(&t, PHARMACIST);
    note(&t, second, "同一问题重复登记").unwrap();
    move_to(&t, second, ComplaintStatus::Handling).unwrap();
    assert_eq!(
        t.api
            .call(ComplaintLinkReturn {
                complaint_id: second,
                return_id: ret.id,
            })
            .unwrap_err()
            .code,
        ErrorCode::ComplaintResolutionInvalid
    );
    // A quality complaint may be settled by an exchange as well; then it closes.
    resolve(&t, id, ResolutionKind::Exchange, "同时换一盒新批号").unwrap();
    let closed = move_to(&t, id, ComplaintStatus::Closed).unwrap();
    assert_eq!(closed.resolutions.len(), 2);
}

#[test]
fn a_cashier_sees_the_complainant_masked_and_is_refused_the_details_with_the_attempt_logged() {
    let t = Till::demo();
    as_(&t, CASHIER);
    let member = t.member("13800138002", "欧阳娜娜");
    let a = log(&t, of_member(member, ComplaintCategory::Quality, None))
        .row
        .id;
    t.clock.advance(Duration::minutes(1));
    let b = log(&t, walk_in(ComplaintCategory::Service, "等待时间长"))
        .row
        .id;
    let rows = t
        .api
        .call(ComplaintList {
            status: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b, a]);
    assert_eq!(
        (rows[1].name_masked.as_str(), rows[1].phone_masked.as_str()),
        ("欧***", "138****8002")
    );
    let json = serde_json::to_string(&rows).unwrap();
    assert!(!json.contains("13800138002") && !json.contains("欧阳娜娜"));
    assert!(!json.contains("13900001234") && !json.contains("王小明"));
    let page = t.api.call(ComplaintGet { complaint_id: a }).unwrap();
    let json = serde_json::to_string(&page).unwrap();
    assert!(!json.contains("13800138002") && !json.contains("欧阳娜娜"));

    let denied = "SELECT count(*) FROM audit_log WHERE action = 'complaint.contact_denied'";
    assert_eq!(t.count(denied), 0);
    let e = t
        .api
        .call(ComplaintContactGet { complaint_id: a })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert_eq!(e.details.unwrap()["what"], "complaint_contact");
    assert_eq!(
        t.count(denied),
        1,
        "the refused attempt is in the audit log"
    );
    let who: (String, String) = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT l.subject, s.staff_no FROM audit_log l JOIN staff s ON s.id = l.staff_id
                 WHERE l.action = 'complaint.contact_denied'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!(who, (a.to_string(), "1001".to_owned()));

    // A pharmacist sees them whole; each view is audited as well.
    as_(&t, PHARMACIST);
    let whole = t.api.call(ComplaintContactGet { complaint_id: b }).unwrap();
    assert_eq!(
        (whole.name.as_str(), whole.phone.as_str()),
        ("王小明", "13900001234")
    );
    let m = t.api.call(ComplaintContactGet { complaint_id: a }).unwrap();
    assert_eq!(
        (m.name.as_str(), m.phone.as_str()),
        ("欧阳娜娜", "13800138002")
    );
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'complaint.contact_view'"),
        2
    );
    as_(&t, MANAGER);
    t.api.call(ComplaintContactGet { complaint_id: a }).unwrap();
    // The status filter narrows the list.
    as_(&t, PHARMACIST);
    note(&t, a, "核实").unwrap();
    move_to(&t, a, ComplaintStatus::Handling).unwrap();
    let handling = t
        .api
        .call(ComplaintList {
            status: Some(ComplaintStatus::Handling),
            limit: None,
        })
        .unwrap();
    assert_eq!(handling.iter().map(|r| r.id).collect::<Vec<_>>(), vec![a]);
}

/// What the test itself remembers of each complaint it makes, to count the summary by hand.
struct Made {
    month: &'static str,
    category: ComplaintCategory,
    status: ComplaintStatus,
    days_to_close: Option<i64>,
    open_callback: bool,
}

#[test]
fn the_monthly_summary_equals_counts_made_by_hand_across_a_month_boundary() {
    let t = Till::demo();
    as_(&t, PHARMACIST);
    let mut made: Vec<Made> = vec![];
    // 30 November, 23:30 in the store (15:30 UTC): November's last business day.
    let nov_30_late = at("2026-11-30T15:30:00Z");
    // 1 December, 00:30 in the store: December.
    let dec_1_early = at("2026-11-30T16:30:00Z");
    let cases: &[(
        chrono::DateTime<chrono::Utc>,
        &'static str,
        ComplaintCategory,
        &str,
    )] = &[
        (
            at("2026-11-23T02:00:00Z"),
            "2026-11",
            ComplaintCategory::Quality,
            "close_in_2",
        ),
        (
            at("2026-11-24T03:00:00Z"),
            "2026-11",
            ComplaintCategory::Service,
            "open",
        ),
        (
            nov_30_late,
            "2026-11",
            ComplaintCategory::Quality,
            "close_in_3",
        ),
        (nov_30_late, "2026-11", ComplaintCategory::Price, "callback"),
        (
            dec_1_early,
            "2026-12",
            ComplaintCategory::Quality,
            "verifying",
        ),
        (
            dec_1_early,
            "2026-12",
            ComplaintCategory::Other,
            "close_in_1",
        ),
        (
            at("2026-12-05T06:00:00Z"),
            "2026-12",
            ComplaintCategory::Service,
            "callback",
        ),
        (
            at("2026-12-31T15:59:00Z"),
            "2026-12",
            ComplaintCategory::Service,
            "open",
        ),
    ];
    for (when, month, category, fate) in cases {
        t.clock.set(*when);
        let id = log(&t, walk_in(*category, "测试投诉")).row.id;
        assert_eq!(
            &t.api
                .call(ComplaintGet { complaint_id: id })
                .unwrap()
                .row
                .business_date[..7],
            *month
        );
        let (status, days, open_cb) = match *fate {
            "verifying" => (ComplaintStatus::Verifying, None, false),
            "open" => {
                note(&t, id, "核实").unwrap();
                move_to(&t, id, ComplaintStatus::Handling).unwrap();
                (ComplaintStatus::Handling, None, false)
            }
            "callback" => {
                note(&t, id, "核实").unwrap();
                move_to(&t, id, ComplaintStatus::Handling).unwrap();
                resolve(&t, id, ResolutionKind::Explanation, "已解释").unwrap();
                let on = (t.clock.now() + Duration::days(2))
                    .with_timezone(&pos_core::clock::china())
                    .date_naive()
                    .to_string();
                callback(&t, id, Some(&on), None).unwrap();
                move_to(&t, id, ComplaintStatus::AwaitingCallback).unwrap();
                (ComplaintStatus::AwaitingCallback, None, true)
            }
            close => {
                let d: i64 = close.trim_start_matches("close_in_").parse().unwrap();
                note(&t, id, "核实").unwrap();
                move_to(&t, id, ComplaintStatus::Handling).unwrap();
                resolve(&t, id, ResolutionKind::Apology, "致歉").unwrap();
                t.clock.advance(Duration::days(d));
                move_to(&t, id, ComplaintStatus::Closed).unwrap();
                (ComplaintStatus::Closed, Some(d), false)
            }
        };
        made.push(Made {
            month,
            category: *category,
            status,
            days_to_close: days,
            open_callback: open_cb,
        });
    }
    t.clock.set(at("2027-01-10T02:00:00Z"));
    // The summary is the manager's.
    assert_eq!(
        t.api
            .call(ComplaintSummaryGet {
                month: "2026-11".into()
            })
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    as_(&t, MANAGER);
    for month in ["2026-11", "2026-12"] {
        let s = t
            .api
            .call(ComplaintSummaryGet {
                month: month.into(),
            })
            .unwrap();
        let mine: Vec<&Made> = made.iter().filter(|c| c.month == month).collect();
        for line in &s.lines {
            let of = |st: ComplaintStatus| {
                mine.iter()
                    .filter(|c| c.category == line.category && c.status == st)
                    .count() as u32
            };
            assert_eq!(
                (
                    line.total,
                    line.verifying,
                    line.handling,
                    line.awaiting_callback,
                    line.closed
                ),
                (
                    mine.iter().filter(|c| c.category == line.category).count() as u32,
                    of(ComplaintStatus::Verifying),
                    of(ComplaintStatus::Handling),
                    of(ComplaintStatus::AwaitingCallback),
                    of(ComplaintStatus::Closed)
                ),
                "{month} {:?}",
                line.category
            );
        }
        assert_eq!(s.total.total, mine.len() as u32);
        let closed: Vec<i64> = mine.iter().filter_map(|c| c.days_to_close).collect();
        let avg = closed.iter().sum::<i64>() as f64 / closed.len() as f64;
        assert_eq!(s.average_days_to_close, Some((avg * 10.0).round() / 10.0));
        let open_cb = mine.iter().filter(|c| c.open_callback).count() as u32;
        assert_eq!(s.open_callbacks, open_cb);
        assert_eq!(
            s.overdue_callbacks, open_cb,
            "every call-back date is past by January"
        );
    }
    // Worked out by hand as well: November has 4 (2 quality, 1 service, 1 price), December 4.
    let nov = t
        .api
        .call(ComplaintSummaryGet {
            month: "2026-11".into(),
        })
        .unwrap();
    assert_eq!(nov.total.total, 4);
    assert_eq!(nov.lines[0].category, ComplaintCategory::Quality);
    assert_eq!((nov.lines[0].total, nov.lines[0].closed), (2, 2));
    assert_eq!(nov.average_days_to_close, Some(2.5));
    // The CSV says the same.
    let file = t
        .api
        .call(ComplaintSummaryExport {
            month: "2026-12".into(),
        })
        .unwrap();
    let text = String::from_utf8(std::fs::read(&file.path).unwrap()).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "月份,类别,合计,待核实,处理中,待回访,已关闭");
    assert_eq!(lines[1], "2026-12,药品质量,1,1,0,0,0");
    assert_eq!(lines[2], "2026-12,服务,2,0,1,1,0");
    assert_eq!(lines[4], "2026-12,其他,1,0,0,0,1");
    assert_eq!(lines[5], "2026-12,合计,4,1,1,1,1");
    assert!(text.contains("平均结案天数,1.0"), "{text}");
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'complaint.summary_export'"),
        1
    );
    assert_eq!(
        t.api
            .call(ComplaintSummaryGet {
                month: "2026-13".into()
            })
            .unwrap_err()
            .code,
        ErrorCode::InvalidField
    );
}
