//! The signed consent record as a PDF.
//!
//! [`render`] turns a [`ConsentPdfInput`] (plain data the caller has already
//! gathered) into PDF bytes: the clinic header, the client's details, the intake
//! answers as a two-column table, every consent clause with its exact text and
//! acceptance, the marketing-photo choice, the signature, and a final "Audit
//! trail" page. Every page carries a "Page X of Y" footer.
//!
//! The work is split by concern:
//! - [`text`] and [`content`] clean every string: control characters are
//!   removed, and characters the embedded font cannot draw become a visible
//!   placeholder, with the affected fields listed on the audit page;
//! - [`signature`] checks and decodes the PNG (a bad one is noted, not fatal);
//! - [`compose`] states what goes where, as blocks of lines wrapped by
//!   [`layout`] with metrics from [`fonts`] (DejaVu Sans, embedded);
//! - [`layout`] paginates: rows stay whole, headings stay with what follows;
//! - [`emit`] writes the pages with printpdf and makes the bytes reproducible:
//!   the same input always gives the same file.
//!
//! Rendering is synchronous and CPU-bound (a few milliseconds in release
//! builds): from async code, call it through `tokio::task::spawn_blocking`.

mod compose;
mod content;
mod emit;
mod fonts;
mod layout;
mod signature;
mod text;

/// Paper size of the generated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in (215.9 × 279.4 mm).
    Letter,
}

impl Paper {
    fn size_mm(self) -> (f32, f32) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::Letter => (215.9, 279.4),
        }
    }
}

/// One group of intake answers, such as "Hair loss".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    pub title: String,
    /// Question and answer, as displayed.
    pub rows: Vec<(String, String)>,
}

/// One consent clause, with the exact text the client was shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClauseLine {
    pub title: String,
    pub text: String,
    pub accepted: bool,
}

/// Facts for the audit-trail page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audit {
    pub submission_id: String,
    pub template_version: String,
    /// SHA-256 (hex) of the canonical submission data.
    pub canonical_sha256: String,
    pub client_ip: String,
    pub user_agent: String,
    /// Label and preformatted time of each event, in order.
    pub events: Vec<(String, String)>,
}

/// Everything the consent PDF shows. All text is taken as is; the renderer
/// cleans it for display and never fails because of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsentPdfInput {
    pub paper: Paper,
    pub clinic_name: String,
    /// Document title for the PDF's metadata.
    pub title: String,
    /// Who signed, heading the document: (question, answer) in the words
    /// the client was asked, the date as displayed (e.g. "12 Apr 1986").
    pub client: Vec<(String, String)>,
    pub sections: Vec<Section>,
    pub clauses: Vec<ClauseLine>,
    /// Whether photos may be used for the clinic's marketing.
    pub photo_marketing: bool,
    /// The drawn signature as PNG bytes.
    pub signature_png: Vec<u8>,
    pub typed_name: String,
    /// Signing time in the clinic's time zone, e.g. "20 Nov 2026 14:03 (Europe/London)".
    pub signed_local: String,
    /// Signing time in UTC, e.g. "2026-11-20 14:03:12 UTC".
    pub signed_utc: String,
    /// Creation time written into the PDF's metadata (Unix seconds).
    pub created_at_unix: i64,
    pub audit: Audit,
}

/// Why a consent PDF could not be produced. Bad input never causes one: these
/// are faults of the build or of the PDF library.
#[derive(Debug, thiserror::Error)]
pub enum ConsentPdfError {
    #[error("embedded font could not be loaded: {0}")]
    Font(String),
    #[error("PDF serialisation failed: {0}")]
    Serialize(&'static str),
}

/// Renders the consent record. Same input, same bytes.
pub fn render(input: &ConsentPdfInput) -> Result<Vec<u8>, ConsentPdfError> {
    let document = lay_out(input)?;
    emit::write(
        &document.pages,
        &document.geometry,
        document.signature.as_ref(),
        &metadata(input),
    )
}

/// The document laid out on pages, before it is written as PDF.
struct LaidOut {
    geometry: compose::Geometry,
    pages: Vec<layout::Page>,
    signature: Option<signature::Signature>,
}

fn lay_out(input: &ConsentPdfInput) -> Result<LaidOut, ConsentPdfError> {
    let fonts = fonts::metrics()?;
    let geometry = compose::Geometry::new(input.paper);
    let content = content::Content::from_input(input, fonts);
    let signature = signature::decode(&input.signature_png);
    let blocks = compose::compose(&content, signature.as_ref(), fonts, &geometry);
    let mut pages = layout::paginate(blocks, geometry.frame);
    compose::add_footers(&mut pages, &content.clinic_name, fonts, &geometry);
    Ok(LaidOut {
        geometry,
        pages,
        signature,
    })
}

fn metadata(input: &ConsentPdfInput) -> emit::Metadata {
    let title = text::plain(&input.title);
    emit::Metadata {
        title: if title.is_empty() {
            compose::DOCUMENT_SUBTITLE.to_owned()
        } else {
            title
        },
        author: text::plain(&input.clinic_name),
        subject: compose::DOCUMENT_SUBTITLE.to_owned(),
        identifier: text::plain(&input.audit.submission_id),
        created_at_unix: input.created_at_unix,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::layout::{Item, Page};
    use super::signature::tests::TINY_PNG;
    use super::*;

    fn sample() -> ConsentPdfInput {
        let row = |question: &str, answer: &str| (question.to_owned(), answer.to_owned());
        ConsentPdfInput {
            paper: Paper::A4,
            clinic_name: "Northside Scalp Studio".to_owned(),
            title: "Consent: Zoë O'Brien".to_owned(),
            client: vec![
                row("Full name", "Zoë O'Brien"),
                row("Date of birth", "12 Apr 1986"),
                row("E-mail", "zoe@example.com"),
                row("Mobile phone", "+44 7700 900123"),
            ],
            sections: vec![
                Section {
                    title: "About you".to_owned(),
                    rows: vec![
                        row("Preferred contact", "E-mail"),
                        row("Also known as", "Łukasz Żółć; Σοφία; Дмитрий"),
                    ],
                },
                Section {
                    title: "Hair loss".to_owned(),
                    rows: vec![
                        row("Causes", "Genetic, stress"),
                        row("Areas", "Hairline, crown"),
                        row(
                            "How long and is it still progressing?",
                            "6 years, still progressing",
                        ),
                    ],
                },
                Section {
                    title: "Medical screening".to_owned(),
                    rows: vec![row("Allergies", "Anaesthetic: rash after dental lidocaine")],
                },
                Section {
                    title: "Goals".to_owned(),
                    rows: vec![row(
                        "Notes",
                        "Want it to look like a natural 1 mm buzz cut.",
                    )],
                },
            ],
            clauses: vec![
                ClauseLine {
                    title: "The procedure".to_owned(),
                    text: "Scalp micropigmentation (SMP) is a non-surgical cosmetic tattoo. \
                           Pigment is placed as tiny layered dots in the upper layer of the \
                           skin of my scalp."
                        .to_owned(),
                    accepted: true,
                },
                ClauseLine {
                    title: "SMP does not regrow hair".to_owned(),
                    text:
                        "I understand that SMP does not regrow hair and does not treat the cause \
                           of hair loss."
                            .to_owned(),
                    accepted: true,
                },
            ],
            photo_marketing: false,
            signature_png: TINY_PNG.to_vec(),
            typed_name: "Nguyễn Thị Minh Khai".to_owned(),
            signed_local: "20 Nov 2026 14:03 (Europe/London)".to_owned(),
            signed_utc: "2026-11-20 14:03:12 UTC".to_owned(),
            created_at_unix: 1_795_269_792,
            audit: Audit {
                submission_id: "0b7f3c1e-8d2a-4f7e-9a51-2c4d6e8f0a13".to_owned(),
                template_version: "default-v1".to_owned(),
                canonical_sha256:
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
                client_ip: "203.0.113.7".to_owned(),
                user_agent:
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        .to_owned(),
                events: vec![
                    (
                        "Form opened".to_owned(),
                        "2026-11-20 13:41:02 UTC".to_owned(),
                    ),
                    (
                        "Submitted and signed".to_owned(),
                        "2026-11-20 14:03:12 UTC".to_owned(),
                    ),
                ],
            },
        }
    }

    fn texts(page: &Page) -> Vec<&str> {
        page.items
            .iter()
            .filter_map(|item| match item {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn all_texts(pages: &[Page]) -> Vec<&str> {
        pages.iter().flat_map(texts).collect()
    }

    #[test]
    fn output_is_a_pdf() {
        let pdf = render(&sample()).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.windows(5).any(|window| window == b"%%EOF"));
    }

    #[test]
    fn the_same_input_gives_byte_identical_output() {
        let input = sample();
        let first = render(&input).expect("renders");
        let second = render(&input).expect("renders again");
        assert!(first == second, "two renders of the same input differ");
        let letter = ConsentPdfInput {
            paper: Paper::Letter,
            ..input
        };
        let letter = render(&letter).expect("renders on Letter");
        assert_ne!(first, letter);
    }

    #[test]
    fn every_page_has_a_page_x_of_y_footer_and_the_audit_trail_comes_last() {
        let document = lay_out(&sample()).expect("lays out");
        let total = document.pages.len();
        assert!(total >= 2, "the audit trail needs its own page");
        for (index, page) in document.pages.iter().enumerate() {
            let footer = format!("Page {} of {}", index + 1, total);
            assert!(
                texts(page).contains(&footer.as_str()),
                "page {} has no footer",
                index + 1
            );
        }
        let last = document.pages.last().map(texts).unwrap_or_default();
        assert_eq!(last.first().copied(), Some("Audit trail"));
        let all = all_texts(&document.pages);
        for expected in [
            "Zoë O'Brien",
            "Nguyễn Thị Minh Khai",
            "✓ Accepted",
            "The procedure",
        ] {
            assert!(all.contains(&expected), "{expected} is missing");
        }
    }

    #[test]
    fn a_huge_answer_and_a_corrupt_png_do_not_panic() {
        let mut input = sample();
        input.sections[0]
            .rows
            .push(("Essay".to_owned(), "lorem ipsum ".repeat(9_000)));
        input.sections[1]
            .rows
            .push(("No spaces".to_owned(), "x".repeat(100_000)));
        input.signature_png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR garbage".to_vec();
        let pdf = render(&input).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));

        let document = lay_out(&input).expect("lays out");
        assert!(document.signature.is_none());
        assert!(all_texts(&document.pages).contains(&compose::SIGNATURE_UNREADABLE));
        let geometry = &document.geometry;
        for page in &document.pages {
            for item in &page.items {
                if let Item::Text { baseline, .. } = item {
                    let in_frame = *baseline <= geometry.frame.bottom;
                    let in_footer = *baseline == geometry.footer_baseline;
                    assert!(in_frame || in_footer, "text runs into the margin");
                }
            }
        }
    }

    #[test]
    fn unsupported_scripts_are_replaced_and_noted_on_the_audit_page() {
        let mut input = sample();
        input.client[0].1 = "王小明".to_owned();
        input.sections[3]
            .rows
            .push(("Notes (other)".to_owned(), "नमस्ते".to_owned()));
        let document = lay_out(&input).expect("lays out");
        let audit_page = document.pages.last().map(texts).unwrap_or_default();
        let note = "Some characters could not be shown";
        assert!(audit_page.iter().any(|text| text.starts_with(note)));
        let affected = audit_page
            .iter()
            .skip_while(|text| !text.starts_with("Affected fields"))
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(affected.contains("Full name"), "{affected}");
        assert!(affected.contains("Goals › Notes (other)"), "{affected}");
        assert!(!all_texts(&document.pages)
            .iter()
            .any(|text| text.contains('王')));
        render(&input).expect("renders");
    }

    #[test]
    fn empty_and_hostile_input_still_renders() {
        let empty = ConsentPdfInput::default();
        assert!(render(&empty).expect("renders").starts_with(b"%PDF-"));

        let mut hostile = sample();
        hostile.client[0].1 = "\u{202E}Zoë\u{0}\u{7}\r\n".to_owned();
        hostile.clauses.push(ClauseLine::default());
        hostile.sections.push(Section::default());
        hostile
            .audit
            .events
            .push((String::new(), "\n\n\n".repeat(30_000)));
        hostile.created_at_unix = i64::MAX;
        let document = lay_out(&hostile).expect("lays out");
        assert!(all_texts(&document.pages).contains(&"Zoë"));
        render(&hostile).expect("renders");
    }

    #[test]
    fn a_typical_document_renders_quickly() {
        let input = sample();
        render(&input).expect("warms up the font caches");
        let started = Instant::now();
        for _ in 0..5 {
            render(&input).expect("renders");
        }
        let each = started.elapsed() / 5;
        // Generous, to hold in debug builds too; release builds take a few ms.
        assert!(each.as_millis() < 2_000, "one render took {each:?}");
    }

    #[test]
    fn documents_that_differ_get_different_ids() {
        // The trailer /ID is a digest of the file's content.
        let one = render(&sample()).expect("renders");
        let mut other_input = sample();
        other_input.audit.client_ip = "198.51.100.1".to_owned();
        let other = render(&other_input).expect("renders");
        let id = |pdf: &[u8]| {
            let at = pdf
                .windows(3)
                .rposition(|window| window == b"/ID")
                .unwrap_or(0);
            pdf[at..].iter().take(80).copied().collect::<Vec<u8>>()
        };
        assert_ne!(id(&one), id(&other));
    }
}
