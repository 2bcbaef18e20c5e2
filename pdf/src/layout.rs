//! Line breaking and pagination.
//!
//! printpdf places text exactly where it is told and never wraps, so both jobs
//! happen here. The page model is deliberately small: a document is a list of
//! [`Block`]s (a heading, a table row, a paragraph), each made of [`Slice`]s
//! (usually one text line each) that carry positioned [`Item`]s. The paginator
//! only ever breaks a page between slices, and only where the block allows it.
//!
//! All vertical positions are measured downwards from the top edge, as one reads
//! a page; the PDF writer flips them into PDF's bottom-up coordinates.

use super::fonts::{FaceMetrics, Weight};

/// How far into a paragraph the paginator looks when deciding whether to start
/// it on the current page: never leave a single line of it stranded at the
/// bottom.
const ORPHAN_LINES: usize = 2;

/// Colour roles; the PDF writer maps them to actual colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Ink,
    Muted,
    Accent,
    Alert,
    Rule,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextStyle {
    pub(crate) weight: Weight,
    /// Font size in points.
    pub(crate) size: f32,
    pub(crate) tone: Tone,
}

impl TextStyle {
    /// Distance between consecutive baselines.
    pub(crate) fn line_height(self) -> f32 {
        self.size * 1.35
    }

    /// Distance from the top of a line box to its baseline. DejaVu's ascender
    /// is 0.93 em and its descender 0.24 em; centring that in a 1.35 em line
    /// puts the baseline 1.02 em below the top.
    pub(crate) fn baseline(self) -> f32 {
        self.size * 1.02
    }
}

/// Something drawn on a page. `x` is from the left edge, vertical positions
/// from the top edge: relative to the slice inside a [`Slice`], relative to the
/// page once paginated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Text {
        x: f32,
        baseline: f32,
        text: String,
        style: TextStyle,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        thickness: f32,
        tone: Tone,
    },
    /// The signature image; there is only ever one per document.
    Image {
        x: f32,
        top: f32,
        width: f32,
        height: f32,
    },
}

impl Item {
    fn shifted_down(self, dy: f32) -> Self {
        match self {
            Item::Text {
                x,
                baseline,
                text,
                style,
            } => Item::Text {
                x,
                baseline: baseline + dy,
                text,
                style,
            },
            Item::Rule {
                x1,
                x2,
                y,
                thickness,
                tone,
            } => Item::Rule {
                x1,
                x2,
                y: y + dy,
                thickness,
                tone,
            },
            Item::Image {
                x,
                top,
                width,
                height,
            } => Item::Image {
                x,
                top: top + dy,
                width,
                height,
            },
        }
    }
}

/// A horizontal strip that is never split across pages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slice {
    pub(crate) height: f32,
    pub(crate) items: Vec<Item>,
}

/// A unit of content with its pagination rules.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Block {
    pub(crate) slices: Vec<Slice>,
    /// Move the whole block to the next page rather than split it, unless it is
    /// taller than a page (then it is split between slices after all).
    pub(crate) keep_together: bool,
    /// Never end a page with this block: it moves on with the start of the next.
    pub(crate) keep_with_next: bool,
    pub(crate) page_break_before: bool,
    /// Gap above the block, dropped when the block starts a page.
    pub(crate) space_before: f32,
}

impl Block {
    fn height(&self) -> f32 {
        self.slices.iter().map(|slice| slice.height).sum()
    }

    fn opening_height(&self) -> f32 {
        self.slices
            .iter()
            .take(ORPHAN_LINES)
            .map(|slice| slice.height)
            .sum()
    }

    fn is_unsplittable(&self, page_height: f32) -> bool {
        self.keep_together && self.height() <= page_height
    }

    /// Space the block needs at the bottom of a page to start there.
    fn start_height(&self, page_height: f32) -> f32 {
        if self.is_unsplittable(page_height) {
            self.height()
        } else {
            self.opening_height()
        }
    }
}

/// The area pages are filled in, as distances from the top edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    pub(crate) top: f32,
    pub(crate) bottom: f32,
}

impl Frame {
    fn height(self) -> f32 {
        self.bottom - self.top
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Page {
    pub(crate) items: Vec<Item>,
}

/// Places `blocks` on as many pages as they need. Always returns at least one
/// page.
pub(crate) fn paginate(blocks: Vec<Block>, frame: Frame) -> Vec<Page> {
    let page_height = frame.height();
    // What each block needs of the page it starts on, for the block before it
    // when that one must be kept with its successor.
    let starts: Vec<f32> = blocks
        .iter()
        .map(|block| {
            if block.page_break_before {
                0.0
            } else {
                block.space_before + block.start_height(page_height)
            }
        })
        .collect();
    let mut pager = Pager::new(frame);
    for (index, block) in blocks.into_iter().enumerate() {
        let next_start = starts.get(index + 1).copied().unwrap_or(0.0);
        pager.place(block, next_start);
    }
    pager.finish()
}

struct Pager {
    frame: Frame,
    pages: Vec<Page>,
    current: Vec<Item>,
    cursor: f32,
    has_content: bool,
}

impl Pager {
    fn new(frame: Frame) -> Self {
        Self {
            frame,
            pages: Vec::new(),
            current: Vec::new(),
            cursor: frame.top,
            has_content: false,
        }
    }

    fn remaining(&self) -> f32 {
        self.frame.bottom - self.cursor
    }

    fn new_page(&mut self) {
        let items = std::mem::take(&mut self.current);
        self.pages.push(Page { items });
        self.cursor = self.frame.top;
        self.has_content = false;
    }

    fn place(&mut self, block: Block, next_start: f32) {
        if block.page_break_before && self.has_content {
            self.new_page();
        }
        let mut needed = block.start_height(self.frame.height());
        if block.keep_with_next {
            needed += next_start;
        }
        if self.has_content {
            if block.space_before + needed > self.remaining() {
                self.new_page();
            } else {
                self.cursor += block.space_before;
            }
        }
        // An unsplittable block fits now by construction; anything else breaks
        // between slices as the page fills up. A slice is always placed on a
        // fresh page even if taller than the frame, so this always terminates.
        for slice in block.slices {
            if self.has_content && slice.height > self.remaining() {
                self.new_page();
            }
            self.put(slice);
        }
    }

    fn put(&mut self, slice: Slice) {
        let top = self.cursor;
        self.current
            .extend(slice.items.into_iter().map(|item| item.shifted_down(top)));
        self.cursor += slice.height;
        self.has_content = true;
    }

    fn finish(mut self) -> Vec<Page> {
        if self.has_content || self.pages.is_empty() {
            self.new_page();
        }
        self.pages
    }
}

/// Breaks `text` into lines no wider than `width` points at `size`.
///
/// Lines break at spaces; `\n` starts a new line; runs of blank lines collapse
/// into one and leading or trailing blank lines are dropped. A word wider than
/// the line is cut between characters, never between a letter and its
/// combining accents. Only a single character wider than the whole line (not
/// possible at the sizes used here) can exceed `width`.
pub(crate) fn wrap(text: &str, face: &FaceMetrics, size: f32, width: f32) -> Vec<String> {
    let capacity = face.capacity(width, size);
    let space = face.advance(' ');
    let mut lines: Vec<String> = Vec::new();
    let mut previous_blank = true;
    for hard_line in text.split('\n') {
        let mut words = hard_line
            .split(' ')
            .filter(|word| !word.is_empty())
            .peekable();
        if words.peek().is_none() {
            if !previous_blank {
                lines.push(String::new());
                previous_blank = true;
            }
            continue;
        }
        previous_blank = false;
        let mut line = String::new();
        let mut used = 0u64;
        for word in words {
            let word_units = face.units(word);
            if !line.is_empty() && used + space + word_units <= capacity {
                line.push(' ');
                line.push_str(word);
                used += space + word_units;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_units <= capacity {
                line.push_str(word);
                used = word_units;
            } else {
                let mut pieces = split_word(word, face, capacity);
                // The last piece stays open so that the next word can join it.
                line = pieces.pop().unwrap_or_default();
                used = face.units(&line);
                lines.extend(pieces);
            }
        }
        lines.push(line);
    }
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Cuts a word that is wider than a line into pieces that fit.
fn split_word(word: &str, face: &FaceMetrics, capacity: u64) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut used = 0u64;
    for cluster in clusters(word) {
        let units = face.units(cluster);
        if !piece.is_empty() && used + units > capacity {
            pieces.push(std::mem::take(&mut piece));
            used = 0;
        }
        piece.push_str(cluster);
        used += units;
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// Splits `word` into base characters, each followed by its combining marks.
fn clusters(word: &str) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        let mut chars = rest.char_indices();
        chars.next()?;
        let end = chars
            .find(|&(_, c)| !is_combining_mark(c))
            .map_or(rest.len(), |(at, _)| at);
        let (cluster, tail) = rest.split_at(end);
        rest = tail;
        Some(cluster)
    })
}

/// Combining diacritical marks of the scripts DejaVu Sans covers.
fn is_combining_mark(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0300..=0x036F
            | 0x0483..=0x0489
            | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF
            | 0x20D0..=0x20FF
            | 0xFE20..=0xFE2F
    )
}

/// `text` on one line, cut short with an ellipsis if it is wider than `width`.
pub(crate) fn fit_line(text: &str, face: &FaceMetrics, size: f32, width: f32) -> String {
    let capacity = face.capacity(width, size);
    if face.units(text) <= capacity {
        return text.to_owned();
    }
    let budget = capacity.saturating_sub(face.advance('…'));
    let mut used = 0u64;
    let mut out = String::new();
    for cluster in clusters(text) {
        used += face.units(cluster);
        if used > budget {
            break;
        }
        out.push_str(cluster);
    }
    let mut out = out.trim_end().to_owned();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::super::fonts::{metrics, Fonts};
    use super::*;

    const BODY: TextStyle = TextStyle {
        weight: Weight::Regular,
        size: 9.5,
        tone: Tone::Ink,
    };

    fn loaded_fonts() -> &'static Fonts {
        metrics().expect("embedded fonts load")
    }

    fn visible(text: &str) -> String {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn wrapped_lines_never_exceed_the_width_and_lose_nothing() {
        let fonts = loaded_fonts();
        let long_word = "W".repeat(300);
        let samples = [
            "Scalp micropigmentation (SMP) is a non-surgical cosmetic tattoo.".to_owned(),
            format!("before {long_word} after"),
            "Nguyễn Thị Minh Khai, Łukasz Żółć\nΣοφία, Дмитрий\n\n\nafter blanks".to_owned(),
            "e\u{301}\u{302}".repeat(200),
            "https://example.com/a/long/url/without/any/spaces/that/goes/on".repeat(3),
        ];
        for weight in [Weight::Regular, Weight::Bold] {
            let face = fonts.face(weight);
            for width in [30.0_f32, 57.5, 120.0, 290.0, 493.0] {
                let capacity = face.capacity(width, BODY.size);
                for sample in &samples {
                    let lines = wrap(sample, face, BODY.size, width);
                    for line in &lines {
                        assert!(
                            face.units(line) <= capacity,
                            "{line:?} is wider than {width} pt"
                        );
                    }
                    let kept = visible(&lines.concat());
                    assert_eq!(kept, visible(sample), "text lost at {width} pt");
                }
            }
        }
    }

    #[test]
    fn accents_stay_with_their_letter_when_a_word_is_cut() {
        let face = loaded_fonts().face(Weight::Regular);
        let word = "e\u{301}".repeat(100);
        for line in wrap(&word, face, BODY.size, 40.0) {
            assert!(
                !line.starts_with('\u{301}'),
                "{line:?} starts with a bare accent"
            );
        }
    }

    #[test]
    fn blank_lines_collapse_and_empty_text_gives_no_lines() {
        let face = loaded_fonts().face(Weight::Regular);
        assert!(wrap("", face, BODY.size, 100.0).is_empty());
        assert!(wrap("   \n\n  ", face, BODY.size, 100.0).is_empty());
        assert_eq!(wrap("a\n\n\n\nb\n", face, BODY.size, 100.0), ["a", "", "b"]);
        assert_eq!(
            wrap("\n".repeat(100_000).as_str(), face, BODY.size, 100.0).len(),
            0
        );
    }

    #[test]
    fn fit_line_shortens_with_an_ellipsis() {
        let face = loaded_fonts().face(Weight::Regular);
        assert_eq!(fit_line("Short", face, 8.0, 200.0), "Short");
        let cut = fit_line(&"Long clinic name ".repeat(20), face, 8.0, 100.0);
        assert!(cut.ends_with('…'));
        assert!(face.units(&cut) <= face.capacity(100.0, 8.0));
    }

    fn tagged(tag: &str, slices: usize, height: f32) -> Block {
        Block {
            slices: (0..slices)
                .map(|_| Slice {
                    height,
                    items: vec![Item::Text {
                        x: 0.0,
                        baseline: 0.0,
                        text: tag.to_owned(),
                        style: BODY,
                    }],
                })
                .collect(),
            keep_together: true,
            ..Block::default()
        }
    }

    fn tags(page: &Page) -> Vec<&str> {
        page.items
            .iter()
            .filter_map(|item| match item {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    const FRAME: Frame = Frame {
        top: 10.0,
        bottom: 110.0,
    };

    #[test]
    fn a_row_that_does_not_fit_moves_to_the_next_page_whole() {
        let pages = paginate(vec![tagged("a", 3, 20.0), tagged("b", 3, 20.0)], FRAME);
        assert_eq!(pages.len(), 2);
        assert_eq!(tags(&pages[0]), ["a", "a", "a"]);
        assert_eq!(tags(&pages[1]), ["b", "b", "b"]);
    }

    #[test]
    fn a_block_taller_than_a_page_is_split_between_lines() {
        let pages = paginate(vec![tagged("a", 1, 30.0), tagged("tall", 12, 20.0)], FRAME);
        let placed: usize = pages
            .iter()
            .map(|page| tags(page).iter().filter(|t| **t == "tall").count())
            .sum();
        assert_eq!(placed, 12);
        assert!(pages.len() >= 3);
        for page in &pages {
            for item in &page.items {
                if let Item::Text { baseline, .. } = item {
                    assert!(*baseline < FRAME.bottom);
                }
            }
        }
    }

    #[test]
    fn a_heading_is_never_left_alone_at_the_bottom_of_a_page() {
        let heading = Block {
            keep_with_next: true,
            ..tagged("heading", 1, 15.0)
        };
        let blocks = vec![tagged("filler", 4, 20.0), heading, tagged("row", 2, 20.0)];
        let pages = paginate(blocks, FRAME);
        assert_eq!(tags(&pages[0]), ["filler"; 4]);
        assert_eq!(tags(&pages[1]), ["heading", "row", "row"]);
    }

    #[test]
    fn page_breaks_are_honoured_and_an_empty_document_has_one_page() {
        let audit = Block {
            page_break_before: true,
            ..tagged("audit", 1, 10.0)
        };
        let pages = paginate(vec![tagged("a", 1, 10.0), audit], FRAME);
        assert_eq!(pages.len(), 2);
        assert_eq!(tags(&pages[1]), ["audit"]);
        assert_eq!(paginate(Vec::new(), FRAME).len(), 1);
    }
}
