//! Mainland China mobile numbers: 11 digits starting with 13–19. What a cashier types or a form
//! sends is normalised (full-width digits → half-width, spaces and dashes dropped, a +86 / 0086
//! prefix removed) before it is checked; screens and receipts show it masked (138****5678).

use crate::error::{ErrorCode, PosError, Result};

/// Normalises and checks a mobile number; returns the 11 half-width digits.
pub fn parse(input: &str) -> Result<String> {
    let mut digits = String::with_capacity(11);
    for c in crate::text::half_width(input).chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' => {}
            '+' if digits.is_empty() => {}
            _ => {
                return Err(PosError::new(
                    ErrorCode::InvalidPhone,
                    format!("手机号“{input}”含有非数字字符，请只输入 11 位数字"),
                ))
            }
        }
    }
    let digits = match digits.len() {
        13 if digits.starts_with("86") => digits[2..].to_owned(),
        15 if digits.starts_with("0086") => digits[4..].to_owned(),
        _ => digits,
    };
    if digits.len() != 11 {
        return Err(PosError::new(
            ErrorCode::InvalidPhone,
            format!(
                "手机号“{input}”位数不对：应为 11 位（现为 {} 位）",
                digits.len()
            ),
        ));
    }
    if !digits.starts_with('1') || !matches!(digits.as_bytes()[1], b'3'..=b'9') {
        return Err(PosError::new(
            ErrorCode::InvalidPhone,
            format!("手机号“{input}”无效：中国大陆手机号以 13–19 开头"),
        ));
    }
    Ok(digits)
}

/// 13812345678 → 138****5678 (PIPL: cashier screens and receipts never show the whole number).
pub fn mask(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "*".repeat(phone.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_people_type() {
        for (input, want) in [
            ("13812345678", "13812345678"),
            (" 138 1234 5678 ", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("１３８１２３４５６７８", "13812345678"),
            ("+86 138 1234 5678", "13812345678"),
            ("008613812345678", "13812345678"),
            ("19912345678", "19912345678"),
        ] {
            assert_eq!(parse(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_mainland_mobile() {
        for bad in [
            "1381234567",   // 10 digits
            "138123456789", // 12 digits
            "23812345678",  // starts with 2
            "12812345678",  // 12x is not a mobile prefix
            "1381234567a",  // a letter
            "138１２３4567８x",
            "",
            "+",
        ] {
            assert_eq!(
                parse(bad).unwrap_err().code,
                ErrorCode::InvalidPhone,
                "{bad}"
            );
        }
    }

    #[test]
    fn masks_the_middle_four_digits() {
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("123"), "***");
    }
}
