//! The till side of the sync without a network: one till's outbox, handed to another till as a
//! pull page the way headquarters would, applies once, in any order, and converges. The same
//! paths run against a real headquarters on PostgreSQL in `tests/` at the top of the repository.

mod common;

use common::Till;
use pos_core::api::*;
use pos_core::ids::{MemberId, SaleId};
use pos_core::member::points;
use pos_core::member::MemberChanges;
use pos_core::sync::{apply, outbox, state};
use pos_sync_proto::{Envelope, PullPage, PulledEvent};

fn cashier() -> Till {
    let t = Till::demo();
    t.login("1001", "1111");
    t
}

impl Till {
    fn register(&self, phone: &str, name: &str) -> MemberId {
        self.api
            .call(pos_core::member::NewMember {
                phone: phone.into(),
                name: name.into(),
                basic_consent: true,
                ..Default::default()
            })
            .unwrap()
            .member
            .id
    }

    fn unsent(&self) -> Vec<Envelope> {
        self.api
            .store()
            .read(|c| outbox::unsent(c, 10_000))
            .unwrap()
    }

    fn apply(&self, events: &[(i64, Envelope)]) -> apply::Applied {
        let page = PullPage {
            events: events
                .iter()
                .map(|(cursor, e)| PulledEvent {
                    cursor: *cursor,
                    event: e.clone(),
                    order_hlc: None,
                })
                .collect(),
            next_cursor: events.last().map(|e| e.0).unwrap_or(0),
            more: false,
        };
        self.api.store().write(|tx| apply::page(tx, &page)).unwrap()
    }

    fn find(&self, query: &str) -> Vec<pos_core::member::MemberSummary> {
        self.api
            .call(MemberFind {
                query: query.into(),
            })
            .unwrap()
    }

    fn balance(&self, m: MemberId) -> i64 {
        self.api.store().read(|c| points::balance(c, m)).unwrap()
    }

    fn earn(&self, m: MemberId, n: i64) {
        let me = self.api.call(CurrentSession {}).unwrap().unwrap().staff.id;
        let sale = SaleId::new(self.api.store().clock());
        self.api
            .store()
            .write(|tx| points::earn(tx, m, n, sale, me).map(|_| ()))
            .unwrap();
    }

    fn name_of(&self, m: MemberId) -> String {
        self.api
            .call(MemberGet { member_id: m })
            .unwrap()
            .summary
            .name
    }
}

/// Numbers events the way headquarters' positions would.
fn positions(events: Vec<Envelope>, from: i64) -> Vec<(i64, Envelope)> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, e)| (from + i as i64, e))
        .collect()
}

#[test]
fn a_member_registered_at_one_store_is_found_at_the_next_with_the_same_points() {
    let a = cashier();
    let b = cashier();
    let m = a.register("13800138001", "王芳");
    a.earn(m, 230);
    let events = positions(a.unsent(), 1);
    assert!(events
        .iter()
        .all(|(_, e)| e.kind.ends_with("@1") && e.hash_matches()));

    let first = b.apply(&events);
    assert_eq!(first.received as usize, events.len());
    assert_eq!(first.waiting, 0, "{first:?}");
    let found = b.find("13800138001");
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].id, found[0].name.as_str()), (m, "王芳"));
    assert_eq!(b.balance(m), a.balance(m));
    assert_eq!(b.balance(m), 230);
    // The new-member coupon came along.
    let coupons = b.api.call(MemberCoupons { member_id: m }).unwrap();
    assert_eq!(coupons.len(), 1);

    // The same page again changes nothing.
    let again = b.apply(&events);
    assert_eq!(again, apply::Applied::default());
    assert_eq!(b.balance(m), 230);
    assert_eq!(b.count("SELECT count(*) FROM member"), 1);
    let st = b.api.store().read(state::status).unwrap();
    assert_eq!(
        (st.pull_cursor, st.waiting, st.conflicts),
        (events.len() as i64, 0, 0)
    );
    // Pulled events are not B's own: B's outbox has nothing of them.
    assert_eq!(
        b.count("SELECT count(*) FROM outbox WHERE kind LIKE 'points.entry%'"),
        0
    );
}

#[test]
fn events_that_arrive_before_their_member_wait_and_then_apply() {
    let a = cashier();
    let b = cashier();
    let m = a.register("13800138002", "李强");
    a.earn(m, 100);
    // The worst order: every fact about the member before its registration.
    let (reg, rest): (Vec<_>, Vec<_>) = a
        .unsent()
        .into_iter()
        .partition(|e| e.kind == "member.registered@1");
    let mut events = positions(rest, 1);
    events.extend(positions(reg, 100));
    let r = b.apply(&events[..events.len() - 1]);
    assert!(r.waiting > 0, "{r:?}");
    assert_eq!(b.balance(m), 0);
    let r = b.apply(&events[events.len() - 1..]);
    assert_eq!(r.waiting, 0);
    assert_eq!(
        b.count("SELECT count(*) FROM sync_inbox WHERE outcome = 'waiting'"),
        0
    );
    assert_eq!(b.balance(m), 100);
}

#[test]
fn member_fields_converge_on_the_later_edit_whichever_arrives_first() {
    let a = cashier();
    let b = cashier();
    let m = a.register("13800138003", "赵敏");
    b.apply(&positions(a.unsent(), 1));
    // Both stores rename the member offline; B's edit is an hour later.
    let rename = |t: &Till, name: &str| {
        t.api
            .call(MemberUpdate {
                member_id: m,
                changes: MemberChanges {
                    name: Some(name.into()),
                    ..Default::default()
                },
            })
            .unwrap();
    };
    let sent_a = a.unsent().len();
    a.clock.advance(chrono::Duration::minutes(10));
    rename(&a, "赵敏A");
    b.clock.advance(chrono::Duration::minutes(70));
    rename(&b, "赵敏B");
    let from_a = positions(a.unsent().split_off(sent_a), 100);
    let from_b = positions(
        b.unsent()
            .into_iter()
            .filter(|e| e.kind.starts_with("member.field_edited"))
            .collect(),
        200,
    );
    b.apply(&from_a);
    a.apply(&from_b);
    assert_eq!(a.name_of(m), "赵敏B");
    assert_eq!(b.name_of(m), "赵敏B");
    // The losing edit stays in the history of both.
    for t in [&a, &b] {
        assert_eq!(
            t.count("SELECT count(*) FROM member_field_edit WHERE field = 'name'"),
            2
        );
    }
}

#[test]
fn the_same_phone_registered_offline_at_two_stores_is_kept_as_a_conflict_not_lost() {
    let a = cashier();
    let b = cashier();
    let ma = a.register("13800138004", "孙丽");
    let mb = b.register("13800138004", "孙丽");
    assert_ne!(ma, mb);
    let r = b.apply(&positions(a.unsent(), 1));
    assert_eq!(r.conflicts, 1, "{r:?}");
    assert_eq!(
        b.find("13800138004").len(),
        1,
        "one active member per phone"
    );
    // Kept whole in the inbox for headquarters' merge.
    assert_eq!(
        b.count("SELECT count(*) FROM sync_inbox WHERE outcome = 'conflict' AND kind = 'member.registered@1'"),
        1
    );
}

/// Headquarters' own event, as it would serve it.
fn from_hq(payload: pos_sync_proto::Payload, seq: i64) -> Envelope {
    let json = payload.to_json();
    Envelope {
        event_id: uuid::Uuid::now_v7(),
        store_id: pos_sync_proto::HQ_STORE,
        device_id: pos_sync_proto::HQ_STORE,
        seq,
        kind: payload.kind().into(),
        payload_hash: pos_sync_proto::payload_hash(json.as_bytes()),
        payload: json,
        created_at: "2026-11-23T03:00:00Z".into(),
    }
}

#[test]
fn a_merge_from_headquarters_makes_one_member_with_all_the_points_at_both_stores() {
    let a = cashier();
    let b = cashier();
    let ma = a.register("13800138006", "吴磊");
    b.clock.advance(chrono::Duration::minutes(5));
    let mb = b.register("13800138006", "吴磊");
    a.earn(ma, 100);
    b.earn(mb, 50);
    let (from_a, from_b) = (positions(a.unsent(), 1), positions(b.unsent(), 500));
    assert_eq!(b.apply(&from_a).conflicts, 1);
    assert_eq!(a.apply(&from_b).conflicts, 1);
    // The earlier registration (A's) survives.
    let merge = from_hq(
        pos_sync_proto::Payload::MemberMerged(pos_sync_proto::catalogue::MemberMergedV1 {
            merged: mb.0,
            survivor: ma.0,
            phone: "13800138006".into(),
            at: "2026-11-23T03:00:00Z".into(),
        }),
        1,
    );
    for t in [&a, &b] {
        let r = t.apply(&[(1000, merge.clone())]);
        assert_eq!(r.waiting, 0, "{r:?}");
        let found = t.find("13800138006");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, ma);
        assert_eq!(t.balance(ma), 150, "both stores' points on the survivor");
        assert_eq!(found[0].points_balance, 150);
        let e = t
            .api
            .call(MemberUpdate {
                member_id: mb,
                changes: MemberChanges {
                    name: Some("吴磊磊".into()),
                    ..Default::default()
                },
            })
            .unwrap_err();
        assert_eq!(e.code, pos_core::ErrorCode::MemberMerged);
        assert_eq!(
            t.count("SELECT count(*) FROM sync_inbox WHERE outcome IN ('conflict', 'waiting')"),
            0
        );
    }
    // Applying the merge again changes nothing.
    assert_eq!(a.apply(&[(1000, merge)]), apply::Applied::default());
}

#[test]
fn a_damaged_event_is_kept_as_bad_and_applies_nothing() {
    let a = cashier();
    let b = cashier();
    a.register("13800138005", "周杰");
    let mut events = positions(a.unsent(), 1);
    events.retain(|(_, e)| e.kind == "member.registered@1");
    events[0].1.payload = events[0].1.payload.replace("周杰", "周某");
    let r = b.apply(&events[..1]);
    assert_eq!(r.received, 1);
    assert_eq!(b.count("SELECT count(*) FROM member"), 0);
    assert_eq!(
        b.count("SELECT count(*) FROM sync_inbox WHERE outcome = 'bad'"),
        1
    );
}

#[test]
fn sync_settings_are_checked_and_the_token_never_shown() {
    let t = Till::demo();
    t.login("3001", "3333");
    let bad = t
        .api
        .call(SyncConfigure {
            hq_url: "hq.example.com".into(),
            token: "x".repeat(32),
            nightly_at: None,
        })
        .unwrap_err();
    assert_eq!(bad.code, pos_core::ErrorCode::InvalidField);
    let st = t
        .api
        .call(SyncConfigure {
            hq_url: "https://hq.example.com/".into(),
            token: "t".repeat(43),
            nightly_at: Some("03:30".into()),
        })
        .unwrap();
    assert_eq!(st.hq_url, "https://hq.example.com");
    assert!(st.has_token);
    assert_eq!(st.nightly_at, "03:30");
    assert!(st.unsynced > 0);
    assert!(!serde_json::to_string(&st)
        .unwrap()
        .contains("ttttttttttttttttttttt"));
    // Changing only the time keeps the saved token.
    let st = t
        .api
        .call(SyncConfigure {
            hq_url: "https://hq.example.com".into(),
            token: String::new(),
            nightly_at: Some("01:15".into()),
        })
        .unwrap();
    assert!(st.has_token);
    assert_eq!(st.nightly_at, "01:15");
    let saved = t.api.store().read(state::endpoint).unwrap().unwrap();
    assert_eq!(saved.token, "t".repeat(43));
    // Without a syncer plugged in, "sync now" says so.
    let e = t.api.call(SyncNow {}).unwrap_err();
    assert_eq!(e.code, pos_core::ErrorCode::SyncFailed);
    // A cashier cannot change where the till syncs.
    t.login("1001", "1111");
    let e = t
        .api
        .call(SyncConfigure {
            hq_url: "https://evil.example.com".into(),
            token: "t".repeat(43),
            nightly_at: None,
        })
        .unwrap_err();
    assert_eq!(e.code, pos_core::ErrorCode::Forbidden);
}

/// Outbox rows written before the catalogue existed carried the screen's own types; the
/// migration names them `@1`, and version 1 of the catalogue must read them.
#[test]
fn payloads_written_before_the_catalogue_read_as_version_one() {
    let t = cashier();
    let m = t.register("13800138010", "卢敏");
    let cart = t.api.call(CartOpen {}).unwrap();
    t.api
        .call(CartScan {
            cart_id: cart.id,
            barcode: "6939668066407".into(),
            quantity: Some(2),
        })
        .unwrap();
    t.api
        .call(CartSetMember {
            cart_id: cart.id,
            member_id: Some(m),
        })
        .unwrap();
    let due = t
        .api
        .call(CartGet { cart_id: cart.id })
        .unwrap()
        .pricing
        .payable;
    let sale = t
        .api
        .call(SalePay {
            cart_id: cart.id,
            tenders: vec![pos_core::pricing::Tender {
                kind: pos_core::pricing::TenderKind::Cash,
                amount: due,
                settlement_no: None,
                reference: None,
            }],
        })
        .unwrap();
    // The old `sale.committed` payload: the whole screen `Sale` plus the registers.
    let old = serde_json::json!({
        "sale": sale,
        "store_id": uuid::Uuid::now_v7().to_string(),
        "device_id": uuid::Uuid::now_v7().to_string(),
        "prescription": null,
        "ephedrine_buyer": null,
        "allergy_acks": [],
    });
    let parsed = pos_sync_proto::Payload::parse("sale.committed@1", &old.to_string())
        .expect("an old sale payload reads as sale.committed@1");
    let pos_sync_proto::Payload::SaleCommitted(p) = parsed else {
        panic!("not a sale")
    };
    assert_eq!(p.sale.id, sale.id.0);
    assert_eq!(p.sale.payable.to_string(), sale.payable.to_string());
    assert_eq!(
        p.sale.lines[0].unit, sale.lines[0].unit,
        "fields the old payload had"
    );
    assert_eq!(
        p.sale.pricing, None,
        "fields it lacked are empty, not errors"
    );
}

#[test]
fn an_edit_that_arrives_after_the_member_was_anonymized_keeps_no_personal_data() {
    let a = cashier();
    let b = cashier();
    let m = a.register("13800138011", "秦岚");
    b.apply(&positions(a.unsent(), 1));
    let sent = a.unsent().len();
    // A renames the member while B, offline, anonymizes them on request.
    a.clock.advance(chrono::Duration::minutes(5));
    a.api
        .call(MemberUpdate {
            member_id: m,
            changes: MemberChanges {
                address: Some("北京市朝阳区建国路 1 号".into()),
                ..Default::default()
            },
        })
        .unwrap();
    b.login("3001", "3333");
    b.api
        .call(MemberAnonymize {
            member_id: m,
            reason: "会员本人申请".into(),
        })
        .unwrap();
    b.apply(&positions(a.unsent().split_off(sent), 100));
    assert_eq!(
        b.count("SELECT count(*) FROM member_field_edit WHERE new_value LIKE '%建国路%' OR old_value LIKE '%建国路%'"),
        0
    );
    assert_eq!(
        b.count("SELECT count(*) FROM member WHERE address LIKE '%建国路%'"),
        0
    );
    assert_eq!(
        b.count("SELECT count(*) FROM member_field_edit WHERE field = 'address'"),
        1,
        "who edited and when stay"
    );
}
