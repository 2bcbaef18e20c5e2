//! The signature PNG: checked, decoded and sized for the page.
//!
//! The bytes come from the client's browser, so they are treated as hostile:
//! the PNG header is read first and an image with absurd dimensions is refused
//! before a decoder allocates memory for it. Anything that fails is reported by
//! the caller as "[signature image unreadable]" instead of failing the whole
//! document: the consent record must still be printable.

use printpdf::RawImage;

/// Drawn width of the signature, unless that would make it taller than
/// [`MAX_HEIGHT_MM`].
const TARGET_WIDTH_MM: f32 = 70.0;
const MAX_HEIGHT_MM: f32 = 35.0;
/// Signature pads produce a few hundred pixels; anything far bigger is not a
/// signature and would only cost memory.
const MAX_SIDE_PX: u32 = 4096;
const MAX_PIXELS: u64 = 4096 * 1024;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];
const PT_PER_MM: f32 = 72.0 / 25.4;

/// A decoded signature and the size it is drawn at.
pub(crate) struct Signature {
    pub(crate) image: RawImage,
    pub(crate) width_pt: f32,
    pub(crate) height_pt: f32,
}

/// Decodes the signature, or `None` if the bytes are not a sensible PNG.
pub(crate) fn decode(png: &[u8]) -> Option<Signature> {
    let (width_px, height_px) = png_dimensions(png)?;
    let pixels = u64::from(width_px) * u64::from(height_px);
    let sides_ok = (1..=MAX_SIDE_PX).contains(&width_px) && (1..=MAX_SIDE_PX).contains(&height_px);
    if !sides_ok || pixels > MAX_PIXELS {
        return None;
    }
    let mut warnings = Vec::new();
    let image = RawImage::decode_from_bytes(png, &mut warnings).ok()?;
    // The decoder must agree with the header the limits were checked against.
    let decoded = (
        u32::try_from(image.width).ok()?,
        u32::try_from(image.height).ok()?,
    );
    if decoded != (width_px, height_px) {
        return None;
    }
    let (width_pt, height_pt) = display_size(width_px, height_px);
    Some(Signature {
        image,
        width_pt,
        height_pt,
    })
}

/// Width and height from the IHDR chunk, which a valid PNG must start with.
fn png_dimensions(png: &[u8]) -> Option<(u32, u32)> {
    if png.get(..8)? != PNG_SIGNATURE || png.get(12..16)? != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(png.get(16..20)?.try_into().ok()?);
    let height = u32::from_be_bytes(png.get(20..24)?.try_into().ok()?);
    Some((width, height))
}

/// About 70 mm wide, keeping the aspect ratio, capped in height.
fn display_size(width_px: u32, height_px: u32) -> (f32, f32) {
    let aspect = height_px as f32 / width_px as f32;
    let width = TARGET_WIDTH_MM * PT_PER_MM;
    let max_height = MAX_HEIGHT_MM * PT_PER_MM;
    if width * aspect <= max_height {
        (width, width * aspect)
    } else {
        (max_height / aspect, max_height)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid 16 × 6 RGBA PNG: a dark diagonal stroke on a transparent ground.
    pub(crate) const TINY_PNG: [u8; 101] = [
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x06, 0x08, 0x06, 0x00, 0x00, 0x00, 0xca,
        0x7c, 0x1e, 0xe7, 0x00, 0x00, 0x00, 0x2c, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x10,
        0x11, 0xd1, 0xf8, 0x0f, 0xc2, 0x40, 0xc0, 0x40, 0x0e, 0x86, 0x33, 0xc8, 0x35, 0x08, 0x43,
        0x00, 0x66, 0x10, 0xb1, 0x86, 0xe1, 0x95, 0x24, 0xc6, 0x20, 0xa2, 0x9c, 0x89, 0xcf, 0x55,
        0x24, 0x07, 0x1a, 0xba, 0x41, 0x00, 0x1e, 0x31, 0x07, 0x6c, 0x22, 0x69, 0x2b, 0x1f, 0x00,
        0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn a_valid_png_is_decoded_and_drawn_70_mm_wide() {
        let signature = decode(&TINY_PNG).expect("the test PNG decodes");
        assert_eq!((signature.image.width, signature.image.height), (16, 6));
        assert!((signature.width_pt - 70.0 * PT_PER_MM).abs() < 0.01);
        assert!((signature.height_pt - signature.width_pt * 6.0 / 16.0).abs() < 0.01);
    }

    #[test]
    fn unreadable_input_is_refused_without_panicking() {
        let mut truncated = TINY_PNG.to_vec();
        truncated.truncate(60);
        let mut corrupt = TINY_PNG.to_vec();
        corrupt[45] ^= 0xFF;
        let mut enormous = TINY_PNG.to_vec();
        enormous[16..24].copy_from_slice(&[0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]);
        let not_png = b"not a png".to_vec();
        let header_only = PNG_SIGNATURE.to_vec();
        for bytes in [
            Vec::new(),
            not_png,
            header_only,
            truncated,
            corrupt,
            enormous,
        ] {
            assert!(decode(&bytes).is_none());
        }
    }

    #[test]
    fn a_tall_signature_is_capped_in_height() {
        let (width, height) = display_size(100, 400);
        assert!((height - MAX_HEIGHT_MM * PT_PER_MM).abs() < 0.01);
        assert!((width * 4.0 - height).abs() < 0.01);
    }
}
