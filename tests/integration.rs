//! The engine end to end on generated fixtures (every format, alpha,
//! grayscale, 16-bit, indexed PNG, sampling, the composite's geometry) and on
//! the real photos in `../shared/images` (skipped when that folder is absent).
//!
//! Run with `cargo test --release --test integration`.

mod fixtures;

use std::collections::BTreeSet;

use cinepal::image::seed_stride;
use cinepal::{
    decode, extract, quality, render_composite, render_strip, ColorCount, Error, Image, Limits, Method, Named, Options,
    Palette, RenderOptions, Sampling, Sort, Space, Swatch,
};
use fixtures::*;
use image::{DynamicImage, ImageFormat};

const WHITE: [u8; 4] = [255, 255, 255, 255];

fn opts(colors: usize, method: Method, space: Space) -> Options {
    Options { colors: ColorCount::try_from(colors).expect("1 to 64"), method, space, ..Options::default() }
}

fn decode_bytes(bytes: &[u8]) -> Image {
    decode(bytes, &Limits::default()).expect("fixture decodes")
}

fn assert_shares_sum_to_one(p: &Palette) {
    let total: f64 = p.swatches.iter().map(|s| s.share).sum();
    assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
    assert!(p.swatches.iter().all(|s| s.share > 0.0), "{:?}", p.swatches);
}

fn assert_distinct(p: &Palette) {
    let hexes: BTreeSet<String> = p.swatches.iter().map(Swatch::hex).collect();
    assert_eq!(hexes.len(), p.swatches.len(), "duplicate swatches {:?}", p.swatches);
}

/// The swatch closest to `c` and its ΔE_ok.
fn nearest(p: &Palette, c: [u8; 3]) -> (Swatch, f64) {
    p.swatches.iter().map(|s| (*s, delta_e(s.rgb, c))).min_by(|a, b| a.1.total_cmp(&b.1)).expect("swatches")
}

// ---------------------------------------------------------------- clustering

#[test]
fn two_separated_blobs_are_found_by_every_method_in_both_spaces() {
    const RED: [u8; 3] = [200, 40, 50];
    const BLUE: [u8; 3] = [30, 90, 200];
    let mut rng = Lcg::new(1);
    // Left 40 % red, right 60 % blue, each with ±4 levels of uniform noise.
    let img = rgb_image(100, 60, |x, _| jitter(if x < 40 { RED } else { BLUE }, 4, &mut rng));
    let image = decode_bytes(&encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png));
    for method in Method::all() {
        for space in Space::all() {
            let p = extract(&image, &opts(2, method, space)).unwrap();
            assert_eq!(p.swatches.len(), 2, "{method:?} {space:?}");
            for (blob, share) in [(RED, 0.4), (BLUE, 0.6)] {
                let (s, d) = nearest(&p, blob);
                // A swatch is the mean of its blob: symmetric noise averages out to
                // well under a level, rounding to 8 bits moves it at most half a level
                // a channel, which is < 0.5 ΔE_ok for these mid-range colors; 1 leaves room.
                assert!(d < 1.0, "{method:?} {space:?}: {} is ΔE {d:.2} from blob {:?}", s.hex(), blob);
                // The blobs are ΔE > 50 apart and each spreads < 5: every method splits them exactly.
                assert!((s.share - share).abs() < 1e-9, "{method:?} {space:?}: share {} for {share}", s.share);
            }
        }
    }
}

#[test]
fn one_color_gives_one_swatch_whatever_n() {
    let image = Image::from_rgb(16, 16, [12u8, 200, 99].repeat(256)).unwrap();
    for method in Method::all() {
        for space in Space::all() {
            let p = extract(&image, &opts(10, method, space)).unwrap();
            assert_eq!(p.swatches, vec![Swatch::new([12, 200, 99], 1.0)], "{method:?} {space:?}");
            assert_eq!((p.options.colors.get(), p.counted), (10, 256));
        }
    }
}

#[test]
fn more_colors_asked_than_the_image_has_gives_exactly_its_colors() {
    // 50 %, 30 % and 20 % of 100 pixels; two of the colors share a 5-bit histogram cell.
    let colors = [[10u8, 20, 30], [11, 21, 29], [250, 128, 0]];
    let data: Vec<u8> = (0..100)
        .flat_map(|i| {
            colors[if i < 50 {
                0
            } else if i < 80 {
                1
            } else {
                2
            }]
        })
        .collect();
    let image = Image::from_rgb(10, 10, data).unwrap();
    for method in Method::all() {
        for space in Space::all() {
            let p = extract(&image, &Options { sort: Sort::Share, ..opts(10, method, space) }).unwrap();
            let got: Vec<([u8; 3], f64)> = p.swatches.iter().map(|s| (s.rgb, s.share)).collect();
            assert_eq!(got, vec![(colors[0], 0.5), (colors[1], 0.3), (colors[2], 0.2)], "{method:?} {space:?}");
            assert_eq!((p.options.colors.get(), p.swatches.len()), (10, 3));
        }
    }
}

#[test]
fn a_gradient_sorted_by_lightness_gets_lighter() {
    // Dark blue to pale yellow, 256 steps.
    let lerp = |a: u8, b: u8, t: f64| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    let img = rgb_image(256, 8, |x, _| {
        let t = x as f64 / 255.0;
        [lerp(10, 250, t), lerp(20, 240, t), lerp(90, 150, t)]
    });
    let image = decode_bytes(&encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png));
    for method in Method::all() {
        for space in Space::all() {
            let p = extract(&image, &Options { sort: Sort::Lightness, ..opts(8, method, space) }).unwrap();
            assert_eq!(p.swatches.len(), 8);
            let l: Vec<f64> = p.swatches.iter().map(|s| s.oklab().l).collect();
            assert!(l.windows(2).all(|w| w[0] < w[1]), "{method:?} {space:?}: {l:?}");
            assert_shares_sum_to_one(&p);
        }
    }
}

#[test]
fn smooth_walks_a_gray_ramp_dark_to_light() {
    let img = Image::from_rgb(256, 1, (0..=255u8).flat_map(|v| [v, v, v]).collect()).unwrap();
    for method in Method::all() {
        let smooth = extract(&img, &Options { sort: Sort::Smooth, ..opts(6, method, Space::Oklab) }).unwrap();
        let light = smooth.resorted(&Sort::Lightness).unwrap();
        // Colors on one line: the shortest path visits them in order along it, from the dark end.
        assert_eq!(smooth.swatches, light.swatches, "{method:?}");
    }
}

// ---------------------------------------------------------------- alpha

#[test]
fn transparent_black_background_never_gives_a_black_swatch() {
    // A disc of light colors on a background whose pixels are (0, 0, 0, 0),
    // with a ring of half-transparent black (alpha 127, just under the threshold).
    let img = rgba_image(64, 64, |x, y| {
        let (dx, dy) = (x as f64 - 31.5, y as f64 - 31.5);
        let r = (dx * dx + dy * dy).sqrt();
        if r < 20.0 {
            [150 + (x * 3) as u8 % 100, 120 + (y * 2) as u8 % 100, 200, 255]
        } else if r < 24.0 {
            [0, 0, 0, 127]
        } else {
            [0, 0, 0, 0]
        }
    });
    let opaque = img.pixels().filter(|p| p.0[3] == 255).count() as u64;
    let image = decode_bytes(&encode(&DynamicImage::ImageRgba8(img), ImageFormat::Png));
    for method in Method::all() {
        for space in Space::all() {
            let p = extract(&image, &opts(6, method, space)).unwrap();
            assert_eq!(p.counted, opaque, "{method:?}");
            for s in &p.swatches {
                // Every opaque color has Oklab L > 0.6; black is L = 0.
                assert!(delta_e(s.rgb, [0, 0, 0]) > 50.0, "{method:?} {space:?}: swatch {}", s.hex());
            }
        }
    }
    // With the filter off the black background is counted and shows up.
    let all = extract(&image, &Options { alpha_threshold: 0, ..opts(6, Method::KMeans, Space::Oklab) }).unwrap();
    assert_eq!(all.counted, 64 * 64);
    assert!(all.swatches.iter().any(|s| s.rgb == [0, 0, 0] && s.share > 0.5), "{:?}", all.swatches);
}

#[test]
fn a_fully_transparent_image_is_an_input_error() {
    let image = decode_bytes(&transparent_png(8, 8));
    let e = extract(&image, &Options::default()).unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
}

// ---------------------------------------------------------------- formats

/// Largest Oklab chroma of a palette's swatches.
fn max_chroma(p: &Palette) -> f64 {
    p.swatches.iter().map(|s| s.oklab().chroma()).fold(0.0, f64::max)
}

#[test]
fn grayscale_png_and_jpeg_give_neutral_swatches() {
    let gray = image::GrayImage::from_fn(96, 64, |x, y| image::Luma([((x * 2 + y) % 256) as u8]));
    let gray_alpha =
        image::GrayAlphaImage::from_fn(96, 64, |x, y| image::LumaA([(x * 2 + y) as u8, if x < 10 { 0 } else { 255 }]));
    let files = [
        ("png L8", encode(&DynamicImage::ImageLuma8(gray.clone()), ImageFormat::Png)),
        ("png LA8", encode(&DynamicImage::ImageLumaA8(gray_alpha), ImageFormat::Png)),
        ("jpeg L8", encode(&DynamicImage::ImageLuma8(gray), ImageFormat::Jpeg)),
    ];
    for (name, bytes) in files {
        let image = decode_bytes(&bytes);
        for method in Method::all() {
            for space in Space::all() {
                let p = extract(&image, &opts(8, method, space)).unwrap();
                assert_eq!(p.swatches.len(), 8, "{name}");
                // Means of grays are gray; rounding back to 8 bits may leave one level
                // between channels (chroma ≈ 0.003). A tint is visible from ≈ 0.02.
                assert!(max_chroma(&p) < 0.02, "{name} {method:?} {space:?}: {:?}", p.swatches);
            }
        }
    }
}

#[test]
fn sixteen_bit_png_decodes_to_its_colors() {
    // Values v·257 are exactly the 8-bit value v in 16 bits.
    let colors: [[u8; 3]; 3] = [[10, 200, 30], [255, 255, 0], [1, 2, 3]];
    let to16 = |c: [u8; 3]| c.map(|v| v as u16 * 257);
    let rgb16 = image::ImageBuffer::<image::Rgb<u16>, Vec<u16>>::from_fn(30, 10, |x, _| {
        image::Rgb(to16(colors[x as usize / 10]))
    });
    let rgba16 = image::ImageBuffer::<image::Rgba<u16>, Vec<u16>>::from_fn(30, 10, |x, y| {
        let [r, g, b] = to16(colors[x as usize / 10]);
        image::Rgba([r, g, b, if y < 5 { 65535 } else { 0 }])
    });
    for (name, img) in [("rgb16", DynamicImage::ImageRgb16(rgb16)), ("rgba16", DynamicImage::ImageRgba16(rgba16))] {
        let bytes = encode(&img, ImageFormat::Png);
        assert_eq!(bytes[24], 16, "{name}: the fixture must really be 16-bit (IHDR bit depth)");
        let image = decode_bytes(&bytes);
        let p = extract(&image, &Options { sort: Sort::Red, ..opts(10, Method::KMeans, Space::Oklab) }).unwrap();
        let got: Vec<[u8; 3]> = p.swatches.iter().map(|s| s.rgb).collect();
        assert_eq!(got, vec![[1, 2, 3], [10, 200, 30], [255, 255, 0]], "{name}");
        assert!(p.swatches.iter().all(|s| (s.share - 1.0 / 3.0).abs() < 1e-12), "{name}: {:?}", p.swatches);
    }
}

#[test]
fn indexed_png_decodes_with_its_palette_and_transparency() {
    let palette = [[0, 0, 0], [220, 20, 60], [0, 128, 128], [250, 250, 210]];
    // Entry 0 is fully transparent (its RGB is black), the rest opaque.
    let trns = [0u8, 255, 255, 255];
    for bit_depth in [8u8, 4, 2] {
        // Odd width so that packed rows end in a partial byte.
        let (w, h) = (13u32, 7u32);
        let indices: Vec<u8> = (0..w * h).map(|i| (i % 4) as u8).collect();
        let bytes = indexed_png(w, h, bit_depth, &palette, &trns, &indices);
        let image = decode_bytes(&bytes);
        assert_eq!((image.width(), image.height()), (w, h));
        let p = extract(&image, &Options { sort: Sort::Red, ..Options::default() }).unwrap();
        let got: BTreeSet<[u8; 3]> = p.swatches.iter().map(|s| s.rgb).collect();
        assert_eq!(got, palette[1..].iter().copied().collect(), "{bit_depth}-bit");
        let counted = indices.iter().filter(|&&i| i != 0).count() as u64;
        assert_eq!(p.counted, counted, "{bit_depth}-bit");
        for s in &p.swatches {
            let i = palette.iter().position(|&c| c == s.rgb).unwrap() as u8;
            let n = indices.iter().filter(|&&j| j == i).count() as f64;
            assert!((s.share - n / counted as f64).abs() < 1e-12);
        }
    }
}

#[test]
fn every_lossless_format_round_trips_exact_colors() {
    let img = DynamicImage::ImageRgb8(quadrants(40, 30));
    for format in [ImageFormat::Png, ImageFormat::Gif, ImageFormat::Bmp, ImageFormat::WebP] {
        let image = decode_bytes(&encode(&img, format));
        assert_eq!((image.width(), image.height()), (40, 30), "{format:?}");
        let p = extract(&image, &Options::default()).unwrap();
        let got: BTreeSet<[u8; 3]> = p.swatches.iter().map(|s| s.rgb).collect();
        assert_eq!(got, QUADRANT_COLORS.into_iter().collect(), "{format:?}");
        assert!(p.swatches.iter().all(|s| s.share == 0.25), "{format:?}: {:?}", p.swatches);
    }
}

#[test]
fn jpeg_of_flat_quadrants_gives_their_colors() {
    let image = decode_bytes(&encode(&DynamicImage::ImageRgb8(quadrants(64, 64)), ImageFormat::Jpeg));
    let p = extract(&image, &opts(4, Method::KMeans, Space::Oklab)).unwrap();
    for c in QUADRANT_COLORS {
        let (s, d) = nearest(&p, c);
        // JPEG's chroma subsampling and quantisation blur the quadrant edges and
        // shift flat areas a little; a cluster mean stays within a few ΔE_ok.
        assert!(d < 5.0, "{} is ΔE {d:.2} from {c:?}", s.hex());
    }
}

// ---------------------------------------------------------------- sampling

#[test]
fn seed_sampling_counts_every_sth_pixel_from_the_first() {
    let (w, h) = (701u32, 451u32);
    let s = seed_stride(w, h);
    assert!(s > 1, "the fixture must be large enough for a stride above 1");
    let pixels = (w * h) as usize;
    // Pixels at multiples of s (row-major) are red, the rest blue: the seed's
    // sampling sees only red.
    let data: Vec<u8> = (0..pixels).flat_map(|i| if i % s == 0 { [255, 0, 0] } else { [0, 0, 255] }).collect();
    let image = Image::from_rgb(w, h, data).unwrap();
    let seed = extract(&image, &Options { sampling: Sampling::Seed, ..Options::default() }).unwrap();
    assert_eq!(seed.counted, pixels.div_ceil(s) as u64);
    assert_eq!(seed.swatches, vec![Swatch::new([255, 0, 0], 1.0)]);
    let all = extract(&image, &Options::default()).unwrap();
    assert_eq!(all.counted, pixels as u64);
    assert_eq!(all.swatches.len(), 2);
}

#[test]
fn seed_stride_follows_the_notebook_formula() {
    for (w, h) in [(1u32, 1u32), (199, 99), (200, 100), (1920, 1080), (4270, 2530), (3839, 5758), (65535, 3)] {
        let expected = ((w as f64 / 200.0 + h as f64 / 100.0) / 2.0).floor().max(1.0) as usize;
        assert_eq!(seed_stride(w, h), expected, "{w}x{h}");
    }
}

// ---------------------------------------------------------------- composite

/// `⌊k·W / (10n + 1)⌋`, that is `int(k·m)` with m = W / (10n + 1), exactly.
fn at(k: u64, w: u32, n: usize) -> u32 {
    (k * w as u64 / (10 * n as u64 + 1)) as u32
}

fn distinct_swatches(n: usize) -> Vec<Swatch> {
    (0..n).map(|i| Swatch::new([(i * 23) as u8, (200 - i * 3) as u8, (i * 7 % 250) as u8], 1.0 / n as f64)).collect()
}

#[test]
fn composite_has_the_colorpalette_cinema_geometry() {
    for (w, h, n) in [(210u32, 2u32, 2usize), (1000, 30, 10), (333, 17, 7), (64, 10, 1), (97, 5, 9), (641, 3, 64)] {
        let img = rgb_image(w, h, |x, y| [(x % 251) as u8, (y % 251) as u8, 77]);
        let image = Image::from_rgb(w, h, img.into_raw()).unwrap();
        let swatches = distinct_swatches(n);
        let c = render_composite(&image, &swatches, &RenderOptions::default()).unwrap();
        let band = at(11, w, n);
        assert_eq!((c.width(), c.height()), (w, h + band), "{w}x{h} n={n}");
        for y in 0..h {
            for x in 0..w {
                assert_eq!(c.rgba_at(x, y), image.rgba_at(x, y), "image pixel ({x},{y})");
            }
        }
        // Every band pixel is its swatch's color inside a span, white elsewhere.
        let (top, bottom) = (at(1, w, n), at(10, w, n));
        let spans: Vec<(u32, u32)> = (0..n as u64).map(|i| (at(10 * i + 1, w, n), at(10 * (i + 1), w, n))).collect();
        for y in 0..band {
            for x in 0..w {
                let inside = (top..bottom).contains(&y);
                let expected = match spans.iter().position(|&(x0, x1)| inside && (x0..x1).contains(&x)) {
                    Some(i) => {
                        let [r, g, b] = swatches[i].rgb;
                        [r, g, b, 255]
                    }
                    None => WHITE,
                };
                assert_eq!(c.rgba_at(x, h + y), expected, "band pixel ({x},{y}) of {w}x{h} n={n}");
            }
        }
        // The center of each span carries its swatch; the margins left, above and below are white.
        for (i, &(x0, x1)) in spans.iter().enumerate() {
            let [r, g, b] = swatches[i].rgb;
            assert_eq!(c.rgba_at((x0 + x1) / 2, h + (top + bottom) / 2), [r, g, b, 255]);
        }
        if spans[0].0 > 0 {
            assert_eq!(c.rgba_at(0, h + band / 2), WHITE);
        }
        if top > 0 {
            assert_eq!(c.rgba_at(w / 2, h), WHITE);
        }
        assert_eq!(c.rgba_at(w / 2, h + band - 1), WHITE);
        // The strip alone is the composite's band.
        let strip = render_strip(w, &swatches, &RenderOptions::default()).unwrap();
        assert_eq!((strip.width(), strip.height()), (w, band));
        assert_eq!(strip.data(), &c.data()[(w * h * 4) as usize..]);
    }
}

#[test]
fn composite_of_an_rgba_image_is_drawn_on_a_custom_background_or_keeps_its_alpha() {
    let image = Image::from_rgba(210, 1, [9u8, 8, 7, 0].repeat(210)).unwrap();
    let ro = RenderOptions { background: [1, 2, 3], ..RenderOptions::default() };
    let c = render_composite(&image, &distinct_swatches(2), &ro).unwrap();
    // Transparent: the band's color shows through, as the page shows it.
    assert_eq!(c.rgba_at(100, 0), [1, 2, 3, 255]);
    assert_eq!(c.rgba_at(0, 1), [1, 2, 3, 255]);
    let kept = render_composite(&image, &distinct_swatches(2), &RenderOptions { keep_alpha: true, ..ro }).unwrap();
    assert_eq!(kept.rgba_at(100, 0), [9, 8, 7, 0]);
}

#[test]
fn composite_of_an_extracted_palette_shows_its_colors_in_order() {
    let image = decode_bytes(&encode(&DynamicImage::ImageRgb8(quadrants(505, 40)), ImageFormat::Png));
    let p = extract(&image, &Options { sort: Sort::Hue, ..Options::default() }).unwrap();
    let c = render_composite(&image, &p.swatches, &RenderOptions::default()).unwrap();
    let n = p.swatches.len();
    let y = 40 + (at(1, 505, n) + at(10, 505, n)) / 2;
    for (i, s) in p.swatches.iter().enumerate() {
        let x = (at(10 * i as u64 + 1, 505, n) + at(10 * (i as u64 + 1), 505, n)) / 2;
        let [r, g, b] = s.rgb;
        assert_eq!(c.rgba_at(x, y), [r, g, b, 255]);
    }
}

/// Runs of equal color along row `y` of the strip: (color, start, length), white runs left out.
fn runs(strip: &Image, y: u32) -> Vec<([u8; 4], u32, u32)> {
    let mut out: Vec<([u8; 4], u32, u32)> = Vec::new();
    for x in 0..strip.width() {
        let p = strip.rgba_at(x, y);
        match out.last_mut() {
            Some((c, s, len)) if *c == p && *s + *len == x => *len += 1,
            _ => out.push((p, x, 1)),
        }
    }
    out.retain(|r| r.0 != WHITE);
    out
}

#[test]
fn proportional_widths_follow_the_shares() {
    let shares = [0.5, 0.3, 0.15, 0.05];
    let swatches: Vec<Swatch> =
        shares.iter().zip(QUADRANT_COLORS).map(|(&share, rgb)| Swatch::new(rgb, share)).collect();
    for w in [1001u32, 640, 333] {
        let strip =
            render_strip(w, &swatches, &RenderOptions { proportional: true, ..RenderOptions::default() }).unwrap();
        let n = shares.len();
        let m = w as f64 / (10 * n + 1) as f64;
        assert_eq!(strip.height(), at(11, w, n));
        let r = runs(&strip, strip.height() / 2);
        assert_eq!(r.len(), n, "{w}: {r:?}");
        for (i, (&(color, x0, len), s)) in r.iter().zip(&swatches).enumerate() {
            let [cr, cg, cb] = s.rgb;
            assert_eq!(color, [cr, cg, cb, 255]);
            // The swatches share the 9n·m the equal layout gives them; truncating each end to a pixel costs ≤ 1.
            let want = 9.0 * n as f64 * m * s.share;
            assert!((len as f64 - want).abs() <= 1.0, "{w}: swatch {i} is {len} px, want {want:.1}");
            if i == 0 {
                assert!((x0 as f64 - m).abs() <= 1.0, "{w}: left margin {x0}, want {m:.1}");
            } else {
                let (_, px0, plen) = r[i - 1];
                let gap = x0 - (px0 + plen);
                assert!((gap as f64 - m).abs() <= 1.0, "{w}: gap {gap}, want {m:.1}");
            }
        }
        let (_, x0, len) = *r.last().unwrap();
        assert!(((w - (x0 + len)) as f64 - m).abs() <= 1.0, "{w}: right margin");
    }
}

// ---------------------------------------------------------------- real photos

const PHOTOS: [&str; 12] = [
    "kmeanscolors_pink_2color.gif",
    "neuralstyle_escher_gray.jpg",
    "neuralstyle_starry_night.jpg",
    "okolors_jewel_changi_6mp.webp",
    "okolors_kmeans_plot_white.gif",
    "okolors_lake_mendota_22mp.jpg",
    "okolors_louvre_night.jpg",
    "rembg_car_letterbox.jpg",
    "rembg_lion_alpha.png",
    "vibrant_black_cat_dark.jpg",
    "vibrant_night_umbrella_11mp.jpg",
    "vibrant_portrait_film.jpg",
];

fn photo(name: &str) -> Option<Image> {
    let dir = shared_images()?;
    let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    Some(decode(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}")))
}

#[test]
fn every_real_photo_decodes_and_gives_distinct_swatches() {
    for name in PHOTOS {
        let Some(image) = photo(name) else { return };
        let expected = if name == "kmeanscolors_pink_2color.gif" { 2 } else { 10 };
        for method in [Method::Telling, Method::KMeans, Method::Complete] {
            let p = extract(&image, &Options { method, ..Options::default() }).unwrap();
            assert_eq!(p.swatches.len(), expected, "{name} {method:?}");
            assert_distinct(&p);
            assert_shares_sum_to_one(&p);
        }
    }
}

#[test]
fn the_real_letterboxed_still_has_its_bars_found_and_no_photo_is_taken_for_bars() {
    for name in PHOTOS {
        let Some(image) = photo(name) else { return };
        let found = cinepal::region::detect(&image);
        // The car still: 45 rows of JPEG-compressed black (with ringing) above and below.
        let want = if name == "rembg_car_letterbox.jpg" {
            cinepal::region::Rect { x: 0, y: 45, width: 480, height: 270 }
        } else {
            cinepal::region::Rect::full(image.width(), image.height())
        };
        assert_eq!(found, want, "{name}");
    }
}

#[test]
fn lion_with_transparent_black_gives_no_black_swatch() {
    let Some(image) = photo("rembg_lion_alpha.png") else { return };
    // Two thirds of the pixels are transparent and their RGB is #000000. Among
    // the opaque ones pure black is rare, but a dark tail exists (mane shadows,
    // edges), so a dark swatch of a few percent is legitimate; a palette that
    // counted the transparent pixels would have a black swatch of over 60 %.
    let black = |c: [u8; 3]| delta_e(c, [0, 0, 0]);
    let (mut opaque, mut pure_black) = (0u64, 0u64);
    for y in 0..image.height() {
        for x in 0..image.width() {
            let [r, g, b, a] = image.rgba_at(x, y);
            if a >= 128 {
                opaque += 1;
                pure_black += (black([r, g, b]) < 5.0) as u64;
            }
        }
    }
    assert!(opaque * 2 < image.pixel_count(), "the photo is expected to be mostly transparent");
    assert!((pure_black as f64) < 0.01 * opaque as f64, "precondition: the opaque lion has almost no black");
    for method in Method::all() {
        let p = extract(&image, &Options { method, ..Options::default() }).unwrap();
        assert_eq!(p.counted, opaque, "{method:?}: transparent pixels must not be counted");
        for s in &p.swatches {
            // Black: within ΔE_ok 5 of #000000 (about #010101 for a gray).
            assert!(!(black(s.rgb) < 5.0 && s.share > 0.01), "{method:?}: black swatch {} of {:.3}", s.hex(), s.share);
        }
        // Even counting every near-black swatch (ΔE_ok < 15, darker than about #0b0b0b),
        // far less than the transparent 66 %.
        let dark: f64 = p.swatches.iter().filter(|s| black(s.rgb) < 15.0).map(|s| s.share).sum();
        assert!(dark < 0.2, "{method:?}: near-black swatches hold {dark:.3}");
    }
}

#[test]
fn grayscale_escher_gives_neutral_swatches() {
    let Some(image) = photo("neuralstyle_escher_gray.jpg") else { return };
    for method in Method::all() {
        for space in Space::all() {
            let p = extract(&image, &opts(10, method, space)).unwrap();
            assert_eq!(p.swatches.len(), 10);
            // Gray means stay gray; one 8-bit level between channels is chroma ≈ 0.003.
            assert!(max_chroma(&p) < 0.02, "{method:?} {space:?}: {:?}", p.swatches);
        }
    }
}

#[test]
fn complete_linkage_covers_small_vivid_accents_better_than_kmeans() {
    let names = ["vibrant_night_umbrella_11mp.jpg", "okolors_louvre_night.jpg", "okolors_jewel_changi_6mp.webp"];
    let mut figures = Vec::new();
    for name in names {
        let Some(image) = photo(name) else { return };
        let p99 = |method| {
            let p = extract(&image, &Options { method, ..Options::default() }).unwrap();
            let colors: Vec<[u8; 3]> = p.swatches.iter().map(|s| s.rgb).collect();
            quality::measure(&image, &colors, p.options.alpha_threshold).unwrap().p99
        };
        figures.push((name, p99(Method::KMeans), p99(Method::Complete)));
    }
    for (name, k, c) in &figures {
        eprintln!("{name}: p99 ΔE_ok kmeans {k:.2}, complete {c:.2}");
    }
    assert!(figures.iter().any(|(_, k, c)| c < k), "complete never beat kmeans on p99: {figures:?}");
}

#[test]
fn the_default_order_is_smooth_from_the_dark_end() {
    // Five bands from light to dark, shuffled in the image: the default palette walks them dark to light.
    let bands = [[240, 230, 200], [30, 30, 60], [200, 120, 60], [90, 60, 120], [150, 80, 70]];
    let pixels: Vec<u8> = (0..50u32).flat_map(|i| bands[(i / 10) as usize]).collect();
    let p = extract(&Image::from_rgb(10, 5, pixels).unwrap(), &Options::default()).unwrap();
    assert_eq!(p.options.sort, Sort::Smooth);
    let l: Vec<f64> = p.swatches.iter().map(|s| s.oklab().l).collect();
    assert!(l[0] < l[l.len() - 1], "starts from the darker end: {l:?}");
    let oklab: Vec<cinepal::color::Oklab> = p.swatches.iter().map(Swatch::oklab).collect();
    let path = cinepal::sort::path_length(&oklab, &(0..oklab.len()).collect::<Vec<_>>());
    let none = extract(
        &Image::from_rgb(10, 5, (0..50u32).flat_map(|i| bands[(i / 10) as usize]).collect()).unwrap(),
        &Options { sort: Sort::None, ..Options::default() },
    )
    .unwrap();
    let none_lab: Vec<cinepal::color::Oklab> = none.swatches.iter().map(Swatch::oklab).collect();
    assert!(path <= cinepal::sort::path_length(&none_lab, &(0..none_lab.len()).collect::<Vec<_>>()) + 1e-12);
}
