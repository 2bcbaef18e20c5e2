//! Writing the laid-out pages with printpdf, reproducibly.
//!
//! printpdf names fonts and images with generated ids and fills the trailer
//! `/ID` from its random-id helper, so the same pages saved twice differ. Here
//! every resource is moved to a fixed name, the document information uses the
//! input's timestamp (printpdf's default is 1970), and the `/ID` strings are
//! rewritten from a hash of the file itself. The same input therefore always
//! gives the same bytes.

use std::collections::BTreeMap;
use std::ops::Range;

use printpdf::{
    Color, CustomPdfConformance, FontId, ImageCompression, ImageOptimizationOptions, Line,
    LinePoint, Mm, OffsetDateTime, Op, PdfConformance, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem, XObjectId, XObjectTransform,
};
use sha2::{Digest, Sha256};

use super::compose::Geometry;
use super::fonts::{self, Weight};
use super::layout::{Item, Page, Tone};
use super::signature::Signature;
use super::ConsentPdfError;

/// Resource names. Six capital letters, because printpdf puts the first six
/// characters of a font's id in front of its name as the subset tag, and PDF
/// wants that tag to be exactly six capitals.
const REGULAR_FONT: &str = "DJVSAN";
const BOLD_FONT: &str = "DJVSAB";
const SIGNATURE_IMAGE: &str = "SIGNATURE";

/// Document information (what a PDF viewer shows under "Properties").
pub(crate) struct Metadata {
    pub(crate) title: String,
    pub(crate) author: String,
    pub(crate) subject: String,
    pub(crate) identifier: String,
    pub(crate) created_at_unix: i64,
}

/// Serialises `pages` into PDF bytes.
pub(crate) fn write(
    pages: &[Page],
    geometry: &Geometry,
    signature: Option<&Signature>,
    metadata: &Metadata,
) -> Result<Vec<u8>, ConsentPdfError> {
    let mut doc = PdfDocument::new(&metadata.title);
    set_metadata(&mut doc, metadata);

    let (regular, bold) = fonts::with_pdf_fonts(|pdf_fonts| {
        (
            doc.add_font(&pdf_fonts.regular),
            doc.add_font(&pdf_fonts.bold),
        )
    })?;
    let font_map = &mut doc.resources.fonts.map;
    let regular = rename(font_map, &regular, FontId(REGULAR_FONT.to_owned()));
    let bold = rename(font_map, &bold, FontId(BOLD_FONT.to_owned()));
    let faces = Faces {
        regular: PdfFontHandle::External(regular),
        bold: PdfFontHandle::External(bold),
    };

    let image = signature.map(|signature| {
        let generated = doc.add_image(&signature.image);
        let fixed = XObjectId(SIGNATURE_IMAGE.to_owned());
        let id = rename(&mut doc.resources.xobjects.map, &generated, fixed);
        PlacedImage {
            id,
            width_px: signature.image.width,
        }
    });

    let pdf_pages: Vec<PdfPage> = pages
        .iter()
        .map(|page| {
            let ops = page_ops(page, geometry, &faces, image.as_ref());
            PdfPage::new(Mm(geometry.width_mm), Mm(geometry.height_mm), ops)
        })
        .collect();
    doc.with_pages(pdf_pages);

    let mut warnings = Vec::new();
    let mut bytes = doc.save(&save_options(), &mut warnings);
    if !bytes.starts_with(b"%PDF-") {
        return Err(ConsentPdfError::Serialize("printpdf did not produce a PDF"));
    }
    if !stabilise_document_id(&mut bytes) {
        tracing::warn!("consent PDF: trailer /ID not found, output will not be reproducible");
    }
    Ok(bytes)
}

fn set_metadata(doc: &mut PdfDocument, metadata: &Metadata) {
    let info = &mut doc.metadata.info;
    info.document_title = metadata.title.clone();
    info.author = metadata.author.clone();
    info.subject = metadata.subject.clone();
    info.identifier = metadata.identifier.clone();
    info.creator = "Stipple".to_owned();
    info.producer = "Stipple (printpdf)".to_owned();
    // No XMP packet and no ICC output intent: XMP would carry another random
    // instance id, and neither is needed for an office document.
    info.conformance = PdfConformance::Custom(CustomPdfConformance {
        requires_xmp_metadata: false,
        requires_icc_profile: false,
        ..Default::default()
    });
    // An out-of-range timestamp keeps printpdf's default (1970) rather than
    // failing a consent record over its metadata.
    if let Ok(created) = OffsetDateTime::from_unix_timestamp(metadata.created_at_unix) {
        info.creation_date = created;
        info.modification_date = created;
        info.metadata_date = created;
    }
}

fn save_options() -> PdfSaveOptions {
    PdfSaveOptions {
        // Lossless: `Auto` may re-encode the signature as JPEG.
        image_optimization: Some(ImageOptimizationOptions {
            format: Some(ImageCompression::Flate),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Moves a resource from the id printpdf generated to a fixed one and returns
/// the id to draw it with.
fn rename<K: Ord + Clone, V>(map: &mut BTreeMap<K, V>, generated: &K, fixed: K) -> K {
    match map.remove(generated) {
        Some(resource) => {
            map.insert(fixed.clone(), resource);
            fixed
        }
        // Not where printpdf said: keep its id, the document stays correct.
        None => generated.clone(),
    }
}

struct Faces {
    regular: PdfFontHandle,
    bold: PdfFontHandle,
}

/// The signature as registered with the document.
struct PlacedImage {
    id: XObjectId,
    width_px: usize,
}

impl Faces {
    fn get(&self, weight: Weight) -> PdfFontHandle {
        match weight {
            Weight::Regular => self.regular.clone(),
            Weight::Bold => self.bold.clone(),
        }
    }
}

/// The drawing operations of one page, in PDF's bottom-up coordinates.
fn page_ops(
    page: &Page,
    geometry: &Geometry,
    faces: &Faces,
    image: Option<&PlacedImage>,
) -> Vec<Op> {
    let flip = |from_top: f32| geometry.height - from_top;
    let mut ops = Vec::with_capacity(page.items.len() * 6);
    for item in &page.items {
        match item {
            Item::Text {
                x,
                baseline,
                text,
                style,
            } => {
                // One text object per line: `Td` is relative to the start of
                // the current line, so a fresh object makes it absolute.
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont {
                    font: faces.get(style.weight),
                    size: Pt(style.size),
                });
                ops.push(Op::SetFillColor {
                    col: color(style.tone),
                });
                ops.push(Op::SetTextCursor {
                    pos: Point {
                        x: Pt(*x),
                        y: Pt(flip(*baseline)),
                    },
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                });
                ops.push(Op::EndTextSection);
            }
            Item::Rule {
                x1,
                x2,
                y,
                thickness,
                tone,
            } => {
                let y = Pt(flip(*y));
                ops.push(Op::SetOutlineColor { col: color(*tone) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*thickness) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: Point { x: Pt(*x1), y },
                                bezier: false,
                            },
                            LinePoint {
                                p: Point { x: Pt(*x2), y },
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            Item::Image {
                x,
                top,
                width,
                height,
            } => {
                let Some(image) = image.filter(|_| *width > 0.0) else {
                    continue;
                };
                // printpdf sizes an image from its pixels and a resolution
                // (300 dpi unless given): pick the one that yields `width`.
                let dpi = image.width_px as f32 * 72.0 / width;
                ops.push(Op::UseXobject {
                    id: image.id.clone(),
                    transform: XObjectTransform {
                        translate_x: Some(Pt(*x)),
                        translate_y: Some(Pt(flip(top + height))),
                        dpi: Some(dpi),
                        ..Default::default()
                    },
                });
            }
        }
    }
    ops
}

fn color(tone: Tone) -> Color {
    let (r, g, b): (f32, f32, f32) = match tone {
        Tone::Ink => (0.11, 0.11, 0.13),
        Tone::Muted => (0.36, 0.37, 0.41),
        Tone::Accent => (0.05, 0.42, 0.25),
        Tone::Alert => (0.66, 0.15, 0.10),
        Tone::Rule => (0.78, 0.79, 0.82),
    };
    Color::Rgb(Rgb::new(r, g, b, None))
}

/// Rewrites the strings of the trailer's `/ID` array with a digest of the rest
/// of the file. The array keeps its exact length, so no cross-reference offset
/// moves. Returns `false` if no `/ID` array was found.
pub(crate) fn stabilise_document_id(pdf: &mut [u8]) -> bool {
    let Some(inside) = id_array(pdf) else {
        return false;
    };
    // Two literal strings: `(` first `)(` second `)`.
    let Some(digits) = inside.len().checked_sub(4).filter(|&digits| digits >= 2) else {
        return false;
    };
    let mut hasher = Sha256::new();
    hasher.update(&pdf[..inside.start]);
    hasher.update(&pdf[inside.end..]);
    let digest: [u8; 32] = hasher.finalize().into();

    let first = digits / 2;
    let mut replacement = Vec::with_capacity(inside.len());
    replacement.push(b'(');
    replacement.extend(hex(&digest, first));
    replacement.extend_from_slice(b")(");
    replacement.extend(hex(&digest, digits - first));
    replacement.push(b')');
    match pdf.get_mut(inside) {
        Some(target) if target.len() == replacement.len() => {
            target.copy_from_slice(&replacement);
            true
        }
        _ => false,
    }
}

/// `count` upper-case hex digits of `digest`, repeating it if needed.
fn hex(digest: &[u8; 32], count: usize) -> impl Iterator<Item = u8> + '_ {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    (0..count).map(move |index| {
        let byte = digest[(index / 2) % digest.len()];
        let nibble = if index % 2 == 0 {
            byte >> 4
        } else {
            byte & 0x0F
        };
        DIGITS[usize::from(nibble)]
    })
}

/// The bytes between `[` and `]` of the last `/ID` array in the file, which is
/// the trailer's (or the cross-reference stream's).
fn id_array(pdf: &[u8]) -> Option<Range<usize>> {
    let key = pdf.windows(3).rposition(|window| window == b"/ID")?;
    let open = skip_whitespace(pdf, key + 3);
    if pdf.get(open) != Some(&b'[') {
        return None;
    }
    let start = open + 1;
    let mut at = start;
    loop {
        at = skip_whitespace(pdf, at);
        at = match pdf.get(at)? {
            b']' => return Some(start..at),
            b'(' => literal_string_end(pdf, at)?,
            b'<' => at + 1 + pdf.get(at + 1..)?.iter().position(|&byte| byte == b'>')? + 1,
            _ => return None,
        };
    }
}

fn skip_whitespace(pdf: &[u8], mut at: usize) -> usize {
    while pdf
        .get(at)
        .is_some_and(|&byte| byte.is_ascii_whitespace() || byte == 0)
    {
        at += 1;
    }
    at
}

/// Index just past the `)` that closes the literal string opening at `open`.
fn literal_string_end(pdf: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = open;
    while let Some(&byte) = pdf.get(at) {
        match byte {
            b'\\' => at += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_id(first: &str, second: &str) -> Vec<u8> {
        format!(
            "%PDF-1.3\n1 0 obj\n<</Type/Catalog>>\nendobj\nxref\n0 2\ntrailer\n\
             <</Root 1 0 R/ID[({first}) ({second})]/Size 2>>\nstartxref\n42\n%%EOF"
        )
        .into_bytes()
    }

    #[test]
    fn the_trailer_id_is_rewritten_in_place_from_the_content() {
        let mut one = with_id(&"ABCDEFGHIJ".repeat(3), &"JIHGFEDCBA".repeat(3));
        let mut two = with_id(&"B".repeat(30), &"C".repeat(30));
        let length = one.len();
        assert!(stabilise_document_id(&mut one));
        assert!(stabilise_document_id(&mut two));
        assert_eq!(one, two);
        assert_eq!(one.len(), length);
        let text = String::from_utf8(one).expect("ASCII");
        assert!(text.contains("/Size 2>>\nstartxref\n42\n%%EOF"));
        assert!(!text.contains("ABCDEFGHIJ"));
    }

    #[test]
    fn escaped_and_hex_ids_are_handled_and_missing_ids_reported() {
        let mut escaped = with_id(r"AB\)CD(EF)", "<00FF>");
        assert!(stabilise_document_id(&mut escaped));
        let mut hex_strings = b"trailer\n<</ID [<0A1B2C3D4E5F> <0A1B2C3D4E5F>] >>".to_vec();
        assert!(stabilise_document_id(&mut hex_strings));
        let mut none = b"%PDF-1.3\ntrailer\n<</Root 1 0 R>>".to_vec();
        assert!(!stabilise_document_id(&mut none));
        let mut unterminated = b"trailer <</ID[(ABC".to_vec();
        assert!(!stabilise_document_id(&mut unterminated));
    }
}
