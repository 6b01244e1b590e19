//! The receipt number as symbols a scanner reads at the returns screen: a Code 128 bar code and a
//! QR code. The encoding is done by well-kept crates (`barcoders`, `qrcode`); this module only
//! turns their modules into rectangles placed on the printer's dot grid.

use barcoders::sym::code128::Code128;
use qrcode::{Color, EcLevel, QrCode};

use crate::layout::RectMm;

/// Thermal printers print 203 dpi: 8 dots per millimetre. Bar-code modules are whole dots and
/// start on a dot, so every bar prints exactly as wide as encoded.
pub const DOT_MM: f32 = 0.125;

/// Code 128 needs 10 modules of white on either side (ISO/IEC 15417 quiet zone).
pub const CODE128_QUIET_MODULES: usize = 10;

/// QR codes need 4 modules of white around them.
pub const QR_QUIET_MODULES: usize = 4;

/// What is given to the Code 128 encoder: an even number of digits in code set C (two digits a
/// symbol: a 14-digit receipt number is 7 symbols), anything else in code set B.
pub fn code128_input(data: &str) -> String {
    if !data.is_empty() && data.len() % 2 == 0 && data.bytes().all(|b| b.is_ascii_digit()) {
        format!("\u{0106}{data}")
    } else {
        format!("\u{0181}{data}")
    }
}

/// The modules of the Code 128 symbol for `data` (start, data, check symbol, stop), `true` for a
/// bar; without quiet zones.
pub fn code128_modules(data: &str) -> Result<Vec<bool>, String> {
    let code =
        Code128::new(code128_input(data)).map_err(|e| format!("条码无法编码“{data}”：{e}"))?;
    Ok(code.encode().into_iter().map(|m| m == 1).collect())
}

/// A QR code: `width` × `width` modules, row by row, `true` for dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub width: usize,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }
}

/// The QR code of `data` at error-correction level H (30 % may be lost: thermal paper smudges
/// and fades); a 14-digit receipt number is a version 1 code, 21 × 21 modules.
pub fn qr_matrix(data: &str) -> Result<QrMatrix, String> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::H)
        .map_err(|e| format!("二维码无法编码“{data}”：{e}"))?;
    let width = code.width();
    let dark = code
        .into_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok(QrMatrix { width, dark })
}

/// Runs of `true` in a row: (start, length).
fn runs(row: impl IntoIterator<Item = bool>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut n = 0;
    for (i, dark) in row.into_iter().enumerate() {
        match (dark, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i - s));
                start = None;
            }
            _ => {}
        }
        n = i + 1;
    }
    if let Some(s) = start {
        out.push((s, n - s));
    }
    out
}

/// Rounds down to the dot grid.
fn on_grid(mm: f32) -> f32 {
    (mm / DOT_MM + 1e-4).floor() * DOT_MM
}

/// A bar code placed on paper: its bars and where it sits, in millimetres.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedBarcode {
    pub bars: Vec<RectMm>,
    /// Module width.
    pub module: f32,
    /// Left edge of the first bar, from the paper's left edge.
    pub left: f32,
    pub width: f32,
}

/// Centres the Code 128 symbol of `data` on paper `paper_width` mm wide whose printable part is
/// `printable` mm, with modules of at most `max_module` mm. The module is a whole number of dots,
/// the symbol fits the printable width and keeps its quiet zones on the paper (the white margin
/// counts as quiet zone). `None` when a readable symbol (modules of 2 dots or more) does not fit.
pub fn place_code128(
    data: &str,
    paper_width: f32,
    printable: f32,
    max_module: f32,
    bar_height: f32,
) -> Result<Option<PlacedBarcode>, String> {
    let modules = code128_modules(data)?;
    let n = modules.len() as f32;
    let quiet = CODE128_QUIET_MODULES as f32;
    let module = on_grid(
        max_module
            .min(printable / n)
            .min(paper_width / (n + 2.0 * quiet)),
    );
    if module < 2.0 * DOT_MM {
        return Ok(None);
    }
    let width = n * module;
    let left = on_grid((paper_width - width) / 2.0);
    let bars = runs(modules)
        .into_iter()
        .map(|(start, len)| RectMm {
            x: left + start as f32 * module,
            y: 0.0,
            w: len as f32 * module,
            h: bar_height,
        })
        .collect();
    Ok(Some(PlacedBarcode {
        bars,
        module,
        left,
        width,
    }))
}

/// The dark modules of a QR code centred on the paper, `module` mm each (rounded to the dot
/// grid); rows are merged into runs. Returns the rectangles and the code's side in mm.
pub fn place_qr(qr: &QrMatrix, paper_width: f32, module: f32) -> (Vec<RectMm>, f32) {
    let module = on_grid(module).max(2.0 * DOT_MM);
    let side = qr.width as f32 * module;
    let left = on_grid((paper_width - side) / 2.0);
    let mut rects = Vec::new();
    for y in 0..qr.width {
        for (start, len) in runs((0..qr.width).map(|x| qr.is_dark(x, y))) {
            rects.push(RectMm {
                x: left + start as f32 * module,
                y: y as f32 * module,
                w: len as f32 * module,
                h: module,
            });
        }
    }
    (rects, side)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_number_is_code_set_c() {
        assert_eq!(code128_input("20261123010001"), "Ć20261123010001");
        assert_eq!(code128_input("123"), "Ɓ123");
        assert_eq!(code128_input("R-1"), "ƁR-1");
        // Start C, 7 digit pairs, check symbol (11 modules each), stop (13 with its final bar).
        let m = code128_modules("20261123010001").unwrap();
        assert_eq!(m.len(), 9 * 11 + 13);
        // The start C symbol is 11010011100; a symbol starts with a bar and the stop ends with one.
        let start: String = m[..11].iter().map(|&d| if d { '1' } else { '0' }).collect();
        assert_eq!(start, "11010011100");
        assert!(m[m.len() - 1] && m[m.len() - 2]);
    }

    #[test]
    fn bars_sit_on_the_dot_grid_with_quiet_zones() {
        for (paper, printable, max) in [(80.0, 72.0, 0.5), (58.0, 48.0, 0.5)] {
            let b = place_code128("20261123010001", paper, printable, max, 10.0)
                .unwrap()
                .unwrap();
            let dots = |v: f32| (v / DOT_MM - (v / DOT_MM).round()).abs() < 1e-3;
            assert!(dots(b.module) && dots(b.left), "{b:?}");
            assert!(b.bars.iter().all(|r| dots(r.x) && dots(r.w)));
            assert!(b.width <= printable);
            let quiet = CODE128_QUIET_MODULES as f32 * b.module;
            assert!(
                b.left >= quiet && paper - b.left - b.width >= quiet,
                "{b:?}"
            );
            // The bars drawn are the encoder's bars.
            let m = code128_modules("20261123010001").unwrap();
            let mut drawn = vec![false; m.len()];
            for r in &b.bars {
                let s = ((r.x - b.left) / b.module).round() as usize;
                let n = (r.w / b.module).round() as usize;
                drawn[s..s + n].iter_mut().for_each(|d| *d = true);
            }
            assert_eq!(drawn, m);
        }
        // 80 mm: 0.5 mm modules (4 dots); 58 mm: 0.375 mm (3 dots).
        let m80 = place_code128("20261123010001", 80.0, 72.0, 0.5, 10.0)
            .unwrap()
            .unwrap();
        let m58 = place_code128("20261123010001", 58.0, 48.0, 0.5, 10.0)
            .unwrap()
            .unwrap();
        assert_eq!((m80.module, m58.module), (0.5, 0.375));
        // Far too long for the paper: no unreadable symbol is drawn.
        let long = "X".repeat(80);
        assert!(place_code128(&long, 58.0, 48.0, 0.5, 10.0)
            .unwrap()
            .is_none());
    }

    #[test]
    fn the_qr_code_is_version_1_and_drawn_module_for_module() {
        let qr = qr_matrix("20261123010001").unwrap();
        assert_eq!(qr.width, 21);
        let (rects, side) = place_qr(&qr, 58.0, 1.0);
        assert_eq!(side, 21.0);
        let left = rects.iter().map(|r| r.x).fold(f32::MAX, f32::min);
        let mut drawn = vec![false; 21 * 21];
        for r in &rects {
            let y = r.y.round() as usize;
            for x in 0..r.w.round() as usize {
                drawn[y * 21 + (r.x - left).round() as usize + x] = true;
            }
        }
        assert_eq!(drawn, qr.dark);
    }
}
