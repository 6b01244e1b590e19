//! Members (会员): registering at the till, finding by the last 4 digits or pinyin initials, the
//! profile; the manager's members screen with the health part and points.

use crate::pages::*;

#[test]
fn cashier_registers_a_member_then_finds_and_attaches_them() {
    scenario(cashier_registers_and_finds_by_last_four_digits);
}

async fn cashier_registers_and_finds_by_last_four_digits() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, AMOXICILLIN).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 2).await;
    assert_eq!(
        wait_for(&c, "member-panel")
            .await
            .attr("data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("none")
    );

    // F2: nobody has this phone yet, so the search offers to register it, phone prefilled.
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, MEMBER_PHONE).await;
    wait_for(&c, "member-search-empty").await;
    let offer = wait_text(&c, "member-register-offer", MEMBER_PHONE_MASKED).await;
    assert!(offer.contains(MEMBER_PHONE_MASKED), "{offer}");
    press(&search, Key::Enter).await;
    assert_eq!(
        wait_for(&c, "member-reg-phone")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(MEMBER_PHONE),
        "the phone typed in the search is prefilled"
    );
    register_in_form(&c, None, MEMBER_NAME).await;
    screenshot(&c, "member-register.png").await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;

    // Registered: the card number and the new-member coupon are shown; the member is attached.
    let created = wait_for(&c, "member-reg-created").await;
    let card = created
        .attr("data-card-no")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        card.len() == 13 && card.starts_with("29"),
        "a member card number: {card}"
    );
    assert_eq!(
        wait_for(&c, "member-reg-coupon")
            .await
            .attr("data-face")
            .await
            .unwrap()
            .as_deref(),
        Some("3.00"),
        "the default new-member coupon"
    );
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    wait_count(&c, "member-register", 0).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    assert_eq!(
        wait_attr(&c, "member-panel-coupons", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );

    // F8 detaches; F2 + the last 4 digits finds the member again; Enter attaches.
    press(&input, Key::F8).await;
    assert_eq!(
        wait_attr(&c, "member-panel", "data-state", "none")
            .await
            .as_deref(),
        Some("none")
    );
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, "5678").await;
    wait_count(&c, "member-result", 1).await;
    let result = wait_for(&c, "member-result").await;
    assert_eq!(
        result.attr("data-phone-masked").await.unwrap().as_deref(),
        Some(MEMBER_PHONE_MASKED)
    );
    assert_eq!(
        result.attr("data-name").await.unwrap().as_deref(),
        Some(MEMBER_NAME)
    );
    assert_eq!(
        result.attr("data-card-no").await.unwrap().as_deref(),
        Some(card.as_str())
    );
    screenshot(&c, "member-search.png").await;
    press(&search, Key::Enter).await;
    wait_count(&c, "member-search", 0).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    assert_eq!(
        c.active_element()
            .await
            .unwrap()
            .attr("data-testid")
            .await
            .unwrap()
            .as_deref(),
        Some("scan-input"),
        "back to the scan input"
    );
    screenshot(&c, "member-panel.png").await;

    // Scanning the member card attaches the member; it never becomes a sale line.
    press(&input, Key::F8).await;
    wait_attr(&c, "member-panel", "data-state", "none").await;
    scan(&input, &card).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    wait_count(&c, "cart-line", 2).await;
    assert_eq!(
        count(&c, "scan-error").await,
        0,
        "no error after the card scan"
    );
    c.close().await.unwrap();
}

#[test]
fn cashier_finds_a_member_by_pinyin_initials_and_opens_the_profile() {
    scenario(cashier_finds_by_initials);
}

async fn cashier_finds_by_initials() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, AMOXICILLIN).await;
    wait_count(&c, "cart-line", 1).await;

    // F3 registers straight from the sale.
    press(&input, Key::F3).await;
    register_in_form(&c, Some(MEMBER_PHONE), MEMBER_NAME).await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;
    wait_for(&c, "member-reg-created").await;
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    press(&input, Key::F8).await;
    wait_attr(&c, "member-panel", "data-state", "none").await;

    // zw → 张伟
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    search.send_keys("zw\u{E007}").await.unwrap();
    wait_count(&c, "member-result", 1).await;
    let result = wait_for(&c, "member-result").await;
    assert_eq!(
        result.attr("data-name").await.unwrap().as_deref(),
        Some(MEMBER_NAME)
    );
    assert_eq!(
        result.attr("data-phone-masked").await.unwrap().as_deref(),
        Some(MEMBER_PHONE_MASKED)
    );
    press(&search, Key::Enter).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;

    // F6: the profile over the sale; a cashier sees the masked phone and no health tab.
    press(&input, Key::F6).await;
    assert_eq!(
        wait_text(&c, "member-profile-name", MEMBER_NAME).await,
        MEMBER_NAME
    );
    let phone = wait_text(&c, "member-basic-phone", MEMBER_PHONE_MASKED).await;
    assert!(
        phone.starts_with(MEMBER_PHONE_MASKED) && !phone.contains(MEMBER_PHONE),
        "a cashier sees the masked phone only: {phone:?}"
    );
    assert_eq!(count(&c, "member-profile-tab-health").await, 0);
    assert_eq!(count(&c, "member-profile-tab-manage").await, 0);
    let store = "SH001 康宁大药房（演示店）";
    assert_eq!(wait_text(&c, "member-store", store).await, store);
    screenshot(&c, "member-profile.png").await;
    press(&wait_for(&c, "member-profile-tab-basic").await, Key::Escape).await;
    wait_count(&c, "member-profile", 0).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;

    // F1 lists the member keys and the member card.
    press(&input, Key::F1).await;
    wait_for(&c, "help-member-card").await;
    screenshot(&c, "help.png").await;
    press(&input, Key::Escape).await;
    wait_count(&c, "help-overlay", 0).await;

    // In English the member panel and the search speak English too.
    wait_for(&c, "lang-switch")
        .await
        .select_by_value("en")
        .await
        .unwrap();
    assert_eq!(
        wait_text(&c, "member-panel-detach", "Detach").await,
        "Detach F8"
    );
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    search.send_keys("zw\u{E007}").await.unwrap();
    wait_count(&c, "member-result", 1).await;
    screenshot(&c, "member-search-en.png").await;
    press(&search, Key::Escape).await;
    wait_count(&c, "member-search", 0).await;
    // And back: every label returns to Chinese at once.
    wait_for(&c, "lang-switch")
        .await
        .select_by_value("zh-CN")
        .await
        .unwrap();
    assert_eq!(
        wait_text(&c, "member-panel-detach", "取消关联").await,
        "取消关联 F8"
    );
    c.close().await.unwrap();
}

#[test]
fn manager_keeps_the_health_part_and_adjusts_points_on_the_members_screen() {
    scenario(manager_members_screen);
}

async fn manager_members_screen() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-members").await;
    let search = wait_for(&c, "members-search-input").await;

    // F3 on the members screen: register with the separate health consent ticked.
    press(&search, Key::F3).await;
    register_in_form(&c, Some("13812345678"), "李娜").await;
    click(&c, "member-reg-health-consent").await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;
    wait_for(&c, "member-reg-created").await;
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    assert_eq!(wait_text(&c, "member-profile-name", "李娜").await, "李娜");
    let phone = wait_text(&c, "member-basic-phone", "13812345678").await;
    assert!(
        phone.contains("13812345678"),
        "a manager sees the whole phone in the profile: {phone:?}"
    );

    // 健康档案: consent given at registration; an allergy from the list shows the badge.
    click(&c, "member-profile-tab-health").await;
    assert_eq!(
        wait_attr(&c, "health-consent-state", "data-consent", "true")
            .await
            .as_deref(),
        Some("true")
    );
    wait_for(&c, "health-add-code").await;
    click(&c, "health-add-submit").await;
    wait_count(&c, "health-item", 1).await;
    assert_eq!(
        wait_attr(&c, "health-item", "data-code", "青霉素类")
            .await
            .as_deref(),
        Some("青霉素类")
    );
    wait_for(&c, "member-profile-allergy").await;
    screenshot(&c, "member-profile-health.png").await;

    // 积分: a manager's adjustment shows in the ledger with the balance after it.
    click(&c, "member-profile-tab-points").await;
    fill_digits(&c, "points-adjust-points", "200").await;
    fill(&c, "points-adjust-reason", "补录积分").await;
    click(&c, "points-adjust-submit").await;
    assert_eq!(
        wait_attr(&c, "points-row", "data-balance-after", "200")
            .await
            .as_deref(),
        Some("200")
    );
    assert_eq!(wait_text(&c, "member-points-balance", "200").await, "200");
    screenshot(&c, "member-profile-points.png").await;

    // 优惠券: a manager's 9 折 coupon limited to one product by its barcode. A barcode the
    // catalog does not know is named and nothing is issued.
    click(&c, "member-profile-tab-coupons").await;
    let before = count(&c, "coupon-row").await;
    fill_digits(&c, "coupon-issue-percent", "10").await;
    fill_digits(&c, "coupon-issue-products", "6900000000007").await;
    fill(&c, "coupon-issue-reason", "慢病会员关怀").await;
    click(&c, "coupon-issue-submit").await;
    assert_eq!(
        wait_attr(&c, "coupon-issue-error", "data-code", "PRODUCT_NOT_FOUND")
            .await
            .as_deref(),
        Some("PRODUCT_NOT_FOUND")
    );
    assert!(text_of(&c, "coupon-issue-error")
        .await
        .contains("6900000000007"));
    assert_eq!(count(&c, "coupon-row").await, before);
    fill_digits(&c, "coupon-issue-products", PARACETAMOL).await;
    click(&c, "coupon-issue-submit").await;
    let done = wait_text(&c, "coupon-issue-done", "9 折").await;
    assert!(done.contains("限 对乙酰氨基酚片"), "{done}");
    wait_count(&c, "coupon-row", before + 1).await;
    screenshot(&c, "member-profile-coupons.png").await;

    // 店长操作: the JSON export answers with the file's path.
    click(&c, "member-profile-tab-manage").await;
    click(&c, "member-export-json").await;
    let path = wait_for(&c, "member-export-path")
        .await
        .attr("data-path")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(path.ends_with(".json"), "{path}");
    screenshot(&c, "member-profile-manage.png").await;
    c.close().await.unwrap();
}
