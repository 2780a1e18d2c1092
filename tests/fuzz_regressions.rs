//! Replays fuzzing inputs through the code of the fuzz target they belong to
//! (`fuzz/fuzz_targets/common.rs`, included below, is that code): every
//! minimized crasher kept in `tests/fuzz_regressions/` (named
//! `<target>-<short-name>`) and every seed of `fuzz/seeds/<target>/`. Each
//! must end without a panic, in an `Err` of the documented kind or a palette
//! that keeps every invariant, within seconds.
//!
//! Run with `cargo test --release --test fuzz_regressions`. The seeds are made
//! by `cargo test --release --test fuzz_regressions -- --ignored regenerate_seeds`
//! (lossy WebP and progressive JPEG seeds need `cwebp` and `cjpeg`, Debian's
//! `webp` and `libjpeg-turbo-progs`; without them those seeds are kept as they are).
//! How to fuzz: ROBUSTNESS.md.

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;
mod fixtures;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat};

/// The fuzz targets, in the order `fuzz/Cargo.toml` lists them.
const TARGETS: [&str; 3] = ["decode_extract", "options", "extract_rgba"];

/// Most time one input may take (the fuzzers ran with `-timeout=10`).
const MAX_TIME: Duration = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 5 });

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `dir` (README.md left out), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

/// Runs `bytes` through `target`'s code and checks the time.
fn replay(target: &str, path: &Path) {
    let bytes = std::fs::read(path).expect("readable");
    let start = Instant::now();
    match target {
        "decode_extract" => {
            let _ = common::decode_extract(&bytes);
        }
        "options" => common::options(&bytes),
        "extract_rgba" => common::extract_rgba(&bytes),
        other => panic!("{}: unknown target {other:?} (name files <target>-<short-name>)", path.display()),
    }
    let took = start.elapsed();
    assert!(took <= MAX_TIME, "{} took {took:?}", path.display());
}

#[test]
fn minimized_crashers_replay_without_panic() {
    for path in files(&root().join("tests/fuzz_regressions")) {
        let name = path.file_name().unwrap().to_str().unwrap();
        let target = TARGETS.iter().find(|t| name.starts_with(&format!("{t}-"))).unwrap_or_else(|| {
            panic!("{name}: name regression files <target>-<short-name>, <target> one of {TARGETS:?}")
        });
        eprintln!("{name}");
        replay(target, &path);
    }
}

#[test]
fn seed_corpora_replay_without_panic() {
    for target in TARGETS {
        let seeds = files(&root().join("fuzz/seeds").join(target));
        assert!(!seeds.is_empty(), "fuzz/seeds/{target} is empty (regenerate the seeds)");
        for path in seeds {
            replay(target, &path);
        }
    }
}

/// The valid images among the `decode_extract` seeds decode and give a palette
/// (so the fuzzer starts from inputs that reach clustering, not just errors).
#[test]
fn image_seeds_reach_a_palette() {
    let dir = root().join("fuzz/seeds/decode_extract");
    let mut palettes = 0;
    for path in files(&dir) {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let result = common::decode_extract(&std::fs::read(&path).unwrap());
        if name.starts_with("limit_") {
            assert!(result.is_err(), "{name} should be over the limits");
        } else {
            assert!(result.is_ok(), "{name}: {result:?}");
            palettes += 1;
        }
    }
    assert!(palettes >= 10, "only {palettes} seeds give a palette");
}

// ---------------------------------------------------------------- seed generation

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = root().join("fuzz/seeds").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// A `decode_extract` seed: the 4-byte options header, then the file.
fn image_seed(name: &str, header: [u8; 4], file: &[u8]) {
    let mut bytes = header.to_vec();
    bytes.extend_from_slice(file);
    write("decode_extract", name, &bytes);
}

/// A small still-like picture: a gradient with a few flat patches and noise.
fn picture(w: u32, h: u32, seed: u64) -> image::RgbaImage {
    let mut rng = fixtures::Lcg::new(seed);
    fixtures::rgba_image(w, h, |x, y| {
        let n = rng.symmetric(12);
        let c = |v: u32| (v as i32 + n).clamp(0, 255) as u8;
        let a = if (x + y) % 7 == 0 { 60 } else { 255 };
        if x < w / 3 && y < h / 2 {
            [c(200), c(40), c(30), a]
        } else {
            [c(x * 255 / w), c(y * 255 / h), c(128 + (x * y) % 64), a]
        }
    })
}

/// Runs a command-line encoder on `input`, if it is installed.
fn tool(program: &str, args: &[&str], input: &Path, output: &Path) -> Option<Vec<u8>> {
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    if program == "cjpeg" {
        cmd.arg("-outfile").arg(output).arg(input);
    } else {
        cmd.arg(input).arg("-o").arg(output);
    }
    match cmd.output() {
        Ok(o) if o.status.success() => Some(std::fs::read(output).unwrap()),
        _ => {
            eprintln!("{program} is not available: keeping its seeds as they are");
            None
        }
    }
}

#[test]
#[ignore = "writes fuzz/seeds/"]
fn regenerate_seeds() {
    use fixtures::encode;
    let pic = picture(32, 24, 1);
    let rgba = DynamicImage::ImageRgba8(pic.clone());
    let rgb = DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(pic.clone()).into_rgb8());
    // Headers: [colors - 1, method (+5·seed), space | sampling << 1 | sort << 2, alpha threshold].
    image_seed("png_rgb8", [9, 0, 0, 128], &encode(&rgb, ImageFormat::Png));
    image_seed("png_rgba8", [9, 1, 4 * 9, 128], &encode(&rgba, ImageFormat::Png));
    image_seed("png_gray8", [3, 2, 1, 0], &encode(&DynamicImage::ImageLuma8(rgb.to_luma8()), ImageFormat::Png));
    image_seed(
        "png_graya8",
        [4, 3, 4 * 7, 200],
        &encode(&DynamicImage::ImageLumaA8(rgba.to_luma_alpha8()), ImageFormat::Png),
    );
    image_seed("png_rgb16", [23, 4, 4 * 5, 128], &encode(&DynamicImage::ImageRgb16(rgb.to_rgb16()), ImageFormat::Png));
    image_seed(
        "png_rgba16",
        [0, 5, 2 + 4 * 8, 255],
        &encode(&DynamicImage::ImageRgba16(rgba.to_rgba16()), ImageFormat::Png),
    );
    let palette = [[0, 0, 0], [250, 20, 20], [20, 250, 20], [20, 20, 250]];
    let indices: Vec<u8> = (0..16 * 8u32).map(|i| ((i * 7 + i / 16) % 4) as u8).collect();
    image_seed(
        "png_indexed2_trns",
        [5, 1, 4 * 6, 128],
        &fixtures::indexed_png(16, 8, 2, &palette, &[255, 0, 128], &indices),
    );
    let bits: Vec<u8> = (0..16 * 8u32).map(|i| ((i / 3) % 2) as u8).collect();
    image_seed("png_indexed1", [1, 2, 0, 128], &fixtures::indexed_png(16, 8, 1, &palette[..2], &[], &bits));

    let jpeg = encode(&rgb, ImageFormat::Jpeg);
    image_seed("jpeg_rgb", [9, 0, 4 * 9, 128], &jpeg);
    image_seed("jpeg_gray", [7, 3, 1, 128], &encode(&DynamicImage::ImageLuma8(rgb.to_luma8()), ImageFormat::Jpeg));
    image_seed("jpeg_exif_orientation6", [9, 2, 4 * 4, 128], &fixtures::jpeg_with_exif_orientation(&jpeg, 6));

    // JPEGs zune-jpeg misreads, which decode() hands to jpeg-decoder: CMYK with
    // mixed sampling (baseline and progressive), and non-interleaved scans
    // (jpeg-encoder writes one scan a component when it optimises Huffman tables).
    let cmyk: Vec<u8> = pic.pixels().flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], p[0] / 4]).collect();
    for (name, progressive, header) in
        [("jpeg_cmyk_2x2", false, [9, 0, 0, 128]), ("jpeg_cmyk_2x2_progressive", true, [5, 2, 4 * 6, 128])]
    {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.set_progressive(progressive);
        enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        enc.encode(&cmyk, 32, 24, jpeg_encoder::ColorType::Cmyk).unwrap();
        image_seed(name, header, &out);
    }
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.set_optimized_huffman_tables(true);
    enc.encode(rgb.as_bytes(), 32, 24, jpeg_encoder::ColorType::Rgb).unwrap();
    image_seed("jpeg_non_interleaved", [9, 1, 4 * 9, 128], &out);

    let gif = {
        let mut out = Vec::new();
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        let second = picture(32, 24, 2);
        enc.encode_frames([image::Frame::new(pic.clone()), image::Frame::new(second)]).unwrap();
        drop(enc);
        out
    };
    image_seed("gif_two_frames", [9, 4, 4 * 3, 128], &gif);
    image_seed("webp_lossless_rgba", [9, 1, 2, 128], &encode(&rgba, ImageFormat::WebP));
    image_seed("bmp_rgb24", [9, 0, 1 + 4, 128], &encode(&rgb, ImageFormat::Bmp));
    image_seed("bmp_rgba32", [9, 2, 4 * 2, 128], &encode(&rgba, ImageFormat::Bmp));
    image_seed("bmp_gray8", [2, 3, 0, 128], &encode(&DynamicImage::ImageLuma8(rgb.to_luma8()), ImageFormat::Bmp));

    // Color information (issue 10): profiles that convert, a gray one, gAMA with
    // cHRM, and broken profiles (truncated, a 2 GB declared size, a tag table of
    // 16 million entries), each in the format that carries it.
    let with_icc = |format: ImageFormat, img: &DynamicImage, icc: Vec<u8>| {
        use image::ImageEncoder;
        let mut out = Vec::new();
        let (w, h, ct) = (img.width(), img.height(), img.color().into());
        match format {
            ImageFormat::Jpeg => {
                let mut e = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
                e.set_icc_profile(icc).unwrap();
                e.write_image(img.as_bytes(), w, h, ct).unwrap();
            }
            ImageFormat::WebP => {
                let mut e = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
                e.set_icc_profile(icc).unwrap();
                e.write_image(img.as_bytes(), w, h, ct).unwrap();
            }
            _ => {
                let mut e = image::codecs::png::PngEncoder::new(&mut out);
                e.set_icc_profile(icc).unwrap();
                e.write_image(img.as_bytes(), w, h, ct).unwrap();
            }
        }
        out
    };
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    let prophoto = moxcms::ColorProfile::new_pro_photo_rgb().encode().unwrap();
    let adobe = moxcms::ColorProfile::new_adobe_rgb().encode().unwrap();
    let gray = moxcms::ColorProfile::new_gray_with_gamma(2.2).encode().unwrap();
    image_seed("png_iccp_p3", [9, 0, 4 * 9, 128], &with_icc(ImageFormat::Png, &rgb, p3.clone()));
    image_seed("png_iccp_p3_rgba", [9, 1, 4 * 9, 128], &with_icc(ImageFormat::Png, &rgba, p3.clone()));
    image_seed("jpeg_icc_prophoto", [9, 0, 4 * 9, 128], &with_icc(ImageFormat::Jpeg, &rgb, prophoto));
    image_seed("webp_iccp_adobe", [9, 0, 4 * 9, 128], &with_icc(ImageFormat::WebP, &rgba, adobe));
    let luma = DynamicImage::ImageLuma8(rgb.to_luma8());
    image_seed("jpeg_icc_gray", [5, 0, 4 * 9, 128], &with_icc(ImageFormat::Jpeg, &luma, gray));
    let mut huge = p3.clone();
    huge[..4].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    image_seed("jpeg_icc_2gb_size", [9, 0, 0, 128], &with_icc(ImageFormat::Jpeg, &rgb, huge));
    let mut tags = p3.clone();
    tags[128..132].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
    image_seed("png_iccp_bad_tag_table", [9, 0, 0, 128], &with_icc(ImageFormat::Png, &rgb, tags));
    image_seed("png_iccp_truncated", [9, 0, 0, 128], &with_icc(ImageFormat::Png, &rgb, p3[..p3.len() / 2].to_vec()));
    let gama_chrm = {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, rgb.width(), rgb.height());
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.set_source_gamma(png::ScaledFloat::new(0.4));
        e.set_source_chromaticities(png::SourceChromaticities::new(
            (0.3127, 0.3290),
            (0.68, 0.32),
            (0.265, 0.69),
            (0.15, 0.06),
        ));
        let mut w = e.write_header().unwrap();
        w.write_image_data(rgb.as_bytes()).unwrap();
        drop(w);
        out
    };
    image_seed("png_gama_chrm", [9, 0, 4 * 9, 128], &gama_chrm);
    // Session 6: a 16-bit PNG with a P3 profile (converted before rounding, its wide colors kept),
    // a JPEG whose profile says CMYK (an RGB frame: noted), an APNG whose default image is
    // hidden, with a smaller first frame, and a 32-bit BMP whose V5 header declares alpha.
    let mut info = png::Info::with_size(rgb.width(), rgb.height());
    info.color_type = png::ColorType::Rgb;
    info.bit_depth = png::BitDepth::Sixteen;
    info.icc_profile = Some(p3.clone().into());
    let mut png16 = Vec::new();
    let mut w = png::Encoder::with_info(&mut png16, info).unwrap().write_header().unwrap();
    w.write_image_data(&rgb.to_rgb16().as_raw().iter().flat_map(|v| v.to_be_bytes()).collect::<Vec<u8>>()).unwrap();
    w.finish().unwrap();
    image_seed("png_rgb16_iccp_p3", [9, 0, 4 * 9, 128], &png16);
    let mut cmyk_icc = p3.clone();
    cmyk_icc[16..20].copy_from_slice(b"CMYK");
    image_seed("jpeg_icc_says_cmyk", [9, 0, 0, 128], &with_icc(ImageFormat::Jpeg, &rgb, cmyk_icc));
    let mut apng = Vec::new();
    let mut e = png::Encoder::new(&mut apng, 16, 12);
    e.set_color(png::ColorType::Rgb);
    e.set_animated(2, 0).unwrap();
    e.set_sep_def_img(true).unwrap();
    let mut w = e.write_header().unwrap();
    w.write_image_data(&[200, 10, 10].repeat(16 * 12)).unwrap();
    w.set_frame_dimension(8, 6).unwrap();
    w.set_frame_position(4, 3).unwrap();
    w.write_image_data(&[10, 10, 200].repeat(8 * 6)).unwrap();
    w.set_frame_position(0, 0).unwrap();
    w.set_frame_dimension(16, 12).unwrap();
    w.write_image_data(&[10, 200, 10].repeat(16 * 12)).unwrap();
    w.finish().unwrap();
    image_seed("apng_hidden_default_small_frame", [4, 0, 4 * 9, 128], &apng);
    let mut bmp = b"BM".to_vec();
    let le = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
    let (bw, bh) = (8u32, 6u32);
    le(&mut bmp, 14 + 124 + bw * bh * 4);
    le(&mut bmp, 0);
    le(&mut bmp, 14 + 124);
    for v in [124, bw, bh] {
        le(&mut bmp, v);
    }
    bmp.extend_from_slice(&1u16.to_le_bytes());
    bmp.extend_from_slice(&32u16.to_le_bytes());
    for v in [0, bw * bh * 4, 2835, 2835, 0, 0, 0x00ff_0000, 0x0000_ff00, 0x0000_00ff, 0xff00_0000] {
        le(&mut bmp, v);
    }
    bmp.resize(14 + 124, 0);
    bmp.extend((0..bw * bh).flat_map(|i| [(i * 5) as u8, 90, (i * 3) as u8, if i % 3 == 0 { 0 } else { 255 }]));
    image_seed("bmp32_v5_alpha", [5, 0, 4 * 9, 128], &bmp);

    // Encoders the `image` crate lacks: lossy WebP (VP8, VP8X + ALPH), progressive
    // and restart-interval JPEG, chroma-subsampled JPEG.
    let tmp = std::env::temp_dir().join(format!("cinepal-seeds-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let (png_in, ppm_in, out) = (tmp.join("in.png"), tmp.join("in.ppm"), tmp.join("out"));
    std::fs::write(&png_in, encode(&rgba, ImageFormat::Png)).unwrap();
    let mut ppm = format!("P6\n{} {}\n255\n", rgb.width(), rgb.height()).into_bytes();
    ppm.extend_from_slice(rgb.as_bytes());
    std::fs::write(&ppm_in, ppm).unwrap();
    if let Some(b) = tool("cwebp", &["-quiet", "-q", "60", "-noalpha"], &png_in, &out) {
        image_seed("webp_lossy", [9, 0, 4 * 9, 128], &b);
    }
    if let Some(b) = tool("cwebp", &["-quiet", "-q", "60", "-alpha_q", "50"], &png_in, &out) {
        image_seed("webp_lossy_alpha", [5, 2, 4, 100], &b);
    }
    if let Some(b) = tool("cjpeg", &["-progressive", "-quality", "80"], &ppm_in, &out) {
        image_seed("jpeg_progressive", [9, 3, 4 * 9, 128], &b);
    }
    if let Some(b) = tool("cjpeg", &["-restart", "1", "-sample", "2x2", "-quality", "70"], &ppm_in, &out) {
        image_seed("jpeg_restart_420", [9, 1, 1, 128], &b);
    }
    std::fs::write(tmp.join("scans.txt"), "0;\n1;\n2;\n").unwrap();
    let scans = tmp.join("scans.txt").to_str().unwrap().to_string();
    if let Some(b) = tool("cjpeg", &["-scans", &scans, "-quality", "80"], &ppm_in, &out) {
        image_seed("jpeg_non_interleaved_cjpeg", [3, 3, 4 * 4, 128], &b);
    }
    std::fs::remove_dir_all(&tmp).unwrap();

    // Headers over the decoding limits (from tests/bad/): the limit paths of each decoder.
    for (name, bad) in [
        ("limit_png_60000x60000", "png_ihdr_60000x60000.png"),
        ("limit_jpeg_65000x65000", "jpeg_sof_65000x65000.jpg"),
        ("limit_gif_frame_15000x15000", "gif_frame_15000x15000_on_1x1_screen.gif"),
        ("limit_webp_16000x16000", "webp_vp8l_16000x16000.webp"),
        ("limit_bmp_30000x30000", "bmp_30000x30000.bmp"),
    ] {
        image_seed(name, [9, 0, 0, 128], &std::fs::read(root().join("tests/bad").join(bad)).unwrap());
    }

    // options: [text length, text, u64 colors, flags, count, swatches (rgb + share), manual, shuffle].
    let mut rng = fixtures::Lcg::new(7);
    for (i, (text, colors, flags, count)) in [
        ("kmeans", 10u64, 0u8, 10u8),
        ("agglomerative-Ward", 0, 0, 3),
        ("smooth", 64, 0, 14),
        ("Dark-To-Light", 65, 2, 5),
        ("3,1,0,2", 1, 2, 4),
        ("1,x", u64::MAX, 4 | 2, 6),
        ("srgb", 24, 1, 15),
        ("seed", 3, 0, 24),
        (" none ", 2, 1, 0),
        ("rainbow", 9, 0, 1),
    ]
    .into_iter()
    .enumerate()
    {
        let mut b = vec![text.len() as u8];
        b.extend_from_slice(text.as_bytes());
        b.extend_from_slice(&colors.to_le_bytes());
        b.extend([flags, count]);
        let per_swatch = if flags & 1 == 0 { 4 } else { 11 };
        b.extend((0..count as usize * per_swatch + 80).map(|_| rng.next_u32() as u8));
        write("options", &format!("{i:02}_{}", text.trim().replace(',', "_")), &b);
    }

    // extract_rgba: [width - 1, height - 1, fill, 4 option bytes, pixels].
    for (name, head, pixels) in [
        ("noise_64x48_k10", [63u8, 47, 1, 9, 0, 0, 128], 0usize),
        ("few_colors_16x16_k64", [15, 15, 0, 63, 2, 1, 128], 48),
        ("transparent_8x8", [7, 7, 2, 4, 1, 4, 255], 40),
        ("noise_128x128_k24", [127, 127, 1, 23, 3, 4 * 9, 0], 64),
    ] {
        let mut b = head.to_vec();
        b.extend((0..pixels).map(|_| rng.next_u32() as u8));
        write("extract_rgba", name, &b);
    }
}
