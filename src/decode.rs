//! Bytes to an [`Image`], with limits against hostile files.

use std::io::{BufRead, Cursor, Read, Seek, SeekFrom};

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

fn decode_jpeg_vec(mut bytes: Vec<u8>, limits: &Limits) -> Result<Image> {
    let (decoder, end) = check_jpeg(&bytes, limits)?;
    if end < bytes.len() {
        bytes.truncate(end);
        bytes.shrink_to_fit();
    }
    decode_jpeg(&bytes, decoder, limits)
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

/// Guesses the format from the first bytes: one cinepal reads, or an error.
fn open<R: BufRead + Seek>(mut stream: R) -> Result<(ImageReader<R>, ImageFormat)> {
    let io = |e: std::io::Error| Error::Decode(format!("the file could not be read: {e}"));
    if stream.fill_buf().map_err(io)?.is_empty() {
        return Err(Error::Decode("the file is empty".into()));
    }
    let reader = ImageReader::new(stream).with_guessed_format().map_err(io)?;
    match reader.format() {
        Some(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif | ImageFormat::Bmp)) => {
            Ok((reader, f))
        }
        Some(f) => Err(Error::Decode(format!("{f:?} images are not supported; cinepal reads {FORMATS}"))),
        None => Err(Error::Decode(format!("the file is not an image cinepal can read (expected {FORMATS})"))),
    }
}

/// Which decoder reads a JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JpegDecoder {
    /// zune-jpeg, inside `image`: fast, and right on nearly every file.
    Zune,
    /// jpeg-decoder, for the files zune-jpeg misreads ([`zune_jpeg_misreads`]).
    JpegDecoder,
}

/// Refuses a truncated JPEG, or one whose size or number of scans is over the
/// limits, before decoding; picks the decoder, and says where the image ends.
fn check_jpeg(bytes: &[u8], limits: &Limits) -> Result<(JpegDecoder, usize)> {
    let Some((scans, end)) = jpeg_scans(bytes) else {
        // The decoder would fill the missing blocks with gray, and gray would
        // become a swatch: refuse instead.
        return Err(Error::Decode("the JPEG file is truncated (it ends before its end-of-image marker)".into()));
    };
    if let Some((w, h)) = jpeg_frame_size(bytes) {
        check_size(w, h, limits)?;
        let work = (w as u64 * h as u64).saturating_mul(scans);
        if work > limits.max_pixels.saturating_mul(limits.max_jpeg_scan_factor) {
            return Err(Error::Limits(format!(
                "the JPEG is {w}x{h} in {scans} scans, each a pass over the image: too much work to decode; \
                 the limit is {} scans of {:.1} megapixels",
                limits.max_jpeg_scan_factor,
                limits.max_pixels as f64 / 1e6
            )));
        }
    }
    Ok((if zune_jpeg_misreads(bytes) { JpegDecoder::JpegDecoder } else { JpegDecoder::Zune }, end))
}

/// Decodes a JPEG held in memory (`bytes`, up to its end-of-image marker).
fn decode_jpeg(bytes: &[u8], decoder: JpegDecoder, limits: &Limits) -> Result<Image> {
    match decoder {
        JpegDecoder::Zune => decode_jpeg_with_zune(bytes, limits),
        JpegDecoder::JpegDecoder => decode_jpeg_with_jpeg_decoder(bytes, limits),
    }
}

/// Decodes with zune-jpeg straight from `bytes` (the `image` crate's JPEG
/// decoder would copy them first: at 640 MiB, that copy is the largest
/// buffer). Colors as `image` asks zune-jpeg for them: gray and RGB(A) as they
/// are, everything else (YCbCr, CMYK, YCCK) converted to RGB.
fn decode_jpeg_with_zune(bytes: &[u8], limits: &Limits) -> Result<Image> {
    use image::metadata::Orientation;
    use zune_core::colorspace::ColorSpace;
    let side = limits.max_side as usize;
    let options =
        zune_core::options::DecoderOptions::default().set_strict_mode(false).set_max_width(side).set_max_height(side);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(zune_core::bytestream::ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(|e| zune_error(e, limits))?;
    let (w, h) = decoder.dimensions().ok_or_else(|| Error::Decode("the JPEG file has no frame header".into()))?;
    let (w, h) = (w as u32, h as u32);
    check_size(w, h, limits)?;
    let out = match decoder.input_colorspace() {
        Some(c @ (ColorSpace::RGB | ColorSpace::RGBA | ColorSpace::Luma | ColorSpace::LumaA)) => c,
        _ => ColorSpace::RGB,
    };
    decoder.set_options(decoder.options().jpeg_set_out_colorspace(out));
    let orientation =
        decoder.exif().and_then(|exif| Orientation::from_exif_chunk(exif)).unwrap_or(Orientation::NoTransforms);
    let pixels = decoder.decode().map_err(|e| zune_error(e, limits))?;
    let short = || Error::Decode("the JPEG file is corrupt: fewer pixels than its size".into());
    let mut img = match out {
        ColorSpace::Luma => DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, pixels).ok_or_else(short)?),
        ColorSpace::LumaA => {
            DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_raw(w, h, pixels).ok_or_else(short)?)
        }
        ColorSpace::RGBA => DynamicImage::ImageRgba8(image::RgbaImage::from_raw(w, h, pixels).ok_or_else(short)?),
        _ => DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, pixels).ok_or_else(short)?),
    };
    img.apply_orientation(orientation);
    to_image(img)
}

fn zune_error(e: zune_jpeg::errors::DecodeErrors, limits: &Limits) -> Error {
    use zune_jpeg::errors::DecodeErrors;
    let one_line = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match e {
        DecodeErrors::Unsupported(u) => {
            Error::Decode(one_line(format!("this JPEG uses a feature cinepal cannot read: {u:?}")))
        }
        DecodeErrors::LargeDimensions(_) => {
            Error::Limits(format!("the JPEG is larger than {} pixels a side, the limit", limits.max_side))
        }
        DecodeErrors::ExhaustedData => {
            Error::Decode("the JPEG file is truncated (it ends before the image data does)".into())
        }
        other => Error::Decode(one_line(format!("the JPEG file is corrupt: {other}"))),
    }
}

fn decode_with<R: BufRead + Seek>(mut reader: ImageReader<R>, format: ImageFormat, limits: &Limits) -> Result<Image> {
    let name = format_name(format);
    if format == ImageFormat::Png {
        let stream = reader.into_inner();
        return decode_png(stream, limits);
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
    to_image(img)
}

/// Decodes a PNG a row at a time into 8-bit RGB or RGBA: a 16-bit PNG's
/// samples (twice the size of the 8-bit image) are never held whole. Gray
/// becomes RGB, 16-bit samples are rounded to 8 bits (`(v + 128) / 257`, as
/// the `image` crate does), palettes and `tRNS` are expanded by the png crate.
fn decode_png<R: BufRead + Seek>(stream: R, limits: &Limits) -> Result<Image> {
    let fail = |e: png::DecodingError| png_error(e, limits);
    let budget = usize::try_from(limits.max_alloc.min(HEADER_ALLOC)).unwrap_or(usize::MAX);
    let mut decoder = png::Decoder::new_with_limits(stream, png::Limits { bytes: budget });
    decoder.set_transformations(png::Transformations::EXPAND);
    let header = decoder.read_header_info().map_err(fail)?;
    check_size(header.width, header.height, limits)?;
    let mut reader = decoder.read_info().map_err(fail)?;
    let (w, h) = (reader.info().width, reader.info().height);
    let (color, depth) = reader.output_color_type();
    let channels = color.samples();
    let alpha = matches!(color, png::ColorType::GrayscaleAlpha | png::ColorType::Rgba);
    let out_channels = if alpha { 4 } else { 3 };
    let stride = w as usize * out_channels;
    let size = stride as u64 * h as u64;
    if size > limits.max_alloc {
        return Err(Error::Limits(format!(
            "the PNG needs {} MiB of memory; the limit is {} MiB",
            size >> 20,
            limits.max_alloc >> 20
        )));
    }
    let mut out = Vec::new();
    out.try_reserve_exact(size as usize)
        .map_err(|_| Error::Limits(format!("there is not enough memory for a {w}x{h} image ({} MiB)", size >> 20)))?;
    out.resize(size as usize, 0);
    let sixteen = depth == png::BitDepth::Sixteen;
    let mut row8 = vec![0; stride];
    let mut line = 0;
    while let Some(row) = reader.next_interlaced_row().map_err(fail)? {
        match row.interlace() {
            png::InterlaceInfo::Adam7(pass) => {
                let n = row.data().len() / (channels * if sixteen { 2 } else { 1 }) * out_channels;
                convert_png_row(row.data(), &mut row8[..n], channels, sixteen);
                png::expand_interlaced_row(&mut out, stride, &row8[..n], pass, (out_channels * 8) as u8)
            }
            png::InterlaceInfo::Null(_) => {
                if let Some(dest) = out.get_mut(line * stride..(line + 1) * stride) {
                    convert_png_row(row.data(), dest, channels, sixteen);
                }
                line += 1;
            }
        }
    }
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .and_then(image::metadata::Orientation::from_exif_chunk)
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = if alpha {
        DynamicImage::ImageRgba8(image::RgbaImage::from_raw(w, h, out).expect("sized above"))
    } else {
        DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, out).expect("sized above"))
    };
    img.apply_orientation(orientation);
    to_image(img)
}

/// One row of `channels` samples a pixel (8 or 16 bits, big-endian) to 8-bit
/// RGB (gray repeated) or RGBA.
fn convert_png_row(src: &[u8], dst: &mut [u8], channels: usize, sixteen: bool) {
    if !sixteen && channels >= 3 {
        dst.copy_from_slice(&src[..dst.len()]);
        return;
    }
    let step = if sixteen { 2 } else { 1 };
    let sample = |px: &[u8], i: usize| {
        if sixteen {
            ((u16::from_be_bytes([px[2 * i], px[2 * i + 1]]) as u32 + 128) / 257) as u8
        } else {
            px[i]
        }
    };
    match channels {
        1 => src.chunks_exact(step).zip(dst.chunks_exact_mut(3)).for_each(|(p, d)| d.fill(sample(p, 0))),
        2 => src.chunks_exact(2 * step).zip(dst.chunks_exact_mut(4)).for_each(|(p, d)| {
            let g = sample(p, 0);
            d.copy_from_slice(&[g, g, g, sample(p, 1)]);
        }),
        _ => src.chunks_exact(channels * step).zip(dst.chunks_exact_mut(channels)).for_each(|(p, d)| {
            for (i, v) in d.iter_mut().enumerate() {
                *v = sample(p, i);
            }
        }),
    }
}

fn png_error(e: png::DecodingError, limits: &Limits) -> Error {
    let one_line = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match e {
        png::DecodingError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("the PNG file is truncated (it ends before the image data does)".into())
        }
        png::DecodingError::IoError(io) => Error::Decode(one_line(format!("the file could not be read: {io}"))),
        png::DecodingError::LimitsExceeded => Error::Limits(format!(
            "the PNG's metadata (what comes before the pixels, such as a color profile) needs more than \
             the {} MiB allowed for it",
            limits.max_alloc.min(HEADER_ALLOC) >> 20
        )),
        other => Error::Decode(one_line(format!("the PNG file is corrupt: {other}"))),
    }
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
    for (marker, seg, _) in jpeg_segments(bytes) {
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
    }
    false
}

/// A JPEG's header segments, in order, up to and including its first
/// start-of-scan (or an end-of-image before it): the marker, its payload
/// (empty for the markers that stand alone) and where the segment ends. As
/// zune-jpeg does, bytes that are not a marker where one should be are
/// skipped, and so are fill bytes (`FF`) and zeros between a marker's `FF`
/// and its code; a segment cut short ends the walk.
fn jpeg_segments(bytes: &[u8]) -> impl Iterator<Item = (u8, &[u8], usize)> {
    let (mut i, mut done) = (2, false);
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        i += memchr_ff(bytes.get(i..)?)?;
        let mut m = i + 1;
        while matches!(bytes.get(m), Some(0xff | 0x00)) {
            m += 1;
        }
        let marker = *bytes.get(m)?;
        if matches!(marker, 0x01 | 0xd0..=0xd9) {
            i = m + 1;
            done = marker == 0xd9;
            return Some((marker, &bytes[..0], i));
        }
        let len = u16::from_be_bytes([*bytes.get(m + 1)?, *bytes.get(m + 2)?]) as usize;
        let seg = bytes.get(m + 3..m + 1 + len)?;
        i = m + 1 + len;
        done = marker == 0xda;
        Some((marker, seg, i))
    })
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

/// The number of scans of a JPEG's first image and where it ends (after its
/// end-of-image marker), or `None` when it has no end-of-image marker after
/// its first scan (a truncated file). Walks the
/// header segments (an EXIF thumbnail inside APP1 has markers of its own) to
/// the first start-of-scan, then counts `FF DA` up to `FF D9`, which
/// entropy-coded data cannot contain (a data `FF` is always followed by `00`
/// or a restart marker). What follows the end-of-image marker (the preview
/// images phones append) is not counted.
fn jpeg_scans(bytes: &[u8]) -> Option<(u64, usize)> {
    let (marker, _, mut j) = jpeg_segments(bytes).find(|(marker, _, _)| matches!(marker, 0xda | 0xd9))?;
    if marker == 0xd9 {
        return Some((1, j)); // no scan: let the decoder say what is wrong
    }
    let mut scans = 1;
    while let Some(k) = memchr_ff(&bytes[j..]) {
        j += k;
        match bytes.get(j + 1) {
            Some(0xd9) => return Some((scans, j + 2)),
            Some(0xda) => scans += 1,
            None => return None,
            _ => {}
        }
        j += 1;
    }
    None
}

fn memchr_ff(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0xff)
}

/// The width and height of a JPEG's first frame header (SOF0–SOF15).
fn jpeg_frame_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let (_, seg, _) = jpeg_segments(bytes)
        .find(|(marker, _, _)| matches!(marker, 0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc)))?;
    let be = |k: usize| seg.get(k..k + 2).map(|b| u16::from_be_bytes([b[0], b[1]]) as u32);
    Some((be(3)?, be(1)?))
}

fn check_size(w: u32, h: u32, limits: &Limits) -> Result<()> {
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

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    fn gradient(w: u32, h: u32) -> DynamicImage {
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

    fn progressive_jpeg(w: u16, h: u16) -> Vec<u8> {
        let rgb: Vec<u8> = (0..w as usize * h as usize).flat_map(|i| [(i * 3) as u8, (i / 7) as u8, 40]).collect();
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.set_progressive(true);
        enc.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    }

    #[test]
    fn jpeg_scans_are_counted_to_the_end_of_the_first_image() {
        let baseline = encode(&gradient(40, 30), ImageFormat::Jpeg);
        assert_eq!(jpeg_scans(&baseline), Some((1, baseline.len())));
        assert_eq!(jpeg_frame_size(&baseline), Some((40, 30)));
        let progressive = progressive_jpeg(40, 30);
        let (scans, end) = jpeg_scans(&progressive).unwrap();
        assert_eq!(end, progressive.len());
        let sos = progressive.windows(2).filter(|w| w == &[0xff, 0xda]).count() as u64;
        assert!(scans > 1 && scans == sos, "{scans} scans, {sos} SOS markers");
        // A phone's appended preview (a whole JPEG after the end-of-image) is not counted.
        let mut with_preview = baseline.clone();
        with_preview.extend(&progressive);
        assert_eq!(jpeg_scans(&with_preview), Some((1, baseline.len())));
        assert_eq!(jpeg_scans(&progressive[..progressive.len() - 2]), None, "no EOI: truncated");
    }

    /// `jpeg` with `junk` inserted before its second header segment.
    fn with_junk_before_a_marker(jpeg: &[u8], junk: &[u8]) -> Vec<u8> {
        let second = 4 + u16::from_be_bytes([jpeg[4], jpeg[5]]) as usize;
        [&jpeg[..second], junk, &jpeg[second..]].concat()
    }

    #[test]
    fn junk_between_header_segments_is_skipped_as_the_decoders_do() {
        // Found by fuzzing: a CMYK JPEG whose components are sampled differently
        // (which zune-jpeg cannot decode: its AVX2 upsampler panics), with a byte
        // of junk before a marker. The header walk stopped there, so the file
        // went to zune-jpeg instead of jpeg-decoder.
        let cmyk: Vec<u8> = (0..16 * 16 * 4).map(|i| (i * 7 % 256) as u8).collect();
        let mut jpeg = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut jpeg, 90);
        enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        enc.encode(&cmyk, 16, 16, jpeg_encoder::ColorType::Cmyk).unwrap();
        for junk in [&b"\x14"[..], b"junk", b"\xff\x00\x00"] {
            let bytes = with_junk_before_a_marker(&jpeg, junk);
            assert_eq!(jpeg_frame_size(&bytes), Some((16, 16)), "{junk:?}");
            assert_eq!(jpeg_scans(&bytes), Some((1, bytes.len())), "{junk:?}");
            assert_eq!(check_jpeg(&bytes, &Limits::default()).unwrap().0, JpegDecoder::JpegDecoder, "{junk:?}");
            let clean = decode(&jpeg, &Limits::default()).unwrap();
            assert!(decode(&bytes, &Limits::default()).unwrap() == clean, "{junk:?}");
        }
    }

    #[test]
    fn jpegs_with_too_many_scans_for_their_size_are_refused() {
        let progressive = progressive_jpeg(40, 30);
        let (scans, _) = jpeg_scans(&progressive).unwrap();
        // Allow exactly scans × pixels, then one scan fewer.
        let enough = Limits { max_pixels: 1200, max_jpeg_scan_factor: scans, ..Limits::default() };
        assert!(decode(&progressive, &enough).is_ok());
        let e = decode(&progressive, &Limits { max_jpeg_scan_factor: scans - 1, ..enough }).unwrap_err();
        assert!(matches!(e, Error::Limits(_)) && e.to_string().contains(&format!("in {scans} scans")), "{e}");
        let e = decode_stream(Cursor::new(&progressive), &Limits { max_jpeg_scan_factor: scans - 1, ..enough });
        assert!(matches!(e, Err(Error::Limits(_))), "{e:?}");
        // A baseline JPEG is one scan: fine at a factor of 1.
        let baseline = encode(&gradient(40, 30), ImageFormat::Jpeg);
        assert!(decode(&baseline, &Limits { max_jpeg_scan_factor: 1, ..enough }).is_ok());
    }

    /// A PNG written by the png crate: `w × h`, the given color type and depth,
    /// sample bytes from a fixed pseudo-random sequence, an optional tRNS and
    /// eXIf chunk, Adam7 interlaced or not.
    fn png_with(
        (w, h): (u32, u32),
        color: png::ColorType,
        depth: png::BitDepth,
        trns: Option<&[u8]>,
        exif: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut info = png::Info::with_size(w, h);
        info.color_type = color;
        info.bit_depth = depth;
        info.exif_metadata = exif.map(|e| e.to_vec().into());
        if color == png::ColorType::Indexed {
            info.palette = Some((0..=255u8).flat_map(|i| [i, i.wrapping_mul(7), 255 - i]).collect::<Vec<_>>().into());
        }
        info.trns = trns.map(|t| t.to_vec().into());
        let mut out = Vec::new();
        let mut writer = png::Encoder::with_info(&mut out, info).unwrap().write_header().unwrap();
        let bits = color.samples() * depth as usize;
        let len = (w as usize * bits).div_ceil(8) * h as usize;
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let data: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect();
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    /// What the `image` crate makes of the same PNG, for comparison.
    fn reference(bytes: &[u8]) -> Image {
        let mut decoder = image::codecs::png::PngDecoder::new(Cursor::new(bytes)).unwrap();
        let orientation = decoder.orientation().unwrap();
        let mut img = DynamicImage::from_decoder(decoder).unwrap();
        img.apply_orientation(orientation);
        to_image(img).unwrap()
    }

    #[test]
    fn pngs_decoded_a_row_at_a_time_equal_the_image_crates_decoding() {
        use png::{BitDepth::*, ColorType::*};
        let cases: &[(png::ColorType, png::BitDepth, Option<&[u8]>)] = &[
            (Grayscale, One, None),
            (Grayscale, Four, None),
            (Grayscale, Eight, None),
            (Grayscale, Eight, Some(&[0, 77])),
            (Grayscale, Sixteen, None),
            (Grayscale, Sixteen, Some(&[0x12, 0x34])),
            (GrayscaleAlpha, Eight, None),
            (GrayscaleAlpha, Sixteen, None),
            (Rgb, Eight, None),
            (Rgb, Eight, Some(&[0, 1, 0, 2, 0, 3])),
            (Rgb, Sixteen, None),
            (Rgb, Sixteen, Some(&[1, 2, 3, 4, 5, 6])),
            (Rgba, Eight, None),
            (Rgba, Sixteen, None),
            (Indexed, Two, None),
            (Indexed, Eight, Some(&[0, 128, 255, 3])),
        ];
        for &(color, depth, trns) in cases {
            let bytes = png_with((13, 7), color, depth, trns, None);
            let ours = decode(&bytes, &Limits::default()).unwrap();
            assert!(
                ours == reference(&bytes),
                "{color:?} {depth:?} tRNS {trns:?}: other pixels than the image crate's"
            );
            let has_alpha = matches!(color, GrayscaleAlpha | Rgba) || trns.is_some();
            assert_eq!(ours.layout() == crate::Layout::Rgba8, has_alpha, "{color:?} {depth:?} tRNS {trns:?}");
        }
        // EXIF orientation 6 (rotate 90° clockwise): 13×7 shown as 7×13.
        let exif = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0";
        let bytes = png_with((13, 7), Rgb, Sixteen, None, Some(exif));
        let ours = decode(&bytes, &Limits::default()).unwrap();
        assert_eq!((ours.width(), ours.height()), (7, 13));
        assert!(ours == reference(&bytes), "EXIF-rotated 16-bit PNG: other pixels than the image crate's");
    }

    #[test]
    fn jpegs_decoded_in_place_equal_the_image_crates_decoding() {
        use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
        let (w, h) = (21u16, 13u16);
        let pixels = |channels: usize| -> Vec<u8> {
            (0..w as usize * h as usize * channels).map(|i| ((i * 37) % 251) as u8).collect()
        };
        let cases: [(&str, ColorType, usize, bool); 5] = [
            ("RGB", ColorType::Rgb, 3, false),
            ("RGB progressive", ColorType::Rgb, 3, true),
            ("gray", ColorType::Luma, 1, false),
            ("CMYK", ColorType::Cmyk, 4, false),
            ("YCCK progressive", ColorType::CmykAsYcck, 4, true),
        ];
        for (name, color, channels, progressive) in cases {
            let mut bytes = Vec::new();
            let mut enc = Encoder::new(&mut bytes, 90);
            enc.set_progressive(progressive);
            enc.set_sampling_factor(SamplingFactor::F_1_1);
            enc.encode(&pixels(channels), w, h, color).unwrap();
            assert_eq!(check_jpeg(&bytes, &Limits::default()).unwrap(), (JpegDecoder::Zune, bytes.len()), "{name}");
            let ours = decode(&bytes, &Limits::default()).unwrap();
            let theirs = to_image(image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap()).unwrap();
            assert!(ours == theirs, "{name}: other pixels than the image crate's");
        }
    }
}
