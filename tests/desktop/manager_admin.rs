//! The manager's settings: staff, backups and restore, business rules.

use crate::pages::*;

#[test]
fn a_manager_resets_a_pin_changes_roles_and_deactivates_a_leaver_but_not_the_last_manager() {
    scenario(staff_admin);
}

async fn staff_admin() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-staff").await;
    let cashier = "[data-testid='staff-row'][data-staff-no='1001']";

    // 重置 PIN: the new PIN twice, Enter saves.
    wait_css(&c, &format!("{cashier} [data-testid='staff-reset-pin']"))
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        wait_focused(&c, "staff-new-pin").await.as_deref(),
        Some("staff-new-pin")
    );
    fill_digits(&c, "staff-new-pin", "2468").await;
    fill_digits(&c, "staff-new-pin-again", "2467").await;
    press(&wait_for(&c, "staff-new-pin-again").await, Key::Enter).await;
    let mismatch = text_of(&c, "staff-dialog-error").await;
    assert!(mismatch.contains("不一致"), "{mismatch}");
    fill_digits(&c, "staff-new-pin", "2468").await;
    fill_digits(&c, "staff-new-pin-again", "2468").await;
    press(&wait_for(&c, "staff-new-pin-again").await, Key::Enter).await;
    wait_count(&c, "staff-dialog", 0).await;
    let done = text_of(&c, "staff-changed").await;
    assert!(done.contains("重置 PIN"), "{done}");

    // 岗位: the cashier also becomes a pharmacist.
    wait_css(&c, &format!("{cashier} [data-testid='staff-edit-roles']"))
        .await
        .click()
        .await
        .unwrap();
    click(&c, "staff-edit-role-pharmacist").await;
    click(&c, "staff-dialog-save").await;
    assert_eq!(
        wait_css_attr(&c, cashier, "data-roles", "cashier,pharmacist")
            .await
            .as_deref(),
        Some("cashier,pharmacist")
    );

    // The manager cannot deactivate themselves: the core's words, in Chinese.
    wait_css(
        &c,
        "[data-testid='staff-row'][data-staff-no='3001'] [data-testid='staff-toggle-active']",
    )
    .await
    .click()
    .await
    .unwrap();
    wait_focused(&c, "staff-dialog-save").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_attr(&c, "staff-dialog-error", "data-code", "LAST_MANAGER")
            .await
            .as_deref(),
        Some("LAST_MANAGER")
    );
    let refused = text_of(&c, "staff-dialog-error").await;
    assert!(
        refused
            .chars()
            .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
        "{refused}"
    );
    screenshot(&c, "staff-last-manager.png").await;
    press(&wait_for(&c, "staff-dialog-save").await, Key::Escape).await;
    wait_count(&c, "staff-dialog", 0).await;

    // 停用 the cashier: they can no longer log in, with the new PIN or any other.
    wait_css(
        &c,
        &format!("{cashier} [data-testid='staff-toggle-active']"),
    )
    .await
    .click()
    .await
    .unwrap();
    wait_focused(&c, "staff-dialog-save").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_css_attr(&c, cashier, "data-active", "false")
            .await
            .as_deref(),
        Some("false")
    );
    click(&c, "logout").await;
    login(&c, "1001", "2468").await;
    assert_eq!(
        wait_attr(&c, "login-error", "data-code", "ACCOUNT_INACTIVE")
            .await
            .as_deref(),
        Some("ACCOUNT_INACTIVE")
    );
    c.close().await.unwrap();
}

#[test]
fn a_manager_sets_backups_backs_up_now_and_restores_after_a_confirmation_naming_the_time() {
    scenario(backup_and_restore);
}

async fn backup_and_restore() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-backup").await;
    assert_eq!(
        wait_focused(&c, "backup-folder-input").await.as_deref(),
        Some("backup-folder-input")
    );
    // Keep 5, daily at 23:30: Enter saves.
    fill_digits(&c, "backup-keep", "5").await;
    fill(&c, "backup-daily-at", "23:30").await;
    press(&wait_for(&c, "backup-daily-at").await, Key::Enter).await;
    wait_for(&c, "backup-settings-saved").await;

    // 立即备份: the new backup is listed first.
    click(&c, "backup-now").await;
    let file = attr(&c, "backup-done", "data-file")
        .await
        .unwrap_or_default();
    assert!(file.ends_with(".sqlite"), "{file}");
    // Listed first (a backup taken in the same second as the one at start-up replaces it).
    assert_eq!(
        wait_attr(&c, "backup-row", "data-path", &file)
            .await
            .as_deref(),
        Some(file.as_str())
    );
    screenshot(&c, "backup.png").await;
    publish_screenshot("backup.png");

    // 恢复: the confirmation names the backup's time; Esc cancels, Enter restores.
    let taken_at = attr(&c, "backup-row", "data-taken-at")
        .await
        .unwrap_or_default();
    wait_css(
        &c,
        "[data-testid='backup-row']:first-child [data-testid='backup-restore']",
    )
    .await
    .click()
    .await
    .unwrap();
    let confirm = wait_text(&c, "backup-confirm-time", &taken_at).await;
    assert!(confirm.contains(&taken_at), "{confirm} names {taken_at}");
    assert_eq!(
        wait_focused(&c, "backup-confirm-submit").await.as_deref(),
        Some("backup-confirm-submit")
    );
    type_into_focus(&c, &char::from(Key::Escape).to_string()).await;
    wait_count(&c, "backup-confirm", 0).await;
    assert_eq!(count(&c, "backup-restored").await, 0, "nothing restored");
    wait_css(
        &c,
        "[data-testid='backup-row']:first-child [data-testid='backup-restore']",
    )
    .await
    .click()
    .await
    .unwrap();
    wait_focused(&c, "backup-confirm-submit").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_attr(&c, "backup-restored", "data-from", &file)
            .await
            .as_deref(),
        Some(file.as_str())
    );
    assert_eq!(count(&c, "damaged-banner").await, 0);
    c.close().await.unwrap();
}

#[test]
fn a_manager_previews_new_business_rules_before_saving_them() {
    scenario(rules_preview_then_save);
}

async fn rules_preview_then_save() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-rules").await;
    assert_eq!(
        wait_focused(&c, "rules-normal-threshold").await.as_deref(),
        Some("rules-normal-threshold")
    );
    assert!(
        attr(&c, "rules-save", "disabled").await.is_some(),
        "nothing to save before a preview"
    );

    // 金卡 at 9 折, member days on the 8th, 18th and 28th: Enter previews.
    fill(&c, "rules-gold-rate", "0.9").await;
    fill(&c, "rules-member-days", "8, 18, 28").await;
    press(&wait_for(&c, "rules-member-days").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "rules-preview", "data-state", "current")
            .await
            .as_deref(),
        Some("current")
    );
    let changes = text_of(&c, "rules-changes").await;
    assert!(changes.contains("金卡"), "{changes}");
    wait_count(&c, "rules-tier-count", 4).await;
    assert!(count(&c, "rules-example").await > 0, "example baskets");
    let days = text_of(&c, "rules-next-days").await;
    assert!(
        ["-08", "-18", "-28"].iter().any(|d| days.contains(d)),
        "{days}"
    );
    screenshot(&c, "rules-preview.png").await;
    publish_screenshot("rules-preview.png");

    // An edit after the preview: it must be previewed again before it can be saved.
    fill(&c, "rules-member-day-rate", "0.85").await;
    assert_eq!(
        wait_attr(&c, "rules-preview", "data-state", "stale")
            .await
            .as_deref(),
        Some("stale")
    );
    assert!(attr(&c, "rules-save", "disabled").await.is_some());

    // The care settings: a follow-up schedule that goes backwards is named, with its field
    // focused, before the core is asked anything; then fewer follow-ups, dormant after 60 days
    // and a bonus-points product.
    fill_digits(&c, "rules-follow-up-days", "14, 7").await;
    press(&wait_for(&c, "rules-follow-up-days").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "rules-error", "data-code", "INVALID_RULES")
            .await
            .as_deref(),
        Some("INVALID_RULES")
    );
    assert_eq!(
        wait_focused(&c, "rules-follow-up-days").await.as_deref(),
        Some("rules-follow-up-days")
    );
    fill_digits(&c, "rules-follow-up-days", "3, 7, 14").await;
    fill_digits(&c, "rules-dormant-days", "60").await;
    fill(&c, "rules-bonus-products", &format!("{PARACETAMOL}×2")).await;
    press(&wait_for(&c, "rules-member-day-rate").await, Key::Enter).await;
    assert_eq!(
        wait_focused(&c, "rules-save").await.as_deref(),
        Some("rules-save")
    );
    assert_eq!(
        attr(&c, "rules-preview", "data-state").await.as_deref(),
        Some("current")
    );
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    wait_for(&c, "rules-saved").await;
    assert_eq!(
        wait_for(&c, "rules-gold-rate")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("0.9"),
        "the saved rules are shown"
    );
    for (field, want) in [
        ("rules-follow-up-days", "3, 7, 14".to_owned()),
        ("rules-dormant-days", "60".to_owned()),
        ("rules-bonus-products", format!("{PARACETAMOL}×2")),
    ] {
        assert_eq!(
            wait_for(&c, field)
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some(want.as_str()),
            "{field}"
        );
    }
    c.execute(
        "document.querySelector('[data-testid=\"rules-dormant-days\"]').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "rules-care.png").await;
    c.close().await.unwrap();
}
