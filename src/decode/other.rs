//! WebP, GIF and BMP, through the `image` crate's decoders (the feature
//! `all-formats`: the page's first module leaves them out).

use std::io::{BufRead, Read, Seek, SeekFrom};

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use super::profile::{self, ColorInfo};
use super::{check_size, to_image, Limits, HEADER_ALLOC};
use crate::error::{Error, Result};
use crate::image::Image;

/// WebP, GIF and BMP, through the `image` crate's decoders.
pub(super) fn decode_other<R: BufRead + Seek>(
    mut reader: ImageReader<R>,
    format: ImageFormat,
    name: &str,
    limits: &Limits,
) -> Result<Image> {
    // A BMP's embedded profile (V5 header) and declared alpha, which the `image` crate does not read.
    let (mut bmp_colors, mut bmp_alpha) = (None, None);
    if format == ImageFormat::Bmp {
        let mut stream = reader.into_inner();
        bmp_colors = Some(match bmp_profile(&mut stream) {
            Ok(icc) => ColorInfo { icc, ..ColorInfo::default() },
            Err(why) => ColorInfo { icc_error: Some(why), ..ColorInfo::default() },
        });
        bmp_alpha = bmp_declared_alpha(&mut stream, limits);
        stream.seek(SeekFrom::Start(0)).map_err(|e| Error::Decode(format!("the file could not be read: {e}")))?;
        reader = ImageReader::with_format(stream, ImageFormat::Bmp);
    }
    let mut l = image::Limits::default();
    l.max_image_width = Some(limits.max_side);
    l.max_image_height = Some(limits.max_side);
    // Until the header tells the size, only metadata is read: a small budget,
    // so a PNG whose ICC profile inflates to gigabytes is refused early.
    l.max_alloc = Some(limits.max_alloc.min(HEADER_ALLOC));
    reader.limits(l.clone());
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        ImageError::Limits(l) if l.kind() == image::error::LimitErrorKind::InsufficientMemory => {
            Error::Limits(format!(
                "the {name}'s metadata (what comes before the pixels, such as a color profile) needs more than \
             the {} MiB allowed for it",
                HEADER_ALLOC >> 20
            ))
        }
        e => map_error(e, name, limits),
    })?;
    let (w, h) = decoder.dimensions();
    check_size(w, h, limits)?;
    // The header's size is now known: allow the decoder only what an image of
    // that size can need (16 bytes a pixel covers 16-bit RGBA plus the 8-bit
    // copy), so a frame larger than its GIF screen cannot take the whole budget.
    let mut tight = l;
    let need = (w as u64 * h as u64).saturating_mul(16).saturating_add(64 << 20);
    tight.max_alloc = Some(limits.max_alloc.min(need));
    decoder.set_limits(tight).map_err(|e| map_error(e, name, limits))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let colors = match (bmp_colors, decoder.icc_profile()) {
        (Some(bmp), _) => bmp,
        (None, Ok(icc)) => ColorInfo { icc, ..ColorInfo::default() },
        (None, Err(e)) => ColorInfo { icc_error: Some(e.to_string()), ..ColorInfo::default() },
    };
    profile::check(&colors)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(l)
            if l.kind() == image::error::LimitErrorKind::InsufficientMemory && need < limits.max_alloc =>
        {
            Error::Limits(format!(
                "the {name} is {w}x{h} but needs more memory than an image of that size can ({} MiB): \
                 a frame larger than the image, refused",
                need >> 20
            ))
        }
        e => map_error(e, name, limits),
    })?;
    img.apply_orientation(orientation);
    if let Some(alpha) = bmp_alpha.filter(|a| a.len() as u64 == img.width() as u64 * img.height() as u64) {
        let mut rgba = img.into_rgba8();
        for (p, a) in rgba.pixels_mut().zip(alpha) {
            p.0[3] = a;
        }
        img = DynamicImage::ImageRgba8(rgba);
    }
    let mut img = to_image(img)?;
    profile::to_srgb(&mut img, &colors);
    Ok(img)
}

/// The ICC profile embedded in a BMP with a V5 header (`bV5CSType` is
/// `PROFILE_EMBEDDED`; the profile lies `bV5ProfileData` bytes after the
/// header's start), or why it cannot be read. Linked profiles (a file name)
/// and calibrated endpoints are not read.
fn bmp_profile<R: Read + Seek>(s: &mut R) -> std::result::Result<Option<Vec<u8>>, String> {
    const PROFILE_EMBEDDED: u32 = 0x4d42_4544; // "MBED"
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let mut head = [0u8; 14 + 124];
    if s.seek(SeekFrom::Start(0)).is_err() || s.read_exact(&mut head).is_err() {
        return Ok(None);
    }
    if u32_at(&head, 14) < 124 || u32_at(&head, 14 + 56) != PROFILE_EMBEDDED {
        return Ok(None);
    }
    let (offset, size) = (u32_at(&head, 14 + 112) as u64, u32_at(&head, 14 + 116) as u64);
    if size == 0 {
        return Ok(None);
    }
    if size > HEADER_ALLOC {
        return Err(format!("it declares {} MiB, over the {} MiB allowed", size >> 20, HEADER_ALLOC >> 20));
    }
    let mut icc = Vec::new();
    let read = s.seek(SeekFrom::Start(14 + offset)).and_then(|_| s.take(size).read_to_end(&mut icc));
    if read.is_err() || (icc.len() as u64) < size {
        return Err(format!("the file ends {} bytes into its {size}", icc.len()));
    }
    Ok(Some(icc))
}

/// The alpha of a 32-bit uncompressed (BI_RGB) BMP whose V3, V4 or V5 header
/// declares an alpha mask, row by row from the top; `None` when it declares
/// none, or every pixel's alpha is 0 (a writer that declares alpha but
/// leaves it empty: shown opaque, as browsers show it). The `image` crate
/// reads alpha only from BI_BITFIELDS files.
fn bmp_declared_alpha<R: Read + Seek>(s: &mut R, limits: &Limits) -> Option<Vec<u8>> {
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let mut head = [0u8; 14 + 56];
    s.seek(SeekFrom::Start(0)).ok()?;
    s.read_exact(&mut head).ok()?;
    let (offset, header) = (u32_at(&head, 10) as u64, u32_at(&head, 14));
    let (w, h) = (u32_at(&head, 18) as i32, u32_at(&head, 22) as i32);
    let (bits, compression, mask) =
        (u16::from_le_bytes([head[28], head[29]]), u32_at(&head, 30), u32_at(&head, 14 + 52));
    if header < 56 || bits != 32 || compression != 0 || mask == 0 || w <= 0 || h == 0 {
        return None;
    }
    let (w, rows) = (w as u64, h.unsigned_abs() as u64);
    if w * rows > limits.max_pixels {
        return None;
    }
    let (shift, top) = (mask.trailing_zeros(), (mask >> mask.trailing_zeros()) as u64);
    let mut alpha = Vec::with_capacity((w * rows) as usize);
    let mut row = vec![0u8; (w * 4) as usize];
    s.seek(SeekFrom::Start(offset)).ok()?;
    for _ in 0..rows {
        s.read_exact(&mut row).ok()?;
        alpha.extend(row.chunks_exact(4).map(|p| {
            let v = ((u32::from_le_bytes([p[0], p[1], p[2], p[3]]) & mask) >> shift) as u64;
            (v * 255 / top) as u8
        }));
    }
    if alpha.iter().all(|&a| a == 0) {
        return None;
    }
    if h > 0 {
        // Bottom-up rows: the file's first row is the image's last.
        let mut flipped = Vec::with_capacity(alpha.len());
        for r in alpha.chunks_exact(w as usize).rev() {
            flipped.extend_from_slice(r);
        }
        alpha = flipped;
    }
    Some(alpha)
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
