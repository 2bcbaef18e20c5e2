//! What goes on the pages, in which order and style: the document's structure,
//! expressed as layout [`Block`]s.

use super::content::Content;
use super::fonts::{Fonts, Weight};
use super::layout::{fit_line, wrap, Block, Frame, Item, Page, Slice, TextStyle, Tone};
use super::signature::Signature;
use super::Paper;

pub(crate) const DOCUMENT_SUBTITLE: &str = "Consent for scalp micropigmentation";
pub(crate) const FALLBACK_NOTE: &str = "Some characters could not be shown with the embedded \
                                        font; the original text is kept in the record.";
pub(crate) const SIGNATURE_UNREADABLE: &str = "[signature image unreadable]";
const EMPTY_VALUE: &str = "—";
const ACCEPTED: &str = "✓ Accepted";
const NOT_ACCEPTED: &str = "Not accepted";

const TITLE: TextStyle = TextStyle {
    weight: Weight::Bold,
    size: 17.0,
    tone: Tone::Ink,
};
const SUBTITLE: TextStyle = TextStyle {
    weight: Weight::Regular,
    size: 11.5,
    tone: Tone::Muted,
};
const HEADING: TextStyle = TextStyle {
    weight: Weight::Bold,
    size: 12.0,
    tone: Tone::Ink,
};
const CLAUSE_TITLE: TextStyle = TextStyle {
    weight: Weight::Bold,
    size: 10.0,
    tone: Tone::Ink,
};
/// Questions and other labels in the left column. Same size as [`BODY`] so the
/// two columns of a row share their line grid.
const LABEL: TextStyle = TextStyle {
    weight: Weight::Regular,
    size: 9.5,
    tone: Tone::Muted,
};
const BODY: TextStyle = TextStyle {
    weight: Weight::Regular,
    size: 9.5,
    tone: Tone::Ink,
};
const NOTE: TextStyle = TextStyle {
    weight: Weight::Regular,
    size: 8.5,
    tone: Tone::Muted,
};
const FOOTER: TextStyle = TextStyle {
    weight: Weight::Regular,
    size: 8.0,
    tone: Tone::Muted,
};

/// Share of the content width given to the question column.
const LABEL_SHARE: f32 = 0.4;
const COLUMN_GAP: f32 = 12.0;
/// Padding above and below the text of a table row.
const ROW_PADDING: f32 = 3.0;
const HAIRLINE: f32 = 0.4;
const HEADING_SPACE: f32 = 14.0;
const CLAUSE_SPACE: f32 = 9.0;
const BADGE_GAP: f32 = 10.0;

const PT_PER_MM: f32 = 72.0 / 25.4;

fn mm(value: f32) -> f32 {
    value * PT_PER_MM
}

/// Page size and the areas of the page, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Geometry {
    pub(crate) width_mm: f32,
    pub(crate) height_mm: f32,
    pub(crate) height: f32,
    pub(crate) left: f32,
    pub(crate) right: f32,
    /// Where the content flows, as distances from the top edge.
    pub(crate) frame: Frame,
    pub(crate) footer_rule: f32,
    pub(crate) footer_baseline: f32,
}

impl Geometry {
    pub(crate) fn new(paper: Paper) -> Self {
        let (width_mm, height_mm) = paper.size_mm();
        let (width, height) = (mm(width_mm), mm(height_mm));
        Self {
            width_mm,
            height_mm,
            height,
            left: mm(18.0),
            right: width - mm(18.0),
            frame: Frame {
                top: mm(18.0),
                bottom: height - mm(22.0),
            },
            footer_rule: height - mm(15.0),
            footer_baseline: height - mm(10.5),
        }
    }

    fn content_width(&self) -> f32 {
        self.right - self.left
    }
}

/// Lays out the whole document as blocks, ready for pagination.
pub(crate) fn compose(
    content: &Content,
    signature: Option<&Signature>,
    fonts: &Fonts,
    geometry: &Geometry,
) -> Vec<Block> {
    let mut doc = Composer {
        fonts,
        geometry,
        blocks: Vec::new(),
    };

    doc.title(&content.clinic_name);

    doc.heading("Client details", false);
    for (label, value) in &content.client {
        doc.row(label, value);
    }

    for section in &content.sections {
        doc.heading(&section.title, false);
        if section.rows.is_empty() {
            doc.paragraph("No answers were recorded in this section.", NOTE, 2.0);
        }
        for (question, answer) in &section.rows {
            doc.row(question, answer);
        }
    }

    doc.heading("Consent", false);
    if content.clauses.is_empty() {
        doc.paragraph("No consent clauses were recorded.", NOTE, 2.0);
    }
    for clause in &content.clauses {
        doc.clause(&clause.title, &clause.text, clause.accepted);
    }

    doc.heading("Marketing photos", false);
    let choice = if content.photo_marketing {
        "Yes: photos of the treatment may be used for the clinic's marketing."
    } else {
        "No: photos of the treatment must not be used for marketing."
    };
    doc.paragraph(choice, BODY, 2.0);

    doc.heading("Signature", false);
    doc.signature(signature);
    doc.row("Typed name", &content.typed_name);
    doc.row("Signed (clinic time)", &content.signed_local);
    doc.row("Signed (UTC)", &content.signed_utc);

    doc.heading("Audit trail", true);
    for (label, value) in &content.audit {
        doc.row(label, value);
    }
    doc.heading("Events", false);
    if content.events.is_empty() {
        doc.paragraph("No events were recorded.", NOTE, 2.0);
    }
    for (label, time) in &content.events {
        doc.row(label, time);
    }
    if !content.replaced_fields.is_empty() {
        doc.paragraph(FALLBACK_NOTE, NOTE, HEADING_SPACE);
        let fields = format!("Affected fields: {}.", content.replaced_fields.join("; "));
        doc.paragraph(&fields, NOTE, 2.0);
    }

    doc.blocks
}

/// Adds the footer to every page, now that the page count is known.
pub(crate) fn add_footers(
    pages: &mut [Page],
    clinic_name: &str,
    fonts: &Fonts,
    geometry: &Geometry,
) {
    let face = fonts.face(FOOTER.weight);
    let left = if clinic_name.is_empty() {
        DOCUMENT_SUBTITLE.to_owned()
    } else {
        format!("{clinic_name} · {DOCUMENT_SUBTITLE}")
    };
    let left = fit_line(&left, face, FOOTER.size, geometry.content_width() * 0.7);
    let total = pages.len();
    for (index, page) in pages.iter_mut().enumerate() {
        let number = format!("Page {} of {}", index + 1, total);
        let number_x = geometry.right - face.width(&number, FOOTER.size);
        page.items.push(Item::Rule {
            x1: geometry.left,
            x2: geometry.right,
            y: geometry.footer_rule,
            thickness: HAIRLINE,
            tone: Tone::Rule,
        });
        page.items.push(Item::Text {
            x: geometry.left,
            baseline: geometry.footer_baseline,
            text: left.clone(),
            style: FOOTER,
        });
        page.items.push(Item::Text {
            x: number_x,
            baseline: geometry.footer_baseline,
            text: number,
            style: FOOTER,
        });
    }
}

struct Composer<'a> {
    fonts: &'a Fonts,
    geometry: &'a Geometry,
    blocks: Vec<Block>,
}

impl Composer<'_> {
    fn lines(&self, text: &str, style: TextStyle, width: f32) -> Vec<String> {
        wrap(text, self.fonts.face(style.weight), style.size, width)
    }

    /// One slice per wrapped line of `text`.
    fn text_slices(&self, text: &str, style: TextStyle, x: f32, width: f32) -> Vec<Slice> {
        self.lines(text, style, width)
            .into_iter()
            .map(|line| Slice {
                height: style.line_height(),
                items: text_item(x, style.baseline(), line, style),
            })
            .collect()
    }

    fn push(&mut self, block: Block) {
        if !block.slices.is_empty() {
            self.blocks.push(block);
        }
    }

    /// Clinic name, document title and a rule, at the top of the first page.
    fn title(&mut self, clinic_name: &str) {
        let g = *self.geometry;
        let mut slices = self.text_slices(clinic_name, TITLE, g.left, g.content_width());
        slices.extend(self.text_slices(DOCUMENT_SUBTITLE, SUBTITLE, g.left, g.content_width()));
        slices.push(Slice {
            height: 8.0,
            items: vec![Item::Rule {
                x1: g.left,
                x2: g.right,
                y: 5.0,
                thickness: 1.0,
                tone: Tone::Ink,
            }],
        });
        self.push(Block {
            slices,
            keep_together: true,
            ..Block::default()
        });
    }

    /// A section heading with a rule under it; never the last thing on a page.
    fn heading(&mut self, text: &str, page_break_before: bool) {
        let g = *self.geometry;
        let mut slices = self.text_slices(text, HEADING, g.left, g.content_width());
        slices.push(Slice {
            height: 5.0,
            items: vec![Item::Rule {
                x1: g.left,
                x2: g.right,
                y: 1.5,
                thickness: 0.6,
                tone: Tone::Muted,
            }],
        });
        self.push(Block {
            slices,
            keep_together: true,
            keep_with_next: true,
            page_break_before,
            space_before: HEADING_SPACE,
        });
    }

    /// A two-column row: label on the left, value on the right. Kept on one
    /// page; a row taller than a page is split between lines.
    fn row(&mut self, label: &str, value: &str) {
        let g = *self.geometry;
        let label_width = g.content_width() * LABEL_SHARE - COLUMN_GAP / 2.0;
        let value_x = g.left + g.content_width() * LABEL_SHARE + COLUMN_GAP / 2.0;
        let value_width = g.right - value_x;

        let labels = self.lines(label, LABEL, label_width);
        let mut values = self.lines(value, BODY, value_width);
        if values.is_empty() {
            values.push(EMPTY_VALUE.to_owned());
        }
        let count = labels.len().max(values.len());
        let line_height = LABEL.line_height().max(BODY.line_height());

        let mut labels = labels.into_iter();
        let mut values = values.into_iter();
        let mut slices = Vec::with_capacity(count);
        for index in 0..count {
            let top = if index == 0 { ROW_PADDING } else { 0.0 };
            let mut height = top + line_height;
            let mut items = Vec::new();
            if let Some(line) = labels.next() {
                items.extend(text_item(g.left, top + LABEL.baseline(), line, LABEL));
            }
            if let Some(line) = values.next() {
                items.extend(text_item(value_x, top + BODY.baseline(), line, BODY));
            }
            if index + 1 == count {
                height += ROW_PADDING;
                items.push(Item::Rule {
                    x1: g.left,
                    x2: g.right,
                    y: height,
                    thickness: HAIRLINE,
                    tone: Tone::Rule,
                });
            }
            slices.push(Slice { height, items });
        }
        self.push(Block {
            slices,
            keep_together: true,
            ..Block::default()
        });
    }

    /// Running text across the full width; may break between any two lines.
    fn paragraph(&mut self, text: &str, style: TextStyle, space_before: f32) {
        let g = *self.geometry;
        let slices = self.text_slices(text, style, g.left, g.content_width());
        self.push(Block {
            slices,
            space_before,
            ..Block::default()
        });
    }

    /// A consent clause: its title with the acceptance next to it, then its
    /// exact text.
    fn clause(&mut self, title: &str, text: &str, accepted: bool) {
        let g = *self.geometry;
        let (badge, tone) = if accepted {
            (ACCEPTED, Tone::Accent)
        } else {
            (NOT_ACCEPTED, Tone::Alert)
        };
        let badge_style = TextStyle {
            tone,
            ..CLAUSE_TITLE
        };
        let badge_width = self
            .fonts
            .face(badge_style.weight)
            .width(badge, badge_style.size);
        let title_width =
            (g.content_width() - badge_width - BADGE_GAP).max(g.content_width() / 2.0);

        let mut slices = self.text_slices(title, CLAUSE_TITLE, g.left, title_width);
        if slices.is_empty() {
            slices.push(Slice {
                height: CLAUSE_TITLE.line_height(),
                items: Vec::new(),
            });
        }
        if let Some(first) = slices.first_mut() {
            let baseline = CLAUSE_TITLE.baseline();
            let x = g.right - badge_width;
            first
                .items
                .extend(text_item(x, baseline, badge.to_owned(), badge_style));
        }
        self.push(Block {
            slices,
            keep_together: true,
            keep_with_next: true,
            space_before: CLAUSE_SPACE,
            ..Block::default()
        });
        // A clause is read as one piece: its text moves to the next page
        // whole rather than being split, unless it is longer than a page.
        let slices = self.text_slices(text, BODY, g.left, g.content_width());
        self.push(Block {
            slices,
            keep_together: true,
            space_before: 2.0,
            ..Block::default()
        });
    }

    /// The signature image over a signing line, or a note that it could not
    /// be read. Kept with the typed name that follows.
    fn signature(&mut self, signature: Option<&Signature>) {
        let g = *self.geometry;
        let slice = match signature {
            Some(signature) => {
                let (width, height) = (signature.width_pt, signature.height_pt);
                Slice {
                    height: 4.0 + height + 6.0,
                    items: vec![
                        Item::Image {
                            x: g.left,
                            top: 4.0,
                            width,
                            height,
                        },
                        Item::Rule {
                            x1: g.left,
                            x2: g.left + width,
                            y: 4.0 + height + 2.0,
                            thickness: 0.6,
                            tone: Tone::Muted,
                        },
                    ],
                }
            }
            None => {
                let style = TextStyle {
                    tone: Tone::Alert,
                    ..BODY
                };
                Slice {
                    height: 4.0 + style.line_height() + 4.0,
                    items: text_item(
                        g.left,
                        4.0 + style.baseline(),
                        SIGNATURE_UNREADABLE.to_owned(),
                        style,
                    ),
                }
            }
        };
        self.push(Block {
            slices: vec![slice],
            keep_together: true,
            keep_with_next: true,
            space_before: 4.0,
            ..Block::default()
        });
    }
}

/// A text item, or nothing for an empty line.
fn text_item(x: f32, baseline: f32, text: String, style: TextStyle) -> Vec<Item> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Item::Text {
            x,
            baseline,
            text,
            style,
        }]
    }
}
