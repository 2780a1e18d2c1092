//! JPEG: the header walk (segments, scans, frame size), the checks before decoding, and the two decoders.

use image::DynamicImage;

#[cfg(feature = "all-formats")]
use super::profile::cmyk_to_srgb;
use super::profile::{check, to_srgb, ColorInfo};
use super::{check_size, to_image, Limits};
use crate::error::{Error, Result};
use crate::image::Image;

pub(super) fn decode_jpeg_vec(mut bytes: Vec<u8>, limits: &Limits) -> Result<Image> {
    let (decoder, end) = check_jpeg(&bytes, limits)?;
    if end < bytes.len() {
        bytes.truncate(end);
        bytes.shrink_to_fit();
    }
    decode_jpeg(&bytes, decoder, limits)
}

/// Which decoder reads a JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JpegDecoder {
    /// zune-jpeg, inside `image`: fast, and right on nearly every file.
    Zune,
    /// jpeg-decoder, for the files zune-jpeg misreads ([`zune_jpeg_misreads`]).
    JpegDecoder,
}

/// Refuses a truncated JPEG, or one whose size or number of scans is over the
/// limits, before decoding; picks the decoder, and says where the image ends.
pub(super) fn check_jpeg(bytes: &[u8], limits: &Limits) -> Result<(JpegDecoder, usize)> {
    let Some((scans, end)) = jpeg_scans(bytes) else {
        // The decoder would fill the missing blocks with gray, and gray would
        // become a swatch: refuse instead.
        return Err(Error::Decode("the JPEG file is truncated (it ends before its end-of-image marker)".into()));
    };
    if let Some(what) = jpeg_coding_not_read(bytes) {
        return Err(unsupported(what));
    }
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
pub(super) fn decode_jpeg(bytes: &[u8], decoder: JpegDecoder, limits: &Limits) -> Result<Image> {
    match decoder {
        JpegDecoder::Zune => decode_jpeg_with_zune(bytes, limits),
        #[cfg(feature = "all-formats")]
        JpegDecoder::JpegDecoder => decode_jpeg_with_jpeg_decoder(bytes, limits),
        #[cfg(not(feature = "all-formats"))]
        JpegDecoder::JpegDecoder => Err(super::needs_full("JPEG")),
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
    let colors = jpeg_colors(bytes, decoder.icc_profile());
    check(&colors)?;
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
    let mut img = to_image(img)?;
    to_srgb(&mut img, &colors);
    Ok(img)
}

/// A JPEG's color information: its ICC profile as the decoder put it
/// together from its APP2 segments, or why there is none although segments
/// are there (numbered inconsistently: missing, repeated or zero).
fn jpeg_colors(bytes: &[u8], icc: Option<Vec<u8>>) -> ColorInfo {
    let segments = || jpeg_segments(bytes).any(|(marker, seg, _)| marker == 0xe2 && seg.starts_with(b"ICC_PROFILE\0"));
    let icc_error = (icc.is_none() && segments()).then(|| "its segments are numbered inconsistently".to_string());
    ColorInfo { icc, icc_error, ..ColorInfo::default() }
}

/// A valid JPEG that uses a coding cinepal does not decode (`what`): the page
/// then hands it to the browser, as it does AVIF.
fn unsupported(what: &str) -> Error {
    Error::Unsupported(format!(
        "this JPEG uses {what}, which cinepal does not decode; the page reads such files through the browser"
    ))
}

fn zune_error(e: zune_jpeg::errors::DecodeErrors, limits: &Limits) -> Error {
    use zune_jpeg::errors::DecodeErrors;
    let one_line = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match e {
        DecodeErrors::Unsupported(u) => {
            use zune_jpeg::errors::UnsupportedSchemes::*;
            unsupported(match u {
                ExtendedSequentialHuffman => "extended sequential coding (12-bit samples)",
                LosslessHuffman | LosslessArithmetic => "lossless coding",
                ExtendedSequentialDctArithmetic | ProgressiveDctArithmetic => "arithmetic coding",
            })
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

/// True for the valid JPEGs that zune-jpeg 0.5.15 (the `image` crate's JPEG
/// decoder) decodes to wrong colors or refuses: a sequential frame coded in
/// more than one scan (non-interleaved: its first scan holds fewer components
/// than the frame), and 4-component (CMYK, YCCK) frames whose components are
/// sampled differently. Reads the header segments up to the first scan.
fn zune_jpeg_misreads(bytes: &[u8]) -> bool {
    let (mut sequential, mut components, mut sampling, mut cmyk_profile) = (false, 0usize, Vec::new(), false);
    for (marker, seg, _) in jpeg_segments(bytes) {
        match marker {
            // The first segment of an ICC profile for CMYK (its color space at byte 16).
            0xe2 if seg.starts_with(b"ICC_PROFILE\0\x01") && seg.get(14 + 16..14 + 20) == Some(b"CMYK") => {
                cmyk_profile = true;
            }
            0xc0..=0xc2 if seg.len() >= 6 => {
                sequential = marker != 0xc2;
                components = seg[5] as usize;
                sampling = (0..components).filter_map(|k| seg.get(7 + 3 * k).copied()).collect();
            }
            0xda => {
                let in_scan = seg.first().copied().unwrap_or(0) as usize;
                let non_interleaved = sequential && in_scan < components;
                let mixed_cmyk = components == 4 && sampling.windows(2).any(|w| w[0] != w[1]);
                // (jpeg-decoder gives a CMYK file's inks, which its profile converts.)
                return non_interleaved || mixed_cmyk || (components == 4 && cmyk_profile);
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

#[cfg(feature = "all-formats")]
/// Decodes with the jpeg-decoder crate (slower than zune-jpeg, but right on
/// the files [`zune_jpeg_misreads`] picks). CMYK comes out as inks (Adobe's
/// inversion undone), shown as RGB the way zune-jpeg does it: (1 − C)(1 − K).
fn decode_jpeg_with_jpeg_decoder(bytes: &[u8], limits: &Limits) -> Result<Image> {
    use image::metadata::Orientation;
    use jpeg_decoder::PixelFormat;
    let corrupt = |e: jpeg_decoder::Error| {
        use jpeg_decoder::UnsupportedFeature::*;
        match e {
            jpeg_decoder::Error::Unsupported(f) => match f {
                Hierarchical => unsupported("hierarchical coding"),
                ArithmeticEntropyCoding => unsupported("arithmetic coding"),
                SamplePrecision(bits) => unsupported(&format!("{bits}-bit samples")),
                ComponentCount(n) => unsupported(&format!("{n} color components")),
                DNL => unsupported("a height given after the first scan (DNL)"),
                SubsamplingRatio | NonIntegerSubsamplingRatio => unsupported("an unusual chroma subsampling"),
                ColorTransform(_) => unsupported("an unusual color transform"),
            },
            e => {
                Error::Decode(format!("the JPEG file is corrupt: {e}").split_whitespace().collect::<Vec<_>>().join(" "))
            }
        }
    };
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_alloc).unwrap_or(usize::MAX));
    decoder.read_info().map_err(corrupt)?;
    let info = decoder.info().ok_or_else(|| Error::Decode("the JPEG file has no frame header".into()))?;
    let (w, h) = (info.width as u32, info.height as u32);
    check_size(w, h, limits)?;
    let orientation = decoder.exif_data().and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    // (Its APP2 segments come before the frame header, which read_info has read.)
    let mut colors = jpeg_colors(bytes, decoder.icc_profile());
    check(&colors)?;
    let mut notes = Vec::new();
    let pixels = decoder.decode().map_err(corrupt)?;
    let short = || Error::Decode("the JPEG file is corrupt: fewer pixels than its size".into());
    let mut img = match info.pixel_format {
        PixelFormat::L8 => DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, pixels).ok_or_else(short)?),
        PixelFormat::RGB24 => DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, pixels).ok_or_else(short)?),
        PixelFormat::CMYK32 => {
            let rgb = match cmyk_to_srgb(&pixels, &colors) {
                Some(Ok(rgb)) => {
                    // Converted by its own profile: nothing is left for `to_srgb`.
                    colors = ColorInfo::default();
                    rgb
                }
                not_converted => {
                    if let Some(Err(note)) = not_converted {
                        notes.push(note);
                        colors = ColorInfo::default();
                    }
                    let ink = |v: u8, k: u8| (((255 - v as u32) * (255 - k as u32) + 127) / 255) as u8;
                    pixels.chunks_exact(4).flat_map(|p| [ink(p[0], p[3]), ink(p[1], p[3]), ink(p[2], p[3])]).collect()
                }
            };
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, rgb).ok_or_else(short)?)
        }
        PixelFormat::L16 => return Err(unsupported("more than 8 bits a sample")),
    };
    img.apply_orientation(orientation);
    let mut img = to_image(img)?;
    for note in notes {
        img.add_note(note);
    }
    to_srgb(&mut img, &colors);
    Ok(img)
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
/// The coding of a valid JPEG that neither decoder reads, from its frame
/// marker and sample precision: lossless, hierarchical, arithmetic, or
/// samples of more than 8 bits. (Both decoders would call such a file corrupt.)
fn jpeg_coding_not_read(bytes: &[u8]) -> Option<&'static str> {
    let (marker, seg, _) = jpeg_segments(bytes)
        .find(|(marker, _, _)| matches!(marker, 0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc)))?;
    match marker {
        0xc3 | 0xc7 | 0xcb | 0xcf => Some("lossless coding"),
        0xc5..=0xc7 | 0xcd..=0xcf => Some("hierarchical coding"),
        0xc9..=0xcb => Some("arithmetic coding"),
        _ if seg.first().is_some_and(|&bits| bits != 8) => Some("more than 8 bits a sample"),
        _ => None,
    }
}

fn jpeg_frame_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let (_, seg, _) = jpeg_segments(bytes)
        .find(|(marker, _, _)| matches!(marker, 0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc)))?;
    let be = |k: usize| seg.get(k..k + 2).map(|b| u16::from_be_bytes([b[0], b[1]]) as u32);
    Some((be(3)?, be(1)?))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::ImageFormat;

    use super::*;
    use crate::decode::tests::{encode, gradient};
    use crate::decode::{decode, decode_stream};

    fn progressive_jpeg(w: u16, h: u16) -> Vec<u8> {
        let rgb: Vec<u8> = (0..w as usize * h as usize).flat_map(|i| [(i * 3) as u8, (i / 7) as u8, 40]).collect();
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.set_progressive(true);
        enc.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    }

    #[test]
    fn valid_jpeg_codings_that_are_not_read_are_unsupported_not_corrupt() {
        let baseline = encode(&gradient(40, 30), ImageFormat::Jpeg);
        // Where the frame header's segment starts (its marker), from where it ends.
        let start =
            jpeg_segments(&baseline).find(|(m, _, _)| *m == 0xc0).map(|(_, seg, end)| end - seg.len() - 4).unwrap();
        assert_eq!(&baseline[start..start + 2], &[0xff, 0xc0]);
        for (marker, precision, what) in
            [(0xc9, 8, "arithmetic coding"), (0xc3, 8, "lossless coding"), (0xc1, 12, "more than 8 bits a sample")]
        {
            let mut bytes = baseline.clone();
            bytes[start + 1] = marker;
            bytes[start + 4] = precision;
            let e = decode(&bytes, &Limits::default()).unwrap_err();
            assert_eq!(e.kind(), "unsupported", "{e}");
            assert!(e.to_string().contains(what) && e.to_string().contains("through the browser"), "{e}");
        }
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
