//! Bytes to an [`Image`], with limits against hostile files.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use crate::error::{Error, Result};
use crate::image::Image;

/// Decoding limits. A file whose header declares more is refused before any
/// pixel memory is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most pixels (width × height). Default 64 megapixels.
    pub max_pixels: u64,
    /// Most columns or rows. Default 65,535.
    pub max_side: u32,
    /// Most bytes a decoder may allocate. Default 768 MiB (a 64-megapixel
    /// 16-bit RGBA PNG needs 512 MiB).
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_pixels: 64_000_000, max_side: 65_535, max_alloc: 768 << 20 }
    }
}

/// The formats cinepal reads, for messages.
pub const FORMATS: &str = "PNG, JPEG, WebP, GIF or BMP";

/// Decodes PNG, JPEG, WebP, GIF (first frame) or BMP bytes, applies the EXIF
/// orientation, and returns 8-bit RGB or RGBA pixels.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Image> {
    if bytes.is_empty() {
        return Err(Error::Decode("the file is empty".into()));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::Decode(format!("the file could not be read: {e}")))?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif | ImageFormat::Bmp)) => f,
        Some(f) => return Err(Error::Decode(format!("{f:?} images are not supported; cinepal reads {FORMATS}"))),
        None => return Err(Error::Decode(format!("the file is not an image cinepal can read (expected {FORMATS})"))),
    };
    let name = format_name(format);
    if format == ImageFormat::Jpeg && jpeg_is_truncated(bytes) {
        // The decoder would fill the missing blocks with gray, and gray would
        // become a swatch: refuse instead.
        return Err(Error::Decode("the JPEG file is truncated (it ends before its end-of-image marker)".into()));
    }
    let mut l = image::Limits::default();
    l.max_image_width = Some(limits.max_side);
    l.max_image_height = Some(limits.max_side);
    l.max_alloc = Some(limits.max_alloc);
    reader.limits(l.clone());
    let mut decoder = reader.into_decoder().map_err(|e| map_error(e, name, limits))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h, limits)?;
    // The header's size is now known: allow the decoder only what an image of
    // that size can need (16 bytes a pixel covers 16-bit RGBA plus the 8-bit
    // copy), so a frame larger than its GIF screen cannot take the whole budget.
    let mut tight = l.clone();
    tight.max_alloc = Some(limits.max_alloc.min((w as u64 * h as u64).saturating_mul(16).saturating_add(64 << 20)));
    decoder.set_limits(tight).map_err(|e| map_error(e, name, limits))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| map_error(e, name, limits))?;
    img.apply_orientation(orientation);
    let (w, h) = (img.width(), img.height());
    match img {
        DynamicImage::ImageRgb8(b) => Image::from_rgb(w, h, b.into_raw()),
        DynamicImage::ImageRgba8(b) => Image::from_rgba(w, h, b.into_raw()),
        other if other.color().has_alpha() => Image::from_rgba(w, h, other.into_rgba8().into_raw()),
        other => Image::from_rgb(w, h, other.into_rgb8().into_raw()),
    }
}

/// True when a JPEG has no end-of-image marker after its first scan. Walks
/// the header segments (an EXIF thumbnail inside APP1 has markers of its own)
/// to the first start-of-scan, then looks for `FF D9`, which entropy-coded
/// data cannot contain (a data `FF` is always followed by `00` or a restart marker).
fn jpeg_is_truncated(bytes: &[u8]) -> bool {
    let mut i = 2;
    while i + 1 < bytes.len() {
        if bytes[i] != 0xff {
            return false; // not a marker where one should be: let the decoder say what is wrong
        }
        let marker = bytes[i + 1];
        match marker {
            0xff => i += 1, // fill byte
            0xd9 => return false,
            0xda => return !bytes[i..].windows(2).any(|w| w == [0xff, 0xd9]),
            0x01 | 0xd0..=0xd7 => i += 2,
            _ => {
                let Some(len) = bytes.get(i + 2..i + 4) else { return true };
                i += 2 + u16::from_be_bytes([len[0], len[1]]) as usize;
            }
        }
    }
    true
}

fn check_size(w: u32, h: u32, limits: &Limits) -> Result<()> {
    if w == 0 || h == 0 {
        return Err(Error::Decode(format!("the file declares an empty image ({w}x{h}); it needs at least one pixel")));
    }
    let pixels = w as u64 * h as u64;
    if pixels > limits.max_pixels {
        return Err(Error::Limits(format!(
            "the image is {w}x{h} ({:.1} megapixels); the limit is {:.1} megapixels",
            pixels as f64 / 1e6,
            limits.max_pixels as f64 / 1e6
        )));
    }
    Ok(())
}

fn format_name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::WebP => "WebP",
        ImageFormat::Gif => "GIF",
        _ => "BMP",
    }
}

fn map_error(e: ImageError, name: &str, limits: &Limits) -> Error {
    // Decoders' messages may hold line breaks (zune-jpeg ends some with one): one line.
    let one_line = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match map_error_lines(e, name, limits) {
        Error::Decode(m) => Error::Decode(one_line(m)),
        Error::Limits(m) => Error::Limits(one_line(m)),
        other => other,
    }
}

fn map_error_lines(e: ImageError, name: &str, limits: &Limits) -> Error {
    match e {
        ImageError::Limits(l) => Error::Limits(format!(
            "the {name} is larger than the decoding limits allow ({l}); the limits are {} pixels a side, {:.0} megapixels and {} MiB of memory",
            limits.max_side,
            limits.max_pixels as f64 / 1e6,
            limits.max_alloc >> 20
        )),
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode(format!("the {name} file is truncated (it ends before the image data does)"))
        }
        ImageError::Unsupported(u) => Error::Decode(format!("this {name} uses a feature cinepal cannot read: {u}")),
        other => Error::Decode(format!("the {name} file is corrupt: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, rgba: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbaImage::from_raw(w, h, rgba.to_vec())
            .unwrap()
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn png_round_trips() {
        let img = decode(&png(2, 1, &[1, 2, 3, 255, 4, 5, 6, 0]), &Limits::default()).unwrap();
        assert_eq!((img.width(), img.height()), (2, 1));
        assert_eq!(img.rgba_at(1, 0), [4, 5, 6, 0]);
    }

    #[test]
    fn empty_and_text_files_are_decode_errors() {
        assert_eq!(decode(b"", &Limits::default()).unwrap_err(), Error::Decode("the file is empty".into()));
        let e = decode(b"hello, this is not an image\n", &Limits::default()).unwrap_err();
        assert!(matches!(e, Error::Decode(_)) && e.to_string().contains("PNG, JPEG"), "{e}");
    }

    #[test]
    fn pixel_limit_is_enforced_with_a_message() {
        let bytes = png(20, 20, &[9; 20 * 20 * 4]);
        let e = decode(&bytes, &Limits { max_pixels: 100, ..Limits::default() }).unwrap_err();
        assert!(matches!(e, Error::Limits(_)));
        assert!(e.to_string().contains("20x20") && e.to_string().contains("limit"), "{e}");
    }
}
