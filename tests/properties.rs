//! Properties of the engine on random small images: palette size, exact
//! colors when the image has few, shares, determinism, sort orders, and the
//! optimality of the `smooth` order.
//!
//! Run with `cargo test --release --test properties`. Case counts are kept
//! moderate so the file runs in seconds; raise them with `PROPTEST_CASES=…`.

use std::collections::{BTreeMap, BTreeSet};

use cinepal::color::{rgb8_to_oklab, Oklab};
use cinepal::sort::{self, path_length};
use cinepal::{extract, ColorCount, Error, Image, Method, Named, Options, Palette, Sort, Space, Swatch};
use proptest::prelude::*;

/// `default` cases, or `PROPTEST_CASES` when set (for a longer hunt).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A random small image and the alpha threshold it is read with.
#[derive(Debug, Clone)]
struct TestImage {
    width: u32,
    height: u32,
    /// RGBA pixels; `alpha == false` images are all opaque and built as RGB.
    pixels: Vec<[u8; 4]>,
    alpha: bool,
}

impl TestImage {
    fn image(&self) -> Image {
        if self.alpha {
            Image::from_rgba(self.width, self.height, self.pixels.iter().flatten().copied().collect()).unwrap()
        } else {
            Image::from_rgb(self.width, self.height, self.pixels.iter().flat_map(|p| [p[0], p[1], p[2]]).collect())
                .unwrap()
        }
    }

    /// Pixels per distinct color among the counted (alpha ≥ 128, the default threshold) pixels.
    fn counted_colors(&self) -> BTreeMap<[u8; 3], u64> {
        let mut m = BTreeMap::new();
        for p in &self.pixels {
            if !self.alpha || p[3] >= 128 {
                *m.entry([p[0], p[1], p[2]]).or_insert(0) += 1;
            }
        }
        m
    }
}

/// Images up to 64×64 drawn from a few base colors (some in the same 5-bit
/// histogram cell), with a per-image amount of fully random
/// noise pixels, and optionally random alpha.
fn images() -> impl Strategy<Value = TestImage> {
    (1u32..=64, 1u32..=64, prop::collection::vec(any::<[u8; 3]>(), 1..=30), 0u8..=2, 0u8..=3, any::<bool>())
        .prop_flat_map(|(width, height, base, near, noise, alpha)| {
            let n = (width * height) as usize;
            let pixel = (any::<u8>(), any::<[u8; 3]>(), prop_oneof![Just(255u8), Just(0u8), any::<u8>()]);
            (Just((width, height, base, near, noise, alpha)), prop::collection::vec(pixel, n))
        })
        .prop_map(|((width, height, mut base, near, noise, alpha), raw)| {
            // near 1: every other base color shares the previous one's 5-bit
            // histogram cell (differs only in the 3 low bits of each channel);
            // near 2: all base colors share one cell, so nearly equal colors
            // must still come out as distinct swatches.
            let first = base[0];
            for i in 1..base.len() {
                let anchor = match near {
                    1 if i % 2 == 1 => base[i - 1],
                    2 => first,
                    _ => continue,
                };
                base[i] = [0, 1, 2].map(|c| (anchor[c] & 0xf8) | (base[i][c] & 0x07));
            }
            // noise 0: no random pixels; 1: ~6 %; 2: ~25 %; 3: all.
            let threshold = [0u16, 16, 64, 256][noise as usize];
            let pixels = raw
                .into_iter()
                .map(|(pick, random, a)| {
                    let rgb = if (pick as u16) < threshold { random } else { base[pick as usize % base.len()] };
                    [rgb[0], rgb[1], rgb[2], if alpha { a } else { 255 }]
                })
                .collect();
            TestImage { width, height, pixels, alpha }
        })
}

fn options(n: usize, method: Method, space: Space, seed: u64, sort: Sort) -> Options {
    Options { colors: ColorCount::try_from(n).expect("1 to 64"), method, space, seed, sort, ..Options::default() }
}

fn methods() -> impl Strategy<Value = Method> {
    prop::sample::select(Method::all().to_vec())
}

fn spaces() -> impl Strategy<Value = Space> {
    prop::sample::select(Space::all().to_vec())
}

fn named_sorts() -> impl Strategy<Value = Sort> {
    prop::sample::select(Sort::named().to_vec())
}

/// Swatches as a multiset, to compare palettes whatever their order.
fn multiset(swatches: &[Swatch]) -> Vec<([u8; 3], u64)> {
    let mut v: Vec<([u8; 3], u64)> = swatches.iter().map(|s| (s.rgb, s.share.to_bits())).collect();
    v.sort();
    v
}

fn is_permutation(p: &[usize], n: usize) -> bool {
    let mut q = p.to_vec();
    q.sort_unstable();
    q == (0..n).collect::<Vec<_>>()
}

/// Checks that `sorted` shows `base` (the `none` order) in `sort` order.
fn check_sort_result(base: &Palette, sorted: &Palette, sort: &Sort) -> Result<(), TestCaseError> {
    prop_assert_eq!(multiset(&base.swatches), multiset(&sorted.swatches), "sort {} changed the swatches", sort);
    prop_assert!(is_permutation(&sorted.order, base.swatches.len()));
    for (pos, &i) in sorted.order.iter().enumerate() {
        prop_assert_eq!(sorted.swatches[pos], base.swatches[i], "order[{}] does not point at the shown swatch", pos);
    }
    // Each named order's defining key must be monotone along the result.
    let key: Option<fn(&Swatch) -> f64> = match sort {
        Sort::Red => Some(|s| s.rgb[0] as f64),
        Sort::Green => Some(|s| s.rgb[1] as f64),
        Sort::Blue => Some(|s| s.rgb[2] as f64),
        Sort::DarkToLight => Some(|s| s.rgb.iter().map(|&c| c as f64).sum()),
        Sort::Share => Some(|s| -s.share),
        Sort::Lightness => Some(|s| s.oklab().l),
        _ => None,
    };
    if let Some(key) = key {
        for w in sorted.swatches.windows(2) {
            prop_assert!(key(&w[0]) <= key(&w[1]), "{} order broken between {:?} and {:?}", sort, w[0], w[1]);
        }
    }
    if *sort == Sort::Smooth && sorted.swatches.len() >= 2 {
        let first = sorted.swatches[0].oklab().l;
        let last = sorted.swatches.last().unwrap().oklab().l;
        prop_assert!(first <= last, "smooth must start at its darker end");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(160), ..ProptestConfig::default() })]

    /// Palette size, exactness, shares, determinism and every sort order, on one random image.
    #[test]
    fn palettes_of_random_images(
        img in images(),
        n in 1usize..=24,
        method in methods(),
        space in spaces(),
        seed in any::<u64>(),
        sort in named_sorts(),
        shuffle in any::<u64>(),
    ) {
        let image = img.image();
        let colors = img.counted_colors();
        let counted: u64 = colors.values().sum();
        let result = extract(&image, &options(n, method, space, seed, Sort::None));
        if counted == 0 {
            // Nothing opaque: an input error, never an empty palette.
            prop_assert!(matches!(result, Err(Error::InvalidInput(_))), "{:?}", result);
            return Ok(());
        }
        let p = result.unwrap();

        prop_assert_eq!((p.width, p.height, p.pixels), (img.width, img.height, (img.width * img.height) as u64));
        prop_assert_eq!(p.counted, counted);
        prop_assert_eq!(p.options.colors.get(), n);

        // Exactly min(n, distinct) swatches, all distinct.
        prop_assert_eq!(p.swatches.len(), n.min(colors.len()));
        let hexes: BTreeSet<String> = p.swatches.iter().map(Swatch::hex).collect();
        prop_assert_eq!(hexes.len(), p.swatches.len(), "duplicate swatches: {:?}", p.swatches);

        // Shares are positive and sum to 1.
        for s in &p.swatches {
            prop_assert!(s.share > 0.0, "share {} of {:?}", s.share, s);
        }
        let total: f64 = p.swatches.iter().map(|s| s.share).sum();
        prop_assert!((total - 1.0).abs() < 1e-9, "shares sum to {}", total);

        // Few colors: exactly those, with their pixel fractions.
        if colors.len() <= n {
            for s in &p.swatches {
                let Some(&count) = colors.get(&s.rgb) else {
                    return Err(TestCaseError::fail(format!("swatch {} is not a color of the image", s.hex())));
                };
                let expected = count as f64 / counted as f64;
                prop_assert!((s.share - expected).abs() < 1e-12, "{}: share {} for {}/{}", s.hex(), s.share, count, counted);
            }
        }

        // In RGB space a swatch is a mean of image colors, so it lies in their per-channel range.
        if space == Space::Rgb {
            for c in 0..3 {
                let lo = colors.keys().map(|k| k[c]).min().unwrap();
                let hi = colors.keys().map(|k| k[c]).max().unwrap();
                for s in &p.swatches {
                    prop_assert!((lo..=hi).contains(&s.rgb[c]), "{} outside channel {} range {}..={}", s.hex(), c, lo, hi);
                }
            }
        }

        // Same seed, same palette.
        let again = extract(&image, &options(n, method, space, seed, Sort::None)).unwrap();
        prop_assert_eq!(&again, &p);

        // A sort order only reorders.
        let sorted = extract(&image, &options(n, method, space, seed, sort.clone())).unwrap();
        check_sort_result(&p, &sorted, &sort)?;

        // A valid manual order is applied as given.
        let k = p.swatches.len();
        let mut perm: Vec<usize> = (0..k).collect();
        let mut state = shuffle;
        for i in (1..k).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (state >> 33) as usize % (i + 1));
        }
        let manual = extract(&image, &options(n, method, space, seed, Sort::Manual(perm.clone()))).unwrap();
        prop_assert_eq!(&manual.order, &perm);
        for (pos, &i) in perm.iter().enumerate() {
            prop_assert_eq!(manual.swatches[pos], p.swatches[i]);
        }

        // Invalid manual orders are option errors: too short, too long, a repeat, out of range.
        let mut repeat = perm.clone();
        if k >= 2 {
            repeat[k - 1] = repeat[0];
        }
        let mut out_of_range = perm.clone();
        out_of_range[0] = k + (shuffle % 5) as usize;
        let mut too_long = perm.clone();
        too_long.push(k);
        let mut invalid = vec![perm[..k - 1].to_vec(), too_long, out_of_range];
        if k >= 2 {
            invalid.push(repeat);
        }
        for bad in invalid {
            let e = extract(&image, &options(n, method, space, seed, Sort::Manual(bad.clone())));
            prop_assert!(matches!(e, Err(Error::InvalidOption(_))), "manual {:?} of {} swatches gave {:?}", bad, k, e);
        }
    }

    /// Every named order of any swatch list is a permutation, and `resorted`
    /// agrees with sorting from the start.
    #[test]
    fn every_order_is_a_permutation(
        raw in prop::collection::vec((any::<[u8; 3]>(), 1u32..1000), 1..=24),
        sort in named_sorts(),
    ) {
        let total: u32 = raw.iter().map(|r| r.1).sum();
        let swatches: Vec<Swatch> = raw.iter().map(|&(rgb, w)| Swatch::new(rgb, w as f64 / total as f64)).collect();
        let order = sort::order(&swatches, &sort).unwrap();
        prop_assert!(is_permutation(&order, swatches.len()), "{} gave {:?}", sort, order);
    }

    /// `smooth` on swatches is never longer than any other order (brute force, n ≤ 8).
    #[test]
    fn smooth_is_shortest_for_swatches(rgbs in prop::collection::vec(any::<[u8; 3]>(), 1..=8)) {
        let swatches: Vec<Swatch> = rgbs.iter().map(|&rgb| Swatch::new(rgb, 1.0 / rgbs.len() as f64)).collect();
        let colors: Vec<Oklab> = swatches.iter().map(Swatch::oklab).collect();
        let path = sort::order(&swatches, &Sort::Smooth).unwrap();
        check_shortest(&colors, &path)?;
    }

    /// The same on arbitrary Oklab points, in and out of the sRGB gamut.
    #[test]
    fn smooth_is_shortest_for_oklab_points(
        raw in prop::collection::vec((0.0f64..=1.0, -0.4f64..=0.4, -0.4f64..=0.4), 1..=8),
    ) {
        let colors: Vec<Oklab> = raw.iter().map(|&(l, a, b)| Oklab { l, a, b }).collect();
        let path = sort::smooth(&colors);
        check_shortest(&colors, &path)?;
    }
}

/// `path` is a permutation whose length no other permutation beats, and it
/// starts at its darker end.
fn check_shortest(colors: &[Oklab], path: &[usize]) -> Result<(), TestCaseError> {
    let n = colors.len();
    prop_assert!(is_permutation(path, n), "{:?}", path);
    let len = path_length(colors, path);
    let mut best = f64::INFINITY;
    let mut perm: Vec<usize> = (0..n).collect();
    for_each_permutation(&mut perm, 0, &mut |p| best = best.min(path_length(colors, p)));
    // Path lengths are sums of ≤ 7 distances of order 1–100; 1e-9 covers summation-order rounding.
    prop_assert!(len <= best + 1e-9, "smooth path {:?} has length {} but {} exists", path, len, best);
    if n >= 2 {
        prop_assert!(colors[path[0]].l <= colors[path[n - 1]].l, "smooth must start at its darker end");
    }
    Ok(())
}

fn for_each_permutation(p: &mut [usize], k: usize, f: &mut dyn FnMut(&[usize])) {
    if k == p.len() {
        f(p);
        return;
    }
    for i in k..p.len() {
        p.swap(k, i);
        for_each_permutation(p, k + 1, f);
        p.swap(k, i);
    }
}

/// A fixed case the random ones may miss: every 8-bit color that is alone in
/// the image comes back exactly, in both spaces (the Oklab round trip must
/// not move it).
#[test]
fn lone_colors_come_back_exactly_in_both_spaces() {
    for space in Space::all() {
        for v in (0..=255u16).step_by(15) {
            for rgb in [[v as u8, 0, 0], [0, v as u8, 255], [v as u8, v as u8, v as u8], [255, v as u8, 3]] {
                let image = Image::from_rgb(2, 2, rgb.repeat(4)).unwrap();
                let p = extract(&image, &Options { colors: ColorCount::new(3).unwrap(), space, ..Options::default() })
                    .unwrap();
                assert_eq!(p.swatches.len(), 1);
                assert_eq!(p.swatches[0].rgb, rgb, "{space:?}");
                assert_eq!(p.swatches[0].share, 1.0);
                assert!(rgb8_to_oklab(rgb).delta_e(p.swatches[0].oklab()) == 0.0);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), ..ProptestConfig::default() })]

    /// The region found lies inside the image; a palette of any region (found
    /// or given) keeps the palette rules: at most n distinct swatches, shares
    /// summing to 1, counted pixels inside the region, deterministic.
    #[test]
    fn regions_lie_inside_and_keep_the_palette_rules(
        img in images(),
        n in 1usize..12,
        corner in (0u32..64, 0u32..64, 1u32..64, 1u32..64),
    ) {
        use cinepal::region::{detect, Rect, Region};
        let image = img.image();
        let found = detect(&image);
        prop_assert!(found.width >= 1 && found.height >= 1);
        prop_assert!(found.x + found.width <= image.width() && found.y + found.height <= image.height());
        let (x, y) = (corner.0 % image.width(), corner.1 % image.height());
        let given = Rect { x, y, width: corner.2.min(image.width() - x), height: corner.3.min(image.height() - y) };
        for region in [Region::Auto, Region::Rect(given)] {
            let o = Options { region, alpha_threshold: 0, ..options(n, Method::KMeans, Space::Oklab, 1, Sort::Smooth) };
            let p = extract(&image, &o).unwrap();
            let rect = region.resolve(&image).unwrap();
            prop_assert_eq!(p.region, rect);
            prop_assert_eq!(p.counted, rect.pixel_count());
            prop_assert!(!p.swatches.is_empty() && p.swatches.len() <= n);
            let hexes: std::collections::BTreeSet<String> = p.swatches.iter().map(Swatch::hex).collect();
            prop_assert_eq!(hexes.len(), p.swatches.len());
            let total: f64 = p.swatches.iter().map(|s| s.share).sum();
            prop_assert!((total - 1.0).abs() < 1e-9);
            prop_assert_eq!(extract(&image, &o).unwrap(), p);
        }
    }
}
