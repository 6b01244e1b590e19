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
