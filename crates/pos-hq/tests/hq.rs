//! Headquarters against a real PostgreSQL: each test has its own database and its own server on
//! 127.0.0.1:0, and talks HTTP to it as a till would.

mod common;

use common::*;
use hyper::{Method, StatusCode};
use pos_sync_proto::catalogue::*;
use pos_sync_proto::{
    payload_hash, Payload, PullPage, PushBatch, QuarantineReason, HQ_STORE, MAX_BATCH_EVENTS,
    MAX_BODY_BYTES,
};
use uuid::Uuid;

#[tokio::test]
async fn health_answers_ok_without_a_token() {
    let hq = Hq::start().await;
    let (status, body) = hq.http.send(Method::GET, "/v1/health", None, vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v, serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn a_batch_pushed_twice_is_stored_once() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let m = Uuid::now_v7();
    let events = vec![
        till.env(&registered(
            m,
            "13800138000",
            "王芳",
            "2026-11-01T08:00:00Z",
            till.store,
            stamp(T0, 0, till.device),
        )),
        till.env(&points(m, 120)),
        till.env(&staff_created()),
    ];
    let batch = till.batch(events.clone());
    let ack = hq.http.push(&till.token, &batch).await;
    let ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
    assert_eq!(ack.accepted, ids);
    assert!(ack.duplicates.is_empty() && ack.quarantined.is_empty() && ack.gaps.is_empty());
    let counts = (
        hq.count("SELECT count(*) FROM event").await,
        hq.count("SELECT count(*) FROM points_entry").await,
        hq.count("SELECT count(*) FROM member").await,
    );
    assert_eq!(counts, (3, 1, 1));

    let again = hq.http.push(&till.token, &batch).await;
    assert!(again.accepted.is_empty());
    assert_eq!(again.duplicates, ids);
    assert_eq!(
        (
            hq.count("SELECT count(*) FROM event").await,
            hq.count("SELECT count(*) FROM points_entry").await,
            hq.count("SELECT count(*) FROM member").await,
        ),
        counts
    );
    assert_eq!(hq.member(m).await.points_balance, 120);

    let stores: Vec<serde_json::Value> = hq.http.get_json("/v1/admin/stores", &hq.admin).await;
    assert_eq!(stores[0]["events"], 3);
    assert!(!stores[0]["last_push_at"].is_null());
    // A store's token does not open the chain's views; no token at all is not logged in.
    let (status, body) = hq
        .http
        .send(
            Method::GET,
            "/v1/admin/members?phone=13800138000",
            Some(&till.token),
            Vec::new(),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "ADMIN_ONLY".to_string())
    );
    let (status, _) = hq
        .http
        .send(Method::GET, "/v1/admin/stores", None, Vec::new())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    pos_hq::revoke_admin_tokens(&hq.db.pool).await.unwrap();
    let (status, _) = hq
        .http
        .send(Method::GET, "/v1/admin/stores", Some(&hq.admin), Vec::new())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked admin token");
}

#[tokio::test]
async fn the_same_id_with_another_payload_is_a_hash_conflict_and_the_first_copy_stays() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let m = Uuid::now_v7();
    let first = till.env(&points(m, 10));
    hq.http
        .push(&till.token, &till.batch(vec![first.clone()]))
        .await;

    let mut other = first.clone();
    other.payload = points(m, 99_999).to_json();
    other.payload_hash = payload_hash(other.payload.as_bytes());
    let ack = hq.http.push(&till.token, &till.batch(vec![other])).await;
    assert!(ack.accepted.is_empty() && ack.duplicates.is_empty());
    assert_eq!(ack.quarantined.len(), 1);
    assert_eq!(ack.quarantined[0].event_id, first.event_id);
    assert_eq!(ack.quarantined[0].reason, QuarantineReason::HashConflict);

    let c = hq.db.client().await.unwrap();
    let stored: String = c
        .query_one(
            "SELECT payload FROM event WHERE event_id = $1",
            &[&first.event_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, first.payload);
    assert_eq!(
        hq.count("SELECT sum(points)::bigint FROM points_entry")
            .await,
        10
    );
    assert_eq!(
        hq.count("SELECT count(*) FROM quarantine WHERE reason = 'hash_conflict'")
            .await,
        1
    );
}

#[tokio::test]
async fn damaged_unknown_and_unreadable_events_are_quarantined_and_the_rest_stored() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let m = Uuid::now_v7();
    let good = till.env(&points(m, 5));
    let mut damaged = till.env(&points(m, 6));
    damaged.payload_hash = "0000000000000000".into();
    let unknown = till.env_text("member.teleported@1", "{}".into());
    let unreadable = till.env_text("points.entry@1", r#"{"id":"not a uuid"}"#.into());
    let bad_date = {
        let mut p = match points(m, 7) {
            Payload::PointsEntry(p) => p,
            _ => unreachable!(),
        };
        p.business_date = "2026-13-45".into();
        till.env(&Payload::PointsEntry(p))
    };
    let mut foreign = till.env(&points(m, 8));
    foreign.store_id = Uuid::now_v7();
    foreign.payload_hash = payload_hash(foreign.payload.as_bytes());

    let batch = till.batch(vec![
        good.clone(),
        damaged.clone(),
        unknown.clone(),
        unreadable.clone(),
        bad_date.clone(),
        foreign.clone(),
    ]);
    let ack = hq.http.push(&till.token, &batch).await;
    assert_eq!(ack.accepted, vec![good.event_id]);
    let reasons: Vec<(Uuid, QuarantineReason)> = ack
        .quarantined
        .iter()
        .map(|q| (q.event_id, q.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (damaged.event_id, QuarantineReason::HashMismatch),
            (unknown.event_id, QuarantineReason::UnknownKind),
            (unreadable.event_id, QuarantineReason::BadPayload),
            (bad_date.event_id, QuarantineReason::BadPayload),
            (foreign.event_id, QuarantineReason::WrongStore),
        ]
    );
    assert_eq!(hq.count("SELECT count(*) FROM event").await, 1);
    assert_eq!(hq.count("SELECT count(*) FROM quarantine").await, 5);
    // Retrying keeps one row per quarantined event.
    hq.http.push(&till.token, &batch).await;
    assert_eq!(hq.count("SELECT count(*) FROM quarantine").await, 5);

    let q: Vec<serde_json::Value> = hq
        .http
        .get_json("/v1/admin/quarantine?limit=2", &hq.admin)
        .await;
    assert_eq!(q.len(), 2);
}

#[tokio::test]
async fn malformed_oversized_and_foreign_requests_are_refused() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let other = hq.till("SH002").await;
    let e = till.env(&staff_created());
    let batch = till.batch(vec![e]);
    let json = serde_json::to_vec(&batch).unwrap();

    // Truncated body.
    let (status, body) = hq
        .http
        .send(
            Method::POST,
            "/v1/push",
            Some(&till.token),
            json[..json.len() / 2].to_vec(),
        )
        .await;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "BAD_BATCH")
    );

    // Another protocol.
    let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    v["protocol"] = 2.into();
    let (status, body) = hq
        .http
        .send(
            Method::POST,
            "/v1/push",
            Some(&till.token),
            serde_json::to_vec(&v).unwrap(),
        )
        .await;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "UNSUPPORTED_PROTOCOL")
    );

    // Too many events.
    let many: Vec<_> = (0..=MAX_BATCH_EVENTS)
        .map(|_| till.env(&staff_created()))
        .collect();
    let (status, body) = hq.http.push_raw(&till.token, &till.batch(many)).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "BATCH_TOO_LARGE")
    );

    // Over the body limit.
    let (status, body) = hq
        .http
        .send(
            Method::POST,
            "/v1/push",
            Some(&till.token),
            vec![b' '; MAX_BODY_BYTES + 1],
        )
        .await;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE")
    );

    // A batch for another store.
    let (status, body) = hq.http.push_raw(&other.token, &batch).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::FORBIDDEN, "WRONG_STORE")
    );

    assert_eq!(hq.count("SELECT count(*) FROM event").await, 0);
}

#[tokio::test]
async fn missing_unknown_and_revoked_tokens_are_401() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let e = till.env(&staff_created());
    let batch = till.batch(vec![e]);
    let body = serde_json::to_vec(&batch).unwrap();
    for token in [None, Some("00ff"), Some("")] {
        let (status, resp) = hq
            .http
            .send(Method::POST, "/v1/push", token, body.clone())
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let e: pos_sync_proto::ErrorBody = serde_json::from_slice(&resp).unwrap();
        assert_eq!(e.code, "UNAUTHORIZED");
        assert_eq!(e.message, "门店令牌无效或已吊销，请向总部重新申请");
    }
    let (status, _) = hq
        .http
        .send(Method::GET, "/v1/pull?cursor=0", None, vec![])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    hq.http.push(&till.token, &batch).await;
    assert_eq!(
        pos_hq::revoke_tokens(&hq.db.pool, till.store)
            .await
            .unwrap(),
        1
    );
    let (status, resp) = hq.http.push_raw(&till.token, &batch).await;
    assert_eq!(
        (status, code(&resp).as_str()),
        (StatusCode::UNAUTHORIZED, "UNAUTHORIZED")
    );
    let (status, _) = hq
        .http
        .send(Method::GET, "/v1/pull", Some(&till.token), vec![])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let fresh = pos_hq::issue_token(&hq.db.pool, till.store).await.unwrap();
    assert_eq!(fresh.len(), 64);
    assert_ne!(fresh, till.token);
    assert_eq!(hq.http.push(&fresh, &batch).await.duplicates.len(), 1);
}

#[tokio::test]
async fn a_hole_in_a_device_sequence_is_reported() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let e1 = till.env(&staff_created());
    let late2 = till.env(&staff_created());
    let late3 = till.env(&staff_created());
    let e4 = till.env(&staff_created());
    let late5 = till.env(&staff_created());
    let e6 = till.env(&staff_created());
    let ack = hq
        .http
        .push(&till.token, &till.batch(vec![e1, e4, e6]))
        .await;
    let gaps: Vec<(i64, i64)> = ack.gaps.iter().map(|g| (g.from_seq, g.to_seq)).collect();
    assert_eq!(gaps, vec![(2, 3), (5, 5)]);
    assert!(ack.gaps.iter().all(|g| g.device_id == till.device));
    let all: Vec<pos_sync_proto::Gap> = hq.http.get_json("/v1/admin/gaps", &hq.admin).await;
    assert_eq!(all, ack.gaps);

    // Headquarters remembers how far the sequence is whole; holes filled later close, and a
    // new hole past the whole part is still found.
    let ack = hq
        .http
        .push(&till.token, &till.batch(vec![late2, late3]))
        .await;
    let gaps: Vec<(i64, i64)> = ack.gaps.iter().map(|g| (g.from_seq, g.to_seq)).collect();
    assert_eq!(gaps, vec![(5, 5)]);
    let _lost7 = till.env(&staff_created());
    let e8 = till.env(&staff_created());
    let ack = hq
        .http
        .push(&till.token, &till.batch(vec![late5, e8]))
        .await;
    let gaps: Vec<(i64, i64)> = ack.gaps.iter().map(|g| (g.from_seq, g.to_seq)).collect();
    assert_eq!(gaps, vec![(7, 7)]);
    let all: Vec<pos_sync_proto::Gap> = hq.http.get_json("/v1/admin/gaps", &hq.admin).await;
    assert_eq!(all, ack.gaps);
}

#[tokio::test]
async fn pull_pages_through_other_stores_events_in_order_byte_for_byte() {
    let hq = Hq::start().await;
    let mut a = hq.till("SH001").await;
    let mut b = hq.till("SH002").await;
    let m = Uuid::now_v7();
    // Hand-written payload text with odd spacing and escapes: it must come back unchanged.
    let odd = format!(
        "{{ \"id\" : \"{}\", \"member_id\":\"{m}\", \"kind\":\"earn\", \"points\": 3,\n \
         \"reason\":\"\\u6d88\\u8d39\", \"at\":\"2026-11-29T10:00:00Z\", \"business_date\":\"2026-11-29\" }}",
        Uuid::now_v7()
    );
    assert!(Payload::parse("points.entry@1", &odd).is_ok());
    let a_events = vec![
        a.env(&registered(
            m,
            "13900000001",
            "李雷",
            "2026-11-01T08:00:00Z",
            a.store,
            stamp(T0, 0, a.device),
        )),
        a.env_text("points.entry@1", odd.clone()),
        a.env(&staff_created()), // not pulled
        a.env(&points(m, 4)),
    ];
    hq.http.push(&a.token, &a.batch(a_events.clone())).await;
    let b_own = b.env(&points(m, 1));
    hq.http.push(&b.token, &b.batch(vec![b_own.clone()])).await;

    // Store B sees A's three pullable events, two per page.
    let p1: PullPage = hq
        .http
        .get_json("/v1/pull?cursor=0&limit=2", &b.token)
        .await;
    assert_eq!(p1.events.len(), 2);
    assert!(p1.more);
    assert_eq!(p1.next_cursor, p1.events[1].cursor);
    assert!(p1.events[0].cursor < p1.events[1].cursor);
    assert_eq!(p1.events[0].event, a_events[0]);
    assert_eq!(p1.events[1].event, a_events[1]);
    assert_eq!(p1.events[1].event.payload, odd);
    let p2: PullPage = hq
        .http
        .get_json(
            &format!("/v1/pull?cursor={}&limit=2", p1.next_cursor),
            &b.token,
        )
        .await;
    assert_eq!(p2.events.len(), 1);
    assert!(!p2.more);
    assert_eq!(p2.events[0].event, a_events[3]);
    let p3: PullPage = hq
        .http
        .get_json(&format!("/v1/pull?cursor={}", p2.next_cursor), &b.token)
        .await;
    assert!(p3.events.is_empty() && !p3.more);
    assert_eq!(p3.next_cursor, p2.next_cursor);

    // Store A sees only B's event.
    let pa: PullPage = hq.http.get_json("/v1/pull?cursor=0", &a.token).await;
    let got: Vec<_> = pa.events.iter().map(|e| e.event.clone()).collect();
    assert_eq!(got, vec![b_own]);
    let (status, body) = hq
        .http
        .send(Method::GET, "/v1/pull?cursor=abc", Some(&a.token), vec![])
        .await;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "BAD_QUERY")
    );
}

async fn push_one(hq: &Hq, till: &mut Till, p: &Payload) {
    let e = till.env(p);
    let ack = hq.http.push(&till.token, &till.batch(vec![e])).await;
    assert_eq!(ack.accepted.len(), 1, "{ack:?}");
}

#[tokio::test]
async fn member_fields_are_last_writer_wins_by_hlc_in_any_arrival_order() {
    let device_a = Uuid::now_v7();
    let device_b = Uuid::now_v7();
    let m = Uuid::now_v7();
    let ops = |store: Uuid| {
        vec![
            registered(
                m,
                "13700000000",
                "赵敏",
                "2026-11-01T08:00:00Z",
                store,
                stamp(T0 - 10_000, 0, device_a),
            ),
            edited(m, "address", "北京市海淀区", stamp(T0 - 5_000, 0, device_a)),
            edited(m, "address", "广州市天河区", stamp(T0 - 5_000, 1, device_b)), // wins by counter
            edited(m, "name", "赵敏敏", stamp(T0 - 8_000, 0, device_b)),
            edited(m, "name", "赵小敏", stamp(T0 - 9_000, 0, device_a)), // older: loses
            edited(m, "occupation", "医生", stamp(T0 - 20_000, 0, device_b)), // older than registration
        ]
    };
    let mut views = Vec::new();
    for reversed in [false, true] {
        let hq = Hq::start().await;
        let mut till = hq.till("SH001").await;
        let mut list = ops(till.store);
        if reversed {
            list.reverse();
        }
        for p in &list {
            push_one(&hq, &mut till, p).await;
        }
        let mut v = hq.member(m).await;
        assert_eq!(v.address.as_deref(), Some("广州市天河区"));
        assert_eq!(v.name.as_deref(), Some("赵敏敏"));
        assert_eq!(v.occupation.as_deref(), Some("教师"));
        assert_eq!(v.phone.as_deref(), Some("13700000000"));
        assert!(v.registered);
        v.store_id = None; // stores differ between the two databases
        v.store_code = None;
        v.store_name = None;
        views.push(v);
    }
    assert_eq!(views[0], views[1]);
}

#[tokio::test]
async fn a_stamp_a_year_ahead_is_clamped_and_a_later_real_edit_wins() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let m = Uuid::now_v7();
    let year_ms = 365 * 24 * 3600 * 1000;
    let (store, device) = (till.store, till.device);
    push_one(
        &hq,
        &mut till,
        &registered(
            m,
            "13600000000",
            "钱多",
            "2026-11-01T08:00:00Z",
            store,
            stamp(T0, 0, device),
        ),
    )
    .await;
    push_one(
        &hq,
        &mut till,
        &edited(m, "address", "未来的地址", stamp(T0 + year_ms, 0, device)),
    )
    .await;
    assert_eq!(hq.member(m).await.address.as_deref(), Some("未来的地址"));
    let c = hq.db.client().await.unwrap();
    let (wall, orig): (i64, i64) = {
        let r = c
            .query_one("SELECT wall_ms, orig_wall_ms FROM member_field WHERE member_id = $1 AND field = 'address'", &[&m])
            .await
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(wall, T0 + pos_hq::projection::MAX_CLOCK_LEAD_MS);
    assert_eq!(orig, T0 + year_ms);

    // A day later (headquarters' clock moves), a real edit with an honest clock wins.
    hq.clock.advance(chrono::Duration::days(1));
    let other = Uuid::now_v7();
    push_one(
        &hq,
        &mut till,
        &edited(
            m,
            "address",
            "真实的新地址",
            stamp(T0 + 86_400_000, 0, other),
        ),
    )
    .await;
    assert_eq!(hq.member(m).await.address.as_deref(), Some("真实的新地址"));
}

/// Registrations of the same phone at two stores, in the given order; returns what each store
/// pulled of `member.merged@1` and the final views.
async fn same_phone_at_two_stores(
    a_first: bool,
) -> (Uuid, Uuid, Vec<serde_json::Value>, Hq, Till, Till) {
    let hq = Hq::start().await;
    let mut a = hq.till("SH001").await;
    let mut b = hq.till("SH002").await;
    let early = Uuid::now_v7();
    let late = Uuid::now_v7();
    let reg_a = registered(
        early,
        "13800138000",
        "王芳",
        "2026-11-01T08:00:00Z",
        a.store,
        stamp(T0, 0, a.device),
    );
    let reg_b = registered(
        late,
        "13800138000",
        "王方",
        "2026-11-02T08:00:00Z",
        b.store,
        stamp(T0, 0, b.device),
    );
    if a_first {
        push_one(&hq, &mut a, &reg_a).await;
        push_one(&hq, &mut a, &points(early, 100)).await;
        push_one(&hq, &mut b, &reg_b).await;
        push_one(&hq, &mut b, &points(late, 30)).await;
    } else {
        push_one(&hq, &mut b, &reg_b).await;
        push_one(&hq, &mut b, &points(late, 30)).await;
        push_one(&hq, &mut a, &reg_a).await;
        push_one(&hq, &mut a, &points(early, 100)).await;
    }
    let queue: Vec<serde_json::Value> = hq.http.get_json("/v1/admin/merge-queue", &hq.admin).await;
    (early, late, queue, hq, a, b)
}

#[tokio::test]
async fn the_same_phone_at_two_stores_merges_into_the_earliest_in_either_order() {
    let mut outcomes = Vec::new();
    for a_first in [true, false] {
        let (early, late, queue, hq, a, b) = same_phone_at_two_stores(a_first).await;
        let survivor = hq.member(early).await;
        let merged = hq.member(late).await;
        assert_eq!(survivor.merged_into, None);
        assert_eq!(merged.merged_into, Some(early));
        assert_eq!(survivor.points_balance, 130);
        assert_eq!(survivor.store_code.as_deref(), Some("SH001"));

        // Both stores pull exactly one merge event from headquarters.
        for till in [&a, &b] {
            let page: PullPage = hq.http.get_json("/v1/pull?cursor=0", &till.token).await;
            let merges: Vec<_> = page
                .events
                .iter()
                .filter(|e| e.event.kind == "member.merged@1")
                .collect();
            assert_eq!(merges.len(), 1);
            let e = &merges[0].event;
            assert_eq!((e.store_id, e.device_id, e.seq), (HQ_STORE, Uuid::nil(), 1));
            assert!(e.hash_matches());
            match Payload::parse(&e.kind, &e.payload).unwrap() {
                Payload::MemberMerged(p) => {
                    assert_eq!((p.merged, p.survivor), (late, early));
                    assert_eq!(p.phone, "13800138000");
                }
                other => panic!("{other:?}"),
            }
        }

        // The names differ: a person decides.
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0]["survivor"], early.to_string());
        assert_eq!(queue[0]["merged"], late.to_string());
        assert_eq!(queue[0]["status"], "open");

        let members: Vec<serde_json::Value> = hq
            .http
            .get_json("/v1/admin/members?phone=13800138000", &hq.admin)
            .await;
        assert_eq!(members.len(), 2);
        assert_eq!(members[0]["id"], early.to_string());
        assert_eq!(members[0]["points_balance"], 130);
        outcomes.push((survivor.name, merged.name, survivor.points_balance));
    }
    assert_eq!(outcomes[0], outcomes[1]);
}

#[tokio::test]
async fn the_same_name_merges_without_asking_a_person() {
    let hq = Hq::start().await;
    let mut a = hq.till("SH001").await;
    let mut b = hq.till("SH002").await;
    let x = Uuid::now_v7();
    let y = Uuid::now_v7();
    let reg_x = registered(
        x,
        "13500000000",
        "孙丽",
        "2026-11-01T08:00:00Z",
        a.store,
        stamp(T0, 0, a.device),
    );
    let reg_y = registered(
        y,
        "13500000000",
        "孙丽",
        "2026-10-01T08:00:00Z",
        b.store,
        stamp(T0, 0, b.device),
    );
    push_one(&hq, &mut a, &reg_x).await;
    push_one(&hq, &mut b, &reg_y).await;
    assert_eq!(hq.member(x).await.merged_into, Some(y));
    assert_eq!(hq.count("SELECT count(*) FROM merge_queue").await, 0);
}

#[tokio::test]
async fn a_health_item_removed_before_it_was_added_stays_removed() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let m = Uuid::now_v7();
    let kept = Uuid::now_v7();
    let removed = Uuid::now_v7();
    let add = |id: Uuid, code: &str| {
        Payload::HealthItemAdded(HealthItemAddedV1 {
            member_id: m,
            item: HealthItemV1 {
                id,
                kind: "allergy".into(),
                code: code.into(),
                note: String::new(),
                added_at: "2026-11-29T09:00:00Z".into(),
                added_by: Uuid::nil(),
            },
        })
    };
    push_one(
        &hq,
        &mut till,
        &Payload::HealthItemRemoved(HealthItemRemovedV1 {
            member_id: m,
            item_id: removed,
            at: "2026-11-29T10:00:00Z".into(),
            by_staff: Uuid::nil(),
        }),
    )
    .await;
    push_one(&hq, &mut till, &add(removed, "penicillin")).await;
    push_one(&hq, &mut till, &add(kept, "sulfa")).await;
    let items = hq.member(m).await.health_items;
    assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), vec![kept]);
}

#[tokio::test]
async fn a_withdrawal_wins_a_tie_with_a_grant_in_either_order() {
    for withdraw_first in [true, false] {
        let hq = Hq::start().await;
        let mut till = hq.till("SH001").await;
        let m = Uuid::now_v7();
        let grant = consent(m, true, "2026-11-29T10:00:00Z");
        let withdraw = consent(m, false, "2026-11-29T10:00:00+00:00");
        let older_grant = consent(m, true, "2026-11-29T09:00:00Z");
        let order = if withdraw_first {
            vec![&withdraw, &grant, &older_grant]
        } else {
            vec![&older_grant, &grant, &withdraw]
        };
        for p in order {
            push_one(&hq, &mut till, p).await;
        }
        let consents = hq.member(m).await.consents;
        assert_eq!(consents.len(), 1);
        assert!(!consents[0].granted, "withdraw_first={withdraw_first}");
        // A later grant is a new decision and wins.
        push_one(&hq, &mut till, &consent(m, true, "2026-11-29T11:00:00Z")).await;
        assert!(hq.member(m).await.consents[0].granted);
    }
}

#[tokio::test]
async fn net_spend_counts_sales_less_refunds_over_365_days_across_merged_members() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let m = Uuid::now_v7();
    let (store, device) = (till.store, till.device);
    let sale = |id: Uuid, date: &str, payable: &str| {
        sale_event(
            store,
            device,
            Some(m),
            id,
            date,
            payable,
            Uuid::now_v7(),
            &[],
        )
    };
    let s1 = Uuid::now_v7();
    push_one(&hq, &mut till, &sale(s1, "2026-11-20", "100.00")).await;
    push_one(&hq, &mut till, &sale(Uuid::now_v7(), "2026-06-01", "50.50")).await;
    push_one(
        &hq,
        &mut till,
        &sale(Uuid::now_v7(), "2025-06-01", "999.00"),
    )
    .await; // too old
    push_one(
        &hq,
        &mut till,
        &Payload::ReturnCommitted(ReturnCommittedV1 {
            id: Uuid::now_v7(),
            receipt_no: "T1".into(),
            sale_id: s1,
            sale_receipt_no: "R1".into(),
            at: "2026-11-21T10:00:00+08:00".into(),
            business_date: "2026-11-21".into(),
            cashier_id: Uuid::nil(),
            approved_by: Uuid::nil(),
            reason: "quality".into(),
            reason_note: String::new(),
            lines: vec![],
            refunds: vec![],
            refund: "30.00".parse().unwrap(),
            points_taken_back: 0,
            points_given_back: 0,
            full: false,
            points_balance_after: None,
        }),
    )
    .await;
    let c = hq.db.client().await.unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let spend = pos_hq::views::net_spend(&**c, m, as_of).await.unwrap();
    assert_eq!(spend, "120.50".parse().unwrap());
    assert_eq!(hq.count("SELECT count(*) FROM sale_line").await, 3);
}

#[tokio::test]
async fn the_cli_library_calls_refuse_a_token_for_an_unknown_store() {
    let hq = Hq::start().await;
    assert!(pos_hq::issue_token(&hq.db.pool, Uuid::now_v7())
        .await
        .is_err());
    let _unused: PushBatch = PushBatch {
        protocol: 1,
        store_id: Uuid::nil(),
        device_id: Uuid::nil(),
        events: vec![],
    };
}

#[tokio::test]
async fn concurrent_pushes_all_land_and_a_reader_sees_every_one() {
    let hq = Hq::start().await;
    let reader = hq.till("SH000").await;
    let mut tills = Vec::new();
    for i in 1..=3 {
        tills.push(hq.till(&format!("SH00{i}")).await);
    }
    let mut tasks = Vec::new();
    for mut till in tills {
        let http = Http::new(&hq.http.base);
        tasks.push(tokio::spawn(async move {
            for _ in 0..5 {
                let events = (0..4)
                    .map(|_| till.env(&points(Uuid::now_v7(), 1)))
                    .collect();
                let ack = http.push(&till.token, &till.batch(events)).await;
                assert_eq!(ack.accepted.len(), 4);
                assert!(ack.gaps.is_empty());
            }
        }));
    }
    let mut seen = 0;
    let mut cursor = 0;
    loop {
        // Read "all finished" before the pull, so an empty page after it means nothing is left.
        let done = tasks.iter().all(|t| t.is_finished());
        let page: PullPage = hq
            .http
            .get_json(&format!("/v1/pull?cursor={cursor}&limit=7"), &reader.token)
            .await;
        for e in &page.events {
            assert!(e.cursor > cursor);
            cursor = e.cursor;
            seen += 1;
        }
        if page.events.is_empty() && done {
            break;
        }
        tokio::task::yield_now().await;
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(seen, 3 * 5 * 4);
}

#[tokio::test]
async fn points_spent_twice_offline_at_two_stores_are_flagged_as_a_negative_balance() {
    let hq = Hq::start().await;
    let mut a = hq.till("SH001").await;
    let mut b = hq.till("SH002").await;
    let m = Uuid::now_v7();
    let earned = a.env(&points(m, 300));
    let spend = |t: &mut Till| {
        let mut p = points(m, -250);
        if let Payload::PointsEntry(e) = &mut p {
            e.kind = "redeem".into();
            e.expires_on = None;
        }
        t.env(&p)
    };
    let (ra, rb) = (spend(&mut a), spend(&mut b));
    hq.http.push(&a.token, &a.batch(vec![earned, ra])).await;
    let flagged: Vec<serde_json::Value> = hq
        .http
        .get_json("/v1/admin/negative-balances", &hq.admin)
        .await;
    assert!(flagged.is_empty(), "one redemption is covered: {flagged:?}");
    hq.http.push(&b.token, &b.batch(vec![rb])).await;
    let flagged: Vec<serde_json::Value> = hq
        .http
        .get_json("/v1/admin/negative-balances", &hq.admin)
        .await;
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["member_id"], m.to_string());
    assert_eq!(flagged[0]["balance"], -200);
}

async fn conflicts(hq: &Hq) -> Vec<serde_json::Value> {
    hq.http
        .get_json("/v1/admin/trace-code-conflicts", &hq.admin)
        .await
}

#[tokio::test]
async fn a_trace_code_sold_at_two_stores_is_flagged_until_a_return_brings_one_back() {
    let hq = Hq::start().await;
    let mut a = hq.till("SH001").await;
    let mut b = hq.till("SH002").await;
    let (sa, la) = (Uuid::now_v7(), Uuid::now_v7());
    let (sb, lb) = (Uuid::now_v7(), Uuid::now_v7());
    let sale_a = sale_event(
        a.store,
        a.device,
        None,
        sa,
        "2026-12-01",
        "12.80",
        la,
        &["81234560000000000017", "81234560000000000025"],
    );
    let sale_b = sale_event(
        b.store,
        b.device,
        None,
        sb,
        "2026-12-02",
        "12.80",
        lb,
        &["81234560000000000025"],
    );
    push_one(&hq, &mut a, &sale_a).await;
    assert!(conflicts(&hq).await.is_empty(), "each code is out once");
    push_one(&hq, &mut b, &sale_b).await;
    let flagged = conflicts(&hq).await;
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(flagged[0]["code"], "81234560000000000025");
    let stores: Vec<&str> = flagged[0]["sales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["store_id"].as_str().unwrap())
        .collect();
    assert_eq!(stores, vec![a.store.to_string(), b.store.to_string()]);
    // Store A takes its pack back: the code is out once again, the flag goes.
    let back = Payload::ReturnCommitted(ReturnCommittedV1 {
        id: Uuid::now_v7(),
        receipt_no: "T1".into(),
        sale_id: sa,
        sale_receipt_no: "R1".into(),
        at: "2026-12-03T10:00:00+08:00".into(),
        business_date: "2026-12-03".into(),
        cashier_id: Uuid::nil(),
        approved_by: Uuid::nil(),
        reason: "damaged".into(),
        reason_note: String::new(),
        lines: vec![ReturnLineV1 {
            sale_line_id: la,
            quantity: 1,
            refund: "6.40".parse().unwrap(),
            trace_codes: vec!["81234560000000000025".into()],
        }],
        refunds: vec![],
        refund: "6.40".parse().unwrap(),
        points_taken_back: 0,
        points_given_back: 0,
        full: false,
        points_balance_after: None,
    });
    push_one(&hq, &mut a, &back).await;
    assert!(conflicts(&hq).await.is_empty());
}

/// A member's (or a walk-in's) sale of one line at `payable`, with the packs' 药品追溯码.
#[allow(clippy::too_many_arguments)]
fn sale_event(
    store: Uuid,
    device: Uuid,
    m: Option<Uuid>,
    id: Uuid,
    date: &str,
    payable: &str,
    line: Uuid,
    codes: &[&str],
) -> Payload {
    let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    Payload::SaleCommitted(SaleCommittedV1 {
        sale: SaleV1 {
            id,
            receipt_no: format!("R{}", &id.simple().to_string()[..6]),
            business_date: date.into(),
            at: format!("{date}T10:00:00+08:00"),
            cashier_id: Uuid::nil(),
            member: m.map(|m| SaleMemberV1 {
                id: m,
                card_no: "C1".into(),
                tier: "normal".into(),
            }),
            lines: vec![SaleLineV1 {
                id: line,
                product_id: Uuid::now_v7(),
                barcode: "6901234567890".into(),
                name: "阿莫西林胶囊".into(),
                spec: "0.25g*24粒".into(),
                unit: "盒".into(),
                manufacturer: None,
                batch_no: None,
                batch_expires_on: None,
                unit_price: d(payable),
                quantity: 1,
                list_amount: Some(d(payable)),
                rate: None,
                override_by: None,
                override_reason: None,
                rule: "non_member".into(),
                net: d(payable),
                coupon_share: d("0"),
                points_share: d("0"),
                small_change_share: d("0"),
                final_net: d(payable),
                rx: false,
                ephedrine: false,
                insurance: false,
                points_eligible: true,
                guidance: None,
                trace_codes: codes
                    .iter()
                    .map(|c| TraceCodeV1 {
                        code: c.to_string(),
                        kind: "msfx".into(),
                        gtin: None,
                        batch_no: None,
                        expires_on: None,
                        serial: None,
                    })
                    .collect(),
            }],
            payments: vec![TenderV1 {
                kind: "cash".into(),
                amount: d(payable),
                settlement_no: None,
                reference: None,
            }],
            subtotal: d(payable),
            discounts: DiscountsV1 {
                tier: d("0"),
                member_day: d("0"),
                manual: d("0"),
                coupon: d("0"),
                points: d("0"),
                small_change: d("0"),
            },
            payable: d(payable),
            tendered: d(payable),
            change: d("0"),
            insurance: d("0"),
            points_used: 0,
            points_earned: 0,
            rx_reviewed_by: None,
            coupon_id: None,
            points_balance_after: None,
            pricing: None,
        },
        store_id: store,
        device_id: device,
        prescription: None,
        ephedrine_buyer: None,
        allergy_acks: vec![],
    })
}

#[tokio::test]
async fn a_percent_coupon_limited_to_a_category_is_kept_as_one() {
    let hq = Hq::start().await;
    let mut till = hq.till("SH001").await;
    let m = Uuid::now_v7();
    let product = Uuid::now_v7();
    let joined = registered(
        m,
        "13700000001",
        "钱伟",
        "2026-11-01T08:00:00Z",
        till.store,
        stamp(T0 - 10_000, 0, till.device),
    );
    push_one(&hq, &mut till, &joined).await;
    let coupon = |percent: Option<u32>, cap: Option<&str>, products: Vec<Uuid>, cats: &[&str]| {
        Payload::CouponIssued(CouponIssuedV1 {
            id: Uuid::now_v7(),
            member_id: m,
            kind: "manual".into(),
            face: "99999999.99".parse().unwrap(),
            min_spend: "20".parse().unwrap(),
            valid_from: "2026-11-29".into(),
            valid_until: "2026-12-29".into(),
            issue_key: None,
            reason: "会员日活动".into(),
            issued_at: "2026-11-29T10:00:00Z".into(),
            issued_by: None,
            percent,
            cap: cap.map(|c| c.parse().unwrap()),
            scope_products: products,
            scope_categories: cats.iter().map(|c| (*c).to_owned()).collect(),
        })
    };
    push_one(
        &hq,
        &mut till,
        &coupon(Some(15), Some("5.00"), vec![], &["感冒用药"]),
    )
    .await;
    push_one(&hq, &mut till, &coupon(None, None, vec![product], &[])).await;
    let c = hq.db.client().await.unwrap();
    let rows = c
        .query(
            "SELECT percent, cap::text, scope_products, scope_categories FROM coupon
             WHERE member_id = $1 ORDER BY percent NULLS LAST",
            &[&m],
        )
        .await
        .unwrap();
    // (percent, cap, products, categories)
    type Kind = (Option<i32>, Option<String>, Vec<Uuid>, Vec<String>);
    let got: Vec<Kind> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                Some(15),
                Some("5.00".into()),
                vec![],
                vec!["感冒用药".into()]
            ),
            (None, None, vec![product], vec![]),
        ]
    );
}
