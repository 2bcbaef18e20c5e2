//! The photo pipeline: whatever a phone or tablet camera sends is decoded
//! under limits, turned upright, and written again as a plain JPEG at a
//! bounded size with a thumbnail. Re-encoding keeps pixels only, so no
//! EXIF, GPS, XMP or maker data survives.

use std::io::Cursor;

use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// What a camera may send.
pub const ACCEPTED: &[&str] = &["image/jpeg", "image/png", "image/webp"];
pub const MAX_UPLOAD_BYTES: usize = 15 * 1024 * 1024;
/// A 48-megapixel phone camera fits; a small file that claims far more
/// pixels is a decompression bomb.
const MAX_PIXELS: u64 = 50_000_000;
const MAX_SIDE: u32 = 12_000;
/// The decoder may hold the decoded image and little more.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Long side of the kept photo and of its thumbnail.
const KEPT_SIDE: u32 = 2048;
const THUMB_SIDE: u32 = 320;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("This file is not a JPEG, PNG or WebP photo")]
    NotAPhoto,
    #[error("This photo could not be read; it may be damaged")]
    Damaged,
    #[error("This photo has more than 50 megapixels: send a smaller one")]
    TooManyPixels,
}

pub struct Processed {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumbnail: Vec<u8>,
}

fn jpeg(img: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    // Flattening to RGB drops any alpha channel, which JPEG cannot hold.
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&DynamicImage::ImageRgb8(img.to_rgb8()))
        .expect("encoding RGB to memory cannot fail");
    out
}

/// Decodes, turns upright and re-encodes `bytes`.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotAPhoto)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(PhotoError::NotAPhoto);
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(refused)?;
    img.apply_orientation(orientation);
    if img.width().max(img.height()) > KEPT_SIDE {
        img = img.resize(KEPT_SIDE, KEPT_SIDE, image::imageops::FilterType::Triangle);
    }
    // Never enlarged: a small photo is its own thumbnail.
    let thumb = if img.width().max(img.height()) > THUMB_SIDE {
        img.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        img.clone()
    };
    Ok(Processed {
        jpeg: jpeg(&img, 85),
        width: img.width(),
        height: img.height(),
        thumbnail: jpeg(&thumb, 75),
    })
}

fn refused(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        image::ImageError::Unsupported(_) => PhotoError::NotAPhoto,
        _ => PhotoError::Damaged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_large_photo_is_bounded_and_thumbnailed() {
        let p = process(&png(3000, 1500)).unwrap();
        assert_eq!((p.width, p.height), (2048, 1024));
        assert_eq!(&p.jpeg[..3], &[0xFF, 0xD8, 0xFF]);
        let t = image::load_from_memory(&p.thumbnail).unwrap();
        assert_eq!((t.width(), t.height()), (320, 160));
    }

    #[test]
    fn a_small_photo_is_not_enlarged() {
        let p = process(&png(120, 80)).unwrap();
        assert_eq!((p.width, p.height), (120, 80));
        let t = image::load_from_memory(&p.thumbnail).unwrap();
        assert_eq!((t.width(), t.height()), (120, 80));
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(
            process(b"%PDF-1.7 not a photo").err(),
            Some(PhotoError::NotAPhoto)
        );
        let mut cut = png(64, 64);
        cut.truncate(cut.len() / 2);
        assert_eq!(process(&cut).err(), Some(PhotoError::Damaged));
    }
}
