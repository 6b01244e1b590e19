//! Medication guidance after the sale, on the pharmacist's workbench: a pharmacist who logs in
//! alone (no cashier screen) opens a sale a cashier made earlier by its receipt number, fills the
//! guidance form by keyboard (it starts from the product's default), saves it and prints the
//! guidance slip (用药指导单); the till has no printer, so the slip is saved as a PDF, which must
//! carry the drug, the guidance and the pharmacist's name.

use std::process::Command;

use crate::pages::*;
use pos_core::api::*;

/// The demo store, a pharmacist who only does pharmacists' work (2002 / 2020, 赵敏), and a
/// member's sale of 阿莫西林 + 感冒灵 rung up by the cashier (1001) through the API; the receipt
/// number is written beside the store file.
fn store_with_a_sale(path: &std::path::Path) {
    let api = demo_store_with_pharmacist(path, std::sync::Arc::new(pos_core::clock::SystemClock));
    let member = api
        .call(NewMember {
            phone: MEMBER_PHONE.into(),
            name: MEMBER_NAME.into(),
            basic_consent: true,
            health_consent: true,
            ..Default::default()
        })
        .unwrap()
        .member
        .id;
    let c = api.call(CartOpen {}).unwrap();
    for barcode in [AMOXICILLIN, GANMAOLING] {
        api.call(CartScan {
            cart_id: c.id,
            barcode: barcode.into(),
            quantity: Some(1),
        })
        .unwrap();
    }
    api.call(CartSetPrescription {
        cart_id: c.id,
        prescription: pos_core::cart::PrescriptionInput {
            hospital: "浦东新区人民医院".into(),
            doctor: "刘医生".into(),
            prescribed_on: "2026-11-22".into(),
            diagnosis: "急性扁桃体炎".into(),
            image_path: None,
        },
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
    let sale = api_pay_cash(&api, &c);
    std::fs::write(path.with_extension("receipt"), &sale.receipt_no).unwrap();
}

#[test]
fn a_pharmacist_alone_adds_guidance_to_a_sale_and_prints_the_slip() {
    scenario(guidance_on_the_workbench);
}

async fn guidance_on_the_workbench() {
    let mut receipt_no = String::new();
    let driver = start_driver_with(false, |path| {
        store_with_a_sale(path);
        receipt_no = std::fs::read_to_string(path.with_extension("receipt")).unwrap();
    });
    let c = connect(&driver).await;
    login(&c, "2002", "2020").await;
    // A pharmacist alone has no cashier screen: the workbench is their first tab.
    wait_for(&c, "workbench").await;
    assert_eq!(count(&c, "tab-sale").await, 0, "no cashier screen");
    click(&c, "bench-guidance").await;
    assert_eq!(
        wait_attr(&c, "workbench", "data-section", "guidance")
            .await
            .as_deref(),
        Some("guidance")
    );
    // Today's sales are listed; the receipt number is typed (as a scanner would) and Enter opens it.
    wait_css(
        &c,
        &format!("[data-testid=guidance-sale][data-receipt-no='{receipt_no}']"),
    )
    .await;
    let receipt = wait_for(&c, "guidance-receipt").await;
    assert_eq!(
        wait_focused(&c, "guidance-receipt").await.as_deref(),
        Some("guidance-receipt")
    );
    receipt.send_keys(&receipt_no).await.unwrap();
    press(&receipt, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "guidance-sale-open", "data-receipt-no", &receipt_no)
            .await
            .as_deref(),
        Some(receipt_no.as_str())
    );
    wait_count(&c, "guidance-line", 2).await;
    // The first line has the focus; Enter opens its form, starting from the product's default.
    assert_eq!(
        wait_focused(&c, "guidance-line").await.as_deref(),
        Some("guidance-line")
    );
    press(&c.active_element().await.unwrap(), Key::Enter).await;
    wait_for(&c, "guidance-editor").await;
    assert_eq!(
        wait_focused(&c, "guidance-dose").await.as_deref(),
        Some("guidance-dose")
    );
    let note = wait_for(&c, "guidance-note").await;
    let prefilled = note.prop("value").await.unwrap().unwrap_or_default();
    assert!(prefilled.contains("青霉素过敏者禁用"), "{prefilled}");
    assert_eq!(
        attr(&c, "guidance-form", "data-needs-pin").await.as_deref(),
        Some("false"),
        "a pharmacist records it as themselves"
    );

    // Keyboard only: dose, Enter, frequency, Enter, Alt+2 picks 饭后, Enter, duration, Enter,
    // reactions, Enter, taboos, Enter, and Enter on the (prefilled) note saves.
    type_into_focus(&c, "一次2粒").await;
    press(&c.active_element().await.unwrap(), Key::Enter).await;
    type_into_focus(&c, "每8小时1次").await;
    press(&c.active_element().await.unwrap(), Key::Enter).await;
    assert_eq!(
        wait_focused(&c, "guidance-timing").await.as_deref(),
        Some("guidance-timing")
    );
    alt(&c.active_element().await.unwrap(), '2').await;
    let timing = wait_for(&c, "guidance-timing").await;
    assert_eq!(timing.prop("value").await.unwrap().as_deref(), Some("饭后"));
    press(&timing, Key::Enter).await;
    type_into_focus(&c, "连服7天").await;
    press(&c.active_element().await.unwrap(), Key::Enter).await;
    type_into_focus(&c, "皮疹、腹泻").await;
    press(&c.active_element().await.unwrap(), Key::Enter).await;
    type_into_focus(&c, "服药期间忌酒").await;
    press(&c.active_element().await.unwrap(), Key::Enter).await;
    assert_eq!(
        wait_focused(&c, "guidance-note").await.as_deref(),
        Some("guidance-note")
    );
    screenshot(&c, "guidance-workbench.png").await;
    press(&c.active_element().await.unwrap(), Key::Enter).await;
    wait_for(&c, "guidance-saved").await;
    wait_css(&c, "[data-testid=guidance-line][data-guided=true]").await;
    // Saved: the print button has the focus; Alt+P prints the slip at receipt width.
    assert_eq!(
        wait_focused(&c, "guidance-print-receipt").await.as_deref(),
        Some("guidance-print-receipt")
    );
    alt(&c.active_element().await.unwrap(), 'p').await;
    let result = wait_for(&c, "guidance-slip-result").await;
    let path = result.attr("data-path").await.unwrap().unwrap_or_default();
    assert_eq!(
        result.attr("data-printer").await.unwrap().as_deref(),
        Some(""),
        "no printer at this till: saved only"
    );
    assert_eq!(
        result.attr("data-paper").await.unwrap().as_deref(),
        Some("receipt")
    );
    screenshot(&c, "guidance-printed.png").await;
    publish_screenshot("guidance-workbench.png");
    publish_screenshot("guidance-printed.png");

    // The saved slip is a real PDF with the drug, every field typed and the pharmacist's name.
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("slip {path}: {e}"));
    assert!(bytes.starts_with(b"%PDF"), "{path} is not a PDF");
    let out = Command::new("pdftotext")
        .args(["-layout", &path, "-"])
        .output()
        .expect("pdftotext runs");
    let text: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for want in [
        "用药指导单",
        &receipt_no,
        "139****5678",
        "阿莫西林胶囊",
        "一次2粒",
        "每8小时1次",
        "饭后",
        "连服7天",
        "皮疹、腹泻",
        "服药期间忌酒",
        "青霉素过敏者禁用",
        "指导药师赵敏",
    ] {
        assert!(text.contains(want), "the slip lacks {want}:\n{text}");
    }
    assert!(!text.contains("感冒灵"), "one line's slip");
}
