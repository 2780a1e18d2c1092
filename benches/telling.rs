//! The telling palette (issue 9): how the default method and the region
//! detector do on real photos and on image sets built from them.
//!
//! ```text
//! cargo bench --bench telling                  # every section, ../shared/images
//! cargo bench --bench telling -- --only accents,letterbox
//! cargo bench --bench telling -- DIR --colors 10 --methods telling,kmeans
//! ```
//!
//! Sections (`--only` takes a comma-separated list of them):
//!
//! - `quality`: mean, p99 and minimum pair ΔE_ok of each method on every image.
//! - `accents`: each photo with three vivid spots painted on it (discs of
//!   1 %, 0.3 % and 0.1 % of the pixels, one size per image), in the three
//!   colors of a fixed list of eight that are farthest from the photo's own
//!   colors, with ±6 levels of noise; a spot is kept when a swatch lies within
//!   ΔE_ok 10 of its mean color.
//! - `letterbox`: each photo between bars (black, noisy near-black, dark
//!   blue, white; letterbox and pillarbox; 6 % and 14 % of the side; with and
//!   without a soft edge): the region found against the truth, the palette
//!   with bars against the palette of the bare photo, and swatches of the
//!   bars' color.
//! - `dark`: the region detector on the photos without bars, and on each
//!   of them darkened (×0.35 in linear light, a night version): any region
//!   found there is a false positive.
//! - `mono`: grayscale, sepia and duotone versions: the most chromatic swatch
//!   against the image's own 99.9th-percentile chroma.
//! - `speed`: extraction after decoding, per method, and region detection, on
//!   the 11 MP photo, single-threaded wall clock, median and best of 9.
//!
//! To look closer: `BENCH_DEBUG=1` prints each missed spot and each region
//! found more than 3 px off; `SPOT_DUMP=DIR` writes the 0.1 % spotted images
//! there as PNG.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cinepal::color::{linear_to_srgb, rgb8_to_oklab, srgb_to_linear, Oklab};
use cinepal::region::{detect, Rect};
use cinepal::{decode, extract, quality, ColorCount, Image, Limits, Method, Named, Options, Space};

struct Args {
    dir: PathBuf,
    colors: usize,
    methods: Vec<Method>,
    only: Vec<String>,
}

const SECTIONS: [&str; 6] = ["quality", "accents", "letterbox", "dark", "mono", "speed"];

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/images"),
        colors: 10,
        methods: vec![Method::Telling, Method::KMeans, Method::Complete, Method::Average],
        only: SECTIONS.iter().map(|s| s.to_string()).collect(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--bench" => {}
            "--colors" => a.colors = it.next().and_then(|v| v.parse().ok()).ok_or("--colors needs a number")?,
            "--methods" => {
                a.methods = it
                    .next()
                    .ok_or("--methods needs a list")?
                    .split(',')
                    .map(|m| Method::parse(m).map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?
            }
            "--only" => a.only = it.next().ok_or("--only needs a list")?.split(',').map(String::from).collect(),
            s if s.starts_with("--") => return Err(format!("unknown argument {s}")),
            s => a.dir = PathBuf::from(s),
        }
    }
    Ok(a)
}

fn options(colors: usize, method: Method) -> Options {
    Options { colors: ColorCount::try_from(colors).expect("count"), method, ..Options::default() }
}

/// Decoded RGB copies of the images of `dir` (alpha dropped), largest side first in the name order.
fn load(dir: &Path) -> Vec<(String, u32, u32, Vec<u8>)> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let Ok(bytes) = std::fs::read(&p) else { continue };
        let Ok(img) = decode(&bytes, &Limits::default()) else { continue };
        let (w, h) = (img.width(), img.height());
        let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
        for y in 0..h {
            for x in 0..w {
                let [r, g, b, _] = img.rgba_at(x, y);
                rgb.extend([r, g, b]);
            }
        }
        out.push((p.file_name().unwrap().to_string_lossy().into_owned(), w, h, rgb));
    }
    out
}

fn rgb(w: u32, h: u32, data: Vec<u8>) -> Image {
    Image::from_rgb(w, h, data).expect("rgb image")
}

/// A small deterministic generator (for spots and noise).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n.max(1)
    }
    fn noise(&mut self, amp: i32) -> i32 {
        (self.below(2 * amp as u32 + 1)) as i32 - amp
    }
}

fn add(c: u8, d: i32) -> u8 {
    (c as i32 + d).clamp(0, 255) as u8
}

fn de(a: [u8; 3], b: [u8; 3]) -> f64 {
    rgb8_to_oklab(a).delta_e(rgb8_to_oklab(b))
}

fn hexes(p: &cinepal::Palette) -> Vec<[u8; 3]> {
    p.swatches.iter().map(|s| s.rgb).collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

// ---------------------------------------------------------------- quality

fn quality_section(args: &Args, images: &[(String, u32, u32, Vec<u8>)]) {
    println!("## Quality (n = {}, oklab, region auto): mean / p99 / min pair ΔE_ok\n", args.colors);
    let names: Vec<&str> = args.methods.iter().map(|m| m.name()).collect();
    println!("| image | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(names.len()));
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); args.methods.len()];
    let mut minpairs: Vec<Vec<f64>> = vec![Vec::new(); args.methods.len()];
    let mut seen_ratios: Vec<Vec<f64>> = vec![Vec::new(); args.methods.len()];
    for (name, w, h, data) in images {
        let img = rgb(*w, *h, data.clone());
        let mut cells = Vec::new();
        let mut kmeans_mean = None;
        let mut means = Vec::new();
        let mut seen = Vec::new();
        for &m in &args.methods {
            let p = extract(&img, &options(args.colors, m)).expect("extract");
            let region = p.region;
            let q = measure_in(&img, region, &hexes(&p));
            means.push(q.mean);
            seen.push(seen_mean(&img, region, &hexes(&p)));
            if m == Method::KMeans {
                kmeans_mean = Some(q.mean);
            }
            cells.push(format!("{:.2} / {:.1} / {:.1}", q.mean, q.p99, q.min_pair.min(99.0)));
        }
        let kmeans_seen = args.methods.iter().position(|&m| m == Method::KMeans).map(|i| seen[i]);
        for (i, mean) in means.iter().enumerate() {
            // (An image k-means covers exactly has no ratio.)
            if let Some(k) = kmeans_mean.filter(|&k| k > 0.0) {
                ratios[i].push(mean / k);
            }
            if let Some(k) = kmeans_seen.filter(|&k| k > 0.0) {
                seen_ratios[i].push(seen[i] / k);
            }
        }
        for (i, c) in cells.iter().enumerate() {
            minpairs[i].push(c.rsplit(" / ").next().unwrap().parse().unwrap());
        }
        println!("| {name} | {} |", cells.join(" | "));
    }
    println!("\nMedian (max) of mean ÷ kmeans' mean (ΔE_ok, and by eye: with L_r for L), and median (min) of the min pair:\n");
    println!("| method | mean ÷ kmeans | by eye ÷ kmeans | min pair ΔE_ok |\n|---|---|---|---|");
    for (i, m) in args.methods.iter().enumerate() {
        let max = ratios[i].iter().cloned().fold(0.0, f64::max);
        let seen_max = seen_ratios[i].iter().cloned().fold(0.0, f64::max);
        let min = minpairs[i].iter().cloned().fold(f64::INFINITY, f64::min);
        println!(
            "| {} | {:.3} ({:.3}) | {:.3} ({:.3}) | {:.1} ({:.1}) |",
            m.name(),
            median(ratios[i].clone()),
            max,
            median(seen_ratios[i].clone()),
            seen_max,
            median(minpairs[i].clone()),
            min
        );
    }
    println!();
}

/// The mean distance by eye (ΔE_ok with the toe-corrected lightness L_r)
/// from the pixels of `r` to their nearest color of `palette`.
fn seen_mean(img: &Image, r: Rect, palette: &[[u8; 3]]) -> f64 {
    let mut counts = std::collections::HashMap::<[u8; 3], u64>::new();
    for y in r.y..r.y + r.height {
        for x in r.x..r.x + r.width {
            let [cr, cg, cb, _] = img.rgba_at(x, y);
            *counts.entry([cr, cg, cb]).or_default() += 1;
        }
    }
    let swatches: Vec<Oklab> = palette.iter().map(|&c| rgb8_to_oklab(c)).collect();
    let (mut sum, mut n) = (0.0, 0.0);
    for (c, k) in counts {
        let p = rgb8_to_oklab(c);
        let d = swatches.iter().map(|s| p.delta_e_seen(*s)).fold(f64::INFINITY, f64::min);
        sum += d * k as f64;
        n += k as f64;
    }
    sum / n
}

/// The quality of `palette` on the pixels of `region`.
fn measure_in(img: &Image, r: Rect, palette: &[[u8; 3]]) -> quality::Quality {
    if r == Rect::full(img.width(), img.height()) {
        return quality::measure(img, palette, 128).expect("pixels");
    }
    let mut data = Vec::with_capacity(r.pixel_count() as usize * 3);
    for y in r.y..r.y + r.height {
        for x in r.x..r.x + r.width {
            let [cr, cg, cb, _] = img.rgba_at(x, y);
            data.extend([cr, cg, cb]);
        }
    }
    quality::measure(&rgb(r.width, r.height, data), palette, 128).expect("pixels")
}

// ---------------------------------------------------------------- accents

/// Vivid colors far from most photos' own.
const SPOT_COLORS: [[u8; 3]; 8] = [
    [255, 40, 160],
    [0, 225, 210],
    [150, 255, 30],
    [255, 110, 0],
    [130, 30, 255],
    [255, 230, 0],
    [0, 70, 255],
    [235, 0, 30],
];
const SPOT_SIZES: [f64; 3] = [0.01, 0.003, 0.001];

/// The photo with three discs of `share` of its pixels each, and their mean colors.
fn spotted(w: u32, h: u32, data: &[u8], share: f64, seed: u64) -> (Vec<u8>, Vec<[u8; 3]>) {
    // The three spot colors farthest from the photo's colors (its kmeans palette of 24).
    let base = extract(&rgb(w, h, data.to_vec()), &options(24, Method::KMeans)).expect("extract");
    let mut far: Vec<(f64, [u8; 3])> = SPOT_COLORS
        .iter()
        .map(|&c| (base.swatches.iter().map(|s| de(s.rgb, c)).fold(f64::INFINITY, f64::min), c))
        .collect();
    far.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out = data.to_vec();
    let mut rng = Lcg(seed);
    let radius = ((share * w as f64 * h as f64) / std::f64::consts::PI).sqrt();
    let mut means = Vec::new();
    let mut centers: Vec<(f64, f64)> = Vec::new();
    for (_, color) in far.iter().take(3) {
        // Spread apart, away from the edges.
        let (cx, cy) = loop {
            let cx = radius + 2.0 + rng.below((w as f64 - 2.0 * radius - 4.0).max(1.0) as u32) as f64;
            let cy = radius + 2.0 + rng.below((h as f64 - 2.0 * radius - 4.0).max(1.0) as u32) as f64;
            if centers.iter().all(|&(x, y)| (x - cx).hypot(y - cy) > 2.5 * radius) {
                break (cx, cy);
            }
        };
        centers.push((cx, cy));
        let mut sum = [0f64; 3];
        let mut n = 0.0;
        for y in (cy - radius).floor().max(0.0) as u32..((cy + radius).ceil() as u32).min(h) {
            for x in (cx - radius).floor().max(0.0) as u32..((cx + radius).ceil() as u32).min(w) {
                if (x as f64 + 0.5 - cx).hypot(y as f64 + 0.5 - cy) <= radius {
                    let i = (y * w + x) as usize * 3;
                    for c in 0..3 {
                        out[i + c] = add(color[c], rng.noise(6));
                        sum[c] += out[i + c] as f64;
                    }
                    n += 1.0;
                }
            }
        }
        means.push(sum.map(|s| (s / n).round() as u8));
    }
    (out, means)
}

fn accents_section(args: &Args, images: &[(String, u32, u32, Vec<u8>)]) {
    println!("## Accent recall (n = {}): spots with a swatch within ΔE_ok 10\n", args.colors);
    let photos: Vec<_> = images.iter().filter(|i| i.1 * i.2 >= 100_000).collect();
    if let Ok(dir) = std::env::var("SPOT_DUMP") {
        for (k, (name, w, h, data)) in photos.iter().enumerate() {
            let (painted, _) = spotted(*w, *h, data, 0.001, 7 + k as u64);
            let img = image::RgbImage::from_raw(*w, *h, painted).unwrap();
            img.save(format!("{dir}/{name}.png")).unwrap();
        }
    }
    let names: Vec<&str> = args.methods.iter().map(|m| m.name()).collect();
    println!("| spot size | {} | within budget |", names.join(" | "));
    println!("|---|{}---|", "---|".repeat(names.len()));
    let mut ceiling = (0usize,);
    let mut ceiling_row = 0usize;
    let mut totals = vec![(0, 0, Vec::new()); args.methods.len()];
    for &share in &SPOT_SIZES {
        let mut row = vec![(0, 0); args.methods.len()];
        for (k, (_, w, h, data)) in photos.iter().enumerate() {
            let (painted, spots) = spotted(*w, *h, data, share, 7 + k as u64);
            let img = rgb(*w, *h, painted);
            for (i, &m) in args.methods.iter().enumerate() {
                let p = extract(&img, &options(args.colors, m)).expect("extract");
                let got = hexes(&p);
                let kept = spots.iter().filter(|&&s| got.iter().any(|&g| de(g, s) <= 10.0)).count();
                if std::env::var_os("BENCH_DEBUG").is_some() && kept < spots.len() {
                    let hx = |v: &[[u8; 3]]| {
                        v.iter().map(|c| format!("{:02x}{:02x}{:02x}", c[0], c[1], c[2])).collect::<Vec<_>>().join(" ")
                    };
                    eprintln!("{} {share} {}: spots {} got {}", photos[k].0, m.name(), hx(&spots), hx(&got));
                }
                row[i].0 += kept;
                row[i].1 += spots.len();
                totals[i].0 += kept;
                totals[i].1 += spots.len();
                let plain = extract(&rgb(*w, *h, data.clone()), &options(args.colors, m)).expect("extract");
                let q = measure_in(&img, p.region, &got);
                let q0 = measure_in(&img, plain.region, &hexes(&plain));
                totals[i].2.push(q.mean / q0.mean);
            }
        }
        // The most spots any palette of this size keeps within the budget:
        // for j spots, the photo's own k-means palette of n − j colors plus
        // the best j spot colors, against k-means' n colors on the painted photo.
        for (k, (_, w, h, data)) in photos.iter().enumerate() {
            let (painted, spots) = spotted(*w, *h, data, share, 7 + k as u64);
            let img = rgb(*w, *h, painted);
            let full = Rect::full(*w, *h);
            let reference = extract(&img, &options(args.colors, Method::KMeans)).expect("extract");
            let reference = measure_in(&img, full, &hexes(&reference)).mean;
            let mut most = 0;
            for j in 1..=spots.len().min(args.colors - 1) {
                let base =
                    extract(&rgb(*w, *h, data.clone()), &options(args.colors - j, Method::KMeans)).expect("extract");
                let best = subsets(spots.len(), j)
                    .into_iter()
                    .map(|set| {
                        let mut palette = hexes(&base);
                        palette.extend(set.iter().map(|&i| spots[i]));
                        measure_in(&img, full, &palette).mean
                    })
                    .fold(f64::INFINITY, f64::min);
                if best <= reference * (1.0 + BUDGET) {
                    most = j;
                }
            }
            ceiling.0 += most;
            ceiling_row += most;
        }
        let cells: Vec<String> = row.iter().map(|(k, n)| format!("{k} / {n}")).collect();
        println!("| {:.1} % | {} | {ceiling_row} / {} |", share * 100.0, cells.join(" | "), photos.len() * 3);
        ceiling_row = 0;
    }
    let cells: Vec<String> = totals.iter().map(|(k, n, _)| format!("**{k} / {n}**")).collect();
    println!("| all | {} | **{} / {}** |", cells.join(" | "), ceiling.0, photos.len() * 3 * SPOT_SIZES.len());
    println!(
        "\n{} photos of at least 0.1 MP, 3 spots each per size. Within budget: the most spots a palette of {} colors",
        photos.len(),
        args.colors
    );
    println!(
        "can keep while its mean ΔE_ok stays within {:.0} % of k-means' on the painted photo (the photo's own",
        BUDGET * 100.0
    );
    println!("k-means palette of n − j colors plus the best j spot colors, for j = 1, 2, 3).\n");
}

/// The coverage budget of `telling` (its mean ΔE_ok over k-means').
const BUDGET: f64 = cinepal::cluster::telling::COVERAGE_BUDGET;

/// The subsets of `0..n` with `j` members.
fn subsets(n: usize, j: usize) -> Vec<Vec<usize>> {
    (0u32..1 << n)
        .filter(|m| m.count_ones() as usize == j)
        .map(|m| (0..n).filter(|i| m >> i & 1 == 1).collect())
        .collect()
}

// ---------------------------------------------------------------- letterbox

struct Bars {
    name: &'static str,
    color: [u8; 3],
    noise: i32,
}

const BARS: [Bars; 4] = [
    Bars { name: "black", color: [0, 0, 0], noise: 0 },
    Bars { name: "near-black, noisy", color: [10, 9, 12], noise: 4 },
    Bars { name: "dark blue", color: [12, 18, 40], noise: 2 },
    Bars { name: "white", color: [250, 250, 250], noise: 2 },
];

/// The photo between bars of `share` of the side (top and bottom, or left and right), and the truth.
/// How bars are added: their share of the side, pillarbox (else letterbox), a soft edge.
#[derive(Clone, Copy)]
struct Layout {
    share: f64,
    pillar: bool,
    soft: bool,
}

fn barred(w: u32, h: u32, data: &[u8], bars: &Bars, layout: Layout, seed: u64) -> (Image, Rect) {
    let Layout { share, pillar, soft } = layout;
    let (bw, bh) = if pillar { ((w as f64 * share).round() as u32, 0) } else { (0, (h as f64 * share).round() as u32) };
    let (fw, fh) = (w + 2 * bw, h + 2 * bh);
    let mut out = Vec::with_capacity((fw * fh * 3) as usize);
    let mut rng = Lcg(seed);
    for y in 0..fh {
        for x in 0..fw {
            let inside = x >= bw && x < bw + w && y >= bh && y < bh + h;
            if inside {
                let i = ((y - bh) * w + (x - bw)) as usize * 3;
                let mut px = [data[i], data[i + 1], data[i + 2]];
                // A soft edge: the picture's first two lines blend into the bar.
                let edge = if pillar { (x - bw).min(bw + w - 1 - x) } else { (y - bh).min(bh + h - 1 - y) };
                if soft && edge < 2 {
                    let t = if edge == 0 { 0.5 } else { 0.25 };
                    for (v, &b) in px.iter_mut().zip(&bars.color) {
                        *v = (*v as f64 * (1.0 - t) + b as f64 * t).round() as u8;
                    }
                }
                out.extend(px);
            } else {
                let n = rng.noise(bars.noise);
                out.extend(bars.color.map(|c| add(c, n)));
            }
        }
    }
    (rgb(fw, fh, out), Rect { x: bw, y: bh, width: w, height: h })
}

/// Whether the photo's outermost line on a side that gets bars is flat in `color`.
fn continues(w: u32, h: u32, data: &[u8], color: [u8; 3], pillar: bool) -> bool {
    let px = |x: u32, y: u32| {
        let i = (y * w + x) as usize * 3;
        [data[i], data[i + 1], data[i + 2]]
    };
    let near = |p: [u8; 3]| (0..3).all(|c| p[c].abs_diff(color[c]) <= 24);
    let flat = |line: Vec<[u8; 3]>| line.iter().filter(|&&p| near(p)).count() as f64 >= 0.9 * line.len() as f64;
    if pillar {
        flat((0..h).map(|y| px(0, y)).collect()) || flat((0..h).map(|y| px(w - 1, y)).collect())
    } else {
        flat((0..w).map(|x| px(x, 0)).collect()) || flat((0..w).map(|x| px(x, h - 1)).collect())
    }
}

fn letterbox_section(args: &Args, images: &[(String, u32, u32, Vec<u8>)]) {
    println!("## Letterbox (n = {}, telling): bars added to the photos\n", args.colors);
    println!("| bars | cases (+ ambiguous) | region within 3 px | worst offset (px) | swatch of the bars' color | palette change, median (max) ΔE_ok |");
    println!("|---|---|---|---|---|---|");
    let photos: Vec<_> = images.iter().filter(|i| i.1 * i.2 >= 100_000 && !i.0.contains("letterbox")).collect();
    for bars in &BARS {
        let (mut cases, mut within, mut worst, mut bar_swatches, mut ambiguous) = (0, 0, 0u32, 0, 0);
        let mut change = Vec::new();
        for (k, (_, w, h, data)) in photos.iter().enumerate() {
            let bare = rgb(*w, *h, data.clone());
            let plain = extract(
                &bare,
                &Options { region: cinepal::region::Region::Full, ..options(args.colors, Method::Telling) },
            )
            .expect("extract");
            let plain_hex = hexes(&plain);
            for (share, pillar, soft) in
                [(0.06, false, false), (0.14, false, true), (0.10, true, false), (0.06, true, true)]
            {
                let (img, truth) = barred(*w, *h, data, bars, Layout { share, pillar, soft }, 11 + k as u64);
                let p = extract(&img, &options(args.colors, Method::Telling)).expect("extract");
                let r = p.region;
                let off = [
                    r.x.abs_diff(truth.x),
                    r.y.abs_diff(truth.y),
                    (r.x + r.width).abs_diff(truth.x + truth.width),
                    (r.y + r.height).abs_diff(truth.y + truth.height),
                ]
                .into_iter()
                .max()
                .unwrap();
                // The photo's own outer lines on a barred side already in the bars' color: the bar
                // and the picture's margin are one flat area, and no detector can tell where one ends.
                if continues(*w, *h, data, bars.color, pillar) {
                    ambiguous += 1;
                    continue;
                }
                cases += 1;
                if off > 3 && std::env::var_os("BENCH_DEBUG").is_some() {
                    eprintln!(
                        "{} {} share {share} pillar {pillar} soft {soft}: found {r} truth {truth}",
                        photos[k].0, bars.name
                    );
                }
                within += (off <= 3) as usize;
                worst = worst.max(off);
                let got = hexes(&p);
                // A swatch of the bars' color that the bare photo's palette does not have.
                let plain_has = plain_hex.iter().any(|&c| de(c, bars.color) < 5.0);
                if !plain_has && got.iter().any(|&c| de(c, bars.color) < 5.0) {
                    bar_swatches += 1;
                }
                // How far each swatch is from the nearest of the bare photo's palette, and back.
                let d1 = got.iter().map(|&a| plain_hex.iter().map(|&b| de(a, b)).fold(f64::INFINITY, f64::min));
                let d2 = plain_hex.iter().map(|&a| got.iter().map(|&b| de(a, b)).fold(f64::INFINITY, f64::min));
                change.extend(d1.chain(d2));
            }
        }
        let max = change.iter().cloned().fold(0.0, f64::max);
        println!(
            "| {} | {cases} (+{ambiguous}) | {within} | {worst} | {bar_swatches} | {:.2} ({:.1}) |",
            bars.name,
            median(change),
            max
        );
    }
    println!("\n{} photos (not the letterboxed one); per bar color: letterbox 6 % and 14 % (soft edge), pillarbox 10 % and 6 % (soft edge). Ambiguous: the photo's own outer line on a barred side is already flat in the bars' color (left out of the other columns).\n", photos.len());
}

// ---------------------------------------------------------------- dark scenes

fn dark_section(dir: &Path) {
    println!("## The region detector on photos without bars\n");
    println!("| image | as is | darkened ×0.35 |\n|---|---|---|");
    let (mut fp, mut n) = (0, 0);
    // As decoded (alpha kept: transparent pixels are not a border).
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    paths.sort();
    for p in paths {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Some(img) = std::fs::read(&p).ok().and_then(|b| decode(&b, &Limits::default()).ok()) else { continue };
        if name.contains("letterbox") {
            continue;
        }
        let (w, h) = (img.width(), img.height());
        let mut data = Vec::with_capacity(w as usize * h as usize * 4);
        for y in 0..h {
            for x in 0..w {
                data.extend(img.rgba_at(x, y));
            }
        }
        let dark: Vec<u8> = data
            .chunks_exact(4)
            .flat_map(|p| {
                let d = |c: u8| (linear_to_srgb(srgb_to_linear(c as f64 / 255.0) * 0.35) * 255.0).round() as u8;
                [d(p[0]), d(p[1]), d(p[2]), p[3]]
            })
            .collect();
        let show = |img: Image| {
            let r = detect(&img);
            if r == Rect::full(img.width(), img.height()) {
                (0, "whole image".to_string())
            } else {
                (1, format!("**{r}**"))
            }
        };
        let (a, ta) = show(img);
        let (b, tb) = show(Image::from_rgba(w, h, dark).expect("rgba"));
        fp += a + b;
        n += 2;
        println!("| {name} | {ta} | {tb} |");
    }
    println!("\nFalse positives: {fp} of {n}.\n");
}

// ---------------------------------------------------------------- monochrome

fn mono_section(args: &Args, images: &[(String, u32, u32, Vec<u8>)]) {
    println!("## Monochrome (n = {}): the most chromatic swatch against the image's own chroma\n", args.colors);
    println!("| image | version | p99.9 pixel chroma | max swatch chroma (telling) | hue spread of swatches (°) |");
    println!("|---|---|---|---|---|");
    for (name, w, h, data) in images.iter().filter(|i| i.1 * i.2 >= 100_000) {
        for version in ["gray", "sepia", "duotone"] {
            let out: Vec<u8> = data
                .chunks_exact(3)
                .flat_map(|p| {
                    let y = (0.2126 * p[0] as f64 + 0.7152 * p[1] as f64 + 0.0722 * p[2] as f64) / 255.0;
                    match version {
                        "gray" => [(y * 255.0).round() as u8; 3],
                        "sepia" => {
                            [(y * 255.0).min(255.0), y * 0.82 * 255.0, y * 0.62 * 255.0].map(|v| v.round() as u8)
                        }
                        _ => {
                            // Dark teal to warm cream.
                            let (a, b) = ([20.0, 40.0, 60.0], [240.0, 225.0, 190.0]);
                            [0, 1, 2].map(|c| (a[c] + (b[c] - a[c]) * y).round() as u8)
                        }
                    }
                })
                .collect();
            let mut chroma: Vec<f64> =
                out.chunks_exact(3).step_by(7).map(|p| rgb8_to_oklab([p[0], p[1], p[2]]).chroma()).collect();
            chroma.sort_by(f64::total_cmp);
            let p999 = chroma[(chroma.len() as f64 * 0.999) as usize - 1];
            let p = extract(&rgb(*w, *h, out), &options(args.colors, Method::Telling)).expect("extract");
            let labs: Vec<Oklab> = p.swatches.iter().map(|s| rgb8_to_oklab(s.rgb)).collect();
            let max = labs.iter().map(|l| l.chroma()).fold(0.0, f64::max);
            let hues: Vec<f64> = labs.iter().filter(|l| l.chroma() > 0.02).map(|l| l.hue_degrees()).collect();
            let spread = if hues.len() < 2 {
                0.0
            } else {
                hues.iter()
                    .flat_map(|a| hues.iter().map(move |b| ((a - b).abs() % 360.0).min(360.0 - (a - b).abs() % 360.0)))
                    .fold(0.0, f64::max)
            };
            println!("| {name} | {version} | {:.3} | {:.3} | {:.0} |", p999, max, spread);
        }
    }
    println!();
}

// ---------------------------------------------------------------- speed

fn speed_section(args: &Args, images: &[(String, u32, u32, Vec<u8>)]) {
    let Some((name, w, h, data)) = images.iter().find(|i| i.0.contains("11mp")) else {
        println!("(no 11 MP image: speed skipped)\n");
        return;
    };
    println!("## Speed: {name} ({:.1} MP), single thread, median and best of 9\n", (*w as f64 * *h as f64) / 1e6);
    let img = rgb(*w, *h, data.clone());
    // (median, best) of 9 wall-clock runs: the best is the least disturbed by a busy machine.
    let time = |f: &mut dyn FnMut()| {
        let mut t: Vec<f64> = (0..9)
            .map(|_| {
                let t0 = Instant::now();
                f();
                t0.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        t.sort_by(f64::total_cmp);
        format!("{:.2} | {:.2}", t[4], t[0])
    };
    println!("| step | median ms | best ms |\n|---|---|---|");
    let region = time(&mut || {
        std::hint::black_box(detect(&img));
    });
    println!("| region detection (auto) | {region} |");
    for &m in &args.methods {
        let ms = time(&mut || {
            std::hint::black_box(extract(&img, &options(args.colors, m)).expect("extract"));
        });
        println!("| extraction, {} (region auto, all pixels) | {ms} |", m.name());
        let full = Options { region: cinepal::region::Region::Full, ..options(args.colors, m) };
        let ms = time(&mut || {
            std::hint::black_box(extract(&img, &full).expect("extract"));
        });
        println!("| extraction, {} (region full, all pixels) | {ms} |", m.name());
    }
    println!();
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("telling: {e}");
            std::process::exit(2);
        }
    };
    let images = load(&args.dir);
    if images.is_empty() {
        println!("no images in {} (skipped)", args.dir.display());
        return;
    }
    let _ = Space::Oklab;
    let on = |s: &str| args.only.iter().any(|o| o == s);
    if on("quality") {
        quality_section(&args, &images);
    }
    if on("accents") {
        accents_section(&args, &images);
    }
    if on("letterbox") {
        letterbox_section(&args, &images);
    }
    if on("dark") {
        dark_section(&args.dir);
    }
    if on("mono") {
        mono_section(&args, &images);
    }
    if on("speed") {
        speed_section(&args, &images);
    }
}
