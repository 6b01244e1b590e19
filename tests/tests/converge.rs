//! Three stores selling offline to the same members, syncing in different orders with two
//! headquarters: both headquarters end in the same state and every till shows the same balances.

use pos_system_tests::{Hq, Till, GANMAOLING, PARACETAMOL};

/// What headquarters knows, without its own random ids: members with their winning fields and
/// merge, balances per surviving member, and the first day's till events once each.
fn state(hq: &Hq, day_one: &str) -> Vec<String> {
    let mut out = hq.rows(
        "SELECT concat_ws('|', id, phone, name, merged_into, anonymized_at) FROM member ORDER BY id",
    );
    out.extend(hq.rows(
        "SELECT concat_ws('|', coalesce(m.merged_into, p.member_id), sum(p.points))
         FROM points_entry p LEFT JOIN member m ON m.id = p.member_id
         GROUP BY coalesce(m.merged_into, p.member_id) ORDER BY 1",
    ));
    out.extend(hq.rows(&format!(
        "SELECT concat_ws('|', event_id, payload_hash) FROM event
         WHERE event_id::text IN ({day_one}) ORDER BY event_id"
    )));
    out
}

#[test]
fn three_stores_in_two_sync_orders_give_the_same_headquarters_and_the_same_balances() {
    // One day offline at three stores.
    let (a, b, c) = (Till::demo(), Till::demo(), Till::demo());
    let m1 = a.register("13800137001", "钱伟");
    let m2 = b.register("13800137002", "孙娜");
    let m3a = a.register("13800137003", "李雷");
    c.clock.advance(chrono::Duration::minutes(20));
    let m3c = c.register("13800137003", "李雷");
    a.sell(Some(m1), GANMAOLING, 3, 0);
    b.sell(Some(m2), GANMAOLING, 1, 0);
    b.sell(None, PARACETAMOL, 2, 0);
    c.sell(Some(m3c), GANMAOLING, 2, 0);
    a.sell(Some(m3a), PARACETAMOL, 4, 0);
    a.clock.advance(chrono::Duration::minutes(5));
    a.rename(m1, "钱伟A");
    b.clock.advance(chrono::Duration::minutes(50));

    let day_one = [&a, &b, &c]
        .iter()
        .flat_map(|t| {
            t.api
                .store()
                .read(|c| pos_core::sync::outbox::unsent(c, 10_000))
                .unwrap()
        })
        .map(|e| format!("'{}'", e.event_id))
        .collect::<Vec<_>>();
    let day_one_count = day_one.len();
    let day_one = day_one.join(",");

    // The same three tills twice over, each copy syncing with its own headquarters.
    let copies: Vec<Till> = [&a, &b, &c]
        .iter()
        .map(|t| t.copy_to(tempfile::tempdir().unwrap()))
        .collect();
    let (hq1, hq2) = (Hq::start(), Hq::start());
    for t in [&a, &b, &c] {
        hq1.connect(t);
    }
    for t in &copies {
        hq2.connect(t);
    }
    let first = [&a, &b, &c];
    for i in [0, 1, 2, 0, 1, 2, 0] {
        first[i].sync().unwrap();
    }
    for i in [2, 1, 0, 2, 1, 0, 2] {
        copies[i].sync().unwrap();
    }
    // The next day, the members shop at the other stores (same sales on both sides).
    for (tills, hq) in [(vec![&a, &b, &c], &hq1), (copies.iter().collect(), &hq2)] {
        tills[1].sell(Some(m1), GANMAOLING, 1, 0);
        tills[2].sell(Some(m2), GANMAOLING, 2, 0);
        tills[1].sell(Some(m3a), GANMAOLING, 1, 0);
        tills[2].rename(m2, "孙娜C");
        for t in &tills {
            t.sync().unwrap();
        }
        for t in &tills {
            t.sync().unwrap();
            assert_eq!(t.unsynced(), 0);
        }
        let _ = hq;
    }
    let (s1, s2) = (state(&hq1, &day_one), state(&hq2, &day_one));
    assert_eq!(s1.len(), 4 + 3 + day_one_count, "{s1:?}");
    assert_eq!(s1, s2);
    for (m, points) in [(m1, 47 + 15), (m2, 15 + 31), (m3a, 14 + 31 + 15)] {
        for t in [&a, &b, &c].into_iter().chain(copies.iter()) {
            assert_eq!(t.balance(m), points, "balance of {m}");
        }
        assert_eq!(hq1.balance(m), points);
        assert_eq!(hq2.balance(m), points);
    }
    for t in [&a, &b, &c] {
        assert_eq!(t.find("13800137003").len(), 1);
        assert_eq!(t.find("13800137002")[0].name, "孙娜C");
        assert_eq!(t.find("13800137001")[0].name, "钱伟A");
    }
}
