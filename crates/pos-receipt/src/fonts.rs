//! The fonts documents are set in. The embedded one is a subset of Noto Sans CJK SC
//! (`assets/fonts/`, made by `scripts/subset-font.py`): GB2312, the catalog's characters and the
//! rare characters of drug names. A character it lacks (a rare name, a traditional form) is looked
//! up in a system CJK font when one is installed; a character no font has is printed as 〓 (the
//! typesetter's mark for a missing character) and reported, never silently dropped.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use printpdf::ParsedFont;

/// The embedded subset of Noto Sans CJK SC (SIL OFL 1.1, see `assets/fonts/OFL.txt`).
pub const EMBEDDED_FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-PharmaPOS.otf");

/// What is printed in place of a character no font has.
pub const MISSING_MARK: char = '〓';

/// System CJK fonts tried in order for a character the embedded subset lacks: (file, face index).
/// Debian/Ubuntu and Fedora's Noto CJK (face 2 is SC), WenQuanYi, then Windows and macOS fonts.
pub const SYSTEM_FALLBACKS: &[(&str, usize)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
    ("C:\\Windows\\Fonts\\simsunb.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
];

/// One parsed font face with what measuring needs.
pub struct Face {
    font: ParsedFont,
    units_per_em: f32,
}

impl Face {
    /// Parses a face; `index` picks the face of a collection (`.ttc`).
    pub fn parse(bytes: &[u8], index: usize) -> Result<Face, String> {
        let font = ParsedFont::from_bytes(bytes, index, &mut Vec::new())
            .ok_or_else(|| "字体文件无法解析".to_owned())?;
        let units_per_em = f32::from(font.font_metrics.units_per_em.max(1));
        Ok(Face { font, units_per_em })
    }

    /// The glyph of `c`, if the face has one (glyph 0 is `.notdef`, not a glyph of `c`).
    fn glyph(&self, c: char) -> Option<u16> {
        self.font
            .lookup_glyph_index(u32::from(c))
            .filter(|&g| g != 0)
    }

    /// The advance of a glyph, in em.
    fn advance_em(&self, glyph: u16) -> f32 {
        f32::from(self.font.get_horizontal_advance(glyph)) / self.units_per_em
    }

    pub(crate) fn parsed(&self) -> &ParsedFont {
        &self.font
    }
}

/// A system font, loaded the first time a character needs it.
struct Fallback {
    path: PathBuf,
    index: usize,
    face: OnceLock<Option<Face>>,
}

impl Fallback {
    fn face(&self) -> Option<&Face> {
        self.face
            .get_or_init(|| {
                let bytes = std::fs::read(&self.path).ok()?;
                Face::parse(&bytes, self.index).ok()
            })
            .as_ref()
    }
}

/// Which face a character is set in: 0 is the embedded font, 1… the fallbacks in order.
pub type FaceIndex = u8;

/// A character resolved to a face: what is printed, in which face, and how wide (in em).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved {
    /// The character printed (`MISSING_MARK` when no font has the one asked for).
    pub printed: char,
    pub face: FaceIndex,
    pub advance_em: f32,
    /// No font has the character asked for.
    pub missing: bool,
}

/// The embedded font and the system fallbacks. Parse once and share: parsing costs milliseconds,
/// looking characters up costs nothing.
pub struct Fonts {
    primary: Face,
    fallbacks: Vec<Fallback>,
}

impl Fonts {
    /// The embedded font with the usual system fallbacks ([`SYSTEM_FALLBACKS`]) that exist here.
    pub fn embedded() -> Result<Fonts, String> {
        Fonts::with_fallbacks(SYSTEM_FALLBACKS.iter().map(|(p, i)| (PathBuf::from(p), *i)))
    }

    /// The embedded font with the given fallback files (missing files are skipped).
    pub fn with_fallbacks(
        files: impl IntoIterator<Item = (PathBuf, usize)>,
    ) -> Result<Fonts, String> {
        let primary = Face::parse(EMBEDDED_FONT, 0)?;
        let fallbacks = files
            .into_iter()
            .filter(|(p, _)| Path::new(p).is_file())
            .take(usize::from(FaceIndex::MAX) - 1)
            .map(|(path, index)| Fallback {
                path,
                index,
                face: OnceLock::new(),
            })
            .collect();
        Ok(Fonts { primary, fallbacks })
    }

    /// The fallback files found on this machine, in the order they are tried.
    pub fn fallback_files(&self) -> Vec<&Path> {
        self.fallbacks.iter().map(|f| f.path.as_path()).collect()
    }

    /// The face with this index, when it is loaded.
    pub(crate) fn face(&self, index: FaceIndex) -> Option<&Face> {
        match index {
            0 => Some(&self.primary),
            i => self.fallbacks.get(usize::from(i) - 1)?.face(),
        }
    }

    /// Chooses the face a character is printed in.
    pub fn resolve(&self, c: char) -> Resolved {
        if let Some(g) = self.primary.glyph(c) {
            return Resolved {
                printed: c,
                face: 0,
                advance_em: self.primary.advance_em(g),
                missing: false,
            };
        }
        // Controls never print; a tab or stray control character becomes a space.
        if c.is_control() {
            return self.resolve(' ');
        }
        for (i, f) in self.fallbacks.iter().enumerate() {
            if let Some((face, g)) = f.face().and_then(|face| Some((face, face.glyph(c)?))) {
                return Resolved {
                    printed: c,
                    face: FaceIndex::try_from(i + 1).unwrap_or(FaceIndex::MAX),
                    advance_em: face.advance_em(g),
                    missing: false,
                };
            }
        }
        let mark = self
            .primary
            .glyph(MISSING_MARK)
            .map(|g| self.primary.advance_em(g))
            .unwrap_or(1.0);
        Resolved {
            printed: MISSING_MARK,
            face: 0,
            advance_em: mark,
            missing: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_has_what_a_pharmacy_prints() {
        let fonts = Fonts::with_fallbacks([]).unwrap();
        for c in "康宁大药房苯二氮䓬噁唑𫫇¥￥×％·—…※①０９ＡａAz09,.;:()".chars()
        {
            let r = fonts.resolve(c);
            assert!(
                !r.missing && r.face == 0,
                "{c} (U+{:04X}) is not in the subset",
                c as u32
            );
        }
        // Hanzi are one em wide; Latin is narrower.
        assert_eq!(fonts.resolve('药').advance_em, 1.0);
        assert!(fonts.resolve('1').advance_em < 0.7);
    }

    #[test]
    fn a_character_no_font_has_is_marked_not_dropped() {
        let fonts = Fonts::with_fallbacks([]).unwrap();
        // 藥 (traditional) is outside GB2312 and the catalog, so outside the subset.
        let r = fonts.resolve('藥');
        assert!(r.missing);
        assert_eq!(r.printed, MISSING_MARK);
        assert!(r.advance_em > 0.5);
        assert_eq!(fonts.resolve('\t').printed, ' ');
    }
}
