//! Sync and restore against a running headquarters (`pharmapos-hq` on PostgreSQL).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::pages::*;

/// `pharmapos-hq serve`, the real headquarters binary, on a fresh database; stopped on drop.
struct HqProcess {
    child: Child,
    url: String,
}

impl Drop for HqProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_hq(db: &pos_hq::testing::TestDb) -> HqProcess {
    // Built beside the desktop binary by the same `cargo test --workspace`.
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_pharmapos-desktop")).with_file_name("pharmapos-hq");
    assert!(bin.exists(), "{} not built", bin.display());
    let port = free_port();
    let child = Command::new(bin)
        .arg("serve")
        .env("PHARMAPOS_HQ_LISTEN", format!("127.0.0.1:{port}"))
        .env("PHARMAPOS_HQ_DATABASE_URL", &db.conn_str)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("pharmapos-hq");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "pharmapos-hq did not listen on {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    HqProcess { child, url }
}

/// A till of another store, as a library: its own file, connected to the same headquarters.
async fn other_store(
    db: &pos_hq::testing::TestDb,
    hq: &str,
    dir: &std::path::Path,
) -> pos_core::db::Store {
    let store = pos_core::db::Store::open(
        &dir.join("other.sqlite"),
        std::sync::Arc::new(pos_core::clock::SystemClock),
    )
    .unwrap();
    pos_core::demo::seed(&store).unwrap();
    connect_store(db, hq, &store, "SH002").await;
    store
}

/// Registers the store file's store at headquarters and gives the file its token.
async fn connect_store(
    db: &pos_hq::testing::TestDb,
    hq: &str,
    store: &pos_core::db::Store,
    code: &str,
) {
    let id = store.read(pos_core::db::till_identity).unwrap().store_id.0;
    pos_hq::add_store(&db.pool, id, code, "测试门店")
        .await
        .unwrap();
    let token = pos_hq::issue_token(&db.pool, id).await.unwrap();
    store
        .write(|tx| pos_core::sync::state::configure(tx, hq, &token, "02:00"))
        .unwrap();
}

#[test]
fn sync_now_sends_the_unsynced_sales_and_brings_a_member_of_another_store() {
    scenario(sync_now_against_a_running_headquarters);
}

async fn sync_now_against_a_running_headquarters() {
    let db = pos_hq::testing::TestDb::create().await.unwrap();
    let hq = start_hq(&db).await;
    let scratch = tempfile::tempdir().unwrap();
    // Another store registers a member and syncs before this till does.
    let other = other_store(&db, &hq.url, scratch.path()).await;
    let staff = other.read(pos_core::staff::list).unwrap()[0].id;
    other
        .write(|tx| {
            pos_core::member::register(
                tx,
                staff,
                pos_core::member::NewMember {
                    phone: "13700137000".into(),
                    name: "钟丽".into(),
                    basic_consent: true,
                    ..Default::default()
                },
            )
            .map(|_| ())
        })
        .unwrap();
    let other_store_sync = {
        let other = other.clone();
        tokio::task::spawn_blocking(move || pos_sync::sync(&other, |_| {}))
    };
    other_store_sync.await.unwrap().unwrap();

    // This till: the demo pharmacy, connected to the same headquarters before the app starts.
    let (tx, rx) = std::sync::mpsc::channel();
    let driver = start_driver_with(false, |path| {
        let store =
            pos_core::db::Store::open(path, std::sync::Arc::new(pos_core::clock::SystemClock))
                .unwrap();
        pos_core::demo::seed(&store).unwrap();
        tx.send(store).unwrap();
    });
    let store = rx.recv().unwrap();
    connect_store(&db, &hq.url, &store, "SH001").await;
    // Synced after tonight's scheduled time already, as far as the till knows: the app must not
    // sync by itself at start-up (it would catch up a missed night), so the badge has work.
    store
        .write(|tx| {
            tx.execute(
                "UPDATE sync_state SET last_success_at = ?1, last_attempt_at = ?1",
                [pos_core::clock::stamp(tx.clock.now())],
            )?;
            Ok(())
        })
        .unwrap();
    drop(store);

    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    // The demo data the till made is not at headquarters yet: the badge says how much.
    let unsynced: i64 = wait_for(&c, "sync-status")
        .await
        .attr("data-unsynced")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(unsynced > 0, "unsynced events are shown");
    let input = wait_for(&c, "scan-input").await;
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, "13700137000").await;
    wait_for(&c, "member-search-empty").await;
    press(&search, Key::Escape).await;
    screenshot(&c, "sync-before.png").await;

    click(&c, "sync-now").await;
    assert_eq!(
        wait_attr(&c, "sync-status", "data-unsynced", "0")
            .await
            .as_deref(),
        Some("0")
    );
    assert_eq!(
        wait_attr(&c, "sync-status", "data-state", "synced")
            .await
            .as_deref(),
        Some("synced")
    );
    wait_for(&c, "sync-done").await;
    screenshot(&c, "sync-after.png").await;
    publish_screenshot("sync-after.png");

    // The member registered at the other store is found here now.
    let input = wait_for(&c, "scan-input").await;
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, "13700137000").await;
    wait_count(&c, "member-result", 1).await;
    let result = wait_for(&c, "member-result").await;
    assert_eq!(
        result.attr("data-name").await.unwrap().as_deref(),
        Some("钟丽")
    );
    press(&search, Key::Enter).await;
    wait_count(&c, "member-search", 0).await;
    assert_member_attached(&c, "钟丽", "137****7000").await;

    // The manager's 总部同步 settings show where the till syncs and how it went; a bad address
    // is refused in place, in Chinese, and nothing is changed.
    click(&c, "logout").await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-settings").await;
    let state = wait_text(&c, "sync-settings-state", "未同步 0 条").await;
    assert!(state.contains("上次同步"), "{state}");
    assert_eq!(
        wait_for(&c, "sync-url")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(hq.url.as_str())
    );
    fill(&c, "sync-url", "hq.example.com").await;
    click(&c, "sync-settings-save").await;
    let error = wait_text(&c, "sync-settings-error", "https://").await;
    assert!(error.contains("总部地址须以 https:// 开头"), "{error}");
    wait_for(&c, "sync-settings").await.click().await.unwrap();
    screenshot(&c, "sync-settings.png").await;
    publish_screenshot("sync-settings.png");
    let at_hq = pos_hq::views::stores(&**db.pool.get().await.unwrap())
        .await
        .unwrap();
    assert_eq!(at_hq.len(), 2);
    c.close().await.unwrap();
}

#[test]
fn a_lost_till_is_restored_from_headquarters_on_the_first_run_screen() {
    scenario(restore_on_the_first_run_screen);
}

async fn restore_on_the_first_run_screen() {
    let db = pos_hq::testing::TestDb::create().await.unwrap();
    let hq = start_hq(&db).await;
    let scratch = tempfile::tempdir().unwrap();
    // The till that is lost: it registered a member, sold and synced.
    let lost = other_store(&db, &hq.url, scratch.path()).await;
    let id = lost.read(pos_core::db::till_identity).unwrap().store_id.0;
    let token = pos_hq::issue_token(&db.pool, id).await.unwrap();
    let staff = lost.read(pos_core::staff::list).unwrap()[0].id;
    lost.write(|tx| {
        pos_core::member::register(
            tx,
            staff,
            pos_core::member::NewMember {
                phone: "13700137001".into(),
                name: "柳青".into(),
                basic_consent: true,
                ..Default::default()
            },
        )
        .map(|_| ())
    })
    .unwrap();
    let sync = {
        let lost = lost.clone();
        tokio::task::spawn_blocking(move || pos_sync::sync(&lost, |_| {}))
    };
    sync.await.unwrap().unwrap();
    drop(lost);

    // A new computer: an empty store file opens on the first-run screen.
    let driver = start_driver_on(false);
    let c = connect(&driver).await;
    wait_for(&c, "first-run").await;
    click(&c, "restore-open").await;
    fill(&c, "restore-url", &hq.url).await;
    fill(&c, "restore-token", &token).await;
    fill_digits(&c, "restore-staff-no", "3001").await;
    fill_digits(&c, "restore-pin", "8642").await;
    fill_digits(&c, "restore-pin-again", "8642").await;
    screenshot(&c, "restore-form.png").await;
    publish_screenshot("restore-form.png");
    click(&c, "restore-submit").await;
    let done = wait_for(&c, "restore-done").await;
    assert_eq!(done.attr("data-sales").await.unwrap().as_deref(), Some("0"));
    let text = text_of(&c, "restore-done").await;
    assert!(text.contains("会员 1 位"), "{text}");
    screenshot(&c, "restore-done.png").await;
    publish_screenshot("restore-done.png");
    click(&c, "restore-login").await;
    login(&c, "3001", "8642").await;
    // The restored member is found at the rebuilt till.
    let input = wait_for(&c, "scan-input").await;
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, "13700137001").await;
    wait_count(&c, "member-result", 1).await;
    assert_eq!(
        wait_for(&c, "member-result")
            .await
            .attr("data-name")
            .await
            .unwrap()
            .as_deref(),
        Some("柳青")
    );
    c.close().await.unwrap();
}
