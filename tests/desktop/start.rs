//! Opening the till: the first run creates the first manager, a wrong PIN is refused, a damaged
//! store file stops selling.

use crate::pages::*;

#[test]
fn wrong_pin_is_refused_with_the_chinese_message() {
    scenario(wrong_pin_is_refused);
}

async fn wrong_pin_is_refused() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "9999").await;
    let err = wait_for(&c, "login-error").await.text().await.unwrap();
    assert!(err.contains("工号或 PIN 不正确"), "{err}");
    assert_eq!(
        count(&c, "scan-input").await,
        0,
        "still on the login screen"
    );
    c.close().await.unwrap();
}

#[test]
fn first_run_creates_the_first_manager_who_can_then_log_in() {
    scenario(first_run);
}

async fn first_run() {
    let driver = start_driver_on(false);
    let c = connect(&driver).await;
    fill(&c, "first-run-staff-no", "9001").await;
    fill(&c, "first-run-name", "陈店长").await;
    fill(&c, "first-run-pin", "246810").await;
    fill(&c, "first-run-pin-again", "246810").await;
    click(&c, "first-run-submit").await;
    login(&c, "9001", "246810").await;
    // A manager's home offers the manager screens; the top bar names the new manager.
    wait_for(&c, "tab-settings").await;
    let who = wait_for(&c, "topbar-staff")
        .await
        .prop("textContent")
        .await
        .unwrap();
    assert!(who.unwrap_or_default().contains("陈店长"));
    c.close().await.unwrap();
}

/// A demo store file whose `sale` table root page is overwritten with garbage, as a failing disk
/// might leave it.
fn damaged_demo_store(path: &std::path::Path) {
    let store =
        pos_core::db::Store::open(path, std::sync::Arc::new(pos_core::clock::SystemClock)).unwrap();
    pos_core::demo::seed(&store).unwrap();
    let (root, page_size) = store
        .read(|c| {
            c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
            let root: i64 = c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'sale'",
                [],
                |r| r.get(0),
            )?;
            let page_size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            Ok((root, page_size))
        })
        .unwrap();
    drop(store);
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
        .unwrap();
    f.write_all(&vec![0x5a; page_size as usize]).unwrap();
    f.sync_all().unwrap();
}

#[test]
fn a_damaged_store_file_stops_selling_with_a_red_banner() {
    scenario(damaged_store_banner);
}

async fn damaged_store_banner() {
    let driver = start_driver_with(false, damaged_demo_store);
    let c = connect(&driver).await;
    // The check at start-up runs in the background: a login after it is refused (a login
    // records itself, and a damaged file takes no writes); a login before it gets the check's
    // answer on the shell (store_check) and finds every screen greyed out.
    login(&c, "1001", "1111").await;
    let banner = text_of(&c, "damaged-banner").await;
    assert!(banner.contains("数据文件已损坏，已停止收银"), "{banner}");
    let message = text_of(&c, "damaged-message").await;
    assert!(message.contains("恢复"), "{message}");
    assert_eq!(
        count(&c, "damaged-restore").await,
        0,
        "a cashier cannot restore"
    );
    if count(&c, "login-error").await > 0 {
        assert_eq!(
            attr(&c, "login-error", "data-code").await.as_deref(),
            Some("STORE_DAMAGED")
        );
    } else {
        assert_eq!(
            wait_css_attr(&c, "main.content", "data-blocked", "true")
                .await
                .as_deref(),
            Some("true")
        );
    }
    screenshot(&c, "damaged.png").await;
    c.close().await.unwrap();
}
