//! Page layout for printed documents: A4 exports and reports, 80 mm and 58 mm receipts.
//!
//! A [`Document`] is filled top to bottom: lines of text (wrapped by measured width; Chinese can
//! break between any two characters, Latin words stay whole, and closing punctuation never starts a
//! line), rows of columns (name | qty | amount, each cell wrapping in its column), separators and
//! space. A4 pages break by themselves (a table's header is repeated on the next page); a
//! receipt roll is one page as long as its content. Everything is measured and placed here, in
//! points from the top-left corner; printpdf only gets the finished positions.

use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Mm, OffsetDateTime, Op, PaintMode,
    PdfDocument, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Polygon,
    PolygonRing, Pt, TextItem, TextMatrix, TextRenderingMode, WindingOrder,
};

use crate::fonts::{FaceIndex, Fonts};

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

/// Margins in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

/// The paper: its width, its height (none for a roll, which is cut after the content) and the
/// margins, all in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paper {
    pub width: f32,
    pub height: Option<f32>,
    pub margins: Margins,
    /// Space between the columns of a row.
    pub column_gap: f32,
}

impl Paper {
    /// A4 portrait.
    pub const A4: Paper = Paper {
        width: 210.0,
        height: Some(297.0),
        margins: Margins {
            top: 16.0,
            right: 16.0,
            bottom: 18.0,
            left: 16.0,
        },
        column_gap: 4.0,
    };

    /// 80 mm thermal roll: 72 mm printable (576 dots at 203 dpi).
    pub const ROLL_80: Paper = Paper {
        width: 80.0,
        height: None,
        margins: Margins {
            top: 3.0,
            right: 4.0,
            bottom: 6.0,
            left: 4.0,
        },
        column_gap: 1.5,
    };

    /// 58 mm thermal roll: 48 mm printable (384 dots at 203 dpi).
    pub const ROLL_58: Paper = Paper {
        width: 58.0,
        height: None,
        margins: Margins {
            top: 3.0,
            right: 5.0,
            bottom: 6.0,
            left: 5.0,
        },
        column_gap: 1.0,
    };

    /// The printable width in points.
    pub fn content_width(&self) -> f32 {
        mm(self.width - self.margins.left - self.margins.right)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// How a line of text looks. Sizes are in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub align: Align,
    /// Drawn heavier (the font has one weight; bold is the outline stroked as well).
    pub bold: bool,
    /// Grey rather than black: labels, notes.
    pub grey: bool,
    /// Line height as a multiple of the size.
    pub leading: f32,
}

impl Style {
    pub const fn new(size: f32) -> Style {
        Style {
            size,
            align: Align::Left,
            bold: false,
            grey: false,
            leading: 1.4,
        }
    }

    pub const fn bold(mut self) -> Style {
        self.bold = true;
        self
    }

    pub const fn grey(mut self) -> Style {
        self.grey = true;
        self
    }

    pub const fn center(mut self) -> Style {
        self.align = Align::Center;
        self
    }

    pub const fn right(mut self) -> Style {
        self.align = Align::Right;
        self
    }

    pub const fn leading(mut self, leading: f32) -> Style {
        self.leading = leading;
        self
    }

    fn line_height(&self) -> f32 {
        self.size * self.leading
    }
}

/// One column of a row: its share of the printable width, its alignment and its look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Fraction of the printable width (the fractions of a row should add up to 1).
    pub width: f32,
    pub align: Align,
    pub bold: bool,
    pub grey: bool,
}

impl Column {
    pub const fn new(width: f32) -> Column {
        Column {
            width,
            align: Align::Left,
            bold: false,
            grey: false,
        }
    }

    pub const fn right(mut self) -> Column {
        self.align = Align::Right;
        self
    }

    pub const fn center(mut self) -> Column {
        self.align = Align::Center;
        self
    }

    pub const fn bold(mut self) -> Column {
        self.bold = true;
        self
    }

    pub const fn grey(mut self) -> Column {
        self.grey = true;
        self
    }
}

/// A horizontal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A thin solid line.
    Thin,
    /// A heavier solid line (under a title, above a total).
    Heavy,
    /// A dashed line (between the parts of a receipt).
    Dashed,
}

/// What the finished PDF is about (the document information dictionary).
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    /// Creation time, seconds since 1970 (UTC); documents carry the time they describe, not the
    /// time they were rendered, so the same input renders the same document.
    pub created_unix: i64,
}

/// A rendered PDF.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters no font had, printed as 〓.
    pub missing: Vec<char>,
}

/// A character placed on a line: what is printed, in which face, how wide (points).
#[derive(Debug, Clone, Copy)]
struct Glyph {
    c: char,
    face: FaceIndex,
    width: f32,
}

/// A stretch of one line set in one face.
#[derive(Debug, Clone)]
struct Run {
    face: FaceIndex,
    dx: f32,
    text: String,
}

#[derive(Debug, Clone)]
struct TextLine {
    x: f32,
    baseline: f32,
    size: f32,
    bold: bool,
    grey: bool,
    runs: Vec<Run>,
}

#[derive(Debug, Clone)]
struct RuleLine {
    x1: f32,
    x2: f32,
    y: f32,
    rule: Rule,
}

/// A filled black rectangle (the modules of a bar code), in points from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fill {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

/// A rectangle in millimetres: `x` from the paper's left edge, `y` from the top of its block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectMm {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

#[derive(Debug, Clone, Default)]
struct Page {
    texts: Vec<TextLine>,
    rules: Vec<RuleLine>,
    fills: Vec<Fill>,
}

/// A table header that is drawn again at the top of each new page until the table ends.
#[derive(Debug, Clone)]
struct RepeatedHeader {
    columns: Vec<Column>,
    titles: Vec<String>,
    style: Style,
}

/// A document being laid out; see the module documentation.
pub struct Document<'f> {
    fonts: &'f Fonts,
    paper: Paper,
    pages: Vec<Page>,
    /// The cursor: points from the top edge of the current page.
    y: f32,
    missing: BTreeSet<char>,
    footer: Option<String>,
    header: Option<RepeatedHeader>,
    /// Printed at the top of each new page: which section continues there.
    continued: Option<String>,
    /// Scratch space for measuring, kept to avoid an allocation per line.
    glyphs: Vec<Glyph>,
}

/// Closing punctuation: never the first character of a line (line-breaking rules for Chinese).
const NO_LINE_START: &str = "，。、；：？！）］｝〕〉》」』】〗”’…—·％‰,.;:?!)]}%°℃";
/// Opening punctuation and currency signs: never the last character of a line.
const NO_LINE_END: &str = "（［｛〔〈《「『【〖“‘([{¥￥$＄#＃";

/// Wide (CJK) characters, between which a line may break.
fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Spaces, which vanish where a line breaks (the ideographic space too: receipts use it between
/// fields; at the very start of a text it stays, as a paragraph indent).
fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
}

/// Whether a line may break between `a` and `b`.
fn may_break_between(a: char, b: char) -> bool {
    if NO_LINE_START.contains(b) || NO_LINE_END.contains(a) {
        return false;
    }
    is_space(a) || is_space(b) || is_wide(a) || is_wide(b)
}

/// Splits measured glyphs into lines no wider than `max` (points): ranges into `glyphs`, without
/// the spaces at either end of a line. A `\n` forces a break.
fn wrap(glyphs: &[Glyph], max: f32) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let n = glyphs.len();
    let mut start = 0;
    let mut width = 0.0;
    let mut last_break: Option<usize> = None;
    let mut i = 0;
    let trimmed = |s: usize, e: usize| {
        let mut e = e;
        while e > s && is_space(glyphs[e - 1].c) {
            e -= 1;
        }
        (s, e)
    };
    let skip_spaces = |mut s: usize| {
        while s < n && is_space(glyphs[s].c) {
            s += 1;
        }
        s
    };
    while i < n {
        let g = glyphs[i];
        if g.c == '\n' {
            lines.push(trimmed(start, i));
            start = skip_spaces(i + 1);
            i = start;
            width = 0.0;
            last_break = None;
            continue;
        }
        if width + g.width > max && i > start && !is_space(g.c) {
            let at = if may_break_between(glyphs[i - 1].c, g.c) {
                i
            } else {
                last_break.filter(|&b| b > start).unwrap_or(i)
            };
            lines.push(trimmed(start, at));
            start = skip_spaces(at);
            last_break = None;
            if start > i {
                i = start;
                width = 0.0;
            } else {
                width = glyphs[start..i].iter().map(|g| g.width).sum();
            }
            continue;
        }
        width += g.width;
        if i + 1 < n && may_break_between(g.c, glyphs[i + 1].c) {
            last_break = Some(i + 1);
        }
        i += 1;
    }
    if start < n || lines.is_empty() {
        lines.push(trimmed(start, n));
    }
    lines
}

/// Where the baseline sits below the top of a line box, for this size and line height.
fn baseline_offset(size: f32, line_height: f32) -> f32 {
    // Noto Sans CJK: ascender 0.88 em, descender 0.12 em; centre that em box in the line.
    (line_height - size) / 2.0 + size * 0.88
}

impl<'f> Document<'f> {
    pub fn new(fonts: &'f Fonts, paper: Paper) -> Document<'f> {
        Document {
            fonts,
            paper,
            pages: vec![Page::default()],
            y: mm(paper.margins.top),
            missing: BTreeSet::new(),
            footer: None,
            header: None,
            continued: None,
            glyphs: Vec::new(),
        }
    }

    pub fn paper(&self) -> &Paper {
        &self.paper
    }

    /// A footer for every page of a paged document: `label` and 第 n / N 页.
    pub fn set_footer(&mut self, label: impl Into<String>) {
        self.footer = Some(label.into());
    }

    /// A line printed at the top of each page begun from now on ("四、积分明细（续）"), until
    /// `None`.
    pub fn set_continued(&mut self, label: Option<String>) {
        self.continued = label;
    }

    /// Characters no font had so far (printed as 〓).
    pub fn missing(&self) -> impl Iterator<Item = char> + '_ {
        self.missing.iter().copied()
    }

    /// The number of pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn left(&self) -> f32 {
        mm(self.paper.margins.left)
    }

    fn right(&self) -> f32 {
        mm(self.paper.width - self.paper.margins.right)
    }

    /// The lowest point content may reach on a page, if pages have a height.
    fn bottom(&self) -> Option<f32> {
        self.paper.height.map(|h| mm(h - self.paper.margins.bottom))
    }

    /// Measures `text` at `size` into `self.glyphs`.
    fn measure(&mut self, text: &str, size: f32) {
        self.glyphs.clear();
        for c in text.chars() {
            if c == '\n' {
                self.glyphs.push(Glyph {
                    c,
                    face: 0,
                    width: 0.0,
                });
                continue;
            }
            let r = self.fonts.resolve(c);
            if r.missing {
                self.missing.insert(c);
            }
            self.glyphs.push(Glyph {
                c: r.printed,
                face: r.face,
                width: r.advance_em * size,
            });
        }
    }

    /// The width of `text` at `size`, in points.
    pub fn width_of(&mut self, text: &str, size: f32) -> f32 {
        self.measure(text, size);
        self.glyphs.iter().map(|g| g.width).sum()
    }

    /// Lines of `text` wrapped to `max` points: each line's runs and width.
    fn set_lines(&mut self, text: &str, size: f32, max: f32) -> Vec<(Vec<Run>, f32)> {
        self.measure(text, size);
        let glyphs = &self.glyphs;
        wrap(glyphs, max)
            .into_iter()
            .map(|(s, e)| {
                let mut runs: Vec<Run> = Vec::new();
                let mut x = 0.0;
                for g in &glyphs[s..e] {
                    match runs.last_mut() {
                        Some(r) if r.face == g.face => r.text.push(g.c),
                        _ => runs.push(Run {
                            face: g.face,
                            dx: x,
                            text: g.c.to_string(),
                        }),
                    }
                    x += g.width;
                }
                (runs, x)
            })
            .collect()
    }

    /// Makes room for `height` points: starts a new page when they do not fit on this one.
    pub fn reserve(&mut self, height: f32) {
        let Some(bottom) = self.bottom() else { return };
        let top = mm(self.paper.margins.top);
        if self.y + height > bottom && self.y > top + 0.5 {
            self.page_break();
        }
    }

    /// Starts a new page (a roll has only one: there it does nothing).
    pub fn page_break(&mut self) {
        if self.paper.height.is_none() {
            return;
        }
        self.pages.push(Page::default());
        self.y = mm(self.paper.margins.top);
        if let Some(label) = self.continued.clone() {
            self.text(&label, Style::new(8.0).grey());
        }
        if let Some(h) = self.header.clone() {
            self.place_row(&h.columns, &h.titles, h.style, true);
            self.place_rule(Rule::Thin, 3.0);
        }
    }

    /// Vertical space, in millimetres.
    pub fn space(&mut self, height_mm: f32) {
        self.y += mm(height_mm);
    }

    /// Text across the printable width, wrapped.
    pub fn text(&mut self, text: &str, style: Style) {
        self.text_indented(text, style, 0.0);
    }

    /// Text wrapped in the printable width less `indent_mm` on the left: every line of it is
    /// indented (a note under a receipt line).
    pub fn text_indented(&mut self, text: &str, style: Style, indent_mm: f32) {
        let x0 = self.left() + mm(indent_mm).min(self.right() - self.left() - 1.0);
        let width = self.right() - x0;
        let lh = style.line_height();
        for (runs, w) in self.set_lines(text, style.size, width) {
            self.reserve(lh);
            let x = match style.align {
                Align::Left => x0,
                Align::Center => x0 + (width - w) / 2.0,
                Align::Right => x0 + width - w,
            };
            let baseline = self.y + baseline_offset(style.size, lh);
            self.push_text(x, baseline, style, runs);
            self.y += lh;
        }
    }

    /// A row of cells, one per column; each cell wraps inside its column and the row is as tall
    /// as its tallest cell. Kept on one page when it fits on one.
    pub fn row<S: AsRef<str>>(&mut self, columns: &[Column], cells: &[S], style: Style) {
        self.place_row(columns, cells, style, false);
    }

    fn place_row<S: AsRef<str>>(
        &mut self,
        columns: &[Column],
        cells: &[S],
        style: Style,
        at_top: bool,
    ) {
        let x0 = self.left();
        let total = self.right() - x0;
        let gap = mm(self.paper.column_gap);
        let lh = style.line_height();
        let n = columns.len().min(cells.len());
        let mut set = Vec::with_capacity(n);
        let mut x = x0;
        for (i, (col, cell)) in columns.iter().zip(cells).enumerate() {
            let w = col.width * total;
            // The gap is split between neighbours; the outer edges keep the full width.
            let inner_l = if i == 0 { x } else { x + gap / 2.0 };
            let inner_r = if i + 1 == n {
                x0 + total
            } else {
                x + w - gap / 2.0
            };
            let lines = self.set_lines(cell.as_ref(), style.size, (inner_r - inner_l).max(1.0));
            set.push((col, inner_l, inner_r, lines));
            x += w;
        }
        let rows = set.iter().map(|s| s.3.len()).max().unwrap_or(0);
        let height = rows as f32 * lh;
        let page_room = self
            .bottom()
            .map(|b| b - mm(self.paper.margins.top))
            .unwrap_or(f32::MAX);
        if !at_top && height <= page_room {
            self.reserve(height);
        }
        let mut iters: Vec<_> = set
            .into_iter()
            .map(|(col, l, r, lines)| (col, l, r, lines.into_iter()))
            .collect();
        for _ in 0..rows {
            if !at_top {
                self.reserve(lh);
            }
            let baseline = self.y + baseline_offset(style.size, lh);
            for (col, l, r, lines) in iters.iter_mut() {
                let Some((runs, w)) = lines.next() else {
                    continue;
                };
                let x = match col.align {
                    Align::Left => *l,
                    Align::Center => *l + (*r - *l - w) / 2.0,
                    Align::Right => *r - w,
                };
                let st = Style {
                    bold: style.bold || col.bold,
                    grey: style.grey || col.grey,
                    ..style
                };
                self.push_text(x, baseline, st, runs);
            }
            self.y += lh;
        }
    }

    /// A table's header row (bold, ruled below), repeated at the top of every page the table
    /// continues on, until [`Document::end_table`].
    pub fn table_header<S: AsRef<str>>(&mut self, columns: &[Column], titles: &[S], style: Style) {
        let style = style.bold();
        // The header and at least two rows stay together.
        self.reserve(style.line_height() * 3.0 + 3.0);
        self.place_row(columns, titles, style, false);
        self.place_rule(Rule::Thin, 3.0);
        self.header = Some(RepeatedHeader {
            columns: columns.to_vec(),
            titles: titles.iter().map(|t| t.as_ref().to_owned()).collect(),
            style,
        });
    }

    /// Ends the table begun by [`Document::table_header`]: its header is not repeated any more.
    pub fn end_table(&mut self) {
        self.header = None;
    }

    /// A separator across the printable width, with a little space around it.
    pub fn rule(&mut self, rule: Rule) {
        self.reserve(4.0);
        self.place_rule(rule, 6.0);
    }

    fn place_rule(&mut self, rule: Rule, height: f32) {
        let y = self.y + height / 2.0;
        let (x1, x2) = (self.left(), self.right());
        self.current().rules.push(RuleLine { x1, x2, y, rule });
        self.y += height;
    }

    /// A block `height_mm` tall of filled black rectangles (bar codes), placed on the paper by
    /// the caller: `x` from the paper's left edge (so modules can sit on the printer's dot grid),
    /// `y` from the top of the block. The cursor moves below the block.
    pub fn filled(&mut self, height_mm: f32, rects: &[RectMm]) {
        let height = mm(height_mm);
        self.reserve(height);
        let top = self.y;
        let fills = rects.iter().map(|r| Fill {
            x: mm(r.x),
            y: top + mm(r.y),
            w: mm(r.w),
            h: mm(r.h),
        });
        self.current().fills.extend(fills);
        self.y += height;
    }

    /// Keeps the next `height` points on one page (a heading with the lines under it).
    pub fn keep(&mut self, height: f32) {
        self.reserve(height);
    }

    fn current(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn push_text(&mut self, x: f32, baseline: f32, style: Style, runs: Vec<Run>) {
        if runs.is_empty() {
            return;
        }
        self.current().texts.push(TextLine {
            x,
            baseline,
            size: style.size,
            bold: style.bold,
            grey: style.grey,
            runs,
        });
    }

    /// Writes the PDF: the fonts subset to the characters used, one page per page (a roll's page
    /// as long as its content).
    pub fn finish(mut self, meta: &Meta) -> Result<Pdf, String> {
        let page_height = match self.paper.height {
            Some(h) => mm(h),
            None => (self.y + mm(self.paper.margins.bottom)).max(mm(20.0)),
        };
        if let (Some(label), Some(_)) = (self.footer.clone(), self.paper.height) {
            let n = self.pages.len();
            let style = Style::new(7.5).grey();
            let width = self.right() - self.left();
            let baseline = page_height - mm(self.paper.margins.bottom) / 2.0;
            for i in 0..n {
                let text = format!("{label}　　第 {} 页 / 共 {n} 页", i + 1);
                let mut lines = self.set_lines(&text, style.size, f32::MAX);
                let Some((runs, w)) = lines.pop() else {
                    continue;
                };
                let x = self.left() + (width - w) / 2.0;
                self.pages[i].texts.push(TextLine {
                    x,
                    baseline,
                    size: style.size,
                    bold: false,
                    grey: true,
                    runs,
                });
            }
        }

        let mut doc = PdfDocument::new(&meta.title);
        let when = OffsetDateTime::from_unix_timestamp(meta.created_unix)
            .or_else(|_| OffsetDateTime::from_unix_timestamp(0))?;
        let info = &mut doc.metadata.info;
        info.author = meta.author.clone();
        info.subject = meta.subject.clone();
        info.creator = "PharmaPOS".to_owned();
        info.producer = "PharmaPOS pos-receipt (printpdf)".to_owned();
        info.creation_date = when;
        info.modification_date = when;
        info.metadata_date = when;

        // Register only the faces that are used: each is embedded as a subset.
        let mut used: Vec<FaceIndex> = self
            .pages
            .iter()
            .flat_map(|p| p.texts.iter().flat_map(|t| t.runs.iter().map(|r| r.face)))
            .collect();
        used.sort_unstable();
        used.dedup();
        let mut ids: Vec<Option<FontId>> =
            vec![None; usize::from(used.last().copied().unwrap_or(0)) + 1];
        for f in used {
            let face = self
                .fonts
                .face(f)
                .ok_or_else(|| format!("字体 {f} 未能载入"))?;
            ids[usize::from(f)] = Some(doc.add_font(face.parsed()));
        }

        let pages: Vec<PdfPage> = self
            .pages
            .iter()
            .map(|p| {
                let ops = page_ops(p, &ids, page_height);
                PdfPage::new(Mm(self.paper.width), Mm(page_height / PT_PER_MM), ops)
            })
            .collect();
        let count = pages.len();
        let options = PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        };
        let mut warnings = Vec::new();
        let bytes = doc.with_pages(pages).save(&options, &mut warnings);
        if let Some(w) = warnings
            .iter()
            .find(|w| w.severity == PdfParseErrorSeverity::Error)
        {
            return Err(format!("PDF 生成出错：{}", w.msg));
        }
        Ok(Pdf {
            bytes,
            pages: count,
            missing: self.missing.into_iter().collect(),
        })
    }
}

fn black() -> Color {
    Color::Greyscale(Greyscale::new(0.0, None))
}

fn grey() -> Color {
    Color::Greyscale(Greyscale::new(0.4, None))
}

/// The drawing operations of one page; `height` turns top-down positions into PDF's bottom-up.
fn page_ops(page: &Page, fonts: &[Option<FontId>], height: f32) -> Vec<Op> {
    let mut ops = Vec::with_capacity(page.rules.len() * 4 + page.texts.len() * 4 + 10);
    if !page.fills.is_empty() {
        // One path for all rectangles, filled once (nonzero winding: their union): neighbouring
        // modules merge without the hairline seams separate fills show when rasterised.
        ops.push(Op::SetFillColor { col: black() });
        let rings = page
            .fills
            .iter()
            .map(|f| {
                let (l, r) = (Pt(f.x), Pt(f.x + f.w));
                let (t, b) = (Pt(height - f.y), Pt(height - f.y - f.h));
                PolygonRing {
                    points: [(l, t), (r, t), (r, b), (l, b)]
                        .into_iter()
                        .map(|(x, y)| LinePoint {
                            p: Point { x, y },
                            bezier: false,
                        })
                        .collect(),
                }
            })
            .collect();
        ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
    for r in &page.rules {
        let (thickness, dash, colour) = match r.rule {
            Rule::Thin => (0.5, None, grey()),
            Rule::Heavy => (1.2, None, black()),
            Rule::Dashed => (0.6, Some([2.5, 1.8]), black()),
        };
        ops.push(Op::SetOutlineColor { col: colour });
        ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        ops.push(Op::SetLineDashPattern {
            dash: match dash {
                Some(d) => LineDashPattern::new(0.0, &d),
                None => LineDashPattern::solid(),
            },
        });
        let y = Pt(height - r.y);
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point { x: Pt(r.x1), y },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point { x: Pt(r.x2), y },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }
    if page.texts.is_empty() {
        return ops;
    }
    ops.push(Op::SetLineDashPattern {
        dash: LineDashPattern::solid(),
    });
    ops.push(Op::StartTextSection);
    let mut font: Option<(FaceIndex, f32)> = None;
    let mut bold = false;
    let mut is_grey = false;
    ops.push(Op::SetFillColor { col: black() });
    ops.push(Op::SetOutlineColor { col: black() });
    for t in &page.texts {
        if t.bold != bold {
            bold = t.bold;
            ops.push(Op::SetTextRenderingMode {
                mode: if bold {
                    TextRenderingMode::FillStroke
                } else {
                    TextRenderingMode::Fill
                },
            });
        }
        if bold {
            ops.push(Op::SetOutlineThickness {
                pt: Pt(t.size * 0.035),
            });
        }
        if t.grey != is_grey {
            is_grey = t.grey;
            let col = if is_grey { grey() } else { black() };
            ops.push(Op::SetFillColor { col: col.clone() });
            ops.push(Op::SetOutlineColor { col });
        }
        for r in &t.runs {
            let Some(Some(id)) = fonts.get(usize::from(r.face)) else {
                continue;
            };
            if font != Some((r.face, t.size)) {
                font = Some((r.face, t.size));
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id.clone()),
                    size: Pt(t.size),
                });
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(t.x + r.dx), Pt(height - t.baseline)),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(r.text.clone())],
            });
        }
    }
    ops.push(Op::EndTextSection);
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str) -> Vec<Glyph> {
        // A fixed-width model: hanzi 10 pt, everything else 5 pt.
        text.chars()
            .map(|c| Glyph {
                c,
                face: 0,
                width: if is_wide(c) { 10.0 } else { 5.0 },
            })
            .collect()
    }

    fn lines(text: &str, max: f32) -> Vec<String> {
        let gl = g(text);
        wrap(&gl, max)
            .into_iter()
            .map(|(s, e)| gl[s..e].iter().map(|g| g.c).collect())
            .collect()
    }

    #[test]
    fn chinese_breaks_between_any_two_characters() {
        assert_eq!(lines("苯二氮䓬类药物", 30.0), ["苯二氮", "䓬类药", "物"]);
    }

    #[test]
    fn latin_words_stay_whole_and_spaces_vanish_at_breaks() {
        assert_eq!(lines("take two tablets", 45.0), ["take two", "tablets"]);
        // A word longer than the line is cut where it must be.
        assert_eq!(lines("0123456789", 25.0), ["01234", "56789"]);
        // Between hanzi and a number is a break opportunity, inside the number is not.
        assert_eq!(lines("每日12.5mg", 40.0), ["每日", "12.5mg"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // "口服，" would put "，" first on line 2: "服" goes down with it.
        assert_eq!(lines("口服，一次2粒", 20.0), ["口", "服，", "一次", "2粒"]);
        // An opening bracket stays with what follows.
        assert_eq!(lines("阿莫西（林）", 40.0), ["阿莫西", "（林）"]);
    }

    #[test]
    fn ideographic_spaces_vanish_at_breaks_but_indent_a_paragraph() {
        assert_eq!(
            lines("单价 ¥12.80　金额 ¥25.60", 60.0),
            ["单价 ¥12.80", "金额 ¥25.60"]
        );
        assert_eq!(lines("　　药品", 100.0), ["　　药品"]);
    }

    #[test]
    fn newlines_force_breaks_and_empty_text_is_one_empty_line() {
        assert_eq!(lines("甲\n乙", 100.0), ["甲", "乙"]);
        assert_eq!(lines("", 100.0), [""]);
    }
}
