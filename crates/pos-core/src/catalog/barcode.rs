//! Barcodes on Chinese drug packages are GS1 EAN-13 (prefix 69); EAN-8 and UPC-A (12 digits)
//! also occur on imported goods. Every one carries a check digit, which we verify so a misread
//! or mistyped code is caught at the counter instead of selling the wrong item.

use crate::error::{ErrorCode, PosError, Result};

/// Normalizes (trims, full-width digits → half-width) and validates a barcode.
pub fn parse(input: &str) -> Result<String> {
    let code = crate::text::half_width(input);
    if code.is_empty() {
        return Err(PosError::new(
            ErrorCode::InvalidBarcode,
            "条码为空，请扫描或输入条码",
        ));
    }
    if !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(PosError::new(
            ErrorCode::InvalidBarcode,
            format!("条码“{code}”只能包含数字"),
        ));
    }
    if ![8, 12, 13].contains(&code.len()) {
        return Err(PosError::new(
            ErrorCode::InvalidBarcode,
            format!("条码“{code}”位数不对：应为 13 位（EAN-13）、8 位或 12 位"),
        ));
    }
    if !check_digit_ok(&code) {
        return Err(PosError::new(
            ErrorCode::InvalidBarcode,
            format!("条码“{code}”校验位错误，请重新扫描或核对后输入"),
        ));
    }
    Ok(code)
}

/// GS1 check digit: from the right, excluding the check digit, weights 3,1,3,1…
pub fn check_digit_ok(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    let Some((check, body)) = digits.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == *check
}

/// Appends the check digit to a 12-digit (EAN-13) or 7-digit (EAN-8) body; used by generators.
pub fn with_check_digit(body: &str) -> String {
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { d })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_codes() {
        assert_eq!(parse("6907462053312").unwrap(), "6907462053312");
        assert_eq!(
            parse(" ６９０７４６２０５３３１２ ").unwrap(),
            "6907462053312"
        );
        assert_eq!(parse("96385074").unwrap(), "96385074"); // EAN-8
        assert_eq!(parse("036000291452").unwrap(), "036000291452"); // UPC-A
        assert_eq!(with_check_digit("690746205331"), "6907462053312");
    }

    #[test]
    fn refuses_malformed_codes() {
        for bad in [
            "",
            "6907462053313",
            "69074620533",
            "690746205331a",
            "69074620533123",
            "abc",
        ] {
            assert_eq!(
                parse(bad).unwrap_err().code,
                ErrorCode::InvalidBarcode,
                "{bad}"
            );
        }
    }
}
