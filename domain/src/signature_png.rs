//! Server-side check that the signature is a real, sane, non-blank PNG.
//! (The browser draws the PNG itself; it checks the strokes instead.)

use base64::Engine;

use super::submission::MAX_SIGNATURE_BYTES;

const MIN_W: u32 = 100;
const MIN_H: u32 = 40;
const MAX_W: u32 = 2400;
const MAX_H: u32 = 1200;
/// Pixels that must carry ink for the image to count as signed.
const MIN_INK_PIXELS: usize = 50;

pub fn check(png_base64: &str) -> Result<(), &'static str> {
    let data = png_base64
        .strip_prefix("data:image/png;base64,")
        .unwrap_or(png_base64);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| "The drawn signature is not valid base64")?;
    if bytes.len() > MAX_SIGNATURE_BYTES {
        return Err("The drawn signature image is too large");
    }
    decode_and_count_ink(&bytes).and_then(|ink| {
        if ink >= MIN_INK_PIXELS {
            Ok(())
        } else {
            Err("The signature is blank: draw your signature in the box")
        }
    })
}

/// Decodes the PNG (dimensions checked before any pixel is allocated) and
/// counts pixels that are visibly darker than paper and not transparent.
fn decode_and_count_ink(bytes: &[u8]) -> Result<usize, &'static str> {
    let not_png = "The drawn signature is not a PNG image";
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|_| not_png)?;
    let info = reader.info();
    let (w, h) = (info.width, info.height);
    if !(MIN_W..=MAX_W).contains(&w) || !(MIN_H..=MAX_H).contains(&h) {
        return Err("The signature image has the wrong dimensions");
    }
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).map_err(|_| not_png)?;
    let data = &buf[..frame.buffer_size()];
    let channels = frame.color_type.samples();
    let ink = data
        .chunks_exact(channels)
        .filter(|px| {
            let (lum, alpha) = match channels {
                1 => (px[0], 255),
                2 => (px[0], px[1]),
                3 => (luma(px), 255),
                _ => (luma(px), px[3]),
            };
            alpha > 64 && lum < 160
        })
        .count();
    Ok(ink)
}

fn luma(px: &[u8]) -> u8 {
    ((u32::from(px[0]) * 299 + u32::from(px[1]) * 587 + u32::from(px[2]) * 114) / 1000) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(w: u32, h: u32, rgba: &[u8]) -> String {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut wr = enc.write_header().unwrap();
            wr.write_image_data(rgba).unwrap();
        }
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    #[test]
    fn blank_transparent_canvas_is_rejected() {
        let img = encode(200, 80, &vec![0u8; 200 * 80 * 4]);
        assert_eq!(
            check(&img),
            Err("The signature is blank: draw your signature in the box")
        );
    }

    #[test]
    fn drawn_line_is_accepted() {
        let mut px = vec![0u8; 200 * 80 * 4];
        for x in 10..190 {
            let i = (40 * 200 + x) * 4;
            px[i..i + 4].copy_from_slice(&[20, 20, 20, 255]);
        }
        assert_eq!(check(&encode(200, 80, &px)), Ok(()));
    }

    #[test]
    fn garbage_and_wrong_sizes_are_rejected() {
        assert!(check("not base64!").is_err());
        assert!(check("aGVsbG8=").is_err());
        assert!(check(&encode(10, 10, &[0u8; 400])).is_err());
    }
}
