//! 用药随访 on the pharmacist's workbench: a pharmacist who logs in alone lands on the follow-up
//! worklist (the workbench's first section), finds the task a sale made three days ago under
//! 今日到期, opens it with the keyboard (Enter), sees the member's whole phone number, the
//! medicine and the health overview, records the outcome (微信, an adverse reaction, a note; the
//! next visit on the schedule's default date) and goes back with Esc: the task has left today's
//! group and the next visit waits under 即将到期.

use std::sync::Arc;

use crate::pages::*;
use pos_core::api::*;
use pos_core::clock::{Clock, FixedClock, SystemClock};

const DAY_MS: i64 = 24 * 3600 * 1000;
const MEMBER_PHONE: &str = "13900139077";
const MEMBER_NAME: &str = "钱大爷";
/// 苯磺酸氨氯地平片: Rx, follow-up, 28 days a pack.
const AMLODIPINE: &str = "6906055036961";

/// The demo store, a pharmacist who only does pharmacists' work (2002 / 2020, 赵敏), and a
/// 76-year-old member (registered by that pharmacist, so "my member") who bought amlodipine on
/// prescription three days ago: the sale, rung up by the cashier on a clock three days back,
/// made the first follow-up, due today.
fn store_with_a_sale_three_days_ago(path: &std::path::Path) {
    let then = Arc::new(FixedClock::new(SystemClock.now()));
    then.advance_ms(-3 * DAY_MS);
    let api = demo_store_with_pharmacist(path, then);
    api_login(&api, "2002", "2020");
    let member = api
        .call(NewMember {
            phone: MEMBER_PHONE.into(),
            name: MEMBER_NAME.into(),
            birthday: Some("1950-04-12".into()),
            basic_consent: true,
            health_consent: true,
            ..Default::default()
        })
        .unwrap()
        .member
        .id;
    api_login(&api, "1001", "1111");
    let c = api.call(CartOpen {}).unwrap();
    api.call(CartScan {
        cart_id: c.id,
        barcode: AMLODIPINE.into(),
        quantity: Some(1),
    })
    .unwrap();
    api.call(CartSetPrescription {
        cart_id: c.id,
        prescription: serde_json::from_value(serde_json::json!({
            "hospital": "浦东新区人民医院",
            "doctor": "刘医生",
            "prescribed_on": "2026-11-20",
            "diagnosis": "高血压",
        }))
        .unwrap(),
    })
    .unwrap();
    api.call(CartApproveRx {
        cart_id: c.id,
        pharmacist: Approver {
            staff_no: "2001".into(),
            pin: "2222".into(),
        },
    })
    .unwrap();
    let c = api
        .call(CartSetMember {
            cart_id: c.id,
            member_id: Some(member),
        })
        .unwrap();
    api_pay_cash(&api, &c);
}

#[test]
fn a_pharmacist_works_one_follow_up_from_the_worklist() {
    scenario(work_one_follow_up);
}

async fn work_one_follow_up() {
    let driver = start_driver_with(false, store_with_a_sale_three_days_ago);
    let c = connect(&driver).await;
    login(&c, "2002", "2020").await;
    // The worklist is the pharmacist's home screen: the workbench opens on it.
    wait_for(&c, "workbench").await;
    assert_eq!(
        wait_attr(&c, "workbench", "data-section", "followups")
            .await
            .as_deref(),
        Some("followups")
    );
    assert_eq!(
        wait_attr(&c, "followups", "data-loaded", "true")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&c, "followups-group-due_today", "data-count")
            .await
            .as_deref(),
        Some("1")
    );
    wait_css(
        &c,
        &format!("[data-testid=followups-group-due_today] [data-testid=followup-row][data-member='{MEMBER_NAME}'][aria-selected=true]"),
    )
    .await;
    // 我的会员: the member was registered by this pharmacist, so the task stays.
    click(&c, "followups-mine").await;
    wait_css(&c, "[data-testid=followups-mine].active").await;
    assert_eq!(
        wait_attr(&c, "followups-group-due_today", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    // Keyboard: the list has the focus; Enter opens the selected task.
    assert_eq!(
        wait_focused(&c, "followups-list").await.as_deref(),
        Some("followups-list")
    );
    press(&c.active_element().await.unwrap(), Key::Enter).await;
    wait_for(&c, "followup-task").await;
    assert_eq!(
        wait_attr(&c, "followup-task", "data-status", "open")
            .await
            .as_deref(),
        Some("open")
    );
    assert_eq!(text_of(&c, "followup-phone").await, MEMBER_PHONE);
    wait_count(&c, "followup-line", 1).await;
    assert!(text_of(&c, "followup-line")
        .await
        .contains("苯磺酸氨氯地平片"));
    assert_eq!(
        attr(&c, "health-overview", "data-consent").await.as_deref(),
        Some("true")
    );
    wait_count(&c, "hv-drug", 1).await;
    // The form: the next visit defaults to day 7 of the schedule (4 days from today).
    let in_four_days = FixedClock::new(SystemClock.now());
    in_four_days.advance_ms(4 * DAY_MS);
    let next = in_four_days.today().to_string();
    let next_field = wait_for(&c, "followup-next-date").await;
    assert_eq!(
        next_field.prop("value").await.unwrap().as_deref(),
        Some(next.as_str())
    );
    assert_eq!(
        wait_focused(&c, "followup-channel-phone").await.as_deref(),
        Some("followup-channel-phone")
    );
    click(&c, "followup-channel-wechat").await;
    fill(&c, "followup-reactions", "轻微头晕").await;
    fill(&c, "followup-note", "血压平稳，按时服药").await;
    screenshot(&c, "followup-task.png").await;
    publish_screenshot("followup-task.png");
    // Enter in the note records the outcome.
    press(&wait_for(&c, "followup-note").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "followup-task", "data-saved", "true")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        wait_attr(&c, "followup-next", "data-next", &next)
            .await
            .as_deref(),
        Some(next.as_str())
    );
    assert!(text_of(&c, "followup-outcome").await.contains("微信"));
    // The adverse reaction is in the member's health part now.
    wait_css(&c, "[data-testid=hv-group][data-kind=reaction] .chip").await;
    // Esc: back to the list, today's group is empty and the next visit is upcoming.
    press(&c.active_element().await.unwrap(), Key::Escape).await;
    assert_eq!(
        wait_attr(&c, "followups-group-due_today", "data-count", "0")
            .await
            .as_deref(),
        Some("0")
    );
    assert_eq!(
        wait_attr(&c, "followups-group-upcoming", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    c.close().await.unwrap();
}
