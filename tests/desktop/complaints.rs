//! Complaints (投诉) in the pharmacist's workbench: a pharmacist takes a walk-in's complaint from
//! the keyboard, verifies it with a note, records an apology and closes it; the list shows it
//! closed. The complaint's page is the screenshot docs/screenshots/complaints.png. A cashier
//! takes one at the counter from a 投诉 tab and sees the complainant masked.

use crate::pages::*;

#[test]
fn a_pharmacist_logs_a_complaint_verifies_resolves_and_closes_it() {
    scenario(log_and_close);
}

async fn log_and_close() {
    let driver = start_driver();
    let c = connect(&driver).await;
    // 2001 is a pharmacist who also sells: the workbench is the 药师 tab, complaints its Alt+5.
    login(&c, "2001", "2222").await;
    click(&c, "tab-pharmacist").await;
    click(&c, "bench-complaints").await;
    let list = wait_for(&c, "complaint-list").await;
    assert_eq!(
        wait_attr(&c, "complaint-list", "data-count", "0")
            .await
            .as_deref(),
        Some("0")
    );

    // N on the list: the intake form. A walk-in, by telephone, about the service.
    take_walk_in(
        &c,
        &list,
        ("王小明", "13900001234"),
        ("phone", "service"),
        "找零时收银员把零钱扔在台面上，态度生硬",
    )
    .await;
    let no = attr(&c, "complaint-page", "data-no").await.unwrap();
    assert!(no.starts_with("TS"), "{no}");
    // A pharmacist sees the complainant's whole name and mobile (the core audits the view).
    assert_eq!(
        wait_attr(&c, "complaint-contact", "data-whole", "true")
            .await
            .as_deref(),
        Some("true")
    );
    let contact = text_of(&c, "complaint-contact").await;
    assert!(contact.contains("13900001234"), "{contact}");

    // The note box has the focus: a verification note, Ctrl+Enter.
    assert_eq!(
        wait_focused(&c, "complaint-note-text").await.as_deref(),
        Some("complaint-note-text")
    );
    type_into_focus(&c, "调取监控：确有此事，当班收银员承认态度欠佳").await;
    let note = wait_for(&c, "complaint-note-text").await;
    chord(&note, Key::Control, char::from(Key::Enter)).await;
    assert_eq!(
        wait_attr(&c, "complaint-notes", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    // F7: verified, now handling.
    press(&note, Key::F7).await;
    assert_eq!(
        wait_attr(&c, "complaint-page", "data-status", "handling")
            .await
            .as_deref(),
        Some("handling")
    );
    // An apology as the resolution.
    wait_for(&c, "complaint-resolve-kind")
        .await
        .select_by_value("apology")
        .await
        .unwrap();
    fill(
        &c,
        "complaint-resolve-note",
        "药师当面致歉，已安排收银员服务培训",
    )
    .await;
    let res = wait_for(&c, "complaint-resolve-note").await;
    chord(&res, Key::Control, char::from(Key::Enter)).await;
    assert_eq!(
        wait_attr(&c, "complaint-resolutions", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    // F8 closes it; every move is in its history.
    press(&res, Key::F8).await;
    assert_eq!(
        wait_attr(&c, "complaint-page", "data-status", "closed")
            .await
            .as_deref(),
        Some("closed")
    );
    assert_eq!(
        wait_attr(&c, "complaint-history", "data-count", "3")
            .await
            .as_deref(),
        Some("3")
    );
    screenshot(&c, "complaints.png").await;
    publish_screenshot("complaints.png");

    // Esc: back to the list, which shows it closed; 4 filters it to 已关闭 and it stays.
    // (Esc is the page's key wherever the focus is; the back button is where it goes after a close.)
    let back = wait_for(&c, "complaint-back").await;
    press(&back, Key::Escape).await;
    let list = wait_for(&c, "complaint-list").await;
    assert_eq!(
        wait_attr(&c, "complaint-list", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        attr(&c, "complaint-row", "data-status").await.as_deref(),
        Some("closed")
    );
    wait_focused(&c, "complaint-list").await;
    list.send_keys("1").await.unwrap();
    assert_eq!(
        wait_attr(&c, "complaint-list", "data-filter", "verifying")
            .await
            .as_deref(),
        Some("verifying")
    );
    assert_eq!(
        wait_attr(&c, "complaint-list", "data-count", "0")
            .await
            .as_deref(),
        Some("0")
    );
    list.send_keys("4").await.unwrap();
    assert_eq!(
        wait_attr(&c, "complaint-list", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
}

#[test]
fn a_cashier_takes_a_complaint_at_the_counter_without_seeing_whose_it_is_afterwards() {
    scenario(cashier_intake);
}

async fn cashier_intake() {
    let driver = start_driver();
    let c = connect(&driver).await;
    // 1001 only sells: no workbench, complaints are a tab of their own.
    login(&c, "1001", "1111").await;
    assert_eq!(count(&c, "tab-pharmacist").await, 0);
    click(&c, "tab-complaints").await;
    let list = wait_for(&c, "complaint-list").await;
    take_walk_in(
        &c,
        &list,
        ("赵敏", "13900004321"),
        ("counter", "price"),
        "同一药品比上周贵了两元",
    )
    .await;
    // Taken, but the complainant's name and mobile are for pharmacists and managers only.
    assert_eq!(
        wait_attr(&c, "complaint-contact", "data-whole", "false")
            .await
            .as_deref(),
        Some("false")
    );
    let contact = text_of(&c, "complaint-contact").await;
    assert!(!contact.contains("13900004321"), "{contact}");
    screenshot(&c, "complaint-cashier.png").await;
    c.close().await.unwrap();
}

/// N on the complaint list, a walk-in's name and mobile, the channel and category, the
/// description; Ctrl+Enter saves and opens the complaint's page, 待核实.
async fn take_walk_in(
    c: &fantoccini::Client,
    list: &fantoccini::elements::Element,
    (name, phone): (&str, &str),
    (channel, category): (&str, &str),
    description: &str,
) {
    list.send_keys("n").await.unwrap();
    wait_for(c, "complaint-intake").await;
    click(c, "complaint-who-walkin").await;
    fill(c, "complaint-walkin-name", name).await;
    fill_digits(c, "complaint-walkin-phone", phone).await;
    for (field, value) in [
        ("complaint-channel", channel),
        ("complaint-category", category),
    ] {
        wait_for(c, field)
            .await
            .select_by_value(value)
            .await
            .unwrap();
    }
    fill(c, "complaint-description", description).await;
    let desc = wait_for(c, "complaint-description").await;
    chord(&desc, Key::Control, char::from(Key::Enter)).await;
    assert_eq!(
        wait_attr(c, "complaint-page", "data-status", "verifying")
            .await
            .as_deref(),
        Some("verifying")
    );
}
