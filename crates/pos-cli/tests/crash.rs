//! Crash safety: `pharmapos api` commits member sales as fast as it can while this test kills it
//! with SIGKILL at a random moment, 200 times over, on one store file. After every kill the file
//! is opened again and every sale must be complete or absent — its lines, payments, points
//! entries, coupon use, member spend and outbox event all there, or none of them — and
//! `PRAGMA integrity_check` must say ok.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use pos_core::clock::SystemClock;
use pos_core::db::Store;
use serde_json::json;

const KILLS: usize = 200;

/// A small deterministic generator for the kill delays (no dependency needed for test timing).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// Sales per run; far more than a run lives to commit.
const SALES_PER_RUN: usize = 1_000;

/// Drives one process: writes requests one at a time and reads each answer (the next request
/// needs the cart id `cart_open` answered). Returns `None` when the process died under it.
fn drive(
    stdin: &mut std::process::ChildStdin,
    stdout: &mut impl std::io::BufRead,
    member: Option<&str>,
) -> Option<()> {
    let mut ask = |v: serde_json::Value| -> Option<serde_json::Value> {
        writeln!(stdin, "{v}").ok()?;
        stdin.flush().ok()?;
        let mut answer = String::new();
        if stdout.read_line(&mut answer).ok()? == 0 {
            return None;
        }
        serde_json::from_str(&answer).ok()
    };
    let login = ask(json!({"cmd": "login", "args": {"staff_no": "1001", "pin": "1111"}}))?;
    assert_eq!(login["ok"], true, "{login}");
    for _ in 0..SALES_PER_RUN {
        let cart = ask(json!({"cmd": "cart_open"}))?;
        let id = cart["result"]["id"].as_str()?.to_owned();
        // A cart left open by a killed run comes back with its lines: that is the point.
        ask(
            json!({"cmd": "cart_scan", "args": {"cart_id": id, "barcode": "6939668066407", "quantity": 1}}),
        )?;
        let mut cart = ask(
            json!({"cmd": "cart_scan", "args": {"cart_id": id, "barcode": "6914624021096", "quantity": 1}}),
        )?;
        if let Some(m) = member {
            ask(json!({"cmd": "cart_set_member", "args": {"cart_id": id, "member_id": m}}))?;
            cart = ask(json!({"cmd": "cart_set_points", "args": {"cart_id": id, "points": 100}}))?;
        }
        let due: f64 = cart["result"]["pricing"]["payable"]
            .as_str()?
            .parse()
            .ok()?;
        let paid = ask(
            json!({"cmd": "sale_pay", "args": {"cart_id": id, "tenders": [
                {"kind": "wechat", "amount": "1.00"},
                {"kind": "cash", "amount": format!("{:.2}", due.ceil() + 1.0)}
            ]}}),
        )?;
        assert_eq!(paid["ok"], true, "{paid}");
    }
    Some(())
}

fn check(store: &Store) -> (i64, i64) {
    assert!(store.integrity_ok().unwrap(), "PRAGMA integrity_check");
    store
        .read(|c| {
            let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
            let sales = q("SELECT count(*) FROM sale");
            // The committed-sale events, read once per check (not once per sale).
            c.execute_batch(
                "DROP TABLE IF EXISTS temp.ev;
                 CREATE TEMP TABLE ev AS SELECT json_extract(payload, '$.sale.id') AS sid
                   FROM outbox WHERE kind = 'sale.committed@1';
                 CREATE INDEX temp.ev_sid ON ev (sid);",
            )?;
            // Every sale is whole.
            let broken = q(
                "SELECT count(*) FROM sale s WHERE
                   s.line_count <> (SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id)
                   OR s.payable_fen <> (SELECT coalesce(sum(final_net_fen), 0) FROM sale_line l WHERE l.sale_id = s.id)
                   OR s.tendered_fen <> (SELECT coalesce(sum(amount_fen), 0) FROM sale_payment p WHERE p.sale_id = s.id)
                   OR 1 <> (SELECT count(*) FROM temp.ev WHERE sid = s.id)
                   OR (SELECT status FROM cart WHERE id = s.id) <> 'paid'
                   OR (s.member_id IS NOT NULL AND (
                         1 <> (SELECT count(*) FROM member_spend m WHERE m.id = s.id)
                         OR (s.points_earned > 0) <> EXISTS (SELECT 1 FROM points_entry e WHERE e.sale_id = s.id AND e.kind = 'earn')
                         OR (s.points_used > 0) <> EXISTS (SELECT 1 FROM points_entry e WHERE e.sale_id = s.id AND e.kind = 'redeem')))",
            );
            assert_eq!(broken, 0, "a sale is incomplete");
            // And nothing of a sale exists without it.
            let orphans = q(
                "SELECT (SELECT count(*) FROM sale_line WHERE sale_id NOT IN (SELECT id FROM sale))
                      + (SELECT count(*) FROM sale_payment WHERE sale_id NOT IN (SELECT id FROM sale))
                      + (SELECT count(*) FROM points_entry WHERE sale_id IS NOT NULL AND kind IN ('earn', 'redeem')
                           AND sale_id NOT IN (SELECT id FROM sale))
                      + (SELECT count(*) FROM member_spend WHERE id NOT IN (SELECT id FROM sale))
                      + (SELECT count(*) FROM temp.ev WHERE sid NOT IN (SELECT id FROM sale))
                      + (SELECT count(*) FROM cart WHERE status = 'paid' AND id NOT IN (SELECT id FROM sale))",
            );
            assert_eq!(orphans, 0, "part of a sale exists without the sale");
            // The outbox sequence has no gaps.
            let gaps = q("SELECT max(seq) - count(*) FROM outbox");
            assert_eq!(gaps, 0, "outbox sequence has gaps");
            Ok((sales, q("SELECT coalesce(sum(points), 0) FROM points_entry")))
        })
        .unwrap()
}

#[test]
fn sales_survive_being_killed_at_random_moments() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    // The store with the demo pharmacy and one member with points to redeem.
    let store = Store::open(&db, Arc::new(SystemClock)).unwrap();
    pos_core::demo::seed(&store).unwrap();
    let api = pos_core::Api::new(store);
    api.call(pos_core::api::Login {
        staff_no: "3001".into(),
        pin: "3333".into(),
    })
    .unwrap();
    let member = api
        .call(pos_core::member::NewMember {
            phone: "13912345678".into(),
            name: "张伟".into(),
            basic_consent: true,
            ..Default::default()
        })
        .unwrap()
        .member
        .id;
    api.call(pos_core::api::PointsAdjust {
        member_id: member,
        points: 1_000_000,
        reason: "崩溃测试".into(),
    })
    .unwrap();
    drop(api);
    let member = member.to_string();

    let mut rng = Lcg(20_261_123);
    let mut last_sales = 0;
    let mut killed_mid_run = 0;
    for run in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pharmapos"))
            .args(["api", "--db"])
            .arg(&db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let delay = Duration::from_millis(5 + rng.next() % 400);
        let pid = child.id();
        let killer = std::thread::spawn(move || {
            std::thread::sleep(delay);
            // SIGKILL: no destructor, no rollback, no flush runs in the victim.
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        });
        let with_member = run % 2 == 0;
        let finished = drive(
            &mut stdin,
            &mut stdout,
            with_member.then_some(member.as_str()),
        );
        killer.join().unwrap();
        let _ = child.wait();
        if finished.is_none() {
            killed_mid_run += 1;
        }
        let store = Store::open(&db, Arc::new(SystemClock)).unwrap();
        let (sales, _) = check(&store);
        assert!(sales >= last_sales, "committed sales never disappear");
        last_sales = sales;
    }
    // The test must have killed the process while it was working, not only after it was done.
    assert!(
        killed_mid_run >= KILLS * 9 / 10,
        "only {killed_mid_run} of {KILLS} kills interrupted work"
    );
    assert!(last_sales > 50, "{last_sales} sales committed in all");
    eprintln!("{KILLS} kills, {killed_mid_run} mid-run, {last_sales} sales intact");
}
