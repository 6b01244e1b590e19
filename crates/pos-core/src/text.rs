//! What people type at a Chinese till: a Chinese input method often leaves full-width characters
//! (１３８, ＡＢＣ, －, ＋, the ideographic space). Every parser of typed or scanned codes —
//! barcodes, phones, card numbers, ID numbers, dates, member searches — normalises through here.

/// Full-width ASCII forms (U+FF01–U+FF5E) → ASCII, the ideographic space → a space; the rest is
/// kept. Surrounding white space is trimmed.
pub fn half_width(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The written reason an adjustment, override, coupon or anonymization needs: trimmed, 1–100
/// characters; otherwise `REASON_REQUIRED` with `what`, e.g. "调整积分须写明原因".
pub fn reason<'a>(text: &'a str, what: &str) -> crate::Result<&'a str> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 100 {
        return Err(crate::PosError::new(
            crate::ErrorCode::ReasonRequired,
            format!("{what}（最多 100 字）"),
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn full_width_forms_become_ascii() {
        assert_eq!(
            super::half_width(" １３８－１２３４\u{3000}ａＢｘ＋ "),
            "138-1234 aBx+"
        );
        assert_eq!(super::half_width("张伟 1"), "张伟 1");
    }
}
