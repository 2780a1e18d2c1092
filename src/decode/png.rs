//! PNG: decoded a row at a time with the png crate, so 16-bit samples are never held whole.

use std::io::{BufRead, Seek};

use image::DynamicImage;

use super::profile::{check, to_srgb, ColorInfo, Rows16};
use super::{check_size, to_image, Limits, HEADER_ALLOC};
use crate::error::{Error, Result};
use crate::image::Image;

/// Decodes a PNG a row at a time into 8-bit RGB or RGBA: a 16-bit PNG's
/// samples (twice the size of the 8-bit image) are never held whole. Gray
/// becomes RGB, 16-bit samples are rounded to 8 bits (`(v + 128) / 257`, as
/// the `image` crate does; a file with color information is converted to
/// sRGB first, row by row, [`Rows16`]), palettes and `tRNS` are expanded by
/// the png crate.
pub(super) fn decode_png<R: BufRead + Seek>(stream: R, limits: &Limits) -> Result<Image> {
    let fail = |e: png::DecodingError| png_error(e, limits);
    let budget = usize::try_from(limits.max_alloc.min(HEADER_ALLOC)).unwrap_or(usize::MAX);
    let mut decoder = png::Decoder::new_with_limits(stream, png::Limits { bytes: budget });
    decoder.set_transformations(png::Transformations::EXPAND);
    let header = decoder.read_header_info().map_err(fail)?;
    check_size(header.width, header.height, limits)?;
    let mut reader = decoder.read_info().map_err(fail)?;
    let (w, h) = (reader.info().width, reader.info().height);
    let colors = png_colors(reader.info());
    check(&colors)?;
    // An APNG whose default image is not part of its animation shows, in a
    // browser, its first frame (the default image is for viewers without APNG).
    let frame = if reader.info().animation_control.is_some() && reader.info().frame_control.is_none() {
        let f = *reader.next_frame_info().map_err(fail)?;
        if f.x_offset as u64 + f.width as u64 > w as u64 || f.y_offset as u64 + f.height as u64 > h as u64 {
            return Err(Error::Decode("the PNG file is corrupt: its first frame lies outside the image".into()));
        }
        Some(f)
    } else {
        None
    };
    let (fw, fh) = frame.map_or((w, h), |f| (f.width, f.height));
    let (color, depth) = reader.output_color_type();
    let channels = color.samples();
    let mut alpha = matches!(color, png::ColorType::GrayscaleAlpha | png::ColorType::Rgba);
    let out_channels = if alpha { 4 } else { 3 };
    let stride = fw as usize * out_channels;
    let size = stride as u64 * fh as u64;
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
    // A 16-bit file with color information is converted before its samples are rounded.
    let mut rows16 = if sixteen { Rows16::new(&colors, alpha) } else { None };
    let mut wide = Vec::new();
    if rows16.as_ref().is_some_and(Rows16::is_wide) {
        wide.try_reserve_exact(size as usize).map_err(|_| {
            Error::Limits(format!("there is not enough memory for a {w}x{h} image's wide colors ({} MiB)", size >> 20))
        })?;
        wide.resize(size as usize, 0);
    }
    let (mut row8, mut row_wide, mut row16) = (vec![0; stride], vec![0; stride], Vec::new());
    let mut line = 0;
    while let Some(row) = reader.next_interlaced_row().map_err(fail)? {
        let interlace = row.interlace();
        if let (png::InterlaceInfo::Null(_), None) = (interlace, &rows16) {
            // The common case: straight into the image.
            if let Some(dest) = out.get_mut(line * stride..(line + 1) * stride) {
                convert_png_row(row.data(), dest, channels, sixteen);
            }
            line += 1;
            continue;
        }
        let n = row.data().len() / (channels * if sixteen { 2 } else { 1 }) * out_channels;
        match &mut rows16 {
            Some(rows) => {
                expand_row16(row.data(), &mut row16, channels, out_channels);
                rows.convert(&row16, &mut row8[..n], &mut row_wide[..n]);
            }
            None => convert_png_row(row.data(), &mut row8[..n], channels, sixteen),
        }
        match interlace {
            png::InterlaceInfo::Adam7(pass) => {
                let bits = (out_channels * 8) as u8;
                png::expand_interlaced_row(&mut out, stride, &row8[..n], pass, bits);
                if !wide.is_empty() {
                    png::expand_interlaced_row(&mut wide, stride, &row_wide[..n], pass, bits);
                }
            }
            png::InterlaceInfo::Null(_) => {
                if let Some(dest) = out.get_mut(line * stride..(line + 1) * stride) {
                    dest.copy_from_slice(&row8[..stride]);
                }
                if let Some(dest) = wide.get_mut(line * stride..(line + 1) * stride) {
                    dest.copy_from_slice(&row_wide[..stride]);
                }
                line += 1;
            }
        }
    }
    if let Some(f) = frame.filter(|f| (f.width, f.height) != (w, h)) {
        // A first frame smaller than the image: on a transparent canvas, as APNG composes it.
        let place = |bytes: Vec<u8>| place_frame(&bytes, out_channels, (f.x_offset, f.y_offset, fw, fh), (w, h));
        out = place(out);
        if !wide.is_empty() {
            wide = place(wide);
        }
        alpha = true;
    }
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .and_then(image::metadata::Orientation::from_exif_chunk)
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let oriented = |bytes: Vec<u8>| {
        let mut img = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_raw(w, h, bytes).expect("sized above"))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, bytes).expect("sized above"))
        };
        img.apply_orientation(orientation);
        img
    };
    let mut img = to_image(oriented(out))?;
    match rows16 {
        Some(rows) => {
            if !wide.is_empty() {
                rows.keep_wide(&mut img, oriented(wide).into_bytes());
            }
        }
        None => to_srgb(&mut img, &colors),
    }
    Ok(img)
}

/// An RGBA canvas `w × h`, transparent black, with the frame's pixels
/// (`channels` a pixel) at `(x, y)`.
fn place_frame(frame: &[u8], channels: usize, (x, y, fw, fh): (u32, u32, u32, u32), (w, h): (u32, u32)) -> Vec<u8> {
    let mut canvas = vec![0u8; w as usize * h as usize * 4];
    for (r, src) in frame.chunks_exact(fw as usize * channels).enumerate().take(fh as usize) {
        let start = ((y as usize + r) * w as usize + x as usize) * 4;
        let dst = &mut canvas[start..start + fw as usize * 4];
        for (d, p) in dst.chunks_exact_mut(4).zip(src.chunks_exact(channels)) {
            d[..3].copy_from_slice(&p[..3]);
            d[3] = if channels == 4 { p[3] } else { 255 };
        }
    }
    canvas
}

/// One row of 16-bit big-endian samples, `channels` a pixel, as native
/// 16-bit RGB (gray repeated) or RGBA (`out_channels`) in `dst`.
fn expand_row16(src: &[u8], dst: &mut Vec<u16>, channels: usize, out_channels: usize) {
    dst.clear();
    for p in src.chunks_exact(2 * channels) {
        let v = |i: usize| u16::from_be_bytes([p[2 * i], p[2 * i + 1]]);
        match channels {
            1 => dst.extend([v(0); 3]),
            2 => dst.extend([v(0), v(0), v(0), v(1)]),
            _ => dst.extend((0..out_channels).map(v)),
        }
    }
}

/// What a PNG says about its colors: iCCP, sRGB, gAMA, cHRM and cICP.
fn png_colors(info: &png::Info) -> ColorInfo {
    let f = |v: png::ScaledFloat| v.into_scaled() as f64 / 100_000.0;
    ColorInfo {
        icc: info.icc_profile.as_ref().map(|p| p.to_vec()),
        icc_error: None,
        srgb: info.srgb.is_some(),
        gamma: info.gama_chunk.map(f),
        chromaticities: info.chrm_chunk.map(|c| {
            [f(c.white.0), f(c.white.1), f(c.red.0), f(c.red.1), f(c.green.0), f(c.green.1), f(c.blue.0), f(c.blue.1)]
        }),
        cicp: info.coding_independent_code_points.map(|c| {
            [c.color_primaries, c.transfer_function, c.matrix_coefficients, c.is_video_full_range_image as u8]
        }),
    }
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

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::ImageDecoder;

    use super::*;
    use crate::decode::decode;

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

    /// An APNG of `w × h` whose default image (red) is not part of its
    /// animation, and whose first frame (blue, or `frame` at an offset) is.
    fn apng_with_hidden_default(w: u32, h: u32, frame: Option<(u32, u32, u32, u32)>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.set_animated(1, 0).unwrap();
        e.set_sep_def_img(true).unwrap();
        let mut writer = e.write_header().unwrap();
        writer.write_image_data(&[255, 0, 0].repeat((w * h) as usize)).unwrap();
        let (x, y, fw, fh) = frame.unwrap_or((0, 0, w, h));
        writer.set_frame_dimension(fw, fh).unwrap();
        writer.set_frame_position(x, y).unwrap();
        writer.write_image_data(&[0, 0, 255].repeat((fw * fh) as usize)).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn an_apng_whose_default_image_is_hidden_gives_its_first_frame() {
        let img = decode(&apng_with_hidden_default(6, 4, None), &Limits::default()).unwrap();
        assert_eq!(
            (img.layout(), img.rgba_at(0, 0), img.rgba_at(5, 3)),
            (crate::Layout::Rgb8, [0, 0, 255, 255], [0, 0, 255, 255])
        );
        // A smaller first frame lies on a transparent canvas.
        let img = decode(&apng_with_hidden_default(6, 4, Some((2, 1, 3, 2))), &Limits::default()).unwrap();
        assert_eq!(img.layout(), crate::Layout::Rgba8);
        assert_eq!(
            (img.rgba_at(0, 0), img.rgba_at(2, 1), img.rgba_at(4, 2), img.rgba_at(5, 3)),
            ([0; 4], [0, 0, 255, 255], [0, 0, 255, 255], [0; 4])
        );
        // An APNG whose default image is its first frame is read as before.
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, 2, 2);
        e.set_color(png::ColorType::Rgb);
        e.set_animated(2, 0).unwrap();
        let mut writer = e.write_header().unwrap();
        writer.write_image_data(&[255, 0, 0].repeat(4)).unwrap();
        writer.write_image_data(&[0, 255, 0].repeat(4)).unwrap();
        writer.finish().unwrap();
        assert_eq!(decode(&out, &Limits::default()).unwrap().rgba_at(1, 1), [255, 0, 0, 255]);
    }
}
