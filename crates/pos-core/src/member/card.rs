//! Member card numbers: 13 digits that any barcode scanner reads as EAN-13. They start with 29,
//! a GS1 prefix reserved for in-store use, so no product ever carries one and the cashier screen
//! can tell a card scan from a product scan. The last digit is the GS1 check digit, which catches
//! a mistyped or misread number before any lookup.

use crate::catalog::barcode;
use crate::error::{ErrorCode, PosError, Result};

/// Every card number starts with this (GS1 restricted circulation, in-store use).
pub const PREFIX: &str = "29";

/// Whether a code that was scanned is a member card rather than a product (13 digits, prefix 29).
pub fn looks_like_card(code: &str) -> bool {
    code.len() == 13 && code.starts_with(PREFIX) && code.bytes().all(|b| b.is_ascii_digit())
}

/// A card number from 10 random digits: `29` + digits + check digit.
pub fn from_random(random: u64) -> String {
    let body = format!("{PREFIX}{:010}", random % 10_000_000_000);
    barcode::with_check_digit(&body)
}

/// Normalises (trims, full-width digits → half-width) and checks a card number.
pub fn parse(input: &str) -> Result<String> {
    let code: String = crate::text::half_width(input)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if code.len() != 13 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PosError::new(
            ErrorCode::InvalidCardNo,
            format!("会员卡号“{input}”应为 13 位数字"),
        ));
    }
    if !code.starts_with(PREFIX) {
        return Err(PosError::new(
            ErrorCode::InvalidCardNo,
            format!("“{input}”不是本店会员卡号（会员卡号以 {PREFIX} 开头）"),
        ));
    }
    if !barcode::check_digit_ok(&code) {
        return Err(PosError::new(
            ErrorCode::InvalidCardNo,
            format!("会员卡号“{input}”校验位错误，请重新扫描或核对后输入"),
        ));
    }
    Ok(code)
}

/// A card number as receipts print it (PIPL: masked like the phone): the first 4 and the last 4
/// characters kept, the rest starred, `2900*****2343`; anything too short to keep 8 characters of
/// is all stars.
pub fn mask(card: &str) -> String {
    let chars: Vec<char> = card.trim().chars().collect();
    let n = chars.len();
    if n <= 8 {
        return "*".repeat(n);
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_numbers_parse_back() {
        for r in [0, 1, 42, 9_999_999_999, u64::MAX] {
            let card = from_random(r);
            assert_eq!(card.len(), 13);
            assert!(looks_like_card(&card));
            assert_eq!(parse(&card).unwrap(), card);
        }
    }

    #[test]
    fn a_card_is_masked_like_a_phone() {
        assert_eq!(mask("2900000012343"), "2900*****2343");
        assert_eq!(mask(" 2994190123213 "), "2994*****3213");
        assert_eq!(mask("123456789"), "1234*6789");
        assert_eq!(mask("12345678"), "********");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        let card = from_random(1_234_567_890);
        let last = card.as_bytes()[12] - b'0';
        let wrong = format!("{}{}", &card[..12], (last + 1) % 10);
        assert_eq!(parse(&wrong).unwrap_err().code, ErrorCode::InvalidCardNo);
        assert_eq!(
            parse("6907462053312").unwrap_err().code,
            ErrorCode::InvalidCardNo,
            "a product barcode is not a card"
        );
        assert_eq!(parse("29123").unwrap_err().code, ErrorCode::InvalidCardNo);
        let full_width: String = card
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
            .collect();
        assert_eq!(parse(&full_width).unwrap(), card);
    }
}
