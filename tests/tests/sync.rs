//! Tills syncing with a real headquarters on PostgreSQL over HTTP: members and points travel,
//! nothing is lost or counted twice whatever fails in between, and stores converge.

use pos_core::api::MemberUpdate;
use pos_core::member::MemberChanges;
use pos_core::ErrorCode;
use pos_system_tests::{Hq, Till, GANMAOLING, PARACETAMOL};

fn connected(hq: &Hq) -> Till {
    let t = Till::demo();
    hq.connect(&t);
    t
}

#[test]
fn a_member_registered_at_one_store_shops_with_the_same_points_at_another() {
    let hq = Hq::start();
    let (a, b) = (connected(&hq), connected(&hq));
    let m = a.register("13800139001", "陈静");
    a.sell(Some(m), GANMAOLING, 2, 0); // 31.60 → 31 points
    assert!(a.unsynced() > 0);
    let r = a.sync().unwrap();
    assert_eq!(a.unsynced(), 0);
    assert_eq!(r.unsynced, 0);
    assert!(r.pushed > 0 && r.quarantined.is_empty(), "{r:?}");

    // At B the member is a stranger until B syncs.
    assert!(b.find("13800139001").is_empty());
    b.sync().unwrap();
    let found = b.find("13800139001");
    assert_eq!(found.len(), 1, "found by phone at the other store");
    assert_eq!(found[0].id, m);
    assert_eq!(b.balance(m), a.balance(m));
    assert_eq!(b.balance(m), 31);

    // B sells to the member too.
    b.sell(Some(m), GANMAOLING, 4, 0); // 63.20 → 63 points
    b.sync().unwrap();
    a.sync().unwrap();
    assert_eq!(a.balance(m), 94);
    assert_eq!(b.balance(m), 94);
    assert_eq!(hq.balance(m), 94);
    // Chain-wide spend: B's sale counts towards the member's tier at A too.
    assert_eq!(
        a.number(&format!(
            "SELECT sum(net_fen) FROM member_spend WHERE member_id = '{m}'"
        )),
        3160 + 6320
    );
    // Every till event is at headquarters exactly once.
    let events = a.number("SELECT count(*) FROM outbox") + b.number("SELECT count(*) FROM outbox");
    assert_eq!(
        hq.number(
            "SELECT count(*) FROM event WHERE store_id <> '00000000-0000-0000-0000-000000000000'"
        ),
        events
    );
}

#[test]
fn an_answer_lost_after_headquarters_committed_is_retried_without_duplicates() {
    let hq = Hq::start();
    let a = connected(&hq);
    let m = a.register("13800139002", "林涛");
    a.sell(Some(m), PARACETAMOL, 3, 0);
    // Push the events, then "lose" the answer: the till marks nothing.
    let events = a
        .api
        .store()
        .read(|c| pos_core::sync::outbox::unsent(c, 500))
        .unwrap();
    let till = a.api.store().read(pos_core::db::till_identity).unwrap();
    let token = hq.connect_again(&a);
    let client = pos_sync::Client::new(&hq.base_url, &token).unwrap();
    let ack = client
        .push(&pos_sync_proto::PushBatch {
            protocol: pos_sync_proto::PROTOCOL,
            store_id: till.store_id.0,
            device_id: till.device_id.0,
            events: events.clone(),
        })
        .unwrap();
    assert_eq!(ack.accepted.len(), events.len());
    assert_eq!(
        a.unsynced(),
        events.len() as i64,
        "the answer never arrived"
    );

    let r = a.sync().unwrap();
    assert_eq!((r.pushed, r.duplicates), (0, events.len() as u64));
    assert_eq!(a.unsynced(), 0);
    assert_eq!(
        hq.number(
            "SELECT count(*) FROM event WHERE store_id <> '00000000-0000-0000-0000-000000000000'"
        ),
        events.len() as i64
    );
    assert_eq!(
        hq.number("SELECT count(*) FROM sale"),
        a.number("SELECT count(*) FROM sale")
    );
    // The same batch once more: still nothing doubled.
    let again = client
        .push(&pos_sync_proto::PushBatch {
            protocol: pos_sync_proto::PROTOCOL,
            store_id: till.store_id.0,
            device_id: till.device_id.0,
            events,
        })
        .unwrap();
    assert!(again.accepted.is_empty());
    assert_eq!(hq.number("SELECT count(*) FROM sale"), 1);
}

#[test]
fn a_wrong_or_revoked_token_is_refused_and_nothing_is_marked_sent() {
    let hq = Hq::start();
    let a = connected(&hq);
    a.register("13800139003", "郭峰");
    let before = a.unsynced();
    a.point_at(&hq.base_url, &"x".repeat(43));
    let e = a.sync().unwrap_err();
    assert_eq!(e.code, ErrorCode::SyncFailed);
    assert_eq!(e.details.as_ref().unwrap()["status"], 401);
    assert_eq!(a.unsynced(), before);
    let status = a.api.call(pos_core::api::SyncStatusGet {}).unwrap();
    assert!(status.last_error.is_some() && status.last_success_at.is_none());

    hq.connect_again(&a);
    a.sync().unwrap();
    assert_eq!(a.unsynced(), 0);
    hq.revoke(&a);
    a.register("13800139004", "郭芳");
    let e = a.sync().unwrap_err();
    assert_eq!(e.details.as_ref().unwrap()["status"], 401);
    assert!(a.unsynced() > 0);
}

#[test]
fn a_damaged_event_is_quarantined_and_the_rest_still_goes() {
    let hq = Hq::start();
    let a = connected(&hq);
    a.register("13800139005", "黄蕾");
    // Damage one stored event after its hash was taken (a disk or a hand that changed it).
    a.api
        .store()
        .write(|tx| {
            tx.execute(
                "UPDATE outbox SET payload = replace(payload, '黄蕾', '黄某')
                 WHERE kind = 'member.registered@1'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let total = a.unsynced();
    let r = a.sync().unwrap();
    assert_eq!(r.quarantined.len(), 1, "{r:?}");
    assert_eq!(r.pushed as i64, total - 1);
    assert_eq!(a.unsynced(), 1, "the damaged event stays unsent, and shown");
    assert_eq!(hq.number("SELECT count(*) FROM quarantine"), 1);
    assert_eq!(
        hq.number(
            "SELECT count(*) FROM event WHERE store_id <> '00000000-0000-0000-0000-000000000000'"
        ),
        total - 1
    );
}

#[test]
fn headquarters_down_or_restarted_in_the_middle_of_a_batch_loses_nothing() {
    let mut hq = Hq::start();
    let a = connected(&hq);
    let m = a.register("13800139006", "马超");
    a.sell(Some(m), GANMAOLING, 1, 0);
    let total = a.unsynced();

    // Hold the push lock so the till's batch stops inside headquarters' transaction, then
    // restart headquarters under it.
    let pool = hq.db.pool.clone();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let mut c = pool.get().await.unwrap();
            let tx = c.transaction().await.unwrap();
            tx.execute(
                "SELECT pg_advisory_xact_lock($1)",
                &[&pos_hq::push::PUSH_LOCK],
            )
            .await
            .unwrap();
            locked_tx.send(()).unwrap();
            let _ = tokio::task::spawn_blocking(move || release_rx.recv()).await;
            tx.rollback().await.unwrap();
        });
    });
    locked_rx.recv().unwrap();
    let till_path = a.dir.path().join("till.sqlite");
    let pusher = std::thread::spawn(move || {
        let store = pos_core::db::Store::open(
            &till_path,
            std::sync::Arc::new(pos_core::clock::FixedClock::at("2026-11-23T02:00:00Z")),
        )
        .unwrap();
        pos_sync::sync(&store, |_| {})
    });
    // Wait until the push is inside headquarters (blocked on the lock), then restart it.
    hq.block_on(async {
        let c = hq.db.pool.get().await.unwrap();
        loop {
            let n: i64 = c
                .query_one(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                    &[],
                )
                .await
                .unwrap()
                .get(0);
            if n > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    });
    hq.restart();
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let outcome = pusher.join().unwrap();
    assert!(
        outcome.is_err(),
        "the batch in flight failed with the old server: {outcome:?}"
    );
    assert_eq!(a.unsynced(), total, "nothing marked sent");
    assert_eq!(
        hq.number(
            "SELECT count(*) FROM event WHERE store_id <> '00000000-0000-0000-0000-000000000000'"
        ),
        0,
        "rolled back whole"
    );

    // Headquarters down: a clear error, nothing lost.
    hq.stop();
    let e = a.sync().unwrap_err();
    assert_eq!(e.code, ErrorCode::SyncFailed);
    assert!(e.message.contains("不会丢失"), "{}", e.message);
    // Back up: everything arrives once.
    hq.restart();
    hq.connect_again(&a);
    a.sync().unwrap();
    assert_eq!(a.unsynced(), 0);
    assert_eq!(
        hq.number(
            "SELECT count(*) FROM event WHERE store_id <> '00000000-0000-0000-0000-000000000000'"
        ),
        total
    );
}

#[test]
fn the_same_phone_registered_at_two_stores_becomes_one_member_everywhere_with_all_the_points() {
    let hq = Hq::start();
    let (a, b) = (connected(&hq), connected(&hq));
    let ma = a.register("13800139007", "许晴");
    b.clock.advance(chrono::Duration::minutes(30));
    let mb = b.register("13800139007", "许晴");
    a.sell(Some(ma), GANMAOLING, 1, 0); // 15 points
    b.sell(Some(mb), GANMAOLING, 2, 0); // 31 points
                                        // The later registration has the newer address: the merge keeps it (fields merge per field).
    b.clock.advance(chrono::Duration::minutes(5));
    b.api
        .call(MemberUpdate {
            member_id: mb,
            changes: MemberChanges {
                address: Some("杭州市西湖区文三路 88 号".into()),
                ..Default::default()
            },
        })
        .unwrap();
    // Sync in the order that makes the later registration arrive first.
    b.sync().unwrap();
    a.sync().unwrap();
    b.sync().unwrap();
    a.sync().unwrap();
    for t in [&a, &b] {
        let found = t.find("13800139007");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, ma, "the earliest registration survives");
        assert_eq!(t.balance(ma), 46);
    }
    assert_eq!(hq.balance(ma), 46);
    for t in [&a, &b] {
        let profile = t
            .api
            .call(pos_core::api::MemberGet { member_id: ma })
            .unwrap();
        assert_eq!(
            profile.address, "杭州市西湖区文三路 88 号",
            "the newer address, at every till"
        );
    }
    assert_eq!(
        hq.rows(&format!("SELECT address FROM member WHERE id = '{ma}'")),
        vec!["杭州市西湖区文三路 88 号".to_string()]
    );
    assert_eq!(
        hq.number(&format!(
            "SELECT count(*) FROM member WHERE merged_into = '{ma}'"
        )),
        1
    );
    let e = b
        .api
        .call(MemberUpdate {
            member_id: mb,
            changes: MemberChanges {
                name: Some("许晴晴".into()),
                ..Default::default()
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::MemberMerged);
}

#[test]
fn a_till_whose_clock_is_a_year_ahead_cannot_win_every_later_edit() {
    let hq = Hq::start();
    let (a, b) = (connected(&hq), connected(&hq));
    let m = a.register("13800139008", "何平");
    a.sync().unwrap();
    b.sync().unwrap();
    // A's clock jumps a year ahead; it renames the member and syncs.
    a.clock.advance(chrono::Duration::days(365));
    a.rename(m, "何平甲");
    a.sync().unwrap();
    // An hour later, B (clock right, not yet synced since) renames the member too.
    hq.clock.advance(chrono::Duration::hours(1));
    b.clock.advance(chrono::Duration::hours(1));
    b.rename(m, "何平乙");
    b.sync().unwrap();
    a.sync().unwrap();
    for t in [&a, &b] {
        assert_eq!(
            t.find("13800139008")[0].name,
            "何平乙",
            "the later real edit wins"
        );
    }
    assert_eq!(
        hq.rows(&format!("SELECT name FROM member WHERE id = '{m}'")),
        vec!["何平乙".to_string()]
    );
    // A's edit keeps the stamp headquarters gave it, not its year-ahead one.
    let year_ahead = chrono::DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z")
        .unwrap()
        .timestamp_millis();
    assert_eq!(
        a.number(&format!(
            "SELECT count(*) FROM member_field_edit WHERE field = 'name' AND hlc_wall_ms > {year_ahead}"
        )),
        0
    );
}

#[test]
fn a_merge_sent_by_a_till_is_refused_by_headquarters() {
    let hq = Hq::start();
    let a = connected(&hq);
    let m = a.register("13800139009", "邓超");
    a.sync().unwrap();
    // A forged merge written into the outbox by hand.
    a.api
        .store()
        .write(|tx| {
            pos_core::sync::outbox::append(
                tx,
                pos_sync_proto::Payload::MemberMerged(pos_sync_proto::catalogue::MemberMergedV1 {
                    merged: m.0,
                    survivor: uuid::Uuid::now_v7(),
                    phone: "13800139009".into(),
                    at: "2026-11-23T02:00:00Z".into(),
                }),
            )
            .map(|_| ())
        })
        .unwrap();
    let r = a.sync().unwrap();
    assert_eq!(r.quarantined.len(), 1, "{r:?}");
    assert_eq!(
        hq.number("SELECT count(*) FROM quarantine WHERE reason = 'hq_only_kind'"),
        1
    );
    assert_eq!(
        hq.number("SELECT count(*) FROM member WHERE merged_into IS NOT NULL"),
        0
    );
}

#[test]
fn chain_rules_published_by_headquarters_reach_every_till_and_a_stores_own_stay_home() {
    let hq = Hq::start();
    let (a, b) = (connected(&hq), connected(&hq));
    let rules = |t: &Till| t.api.store().read(pos_core::rules::get).unwrap();
    let mut doc = serde_json::to_value(rules(&a)).unwrap();
    doc["member_days"] = serde_json::json!([8, 18, 28]);
    doc["member_day_rate"] = serde_json::json!("0.85");
    let published =
        pos_sync_proto::Payload::RulesUpdated(pos_sync_proto::catalogue::RulesUpdatedV1 {
            document: doc,
        });
    hq.block_on(pos_hq::push::publish(&hq.db.pool, &*hq.clock, &published))
        .unwrap();
    a.sync().unwrap();
    b.sync().unwrap();
    for t in [&a, &b] {
        let r = rules(t);
        assert_eq!(r.member_days, vec![8, 18, 28]);
        assert_eq!(r.member_day_rate.to_string(), "0.85");
    }
    // A till's own change of its rules does not spread to the other stores.
    let mut mine = rules(&a);
    mine.drop_small_change = true;
    a.login("3001", "3333");
    a.api
        .store()
        .write(|tx| {
            let me = pos_core::staff::list(tx)?[0].id;
            pos_core::rules::update(tx, me, mine.clone())
        })
        .unwrap();
    a.sync().unwrap();
    b.sync().unwrap();
    assert!(rules(&a).drop_small_change);
    assert!(!rules(&b).drop_small_change);
    // Rules headquarters cannot vouch for (a bad document) are kept aside at the till, unapplied.
    let bad = pos_sync_proto::Payload::RulesUpdated(pos_sync_proto::catalogue::RulesUpdatedV1 {
        document: serde_json::json!({"member_day_rate": "2.5"}),
    });
    hq.block_on(pos_hq::push::publish(&hq.db.pool, &*hq.clock, &bad))
        .unwrap();
    b.sync().unwrap();
    assert_eq!(rules(&b).member_day_rate.to_string(), "0.85");
    assert_eq!(
        b.number(
            "SELECT count(*) FROM sync_inbox WHERE kind = 'rules.updated@1' AND outcome = 'bad'"
        ),
        1
    );
}

#[test]
fn the_chain_catalog_and_prices_published_by_headquarters_reach_every_till() {
    let hq = Hq::start();
    let (a, b) = (connected(&hq), connected(&hq));
    let product = |barcode: &str, name: &str, price: &str| {
        pos_sync_proto::Payload::CatalogProduct(pos_sync_proto::catalogue::CatalogProductV1 {
            barcode: barcode.into(),
            name: name.into(),
            generic_name: name.into(),
            spec: "10片/盒".into(),
            dosage_form: "片剂".into(),
            manufacturer: "华北制药".into(),
            unit: "盒".into(),
            price: price.parse().unwrap(),
            category: "感冒用药".into(),
            rx: false,
            ephedrine: false,
            insurance: true,
            member_discount: true,
            points: true,
            follow_up: false,
            allergen_classes: vec![],
            days_of_supply: Some(5),
            guidance: "饭后服用".into(),
        })
    };
    // A new product for the chain, and a new price for one every store sells.
    let new_one = product("6901234567892", "维C银翘片", "9.90");
    let sold = a
        .api
        .call(pos_core::api::ProductByBarcode {
            barcode: GANMAOLING.into(),
        })
        .unwrap();
    let mut repriced = pos_core::catalog::import::product_event(&sold);
    repriced.price = "14.80".parse().unwrap();
    hq.block_on(pos_hq::push::publish_all(
        &hq.db.pool,
        &*hq.clock,
        &[new_one, pos_sync_proto::Payload::CatalogProduct(repriced)],
    ))
    .unwrap();
    for t in [&a, &b] {
        t.sync().unwrap();
        let s = t.sell(None, "6901234567892", 1, 0);
        assert_eq!(s.payable.to_string(), "9.90");
        let s = t.sell(None, GANMAOLING, 1, 0);
        assert_eq!(s.payable.to_string(), "14.80", "the chain's new price");
        assert_eq!(
            t.number(
                "SELECT count(*) FROM product_price_history h JOIN product p ON p.id = h.product_id
                 WHERE p.barcode = '6939668066407' AND h.source = '总部目录' AND h.new_price_fen = 1480"
            ),
            1
        );
    }
    // A store's own catalog import stays at that store (and at headquarters, for its rebuild).
    assert_eq!(
        b.number("SELECT count(*) FROM sync_inbox WHERE kind = 'catalog.product@1' AND store_id <> '00000000-0000-0000-0000-000000000000'"),
        0
    );
    assert!(
        hq.number(&format!(
            "SELECT count(*) FROM event WHERE kind = 'catalog.product@1' AND store_id = '{}'",
            a.api
                .store()
                .read(pos_core::db::till_identity)
                .unwrap()
                .store_id
        )) >= 246
    );
}

#[test]
fn an_ephedrine_buyer_is_recognised_at_every_store_without_spreading_the_id_number() {
    let hq = Hq::start();
    let (a, b) = (connected(&hq), connected(&hq));
    const CONTAC: &str = "6906988033655"; // 新康泰克, contains pseudoephedrine
    const ID: &str = "11010519491231002X";
    let buy = |t: &Till| {
        let cart = t.api.call(pos_core::api::CartOpen {}).unwrap();
        t.api
            .call(pos_core::api::CartScan {
                cart_id: cart.id,
                barcode: CONTAC.into(),
                quantity: Some(1),
            })
            .unwrap();
        t.api
            .call(pos_core::api::CartSetEphedrineBuyer {
                cart_id: cart.id,
                buyer_name: "王五".into(),
                id_number: ID.to_lowercase(),
            })
            .unwrap()
    };
    let first = buy(&a);
    assert_eq!(
        first
            .gates
            .ephedrine_buyer
            .as_ref()
            .unwrap()
            .recent_purchases,
        0
    );
    a.api
        .call(pos_core::api::SalePay {
            cart_id: first.id,
            tenders: vec![pos_core::pricing::Tender {
                kind: pos_core::pricing::TenderKind::Cash,
                amount: first.pricing.payable,
                settlement_no: None,
                reference: None,
            }],
        })
        .unwrap();
    // Before B syncs it knows nothing of the purchase at A.
    let at_b = buy(&b);
    assert_eq!(
        at_b.gates
            .ephedrine_buyer
            .as_ref()
            .unwrap()
            .recent_purchases,
        0
    );
    a.sync().unwrap();
    b.sync().unwrap();
    let at_b = buy(&b);
    assert_eq!(
        at_b.gates
            .ephedrine_buyer
            .as_ref()
            .unwrap()
            .recent_purchases,
        1,
        "the purchase at the other store is counted"
    );
    // A's own purchase is counted once there, not again through headquarters.
    a.sync().unwrap();
    assert_eq!(buy(&a).gates.ephedrine_buyer.unwrap().recent_purchases, 1);
    // B learnt a digest, never the number (nor A's whole sale).
    assert_eq!(
        b.number(&format!(
            "SELECT count(*) FROM sync_inbox WHERE upper(payload) LIKE '%{ID}%' OR payload LIKE '%110105%'"
        )),
        0
    );
    assert_eq!(
        b.number("SELECT count(*) FROM sync_inbox WHERE kind LIKE 'sale.committed%'"),
        0
    );
}

#[test]
fn a_pack_sold_at_two_stores_is_flagged_at_both_until_one_comes_back() {
    let hq = Hq::start();
    let (a, b) = (connected(&hq), connected(&hq));
    // One 感冒灵 pack's GS1 DataMatrix, scanned at two stores: it names its product.
    const PACK: &str = "(01)06939668066407(17)281231(10)B2405(21)CHAIN0001";
    let at_a = a.sell(None, PACK, 1, 0);
    let at_b = b.sell(None, PACK, 1, 0);
    assert_eq!(at_a.lines[0].barcode, GANMAOLING);
    let flagged = |t: &Till| {
        t.login("3001", "3333");
        let rows = t.api.call(pos_core::api::TraceConflicts {}).unwrap();
        t.login("1001", "1111");
        rows
    };
    // Before headquarters has seen both sales, nobody knows.
    a.sync().unwrap();
    assert!(flagged(&a).is_empty());
    b.sync().unwrap();
    a.sync().unwrap();
    for (t, mine, theirs) in [(&a, &at_a, &at_b), (&b, &at_b, &at_a)] {
        let rows = flagged(t);
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].code, "010693966806640721CHAIN0001");
        assert_eq!(rows[0].receipt_no, mine.receipt_no);
        assert_eq!(rows[0].name, "感冒灵颗粒");
        assert_eq!(rows[0].others.len(), 1);
        assert_eq!(rows[0].others[0].receipt_no, theirs.receipt_no);
        assert!(!rows[0].others[0].store_name.is_empty());
    }
    // The pack comes back at B: the code is out at one sale only, and both flags clear.
    b.return_all(&at_b);
    b.sync().unwrap();
    a.sync().unwrap();
    assert!(flagged(&a).is_empty());
    assert!(flagged(&b).is_empty());
}
