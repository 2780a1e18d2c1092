//! The default method, `telling`, on generated stills: it keeps small vivid
//! accents, never gives two swatches that look alike, covers the image nearly
//! as well as k-means, and invents no hue in a monochrome image.
//!
//! Run with `cargo test --release --test telling`.

use cinepal::color::{rgb8_to_oklab, Oklab};
use cinepal::{extract, quality, ColorCount, Image, Method, Options, Palette, Sort};

/// A small deterministic generator.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn noise(&mut self, amp: f64) -> f64 {
        (self.next() * 2.0 - 1.0) * amp
    }
}

const W: u32 = 400;
const H: u32 = 250;

/// A dark still: a blue-gray room lit from the left, a warm lamp glow, a
/// floor, with film grain; and `spots` (center, radius, color) painted on it.
fn still(spots: &[((f64, f64), f64, [u8; 3])]) -> Vec<[u8; 3]> {
    lit(1.0, spots)
}

/// The same room with its light scaled by `gain`.
fn lit(gain: f64, spots: &[((f64, f64), f64, [u8; 3])]) -> Vec<[u8; 3]> {
    let mut rng = Lcg(42);
    let mut px = Vec::with_capacity((W * H) as usize);
    for y in 0..H {
        for x in 0..W {
            let (u, v) = (x as f64 / W as f64, y as f64 / H as f64);
            let light = gain * (0.35 * (1.0 - u) + 0.1);
            let lamp = (-((u - 0.7).powi(2) + (v - 0.3).powi(2)) / 0.02).exp();
            let floor = if v > 0.75 { 0.5 } else { 1.0 };
            let base = [
                (40.0 * light + 150.0 * lamp) * floor,
                (48.0 * light + 100.0 * lamp) * floor,
                (70.0 * light + 50.0 * lamp) * floor,
            ];
            let grain = rng.noise(4.0);
            let mut c = base.map(|b| (b + grain).clamp(0.0, 255.0).round() as u8);
            for &((cx, cy), r, color) in spots {
                if (x as f64 - cx).hypot(y as f64 - cy) <= r {
                    c = color.map(|k| (k as f64 + rng.noise(5.0)).clamp(0.0, 255.0).round() as u8);
                }
            }
            px.push(c);
        }
    }
    px
}

fn image(px: &[[u8; 3]]) -> Image {
    Image::from_rgb(W, H, px.iter().flatten().copied().collect()).unwrap()
}

fn palette(img: &Image, method: Method) -> Palette {
    let o = Options { colors: ColorCount::try_from(10usize).unwrap(), method, ..Options::default() };
    extract(img, &o).unwrap()
}

fn rgb(p: &Palette) -> Vec<[u8; 3]> {
    p.swatches.iter().map(|s| s.rgb).collect()
}

fn nearest(p: &Palette, c: [u8; 3]) -> f64 {
    p.swatches.iter().map(|s| rgb8_to_oklab(s.rgb).delta_e(rgb8_to_oklab(c))).fold(f64::INFINITY, f64::min)
}

/// Spots of 0.1 % of the pixels each: a neon pink, a police-light teal, a lime.
const PINK: [u8; 3] = [255, 40, 160];
const TEAL: [u8; 3] = [0, 220, 210];
const LIME: [u8; 3] = [150, 255, 30];
const SPOTS: [[u8; 3]; 3] = [PINK, TEAL, LIME];

fn spotted() -> Image {
    let r = (0.001 * (W * H) as f64 / std::f64::consts::PI).sqrt();
    image(&lit(2.0, &[((90.0, 60.0), r, PINK), ((300.0, 190.0), r, TEAL), ((200.0, 120.0), r, LIME)]))
}

#[test]
fn small_vivid_spots_get_a_swatch_each() {
    let img = spotted();
    let p = palette(&img, Method::Telling);
    // ΔE_ok 10: the spot's color, recognisably (its pixels vary by ±5 levels).
    for spot in SPOTS {
        assert!(nearest(&p, spot) <= 10.0, "{spot:?} has no swatch: {:?}", rgb(&p));
    }
    // The test asks something k-means does not do by itself.
    let k = palette(&img, Method::KMeans);
    assert!(SPOTS.iter().any(|&s| nearest(&k, s) > 10.0), "kmeans kept them all: {:?}", rgb(&k));
}

const GAIN: f64 = 5.0;

#[test]
fn no_two_swatches_are_closer_than_five_and_coverage_stays_near_kmeans() {
    let img = image(&lit(GAIN, &[]));
    let t = palette(&img, Method::Telling);
    let k = palette(&img, Method::KMeans);
    let qt = quality::measure(&img, &rgb(&t), 128).unwrap();
    let qk = quality::measure(&img, &rgb(&k), 128).unwrap();
    // A smooth dark still: k-means spends its colors on near-duplicates.
    assert!(qk.min_pair < 5.0, "kmeans {qk:?}");
    assert!(qt.min_pair >= 5.0, "telling {qt:?}: {:?}", rgb(&t));
    assert_eq!(t.swatches.len(), 10);
    // The budget: at most 8 % above k-means' mean ΔE_ok.
    assert!(qt.mean <= 1.08 * qk.mean, "telling {qt:?} against kmeans {qk:?}");
}

#[test]
fn near_blacks_that_look_alike_are_one_swatch() {
    // #000000 and #020403 (ΔE_ok 9, but the same to the eye) and some colors.
    let colors: [([u8; 3], usize); 6] = [
        ([0, 0, 0], 30),
        ([2, 4, 3], 30),
        ([200, 60, 40], 10),
        ([40, 90, 200], 10),
        ([230, 220, 200], 10),
        ([90, 140, 60], 10),
    ];
    let mut rng = Lcg(5);
    let mut px = Vec::new();
    for &(c, n) in &colors {
        for _ in 0..n * W as usize * H as usize / 100 {
            let j = if c[0] > 10 { rng.noise(30.0) } else { 0.0 };
            px.push(c.map(|k| (k as f64 + j).clamp(0.0, 255.0) as u8));
        }
    }
    let o = Options { colors: ColorCount::try_from(6usize).unwrap(), ..Options::default() };
    let p = extract(&image(&px), &o).unwrap();
    assert_eq!(p.swatches.len(), 6);
    let near_black = p.swatches.iter().filter(|s| s.rgb.iter().all(|&v| v <= 8)).count();
    assert_eq!(near_black, 1, "{:?}", rgb(&p));
}

fn monochrome(tint: fn(f64) -> [f64; 3]) -> (Image, f64) {
    let px: Vec<[u8; 3]> = still(&[((90.0, 60.0), 12.0, PINK)])
        .into_iter()
        .map(|c| {
            let y = (0.2126 * c[0] as f64 + 0.7152 * c[1] as f64 + 0.0722 * c[2] as f64) / 255.0;
            tint(y).map(|v| (v * 255.0).clamp(0.0, 255.0).round() as u8)
        })
        .collect();
    let max = px.iter().map(|&c| rgb8_to_oklab(c).chroma()).fold(0.0, f64::max);
    (image(&px), max)
}

#[test]
fn monochrome_stills_give_a_lightness_ramp_with_no_invented_hue() {
    let gray: fn(f64) -> [f64; 3] = |y| [y, y, y];
    let sepia: fn(f64) -> [f64; 3] = |y| [y, y * 0.82, y * 0.62];
    for (name, tint) in [("gray", gray), ("sepia", sepia)] {
        let (img, max_chroma) = monochrome(tint);
        let p = palette(&img, Method::Telling);
        let labs: Vec<Oklab> = p.swatches.iter().map(|s| rgb8_to_oklab(s.rgb)).collect();
        // No swatch more chromatic than the image's own pixels (0.002: the rounding to 8 bits).
        for (s, l) in p.swatches.iter().zip(&labs) {
            assert!(l.chroma() <= max_chroma + 0.002, "{name}: {} chroma {} > {max_chroma}", s.hex(), l.chroma());
        }
        // The default order (smooth, from the dark end) is then a lightness ramp.
        assert_eq!(p.options.sort, Sort::Smooth);
        assert!(labs.windows(2).all(|w| w[0].l < w[1].l), "{name}: {:?}", rgb(&p));
    }
}

#[test]
fn telling_is_the_default_and_deterministic_for_a_seed() {
    assert_eq!(Options::default().method, Method::Telling);
    let img = spotted();
    let a = palette(&img, Method::Telling);
    assert_eq!(rgb(&a), rgb(&palette(&img, Method::Telling)));
    let shares: f64 = a.swatches.iter().map(|s| s.share).sum();
    assert!((shares - 1.0).abs() < 1e-9);
}
