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
    if let Some((w, h)) = png_ihdr_size(bytes) {
        // The PNG decoder refuses a header too large for its memory limit
        // without saying the size: check it first, for a message that names it.
        check_size(w, h, limits)?;
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
    if format == ImageFormat::Jpeg && zune_jpeg_misreads(bytes) {
        return decode_jpeg_with_jpeg_decoder(bytes, limits);
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
    to_image(img)
}

fn to_image(img: DynamicImage) -> Result<Image> {
    let (w, h) = (img.width(), img.height());
    match img {
        DynamicImage::ImageRgb8(b) => Image::from_rgb(w, h, b.into_raw()),
        DynamicImage::ImageRgba8(b) => Image::from_rgba(w, h, b.into_raw()),
        other if other.color().has_alpha() => Image::from_rgba(w, h, other.into_rgba8().into_raw()),
        other => Image::from_rgb(w, h, other.into_rgb8().into_raw()),
    }
}

/// True for the valid JPEGs that zune-jpeg 0.5.15 (the `image` crate's JPEG
/// decoder) decodes to wrong colors or refuses: a sequential frame coded in
/// more than one scan (non-interleaved: its first scan holds fewer components
/// than the frame), and 4-component (CMYK, YCCK) frames whose components are
/// sampled differently. Reads the header segments up to the first scan.
fn zune_jpeg_misreads(bytes: &[u8]) -> bool {
    let (mut sequential, mut components, mut sampling) = (false, 0usize, Vec::new());
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xff {
        let marker = bytes[i + 1];
        if marker == 0xff {
            i += 1;
            continue;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        let Some(seg) = bytes.get(i + 4..i + 2 + len) else { return false };
        match marker {
            0xc0..=0xc2 if seg.len() >= 6 => {
                sequential = marker != 0xc2;
                components = seg[5] as usize;
                sampling = (0..components).filter_map(|k| seg.get(7 + 3 * k).copied()).collect();
            }
            0xda => {
                let in_scan = seg.first().copied().unwrap_or(0) as usize;
                let non_interleaved = sequential && in_scan < components;
                let mixed_cmyk = components == 4 && sampling.windows(2).any(|w| w[0] != w[1]);
                return non_interleaved || mixed_cmyk;
            }
            _ => {}
        }
        i += 2 + len;
    }
    false
}

/// Decodes with the jpeg-decoder crate (slower than zune-jpeg, but right on
/// the files [`zune_jpeg_misreads`] picks). CMYK comes out as inks (Adobe's
/// inversion undone), shown as RGB the way zune-jpeg does it: (1 − C)(1 − K).
fn decode_jpeg_with_jpeg_decoder(bytes: &[u8], limits: &Limits) -> Result<Image> {
    use image::metadata::Orientation;
    use jpeg_decoder::PixelFormat;
    let corrupt = |e: jpeg_decoder::Error| {
        Error::Decode(format!("the JPEG file is corrupt: {e}").split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_alloc).unwrap_or(usize::MAX));
    decoder.read_info().map_err(corrupt)?;
    let info = decoder.info().ok_or_else(|| Error::Decode("the JPEG file has no frame header".into()))?;
    let (w, h) = (info.width as u32, info.height as u32);
    check_size(w, h, limits)?;
    let orientation = decoder.exif_data().and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    let pixels = decoder.decode().map_err(corrupt)?;
    let short = || Error::Decode("the JPEG file is corrupt: fewer pixels than its size".into());
    let mut img = match info.pixel_format {
        PixelFormat::L8 => DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, pixels).ok_or_else(short)?),
        PixelFormat::RGB24 => DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, pixels).ok_or_else(short)?),
        PixelFormat::CMYK32 => {
            let ink = |v: u8, k: u8| (((255 - v as u32) * (255 - k as u32) + 127) / 255) as u8;
            let rgb =
                pixels.chunks_exact(4).flat_map(|p| [ink(p[0], p[3]), ink(p[1], p[3]), ink(p[2], p[3])]).collect();
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, rgb).ok_or_else(short)?)
        }
        PixelFormat::L16 => {
            return Err(Error::Decode("this JPEG uses a feature cinepal cannot read: 16-bit samples".into()))
        }
    };
    img.apply_orientation(orientation);
    to_image(img)
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

/// The size a PNG's IHDR declares (signature, then IHDR as the first chunk).
fn png_ihdr_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || bytes[..8] != [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a] || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Some((be(16), be(20)))
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
