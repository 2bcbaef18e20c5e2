//! The two embedded faces, DejaVu Sans and DejaVu Sans Bold.
//!
//! Layout needs advance widths and glyph coverage; printpdf needs its own parsed
//! font to embed. Both are read from the same bytes (the `dejavu` crate), so what
//! is measured is what gets drawn, and no system font is ever consulted.
//!
//! Metrics come from `ttf-parser` rather than from printpdf's `ParsedFont`:
//! printpdf exposes glyph widths through different methods depending on whether
//! its `text_layout` feature is enabled, while `ttf-parser` reads the very
//! `cmap` and `hmtx` tables that printpdf turns into the PDF's `/W` widths.

use std::collections::HashMap;
use std::sync::LazyLock;

use printpdf::ParsedFont;

use super::ConsentPdfError;

/// Which of the two embedded faces a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// Last code point probed when building the coverage table. DejaVu Sans maps
/// nothing beyond plane 1 (its highest character is U+1F643), so probing
/// planes 0 and 1 finds every glyph it has.
const LAST_PROBED_CODE_POINT: u32 = 0x1_FFFF;

/// Stand-ins for characters the font cannot draw, best first. Each must exist in
/// both faces; `?` always does.
const PLACEHOLDER_CANDIDATES: [char; 3] = ['\u{FFFD}', '\u{25A1}', '?'];

/// Advance widths and coverage of one face, in font units.
pub(crate) struct FaceMetrics {
    units_per_em: u32,
    /// Latin-1 looked up by index: it is nearly all the text of a consent form.
    latin1: [Option<u16>; 256],
    /// Every other character the face has a glyph for.
    others: HashMap<char, u16>,
    /// Width printpdf draws for a character without a glyph (glyph 0, `.notdef`).
    notdef_advance: u16,
}

impl FaceMetrics {
    fn from_ttf(bytes: &[u8]) -> Result<Self, String> {
        let face = ttf_parser::Face::parse(bytes, 0).map_err(|e| format!("{e:?}"))?;
        let units_per_em = u32::from(face.units_per_em());
        if units_per_em == 0 {
            return Err("the font declares 0 units per em".to_owned());
        }
        let advance_of = |c: char| {
            // Glyph 0 is `.notdef`: a cmap entry pointing at it is no glyph at all.
            let glyph = face.glyph_index(c).filter(|glyph| glyph.0 != 0)?;
            Some(face.glyph_hor_advance(glyph).unwrap_or(0))
        };
        let latin1: [Option<u16>; 256] = std::array::from_fn(|index| {
            u32::try_from(index)
                .ok()
                .and_then(char::from_u32)
                .and_then(&advance_of)
        });
        let others: HashMap<char, u16> = (256..=LAST_PROBED_CODE_POINT)
            .filter_map(char::from_u32)
            .filter_map(|c| advance_of(c).map(|advance| (c, advance)))
            .collect();
        let notdef_advance = face.glyph_hor_advance(ttf_parser::GlyphId(0)).unwrap_or(0);
        Ok(Self {
            units_per_em,
            latin1,
            others,
            notdef_advance,
        })
    }

    fn lookup(&self, c: char) -> Option<u16> {
        let code = u32::from(c);
        if code < 256 {
            self.latin1[code as usize]
        } else {
            self.others.get(&c).copied()
        }
    }

    /// Whether the face has a real glyph for `c`.
    pub(crate) fn has_glyph(&self, c: char) -> bool {
        self.lookup(c).is_some()
    }

    /// Advance width of `c` in font units, as printpdf will draw it.
    pub(crate) fn advance(&self, c: char) -> u64 {
        u64::from(self.lookup(c).unwrap_or(self.notdef_advance))
    }

    /// Width of `text` in font units. Integer units keep wrapping exact: a line
    /// accepted by [`FaceMetrics::capacity`] can never come out wider.
    pub(crate) fn units(&self, text: &str) -> u64 {
        text.chars().map(|c| self.advance(c)).sum()
    }

    /// Width of `text` in points at `size`.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.units(text) as f32 * size / self.units_per_em as f32
    }

    /// The widest run of font units that fits in `width` points at `size`.
    pub(crate) fn capacity(&self, width: f32, size: f32) -> u64 {
        if !(width > 0.0 && size > 0.0) {
            return 0;
        }
        // `as` saturates, and NaN (ruled out above) would become 0.
        (width * self.units_per_em as f32 / size).floor() as u64
    }
}

/// Metrics of both faces plus the placeholder for missing characters.
pub(crate) struct Fonts {
    regular: FaceMetrics,
    bold: FaceMetrics,
    /// Drawn in place of a character the faces cannot show.
    pub(crate) placeholder: char,
}

impl Fonts {
    fn load() -> Result<Self, String> {
        let regular = FaceMetrics::from_ttf(dejavu::sans::regular())
            .map_err(|e| format!("DejaVu Sans: {e}"))?;
        let bold = FaceMetrics::from_ttf(dejavu::sans::bold())
            .map_err(|e| format!("DejaVu Sans Bold: {e}"))?;
        let placeholder = PLACEHOLDER_CANDIDATES
            .into_iter()
            .find(|&c| regular.has_glyph(c) && bold.has_glyph(c))
            .unwrap_or('?');
        Ok(Self {
            regular,
            bold,
            placeholder,
        })
    }

    pub(crate) fn face(&self, weight: Weight) -> &FaceMetrics {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// Whether both faces can draw `c`. Text is cleaned once and may then be set
    /// in either weight, so a character must exist in both to be kept.
    pub(crate) fn covers(&self, c: char) -> bool {
        self.regular.has_glyph(c) && self.bold.has_glyph(c)
    }
}

/// Parsed once per process: probing the cmaps takes a few milliseconds.
static METRICS: LazyLock<Result<Fonts, String>> = LazyLock::new(Fonts::load);

/// The shared font metrics, or why the embedded fonts could not be read.
pub(crate) fn metrics() -> Result<&'static Fonts, ConsentPdfError> {
    let loaded: &'static Result<Fonts, String> = &METRICS;
    loaded
        .as_ref()
        .map_err(|e| ConsentPdfError::Font(e.clone()))
}

/// printpdf's parsed faces, ready for `PdfDocument::add_font`.
pub(crate) struct PdfFonts {
    pub(crate) regular: ParsedFont,
    pub(crate) bold: ParsedFont,
}

impl PdfFonts {
    fn parse() -> Result<Self, String> {
        Ok(Self {
            regular: parse_for_pdf(dejavu::sans::regular(), "DejaVu Sans")?,
            bold: parse_for_pdf(dejavu::sans::bold(), "DejaVu Sans Bold")?,
        })
    }
}

fn parse_for_pdf(bytes: &[u8], name: &str) -> Result<ParsedFont, String> {
    let mut warnings = Vec::new();
    ParsedFont::from_bytes(bytes, 0, &mut warnings)
        .ok_or_else(|| format!("printpdf could not parse {name}"))
}

thread_local! {
    // Per thread rather than in a `static`: whether printpdf's `ParsedFont` is
    // `Sync` differs between its feature builds. Each worker thread parses the
    // two faces once and reuses them for every document it renders.
    static PDF_FONTS: Result<PdfFonts, String> = PdfFonts::parse();
}

/// Runs `f` with this thread's parsed printpdf fonts.
pub(crate) fn with_pdf_fonts<R>(f: impl FnOnce(&PdfFonts) -> R) -> Result<R, ConsentPdfError> {
    let loaded = PDF_FONTS.try_with(|loaded| {
        loaded
            .as_ref()
            .map(f)
            .map_err(|e| ConsentPdfError::Font(e.clone()))
    });
    loaded
        .map_err(|_| ConsentPdfError::Font("font cache used during thread shutdown".to_owned()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_faces_load_and_cover_the_names_the_clinic_sees() {
        let fonts = metrics().expect("embedded fonts load");
        for name in [
            "Zoë O'Brien",
            "Łukasz Żółć",
            "Nguyễn Thị Minh Khai",
            "Σοφία",
            "Дмитрий",
        ] {
            assert!(
                name.chars().all(|c| fonts.covers(c)),
                "{name} is not covered"
            );
        }
        assert!(!fonts.covers('王'));
        assert!(fonts.covers(fonts.placeholder));
    }

    #[test]
    fn capacity_converts_points_to_units_without_overflowing() {
        let fonts = metrics().expect("embedded fonts load");
        let face = fonts.face(Weight::Regular);
        assert_eq!(face.capacity(0.0, 10.0), 0);
        assert_eq!(face.capacity(100.0, 0.0), 0);
        assert_eq!(face.capacity(f32::NAN, 10.0), 0);
        let text = "Consent";
        let exact = face.width(text, 10.0);
        assert!(face.units(text) <= face.capacity(exact + 0.01, 10.0));
    }
}
