//! Bytes to an [`Image`], with limits against hostile files.

use std::io::{BufRead, Cursor, Read, Seek, SeekFrom};

use image::{DynamicImage, ImageFormat, ImageReader};

use crate::error::{Error, Result};
use crate::image::Image;

mod frames;
mod jpeg;
#[cfg(feature = "all-formats")]
mod other;
mod png;
mod profile;

pub use self::frames::ImageStream;
pub use self::profile::{is_srgb_profile, ColorInfo};

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
            let name = f.extensions_str().first().map_or_else(|| format!("{f:?}"), |e| e.to_ascii_uppercase());
            Err(Error::Unsupported(format!("{name} images are not supported; cinepal reads {FORMATS}")))
        }
        None => Err(Error::Decode(format!("the file is not an image cinepal can read (expected {FORMATS})"))),
    }
}

fn decode_with<R: BufRead + Seek>(reader: ImageReader<R>, format: ImageFormat, limits: &Limits) -> Result<Image> {
    let name = format_name(format);
    if format == ImageFormat::Png {
        let stream = reader.into_inner();
        return decode_png(stream, limits);
    }
    #[cfg(feature = "all-formats")]
    return other::decode_other(reader, format, name, limits);
    #[cfg(not(feature = "all-formats"))]
    {
        let _ = reader;
        Err(needs_full(name))
    }
}

/// Refuses, in a build without the `all-formats` feature (the page's first
/// module), a file in a format it leaves out (WebP, GIF, BMP, the JPEGs
/// zune-jpeg misreads): once its header is read, before any pixel is decoded,
/// so that the module with every feature decodes it.
#[cfg(not(feature = "all-formats"))]
fn needs_full(name: &str) -> Error {
    Error::NeedsFull(format!("this {name} file needs the module that reads every format"))
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
