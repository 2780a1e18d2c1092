//! Colors as the viewer sees them (issue 10): a file's color information is
//! converted to sRGB as browsers do.
//!
//! The test set is made here: one sRGB image (ten patches of distinct
//! colors, with gradients and noise) converted with moxcms into Display P3,
//! Adobe RGB (1998) and ProPhoto RGB, whose profiles moxcms writes, saved as
//! JPEG, PNG and WebP with the profile embedded; and PNGs with gAMA (and
//! cHRM) chunks instead of a profile. Each must decode to the sRGB version's
//! pixels within 3 levels (mean absolute difference) and give its palette
//! within ΔE_ok 1 (median over the set).
//!
//! Why those tolerances: an 8-bit file in a wider space has coarser steps
//! than sRGB (ProPhoto's are about twice as wide), and the conversion
//! rounds twice (into the wide space when the file is made, back when it is
//! read); the JPEGs add their own compression error, compared against the
//! sRGB JPEG at the same quality. ΔE_ok 1 is below what anyone tells apart
//! side by side (about 2).

use cinepal::color::{linear_to_oklab, srgb_to_linear, Oklab};
use cinepal::{decode, extract, Image, Limits, Method, Options};
use image::ImageEncoder;
use moxcms::{ColorProfile, Layout, TransformOptions};

const W: u32 = 240;
const H: u32 = 160;

/// Ten patches of distinct colors, vivid and muted, dark and light.
const PATCHES: [[u8; 3]; 10] = [
    [220, 30, 40],
    [250, 200, 20],
    [30, 160, 70],
    [20, 90, 220],
    [150, 40, 170],
    [240, 240, 235],
    [25, 25, 30],
    [120, 110, 100],
    [200, 140, 110],
    [60, 120, 130],
];

/// The sRGB test image: the ten patches (2 rows of 5), each with a gentle
/// gradient (±8 levels) and ±3 levels of noise, as a photo has.
fn srgb_image() -> Vec<u8> {
    let mut out = Vec::with_capacity((W * H * 3) as usize);
    let mut state = 12345u32;
    for y in 0..H {
        for x in 0..W {
            let patch = PATCHES[(y * 2 / H * 5 + x * 5 / W) as usize];
            let shade = (x % (W / 5)) as i32 * 16 / (W / 5) as i32 - 8;
            for v in patch {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let noise = ((state >> 16) % 7) as i32 - 3;
                out.push((v as i32 + shade + noise).clamp(0, 255) as u8);
            }
        }
    }
    out
}

/// `data` (sRGB) converted into `profile`'s space, 8 bits a channel.
fn convert(data: &[u8], profile: &ColorProfile) -> Vec<u8> {
    let srgb = ColorProfile::new_srgb();
    let t = srgb.create_transform_8bit(Layout::Rgb, profile, Layout::Rgb, TransformOptions::default()).unwrap();
    let mut out = vec![0; data.len()];
    t.transform(data, &mut out).unwrap();
    out
}

enum Format {
    Jpeg,
    Png,
    WebP,
}

fn encode(format: &Format, data: &[u8], icc: Option<Vec<u8>>) -> Vec<u8> {
    let mut buf = Vec::new();
    let ct = image::ExtendedColorType::Rgb8;
    match format {
        Format::Jpeg => {
            let mut e = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 95);
            if let Some(icc) = icc {
                e.set_icc_profile(icc).unwrap();
            }
            e.write_image(data, W, H, ct).unwrap();
        }
        Format::Png => {
            let mut e = image::codecs::png::PngEncoder::new(&mut buf);
            if let Some(icc) = icc {
                e.set_icc_profile(icc).unwrap();
            }
            e.write_image(data, W, H, ct).unwrap();
        }
        Format::WebP => {
            let mut e = image::codecs::webp::WebPEncoder::new_lossless(&mut buf);
            if let Some(icc) = icc {
                e.set_icc_profile(icc).unwrap();
            }
            e.write_image(data, W, H, ct).unwrap();
        }
    }
    buf
}

/// A PNG of `data` with a gAMA chunk (and cHRM when given), no profile.
fn png_with_gamma(data: &[u8], gamma: f32, chrm: Option<png::SourceChromaticities>) -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut e = png::Encoder::new(&mut buf, W, H);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.set_source_gamma(png::ScaledFloat::new(gamma));
        if let Some(c) = chrm {
            e.set_source_chromaticities(c);
        }
        let mut w = e.write_header().unwrap();
        w.write_image_data(data).unwrap();
    }
    buf
}

fn decoded(bytes: &[u8]) -> Image {
    decode(bytes, &Limits::default()).unwrap()
}

fn mean_abs_diff(a: &Image, b: &Image) -> f64 {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let sum: u64 = a.data().iter().zip(b.data()).map(|(x, y)| x.abs_diff(*y) as u64).sum();
    sum as f64 / a.data().len() as f64
}

/// The largest ΔE_ok from a swatch of `a`'s palette to the nearest of `b`'s, either way round.
fn palette_distance(a: &Image, b: &Image) -> f64 {
    let options = Options { method: Method::KMeans, ..Options::default() };
    let (pa, pb) = (extract(a, &options).unwrap(), extract(b, &options).unwrap());
    // Each swatch of a against its nearest in b, and the other way round (their exact colors).
    let near = |from: &[Oklab], to: &[Oklab]| {
        from.iter().map(|&c| to.iter().map(|&d| c.delta_e(d)).fold(f64::INFINITY, f64::min)).fold(0.0, f64::max)
    };
    let ha: Vec<Oklab> = pa.swatches.iter().map(|s| s.oklab()).collect();
    let hb: Vec<Oklab> = pb.swatches.iter().map(|s| s.oklab()).collect();
    near(&ha, &hb).max(near(&hb, &ha))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn wide_gamut_files_read_as_their_srgb_version() {
    let srgb = srgb_image();
    let profiles = [
        ("Display P3", ColorProfile::new_display_p3()),
        ("Adobe RGB", ColorProfile::new_adobe_rgb()),
        ("ProPhoto RGB", ColorProfile::new_pro_photo_rgb()),
    ];
    let mut palettes = Vec::new();
    for format in [Format::Jpeg, Format::Png, Format::WebP] {
        let reference = decoded(&encode(&format, &srgb, None));
        assert!(reference.notes().is_empty());
        for (name, profile) in &profiles {
            let data = convert(&srgb, profile);
            let plain = decoded(&encode(&format, &data, None));
            let tagged = decoded(&encode(&format, &data, Some(profile.encode().unwrap())));
            assert!(tagged.notes().is_empty(), "{name}: {:?}", tagged.notes());
            let d = mean_abs_diff(&tagged, &reference);
            assert!(d <= 3.0, "{name}: {d:.2} levels from the sRGB version");
            // Without its profile the same file is visibly off: the conversion is what brings it back.
            assert!(mean_abs_diff(&plain, &reference) > 2.0 * d + 3.0, "{name}: the profile changed little");
            palettes.push(palette_distance(&tagged, &reference));
            eprintln!("{name}: {d:.2} levels, palette {:.2} ΔE_ok", palettes.last().unwrap());
        }
    }
    // gAMA 1/2.5 as PngSuite's g25 files, gAMA 1.0 (linear light), and gAMA with P3's cHRM.
    let reference = decoded(&encode(&Format::Png, &srgb, None));
    let linear: Vec<f64> = srgb.iter().map(|&v| cinepal::color::srgb_to_linear(v as f64 / 255.0)).collect();
    for gamma in [0.4f64, 0.7] {
        let data: Vec<u8> = linear.iter().map(|l| (l.powf(gamma) * 255.0).round() as u8).collect();
        let img = decoded(&png_with_gamma(&data, gamma as f32, None));
        let d = mean_abs_diff(&img, &reference);
        assert!(d <= 3.0, "gAMA {gamma}: {d:.2} levels from the sRGB version");
        palettes.push(palette_distance(&img, &reference));
        eprintln!("gAMA {gamma}: {d:.2} levels, palette {:.2} ΔE_ok", palettes.last().unwrap());
    }
    let median = median(palettes.clone());
    assert!(median <= 1.0, "median palette distance {median:.2} ΔE_ok ({palettes:.2?})");
}

/// Display P3 colors, four of them beyond sRGB (P3's red, green and an
/// orange and a teal as vivid), the others within it.
const P3_PATCHES: [[u8; 3]; 10] = [
    [255, 0, 0],
    [0, 235, 0],
    [255, 130, 0],
    [0, 200, 215],
    [40, 60, 160],
    [240, 240, 235],
    [25, 25, 30],
    [120, 110, 100],
    [200, 140, 110],
    [150, 60, 150],
];

/// A Display P3 color (8 bits, sRGB's curve) in Oklab, by CSS Color 4's
/// matrix from linear P3 to linear sRGB (independent of moxcms).
fn p3_oklab(c: [u8; 3]) -> Oklab {
    let [r, g, b] = c.map(|v| srgb_to_linear(v as f64 / 255.0));
    linear_to_oklab([
        1.224_940_2 * r - 0.224_940_4 * g,
        -0.042_056_9 * r + 1.042_057_1 * g,
        -0.019_637_6 * r - 0.078_636_1 * g + 1.098_273_5 * b,
    ])
}

/// Ten patches (2 rows of 5) of `C` samples a pixel, each sample with ±2
/// levels of noise from a fixed sequence started at `seed`.
fn noisy_patches<const C: usize>(patches: &[[u8; C]; 10], seed: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity((W * H) as usize * C);
    let mut state = seed;
    for y in 0..H {
        for x in 0..W {
            for v in patches[(y * 2 / H * 5 + x * 5 / W) as usize] {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                data.push((v as i32 + ((state >> 16) % 5) as i32 - 2).clamp(0, 255) as u8);
            }
        }
    }
    data
}

/// The P3 patches (2 rows of 5, Display P3 values) with ±2 levels of noise.
fn p3_image() -> Vec<u8> {
    noisy_patches(&P3_PATCHES, 777)
}

/// Colors beyond sRGB are kept: each swatch has the exact color of its
/// patch (ΔE_ok 1.5: the patches carry ±2 levels of noise, clipped at 0 and
/// 255, and JPEG's compression), says its hex is mapped, and that hex is the
/// color gamut-mapped. Clipping to sRGB instead would put P3's red ΔE_ok 4.7
/// away from itself.
#[test]
fn colors_beyond_srgb_keep_their_exact_value() {
    let data = p3_image();
    let p3 = ColorProfile::new_display_p3().encode().unwrap();
    let options = Options { method: Method::KMeans, ..Options::default() };
    for format in [Format::Jpeg, Format::Png, Format::WebP] {
        let img = decoded(&encode(&format, &data, Some(p3.clone())));
        assert!(img.is_wide());
        let palette = extract(&img, &options).unwrap();
        for (i, &patch) in P3_PATCHES.iter().enumerate() {
            let truth = p3_oklab(patch);
            let s = palette
                .swatches
                .iter()
                .min_by(|a, b| a.oklab().delta_e(truth).total_cmp(&b.oklab().delta_e(truth)))
                .unwrap();
            let d = s.oklab().delta_e(truth);
            assert!(d <= 1.5, "patch {i} {patch:?}: nearest swatch {} is ΔE_ok {d:.2} away", s.hex());
            let beyond = i < 4;
            assert_eq!(s.mapped(), beyond, "patch {i}: mapped");
            assert_eq!(s.rgb, cinepal::color::to_srgb8(s.oklab()).0);
        }
        // The CSS export: every hex on :root, and oklch() for the four beyond sRGB where supported.
        let css = cinepal::export::to_css(&palette);
        let (plain, wide) = css.split_once("@supports (color: oklch(0% 0 0))").expect("an @supports block");
        assert_eq!(plain.matches(": #").count(), 10, "{css}");
        assert_eq!(wide.matches(": oklch(").count(), 4, "{css}");
        for s in palette.swatches.iter().filter(|s| s.mapped()) {
            let [l, c, h] = s.oklch();
            assert!(
                wide.contains(&format!("oklch({:.2}% {c:.4} {h:.2}); /* beyond sRGB; {} there */", l * 100.0, s.hex())),
                "{css}"
            );
        }
    }
    // A palette within sRGB has no @supports block.
    let srgb = decoded(&encode(&Format::Png, &srgb_image(), None));
    assert!(!cinepal::export::to_css(&extract(&srgb, &options).unwrap()).contains("@supports"));
    // The same colors clipped into sRGB (as the still shows them) would be far off.
    let red = p3_oklab([255, 0, 0]);
    assert!(red.delta_e(cinepal::color::rgb8_to_oklab([255, 0, 0])) > 4.0);
}

/// A 16-bit RGB PNG of `samples`, with a gAMA chunk or an ICC profile.
fn png16(samples: &[u16], gamma: Option<f32>, icc: Option<Vec<u8>>) -> Vec<u8> {
    let mut info = png::Info::with_size(W, H);
    info.color_type = png::ColorType::Rgb;
    info.bit_depth = png::BitDepth::Sixteen;
    info.icc_profile = icc.map(Into::into);
    info.source_gamma = gamma.map(png::ScaledFloat::new);
    let mut buf = Vec::new();
    let mut w = png::Encoder::with_info(&mut buf, info).unwrap().write_header().unwrap();
    let bytes: Vec<u8> = samples.iter().flat_map(|v| v.to_be_bytes()).collect();
    w.write_image_data(&bytes).unwrap();
    w.finish().unwrap();
    buf
}

/// The P3 patches (no noise) converted to 16-bit ProPhoto RGB, as a PNG with ProPhoto's profile.
fn p3_in_prophoto16() -> Vec<u8> {
    let p3: Vec<u8> = (0..W * H).flat_map(|i| P3_PATCHES[((i / W) * 2 / H * 5 + (i % W) * 5 / W) as usize]).collect();
    let wide16: Vec<u16> = p3.iter().map(|&v| v as u16 * 257).collect();
    let pro = ColorProfile::new_pro_photo_rgb();
    let t = ColorProfile::new_display_p3()
        .create_transform_16bit(Layout::Rgb, &pro, Layout::Rgb, TransformOptions::default())
        .unwrap();
    let mut samples = vec![0u16; wide16.len()];
    t.transform(&wide16, &mut samples).unwrap();
    png16(&samples, None, Some(pro.encode().unwrap()))
}

/// A 16-bit PNG is converted before its samples are rounded to 8 bits. In
/// linear light (gAMA 1.0) rounding first would leave 8-bit linear steps,
/// several sRGB levels apart in the dark patch (25, 25, 30 is linear 2.5 of
/// 255); and a 16-bit ProPhoto PNG keeps its colors beyond sRGB.
#[test]
fn sixteen_bit_pngs_are_converted_before_rounding() {
    let srgb = srgb_image();
    let reference = decoded(&encode(&Format::Png, &srgb, None));
    let linear: Vec<u16> = srgb.iter().map(|&v| (srgb_to_linear(v as f64 / 255.0) * 65535.0).round() as u16).collect();
    let img = decoded(&png16(&linear, Some(1.0), None));
    let d = mean_abs_diff(&img, &reference);
    let worst = img.data().iter().zip(reference.data()).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
    // Rounded to 8 bits first, the same file is this far off (the old way).
    let rounded: Vec<u8> = linear.iter().map(|&v| ((v as u32 + 128) / 257) as u8).collect();
    let old = decoded(&png_with_gamma(&rounded, 1.0, None));
    let old_worst = old.data().iter().zip(reference.data()).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
    eprintln!("16-bit linear: {d:.2} levels, worst {worst}; rounded first: worst {old_worst}");
    assert!(d <= 0.5 && worst <= 1, "{d:.2} levels, worst {worst}");
    assert!(old_worst >= 4, "rounding first should have cost more: {old_worst}");

    // P3's patches in 16-bit ProPhoto RGB: the colors beyond sRGB are kept.
    let img = decoded(&p3_in_prophoto16());
    assert!(img.is_wide());
    let palette = extract(&img, &Options { method: Method::KMeans, ..Options::default() }).unwrap();
    for (i, &patch) in P3_PATCHES.iter().enumerate() {
        let truth = p3_oklab(patch);
        let d = palette.swatches.iter().map(|s| s.oklab().delta_e(truth)).fold(f64::INFINITY, f64::min);
        assert!(d <= 1.0, "patch {i} {patch:?}: ΔE_ok {d:.2}");
    }
    assert_eq!(palette.swatches.iter().filter(|s| s.mapped()).count(), 4);
}

/// Ghostscript's default CMYK profile (a SWOP-like press profile with
/// tables; AGPL, Debian's `libgs-common`, which `scripts/test.sh` installs),
/// used from the system, never copied into the project.
const GS_CMYK: &str = "/usr/share/color/icc/ghostscript/default_cmyk.icc";

/// Ten ink patches (C, M, Y, K; 0 = no ink) with ±2 levels of noise.
fn cmyk_inks() -> Vec<u8> {
    const INKS: [[u8; 4]; 10] = [
        [0, 0, 0, 0],
        [255, 0, 0, 0],
        [0, 255, 0, 0],
        [0, 0, 255, 0],
        [0, 0, 0, 255],
        [0, 255, 255, 0],
        [255, 0, 255, 0],
        [200, 120, 0, 40],
        [30, 60, 90, 20],
        [120, 120, 120, 120],
    ];
    noisy_patches(&INKS, 99)
}

/// A CMYK JPEG of [`cmyk_inks`] with `icc` embedded (jpeg-encoder writes Adobe's inverted CMYK).
fn cmyk_jpeg(icc: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 95);
    enc.add_icc_profile(icc).unwrap();
    enc.encode(&cmyk_inks(), W as u16, H as u16, jpeg_encoder::ColorType::Cmyk).unwrap();
    out
}

/// A CMYK JPEG is shown through its own CMYK profile: its pixels are the
/// profile's conversion of its inks (within 3 levels: JPEG's compression),
/// not the naive (1 − C)(1 − K) formula, which is far from the press colors.
#[test]
fn a_cmyk_jpeg_is_shown_through_its_profile() {
    let icc =
        std::fs::read(GS_CMYK).expect("Ghostscript's CMYK profile (Debian libgs-common; scripts/test.sh installs it)");
    let img = decoded(&cmyk_jpeg(&icc));
    assert!(img.notes().is_empty(), "{:?}", img.notes());
    let inks = cmyk_inks();
    let t = ColorProfile::new_from_slice(&icc)
        .unwrap()
        .create_transform_8bit(Layout::Rgba, &ColorProfile::new_srgb(), Layout::Rgb, TransformOptions::default())
        .unwrap();
    let mut want = vec![0u8; inks.len() / 4 * 3];
    t.transform(&inks, &mut want).unwrap();
    let want = Image::from_rgb(W, H, want).unwrap();
    let d = mean_abs_diff(&img, &want);
    let ink = |v: u8, k: u8| (((255 - v as u32) * (255 - k as u32) + 127) / 255) as u8;
    let naive: Vec<u8> =
        inks.chunks_exact(4).flat_map(|p| [ink(p[0], p[3]), ink(p[1], p[3]), ink(p[2], p[3])]).collect();
    let naive_d = mean_abs_diff(&Image::from_rgb(W, H, naive).unwrap(), &want);
    eprintln!("CMYK through its profile: {d:.2} levels; the naive formula: {naive_d:.2}");
    assert!(d <= 3.0, "{d:.2} levels from the profile's own conversion");
    assert!(naive_d > 10.0, "the profile changed little: {naive_d:.2}");
    // Full cyan ink is the press's cyan, not (0, 255, 255).
    let cyan = img.rgba_at(W * 3 / 10, H / 4);
    assert!(cyan[0] < 40 && cyan[1] > 140 && cyan[1] < 200 && cyan[2] > 200, "{cyan:?}");
}

/// Writes the CMYK JPEG with Ghostscript's profile to `$CINEPAL_FIXTURE_DIR`
/// (for `tests/e2e/colors.test.mjs`, which compares the page with Chromium's
/// own rendering of it; the profile's licence keeps it out of the repository).
#[test]
#[ignore]
fn write_cmyk_fixture() {
    let dir = std::env::var("CINEPAL_FIXTURE_DIR").expect("CINEPAL_FIXTURE_DIR");
    let icc = std::fs::read(GS_CMYK).unwrap();
    std::fs::write(std::path::Path::new(&dir).join("patches-cmyk.jpg"), cmyk_jpeg(&icc)).unwrap();
}

#[test]
fn a_profile_that_swaps_red_and_green_shows_red_as_red() {
    let mut swapped = ColorProfile::new_srgb();
    std::mem::swap(&mut swapped.red_colorant, &mut swapped.green_colorant);
    let data: Vec<u8> = (0..W * H).flat_map(|_| [30u8, 220, 40]).collect();
    for format in [Format::Jpeg, Format::Png, Format::WebP] {
        let img = decoded(&encode(&format, &data, Some(swapped.encode().unwrap())));
        let p = img.rgba_at(W / 2, H / 2);
        assert!(p[0] > 200 && p[1] < 60 && p[2] < 70, "{p:?}");
    }
}

#[test]
fn srgb_information_changes_nothing() {
    let srgb = srgb_image();
    let reference = decoded(&encode(&Format::Png, &srgb, None));
    // An embedded sRGB profile, and the gAMA of sRGB (1/2.2) with and without its cHRM.
    let tagged = decoded(&encode(&Format::Png, &srgb, Some(ColorProfile::new_srgb().encode().unwrap())));
    assert!(mean_abs_diff(&tagged, &reference) <= 0.5);
    for chrm in [None, Some(png::SourceChromaticities::new((0.3127, 0.3290), (0.64, 0.33), (0.30, 0.60), (0.15, 0.06)))]
    {
        let img = decoded(&png_with_gamma(&srgb, 0.45455, chrm));
        assert_eq!(img.data(), reference.data());
    }
}

#[test]
fn broken_profiles_decode_without_them_and_say_so() {
    let srgb = srgb_image();
    let reference = decoded(&encode(&Format::Jpeg, &srgb, None));
    let good = ColorProfile::new_display_p3().encode().unwrap();
    let mut huge = good.clone();
    huge[..4].copy_from_slice(&0x7fff_ffffu32.to_be_bytes()); // declares 2 GB
    let mut tags = good.clone();
    tags[128..132].copy_from_slice(&0x00ff_ffffu32.to_be_bytes()); // a tag table of 16 million entries
    let truncated = good[..good.len() / 2].to_vec();
    let noise: Vec<u8> = (0..600u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for (what, icc) in [("2 GB size", huge), ("tag table", tags), ("truncated", truncated), ("noise", noise)] {
        for format in [Format::Jpeg, Format::Png, Format::WebP] {
            let bytes = encode(&format, &srgb, Some(icc.clone()));
            let img = decoded(&bytes);
            assert_eq!(img.notes().len(), 1, "{what}: {:?}", img.notes());
            assert!(img.notes()[0].contains("color profile"), "{what}: {:?}", img.notes());
            if let Format::Jpeg = format {
                assert!(mean_abs_diff(&img, &reference) < 0.01, "{what}: pixels changed");
            }
        }
    }
}

/// Writes the page's color fixtures (`tests/e2e/fixtures/`): the test image
/// as sRGB PNG, as a ProPhoto RGB JPEG with its profile, and as a PNG with
/// gAMA 1/2.5 (as PngSuite's `g25n2c08.png`). The AVIF beside them is the
/// sRGB PNG through ffmpeg (see `tests/e2e/fixtures/README.md`).
/// `cargo test --release --test color_management -- --ignored write_page_fixtures`
#[test]
#[ignore]
fn write_page_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let srgb = srgb_image();
    std::fs::write(dir.join("patches-srgb.png"), encode(&Format::Png, &srgb, None)).unwrap();
    let prophoto = ColorProfile::new_pro_photo_rgb();
    let jpeg = encode(&Format::Jpeg, &convert(&srgb, &prophoto), Some(prophoto.encode().unwrap()));
    std::fs::write(dir.join("patches-prophoto.jpg"), jpeg).unwrap();
    let data: Vec<u8> = srgb
        .iter()
        .map(|&v| (cinepal::color::srgb_to_linear(v as f64 / 255.0).powf(0.4) * 255.0).round() as u8)
        .collect();
    std::fs::write(dir.join("patches-gamma-2.5.png"), png_with_gamma(&data, 0.4, None)).unwrap();
    let p3 = ColorProfile::new_display_p3().encode().unwrap();
    std::fs::write(dir.join("patches-p3-wide.png"), encode(&Format::Png, &p3_image(), Some(p3))).unwrap();
    std::fs::write(dir.join("patches-p3-prophoto16.png"), p3_in_prophoto16()).unwrap();
}

/// A 24-bit BMP with a V5 header and `icc` embedded after the pixels.
fn bmp_v5(w: u32, h: u32, rgb: &[u8], icc: &[u8]) -> Vec<u8> {
    let row = (w * 3).div_ceil(4) * 4;
    let pixels_at = 14 + 124;
    let profile_at = pixels_at + row * h;
    let mut out = Vec::new();
    let le = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
    out.extend_from_slice(b"BM");
    le(&mut out, profile_at + icc.len() as u32);
    le(&mut out, 0);
    le(&mut out, pixels_at);
    // BITMAPV5HEADER
    le(&mut out, 124);
    le(&mut out, w);
    le(&mut out, h);
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&24u16.to_le_bytes());
    for v in [0, row * h, 2835, 2835, 0, 0] {
        le(&mut out, v); // BI_RGB, image size, resolution, colors used and important
    }
    out.extend_from_slice(&[0; 16]); // masks (unused for BI_RGB)
    le(&mut out, 0x4d42_4544); // bV5CSType: PROFILE_EMBEDDED
    out.extend_from_slice(&[0; 36 + 12]); // endpoints, gamma
    le(&mut out, 4); // intent: perceptual
    le(&mut out, profile_at - 14); // bV5ProfileData: from the header's start
    le(&mut out, icc.len() as u32);
    le(&mut out, 0);
    assert_eq!(out.len() as u32, pixels_at);
    for y in (0..h).rev() {
        for x in 0..w {
            let i = ((y * w + x) * 3) as usize;
            out.extend_from_slice(&[rgb[i + 2], rgb[i + 1], rgb[i]]);
        }
        out.resize(out.len() + (row - w * 3) as usize, 0);
    }
    out.extend_from_slice(icc);
    out
}

#[test]
fn a_bmp_v5_embedded_profile_is_applied() {
    let srgb = srgb_image();
    let reference = decoded(&encode(&Format::Png, &srgb, None));
    let p3 = ColorProfile::new_display_p3();
    let img = decoded(&bmp_v5(W, H, &convert(&srgb, &p3), &p3.encode().unwrap()));
    assert!(img.notes().is_empty(), "{:?}", img.notes());
    let d = mean_abs_diff(&img, &reference);
    assert!(d <= 3.0, "{d:.2} levels from the sRGB version");
    // Without its profile (the same pixels read as sRGB) it is off.
    let plain = decoded(&bmp_v5(W, H, &convert(&srgb, &p3), &[]));
    assert!(mean_abs_diff(&plain, &reference) > d + 3.0);
    // A profile cut short by the end of the file: a note, the pixels as they are.
    let mut cut = bmp_v5(W, H, &srgb, &p3.encode().unwrap());
    cut.truncate(cut.len() - 100);
    let img = decoded(&cut);
    assert_eq!(img.notes().len(), 1, "{:?}", img.notes());
    assert!(img.notes()[0].contains("the file ends"), "{:?}", img.notes());
    assert!(mean_abs_diff(&img, &reference) < 0.01);
}

/// A JPEG's embedded ICC profile, put together from its APP2 segments (in file order).
fn jpeg_icc(bytes: &[u8]) -> Option<Vec<u8>> {
    let (mut i, mut icc) = (2, Vec::new());
    while i + 4 <= bytes.len() && bytes[i] == 0xff && bytes[i + 1] != 0xda {
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        let seg = bytes.get(i + 4..i + 2 + len)?;
        if bytes[i + 1] == 0xe2 && seg.starts_with(b"ICC_PROFILE\0") {
            icc.extend_from_slice(&seg[14..]);
        }
        i += 2 + len;
    }
    (!icc.is_empty()).then_some(icc)
}

/// The profiles `decode::is_srgb_profile` skips (the page's first module reads
/// their files as plain sRGB) map every color to itself through moxcms,
/// within a level on the 17³ grid the color build has always judged them by
/// (it left such a file's pixels as they were): skipping them changes no
/// pixel. Both are in the photos of ../shared/images (skipped when absent).
#[test]
fn the_srgb_profiles_skipped_map_colors_to_themselves() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/images");
    let mut seen = std::collections::BTreeSet::new();
    for name in ["okolors_lake_mendota_22mp.jpg", "vibrant_night_umbrella_11mp.jpg", "vibrant_portrait_film.jpg"] {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            eprintln!("skipped: {name} is not in {}", dir.display());
            continue;
        };
        let icc = jpeg_icc(&bytes).expect("the photo has a profile");
        let profile = ColorProfile::new_from_slice(&icc).unwrap();
        let t = profile
            .create_transform_8bit(Layout::Rgb, &ColorProfile::new_srgb(), Layout::Rgb, TransformOptions::default())
            .unwrap();
        let grid: Vec<u8> = (0..17 * 17 * 17)
            .flat_map(|i| [i / 289, i / 17 % 17, i % 17].map(|v: usize| (v * 16).min(255) as u8))
            .collect();
        let mut out = vec![0; grid.len()];
        t.transform(&grid, &mut out).unwrap();
        let identity = grid.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 1);
        eprintln!("{name}: {} bytes, skipped {}, identity {identity}", icc.len(), decode::is_srgb_profile(&icc));
        if decode::is_srgb_profile(&icc) {
            assert!(identity, "{name}'s profile is skipped as sRGB but moxcms changes colors through it");
            seen.insert(icc.len());
        }
    }
    if dir.exists() {
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), [524, 3144], "both known profiles were checked");
    }
}
