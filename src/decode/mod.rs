//! Bytes to an [`Image`], with limits against hostile files.

use std::io::{BufRead, Cursor, Read, Seek, SeekFrom};

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use crate::error::{Error, Result};
use crate::image::Image;

mod jpeg;
mod png;
mod profile;

pub use self::profile::ColorInfo;

use self::jpeg::{check_jpeg, decode_jpeg, decode_jpeg_vec};
use self::png::decode_png;

/// Decoding limits. A file whose header declares more is refused before any
/// pixel memory is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most pixels (width × height). Default 64 megapixels.
    pub max_pixels: u64,
    /// Most columns or rows. Default 65,535.
    pub max_side: u32,
    /// Most bytes a decoder may allocate. Default 768 MiB (a 64-megapixel
    /// 16-bit RGBA PNG needs 512 MiB). Until a file's header has told its
    /// size, a decoder may allocate at most [`HEADER_ALLOC`] (metadata such
    /// as an ICC profile); afterwards, at most what an image of that size can
    /// need (16 bytes a pixel plus 64 MiB) when that is less.
    pub max_alloc: u64,
    /// Largest file read. Default 640 MiB (an incompressible 64-megapixel
    /// 16-bit RGBA PNG is 512 MiB).
    pub max_file_bytes: u64,
    /// Most JPEG scans × pixels, as a multiple of `max_pixels`. Default 25:
    /// a progressive JPEG's decoding time grows with its number of scans
    /// (libjpeg writes 10, mozjpeg up to 12), so a 64-megapixel JPEG may have
    /// 25 scans and a 12-megapixel one 133.
    pub max_jpeg_scan_factor: u64,
}

/// What a decoder may allocate before the header has told the image's size.
pub const HEADER_ALLOC: u64 = 16 << 20;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_pixels: 64_000_000,
            max_side: 65_535,
            max_alloc: 768 << 20,
            max_file_bytes: 640 << 20,
            max_jpeg_scan_factor: 25,
        }
    }
}

/// The formats cinepal reads, for messages.
pub const FORMATS: &str = "PNG, JPEG, WebP, GIF or BMP";

/// Decodes PNG, JPEG, WebP, GIF (first frame) or BMP bytes, applies the EXIF
/// orientation, and returns 8-bit RGB or RGBA pixels.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Image> {
    check_file_size(bytes.len() as u64, limits)?;
    let (reader, format) = open(Cursor::new(bytes))?;
    match format {
        ImageFormat::Jpeg => {
            // Decoded in place, up to its end-of-image marker.
            let (decoder, end) = check_jpeg(bytes, limits)?;
            decode_jpeg(&bytes[..end], decoder, limits)
        }
        _ => decode_with(reader, format, limits),
    }
}

/// Like [`decode`], but reads from a stream (a buffered file, say) instead of
/// bytes in memory, so that a PNG, WebP, GIF or BMP is never held whole: the
/// decoder reads it as it goes. A JPEG is read whole (its decoders need it;
/// at most [`Limits::max_file_bytes`]) and decoded in place. The file is the
/// whole stream, from position 0. Returns the same pixels as [`decode`].
pub fn decode_stream<R: BufRead + Seek>(mut stream: R, limits: &Limits) -> Result<Image> {
    let io = |e: std::io::Error| Error::Decode(format!("the file could not be read: {e}"));
    // Decoders seek to offsets from the start of the file (BMP's pixel data):
    // the file is the stream from position 0.
    stream.seek(SeekFrom::Start(0)).map_err(io)?;
    let (reader, format) = open(stream)?;
    match format {
        ImageFormat::Jpeg => {
            // Read whole: the decoders need it in memory.
            let mut bytes = Vec::new();
            reader.into_inner().take(limits.max_file_bytes.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
            check_file_size(bytes.len() as u64, limits)?;
            decode_jpeg_vec(bytes, limits)
        }
        _ => decode_with(reader, format, limits),
    }
}

/// Like [`decode`], but takes the bytes: a JPEG's memory is then given back
/// past its end-of-image marker (junk, or a phone's appended preview) before
/// it is decoded. For a front end that reads a whole file anyway (a pipe, or
/// the bytes handed to WebAssembly).
pub fn decode_vec(bytes: Vec<u8>, limits: &Limits) -> Result<Image> {
    check_file_size(bytes.len() as u64, limits)?;
    let (reader, format) = open(Cursor::new(&bytes[..]))?;
    match format {
        ImageFormat::Jpeg => decode_jpeg_vec(bytes, limits),
        _ => decode_with(reader, format, limits),
    }
}

/// Refuses a file larger than [`Limits::max_file_bytes`].
pub fn check_file_size(bytes: u64, limits: &Limits) -> Result<()> {
    if bytes > limits.max_file_bytes {
        return Err(Error::Limits(format!(
            "the file is {:.0} MiB; the limit is {} MiB",
            (bytes as f64 / (1 << 20) as f64).ceil(),
            limits.max_file_bytes >> 20
        )));
    }
    Ok(())
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

/// The formats browsers show that cinepal does not decode itself, by their
/// first bytes: AVIF and HEIC (ISO-BMFF `ftyp` brands), JPEG XL (its
/// codestream or container signature).
fn browser_format(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xff, 0x0a]) || head.starts_with(b"\0\0\0\x0cJXL \r\n\x87\n") {
        return Some("JPEG XL");
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            b"avif" | b"avis" => Some("AVIF"),
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => Some("HEIC"),
            _ => None,
        };
    }
    None
}

/// The error for a format the browser may show: named, with where it can be read.
fn unsupported(name: &str) -> Error {
    Error::Unsupported(format!(
        "{name} images are not supported here; cinepal reads {FORMATS} (the page also reads AVIF, and HEIC or \
         JPEG XL where the browser shows them, through the browser's own decoder)"
    ))
}

/// Guesses the format from the first bytes: one cinepal reads, or an error.
fn open<R: BufRead + Seek>(mut stream: R) -> Result<(ImageReader<R>, ImageFormat)> {
    let io = |e: std::io::Error| Error::Decode(format!("the file could not be read: {e}"));
    if stream.fill_buf().map_err(io)?.is_empty() {
        return Err(Error::Decode("the file is empty".into()));
    }
    if let Some(name) = browser_format(stream.fill_buf().map_err(io)?) {
        return Err(unsupported(name));
    }
    let reader = ImageReader::new(stream).with_guessed_format().map_err(io)?;
    match reader.format() {
        Some(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif | ImageFormat::Bmp)) => {
            Ok((reader, f))
        }
        Some(ImageFormat::Avif) => Err(unsupported("AVIF")),
        Some(f) => {
            let name = f.extensions_str().first().map_or_else(|| format!("{f:?}"), |e| e.to_uppercase());
            Err(Error::Unsupported(format!("{name} images are not supported; cinepal reads {FORMATS}")))
        }
        None => Err(Error::Decode(format!("the file is not an image cinepal can read (expected {FORMATS})"))),
    }
}

fn decode_with<R: BufRead + Seek>(mut reader: ImageReader<R>, format: ImageFormat, limits: &Limits) -> Result<Image> {
    let name = format_name(format);
    if format == ImageFormat::Png {
        let stream = reader.into_inner();
        return decode_png(stream, limits);
    }
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

fn to_image(img: DynamicImage) -> Result<Image> {
    let (w, h) = (img.width(), img.height());
    match img {
        DynamicImage::ImageRgb8(b) => Image::from_rgb(w, h, b.into_raw()),
        DynamicImage::ImageRgba8(b) => Image::from_rgba(w, h, b.into_raw()),
        other if other.color().has_alpha() => Image::from_rgba(w, h, other.into_rgba8().into_raw()),
        other => Image::from_rgb(w, h, other.into_rgb8().into_raw()),
    }
}

/// Refuses an empty image, or one over the limits' sides or pixels.
pub(crate) fn check_size(w: u32, h: u32, limits: &Limits) -> Result<()> {
    if w == 0 || h == 0 {
        return Err(Error::Decode(format!("the file declares an empty image ({w}x{h}); it needs at least one pixel")));
    }
    if w.max(h) > limits.max_side {
        return Err(Error::Limits(format!("the image is {w}x{h}; the limit is {} pixels a side", limits.max_side)));
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
    use crate::Layout;

    /// A 32-bit uncompressed (BI_RGB) BMP with a V5 header declaring `alpha_mask`,
    /// bottom-up, pixels given top row first as BGRA bytes.
    fn bmp32_v5(w: u32, h: u32, bgra: &[[u8; 4]], alpha_mask: u32) -> Vec<u8> {
        let le = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
        let mut out = b"BM".to_vec();
        le(&mut out, 14 + 124 + w * h * 4);
        le(&mut out, 0);
        le(&mut out, 14 + 124);
        for v in [124, w, h] {
            le(&mut out, v);
        }
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&32u16.to_le_bytes());
        for v in [0, w * h * 4, 2835, 2835, 0, 0, 0x00ff_0000, 0x0000_ff00, 0x0000_00ff, alpha_mask] {
            le(&mut out, v); // BI_RGB, sizes, resolution, colors; the R, G, B and A masks
        }
        le(&mut out, 0x7352_4742); // bV5CSType: LCS_sRGB
        out.resize(14 + 124, 0);
        for row in bgra.chunks_exact(w as usize).rev() {
            out.extend(row.iter().flatten());
        }
        out
    }

    #[test]
    fn a_bmp_whose_header_declares_alpha_keeps_it() {
        // Top row: opaque red, half-transparent green; bottom row: transparent blue, opaque white.
        let px = [[0, 0, 255, 255], [0, 255, 0, 128], [255, 0, 0, 0], [255, 255, 255, 255]];
        let img = decode(&bmp32_v5(2, 2, &px, 0xff00_0000), &Limits::default()).unwrap();
        assert_eq!(img.layout(), Layout::Rgba8);
        assert_eq!(
            [img.rgba_at(0, 0), img.rgba_at(1, 0), img.rgba_at(0, 1), img.rgba_at(1, 1)],
            [[255, 0, 0, 255], [0, 255, 0, 128], [0, 0, 255, 0], [255, 255, 255, 255]]
        );
        // No alpha mask declared: the fourth byte is padding, the image opaque (as Windows reads it).
        let img = decode(&bmp32_v5(2, 2, &px, 0), &Limits::default()).unwrap();
        assert_eq!((img.layout(), img.rgba_at(0, 1)), (Layout::Rgb8, [0, 0, 255, 255]));
        // Declared but every alpha 0 (a writer that leaves it empty): opaque, as browsers show it.
        let empty: Vec<[u8; 4]> = px.iter().map(|p| [p[0], p[1], p[2], 0]).collect();
        let img = decode(&bmp32_v5(2, 2, &empty, 0xff00_0000), &Limits::default()).unwrap();
        assert_eq!((img.layout(), img.rgba_at(1, 0)), (Layout::Rgb8, [0, 255, 0, 255]));
    }

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

    pub(super) fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    pub(super) fn gradient(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90])))
    }

    #[test]
    fn a_stream_decodes_to_the_same_pixels_as_bytes() {
        let img = gradient(37, 23);
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP, ImageFormat::Gif, ImageFormat::Bmp] {
            let bytes = encode(&img, format);
            let from_bytes = decode(&bytes, &Limits::default()).unwrap();
            // A reader left somewhere in the file, handing out little at a time.
            let mut cursor = Cursor::new(bytes.clone());
            cursor.set_position(5);
            let from_stream = decode_stream(std::io::BufReader::with_capacity(7, cursor), &Limits::default()).unwrap();
            assert!(from_bytes == from_stream, "{format:?}: the stream decodes to other pixels");
            assert!(decode_vec(bytes, &Limits::default()).unwrap() == from_bytes, "{format:?}: decode_vec");
            assert_eq!((from_stream.width(), from_stream.height()), (37, 23), "{format:?}");
        }
        // What follows a JPEG's end (a phone's appended preview, junk) is not decoded.
        let jpeg = encode(&img, ImageFormat::Jpeg);
        let mut padded = jpeg.clone();
        padded.extend((0..5000u32).map(|i| (i * 37 % 251) as u8));
        let plain = decode(&jpeg, &Limits::default()).unwrap();
        assert!(decode(&padded, &Limits::default()).unwrap() == plain);
        let streamed = decode_stream(std::io::BufReader::with_capacity(7, Cursor::new(&padded)), &Limits::default());
        assert!(streamed.unwrap() == plain);
        assert!(decode_vec(padded, &Limits::default()).unwrap() == plain);
        let e = decode_stream(Cursor::new(Vec::new()), &Limits::default()).unwrap_err();
        assert_eq!(e, Error::Decode("the file is empty".into()));
    }

    #[test]
    fn files_over_the_size_limit_are_refused() {
        let bytes = encode(&gradient(40, 40), ImageFormat::Png);
        let small = Limits { max_file_bytes: bytes.len() as u64 - 1, ..Limits::default() };
        let e = decode(&bytes, &small).unwrap_err();
        assert!(matches!(e, Error::Limits(_)) && e.to_string().contains("the limit is 0 MiB"), "{e}");
        assert!(decode(&bytes, &Limits { max_file_bytes: bytes.len() as u64, ..small }).is_ok());
        // A JPEG stream is read whole, so it is held to the limit as it is read.
        let jpeg = encode(&gradient(40, 40), ImageFormat::Jpeg);
        let e = decode_stream(Cursor::new(&jpeg), &Limits { max_file_bytes: jpeg.len() as u64 - 1, ..small });
        assert!(matches!(e, Err(Error::Limits(_))), "{e:?}");
        assert!(check_file_size(640 << 20, &Limits::default()).is_ok());
        assert!(check_file_size((640 << 20) + 1, &Limits::default()).is_err());
    }

    #[test]
    fn sides_over_the_limit_are_refused_with_the_limit_named() {
        let bytes = encode(&gradient(300, 2), ImageFormat::Png);
        let e = decode(&bytes, &Limits { max_side: 299, ..Limits::default() }).unwrap_err();
        assert_eq!(e, Error::Limits("the image is 300x2; the limit is 299 pixels a side".into()));
    }
}
