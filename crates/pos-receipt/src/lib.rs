//! Receipt rendering. For now only the plain-text header every receipt starts with (the
//! pharmacy's contact details); the printpdf and ESC/POS renderers arrive with checkout.

use pos_core::settings::PharmacySettings;

/// The receipt header lines: name, address, phone, licence number (PRODUCT.md §6).
pub fn header_lines(p: &PharmacySettings) -> Vec<String> {
    let mut lines = vec![p.name.clone()];
    if !p.address.is_empty() {
        lines.push(format!("地址：{}", p.address));
    }
    if !p.phone.is_empty() {
        lines.push(format!("电话：{}", p.phone));
    }
    if !p.licence_no.is_empty() {
        lines.push(format!("药品经营许可证：{}", p.licence_no));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_carries_the_contact_details() {
        let p = PharmacySettings {
            name: "康宁大药房".into(),
            address: "张杨路 1 号".into(),
            phone: "021-1".into(),
            licence_no: "沪AA1".into(),
            store_code: "SH1".into(),
        };
        assert_eq!(
            header_lines(&p),
            [
                "康宁大药房",
                "地址：张杨路 1 号",
                "电话：021-1",
                "药品经营许可证：沪AA1"
            ]
        );
        let bare = PharmacySettings {
            name: "药店".into(),
            ..Default::default()
        };
        assert_eq!(header_lines(&bare), ["药店"]);
    }
}
