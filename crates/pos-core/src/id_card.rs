//! Resident identity card numbers (居民身份证号码, GB 11643-1999): 6-digit region, 8-digit
//! birth date, 3-digit sequence, and a check character (0–9 or X) computed mod 11. The
//! ephedrine register records the buyer's number, so it is checked at the counter: a mistyped
//! number is caught before it goes into a register the authorities inspect.

use chrono::NaiveDate;

use crate::error::{ErrorCode, PosError, Result};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The check character for the first 17 digits.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(CHECK[(sum % 11) as usize]))
}

/// Normalises (trims, full-width → half-width, x → X) and checks an ID number; `today` bounds the
/// birth date.
pub fn parse(input: &str, today: NaiveDate) -> Result<String> {
    let id: String = crate::text::half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == 'x' { 'X' } else { c })
        .collect();
    let bad = |why: &str| {
        PosError::new(
            ErrorCode::InvalidIdNumber,
            format!("身份证号“{input}”{why}，请核对证件后重新输入"),
        )
    };
    if id.chars().count() != 18 {
        return Err(bad(&format!(
            "应为 18 位（现为 {} 位）",
            id.chars().count()
        )));
    }
    let (first17, last) = id.split_at(17);
    if !first17.bytes().all(|b| b.is_ascii_digit())
        || !(last == "X" || last.as_bytes()[0].is_ascii_digit())
    {
        return Err(bad("只能是数字，最后一位可以是 X"));
    }
    if first17.starts_with('0') {
        return Err(bad("地区码不正确"));
    }
    let birth = NaiveDate::parse_from_str(&first17[6..14], "%Y%m%d")
        .map_err(|_| bad("中的出生日期无效"))?;
    if birth > today || birth < NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date") {
        return Err(bad("中的出生日期不合理"));
    }
    if check_char(first17) != last.chars().next() {
        return Err(bad("校验位错误"));
    }
    Ok(id)
}

/// 110101199003071234 → 110101********1234, for screens and receipts.
pub fn mask(id: &str) -> String {
    if id.len() == 18 && id.is_ascii() {
        format!("{}********{}", &id[..6], &id[14..])
    } else {
        "*".repeat(id.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn accepts_valid_numbers_and_normalises() {
        // 11010519491231002X is the standard's own example.
        assert_eq!(
            parse("11010519491231002X", today()).unwrap(),
            "11010519491231002X"
        );
        assert_eq!(
            parse(" 11010519491231002x ", today()).unwrap(),
            "11010519491231002X"
        );
        let body = "44030419900307123";
        let full = format!("{body}{}", check_char(body).unwrap());
        assert_eq!(parse(&full, today()).unwrap(), full);
        let wide: String = full
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect();
        assert_eq!(parse(&wide, today()).unwrap(), full);
    }

    #[test]
    fn refuses_wrong_check_digit_length_dates_and_letters() {
        for bad in [
            "110105194912310021",  // wrong check character
            "11010519491231002",   // 17 characters
            "1101051949123100201", // 19
            "11010519491331002X",  // month 13
            "11010520991231002X",  // born in the future (and wrong check)
            "01010519491231002X",  // region starting with 0
            "11010519491231A02X",  // a letter inside
            "",
        ] {
            assert_eq!(
                parse(bad, today()).unwrap_err().code,
                ErrorCode::InvalidIdNumber,
                "{bad}"
            );
        }
    }

    #[test]
    fn masks_the_birth_date() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
    }
}
