//! What each fuzz target does with its input, and the invariants it checks.
//!
//! Shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and by the
//! regression test (`tests/fuzz_regressions.rs`, through `#[path]`), so a
//! saved input is replayed through exactly the code that found it. It uses
//! nothing but `cinepal` and `std` (no libFuzzer, no `arbitrary`). Every
//! function panics when an invariant is broken; an `Err` from cinepal is a
//! valid outcome as long as it is the documented kind.

#![allow(dead_code)]

use std::collections::HashSet;

use cinepal::sort::{self, Sort};
use cinepal::{
    export, extract, render, ColorCount, Error, Image, Limits, Method, Named, Options, Palette, RenderOptions,
    Sampling, Space, Swatch,
};

/// The decoding limits of the fuzz targets: 4 megapixels instead of the
/// default 64, so one iteration stays well under a second; the other limits
/// are the defaults.
pub fn fuzz_limits() -> Limits {
    Limits { max_pixels: 4_000_000, ..Limits::default() }
}

/// Bytes of header the `decode_extract` target reads its options from
/// (the image follows).
pub const HEADER: usize = 4;

/// Reads bytes one at a time, zeros once they run out.
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(std::array::from_fn(|_| self.u8()))
    }
    /// Up to `max` bytes.
    pub fn take(&mut self, max: usize) -> &[u8] {
        let (a, b) = self.0.split_at(max.min(self.0.len()));
        self.0 = b;
        a
    }
    pub fn rest(&self) -> &[u8] {
        self.0
    }
}

/// Options from four bytes: colors `1 + b0 % max_colors`, method
/// `b1 % 5` and seed `b1 / 5`, space (bit 0 of b2), sampling (bit 1),
/// named sort `(b2 >> 2) % 10`, alpha threshold b3.
pub fn options_from(h: [u8; 4], max_colors: usize) -> Options {
    Options {
        colors: ColorCount::new(1 + h[0] as usize % max_colors).expect("1..=max_colors"),
        method: Method::CHOICES[h[1] as usize % Method::CHOICES.len()].value,
        seed: (h[1] / 5) as u64,
        space: Space::CHOICES[(h[2] & 1) as usize].value,
        sampling: if h[2] & 2 == 0 { Sampling::All } else { Sampling::Seed },
        sort: Sort::CHOICES[(h[2] >> 2) as usize % Sort::CHOICES.len()].value.clone(),
        alpha_threshold: h[3],
        ..Options::default()
    }
}

// ---------------------------------------------------------------- decode_extract

/// The `decode_extract` target: a 4-byte options header, then the file.
/// Decodes with [`fuzz_limits`], from bytes and as a stream; on success extracts, checks the palette,
/// renders the composite and exports. Returns the error, if any.
pub fn decode_extract(data: &[u8]) -> Result<(), Error> {
    let mut b = Bytes(data);
    let h = [b.u8(), b.u8(), b.u8(), b.u8()];
    let file = b.rest();
    let options = options_from(h, 24);
    let proportional = (h[0] / 24) & 1 == 1;
    let decoded = cinepal::decode(file, &fuzz_limits());
    // The CLI decodes a file as a stream: it must agree with the bytes (the same
    // pixels, or an error of the same kind), through a reader that hands out
    // little at a time.
    let streamed =
        cinepal::decode_stream(std::io::BufReader::with_capacity(61, std::io::Cursor::new(file)), &fuzz_limits());
    match (&decoded, &streamed) {
        (Ok(a), Ok(b)) => assert!(a == b, "decode_stream gives other pixels than decode"),
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "decode: {a:?}; decode_stream: {b:?}"),
        (a, b) => panic!("decode gives {:?}, decode_stream {:?}", a.as_ref().err(), b.as_ref().err()),
    }
    let image = match decoded {
        Ok(image) => image,
        Err(e) => {
            assert!(matches!(e, Error::Decode(_) | Error::Unsupported(_) | Error::Limits(_)), "decode gave {e:?}");
            assert_one_line(&e);
            return Err(e);
        }
    };
    assert!(image.pixel_count() <= fuzz_limits().max_pixels, "{}x{} passed the limit", image.width(), image.height());
    let palette = extract_checked(&image, &options)?;
    check_exports(&palette);
    check_composite(&image, &palette.swatches, proportional);
    Ok(())
}

// ---------------------------------------------------------------- extract_rgba

/// The `extract_rgba` target: width and height (each 1..=128), a fill mode,
/// four option bytes (as [`options_from`], up to 64 colors, any method), then
/// pixel bytes: the clustering on arbitrary pixels without the decoder in
/// the way. Checks the palette, that a second run gives the same, and
/// renders the strip.
pub fn extract_rgba(data: &[u8]) {
    let mut b = Bytes(data);
    let w = 1 + (b.u8() as u32 % 128);
    let h = 1 + (b.u8() as u32 % 128);
    let fill = b.u8();
    let opts = [b.u8(), b.u8(), b.u8(), b.u8()];
    let pixels = b.rest();
    let len = (w * h * 4) as usize;
    let rgba: Vec<u8> = match fill % 3 {
        // The input's bytes, repeated (few distinct colors: the exact path).
        0 if !pixels.is_empty() => pixels.iter().copied().cycle().take(len).collect(),
        // The input's bytes, then noise (many distinct colors: histogram and clustering).
        1 => {
            let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ pixels.len() as u64;
            pixels
                .iter()
                .copied()
                .chain(std::iter::repeat_with(move || {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (x >> 56) as u8
                }))
                .take(len)
                .collect()
        }
        // The input's bytes, then transparent black.
        _ => pixels.iter().copied().chain(std::iter::repeat(0)).take(len).collect(),
    };
    let image = Image::from_rgba(w, h, rgba).expect("length matches");
    let options = options_from(opts, ColorCount::MAX);
    let Ok(p) = extract_checked(&image, &options) else { return };
    let again = extract(&image, &options).expect("succeeded once");
    assert_eq!(p, again, "{:?} is not deterministic", options.method);
    let ro = RenderOptions { proportional: fill & 4 != 0, ..RenderOptions::default() };
    if let Ok(s) = render::render_strip(w, &p.swatches, &ro) {
        assert_eq!(s.width(), w);
    }
}

// ---------------------------------------------------------------- options

/// Most swatches the `options` target sorts: past 24 the `smooth` heuristic
/// (O(n⁴) a pass, 0.23 s natively for 64 swatches, seconds under the fuzzer's
/// instrumentation) would slow the target to a few executions a second.
pub const MAX_SWATCHES: usize = 24;

/// The `options` target: a string into every parser, a number into
/// `ColorCount::try_from`, a small palette (0..=24 swatches, shares possibly NaN
/// or negative) through every named order and a manual permutation (valid or
/// not), and `Palette::resorted`.
pub fn options(data: &[u8]) {
    let mut b = Bytes(data);
    let text_len = b.u8() as usize;
    let text = String::from_utf8_lossy(b.take(text_len)).into_owned();
    check_parsers(&text);

    let n = b.u64() as usize;
    match ColorCount::try_from(n) {
        Ok(c) => assert!((1..=ColorCount::MAX).contains(&n) && c.get() == n),
        Err(e) => {
            assert!(!(1..=ColorCount::MAX).contains(&n));
            assert_invalid_option(&e, &["1", "64"]);
        }
    }

    let flags = b.u8();
    let count = b.u8() as usize % (MAX_SWATCHES + 1);
    let swatches: Vec<Swatch> = (0..count)
        .map(|_| {
            let rgb = [b.u8(), b.u8(), b.u8()];
            let share = if flags & 1 == 0 { (b.u8() as f64 + 1.0) / 256.0 } else { f64::from_bits(b.u64()) };
            Swatch::new(rgb, share)
        })
        .collect();
    let mut orders = Vec::new();
    for s in Sort::named() {
        let order = sort::order(&swatches, &s).unwrap_or_else(|e| panic!("{s:?} failed: {e}"));
        check_order(&swatches, &s, &order);
        orders.push(order);
    }
    // A manual order: a true permutation (shuffled with the input's bytes) or arbitrary indices.
    let manual: Vec<usize> = if flags & 2 == 0 {
        let mut p: Vec<usize> = (0..count).collect();
        for i in (1..count).rev() {
            p.swap(i, b.u8() as usize % (i + 1));
        }
        p
    } else {
        let len = b.u8() as usize % 70;
        (0..len).map(|_| if flags & 4 == 0 { b.u8() as usize } else { b.u64() as usize }).collect()
    };
    let is_permutation = {
        let mut sorted = manual.clone();
        sorted.sort_unstable();
        sorted.iter().copied().eq(0..count)
    };
    let manual_sort = Sort::Manual(manual.clone());
    match sort::order(&swatches, &manual_sort) {
        Ok(order) => {
            assert!(is_permutation, "{manual:?} accepted for {count} swatches");
            assert_eq!(order, manual);
            orders.push(order);
        }
        Err(e) => {
            assert!(!is_permutation, "{manual:?} refused for {count} swatches: {e}");
            assert_invalid_option(&e, &["exactly once"]);
        }
    }
    if !manual.is_empty() {
        let printed = manual_sort.name();
        assert_eq!(Sort::parse(&printed).as_ref(), Ok(&manual_sort), "'{printed}' does not parse back");
    }

    // A palette in some permutation of its clustering order, resorted every way.
    let mut shown: Vec<usize> = (0..count).collect();
    for i in (1..count).rev() {
        shown.swap(i, b.u8() as usize % (i + 1));
    }
    let base = Palette {
        width: 1,
        height: 1,
        pixels: 1,
        counted: 1,
        region: cinepal::region::Rect::full(1, 1),
        options: Options::default(),
        swatches: shown.iter().map(|&i| swatches[i]).collect(),
        order: shown,
        warnings: Vec::new(),
    };
    assert!(same_swatches(&base.unsorted(), &swatches));
    let mut sorts = Sort::named().to_vec();
    sorts.push(manual_sort);
    for (i, s) in sorts.into_iter().enumerate() {
        match base.resorted(&s) {
            Ok(p) => {
                assert!(same_swatches(&p.unsorted(), &swatches), "resorted by {s:?} lost swatches");
                assert_eq!(p.options.sort, s);
                assert_eq!(Some(&p.order), orders.get(i), "resorted by {s:?}: not the order sort::order gave");
            }
            Err(e) => {
                assert!(!is_permutation && matches!(s, Sort::Manual(_)), "resorted by {s:?} failed: {e}");
                assert_invalid_option(&e, &["exactly once"]);
            }
        }
    }
}

/// Equal swatches, NaN shares included.
fn same_swatches(a: &[Swatch], b: &[Swatch]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.rgb == y.rgb && x.share.to_bits() == y.share.to_bits())
}

/// Every parser on `text`: a success names a value whose canonical name parses
/// back to it; a failure is `InvalidOption` naming what is allowed.
fn check_parsers(text: &str) {
    // The options object (the wasm API's and the page's): what reads, writes back the same.
    if let Ok(o) = serde_json::from_str::<Options>(text) {
        let again: Options = serde_json::from_str(&serde_json::to_string(&o).expect("serializes")).expect("reads back");
        assert_eq!(again, o, "{text:?}");
    }
    match Method::parse(text) {
        Ok(m) => assert_eq!(Method::parse(m.name()), Ok(m)),
        Err(e) => {
            assert!(Method::all().iter().all(|m| m.name() != text.trim().to_ascii_lowercase()));
            assert_invalid_option(&e, &["kmeans", "ward", "complete", "average", "single"]);
        }
    }
    match Space::parse(text) {
        Ok(s) => assert_eq!(Space::parse(s.name()), Ok(s)),
        Err(e) => assert_invalid_option(&e, &["oklab", "rgb"]),
    }
    match Sampling::parse(text) {
        Ok(s) => assert_eq!(Sampling::parse(s.name()), Ok(s)),
        Err(e) => assert_invalid_option(&e, &["all", "seed"]),
    }
    match Sort::parse(text) {
        Ok(s) => assert_eq!(Sort::parse(&s.name()).as_ref(), Ok(&s), "{text:?} gave {s:?}"),
        Err(e) => {
            let m = e.message();
            if m.starts_with("manual") {
                assert_invalid_option(&e, &["2,0,1"]);
            } else {
                assert_invalid_option(&e, &["none", "dark_to_light", "smooth", "2,0,1"]);
            }
            assert!(!m.is_empty());
        }
    }
}

fn assert_invalid_option(e: &Error, names: &[&str]) {
    assert!(matches!(e, Error::InvalidOption(_)), "expected InvalidOption, got {e:?}");
    for n in names {
        assert!(e.message().contains(n), "message {:?} does not name {n:?}", e.message());
    }
    assert_one_line(e);
}

fn assert_one_line(e: &Error) {
    assert!(!e.message().is_empty() && !e.message().contains('\n'), "message {:?} is not one line", e.message());
}

/// `order` is a permutation of the swatches' indices that follows `sort`.
fn check_order(swatches: &[Swatch], sort: &Sort, order: &[usize]) {
    let n = swatches.len();
    let mut seen = vec![false; n];
    assert_eq!(order.len(), n, "{sort:?}: {order:?}");
    for &i in order {
        assert!(i < n && !std::mem::replace(&mut seen[i], true), "{sort:?}: {order:?} is not a permutation");
    }
    let ascending = |key: &dyn Fn(&Swatch) -> f64| {
        order.windows(2).all(|w| key(&swatches[w[0]]).total_cmp(&key(&swatches[w[1]])).is_le())
    };
    let ok = match sort {
        Sort::None => order.iter().copied().eq(0..n),
        Sort::Red => ascending(&|s| s.rgb[0] as f64),
        Sort::Green => ascending(&|s| s.rgb[1] as f64),
        Sort::Blue => ascending(&|s| s.rgb[2] as f64),
        Sort::DarkToLight => ascending(&|s| s.rgb.iter().map(|&c| c as f64).sum()),
        Sort::Share => ascending(&|s| -s.share),
        Sort::Lightness => ascending(&|s| s.oklab().l),
        Sort::Smooth if n >= 2 => {
            let lab: Vec<_> = swatches.iter().map(Swatch::oklab).collect();
            let len = sort::path_length(&lab, order);
            let light = sort::order(swatches, &Sort::Lightness).expect("named");
            let exact_ok = n > sort::SMOOTH_EXACT_MAX
                || [light, (0..n).collect()].iter().all(|other| len <= sort::path_length(&lab, other) + 1e-9);
            exact_ok && lab[order[0]].l <= lab[order[n - 1]].l
        }
        _ => true,
    };
    assert!(ok, "{sort:?} order {order:?} is wrong for {swatches:?}");
}

// ---------------------------------------------------------------- palette checks

/// Extracts and checks every invariant of the result; an `Err` must be
/// `InvalidInput` (nothing counted), since the options are valid.
pub fn extract_checked(image: &Image, options: &Options) -> Result<Palette, Error> {
    let p = match extract(image, options) {
        Ok(p) => p,
        Err(e) => {
            assert!(matches!(e, Error::InvalidInput(_)), "extract gave {e:?} for {options:?}");
            assert_one_line(&e);
            return Err(e);
        }
    };
    check_palette(image, options, &p);
    Ok(p)
}

/// Swatch count ≤ n (and = n unless the image has fewer distinct counted
/// colors), distinct hex, shares positive and summing to 1 (1e-9), the order a
/// permutation consistent with the sort, the sizes those of the image.
pub fn check_palette(image: &Image, options: &Options, p: &Palette) {
    let k = p.swatches.len();
    let n = options.colors.get();
    assert!(k >= 1 && k <= n, "{k} swatches for {n} asked");
    assert_eq!((p.width, p.height, p.pixels), (image.width(), image.height(), image.pixel_count()));
    assert_eq!(&p.options, options);
    assert!(p.counted >= 1 && p.counted <= p.pixels, "counted {} of {}", p.counted, p.pixels);
    let hexes: HashSet<String> = p.swatches.iter().map(Swatch::hex).collect();
    assert_eq!(hexes.len(), k, "duplicate swatches: {:?}", p.swatches);
    let sum: f64 = p.swatches.iter().map(|s| s.share).sum();
    assert!((sum - 1.0).abs() <= 1e-9, "shares sum to {sum}: {:?}", p.swatches);
    assert!(p.swatches.iter().all(|s| s.share > 0.0 && s.share <= 1.0), "share out of (0, 1]: {:?}", p.swatches);
    let unsorted = p.unsorted();
    assert_eq!(sort::order(&unsorted, &options.sort).as_ref(), Ok(&p.order), "order is not the sort's");
    check_order(&unsorted, &options.sort, &p.order);
    // Fewer swatches than asked only when fewer distinct colors are counted.
    if k < n {
        let distinct = distinct_counted(image, options);
        assert_eq!(k, distinct.len().min(n), "{k} swatches for {} distinct colors", distinct.len());
        for s in &p.swatches {
            assert!(distinct.contains(&s.rgb), "{} is not one of the image's colors", s.hex());
        }
    }
}

/// The distinct colors of the pixels `extract` counts.
fn distinct_counted(image: &Image, options: &Options) -> HashSet<[u8; 3]> {
    let stride = match options.sampling {
        Sampling::All => 1,
        Sampling::Seed => cinepal::image::seed_stride(image.width(), image.height()),
    };
    let mut set = HashSet::new();
    image.for_each_counted(stride, options.alpha_threshold, |c| {
        set.insert(c);
    });
    set
}

/// Every export runs and names every swatch; the JSON reads back as the palette.
pub fn check_exports(p: &Palette) {
    let json = export::to_json(p, Some(0.5));
    assert!(json.starts_with('{') && json.ends_with('}') && !json.contains('\n'), "{json}");
    // It reads back as the same palette (the clustering's order aside), with `seconds` beside it.
    let back: Palette = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(back.swatches, p.swatches, "{json}");
    assert_eq!(back.options, Options { max_pixels: back.options.max_pixels, ..p.options.clone() });
    assert!(json.ends_with(",\"seconds\":0.5}"), "{json}");
    let text = export::to_text(p);
    assert_eq!(text.lines().count(), p.swatches.len());
    for out in [export::to_css(p), export::to_gpl(p, "fuzz"), export::to_svg(p, p.width, false), text] {
        assert!(p.swatches.iter().all(|s| out.contains(&s.hex())), "{out}");
    }
}

/// The composite is the image with a band of `⌊11·W/(10n+1)⌋` rows below it,
/// swatch `i` at `[⌊(10i+1)·W/d⌋, ⌊10(i+1)·W/d⌋)` × `[⌊W/d⌋, ⌊10W/d⌋)`.
pub fn check_composite(image: &Image, swatches: &[Swatch], proportional: bool) {
    let options = RenderOptions { proportional, ..RenderOptions::default() };
    let d = 10 * swatches.len() as u64 + 1;
    let at = |k: u64| (k * image.width() as u64 / d) as u32;
    let pixels = image.width() as u64 * (image.height() as u64 + at(11) as u64);
    let c = match render::render_composite(image, swatches, &options) {
        Ok(c) => c,
        // Too narrow for a band of at least one row: refused, as render_strip does.
        Err(e) if at(11) == 0 => {
            assert!(matches!(e, Error::InvalidInput(_)) && e.message().contains("at least"), "{e:?}");
            return;
        }
        Err(e) if pixels > render::MAX_COMPOSITE_PIXELS => {
            assert!(matches!(e, Error::Limits(_)), "{e:?}");
            return;
        }
        Err(e) => panic!("render_composite failed for {}x{}: {e:?}", image.width(), image.height()),
    };
    assert!(at(11) > 0, "a composite with an empty band for {}x{}", image.width(), image.height());
    assert!(
        pixels <= render::MAX_COMPOSITE_PIXELS,
        "a {}x{} image got a {}x{} composite ({:.0} megapixels, over {})",
        image.width(),
        image.height(),
        c.width(),
        c.height(),
        pixels as f64 / 1e6,
        render::MAX_COMPOSITE_PIXELS
    );
    let (w, h) = (image.width() as u64, image.height());
    assert_eq!((c.width() as u64, c.height()), (w, h + at(11)), "composite size");
    for (x, y) in [(0, 0), (w as u32 - 1, h - 1), (w as u32 / 2, h / 2)] {
        // Transparent pixels are drawn on the band's white (RenderOptions' default).
        let want = render::over(&image.rgba_at(x, y), [255, 255, 255]);
        assert_eq!(c.rgba_at(x, y), want, "image pixel ({x}, {y})");
    }
    let (top, bottom) = (at(1), at(10));
    if top < bottom {
        let spans =
            render::strip_geometry(w as u32, &swatches.iter().map(|s| s.share).collect::<Vec<_>>(), proportional).spans;
        for (i, s) in swatches.iter().enumerate() {
            let (x0, x1) = spans[i];
            if !proportional {
                assert_eq!((x0, x1), (at(10 * i as u64 + 1), at(10 * (i as u64 + 1))), "span of swatch {i}");
            }
            assert!(x0 <= x1 && x1 as u64 <= w, "span {x0}..{x1} of swatch {i} outside 0..{w}");
            if x0 < x1 {
                // A swatch close to the white band has a hairline inside its rectangle (when it is wide enough for one).
                let t = render::hairline_width(w as u32);
                let lined = render::is_outlined(s.rgb, [255, 255, 255]) && x1 > x0 + 2 * t && bottom > top + 2 * t;
                let [r, g, b] = if lined { render::hairline_color([255, 255, 255]) } else { s.rgb };
                assert_eq!(c.rgba_at(x0, h + top), [r, g, b, 255], "swatch {i} at ({x0}, {})", h + top);
                assert_eq!(c.rgba_at(x1 - 1, h + bottom - 1), [r, g, b, 255], "swatch {i} corner");
            }
        }
    }
}
