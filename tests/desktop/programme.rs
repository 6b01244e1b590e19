//! The member programme (issue 10): the manager opens 会员运营, the analytics screen draws its
//! charts, class A drills down to its members and is exported (the same members as the core
//! counts), and this month's birthday coupons are issued from the screen, once.

use std::sync::{Arc, Mutex};

use chrono::Duration;
use pos_core::clock::{Clock, FixedClock, SystemClock};
use pos_core::ids::MemberId;
use pos_core::member::analytics::{self, MemberClass, MemberSet};

use crate::pages::*;

/// What the seeded store should show, computed by the core on the same file.
#[derive(Default)]
struct Expected {
    class_a: Vec<MemberId>,
    class_a_phones: Vec<String>,
    born_this_month: u32,
    active: u32,
}

/// The demo pharmacy whose housekeeping ran today (this month's birthday coupons given), and
/// then 300 members imported from the previous system (`member::generate`, as `pharmapos
/// gen-members` does: a year of purchases each, no coupons). The birthday campaign is what
/// gives the imported members born this month their coupon.
fn store_with_members(path: &std::path::Path, expected: &Mutex<Expected>) {
    let now = SystemClock.now();
    let clock = Arc::new(FixedClock::new(now));
    let api = demo_store_with_pharmacist(path, clock);
    api_login(&api, "3001", "3333");
    api.call(pos_core::api::HousekeepingRun {}).unwrap();
    let today = (now + Duration::hours(8)).date_naive();
    let staff = api.store().read(pos_core::staff::list).unwrap()[0].id;
    pos_core::member::generate::populate(api.store(), 300, 23, staff, today, |_| {}).unwrap();
    let mut e = expected.lock().unwrap();
    let ids = |set: MemberSet| {
        api.store()
            .read(|c| analytics::member_ids(c, today, &set))
            .unwrap()
    };
    e.class_a = ids(MemberSet::Class {
        class: MemberClass::A,
    });
    e.born_this_month = ids(MemberSet::BirthdaysThisMonth).len() as u32;
    e.active = ids(MemberSet::All).len() as u32;
    e.class_a_phones = e
        .class_a
        .iter()
        .map(|m| {
            let phone: String = api
                .store()
                .read(|c| {
                    Ok(c.query_row("SELECT phone FROM member WHERE id = ?1", [m], |r| r.get(0))?)
                })
                .unwrap();
            pos_core::member::phone::mask(&phone)
        })
        .collect();
}

#[test]
fn the_manager_reads_the_analytics_drills_into_class_a_exports_it_and_runs_the_birthday_coupons() {
    scenario(programme);
}

async fn programme() {
    let expected = Mutex::new(Expected::default());
    let driver = start_driver_with(false, |path| store_with_members(path, &expected));
    let expected = expected.into_inner().unwrap();
    assert!(
        expected.class_a.len() >= 5 && expected.born_this_month > 0,
        "the generated store has a class A and birthdays this month"
    );
    let active = expected.active.to_string();
    let class_a = expected.class_a.len().to_string();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-programme").await;

    // The figures and the charts are drawn.
    assert_eq!(
        wait_attr(&c, "kpi-active", "data-value", &active)
            .await
            .as_deref(),
        Some(active.as_str())
    );
    for chart in [
        "chart-classes",
        "chart-tiers",
        "chart-new-members",
        "chart-ages",
        "chart-genders",
    ] {
        assert_eq!(
            wait_attr(&c, chart, "data-drawn", "true").await.as_deref(),
            Some("true"),
            "{chart}"
        );
    }
    assert_eq!(
        wait_css_attr(
            &c,
            "[data-testid='class-row'][data-class='a']",
            "data-members",
            &class_a
        )
        .await
        .as_deref(),
        Some(class_a.as_str())
    );
    screenshot(&c, "member-analytics.png").await;
    // Drawn once per data, not in a loop (an update that made the chart paint again and again
    // took two minutes to settle).
    let renders: u32 = attr(&c, "chart-classes", "data-renders")
        .await
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    assert!(
        (1..=5).contains(&renders),
        "the class chart painted {renders} times"
    );
    publish_screenshot("member-analytics.png");

    // Class A: the list behind it is the core's class A, biggest spender first.
    wait_css(&c, "[data-testid='class-row'][data-class='a']")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        wait_attr(&c, "member-list", "data-total", &class_a)
            .await
            .as_deref(),
        Some(class_a.as_str())
    );
    wait_count(&c, "member-list-row", expected.class_a.len()).await;
    let mut shown = Vec::new();
    for row in c
        .find_all(fantoccini::Locator::Css("[data-testid='member-list-row']"))
        .await
        .unwrap()
    {
        shown.push(
            row.attr("data-member-id")
                .await
                .unwrap()
                .unwrap_or_default(),
        );
    }
    let want: Vec<String> = expected.class_a.iter().map(|m| m.to_string()).collect();
    assert_eq!(shown, want);
    screenshot(&c, "member-list.png").await;
    publish_screenshot("member-list.png");

    // Exported: the same members, phones masked.
    click(&c, "member-list-export-csv").await;
    let path = wait_for(&c, "member-list-saved")
        .await
        .attr("data-path")
        .await
        .unwrap()
        .unwrap_or_default();
    let csv = std::fs::read_to_string(&path).unwrap();
    for phone in &expected.class_a_phones {
        assert!(csv.contains(phone), "{phone} missing from {csv}");
    }
    let rows = csv.lines().filter(|l| l.contains("****")).count();
    assert_eq!(rows, expected.class_a.len(), "{csv}");

    // Back (Esc), then this month's birthday coupons from the care screen: run twice, once issued.
    press(&wait_for(&c, "member-list").await, Key::Escape).await;
    wait_for(&c, "kpi-active").await;
    click(&c, "programme-care").await;
    click(&c, "campaign-birthday").await;
    let born = expected.born_this_month.to_string();
    assert_eq!(
        wait_css_attr(&c, "[data-testid='campaign-result']", "data-issued", &born)
            .await
            .as_deref(),
        Some(born.as_str())
    );
    click(&c, "campaign-birthday").await;
    wait_count(&c, "campaign-result", 2).await;
    // The newest run is listed first: nothing new.
    assert_eq!(
        wait_css_attr(&c, "[data-testid='campaign-result']", "data-issued", "0")
            .await
            .as_deref(),
        Some("0")
    );
    assert_eq!(
        attr(&c, "campaign-result", "data-already").await.as_deref(),
        Some(born.as_str())
    );
    screenshot(&c, "care-lists.png").await;
    c.close().await.unwrap();
}

/// A demo store where cashier 1001 registered (and so owns) three members: 张伟 consented to
/// contact and has his birthday tomorrow, 李娜 consented and is on no list, 王芳 never consented.
fn store_with_owned_members(path: &std::path::Path) {
    let now = SystemClock.now();
    let clock = Arc::new(SystemClock);
    let store = pos_core::db::Store::open(path, clock).unwrap();
    assert!(pos_core::demo::seed(&store).unwrap());
    let api = pos_core::api::Api::new(store);
    api_login(&api, "1001", "1111");
    let tomorrow = (now + Duration::hours(8) + Duration::days(1)).date_naive();
    let birthday = format!("1980-{}", tomorrow.format("%m-%d"));
    for (phone, name, contact, birthday) in [
        ("13912345678", "张伟", true, Some(birthday)),
        ("13800005678", "李娜", true, None),
        ("13700004321", "王芳", false, None),
    ] {
        api.call(pos_core::api::NewMember {
            phone: phone.into(),
            name: name.into(),
            basic_consent: true,
            contact_consent: contact,
            birthday,
            ..Default::default()
        })
        .unwrap();
    }
}

#[test]
fn a_cashier_calls_her_members_from_her_worklist_and_logs_the_answer() {
    scenario(owner_worklist);
}

async fn owner_worklist() {
    let mut path = std::path::PathBuf::new();
    let driver = start_driver_with(false, |p| {
        store_with_owned_members(p);
        path = p.to_owned();
    });
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    click(&c, "tab-members").await;
    wait_focused(&c, "members-search-input").await;

    // F4: the members she owns, tomorrow's birthday first with the whole phone to call.
    press(&wait_for(&c, "members-search-input").await, Key::F4).await;
    assert_eq!(
        wait_attr(&c, "owner-worklist", "data-total", "3")
            .await
            .as_deref(),
        Some("3")
    );
    let first = wait_css(&c, "[data-testid='owner-worklist-member']").await;
    // All three registered this week (to thank); 张伟's birthday comes first.
    assert_eq!(
        first.attr("data-reasons").await.unwrap().as_deref(),
        Some("birthdays_tomorrow new_to_thank")
    );
    assert_eq!(
        text_of(&c, "owner-worklist-phone").await.trim(),
        "13912345678"
    );
    // Only the two who consented show a whole phone.
    wait_count(&c, "owner-worklist-phone", 2).await;
    screenshot(&c, "owner-worklist.png").await;
    publish_screenshot("owner-worklist.png");

    // Enter opens 张伟's contact log, the form already on 生日关怀.
    press(&wait_for(&c, "owner-worklist-list").await, Key::Enter).await;
    wait_for(&c, "member-profile-panel-contacts").await;
    assert_eq!(
        wait_attr(&c, "contact-consent-state", "data-consent", "true")
            .await
            .as_deref(),
        Some("true")
    );
    let topic = wait_for(&c, "contact-topic").await;
    assert_eq!(
        topic.prop("value").await.unwrap().as_deref(),
        Some("birthday")
    );
    wait_for(&c, "contact-answer")
        .await
        .select_by_value("reached")
        .await
        .unwrap();
    fill(&c, "contact-note", "祝生日快乐，周末来店").await;
    click(&c, "contact-save").await;
    wait_count(&c, "contact-row", 1).await;
    assert_eq!(
        attr(&c, "contact-row", "data-topic").await.as_deref(),
        Some("birthday")
    );
    assert!(text_of(&c, "member-contacts-log")
        .await
        .contains("祝生日快乐，周末来店"));
    screenshot(&c, "member-contacts.png").await;
    publish_screenshot("member-contacts.png");

    // 王芳 never consented: no form until her consent is recorded.
    let wang = c
        .find_all(fantoccini::Locator::Css(
            "[data-testid='owner-worklist-member']",
        ))
        .await
        .unwrap();
    let mut opened = false;
    for row in wang {
        if row.text().await.unwrap().contains("王芳") {
            row.click().await.unwrap();
            opened = true;
        }
    }
    assert!(opened, "王芳 is on the worklist");
    assert_eq!(
        wait_attr(&c, "contact-consent-state", "data-consent", "false")
            .await
            .as_deref(),
        Some("false")
    );
    assert_eq!(count(&c, "contact-form").await, 0);
    click(&c, "contact-consent-grant").await;
    wait_for(&c, "contact-form").await;

    // 张伟 withdraws: a first click asks, the second records it and closes the form.
    let zhang = wait_css(
        &c,
        "[data-testid='owner-worklist-member'][data-reasons^='birthdays_tomorrow']",
    )
    .await;
    zhang.click().await.unwrap();
    assert_eq!(
        wait_attr(&c, "contact-consent-state", "data-consent", "true")
            .await
            .as_deref(),
        Some("true")
    );
    click(&c, "contact-consent-withdraw").await;
    click(&c, "contact-consent-withdraw").await;
    assert_eq!(
        wait_attr(&c, "contact-consent-state", "data-consent", "false")
            .await
            .as_deref(),
        Some("false")
    );
    assert_eq!(count(&c, "contact-form").await, 0);
    c.close().await.unwrap();

    // What the store file holds: one contact, 张伟's; his consent withdrawn, 王芳's granted.
    let store = pos_core::db::Store::open(&path, Arc::new(SystemClock)).unwrap();
    let (contacts, consents): (i64, String) = store
        .read(|c| {
            Ok((
                c.query_row("SELECT count(*) FROM member_contact", [], |r| r.get(0))?,
                c.query_row(
                    "SELECT group_concat(m.name || ':' || e.action, ',') FROM (
                         SELECT member_id, action FROM consent_event WHERE scope = 'contact'
                         ORDER BY at, rowid) e JOIN member m ON m.id = e.member_id",
                    [],
                    |r| r.get(0),
                )?,
            ))
        })
        .unwrap();
    assert_eq!(contacts, 1);
    assert_eq!(consents, "张伟:grant,李娜:grant,王芳:grant,张伟:withdraw");
}
