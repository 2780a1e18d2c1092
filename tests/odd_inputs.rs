//! Odd but valid inputs, each with the palette it must give: every PNG pixel
//! format (gray at 1–16 bits, gray + alpha, color keys in tRNS, indexed with
//! tRNS, 16-bit RGB/RGBA, Adam7 interlacing), BMP row orders, GIF
//! transparency, CMYK and YCCK JPEGs, every JPEG coding (progressive,
//! non-interleaved, restart markers) and chroma subsampling, EXIF
//! orientations 1–8 through the CLI, the first frame of animated GIF and
//! WebP, and degenerate sizes (1×1, one color, exactly n colors, a 20000×1
//! strip, three opaque pixels in a transparent square).
//!
//! Expected palettes are worked out from how each fixture is built, never
//! from what the decoder returns. JPEG fixtures come from jpeg-encoder (a
//! dev-dependency: the `image` crate writes neither CMYK nor progressive nor
//! non-interleaved JPEGs); libjpeg-turbo's djpeg decodes every one of them to
//! the colors these tests expect.
//!
//! Run with `cargo test --release --test odd_inputs`.

mod fixtures;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cinepal::{
    decode, extract, render_composite, ColorCount, Error, Image, Limits, Method, Named, Options, RenderOptions, Sort,
    Space,
};
use fixtures::*;
use image::{DynamicImage, ImageFormat, RgbaImage};

const WHITE: [u8; 4] = [255, 255, 255, 255];

fn decode_bytes(what: &str, bytes: &[u8]) -> Image {
    decode(bytes, &Limits::default()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The exact palette an image must give when it has at most n colors:
/// color → number of counted pixels.
type Expected = BTreeMap<[u8; 3], u64>;

fn expected(entries: &[([u8; 3], u64)]) -> Expected {
    let mut m = Expected::new();
    for &(c, n) in entries {
        *m.entry(c).or_insert(0) += n;
    }
    m
}

/// Extracts with every method in both spaces and checks that the palette is
/// exactly `want`: the same colors, each with its share of counted pixels.
fn assert_exact_palette(what: &str, image: &Image, colors: usize, want: &Expected) {
    let counted: u64 = want.values().sum();
    for method in Method::all() {
        for space in Space::all() {
            let opts = Options {
                colors: ColorCount::try_from(colors).unwrap(),
                method,
                space,
                sort: Sort::Share,
                ..Options::default()
            };
            let p = extract(image, &opts).unwrap_or_else(|e| panic!("{what} {method:?} {space:?}: {e}"));
            assert_eq!(p.counted, counted, "{what} {method:?} {space:?}: counted pixels");
            let got: BTreeMap<[u8; 3], f64> = p.swatches.iter().map(|s| (s.rgb, s.share)).collect();
            assert_eq!(got.len(), p.swatches.len(), "{what} {method:?} {space:?}: duplicate swatches {:?}", p.swatches);
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                want.keys().collect::<Vec<_>>(),
                "{what} {method:?} {space:?}: palette colors"
            );
            for (c, &n) in want {
                let share = got[c];
                // Shares are ratios of whole pixel counts: exact up to float rounding.
                assert!(
                    (share - n as f64 / counted as f64).abs() < 1e-12,
                    "{what} {method:?} {space:?}: {c:?} has share {share}, want {n}/{counted}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------- PNG pixel formats

/// Packs one row of `bits`-bit samples, most significant first.
fn pack(samples: &[u16], bits: u8) -> Vec<u8> {
    match bits {
        16 => samples.iter().flat_map(|v| v.to_be_bytes()).collect(),
        8 => samples.iter().map(|&v| v as u8).collect(),
        _ => {
            let per_byte = 8 / bits as usize;
            let mut out = vec![0u8; samples.len().div_ceil(per_byte)];
            for (i, &v) in samples.iter().enumerate() {
                assert!(v < 1 << bits);
                out[i / per_byte] |= (v as u8) << (8 - bits as usize * (i % per_byte + 1));
            }
            out
        }
    }
}

/// A 16-bit sample to 8 bits: the nearest value, v·255/65535 rounded.
fn to8(v: u16) -> u8 {
    (v as f64 * 255.0 / 65535.0).round() as u8
}

fn gray(v: u8) -> [u8; 3] {
    [v, v, v]
}

/// Every PNG pixel layout, each with its exact palette.
fn png_cases() -> Vec<(&'static str, Vec<u8>, Expected)> {
    let mut cases = Vec::new();

    // 8-bit gray, written by the image crate: four bands.
    let levels = [0u8, 60, 181, 255];
    let img = image::GrayImage::from_fn(16, 5, |x, _| image::Luma([levels[x as usize / 4]]));
    let want = expected(&levels.map(|v| (gray(v), 20)));
    cases.push(("gray 8-bit", encode(&DynamicImage::ImageLuma8(img), ImageFormat::Png), want));

    // Low bit depths scale to the full range: v · 255 / (2^bits − 1).
    for bits in [1u8, 2, 4] {
        let max = (1u16 << bits) - 1;
        let (w, h) = (13u32, 3u32); // odd width: rows end in a partial byte
                                    // At most 6 of the levels, the darkest and lightest among them, so n = 10 keeps them all.
        let used: Vec<u16> = if bits == 4 { vec![0, 1, 7, 8, 14, 15] } else { (0..=max).collect() };
        let sample = |x: u32, y: u32| used[((x + y) as usize) % used.len()];
        let rows: Vec<Vec<u8>> =
            (0..h).map(|y| pack(&(0..w).map(|x| sample(x, y)).collect::<Vec<_>>(), bits)).collect();
        let mut want = Expected::new();
        for y in 0..h {
            for x in 0..w {
                *want.entry(gray((sample(x, y) as u32 * 255 / max as u32) as u8)).or_insert(0) += 1;
            }
        }
        let name = match bits {
            1 => "gray 1-bit",
            2 => "gray 2-bit",
            _ => "gray 4-bit",
        };
        cases.push((name, raw_png(w, h, bits, 0, &[], &rows), want));
    }

    // 16-bit gray, including values that are not multiples of 257.
    let values = [0u16, 1000, 32896, 40000, 65535];
    let img =
        image::ImageBuffer::<image::Luma<u16>, Vec<u16>>::from_fn(10, 2, |x, _| image::Luma([values[x as usize / 2]]));
    let want = expected(&values.map(|v| (gray(to8(v)), 4)));
    cases.push(("gray 16-bit", encode(&DynamicImage::ImageLuma16(img), ImageFormat::Png), want));

    // 8-bit gray + alpha: alpha 0 and 127 are left out (threshold 128), 128 and 255 count.
    let px = [(10u8, 255u8), (200, 0), (90, 127), (140, 128), (250, 255)];
    let img = image::GrayAlphaImage::from_fn(5, 4, |x, _| {
        let (v, a) = px[x as usize];
        image::LumaA([v, a])
    });
    let want = expected(&[(gray(10), 4), (gray(140), 4), (gray(250), 4)]);
    cases.push(("gray+alpha 8-bit", encode(&DynamicImage::ImageLumaA8(img), ImageFormat::Png), want));

    // 16-bit gray + alpha: alpha 32767 becomes 127 (left out), 32896 becomes 128 (counted).
    let px = [(1000u16, 65535u16), (20000, 32767), (50000, 32896), (65535, 0)];
    let img = image::ImageBuffer::<image::LumaA<u16>, Vec<u16>>::from_fn(4, 3, |x, _| {
        let (v, a) = px[x as usize];
        image::LumaA([v, a])
    });
    let want = expected(&[(gray(to8(1000)), 3), (gray(to8(50000)), 3)]);
    cases.push(("gray+alpha 16-bit", encode(&DynamicImage::ImageLumaA16(img), ImageFormat::Png), want));

    // 8-bit gray with a tRNS color key: every pixel of value 60 is transparent.
    let rows: Vec<Vec<u8>> = (0..4).map(|_| vec![60, 60, 61, 200, 60, 0]).collect();
    let want = expected(&[(gray(61), 4), (gray(200), 4), (gray(0), 4)]);
    cases.push(("gray 8-bit, tRNS key", raw_png(6, 4, 8, 0, &[(b"tRNS", vec![0, 60])], &rows), want));

    // 8-bit RGB with a tRNS color key: the key color is transparent, a color one level off is not.
    let key = [30u8, 160, 60];
    let row: Vec<u8> = [key, [30, 160, 61], [200, 30, 40], key].concat();
    let trns: Vec<u8> = key.iter().flat_map(|&v| (v as u16).to_be_bytes()).collect();
    let want = expected(&[([30, 160, 61], 3), ([200, 30, 40], 3)]);
    cases.push(("rgb 8-bit, tRNS key", raw_png(4, 3, 8, 2, &[(b"tRNS", trns)], &vec![row; 3]), want));

    // 16-bit RGB with a tRNS color key (compared at 16 bits: 1 off the key is opaque).
    let key16 = [1000u16, 30000, 65535];
    let near = [1001u16, 30000, 65535];
    let other = [65535u16, 128, 40000];
    let row = pack(&[key16, near, other, key16, other].concat(), 16);
    let trns: Vec<u8> = key16.iter().flat_map(|v| v.to_be_bytes()).collect();
    let want = expected(&[(near.map(to8), 2), (other.map(to8), 4)]);
    cases.push(("rgb 16-bit, tRNS key", raw_png(5, 2, 16, 2, &[(b"tRNS", trns)], &vec![row; 2]), want));

    // Indexed with tRNS: entries with alpha 0 and 127 must not become swatches;
    // 128 counts, and entries past the end of tRNS are opaque.
    let palette = [[0, 0, 0], [255, 0, 255], [220, 20, 60], [0, 128, 128], [250, 250, 210], [20, 20, 90]];
    let trns = [0u8, 127, 128, 255];
    for bits in [8u8, 4] {
        let (w, h) = (11u32, 5u32);
        let indices: Vec<u8> = (0..w * h).map(|i| (i % 6) as u8).collect();
        let bytes = indexed_png(w, h, bits, &palette, &trns, &indices);
        let mut want = Expected::new();
        for &i in &indices {
            if trns.get(i as usize).is_none_or(|&a| a >= 128) {
                *want.entry(palette[i as usize]).or_insert(0) += 1;
            }
        }
        assert_eq!(want.len(), 4, "entries 2..=5 are counted");
        cases.push((if bits == 8 { "indexed 8-bit, tRNS" } else { "indexed 4-bit, tRNS" }, bytes, want));
    }
    // Indexed at 1 bit, with the only transparent entry covering most of the image.
    let indices: Vec<u8> = (0..40).map(|i| (i % 8 == 0) as u8).collect();
    let bytes = indexed_png(8, 5, 1, &[[255, 255, 255], [200, 30, 40]], &[0], &indices);
    cases.push(("indexed 1-bit, tRNS", bytes, expected(&[([200, 30, 40], 5)])));

    // 16-bit RGB and RGBA, values off the multiples of 257, alpha at the threshold's edges.
    let colors: [[u16; 3]; 3] = [[0, 65535, 1000], [12345, 54321, 32896], [65535, 65535, 65535]];
    let img = image::ImageBuffer::<image::Rgb<u16>, Vec<u16>>::from_fn(9, 2, |x, _| image::Rgb(colors[x as usize / 3]));
    let want = expected(&colors.map(|c| (c.map(to8), 6)));
    cases.push(("rgb 16-bit", encode(&DynamicImage::ImageRgb16(img), ImageFormat::Png), want));
    let alphas = [65535u16, 32896, 32767];
    let img = image::ImageBuffer::<image::Rgba<u16>, Vec<u16>>::from_fn(9, 2, |x, _| {
        let [r, g, b] = colors[x as usize / 3];
        image::Rgba([r, g, b, alphas[x as usize / 3]])
    });
    let want = expected(&[(colors[0].map(to8), 6), (colors[1].map(to8), 6)]);
    cases.push(("rgba 16-bit", encode(&DynamicImage::ImageRgba16(img), ImageFormat::Png), want));

    cases
}

#[test]
fn every_png_pixel_format_gives_exactly_its_colors() {
    for (name, bytes, want) in png_cases() {
        let image = decode_bytes(name, &bytes);
        assert_exact_palette(name, &image, 10, &want);
    }
}

/// An Adam7-interlaced PNG written by hand (the `image` crate writes only
/// non-interlaced ones): the seven passes, each a sub-image of rows with a
/// filter byte, one after another in one zlib stream. `pixel` gives the bytes
/// of a pixel in the given bit depth and color type.
fn adam7_png<P: AsRef<[u8]>>(w: u32, h: u32, depth: u8, color_type: u8, pixel: impl Fn(u32, u32) -> P) -> Vec<u8> {
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in ADAM7 {
        let cols = if w > x0 { (w - x0).div_ceil(dx) } else { 0 };
        let rows = if h > y0 { (h - y0).div_ceil(dy) } else { 0 };
        if cols == 0 {
            continue; // an empty pass has no rows at all
        }
        for r in 0..rows {
            raw.push(0);
            for c in 0..cols {
                raw.extend(pixel(x0 + c * dx, y0 + r * dy).as_ref());
            }
        }
    }
    let mut header = ihdr(w, h, depth, color_type);
    header[12] = 1; // interlace method: Adam7
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(png_chunk(b"IHDR", &header));
    out.extend(png_chunk(b"IDAT", &zlib_stored(&raw)));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// The Adam7 passes: first column, first row, column step, row step.
const ADAM7: [(u32, u32, u32, u32); 7] =
    [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

/// The Adam7 pass (0–6) that carries pixel (x, y).
fn adam7_pass(x: u32, y: u32) -> usize {
    ADAM7.iter().position(|&(x0, y0, dx, dy)| x >= x0 && y >= y0 && (x - x0) % dx == 0 && (y - y0) % dy == 0).unwrap()
}

/// A BMP written by hand: BITMAPINFOHEADER, `bpp` 24 (rows of BGR) or 8
/// (`palette` then rows of indices), rows padded to 4 bytes, `top_down` as a
/// negative height. `rows` are the packed pixel bytes of each row, top first.
fn bmp(w: u32, h: u32, bpp: u16, palette: &[[u8; 3]], top_down: bool, rows: &[Vec<u8>]) -> Vec<u8> {
    let stride = rows[0].len().div_ceil(4) * 4;
    let offset = 14 + 40 + palette.len() * 4;
    let size = offset + stride * h as usize;
    let mut out = b"BM".to_vec();
    out.extend((size as u32).to_le_bytes());
    out.extend([0; 4]);
    out.extend((offset as u32).to_le_bytes());
    out.extend(40u32.to_le_bytes());
    out.extend((w as i32).to_le_bytes());
    out.extend((if top_down { -(h as i32) } else { h as i32 }).to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(bpp.to_le_bytes());
    out.extend([0; 4]); // BI_RGB
    out.extend(((stride * h as usize) as u32).to_le_bytes());
    out.extend(2835u32.to_le_bytes());
    out.extend(2835u32.to_le_bytes());
    out.extend((palette.len() as u32).to_le_bytes());
    out.extend(0u32.to_le_bytes());
    for [r, g, b] in palette {
        out.extend([*b, *g, *r, 0]);
    }
    let order: Vec<&Vec<u8>> = if top_down { rows.iter().collect() } else { rows.iter().rev().collect() };
    for row in order {
        out.extend(row);
        out.extend(vec![0; stride - row.len()]);
    }
    out
}

#[test]
fn interlaced_png_bmp_row_orders_and_transparent_gif_decode_every_pixel_in_place() {
    const C: [[u8; 3]; 7] =
        [[200, 30, 40], [30, 160, 60], [40, 60, 200], [230, 200, 40], [120, 40, 160], [40, 200, 200], [250, 120, 20]];
    // Each case: name, file, the RGBA each pixel must decode to (alpha < 128 is not counted).
    let mut cases: Vec<(&str, Vec<u8>, RgbaImage)> = Vec::new();

    // Adam7: each pixel has its pass's color, so a pass put in the wrong place shows.
    let (w, h) = (13, 11);
    let bytes = adam7_png(w, h, 8, 2, |x, y| C[adam7_pass(x, y)]);
    let want = rgba_image(w, h, |x, y| {
        let [r, g, b] = C[adam7_pass(x, y)];
        [r, g, b, 255]
    });
    cases.push(("PNG, Adam7 interlaced", bytes, want));
    // The same, 16-bit gray with alpha (decoded a row at a time, each pass's rows
    // rounded to 8 bits, gray repeated to RGB): the gray of pass p is 30p + 20
    // (×257, + 100, which rounds back to it); pass 5 is half transparent
    // (0x8080 rounds to 128, just counted), pass 6 transparent.
    let gray = |x: u32, y: u32| 30 * adam7_pass(x, y) as u16 + 20;
    let alpha = |x: u32, y: u32| [0xffffu16, 0xffff, 0xffff, 0xffff, 0xffff, 0x8080, 0][adam7_pass(x, y)];
    let bytes = adam7_png(w, h, 16, 4, |x, y| {
        let [g0, g1] = (gray(x, y) * 257 + 100).to_be_bytes();
        let [a0, a1] = alpha(x, y).to_be_bytes();
        [g0, g1, a0, a1]
    });
    let want = rgba_image(w, h, |x, y| {
        let g = gray(x, y) as u8;
        [g, g, g, ((alpha(x, y) as u32 + 128) / 257) as u8]
    });
    cases.push(("PNG, Adam7 interlaced, 16-bit gray + alpha", bytes, want));

    // BMP, 24-bit, stored top-down (negative height); odd width: rows padded.
    let color = |x: u32, y: u32| if x == 0 { C[6] } else { C[y as usize] };
    let bgr = |x: u32, y: u32| {
        let [r, g, b] = color(x, y);
        [b, g, r]
    };
    let rows: Vec<Vec<u8>> = (0..3).map(|y| (0..5).flat_map(|x| bgr(x, y)).collect()).collect();
    let want = rgba_image(5, 3, |x, y| {
        let [r, g, b] = color(x, y);
        [r, g, b, 255]
    });
    cases.push(("BMP 24-bit top-down", bmp(5, 3, 24, &[], true, &rows), want));

    // BMP, 8-bit indexed, stored bottom-up (the usual order).
    let index = |x: u32, y: u32| ((x + 2 * y) % 4) as u8;
    let rows: Vec<Vec<u8>> = (0..4).map(|y| (0..6).map(|x| index(x, y)).collect()).collect();
    let want = rgba_image(6, 4, |x, y| {
        let [r, g, b] = C[index(x, y) as usize];
        [r, g, b, 255]
    });
    cases.push(("BMP 8-bit bottom-up", bmp(6, 4, 8, &C[..4], false, &rows), want));

    // GIF with a transparent color: its pixels come out with alpha 0.
    let img = rgba_image(12, 6, |x, y| match (x + y) % 3 {
        0 => [0, 0, 0, 0],
        1 => [200, 30, 40, 255],
        _ => [40, 60, 200, 255],
    });
    cases.push(("GIF with transparency", encode(&DynamicImage::ImageRgba8(img.clone()), ImageFormat::Gif), img));

    for (name, bytes, want) in cases {
        let image = decode_bytes(name, &bytes);
        assert_eq!((image.width(), image.height()), want.dimensions(), "{name}");
        let mut colors = Expected::new();
        for (x, y, p) in want.enumerate_pixels() {
            let got = image.rgba_at(x, y);
            let [r, g, b, a] = p.0;
            if a == 0 {
                assert_eq!(got[3], 0, "{name}: pixel ({x},{y}) must be transparent, is {got:?}");
            } else {
                assert_eq!(got, p.0, "{name}: pixel ({x},{y})");
                *colors.entry([r, g, b]).or_insert(0) += 1;
            }
        }
        assert_exact_palette(name, &image, 10, &colors);
    }
}

// ---------------------------------------------------------------- JPEG: CMYK, YCCK, progressive

/// Four 32×32 quadrants of CMYK inks (0 = no ink, 255 = full), 64×64.
const INKS: [[u8; 4]; 4] = [
    [255, 0, 0, 0],   // cyan
    [0, 255, 255, 0], // red (magenta + yellow)
    [0, 0, 0, 128],   // half black: mid gray
    [40, 200, 0, 60], // a muted purple
];

fn cmyk_quadrants() -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * 64 * 4);
    for y in 0..64 {
        for x in 0..64 {
            out.extend(INKS[(y / 32) * 2 + x / 32]);
        }
    }
    out
}

/// The color an ink is shown as without a color profile: each of R, G, B is
/// what its complementary ink and black leave of the light,
/// (1 − C)(1 − K), the conversion every decoder without a color profile uses.
fn naive_rgb([c, m, y, k]: [u8; 4]) -> [u8; 3] {
    [c, m, y].map(|v| ((255 - v as u32) as f64 * (255 - k as u32) as f64 / 255.0).round() as u8)
}

/// A JPEG from jpeg-encoder at quality 95, configured by `setup`.
fn jpeg_with(
    data: &[u8],
    w: u16,
    h: u16,
    color: jpeg_encoder::ColorType,
    setup: impl FnOnce(&mut jpeg_encoder::Encoder<&mut Vec<u8>>),
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 95);
    setup(&mut enc);
    enc.encode(data, w, h, color).expect("encode JPEG fixture");
    out
}

/// Decodes from memory and from a stream (as the CLI reads a file: zune-jpeg
/// or jpeg-decoder reading the file again after the checks), which must agree.
fn decode_both(bytes: &[u8]) -> cinepal::Result<Image> {
    let from_bytes = decode(bytes, &Limits::default());
    let from_stream = cinepal::decode_stream(std::io::Cursor::new(bytes), &Limits::default());
    assert!(from_bytes == from_stream, "decode and decode_stream disagree");
    from_bytes
}

/// The markers of a JPEG's header segments, up to the first scan.
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xff {
        let marker = bytes[i + 1];
        out.push(marker);
        if marker == 0xda {
            break;
        }
        i += 2 + u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
    }
    out
}

/// The nearest swatch to `want` and its ΔE_ok.
fn nearest(p: &cinepal::Palette, want: [u8; 3]) -> (cinepal::Swatch, f64) {
    p.swatches.iter().map(|s| (*s, delta_e(s.rgb, want))).min_by(|a, b| a.1.total_cmp(&b.1)).expect("swatches")
}

/// How a JPEG's scans are laid out, for messages: "progressive", or for a
/// sequential JPEG "interleaved" (one scan of all components) or
/// "non-interleaved" (a scan a component).
fn scan_layout(bytes: &[u8]) -> &'static str {
    if jpeg_markers(bytes).contains(&0xc2) {
        "progressive"
    } else if bytes.windows(5).filter(|w| w[..2] == [0xff, 0xda] && w[4] == 1).count() > 1 {
        "non-interleaved"
    } else {
        "interleaved"
    }
}

/// Checks a decoded 64×64 image of four flat 32×32 quadrants, `colors` in
/// TL, TR, BL, BR order: every pixel 8 or more pixels from the inner edges
/// (x = 32, y = 32) is its quadrant's color, and the 4-color palette is the four colors at a
/// quarter each. Returns what is wrong, if anything.
fn check_quadrants(image: &Image, colors: [[u8; 3]; 4]) -> Option<String> {
    if (image.width(), image.height()) != (64, 64) {
        return Some(format!("size {}x{}", image.width(), image.height()));
    }
    // Flat 8×8 blocks keep only their DC coefficient, quantised at quality 95 to a
    // level or two; CMYK/YCC→RGB rounding adds about a level. That is ΔE_ok < 2,
    // under a just-noticeable difference. Chroma upsampling (up to 4× here) may
    // blend across the inner edges, hence the 8-pixel margin there. A decoding error
    // (a lost row of blocks, zeroed chroma, uninverted CMYK) is ΔE_ok > 20.
    let mut worst = (0.0f64, 0, 0, [0u8; 3]);
    let away = |v: &u32| !(24..40).contains(v);
    for y in (0..64).filter(away) {
        for x in (0..64).filter(away) {
            let [r, g, b, _] = image.rgba_at(x, y);
            let d = delta_e([r, g, b], colors[(y / 32 * 2 + x / 32) as usize]);
            if d > worst.0 {
                worst = (d, x, y, [r, g, b]);
            }
        }
    }
    if worst.0 >= 2.0 {
        let (d, x, y, c) = worst;
        let want = colors[(y / 32 * 2 + x / 32) as usize];
        return Some(format!("pixel ({x},{y}) is {c:?}, want {want:?} (ΔE {d:.1})"));
    }
    let p = extract(image, &Options { colors: ColorCount::new(4).unwrap(), ..Options::default() }).unwrap();
    for c in colors {
        let (s, d) = nearest(&p, c);
        // The same tolerance for the cluster means; quadrant edges are MCU-aligned, so
        // each cluster is a quarter of the pixels up to the blended edge pixels.
        if d >= 2.0 || (s.share - 0.25).abs() > 0.02 {
            return Some(format!("swatch {} ({:.3}) for {c:?} (ΔE {d:.1})", s.hex(), s.share));
        }
    }
    None
}

/// What is wrong with `bytes`, decoded both ways, as four quadrants of
/// `want` ([`check_quadrants`]), if anything.
fn quadrant_failure(what: &str, bytes: &[u8], want: [[u8; 3]; 4]) -> Option<String> {
    match decode_both(bytes) {
        Err(e) => Some(format!("{what}: {e}")),
        Ok(image) => check_quadrants(&image, want).map(|wrong| format!("{what}: {wrong}")),
    }
}

#[test]
fn cmyk_and_ycck_jpegs_give_their_inks_colors() {
    // jpeg-encoder writes Adobe's convention, as Photoshop does: an APP14
    // "Adobe" segment (transform 0 = CMYK, 2 = YCCK) and inverted samples
    // (255 = no ink). The decoder must undo the inversion: read the other way,
    // cyan would come out red and the gray nearly black. Photoshop writes CMYK
    // unsubsampled (1×1); jpeg-encoder's 2×2 keeps K (and Y of YCCK) at full size
    // and halves the others, which is as valid and decoded right by libjpeg-turbo.
    use jpeg_encoder::{ColorType, SamplingFactor};
    let data = cmyk_quadrants();
    let want = INKS.map(naive_rgb);
    let mut failures = Vec::new();
    for (name, color, transform) in [("CMYK", ColorType::Cmyk, 0u8), ("YCCK", ColorType::CmykAsYcck, 2)] {
        for sampling in [SamplingFactor::F_1_1, SamplingFactor::F_2_2] {
            for progressive in [false, true] {
                let bytes = jpeg_with(&data, 64, 64, color, |e| {
                    e.set_progressive(progressive);
                    e.set_sampling_factor(sampling);
                });
                let app14 = bytes.windows(12).position(|w| &w[..5] == b"Adobe").expect("an Adobe APP14 segment");
                assert_eq!(bytes[app14 + 11], transform, "{name}: the fixture's Adobe transform flag");
                assert!(jpeg_markers(&bytes).contains(&if progressive { 0xc2 } else { 0xc0 }), "{name}: SOF");
                let what = format!("{name} {sampling:?} ({})", scan_layout(&bytes));
                failures.extend(quadrant_failure(&what, &bytes, want));
            }
        }
    }
    assert!(failures.is_empty(), "wrongly decoded:\n{}", failures.join("\n"));
}

#[test]
fn every_jpeg_coding_and_chroma_subsampling_gives_the_quadrant_colors() {
    // Baseline (interleaved when every sampling factor is 1 or 2), progressive,
    // optimised Huffman tables (which jpeg-encoder writes as non-interleaved
    // scans, one a component, as it does for 4× factors: both are baseline JPEG
    // that every decoder must read, ITU-T T.81 table 1), and restart markers.
    use jpeg_encoder::SamplingFactor::*;
    let rgb = quadrants(64, 64).into_raw();
    let want = [QUADRANT_COLORS[0], QUADRANT_COLORS[1], QUADRANT_COLORS[2], QUADRANT_COLORS[3]];
    type Setup = fn(&mut jpeg_encoder::Encoder<&mut Vec<u8>>);
    let codings: [(&str, Setup); 5] = [
        ("baseline", |_| {}),
        ("progressive", |e| e.set_progressive(true)),
        ("optimised Huffman", |e| e.set_optimized_huffman_tables(true)),
        ("restart every MCU", |e| e.set_restart_interval(1)),
        ("progressive, restart every 3", |e| {
            e.set_progressive(true);
            e.set_restart_interval(3)
        }),
    ];
    let mut failures = Vec::new();
    for sampling in [F_1_1, F_2_1, F_1_2, F_2_2, F_4_1, F_4_2, F_1_4, F_2_4] {
        for (coding, setup) in codings {
            let bytes = jpeg_with(&rgb, 64, 64, jpeg_encoder::ColorType::Rgb, |e| {
                e.set_sampling_factor(sampling);
                setup(e)
            });
            let what = format!("{sampling:?} {coding} ({})", scan_layout(&bytes));
            failures.extend(quadrant_failure(&what, &bytes, want));
        }
    }
    assert!(failures.is_empty(), "wrongly decoded:\n{}", failures.join("\n"));
}

// ---------------------------------------------------------------- EXIF orientation through the CLI

/// Stored (not displayed) JPEG size and its four quadrant colors: TL, TR, BL, BR.
const STORED: (u32, u32) = (64, 32);
const CORNERS: [[u8; 3]; 4] = [[220, 30, 40], [40, 170, 60], [40, 60, 210], [240, 210, 40]];

/// Where the stored pixel (sx, sy) is shown under EXIF orientation `o`
/// (TIFF 6.0 / EXIF 2.3: 6 = rotate 90° clockwise to display, 8 = counter-clockwise,
/// 5 and 7 = transpose and transverse).
fn displayed(o: u16, sx: u32, sy: u32) -> (u32, u32) {
    let (w, h) = STORED;
    match o {
        1 => (sx, sy),
        2 => (w - 1 - sx, sy),
        3 => (w - 1 - sx, h - 1 - sy),
        4 => (sx, h - 1 - sy),
        5 => (sy, sx),
        6 => (h - 1 - sy, sx),
        7 => (h - 1 - sy, w - 1 - sx),
        8 => (sy, w - 1 - sx),
        _ => unreachable!(),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("odd_inputs").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

/// A whole number of the CLI's JSON.
fn json_uint(json: &str, key: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    v[key].as_u64().unwrap_or_else(|| panic!("no {key} in {json}"))
}

/// Every swatch's `rgb` of the CLI's JSON, in order.
fn json_rgbs(json: &str) -> Vec<[u8; 3]> {
    let p: cinepal::Palette = serde_json::from_str(json).expect("a palette");
    p.swatches.iter().map(|s| s.rgb).collect()
}

#[test]
fn every_exif_orientation_is_upright_in_the_cli_composite_and_json() {
    let (w, h) = STORED;
    let stored = rgb_image(w, h, |x, y| CORNERS[(y / (h / 2) * 2 + x / (w / 2)) as usize]);
    let jpeg = encode(&DynamicImage::ImageRgb8(stored), ImageFormat::Jpeg);
    let dir = scratch("exif");
    for o in 1..=8u16 {
        let input = dir.join(format!("o{o}.jpg"));
        std::fs::write(&input, jpeg_with_exif_orientation(&jpeg, o)).unwrap();
        let output = dir.join(format!("o{o}.png"));
        let run = Command::new(env!("CARGO_BIN_EXE_cinepal"))
            .arg(&input)
            .args(["-n", "4", "--sort", "red", "--format", "json", "-o"])
            .arg(&output)
            .output()
            .expect("run cinepal");
        let json = String::from_utf8(run.stdout).unwrap();
        assert!(run.status.success(), "orientation {o}: {}", String::from_utf8_lossy(&run.stderr));
        // 5–8 turn the image a quarter: width and height swap.
        let (dw, dh) = if o >= 5 { (h, w) } else { (w, h) };
        assert_eq!((json_uint(&json, "width"), json_uint(&json, "height")), (dw as u64, dh as u64), "orientation {o}");
        let composite = image::open(&output).expect("read the composite").to_rgba8();
        let band = 11 * dw / 41; // ⌊11·W / (10n + 1)⌋ with n = 4
        assert_eq!(composite.dimensions(), (dw, dh + band), "orientation {o}: composite size");
        // The center of each stored quadrant is shown where the orientation puts it.
        for (q, &c) in CORNERS.iter().enumerate() {
            let (sx, sy) = ((q as u32 % 2) * w / 2 + w / 4, (q as u32 / 2) * h / 2 + h / 4);
            let (x, y) = displayed(o, sx, sy);
            let [r, g, b, a] = composite.get_pixel(x, y).0;
            // A flat, MCU-aligned quadrant of a quality-75 JPEG: a few levels off; the
            // four colors are ΔE_ok > 25 apart, so 6 tells them apart with room to spare.
            let d = delta_e([r, g, b], c);
            assert!(
                a == 255 && d < 6.0,
                "orientation {o}: stored quadrant {q} at ({x},{y}) is {:?}, ΔE {d:.1}",
                [r, g, b]
            );
        }
        // The strip under it shows the JSON's colors in the JSON's order.
        let colors = json_rgbs(&json);
        assert_eq!(colors.len(), 4, "orientation {o}: {json}");
        let at = |k: u32| k * dw / 41;
        for (i, c) in colors.iter().enumerate() {
            let x = (at(10 * i as u32 + 1) + at(10 * i as u32 + 10)) / 2;
            let [r, g, b] = *c;
            assert_eq!(composite.get_pixel(x, dh + band / 2).0, [r, g, b, 255], "orientation {o}: swatch {i}");
        }
    }
}

// ---------------------------------------------------------------- animations: the first frame only

#[test]
fn animated_gif_gives_the_first_frames_palette() {
    use image::codecs::gif::GifEncoder;
    use image::{Delay, Frame};
    let (w, h) = (30u32, 20u32);
    let first = rgba_image(w, h, |x, _| if x < 10 { [200, 30, 40, 255] } else { [40, 60, 200, 255] });
    let second = rgba_image(w, h, |_, y| if y < 5 { [30, 160, 60, 255] } else { [230, 200, 40, 255] });
    let mut bytes = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut bytes);
        let frames = [first, second].map(|f| Frame::from_parts(f, 0, 0, Delay::from_numer_denom_ms(100, 1)));
        enc.encode_frames(frames).expect("encode GIF");
    }
    // Two image descriptors (0x2C): really two frames.
    let descriptors = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(&bytes))
        .map(|d| image::AnimationDecoder::into_frames(d).count())
        .unwrap();
    assert_eq!(descriptors, 2, "the fixture must have two frames");
    let image = decode_bytes("animated GIF", &bytes);
    assert_eq!((image.width(), image.height()), (w, h));
    assert_exact_palette("animated GIF", &image, 10, &expected(&[([200, 30, 40], 200), ([40, 60, 200], 400)]));
}

#[test]
fn animated_webp_gives_the_first_frames_palette() {
    let (w, h) = (30u32, 20u32);
    let first = rgba_image(w, h, |x, _| if x < 10 { [200, 30, 40, 255] } else { [40, 60, 200, 255] });
    let second = rgba_image(w, h, |_, y| if y < 5 { [30, 160, 60, 255] } else { [230, 200, 40, 255] });
    let bytes = animated_webp(w, h, false, &[(0, 0, &first), (0, 0, &second)]);
    let kinds: Vec<[u8; 4]> = riff_chunks(&bytes).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, [*b"VP8X", *b"ANIM", *b"ANMF", *b"ANMF"], "the fixture's layout");
    let image = decode_bytes("animated WebP", &bytes);
    assert_eq!((image.width(), image.height()), (w, h));
    assert_exact_palette("animated WebP", &image, 10, &expected(&[([200, 30, 40], 200), ([40, 60, 200], 400)]));

    // A first frame smaller than the canvas: the rest of the canvas is
    // transparent (no frame has drawn there yet), so only the frame counts.
    let small = rgba_image(10, 6, |x, _| if x < 4 { [200, 30, 40, 255] } else { [40, 60, 200, 255] });
    let bytes = animated_webp(w, h, true, &[(6, 4, &small), (0, 0, &second)]);
    let image = decode_bytes("animated WebP, small first frame", &bytes);
    assert_eq!((image.width(), image.height()), (w, h));
    assert_eq!(image.rgba_at(7, 5), [200, 30, 40, 255], "the frame sits at its offset");
    assert_exact_palette(
        "animated WebP, small first frame",
        &image,
        10,
        &expected(&[([200, 30, 40], 24), ([40, 60, 200], 36)]),
    );
}

// ---------------------------------------------------------------- degenerate sizes and counts

#[test]
fn tiny_and_degenerate_images_give_exactly_their_colors() {
    let png = |img: RgbaImage| encode(&DynamicImage::ImageRgba8(img), ImageFormat::Png);
    // Ten colors in ten different histogram cells (channels 70 levels apart
    // at least somewhere), with very unequal counts: 1 pixel to 6332.
    let ten: [[u8; 3]; 10] = [
        [20, 20, 20],
        [240, 240, 240],
        [200, 30, 40],
        [30, 160, 60],
        [40, 60, 200],
        [230, 200, 40],
        [120, 40, 160],
        [40, 200, 200],
        [250, 120, 20],
        [110, 110, 110],
    ];
    let counts = [1u64, 2, 5, 10, 50, 100, 500, 1000, 2000, 6332];
    let mut pixels: Vec<[u8; 3]> = Vec::new();
    for (c, &n) in ten.iter().zip(&counts) {
        pixels.extend(std::iter::repeat_n(*c, n as usize));
    }
    let ten_img = rgba_image(100, 100, |x, y| {
        let [r, g, b] = pixels[(y * 100 + x) as usize];
        [r, g, b, 255]
    });
    // 64 colors, a 4×4×4 grid, the i-th on i+1 pixels, in one row: n = MAX_COLORS.
    let grid: Vec<[u8; 3]> = (0..64).map(|i| [i / 16, i / 4 % 4, i % 4].map(|v| 30 + 70 * v as u8)).collect();
    let row: Vec<[u8; 3]> = grid.iter().enumerate().flat_map(|(i, &c)| std::iter::repeat_n(c, i + 1)).collect();
    let grid_img = rgba_image(row.len() as u32, 1, |x, _| {
        let [r, g, b] = row[x as usize];
        [r, g, b, 255]
    });
    // Three opaque pixels in a 100×100 transparent square whose hidden colors vary.
    let few = rgba_image(100, 100, |x, y| match (x, y) {
        (3, 7) => [200, 30, 40, 255],
        (50, 50) => [30, 160, 60, 255],
        (99, 99) => [40, 60, 200, 255],
        _ => [x as u8 * 2, y as u8 * 2, 128, if (x + y) % 2 == 0 { 0 } else { 127 }],
    });
    let cases: Vec<(&str, Vec<u8>, usize, Expected)> = vec![
        ("1x1, n=1", png(rgba_image(1, 1, |_, _| [12, 200, 99, 255])), 1, expected(&[([12, 200, 99], 1)])),
        ("1x1, n=10", png(rgba_image(1, 1, |_, _| [12, 200, 99, 255])), 10, expected(&[([12, 200, 99], 1)])),
        ("1x1, n=64", png(rgba_image(1, 1, |_, _| [0, 0, 0, 255])), 64, expected(&[([0, 0, 0], 1)])),
        ("one color, n=10", png(rgba_image(37, 23, |_, _| [90, 80, 70, 255])), 10, expected(&[([90, 80, 70], 851)])),
        (
            "exactly 10 colors, n=10",
            png(ten_img.clone()),
            10,
            expected(&ten.map(|c| c).iter().copied().zip(counts).collect::<Vec<_>>()),
        ),
        ("exactly 64 colors, n=64", png(grid_img), 64, {
            expected(&grid.iter().enumerate().map(|(i, &c)| (c, i as u64 + 1)).collect::<Vec<_>>())
        }),
        (
            "3 opaque pixels in 100x100",
            png(few),
            10,
            expected(&[([200, 30, 40], 1), ([30, 160, 60], 1), ([40, 60, 200], 1)]),
        ),
    ];
    for (name, bytes, n, want) in cases {
        let image = decode_bytes(name, &bytes);
        assert_exact_palette(name, &image, n, &want);
    }
    // With 9 asked of the 10 colors, 9 clusters of 10 points: exactly one pair is
    // merged (which pair depends on the method's criterion), every other color is
    // a swatch of its own, and the merged swatch holds the pair's pixels.
    let image = decode_bytes("10 colors, n=9", &png(ten_img));
    for method in Method::all() {
        let p =
            extract(&image, &Options { colors: ColorCount::new(9).unwrap(), method, ..Options::default() }).unwrap();
        assert_eq!(p.swatches.len(), 9, "{method:?}");
        // A swatch is a color's own when it has that color and that color's share (a merged
        // swatch may round to the color of its heavier member: a 1-pixel color merged into
        // a 500-pixel one moves the mean by under half a level).
        let share_of = |c: &[u8; 3]| ten.iter().position(|t| t == c).map(|i| counts[i] as f64 / 10_000.0);
        let (own, merged): (Vec<&cinepal::Swatch>, Vec<&cinepal::Swatch>) =
            p.swatches.iter().partition(|s| share_of(&s.rgb).is_some_and(|f| (s.share - f).abs() < 1e-12));
        assert_eq!((own.len(), merged.len()), (8, 1), "{method:?}: {:?}", p.swatches);
        let pair: u64 = ten.iter().zip(counts).filter(|(c, _)| !own.iter().any(|s| s.rgb == **c)).map(|(_, n)| n).sum();
        assert!(
            (merged[0].share - pair as f64 / 10_000.0).abs() < 1e-12,
            "{method:?}: {:?} for {pair} pixels",
            merged[0]
        );
    }
}

#[test]
fn one_pixel_composite_has_a_band_too_thin_to_show_its_swatch() {
    // W = 1, n = 1: m = 1/11, so the band is ⌊11m⌋ = 1 row and the swatch spans
    // rows ⌊m⌋..⌊10m⌋ = 0..0 and columns 0..0: nothing. The composite is the pixel
    // over one white row (the geometry of the notebook, truncated like int()).
    let image =
        decode_bytes("1x1", &encode(&DynamicImage::ImageRgb8(rgb_image(1, 1, |_, _| [12, 200, 99])), ImageFormat::Png));
    let p = extract(&image, &Options::default()).unwrap();
    let c = render_composite(&image, &p.swatches, &RenderOptions::default()).unwrap();
    assert_eq!((c.width(), c.height()), (1, 2));
    assert_eq!(c.rgba_at(0, 0), [12, 200, 99, 255]);
    assert_eq!(c.rgba_at(0, 1), WHITE);
}

#[test]
fn a_20000_by_1_strip_gives_its_colors_and_a_composite_almost_all_band() {
    let (w, n) = (20_000u32, 10usize);
    let colors: Vec<[u8; 3]> =
        (0..n).map(|i| [(i * 25) as u8, (240 - i * 20) as u8, if i % 2 == 0 { 40 } else { 200 }]).collect();
    let data: Vec<u8> = (0..w).flat_map(|x| colors[(x / 2000) as usize]).collect();
    let bytes = encode(&DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, 1, data).unwrap()), ImageFormat::Png);
    let image = decode_bytes("20000x1", &bytes);
    assert_eq!((image.width(), image.height()), (w, 1));
    assert_exact_palette("20000x1", &image, n, &expected(&colors.iter().map(|&c| (c, 2000)).collect::<Vec<_>>()));

    // The composite: the band is ⌊11·W/(10n+1)⌋ = ⌊220000/101⌋ = 2178 rows under a
    // 1-row image, 20000×2179 in all (174 MB of RGBA). Swatch i spans
    // x ∈ [⌊(10i+1)W/101⌋, ⌊10(i+1)W/101⌋), y ∈ [⌊W/101⌋, ⌊10W/101⌋) = [198, 1980).
    let p = extract(&image, &Options { sort: Sort::Lightness, ..Options::default() }).unwrap();
    let c = render_composite(&image, &p.swatches, &RenderOptions::default()).unwrap();
    let at = |k: u64| (k * w as u64 / 101) as u32;
    assert_eq!((c.width(), c.height()), (w, 1 + 2178));
    assert_eq!((at(11), at(1), at(10)), (2178, 198, 1980));
    for x in [0, 1999, 2000, 19_999] {
        let [r, g, b] = colors[(x / 2000) as usize];
        assert_eq!(c.rgba_at(x, 0), [r, g, b, 255], "image pixel {x}");
    }
    for (i, s) in p.swatches.iter().enumerate() {
        let (x0, x1) = (at(10 * i as u64 + 1), at(10 * i as u64 + 10));
        let [r, g, b] = s.rgb;
        for (x, y) in [(x0, 1 + 198), (x1 - 1, 1 + 1979), ((x0 + x1) / 2, 1 + 1000)] {
            assert_eq!(c.rgba_at(x, y), [r, g, b, 255], "swatch {i} at ({x},{y})");
        }
        assert_eq!(c.rgba_at(x0 - 1, 1 + 1000), WHITE, "gap left of swatch {i}");
        assert_eq!(c.rgba_at((x0 + x1) / 2, 1 + 197), WHITE, "margin above swatch {i}");
        assert_eq!(c.rgba_at((x0 + x1) / 2, 1 + 1980), WHITE, "margin below swatch {i}");
    }
    assert_eq!(c.rgba_at(w - 1, 1 + 1000), WHITE, "right margin");
}

#[test]
fn a_fully_transparent_png_is_an_input_error_with_a_sentence() {
    let image = decode_bytes("transparent", &transparent_png(30, 20));
    let e = extract(&image, &Options::default()).unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    assert!(e.to_string().contains("no opaque pixel"), "{e}");
}
