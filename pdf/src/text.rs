//! Cleaning input text before it is measured and drawn.
//!
//! Anything the client typed reaches the page only through [`Cleaner`]:
//! control and invisible formatting characters are dropped (a bidi override
//! could make a legal record read differently from what was stored), all
//! spacing becomes plain spaces, and every character the embedded font has no
//! glyph for becomes a visible placeholder. printpdf would otherwise draw such a
//! character as glyph 0, an invisible or empty box that looks like nothing was
//! there. The fields where that happened are collected so the audit page can
//! say so; the stored record keeps the original text.

use super::fonts::Fonts;

/// Whether a field may span several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    Single,
    Multi,
}

/// Cleans text for the page and remembers which fields lost characters.
pub(crate) struct Cleaner<'f> {
    fonts: &'f Fonts,
    replaced_in: Vec<String>,
}

impl<'f> Cleaner<'f> {
    pub(crate) fn new(fonts: &'f Fonts) -> Self {
        Self {
            fonts,
            replaced_in: Vec::new(),
        }
    }

    /// A one-line value (a name, a date): line breaks become spaces.
    pub(crate) fn line(&mut self, field: &str, raw: &str) -> String {
        self.clean(field, raw, Lines::Single)
    }

    /// Free text that keeps its line breaks.
    pub(crate) fn text(&mut self, field: &str, raw: &str) -> String {
        self.clean(field, raw, Lines::Multi)
    }

    /// Labels of the fields where a character had to be replaced, in the order
    /// they were first met.
    pub(crate) fn finish(self) -> Vec<String> {
        self.replaced_in
    }

    fn clean(&mut self, field: &str, raw: &str, lines: Lines) -> String {
        let mut out = String::with_capacity(raw.len());
        let mut replaced = false;
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' && chars.peek() == Some(&'\n') {
                // CRLF: the LF that follows ends the line.
                continue;
            }
            match classify(c) {
                Class::LineBreak => out.push(match lines {
                    Lines::Multi => '\n',
                    Lines::Single => ' ',
                }),
                Class::Space => out.push(' '),
                // A no-break space keeps words together; if the font lacks this
                // particular one, the ordinary no-break space does the same job.
                Class::NoBreakSpace if self.fonts.covers(c) => out.push(c),
                Class::NoBreakSpace => out.push('\u{A0}'),
                Class::Invisible => {}
                Class::Visible if self.fonts.covers(c) => out.push(c),
                Class::Visible => {
                    out.push(self.fonts.placeholder);
                    replaced = true;
                }
            }
        }
        if replaced && !self.replaced_in.iter().any(|known| known == field) {
            self.replaced_in.push(field.to_owned());
        }
        out.trim().to_owned()
    }
}

/// Text for the PDF's document information (title, author). Viewers show it
/// with their own fonts, so only invisible characters and line breaks go.
pub(crate) fn plain(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .filter_map(|c| match classify(c) {
            Class::LineBreak | Class::Space => Some(' '),
            Class::Invisible => None,
            Class::NoBreakSpace | Class::Visible => Some(c),
        })
        .collect();
    cleaned.trim().to_owned()
}

enum Class {
    LineBreak,
    Space,
    NoBreakSpace,
    Invisible,
    Visible,
}

fn classify(c: char) -> Class {
    match c {
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Class::LineBreak,
        '\u{A0}' | '\u{2007}' | '\u{202F}' => Class::NoBreakSpace,
        c if c.is_whitespace() => Class::Space,
        c if c.is_control() || is_default_ignorable(c) => Class::Invisible,
        _ => Class::Visible,
    }
}

/// Unicode's default-ignorable code points: formatting characters with no
/// visible form (soft hyphen, zero-width joiners, bidi controls, variation
/// selectors, BOM). Text layout without a shaping engine cannot honour them.
fn is_default_ignorable(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

#[cfg(test)]
mod tests {
    use super::super::fonts::metrics;
    use super::*;

    fn loaded_fonts() -> &'static Fonts {
        metrics().expect("embedded fonts load")
    }

    #[test]
    fn names_in_covered_scripts_come_through_unchanged() {
        let mut cleaner = Cleaner::new(loaded_fonts());
        for name in [
            "Zoë O'Brien",
            "Łukasz Żółć",
            "Nguyễn Thị Minh Khai",
            "Σοφία",
            "Дмитрий",
        ] {
            assert_eq!(cleaner.line("Client name", name), name);
        }
        assert!(cleaner.finish().is_empty());
    }

    #[test]
    fn uncovered_characters_become_placeholders_and_the_field_is_reported() {
        let fonts = loaded_fonts();
        let mut cleaner = Cleaner::new(fonts);
        let cleaned = cleaner.line("Client name", "王小明 Wang");
        let placeholder = fonts.placeholder.to_string();
        assert_eq!(cleaned, format!("{p}{p}{p} Wang", p = placeholder));
        cleaner.line("Client name", "李");
        cleaner.text("Goals › Notes", "नमस्ते, fine");
        assert_eq!(
            cleaner.finish(),
            vec!["Client name".to_owned(), "Goals › Notes".to_owned()]
        );
    }

    #[test]
    fn control_and_invisible_characters_are_stripped() {
        let mut cleaner = Cleaner::new(loaded_fonts());
        let raw = "A\u{0}b\u{7}c\u{1B}[31m\u{202E}d\u{FEFF}e\u{200D}f\u{AD}g";
        assert_eq!(cleaner.line("field", raw), "Abc[31mdefg");
        assert!(
            cleaner.finish().is_empty(),
            "stripping is not a font fallback"
        );
    }

    #[test]
    fn line_breaks_and_spaces_are_normalised() {
        let mut cleaner = Cleaner::new(loaded_fonts());
        let raw = "  one\r\ntwo\rthree\u{2028}four\tfive  ";
        assert_eq!(cleaner.text("f", raw), "one\ntwo\nthree\nfour five");
        assert_eq!(cleaner.line("f", "one\ntwo"), "one two");
        assert_eq!(cleaner.line("f", "10\u{202F}h"), "10\u{202F}h");
        assert_eq!(cleaner.line("f", ""), "");
    }

    #[test]
    fn metadata_text_keeps_any_script() {
        assert_eq!(plain(" Consent\n王小明\u{7} "), "Consent 王小明");
    }
}
