//! Kept colors (`Options::keep`, the CLI's `--keep`): every kept color is in
//! the palette exactly and marked kept, the palette still has n colors and
//! still covers the image (when the kept colors come from it), the result
//! is deterministic, and a palette edited by hand (`with_swatches`) keeps
//! its colors and recomputes only the shares.
//!
//! Run with `cargo test --release --test keep -- --nocapture` (it prints
//! the coverage figures).

use std::path::PathBuf;

use cinepal::pick::pick;
use cinepal::{decode, extract, quality, with_swatches, ColorCount, Image, Limits, Method, Options, Swatch};

fn shared(name: &str) -> Option<Image> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/images").join(name);
    let bytes = std::fs::read(&path).ok()?;
    Some(decode(&bytes, &Limits::default()).expect("a shared photo decodes"))
}

/// A generated still: a dark blue room, a warm window, a small vivid sign, grain.
fn generated() -> Image {
    let (w, h) = (320u32, 180u32);
    let mut state = 7u64;
    let mut noise = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) * 8.0 - 4.0
    };
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let (u, v) = (x as f64 / w as f64, y as f64 / h as f64);
            let base = if (0.6..0.85).contains(&u) && (0.2..0.5).contains(&v) {
                [230.0, 180.0, 110.0]
            } else if (0.1..0.16).contains(&u) && (0.3..0.36).contains(&v) {
                [250.0, 40.0, 160.0]
            } else {
                [30.0 + 60.0 * u, 40.0 + 50.0 * v, 70.0 + 30.0 * u]
            };
            px.extend(base.map(|b| (b + noise()).clamp(0.0, 255.0).round() as u8));
        }
    }
    Image::from_rgb(w, h, px).unwrap()
}

fn options(method: Method, n: usize, keep: Vec<[u8; 3]>) -> Options {
    Options { method, colors: ColorCount::new(n).unwrap(), keep, ..Options::default() }
}

fn mean_de(image: &Image, swatches: &[Swatch]) -> f64 {
    let rgb: Vec<[u8; 3]> = swatches.iter().map(|s| s.rgb).collect();
    quality::measure(image, &rgb, 128).expect("opaque pixels").mean
}

/// Colors picked from the image at a few points (as the page's eyedropper does).
fn picks(image: &Image, at: &[(f64, f64)]) -> Vec<[u8; 3]> {
    let mut out: Vec<[u8; 3]> = Vec::new();
    for &(u, v) in at {
        let (x, y) = ((u * image.width() as f64) as u32, (v * image.height() as f64) as u32);
        let c = pick(image, x, y, 128).unwrap().rgb;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

const METHODS: [Method; 6] =
    [Method::Telling, Method::KMeans, Method::Ward, Method::Complete, Method::Average, Method::Single];

#[test]
fn kept_colors_are_in_the_palette_exactly_and_it_still_covers_the_image() {
    let mut stills: Vec<(String, Image)> = vec![("generated".into(), generated())];
    for name in ["vibrant_night_umbrella_11mp.jpg", "okolors_louvre_night.jpg", "vibrant_portrait_film.jpg"] {
        if let Some(image) = shared(name) {
            stills.push((name.into(), image));
        }
    }
    let points = [(0.3, 0.3), (0.7, 0.6), (0.5, 0.9)];
    for (name, image) in &stills {
        let keep = picks(image, &points);
        for method in METHODS {
            let free = extract(image, &options(method, 10, vec![])).unwrap();
            let kept = extract(image, &options(method, 10, keep.clone())).unwrap();
            assert_eq!(kept.swatches.len(), 10, "{name} {method:?}: count");
            for c in &keep {
                let s = kept.swatches.iter().find(|s| s.rgb == *c);
                assert!(s.is_some_and(|s| s.kept), "{name} {method:?}: {c:?} not kept");
            }
            assert_eq!(kept.swatches.iter().filter(|s| s.kept).count(), keep.len(), "{name} {method:?}");
            let total: f64 = kept.swatches.iter().map(|s| s.share).sum();
            assert!((total - 1.0).abs() < 1e-9, "{name} {method:?}: shares sum to {total}");
            let (a, b) = (mean_de(image, &free.swatches), mean_de(image, &kept.swatches));
            println!(
                "{name:34} {method:9?} mean ΔE_ok {a:5.2} → {b:5.2} with {} kept ({:+.1} %)",
                keep.len(),
                (b / a - 1.0) * 100.0
            );
            // Kept colors from the image are colors a palette of it could have: the rest still covers it.
            assert!(b <= a * 1.10, "{name} {method:?}: coverage {a:.2} → {b:.2}");
            // Deterministic.
            assert_eq!(extract(image, &options(method, 10, keep.clone())).unwrap(), kept);
        }
    }
}

#[test]
fn a_kept_color_not_in_the_image_is_kept_and_near_duplicates_are_allowed() {
    let image = generated();
    let keep = vec![[0, 255, 0], [200, 30, 40], [201, 30, 40]];
    for method in METHODS {
        let p = extract(&image, &options(method, 6, keep.clone())).unwrap();
        assert_eq!(p.swatches.len(), 6, "{method:?}");
        for c in &keep {
            assert!(p.swatches.iter().any(|s| s.rgb == *c && s.kept), "{method:?}: {c:?}");
        }
        // The green is nowhere in the image: no pixel is nearest to it.
        let green = p.swatches.iter().find(|s| s.rgb == [0, 255, 0]).unwrap();
        assert!(green.share < 0.01, "{method:?}: {}", green.share);
    }
    // As many kept colors as colors: exactly those.
    let all = extract(&image, &options(Method::Telling, 3, keep.clone())).unwrap();
    let mut got: Vec<[u8; 3]> = all.swatches.iter().map(|s| s.rgb).collect();
    got.sort();
    let mut want = keep.clone();
    want.sort();
    assert_eq!(got, want);
    // More than n is refused, naming what is allowed.
    let e = extract(&image, &options(Method::Telling, 2, keep)).unwrap_err();
    assert_eq!(e.kind(), "invalid-option");
    assert!(e.to_string().contains("keep at most as many colors as the palette has"), "{e}");
}

#[test]
fn a_palette_edited_by_hand_keeps_its_colors_and_order_and_recomputes_shares() {
    let image = generated();
    let p = extract(&image, &Options::default()).unwrap();
    // Remove the third swatch: the others as they were, their shares recomputed.
    let mut rest = p.swatches.clone();
    rest.remove(2);
    rest[0].kept = true;
    let edited = with_swatches(&image, &p.options, &rest).unwrap();
    let hexes = |s: &[Swatch]| s.iter().map(|s| (s.hex(), s.kept)).collect::<Vec<_>>();
    assert_eq!(hexes(&edited.swatches), hexes(&rest));
    let total: f64 = edited.swatches.iter().map(|s| s.share).sum();
    assert!((total - 1.0).abs() < 1e-9);
    // The removed swatch's pixels went to the others: their shares grew, none shrank.
    for (a, b) in rest.iter().zip(&edited.swatches) {
        assert!(b.share >= a.share - 1e-9, "{} {} → {}", a.hex(), a.share, b.share);
    }
    assert!(edited.swatches.iter().map(|s| s.share).sum::<f64>() > rest.iter().map(|s| s.share).sum::<f64>());
    // Its JSON marks the kept swatch, and its sort reproduces the order.
    let json = serde_json::to_string(&edited).unwrap();
    assert_eq!(json.matches("\"kept\":true").count(), 1, "{json}");
    assert_eq!(edited.options.keep, vec![rest[0].rgb]);
    assert!(with_swatches(&image, &p.options, &[]).is_err());
}
